package node

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/sandbox"
	"github.com/crucible-net/crucible/tasks"
)

// The round of one subnet after the tasks (DESIGN.md, "The epoch of one
// subnet"), as the node drives it on every chain tick:
//
//	every node   snapshot   the neurons at the epoch's first block
//	validator    evaluate   revealed answers to its tasks (evaluate.go)
//	validator    commit     its weights before the epoch ends, state first
//	validator    reveal     them in the reveal window, from state
//	every node   record     once the reveal window closes: Yuma consensus
//	                        on the snapshot, the reveals and the previous
//	                        record's bonds; the record stored and pinned
//	validator    attest     the record
//	validator    anchor     it, if the epoch's seed names this node, or
//	                        after the fallback delay if nobody did
//
// What a node publishes is on disk first (the weights and salt before the
// commit), so a node killed at any point reveals exactly what it committed
// or nothing.

// roundState is a follower's in-memory progress of the round: the work
// in flight. Everything that must survive a restart is in the state dir.
type roundState struct {
	mu        sync.Mutex
	evaluator *sandbox.Evaluator
	running   map[string]bool // evaluations in flight
	failures  map[string]int  // failed fetches per answer
	settled   map[string]bool // answers given up on
	anchoring map[uint64]bool // epochs with an anchor in flight
	warming   bool            // the evaluator's compilation has been started
	turns     map[uint64]turn // when this node may anchor each epoch

	evalMu sync.Mutex // held while the evaluator compiles
}

// turn is the block from which this node may anchor an epoch, if ever.
type turn struct {
	block uint64
	ok    bool
}

func (r *roundState) init() {
	r.running, r.failures, r.settled, r.anchoring = map[string]bool{}, map[string]int{}, map[string]bool{}, map[uint64]bool{}
	r.turns = map[uint64]turn{}
}

// startEval claims answer k for an evaluation if fewer than workers run.
func (r *roundState) startEval(k string, workers int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running[k] || r.settled[k] || len(r.running) >= max(workers, 1) {
		return false
	}
	r.running[k] = true
	return true
}

func (r *roundState) endEval(k string, settled bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, k)
	if settled {
		r.settled[k] = true
	}
}

func (r *roundState) failed(k string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures[k]++
	return r.failures[k]
}

// unsettled counts the keys of answers still being evaluated or that may
// be retried.
func (r *roundState) unsettled(keys []string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, k := range keys {
		if !r.settled[k] {
			n++
		}
	}
	return n
}

// pending reports whether answers are still being evaluated or may be
// retried.
func (r *roundState) pending(keys []string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		if !r.settled[k] {
			return true
		}
	}
	return false
}

func neuronsKey(subnet, epoch uint64) string {
	return fmt.Sprintf("subnet-%d/epoch-%d/neurons", subnet, epoch)
}

func weightsKey(subnet, epoch uint64) string {
	return fmt.Sprintf("subnet-%d/epoch-%d/weights", subnet, epoch)
}

func epochsKey(subnet uint64) string { return fmt.Sprintf("subnet-%d/epochs", subnet) }

// maxEpochEntries bounds the epochs list in the state; older records are
// still reachable through each record's link to the previous one.
const maxEpochEntries = 1024

// weightsDoc is a validator's weights for one epoch as kept on disk: the
// encoded commit and reveal, and how far they got.
type weightsDoc struct {
	Commit    []byte `json:"commit"` // DAG-CBOR WeightCommit
	Reveal    []byte `json:"reveal"` // DAG-CBOR WeightReveal
	Committed bool   `json:"committed"`
	Revealed  bool   `json:"revealed"`
}

// Epoch is one finished epoch of a subnet as this node built it, and what
// the chain says of it.
type Epoch struct {
	Epoch uint64 `json:"epoch"`
	// Record is the CID of the epoch record this node built.
	Record string `json:"record"`
	// Root is the record's Merkle root and Size its number of leaves.
	Root string `json:"root"`
	Size uint64 `json:"size"`
	// Commitment is what the chain anchors: chain.RecordCommitment(Root, Size).
	Commitment string `json:"commitment"`
	// Anchor is "pending", "landed" (the chain holds this record's
	// commitment) or "conflict" (the chain holds another).
	Anchor string `json:"anchor"`
	// AnchorTx is the transaction this node sent, if it anchored.
	AnchorTx string `json:"anchor_tx,omitempty"`
	// Anchored is the commitment on chain, when there is one.
	Anchored string `json:"anchored,omitempty"`
	// Built is the block at which the record could first be built: when
	// the epoch's weight reveal window closed.
	Built uint64 `json:"built"`
	// Attested says this node published an attestation of it.
	Attested bool `json:"attested,omitempty"`
}

