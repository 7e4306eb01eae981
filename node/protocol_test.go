package node

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

func testSigner(t *testing.T, seed byte) tasks.Signer {
	t.Helper()
	s, err := tasks.NewEd25519Signer(ed25519.NewKeyFromSeed(make32(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func make32(b byte) []byte {
	s := make([]byte, 32)
	s[0] = b
	return s
}

// samplePosts returns one valid post of every type, by topic.
func samplePosts(t *testing.T) map[gossip.Kind][]Post {
	t.Helper()
	v, m := testSigner(t, 1), testSigner(t, 2)
	task := tasks.Task{Version: tasks.ProtocolVersion, Subnet: 1, Epoch: 3, Validator: v.PeerID(), Params: []byte("p")}
	_, taskLink, err := tasks.Encode(task)
	if err != nil {
		t.Fatal(err)
	}
	output := tasks.SumLink(0x55, []byte("output"))
	sc, sr, err := tasks.CommitSubmission(m, 1, 3, taskLink, output, [32]byte{9})
	if err != nil {
		t.Fatal(err)
	}
	wc, wr, err := tasks.CommitWeights(v, 1, 3, []tasks.Weight{{UID: 1, Value: 65535}}, [32]byte{7})
	if err != nil {
		t.Fatal(err)
	}
	wc2, _, err := tasks.CommitWeights(v, 1, 3, []tasks.Weight{{UID: 2, Value: 65535}}, [32]byte{8})
	if err != nil {
		t.Fatal(err)
	}
	eq, err := tasks.NewEquivocation(wc, wc2)
	if err != nil {
		t.Fatal(err)
	}
	att, err := tasks.Attest(v, 1, 3, tasks.SumLink(0x71, []byte("record")), [32]byte{1})
	if err != nil {
		t.Fatal(err)
	}
	ev := tasks.Evaluation{Version: tasks.ProtocolVersion, Subnet: 1, Epoch: 3, Validator: v.PeerID(), Miner: m.PeerID(),
		Task: taskLink, Output: output, Score: 0.5, Fuel: 10}
	return map[gossip.Kind][]Post{
		gossip.KindTasks:        {{Task: &task}},
		gossip.KindSubmissions:  {{SubmissionCommit: &sc}, {SubmissionReveal: &sr}, {Evaluation: &ev}},
		gossip.KindCommits:      {{WeightCommit: &wc}, {Equivocation: &eq}},
		gossip.KindReveals:      {{WeightReveal: &wr}},
		gossip.KindAttestations: {{Attestation: &att}},
	}
}

func TestPostCodec(t *testing.T) {
	posts := samplePosts(t)
	for kind, ps := range posts {
		c := postCodec{kind}
		for _, p := range ps {
			m, _ := p.message()
			name := fmt.Sprintf("%s on %s", m.Kind(), kind)
			b, err := c.Encode(p)
			if err != nil {
				t.Fatalf("%s: encode: %v", name, err)
			}
			back, err := c.Decode(b)
			if err != nil {
				t.Fatalf("%s: decode: %v", name, err)
			}
			bm, _ := back.message()
			if bm.Kind() != m.Kind() {
				t.Errorf("%s decoded as a %s", name, bm.Kind())
			}
			b2, _ := c.Encode(back)
			if string(b2) != string(b) {
				t.Errorf("%s: re-encoding differs", name)
			}
			// On every other topic the same bytes are refused.
			for other := range posts {
				if other == kind {
					continue
				}
				if _, err := (postCodec{other}).Decode(b); err == nil {
					t.Errorf("%s decodes on the %s topic", name, other)
				}
				if _, err := (postCodec{other}).Encode(p); err == nil {
					t.Errorf("%s encodes for the %s topic", name, other)
				}
			}
		}
	}
	if _, err := (postCodec{gossip.KindTasks}).Encode(Post{}); err == nil {
		t.Error("an empty post encoded")
	}
	two := posts[gossip.KindSubmissions]
	if _, err := (postCodec{gossip.KindSubmissions}).Encode(Post{SubmissionCommit: two[0].SubmissionCommit, SubmissionReveal: two[1].SubmissionReveal}); err == nil {
		t.Error("a post with two messages encoded")
	}
	if _, err := (postCodec{gossip.KindTasks}).Decode([]byte{0xa0}); err == nil {
		t.Error("an empty map decoded as a task")
	}
}

func TestVerdicts(t *testing.T) {
	eqErr := &tasks.EquivocationError{}
	for _, c := range []struct {
		err  error
		want gossip.Verdict
	}{
		{nil, gossip.Accept},
		{eqErr, gossip.Accept},
		{fmt.Errorf("x: %w", tasks.ErrInvalid), gossip.Reject},
		{tasks.ErrBadSignature, gossip.Reject},
		{tasks.ErrCommitMismatch, gossip.Reject},
		{tasks.ErrInvalidPeerID, gossip.Reject},
		{tasks.ErrUnknownField, gossip.Reject},
		{ErrNotRegistered, gossip.Reject},
		{ErrWrongRole, gossip.Reject},
		{ErrNoPermit, gossip.Ignore},
		{tasks.ErrWrongEpoch, gossip.Ignore},
		{tasks.ErrCommitEarly, gossip.Ignore},
		{tasks.ErrCommitLate, gossip.Ignore},
		{tasks.ErrRevealEarly, gossip.Ignore},
		{tasks.ErrRevealLate, gossip.Ignore},
		{tasks.ErrUnknownTask, gossip.Ignore},
		{tasks.ErrNoCommit, gossip.Ignore},
		{tasks.ErrDuplicate, gossip.Ignore},
		{tasks.ErrConflict, gossip.Ignore},
		{fmt.Errorf("later: %w", tasks.ErrEquivocation), gossip.Ignore},
		{errors.New("something else"), gossip.Ignore},
	} {
		if got := verdict(c.err); got != c.want {
			t.Errorf("verdict(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// TestNodeSignerSignsProtocolMessages: a commit signed with the node's
// libp2p identity verifies under the peer ID libp2p gives that identity.
func TestNodeSignerSignsProtocolMessages(t *testing.T) {
	id, err := gossip.LoadIdentity(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSigner(id)
	if err != nil {
		t.Fatal(err)
	}
	wc, _, err := tasks.CommitWeights(s, 1, 2, []tasks.Weight{{UID: 0, Value: 65535}}, [32]byte{1})
	if err != nil {
		t.Fatal(err)
	}
	if err := wc.VerifySignature(); err != nil {
		t.Fatal(err)
	}
	if wc.Validator.String() != id.PeerID().String() {
		t.Errorf("commit names %s, identity is %s", wc.Validator, id.PeerID())
	}
}

// TestValidatorPermit: tasks and weight commits need a permit, which goes
// to the MaxValidators largest stakes, ties to the higher uid (as
// consensus gives them).
func TestValidatorPermit(t *testing.T) {
	m := testManifest()
	m.Consensus.MaxValidators = 2
	peer := func(i byte) tasks.PeerID {
		s, err := tasks.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{i}, 32)))
		if err != nil {
			t.Fatal(err)
		}
		return s.PeerID()
	}
	f := &follower{manifest: &m, neurons: map[string]chain.Neuron{}}
	stakes := []int64{50, 100, 50, 0}
	for i, st := range stakes {
		f.neurons[string(peer(byte(i)).Bytes())] = chain.Neuron{UID: uint32(i), Stake: big.NewInt(st), Active: true}
	}
	for i, want := range []bool{false, true, true, false} { // uid 2 wins the tie with uid 0
		err := f.permit(peer(byte(i)), "task")
		if (err == nil) != want || (err != nil && !errors.Is(err, ErrNoPermit)) {
			t.Errorf("uid %d (stake %d): permit error %v, want permit %v", i, stakes[i], err, want)
		}
	}
}
