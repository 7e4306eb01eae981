package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crucible-net/crucible/examples/linreg/client"
)

func TestCopyWeights(t *testing.T) {
	mg := metagraph{Neurons: []neuron{{UID: 0, Consensus: 0}, {UID: 1, Consensus: 0.6}, {UID: 2}, {UID: 3, Consensus: 0.4}}}
	want := []weight{{1, 0.6}, {3, 0.4}}
	if got := copyWeights(mg); !reflect.DeepEqual(got, want) {
		t.Errorf("copyWeights = %v, want %v", got, want)
	}
	if got := copyWeights(metagraph{}); got != nil {
		t.Errorf("empty metagraph: %v", got)
	}
}

func TestFlags(t *testing.T) {
	if code := run(context.Background(), []string{"-poll", "0s"}, io.Discard); code != 2 {
		t.Errorf("-poll 0s: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-bogus"}, io.Discard); code != 2 {
		t.Errorf("-bogus: exit %d, want 2", code)
	}
}

// TestRun runs the program against a fake node through four metagraphs:
// no epoch yet, epoch 3 (copied and committed for epoch 4), epoch 3 again
// (nothing), epoch 4 (refused with 409, logged), epoch 5 (copied).
func TestRun(t *testing.T) {
	fn := newFakeNode(t)
	var logb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // before the server's Close
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-api", fn.srv.URL, "-token-file", fn.tokenFile, "-subnet", "2", "-poll", "1ms"}, &logb)
	}()

	fn.waitPolls(t, 3) // no epoch: nothing posted
	fn.set(3, []float64{0, 0.7, 0.3}, 200, `{"epoch":4,"commit":"abcdef0123456789"}`)
	p := fn.next(t)
	if p.auth != "Bearer secret" || p.body != `{"weights":[{"uid":1,"weight":0.7},{"uid":2,"weight":0.3}]}` {
		t.Errorf("post %+v", p)
	}
	fn.waitPolls(t, 5) // epoch 3 stays: copied once only

	fn.set(4, []float64{0.5, 0.5, 0}, 409, `{"error":"weights of epoch 5 are committed already"}`)
	if p := fn.next(t); p.body != `{"weights":[{"uid":0,"weight":0.5},{"uid":1,"weight":0.5}]}` {
		t.Errorf("post %+v", p)
	}
	fn.waitPolls(t, 5) // refused: not retried

	fn.set(5, []float64{0, 0, 1}, 200, `{"epoch":6,"commit":"0123"}`)
	if p := fn.next(t); p.body != `{"weights":[{"uid":2,"weight":1}]}` {
		t.Errorf("post %+v", p)
	}
	fn.waitPolls(t, 3)
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	if extra := fn.drain(); len(extra) > 0 {
		t.Errorf("extra posts: %+v", extra)
	}
	for _, want := range []string{
		"copier: epoch 3: copied consensus of 2 uids as weights for epoch 4; commit abcdef012345\n",
		"copier: epoch 4: copied consensus of 2 uids; node refused: 409 Conflict: weights of epoch 5 are committed already\n",
		"copier: epoch 5: copied consensus of 1 uids as weights for epoch 6; commit 0123\n",
	} {
		if !strings.Contains(logb.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logb.String())
		}
	}
}

// TestLateRecord: a record that arrives after the node has committed for
// the epoch that follows it is not copied again.
func TestLateRecord(t *testing.T) {
	four := uint64(4)
	c := &copier{committed: &four}
	fn := newFakeNode(t)
	c.cfg = config{api: client.API{URL: fn.srv.URL, TokenFile: fn.tokenFile, Subnet: 2}}
	fn.set(3, []float64{1}, 500, `{"error":"must not be called"}`)
	c.step(context.Background())
	if c.copied == nil || *c.copied != 3 {
		t.Errorf("copied %v, want 3", c.copied)
	}
	if posts := fn.drain(); len(posts) > 0 {
		t.Errorf("posted %+v", posts)
	}
}

// fakeNode serves a metagraph the test sets and records weight POSTs.
type fakeNode struct {
	srv       *httptest.Server
	tokenFile string
	posts     chan post
	polls     chan struct{}

	mu        sync.Mutex
	epoch     *uint64
	consensus []float64
	code      int
	answer    string
}

type post struct{ auth, body string }

func newFakeNode(t *testing.T) *fakeNode {
	t.Helper()
	fn := &fakeNode{posts: make(chan post, 100), polls: make(chan struct{}, 1000), tokenFile: filepath.Join(t.TempDir(), "api.token")}
	if err := os.WriteFile(fn.tokenFile, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/subnets/2/metagraph", func(w http.ResponseWriter, r *http.Request) {
		fn.mu.Lock()
		neurons := []map[string]any{}
		for i, c := range fn.consensus {
			neurons = append(neurons, map[string]any{"uid": i, "peer": fmt.Sprint("12D3KooW", i), "consensus": c, "incentive": c})
		}
		mg := map[string]any{"subnet": 2, "name": "linreg", "head": 100, "neurons": neurons}
		if fn.epoch != nil {
			mg["epoch"] = *fn.epoch
		}
		fn.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(mg)
		select {
		case fn.polls <- struct{}{}:
		default:
		}
	})
	mux.HandleFunc("POST /v1/subnets/2/weights", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fn.posts <- post{auth: r.Header.Get("Authorization"), body: string(b)}
		fn.mu.Lock()
		code, answer := fn.code, fn.answer
		fn.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, answer)
	})
	fn.srv = httptest.NewServer(mux)
	t.Cleanup(fn.srv.Close)
	return fn
}

// set changes the metagraph and the answer to the next weight POST.
func (fn *fakeNode) set(epoch uint64, consensus []float64, code int, answer string) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	fn.epoch, fn.consensus, fn.code, fn.answer = &epoch, consensus, code, answer
}

// waitPolls waits until the copier has read the metagraph n more times.
func (fn *fakeNode) waitPolls(t *testing.T, n int) {
	t.Helper()
	for len(fn.polls) > 0 {
		<-fn.polls
	}
	for range n {
		select {
		case <-fn.polls:
		case <-time.After(10 * time.Second):
			t.Fatal("the copier stopped polling")
		}
	}
}

func (fn *fakeNode) next(t *testing.T) post {
	t.Helper()
	select {
	case p := <-fn.posts:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no weights posted in 10s")
		return post{}
	}
}

func (fn *fakeNode) drain() []post {
	var out []post
	for {
		select {
		case p := <-fn.posts:
			out = append(out, p)
		default:
			return out
		}
	}
}

// syncBuffer is a log destination safe to read while the copier runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
