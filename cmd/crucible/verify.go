package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/node"
	"github.com/crucible-net/crucible/tasks"
)

// peerWait bounds how long verify waits for its first peer when bootstrap
// peers are configured: records and outputs come from peers.
const peerWait = 20 * time.Second

// verifyChainRetry is how long verify keeps trying a chain endpoint that
// does not answer: a person is waiting.
const verifyChainRetry = 3 * time.Second

func runVerify(e *env, args []string) error {
	fs := e.newFlagSet("crucible verify", "SUBNET [EPOCH] [--all | --sample N] [--json] [--KEY VALUE ...]\n  crucible verify --record CID [--all | --sample N] [--json] [--KEY VALUE ...]",
		"Check anchored epochs without trusting anyone: fetch each epoch's record by CID, check it against\n"+
			"the chain's anchor, the epoch's seed and stake snapshot, recompute consensus, and re-run\n"+
			"evaluations in the sandbox. With SUBNET alone, every anchored epoch of the subnet, oldest first.\n\n"+
			"A data directory without identity or config is initialised as `crucible init --testnet` would,\n"+
			"and joins the network as an observer: give it with --chain.rpc URL --chain.contract ADDR\n"+
			"--p2p.bootstrap MULTIADDR. Every config key is also a flag; logs go to stderr at warn level\n"+
			"unless --log.level says otherwise.\n\n"+
			"Exit status: 0 if every epoch verifies, 1 if one does not (or cannot be verified), 2 for usage.")
	all := fs.Bool("all", false, "re-run every evaluation")
	sample := fs.Int("sample", node.DefaultVerifySample, "re-run this many evaluations, chosen at random")
	asJSON := fs.Bool("json", false, "print the report as JSON (an array of reports for SUBNET alone)")
	record := fs.String("record", "", "verify the record with this CID; its header names the subnet and epoch")
	flags := addConfigFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	targets, allOfSubnet, err := verifyTargets(fs, pos, *record, *all, *sample)
	if err != nil {
		return err
	}
	dir, err := e.resolveDataDir()
	if err != nil {
		return err
	}
	if err := initObserver(e, dir); err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	n, err := observerNode(ctx, e, dir, flags)
	if err != nil {
		return err
	}
	defer n.Close()
	if allOfSubnet {
		subnet := targets[0].Subnet
		es, err := n.AnchoredEpochs(ctx, subnet)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return fmt.Errorf("subnet %d has no anchored epoch yet: wait for its first anchor (`crucible chain anchors %d` lists them)", subnet, subnet)
		}
		targets = targets[:0]
		for _, ep := range es {
			targets = append(targets, node.VerifyOptions{Subnet: subnet, Epoch: ep})
		}
	}
	return verifyEpochs(ctx, e, n, targets, allOfSubnet, *all, *sample, *asJSON)
}

// verifyTargets checks the command line and says what to verify; with
// SUBNET alone, allOfSubnet is true and the one target names the subnet.
func verifyTargets(fs *flag.FlagSet, pos []string, record string, all bool, sample int) (targets []node.VerifyOptions, allOfSubnet bool, err error) {
	sampleSet := false
	fs.Visit(func(f *flag.Flag) { sampleSet = sampleSet || f.Name == "sample" })
	switch {
	case all && sampleSet:
		return nil, false, fmt.Errorf("%w: --all re-runs every evaluation; leave out --sample", errUsage)
	case sample < 1:
		return nil, false, fmt.Errorf("%w: --sample %d: re-run at least 1 evaluation (or --all)", errUsage, sample)
	}
	if record != "" {
		if len(pos) > 0 {
			return nil, false, fmt.Errorf("%w: --record takes no SUBNET or EPOCH: the record's header names them", errUsage)
		}
		if _, err := tasks.ParseLink(record); err != nil {
			return nil, false, fmt.Errorf("%w: --record %q is not a CID (%v): give a record's CID, as `crucible chain anchors SUBNET` lists them", errUsage, record, err)
		}
		return []node.VerifyOptions{{Record: record}}, false, nil
	}
	if len(pos) == 0 || len(pos) > 2 {
		return nil, false, fmt.Errorf("%w: want SUBNET [EPOCH] or --record CID, got %d arguments", errUsage, len(pos))
	}
	subnet, err := strconv.ParseUint(pos[0], 10, 64)
	if err != nil {
		return nil, false, fmt.Errorf("%w: SUBNET must be a number, not %q", errUsage, pos[0])
	}
	if len(pos) == 1 {
		return []node.VerifyOptions{{Subnet: subnet}}, true, nil
	}
	epoch, err := strconv.ParseUint(pos[1], 10, 64)
	if err != nil {
		return nil, false, fmt.Errorf("%w: EPOCH must be a number, not %q", errUsage, pos[1])
	}
	return []node.VerifyOptions{{Subnet: subnet, Epoch: epoch}}, false, nil
}

