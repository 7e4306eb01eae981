package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/tasks"
)

// chainFlags are the flags of every command that talks to a chain. Left
// out, they default to the dev chain recorded in <data-dir>/chain (started
// by `crucible chain dev`) and its first dev account.
type chainFlags struct {
	rpc           string
	contract      string
	key           string
	passwordFile  string
	chainID       uint64
	confirmations uint64
}

func (cf *chainFlags) add(fs *flag.FlagSet, withKey bool) {
	fs.StringVar(&cf.rpc, "chain-rpc", "", "JSON-RPC URL of the chain (default: the dev chain of the data directory)")
	fs.StringVar(&cf.contract, "contract", "", "address of the Crucible contract (default: the dev chain's)")
	fs.Uint64Var(&cf.chainID, "chain-id", 0, "refuse an endpoint that serves another chain (default: no check)")
	fs.Uint64Var(&cf.confirmations, "confirmations", 0, "blocks that must follow a block before it is trusted")
	if withKey {
		fs.StringVar(&cf.key, "key", "", "the account's key: a geth keystore file or a hex key file (default: the dev chain's first account)")
		fs.StringVar(&cf.passwordFile, "password-file", "", "file holding the keystore password (default: $CRUCIBLE_KEY_PASSWORD)")
	}
}

// resolved is what chainFlags come to once defaults are applied.
type resolved struct {
	rpc      string
	contract chain.Address
	key      *ecdsa.PrivateKey
	dev      string // the dev chain's directory, if the defaults came from it
}

func (cf *chainFlags) resolve(e *env, needKey, needContract bool) (resolved, error) {
	var r resolved
	dataDir, err := e.resolveDataDir()
	if err != nil {
		return r, err
	}
	devDir := filepath.Join(dataDir, "chain")
	info, infoErr := chain.ReadDevInfo(devDir)
	r.rpc = cf.rpc
	if r.rpc == "" {
		if infoErr != nil || info.RPC == "" {
			return r, fmt.Errorf("%w: no --chain-rpc, and no dev chain in %s: start one with `crucible chain dev`", errUsage, devDir)
		}
		r.rpc, r.dev = info.RPC, devDir
	}
	if cf.contract != "" {
		if r.contract, err = chain.ParseAddress(cf.contract); err != nil {
			return r, fmt.Errorf("%w: --contract: %v", errUsage, err)
		}
	} else if needContract {
		if r.dev == "" {
			return r, fmt.Errorf("%w: --contract is needed with --chain-rpc", errUsage)
		}
		if infoErr != nil || info.Contract == nil {
			return r, fmt.Errorf("%w: no --contract, and no contract recorded for a dev chain in %s", errUsage, devDir)
		}
		r.contract = *info.Contract
	}
	if !needKey {
		return r, nil
	}
	path := cf.key
	if path == "" {
		if r.dev == "" {
			return r, fmt.Errorf("%w: --key is needed with --chain-rpc", errUsage)
		}
		path = chain.DevKeyPath(devDir, 0)
	}
	password := e.getenv("CRUCIBLE_KEY_PASSWORD")
	if cf.passwordFile != "" {
		b, err := os.ReadFile(cf.passwordFile)
		if err != nil {
			return r, err
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	r.key, err = chain.LoadKey(path, password)
	return r, err
}

func (cf *chainFlags) options() chain.Options {
	// A person is waiting: give up on an unreachable endpoint after a
	// few seconds rather than the library's thirty.
	return chain.Options{Confirmations: cf.confirmations, RetryFor: 3 * time.Second}
}

// chainClient connects as the flags say.
func (cf *chainFlags) client(ctx context.Context, e *env, needKey bool) (*chain.Client, error) {
	r, err := cf.resolve(e, needKey, true)
	if err != nil {
		return nil, err
	}
	cl, err := chain.Dial(ctx, r.rpc, cf.chainID, r.contract, r.key, cf.options())
	if errors.Is(err, chain.ErrUnavailable) && r.dev != "" {
		return nil, fmt.Errorf("%w\nis `crucible chain dev` running? It serves %s", err, r.rpc)
	}
	return cl, err
}

func runChainDev(e *env, args []string) error {
	fs := e.newFlagSet("crucible chain dev", "[--block-time 2s] [--http 127.0.0.1:8545]",
		"Run a local dev chain with the Crucible contract deployed, until Ctrl-C. Its data and the\n"+
			"dev accounts' keys are in <data-dir>/chain; started again, it goes on where it stopped.")
	blockTime := fs.Duration("block-time", 2*time.Second, "time between blocks, in whole seconds; 0 mines a block for each transaction")
	httpAddr := fs.String("http", "127.0.0.1:8545", "address for JSON-RPC (127.0.0.1:0 picks a free port)")
	accounts := fs.Int("accounts", 10, "dev accounts of a new chain, each with 1,000,000 ether")
	chainID := fs.Uint64("chain-id", 0, "chain id of a new chain (default 31337); an existing chain keeps its own")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: want no arguments, got %d", errUsage, len(pos))
	}
	if *blockTime%time.Second != 0 || *blockTime < 0 {
		return fmt.Errorf("%w: --block-time %s: want whole seconds", errUsage, *blockTime)
	}
	dataDir, err := e.resolveDataDir()
	if err != nil {
		return err
	}
	dir := filepath.Join(dataDir, "chain")
	ctx, cancel := signalContext()
	defer cancel()
	d, err := chain.StartDevChain(ctx, dir, chain.DevConfig{ChainID: *chainID, BlockTime: *blockTime, Accounts: *accounts, HTTPAddr: *httpAddr})
	if err != nil {
		if strings.Contains(err.Error(), "address already in use") {
			return fmt.Errorf("%w\nanother program uses %s; choose another address with --http (127.0.0.1:0 picks a free port)", err, *httpAddr)
		}
		return err
	}
	defer d.Close()
	cl, err := d.EnsureContract(ctx, chain.Options{})
	if err != nil {
		return err
	}
	head, err := cl.Head(ctx)
	if err != nil {
		return err
	}
	mining := fmt.Sprintf("a block every %s", *blockTime)
	if *blockTime == 0 {
		mining = "a block for each transaction"
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "dev chain %d in %s, at block %d, %s\n", d.ChainID(), dir, head, mining)
	fmt.Fprintf(tw, "  JSON-RPC\t%s\n", d.URL())
	fmt.Fprintf(tw, "  contract\t%s\n", cl.Contract())
	fmt.Fprintf(tw, "  accounts\t%d, keys in %s (dev-0 deployed the contract)\n", len(d.Keys()), filepath.Dir(chain.DevKeyPath(dir, 0)))
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nOther commands find this chain through --data-dir, for example:\n"+
		"  crucible chain subnet create --manifest CID --tempo 10\n"+
		"  crucible chain subnet show 0\n"+
		"  crucible chain register 0 --peer-id 12D3KooW... --stake 1eth --key %s\n"+
		"  crucible chain anchors 0\n"+
		"Ctrl-C stops it.\n", chain.DevKeyPath(dir, 1))
	<-ctx.Done()
	fmt.Fprintln(e.stdout, "stopping the dev chain")
	return d.Close()
}

