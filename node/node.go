package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/sandbox"
)

// Parts are parts made elsewhere that a node should use instead of making
// its own: the testnet and tests hand in a chain client.
type Parts struct {
	// Chain, if set, is used instead of dialling cfg.Chain; the node does
	// not close it.
	Chain *chain.Client
	// Logs receives the node's logs; nil is standard error.
	Logs io.Writer
}

// Node is one Crucible node on its data directory: identity, content
// store, gossip network, chain connection, and the local API. The data path
// reads top to bottom in New.
type Node struct {
	dir     string
	cfg     Config
	log     *slog.Logger
	lock    *dirLock
	id      *gossip.Identity
	store   *contentstore.Store
	net     *gossip.Network
	exch    *contentstore.Exchange
	chain   *chain.Client
	api     *api
	started time.Time

	state    *stateStore
	minerDir string         // where miner programs run
	mineMu   sync.Mutex     // one miner program at a time
	mineWG   sync.WaitGroup // miner runs in flight
	// mineStart orders mineWG.Add before Close's Wait.
	mineStart sync.Mutex
	mineQueue atomic.Int32 // miner runs waiting or running
	closing   atomic.Bool
	closed    chan struct{} // closed by Close: ends background work
	signer    *signer
	answerMu  sync.Mutex // guards the answers state
	roundMu   sync.Mutex // guards the weights and epochs state
	cacheDir  string     // compiled modules and outputs being evaluated
	sbMu      sync.Mutex
	sb        *sandbox.Sandbox // made on first evaluation
	metrics   roundMetrics
	// life ends when Close starts: background work (evaluations,
	// anchors) stops with it.
	life    context.Context
	endLife context.CancelFunc

	followOne sync.Mutex // serializes Follow
	followMu  sync.Mutex // guards followers and trying
	followers map[uint64]*follower
	trying    map[uint64]bool // subnets a background Follow is working on
	bg        sync.WaitGroup  // background follows and followers' readers

	closeOnce sync.Once
	closeErr  error
}

