package node

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

// manifestFetchTimeout bounds the fetch of a subnet's manifest and
// evaluator when the node starts following it.
const manifestFetchTimeout = 2 * time.Minute

// maxEvaluatorSize bounds an evaluator module fetched with its manifest.
const maxEvaluatorSize = 64 << 20

// liveEpochs is how many epochs around the current one a node keeps a Book
// for: the previous one (its reveals arrive in this one) and the next (a
// node whose head is a block ahead may publish for it).
const liveEpochs = 1

// follower is the node's view of one subnet, the part every node has
// whatever its role: the manifest, the epoch clock, the registered
// neurons, a Book per live epoch, and the subnet's five topics, whose
// validators apply the protocol's rules to every message (DESIGN.md:
// size, decoding, signature, the sender's registration and role, the
// epoch window, duplicates, per-peer rate). The validator and miner roles
// build on it.
type follower struct {
	n        *Node
	subnet   uint64
	manifest *tasks.Manifest
	// manifestLink is the manifest's CID, as the chain registers it.
	manifestLink tasks.Link
	clock        chain.Clock
	// maxNeurons is the subnet's size limit (0: none).
	maxNeurons uint32
	topics     map[gossip.Kind]*gossip.Topic[Post]
	subs       map[gossip.Kind]*gossip.Subscription[Post]

	mu      sync.Mutex
	head    uint64                  // the latest confirmed block seen
	acted   uint64                  // the head the round last finished a step at
	since   uint64                  // the head when this process began following
	neurons map[string]chain.Neuron // active neurons by binary peer ID
	books   map[uint64]*tasks.Book
	logs    map[uint64]*stateLog // received messages by epoch
	seeds   map[uint64][32]byte
	// tasksSent marks the epochs whose tasks this node published.
	tasksSent map[uint64]bool
	// evals holds the evaluations accepted per epoch, by validator, task
	// and miner: what the epoch's record lists (evaluations are not the
	// Book's; see addEvaluation).
	evals map[uint64]map[string]heldEvaluation
	// waiting holds, per epoch, messages that wait for one they depend on.
	waiting map[uint64][]waiting
	// attests holds the attestations received per epoch, by validator.
	attests map[uint64]map[tasks.PeerID]tasks.Attestation
	// round is the validator's and the record's progress (round.go).
	round roundState

	streamMu sync.Mutex
	streams  map[chan MinerTask]struct{}
}

