package gossip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-msgio"
	"google.golang.org/protobuf/proto"
)

// attacker is a peer that speaks GossipSub but runs none of our checks: a
// plain pubsub that publishes whatever it is told, and raw RPCs written
// straight onto a stream.
type attacker struct {
	h     Host
	ps    *pubsub.PubSub
	topic *pubsub.Topic
}

func newAttacker(t testing.TB, topic string) *attacker {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h, err := NewLoopbackHost(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); h.Close() })
	ps, err := pubsub.NewGossipSub(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := ps.Join(topic)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.Relay(); err != nil { // announces the subscription
		t.Fatal(err)
	}
	return &attacker{h: h, ps: ps, topic: tp}
}

func (a *attacker) connect(t testing.TB, n *Network) {
	t.Helper()
	if err := a.h.Connect(context.Background(), n.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the victim sees the attacker's subscription", func() bool {
		for _, p := range n.ps.ListPeers(a.topic.String()) {
			if p == a.h.ID() {
				return true
			}
		}
		return false
	})
	// Knowing the victim's subscription is not enough: pubsub drops what
	// it publishes until its stream to the victim is open. Probe until a
	// message gets through.
	before := n.Topics()[0].Delivered
	for i := 0; n.Topics()[0].Delivered == before; i++ {
		if i == 2000 {
			t.Fatal("no probe from the attacker reached the victim")
		}
		a.publish(t, []byte(fmt.Sprintf("probe %d %d", i, time.Now().UnixNano())))
		time.Sleep(10 * time.Millisecond) // polling with a deadline, not a wait
	}
}

func (a *attacker) publish(t testing.TB, data []byte) {
	t.Helper()
	if err := a.topic.Publish(context.Background(), data); err != nil {
		t.Fatal(err)
	}
}

// raw writes bytes on a new pubsub stream to n, as they are.
func (a *attacker) raw(t testing.TB, n *Network, b []byte) {
	t.Helper()
	s, err := a.h.NewStream(context.Background(), n.ID(), pubsub.GossipSubID_v11)
	if err != nil {
		t.Fatal(err)
	}
	s.Write(b)
	s.CloseWrite()
}

