package node

import (
	"context"
	"crypto/sha256"
	"encoding/binary"

	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

// The validator's half of the round starts here: at the start of each
// epoch a validator publishes the manifest's TasksPerEpoch tasks, whose
// params are derived from the epoch seed, so nobody can prepare answers
// before the epoch starts and every validator's tasks can be recomputed.

// taskParamsDomain separates task params from other uses of the seed.
const taskParamsDomain = "crucible/task-params/v1"

// TaskParams returns the params of task index of a validator in an epoch:
// SHA-256(domain ‖ seed ‖ validator ‖ index). Evaluators read them as
// their task bytes (the linreg example derives its samples from them).
func TaskParams(seed [32]byte, validator tasks.PeerID, index uint32) []byte {
	h := sha256.New()
	h.Write([]byte(taskParamsDomain))
	h.Write(seed[:])
	h.Write(validator.Bytes())
	var i [4]byte
	binary.BigEndian.PutUint32(i[:], index)
	h.Write(i[:])
	return h.Sum(nil)
}

// publishTasks publishes this node's tasks for the current epoch of f's
// subnet once its first block is confirmed, while miners still have time
// to answer. Tasks are a function of the seed, so publishing them again
// after a restart sends the same bytes (which peers drop as known).
func (n *Node) publishTasks(ctx context.Context, f *follower) {
	f.mu.Lock()
	head := f.head
	e := f.clock.EpochAt(head)
	done := f.tasksSent[e]
	_, registered := f.neurons[string(n.signer.PeerID().Bytes())]
	f.mu.Unlock()
	if done || !registered || head < f.clock.FirstBlock(e) || head >= f.clock.FirstBlock(e)+f.manifest.Timing.SubmissionDeadline {
		return
	}
	seed, err := f.seed(ctx, e)
	if err != nil {
		n.log.Warn("no seed yet; tasks wait", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	me := n.signer.PeerID()
	for i := range f.manifest.TasksPerEpoch {
		t := tasks.Task{Version: tasks.ProtocolVersion, Subnet: f.subnet, Epoch: e, Validator: me, Index: i, Params: TaskParams(seed, me, i)}
		if err := publishOnce(ctx, f, gossip.KindTasks, Post{Task: &t}); err != nil {
			n.log.Warn("task not published; will retry", "subnet", f.subnet, "epoch", e, "index", i, "err", err)
			return
		}
	}
	f.mu.Lock()
	f.tasksSent[e] = true
	f.mu.Unlock()
	n.log.Info("tasks published", "subnet", f.subnet, "epoch", e, "count", f.manifest.TasksPerEpoch)
}