// Follow starts following subnet: it reads the subnet from the chain,
// fetches its manifest by CID (from this node's store, else from peers),
// and joins the subnet's topics. The node keeps following until Close.
func (n *Node) Follow(ctx context.Context, subnet uint64) error {
	// One Follow at a time (it joins topics); the map lock is taken only
	// briefly, so the API is not held up by a manifest fetch.
	n.followOne.Lock()
	defer n.followOne.Unlock()
	n.followMu.Lock()
	known := n.followers[subnet] != nil
	n.followMu.Unlock()
	if known {
		return nil
	}
	info, err := n.chain.Subnet(ctx, subnet)
	if err != nil {
		return fmt.Errorf("follow subnet %d: %w", subnet, err)
	}
	m, err := n.fetchManifest(ctx, info.ManifestCID)
	if err != nil {
		return fmt.Errorf("follow subnet %d: %w", subnet, err)
	}
	if m.Timing.Tempo != uint64(info.Tempo) {
		return fmt.Errorf("follow subnet %d: the manifest's tempo %d differs from the chain's %d", subnet, m.Timing.Tempo, info.Tempo)
	}
	clock, err := n.chain.Clock(ctx, subnet)
	if err != nil {
		return fmt.Errorf("follow subnet %d: %w", subnet, err)
	}
	mlink, err := tasks.ParseLink(info.ManifestCID)
	if err != nil {
		return fmt.Errorf("follow subnet %d: manifest CID: %w", subnet, err)
	}
	f := &follower{n: n, subnet: subnet, manifest: m, manifestLink: mlink, clock: clock, maxNeurons: info.Params.MaxNeurons,
		topics: map[gossip.Kind]*gossip.Topic[Post]{}, subs: map[gossip.Kind]*gossip.Subscription[Post]{},
		books: map[uint64]*tasks.Book{}, logs: map[uint64]*stateLog{}, seeds: map[uint64][32]byte{}, tasksSent: map[uint64]bool{},
		evals: map[uint64]map[string]heldEvaluation{}, waiting: map[uint64][]waiting{}, attests: map[uint64]map[tasks.PeerID]tasks.Attestation{},
		streams: map[chan MinerTask]struct{}{}}
	f.round.init()
	if err := f.refresh(ctx); err != nil {
		return fmt.Errorf("follow subnet %d: %w", subnet, err)
	}
	f.since = f.head
	if err := f.restore(); err != nil {
		f.close()
		return fmt.Errorf("follow subnet %d: %w", subnet, err)
	}
	if err := f.checkAnswers(); err != nil {
		f.close()
		return fmt.Errorf("follow subnet %d: %w", subnet, err)
	}
	for _, k := range gossip.Kinds() {
		t, err := gossip.Join(n.net, gossip.TopicSpec[Post]{Subnet: subnet, Kind: k, Codec: postCodec{k}, Validate: f.validate})
		if err != nil {
			f.close()
			return fmt.Errorf("follow subnet %d: %w", subnet, err)
		}
		f.topics[k] = t
		sub, err := t.Subscribe()
		if err != nil {
			f.close()
			return fmt.Errorf("follow subnet %d: %w", subnet, err)
		}
		f.subs[k] = sub
	}
	n.followMu.Lock()
	n.followers[subnet] = f
	n.followMu.Unlock()
	f.run()
	n.log.Info("following subnet", "subnet", subnet, "name", m.Name, "tempo", m.Timing.Tempo)
	return nil
}

// fetchManifest reads a manifest by CID from the store, fetching it from
// peers first if the store lacks it.
func (n *Node) fetchManifest(ctx context.Context, s string) (*tasks.Manifest, error) {
	c, err := contentstore.ParseCID(s)
	if err != nil {
		return nil, fmt.Errorf("manifest CID %q on chain: %w", s, err)
	}
	if ok, err := n.store.Has(ctx, c); err != nil {
		return nil, err
	} else if !ok {
		// The manifest links its evaluator, so the fetch brings both: a
		// validator needs the evaluator anyway.
		fctx, cancel := context.WithTimeout(ctx, manifestFetchTimeout)
		defer cancel()
		if err := n.exch.Fetch(fctx, c, contentstore.FetchOptions{MaxBytes: tasks.MaxManifestSize + maxEvaluatorSize}); err != nil {
			return nil, fmt.Errorf("fetch manifest %s and its evaluator: %w", s, err)
		}
	}
	b, err := n.store.GetDagCBOR(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", s, err)
	}
	m, err := tasks.Decode[tasks.Manifest](b)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", s, err)
	}
	return &m, nil
}

