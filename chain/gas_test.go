package chain

import (
	"fmt"
	"strings"
	"testing"
)

// TestGas measures the gas of every state-changing function on the
// simulated chain (mainnet rules) and prints the table that
// docs/BENCHMARKS.md shows:
//
//	go test ./chain -run TestGas -v
//
// Gas is deterministic, so the goal for anchor is checked, not just shown.
func TestGas(t *testing.T) {
	st := newSimTest(t, 3)
	ctx := t.Context()
	var rows []string
	row := func(name string, gas uint64, note string) {
		rows = append(rows, fmt.Sprintf("| %s | %d | %s |", name, gas, note))
	}
	sim := st.sim
	_, deploy, err := deployForGas(t, sim)
	if err != nil {
		t.Fatal(err)
	}
	row("deploy", deploy.GasUsed, "once per network")
	id, r, err := st.owner.CreateSubnet(ctx, testManifest, 4, SubnetParams{MinStake: ether(1), UnstakeDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	row("createSubnet", r.GasUsed, "59-character manifest CID")
	r, err = st.owner.SetManifest(ctx, id, testManifest)
	if err != nil {
		t.Fatal(err)
	}
	row("setManifest", r.GasUsed, "same length")
	a, b := st.client(t, 1), st.client(t, 2)
	peerID := make([]byte, 38) // an Ed25519 libp2p peer ID
	for i := range peerID {
		peerID[i] = byte(i + 1)
	}
	_, r, err = a.Register(ctx, id, peerID, ether(1))
	if err != nil {
		t.Fatal(err)
	}
	row("register (new uid)", r.GasUsed, "38-byte peer ID")
	if _, _, err := b.Register(ctx, id, peerID, ether(1)); err != nil {
		t.Fatal(err)
	}
	r, err = a.AddStake(ctx, id, ether(1))
	if err != nil {
		t.Fatal(err)
	}
	row("addStake", r.GasUsed, "")
	r, err = a.Unstake(ctx, id, ether(1))
	if err != nil {
		t.Fatal(err)
	}
	row("unstake", r.GasUsed, "part of the stake")
	st.sim.Mine(1)
	r, err = a.Withdraw(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	row("withdraw", r.GasUsed, "")
	st.sim.Mine(4)
	res, err := a.Anchor(ctx, id, 0, Hash{1}, Hash{2})
	if err != nil {
		t.Fatal(err)
	}
	first := res.Tx.GasUsed
	row("**anchor (first root)**", first, "one per subnet per epoch")
	res, err = b.Anchor(ctx, id, 0, Hash{3}, Hash{4})
	if err != nil {
		t.Fatal(err)
	}
	row("anchor (conflicting root)", res.Tx.GasUsed, "recorded as an event, not stored")
	row("anchor (same root again)", 0, "nothing sent: the client reads the anchor first")
	t.Logf("\n| function | gas | note |\n|---|---|---|\n%s", strings.Join(rows, "\n"))
	if first > 50_000 {
		t.Errorf("the first anchor costs %d gas; the goal is at most 50,000", first)
	}
}

func deployForGas(t *testing.T, sim *Simulated) (*Client, TxReceipt, error) {
	t.Helper()
	return deploy(t.Context(), sim.b.Client(), sim.keys[0], Options{}, sim.afterSend)
}
