package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/crucible-net/crucible/tasks"
)

// Weights from elsewhere, and what a node has seen revealed.
//
// A validator with validator.weights = "api" publishes no tasks and runs no
// evaluations: a program of its operator decides its weights and posts
// them (SetWeights). Bittensor's validators all work this way; in Crucible
// it is the exception, because such weights are backed by no evaluation
// anyone can re-run, and `crucible verify` says so. The example weight
// copier (examples/linreg/copier) is such a program.

// ErrWeights: weights cannot be committed; the message says why.
var ErrWeights = errors.New("weights refused")

// SetWeights commits scores (by miner uid, any non-negative scale) as this
// validator's weights for the subnet's current epoch, and reveals them in
// the next, as the node does with weights it computes itself: the weights
// and salt are on disk before the commit is gossiped. It returns the epoch
// and the commit hash.
//
// # Errors
//
// ErrWeights when the node is not a validator with validator.weights =
// "api", has no uid in the subnet, already committed weights this epoch,
// or the scores are invalid (negative, NaN, a uid out of range) or all
// zero. ErrNotFollowed for a subnet the node does not follow.
func (n *Node) SetWeights(ctx context.Context, subnet uint64, scores map[uint32]float64) (uint64, [32]byte, error) {
	if !n.cfg.Validator.Enabled || n.cfg.Validator.Weights != WeightsFromAPI {
		return 0, [32]byte{}, fmt.Errorf("%w: this node computes its weights from its evaluations; set validator.enabled = true and validator.weights = %q to post them", ErrWeights, WeightsFromAPI)
	}
	f, err := n.follower(subnet)
	if err != nil {
		return 0, [32]byte{}, err
	}
	ws, err := tasks.NormalizeWeights(scores)
	if err != nil {
		return 0, [32]byte{}, fmt.Errorf("%w: %v", ErrWeights, err)
	}
	if len(ws) == 0 {
		return 0, [32]byte{}, fmt.Errorf("%w: every weight is zero; post at least one positive weight", ErrWeights)
	}
	// What every peer will check of the commit and the reveal, checked
	// here, so that a 200 means weights that will count.
	me := n.signer.PeerID()
	f.mu.Lock()
	head := f.head
	_, registered := f.neurons[string(me.Bytes())]
	var refused error
	if registered {
		if refused = f.permit(me, "weight commit"); refused == nil {
			refused = f.knownUIDs(ws)
		}
	}
	f.mu.Unlock()
	if !registered {
		return 0, [32]byte{}, fmt.Errorf("%w: this node has no uid in subnet %d; register it first (crucible chain register)", ErrWeights, subnet)
	}
	if refused != nil {
		return 0, [32]byte{}, fmt.Errorf("%w: %v", ErrWeights, refused)
	}
	e := f.clock.EpochAt(head)
	sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(e))
	if err != nil {
		return 0, [32]byte{}, err
	}
	if head+commitMargin >= sched.WeightCommit.Close {
		return 0, [32]byte{}, fmt.Errorf("%w: epoch %d's commit window closes at block %d and the chain is at %d, too late to reach every peer; post again in epoch %d",
			ErrWeights, e, sched.WeightCommit.Close, head, e+1)
	}
	salt, err := tasks.NewSalt()
	if err != nil {
		return 0, [32]byte{}, err
	}
	c, r, err := tasks.CommitWeights(n.signer, subnet, e, ws, salt)
	if err != nil {
		return 0, [32]byte{}, fmt.Errorf("%w: %v", ErrWeights, err)
	}
	var doc weightsDoc
	if doc.Commit, _, err = tasks.Encode(c); err != nil {
		return 0, [32]byte{}, err
	}
	if doc.Reveal, _, err = tasks.Encode(r); err != nil {
		return 0, [32]byte{}, err
	}
	n.roundMu.Lock()
	key := weightsKey(subnet, e)
	var old weightsDoc
	ok, err := n.state.Get(key, &old)
	if err == nil && !ok {
		err = n.state.Put(key, doc)
	}
	n.roundMu.Unlock()
	switch {
	case err != nil:
		return 0, [32]byte{}, err
	case ok:
		return 0, [32]byte{}, fmt.Errorf("%w: weights for epoch %d are committed already (one commit per epoch); post again in epoch %d", ErrWeights, e, e+1)
	}
	// Publish now rather than at the next tick; commitWeights retries on
	// later ticks while the window is open if this fails.
	n.commitWeights(ctx, f)
	n.log.Info("weights posted", "subnet", subnet, "epoch", e, "weights", len(ws))
	return e, c.Commit, nil
}

// Submission is one revealed answer, as GET
// /v1/subnets/{subnet}/submissions lists them.
type Submission struct {
	Epoch uint64 `json:"epoch"`
	Miner string `json:"miner"`
	// UID is the miner's uid now, or -1 if it has none.
	UID    int64  `json:"uid"`
	Task   string `json:"task"`
	Output string `json:"output"`
}

// Submissions lists the answers revealed in epoch e of a subnet that this
// node has seen and still holds (the current epoch and the few before it).
func (n *Node) Submissions(subnet, e uint64) ([]Submission, error) {
	f, err := n.follower(subnet)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []Submission{}
	b := f.books[e]
	if b == nil {
		return out, nil
	}
	for _, r := range b.SubmissionReveals() {
		s := Submission{Epoch: e, Miner: r.Miner.String(), UID: -1, Task: r.Task.String(), Output: r.Output.String()}
		if nr, ok := f.neurons[string(r.Miner.Bytes())]; ok {
			s.UID = int64(nr.UID)
		}
		out = append(out, s)
	}
	return out, nil
}