func runChainDeploy(e *env, args []string) error {
	fs := e.newFlagSet("crucible chain deploy", "--chain-rpc URL --key FILE [--chain-id N]",
		"Deploy the Crucible contract to a chain and print its address.")
	var cf chainFlags
	cf.add(fs, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: want no arguments, got %d", errUsage, len(pos))
	}
	r, err := cf.resolve(e, true, false)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	cl, rc, err := chain.DeployTo(ctx, r.rpc, cf.chainID, r.key, cf.options())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "deployed the Crucible contract at %s on chain %s (block %d, tx %s, %d gas)\n", cl.Contract(), cl.ChainID(), rc.Block, rc.TxHash, rc.GasUsed)
	return nil
}

func runChainSubnetCreate(e *env, args []string) error {
	fs := e.newFlagSet("crucible chain subnet create", "--manifest CID --tempo BLOCKS [--min-stake AMOUNT] [--unstake-delay BLOCKS] [--max-neurons N]",
		"Create a subnet owned by your account; its epoch 0 starts at the block that includes it.\n"+
			"AMOUNT is wei, or a number with an eth or gwei suffix (1.5eth).")
	var cf chainFlags
	cf.add(fs, true)
	manifest := fs.String("manifest", "", "CID of the subnet's manifest (required)")
	tempo := fs.Uint("tempo", 0, "blocks per epoch (required)")
	minStake := fs.String("min-stake", "0", "smallest stake register accepts")
	anchorStake := fs.String("anchor-min-stake", "0", "smallest stake that may anchor epochs (0: any registered account)")
	delay := fs.Uint64("unstake-delay", 0, "blocks between unstake and withdraw")
	maxNeurons := fs.Uint("max-neurons", 0, "most neurons the subnet admits (0: no limit)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: want no arguments, got %d", errUsage, len(pos))
	}
	if *manifest == "" || *tempo == 0 || *tempo > 1<<32-1 {
		return fmt.Errorf("%w: --manifest and a --tempo between 1 and 2^32-1 are required", errUsage)
	}
	if *maxNeurons > 1<<32-1 {
		return fmt.Errorf("%w: --max-neurons %d: at most 2^32-1", errUsage, *maxNeurons)
	}
	if *delay > 1<<32 {
		return fmt.Errorf("%w: --unstake-delay %d: at most 2^32 blocks", errUsage, *delay)
	}
	stake, err := parseAmount(*minStake)
	if err != nil {
		return fmt.Errorf("%w: --min-stake: %v", errUsage, err)
	}
	anchorMin, err := parseAmount(*anchorStake)
	if err != nil {
		return fmt.Errorf("%w: --anchor-min-stake: %v", errUsage, err)
	}
	ctx, cancel := signalContext()
	defer cancel()
	cl, err := cf.client(ctx, e, true)
	if err != nil {
		return err
	}
	id, rc, err := cl.CreateSubnet(ctx, *manifest, uint32(*tempo), chain.SubnetParams{MinStake: stake, AnchorMinStake: anchorMin, UnstakeDelay: *delay, MaxNeurons: uint32(*maxNeurons)})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created subnet %d (block %d, tx %s); its epoch 0 starts at block %d\n", id, rc.Block, rc.TxHash, rc.Block)
	return nil
}

