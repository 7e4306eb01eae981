package chain

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
)

// Simulated is an in-process chain for tests: nothing is mined until
// Commit, so the test decides where every block, and so every epoch
// boundary, falls. It runs go-ethereum's simulated backend with the fork
// rules of Ethereum mainnet today (not go-ethereum's dev defaults, which
// enable future gas repricing), so gas figures are real ones.
type Simulated struct {
	b      *simulated.Backend
	keys   []*ecdsa.PrivateKey
	manual atomic.Bool // auto-mining is off

	// mine serialises block production: go-ethereum's simulated beacon
	// deadlocks when two goroutines commit at once.
	mine sync.Mutex
}

// NewSimulated starts a simulated chain with n funded accounts (1,000,000
// ether each). Close it when done.
func NewSimulated(n int) (*Simulated, error) {
	if n < 1 {
		n = 1
	}
	alloc := types.GenesisAlloc{}
	keys := make([]*ecdsa.PrivateKey, n)
	for i := range keys {
		k, err := crypto.GenerateKey()
		if err != nil {
			return nil, err
		}
		keys[i] = k
		alloc[keyAddress(k)] = types.Account{Balance: DevFunds()}
	}
	b := simulated.NewBackend(alloc, func(_ *node.Config, ec *ethconfig.Config) {
		cfg := *ec.Genesis.Config // a copy: the default is a shared global
		mainnetRules(&cfg)
		ec.Genesis.Config = &cfg
	})
	return &Simulated{b: b, keys: keys}, nil
}

// Commit mines the pending transactions into a new block. It is safe to
// call from several goroutines.
func (s *Simulated) Commit() {
	s.mine.Lock()
	defer s.mine.Unlock()
	s.b.Commit()
}

// Mine mines n blocks, to move the epoch clock.
func (s *Simulated) Mine(n int) {
	for range n {
		s.Commit()
	}
}

// Fork makes the block numbered parent the head, dropping the blocks
// after it and their transactions: a reorganisation, for tests. The
// blocks mined next build the new branch.
func (s *Simulated) Fork(ctx context.Context, parent uint64) error {
	s.mine.Lock()
	defer s.mine.Unlock()
	h, err := s.b.Client().HeaderByNumber(ctx, new(big.Int).SetUint64(parent))
	if err != nil {
		return err
	}
	if err := s.b.Fork(h.Hash()); err != nil {
		return err
	}
	// The dropped transactions do not come back by themselves.
	s.b.Rollback()
	return nil
}

// Keys returns the funded accounts' keys.
func (s *Simulated) Keys() []*ecdsa.PrivateKey { return s.keys }

// Close stops the chain.
func (s *Simulated) Close() error { return s.b.Close() }

// SetAutoMine chooses whether each transaction a client of this chain
// sends is mined at once in a block of its own (the default), or waits
// for Commit. With auto-mining off, a client blocks in a send until the
// test commits from another goroutine.
func (s *Simulated) SetAutoMine(on bool) { s.manual.Store(!on) }

// Deploy deploys the contract from the first account and returns a client
// for that account.
func (s *Simulated) Deploy(ctx context.Context, o Options) (*Client, error) {
	cl, _, err := deploy(ctx, s.b.Client(), s.keys[0], o, s.afterSend)
	return cl, err
}

// Client returns a client for the contract at addr acting as account i
// (or read-only for i < 0).
func (s *Simulated) Client(ctx context.Context, addr Address, i int, o Options) (*Client, error) {
	var key *ecdsa.PrivateKey
	if i >= 0 {
		if i >= len(s.keys) {
			return nil, fmt.Errorf("simulated chain: no account %d (have %d)", i, len(s.keys))
		}
		key = s.keys[i]
	}
	cl, err := connect(ctx, s.b.Client(), nil, addr, key, o)
	if err != nil {
		return nil, err
	}
	cl.afterSend = s.afterSend
	return cl, nil
}

func (s *Simulated) afterSend() {
	if !s.manual.Load() {
		s.Commit()
	}
}

// mainnetRules turns off the forks go-ethereum's dev configuration enables
// ahead of mainnet (Bogota and later), which reprice storage.
func mainnetRules(cfg *params.ChainConfig) {
	cfg.BogotaTime = nil
}

// DevFunds is what each dev account starts with: 1,000,000 ether.
func DevFunds() *big.Int {
	return new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(params.Ether))
}
