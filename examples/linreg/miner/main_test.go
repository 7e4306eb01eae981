package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crucible-net/crucible/examples/linreg/model"
)

func params(i int) []byte {
	p := sha256.Sum256([]byte(fmt.Sprint("task ", i)))
	return p[:]
}

func TestFitRecoversTruth(t *testing.T) {
	for i := range 5 {
		task := model.TaskFromParams(params(i))
		w, err := fitTask(task, 512)
		if err != nil {
			t.Fatal(err)
		}
		truth := model.TrueWeights(task)
		for j := range w {
			// The standard error is noise/sqrt(samples) ≈ 0.0044.
			if d := math.Abs(w[j] - truth[j]); d > 0.03 {
				t.Errorf("task %d weight %d: fitted %v, true %v", i, j, w[j], truth[j])
			}
		}
	}
}

func TestFitSingular(t *testing.T) {
	x := [][]float64{{1, 2}, {2, 4}, {3, 6}} // second column = 2 × first
	if _, err := fit(x, []float64{1, 2, 3}); err != errSingular {
		t.Errorf("collinear columns: %v, want errSingular", err)
	}
	if _, err := fit(nil, nil); err == nil {
		t.Error("no samples: no error")
	}
	w, err := fit([][]float64{{1, 0}, {0, 1}, {1, 1}}, []float64{2, 3, 5})
	if err != nil || math.Abs(w[0]-2) > 1e-12 || math.Abs(w[1]-3) > 1e-12 {
		t.Errorf("exact system: %v, %v", w, err)
	}
}

func TestAddNoise(t *testing.T) {
	w := []float64{1, 2, 3, 4}
	a, b := addNoise(w, 0.3, "bafytask1"), addNoise(w, 0.3, "bafytask1")
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same task, different noise: %v %v", a, b)
	}
	if reflect.DeepEqual(a, addNoise(w, 0.3, "bafytask2")) || reflect.DeepEqual(a, w) {
		t.Error("noise does not depend on the task")
	}
	if got := addNoise(w, 0, "bafytask1"); !reflect.DeepEqual(got, w) {
		t.Errorf("zero noise changed the weights: %v", got)
	}
}

// TestQualitiesRank scores each quality's answers with the evaluator's
// own scoring (model.TestMSE and model.Score are what the evaluator calls)
// on fresh evaluation seeds: honest > noisy > lazy on every task after
// the first, which lazy fits too.
func TestQualitiesRank(t *testing.T) {
	cfg := config{samples: 512, noise: 0.3}
	miners := map[quality]*miner{}
	for _, q := range []quality{honest, noisy, lazy} {
		miners[q] = newMiner(cfg, io.Discard)
	}
	sum := map[quality]float64{}
	const tasks = 12
	for i := range tasks {
		task := model.TaskFromParams(params(i))
		cid := fmt.Sprint("bafytask", i)
		seed := sha256.Sum256([]byte(fmt.Sprint("epoch seed ", i)))
		score := map[quality]float64{}
		for q, m := range miners {
			w, _, err := m.weightsFor(q, task, cid)
			if err != nil {
				t.Fatal(err)
			}
			score[q] = model.Score(model.TestMSE(seed, task, w))
			sum[q] += score[q]
		}
		if i == 0 {
			if score[lazy] != score[honest] {
				t.Errorf("first task: lazy %v, honest %v; lazy fits its first task", score[lazy], score[honest])
			}
			continue
		}
		if !(score[honest] > score[noisy] && score[noisy] > score[lazy]) {
			t.Errorf("task %d: honest %.4f, noisy %.4f, lazy %.4f", i, score[honest], score[noisy], score[lazy])
		}
	}
	t.Logf("mean scores: honest %.4f, noisy %.4f, lazy %.4f", sum[honest]/tasks, sum[noisy]/tasks, sum[lazy]/tasks)
	if sum[honest]/tasks < 0.98 {
		t.Errorf("honest mean score %v, want about 1/(1+noise²)", sum[honest]/tasks)
	}
}

func TestParseQuality(t *testing.T) {
	tests := []struct {
		in   string
		want quality
		ok   bool
	}{
		{"honest", honest, true},
		{"noisy\n", noisy, true},
		{"  LAZY ", lazy, true},
		{"plagiarist", plagiarist, true},
		{"", 0, false},
		{"greedy", 0, false},
	}
	for _, tc := range tests {
		q, err := parseQuality(tc.in)
		if (err == nil) != tc.ok || (tc.ok && q != tc.want) {
			t.Errorf("parseQuality(%q) = %v, %v", tc.in, q, err)
		}
		if tc.ok && q.String() != strings.ToLower(strings.TrimSpace(tc.in)) {
			t.Errorf("%v.String() = %q", q, q.String())
		}
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-quality", "greedy"},
		{"-samples", "3"},
		{"-noise", "-1"},
		{"extra"},
	} {
		var errb bytes.Buffer
		if code := run(context.Background(), args, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, code, errb.String())
		}
	}
}

func TestQualityFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quality")
	var logb syncBuffer
	m := newMiner(config{quality: honest, qualityFile: path, samples: 512}, &logb)
	if q := m.currentQuality(); q != honest {
		t.Errorf("no file yet: %v, want the flag's honest", q)
	}
	write(t, path, "lazy\n")
	if q := m.currentQuality(); q != lazy {
		t.Errorf("file says lazy: %v", q)
	}
	write(t, path, "bogus")
	if q := m.currentQuality(); q != lazy {
		t.Errorf("bogus file: %v, want lazy kept", q)
	}
	if !strings.Contains(logb.String(), `unknown quality "bogus"`) {
		t.Errorf("log %q", logb.String())
	}

	// Switched from honest to lazy, the miner resubmits its first fit.
	m = newMiner(config{quality: honest, samples: 512}, io.Discard)
	first := model.TaskFromParams(params(0))
	w0, _, _ := m.weightsFor(honest, first, "bafytask0")
	w1, note, _ := m.weightsFor(lazy, model.TaskFromParams(params(1)), "bafytask1")
	if !reflect.DeepEqual(w0, w1) || !strings.Contains(note, "bafytask0") {
		t.Errorf("lazy after honest: %v (%s), want %v", w1, note, w0)
	}
}

func TestReadEvents(t *testing.T) {
	tests := []struct {
		name, in string
		want     []event
	}{
		{"comments and keep-alives", ": crucible task stream\n\n: keep-alive\n\nevent: task\ndata: {\"a\":1}\n\n",
			[]event{{Type: "task", Data: `{"a":1}`}}},
		{"multi-line data", "event: task\ndata: line one\ndata: line two\n\n",
			[]event{{Type: "task", Data: "line one\nline two"}}},
		{"default type, no space, CRLF", "data:x\r\nid: 7\r\n\r\n", []event{{Type: "message", Data: "x", ID: "7"}}},
		{"two events", "event: task\ndata: 1\n\nevent: task\ndata: 2\n\n",
			[]event{{Type: "task", Data: "1"}, {Type: "task", Data: "2"}}},
		{"event without data is not dispatched", "event: task\n\nretry: 10\n\n", nil},
		{"cut off at the end", "event: task\ndata: 1\n\nevent: task\ndata: 2", []event{{Type: "task", Data: "1"}}},
		{"comment inside an event", "event: task\n: note\ndata: 1\n\n", []event{{Type: "task", Data: "1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []event
			if err := readEvents(strings.NewReader(tc.in), func(e event) { got = append(got, e) }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestRunOneTask runs the program against a fake node for one task: it
// POSTs the output file, then the answer naming it.
func TestRunOneTask(t *testing.T) {
	task := testTask("bafytaskA", 0)
	fn := newFakeNode(t, [][]minerTask{{task}})
	var logb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // before the server's Close, which waits for the stream
	done := make(chan int)
	go func() { done <- run(ctx, fn.args("-quality", "honest"), &logb) }()

	content := fn.next(t)
	if content.path != "/v1/content" || content.auth != "Bearer secret" {
		t.Fatalf("first call %s with %q, want POST /v1/content with the token", content.path, content.auth)
	}
	var out struct{ Weights []float64 }
	if err := json.Unmarshal(content.body, &out); err != nil || len(out.Weights) != model.ParamsDim {
		t.Fatalf("output %s: %v", content.body, err)
	}
	truth := model.TrueWeights(model.TaskFromParams(task.Params))
	for j := range truth {
		if math.Abs(out.Weights[j]-truth[j]) > 0.03 {
			t.Errorf("weight %d: %v, true %v", j, out.Weights[j], truth[j])
		}
	}
	ans := fn.next(t)
	if ans.path != "/v1/subnets/0/answers" || ans.auth != "Bearer secret" {
		t.Fatalf("second call %s with %q, want POST answers with the token", ans.path, ans.auth)
	}
	if want := fmt.Sprintf(`{"output":%q,"task":"bafytaskA"}`, cidOf(content.body)); string(ans.body) != want {
		t.Errorf("answer %s, want %s", ans.body, want)
	}
	waitLog(t, &logb, "commit c0ffee")
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	if !strings.HasPrefix(logb.String(), "honest: epoch 3 task bafytaskA (validator "+shortPeer("12D3KooWvalidator")+" #0): fitted on 512 samples; output bafk") {
		t.Errorf("log %q", logb.String())
	}
}

// TestStreamReconnects: the node is down at first, then the stream ends
// after one task, then it sends that task again with a new one. Each task
// is answered once.
func TestStreamReconnects(t *testing.T) {
	a, b := testTask("bafytaskA", 0), testTask("bafytaskB", 1)
	fn := newFakeNode(t, [][]minerTask{nil, {a}, {a, b}})
	fn.failFirst = true
	cfg, err := parseFlags(fn.args("-quality", "noisy"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logb syncBuffer
	m := newMiner(cfg, &logb)
	m.minBackoff = time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan struct{})
	go func() { m.run(ctx); close(done) }()

	var answered []string
	for len(answered) < 2 {
		if c := fn.next(t); c.path == "/v1/subnets/0/answers" {
			var req struct{ Task string }
			json.Unmarshal(c.body, &req)
			answered = append(answered, req.Task)
		}
	}
	cancel()
	<-done
	if want := []string{"bafytaskA", "bafytaskB"}; !reflect.DeepEqual(answered, want) {
		t.Errorf("answered %v, want %v", answered, want)
	}
	if extra := fn.drain(); len(extra) > 0 {
		t.Errorf("calls after both answers: %+v", extra)
	}
	if fn.connections() != 3 {
		t.Errorf("%d connections to the task stream, want 3", fn.connections())
	}
	if !strings.Contains(logb.String(), "503") || strings.Count(logb.String(), "noisy: epoch 3 task") != 2 {
		t.Errorf("log %q", logb.String())
	}
}

// TestPlagiarist: it waits for revealed outputs, copies the one of the
// miner with the highest incentive, never POSTs content, and logs the
// node's refusal.
func TestPlagiarist(t *testing.T) {
	task := testTask("bafytaskA", 0)
	fn := newFakeNode(t, [][]minerTask{{task}})
	uid := func(u int64) *int64 { return &u }
	fn.submissions = func(call int) []submission {
		if call < 3 {
			return nil // not revealed yet
		}
		return []submission{
			{Epoch: 3, Miner: "12D3KooWother", UID: uid(1), Task: "bafytaskA", Output: "bafkLow"},
			{Epoch: 3, Miner: "12D3KooWself", UID: uid(4), Task: "bafytaskA", Output: "bafkSelf"},
			{Epoch: 3, Miner: "12D3KooWbest", UID: uid(2), Task: "bafytaskA", Output: "bafkBest"},
			{Epoch: 3, Miner: "12D3KooWrich", UID: uid(3), Task: "bafytaskB", Output: "bafkElse"},
		}
	}
	fn.answerErr = "answer refused: the commit window of task bafytaskA closed at block 40"
	var logb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // before the server's Close, which waits for the stream
	done := make(chan int)
	go func() { done <- run(ctx, fn.args("-quality", "plagiarist", "-poll", "1ms"), &logb) }()

	c := fn.next(t)
	if c.path != "/v1/subnets/0/answers" {
		t.Fatalf("first POST %s, want an answer (a plagiarist posts no content)", c.path)
	}
	if want := `{"output":"bafkBest","task":"bafytaskA"}`; string(c.body) != want {
		t.Errorf("answer %s, want %s", c.body, want)
	}
	waitLog(t, &logb, "plagiarist: epoch 3 task bafytaskA: copied output bafkBest of miner 12D3KooWbest (uid 2); "+
		"node refused: 400 Bad Request: answer refused: the commit window")
	cancel()
	<-done
}

func TestPlagiaristGivesUp(t *testing.T) {
	task := testTask("bafytaskA", 0)
	fn := newFakeNode(t, [][]minerTask{{task}})
	fn.head = task.Deadline + plagiarismMargin + 1
	var logb syncBuffer
	cfg, _ := parseFlags(fn.args("-quality", "plagiarist", "-poll", "1ms"), io.Discard)
	m := newMiner(cfg, &logb)
	m.plagiarise(context.Background(), task)
	if !strings.Contains(logb.String(), "nothing revealed to copy by block 53; gave up") {
		t.Errorf("log %q", logb.String())
	}
	if calls := fn.drain(); len(calls) > 0 {
		t.Errorf("POSTs: %+v", calls)
	}
}

func testTask(cid string, i int) minerTask {
	return minerTask{Subnet: 0, Epoch: 3, Validator: "12D3KooWvalidator", Index: uint32(i), Task: cid,
		Seed: strings.Repeat("00", 32), Params: params(i), Deadline: 40, MaxBytes: 65536}
}

// fakeNode serves the parts of the node's API the miner uses and reports
// every POST on a channel.
type fakeNode struct {
	t           *testing.T
	srv         *httptest.Server
	tokenFile   string
	posts       chan post
	streams     [][]minerTask // one list of tasks per connection; the last stays open
	failFirst   bool          // answer the first connection 503, as a node not up yet
	submissions func(call int) []submission
	answerErr   string
	head        uint64

	mu    sync.Mutex
	conns int
	subs  int
}

type post struct {
	path, auth string
	body       []byte
}

func newFakeNode(t *testing.T, streams [][]minerTask) *fakeNode {
	t.Helper()
	fn := &fakeNode{t: t, streams: streams, posts: make(chan post, 100), head: 20,
		tokenFile: filepath.Join(t.TempDir(), "api.token")}
	write(t, fn.tokenFile, "secret\n")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/subnets/0/tasks", fn.stream)
	mux.HandleFunc("POST /v1/content", func(w http.ResponseWriter, r *http.Request) {
		b := fn.record(r)
		writeJSON(w, 200, map[string]any{"cid": cidOf(b), "size": len(b)})
	})
	mux.HandleFunc("POST /v1/subnets/0/answers", func(w http.ResponseWriter, r *http.Request) {
		fn.record(r)
		if fn.answerErr != "" {
			writeJSON(w, 400, map[string]string{"error": fn.answerErr})
			return
		}
		writeJSON(w, 200, map[string]string{"commit": "c0ffee" + strings.Repeat("00", 29)})
	})
	mux.HandleFunc("GET /v1/subnets/0/submissions", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("epoch") != "3" {
			t.Errorf("submissions of epoch %q, want 3", r.URL.Query().Get("epoch"))
		}
		fn.mu.Lock()
		n := fn.subs
		fn.subs++
		fn.mu.Unlock()
		subs := []submission{}
		if fn.submissions != nil {
			subs = append(subs, fn.submissions(n)...)
		}
		writeJSON(w, 200, subs)
	})
	mux.HandleFunc("GET /v1/subnets/0/metagraph", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"subnet": 0, "name": "linreg", "head": fn.head, "neurons": []map[string]any{
			{"uid": 1, "peer": "12D3KooWother", "incentive": 0.2},
			{"uid": 2, "peer": "12D3KooWbest", "incentive": 0.5},
			{"uid": 3, "peer": "12D3KooWrich", "incentive": 0.9},
			{"uid": 4, "peer": "12D3KooWself", "incentive": 0.95},
		}})
	})
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"peer_id": "12D3KooWself"})
	})
	fn.srv = httptest.NewServer(mux)
	t.Cleanup(fn.srv.Close)
	return fn
}