func runChainSubnetShow(e *env, args []string) error {
	fs := e.newFlagSet("crucible chain subnet show", "SUBNET", "Show a subnet: owner, manifest, clock, and every neuron with its stake.")
	var cf chainFlags
	cf.add(fs, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg(pos, "SUBNET", parseSubnet)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	cl, err := cf.client(ctx, e, false)
	if err != nil {
		return err
	}
	s, err := cl.Subnet(ctx, id)
	if err != nil {
		return err
	}
	ns, err := cl.Neurons(ctx, id)
	if err != nil {
		return err
	}
	clock := chain.Clock{Subnet: id, Start: s.Start, Tempo: uint64(s.Tempo)}
	epoch, block, err := cl.Now(ctx, clock)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "subnet\t%d\n", s.ID)
	fmt.Fprintf(tw, "owner\t%s\n", s.Owner)
	fmt.Fprintf(tw, "manifest\t%s\n", s.ManifestCID)
	fmt.Fprintf(tw, "clock\ttempo %d blocks from block %d; block %d is in epoch %d\n", s.Tempo, s.Start, block, epoch)
	fmt.Fprintf(tw, "min stake\t%s to register, %s to anchor\n", formatAmount(s.Params.MinStake), formatAmount(s.Params.AnchorMinStake))
	fmt.Fprintf(tw, "unstake delay\t%d blocks\n", s.Params.UnstakeDelay)
	if s.Params.MaxNeurons > 0 {
		fmt.Fprintf(tw, "neurons\t%d of at most %d\n", s.NeuronCount, s.Params.MaxNeurons)
	} else {
		fmt.Fprintf(tw, "neurons\t%d\n", s.NeuronCount)
	}
	tw.Flush()
	if len(ns) == 0 {
		return nil
	}
	fmt.Fprintln(e.stdout)
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "uid\taccount\tpeer ID\tstake\tregistered\tactive")
	for _, n := range ns {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%v\n", n.UID, n.Account, formatPeerID(n.PeerID), formatAmount(n.Stake), n.RegisteredAt, n.Active)
	}
	return tw.Flush()
}

func runChainRegister(e *env, args []string) error {
	fs := e.newFlagSet("crucible chain register", "SUBNET --peer-id ID [--stake AMOUNT]",
		"Register your account in a subnet under a libp2p peer ID, with a stake.\n"+
			"AMOUNT is wei, or a number with an eth or gwei suffix (1.5eth).")
	var cf chainFlags
	cf.add(fs, true)
	peer := fs.String("peer-id", "", "the node's libp2p peer ID, 12D3KooW… (required)")
	stakeFlag := fs.String("stake", "0", "stake to deposit")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg(pos, "SUBNET", parseSubnet)
	if err != nil {
		return err
	}
	pid, err := tasks.ParsePeerID(*peer)
	if err != nil {
		return fmt.Errorf("%w: --peer-id: %v", errUsage, err)
	}
	stake, err := parseAmount(*stakeFlag)
	if err != nil {
		return fmt.Errorf("%w: --stake: %v", errUsage, err)
	}
	ctx, cancel := signalContext()
	defer cancel()
	cl, err := cf.client(ctx, e, true)
	if err != nil {
		return err
	}
	uid, rc, err := cl.Register(ctx, id, pid.Bytes(), stake)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "registered %s in subnet %d as uid %d with %s (block %d, tx %s)\n", cl.Account(), id, uid, formatAmount(stake), rc.Block, rc.TxHash)
	return nil
}

