package tasks

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
)

// Blocks of the test epoch (validManifest's timing, epoch starting at
// block 1000):
//
//	submission commits [1000, 1120)   submission reveals [1120, 1240)
//	weight commits     [1000, 1360)   weight reveals     [1360, 1720)
const (
	testSubnet = 3
	testEpoch  = 5
	testStart  = 1000
)

// newTestBook returns an empty book for the test epoch.
func newTestBook(tb testing.TB) *Book {
	tb.Helper()
	m := validManifest()
	b, err := NewBook(&m, testSubnet, testEpoch, testStart)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// addTask publishes task index of validator v in b and returns its CID.
func addTask(tb testing.TB, b *Book, v Signer, index uint32) Link {
	tb.Helper()
	t, l := testTask(tb, testSubnet, testEpoch, v, index)
	if err := b.AddTask(t); err != nil {
		tb.Fatal(err)
	}
	return l
}

// addTaskElsewhere returns the CID of task index of validator v, a task
// the book under test never hears of.
func addTaskElsewhere(tb testing.TB, v Signer, index uint32) Link {
	tb.Helper()
	_, l := testTask(tb, testSubnet, testEpoch, v, index)
	return l
}

// mustCommitWeights returns a validator's commit and reveal or fails.
func mustCommitWeights(tb testing.TB, s Signer, ws []Weight, saltName string) (WeightCommit, WeightReveal) {
	tb.Helper()
	c, r, err := CommitWeights(s, testSubnet, testEpoch, ws, salt(saltName))
	if err != nil {
		tb.Fatal(err)
	}
	return c, r
}

// mustCommitSubmission returns a miner's commit and reveal or fails.
func mustCommitSubmission(tb testing.TB, s Signer, task, output Link, saltName string) (SubmissionCommit, SubmissionReveal) {
	tb.Helper()
	c, r, err := CommitSubmission(s, testSubnet, testEpoch, task, output, salt(saltName))
	if err != nil {
		tb.Fatal(err)
	}
	return c, r
}

func TestBookWeightRules(t *testing.T) {
	v := newSigner(t, "validator")
	other := newSigner(t, "other validator")
	weights := []Weight{{0, 100}, {3, 65535}}
	commit, reveal := mustCommitWeights(t, v, weights, "a")

	tests := []struct {
		name        string
		commitAt    uint64 // 0: no commit
		reveal      func() WeightReveal
		revealAt    uint64
		wantCommit  error
		wantReveal  error
		skipsReveal bool
	}{
		{name: "matching reveal accepted", commitAt: 1100, reveal: func() WeightReveal { return reveal }, revealAt: 1400},
		{name: "reveal at the window's first block", commitAt: 1359, reveal: func() WeightReveal { return reveal }, revealAt: 1360},
		{name: "reveal at the window's last block", commitAt: 1000, reveal: func() WeightReveal { return reveal }, revealAt: 1719},
		{name: "wrong salt", commitAt: 1100, revealAt: 1400, wantReveal: ErrCommitMismatch,
			reveal: func() WeightReveal { r := reveal; r.Salt = salt("b"); return r }},
		{name: "wrong weights", commitAt: 1100, revealAt: 1400, wantReveal: ErrCommitMismatch,
			reveal: func() WeightReveal { r := reveal; r.Weights = []Weight{{0, 100}, {3, 65534}}; return r }},
		{name: "early reveal", commitAt: 1100, revealAt: 1359, wantReveal: ErrRevealEarly,
			reveal: func() WeightReveal { return reveal }},
		{name: "late reveal", commitAt: 1100, revealAt: 1720, wantReveal: ErrRevealLate,
			reveal: func() WeightReveal { return reveal }},
		{name: "reveal without a commit", revealAt: 1400, wantReveal: ErrNoCommit,
			reveal: func() WeightReveal { return reveal }},
		{name: "another validator reveals the weights and salt as its own", commitAt: 1100, revealAt: 1400,
			wantReveal: ErrNoCommit,
			reveal:     func() WeightReveal { r := reveal; r.Validator = other.PeerID(); return r }},
		{name: "reveal for another epoch", commitAt: 1100, revealAt: 1400, wantReveal: ErrWrongEpoch,
			reveal: func() WeightReveal { r := reveal; r.Epoch++; return r }},
		{name: "late commit", commitAt: 1360, wantCommit: ErrCommitLate, skipsReveal: true},
		{name: "early commit", commitAt: 999, wantCommit: ErrCommitEarly, skipsReveal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBook(t)
			if tt.commitAt != 0 {
				if err := b.AddWeightCommit(commit, tt.commitAt); !errors.Is(err, tt.wantCommit) || (tt.wantCommit == nil && err != nil) {
					t.Fatalf("AddWeightCommit = %v, want %v", err, tt.wantCommit)
				}
			}
			if tt.skipsReveal {
				if got := b.WeightCommits(); len(got) != 0 {
					t.Errorf("rejected commit kept: %v", got)
				}
				return
			}
			err := b.AddWeightReveal(tt.reveal(), tt.revealAt)
			if !errors.Is(err, tt.wantReveal) || (tt.wantReveal == nil && err != nil) {
				t.Fatalf("AddWeightReveal = %v, want %v", err, tt.wantReveal)
			}
			got := b.WeightReveals()
			if tt.wantReveal == nil && (len(got) != 1 || got[0].Validator != v.PeerID()) {
				t.Errorf("WeightReveals() = %v, want the accepted reveal", got)
			}
			if tt.wantReveal != nil && len(got) != 0 {
				t.Errorf("WeightReveals() = %v after a rejected reveal", got)
			}
		})
	}
}

