package chain

import (
	"cmp"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/rpc"
)

// DevConfig configures an embedded dev chain. The zero value is valid.
type DevConfig struct {
	// ChainID of a new dev chain. Default 31337. An existing chain keeps
	// the id it was created with; 0 accepts it, another one is an error.
	ChainID uint64

	// BlockTime is the time between blocks. 0 (the default) mines a block
	// as soon as a transaction arrives, and none otherwise.
	BlockTime time.Duration

	// Accounts is how many prefunded dev accounts a new chain gets (1,000,000
	// ether each). Default 10.
	Accounts int

	// HTTPAddr is where JSON-RPC is served. Default "127.0.0.1:0", a free
	// port on loopback only.
	HTTPAddr string
}

// DevChain is an embedded, persistent go-ethereum dev chain: one node
// with a simulated beacon, its data under a directory of its own, serving
// JSON-RPC on loopback. Stopped and started again on the same directory,
// it is back at the same height with the same state.
//
// # Notes
//
// Every block's state is written to disk (archive mode), so a chain killed
// with SIGKILL comes back at or a few blocks before its last block, never
// with a broken state; geth writes without syncing, so the last blocks may
// be lost. Anchors sent in those blocks are sent again by Client.Anchor.
// Only one process may run a chain directory at a time.
type DevChain struct {
	dir    string
	stack  *node.Node
	eth    *eth.Ethereum
	beacon *catalyst.SimulatedBeacon
	keys   []*ecdsa.PrivateKey
	info   DevInfo
	url    string

	closeOnce sync.Once
	closeErr  error
}

// DevInfo is what a dev chain records in <dir>/devchain.json: what must
// stay the same on every start, and what other processes need to use the
// chain (its endpoint while it runs, its contract).
type DevInfo struct {
	ChainID  uint64 `json:"chainId"`
	Accounts int    `json:"accounts"`
	// Contract is the Crucible contract, once deployed.
	Contract *Address `json:"contract,omitempty"`
	// RPC is the JSON-RPC endpoint of the running chain; it is left
	// behind when the chain stops.
	RPC string `json:"rpc,omitempty"`
}

// ReadDevInfo reads what the dev chain in dir recorded.
func ReadDevInfo(dir string) (DevInfo, error) {
	var info DevInfo
	b, err := os.ReadFile(filepath.Join(dir, devInfoFile))
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("%s is damaged: %w", filepath.Join(dir, devInfoFile), err)
	}
	return info, nil
}

const devInfoFile = "devchain.json"