// New assembles a node on the data dir dir with configuration cfg (see
// LoadConfig). It takes the data dir's lock first: two processes never
// share one data dir. Close the node when done; Run serves it.
//
// # Errors
//
// ErrLocked if another node runs on dir; ErrConfig for a bad
// configuration; gossip.ErrKeyPermissions or gossip.ErrBadIdentity for
// a key file to fix; a wrapped error naming the part that failed
// otherwise.
func New(ctx context.Context, dir string, cfg Config, parts Parts) (_ *Node, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	n := &Node{dir: dir, cfg: cfg, started: time.Now(), followers: map[uint64]*follower{}, trying: map[uint64]bool{}}
	n.closed = make(chan struct{})
	n.life, n.endLife = context.WithCancel(context.Background())
	n.minerDir = filepath.Join(dir, "miner")
	n.cacheDir = filepath.Join(dir, cacheDir)
	n.log = newLogger(parts.Logs, cfg.Log.Format, cfg.Log.Level)
	defer func() {
		if err != nil {
			n.Close()
		}
	}()

	if n.lock, err = lockDataDir(dir); err != nil {
		return nil, err
	}
	if n.id, err = gossip.LoadIdentity(dir); err != nil {
		return nil, err
	}
	base := n.log
	n.log = n.log.With("peer", n.id.PeerID().String())
	// The chain first: without it the node can do nothing, so it should
	// fail before it joins the network.
	if parts.Chain != nil {
		n.chain = parts.Chain
	} else if n.chain, err = dialChain(ctx, dir, cfg); err != nil {
		return nil, err
	}
	if n.state, err = openState(filepath.Join(dir, stateDir)); err != nil {
		return nil, err
	}
	if n.signer, err = newSigner(n.id); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(n.minerDir, 0o700); err != nil {
		return nil, fmt.Errorf("miner directory: %w", err)
	}
	if err := os.MkdirAll(n.cacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("cache directory: %w", err)
	}
	if n.store, err = contentstore.Open(ctx, dir); err != nil {
		return nil, fmt.Errorf("open content store: %w", err)
	}
	gcfg, err := cfg.gossipConfig(filepath.Join(dir, stateDir))
	if err != nil {
		return nil, err
	}
	gcfg.Logger = base.With("part", "gossip") // gossip adds the peer ID itself
	if n.net, err = gossip.New(ctx, gcfg, n.id); err != nil {
		return nil, err
	}
	n.exch, err = n.store.StartExchange(ctx, n.net.Host(), contentstore.ExchangeOptions{
		OnBadPeer: func(p gossip.PeerID, err error) {
			n.log.Warn("peer sent a bad block", "from", p.String(), "err", err)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("start content exchange: %w", err)
	}
	if n.api, err = newAPI(n); err != nil {
		return nil, err
	}
	n.log.Info("node ready", "network", cfg.Network, "api", n.api.addr, "addrs", n.net.Addrs())
	return n, nil
}

// dialChain connects to the configured chain, or to the dev chain recorded
// in the data dir.
func dialChain(ctx context.Context, dir string, cfg Config) (*chain.Client, error) {
	rpc, contract, key, chainID := cfg.Chain.RPC, cfg.Chain.Contract, cfg.Chain.Key, cfg.Chain.ChainID
	if rpc == "" {
		info, err := chain.ReadDevInfo(filepath.Join(dir, chainDir))
		if err != nil {
			return nil, fmt.Errorf("no chain configured and no dev chain in %s (%v): run `crucible chain dev --data-dir %s`, or set chain.rpc and chain.contract",
				filepath.Join(dir, chainDir), err, dir)
		}
		if info.Contract == nil || info.RPC == "" {
			return nil, fmt.Errorf("the dev chain in %s has not deployed its contract yet: start `crucible chain dev --data-dir %s`",
				filepath.Join(dir, chainDir), dir)
		}
		rpc, contract, chainID = info.RPC, info.Contract.String(), info.ChainID
		if key == "" {
			key = chain.DevKeyPath(filepath.Join(dir, chainDir), 0)
		}
	}
	addr, err := chain.ParseAddress(contract)
	if err != nil {
		return nil, fmt.Errorf("%w: chain.contract: %v", ErrConfig, err)
	}
	if key == "" {
		return nil, fmt.Errorf("%w: chain.key: the node needs an account key file to register and anchor", ErrConfig)
	}
	k, err := chain.LoadKey(key, os.Getenv("CRUCIBLE_KEY_PASSWORD"))
	if err != nil {
		return nil, fmt.Errorf("chain key %s: %w", key, err)
	}
	confirmations := cfg.Chain.Confirmations
	if cfg.Chain.RPC == "" {
		// The dev chain's blocks are final; waiting for confirmations
		// there only hides a contract a fresh chain deployed a block ago.
		confirmations = 0
	}
	cl, err := chain.Dial(ctx, rpc, chainID, addr, k, chain.Options{Confirmations: confirmations})
	if errors.Is(err, chain.ErrUnavailable) && cfg.Chain.RPC == "" {
		return nil, fmt.Errorf("%w\nis `crucible chain dev --data-dir %s` running? It serves %s", err, dir, rpc)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to chain %s: %w", rpc, err)
	}
	return cl, nil
}

// Run serves the node until ctx ends, then shuts down gracefully: the API
// stops taking requests and finishes the ones in flight (bounded by
// DefaultShutdownGrace). It returns nil after a clean shutdown.
func (n *Node) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- n.api.serve() }()
	tick := time.NewTicker(time.Duration(n.cfg.Chain.PollMS) * time.Millisecond)
	defer tick.Stop()
	fatal := make(chan error, 1)
	n.followConfigured(ctx, fatal)
loop:
	for {
		select {
		case err := <-errc:
			if err == nil {
				return nil // closed by Close
			}
			return fmt.Errorf("API server: %w", err)
		case err := <-fatal:
			n.log.Error("stopping", "err", err)
			sctx, cancel := context.WithTimeout(context.Background(), DefaultShutdownGrace)
			defer cancel()
			n.api.shutdown(sctx)
			return err
		case <-ctx.Done():
			break loop
		case <-tick.C:
			n.followConfigured(ctx, fatal)
			n.refreshFollowers(ctx)
		}
	}
	n.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), DefaultShutdownGrace)
	defer cancel()
	return n.api.shutdown(sctx)
}