func TestBookWeightCommitChecks(t *testing.T) {
	v := newSigner(t, "validator")
	commit, reveal := mustCommitWeights(t, v, []Weight{{1, 1}}, "a")

	t.Run("bad signature", func(t *testing.T) {
		b := newTestBook(t)
		bad := commit
		bad.Signature = append([]byte(nil), commit.Signature...)
		bad.Signature[0] ^= 0x80
		if err := b.AddWeightCommit(bad, 1100); !errors.Is(err, ErrBadSignature) {
			t.Errorf("error = %v, want ErrBadSignature", err)
		}
		// Signed by someone else than the validator it names.
		forged := commit
		msg, _ := forged.SigningBytes()
		forged.Signature, _ = newSigner(t, "forger").Sign(msg)
		if err := b.AddWeightCommit(forged, 1100); !errors.Is(err, ErrBadSignature) {
			t.Errorf("forged: error = %v, want ErrBadSignature", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		b := newTestBook(t)
		bad := commit
		bad.Signature = bad.Signature[:10]
		if err := b.AddWeightCommit(bad, 1100); !errors.Is(err, ErrInvalid) {
			t.Errorf("error = %v, want ErrInvalid", err)
		}
	})
	t.Run("wrong epoch", func(t *testing.T) {
		b := newTestBook(t)
		c, _, err := CommitWeights(v, testSubnet, testEpoch+1, nil, salt("a"))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AddWeightCommit(c, 1100); !errors.Is(err, ErrWrongEpoch) {
			t.Errorf("error = %v, want ErrWrongEpoch", err)
		}
	})
	t.Run("identical duplicate is not equivocation", func(t *testing.T) {
		b := newTestBook(t)
		if err := b.AddWeightCommit(commit, 1100); err != nil {
			t.Fatal(err)
		}
		if err := b.AddWeightCommit(commit, 1101); !errors.Is(err, ErrDuplicate) {
			t.Errorf("error = %v, want ErrDuplicate", err)
		}
		if err := b.AddWeightReveal(reveal, 1400); err != nil {
			t.Errorf("reveal after a duplicate commit: %v", err)
		}
		if err := b.AddWeightReveal(reveal, 1401); !errors.Is(err, ErrDuplicate) {
			t.Errorf("second reveal: error = %v, want ErrDuplicate", err)
		}
		if len(b.Equivocations()) != 0 {
			t.Error("a duplicate produced evidence")
		}
	})
}

func TestBookEquivocation(t *testing.T) {
	v := newSigner(t, "validator")
	honest := newSigner(t, "honest")
	c1, r1 := mustCommitWeights(t, v, []Weight{{1, 1}}, "a")
	c2, r2 := mustCommitWeights(t, v, []Weight{{2, 1}}, "a")
	hc, hr := mustCommitWeights(t, honest, []Weight{{1, 1}}, "h")

	b := newTestBook(t)
	for _, c := range []WeightCommit{c1, hc} {
		if err := b.AddWeightCommit(c, 1100); err != nil {
			t.Fatal(err)
		}
	}
	err := b.AddWeightCommit(c2, 1200)
	var eq *EquivocationError
	if !errors.As(err, &eq) || !errors.Is(err, ErrEquivocation) {
		t.Fatalf("second commit: error = %v, want an *EquivocationError", err)
	}
	if err := eq.Evidence.Verify(); err != nil {
		t.Errorf("evidence does not verify: %v", err)
	}
	if eq.Evidence.Validator() != v.PeerID() {
		t.Errorf("evidence names %s", eq.Evidence.Validator())
	}
	// Evidence travels as a block; the decoded copy verifies standalone.
	data := mustEncode(t, eq.Evidence)
	decoded, err := Decode[Equivocation](data)
	if err != nil {
		t.Fatal(err)
	}
	if err := decoded.Verify(); err != nil {
		t.Errorf("decoded evidence: %v", err)
	}
	tampered := decoded
	tampered.B.Commit[0] ^= 1
	if err := tampered.Verify(); err == nil {
		t.Error("tampered evidence verifies")
	}

	// Whichever commit the equivocator opens, the reveal is refused.
	for i, r := range []WeightReveal{r1, r2} {
		if err := b.AddWeightReveal(r, 1400); !errors.Is(err, ErrEquivocation) {
			t.Errorf("reveal %d of the equivocator: error = %v, want ErrEquivocation", i+1, err)
		}
	}
	if err := b.AddWeightReveal(hr, 1400); err != nil {
		t.Errorf("honest reveal: %v", err)
	}
	if got := b.WeightCommits(); len(got) != 1 || got[0].Validator != honest.PeerID() {
		t.Errorf("WeightCommits() = %v, want only the honest validator's", got)
	}
	if got := b.Equivocations(); len(got) != 1 || got[0].Validator() != v.PeerID() {
		t.Errorf("Equivocations() = %v", got)
	}
}

func TestBookSubmissionRules(t *testing.T) {
	v := newSigner(t, "validator")
	honest := newSigner(t, "honest miner")
	plagiarist := newSigner(t, "plagiarist")
	_, task := testTask(t, testSubnet, testEpoch, v, 0)
	output := rawLink("honest output")
	commit, reveal := mustCommitSubmission(t, honest, task, output, "s")
	// newBook returns a book that knows the task.
	newBook := func(t *testing.T) *Book {
		t.Helper()
		b := newTestBook(t)
		addTask(t, b, v, 0)
		return b
	}

	tests := []struct {
		name       string
		commitAt   uint64
		reveal     func() SubmissionReveal
		revealAt   uint64
		wantReveal error
	}{
		{name: "matching reveal accepted", commitAt: 1000, revealAt: 1120,
			reveal: func() SubmissionReveal { return reveal }},
		{name: "wrong salt", commitAt: 1000, revealAt: 1200, wantReveal: ErrCommitMismatch,
			reveal: func() SubmissionReveal { r := reveal; r.Salt = salt("t"); return r }},
		{name: "another output", commitAt: 1000, revealAt: 1200, wantReveal: ErrCommitMismatch,
			reveal: func() SubmissionReveal { r := reveal; r.Output = rawLink("better output"); return r }},
		{name: "early reveal", commitAt: 1000, revealAt: 1119, wantReveal: ErrRevealEarly,
			reveal: func() SubmissionReveal { return reveal }},
		{name: "late reveal", commitAt: 1000, revealAt: 1240, wantReveal: ErrRevealLate,
			reveal: func() SubmissionReveal { return reveal }},
		{name: "reveal without a commit", revealAt: 1200, wantReveal: ErrNoCommit,
			reveal: func() SubmissionReveal { return reveal }},
		{name: "reveal for another task", commitAt: 1000, revealAt: 1200, wantReveal: ErrNoCommit,
			reveal: func() SubmissionReveal { r := reveal; r.Task = cborLink("other task"); return r }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBook(t)
			if tt.commitAt != 0 {
				if err := b.AddSubmissionCommit(commit, tt.commitAt); err != nil {
					t.Fatal(err)
				}
			}
			err := b.AddSubmissionReveal(tt.reveal(), tt.revealAt)
			if !errors.Is(err, tt.wantReveal) || (tt.wantReveal == nil && err != nil) {
				t.Fatalf("AddSubmissionReveal = %v, want %v", err, tt.wantReveal)
			}
			if got := len(b.SubmissionReveals()); (tt.wantReveal == nil) != (got == 1) {
				t.Errorf("%d reveals accepted", got)
			}
		})
	}

	t.Run("late commit", func(t *testing.T) {
		b := newBook(t)
		if err := b.AddSubmissionCommit(commit, 1120); !errors.Is(err, ErrCommitLate) {
			t.Errorf("error = %v, want ErrCommitLate", err)
		}
	})
	t.Run("early commit", func(t *testing.T) {
		b := newBook(t)
		if err := b.AddSubmissionCommit(commit, 999); !errors.Is(err, ErrCommitEarly) {
			t.Errorf("error = %v, want ErrCommitEarly", err)
		}
		if got := b.SubmissionCommits(); len(got) != 0 {
			t.Errorf("an early commit was kept: %v", got)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		b := newBook(t)
		bad := commit
		bad.Signature = append([]byte(nil), commit.Signature...)
		bad.Signature[63] ^= 1
		if err := b.AddSubmissionCommit(bad, 1000); !errors.Is(err, ErrBadSignature) {
			t.Errorf("error = %v, want ErrBadSignature", err)
		}
	})
	// Of two commits by one miner for one task, the smaller hash stands
	// on every node, in whichever order they arrive.
	t.Run("duplicate and conflicting commits", func(t *testing.T) {
		other, otherReveal := mustCommitSubmission(t, honest, task, rawLink("second thoughts"), "s")
		first, second := commit, other
		firstReveal, secondReveal := reveal, otherReveal
		if bytes.Compare(first.Commit[:], second.Commit[:]) > 0 {
			first, second = second, first
			firstReveal, secondReveal = secondReveal, firstReveal
		}
		for _, smallerLast := range []bool{false, true} {
			order := [2]SubmissionCommit{first, second}
			if smallerLast {
				order = [2]SubmissionCommit{second, first}
			}
			b := newBook(t)
			if err := b.AddSubmissionCommit(order[0], 1000); err != nil {
				t.Fatal(err)
			}
			if err := b.AddSubmissionCommit(order[0], 1001); !errors.Is(err, ErrDuplicate) {
				t.Errorf("same commit again: error = %v, want ErrDuplicate", err)
			}
			err := b.AddSubmissionCommit(order[1], 1002)
			if !smallerLast && !errors.Is(err, ErrConflict) {
				t.Errorf("second commit for the task, larger hash: error = %v, want ErrConflict", err)
			}
			if smallerLast && err != nil {
				t.Errorf("second commit for the task, smaller hash: error = %v, want it accepted", err)
			}
			if got := b.SubmissionCommits(); len(got) != 1 || got[0].Commit != first.Commit {
				t.Errorf("SubmissionCommits() = %v, want only the smaller commit", got)
			}
			if err := b.AddSubmissionReveal(secondReveal, 1120); !errors.Is(err, ErrCommitMismatch) {
				t.Errorf("reveal of the commit that did not stand: error = %v, want ErrCommitMismatch", err)
			}
			if err := b.AddSubmissionReveal(firstReveal, 1120); err != nil {
				t.Errorf("the smaller commit should stand: %v", err)
			}
		}
	})
	// A commit must name a task of the epoch the book knows: not a random
	// CID, not a task of the previous epoch, and not a known task under
	// another spelling of its CID.
	t.Run("unknown tasks", func(t *testing.T) {
		b := newBook(t)
		prevTask, prevLink := testTask(t, testSubnet, testEpoch-1, v, 0)
		if err := b.AddTask(prevTask); !errors.Is(err, ErrWrongEpoch) {
			t.Errorf("task of the previous epoch: error = %v, want ErrWrongEpoch", err)
		}
		for _, l := range []Link{cborLink("random"), prevLink, addTaskElsewhere(t, v, 1)} {
			c, _ := mustCommitSubmission(t, honest, l, output, "u")
			if err := b.AddSubmissionCommit(c, 1000); !errors.Is(err, ErrUnknownTask) {
				t.Errorf("commit to %s: error = %v, want ErrUnknownTask", l, err)
			}
		}
		digest := task.Bytes()[4:]
		for name, spelling := range map[string][]byte{
			"identity hash":    append([]byte{0x01, 0x71, 0x00, byte(len(digest))}, digest...),
			"empty digest":     {0x01, 0x71, 0x12, 0x00},
			"truncated digest": append([]byte{0x01, 0x71, 0x12, 0x10}, digest[:16]...),
		} {
			l, err := LinkFromBytes(spelling)
			if err != nil {
				t.Fatal(err)
			}
			c := commit
			c.Task = l
			msg, err := c.SigningBytes()
			if err != nil {
				t.Fatal(err)
			}
			if c.Signature, err = honest.Sign(msg); err != nil {
				t.Fatal(err)
			}
			if err := b.AddSubmissionCommit(c, 1000); !errors.Is(err, ErrInvalid) {
				t.Errorf("task link as %s: error = %v, want ErrInvalid", name, err)
			}
		}
		// A miner holds at most one commit per known task.
		if err := b.AddSubmissionCommit(commit, 1000); err != nil {
			t.Fatal(err)
		}
		if got := len(b.SubmissionCommits()); got != 1 {
			t.Errorf("%d commits held for 1 known task", got)
		}
	})

	// The plagiarist copies the honest miner's commit hash into a commit
	// of its own (validly signed, in time), then, once the honest miner
	// has revealed, reveals the same output and salt under its name. The
	// hash binds the honest miner's identity, so it does not match.
	t.Run("plagiarist copies a commit hash", func(t *testing.T) {
		b := newBook(t)
		if err := b.AddSubmissionCommit(commit, 1000); err != nil {
			t.Fatal(err)
		}
		copied := SubmissionCommit{
			Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
			Miner: plagiarist.PeerID(), Task: task, Commit: commit.Commit,
		}
		msg, err := copied.SigningBytes()
		if err != nil {
			t.Fatal(err)
		}
		copied.Signature, _ = plagiarist.Sign(msg)
		if err := b.AddSubmissionCommit(copied, 1010); err != nil {
			t.Fatalf("the copied commit is well-formed and should be accepted: %v", err)
		}
		if err := b.AddSubmissionReveal(reveal, 1120); err != nil {
			t.Fatal(err)
		}
		stolen := reveal
		stolen.Miner = plagiarist.PeerID()
		if err := b.AddSubmissionReveal(stolen, 1121); !errors.Is(err, ErrCommitMismatch) {
			t.Errorf("plagiarist's reveal: error = %v, want ErrCommitMismatch", err)
		}
	})
	// The plagiarist waits for the honest output to be revealed and
	// commits to it under its own identity: too late. Revealing it against
	// an earlier commit of its own does not match either.
	t.Run("plagiarist reveals another miner's output", func(t *testing.T) {
		b := newBook(t)
		if err := b.AddSubmissionCommit(commit, 1000); err != nil {
			t.Fatal(err)
		}
		own, _ := mustCommitSubmission(t, plagiarist, task, rawLink("junk"), "p")
		if err := b.AddSubmissionCommit(own, 1000); err != nil {
			t.Fatal(err)
		}
		if err := b.AddSubmissionReveal(reveal, 1120); err != nil {
			t.Fatal(err)
		}
		late, lateReveal := mustCommitSubmission(t, plagiarist, task, output, "p")
		if err := b.AddSubmissionCommit(late, 1121); !errors.Is(err, ErrCommitLate) {
			t.Errorf("commit to the revealed output: error = %v, want ErrCommitLate", err)
		}
		if err := b.AddSubmissionReveal(lateReveal, 1122); !errors.Is(err, ErrCommitMismatch) {
			t.Errorf("reveal of the copied output: error = %v, want ErrCommitMismatch", err)
		}
		if got := b.SubmissionReveals(); len(got) != 1 || got[0].Miner != honest.PeerID() {
			t.Errorf("SubmissionReveals() = %v, want only the honest one", got)
		}
	})
}

// Ed25519 signers may randomise their nonces, so one commit can come with
// several valid signatures. Every node keeps the smallest, so two nodes
// that see the copies in opposite orders build the same record (the
// signatures are in its leaves).
func TestBookCanonicalSignatures(t *testing.T) {
	v := newSigner(t, "validator")
	m := newSigner(t, "miner")
	wc, _ := mustCommitWeights(t, v, []Weight{{1, 7}}, "w")
	msg, err := wc.SigningBytes()
	if err != nil {
		t.Fatal(err)
	}
	wc2 := wc
	wc2.Signature = resign(t, "validator", msg, "second")
	task := addTaskElsewhere(t, v, 0)
	sc, _ := mustCommitSubmission(t, m, task, rawLink("out"), "s")
	if msg, err = sc.SigningBytes(); err != nil {
		t.Fatal(err)
	}
	sc2 := sc
	sc2.Signature = resign(t, "miner", msg, "second")
	if bytes.Equal(wc.Signature, wc2.Signature) || bytes.Equal(sc.Signature, sc2.Signature) {
		t.Fatal("the second signatures are not different")
	}

	record := func(weightCommits []WeightCommit, subCommits []SubmissionCommit) Link {
		t.Helper()
		b := newTestBook(t)
		addTask(t, b, v, 0)
		accepted := 0
		for _, c := range weightCommits {
			switch err := b.AddWeightCommit(c, 1100); {
			case err == nil:
				accepted++
			case !errors.Is(err, ErrDuplicate):
				t.Fatalf("weight commit: %v", err)
			}
		}
		for _, c := range subCommits {
			switch err := b.AddSubmissionCommit(c, 1100); {
			case err == nil:
				accepted++
			case !errors.Is(err, ErrDuplicate):
				t.Fatalf("submission commit: %v", err)
			}
		}
		// The smaller signature is accepted whenever it comes: first, or
		// second to replace the larger one (and be forwarded).
		wantAccepted := 2
		if bytes.Compare(weightCommits[1].Signature, weightCommits[0].Signature) < 0 {
			wantAccepted++
		}
		if bytes.Compare(subCommits[1].Signature, subCommits[0].Signature) < 0 {
			wantAccepted++
		}
		if accepted != wantAccepted {
			t.Errorf("accepted %d commits, want %d", accepted, wantAccepted)
		}
		rec, err := BuildRecord(RecordContents{
			Header: RecordHeader{
				Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
				Manifest: cborLink("manifest"), Seed: salt("seed"),
			},
			Tasks:             b.Tasks(),
			WeightCommits:     b.WeightCommits(),
			SubmissionCommits: b.SubmissionCommits(),
		})
		if err != nil {
			t.Fatal(err)
		}
		return rec.Link
	}
	one := record([]WeightCommit{wc, wc2}, []SubmissionCommit{sc, sc2})
	other := record([]WeightCommit{wc2, wc}, []SubmissionCommit{sc2, sc})
	if one != other {
		t.Errorf("the record depends on the order the signatures arrived in: %s and %s", one, other)
	}
}

// commitsByHash returns n weight commits by s for the test epoch, in
// increasing order of commit hash, and the reveal of the first.
func commitsByHash(tb testing.TB, s Signer, n int) ([]WeightCommit, WeightReveal) {
	tb.Helper()
	cs := make([]WeightCommit, n)
	reveals := make(map[[32]byte]WeightReveal, n)
	for i := range cs {
		var r WeightReveal
		cs[i], r = mustCommitWeights(tb, s, []Weight{{uint32(i), 1}}, "e")
		reveals[cs[i].Commit] = r
	}
	slices.SortFunc(cs, func(x, y WeightCommit) int { return bytes.Compare(x.Commit[:], y.Commit[:]) })
	return cs, reveals[cs[0].Commit]
}

func TestBookEquivocationEvidence(t *testing.T) {
	v := newSigner(t, "validator")
	cs, reveal := commitsByHash(t, v, 3) // cs[0] < cs[1] < cs[2] by hash; reveal opens cs[0]

	isEvidence := func(err error, a, b WeightCommit) bool {
		var eq *EquivocationError
		return errors.As(err, &eq) && eq.Evidence.A.Commit == a.Commit && eq.Evidence.B.Commit == b.Commit
	}
	t.Run("third commit after the evidence", func(t *testing.T) {
		b := newTestBook(t)
		for _, c := range []WeightCommit{cs[0], cs[1]} {
			if err := b.AddWeightCommit(c, 1100); err != nil && !isEvidence(err, cs[0], cs[1]) {
				t.Fatalf("error = %v", err)
			}
		}
		// cs[2] adds nothing to (cs[0], cs[1]): ignore it.
		err := b.AddWeightCommit(cs[2], 1101)
		var eq *EquivocationError
		if !errors.Is(err, ErrEquivocation) || errors.As(err, &eq) {
			t.Errorf("third commit: error = %v, want a plain ErrEquivocation", err)
		}
		if got := b.Equivocations(); len(got) != 1 || got[0].A.Commit != cs[0].Commit || got[0].B.Commit != cs[1].Commit {
			t.Errorf("Equivocations() = %v", got)
		}
	})
	t.Run("third commit that improves the evidence", func(t *testing.T) {
		b := newTestBook(t)
		if err := b.AddWeightCommit(cs[2], 1100); err != nil {
			t.Fatal(err)
		}
		if err := b.AddWeightCommit(cs[1], 1100); !isEvidence(err, cs[1], cs[2]) {
			t.Fatalf("second commit: error = %v, want evidence (1, 2)", err)
		}
		if err := b.AddWeightCommit(cs[0], 1100); !isEvidence(err, cs[0], cs[1]) {
			t.Errorf("third commit: error = %v, want evidence (0, 1) to forward", err)
		}
	})
	t.Run("late conflicting commit", func(t *testing.T) {
		b := newTestBook(t)
		if err := b.AddWeightCommit(cs[0], 1100); err != nil {
			t.Fatal(err)
		}
		late := b.Schedule().WeightCommit.Close + 100
		if err := b.AddWeightCommit(cs[1], late); !isEvidence(err, cs[0], cs[1]) {
			t.Errorf("conflicting commit after the window: error = %v, want evidence", err)
		}
		if err := b.AddWeightReveal(reveal, late); !errors.Is(err, ErrEquivocation) {
			t.Errorf("reveal of the equivocator: error = %v, want ErrEquivocation", err)
		}
		if len(b.WeightCommits()) != 0 || len(b.Equivocations()) != 1 {
			t.Errorf("commits %v, evidence %v", b.WeightCommits(), b.Equivocations())
		}
		// A late commit with nothing to conflict with is just late.
		other, _ := mustCommitWeights(t, newSigner(t, "other"), nil, "o")
		if err := b.AddWeightCommit(other, late); !errors.Is(err, ErrCommitLate) {
			t.Errorf("late commit of another validator: error = %v, want ErrCommitLate", err)
		}
	})
	t.Run("evidence from another node", func(t *testing.T) {
		b := newTestBook(t)
		if err := b.AddWeightCommit(cs[0], 1100); err != nil {
			t.Fatal(err)
		}
		if err := b.AddWeightReveal(reveal, 1400); err != nil {
			t.Fatal(err)
		}
		e, err := NewEquivocation(cs[1], cs[2])
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AddEquivocation(e); err != nil {
			t.Fatalf("AddEquivocation = %v", err)
		}
		if len(b.WeightCommits()) != 0 || len(b.WeightReveals()) != 0 {
			t.Errorf("the equivocator's commit or reveal was kept: %v %v", b.WeightCommits(), b.WeightReveals())
		}
		// The commit this node held is part of the canonical evidence.
		if got := b.Equivocations(); len(got) != 1 || got[0].A.Commit != cs[0].Commit || got[0].B.Commit != cs[1].Commit {
			t.Errorf("Equivocations() = %v, want (0, 1)", got)
		}
		if err := b.AddEquivocation(e); !errors.Is(err, ErrDuplicate) {
			t.Errorf("the same evidence again: error = %v, want ErrDuplicate", err)
		}
		if err := b.AddWeightCommit(cs[0], 1100); !errors.Is(err, ErrEquivocation) {
			t.Errorf("a later commit: error = %v, want ErrEquivocation", err)
		}
		if err := b.AddWeightReveal(reveal, 1401); !errors.Is(err, ErrEquivocation) {
			t.Errorf("a later reveal: error = %v, want ErrEquivocation", err)
		}
	})
	t.Run("bad evidence", func(t *testing.T) {
		b := newTestBook(t)
		e, err := NewEquivocation(cs[0], cs[1])
		if err != nil {
			t.Fatal(err)
		}
		forged := e
		forged.B.Signature = bytes.Clone(e.B.Signature)
		forged.B.Signature[0] ^= 1
		if err := b.AddEquivocation(forged); !errors.Is(err, ErrBadSignature) {
			t.Errorf("forged evidence: error = %v, want ErrBadSignature", err)
		}
		swapped := e
		swapped.A, swapped.B = e.B, e.A
		if err := b.AddEquivocation(swapped); !errors.Is(err, ErrInvalid) {
			t.Errorf("evidence out of order: error = %v, want ErrInvalid", err)
		}
		c1, _, err := CommitWeights(v, testSubnet, testEpoch+1, nil, salt("x"))
		if err != nil {
			t.Fatal(err)
		}
		c2, _, err := CommitWeights(v, testSubnet, testEpoch+1, nil, salt("y"))
		if err != nil {
			t.Fatal(err)
		}
		other, err := NewEquivocation(c1, c2)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AddEquivocation(other); !errors.Is(err, ErrWrongEpoch) {
			t.Errorf("evidence of another epoch: error = %v, want ErrWrongEpoch", err)
		}
		if len(b.Equivocations()) != 0 {
			t.Error("bad evidence was kept")
		}
	})
	// Nodes that see the three commits, or evidence made of them, in any
	// order end with the same evidence.
	t.Run("every order gives the same evidence", func(t *testing.T) {
		e12, err := NewEquivocation(cs[1], cs[2])
		if err != nil {
			t.Fatal(err)
		}
		type step struct {
			commit   *WeightCommit
			evidence *Equivocation
		}
		orders := [][]step{
			{{commit: &cs[0]}, {commit: &cs[1]}, {commit: &cs[2]}},
			{{commit: &cs[2]}, {commit: &cs[1]}, {commit: &cs[0]}},
			{{commit: &cs[1]}, {commit: &cs[2]}, {commit: &cs[0]}},
			{{evidence: &e12}, {commit: &cs[0]}},
			{{commit: &cs[0]}, {evidence: &e12}},
		}
		var want []byte
		for i, order := range orders {
			b := newTestBook(t)
			for _, s := range order {
				var err error
				if s.commit != nil {
					err = b.AddWeightCommit(*s.commit, 1100)
				} else {
					err = b.AddEquivocation(*s.evidence)
				}
				if err != nil && !errors.Is(err, ErrEquivocation) {
					t.Fatalf("order %d: %v", i, err)
				}
			}
			got := b.Equivocations()
			if len(got) != 1 {
				t.Fatalf("order %d: %d pieces of evidence", i, len(got))
			}
			data := mustEncode(t, got[0])
			if want == nil {
				want = data
			} else if !bytes.Equal(data, want) {
				t.Errorf("order %d gives other evidence", i)
			}
		}
	})
}

func TestBookTasks(t *testing.T) {
	v := newSigner(t, "validator")
	m := newSigner(t, "miner")
	task, link := testTask(t, testSubnet, testEpoch, v, 0)
	longLink := mustLink(t, append([]byte{0x01, 0x55, 0x00, MaxLinkLen}, make([]byte, MaxLinkLen)...))
	tests := []struct {
		name    string
		mutate  func(*Task)
		wantErr error
	}{
		{"another subnet", func(tk *Task) { tk.Subnet++ }, ErrWrongEpoch},
		{"another epoch", func(tk *Task) { tk.Epoch-- }, ErrWrongEpoch},
		{"index beyond the manifest's tasks per epoch", func(tk *Task) { tk.Index = validManifest().TasksPerEpoch }, ErrInvalid},
		{"input link too long", func(tk *Task) { tk.Input = longLink }, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBook(t)
			bad := task
			tt.mutate(&bad)
			if err := b.AddTask(bad); !errors.Is(err, tt.wantErr) {
				t.Errorf("AddTask = %v, want %v", err, tt.wantErr)
			}
			if len(b.Tasks()) != 0 {
				t.Error("a refused task was kept")
			}
		})
	}

	t.Run("duplicate", func(t *testing.T) {
		b := newTestBook(t)
		if err := b.AddTask(task); err != nil {
			t.Fatal(err)
		}
		if err := b.AddTask(task); !errors.Is(err, ErrDuplicate) {
			t.Errorf("same task again: error = %v, want ErrDuplicate", err)
		}
	})
	// Two tasks at one index: the smaller CID stands on every node, and
	// the commits to the other go with it.
	t.Run("conflict", func(t *testing.T) {
		other := task
		other.Params = []byte("other params")
		_, otherLink, err := Encode(other)
		if err != nil {
			t.Fatal(err)
		}
		small, large := task, other
		smallLink, largeLink := link, otherLink
		if compareLinks(smallLink, largeLink) > 0 {
			small, large, smallLink, largeLink = large, small, largeLink, smallLink
		}
		b := newTestBook(t)
		if err := b.AddTask(large); err != nil {
			t.Fatal(err)
		}
		c, _ := mustCommitSubmission(t, m, largeLink, rawLink("out"), "s")
		if err := b.AddSubmissionCommit(c, 1000); err != nil {
			t.Fatal(err)
		}
		if err := b.AddTask(small); err != nil {
			t.Fatalf("the smaller task: error = %v, want it accepted", err)
		}
		if err := b.AddTask(large); !errors.Is(err, ErrConflict) {
			t.Errorf("the larger task again: error = %v, want ErrConflict", err)
		}
		if got := b.Tasks(); len(got) != 1 || !bytes.Equal(got[0].Params, small.Params) {
			t.Errorf("Tasks() = %v, want the smaller task only", got)
		}
		if got := b.SubmissionCommits(); len(got) != 0 {
			t.Errorf("commits to the replaced task were kept: %v", got)
		}
		if err := b.AddSubmissionCommit(c, 1001); !errors.Is(err, ErrUnknownTask) {
			t.Errorf("commit to the replaced task: error = %v, want ErrUnknownTask", err)
		}
		c2, _ := mustCommitSubmission(t, m, smallLink, rawLink("out"), "s")
		if err := b.AddSubmissionCommit(c2, 1001); err != nil {
			t.Errorf("commit to the task that stands: %v", err)
		}
	})
}

func TestNewBookRejects(t *testing.T) {
	m := validManifest()
	if _, err := NewBook(nil, testSubnet, testEpoch, testStart); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil manifest: error = %v, want ErrInvalid", err)
	}
	bad := m
	bad.Timing.SubmissionRevealWindow = 0
	if _, err := NewBook(&bad, testSubnet, testEpoch, testStart); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty reveal window: error = %v, want ErrInvalid", err)
	}
	bad = m
	bad.Timing.SubmissionDeadline = bad.Timing.Tempo + 1
	if _, err := NewBook(&bad, testSubnet, testEpoch, testStart); !errors.Is(err, ErrInvalid) {
		t.Errorf("reveal window past the epoch: error = %v, want ErrInvalid", err)
	}
	if _, err := NewBook(&m, testSubnet, testEpoch, math.MaxUint64-10); !errors.Is(err, ErrInvalid) {
		t.Errorf("windows past the last block: error = %v, want ErrInvalid", err)
	}
	b, err := NewBook(&m, testSubnet, testEpoch, testStart)
	if err != nil {
		t.Fatal(err)
	}
	s := b.Schedule()
	for _, w := range []Window{s.SubmissionCommit, s.SubmissionReveal, s.WeightCommit, s.WeightReveal} {
		if w.Open >= w.Close {
			t.Errorf("empty window %+v", w)
		}
	}
	if s.SubmissionReveal.Open < s.SubmissionCommit.Close || s.WeightReveal.Open < s.WeightCommit.Close {
		t.Errorf("a reveal window opens before its commit window closes: %+v", s)
	}
}