func runChainAnchors(e *env, args []string) error {
	fs := e.newFlagSet("crucible chain anchors", "SUBNET", "List the epochs anchored for a subnet, and every conflicting root sent after the first.")
	var cf chainFlags
	cf.add(fs, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg(pos, "SUBNET", parseSubnet)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	cl, err := cf.client(ctx, e, false)
	if err != nil {
		return err
	}
	as, err := cl.Anchors(ctx, id)
	if err != nil {
		return err
	}
	if len(as) == 0 {
		fmt.Fprintf(e.stdout, "subnet %d has no anchored epoch yet\n", id)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "epoch\tblock\tcommitment\trecord\tanchorer\t")
	conflicts := 0
	for _, a := range as {
		note := ""
		if a.Conflict {
			conflicts++
			note = "CONFLICT with " + a.First.String()[:10] + "…"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", a.Epoch, a.Block, a.Root, chain.RecordCID(a.RecordDigest), a.Anchorer, note)
	}
	tw.Flush()
	if conflicts > 0 {
		fmt.Fprintf(e.stdout, "\n%d conflicting root(s): an anchorer sent a record that differs from the first one anchored\n", conflicts)
	}
	return nil
}

func runChainVerify(e *env, args []string) error {
	fs := e.newFlagSet("crucible chain verify", "RECEIPT.json",
		"Check an anchor receipt against the chain: the leaf's proof leads to the record's root, and\n"+
			"the contract holds that root and size for the subnet's epoch, anchored by the receipt's transaction.")
	var cf chainFlags
	cf.add(fs, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	path, err := oneArg(pos, "RECEIPT.json", func(s string) (string, error) { return s, nil })
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var rc chain.Receipt
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rc); err != nil {
		return fmt.Errorf("%s is not a receipt: %w", path, err)
	}
	// The receipt names its chain and contract.
	if cf.contract == "" {
		cf.contract = rc.Contract.String()
	}
	if cf.chainID == 0 {
		cf.chainID = rc.ChainID
	}
	ctx, cancel := signalContext()
	defer cancel()
	cl, err := cf.client(ctx, e, false)
	if err != nil {
		return err
	}
	if err := cl.VerifyReceipt(ctx, rc); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "verified: leaf %d of %d of subnet %d epoch %d is in record %s, anchored on chain %d by tx %s in block %d\n",
		rc.Index, rc.Size, rc.Subnet, rc.Epoch, chain.RecordCID(rc.RecordDigest), rc.ChainID, rc.TxHash, rc.Block)
	return nil
}

func parseSubnet(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("subnet %q: want a number", s)
	}
	return id, nil
}

// parseAmount reads wei: an integer, or a decimal with an eth or gwei
// suffix (1.5eth), below 2^256.
func parseAmount(s string) (*big.Int, error) {
	in := s
	s = strings.ToLower(strings.TrimSpace(s))
	unit := new(big.Rat).SetInt64(1)
	for _, u := range []struct {
		suffix string
		exp    int64
	}{{"ether", 18}, {"eth", 18}, {"gwei", 9}, {"wei", 0}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s = strings.TrimSpace(v)
			unit.SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(u.exp), nil))
			break
		}
	}
	if !decimal.MatchString(s) {
		return nil, fmt.Errorf("%q is not an amount: want wei, or a decimal number with eth or gwei (1.5eth)", in)
	}
	r, _ := new(big.Rat).SetString(s)
	r.Mul(r, unit)
	if !r.IsInt() {
		return nil, fmt.Errorf("%q is a fraction of a wei", in)
	}
	if r.Num().BitLen() > 256 {
		return nil, fmt.Errorf("%q is more than any account can hold (2^256 wei)", in)
	}
	return r.Num(), nil
}

var decimal = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// formatAmount writes wei as ether where it is a round number of
// micro-ether, else as wei.
func formatAmount(v *big.Int) string {
	if v == nil || v.Sign() == 0 {
		return "0"
	}
	r := new(big.Rat).SetFrac(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil))
	if s := r.FloatString(6); strings.TrimRight(strings.TrimRight(s, "0"), ".") != "0" {
		if back, _ := new(big.Rat).SetString(s); back.Cmp(r) == 0 {
			return strings.TrimRight(strings.TrimRight(s, "0"), ".") + " eth"
		}
	}
	return v.String() + " wei"
}

func formatPeerID(b []byte) string {
	if p, err := tasks.PeerIDFromBytes(b); err == nil {
		return p.String()
	}
	return fmt.Sprintf("0x%x", b)
}
