package tasks

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Book applies the commit-reveal rules to the tasks, commits and reveals of
// one subnet and epoch. Gossip validators call it for every message, after
// decoding, and the node reads what it accepted to compute consensus and
// build the record. Each Add method returns nil if the message was
// accepted, or an error matching exactly one sentinel that says why not;
// the commit and reveal methods take the block at which the message is
// being judged (the chain's current block). The error maps to a gossip
// verdict as follows:
//
//	error                          verdict  why
//	nil                            Accept   new: forward it
//	*EquivocationError             Accept   the commit proves, or better proves, that its
//	                                        validator equivocated: forward it, so that every
//	                                        node holds the same evidence and drops the
//	                                        validator (the first conflicting commit is one)
//	ErrInvalid, ErrInvalidPeerID   Reject   malformed; every node refuses it the same way
//	ErrBadSignature                Reject   not signed by the peer it names
//	ErrCommitMismatch              Reject   a reveal that does not open its commit; honest
//	                                        peers forward only reveals that open the commit
//	                                        they hold, and commits settle before reveal
//	                                        windows open
//	ErrWrongEpoch                  Ignore   another subnet or epoch, usually just early or late
//	ErrCommitEarly, ErrCommitLate  Ignore   outside its window: nodes see blocks at slightly
//	ErrRevealEarly, ErrRevealLate  Ignore   different times, so an honest forwarder may differ
//	ErrUnknownTask                 Ignore   the task may arrive later
//	ErrNoCommit                    Ignore   the commit may not have reached this node
//	ErrDuplicate                   Ignore   already held; gossip delivers duplicates
//	ErrConflict                    Ignore   the message held orders first and stands
//	ErrEquivocation, but not an    Ignore   a later message of a validator already proven to
//	*EquivocationError                      have equivocated; it adds nothing
//
// Accepted messages are exactly the ones that change what the Book holds,
// and everything it keeps is chosen by content, not arrival order (of two
// copies of a commit, the smaller signature; of two conflicting commits or
// tasks, the smaller hash; of several equivocating commits, the canonical
// pair): so nodes that forward what they accept, and see the same
// messages in any order, hold the same tasks, commits, reveals and
// evidence, and build the same record.
//
// Checks run in the order of DESIGN.md: shape (Validate), subnet and
// epoch, signature, the window; then, under the lock, what depends on the
// Book's state: whether the task is known, whether a reveal opens its
// commit, duplicates and conflicts. One exception: a weight commit that
// conflicts with the one held is evidence whatever the block, so that
// check comes before the window. Whether the sender is registered and
// allowed its role is not the Book's to know; the caller checks it first
// (for a task, also that the peer that published it is its validator,
// since tasks are not signed inside).
//
// A Book is safe for concurrent use: signatures are verified before its
// lock is taken, so validators on many goroutines do not queue behind one
// another's Ed25519 checks.
type Book struct {
	subnet, epoch uint64
	sched         Schedule
	tasksPerEpoch uint32

	mu            sync.Mutex
	tasks         map[taskKey]bookTask
	taskKeys      map[Link]taskKey
	weightCommits map[PeerID]WeightCommit
	weightReveals map[PeerID]WeightReveal
	equivocations map[PeerID]Equivocation
	subCommits    map[submissionKey]SubmissionCommit
	subReveals    map[submissionKey]SubmissionReveal
}

// taskKey identifies a task: its validator and index.
type taskKey struct {
	validator PeerID
	index     uint32
}

// bookTask is a task the Book knows, with its CID.
type bookTask struct {
	task Task
	link Link
}

// submissionKey identifies a miner's submission for one task.
type submissionKey struct {
	miner PeerID
	task  Link
}

