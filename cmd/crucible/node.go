package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/node"
)

// addConfigFlags registers one flag per configuration key (--p2p.bootstrap
// and so on) and returns what was given, for node.LoadConfig.
func addConfigFlags(fs *flag.FlagSet) map[string]string {
	given := map[string]string{}
	for _, k := range node.Keys() {
		fs.Func(k, "config key "+k+" (lists comma-separated)", func(s string) error {
			given[k] = s
			return nil
		})
	}
	return given
}

func runInit(e *env, args []string) error {
	fs := e.newFlagSet("crucible init", "[--testnet]",
		"Create a node's data directory: its identity key, API token and config.toml.\n"+
			"An existing data directory keeps its key and config.")
	testnet := fs.Bool("testnet", false, "write a local-testnet config (127.0.0.1, free ports, mDNS, DHT server)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: init takes no arguments", errUsage)
	}
	dir, err := e.resolveDataDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	id, err := gossip.LoadIdentity(dir)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, node.ConfigFile)
	wrote := false
	if _, err := os.Stat(path); errors.Is(err, iofs.ErrNotExist) {
		cfg := node.DefaultConfig()
		if *testnet {
			cfg = node.TestnetConfig()
		}
		if err := os.WriteFile(path, []byte(cfg.TOML()), 0o600); err != nil {
			return err
		}
		wrote = true
	}
	fmt.Fprintf(e.stdout, "data directory  %s\npeer ID         %s\nidentity key    %s\n", dir, id.PeerID(), gossip.IdentityPath(dir))
	if wrote {
		fmt.Fprintf(e.stdout, "config          %s (new)\n", path)
	} else {
		fmt.Fprintf(e.stdout, "config          %s (kept)\n", path)
	}
	fmt.Fprintf(e.stdout, "\nNext: start a chain (`crucible --data-dir %s chain dev`), then `crucible --data-dir %s run`.\n", dir, dir)
	return nil
}

func runConfigShow(e *env, args []string) error {
	fs := e.newFlagSet("crucible config show", "[--KEY VALUE ...]",
		"Print the configuration a node on this data directory would run with: defaults, then\n"+
			"config.toml, then CRUCIBLE_* environment variables, then flags.")
	flags := addConfigFlags(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := e.resolveDataDir()
	if err != nil {
		return err
	}
	cfg, err := node.LoadConfig(dir, e.getenv, flags)
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, cfg.TOML())
	return nil
}

func runRun(e *env, args []string) error {
	fs := e.newFlagSet("crucible run", "[--KEY VALUE ...]",
		"Run a node on the data directory until Ctrl-C. Every config key is also a flag\n"+
			"(--p2p.bootstrap ADDR,ADDR --api.listen 127.0.0.1:4171 ...).")
	flags := addConfigFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: run takes no arguments", errUsage)
	}
	dir, err := e.resolveDataDir()
	if err != nil {
		return err
	}
	cfg, err := node.LoadConfig(dir, e.getenv, flags)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	n, err := node.New(ctx, dir, cfg, node.Parts{Logs: e.stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "node %s\nAPI  http://%s (token in %s)\n", n.PeerID(), n.APIAddr(), filepath.Join(dir, "api.token"))
	for _, a := range n.Network().Addrs() {
		fmt.Fprintf(e.stdout, "p2p  %s\n", a)
	}
	runErr := n.Run(ctx)
	if err := n.Close(); runErr == nil {
		runErr = err
	}
	return runErr
}

// apiGet fetches path from the API of the node running on the data dir.
func apiGet(e *env, path string, v any) error {
	dir, err := e.resolveDataDir()
	if err != nil {
		return err
	}
	addr, err := node.ReadAPIAddr(dir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+addr+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the node's API at %s does not answer (%v); is `crucible run` still running on %s?", addr, err, dir)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var apiErr node.Error
		json.Unmarshal(b, &apiErr)
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, apiErr.Error)
	}
	return json.Unmarshal(b, v)
}

// readAPI is the start of every command that reads the running node: it
// parses --json, fetches path into v, and with --json prints the API's JSON
// itself (printed is then true and the command is done).
func readAPI(e *env, args []string, name, summary, path string, v any) (printed bool, err error) {
	return readSubnetAPI(e, args, name, summary, false, func(string) string { return path }, v)
}

// readSubnetAPI is readAPI for a command that takes a SUBNET argument
// (with takesSubnet), which path puts in the API path.
func readSubnetAPI(e *env, args []string, name, summary string, takesSubnet bool, path func(subnet string) string, v any) (printed bool, err error) {
	usage := "[--json]"
	if takesSubnet {
		usage = "[--json] SUBNET"
	}
	fs := e.newFlagSet(name, usage, summary)
	asJSON := fs.Bool("json", false, "print the API's JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return false, err
	}
	subnet := ""
	switch {
	case takesSubnet && len(pos) == 1:
		if _, err := strconv.ParseUint(pos[0], 10, 64); err != nil {
			return false, fmt.Errorf("%w: SUBNET must be a number, not %q", errUsage, pos[0])
		}
		subnet = pos[0]
	case takesSubnet:
		return false, fmt.Errorf("%w: give one SUBNET", errUsage)
	case len(pos) > 0:
		return false, fmt.Errorf("%w: unexpected arguments %q", errUsage, pos)
	}
	if err := apiGet(e, path(subnet), v); err != nil {
		return false, err
	}
	if *asJSON {
		return true, printJSON(e.stdout, v)
	}
	return false, nil
}

