package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/crucible-net/crucible/chain/internal/contract"
)

// Options tune a Client. The zero value of a field means its default.
type Options struct {
	// Confirmations is how many blocks must follow a block before reads
	// trust it (views, anchors, epoch seeds) and before an anchor counts
	// as landed. Default 0 on the dev and simulated chains, where blocks
	// are final; set it for a real chain.
	Confirmations uint64

	// GasCap is the most gas one transaction may use; a higher estimate
	// is ErrGasCap. Default 3,000,000.
	GasCap uint64

	// ReceiptTimeout bounds the wait for a sent transaction's receipt
	// (and its confirmations). Default 2 minutes.
	ReceiptTimeout time.Duration

	// PollInterval is how often receipts and new blocks are polled for.
	// Default 200 ms.
	PollInterval time.Duration

	// RetryFor is how long calls keep retrying an RPC endpoint that does
	// not answer (it may be restarting) before ErrUnavailable. Default
	// 30 s.
	RetryFor time.Duration

	// Logger, if set, receives one line per transaction sent and per
	// retry. Default: none.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.GasCap == 0 {
		o.GasCap = 3_000_000
	}
	if o.ReceiptTimeout == 0 {
		o.ReceiptTimeout = 2 * time.Minute
	}
	if o.PollInterval == 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.RetryFor == 0 {
		o.RetryFor = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// rpcBackend is what a Client needs of a chain: the ethclient methods
// that both a JSON-RPC client and the simulated backend provide.
type rpcBackend interface {
	bind.ContractBackend
	ethereum.ChainIDReader
	ethereum.BlockNumberReader
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
}

// Client talks to the Crucible contract on one chain, as one account (or
// none, for reads only). It is safe for concurrent use: transactions from
// several goroutines get consecutive nonces.
type Client struct {
	rpc      rpcBackend
	chainID  *big.Int
	contract common.Address
	c        *contract.Crucible
	bound    *bind.BoundContract
	opts     Options
	tx       *sender // nil without a key

	// afterSend, if set, runs after each transaction is sent: the
	// simulated chain mines it there.
	afterSend func()
}

// connect checks that backend serves chainID (if not nil) and that the
// Crucible contract is at addr, and returns a client acting as key (which
// may be nil).
func connect(ctx context.Context, backend rpcBackend, chainID *big.Int, addr Address, key *ecdsa.PrivateKey, o Options) (*Client, error) {
	o = o.withDefaults()
	got, err := retry(ctx, o, "read the chain id", func() (*big.Int, error) { return backend.ChainID(ctx) })
	if err != nil {
		return nil, err
	}
	if chainID != nil && got.Cmp(chainID) != 0 {
		return nil, fmt.Errorf("%w: the endpoint serves chain id %s, not %s", ErrWrongChain, got, chainID)
	}
	cl := &Client{rpc: backend, chainID: got, contract: common.Address(addr), c: contract.NewCrucible(), opts: o}
	cl.bound = cl.c.Instance(backend, cl.contract)
	if key != nil {
		cl.tx = newSender(cl, key)
	}
	if addr.IsZero() {
		return cl, nil // for Deploy
	}
	code, err := retry(ctx, o, "read the contract code", func() ([]byte, error) { return backend.CodeAt(ctx, cl.contract, nil) })
	if err != nil {
		return nil, err
	}
	if len(code) == 0 {
		return nil, fmt.Errorf("%w %s on chain %s: deploy one with `crucible chain deploy`, or check --contract", ErrNoContract, addr, got)
	}
	// One view that only this contract answers this way.
	if _, err := cl.SubnetCount(ctx); err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrNoContract, addr, err)
	}
	return cl, nil
}

// ChainID is the id of the chain the client talks to.
func (cl *Client) ChainID() *big.Int { return new(big.Int).Set(cl.chainID) }

// Contract is the address of the Crucible contract.
func (cl *Client) Contract() Address { return Address(cl.contract) }

// Account is the client's account, or the zero address without a key.
func (cl *Client) Account() Address {
	if cl.tx == nil {
		return Address{}
	}
	return Address(cl.tx.from)
}

// Balance returns the wei an account holds.
func (cl *Client) Balance(ctx context.Context, a Address) (*big.Int, error) {
	return retry(ctx, cl.opts, "read a balance", func() (*big.Int, error) {
		return cl.rpc.BalanceAt(ctx, common.Address(a), nil)
	})
}

// Head returns the number of the latest block.
func (cl *Client) Head(ctx context.Context) (uint64, error) {
	return retry(ctx, cl.opts, "read the head block", func() (uint64, error) { return cl.rpc.BlockNumber(ctx) })
}

// Confirmed returns the newest block that has Options.Confirmations blocks
// after it: the block reads trust.
func (cl *Client) Confirmed(ctx context.Context) (uint64, error) {
	head, err := cl.Head(ctx)
	if err != nil {
		return 0, err
	}
	if head < cl.opts.Confirmations {
		return 0, nil
	}
	return head - cl.opts.Confirmations, nil
}

