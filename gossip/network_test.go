package gossip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testConfig is a loopback testnet node without mDNS (multicast leaves
// 127.0.0.0/8) or DHT, with fast gossipsub timers.
func testConfig(stateDir string) Config {
	c := TestnetConfig("test")
	c.MDNS = false
	c.DHT = DHTOff
	c.StateDir = stateDir
	c.heartbeat = 100 * time.Millisecond
	return c
}

func newTestNetwork(t testing.TB, cfg Config) *Network {
	t.Helper()
	id, err := LoadIdentity(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(context.Background(), cfg, id)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline, not a wait
	}
}

func joinBytes(t testing.TB, n *Network, k Kind, v Validator[[]byte]) (*Topic[[]byte], *Subscription[[]byte]) {
	t.Helper()
	return joinSpec(t, n, TopicSpec[[]byte]{Subnet: 1, Kind: k, Codec: Bytes{}, Validate: v})
}

func joinSpec(t testing.TB, n *Network, spec TopicSpec[[]byte]) (*Topic[[]byte], *Subscription[[]byte]) {
	t.Helper()
	tp, err := Join(n, spec)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := tp.Subscribe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub.Cancel)
	return tp, sub
}

func connect(t testing.TB, a, b *Network) {
	t.Helper()
	if err := a.ConnectPeer(context.Background(), b.AddrInfo()); err != nil {
		t.Fatal(err)
	}
}

func waitTopicPeers(t testing.TB, tp *Topic[[]byte], n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%s has %d peers", tp.Name(), n), func() bool { return len(tp.state.topic.ListPeers()) >= n })
}

func next(t testing.TB, sub *Subscription[[]byte]) *Message[[]byte] {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("no message: %v", err)
	}
	return m
}