// StartDevChain starts the dev chain in dir (a node's <datadir>/chain),
// creating it on first use: a genesis that funds the dev accounts, whose
// keys are written to dir/keys (mode 0600). Close it when done.
func StartDevChain(ctx context.Context, dir string, cfg DevConfig) (*DevChain, error) {
	if cfg.Accounts <= 0 {
		cfg.Accounts = 10
	}
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = "127.0.0.1:0"
	}
	host, portStr, err := net.SplitHostPort(cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("dev chain: HTTP address %q: %w", cfg.HTTPAddr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("dev chain: HTTP port %q: %w", portStr, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "keys"), 0o700); err != nil {
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	// The node locks the directory first, so that two processes never
	// create keys or a chain in it at once.
	stack, err := node.New(&node.Config{
		Name:             "crucible-dev",
		DataDir:          dir,
		HTTPHost:         host,
		HTTPPort:         port,
		HTTPModules:      []string{"eth", "net", "web3", "txpool"},
		HTTPVirtualHosts: []string{"localhost", "127.0.0.1"},
		P2P:              p2p.Config{MaxPeers: 0, NoDial: true, NoDiscovery: true, ListenAddr: ""},
	})
	if err != nil {
		return nil, fmt.Errorf("dev chain in %s: %w", dir, err)
	}
	d := &DevChain{dir: dir, stack: stack}
	fresh := false
	switch info, err := ReadDevInfo(dir); {
	case errors.Is(err, os.ErrNotExist):
		fresh = true
		d.info = DevInfo{ChainID: cmp.Or(cfg.ChainID, 31337), Accounts: cfg.Accounts}
	case err != nil:
		stack.Close()
		return nil, fmt.Errorf("dev chain: %w", err)
	default:
		d.info = info
		if cfg.ChainID != 0 && info.ChainID != cfg.ChainID {
			stack.Close()
			return nil, fmt.Errorf("dev chain in %s has chain id %d, not %d: %w (use another directory for another chain)", dir, info.ChainID, cfg.ChainID, ErrWrongChain)
		}
	}
	for i := range d.info.Accounts {
		k, err := devKey(dir, i, fresh)
		if err != nil {
			stack.Close()
			return nil, err
		}
		d.keys = append(d.keys, k)
	}

	ec := ethconfig.Defaults
	ec.NetworkId = d.info.ChainID
	ec.SyncMode = ethconfig.FullSync
	// Archive mode: every block's state goes to disk, so a crash never
	// loses more than the last few blocks (see Notes).
	ec.StateScheme, ec.NoPruning = "hash", true
	ec.DatabaseCache, ec.TrieCleanCache, ec.SnapshotCache = 64, 32, 0
	ec.Miner.GasPrice = big.NewInt(1)
	// Do not resend our own old transactions after a restart.
	ec.TxPool.NoLocals, ec.TxPool.Journal = true, ""
	// Always the same genesis (it depends only on the chain id and the
	// keys): geth checks it against the stored one, and builds the same
	// chain again if the chain's data is gone, rather than a mainnet one.
	ec.Genesis = d.genesis()
	backend, err := eth.New(stack, &ec)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	fs := filters.NewFilterSystem(backend.APIBackend, filters.Config{})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(fs)}})
	beacon, err := catalyst.NewSimulatedBeacon(uint64(cfg.BlockTime/time.Second), common.Address{}, backend)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	// With a block time of 0 this also makes the beacon mine each new
	// transaction at once.
	catalyst.RegisterSimulatedBeaconAPIs(stack, beacon)
	stack.RegisterLifecycle(beacon)
	if err := stack.Start(); err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: start: %w", err)
	}
	d.eth, d.beacon, d.url = backend, beacon, stack.HTTPEndpoint()
	d.info.RPC = d.url
	if err := d.saveInfo(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// genesis funds the dev accounts, with every fork of Ethereum mainnet
// today active from block 0.
func (d *DevChain) genesis() *core.Genesis {
	g := core.DeveloperGenesisBlock(30_000_000, nil)
	cfg := *g.Config // a copy: the default is a shared global
	cfg.ChainID = new(big.Int).SetUint64(d.info.ChainID)
	mainnetRules(&cfg)
	g.Config = &cfg
	for _, k := range d.keys {
		g.Alloc[keyAddress(k)] = types.Account{Balance: DevFunds()}
	}
	return g
}

// devKey loads dev account i's key from dir/keys, creating it for a new
// chain.
func devKey(dir string, i int, create bool) (*ecdsa.PrivateKey, error) {
	path := DevKeyPath(dir, i)
	k, err := crypto.LoadECDSA(path)
	if err == nil {
		return k, nil
	}
	if !create || !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("dev chain: key %s: %w", path, err)
	}
	if k, err = crypto.GenerateKey(); err != nil {
		return nil, err
	}
	if err := crypto.SaveECDSA(path, k); err != nil {
		return nil, fmt.Errorf("dev chain: write key: %w", err)
	}
	return k, nil
}

// DevKeyPath is where the dev chain in dir keeps account i's private key
// (hex, mode 0600).
func DevKeyPath(dir string, i int) string {
	return filepath.Join(dir, "keys", fmt.Sprintf("dev-%d.key", i))
}