const (
	anchorPending  = "pending"
	anchorLanded   = "landed"
	anchorConflict = "conflict"
)

// advance does what the round asks of the node at the current head, in
// the order of the epoch.
func (n *Node) advance(ctx context.Context, f *follower) {
	n.progressAnswers(ctx, f)
	n.snapshot(ctx, f)
	if n.cfg.Validator.Enabled {
		if n.cfg.Validator.Weights == WeightsFromEvaluations {
			n.warmEvaluator(f)
			n.publishTasks(ctx, f)
			n.evaluateAnswers(f)
		}
		n.commitWeights(ctx, f)
		n.revealWeights(ctx, f)
	}
	n.finishEpochs(ctx, f)
}

// warmEvaluator compiles the subnet's evaluator in the background the
// first time a validator's round runs, so that the first answers of the
// first epoch do not wait for the compiler (seconds for a Go module).
func (n *Node) warmEvaluator(f *follower) {
	f.round.mu.Lock()
	start := !f.round.warming
	f.round.warming = true
	f.round.mu.Unlock()
	if start {
		n.background(func() {
			if _, err := n.evaluator(n.life, f); err != nil && n.life.Err() == nil {
				n.log.Warn("evaluator not compiled yet; will try when the first answer comes", "subnet", f.subnet, "err", err)
			}
		})
	}
}