// initObserver initialises dir as `crucible init --testnet` does if it
// has no identity or no config yet.
func initObserver(e *env, dir string) error {
	_, keyErr := os.Stat(gossip.IdentityPath(dir))
	_, cfgErr := os.Stat(filepath.Join(dir, node.ConfigFile))
	if keyErr == nil && cfgErr == nil {
		return nil
	}
	quiet := &env{stdout: io.Discard, stderr: e.stderr, dataDir: dir, getenv: e.getenv}
	if err := runInit(quiet, []string{"--testnet"}); err != nil {
		return fmt.Errorf("initialise the data directory %s: %w", dir, err)
	}
	fmt.Fprintf(e.stderr, "crucible verify: initialised %s to join as an observer (`crucible config show` prints its config)\n", dir)
	return nil
}

// observerNode starts a node on dir that neither validates nor mines: it
// reads the chain (without an account key if it has none) and fetches
// from peers. It waits for a first peer when bootstrap peers are given.
func observerNode(ctx context.Context, e *env, dir string, flags map[string]string) (*node.Node, error) {
	if _, ok := flags["api.listen"]; !ok {
		flags["api.listen"] = "127.0.0.1:0" // never the port of a node running elsewhere
	}
	cfg, err := node.LoadConfig(dir, e.getenv, flags)
	if err != nil {
		return nil, err
	}
	cfg.Validator.Enabled, cfg.Miner.Command, cfg.Subnets = false, nil, nil
	if _, ok := flags["p2p.mdns"]; !ok && e.getenv("CRUCIBLE_P2P_MDNS") == "" {
		// An observer finds the network through its bootstrap peers;
		// mDNS would multicast on the local network (--p2p.mdns=true
		// turns it on).
		cfg.P2P.MDNS = false
	}
	if _, ok := flags["log.level"]; !ok && e.getenv("CRUCIBLE_LOG_LEVEL") == "" {
		cfg.Log.Level = "warn"
	}
	parts := node.Parts{Logs: e.stderr}
	if cfg.Chain.RPC != "" && cfg.Chain.Key == "" {
		// Verifying sends no transaction: a read-only client needs no
		// account.
		addr, err := chain.ParseAddress(cfg.Chain.Contract)
		if err != nil {
			return nil, fmt.Errorf("%w: --chain.contract %q: %v: give the Crucible contract's address", errUsage, cfg.Chain.Contract, err)
		}
		if parts.Chain, err = chain.Dial(ctx, cfg.Chain.RPC, cfg.Chain.ChainID, addr, nil, chain.Options{Confirmations: cfg.Chain.Confirmations, RetryFor: verifyChainRetry}); err != nil {
			return nil, fmt.Errorf("connect to chain %s: %w; check --chain.rpc and --chain.contract", cfg.Chain.RPC, err)
		}
	}
	n, err := node.New(ctx, dir, cfg, parts)
	if errors.Is(err, node.ErrLocked) {
		return nil, fmt.Errorf("%w: a node runs on %s; verify from another data directory (--data-dir DIR; a new one joins as an observer)", err, dir)
	}
	if err != nil {
		return nil, err
	}
	if len(cfg.P2P.Bootstrap) > 0 && !waitForPeer(ctx, n) {
		fmt.Fprintf(e.stderr, "crucible verify: no peer connected after %s; only what %s already holds can be verified (check --p2p.bootstrap)\n", peerWait, dir)
	}
	return n, nil
}