// Many validators and miners on many goroutines; run with -race.
func TestBookConcurrent(t *testing.T) {
	b := newTestBook(t)
	v := newSigner(t, "validator")
	task := addTask(t, b, v, 0)
	const n = 32
	type party struct {
		wc WeightCommit
		wr WeightReveal
		sc SubmissionCommit
		sr SubmissionReveal
	}
	parties := make([]party, n)
	for i := range parties {
		s := newSigner(t, fmt.Sprint("peer ", i))
		p := &parties[i]
		p.wc, p.wr = mustCommitWeights(t, s, []Weight{{uint32(i), 1}}, fmt.Sprint(i))
		p.sc, p.sr = mustCommitSubmission(t, s, task, rawLink(fmt.Sprint("out ", i)), fmt.Sprint(i))
	}
	run := func(f func(p party) error) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for _, p := range parties {
			for range 2 { // every message twice, as gossip does
				wg.Go(func() {
					if err := f(p); err != nil && !errors.Is(err, ErrDuplicate) {
						errs <- err
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	run(func(p party) error { return b.AddSubmissionCommit(p.sc, 1000) })
	run(func(p party) error { return b.AddWeightCommit(p.wc, 1100) })
	run(func(p party) error { return b.AddSubmissionReveal(p.sr, 1120) })
	run(func(p party) error { return b.AddWeightReveal(p.wr, 1360) })
	if got := [4]int{len(b.SubmissionCommits()), len(b.SubmissionReveals()), len(b.WeightCommits()), len(b.WeightReveals())}; got != [4]int{n, n, n, n} {
		t.Errorf("accepted %v, want %d of each", got, n)
	}
}

// BenchmarkAddWeightReveal is what a gossip validator pays per reveal of a
// full weight vector: decoding, validation, the commit hash and the book.
func BenchmarkAddWeightReveal(b *testing.B) {
	v := newSigner(b, "validator")
	ws := make([]Weight, MaxNeurons)
	for i := range ws {
		ws[i] = Weight{uint32(i), uint16(1 + i)}
	}
	c, r := mustCommitWeights(b, v, ws, "a")
	data := mustEncode(b, r)
	book := newTestBook(b)
	if err := book.AddWeightCommit(c, 1100); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		got, err := Decode[WeightReveal](data)
		if err != nil {
			b.Fatal(err)
		}
		if err := book.AddWeightReveal(got, 1400); err != nil && !errors.Is(err, ErrDuplicate) {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddWeightCommit is dominated by the Ed25519 verification.
func BenchmarkAddWeightCommit(b *testing.B) {
	c, _ := mustCommitWeights(b, newSigner(b, "validator"), []Weight{{1, 1}}, "a")
	data := mustEncode(b, c)
	book := newTestBook(b)
	for b.Loop() {
		got, err := Decode[WeightCommit](data)
		if err != nil {
			b.Fatal(err)
		}
		if err := book.AddWeightCommit(got, 1100); err != nil && !errors.Is(err, ErrDuplicate) {
			b.Fatal(err)
		}
	}
}
