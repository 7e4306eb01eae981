package tasks

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Book applies the commit-reveal rules to the commits and reveals of one
// subnet and epoch. Gossip validators call it for every message, after
// decoding, and the node reads what it accepted to compute consensus and
// build the record. Each Add method takes the block at which the message
// is being judged (the chain's current block) and returns nil if it was
// accepted, or an error matching exactly one sentinel that says why not:
//
//	ErrInvalid, ErrInvalidPeerID  reject: malformed
//	ErrBadSignature               reject: not signed by its sender
//	ErrWrongEpoch                 ignore: another subnet or epoch
//	ErrCommitEarly/Late           reject or ignore, outside the window
//	ErrRevealEarly/Late           likewise
//	ErrNoCommit                   reveal without an accepted commit
//	ErrCommitMismatch             reveal that does not open its commit
//	ErrDuplicate                  ignore: already accepted
//	ErrConflict                   a miner's second submission commit
//	ErrEquivocation               a validator's second weight commit
//	                              (an *EquivocationError with evidence)
//
// Checks run in DESIGN.md's order: shape, signature, window, duplicates.
// Whether the sender is registered and allowed its role is not the Book's
// to know; the caller checks it first.
//
// A Book is safe for concurrent use: signatures are verified before its
// lock is taken, so validators on many goroutines do not queue behind one
// another's Ed25519 checks.
type Book struct {
	subnet, epoch uint64
	sched         Schedule

	mu            sync.Mutex
	weightCommits map[PeerID]WeightCommit
	weightReveals map[PeerID]WeightReveal
	equivocations map[PeerID]Equivocation
	subCommits    map[submissionKey]SubmissionCommit
	subReveals    map[submissionKey]SubmissionReveal
}

// submissionKey identifies a miner's submission for one task.
type submissionKey struct {
	miner PeerID
	task  Link
}

// NewBook returns an empty book for one subnet and epoch with the epoch's
// windows (Timing.Schedule).
func NewBook(subnet, epoch uint64, sched Schedule) *Book {
	return &Book{
		subnet:        subnet,
		epoch:         epoch,
		sched:         sched,
		weightCommits: make(map[PeerID]WeightCommit),
		weightReveals: make(map[PeerID]WeightReveal),
		equivocations: make(map[PeerID]Equivocation),
		subCommits:    make(map[submissionKey]SubmissionCommit),
		subReveals:    make(map[submissionKey]SubmissionReveal),
	}
}

// checkEpoch returns ErrWrongEpoch unless the message is for this book.
func (b *Book) checkEpoch(subnet, epoch uint64) error {
	if subnet != b.subnet || epoch != b.epoch {
		return fmt.Errorf("%w: subnet %d epoch %d, book is for subnet %d epoch %d", ErrWrongEpoch, subnet, epoch, b.subnet, b.epoch)
	}
	return nil
}

// checkCommitWindow returns ErrCommitEarly or ErrCommitLate unless block
// is in w.
func checkCommitWindow(w Window, block uint64) error {
	switch {
	case block < w.Open:
		return fmt.Errorf("%w: block %d, window opens at %d", ErrCommitEarly, block, w.Open)
	case block >= w.Close:
		return fmt.Errorf("%w: block %d, deadline was %d", ErrCommitLate, block, w.Close)
	}
	return nil
}

// checkRevealWindow returns ErrRevealEarly or ErrRevealLate unless block
// is in w.
func checkRevealWindow(w Window, block uint64) error {
	switch {
	case block < w.Open:
		return fmt.Errorf("%w: block %d, window opens at %d", ErrRevealEarly, block, w.Open)
	case block >= w.Close:
		return fmt.Errorf("%w: block %d, window closed at %d", ErrRevealLate, block, w.Close)
	}
	return nil
}