// rpc writes one RPC on a new pubsub stream to n.
func (a *attacker) rpc(t testing.TB, n *Network, rpc *pb.RPC) {
	t.Helper()
	b, err := proto.Marshal(rpc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	msgio.NewVarintWriter(&buf).WriteMsg(b)
	a.raw(t, n, buf.Bytes())
}

// arena is a victim V with an honest neighbour H and an attacker X, all
// connected. V's validator rejects data that starts with "bad".
type arena struct {
	v, h       *Network
	vt, ht     *Topic[[]byte]
	vsub, hsub *Subscription[[]byte]
	x          *attacker
}

func newArena(t *testing.T) *arena {
	t.Helper()
	var a arena
	reject := func(_ context.Context, m *Message[[]byte]) Verdict {
		if bytes.HasPrefix(m.Value, []byte("bad")) {
			return Reject
		}
		return Accept
	}
	a.v = newTestNetwork(t, testConfig(t.TempDir()))
	a.h = newTestNetwork(t, testConfig(t.TempDir()))
	a.vt, a.vsub = joinBytes(t, a.v, KindAttestations, reject)
	a.ht, a.hsub = joinBytes(t, a.h, KindAttestations, reject)
	connect(t, a.h, a.v)
	a.x = newAttacker(t, a.vt.Name())
	a.x.connect(t, a.v)
	waitTopicPeers(t, a.vt, 2)
	return &a
}

// honestDeliver publishes count messages from H, spaced by its rate, and
// checks V delivers every one.
func (a *arena) honestDeliver(t *testing.T, count int) {
	t.Helper()
	want := map[string]bool{}
	for i := range count {
		m := []byte(fmt.Sprintf("honest %d %d", i, time.Now().UnixNano()))
		want[string(m)] = true
		if err := a.ht.Publish(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	for len(want) > 0 {
		m := next(t, a.vsub)
		if m.Author == a.h.ID() {
			delete(want, string(m.Value))
		}
	}
}

func (a *arena) graylisted() bool {
	s, ok := a.v.Score(a.x.h.ID())
	return ok && s < GraylistThreshold
}

func (a *arena) waitGraylisted(t *testing.T) {
	t.Helper()
	eventually(t, "the attacker is graylisted", func() bool {
		s, ok := a.v.Score(a.x.h.ID())
		return ok && s < GraylistThreshold
	})
	s, _ := a.v.Score(a.h.ID())
	if s < 0 {
		t.Errorf("the honest peer's score is %v", s)
	}
}

func (a *arena) counter(reason string, rejected bool) uint64 {
	c := a.v.Topics()[0].Counters
	if rejected {
		return c.Rejected[reason]
	}
	return c.Ignored[reason]
}

func TestFloodingPeerIsGraylisted(t *testing.T) {
	a := newArena(t)
	for i := range 200 {
		a.x.publish(t, []byte(fmt.Sprint("flood ", i)))
	}
	a.waitGraylisted(t)
	// Each message over the rate costs the author -6000: three put it
	// below the graylist threshold, after which its RPCs are dropped
	// unread.
	if got := a.counter(ReasonRate, true); got < 3 {
		t.Errorf("%d messages rejected for rate, want at least 3", got)
	}
	a.honestDeliver(t, DefaultLimits(KindAttestations).Burst)
}

func TestInvalidMessagesGraylist(t *testing.T) {
	cases := []struct {
		name   string
		send   func(t *testing.T, a *arena, i int)
		reason string
	}{
		{"rejected by validator", func(t *testing.T, a *arena, i int) {
			a.x.publish(t, []byte(fmt.Sprint("bad ", i)))
		}, ReasonInvalid},
		{"oversized", func(t *testing.T, a *arena, i int) {
			a.x.publish(t, bytes.Repeat([]byte{byte(i)}, DefaultLimits(KindAttestations).MaxSize+1))
		}, ReasonTooLarge},
		{"unsigned", func(t *testing.T, a *arena, i int) {
			topic := a.vt.Name()
			a.x.rpc(t, a.v, &pb.RPC{Publish: []*pb.Message{{Topic: &topic, Data: []byte(fmt.Sprint("unsigned ", i))}}})
		}, ReasonSignature},
		{"forged signature", func(t *testing.T, a *arena, i int) {
			topic := a.vt.Name()
			a.x.rpc(t, a.v, &pb.RPC{Publish: []*pb.Message{{
				Topic: &topic, Data: []byte(fmt.Sprint("forged ", i)), From: []byte(a.h.ID()),
				Seqno: []byte{0, 0, 0, 0, 0, 0, 0, byte(i)}, Signature: bytes.Repeat([]byte{7}, 64),
			}}})
		}, ReasonSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newArena(t)
			// Five invalid messages are enough when all arrive (5² ×
			// -1000 < -16000); send more only if some were lost.
			sent := 0
			for ; sent < 5 || (sent < 40 && !a.graylisted()); sent++ {
				c.send(t, a, sent)
				if sent >= 5 {
					time.Sleep(100 * time.Millisecond) // pace the extra ones; the score updates each second
				}
			}
			a.waitGraylisted(t)
			if got := a.counter(c.reason, true); got == 0 {
				t.Errorf("no message rejected for %s; counters %+v, stats %+v", c.reason, a.v.Topics()[0].Counters, a.v.Stats())
			}
			a.honestDeliver(t, 3)
		})
	}
}

func TestGarbageStreamsArePenalised(t *testing.T) {
	a := newArena(t)
	junk := [][]byte{
		{0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},                  // a length prefix far over the limit
		append([]byte{10}, bytes.Repeat([]byte{0xff}, 10)...), // a length, then bytes that are no protobuf
		{0x05, 0x0a, 0x03, 0xff, 0xff, 0xff},                  // a field that runs past its length
	}
	for i, b := range junk {
		a.x.raw(t, a.v, b)
		eventually(t, fmt.Sprintf("garbage stream %d is counted", i+1), func() bool { return a.v.Stats().GarbageStreams == uint64(i+1) })
	}
	a.waitGraylisted(t)
	a.honestDeliver(t, 3)
}

func TestForeignTopicIsPenalised(t *testing.T) {
	a := newArena(t)
	foreign, ours := "/crucible/othernet/1/attestations", TopicName("test", 9, KindTasks)
	a.x.rpc(t, a.v, &pb.RPC{Publish: []*pb.Message{{Topic: &ours, Data: []byte("not joined")}}})
	eventually(t, "the unjoined topic is counted", func() bool { return a.v.Stats().UnknownTopic == 1 })
	if s, _ := a.v.Score(a.x.h.ID()); s < 0 {
		t.Errorf("a message on our network's unjoined topic cost %v", s)
	}
	a.x.rpc(t, a.v, &pb.RPC{Publish: []*pb.Message{{Topic: &foreign, Data: []byte("elsewhere")}}})
	eventually(t, "the foreign topic is counted and penalised", func() bool {
		s, _ := a.v.Score(a.x.h.ID())
		return a.v.Stats().UnknownTopic == 2 && s <= violationPenalty*0.9
	})
	a.honestDeliver(t, 3)
}

// TestReplayAfterRestart: a message V accepted is sent again after V
// restarted (pubsub's seen cache is empty) and after pubsub's seen window:
// V still knows it, rejects it and penalises the sender.
func TestReplayAfterRestart(t *testing.T) {
	state := t.TempDir()
	// A generous rate, so that only the replay check can refuse.
	spec := TopicSpec[[]byte]{Subnet: 1, Kind: KindCommits, Codec: Bytes{}, Limits: Limits{MaxSize: 1024, Rate: 1000, Burst: 1000}}
	v := newTestNetwork(t, testConfig(state))
	vt, vsub := joinSpec(t, v, spec)
	x := newAttacker(t, vt.Name())
	x.connect(t, v)
	msg := []byte("commit of yesterday")
	x.publish(t, msg)
	for m := next(t, vsub); !bytes.Equal(m.Value, msg); m = next(t, vsub) {
	}
	vsub.Cancel()
	v.Close()

	v = newTestNetwork(t, testConfig(state))
	v.replays.now = func() time.Time { return time.Now().Add(24 * time.Hour) } // a day later
	vt, vsub = joinSpec(t, v, spec)
	x.connect(t, v)
	x.publish(t, msg)
	eventually(t, "the replay is rejected", func() bool { return v.Topics()[0].Rejected[ReasonReplay] == 1 })
	eventually(t, "the replayer is penalised", func() bool { s, _ := v.Score(x.h.ID()); return s <= invalidPenalty })
	// An honest peer's new message still arrives, and the replay never
	// does.
	h := newTestNetwork(t, testConfig(t.TempDir()))
	ht, _ := joinSpec(t, h, spec)
	connect(t, h, v)
	waitTopicPeers(t, ht, 1)
	fresh := []byte("commit of today")
	if err := ht.Publish(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	for m := next(t, vsub); !bytes.Equal(m.Value, fresh); m = next(t, vsub) {
		if bytes.Equal(m.Value, msg) {
			t.Fatal("the replay was delivered")
		}
	}
	if err := vt.Publish(context.Background(), msg); err == nil {
		t.Error("V itself republished the replayed bytes")
	}
}

// TestRelayOfReplayIsNotPenalised: a new node B, with no replay memory,
// accepts an old message an attacker replays and forwards it to V, which
// remembers it. V drops it but does not penalise B, which did nothing
// wrong by its own lights.
func TestRelayOfReplayIsNotPenalised(t *testing.T) {
	spec := TopicSpec[[]byte]{Subnet: 1, Kind: KindCommits, Codec: Bytes{}, Limits: Limits{MaxSize: 1024, Rate: 1000, Burst: 1000}}
	state := t.TempDir()
	v := newTestNetwork(t, testConfig(state))
	_, vsub := joinSpec(t, v, spec)
	h := newTestNetwork(t, testConfig(t.TempDir()))
	ht, _ := joinSpec(t, h, spec)
	connect(t, h, v)
	waitTopicPeers(t, ht, 1)
	old := []byte("an old commit")
	if err := ht.Publish(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	next(t, vsub)
	vsub.Cancel()
	v.Close()
	// V restarts a day later: pubsub has forgotten, the replay memory not.
	v = newTestNetwork(t, testConfig(state))
	v.replays.now = func() time.Time { return time.Now().Add(24 * time.Hour) }
	vt, _ := joinSpec(t, v, spec)

	b := newTestNetwork(t, testConfig(t.TempDir()))
	bt, _ := joinSpec(t, b, spec)
	connect(t, b, v)
	x := newAttacker(t, vt.Name())
	x.connect(t, b)
	waitTopicPeers(t, bt, 2)
	eventually(t, "B's mesh includes V", func() bool { return b.Topics()[0].Mesh >= 1 })
	x.publish(t, old)
	eventually(t, "V drops the replay B forwarded", func() bool { return v.Topics()[0].Ignored[ReasonReplay] >= 1 })
	if s, _ := v.Score(b.ID()); s < 0 {
		t.Errorf("the honest relay's score at V fell to %v", s)
	}
	if got := v.Topics()[0].Rejected[ReasonReplay]; got != 0 {
		t.Errorf("%d replays counted as the relay's fault", got)
	}
}

// TestReplaysDoNotSilenceTheirAuthor: an attacker re-sends an honest
// author's signed messages; they must not use up the author's rate at V,
// so the author's next message still arrives.
func TestReplaysDoNotSilenceTheirAuthor(t *testing.T) {
	spec := TopicSpec[[]byte]{Subnet: 1, Kind: KindCommits, Codec: Bytes{}, Limits: Limits{MaxSize: 1024, Rate: 0.01, Burst: 3}}
	state := t.TempDir()
	v := newTestNetwork(t, testConfig(state))
	vt, vsub := joinSpec(t, v, spec)
	h := newTestNetwork(t, testConfig(t.TempDir()))
	ht, _ := joinSpec(t, h, spec)
	// The attacker listens to H's messages, signatures and all.
	x := newAttacker(t, vt.Name())
	xsub, err := x.topic.Subscribe()
	if err != nil {
		t.Fatal(err)
	}
	connect(t, h, v)
	if err := x.h.Connect(context.Background(), h.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	waitTopicPeers(t, ht, 2)
	eventually(t, "H's mesh has V and X", func() bool { return h.Topics()[0].Mesh >= 2 })
	if err := ht.Publish(context.Background(), []byte("h1")); err != nil {
		t.Fatal(err)
	}
	next(t, vsub)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	captured, err := xsub.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vsub.Cancel()
	v.Close()

	// An hour later V restarts (pubsub's seen cache is empty, H's bucket
	// full) and the attacker replays H's message at it.
	v = newTestNetwork(t, testConfig(state))
	v.replays.now = func() time.Time { return time.Now().Add(time.Hour) }
	vt, vsub = joinSpec(t, v, spec)
	connect(t, h, v)
	if err := x.h.Connect(context.Background(), v.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	waitTopicPeers(t, ht, 2)
	eventually(t, "H's mesh has V again", func() bool { return h.Topics()[0].Mesh >= 2 })
	for range 5 {
		x.rpc(t, v, &pb.RPC{Publish: []*pb.Message{captured.Message}})
	}
	eventually(t, "V sees the replays", func() bool {
		c := v.Topics()[0].Counters
		return c.Ignored[ReasonReplay]+c.Rejected[ReasonReplay] >= 1
	})
	// Had the 5 replays used H's tokens at V, none of its 3 would be left.
	// (H itself has 2 left of its own 3.)
	for i := range 2 {
		msg := []byte(fmt.Sprint("h fresh ", i))
		if err := ht.Publish(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		if m := next(t, vsub); !bytes.Equal(m.Value, msg) {
			t.Fatalf("V got %q, want %q", m.Value, msg)
		}
	}
	if s, _ := v.Score(h.ID()); s < 0 {
		t.Errorf("the replayed author's score at V is %v", s)
	}
}

func TestNextEndsWhenNetworkCloses(t *testing.T) {
	n := newTestNetwork(t, testConfig(t.TempDir()))
	_, sub := joinBytes(t, n, KindTasks, nil)
	got := make(chan error, 1)
	go func() {
		_, err := sub.Next(context.Background())
		got <- err
	}()
	n.Close()
	select {
	case err := <-got:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Next after Close: %v, want ErrClosed", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Next still blocks after the network closed")
	}
}
