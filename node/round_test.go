package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/tasks"
)

// The round tests run whole epochs with real parts: every node has its own
// libp2p host on 127.0.0.1, its own content store on disk and the sandbox;
// the chain is the simulated backend, and the test is its only block
// producer. It mines one block at a time, waits until every node has seen
// it, and before crossing the end of a window waits until what that window
// is for has reached every node, so the test does not depend on how fast
// the machine is.

// roundManifest is a subnet scored by the mse-c example evaluator: the
// task's 32 bytes of params are 4 reference doubles, the output 4
// predictions, the score 1/(1+MSE).
func roundManifest(evaluator tasks.Link) tasks.Manifest {
	m := testManifest()
	m.Name = "round-test"
	m.Evaluator = evaluator
	m.TasksPerEpoch = 2
	m.Timing = tasks.Timing{Tempo: 20, SubmissionDeadline: 6, SubmissionRevealWindow: 6, WeightRevealWindow: 6}
	return m
}

type roundNet struct {
	t      *testing.T
	ch     *testChain
	subnet uint64
	nodes  []*Node
	dirs   []string
	cfgs   []Config
	keys   []int // chain account of each node
}

// newRoundNet starts nodes with the given configs on one simulated chain,
// connects them in a full mesh, and creates a subnet owned by the first.
func newRoundNet(t *testing.T, cfgs []Config) *roundNet {
	t.Helper()
	ctx := context.Background()
	rn := &roundNet{t: t, ch: newTestChain(t), cfgs: cfgs}
	for i, cfg := range cfgs {
		dir := t.TempDir()
		rn.dirs = append(rn.dirs, dir)
		rn.keys = append(rn.keys, i+1)
		rn.nodes = append(rn.nodes, newTestNodeWith(t, dir, rn.ch, i+1, cfg))
	}
	for i, a := range rn.nodes {
		for _, b := range rn.nodes[i+1:] {
			if err := b.net.ConnectPeer(ctx, a.net.AddrInfo()); err != nil {
				t.Fatal(err)
			}
		}
	}
	wasm, err := os.ReadFile(filepath.Join("..", "examples", "evaluators", "mse-c", "evaluator.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	owner := rn.nodes[0]
	ec, err := owner.store.AddFile(ctx, bytes.NewReader(wasm), contentstore.DefaultProfile, nil)
	if err != nil {
		t.Fatal(err)
	}
	el, err := tasks.ParseLink(ec.String())
	if err != nil {
		t.Fatal(err)
	}
	m := roundManifest(el)
	data, _, err := tasks.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := owner.store.PutDagCBOR(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.store.Pin(ctx, mc, true); err != nil {
		t.Fatal(err)
	}
	rn.subnet, _, err = owner.chain.CreateSubnet(ctx, mc.String(), uint32(m.Timing.Tempo), chain.SubnetParams{MinStake: big.NewInt(1), MaxNeurons: 16})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rn.nodes {
		if err := n.Follow(ctx, rn.subnet); err != nil {
			t.Fatal(err)
		}
	}
	// From here on the test mines every block.
	rn.ch.sim.SetAutoMine(false)
	t.Cleanup(func() { rn.ch.sim.SetAutoMine(true) })
	return rn
}

// register registers node i with stake, mining until the transaction is in.
func (rn *roundNet) register(i int, stake int64) {
	rn.t.Helper()
	n := rn.nodes[i]
	done := make(chan error, 1)
	go func() {
		_, _, err := n.chain.Register(context.Background(), rn.subnet, []byte(n.PeerID()), big.NewInt(stake))
		done <- err
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-done:
			if err != nil {
				rn.t.Fatal(err)
			}
			rn.mine()
			return
		default:
		}
		if time.Now().After(deadline) {
			rn.t.Fatal("registration never mined")
		}
		rn.mine()
	}
}

func (rn *roundNet) f(i int) *follower {
	rn.nodes[i].followMu.Lock()
	defer rn.nodes[i].followMu.Unlock()
	return rn.nodes[i].followers[rn.subnet]
}

func (rn *roundNet) head() uint64 {
	h, err := rn.nodes[0].chain.Head(context.Background())
	if err != nil {
		rn.t.Fatal(err)
	}
	return h
}

// mine mines one block and waits until every node's follower has seen it.
func (rn *roundNet) mine() {
	rn.t.Helper()
	rn.ch.sim.Commit()
	h := rn.head()
	eventually(rn.t, fmt.Sprintf("every node sees block %d", h), func() bool {
		for i := range rn.nodes {
			f := rn.f(i)
			f.mu.Lock()
			seen := f.head
			f.mu.Unlock()
			if seen < h {
				return false
			}
		}
		return true
	})
}

// mineTo mines up to block target; before crossing a gate block it waits
// for the gate's condition.
func (rn *roundNet) mineTo(target uint64, gates map[uint64]func() (bool, string)) {
	rn.t.Helper()
	for h := rn.head(); h < target; h = rn.head() {
		if g := gates[h+1]; g != nil {
			var why string
			deadline := time.Now().Add(60 * time.Second)
			for {
				var ok bool
				if ok, why = g(); ok {
					break
				}
				if time.Now().After(deadline) {
					rn.t.Fatalf("before block %d: %s", h+1, why)
				}
				time.Sleep(20 * time.Millisecond) // polling with a deadline
			}
		}
		rn.mine()
	}
}

// everyBook checks cond on every node's Book of epoch e.
func (rn *roundNet) everyBook(e uint64, what string, cond func(*tasks.Book, *follower) bool) func() (bool, string) {
	return func() (bool, string) {
		for i := range rn.nodes {
			f := rn.f(i)
			f.mu.Lock()
			b := f.books[e]
			ok := b != nil && cond(b, f)
			f.mu.Unlock()
			if !ok {
				return false, fmt.Sprintf("node %d lacks %s of epoch %d", i, what, e)
			}
		}
		return true, ""
	}
}

// runEpoch drives epoch e, whose first block the chain is at or before,
// through its windows, given how many submissions, evaluations and weight
// commits it should see, and returns when every node built its record.
func (rn *roundNet) runEpoch(e uint64, submissions, validators int) {
	rn.t.Helper()
	f := rn.f(0)
	sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(e))
	if err != nil {
		rn.t.Fatal(err)
	}
	gates := map[uint64]func() (bool, string){
		sched.SubmissionCommit.Close: rn.everyBook(e, fmt.Sprintf("%d submission commits", submissions), func(b *tasks.Book, _ *follower) bool {
			return len(b.SubmissionCommits()) == submissions
		}),
		sched.SubmissionReveal.Close: rn.everyBook(e, fmt.Sprintf("%d reveals and evaluations", submissions), func(b *tasks.Book, f *follower) bool {
			return len(b.SubmissionReveals()) == submissions && len(f.evals[e]) == submissions
		}),
		sched.WeightCommit.Close: rn.everyBook(e, fmt.Sprintf("%d weight commits", validators), func(b *tasks.Book, _ *follower) bool {
			return len(b.WeightCommits()) == validators
		}),
		sched.WeightReveal.Close: rn.everyBook(e, fmt.Sprintf("%d weight reveals", validators), func(b *tasks.Book, _ *follower) bool {
			return len(b.WeightReveals()) == validators
		}),
	}
	rn.mineTo(sched.WeightReveal.Close, gates)
	// Every node builds the record on its next tick; the next epoch's
	// blocks keep coming meanwhile, as they would.
	eventually(rn.t, fmt.Sprintf("every node built the record of epoch %d", e), func() bool {
		for _, n := range rn.nodes {
			if _, ok, err := n.epoch(rn.subnet, e); err != nil || !ok {
				return false
			}
		}
		return true
	})
}

// checkEpoch checks that every node built the same record of epoch e and
// that the chain anchored it, mining while the anchor is on its way.
func (rn *roundNet) checkEpoch(e uint64) Epoch {
	rn.t.Helper()
	var first Epoch
	for i, n := range rn.nodes {
		ep, _, err := n.epoch(rn.subnet, e)
		if err != nil {
			rn.t.Fatal(err)
		}
		if i == 0 {
			first = ep
			continue
		}
		if ep.Record != first.Record || ep.Commitment != first.Commitment {
			rn.t.Fatalf("epoch %d: node %d built record %s (%s), node 0 built %s (%s)", e, i, ep.Record, ep.Commitment, first.Record, first.Commitment)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		landed := 0
		for _, n := range rn.nodes {
			if ep, _, _ := n.epoch(rn.subnet, e); ep.Anchor == anchorLanded {
				landed++
			}
		}
		if landed == len(rn.nodes) {
			break
		}
		if time.Now().After(deadline) {
			rn.t.Fatalf("epoch %d: the anchor landed at %d of %d nodes", e, landed, len(rn.nodes))
		}
		rn.mine()
	}
	got, err := rn.nodes[0].chain.AnchorOf(context.Background(), rn.subnet, e)
	if err != nil {
		rn.t.Fatal(err)
	}
	if got.String() != first.Commitment {
		rn.t.Fatalf("epoch %d: chain anchored %s, the nodes built %s", e, got, first.Commitment)
	}
	return first
}

// answerTasks makes node i a miner: it answers every task of another
// validator, with the task's params (a perfect answer) or, if !good, with
// zeros.
func (rn *roundNet) answerTasks(i int, good bool) {
	n := rn.nodes[i]
	stream, stop := rn.f(i).streamTasks()
	ctx, cancel := context.WithCancel(context.Background())
	rn.t.Cleanup(func() { stop(); cancel() })
	go func() {
		for {
			var mt MinerTask
			select {
			case mt = <-stream:
			case <-ctx.Done():
				return
			}
			if mt.Validator == n.signer.PeerID().String() {
				continue
			}
			out := mt.Params
			if !good {
				out = make([]byte, len(mt.Params))
			}
			c, err := n.store.AddFile(ctx, bytes.NewReader(out), contentstore.DefaultProfile, nil)
			if err != nil {
				continue
			}
			if _, err := n.Answer(ctx, mt.Subnet, mt.Task, c.String()); err != nil && ctx.Err() == nil {
				rn.t.Logf("node %d: answer: %v", i, err)
			}
		}
	}()
}

// startEpoch mines to the first block of the next epoch.
func (rn *roundNet) startEpoch() uint64 {
	f := rn.f(0)
	e := f.clock.EpochAt(rn.head()) + 1
	rn.mineTo(f.clock.FirstBlock(e), nil)
	return e
}

// TestRoundEndToEnd: four nodes run three epochs with one validator and
// two miners, then three with two validators and three miners (one node
// both); every node builds the same record of every epoch, and the chain
// anchors exactly it.
func TestRoundEndToEnd(t *testing.T) {
	validator := testConfig()
	validator.Validator.Enabled = true
	validator.Chain.PollMS = 20
	miner := testConfig()
	miner.Chain.PollMS = 20
	rn := newRoundNet(t, []Config{validator, miner, miner, validator})
	a, b, c, d := 0, 1, 2, 3
	rn.register(a, 1e12)
	rn.register(b, 1e9)
	rn.register(c, 1e9)
	rn.answerTasks(b, true)
	rn.answerTasks(c, false)

	e := rn.startEpoch()
	var prev string
	for range 3 {
		// A publishes 2 tasks; B and C answer both.
		rn.runEpoch(e, 2*2, 1)
		ep := rn.checkEpoch(e)
		rec := rn.record(ep)
		if prev != "" && rec.Contents.Header.Prev.String() != prev {
			t.Errorf("epoch %d links %s as its previous record, want %s", e, rec.Contents.Header.Prev, prev)
		}
		if len(rec.Contents.Evaluations) != 4 || len(rec.Contents.WeightReveals) != 1 {
			t.Errorf("epoch %d: %d evaluations and %d reveals in the record", e, len(rec.Contents.Evaluations), len(rec.Contents.WeightReveals))
		}
		prev = ep.Record
		e++
	}
	// D registers (after the deadline, so it joins with the next epoch)
	// as a second validator that also mines.
	rn.register(d, 1e12)
	rn.answerTasks(d, true)
	e = rn.startEpoch()
	for range 3 {
		// A's 2 tasks are answered by B, C and D; D's 2 by B and C.
		rn.runEpoch(e, 2*3+2*2, 2)
		ep := rn.checkEpoch(e)
		rec := rn.record(ep)
		if len(rec.Contents.WeightReveals) != 2 || len(rec.Contents.Evaluations) != 10 {
			t.Errorf("epoch %d: %d reveals and %d evaluations in the record", e, len(rec.Contents.WeightReveals), len(rec.Contents.Evaluations))
		}
		var incB, incC float64
		for _, r := range rec.Contents.Results {
			for _, nr := range rec.Contents.Neurons {
				if nr.UID == r.UID && nr.Peer.String() == rn.nodes[b].PeerID().String() {
					incB = r.Incentive
				}
				if nr.UID == r.UID && nr.Peer.String() == rn.nodes[c].PeerID().String() {
					incC = r.Incentive
				}
			}
		}
		if incB <= incC {
			t.Errorf("epoch %d: the perfect miner's incentive %v is not above the zero miner's %v", e, incB, incC)
		}
		e++
	}

	// The API shows it: epochs, the metagraph and the records.
	cl := apiClient(t, rn.nodes[c])
	sn := strconv.FormatUint(rn.subnet, 10)
	var eps []Epoch
	if code, body := cl.do("GET", "/v1/subnets/"+sn+"/epochs", "", nil); code != http.StatusOK || json.Unmarshal(body, &eps) != nil || len(eps) < 6 || eps[0].Epoch != e-1 || eps[0].Anchor != anchorLanded {
		t.Fatalf("epochs: %d %s", code, body)
	}
	var mg Metagraph
	if code, body := cl.do("GET", "/v1/subnets/"+sn+"/metagraph", "", nil); code != http.StatusOK || json.Unmarshal(body, &mg) != nil || len(mg.Neurons) != 4 || mg.Record != eps[0].Record {
		t.Fatalf("metagraph: %d %s", code, body)
	}
	for _, nr := range mg.Neurons {
		if nr.Peer == rn.nodes[b].PeerID().String() && nr.Incentive <= 0 {
			t.Errorf("metagraph: the perfect miner has incentive %v", nr.Incentive)
		}
	}
	var rv RecordView
	if code, body := cl.do("GET", "/v1/records/"+eps[0].Record, "", nil); code != http.StatusOK || json.Unmarshal(body, &rv) != nil || rv.Epoch != e-1 || len(rv.Evals) != 10 || len(rv.Weights) != 2 {
		t.Fatalf("record: %d %s", code, body)
	}
	if code, _ := cl.do("GET", "/v1/records/not-a-cid", "", nil); code != http.StatusBadRequest {
		t.Errorf("record of a bad CID: %d", code)
	}
	if code, _ := cl.do("GET", "/v1/subnets/99/metagraph", "", nil); code != http.StatusNotFound {
		t.Errorf("metagraph of a subnet not followed: %d", code)
	}
}

// record reads the record of ep from node 0's store.
func (rn *roundNet) record(ep Epoch) *tasks.Record {
	rn.t.Helper()
	l, err := tasks.ParseLink(ep.Record)
	if err != nil {
		rn.t.Fatal(err)
	}
	rec, err := tasks.ReadRecord(context.Background(), l, fetchBlocks{rn.nodes[0]})
	if err != nil {
		rn.t.Fatal(err)
	}
	return rec
}

// TestValidatorRestartsBetweenCommitAndReveal: a validator is stopped
// after its weight commit went out and restarted from its data dir in the
// reveal window; it reveals exactly what it committed (every node's Book
// accepts the reveal, which it would refuse otherwise), and the epoch's
// record, built by all, holds it.
func TestValidatorRestartsBetweenCommitAndReveal(t *testing.T) {
	validator := testConfig()
	validator.Validator.Enabled = true
	validator.Chain.PollMS = 20
	miner := testConfig()
	miner.Chain.PollMS = 20
	rn := newRoundNet(t, []Config{validator, miner, miner})
	for i := range rn.nodes {
		rn.register(i, 1e12)
	}
	rn.answerTasks(1, true)
	rn.answerTasks(2, false)
	e := rn.startEpoch()
	f := rn.f(0)
	sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(e))
	if err != nil {
		t.Fatal(err)
	}
	rn.mineTo(sched.WeightCommit.Close-1, map[uint64]func() (bool, string){
		sched.SubmissionCommit.Close: rn.everyBook(e, "4 submission commits", func(b *tasks.Book, _ *follower) bool { return len(b.SubmissionCommits()) == 4 }),
		sched.SubmissionReveal.Close: rn.everyBook(e, "4 reveals and evaluations", func(b *tasks.Book, f *follower) bool {
			return len(b.SubmissionReveals()) == 4 && len(f.evals[e]) == 4
		}),
	})
	eventually(t, "every node holds the weight commit", func() bool {
		ok, _ := rn.everyBook(e, "", func(b *tasks.Book, _ *follower) bool { return len(b.WeightCommits()) == 1 })()
		return ok
	})
	var before weightsDoc
	eventually(t, "the validator's state says it committed", func() bool {
		ok, err := rn.nodes[0].state.Get(weightsKey(rn.subnet, e), &before)
		return err == nil && ok && before.Committed
	})

	// Stopped between commit and reveal; the chain moves on meanwhile.
	dir := rn.dirs[0]
	if err := rn.nodes[0].Close(); err != nil {
		t.Fatal(err)
	}
	rn.nodes = rn.nodes[1:]
	rn.mineTo(sched.WeightCommit.Close, nil)
	a := newTestNodeWith(t, dir, rn.ch, rn.keys[0], validator)
	ctx := context.Background()
	for _, n := range rn.nodes {
		if err := a.net.ConnectPeer(ctx, n.net.AddrInfo()); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Follow(ctx, rn.subnet); err != nil {
		t.Fatal(err)
	}
	rn.nodes = append([]*Node{a}, rn.nodes...)
	rn.mineTo(sched.WeightReveal.Close, map[uint64]func() (bool, string){
		sched.WeightReveal.Close: rn.everyBook(e, "the weight reveal", func(b *tasks.Book, _ *follower) bool { return len(b.WeightReveals()) == 1 }),
	})
	var after weightsDoc
	if ok, err := a.state.Get(weightsKey(rn.subnet, e), &after); err != nil || !ok || !after.Revealed || !bytes.Equal(after.Reveal, before.Reveal) {
		t.Fatalf("after the restart the state is %+v (%v, %v); want the same reveal, revealed", after, ok, err)
	}
	eventually(t, "every node built the record", func() bool {
		for _, n := range rn.nodes {
			if _, ok, err := n.epoch(rn.subnet, e); err != nil || !ok {
				return false
			}
		}
		return true
	})
	rec := rn.record(rn.checkEpoch(e))
	want, err := tasks.Decode[tasks.WeightReveal](before.Reveal)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Contents.WeightReveals) != 1 || rec.Contents.WeightReveals[0].Salt != want.Salt {
		t.Fatalf("the record holds reveals %+v, want the validator's committed one", rec.Contents.WeightReveals)
	}
}