// call runs a view at the confirmed block and decodes a revert.
func call[T any](ctx context.Context, cl *Client, what string, data []byte, unpack func([]byte) (T, error)) (T, error) {
	var zero T
	block, err := cl.Confirmed(ctx)
	if err != nil {
		return zero, err
	}
	out, err := retry(ctx, cl.opts, what, func() ([]byte, error) {
		return cl.rpc.CallContract(ctx, ethereum.CallMsg{To: &cl.contract, Data: data}, new(big.Int).SetUint64(block))
	})
	if err != nil {
		return zero, cl.decode(err, what)
	}
	v, err := unpack(out)
	if err != nil {
		return zero, fmt.Errorf("%s: decode the answer: %w", what, err)
	}
	return v, nil
}

// Deploy deploys the Crucible contract from key's account and returns a
// client for it.
func Deploy(ctx context.Context, backend rpcBackend, key *ecdsa.PrivateKey, o Options) (*Client, TxReceipt, error) {
	return deploy(ctx, backend, key, o, nil)
}

func deploy(ctx context.Context, backend rpcBackend, key *ecdsa.PrivateKey, o Options, afterSend func()) (*Client, TxReceipt, error) {
	cl, err := connect(ctx, backend, nil, Address{}, key, o)
	if err != nil {
		return nil, TxReceipt{}, err
	}
	if cl.tx == nil {
		return nil, TxReceipt{}, errNilKey
	}
	cl.afterSend = afterSend
	r, err := cl.tx.transact(ctx, "deploy the contract", nil, common.FromHex(contract.CrucibleMetaData.Bin), nil)
	if err != nil {
		return nil, TxReceipt{}, err
	}
	cl.contract = r.ContractAddress
	cl.bound = cl.c.Instance(backend, cl.contract)
	return cl, receiptOf(r), nil
}

// SubnetCount is the number of subnets created; their ids are 0 to
// SubnetCount-1.
func (cl *Client) SubnetCount(ctx context.Context) (uint64, error) {
	return call(ctx, cl, "read the subnet count", cl.c.PackSubnetCount(), cl.c.UnpackSubnetCount)
}

// CreateSubnet creates a subnet owned by the client's account, whose epoch
// 0 starts at the block that includes the transaction, and returns its id.
func (cl *Client) CreateSubnet(ctx context.Context, manifestCID string, tempo uint32, p SubnetParams) (uint64, TxReceipt, error) {
	if cl.tx == nil {
		return 0, TxReceipt{}, errNilKey
	}
	params := contract.CrucibleSubnetParams{MinStake: orZero(p.MinStake), AnchorMinStake: orZero(p.AnchorMinStake), UnstakeDelay: p.UnstakeDelay, MaxNeurons: p.MaxNeurons}
	r, err := cl.tx.transact(ctx, "create subnet", &cl.contract, cl.c.PackCreateSubnet(manifestCID, tempo, params), nil)
	if err != nil {
		return 0, TxReceipt{}, err
	}
	for _, l := range r.Logs {
		if ev, err := cl.c.UnpackSubnetCreatedEvent(l); err == nil {
			return ev.Subnet, receiptOf(r), nil
		}
	}
	return 0, receiptOf(r), errors.New("create subnet: the receipt has no SubnetCreated event")
}

// SetManifest replaces a subnet's manifest. Only the subnet's owner may.
func (cl *Client) SetManifest(ctx context.Context, subnet uint64, manifestCID string) (TxReceipt, error) {
	if cl.tx == nil {
		return TxReceipt{}, errNilKey
	}
	r, err := cl.tx.transact(ctx, "set manifest", &cl.contract, cl.c.PackSetManifest(subnet, manifestCID), nil)
	return receiptOf(r), err
}

// Subnet reads a subnet.
func (cl *Client) Subnet(ctx context.Context, id uint64) (Subnet, error) {
	info, err := call(ctx, cl, fmt.Sprintf("read subnet %d", id), cl.c.PackSubnetInfo(id), cl.c.UnpackSubnetInfo)
	if err != nil {
		return Subnet{}, err
	}
	return Subnet{
		ID: id, Owner: Address(info.Owner), ManifestCID: info.ManifestCID, Tempo: info.Tempo, Start: info.Start,
		Params:      SubnetParams{MinStake: info.Params.MinStake, AnchorMinStake: info.Params.AnchorMinStake, UnstakeDelay: info.Params.UnstakeDelay, MaxNeurons: info.Params.MaxNeurons},
		NeuronCount: info.NeuronCount,
	}, nil
}

// Register registers the client's account in a subnet under a libp2p peer
// ID (binary), with stake wei, and returns its uid.
func (cl *Client) Register(ctx context.Context, subnet uint64, peerID []byte, stake *big.Int) (uint32, TxReceipt, error) {
	if cl.tx == nil {
		return 0, TxReceipt{}, errNilKey
	}
	r, err := cl.tx.transact(ctx, fmt.Sprintf("register in subnet %d", subnet), &cl.contract, cl.c.PackRegister(subnet, peerID), orZero(stake))
	if err != nil {
		return 0, TxReceipt{}, err
	}
	for _, l := range r.Logs {
		if ev, err := cl.c.UnpackRegisteredEvent(l); err == nil {
			return ev.Uid, receiptOf(r), nil
		}
	}
	return 0, receiptOf(r), errors.New("register: the receipt has no Registered event")
}

