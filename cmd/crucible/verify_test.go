package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/node"
)

// TestVerifyUsage: a command line verify cannot act on exits 2 with what
// to write instead, before it touches the data directory. The whole path
// against a running network is the testnet test's.
func TestVerifyUsage(t *testing.T) {
	const cid = "bafyreia3hweyqwa7v5knkk5w5xjlvkdd63unn5tkicffzbi2xmtkhaphda"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "want SUBNET [EPOCH] or --record CID"},
		{[]string{"1", "2", "3"}, "want SUBNET [EPOCH] or --record CID, got 3 arguments"},
		{[]string{"x"}, `SUBNET must be a number, not "x"`},
		{[]string{"-1", "2"}, "flag provided but not defined"},
		{[]string{"1", "two"}, `EPOCH must be a number, not "two"`},
		{[]string{"1", "2", "--sample", "0"}, "--sample 0: re-run at least 1"},
		{[]string{"1", "2", "--all", "--sample", "3"}, "leave out --sample"},
		{[]string{"--record", "not-a-cid"}, `--record "not-a-cid" is not a CID`},
		{[]string{"--record", cid, "1"}, "--record takes no SUBNET or EPOCH"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "observer")
			code, out, errOut := run(t, append([]string{"--data-dir", dir, "verify"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, exitUsage, tc.want, out, errOut)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("a usage error created the data directory")
			}
		})
	}
}

// TestVerifyInitialisesObserver: on a fresh data directory verify makes
// an identity and a testnet config, as init --testnet does, before it
// needs the network; a chain address that is not one is a usage error.
func TestVerifyInitialisesObserver(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "observer")
	code, _, errOut := run(t, "--data-dir", dir, "verify", "1", "0", "--chain.rpc", "http://127.0.0.1:1", "--chain.contract", "nope")
	if code != exitUsage || !strings.Contains(errOut, "--chain.contract") || !strings.Contains(errOut, "initialised "+dir) {
		t.Fatalf("exit %d, want %d naming --chain.contract\nstderr: %s", code, exitUsage, errOut)
	}
	for _, p := range []string{gossip.IdentityPath(dir), filepath.Join(dir, node.ConfigFile)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("verify did not initialise the data directory: %v", err)
		}
	}
	cfg, err := node.LoadConfig(dir, func(string) string { return "" }, nil)
	if err != nil || cfg.API.Listen != node.TestnetConfig().API.Listen {
		t.Errorf("the data directory's config is not the testnet one: %+v, %v", cfg, err)
	}
}