// refresh reads the chain's confirmed head and the subnet's neurons, and
// drops the Books of epochs that are no longer live.
func (f *follower) refresh(ctx context.Context) error {
	head, err := f.n.chain.Confirmed(ctx)
	if err != nil {
		return err
	}
	ns, err := f.n.chain.Neurons(ctx, f.subnet)
	if err != nil {
		return err
	}
	byPeer := map[string]chain.Neuron{}
	for _, nr := range ns {
		if nr.Active {
			byPeer[string(nr.PeerID)] = nr
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// Never backwards: a message judged early may have moved it on.
	f.head, f.neurons = max(f.head, head), byPeer
	cur := f.clock.EpochAt(head)
	stale := func(e uint64) bool { return e+liveEpochs+1 < cur }
	dropEpochs(f.books, stale)
	dropEpochs(f.seeds, stale)
	dropEpochs(f.tasksSent, stale)
	dropEpochs(f.evals, stale)
	dropEpochs(f.attests, stale)
	dropEpochs(f.waiting, stale)
	for e, l := range f.logs {
		if e+liveEpochs+1 < cur {
			l.Close()
			delete(f.logs, e)
		}
	}
	return nil
}

// dropEpochs deletes the entries of m whose epoch is stale.
func dropEpochs[V any](m map[uint64]V, stale func(uint64) bool) {
	maps.DeleteFunc(m, func(e uint64, _ V) bool { return stale(e) })
}

// book returns the Book of epoch e if e is live at the current head.
// Called with f.mu held.
func (f *follower) book(e uint64) (*tasks.Book, error) {
	cur := f.clock.EpochAt(f.head)
	if e > cur+liveEpochs {
		return nil, fmt.Errorf("%w (%w): epoch %d, the current one is %d", tasks.ErrWrongEpoch, errFutureEpoch, e, cur)
	}
	if e+liveEpochs+1 < cur {
		return nil, fmt.Errorf("%w: epoch %d, the current one is %d", tasks.ErrWrongEpoch, e, cur)
	}
	b := f.books[e]
	if b == nil {
		var err error
		b, err = tasks.NewBook(f.manifest, f.subnet, e, f.clock.FirstBlock(e))
		if err != nil {
			return nil, err
		}
		f.books[e] = b
	}
	return b, nil
}

// validate applies the protocol's rules to a message of the subnet's
// topics: the author's registration and role, then the Book of the
// message's epoch, and maps the answer to a verdict.
func (f *follower) validate(_ context.Context, m *gossip.Message[Post]) gossip.Verdict {
	return verdict(f.check(m))
}

func (f *follower) check(m *gossip.Message[Post]) error {
	author, err := tasks.PeerIDFromBytes([]byte(m.Author))
	if err != nil {
		return err
	}
	if err := f.checkOnce(author, m); !isEarly(err) {
		return err
	}
	// A message that is early for this node's view of the chain is
	// usually from a peer that saw the next block first; gossip will not
	// deliver it again, so read the chain's head before judging it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	head, err := f.n.chain.Confirmed(ctx)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.head = max(f.head, head)
	f.mu.Unlock()
	return f.checkOnce(author, m)
}

// isEarly reports whether err says a message came before its window or
// epoch.
func isEarly(err error) bool {
	return errors.Is(err, tasks.ErrCommitEarly) || errors.Is(err, tasks.ErrRevealEarly) || errors.Is(err, errFutureEpoch)
}

// errFutureEpoch marks ErrWrongEpoch for an epoch after the live ones.
var errFutureEpoch = errors.New("an epoch after the live ones")

func (f *follower) checkOnce(author tasks.PeerID, m *gossip.Message[Post]) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.authorize(author, m.Value); err != nil {
		return err
	}
	head := f.head
	err := f.accept(m.Value, head, m.Data)
	switch {
	case accepted(err):
		f.retryWaiting()
	case waitsForAnother(err):
		f.wait(author, m.Value, head, m.Data)
	}
	return err
}

// accept applies a message judged at block and logs it if the Book (or
// the evaluations) took it. Called with f.mu held.
func (f *follower) accept(p Post, block uint64, data []byte) error {
	err := f.apply(p, block)
	if accepted(err) {
		if lerr := f.remember(p, block, data); lerr != nil {
			// Not forwarded: a restart would not know it.
			f.n.log.Error("received message not logged; dropping it", "subnet", f.subnet, "err", lerr)
			return lerr
		}
	}
	return err
}

// accepted reports whether the answer to a message means it was taken.
func accepted(err error) bool {
	var eq *tasks.EquivocationError
	return err == nil || errors.As(err, &eq)
}

// waitsForAnother reports whether a message was refused only for lack of
// one it depends on: a commit whose task, a reveal whose commit, an
// evaluation whose reveal has not arrived. Gossip does not keep order,
// and it does not deliver a message twice, so such a message waits here
// for the one it needs.
func waitsForAnother(err error) bool {
	return errors.Is(err, tasks.ErrUnknownTask) || errors.Is(err, tasks.ErrNoCommit)
}

// maxWaiting and maxWaitingBytes bound the messages waiting for another,
// per epoch; maxWaitingPerAuthor keeps one peer from filling the buffer.
const (
	maxWaiting          = 4096
	maxWaitingBytes     = 16 << 20
	maxWaitingPerAuthor = 256
)

// waiting is a message that waits for another, with the block it arrived
// at, at which it is judged when it can be.
type waiting struct {
	post   Post
	block  uint64
	data   []byte
	author tasks.PeerID
}

// wait keeps a message that waits for another. Called with f.mu held.
func (f *follower) wait(author tasks.PeerID, p Post, block uint64, data []byte) {
	e, ok := epochOf(p)
	if !ok || len(f.waiting[e]) >= maxWaiting {
		return
	}
	size, mine := len(data), 0
	for _, w := range f.waiting[e] {
		size += len(w.data)
		if w.author == author {
			mine++
		}
	}
	if size > maxWaitingBytes || mine >= maxWaitingPerAuthor {
		return
	}
	f.waiting[e] = append(f.waiting[e], waiting{p, block, bytes.Clone(data), author})
}

// retryWaiting applies the waiting messages again after one was accepted,
// until none more is. Called with f.mu held.
func (f *follower) retryWaiting() {
	for progress := true; progress; {
		progress = false
		for e, ws := range f.waiting {
			keep := ws[:0]
			for _, w := range ws {
				err := f.accept(w.post, w.block, w.data)
				switch {
				case accepted(err):
					progress = true
				case waitsForAnother(err):
					keep = append(keep, w)
				}
			}
			f.waiting[e] = keep
		}
	}
}

// authorize checks the author's registration and that it speaks for
// itself. Called with f.mu held.
func (f *follower) authorize(author tasks.PeerID, p Post) error {
	if _, ok := f.neurons[string(author.Bytes())]; !ok {
		return fmt.Errorf("%w: %s in subnet %d", ErrNotRegistered, author, f.subnet)
	}
	// The envelope's signer must be the one the message speaks for: tasks
	// and reveals are not signed inside, and a commit relayed under
	// another author's envelope is not that author's to send.
	own := func(who tasks.PeerID, role string) error {
		if who != author {
			return fmt.Errorf("%w: a %s of %s published by %s", ErrWrongRole, role, who, author)
		}
		return nil
	}
	switch {
	case p.Task != nil:
		return cmp.Or(own(p.Task.Validator, "task"), f.permit(author, "task"))
	case p.SubmissionCommit != nil:
		return own(p.SubmissionCommit.Miner, "submission commit")
	case p.SubmissionReveal != nil:
		return own(p.SubmissionReveal.Miner, "submission reveal")
	case p.WeightCommit != nil:
		return cmp.Or(own(p.WeightCommit.Validator, "weight commit"), f.permit(author, "weight commit"))
	case p.WeightReveal != nil:
		if err := own(p.WeightReveal.Validator, "weight reveal"); err != nil {
			return err
		}
		return f.knownUIDs(p.WeightReveal.Weights)
	case p.Evaluation != nil:
		return own(p.Evaluation.Validator, "evaluation")
	case p.Attestation != nil:
		if err := own(p.Attestation.Validator, "attestation"); err != nil {
			return err
		}
		return p.Attestation.VerifySignature()
	}
	return nil // equivocation evidence may come from anyone
}

// apply hands a message to the Book of its epoch, judged at block. Called
// with f.mu held.
func (f *follower) apply(p Post, block uint64) error {
	switch {
	case p.Task != nil:
		return f.add(p.Task.Subnet, p.Task.Epoch, func(b *tasks.Book) error { return b.AddTask(*p.Task) })
	case p.SubmissionCommit != nil:
		c := *p.SubmissionCommit
		return f.add(c.Subnet, c.Epoch, func(b *tasks.Book) error { return b.AddSubmissionCommit(c, block) })
	case p.SubmissionReveal != nil:
		r := *p.SubmissionReveal
		return f.add(r.Subnet, r.Epoch, func(b *tasks.Book) error { return b.AddSubmissionReveal(r, block) })
	case p.WeightCommit != nil:
		c := *p.WeightCommit
		return f.add(c.Subnet, c.Epoch, func(b *tasks.Book) error { return b.AddWeightCommit(c, block) })
	case p.WeightReveal != nil:
		r := *p.WeightReveal
		return f.add(r.Subnet, r.Epoch, func(b *tasks.Book) error { return b.AddWeightReveal(r, block) })
	case p.Equivocation != nil:
		e := *p.Equivocation
		return f.add(e.A.Subnet, e.A.Epoch, func(b *tasks.Book) error { return b.AddEquivocation(e) })
	case p.Evaluation != nil:
		return f.addEvaluation(*p.Evaluation, block)
	case p.Attestation != nil:
		return f.addAttestation(*p.Attestation)
	}
	return fmt.Errorf("%w: empty post", tasks.ErrInvalid)
}

// epochOf is the epoch a post belongs to.
func epochOf(p Post) (uint64, bool) {
	switch {
	case p.Task != nil:
		return p.Task.Epoch, true
	case p.SubmissionCommit != nil:
		return p.SubmissionCommit.Epoch, true
	case p.SubmissionReveal != nil:
		return p.SubmissionReveal.Epoch, true
	case p.WeightCommit != nil:
		return p.WeightCommit.Epoch, true
	case p.WeightReveal != nil:
		return p.WeightReveal.Epoch, true
	case p.Equivocation != nil:
		return p.Equivocation.A.Epoch, true
	case p.Evaluation != nil:
		return p.Evaluation.Epoch, true
	}
	return 0, false // attestations are not part of the record
}

// remember logs a message the Book accepted, with the block it was judged
// at, so that a restarted node rebuilds the same Book (the windows are
// judged again at the recorded block). The log is synced before the
// message is accepted and forwarded. Called with f.mu held.
func (f *follower) remember(p Post, block uint64, data []byte) error {
	e, ok := epochOf(p)
	if !ok {
		return nil
	}
	l, err := f.log(e)
	if err != nil {
		return err
	}
	m, err := p.message()
	if err != nil {
		return err
	}
	topic, err := topicOf(m.Kind())
	if err != nil {
		return err
	}
	rec := make([]byte, 9, 9+len(data))
	rec[0] = byte(topic)
	binary.BigEndian.PutUint64(rec[1:], block)
	return l.Append(append(rec, data...))
}

// log returns epoch e's received-messages log. Called with f.mu held.
func (f *follower) log(e uint64) (*stateLog, error) {
	if l := f.logs[e]; l != nil {
		return l, nil
	}
	l, _, err := f.n.state.OpenLog(receivedKey(f.subnet, e))
	if err != nil {
		return nil, err
	}
	f.logs[e] = l
	return l, nil
}

func receivedKey(subnet, epoch uint64) string {
	return fmt.Sprintf("subnet-%d/epoch-%d/received", subnet, epoch)
}

// restore rebuilds the Books of the live epochs from their logs.
func (f *follower) restore() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur := f.clock.EpochAt(f.head)
	first := uint64(0)
	if cur > liveEpochs+1 {
		first = cur - liveEpochs - 1 // as far back as book() keeps
	}
	for e := first; e <= cur+liveEpochs; e++ {
		l, recs, err := f.n.state.OpenLog(receivedKey(f.subnet, e))
		if err != nil {
			return err
		}
		f.logs[e] = l
		for i, rec := range recs {
			if len(rec) < 9 {
				return fmt.Errorf("%w: %s record %d is %d bytes", ErrCorruptState, receivedKey(f.subnet, e), i, len(rec))
			}
			p, err := postCodec{gossip.Kind(rec[0])}.Decode(rec[9:])
			if err != nil {
				return fmt.Errorf("%w: %s record %d: %v", ErrCorruptState, receivedKey(f.subnet, e), i, err)
			}
			err = f.apply(p, binary.BigEndian.Uint64(rec[1:9]))
			var eq *tasks.EquivocationError
			if err != nil && !errors.As(err, &eq) && !errors.Is(err, tasks.ErrDuplicate) {
				f.n.log.Warn("logged message no longer applies", "subnet", f.subnet, "epoch", e, "err", err)
			}
		}
	}
	return nil
}

