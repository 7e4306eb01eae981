package tasks

import (
	"errors"
	"fmt"
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
	sched, err := validManifest().Timing.Schedule(testStart)
	if err != nil {
		tb.Fatal(err)
	}
	return NewBook(testSubnet, testEpoch, sched)
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
			b := newTestBook(t)
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
		b := newTestBook(t)
		if err := b.AddSubmissionCommit(commit, 1120); !errors.Is(err, ErrCommitLate) {
			t.Errorf("error = %v, want ErrCommitLate", err)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		b := newTestBook(t)
		bad := commit
		bad.Signature = append([]byte(nil), commit.Signature...)
		bad.Signature[63] ^= 1
		if err := b.AddSubmissionCommit(bad, 1000); !errors.Is(err, ErrBadSignature) {
			t.Errorf("error = %v, want ErrBadSignature", err)
		}
	})
	t.Run("duplicate and conflicting commits", func(t *testing.T) {
		b := newTestBook(t)
		if err := b.AddSubmissionCommit(commit, 1000); err != nil {
			t.Fatal(err)
		}
		if err := b.AddSubmissionCommit(commit, 1001); !errors.Is(err, ErrDuplicate) {
			t.Errorf("same commit again: error = %v, want ErrDuplicate", err)
		}
		other, _ := mustCommitSubmission(t, honest, task, rawLink("second thoughts"), "s")
		if err := b.AddSubmissionCommit(other, 1002); !errors.Is(err, ErrConflict) {
			t.Errorf("second commit for the task: error = %v, want ErrConflict", err)
		}
		if err := b.AddSubmissionReveal(reveal, 1120); err != nil {
			t.Errorf("the first commit should stand: %v", err)
		}
	})

	// The plagiarist copies the honest miner's commit hash into a commit
	// of its own (validly signed, in time), then, once the honest miner
	// has revealed, reveals the same output and salt under its name. The
	// hash binds the honest miner's identity, so it does not match.
	t.Run("plagiarist copies a commit hash", func(t *testing.T) {
		b := newTestBook(t)
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
		b := newTestBook(t)
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

// Many validators and miners on many goroutines; run with -race.
func TestBookConcurrent(t *testing.T) {
	b := newTestBook(t)
	v := newSigner(t, "validator")
	_, task := testTask(t, testSubnet, testEpoch, v, 0)
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
