package chain

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/crucible-net/crucible/tasks/merkle"
)

// simTest is a simulated chain with the contract deployed by account 0.
type simTest struct {
	sim   *Simulated
	owner *Client
}

func newSimTest(t testing.TB, accounts int) *simTest {
	t.Helper()
	sim, err := NewSimulated(accounts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	owner, err := sim.Deploy(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &simTest{sim: sim, owner: owner}
}

// client acts as account i on the deployed contract.
func (st *simTest) client(t testing.TB, i int) *Client {
	t.Helper()
	cl, err := st.sim.Client(t.Context(), st.owner.Contract(), i, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func ether(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// revertName returns the custom error a call reverted with, or "".
func revertName(err error) string {
	var re *RevertError
	if errors.As(err, &re) {
		return re.Name()
	}
	return ""
}

const testManifest = "bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmcqqf6nqe"

func TestSubnetLifecycle(t *testing.T) {
	st := newSimTest(t, 3)
	ctx := t.Context()
	id, r, err := st.owner.CreateSubnet(ctx, testManifest, 10, SubnetParams{MinStake: ether(1), UnstakeDelay: 5, MaxNeurons: 2})
	if err != nil {
		t.Fatal(err)
	}
	if id != 0 || r.Block == 0 || r.GasUsed == 0 {
		t.Fatalf("CreateSubnet = %d, %+v", id, r)
	}
	s, err := st.owner.Subnet(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if s.Owner != st.owner.Account() || s.ManifestCID != testManifest || s.Tempo != 10 || s.Start != r.Block ||
		s.Params.MinStake.Cmp(ether(1)) != 0 || s.Params.UnstakeDelay != 5 || s.Params.MaxNeurons != 2 || s.NeuronCount != 0 {
		t.Errorf("Subnet = %+v", s)
	}
	if n, err := st.owner.SubnetCount(ctx); err != nil || n != 1 {
		t.Errorf("SubnetCount = %d, %v", n, err)
	}

	// Only the owner updates the manifest.
	alice, bob := st.client(t, 1), st.client(t, 2)
	if _, err := alice.SetManifest(ctx, id, "bafyother"); revertName(err) != "NotOwner" {
		t.Errorf("SetManifest by a stranger: %v, want NotOwner", err)
	}
	if _, err := st.owner.SetManifest(ctx, id, "bafynew"); err != nil {
		t.Fatal(err)
	}
	if s, _ := st.owner.Subnet(ctx, id); s.ManifestCID != "bafynew" {
		t.Errorf("manifest after SetManifest = %q", s.ManifestCID)
	}

	// Registration with stake.
	if _, _, err := alice.Register(ctx, id, []byte("peer-a"), big.NewInt(5e17)); revertName(err) != "StakeTooLow" {
		t.Errorf("Register below the minimum: %v, want StakeTooLow", err)
	}
	uid, _, err := alice.Register(ctx, id, []byte("peer-a"), ether(2))
	if err != nil || uid != 0 {
		t.Fatalf("Register = %d, %v", uid, err)
	}
	if _, _, err := alice.Register(ctx, id, []byte("peer-a"), ether(2)); revertName(err) != "AlreadyRegistered" {
		t.Errorf("second Register: %v, want AlreadyRegistered", err)
	}
	if uid, _, err := bob.Register(ctx, id, []byte("peer-b"), ether(1)); err != nil || uid != 1 {
		t.Fatalf("Register bob = %d, %v", uid, err)
	}
	if _, _, err := st.owner.Register(ctx, id, []byte("peer-o"), ether(1)); revertName(err) != "SubnetFull" {
		t.Errorf("Register into a full subnet: %v, want SubnetFull", err)
	}
	if _, _, err := alice.Register(ctx, 7, []byte("x"), ether(1)); revertName(err) != "UnknownSubnet" {
		t.Errorf("Register in a subnet that does not exist: %v, want UnknownSubnet", err)
	}

	// Stake moves.
	snapshot, err := st.owner.Confirmed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.AddStake(ctx, id, ether(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Unstake(ctx, id, ether(5)); revertName(err) != "InsufficientStake" {
		t.Errorf("Unstake of more than the stake: %v, want InsufficientStake", err)
	}
	if _, err := bob.Unstake(ctx, id, ether(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Withdraw(ctx, id); revertName(err) != "StillLocked" {
		t.Errorf("Withdraw before the delay: %v, want StillLocked", err)
	}
	ns, err := st.owner.Neurons(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 || ns[0].Account != alice.Account() || string(ns[0].PeerID) != "peer-a" || ns[0].Stake.Cmp(ether(5)) != 0 || !ns[0].Active ||
		ns[1].Stake.Sign() != 0 || ns[1].Active {
		t.Errorf("Neurons = %+v", ns)
	}
	// The snapshot before the moves still reads as it was.
	if old, err := st.owner.NeuronsAt(ctx, id, snapshot); err != nil || len(old) != 2 || old[0].Stake.Cmp(ether(2)) != 0 || old[1].Stake.Cmp(ether(1)) != 0 || !old[1].Active {
		t.Errorf("NeuronsAt(%d) = %+v, %v; want the stakes before the moves", snapshot, old, err)
	}
	if _, registered, err := bob.UID(ctx, id, bob.Account()); err != nil || registered {
		t.Errorf("bob registered after unstaking everything: %v, %v", registered, err)
	}
	st.sim.Mine(5)
	before, _ := bob.Balance(ctx, bob.Account())
	if _, err := bob.Withdraw(ctx, id); err != nil {
		t.Fatal(err)
	}
	after, _ := bob.Balance(ctx, bob.Account())
	if gain := new(big.Int).Sub(after, before); gain.Cmp(big.NewInt(5e17)) < 0 {
		t.Errorf("Withdraw paid %s wei, want about 1 ether", gain)
	}
	if _, err := bob.Withdraw(ctx, id); revertName(err) != "NothingToWithdraw" {
		t.Errorf("second Withdraw: %v, want NothingToWithdraw", err)
	}
	// The full subnet's free uid goes to the next account that registers.
	if uid, _, err := st.owner.Register(ctx, id, []byte("peer-o"), ether(1)); err != nil || uid != 1 {
		t.Errorf("Register into the uid bob left = %d, %v; want uid 1", uid, err)
	}
	if _, _, err := bob.Register(ctx, id, []byte("peer-b2"), ether(1)); revertName(err) != "SubnetFull" {
		t.Errorf("bob registering again into the full subnet: %v, want SubnetFull", err)
	}
	if ns, _ := st.owner.Neurons(ctx, id); len(ns) != 2 || ns[1].Account != st.owner.Account() || !ns[1].Active {
		t.Errorf("neurons after the uid was reused = %+v", ns)
	}
}

func TestRegistrationLimits(t *testing.T) {
	st := newSimTest(t, 2)
	ctx := t.Context()
	if _, _, err := st.owner.CreateSubnet(ctx, testManifest, 1, SubnetParams{UnstakeDelay: 1 << 40}); revertName(err) != "InvalidUnstakeDelay" {
		t.Errorf("an unstake delay that could lock stake forever: %v, want InvalidUnstakeDelay", err)
	}
	id, _, err := st.owner.CreateSubnet(ctx, testManifest, 1, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	a := st.client(t, 1)
	if _, _, err := a.Register(ctx, id, make([]byte, 65), nil); revertName(err) != "InvalidPeerID" {
		t.Errorf("a 65-byte peer ID: %v, want InvalidPeerID", err)
	}
	if _, _, err := a.Register(ctx, id, nil, nil); revertName(err) != "InvalidPeerID" {
		t.Errorf("no peer ID: %v, want InvalidPeerID", err)
	}
	// With no minimum stake, an account registered with nothing can
	// still leave (unstake 0), and its uid is freed.
	if _, _, err := a.Register(ctx, id, []byte("a"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Unstake(ctx, id, nil); err != nil {
		t.Fatalf("unstake 0 of a zero stake: %v", err)
	}
	if _, registered, _ := a.UID(ctx, id, a.Account()); registered {
		t.Error("still registered after leaving")
	}
	if _, err := a.Unstake(ctx, id, nil); revertName(err) != "NotRegistered" {
		t.Errorf("unstake after leaving: %v, want NotRegistered", err)
	}
}

// TestLostSendResponse: the node accepts a transaction but the answer is
// lost; the client's retry must find the transaction, not sign a second.
func TestLostSendResponse(t *testing.T) {
	st := newSimTest(t, 2)
	ctx := t.Context()
	id, _, err := st.owner.CreateSubnet(ctx, testManifest, 4, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.client(t, 1).Register(ctx, id, []byte("p"), ether(1)); err != nil {
		t.Fatal(err)
	}
	lossy := &lostFirstAnswer{rpcBackend: st.sim.b.Client(), sim: st.sim}
	cl, err := connect(ctx, lossy, nil, st.owner.Contract(), st.sim.keys[1], Options{})
	if err != nil {
		t.Fatal(err)
	}
	cl.afterSend = st.sim.afterSend
	if _, err := cl.AddStake(ctx, id, ether(1)); err != nil {
		t.Fatal(err)
	}
	if !lossy.fired.Load() {
		t.Fatal("the answer was never lost")
	}
	ns, err := cl.Neurons(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ns[0].Stake.Cmp(ether(2)) != 0 {
		t.Errorf("one AddStake of 1 eth left a stake of %s wei, want 2 eth: the transaction was sent twice", ns[0].Stake)
	}
}

// lostFirstAnswer passes the first SendTransaction on, mines it, and then
// reports a broken connection, as a proxy that lost the answer would.
type lostFirstAnswer struct {
	rpcBackend
	sim   *Simulated
	fired atomic.Bool
}

func (l *lostFirstAnswer) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	err := l.rpcBackend.SendTransaction(ctx, tx)
	if err == nil && !l.fired.Swap(true) {
		l.sim.Commit()
		return io.EOF
	}
	return err
}

func TestAnchoringRules(t *testing.T) {
	st := newSimTest(t, 3)
	ctx := t.Context()
	id, _, err := st.owner.CreateSubnet(ctx, testManifest, 4, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	a, b, stranger := st.client(t, 1), st.client(t, 2), st.owner
	for _, c := range []*Client{a, b} {
		if _, _, err := c.Register(ctx, id, []byte(c.Account().String()), nil); err != nil {
			t.Fatal(err)
		}
	}
	root1, root2, digest := Hash{1}, Hash{2}, Hash{0xd}

	if _, err := a.Anchor(ctx, id, 0, root1, digest); revertName(err) != "EpochNotOver" {
		t.Fatalf("anchor of the current epoch: %v, want EpochNotOver", err)
	}
	st.sim.Mine(4)
	if _, err := stranger.Anchor(ctx, id, 0, root1, digest); revertName(err) != "NotRegistered" {
		t.Errorf("anchor by an unregistered account: %v, want NotRegistered", err)
	}
	if _, err := a.AnchorOf(ctx, id, 0); !errors.Is(err, ErrNotAnchored) {
		t.Errorf("AnchorOf before: %v, want ErrNotAnchored", err)
	}

	// First root: stored.
	res, err := a.Anchor(ctx, id, 0, root1, digest)
	if err != nil || !res.Sent || res.Conflict || res.Anchored != root1 || res.Tx.GasUsed == 0 {
		t.Fatalf("first anchor = %+v, %v", res, err)
	}
	// Same root again, by anyone: nothing sent.
	head, _ := a.Head(ctx)
	res, err = b.Anchor(ctx, id, 0, root1, digest)
	if err != nil || res.Sent || res.Anchored != root1 {
		t.Fatalf("same root again = %+v, %v", res, err)
	}
	if now, _ := a.Head(ctx); now != head {
		t.Errorf("the duplicate anchor mined a block")
	}
	// A different root: a conflict, recorded, not stored.
	res, err = b.Anchor(ctx, id, 0, root2, Hash{0xe})
	if err != nil || !res.Sent || !res.Conflict || res.Anchored != root1 {
		t.Fatalf("conflicting anchor = %+v, %v", res, err)
	}
	if got, err := a.AnchorOf(ctx, id, 0); err != nil || got != root1 {
		t.Errorf("AnchorOf after the conflict = %v, %v; want the first root", got, err)
	}
	evs, err := a.Anchors(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Conflict || evs[0].Root != root1 || evs[0].Anchorer != a.Account() || evs[0].RecordDigest != digest ||
		!evs[1].Conflict || evs[1].Root != root2 || evs[1].First != root1 || evs[1].Anchorer != b.Account() {
		t.Errorf("Anchors = %+v", evs)
	}
	if _, err := a.Anchor(ctx, id, 1, Hash{}, digest); err == nil {
		t.Error("anchor of a zero root accepted")
	}
}

// TestAnchorMinStake: only accounts with the subnet's anchoring stake may
// anchor, as their stake rises and falls.
func TestAnchorMinStake(t *testing.T) {
	st := newSimTest(t, 2)
	ctx := t.Context()
	id, _, err := st.owner.CreateSubnet(ctx, testManifest, 1, SubnetParams{AnchorMinStake: ether(2)})
	if err != nil {
		t.Fatal(err)
	}
	a := st.client(t, 1)
	if _, _, err := a.Register(ctx, id, []byte("a"), ether(1)); err != nil {
		t.Fatal(err)
	}
	st.sim.Mine(2)
	if _, err := a.Anchor(ctx, id, 0, Hash{1}, Hash{2}); revertName(err) != "AnchorStakeTooLow" {
		t.Fatalf("anchor with 1 eth of 2: %v, want AnchorStakeTooLow", err)
	}
	if _, err := a.AddStake(ctx, id, ether(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Anchor(ctx, id, 0, Hash{1}, Hash{2}); err != nil {
		t.Fatalf("anchor with 2 eth: %v", err)
	}
	if _, err := a.Unstake(ctx, id, ether(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Anchor(ctx, id, 1, Hash{1}, Hash{2}); revertName(err) != "AnchorStakeTooLow" {
		t.Errorf("anchor after unstaking below the minimum: %v, want AnchorStakeTooLow", err)
	}
	if s, _ := a.Subnet(ctx, id); s.Params.AnchorMinStake.Cmp(ether(2)) != 0 {
		t.Errorf("AnchorMinStake = %v", s.Params.AnchorMinStake)
	}
}

// TestAnchorAlreadyThereWaitsForConfirmations: a root someone else
// anchored counts only once it is confirmed; if a reorganisation removes
// it meanwhile, Anchor sends it itself.
func TestAnchorAlreadyThereWaitsForConfirmations(t *testing.T) {
	st := newSimTest(t, 3)
	ctx := t.Context()
	id, _, err := st.owner.CreateSubnet(ctx, testManifest, 2, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := st.client(t, 1), st.client(t, 2)
	for _, c := range []*Client{a, b} {
		if _, _, err := c.Register(ctx, id, []byte(c.Account().String()[:10]), nil); err != nil {
			t.Fatal(err)
		}
	}
	st.sim.Mine(2)
	before, _ := a.Head(ctx)
	if _, err := a.Anchor(ctx, id, 0, Hash{7}, Hash{8}); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{}, 1)
	var logs strings.Builder
	v, err := st.sim.Client(ctx, st.owner.Contract(), 2, Options{
		Confirmations: 3, PollInterval: time.Millisecond,
		Logger: slog.New(&signalHandler{
			Handler: slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}),
			msg:     "anchor on chain, waiting for confirmations", c: waiting,
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		res AnchorResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := v.Anchor(ctx, id, 0, Hash{7}, Hash{8})
		done <- result{res, err}
	}()
	select {
	case <-waiting:
	case r := <-done:
		t.Fatalf("Anchor returned %+v, %v while a's anchor had no confirmations", r.res, r.err)
	case <-time.After(time.Minute):
		t.Fatal("Anchor never saw the anchor on chain")
	}
	// Now a reorganisation takes a's anchor away.
	if err := st.sim.Fork(ctx, before); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(time.Minute)
	for {
		select {
		case r := <-done:
			if r.err != nil {
				t.Fatal(r.err)
			}
			if !r.res.Sent {
				t.Errorf("Anchor = %+v: the anchor was gone, so it should have sent it", r.res)
			}
			if got, err := v.AnchorOf(ctx, id, 0); err != nil || got != (Hash{7}) {
				t.Fatalf("after Anchor returned, the confirmed anchor is %v, %v", got, err)
			}
			return
		case <-timeout:
			t.Fatalf("Anchor did not return; log:\n%s", logs.String())
		default:
			st.sim.Commit()
		}
	}
}

func TestEpochClockAndSeed(t *testing.T) {
	st := newSimTest(t, 1)
	ctx := t.Context()
	id, r, err := st.owner.CreateSubnet(ctx, testManifest, 5, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.owner.Clock(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Start != r.Block || c.Tempo != 5 {
		t.Fatalf("Clock = %+v, created in block %d", c, r.Block)
	}
	for _, tc := range []struct{ block, epoch uint64 }{{c.Start, 0}, {c.Start + 4, 0}, {c.Start + 5, 1}, {c.Start + 12, 2}, {0, 0}} {
		if got := c.EpochAt(tc.block); got != tc.epoch {
			t.Errorf("EpochAt(%d) = %d, want %d", tc.block, got, tc.epoch)
		}
	}
	if _, err := st.owner.Seed(ctx, c, 1); err == nil {
		t.Error("seed of an epoch that has not started")
	}
	st.sim.Mine(5)
	e, _, err := st.owner.Now(ctx, c)
	if err != nil || e != 1 {
		t.Fatalf("Now = %d, %v", e, err)
	}
	s1, err := st.owner.Seed(ctx, c, 1)
	if err != nil {
		t.Fatal(err)
	}
	s0, _ := st.owner.Seed(ctx, c, 0)
	if s0 == s1 {
		t.Error("epochs 0 and 1 have the same seed")
	}
	// The same seed from the same chain, every time.
	if again, _ := st.owner.Seed(ctx, c, 1); again != s1 {
		t.Error("seed changed")
	}
	// Deeper confirmations hide the newest blocks.
	deep, err := st.sim.Client(ctx, st.owner.Contract(), -1, Options{Confirmations: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := deep.Seed(ctx, c, 1); err == nil || !strings.Contains(err.Error(), "not confirmed") {
		t.Errorf("seed of an unconfirmed epoch start: %v", err)
	}
}

func TestConcurrentSendsGetConsecutiveNonces(t *testing.T) {
	st := newSimTest(t, 1)
	ctx := t.Context()
	st.sim.SetAutoMine(false)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	ids := make(chan uint64, n)
	for range n {
		wg.Go(func() {
			id, _, err := st.owner.CreateSubnet(ctx, testManifest, 3, SubnetParams{})
			errs <- err
			ids <- id
		})
	}
	// Mine until every sender has its receipt.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for mined := false; !mined; {
		select {
		case <-done:
			mined = true
		default:
			st.sim.Commit()
		}
	}
	close(errs)
	close(ids)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[uint64]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct subnet ids from %d concurrent creates", len(seen), n)
	}
}

func TestConnectChecks(t *testing.T) {
	st := newSimTest(t, 2)
	ctx := t.Context()
	// No contract at the address.
	if _, err := st.sim.Client(ctx, Address{0x42}, 0, Options{}); !errors.Is(err, ErrNoContract) {
		t.Errorf("client for an empty address: %v, want ErrNoContract", err)
	}
	// Wrong chain id.
	if _, err := connect(ctx, st.sim.b.Client(), big.NewInt(1), st.owner.Contract(), nil, Options{}); !errors.Is(err, ErrWrongChain) {
		t.Errorf("client expecting chain 1: %v, want ErrWrongChain", err)
	}
	// A read-only client cannot send.
	ro, err := st.sim.Client(ctx, st.owner.Contract(), -1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ro.CreateSubnet(ctx, testManifest, 1, SubnetParams{}); err == nil {
		t.Error("read-only client sent a transaction")
	}
	// Bad arguments are refused before anything is mined.
	if _, _, err := st.owner.CreateSubnet(ctx, testManifest, 0, SubnetParams{}); revertName(err) != "InvalidTempo" {
		t.Errorf("tempo 0: %v, want InvalidTempo", err)
	}
	if _, _, err := st.owner.CreateSubnet(ctx, "", 1, SubnetParams{}); revertName(err) != "EmptyManifest" {
		t.Errorf("empty manifest: %v, want EmptyManifest", err)
	}
	// A stake the account cannot pay.
	poor, err := st.sim.Client(ctx, st.owner.Contract(), 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, _, _ := st.owner.CreateSubnet(ctx, testManifest, 1, SubnetParams{})
	if _, _, err := poor.Register(ctx, id, []byte("p"), ether(2_000_000)); !errors.Is(err, ErrInsufficientFunds) {
		t.Errorf("register with more than the balance: %v, want ErrInsufficientFunds", err)
	}
	// A gas cap below what deploying needs.
	capped, err := st.sim.Client(ctx, st.owner.Contract(), 0, Options{GasCap: 30_000})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := capped.CreateSubnet(ctx, testManifest, 1, SubnetParams{}); !errors.Is(err, ErrGasCap) {
		t.Errorf("create under a 30k gas cap: %v, want ErrGasCap", err)
	}
	_ = context.Background
}

func TestReceipts(t *testing.T) {
	st := newSimTest(t, 2)
	ctx := t.Context()
	id, _, err := st.owner.CreateSubnet(ctx, testManifest, 2, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	v := st.client(t, 1)
	if _, _, err := v.Register(ctx, id, []byte("peer"), nil); err != nil {
		t.Fatal(err)
	}
	leaves := [][]byte{[]byte("manifest"), []byte("stakes"), []byte("commit 1"), []byte("reveal 1"), []byte("result")}
	tree := merkle.New(leaves)
	root, size := Hash(tree.Root()), uint64(len(leaves))
	proof := func(i uint64) []Hash {
		p, err := tree.Proof(i)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]Hash, len(p))
		for j := range p {
			out[j] = p[j]
		}
		return out
	}
	if _, err := v.MakeReceipt(ctx, id, 0, root, size, leaves[3], 3, proof(3)); !errors.Is(err, ErrNotAnchored) {
		t.Fatalf("receipt before the anchor: %v, want ErrNotAnchored", err)
	}
	st.sim.Mine(2)
	if _, err := v.Anchor(ctx, id, 0, RecordCommitment(root, size), Hash{0xd1}); err != nil {
		t.Fatal(err)
	}
	r, err := v.MakeReceipt(ctx, id, 0, root, size, leaves[3], 3, proof(3))
	if err != nil {
		t.Fatal(err)
	}
	if r.RecordDigest != (Hash{0xd1}) || r.TxHash.IsZero() || r.Block == 0 || r.Contract != v.Contract() {
		t.Errorf("receipt = %+v", r)
	}
	// Anyone, from the receipt alone, through another client.
	ro, err := st.sim.Client(ctx, v.Contract(), -1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.VerifyReceipt(ctx, r); err != nil {
		t.Fatalf("VerifyReceipt: %v", err)
	}
	// It survives JSON.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Receipt
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := ro.VerifyReceipt(ctx, back); err != nil {
		t.Fatalf("VerifyReceipt after JSON: %v\n%s", err, b)
	}

	for _, tc := range []struct {
		name   string
		change func(*Receipt)
		want   error
	}{
		{"other leaf", func(r *Receipt) { r.Leaf = Bytes("reveal 2") }, ErrBadReceipt},
		{"other index", func(r *Receipt) { r.Index = 2 }, ErrBadReceipt},
		// The last leaf's path also proves a leaf of a smaller tree with
		// the same root; the anchored commitment binds the size.
		{"other size", func(r *Receipt) { r.Size = 4 }, ErrBadReceipt},
		{"other root", func(r *Receipt) { r.MerkleRoot = Hash{9} }, ErrBadReceipt},
		{"other epoch", func(r *Receipt) { r.Epoch = 1 }, ErrBadReceipt},
		{"other transaction", func(r *Receipt) { r.TxHash = Hash{7} }, ErrBadReceipt},
		{"other block", func(r *Receipt) { r.Block++ }, ErrBadReceipt},
		{"other record", func(r *Receipt) { r.RecordDigest = Hash{8} }, ErrBadReceipt},
		{"other chain", func(r *Receipt) { r.ChainID = 1 }, ErrWrongChain},
		{"other contract", func(r *Receipt) { r.Contract = Address{1} }, ErrWrongChain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := r
			bad.Path = append([]Hash(nil), r.Path...)
			tc.change(&bad)
			if err := ro.VerifyReceipt(ctx, bad); !errors.Is(err, tc.want) {
				t.Errorf("VerifyReceipt = %v, want %v", err, tc.want)
			}
		})
	}
	// The last leaf's path (leaf 4 of 5) is also a valid path of leaf 1
	// in a 2-leaf tree with the same root; only the anchored commitment,
	// which binds the size, tells them apart.
	last, err := v.MakeReceipt(ctx, id, 0, root, size, leaves[4], 4, proof(4))
	if err != nil {
		t.Fatal(err)
	}
	last.Index, last.Size = 1, 2
	if err := last.checkProof(); err != nil {
		t.Fatalf("the proof of leaf 4 of 5 should also prove leaf 1 of 2: %v", err)
	}
	if err := ro.VerifyReceipt(ctx, last); !errors.Is(err, ErrBadReceipt) {
		t.Errorf("leaf 4 of 5 passed off as leaf 1 of 2: %v, want ErrBadReceipt", err)
	}
	// A record whose commitment is not the anchored one gets no receipt.
	if _, err := v.MakeReceipt(ctx, id, 0, root, size-1, leaves[3], 3, proof(3)); !errors.Is(err, ErrBadReceipt) {
		t.Errorf("receipt for another size: %v, want ErrBadReceipt", err)
	}
}

func TestRecordCID(t *testing.T) {
	d := Hash{1, 2, 3}
	c := RecordCID(d)
	if !strings.HasPrefix(c, "bafyrei") {
		t.Errorf("RecordCID = %s, want a bafyrei… CID", c)
	}
	if got, err := RecordDigest(c); err != nil || got != d {
		t.Errorf("RecordDigest(RecordCID) = %v, %v", got, err)
	}
	// A well-known dag-cbor CID: the empty map.
	if got, err := RecordDigest("bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua"); err != nil || got.String() != "0xc19a797fa1fd590cd2e5b42d1cf5f246e29b91684e2f87404b81dc345c7a56a0" {
		t.Errorf("digest of the empty map's CID = %v, %v", got, err)
	}
	for _, bad := range []string{"", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "Qmfoo", "bafyrei"} {
		if _, err := RecordDigest(bad); err == nil {
			t.Errorf("RecordDigest(%q) accepted", bad)
		}
	}
}

// TestAnchorSurvivesDeepReorg drops the anchor's block in a
// reorganisation deeper than the confirmation depth, with the transaction
// gone from the pool too: Anchor notices before it reports success and
// sends the anchor again.
func TestAnchorSurvivesDeepReorg(t *testing.T) {
	st := newSimTest(t, 2)
	ctx := t.Context()
	id, _, err := st.owner.CreateSubnet(ctx, testManifest, 2, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	reg := st.client(t, 1)
	if _, _, err := reg.Register(ctx, id, []byte("peer"), nil); err != nil {
		t.Fatal(err)
	}
	st.sim.Mine(2)
	var logs strings.Builder
	mined := make(chan struct{}, 1)
	v, err := st.sim.Client(ctx, st.owner.Contract(), 1, Options{
		Confirmations: 2, PollInterval: time.Millisecond,
		Logger: slog.New(&signalHandler{
			Handler: slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}),
			msg:     "anchor mined, waiting for confirmations", c: mined,
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	before, err := v.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		res AnchorResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := v.Anchor(ctx, id, 0, Hash{0x77}, Hash{0x78})
		done <- result{res, err}
	}()
	// Once the client has seen the anchor's receipt, replace its block
	// with a longer chain without the transaction.
	select {
	case <-mined:
	case r := <-done:
		t.Fatalf("Anchor returned before its block was confirmed: %+v, %v", r.res, r.err)
	case <-time.After(time.Minute):
		t.Fatal("the anchor was never mined")
	}
	if err := st.sim.Fork(ctx, before); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(time.Minute)
	for {
		select {
		case r := <-done:
			if r.err != nil {
				t.Fatalf("Anchor after the reorganisation: %v", r.err)
			}
			if !strings.Contains(logs.String(), "reorganisation") {
				t.Errorf("the reorganisation was not noticed; log:\n%s", logs.String())
			}
			if got, err := v.AnchorOf(ctx, id, 0); err != nil || got != (Hash{0x77}) {
				t.Errorf("AnchorOf after the reorganisation = %v, %v", got, err)
			}
			return
		case <-timeout:
			t.Fatalf("Anchor did not return; log:\n%s", logs.String())
		default:
			// Blocks keep coming, as on a live chain.
			st.sim.Commit()
		}
	}
}

// signalHandler passes records on and signals c when one has message msg.
type signalHandler struct {
	slog.Handler
	msg string
	c   chan struct{}
}

func (h *signalHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == h.msg {
		select {
		case h.c <- struct{}{}:
		default:
		}
	}
	return h.Handler.Handle(ctx, r)
}

// syncWriter serialises writes from the client's goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestReceiptDeadline: a transaction that is not mined in time is
// ErrTimeout, naming it; once mined, calling again does not repeat it.
func TestReceiptDeadline(t *testing.T) {
	st := newSimTest(t, 2)
	ctx := t.Context()
	id, _, err := st.owner.CreateSubnet(ctx, testManifest, 1, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.sim.Client(ctx, st.owner.Contract(), 1, Options{ReceiptTimeout: 50 * time.Millisecond, PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.Register(ctx, id, []byte("p"), nil); err != nil {
		t.Fatal(err)
	}
	st.sim.Mine(1)
	st.sim.SetAutoMine(false)
	_, err = v.Anchor(ctx, id, 0, Hash{5}, Hash{6})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "0x") {
		t.Fatalf("anchor nobody mines: %v, want ErrTimeout naming the transaction", err)
	}
	st.sim.SetAutoMine(true)
	st.sim.Commit() // the transaction sent lands after all
	res, err := v.Anchor(ctx, id, 0, Hash{5}, Hash{6})
	if err != nil || res.Sent {
		t.Errorf("anchor again once the first landed = %+v, %v; want nothing sent", res, err)
	}
	if evs, _ := v.Anchors(ctx, id); len(evs) != 1 {
		t.Errorf("%d anchor events, want 1", len(evs))
	}
	// The timed-out attempts waited for one transaction; they did not
	// send more.
	if n, err := st.sim.b.Client().NonceAt(ctx, common.Address(v.Account()), nil); err != nil || n != 2 {
		t.Errorf("account nonce %d, %v; want 2 (register, one anchor)", n, err)
	}
}