// add hands a message to the Book of its epoch. Called with f.mu held.
func (f *follower) add(subnet, epoch uint64, do func(*tasks.Book) error) error {
	if subnet != f.subnet {
		return fmt.Errorf("%w: subnet %d on subnet %d's topic", tasks.ErrWrongEpoch, subnet, f.subnet)
	}
	b, err := f.book(epoch)
	if err != nil {
		return err
	}
	return do(b)
}

// permit refuses a task or weight commit from a peer without a validator
// permit: the Consensus.MaxValidators registered peers with the most
// stake, as consensus gives permits. Called with f.mu held.
func (f *follower) permit(author tasks.PeerID, what string) error {
	me, ok := f.neurons[string(author.Bytes())]
	if !ok {
		return nil // authorize said so already
	}
	if me.Stake.Sign() <= 0 {
		return fmt.Errorf("%w: a %s from %s, which has no stake", ErrNoPermit, what, author)
	}
	above := 0
	for _, nr := range f.neurons {
		c := nr.Stake.Cmp(me.Stake)
		// Ties go to the higher uid, as consensus breaks them.
		if c > 0 || (c == 0 && nr.UID > me.UID) {
			above++
		}
	}
	if above >= int(f.manifest.Consensus.MaxValidators) {
		return fmt.Errorf("%w: a %s from %s (%d peers have more stake)", ErrNoPermit, what, author, above)
	}
	return nil
}

