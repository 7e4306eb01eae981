package testnet

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crucible-net/crucible/node"
	"github.com/crucible-net/crucible/tasks"
)

// syncBuffer is the live view, written by Run and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLinregTestnet runs the linreg example subnet on the default testnet
// (an owner-validator, an honest validator, a weight copier, and honest,
// noisy, lazy and plagiarist miners) and checks that incentives do what
// the subnet is for, that every epoch is anchored once, and that an
// observer verifies every epoch and catches a tampered evaluation.
func TestLinregTestnet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 7-node testnet for about a minute")
	}
	// About 35 s on two cores; five minutes under the race detector, where
	// compiling the evaluator alone takes tens of seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	out := &syncBuffer{}
	cfg := DefaultConfig()
	cfg.Subnet = "../examples/linreg"
	cfg.Dir = t.TempDir()
	cfg.BlockTime = 150 * time.Millisecond
	cfg.Out = out
	start := time.Now()
	nw, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := nw.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		if t.Failed() {
			t.Logf("live view:\n%s", out.String())
		}
	})
	t.Logf("started in %v", time.Since(start))
	role := map[string]*Member{}
	for _, m := range nw.Members() {
		role[m.Label] = m
	}
	for _, want := range []string{"owner, validator", "validator", "validator (copier)", "miner (honest)", "miner (noisy)", "miner (lazy)", "miner (plagiarist)"} {
		if role[want] == nil {
			t.Fatalf("no node is %q; members: %v", want, labels(nw))
		}
	}

	// Six epochs with the miners as they are.
	const phase1 = 6
	if err := nw.RunUntil(ctx, phase1); err != nil {
		t.Fatal(err)
	}
	eps := nw.Epochs()
	if len(eps) < phase1 {
		t.Fatalf("%d epochs anchored before the deadline, want %d", len(eps), phase1)
	}
	t.Logf("phase 1 done after %v", time.Since(start))
	inc := sum(eps, func(n node.RecordNeuron) float64 { return n.Incentive })
	honest, noisy, lazy, plag := role["miner (honest)"].Peer, role["miner (noisy)"].Peer, role["miner (lazy)"].Peer, role["miner (plagiarist)"].Peer
	t.Logf("incentive over %d epochs: honest %.3f, noisy %.3f, lazy %.3f, plagiarist %.3f", len(eps), inc[honest], inc[noisy], inc[lazy], inc[plag])
	if !(inc[honest] > inc[noisy] && inc[noisy] > inc[lazy]) {
		t.Errorf("incentive order: honest %.3f, noisy %.3f, lazy %.3f; want honest > noisy > lazy", inc[honest], inc[noisy], inc[lazy])
	}
	for _, ev := range eps {
		for _, n := range ev.View.Neurons {
			if n.Peer == plag && (n.Incentive != 0 || n.Emission != 0) {
				t.Errorf("epoch %d: the plagiarist earned incentive %v, emission %d", ev.Epoch, n.Incentive, n.Emission)
			}
			if n.Peer == honest && n.Incentive == 0 {
				t.Errorf("epoch %d: the honest miner earned nothing", ev.Epoch)
			}
		}
	}
	if b, err := os.ReadFile(role["miner (plagiarist)"].Dir + "/program.log"); err != nil || !strings.Contains(string(b), "commit window") {
		t.Errorf("the plagiarist's log does not show a copy refused for its window:\n%s", b)
	}

	// The honest and the lazy miner swap programs: the copier, a round
	// behind, now backs the wrong miner.
	hm, lm := role["miner (honest)"], role["miner (lazy)"]
	hr, lr := hm.Role, lm.Role
	if err := nw.SetRole(hm.Index, lr); err != nil {
		t.Fatal(err)
	}
	if err := nw.SetRole(lm.Index, hr); err != nil {
		t.Fatal(err)
	}
	const phase2 = 5
	if err := nw.RunUntil(ctx, phase1+phase2); err != nil {
		t.Fatal(err)
	}
	all := nw.Epochs()
	if len(all) < phase1+phase2 {
		t.Fatalf("%d epochs anchored before the deadline, want %d", len(all), phase1+phase2)
	}
	t.Logf("phase 2 done after %v", time.Since(start))
	div := sum(all[phase1:], func(n node.RecordNeuron) float64 { return n.Dividends })
	copier, v0, v1 := role["validator (copier)"].Peer, role["owner, validator"].Peer, role["validator"].Peer
	t.Logf("dividends after the swap: owner %.3f, validator %.3f, copier %.3f", div[v0], div[v1], div[copier])
	if !(div[copier] < div[v0] && div[copier] < div[v1]) {
		t.Errorf("the copier's dividends %.3f are not behind the honest validators' (%.3f, %.3f)", div[copier], div[v0], div[v1])
	}

	// Every epoch anchored exactly once.
	anchors, err := nw.Chain().Anchors(ctx, nw.Subnet())
	if err != nil {
		t.Fatal(err)
	}
	per := map[uint64]int{}
	for _, a := range anchors {
		per[a.Epoch]++
	}
	for _, ev := range all {
		if per[ev.Epoch] != 1 {
			t.Errorf("epoch %d has %d anchors, want 1", ev.Epoch, per[ev.Epoch])
		}
	}

	// An observer that joins now verifies every epoch.
	obs := startObserver(t, ctx, nw)
	for _, ev := range all {
		// A lost peer fails the test rather than hanging it; the first
		// epoch's verify also compiles the evaluator.
		vctx, vcancel := context.WithTimeout(ctx, 3*time.Minute)
		rep, err := obs.Verify(vctx, node.VerifyOptions{Subnet: nw.Subnet(), Epoch: ev.Epoch, All: true})
		vcancel()
		if err != nil {
			t.Fatalf("verify epoch %d: %v", ev.Epoch, err)
		}
		if !rep.OK() {
			t.Errorf("verify epoch %d: %+v", ev.Epoch, rep.Mismatches)
		}
	}

	// One evaluation tampered with: verify names the epoch and the
	// validator.
	ev := all[len(all)-1]
	rec, err := obs.Record(ctx, ev.Record)
	if err != nil {
		t.Fatal(err)
	}
	c := rec.Contents
	c.Evaluations = append([]tasks.Evaluation(nil), c.Evaluations...)
	var victim tasks.Evaluation
	for i, e := range c.Evaluations {
		if e.Error == "" && e.Score > 0.1 {
			c.Evaluations[i].Score = e.Score / 2
			victim = e
			break
		}
	}
	if !victim.Validator.Defined() {
		t.Fatal("no evaluation with a score to tamper with")
	}
	forged, err := tasks.BuildRecord(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range forged.Blocks {
		if _, err := obs.Store().PutDagCBOR(ctx, b.Data); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := obs.Verify(ctx, node.VerifyOptions{Record: forged.Link.String(), All: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatal("verify passed a record with a tampered evaluation")
	}
	named := false
	for _, m := range rep.Mismatches {
		if m.Epoch == ev.Epoch && m.Validator == victim.Validator.String() {
			named = true
		}
	}
	if !named {
		t.Errorf("verify did not name epoch %d and validator %s: %+v", ev.Epoch, victim.Validator, rep.Mismatches)
	}
	t.Logf("done after %v", time.Since(start))
}

// startObserver starts a node on the network's observer data dir.
func startObserver(t *testing.T, ctx context.Context, nw *Network) *node.Node {
	t.Helper()
	cfg, err := node.LoadConfig(nw.ObserverDir(), func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.New(ctx, nw.ObserverDir(), cfg, node.Parts{Logs: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// sum adds f over the epochs, by peer.
func sum(eps []EpochView, f func(node.RecordNeuron) float64) map[string]float64 {
	out := map[string]float64{}
	for _, ev := range eps {
		for _, n := range ev.View.Neurons {
			out[n.Peer] += f(n)
		}
	}
	return out
}

func labels(nw *Network) []string {
	var out []string
	for _, m := range nw.Members() {
		out = append(out, m.Label)
	}
	return out
}

// TestProcesses runs a small testnet with every node in its own process,
// the way node runners deploy: `crucible run` on each data dir.
func TestProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the crucible command and runs three node processes")
	}
	if raceEnabled {
		t.Skip("the nodes are child processes, which the race detector does not reach")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	exe := t.TempDir() + "/crucible"
	goCmd, err := GoCommand()
	if err != nil {
		t.Fatal(err)
	}
	build := exec.CommandContext(ctx, goCmd, "build", "-o", exe, "../cmd/crucible")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build crucible: %v\n%s", err, b)
	}
	out := &syncBuffer{}
	cfg := DefaultConfig()
	cfg.Subnet = "../examples/linreg"
	cfg.Nodes, cfg.Validators, cfg.Epochs = 3, 1, 2
	cfg.BlockTime = 150 * time.Millisecond
	cfg.Processes, cfg.Crucible = true, exe
	cfg.Out = out
	nw, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		nw.Close() // after a failure; idempotent
		if t.Failed() {
			t.Logf("live view:\n%s", out.String())
		}
	})
	if err := nw.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(nw.Epochs()); n < 2 {
		t.Fatalf("%d epochs anchored, want 2", n)
	}
	for _, m := range nw.Members() {
		if m.proc == nil {
			t.Fatalf("node %d is not a process", m.Index)
		}
	}
	// The README's verify command, from the observer's data dir: every
	// anchored epoch, every evaluation re-run.
	verify := exec.CommandContext(ctx, exe, "--data-dir", nw.ObserverDir(), "verify", fmt.Sprint(nw.Subnet()), "--all")
	b, err := verify.CombinedOutput()
	if err != nil || !strings.Contains(string(b), "OK") {
		t.Errorf("crucible verify: %v\n%s", err, b)
	}
	t.Logf("crucible verify:\n%s", b)
	if err := nw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, m := range nw.Members() {
		if !m.proc.ProcessState.Success() {
			t.Errorf("node %d exited with %v after SIGINT, want a clean stop", m.Index, m.proc.ProcessState)
		}
	}
	if !strings.Contains(out.String(), "2 epochs anchored") {
		t.Errorf("live view lacks the end:\n%s", out.String())
	}
}