// snapshot stores the neurons of the current epoch as of its first block:
// the stake snapshot its consensus runs on. Only a node that followed the
// subnet from the epoch's first block takes it, because only such a node
// holds all of the epoch's messages and can build its record.
func (n *Node) snapshot(ctx context.Context, f *follower) {
	f.mu.Lock()
	head, since := f.head, f.since
	f.mu.Unlock()
	e := f.clock.EpochAt(head)
	first := f.clock.FirstBlock(e)
	if head < first || since > first {
		return
	}
	key := neuronsKey(f.subnet, e)
	var ns []tasks.Neuron
	if ok, err := n.state.Get(key, &ns); err != nil || ok {
		return
	}
	cns, err := n.chain.NeuronsAt(ctx, f.subnet, first)
	if err != nil {
		n.log.Warn("stake snapshot not read; will retry", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	if err := n.state.Put(key, neuronsOf(cns)); err != nil {
		n.log.Error("stake snapshot not stored", "subnet", f.subnet, "epoch", e, "err", err)
	}
}

// gwei converts wei to whole gwei, saturating.
func gwei(wei *big.Int) uint64 {
	g := new(big.Int).Quo(wei, big.NewInt(1e9))
	if !g.IsUint64() {
		return ^uint64(0)
	}
	return g.Uint64()
}

// myAnswers returns the keys of the revealed answers to this validator's
// tasks of epoch e, and this validator's evaluations of them.
func (f *follower) myAnswers(e uint64, me tasks.PeerID) (keys []string, evals []tasks.Evaluation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.books[e]
	if b == nil {
		return nil, nil
	}
	mine := tasksOf(b, me)
	for _, r := range b.SubmissionReveals() {
		if _, ok := mine[r.Task]; !ok {
			continue
		}
		k := evalKey(me, r.Task, r.Miner)
		if h, ok := f.evals[e][k]; ok {
			evals = append(evals, h.ev)
		} else {
			keys = append(keys, k)
		}
	}
	return keys, evals
}

// commitWeights commits this validator's weights for the current epoch
// once every revealed answer to its tasks is evaluated (or given up on),
// and at the latest in the commit window's last block. The weights and
// salt are on disk before the commit is gossiped.
func (n *Node) commitWeights(ctx context.Context, f *follower) {
	f.mu.Lock()
	head := f.head
	_, registered := f.neurons[string(n.signer.PeerID().Bytes())]
	f.mu.Unlock()
	e := f.clock.EpochAt(head)
	sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(e))
	// Weights from evaluations wait for the answers' reveals; weights
	// from the API are committed as soon as they are posted.
	early := head < sched.SubmissionReveal.Close && n.cfg.Validator.Weights == WeightsFromEvaluations
	if err != nil || !registered || early || head >= sched.WeightCommit.Close {
		return
	}
	n.roundMu.Lock()
	defer n.roundMu.Unlock()
	key := weightsKey(f.subnet, e)
	var doc weightsDoc
	ok, err := n.state.Get(key, &doc)
	if err != nil {
		n.log.Error("weights state unreadable", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	if !ok && n.cfg.Validator.Weights == WeightsFromAPI {
		return // SetWeights writes the document
	}
	if !ok {
		me := n.signer.PeerID()
		waiting, evals := f.myAnswers(e, me)
		if f.round.pending(waiting) && head+commitMargin < sched.WeightCommit.Close {
			return // evaluations still running; commitMargin blocks before the close commits anyway
		}
		ws, err := n.weightsOf(f, e, evals)
		if err != nil {
			n.log.Error("weights not computed", "subnet", f.subnet, "epoch", e, "err", err)
			return
		}
		if len(ws) == 0 {
			return // nobody to rate
		}
		salt, err := tasks.NewSalt()
		if err != nil {
			return
		}
		c, r, err := tasks.CommitWeights(n.signer, f.subnet, e, ws, salt)
		if err != nil {
			n.log.Error("weights not committed", "subnet", f.subnet, "epoch", e, "err", err)
			return
		}
		if doc.Commit, _, err = tasks.Encode(c); err != nil {
			return
		}
		if doc.Reveal, _, err = tasks.Encode(r); err != nil {
			return
		}
		// On disk before the commit leaves the node.
		if err := n.state.Put(key, doc); err != nil {
			n.log.Error("weights not stored; not committing", "subnet", f.subnet, "epoch", e, "err", err)
			return
		}
	}
	if doc.Committed {
		return
	}
	c, err := tasks.Decode[tasks.WeightCommit](doc.Commit)
	if err != nil {
		n.log.Error("stored weight commit does not decode", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	if err := publishOnce(ctx, f, gossip.KindCommits, Post{WeightCommit: &c}); err != nil && !f.holdsWeightCommit(c) {
		n.log.Warn("weight commit not published; will retry", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	doc.Committed = true
	if err := n.state.Put(key, doc); err != nil {
		n.log.Error("weights state not written", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	n.log.Info("weights committed", "subnet", f.subnet, "epoch", e)
}

// weightsOf turns this validator's evaluations of epoch e into weights by
// the manifest's rule: a miner's score is the sum of its scores over the
// validator's tasks divided by the number of tasks, so a task left
// unanswered counts as 0. Miners are rated by their uid in the epoch's
// snapshot; one that registered since is not rated this epoch.
func (n *Node) weightsOf(f *follower, e uint64, evals []tasks.Evaluation) ([]tasks.Weight, error) {
	var ns []tasks.Neuron
	ok, err := n.state.Get(neuronsKey(f.subnet, e), &ns)
	if err != nil {
		return nil, err
	}
	if !ok {
		// Not following since the epoch started: rate by today's uids.
		f.mu.Lock()
		for _, nr := range f.neurons {
			if p, err := tasks.PeerIDFromBytes(nr.PeerID); err == nil {
				ns = append(ns, tasks.Neuron{UID: nr.UID, Peer: p})
			}
		}
		f.mu.Unlock()
	}
	return f.manifest.Scoring.Weights(scoresOf(f.manifest, ns, evals))
}

// evaluating counts the revealed answers to this validator's tasks of the
// epoch at head that are not evaluated yet (running, waiting for a
// worker, or to be retried): 0 for a node that does not evaluate.
func (n *Node) evaluating(f *follower, head uint64) int {
	if !n.cfg.Validator.Enabled || n.cfg.Validator.Weights != WeightsFromEvaluations {
		return 0
	}
	keys, _ := f.myAnswers(f.clock.EpochAt(head), n.signer.PeerID())
	return f.round.unsettled(keys)
}

// scoresOf sums one validator's evaluations into a score per miner uid,
// as the scoring rule takes them: a miner's score is the sum of its scores
// over the validator's tasks divided by TasksPerEpoch, so a task left
// unanswered counts as 0. Miners not among ns are not rated.
func scoresOf(m *tasks.Manifest, ns []tasks.Neuron, evals []tasks.Evaluation) map[uint32]float64 {
	uid := map[tasks.PeerID]uint32{}
	for _, nr := range ns {
		uid[nr.Peer] = nr.UID
	}
	scores := map[uint32]float64{}
	for _, ev := range evals {
		if u, ok := uid[ev.Miner]; ok {
			scores[u] += ev.Score / float64(m.TasksPerEpoch)
		}
	}
	return scores
}

// holdsWeightCommit reports whether the Book of c's epoch holds c.
func (f *follower) holdsWeightCommit(c tasks.WeightCommit) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.books[c.Epoch]
	if b == nil {
		return false
	}
	for _, h := range b.WeightCommits() {
		if h.Validator == c.Validator && h.Commit == c.Commit {
			return true
		}
	}
	return false
}

// revealWeights reveals, in its window, the weights committed for the
// previous epoch, exactly as stored.
func (n *Node) revealWeights(ctx context.Context, f *follower) {
	f.mu.Lock()
	head := f.head
	f.mu.Unlock()
	cur := f.clock.EpochAt(head)
	if cur == 0 {
		return
	}
	e := cur - 1
	sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(e))
	if err != nil || !sched.WeightReveal.Contains(head) {
		return
	}
	n.roundMu.Lock()
	defer n.roundMu.Unlock()
	key := weightsKey(f.subnet, e)
	var doc weightsDoc
	if ok, err := n.state.Get(key, &doc); err != nil || !ok || doc.Revealed {
		if err != nil {
			n.log.Error("weights state unreadable", "subnet", f.subnet, "epoch", e, "err", err)
		}
		return
	}
	c, err := tasks.Decode[tasks.WeightCommit](doc.Commit)
	if err != nil {
		n.log.Error("stored weight commit does not decode", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	// A crash after the commit went out, before the state said so: its
	// own Book holding the commit (the received log is synced before a
	// message is accepted) is the record that it did.
	if !doc.Committed && !f.holdsWeightCommit(c) {
		return // never committed: sit the epoch out
	}
	r, err := tasks.Decode[tasks.WeightReveal](doc.Reveal)
	if err != nil {
		n.log.Error("stored weight reveal does not decode", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	if err := publishOnce(ctx, f, gossip.KindReveals, Post{WeightReveal: &r}); err != nil {
		n.log.Warn("weight reveal not published; will retry", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	doc.Committed, doc.Revealed = true, true
	if err := n.state.Put(key, doc); err != nil {
		n.log.Error("weights state not written", "subnet", f.subnet, "epoch", e, "err", err)
		return
	}
	n.log.Info("weights revealed", "subnet", f.subnet, "epoch", e, "weights", len(r.Weights))
}

// finishEpochs builds the record of every epoch whose reveal window has
// closed, attests it and anchors it when this node's turn comes, and
// follows the anchors of the records it built.
func (n *Node) finishEpochs(ctx context.Context, f *follower) {
	f.mu.Lock()
	head := f.head
	f.mu.Unlock()
	cur := f.clock.EpochAt(head)
	for e := cur - min(cur, liveEpochs+1); e < cur; e++ {
		sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(e))
		if err != nil || head < sched.WeightReveal.Close {
			continue
		}
		ep, ok, err := n.epoch(f.subnet, e)
		if err != nil {
			n.log.Error("epochs state unreadable", "subnet", f.subnet, "err", err)
			return
		}
		if !ok {
			if ep, ok, err = n.buildRecord(ctx, f, e, sched.WeightReveal.Close); err != nil {
				n.log.Error("epoch record not built", "subnet", f.subnet, "epoch", e, "err", err)
				continue
			}
			if !ok {
				continue
			}
		}
		n.attest(ctx, f, ep)
		n.anchor(ctx, f, ep, head)
	}
}

// epoch returns the state's entry of a finished epoch.
func (n *Node) epoch(subnet, e uint64) (Epoch, bool, error) {
	var eps []Epoch
	if _, err := n.state.Get(epochsKey(subnet), &eps); err != nil {
		return Epoch{}, false, err
	}
	for _, ep := range eps {
		if ep.Epoch == e {
			return ep, true, nil
		}
	}
	return Epoch{}, false, nil
}

// Epochs lists the finished epochs of a subnet this node built records
// for, newest first.
func (n *Node) Epochs(subnet uint64) ([]Epoch, error) {
	n.roundMu.Lock()
	defer n.roundMu.Unlock()
	var eps []Epoch
	if _, err := n.state.Get(epochsKey(subnet), &eps); err != nil {
		return nil, err
	}
	slices.Reverse(eps)
	return eps, nil
}

// putEpoch adds or replaces an epoch's entry. Called with n.roundMu held.
func (n *Node) putEpoch(subnet uint64, ep Epoch) error {
	var eps []Epoch
	if _, err := n.state.Get(epochsKey(subnet), &eps); err != nil {
		return err
	}
	i, found := slices.BinarySearchFunc(eps, ep.Epoch, func(x Epoch, e uint64) int { return cmp.Compare(x.Epoch, e) })
	if found {
		eps[i] = ep
	} else {
		eps = slices.Insert(eps, i, ep)
	}
	if len(eps) > maxEpochEntries {
		eps = eps[len(eps)-maxEpochEntries:]
	}
	return n.state.Put(epochsKey(subnet), eps)
}

// errWait: a record cannot be built yet; try again on a later tick.
var errWait = errors.New("not yet")

// buildRecord builds, stores and pins the record of epoch e, if this node
// followed the whole epoch (it holds the epoch's stake snapshot and Book).
func (n *Node) buildRecord(ctx context.Context, f *follower, e, closed uint64) (Epoch, bool, error) {
	var ns []tasks.Neuron
	ok, err := n.state.Get(neuronsKey(f.subnet, e), &ns)
	if err != nil || !ok {
		return Epoch{}, false, err // not here from the start: sit it out
	}
	if len(ns) == 0 {
		return Epoch{}, false, nil // nobody to pay
	}
	prev, err := n.prevRecord(ctx, f, e)
	if errors.Is(err, errWait) {
		return Epoch{}, false, nil
	}
	if err != nil {
		return Epoch{}, false, err
	}
	seed, err := f.seed(ctx, e)
	if err != nil {
		return Epoch{}, false, err
	}
	c := tasks.RecordContents{
		Header: tasks.RecordHeader{Version: tasks.ProtocolVersion, Subnet: f.subnet, Epoch: e, Manifest: f.manifestLink,
			Seed: seed, Start: f.clock.FirstBlock(e)},
		Neurons: ns,
	}
	var prevBonds []tasks.BondRow
	if prev != nil {
		c.Header.Prev = prev.Link
		prevBonds = prev.Contents.Bonds
		lastUpdate(c.Neurons, prev)
	}
	f.mu.Lock()
	b := f.books[e]
	if b == nil {
		f.mu.Unlock()
		return Epoch{}, false, nil // no longer live: too late to build
	}
	c.Tasks, c.SubmissionCommits, c.SubmissionReveals = b.Tasks(), b.SubmissionCommits(), b.SubmissionReveals()
	c.WeightCommits, c.WeightReveals, c.Equivocations = b.WeightCommits(), b.WeightReveals(), b.Equivocations()
	for _, h := range f.evals[e] {
		c.Evaluations = append(c.Evaluations, h.ev)
	}
	f.mu.Unlock()
	if err := tasks.RunConsensus(f.manifest, &c, prevBonds); err != nil {
		return Epoch{}, false, err
	}
	rec, err := tasks.BuildRecord(c)
	if err != nil {
		return Epoch{}, false, err
	}
	if err := n.storeRecord(ctx, rec); err != nil {
		return Epoch{}, false, err
	}
	ep := Epoch{Epoch: e, Record: rec.Link.String(), Root: hex.EncodeToString(rec.Root.Root[:]), Size: rec.Root.Size,
		Commitment: commitmentOf(rec).String(), Anchor: anchorPending, Built: closed}
	n.roundMu.Lock()
	defer n.roundMu.Unlock()
	if err := n.putEpoch(f.subnet, ep); err != nil {
		return Epoch{}, false, err
	}
	n.log.Info("epoch record built", "subnet", f.subnet, "epoch", e, "record", ep.Record, "root", ep.Root,
		"reveals", len(c.WeightReveals), "evaluations", len(c.Evaluations))
	return ep, true, nil
}

func commitmentOf(rec *tasks.Record) chain.Hash {
	return chain.RecordCommitment(chain.Hash(rec.Root.Root), rec.Root.Size)
}

// lastUpdate sets each neuron's LastUpdate from the previous record: the
// previous epoch's start for a validator whose weights it holds, else what
// the previous record said of the same peer at the same uid.
func lastUpdate(ns []tasks.Neuron, prev *tasks.Record) {
	revealed := map[tasks.PeerID]bool{}
	for _, r := range prev.Contents.WeightReveals {
		revealed[r.Validator] = true
	}
	before := map[uint32]tasks.Neuron{}
	for _, nr := range prev.Contents.Neurons {
		before[nr.UID] = nr
	}
	for i := range ns {
		p, ok := before[ns[i].UID]
		switch {
		case !ok || p.Peer != ns[i].Peer:
			ns[i].LastUpdate = 0
		case revealed[p.Peer]:
			ns[i].LastUpdate = prev.Contents.Header.Start
		default:
			ns[i].LastUpdate = p.LastUpdate
		}
	}
}

// storeRecord puts a record's blocks in the store and pins each of them
// directly: a record's entries link miners' outputs and the previous
// record, which a recursive pin would claim too.
func (n *Node) storeRecord(ctx context.Context, rec *tasks.Record) error {
	for _, b := range rec.Blocks {
		c, err := contentstore.ParseCID(b.Link.String())
		if err != nil {
			return err
		}
		if err := n.store.PutBlock(ctx, c, b.Data); err != nil {
			return err
		}
		if err := n.store.Pin(ctx, c, false); err != nil {
			return err
		}
	}
	return nil
}

// prevRecord returns the record epoch e builds on: the one anchored for
// e-1, from this node's store or fetched by its CID; nil if e-1 has no
// anchor. If this node built a record for e-1 whose anchor has not landed
// yet, it waits (errWait) up to a tempo past that record's build, so that
// every node builds e on the same predecessor.
func (n *Node) prevRecord(ctx context.Context, f *follower, e uint64) (*tasks.Record, error) {
	if e == 0 {
		return nil, nil
	}
	anchored, err := n.chain.AnchorOf(ctx, f.subnet, e-1)
	if errors.Is(err, chain.ErrNotAnchored) {
		n.roundMu.Lock()
		ep, built, gerr := n.epoch(f.subnet, e-1)
		n.roundMu.Unlock()
		if gerr != nil {
			return nil, gerr
		}
		f.mu.Lock()
		head := f.head
		f.mu.Unlock()
		// e-1's record was built a tempo before e's could be; wait up to
		// another tempo for its anchor.
		if built && head < ep.Built+2*f.manifest.Timing.Tempo {
			return nil, errWait
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	link, err := n.anchoredRecord(ctx, f.subnet, e-1, anchored)
	if err != nil {
		return nil, err
	}
	fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	rec, err := tasks.ReadRecord(fctx, link, fetchBlocks{n})
	if err != nil {
		return nil, fmt.Errorf("record of epoch %d (%s): %w", e-1, link, err)
	}
	if commitmentOf(rec) != anchored {
		return nil, fmt.Errorf("record of epoch %d (%s) does not match its anchor", e-1, link)
	}
	return rec, nil
}

// anchoredRecord finds the CID of the record anchored with commitment for
// a subnet's epoch: this node's own if it is that one, else the chain's
// anchor event's.
func (n *Node) anchoredRecord(ctx context.Context, subnet, e uint64, commitment chain.Hash) (tasks.Link, error) {
	n.roundMu.Lock()
	ep, ok, err := n.epoch(subnet, e)
	n.roundMu.Unlock()
	if err != nil {
		return tasks.Link{}, err
	}
	if ok && ep.Commitment == commitment.String() {
		return tasks.ParseLink(ep.Record)
	}
	as, err := n.chain.Anchors(ctx, subnet)
	if err != nil {
		return tasks.Link{}, err
	}
	for _, a := range as {
		if a.Epoch == e && !a.Conflict && a.Root == commitment {
			return tasks.ParseLink(chain.RecordCID(a.RecordDigest))
		}
	}
	return tasks.Link{}, fmt.Errorf("no anchor event for epoch %d", e)
}

// fetchBlocks reads record blocks from the content store, fetching each
// one missing from peers alone (its links are not the record's) and
// pinning it.
type fetchBlocks struct{ n *Node }

func (b fetchBlocks) GetBlock(ctx context.Context, l tasks.Link) ([]byte, error) {
	c, err := contentstore.ParseCID(l.String())
	if err != nil {
		return nil, err
	}
	if ok, err := b.n.store.Has(ctx, c); err != nil {
		return nil, err
	} else if !ok {
		if err := b.n.exch.Fetch(ctx, c, contentstore.FetchOptions{MaxBytes: tasks.MaxBlockSize, Shallow: true}); err != nil {
			return nil, err
		}
	}
	return b.n.store.GetBlock(ctx, c)
}

// attest publishes this validator's attestation of the record it built,
// once.
func (n *Node) attest(ctx context.Context, f *follower, ep Epoch) {
	f.mu.Lock()
	_, registered := f.neurons[string(n.signer.PeerID().Bytes())]
	f.mu.Unlock()
	if !n.cfg.Validator.Enabled || !registered || ep.Attested {
		return
	}
	link, err := tasks.ParseLink(ep.Record)
	if err != nil {
		return
	}
	var root [32]byte
	if _, err := hex.Decode(root[:], []byte(ep.Root)); err != nil {
		return
	}
	a, err := tasks.Attest(n.signer, f.subnet, ep.Epoch, link, root)
	if err != nil {
		return
	}
	// One attempt: an attestation is a statement for others to collect,
	// and nothing of the round waits for it.
	if err := publishOnce(ctx, f, gossip.KindAttestations, Post{Attestation: &a}); err != nil {
		n.log.Warn("attestation not published", "subnet", f.subnet, "epoch", ep.Epoch, "err", err)
	}
	n.roundMu.Lock()
	defer n.roundMu.Unlock()
	cur, ok, err := n.epoch(f.subnet, ep.Epoch) // the anchor may have settled meanwhile
	if err != nil || !ok {
		return
	}
	cur.Attested = true
	if err := n.putEpoch(f.subnet, cur); err != nil {
		n.log.Error("epochs state not written", "subnet", f.subnet, "err", err)
	}
}

// anchorTurn is the block from which this node may anchor epoch ep: the
// record's build block for the epoch's anchorer, chosen from the seed
// among the validators that revealed weights (all neurons with a permit if
// none did), and one fallback delay later for each candidate after it in
// the rotation. Nodes that are not candidates never anchor.
func (n *Node) anchorTurn(ctx context.Context, f *follower, ep Epoch) (uint64, bool) {
	link, err := tasks.ParseLink(ep.Record)
	if err != nil {
		return 0, false
	}
	rec, err := tasks.ReadRecord(ctx, link, fetchBlocks{n})
	if err != nil {
		return 0, false
	}
	var cands []tasks.PeerID
	for _, r := range rec.Contents.WeightReveals {
		cands = append(cands, r.Validator)
	}
	if len(cands) == 0 {
		permit := map[uint32]bool{}
		for _, r := range rec.Contents.Results {
			permit[r.UID] = r.ValidatorPermit
		}
		for _, nr := range rec.Contents.Neurons {
			if permit[nr.UID] {
				cands = append(cands, nr.Peer)
			}
		}
	}
	slices.SortFunc(cands, tasks.PeerID.Compare)
	me := slices.Index(cands, n.signer.PeerID())
	if me < 0 {
		return 0, false
	}
	h := sha256.Sum256(append([]byte("crucible/anchorer/v1"), rec.Contents.Header.Seed[:]...))
	first := int(binary.BigEndian.Uint64(h[:8]) % uint64(len(cands)))
	rank := (me - first + len(cands)) % len(cands)
	f.mu.Lock()
	restarted := f.since > rec.Contents.Header.Start
	f.mu.Unlock()
	if restarted {
		// This process did not see the whole epoch (it started, or
		// restarted, during it), so its record may lack what arrived
		// while it was down: it anchors only after every other candidate.
		rank += len(cands)
	}
	return ep.Built + uint64(rank)*anchorFallback(f.manifest), true
}

// commitMargin is how many blocks before the weight commit window closes a
// validator commits even if evaluations are still running: nodes a block
// ahead would already judge a commit in the last block late.
const commitMargin = 2

// anchorFallback is how many blocks each anchor candidate waits for the
// one before it: a quarter of the tempo, at least one block.
func anchorFallback(m *tasks.Manifest) uint64 { return max(1, m.Timing.Tempo/4) }

// anchor anchors a built record when this node's turn has come and
// nobody anchored it yet, and follows the chain's anchor until it lands or
// conflicts. The transaction runs in the background: it waits for
// blocks.
func (n *Node) anchor(ctx context.Context, f *follower, ep Epoch, head uint64) {
	if ep.Anchor != anchorPending {
		return
	}
	f.round.mu.Lock()
	busy := f.round.anchoring[ep.Epoch]
	f.round.mu.Unlock()
	if busy {
		return
	}
	onChain, err := n.chain.AnchorOf(ctx, f.subnet, ep.Epoch)
	switch {
	case err == nil:
		n.settleAnchor(f, ep, onChain, chain.Hash{})
		return
	case !errors.Is(err, chain.ErrNotAnchored):
		n.log.Warn("anchor not read", "subnet", f.subnet, "epoch", ep.Epoch, "err", err)
		return
	}
	f.round.mu.Lock()
	t, known := f.round.turns[ep.Epoch]
	f.round.mu.Unlock()
	if !known {
		t.block, t.ok = n.anchorTurn(ctx, f, ep)
		f.round.mu.Lock()
		f.round.turns[ep.Epoch] = t
		f.round.mu.Unlock()
	}
	if !t.ok || head < t.block {
		return
	}
	commitment, err := chain.ParseHash(ep.Commitment)
	if err != nil {
		return
	}
	digest, err := chain.RecordDigest(ep.Record)
	if err != nil {
		n.log.Error("record CID has no anchorable digest", "record", ep.Record, "err", err)
		return
	}
	f.round.mu.Lock()
	f.round.anchoring[ep.Epoch] = true
	f.round.mu.Unlock()
	n.background(func() {
		defer func() {
			f.round.mu.Lock()
			delete(f.round.anchoring, ep.Epoch)
			f.round.mu.Unlock()
		}()
		actx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stop := context.AfterFunc(n.life, cancel)
		defer stop()
		res, err := n.chain.Anchor(actx, f.subnet, ep.Epoch, commitment, digest)
		if err != nil {
			if actx.Err() == nil {
				n.log.Warn("anchor failed; will retry", "subnet", f.subnet, "epoch", ep.Epoch, "err", err)
			}
			return
		}
		if res.Sent {
			n.metrics.anchorsSent.Add(1)
		}
		n.settleAnchor(f, ep, res.Anchored, res.Tx.TxHash)
	})
}

// background runs fn in the background unless the node is closing; Close
// waits for it.
func (n *Node) background(fn func()) bool {
	n.mineStart.Lock()
	defer n.mineStart.Unlock()
	if n.closing.Load() {
		return false
	}
	n.bg.Add(1)
	go func() {
		defer n.bg.Done()
		fn()
	}()
	return true
}

// settleAnchor records what the chain anchored for ep.
func (n *Node) settleAnchor(f *follower, ep Epoch, onChain, tx chain.Hash) {
	n.roundMu.Lock()
	defer n.roundMu.Unlock()
	cur, ok, err := n.epoch(f.subnet, ep.Epoch)
	if err != nil || !ok || cur.Anchor != anchorPending {
		return
	}
	cur.Anchored = onChain.String()
	if tx != (chain.Hash{}) {
		cur.AnchorTx = tx.String()
	}
	if onChain.String() == cur.Commitment {
		cur.Anchor = anchorLanded
		n.metrics.anchorsLanded.Add(1)
		n.log.Info("epoch anchored", "subnet", f.subnet, "epoch", ep.Epoch, "record", cur.Record, "tx", cur.AnchorTx)
	} else {
		cur.Anchor = anchorConflict
		n.metrics.anchorsConflicted.Add(1)
		n.log.Warn("the chain anchored another record than this node built", "subnet", f.subnet, "epoch", ep.Epoch,
			"ours", cur.Commitment, "anchored", cur.Anchored)
	}
	if err := n.putEpoch(f.subnet, cur); err != nil {
		n.log.Error("epochs state not written", "subnet", f.subnet, "err", err)
	}
}