// followConfigured starts following, in the background, the configured
// subnets not followed yet; one that fails (its manifest not reachable
// yet) is tried again on a later tick, without holding up the ticks that
// reveal answers. Damaged state is fatal: it goes to fatal.
func (n *Node) followConfigured(ctx context.Context, fatal chan<- error) {
	for _, s := range n.cfg.Subnets {
		n.followMu.Lock()
		busy := n.followers[s] != nil || n.trying[s]
		if !busy {
			n.trying[s] = true
		}
		n.followMu.Unlock()
		if busy {
			continue
		}
		n.bg.Add(1)
		go func() {
			defer n.bg.Done()
			defer func() {
				n.followMu.Lock()
				delete(n.trying, s)
				n.followMu.Unlock()
			}()
			fctx, cancel := context.WithTimeout(ctx, manifestFetchTimeout)
			defer cancel()
			go func() {
				select {
				case <-n.closed:
					cancel()
				case <-fctx.Done():
				}
			}()
			err := n.Follow(fctx, s)
			switch {
			case errors.Is(err, ErrCorruptState):
				select {
				case fatal <- err:
				default:
				}
			case err != nil && ctx.Err() == nil:
				n.log.Warn("cannot follow subnet yet; will retry", "subnet", s, "err", err)
			}
		}()
	}
}

// followed returns the subnets' followers.
func (n *Node) followed() []*follower {
	n.followMu.Lock()
	defer n.followMu.Unlock()
	fs := make([]*follower, 0, len(n.followers))
	for _, f := range n.followers {
		fs = append(fs, f)
	}
	return fs
}

func (n *Node) refreshFollowers(ctx context.Context) {
	for _, f := range n.followed() {
		if err := f.refresh(ctx); err != nil && ctx.Err() == nil {
			n.log.Warn("chain read failed; keeping the last view", "subnet", f.subnet, "err", err)
			continue
		}
		f.mu.Lock()
		head := f.head
		f.mu.Unlock()
		n.advance(ctx, f)
		f.mu.Lock()
		f.acted = max(f.acted, head)
		f.mu.Unlock()
	}
}

// Close releases everything New acquired, in reverse order, and the data
// dir's lock last. It is safe to call twice.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.mineStart.Lock()
		n.closing.Store(true)
		n.mineStart.Unlock()
		close(n.closed)
		n.endLife()
		n.mineWG.Wait()
		var errs []error
		if n.api != nil {
			errs = append(errs, n.api.close())
		}
		n.followMu.Lock()
		for _, f := range n.followers {
			f.close()
		}
		n.followMu.Unlock()
		if n.exch != nil {
			errs = append(errs, n.exch.Close())
		}
		if n.net != nil {
			errs = append(errs, n.net.Close())
		}
		n.bg.Wait() // followers' readers end with the network
		n.followMu.Lock()
		for _, f := range n.followers {
			if f.round.evaluator != nil {
				errs = append(errs, f.round.evaluator.Close())
			}
		}
		n.followMu.Unlock()
		if n.sb != nil {
			errs = append(errs, n.sb.Close())
		}
		if n.store != nil {
			errs = append(errs, n.store.Close())
		}
		errs = append(errs, n.lock.release())
		n.closeErr = errors.Join(errs...)
	})
	return n.closeErr
}

// PeerID returns the node's peer ID.
func (n *Node) PeerID() gossip.PeerID { return n.id.PeerID() }

// APIAddr returns the address the API listens on.
func (n *Node) APIAddr() string { return n.api.addr }

// Network returns the node's gossip network.
func (n *Node) Network() *gossip.Network { return n.net }

// Store returns the node's content store.
func (n *Node) Store() *contentstore.Store { return n.store }

func newLogger(w io.Writer, format, level string) *slog.Logger {
	if w == nil {
		w = os.Stderr
	}
	var lv slog.Level
	lv.UnmarshalText([]byte(level)) // Validate checked it
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