// AddWeightCommit accepts a validator's weight commit at block. A second,
// different commit by the same validator is equivocation: it returns an
// *EquivocationError with the evidence, and the validator's commit and any
// later reveal are dropped from the epoch.
func (b *Book) AddWeightCommit(c WeightCommit, block uint64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := b.checkEpoch(c.Subnet, c.Epoch); err != nil {
		return err
	}
	if err := c.VerifySignature(); err != nil {
		return err
	}
	if err := checkCommitWindow(b.sched.WeightCommit, block); err != nil {
		return fmt.Errorf("weight commit by %s: %w", c.Validator, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if e, ok := b.equivocations[c.Validator]; ok {
		return &EquivocationError{Evidence: e}
	}
	prev, ok := b.weightCommits[c.Validator]
	if !ok {
		b.weightCommits[c.Validator] = c
		return nil
	}
	if prev.Commit == c.Commit {
		// Same content; the signature may differ (Ed25519 signers may
		// randomise), which is not a second commitment.
		return fmt.Errorf("weight commit by %s: %w", c.Validator, ErrDuplicate)
	}
	e, err := NewEquivocation(prev, c)
	if err != nil {
		// Both commits were checked on arrival; this cannot fail.
		return fmt.Errorf("weight commit by %s: %w", c.Validator, err)
	}
	b.equivocations[c.Validator] = e
	delete(b.weightCommits, c.Validator)
	delete(b.weightReveals, c.Validator)
	return &EquivocationError{Evidence: e}
}

// AddWeightReveal accepts a validator's weight reveal at block if it opens
// the validator's accepted commit within the reveal window.
func (b *Book) AddWeightReveal(r WeightReveal, block uint64) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if err := b.checkEpoch(r.Subnet, r.Epoch); err != nil {
		return err
	}
	if err := checkRevealWindow(b.sched.WeightReveal, block); err != nil {
		return fmt.Errorf("weight reveal by %s: %w", r.Validator, err)
	}
	h := r.CommitHash()
	b.mu.Lock()
	defer b.mu.Unlock()
	if e, ok := b.equivocations[r.Validator]; ok {
		return &EquivocationError{Evidence: e}
	}
	c, ok := b.weightCommits[r.Validator]
	if !ok {
		return fmt.Errorf("weight reveal by %s: %w", r.Validator, ErrNoCommit)
	}
	if c.Commit != h {
		return fmt.Errorf("weight reveal by %s: %w", r.Validator, ErrCommitMismatch)
	}
	if _, ok := b.weightReveals[r.Validator]; ok {
		return fmt.Errorf("weight reveal by %s: %w", r.Validator, ErrDuplicate)
	}
	b.weightReveals[r.Validator] = r
	return nil
}

// AddSubmissionCommit accepts a miner's submission commit at block. A
// miner commits once per task: a second, different commit returns
// ErrConflict and the first stands.
func (b *Book) AddSubmissionCommit(c SubmissionCommit, block uint64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := b.checkEpoch(c.Subnet, c.Epoch); err != nil {
		return err
	}
	if err := c.VerifySignature(); err != nil {
		return err
	}
	if err := checkCommitWindow(b.sched.SubmissionCommit, block); err != nil {
		return fmt.Errorf("submission commit by %s: %w", c.Miner, err)
	}
	k := submissionKey{c.Miner, c.Task}
	b.mu.Lock()
	defer b.mu.Unlock()
	prev, ok := b.subCommits[k]
	switch {
	case !ok:
		b.subCommits[k] = c
		return nil
	case prev.Commit == c.Commit:
		return fmt.Errorf("submission commit by %s: %w", c.Miner, ErrDuplicate)
	default:
		return fmt.Errorf("submission commit by %s for task %s: %w", c.Miner, c.Task, ErrConflict)
	}
}

// AddSubmissionReveal accepts a miner's submission reveal at block if it
// opens the miner's accepted commit for the task within the reveal window.
func (b *Book) AddSubmissionReveal(r SubmissionReveal, block uint64) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if err := b.checkEpoch(r.Subnet, r.Epoch); err != nil {
		return err
	}
	if err := checkRevealWindow(b.sched.SubmissionReveal, block); err != nil {
		return fmt.Errorf("submission reveal by %s: %w", r.Miner, err)
	}
	h := r.CommitHash()
	k := submissionKey{r.Miner, r.Task}
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.subCommits[k]
	if !ok {
		return fmt.Errorf("submission reveal by %s for task %s: %w", r.Miner, r.Task, ErrNoCommit)
	}
	if c.Commit != h {
		return fmt.Errorf("submission reveal by %s for task %s: %w", r.Miner, r.Task, ErrCommitMismatch)
	}
	if _, ok := b.subReveals[k]; ok {
		return fmt.Errorf("submission reveal by %s: %w", r.Miner, ErrDuplicate)
	}
	b.subReveals[k] = r
	return nil
}

// WeightCommits returns the accepted weight commits of validators that
// did not equivocate, sorted by validator.
func (b *Book) WeightCommits() []WeightCommit {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.SortedFunc(maps.Values(b.weightCommits), func(x, y WeightCommit) int {
		return x.Validator.Compare(y.Validator)
	})
}

// WeightReveals returns the accepted weight reveals, sorted by validator:
// the weights consensus runs on.
func (b *Book) WeightReveals() []WeightReveal {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.SortedFunc(maps.Values(b.weightReveals), func(x, y WeightReveal) int {
		return x.Validator.Compare(y.Validator)
	})
}

// Equivocations returns the evidence collected, sorted by validator.
func (b *Book) Equivocations() []Equivocation {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.SortedFunc(maps.Values(b.equivocations), func(x, y Equivocation) int {
		return x.Validator().Compare(y.Validator())
	})
}

// SubmissionCommits returns the accepted submission commits, sorted by
// task CID then miner.
func (b *Book) SubmissionCommits() []SubmissionCommit {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.SortedFunc(maps.Values(b.subCommits), func(x, y SubmissionCommit) int {
		return cmp.Or(bytes.Compare(x.Task.Bytes(), y.Task.Bytes()), x.Miner.Compare(y.Miner))
	})
}

// SubmissionReveals returns the accepted submission reveals, sorted by
// task CID then miner: the outputs validators fetch and evaluate.
func (b *Book) SubmissionReveals() []SubmissionReveal {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.SortedFunc(maps.Values(b.subReveals), func(x, y SubmissionReveal) int {
		return cmp.Or(bytes.Compare(x.Task.Bytes(), y.Task.Bytes()), x.Miner.Compare(y.Miner))
	})
}