// AddStake adds amount wei to the client's stake in a subnet.
func (cl *Client) AddStake(ctx context.Context, subnet uint64, amount *big.Int) (TxReceipt, error) {
	if cl.tx == nil {
		return TxReceipt{}, errNilKey
	}
	r, err := cl.tx.transact(ctx, fmt.Sprintf("add stake in subnet %d", subnet), &cl.contract, cl.c.PackAddStake(subnet), orZero(amount))
	return receiptOf(r), err
}

// Unstake takes amount wei out of the client's stake in a subnet; Withdraw
// pays it out once the subnet's unstake delay has passed.
func (cl *Client) Unstake(ctx context.Context, subnet uint64, amount *big.Int) (TxReceipt, error) {
	if cl.tx == nil {
		return TxReceipt{}, errNilKey
	}
	r, err := cl.tx.transact(ctx, fmt.Sprintf("unstake in subnet %d", subnet), &cl.contract, cl.c.PackUnstake(subnet, orZero(amount)), nil)
	return receiptOf(r), err
}

// Withdraw pays out what the client unstaked in a subnet, once unlocked.
func (cl *Client) Withdraw(ctx context.Context, subnet uint64) (TxReceipt, error) {
	if cl.tx == nil {
		return TxReceipt{}, errNilKey
	}
	r, err := cl.tx.transact(ctx, fmt.Sprintf("withdraw from subnet %d", subnet), &cl.contract, cl.c.PackWithdraw(subnet), nil)
	return receiptOf(r), err
}

// neuronsPage is how many neurons one call reads.
const neuronsPage = 256

// Neurons reads every neuron of a subnet, by uid: the stake side of the
// metagraph. All pages are read at the same confirmed block.
func (cl *Client) Neurons(ctx context.Context, subnet uint64) ([]Neuron, error) {
	block, err := cl.Confirmed(ctx)
	if err != nil {
		return nil, err
	}
	return cl.NeuronsAt(ctx, subnet, block)
}

// NeuronsAt reads every neuron of a subnet as of block: the stake snapshot
// of the epoch that starts there. Nodes (unlike archive nodes) keep the
// state of recent blocks only, so read a snapshot soon after its block.
func (cl *Client) NeuronsAt(ctx context.Context, subnet, block uint64) ([]Neuron, error) {
	var out []Neuron
	for start := uint32(0); ; start += neuronsPage {
		data := cl.c.PackNeuronsPage(subnet, start, neuronsPage)
		raw, err := retry(ctx, cl.opts, "read neurons", func() ([]byte, error) {
			return cl.rpc.CallContract(ctx, ethereum.CallMsg{To: &cl.contract, Data: data}, new(big.Int).SetUint64(block))
		})
		if err != nil {
			return nil, cl.decode(err, fmt.Sprintf("read the neurons of subnet %d", subnet))
		}
		page, err := cl.c.UnpackNeuronsPage(raw)
		if err != nil {
			return nil, fmt.Errorf("read the neurons of subnet %d: %w", subnet, err)
		}
		for i, n := range page {
			out = append(out, Neuron{UID: start + uint32(i), Account: Address(n.Account), PeerID: n.PeerID, Stake: n.Stake, RegisteredAt: n.RegisteredAt, Active: n.Active})
		}
		if len(page) < neuronsPage {
			return out, nil
		}
	}
}

// UID returns an account's uid in a subnet and whether it is registered.
func (cl *Client) UID(ctx context.Context, subnet uint64, account Address) (uid uint32, registered bool, err error) {
	out, err := call(ctx, cl, fmt.Sprintf("read the uid of %s", account), cl.c.PackUidOf(subnet, common.Address(account)), cl.c.UnpackUidOf)
	if err != nil {
		return 0, false, err
	}
	return out.Uid, out.Registered, nil
}

// AnchorOf returns the root anchored for a subnet's epoch as of the
// confirmed block, or ErrNotAnchored.
func (cl *Client) AnchorOf(ctx context.Context, subnet, epoch uint64) (Hash, error) {
	root, err := call(ctx, cl, fmt.Sprintf("read the anchor of subnet %d epoch %d", subnet, epoch), cl.c.PackAnchorOf(subnet, epoch), cl.c.UnpackAnchorOf)
	if err != nil {
		return Hash{}, err
	}
	if root == ([32]byte{}) {
		return Hash{}, fmt.Errorf("subnet %d epoch %d: %w", subnet, epoch, ErrNotAnchored)
	}
	return Hash(root), nil
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

func receiptOf(r *types.Receipt) TxReceipt {
	if r == nil {
		return TxReceipt{}
	}
	return TxReceipt{TxHash: Hash(r.TxHash), Block: r.BlockNumber.Uint64(), GasUsed: r.GasUsed}
}

// PrivateKeyAddress returns the address of the account whose key is the
// 32-byte secp256k1 private key hexKey would decode to; it is a helper for
// key files.
func keyAddress(key *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(key.PublicKey) }
