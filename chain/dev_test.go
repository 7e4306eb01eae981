package chain

import (
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestDevChainSurvivesRestart starts the embedded dev chain, deploys,
// creates a subnet and anchors, stops it, starts it again from the same
// directory, and finds the same height, contract and anchors.
func TestDevChainSurvivesRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a geth node twice")
	}
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "chain")
	d, err := StartDevChain(ctx, dir, DevConfig{Accounts: 2})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := d.EnsureContract(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := owner.CreateSubnet(ctx, testManifest, 2, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Client(ctx, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.Register(ctx, id, []byte("peer"), nil); err != nil {
		t.Fatal(err)
	}
	d.Mine(2)
	root := Hash{0xaa}
	if _, err := v.Anchor(ctx, id, 0, root, Hash{0xbb}); err != nil {
		t.Fatal(err)
	}
	height, err := v.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	contract := owner.Contract()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for i := range 2 {
		fi, err := os.Stat(DevKeyPath(dir, i))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("dev key %d: %v, mode %v; want 0600", i, err, fi.Mode().Perm())
		}
	}

	d, err = StartDevChain(ctx, dir, DevConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if got, ok := d.Contract(); !ok || got != contract {
		t.Fatalf("contract after restart = %v, %v; want %v", got, ok, contract)
	}
	ro, err := d.Client(ctx, -1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h, err := ro.Head(ctx); err != nil || h != height {
		t.Errorf("height after restart = %d, %v; want %d", h, err, height)
	}
	if got, err := ro.AnchorOf(ctx, id, 0); err != nil || got != root {
		t.Errorf("anchor after restart = %v, %v; want %v", got, err, root)
	}
	evs, err := ro.Anchors(ctx, id)
	if err != nil || len(evs) != 1 || evs[0].Root != root {
		t.Errorf("anchors after restart = %+v, %v", evs, err)
	}
	// The same keys, still funded; the chain goes on.
	v, err = d.Client(ctx, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.AddStake(ctx, id, ether(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := StartDevChain(ctx, dir, DevConfig{}); err == nil {
		t.Error("a second dev chain started on a directory in use")
	}
	other, err := StartDevChain(ctx, filepath.Join(t.TempDir(), "other"), DevConfig{ChainID: 7})
	if err != nil {
		t.Fatalf("a second chain in another directory: %v", err)
	}
	if err := other.Close(); err != nil {
		t.Error(err)
	}
	if _, err := StartDevChain(ctx, other.Dir(), DevConfig{ChainID: 8}); err == nil {
		t.Error("a chain started with another chain id than it was created with")
	}
}

// flakyProxy forwards TCP connections to target, or, while down, accepts
// and drops them at once, as an RPC endpoint that is restarting does.
type flakyProxy struct {
	ln      net.Listener
	target  string
	down    atomic.Bool
	refused atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]bool
}

// setDown takes the endpoint down (closing every open connection, as a
// restart does) or brings it back.
func (p *flakyProxy) setDown(down bool) {
	p.down.Store(down)
	if !down {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

func newFlakyProxy(t *testing.T, target string) *flakyProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &flakyProxy{ln: ln, target: target, conns: make(map[net.Conn]bool)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if p.down.Load() {
				p.refused.Add(1)
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c] = true
			p.mu.Unlock()
			go func() {
				defer func() {
					p.mu.Lock()
					delete(p.conns, c)
					p.mu.Unlock()
					c.Close()
				}()
				up, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer up.Close()
				go io.Copy(up, c)
				io.Copy(c, up)
			}()
		}
	}()
	return p
}

// TestClientRecoversWhenRPCRestarts: calls made while the endpoint is
// down are retried and succeed once it is back.
func TestClientRecoversWhenRPCRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a geth node")
	}
	ctx := t.Context()
	d, err := StartDevChain(ctx, filepath.Join(t.TempDir(), "chain"), DevConfig{Accounts: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.EnsureContract(ctx, Options{}); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(d.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := newFlakyProxy(t, u.Host)
	addr, _ := d.Contract()
	cl, err := Dial(ctx, "http://"+proxy.ln.Addr().String(), d.ChainID(), addr, d.Keys()[0], Options{PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	proxy.setDown(true)
	type result struct {
		id  uint64
		err error
	}
	done := make(chan result, 1)
	go func() {
		id, _, err := cl.CreateSubnet(ctx, testManifest, 1, SubnetParams{})
		done <- result{id, err}
	}()
	// Let it fail a few times, then bring the endpoint back.
	deadline := time.Now().Add(time.Minute)
	for proxy.refused.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatal("the client never tried the endpoint")
		}
		runtime.Gosched()
	}
	proxy.setDown(false)
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("CreateSubnet across the restart: %v", r.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("CreateSubnet did not return after the endpoint came back")
	}
	// Down for longer than RetryFor: a clear error.
	short, err := Dial(ctx, "http://"+proxy.ln.Addr().String(), d.ChainID(), addr, nil, Options{RetryFor: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	proxy.setDown(true)
	if _, err := short.SubnetCount(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("call while the endpoint stays down: %v, want ErrUnavailable", err)
	}
}

// TestDevChainRebuildsLostData: if the chain's database is lost but its
// record is not, the chain starts again from the same genesis (not
// mainnet's) and the contract is deployed again.
func TestDevChainRebuildsLostData(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a geth node twice")
	}
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "chain")
	d, err := StartDevChain(ctx, dir, DevConfig{Accounts: 1, ChainID: 4242})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.EnsureContract(ctx, Options{}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := os.RemoveAll(filepath.Join(dir, "crucible-dev", "chaindata")); err != nil {
		t.Fatal(err)
	}
	d, err = StartDevChain(ctx, dir, DevConfig{}) // chain id 0: the recorded one
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	cl, err := d.EnsureContract(ctx, Options{})
	if err != nil {
		t.Fatalf("contract after the data was lost: %v", err)
	}
	if cl.ChainID().Uint64() != 4242 {
		t.Errorf("chain id %s after the rebuild, want 4242", cl.ChainID())
	}
	if n, err := cl.SubnetCount(ctx); err != nil || n != 0 {
		t.Errorf("SubnetCount = %d, %v", n, err)
	}
}
