package node

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

// The miner's half of the round: an answer to a task is committed before
// the submission deadline and revealed after it. The commit binds the
// miner's identity, so a copied output cannot be committed by the copier
// before the original is revealed (DESIGN.md).
//
// State is written before anything that depends on it is published: the
// reveal (with its salt) is on disk before the commit is gossiped, so a
// node killed at any point reveals exactly what it committed, or nothing.

// ErrAnswer: an answer cannot be accepted; the message says why.
var ErrAnswer = errors.New("answer refused")

// answer is one committed answer as kept on disk: the encoded commit and
// reveal, and how far it got.
type answer struct {
	Task      string `json:"task"`
	Commit    []byte `json:"commit"` // DAG-CBOR SubmissionCommit
	Reveal    []byte `json:"reveal"` // DAG-CBOR SubmissionReveal
	Committed bool   `json:"committed"`
	Revealed  bool   `json:"revealed"`
}

func answersKey(subnet, epoch uint64) string {
	return fmt.Sprintf("subnet-%d/epoch-%d/answers", subnet, epoch)
}

// Answer commits output (a CID in this node's store) as the node's answer
// to task (a task CID the node has accepted), and reveals it once the
// submission deadline passes. It returns the commit's hash.
//
// # Errors
//
// ErrAnswer when the node does not follow the subnet, does not know the
// task, the deadline has passed, the output is not in the store, or the
// task was answered already.
func (n *Node) Answer(ctx context.Context, subnet uint64, task, output string) ([32]byte, error) {
	n.followMu.Lock()
	f := n.followers[subnet]
	n.followMu.Unlock()
	if f == nil {
		return [32]byte{}, fmt.Errorf("%w: this node does not follow subnet %d", ErrAnswer, subnet)
	}
	taskLink, err := tasks.ParseLink(task)
	if err != nil {
		return [32]byte{}, fmt.Errorf("%w: task %q: %v", ErrAnswer, task, err)
	}
	oc, err := contentstore.ParseCID(output)
	if err != nil {
		return [32]byte{}, fmt.Errorf("%w: output %q: %v", ErrAnswer, output, err)
	}
	outLink, err := tasks.ParseLink(oc.String())
	if err != nil {
		return [32]byte{}, fmt.Errorf("%w: output %q: %v", ErrAnswer, output, err)
	}
	epoch, head, err := f.taskEpoch(taskLink)
	if err != nil {
		return [32]byte{}, err
	}
	sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(epoch))
	if err != nil {
		return [32]byte{}, err
	}
	if head < sched.SubmissionCommit.Open {
		// The task came from a validator whose view of the chain is a
		// block ahead of this node's: read the chain again.
		if err := f.refresh(ctx); err != nil {
			return [32]byte{}, err
		}
		f.mu.Lock()
		head = f.head
		f.mu.Unlock()
	}
	if !sched.SubmissionCommit.Contains(head) {
		return [32]byte{}, fmt.Errorf("%w: the commit window of epoch %d is blocks %d to %d; the chain is at %d",
			ErrAnswer, epoch, sched.SubmissionCommit.Open, sched.SubmissionCommit.Close-1, head)
	}
	// The window before the content: a copier that found an output by
	// its reveal is told why copying cannot work, not to upload it.
	if ok, err := n.store.Has(ctx, oc); err != nil {
		return [32]byte{}, err
	} else if !ok {
		return [32]byte{}, fmt.Errorf("%w: output %s is not in this node's store; POST it to /v1/content first", ErrAnswer, output)
	}

	n.answerMu.Lock()
	defer n.answerMu.Unlock()
	key := answersKey(subnet, epoch)
	var as []answer
	if _, err := n.state.Get(key, &as); err != nil {
		return [32]byte{}, err
	}
	task = taskLink.String() // canonical, so one task has one spelling
	for _, a := range as {
		if a.Task == task {
			return [32]byte{}, fmt.Errorf("%w: task %s was answered already (one answer per task)", ErrAnswer, task)
		}
	}
	salt, err := tasks.NewSalt()
	if err != nil {
		return [32]byte{}, err
	}
	c, r, err := tasks.CommitSubmission(n.signer, subnet, epoch, taskLink, outLink, salt)
	if err != nil {
		return [32]byte{}, err
	}
	cb, _, err := tasks.Encode(c)
	if err != nil {
		return [32]byte{}, err
	}
	rb, _, err := tasks.Encode(r)
	if err != nil {
		return [32]byte{}, err
	}
	// On disk before the commit leaves the node.
	as = append(as, answer{Task: task, Commit: cb, Reveal: rb})
	if err := n.state.Put(key, as); err != nil {
		return [32]byte{}, err
	}
	if err := publishOnce(ctx, f, gossip.KindSubmissions, Post{SubmissionCommit: &c}); err != nil && !f.holdsCommit(c) {
		// It is on disk: the node tries again on every tick while the
		// commit window is open.
		n.log.Warn("commit not published yet; will retry", "subnet", subnet, "epoch", epoch, "task", task, "err", err)
		return c.Commit, nil
	}
	as[len(as)-1].Committed = true
	if err := n.state.Put(key, as); err != nil {
		return [32]byte{}, err
	}
	n.log.Info("answer committed", "subnet", subnet, "epoch", epoch, "task", task, "output", output)
	return c.Commit, nil
}