func (fn *fakeNode) args(extra ...string) []string {
	return append([]string{"-api", fn.srv.URL, "-token-file", fn.tokenFile, "-subnet", "0"}, extra...)
}

func (fn *fakeNode) stream(w http.ResponseWriter, r *http.Request) {
	fn.mu.Lock()
	n := fn.conns
	fn.conns++
	fn.mu.Unlock()
	if fn.failFirst && n == 0 {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "starting"})
		return
	}
	i := min(n, len(fn.streams)-1)
	w.Header().Set("Content-Type", "text/event-stream")
	fmt.Fprint(w, ": crucible task stream\n\n")
	for _, task := range fn.streams[i] {
		b, _ := json.Marshal(task)
		fmt.Fprintf(w, "event: task\ndata: %s\n\n: keep-alive\n\n", b)
	}
	w.(http.Flusher).Flush()
	if i == len(fn.streams)-1 {
		<-r.Context().Done()
	}
}

func (fn *fakeNode) connections() int {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	return fn.conns
}

func (fn *fakeNode) record(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	fn.posts <- post{path: r.URL.Path, auth: r.Header.Get("Authorization"), body: b}
	return b
}

// next waits for the next POST.
func (fn *fakeNode) next(t *testing.T) post {
	t.Helper()
	select {
	case p := <-fn.posts:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no POST from the miner in 10s")
		return post{}
	}
}

// drain returns the POSTs not yet read.
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

func cidOf(b []byte) string {
	h := sha256.Sum256(b)
	return "bafk" + hex.EncodeToString(h[:8])
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func write(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// waitLog polls the log until it holds want.
func waitLog(t *testing.T, logb *syncBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logb.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("log lacks %q after 10s:\n%s", want, logb.String())
		}
		time.Sleep(time.Millisecond)
	}
}

// syncBuffer is a log destination safe for the miner's goroutines.
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
