package chain

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDevChainSurvivesRestart starts the embedded dev chain, deploys,
// creates a subnet and anchors, stops it, starts it again from the same
// directory, and finds the same height, contract and anchors.
func TestDevChainSurvivesRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a geth node twice")
	}
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "chain")
	d, err := StartDevChain(ctx, dir, DevConfig{Accounts: 2})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := d.EnsureContract(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := owner.CreateSubnet(ctx, testManifest, 2, SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Client(ctx, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.Register(ctx, id, []byte("peer"), nil); err != nil {
		t.Fatal(err)
	}
	d.Mine(2)
	root := Hash{0xaa}
	if _, err := v.Anchor(ctx, id, 0, root, Hash{0xbb}); err != nil {
		t.Fatal(err)
	}
	height, err := v.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	contract := owner.Contract()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for i := range 2 {
		fi, err := os.Stat(DevKeyPath(dir, i))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("dev key %d: %v, mode %v; want 0600", i, err, fi.Mode().Perm())
		}
	}

	d, err = StartDevChain(ctx, dir, DevConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if got, ok := d.Contract(); !ok || got != contract {
		t.Fatalf("contract after restart = %v, %v; want %v", got, ok, contract)
	}
	ro, err := d.Client(ctx, -1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h, err := ro.Head(ctx); err != nil || h != height {
		t.Errorf("height after restart = %d, %v; want %d", h, err, height)
	}
	if got, err := ro.AnchorOf(ctx, id, 0); err != nil || got != root {
		t.Errorf("anchor after restart = %v, %v; want %v", got, err, root)
	}
	evs, err := ro.Anchors(ctx, id)
	if err != nil || len(evs) != 1 || evs[0].Root != root {
		t.Errorf("anchors after restart = %+v, %v", evs, err)
	}
	// The same keys, still funded; the chain goes on.
	v, err = d.Client(ctx, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.AddStake(ctx, id, ether(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := StartDevChain(ctx, dir, DevConfig{}); err == nil {
		t.Error("a second dev chain started on a directory in use")
	}
	other, err := StartDevChain(ctx, filepath.Join(t.TempDir(), "other"), DevConfig{ChainID: 7})
	if err != nil {
		t.Fatalf("a second chain in another directory: %v", err)
	}
	if err := other.Close(); err != nil {
		t.Error(err)
	}
	if _, err := StartDevChain(ctx, other.Dir(), DevConfig{ChainID: 8}); err == nil {
		t.Error("a chain started with another chain id than it was created with")
	}
}
