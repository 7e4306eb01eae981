package testnet

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crucible-net/crucible/node"
)

// TestWaitForNodes: the chain waits for a node behind the head, and for a
// validator with answers to evaluate, but for one that cannot finish its
// evaluations only once per epoch.
func TestWaitForNodes(t *testing.T) {
	var mu sync.Mutex
	status := node.SubnetStatus{Head: 10, Epoch: 2, Evaluating: 3}
	set := func(s node.SubnetStatus) { mu.Lock(); status = s; mu.Unlock() }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		json.NewEncoder(w).Encode(node.Status{Subnets: []node.SubnetStatus{status}})
	}))
	t.Cleanup(srv.Close)
	out := &syncBuffer{}
	m := &Member{Index: 4, API: srv.URL}
	nw := &Network{cfg: Config{Out: out}, members: []*Member{m}, http: srv.Client(),
		stalled: map[*Member]uint64{}, stallAfter: 50 * time.Millisecond}
	ctx := context.Background()

	if err := nw.waitForNodes(ctx, 10); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "node 4 still not done with block 10") {
		t.Fatalf("no stall reported: %q", out.String())
	}
	// The same epoch: no second wait.
	before := out.String()
	set(node.SubnetStatus{Head: 11, Epoch: 2, Evaluating: 3})
	if err := nw.waitForNodes(ctx, 11); err != nil {
		t.Fatal(err)
	}
	if out.String() != before {
		t.Errorf("waited again in the same epoch: %q", out.String())
	}
	// The next epoch: waited for again.
	set(node.SubnetStatus{Head: 12, Epoch: 3, Evaluating: 3})
	if err := nw.waitForNodes(ctx, 12); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "still not done") != 2 {
		t.Errorf("not waited for in the next epoch: %q", out.String())
	}
	// Behind the head: waited for at every block.
	set(node.SubnetStatus{Head: 12, Epoch: 3})
	if err := nw.waitForNodes(ctx, 13); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "still not done") != 3 {
		t.Errorf("a node behind the head was not waited for: %q", out.String())
	}
	// Caught up: no wait.
	set(node.SubnetStatus{Head: 13, Epoch: 3})
	if err := nw.waitForNodes(ctx, 13); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "still not done") != 3 {
		t.Errorf("waited for a node that was done: %q", out.String())
	}
}