// knownUIDs refuses weights for uids that no neuron holds. Called with
// f.mu held.
//
// A uid beyond the subnet's size is invalid everywhere (Reject). A uid in
// range that nobody holds now may have been held when the weights were
// committed (a miner that unstaked since), and nodes read the chain at
// different moments: that is ignored, not held against the validator.
func (f *follower) knownUIDs(ws []tasks.Weight) error {
	held := map[uint32]bool{}
	for _, nr := range f.neurons {
		held[nr.UID] = true
	}
	for _, w := range ws {
		if f.maxNeurons > 0 && w.UID >= f.maxNeurons {
			return fmt.Errorf("%w: weight for uid %d; subnet %d has at most %d neurons", tasks.ErrInvalid, w.UID, f.subnet, f.maxNeurons)
		}
		if !held[w.UID] {
			return fmt.Errorf("weight for uid %d, which no neuron of subnet %d holds at block %d", w.UID, f.subnet, f.head)
		}
	}
	return nil
}

// publish sends one post on its topic.
func (f *follower) publish(ctx context.Context, k gossip.Kind, p Post) error {
	return f.topics[k].Publish(ctx, p)
}

func (f *follower) close() {
	f.mu.Lock()
	for _, l := range f.logs {
		l.Close()
	}
	f.logs = map[uint64]*stateLog{}
	f.mu.Unlock()
	for _, s := range f.subs {
		s.Cancel()
	}
	for _, t := range f.topics {
		t.Close()
	}
}