// NewBook returns an empty book for one epoch of the subnet that m
// describes, whose first block is start: the windows come from m's Timing
// (Timing.Schedule), and each validator may publish m.TasksPerEpoch
// tasks.
//
// # Errors
//
// ErrInvalid if m is not valid or the epoch's windows would run past the
// largest block number.
func NewBook(m *Manifest, subnet, epoch, start uint64) (*Book, error) {
	if m == nil {
		return nil, invalidf("new book: nil manifest")
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("new book: %w", err)
	}
	sched, err := m.Timing.Schedule(start)
	if err != nil {
		return nil, fmt.Errorf("new book: %w", err)
	}
	return &Book{
		subnet:        subnet,
		epoch:         epoch,
		sched:         sched,
		tasksPerEpoch: m.TasksPerEpoch,
		tasks:         make(map[taskKey]bookTask),
		taskKeys:      make(map[Link]taskKey),
		weightCommits: make(map[PeerID]WeightCommit),
		weightReveals: make(map[PeerID]WeightReveal),
		equivocations: make(map[PeerID]Equivocation),
		subCommits:    make(map[submissionKey]SubmissionCommit),
		subReveals:    make(map[submissionKey]SubmissionReveal),
	}, nil
}

// Schedule returns the windows of the book's epoch.
func (b *Book) Schedule() Schedule { return b.sched }

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

// AddTask accepts a validator's task for the epoch, so that miners may
// commit to it. A validator publishes at most the manifest's TasksPerEpoch
// tasks, one per index; a second, different task at an index is a
// conflict, settled the same way on every node: the task with the smaller
// CID stands. If the new one is smaller it replaces the one held (with the
// commits and reveals that answered it, which named a task that no longer
// counts) and AddTask returns nil, so that gossip carries it to the nodes
// that hold the other; otherwise it returns ErrConflict.
func (b *Book) AddTask(t Task) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := b.checkEpoch(t.Subnet, t.Epoch); err != nil {
		return err
	}
	if t.Index >= b.tasksPerEpoch {
		return invalidf("task %d of %s: the subnet has %d tasks per validator and epoch", t.Index, t.Validator, b.tasksPerEpoch)
	}
	_, link, err := Encode(t)
	if err != nil {
		return err
	}
	k := taskKey{t.Validator, t.Index}
	b.mu.Lock()
	defer b.mu.Unlock()
	prev, ok := b.tasks[k]
	switch {
	case ok && prev.link == link:
		return fmt.Errorf("task %d of %s: %w", t.Index, t.Validator, ErrDuplicate)
	case ok && compareLinks(link, prev.link) > 0:
		return fmt.Errorf("task %d of %s: %w: %s stands, not %s", t.Index, t.Validator, ErrConflict, prev.link, link)
	case ok:
		delete(b.taskKeys, prev.link)
		for sk := range b.subCommits {
			if sk.task == prev.link {
				delete(b.subCommits, sk)
				delete(b.subReveals, sk)
			}
		}
	}
	b.tasks[k] = bookTask{t, link}
	b.taskKeys[link] = k
	return nil
}

// AddWeightCommit accepts a validator's weight commit at block.
//
// A second, different commit by the same validator is equivocation, at
// any block, even after the window closed, since it proves the validator
// signed two: it returns an *EquivocationError with the evidence, and the
// validator's commit and any reveal are dropped from the epoch. A later
// commit returns an *EquivocationError too if it improves the evidence
// (see Book), and otherwise an error wrapping ErrEquivocation.
//
// A copy of the accepted commit with another valid signature (Ed25519
// signers may randomise) is not a second commitment: if its signature is
// bytewise smaller it replaces the one held and is accepted, so that every
// node ends up holding the same copy; otherwise it is ErrDuplicate.
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
	b.mu.Lock()
	defer b.mu.Unlock()
	if e, ok := b.equivocations[c.Validator]; ok {
		if better, changed := mergeEvidence(e, c); changed {
			b.equivocations[c.Validator] = better
			return &EquivocationError{Evidence: better}
		}
		return fmt.Errorf("weight commit by %s: %w: the validator already equivocated", c.Validator, ErrEquivocation)
	}
	prev, ok := b.weightCommits[c.Validator]
	if ok && prev.Commit != c.Commit {
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
	if err := checkCommitWindow(b.sched.WeightCommit, block); err != nil {
		return fmt.Errorf("weight commit by %s: %w", c.Validator, err)
	}
	if ok && bytes.Compare(c.Signature, prev.Signature) >= 0 {
		return fmt.Errorf("weight commit by %s: %w", c.Validator, ErrDuplicate)
	}
	b.weightCommits[c.Validator] = c
	return nil
}

