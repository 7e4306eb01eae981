package gossip

import (
	"bytes"
	"context"
	"testing"
	"time"

	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
)

// TestTopicPeersFoundThroughDHT: B and C know only the bootstrap node A,
// which has not joined the subnet's topic. B's join advertises the topic in
// the DHT (whose protocols are /crucible/test/kad/…); C, looking the topic
// up as pubsub's discovery does, finds B; they mesh and exchange messages.
// (On a network this small the DHT's own lookups also connect B and C, so
// the test checks the provider record rather than who dialled whom.)
func TestTopicPeersFoundThroughDHT(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.DHT = DHTServer
	a := newTestNetwork(t, cfg)
	if a.dht == nil {
		t.Fatal("no DHT started")
	}
	for _, p := range a.host.Mux().Protocols() {
		if bytes.HasPrefix([]byte(p), []byte("/ipfs/kad")) {
			t.Errorf("the DHT speaks IPFS's protocol %s", p)
		}
	}
	boot := cfg
	boot.Bootstrap = a.Addrs()[:1]
	boot.StateDir = t.TempDir()
	b := newTestNetwork(t, boot)
	boot.StateDir = t.TempDir()
	c := newTestNetwork(t, boot)
	eventually(t, "B and C reach the bootstrap node", func() bool {
		return len(b.host.Network().ConnsToPeer(a.ID())) > 0 && len(c.host.Network().ConnsToPeer(a.ID())) > 0
	})
	bt, _ := joinBytes(t, b, KindTasks, nil)
	eventually(t, "C finds B as a peer of the topic in the DHT", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		found, err := drouting.NewRoutingDiscovery(c.dht).FindPeers(ctx, "floodsub:"+bt.Name()) // pubsub advertises topics under this namespace
		if err != nil {
			return false
		}
		for ai := range found {
			if ai.ID == b.ID() {
				return true
			}
		}
		return false
	})
	ct, csub := joinBytes(t, c, KindTasks, nil)
	waitTopicPeers(t, ct, 1)
	eventually(t, "B and C meshed", func() bool { return b.Topics()[0].Mesh > 0 && c.Topics()[0].Mesh > 0 })
	if err := bt.Publish(context.Background(), []byte("task")); err != nil {
		t.Fatal(err)
	}
	if m := next(t, csub); string(m.Value) != "task" || m.Author != b.ID() {
		t.Fatalf("C got %q from %s", m.Value, m.Author)
	}
	if len(a.Topics()) != 0 {
		t.Error("the bootstrap node joined a topic")
	}
}