func (d *DevChain) saveInfo() error {
	b, err := json.MarshalIndent(d.info, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(d.dir, devInfoFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("dev chain: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(d.dir, devInfoFile)); err != nil {
		return fmt.Errorf("dev chain: %w", err)
	}
	return nil
}

// Mine seals n blocks now, with whatever transactions are pending: on a
// chain without a block time, the way to move the epoch clock.
func (d *DevChain) Mine(n int) {
	for range n {
		d.beacon.Commit()
	}
}

// URL is the JSON-RPC endpoint, http://127.0.0.1:PORT.
func (d *DevChain) URL() string { return d.url }

// ChainID is the dev chain's id.
func (d *DevChain) ChainID() uint64 { return d.info.ChainID }

// Keys are the dev accounts' keys; the first deploys the contract.
func (d *DevChain) Keys() []*ecdsa.PrivateKey { return d.keys }

// Dir is the chain's directory.
func (d *DevChain) Dir() string { return d.dir }

// Contract returns the address of the Crucible contract deployed on this
// chain by EnsureContract, if any.
func (d *DevChain) Contract() (Address, bool) {
	if d.info.Contract == nil {
		return Address{}, false
	}
	return *d.info.Contract, true
}

// EnsureContract deploys the Crucible contract from the first dev account
// unless this chain has one already, and records its address in the
// chain's directory. It returns a client acting as that account.
func (d *DevChain) EnsureContract(ctx context.Context, o Options) (*Client, error) {
	rpcCl := ethclient.NewClient(d.stack.Attach())
	if addr, ok := d.Contract(); ok {
		cl, err := connect(ctx, rpcCl, new(big.Int).SetUint64(d.info.ChainID), addr, d.keys[0], o)
		if !errors.Is(err, ErrNoContract) {
			return cl, err
		}
		// The chain's data was lost and the chain built again from its
		// genesis: deploy again.
	}
	cl, _, err := Deploy(ctx, rpcCl, d.keys[0], o)
	if err != nil {
		return nil, err
	}
	addr := cl.Contract()
	d.info.Contract = &addr
	if err := d.saveInfo(); err != nil {
		return nil, err
	}
	return cl, nil
}

// Client returns a client of this chain's contract over its JSON-RPC
// endpoint in process, acting as dev account i (or read-only for i < 0).
func (d *DevChain) Client(ctx context.Context, i int, o Options) (*Client, error) {
	addr, ok := d.Contract()
	if !ok {
		return nil, fmt.Errorf("dev chain in %s: %w: no contract deployed yet", d.dir, ErrNoContract)
	}
	var key *ecdsa.PrivateKey
	if i >= 0 {
		if i >= len(d.keys) {
			return nil, fmt.Errorf("dev chain: no account %d (have %d)", i, len(d.keys))
		}
		key = d.keys[i]
	}
	return connect(ctx, ethclient.NewClient(d.stack.Attach()), new(big.Int).SetUint64(d.info.ChainID), addr, key, o)
}

// Close stops the chain, writing its state to disk. It is safe to call
// more than once.
func (d *DevChain) Close() error {
	d.closeOnce.Do(func() {
		if d.stack != nil {
			d.closeErr = d.stack.Close()
		}
	})
	return d.closeErr
}

// Dial connects to a Crucible contract over JSON-RPC (any EVM endpoint: an
// L2, a company's geth, the dev chain of another process), checking the
// chain id (if chainID is not 0) and the contract. key may be nil for
// reads only.
func Dial(ctx context.Context, rawURL string, chainID uint64, contractAddr Address, key *ecdsa.PrivateKey, o Options) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") {
		return nil, fmt.Errorf("chain RPC %q: want an http(s):// or ws(s):// URL", rawURL)
	}
	rc, err := rpc.DialContext(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("chain RPC %s: %w: %v", rawURL, ErrUnavailable, err)
	}
	var want *big.Int
	if chainID != 0 {
		want = new(big.Int).SetUint64(chainID)
	}
	cl, err := connect(ctx, ethclient.NewClient(rc), want, contractAddr, key, o)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return cl, nil
}

// DeployTo deploys the Crucible contract over JSON-RPC from key's account.
func DeployTo(ctx context.Context, rawURL string, chainID uint64, key *ecdsa.PrivateKey, o Options) (*Client, TxReceipt, error) {
	rc, err := rpc.DialContext(ctx, rawURL)
	if err != nil {
		return nil, TxReceipt{}, fmt.Errorf("chain RPC %s: %w: %v", rawURL, ErrUnavailable, err)
	}
	backend := ethclient.NewClient(rc)
	if chainID != 0 {
		got, err := retry(ctx, o.withDefaults(), "read the chain id", func() (*big.Int, error) { return backend.ChainID(ctx) })
		if err != nil {
			return nil, TxReceipt{}, err
		}
		if got.Uint64() != chainID {
			return nil, TxReceipt{}, fmt.Errorf("%w: %s serves chain id %s, not %d", ErrWrongChain, rawURL, got, chainID)
		}
	}
	return Deploy(ctx, backend, key, o)
}