// publishOnce publishes p, treating "already seen" as done: after a
// restart the node may publish a message again that it published before.
func publishOnce(ctx context.Context, f *follower, k gossip.Kind, p Post) error {
	err := f.publish(ctx, k, p)
	if errors.Is(err, gossip.ErrReplay) {
		return nil
	}
	return err
}

// taskEpoch finds the live epoch whose Book holds task, with the head the
// Book judges by.
func (f *follower) taskEpoch(task tasks.Link) (uint64, uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for e, b := range f.books {
		for _, t := range b.Tasks() {
			if _, l, err := tasks.Encode(t); err == nil && l == task {
				return e, f.head, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("%w: task %s is not a task of a live epoch that this node has seen", ErrAnswer, task)
}

// holdsCommit reports whether the Book of c's epoch holds exactly c.
func (f *follower) holdsCommit(c tasks.SubmissionCommit) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.books[c.Epoch]
	if b == nil {
		return false
	}
	for _, h := range b.SubmissionCommits() {
		if h.Miner == c.Miner && h.Task == c.Task && h.Commit == c.Commit {
			return true
		}
	}
	return false
}

// progressAnswers publishes what is due: commits that were written but not
// published (a restart between the two), and reveals whose window is open.
// The node calls it on every chain tick.
func (n *Node) progressAnswers(ctx context.Context, f *follower) {
	n.answerMu.Lock()
	defer n.answerMu.Unlock()
	f.mu.Lock()
	head := f.head
	cur := f.clock.EpochAt(head)
	f.mu.Unlock()
	epochs := []uint64{cur}
	if cur > 0 {
		epochs = append(epochs, cur-1)
	}
	sort.Slice(epochs, func(i, j int) bool { return epochs[i] < epochs[j] })
	for _, e := range epochs {
		key := answersKey(f.subnet, e)
		var as []answer
		ok, err := n.state.Get(key, &as)
		if err != nil {
			n.log.Error("answers state unreadable", "subnet", f.subnet, "epoch", e, "err", err)
			continue
		}
		if !ok {
			continue
		}
		sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(e))
		if err != nil {
			continue
		}
		changed := false
		for i := range as {
			a := &as[i]
			if !a.Committed {
				c, err := tasks.Decode[tasks.SubmissionCommit](a.Commit)
				if err != nil {
					n.log.Error("stored commit does not decode", "subnet", f.subnet, "epoch", e, "err", err)
					continue
				}
				// Its own Book holding the commit is the record that it
				// went out (the received log is synced before a message
				// is accepted): a crash after the publish, before the
				// state said so, must not leave it unrevealed.
				switch {
				case f.holdsCommit(c):
					a.Committed, changed = true, true
				case sched.SubmissionCommit.Contains(head):
					if publishOnce(ctx, f, gossip.KindSubmissions, Post{SubmissionCommit: &c}) == nil || f.holdsCommit(c) {
						a.Committed, changed = true, true
					}
				}
			}
			if a.Committed && !a.Revealed && sched.SubmissionReveal.Contains(head) {
				r, err := tasks.Decode[tasks.SubmissionReveal](a.Reveal)
				if err != nil {
					n.log.Error("stored reveal does not decode", "subnet", f.subnet, "epoch", e, "err", err)
					continue
				}
				if err := publishOnce(ctx, f, gossip.KindSubmissions, Post{SubmissionReveal: &r}); err != nil {
					n.log.Warn("reveal not published; will retry", "subnet", f.subnet, "epoch", e, "task", a.Task, "err", err)
					continue
				}
				a.Revealed, changed = true, true
				n.log.Info("answer revealed", "subnet", f.subnet, "epoch", e, "task", a.Task)
			}
		}
		if changed {
			if err := n.state.Put(key, as); err != nil {
				n.log.Error("answers state not written", "subnet", f.subnet, "epoch", e, "err", err)
			}
		}
	}
}
