package main

import (
	"bufio"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/tasks"
	"github.com/crucible-net/crucible/tasks/merkle"
)

// TestMain lets a test run this binary as the crucible command, in its own
// process: CRUCIBLE_TEST_AS_MAIN=1 makes it run doMain on its arguments.
func TestMain(m *testing.M) {
	if os.Getenv("CRUCIBLE_TEST_AS_MAIN") == "1" {
		os.Exit(doMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func testPeerID(t *testing.T, seed byte) string {
	t.Helper()
	p, err := tasks.PeerIDFromPublicKey(ed25519.NewKeyFromSeed(make32(seed)).Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return p.String()
}

func make32(b byte) []byte {
	s := make([]byte, 32)
	for i := range s {
		s[i] = b
	}
	return s
}

// TestChainCommands starts a dev chain in a data directory, in process,
// and runs the chain commands against it as a user would.
func TestChainCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a geth node")
	}
	dataDir := t.TempDir()
	t.Setenv("CRUCIBLE_DATA_DIR", dataDir)
	ctx := t.Context()
	d, err := chain.StartDevChain(ctx, filepath.Join(dataDir, "chain"), chain.DevConfig{Accounts: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.EnsureContract(ctx, chain.Options{}); err != nil {
		t.Fatal(err)
	}
	key1 := chain.DevKeyPath(d.Dir(), 1)
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"chain", "subnet", "create", "--manifest", "bafyreimanifest", "--tempo", "2", "--min-stake", "1eth"}, 0, "created subnet 0"},
		{[]string{"chain", "register", "0", "--peer-id", testPeerID(t, 1), "--stake", "0.5eth", "--key", key1}, 1, "StakeTooLow"},
		{[]string{"chain", "register", "0", "--peer-id", testPeerID(t, 1), "--stake", "2eth", "--key", key1}, 0, "as uid 0 with 2 eth"},
		{[]string{"chain", "register", "0", "--peer-id", testPeerID(t, 1), "--stake", "2eth", "--key", key1}, 1, "AlreadyRegistered"},
		{[]string{"chain", "subnet", "show", "0"}, 0, testPeerID(t, 1)},
		{[]string{"chain", "subnet", "show", "5"}, 1, "UnknownSubnet"},
		{[]string{"chain", "anchors", "0"}, 0, "no anchored epoch yet"},
		{[]string{"chain", "register", "0", "--peer-id", "not-a-peer", "--stake", "2eth"}, 2, "--peer-id"},
		{[]string{"chain", "register", "0", "--peer-id", testPeerID(t, 2), "--stake", "lots"}, 2, "not an amount"},
		{[]string{"chain", "subnet", "create", "--tempo", "2"}, 2, "--manifest"},
		{[]string{"chain", "subnet", "show", "0", "--chain-id", "1"}, 1, "wrong chain"},
		{[]string{"chain", "subnet", "show", "0", "--contract", "0x000000000000000000000000000000000000dEaD"}, 1, "no Crucible contract"},
		{[]string{"chain", "subnet", "show", "0", "--contract", "0x1234"}, 2, "invalid address"},
	}
	for _, st := range steps {
		code, out, errOut := run(t, st.args...)
		if code != st.code || !strings.Contains(out+errOut, st.want) {
			t.Fatalf("%v: exit %d (want %d), output lacks %q\nstdout: %s\nstderr: %s", st.args, code, st.code, st.want, out, errOut)
		}
	}

	// Anchor a record through the library, as a node would, and check
	// what the commands show.
	v, err := d.Client(ctx, 1, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.Mine(2)
	leaves := [][]byte{[]byte("a"), []byte("b"), []byte("c")}
	tree := merkle.New(leaves)
	commitment := chain.RecordCommitment(tree.Root(), 3)
	if _, err := v.Anchor(ctx, 0, 0, commitment, chain.Hash{0xcc}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "chain", "anchors", "0")
	if code != 0 || !strings.Contains(out, commitment.String()) || !strings.Contains(out, chain.RecordCID(chain.Hash{0xcc})) {
		t.Fatalf("anchors: exit %d\n%s%s", code, out, errOut)
	}
	other, err := d.Client(ctx, 0, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	oneEth, _ := parseAmount("1eth")
	if _, _, err := other.Register(ctx, 0, []byte("peer"), oneEth); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Anchor(ctx, 0, 0, chain.Hash{0xee}, chain.Hash{0xef}); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, "chain", "anchors", "0"); code != 0 || !strings.Contains(out, "CONFLICT") || !strings.Contains(out, "1 conflicting root") {
		t.Fatalf("anchors with a conflict: exit %d\n%s", code, out)
	}

	// A receipt verifies; a doctored one does not.
	p, err := tree.Proof(1)
	if err != nil {
		t.Fatal(err)
	}
	path := make([]chain.Hash, len(p))
	for i := range p {
		path[i] = p[i]
	}
	rc, err := v.MakeReceipt(ctx, 0, 0, tree.Root(), 3, leaves[1], 1, path)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "receipt.json")
	writeJSON(t, good, rc)
	if code, out, errOut := run(t, "chain", "verify", good); code != 0 || !strings.Contains(out, "verified: leaf 1 of 3") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
	rc.Leaf = chain.Bytes("z")
	bad := filepath.Join(t.TempDir(), "bad.json")
	writeJSON(t, bad, rc)
	if code, _, errOut := run(t, "chain", "verify", bad); code != 1 || !strings.Contains(errOut, "does not verify") {
		t.Fatalf("verify of a doctored receipt: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := run(t, "chain", "verify", good, "--chain-id", "5"); code != 1 || !strings.Contains(errOut, "wrong chain") {
		t.Fatalf("verify on the wrong chain: exit %d\n%s", code, errOut)
	}
	notReceipt := filepath.Join(t.TempDir(), "x.json")
	os.WriteFile(notReceipt, []byte(`{"subnet": 0, "color": "red"}`), 0o644)
	if code, _, errOut := run(t, "chain", "verify", notReceipt); code != 1 || !strings.Contains(errOut, "not a receipt") {
		t.Fatalf("verify of a file that is not a receipt: exit %d\n%s", code, errOut)
	}
	empty := filepath.Join(t.TempDir(), "empty.json")
	os.WriteFile(empty, []byte(`{}`), 0o644)
	if code, _, errOut := run(t, "chain", "verify", empty); code != 1 || !strings.Contains(errOut, "incomplete receipt, without chainId, contract, txHash, size, merkleRoot") {
		t.Fatalf("verify of an empty receipt: exit %d\n%s", code, errOut)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestChainDevProcess runs `crucible chain dev` as a separate OS process,
// as a node runner would, and drives it over JSON-RPC through the
// library's external backend: deploy is done by the process, and a
// subnet, a registration and an anchor go through Dial. Ctrl-C (SIGINT)
// stops it cleanly.
func TestChainDevProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	dataDir := t.TempDir()
	cmd := exec.Command(os.Args[0], "--data-dir", dataDir, "chain", "dev", "--http", "127.0.0.1:0", "--block-time", "0", "--accounts", "2")
	cmd.Env = append(os.Environ(), "CRUCIBLE_TEST_AS_MAIN=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var rpcURL, contract string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "JSON-RPC" {
			rpcURL = f[1]
		}
		if len(f) == 2 && f[0] == "contract" {
			contract = f[1]
		}
		if strings.HasPrefix(sc.Text(), "Ctrl-C") {
			break
		}
	}
	if rpcURL == "" || contract == "" {
		t.Fatalf("the dev chain printed no endpoint or contract (%v)", sc.Err())
	}
	addr, err := chain.ParseAddress(contract)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	devDir := filepath.Join(dataDir, "chain")
	key0, err := chain.LoadKey(chain.DevKeyPath(devDir, 0), "")
	if err != nil {
		t.Fatal(err)
	}
	key1, err := chain.LoadKey(chain.DevKeyPath(devDir, 1), "")
	if err != nil {
		t.Fatal(err)
	}
	owner, err := chain.Dial(ctx, rpcURL, 31337, addr, key0, chain.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := owner.CreateSubnet(ctx, "bafyreimanifest", 1, chain.SubnetParams{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := chain.Dial(ctx, rpcURL, 31337, addr, key1, chain.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.Register(ctx, id, []byte("peer"), nil); err != nil {
		t.Fatal(err)
	}
	res, err := v.Anchor(ctx, id, 0, chain.Hash{1}, chain.Hash{2})
	if err != nil || !res.Sent {
		t.Fatalf("anchor over JSON-RPC: %+v, %v", res, err)
	}
	if got, err := owner.AnchorOf(ctx, id, 0); err != nil || got != (chain.Hash{1}) {
		t.Fatalf("AnchorOf = %v, %v", got, err)
	}
	// A wrong chain id is refused.
	if _, err := chain.Dial(ctx, rpcURL, 1, addr, nil, chain.Options{}); !errors.Is(err, chain.ErrWrongChain) {
		t.Errorf("dial with chain id 1: %v, want ErrWrongChain", err)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("the dev chain did not exit cleanly after SIGINT: %v", err)
	}
	// The external backend reports an endpoint that is gone.
	if _, err := chain.Dial(ctx, rpcURL, 0, addr, nil, chain.Options{RetryFor: 200 * time.Millisecond}); !errors.Is(err, chain.ErrUnavailable) {
		t.Errorf("dial after the chain stopped: %v, want ErrUnavailable", err)
	}
}

func TestAmounts(t *testing.T) {
	for _, tc := range []struct{ in, wei, back string }{
		{"0", "0", "0"},
		{"1", "1", "1 wei"},
		{"1eth", "1000000000000000000", "1 eth"},
		{"1.5 ETH", "1500000000000000000", "1.5 eth"},
		{"2ether", "2000000000000000000", "2 eth"},
		{"3gwei", "3000000000", "3000000000 wei"},
		{"0.000001eth", "1000000000000", "0.000001 eth"},
		{"12345wei", "12345", "12345 wei"},
	} {
		v, err := parseAmount(tc.in)
		if err != nil || v.String() != tc.wei {
			t.Errorf("parseAmount(%q) = %v, %v; want %s", tc.in, v, err, tc.wei)
			continue
		}
		if got := formatAmount(v); got != tc.back {
			t.Errorf("formatAmount(%s) = %q, want %q", tc.wei, got, tc.back)
		}
	}
	for _, bad := range []string{"", "-1", "eth", "1.5", "0.1wei", "abc", "0x10", "0b11", "3/2eth", "1e3",
		"115792089237316195423570985008687907853269984665640564039457584007913129639936"} {
		if v, err := parseAmount(bad); err == nil {
			t.Errorf("parseAmount(%q) = %v, want an error", bad, v)
		}
	}
}