// run drains the subnet's subscriptions until the network closes: tasks
// go to the node's task-stream subscribers (miners over the API); the
// other kinds are for the validator and miner roles.
func (f *follower) run() {
	for k, sub := range f.subs {
		f.n.bg.Add(1)
		go func() {
			defer f.n.bg.Done()
			for {
				m, err := sub.Next(context.Background())
				if err != nil {
					return // closed
				}
				if k == gossip.KindTasks && m.Value.Task != nil {
					f.announce(*m.Value.Task)
				}
			}
		}()
	}
}

// announce turns an accepted task into a MinerTask for the stream's
// subscribers. A subscriber that does not keep up loses tasks, not the
// node's time.
func (f *follower) announce(t tasks.Task) {
	mt, err := f.minerTask(t)
	if err != nil {
		f.n.log.Warn("task not announced", "subnet", f.subnet, "epoch", t.Epoch, "err", err)
		return
	}
	f.streamMu.Lock()
	for ch := range f.streams {
		select {
		case ch <- mt:
		default:
		}
	}
	f.streamMu.Unlock()
	if len(f.n.cfg.Miner.Command) > 0 && t.Validator != f.n.signer.PeerID() {
		f.n.mine(f, mt)
	}
}

// minerTask is what a miner is told of task t.
func (f *follower) minerTask(t tasks.Task) (MinerTask, error) {
	_, link, err := tasks.Encode(t)
	if err != nil {
		return MinerTask{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	seed, err := f.seed(ctx, t.Epoch)
	if err != nil {
		return MinerTask{}, fmt.Errorf("no seed for epoch %d: %w", t.Epoch, err)
	}
	mt := MinerTask{Subnet: t.Subnet, Epoch: t.Epoch, Validator: t.Validator.String(), Index: t.Index, Task: link.String(),
		Seed: hex.EncodeToString(seed[:]), Params: t.Params,
		Deadline: f.clock.FirstBlock(t.Epoch) + f.manifest.Timing.SubmissionDeadline, MaxBytes: f.manifest.MaxFetchBytes}
	if t.Input.Defined() {
		mt.Input = t.Input.String()
	}
	return mt, nil
}

// openTasks are the tasks of live epochs whose submission deadline has not
// passed: what a miner that connects now can still answer.
func (f *follower) openTasks() []MinerTask {
	f.mu.Lock()
	head := f.head
	var ts []tasks.Task
	for e, b := range f.books {
		if head < f.clock.FirstBlock(e)+f.manifest.Timing.SubmissionDeadline {
			ts = append(ts, b.Tasks()...)
		}
	}
	f.mu.Unlock()
	var out []MinerTask
	for _, t := range ts {
		if mt, err := f.minerTask(t); err == nil {
			out = append(out, mt)
		}
	}
	return out
}

// seed returns epoch e's seed, read from the chain once.
func (f *follower) seed(ctx context.Context, e uint64) ([32]byte, error) {
	f.mu.Lock()
	s, ok := f.seeds[e]
	f.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := f.n.chain.Seed(ctx, f.clock, e)
	if err != nil {
		return s, err
	}
	f.mu.Lock()
	f.seeds[e] = s
	f.mu.Unlock()
	return s, nil
}

// streamTasks registers a task-stream subscriber; cancel unregisters it.
func (f *follower) streamTasks() (<-chan MinerTask, func()) {
	ch := make(chan MinerTask, 64)
	f.streamMu.Lock()
	f.streams[ch] = struct{}{}
	f.streamMu.Unlock()
	return ch, func() {
		f.streamMu.Lock()
		delete(f.streams, ch)
		f.streamMu.Unlock()
	}
}

// checkAnswers reads the answers state of the live epochs, so a damaged
// file stops the node at start with its name rather than at the reveal.
func (f *follower) checkAnswers() error {
	f.mu.Lock()
	cur := f.clock.EpochAt(f.head)
	f.mu.Unlock()
	for e := cur - min(cur, liveEpochs+1); e <= cur+liveEpochs; e++ {
		var as []answer
		if _, err := f.n.state.Get(answersKey(f.subnet, e), &as); err != nil {
			return err
		}
	}
	return nil
}