// TestRealTCPAndQUICHosts runs three nodes on 127.0.0.1: A and B talk over
// TCP, B and C over QUIC, and a message from A reaches C through B.
func TestRealTCPAndQUICHosts(t *testing.T) {
	nets := [3]*Network{}
	for i := range nets {
		nets[i] = newTestNetwork(t, testConfig(t.TempDir()))
	}
	a, b, c := nets[0], nets[1], nets[2]
	dial := func(from, to *Network, proto string) {
		for _, addr := range to.Addrs() {
			if strings.Contains(addr, proto) {
				if err := from.Connect(context.Background(), addr); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
		t.Fatalf("%s listens on no %s address: %v", to.ID(), proto, to.Addrs())
	}
	dial(a, b, "/tcp/")
	dial(c, b, "/quic-v1")
	for _, conn := range c.host.Network().ConnsToPeer(b.ID()) {
		if !strings.Contains(conn.RemoteMultiaddr().String(), "quic-v1") {
			t.Errorf("C reaches B over %s, want QUIC", conn.RemoteMultiaddr())
		}
	}
	var tps [3]*Topic[[]byte]
	var subs [3]*Subscription[[]byte]
	for i, n := range nets {
		tps[i], subs[i] = joinBytes(t, n, KindCommits, nil)
	}
	waitTopicPeers(t, tps[1], 2)
	waitTopicPeers(t, tps[0], 1)
	waitTopicPeers(t, tps[2], 1)
	// B's mesh must hold both before A's message can pass through it.
	eventually(t, "B grafts A and C", func() bool { return b.Topics()[0].Mesh == 2 })

	for i, n := range []*Network{a, c} {
		msg := []byte(fmt.Sprintf("commit %d", i))
		if err := tps[2*i].Publish(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		for j, sub := range subs {
			m := next(t, sub)
			if !bytes.Equal(m.Value, msg) || m.Author != n.ID() {
				t.Errorf("node %d got %q from %s, want %q from %s", j, m.Value, m.Author, msg, n.ID())
			}
			if m.Local != (j == 2*i) {
				t.Errorf("node %d: Local = %v", j, m.Local)
			}
		}
	}
	st := c.Stats()
	if st.Topics[0].Delivered != 1 || st.Topics[0].Published != 1 {
		t.Errorf("C's counters %+v, want 1 published and 1 delivered", st.Topics[0].Counters)
	}
	peers := b.Peers()
	if len(peers) != 2 || len(peers[0].Topics) != 1 {
		t.Errorf("B's peers %+v, want A and C on one topic", peers)
	}
}

func TestPublishErrors(t *testing.T) {
	n := newTestNetwork(t, testConfig(t.TempDir()))
	tp, _ := joinBytes(t, n, KindCommits, func(_ context.Context, m *Message[[]byte]) Verdict {
		switch {
		case bytes.HasPrefix(m.Value, []byte("bad")):
			return Reject
		case bytes.HasPrefix(m.Value, []byte("early")):
			return Ignore
		}
		return Accept
	})
	ctx := context.Background()
	if err := tp.Publish(ctx, make([]byte, DefaultLimits(KindCommits).MaxSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized publish: %v, want ErrTooLarge", err)
	}
	if err := tp.Publish(ctx, []byte("bad")); !errors.Is(err, ErrRejected) {
		t.Errorf("rejected publish: %v, want ErrRejected", err)
	}
	if err := tp.Publish(ctx, []byte("early")); !errors.Is(err, ErrIgnored) {
		t.Errorf("ignored publish: %v, want ErrIgnored", err)
	}
	if err := tp.Publish(ctx, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := tp.Publish(ctx, []byte("one")); !errors.Is(err, ErrReplay) {
		t.Errorf("second publish of the same bytes: %v, want ErrReplay", err)
	}
	burst := DefaultLimits(KindCommits).Burst
	var err error
	for i := 0; i < burst+1 && err == nil; i++ {
		err = tp.Publish(ctx, []byte(fmt.Sprint("m", i)))
	}
	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("publishing over the burst: %v, want ErrRateLimited", err)
	}
	if _, err := Join(n, TopicSpec[[]byte]{Subnet: 1, Kind: KindCommits, Codec: Bytes{}}); !errors.Is(err, ErrAlreadyJoined) {
		t.Errorf("second join: %v, want ErrAlreadyJoined", err)
	}
	if _, err := Join(n, TopicSpec[[]byte]{Subnet: 2, Kind: KindCommits}); !errors.Is(err, ErrConfig) {
		t.Errorf("join without codec: %v, want ErrConfig", err)
	}
	n.Close()
	if _, err := Join(n, TopicSpec[[]byte]{Subnet: 3, Kind: KindCommits, Codec: Bytes{}}); !errors.Is(err, ErrClosed) {
		t.Errorf("join after close: %v, want ErrClosed", err)
	}
	if err := n.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	id, err := LoadIdentity(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Config){
		"network name":   func(c *Config) { c.Network = "Main Net" },
		"listen address": func(c *Config) { c.ListenAddrs = []string{"127.0.0.1:4170"} },
		"no listen":      func(c *Config) { c.ListenAddrs = nil },
		"bootstrap":      func(c *Config) { c.Bootstrap = []string{"/ip4/127.0.0.1/tcp/1"} },
		"water marks":    func(c *Config) { c.ConnLow, c.ConnHigh = 10, 5 },
		"replay window":  func(c *Config) { c.ReplayWindow = time.Second },
		"throttle":       func(c *Config) { c.ValidateThrottle = 0 },
	} {
		c := testConfig("")
		mutate(&c)
		if _, err := New(context.Background(), c, id); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: New = %v, want ErrConfig", name, err)
		}
	}
}

func TestTopicNames(t *testing.T) {
	for _, k := range Kinds() {
		name := TopicName("testnet-1", 42, k)
		nw, sn, kk, err := ParseTopic(name)
		if err != nil || nw != "testnet-1" || sn != 42 || kk != k {
			t.Errorf("ParseTopic(%q) = %q %d %v %v", name, nw, sn, kk, err)
		}
	}
	if got := TopicName("main", 3, KindReveals); got != "/crucible/main/3/reveals" {
		t.Errorf("TopicName = %q", got)
	}
	for _, bad := range []string{"/crucible/main/03/tasks", "/crucible/main/3/weights", "/ipfs/main/3/tasks", "/crucible/Main/3/tasks", "/crucible/main/3/tasks/x"} {
		if _, _, _, err := ParseTopic(bad); err == nil {
			t.Errorf("ParseTopic(%q) succeeded", bad)
		}
	}
}

func TestLeaveAndJoinAgain(t *testing.T) {
	n := newTestNetwork(t, testConfig(t.TempDir()))
	tp, sub := joinBytes(t, n, KindTasks, nil)
	if err := tp.Close(); err == nil {
		t.Fatal("leaving a topic with an active subscription succeeded")
	}
	if len(n.Topics()) != 1 {
		t.Fatal("a failed leave dropped the topic")
	}
	sub.Cancel()
	if err := tp.Close(); err != nil {
		t.Fatal(err)
	}
	if len(n.Topics()) != 0 {
		t.Fatal("the topic is still listed after leaving")
	}
	tp2, _ := joinBytes(t, n, KindTasks, nil)
	if err := tp2.Publish(context.Background(), []byte("again")); err != nil {
		t.Fatal(err)
	}
}

func TestSlowValidatorIsIgnored(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.ValidateTimeout = 100 * time.Millisecond
	n := newTestNetwork(t, cfg)
	release := make(chan struct{})
	defer close(release)
	tp, _ := joinBytes(t, n, KindTasks, func(ctx context.Context, _ *Message[[]byte]) Verdict {
		<-release // ignores ctx, as a buggy validator would
		return Accept
	})
	if err := tp.Publish(context.Background(), []byte("slow")); !errors.Is(err, ErrIgnored) {
		t.Fatalf("publish with a validator that never answers: %v, want ErrIgnored", err)
	}
	if got := n.Topics()[0].Ignored[ReasonTimeout]; got != 1 {
		t.Errorf("%d timeouts counted, want 1", got)
	}
}