func runStatus(e *env, args []string) error {
	var st node.Status
	if printed, err := readAPI(e, args, "crucible status", "Show the status of the node running on the data directory.", "/v1/status", &st); printed || err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "peer ID\t%s\n", st.PeerID)
	fmt.Fprintf(tw, "network\t%s\n", st.Network)
	fmt.Fprintf(tw, "uptime\t%s\n", st.Uptime)
	fmt.Fprintf(tw, "peers\t%d\n", st.Peers)
	for _, a := range st.Addrs {
		fmt.Fprintf(tw, "address\t%s\n", a)
	}
	fmt.Fprintf(tw, "chain\tid %d, contract %s, head %d\n", st.Chain.ChainID, st.Chain.Contract, st.Chain.Head)
	fmt.Fprintf(tw, "account\t%s\n", st.Chain.Account)
	if st.Chain.Error != "" {
		fmt.Fprintf(tw, "chain error\t%s\n", st.Chain.Error)
	}
	return tw.Flush()
}

func runPeers(e *env, args []string) error {
	var peers []node.Peer
	if printed, err := readAPI(e, args, "crucible peers", "List the peers of the node running on the data directory, best gossip score first.", "/v1/peers", &peers); printed || err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PEER\tSCORE\tLATENCY\tDIR\tTOPICS\tADDRESS")
	for _, p := range peers {
		dir := "out"
		if p.Inbound {
			dir = "in"
		}
		addr := ""
		if len(p.Addrs) > 0 {
			addr = p.Addrs[0]
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%.1fms\t%s\t%d\t%s\n", p.ID, p.Score, p.LatencyMS, dir, len(p.Topics), addr)
	}
	if len(peers) == 0 {
		fmt.Fprintln(tw, "(no peers)")
	}
	return tw.Flush()
}

func runTopics(e *env, args []string) error {
	var topics []node.Topic
	if printed, err := readAPI(e, args, "crucible topics", "List the gossip topics of the node running on the data directory, with counters.", "/v1/topics", &topics); printed || err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TOPIC\tPEERS\tMESH\tPUBLISHED\tDELIVERED\tDUPLICATES\tREJECTED\tIGNORED")
	for _, t := range topics {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", t.Topic, t.Peers, t.Mesh, t.Published, t.Delivered, t.Duplicates, reasons(t.Rejected), reasons(t.Ignored))
	}
	if len(topics) == 0 {
		fmt.Fprintln(tw, "(no topics joined)")
	}
	return tw.Flush()
}

func reasons(m map[string]uint64) string {
	if len(m) == 0 {
		return "0"
	}
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func runMetagraph(e *env, args []string) error {
	var mg node.Metagraph
	if printed, err := readSubnetAPI(e, args, "crucible metagraph", "Show a subnet's neurons, with their results in the last epoch the running node finished.",
		true, func(s string) string { return "/v1/subnets/" + s + "/metagraph" }, &mg); printed || err != nil {
		return err
	}
	if mg.Epoch != nil {
		fmt.Fprintf(e.stdout, "subnet %d (%s) at block %d; results of epoch %d, record %s (anchor %s)\n", mg.Subnet, mg.Name, mg.Head, *mg.Epoch, mg.Record, mg.Anchor)
	} else {
		fmt.Fprintf(e.stdout, "subnet %d (%s) at block %d; no epoch finished yet\n", mg.Subnet, mg.Name, mg.Head)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UID\tSTAKE(wei)\tPERMIT\tVTRUST\tCONSENSUS\tTRUST\tINCENTIVE\tDIVIDENDS\tEMISSION(gwei)\tPEER")
	for _, nr := range mg.Neurons {
		if !nr.Active {
			continue
		}
		permit := "-"
		if nr.ValidatorPermit {
			permit = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%d\t%s\n", nr.UID, nr.Stake, permit, nr.ValidatorTrust, nr.Consensus, nr.Trust,
			nr.Incentive, nr.Dividends, nr.Emission, nr.Peer)
	}
	if len(mg.Neurons) == 0 {
		fmt.Fprintln(tw, "(no neurons)")
	}
	return tw.Flush()
}

func runEpochs(e *env, args []string) error {
	var eps []node.Epoch
	if printed, err := readSubnetAPI(e, args, "crucible epochs", "List a subnet's finished epochs that the running node built records of, newest first, with their anchors.",
		true, func(s string) string { return "/v1/subnets/" + s + "/epochs" }, &eps); printed || err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EPOCH\tRECORD\tANCHOR\tTX")
	for _, ep := range eps {
		tx := ep.AnchorTx
		if tx == "" {
			tx = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", ep.Epoch, ep.Record, ep.Anchor, tx)
	}
	if len(eps) == 0 {
		fmt.Fprintln(tw, "(no epoch finished yet)")
	}
	return tw.Flush()
}
