package node

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/tasks"
)

// TestVerify: one validator and two miners run two epochs; a node that
// joins afterwards and follows nothing verifies both anchored epochs,
// re-running every evaluation, and fails a record in which one score was
// changed, naming the epoch and the evaluation's validator.
func TestVerify(t *testing.T) {
	validator := testConfig()
	validator.Validator.Enabled = true
	validator.Chain.PollMS = 20
	miner := testConfig()
	miner.Chain.PollMS = 20
	rn := newRoundNet(t, []Config{validator, miner, miner})
	rn.register(0, 1e12)
	rn.register(1, 1e9)
	rn.register(2, 1e9)
	rn.answerTasks(1, true)
	rn.answerTasks(2, false)
	first := rn.startEpoch()
	var eps []Epoch
	for e := first; e < first+2; e++ {
		rn.runEpoch(e, 2*2, 1) // the validator's 2 tasks, answered by both miners
		eps = append(eps, rn.checkEpoch(e))
	}

	ctx := context.Background()
	obs := newTestNodeWith(t, t.TempDir(), rn.ch, 4, testConfig())
	for _, n := range rn.nodes {
		if err := obs.net.ConnectPeer(ctx, n.net.AddrInfo()); err != nil {
			t.Fatal(err)
		}
	}
	anchored, err := obs.AnchoredEpochs(ctx, rn.subnet)
	if err != nil || !slices.Contains(anchored, first) || !slices.Contains(anchored, first+1) {
		t.Fatalf("AnchoredEpochs: %v, %v; want %d and %d among them", anchored, err, first, first+1)
	}
	// Every anchored epoch verifies, the ones before the miners answered
	// included.
	for _, e := range anchored {
		rep, err := obs.Verify(ctx, VerifyOptions{Subnet: rn.subnet, Epoch: e, All: true})
		if err != nil {
			t.Fatalf("verify epoch %d: %v", e, err)
		}
		if !rep.OK() || rep.Anchor == "" || rep.Rerun != rep.Evaluations || len(rep.Notes) != 0 {
			t.Fatalf("verify epoch %d: %+v", e, rep)
		}
		var names []string
		for _, c := range rep.Checks {
			t.Logf("epoch %d: %s %v: %s", e, c.Name, c.OK, c.Detail)
			names = append(names, c.Name)
			if !c.OK {
				t.Errorf("epoch %d: check %s failed: %s", e, c.Name, c.Detail)
			}
		}
		if want := []string{"anchor", "record", "header", "snapshot", "commits", "consensus", "evaluations"}; !slices.Equal(names, want) {
			t.Errorf("epoch %d: checks %v, want %v", e, names, want)
		}
		if e < first {
			continue
		}
		ep := eps[e-first]
		if rep.Record != ep.Record || rep.Evaluations != 4 {
			t.Errorf("epoch %d: record %s with %d evaluations, want %s with 4", e, rep.Record, rep.Evaluations, ep.Record)
		}
		if e > first && !strings.Contains(rep.Checks[2].Detail, eps[e-first-1].Record) {
			t.Errorf("epoch %d: the header check does not name the previous record: %s", e, rep.Checks[2].Detail)
		}
	}
	rep, err := obs.Verify(ctx, VerifyOptions{Subnet: rn.subnet, Epoch: first, Sample: 1})
	if err != nil || !rep.OK() || rep.Rerun != 1 {
		t.Fatalf("verify a sample of 1: %+v, %v", rep, err)
	}

	// One score changed: a record that is not the anchored one, and an
	// evaluation that does not re-run to its score.
	rec := rn.record(eps[1])
	c := rec.Contents
	c.Evaluations = slices.Clone(c.Evaluations)
	victim := &c.Evaluations[0]
	for i := range c.Evaluations {
		if c.Evaluations[i].Error == "" {
			victim = &c.Evaluations[i]
			break
		}
	}
	switch {
	case victim.Error == "" && victim.Score > 0:
		victim.Score = math.Nextafter(victim.Score, 0) // one bit less
	case victim.Error == "":
		victim.Score = 0.5
	default:
		victim.Fuel-- // a verdict's score is 0
	}
	tampered, err := tasks.BuildRecord(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := obs.storeRecord(ctx, tampered); err != nil {
		t.Fatal(err)
	}
	rep, err = obs.Verify(ctx, VerifyOptions{Record: tampered.Link.String(), All: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Epoch != eps[1].Epoch || rep.Record != tampered.Link.String() || rep.Checks[0].Name != "anchor" || rep.Checks[0].OK {
		t.Fatalf("verify the tampered record: %+v", rep)
	}
	var onEval, onAnchor bool
	for _, m := range rep.Mismatches {
		t.Logf("tampered: MISMATCH %s", m)
		if m.Epoch != eps[1].Epoch {
			t.Errorf("mismatch of epoch %d: %s", m.Epoch, m)
		}
		switch {
		case m.Validator == victim.Validator.String() && m.Miner == victim.Miner.String() && m.Task == victim.Task.String():
			onEval = strings.HasPrefix(m.What, fmt.Sprintf("recorded score %v fuel %d, re-run score ", victim.Score, victim.Fuel))
		case m.Validator == "" && strings.Contains(m.What, "is not the anchored root"):
			onAnchor = true
		}
	}
	if !onEval || !onAnchor {
		t.Fatalf("mismatches %v: want one for the changed evaluation and one for the anchor", rep.Mismatches)
	}
	if s := rep.Mismatches[len(rep.Mismatches)-1].String(); !strings.HasPrefix(s, "epoch ") || !strings.Contains(s, "validator "+victim.Validator.String()+": evaluation of miner ") {
		t.Errorf("mismatch as printed: %s", s)
	}

	// What Verify cannot do, it says.
	if _, err := obs.Verify(ctx, VerifyOptions{Subnet: rn.subnet, Epoch: first + 10}); !errors.Is(err, chain.ErrNotAnchored) || !strings.Contains(err.Error(), "is not anchored (yet)") {
		t.Errorf("verify an epoch not anchored: %v", err)
	}
	if _, err := obs.Verify(ctx, VerifyOptions{Record: "not-a-cid"}); err == nil || !strings.Contains(err.Error(), "is not a CID") {
		t.Errorf("verify a record that is not a CID: %v", err)
	}
}

// TestVerifyScoringNotes: a validator whose revealed weights are not the
// scoring rule applied to its own evaluations in the record is noted
// (not failed); one whose weights are is not.
func TestVerifyScoringNotes(t *testing.T) {
	m := testManifest() // proportional, 4 tasks per epoch
	peer := func(i byte) tasks.PeerID {
		s, err := tasks.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{i}, 32)))
		if err != nil {
			t.Fatal(err)
		}
		return s.PeerID()
	}
	v, a, b := peer(1), peer(2), peer(3)
	neurons := []tasks.Neuron{{UID: 0, Peer: v}, {UID: 1, Peer: a}, {UID: 2, Peer: b}}
	evals := []tasks.Evaluation{
		{Validator: v, Miner: a, Score: 1}, {Validator: v, Miner: a, Score: 1},
		{Validator: v, Miner: b, Score: 0.5},
	}
	// a: 2/4, b: 0.5/4, so b gets a quarter of a's weight.
	rule := []tasks.Weight{{UID: 1, Value: tasks.MaxWeight}, {UID: 2, Value: 16384}} // 65535/4, rounded to even
	for _, tc := range []struct {
		name    string
		evals   []tasks.Evaluation
		weights []tasks.Weight
		want    string // in the note; "" for none
	}{
		{"the rule", evals, rule, ""},
		{"other weights", evals, []tasks.Weight{{UID: 2, Value: tasks.MaxWeight}}, "it revealed {2: 65535}, the rule gives {1: 65535, 2: 16384}"},
		{"no evaluations", nil, rule, "(it published none)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &tasks.RecordContents{Neurons: neurons, Evaluations: tc.evals,
				WeightReveals: []tasks.WeightReveal{{Validator: v, Weights: tc.weights}}}
			notes := scoringNotes(&m, c)
			switch {
			case tc.want == "" && len(notes) != 0:
				t.Errorf("notes %q, want none", notes)
			case tc.want != "" && (len(notes) != 1 || !strings.Contains(notes[0], tc.want) || !strings.Contains(notes[0], v.String())):
				t.Errorf("notes %q, want one about %s saying %q", notes, v, tc.want)
			}
		})
	}
}