// waitForPeer waits until n has a peer, up to peerWait.
func waitForPeer(ctx context.Context, n *node.Node) bool {
	ctx, cancel := context.WithTimeout(ctx, peerWait)
	defer cancel()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for len(n.Network().Peers()) == 0 {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// errNotVerified ends a verify whose epochs did not all verify: exit 1.
var errNotVerified = errors.New("not verified")

// verifyEpochs verifies each target and prints the reports.
func verifyEpochs(ctx context.Context, e *env, n *node.Node, targets []node.VerifyOptions, allOfSubnet, all bool, sample int, asJSON bool) error {
	var reports []node.VerifyReport
	var failed, unverified []string
	for i, o := range targets {
		o.All, o.Sample = all, sample
		r, err := n.Verify(ctx, o)
		if err != nil {
			if !allOfSubnet || ctx.Err() != nil {
				return err
			}
			unverified = append(unverified, strconv.FormatUint(o.Epoch, 10))
			fmt.Fprintf(e.stderr, "crucible verify: epoch %d: %v\n", o.Epoch, err)
			continue
		}
		reports = append(reports, r)
		if !r.OK() {
			failed = append(failed, strconv.FormatUint(r.Epoch, 10))
		}
		if asJSON {
			continue
		}
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		printVerifyReport(e.stdout, r)
	}
	if asJSON {
		var err error
		if allOfSubnet {
			if reports == nil {
				reports = []node.VerifyReport{}
			}
			err = printJSON(e.stdout, reports)
		} else {
			err = printJSON(e.stdout, reports[0])
		}
		if err != nil {
			return err
		}
	}
	if allOfSubnet && !asJSON {
		fmt.Fprintf(e.stdout, "\nsubnet %d: %d anchored epochs, %d verified", targets[0].Subnet, len(targets), len(reports)-len(failed))
		if len(failed) > 0 {
			fmt.Fprintf(e.stdout, ", %d FAILED (epoch %s)", len(failed), strings.Join(failed, ", "))
		}
		if len(unverified) > 0 {
			fmt.Fprintf(e.stdout, ", %d could not be checked (epoch %s)", len(unverified), strings.Join(unverified, ", "))
		}
		fmt.Fprintln(e.stdout)
	}
	switch {
	case len(failed) > 0 && !allOfSubnet:
		r := reports[0]
		return fmt.Errorf("%w: epoch %d of subnet %d: its record is not what its anchor, its inputs or the re-runs give; the MISMATCH lines say where", errNotVerified, r.Epoch, r.Subnet)
	case len(failed) > 0 || len(unverified) > 0:
		return fmt.Errorf("%w: %d of %d epochs of subnet %d failed or could not be checked; the MISMATCH lines and errors above say why", errNotVerified, len(failed)+len(unverified), len(targets), targets[0].Subnet)
	}
	return nil
}

// printVerifyReport writes one report: a line per check, per mismatch and
// per note, then a summary.
func printVerifyReport(w io.Writer, r node.VerifyReport) {
	for _, c := range r.Checks {
		status := "ok"
		if !c.OK {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%-4s %-11s %s\n", status, c.Name, c.Detail)
	}
	for _, m := range r.Mismatches {
		fmt.Fprintf(w, "MISMATCH %s\n", m)
	}
	for _, note := range r.Notes {
		fmt.Fprintf(w, "note %s\n", note)
	}
	verdict := "OK"
	if !r.OK() {
		verdict = "FAILED, " + count(len(r.Mismatches), "mismatch", "mismatches")
	}
	fmt.Fprintf(w, "epoch %d of subnet %d: %s (record %s; %d of %d evaluations re-run; %s)\n",
		r.Epoch, r.Subnet, verdict, r.Record, r.Rerun, r.Evaluations, count(len(r.Notes), "note", "notes"))
}

// count is "1 note" or "2 notes".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