// AddEquivocation accepts evidence that a validator equivocated, as another
// node found it and gossips it: it checks the evidence (Verify), then
// drops the validator's commit and reveal from the epoch and refuses its
// later messages with ErrEquivocation, as if the Book had seen both
// commits itself. Evidence that adds nothing to what the Book holds
// returns ErrDuplicate; evidence that improves it replaces it (see Book).
//
// The evidence needs no window: two signatures prove equivocation whenever
// they arrive.
func (b *Book) AddEquivocation(e Equivocation) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if err := b.checkEpoch(e.A.Subnet, e.A.Epoch); err != nil {
		return err
	}
	if err := e.Verify(); err != nil {
		return err
	}
	v := e.Validator()
	b.mu.Lock()
	defer b.mu.Unlock()
	held, ok := b.equivocations[v]
	if !ok {
		// Fold in the commit this node accepted, if any: another node may
		// hold evidence made of it, and all must agree on one.
		held = e
		if c, ok := b.weightCommits[v]; ok {
			held, _ = mergeEvidence(e, c)
		}
		b.equivocations[v] = held
		delete(b.weightCommits, v)
		delete(b.weightReveals, v)
		return nil
	}
	better, changed := mergeEvidence(held, e.A, e.B)
	if !changed {
		return fmt.Errorf("equivocation by %s: %w", v, ErrDuplicate)
	}
	b.equivocations[v] = better
	return nil
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
	if _, ok := b.equivocations[r.Validator]; ok {
		return fmt.Errorf("weight reveal by %s: %w: the validator equivocated", r.Validator, ErrEquivocation)
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

// AddSubmissionCommit accepts a miner's submission commit at block for a
// task the Book knows (AddTask); a commit for any other task, another
// epoch's included, is ErrUnknownTask. A miner commits once per task, so
// it holds at most as many commits as the Book knows tasks.
//
// Of two commits by one miner for one task, every node keeps the one with
// the smaller commit hash, and of two copies of one commit the one with
// the smaller signature: a new commit that orders first replaces the one
// held and is accepted, so that gossip carries it to every node. A new
// commit that orders after is ErrConflict (another hash) or ErrDuplicate
// (the same hash).
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
	if _, ok := b.taskKeys[c.Task]; !ok {
		return fmt.Errorf("submission commit by %s: %w: %s", c.Miner, ErrUnknownTask, c.Task)
	}
	prev, ok := b.subCommits[k]
	if ok {
		order := cmp.Or(bytes.Compare(c.Commit[:], prev.Commit[:]), bytes.Compare(c.Signature, prev.Signature))
		switch {
		case order >= 0 && c.Commit == prev.Commit:
			return fmt.Errorf("submission commit by %s: %w", c.Miner, ErrDuplicate)
		case order >= 0:
			return fmt.Errorf("submission commit by %s for task %s: %w", c.Miner, c.Task, ErrConflict)
		}
	}
	b.subCommits[k] = c
	return nil
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

// Tasks returns the accepted tasks, sorted by validator then index.
func (b *Book) Tasks() []Task {
	b.mu.Lock()
	defer b.mu.Unlock()
	ts := make([]Task, 0, len(b.tasks))
	for _, t := range b.tasks {
		ts = append(ts, t.task)
	}
	slices.SortFunc(ts, func(x, y Task) int {
		return cmp.Or(x.Validator.Compare(y.Validator), cmp.Compare(x.Index, y.Index))
	})
	return ts
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
