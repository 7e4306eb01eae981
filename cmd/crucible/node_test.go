package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/node"
)

// TestNodeCommands runs a node in process and drives it with the CLI, as a
// node runner would from another terminal.
func TestNodeCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "--data-dir", dir, "init", "--testnet")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	peerID := strings.Fields(strings.Split(out, "\n")[1])[2]
	if code, _, _ := run(t, "--data-dir", dir, "status"); code != exitError {
		t.Errorf("status without a running node: exit %d, want %d", code, exitError)
	}
	// init again keeps the key and the config.
	if _, out2, _ := run(t, "--data-dir", dir, "init"); !strings.Contains(out2, peerID) || !strings.Contains(out2, "(kept)") {
		t.Errorf("second init changed the identity or config:\n%s", out2)
	}
	code, shown, _ := run(t, "--data-dir", dir, "config", "show", "--p2p.mdns=false", "--log.level", "warn")
	if code != 0 || !strings.Contains(shown, "mdns = false") || !strings.Contains(shown, `level = "warn"`) {
		t.Fatalf("config show: %d\n%s", code, shown)
	}
	os.WriteFile(filepath.Join(dir, node.ConfigFile), []byte(shown), 0o600)

	sim, err := chain.NewSimulated(2)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	cl, err := sim.Deploy(context.Background(), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := node.LoadConfig(dir, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.P2P.DHT = "off"
	n, err := node.New(context.Background(), dir, cfg, node.Parts{Chain: cl, Logs: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	defer func() { cancel(); <-done }()

	code, out, errOut = run(t, "--data-dir", dir, "status")
	if code != 0 || !strings.Contains(out, peerID) || !strings.Contains(out, cl.Contract().String()) {
		t.Fatalf("status: %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := run(t, "--data-dir", dir, "peers"); code != 0 || !strings.Contains(out, "(no peers)") {
		t.Errorf("peers: %d\n%s", code, out)
	}
	if code, out, _ := run(t, "--data-dir", dir, "topics", "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("topics --json: %d\n%s", code, out)
	}
	if code, _, _ := run(t, "--data-dir", dir, "metagraph"); code != exitUsage {
		t.Errorf("metagraph without a subnet: exit %d, want %d", code, exitUsage)
	}
	if code, _, errOut := run(t, "--data-dir", dir, "epochs", "7"); code != exitError || !strings.Contains(errOut, "does not follow subnet 7") {
		t.Errorf("epochs of a subnet the node does not follow: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, "--data-dir", dir, "run"); code != exitError || !strings.Contains(errOut, "in use") {
		t.Errorf("a second run on the same data dir: exit %d, %s", code, errOut)
	}
}
