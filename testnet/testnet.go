package testnet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/node"
	"github.com/crucible-net/crucible/tasks"
)

// Config configures a local testnet. DefaultConfig gives the one
// `crucible testnet` runs.
type Config struct {
	// Subnet is the subnet directory (subnet.json, evaluator, programs).
	Subnet string
	// Nodes is how many nodes run, at least 2; Validators of them (at
	// least 1, fewer than Nodes) validate, the first one also owns the
	// subnet, and the rest mine.
	Nodes, Validators int
	// Epochs, if positive, ends Run after that many epochs are anchored.
	Epochs int
	// Tempo, if positive, replaces the subnet's tempo in blocks; its
	// windows keep their share of the epoch.
	Tempo uint64
	// BlockTime is the least time between blocks. The chain moves on
	// only once every node has seen its head (a slow machine makes a slow
	// chain, not a different result).
	BlockTime time.Duration
	// Dir keeps the network's data (chain, each node's data dir, logs);
	// empty is a temporary directory removed by Close. It must not exist
	// or be empty.
	Dir string
	// Processes runs each node as its own OS process (`crucible run`)
	// rather than in this one.
	Processes bool
	// Crucible is the crucible executable Processes runs; empty is this
	// program.
	Crucible string
	// Out receives the live view; nil discards it.
	Out io.Writer
	// Command is how the live view spells the crucible command in the
	// commands it suggests ("go run ./cmd/crucible").
	Command string
}

// Defaults of Config.
const (
	DefaultSubnet     = "examples/linreg"
	DefaultNodes      = 7
	DefaultValidators = 3
	DefaultBlockTime  = 250 * time.Millisecond
)

// Stakes registered: validators hold far more than miners, so that the
// validators' weights are a stake majority (Yuma's kappa) while every
// miner still holds the subnet's minimum.
var (
	validatorStake = new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
	minerStake     = big.NewInt(1e18)
)

// DefaultConfig is `crucible testnet` without flags: the linreg subnet,
// one owner-validator, two more validators and four miners.
func DefaultConfig() Config {
	return Config{Subnet: DefaultSubnet, Nodes: DefaultNodes, Validators: DefaultValidators, BlockTime: DefaultBlockTime,
		Command: "crucible"}
}

// ErrConfig: the testnet's configuration is invalid.
var ErrConfig = errors.New("invalid testnet configuration")

func (c Config) validate() error {
	switch {
	case c.Nodes < 2 || c.Nodes > 64:
		return fmt.Errorf("%w: --nodes %d, want 2 to 64", ErrConfig, c.Nodes)
	case c.Validators < 1 || c.Validators >= c.Nodes:
		return fmt.Errorf("%w: --validators %d, want 1 to %d (one fewer than --nodes, so that someone mines)", ErrConfig, c.Validators, c.Nodes-1)
	case c.Epochs < 0:
		return fmt.Errorf("%w: --epochs %d, want 0 (until Ctrl-C) or more", ErrConfig, c.Epochs)
	case c.BlockTime < 10*time.Millisecond:
		return fmt.Errorf("%w: block time %v, want at least 10ms", ErrConfig, c.BlockTime)
	case c.Tempo != 0 && c.Tempo < 4:
		return fmt.Errorf("%w: --tempo %d, want at least 4 blocks", ErrConfig, c.Tempo)
	}
	return nil
}

// Member is one node of the testnet.
type Member struct {
	Index int
	// Label says what it does: "owner, validator", "miner (honest)".
	Label     string
	Validator bool
	Role      Role
	Peer      string
	Dir       string
	API       string // http://127.0.0.1:PORT
	Addrs     []string

	peerID  gossip.PeerID // Peer, as the chain registers it
	n       *node.Node    // in-process
	stop    func()        // ends an in-process node's Run
	done    chan struct{} // closed when the node has stopped
	exitErr error         // why, once done is closed
	proc    *exec.Cmd     // a node process
	prog    *exec.Cmd     // its program, if any
	progEnd chan struct{} // closed when prog exits
}

// Network is a running testnet.
type Network struct {
	cfg      Config
	sub      *Subnet
	dir      string
	temp     bool
	dev      *chain.DevChain
	reader   *chain.Client
	subnet   uint64
	manifest tasks.Manifest
	programs map[string]string
	members  []*Member
	http     *http.Client

	// stalled holds, for a member whose evaluations the chain stopped
	// waiting for, that epoch plus one; Run's goroutine only.
	stalled    map[*Member]uint64
	stallAfter time.Duration

	mu     sync.Mutex // guards epochs, shown, and members' Role and Label
	epochs []EpochView
	shown  map[uint64]bool
	// progMu serializes starting and stopping programs (SetRole, Close).
	progMu sync.Mutex
	closed bool // under progMu

	closeOnce sync.Once
	closeErr  error
}

// Start builds the subnet's programs, starts the embedded dev chain,
// deploys the contract, creates the subnet, registers and stakes every
// node, and starts the nodes and their programs. The chain does not move
// until Run. Close the network when done.
func Start(ctx context.Context, cfg Config) (_ *Network, err error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Command == "" {
		cfg.Command = "crucible"
	}
	nw := &Network{cfg: cfg, shown: map[uint64]bool{}, stalled: map[*Member]uint64{}, stallAfter: stallAfter, http: &http.Client{Timeout: 10 * time.Second}}
	defer func() {
		if err != nil {
			nw.Close()
		}
	}()
	if nw.sub, err = LoadSubnet(ctx, cfg.Subnet, node.DefaultNetwork); err != nil {
		return nil, err
	}
	nw.sub.Manifest.Timing = withTempo(nw.sub.Manifest.Timing, cfg.Tempo)
	if err := nw.sub.Manifest.Validate(); err != nil {
		return nil, fmt.Errorf("%w: --tempo %d does not fit the subnet's windows: %v", ErrConfig, cfg.Tempo, err)
	}
	if err := nw.makeDir(); err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Out, "building the programs of subnet %q...\n", nw.sub.Manifest.Name)
	if nw.programs, err = nw.sub.buildPrograms(ctx, filepath.Join(nw.dir, "bin")); err != nil {
		return nil, err
	}
	if cfg.Processes && cfg.Crucible == "" {
		if nw.cfg.Crucible, err = os.Executable(); err != nil {
			return nil, err
		}
	}

	// The chain: mined by Run, one block at a time; until then only
	// transactions make blocks.
	if nw.dev, err = chain.StartDevChain(ctx, filepath.Join(nw.dir, "chain"), chain.DevConfig{Accounts: cfg.Nodes + 2}); err != nil {
		return nil, err
	}
	if _, err := nw.dev.EnsureContract(ctx, chain.Options{}); err != nil {
		return nil, err
	}
	if nw.reader, err = nw.dev.Client(ctx, -1, chain.Options{}); err != nil {
		return nil, err
	}

	// Identities first: the chain registers peer IDs.
	for i := range cfg.Nodes {
		m := &Member{Index: i, Validator: i < cfg.Validators, Dir: filepath.Join(nw.dir, fmt.Sprintf("node-%d", i))}
		if m.Validator {
			m.Role = pick(nw.sub.Validators, i)
		} else {
			m.Role = pick(nw.sub.Miners, i-cfg.Validators)
		}
		m.Label = label(m, i)
		if err := os.MkdirAll(m.Dir, 0o700); err != nil {
			return nil, err
		}
		id, err := gossip.LoadIdentity(m.Dir)
		if err != nil {
			return nil, err
		}
		m.peerID = id.PeerID()
		m.Peer = m.peerID.String()
		nw.members = append(nw.members, m)
	}
	if err := nw.createSubnet(ctx); err != nil {
		return nil, err
	}
	for _, m := range nw.members {
		stake := minerStake
		if m.Validator {
			stake = validatorStake
		}
		cl, err := nw.dev.Client(ctx, m.Index+1, chain.Options{})
		if err != nil {
			return nil, err
		}
		if _, _, err := cl.Register(ctx, nw.subnet, []byte(m.peerID), stake); err != nil {
			return nil, fmt.Errorf("register node %d: %w", m.Index, err)
		}
	}

	// Each node bootstraps from every node started before it: a full
	// mesh, so that a validator reaches every miner directly.
	var boot []string
	for _, m := range nw.members {
		if err := nw.startNode(ctx, m, boot); err != nil {
			return nil, err
		}
		for _, a := range m.Addrs {
			if !strings.Contains(a, "/p2p/") {
				a += "/p2p/" + m.Peer
			}
			boot = append(boot, a)
		}
	}
	if err := nw.writeObserver(boot); err != nil {
		return nil, err
	}
	for _, m := range nw.members {
		if err := nw.startProgram(m); err != nil {
			return nil, err
		}
	}
	return nw, nil
}

// pick returns the role for the i-th node of a kind, cycling through
// the subnet's list; no list is a plain node.
func pick(roles []Role, i int) Role {
	if len(roles) == 0 {
		return Role{}
	}
	return roles[i%len(roles)]
}

func label(m *Member, i int) string {
	l := "miner"
	if m.Validator {
		l = "validator"
		if i == 0 {
			l = "owner, validator"
		}
	}
	name := m.Role.Label
	if name == "" && len(m.Role.Args) > 0 {
		name = strings.TrimLeft(m.Role.Args[len(m.Role.Args)-1], "-")
	}
	if name == "" && m.Role.Program != "" {
		name = filepath.Base(m.Role.Program)
	}
	if name != "" {
		l += " (" + name + ")"
	}
	return l
}

// makeDir makes the network's directory: Config.Dir, which must be new or
// empty, or a temporary one.
func (nw *Network) makeDir() error {
	if nw.cfg.Dir == "" {
		d, err := os.MkdirTemp("", "crucible-testnet-")
		if err != nil {
			return err
		}
		nw.dir, nw.temp = d, true
		return nil
	}
	d, err := filepath.Abs(nw.cfg.Dir)
	if err != nil {
		return err
	}
	if ents, err := os.ReadDir(d); err == nil && len(ents) > 0 {
		return fmt.Errorf("%w: --dir %s is not empty; remove it or name a new directory (a testnet starts from a fresh chain)", ErrConfig, d)
	}
	if err := os.MkdirAll(d, 0o700); err != nil {
		return err
	}
	nw.dir = d
	return nil
}

// createSubnet puts the evaluator and manifest in the owner's store and
// creates the subnet on chain from the owner's account.
func (nw *Network) createSubnet(ctx context.Context) error {
	owner := nw.members[0]
	st, err := contentstore.Open(ctx, owner.Dir)
	if err != nil {
		return err
	}
	defer st.Close()
	ec, err := st.AddFile(ctx, bytes.NewReader(nw.sub.Evaluator), contentstore.DefaultProfile, nil)
	if err != nil {
		return err
	}
	m := nw.sub.Manifest
	if m.Evaluator, err = tasks.ParseLink(ec.String()); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrSubnet, err)
	}
	data, _, err := tasks.Encode(m)
	if err != nil {
		return err
	}
	mc, err := st.PutDagCBOR(ctx, data)
	if err != nil {
		return err
	}
	if err := st.Pin(ctx, mc, true); err != nil {
		return err
	}
	cl, err := nw.dev.Client(ctx, owner.Index+1, chain.Options{})
	if err != nil {
		return err
	}
	nw.subnet, _, err = cl.CreateSubnet(ctx, mc.String(), uint32(m.Timing.Tempo), chain.SubnetParams{MinStake: minerStake, MaxNeurons: 256})
	if err != nil {
		return fmt.Errorf("create subnet: %w", err)
	}
	nw.manifest = m
	return nil
}

// nodeConfig is member m's configuration.
func (nw *Network) nodeConfig(m *Member, boot []string) node.Config {
	c := node.TestnetConfig()
	c.Subnets = []uint64{nw.subnet}
	c.P2P.MDNS = false // loopback only: peers come from the bootstrap list
	c.P2P.DHT = "off"
	c.P2P.Bootstrap = boot
	c.Chain.RPC = nw.dev.URL()
	c.Chain.Contract = nw.reader.Contract().String()
	c.Chain.ChainID = nw.dev.ChainID()
	c.Chain.Key = chain.DevKeyPath(nw.dev.Dir(), m.Index+1)
	c.Chain.Confirmations = 0 // the dev chain's blocks are final
	c.Chain.PollMS = int(max(10*time.Millisecond, nw.cfg.BlockTime/5) / time.Millisecond)
	c.Validator.Enabled = m.Validator
	if m.Role.Weights != "" {
		c.Validator.Weights = m.Role.Weights
	}
	return c
}

// startNode starts member m's node and waits until its API answers.
func (nw *Network) startNode(ctx context.Context, m *Member, boot []string) error {
	cfg := nw.nodeConfig(m, boot)
	if err := os.WriteFile(filepath.Join(m.Dir, node.ConfigFile), []byte(cfg.TOML()), 0o600); err != nil {
		return err
	}
	logs, err := os.OpenFile(filepath.Join(m.Dir, "node.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	m.done = make(chan struct{})
	finish := func(err error) { m.exitErr = err; logs.Close(); close(m.done) }
	if nw.cfg.Processes {
		cmd := exec.Command(nw.cfg.Crucible, "--data-dir", m.Dir, "run")
		cmd.Stdout, cmd.Stderr = logs, logs
		cmd.SysProcAttr = procAttr() // Ctrl-C reaches the testnet, which stops it
		if err := cmd.Start(); err != nil {
			logs.Close()
			return fmt.Errorf("start node %d: %w", m.Index, err)
		}
		m.proc = cmd
		go func() { finish(cmd.Wait()) }()
	} else {
		n, err := node.New(ctx, m.Dir, cfg, node.Parts{Logs: logs})
		if err != nil {
			logs.Close()
			return fmt.Errorf("node %d: %w", m.Index, err)
		}
		m.n = n
		rctx, cancel := context.WithCancel(context.Background())
		m.stop = cancel
		go func() { finish(n.Run(rctx)) }()
	}
	// Wait for the API: the address file, then a status with the
	// subnet followed.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if addr, err := node.ReadAPIAddr(m.Dir); err == nil {
			m.API = "http://" + addr
			var st node.Status
			if err := nw.get(ctx, m.API+"/v1/status", &st); err == nil && len(st.Subnets) > 0 {
				m.Addrs = st.Addrs
				return nil
			}
		}
		select {
		case <-m.done:
			return fmt.Errorf("node %d stopped while starting: %v (see %s)", m.Index, m.exitErr, filepath.Join(m.Dir, "node.log"))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond): // polling with a deadline
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("node %d did not come up within a minute (see %s)", m.Index, filepath.Join(m.Dir, "node.log"))
		}
	}
}

// startProgram starts member m's program, if its role has one.
func (nw *Network) startProgram(m *Member) error {
	if m.Role.Program == "" {
		return nil
	}
	args := append([]string{"-api", m.API, "-token-file", filepath.Join(m.Dir, "api.token"), "-subnet", fmt.Sprint(nw.subnet)}, m.Role.Args...)
	cmd := exec.Command(nw.programs[m.Role.Program], args...)
	cmd.Dir = m.Dir
	logs, err := os.OpenFile(filepath.Join(m.Dir, "program.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		logs.Close()
		return fmt.Errorf("start %s for node %d: %w", m.Role.Program, m.Index, err)
	}
	m.prog, m.progEnd = cmd, make(chan struct{})
	go func() { cmd.Wait(); logs.Close(); close(m.progEnd) }()
	return nil
}

// stopProgram stops member m's program: SIGTERM, then SIGKILL.
func stopProgram(m *Member) {
	if m.prog == nil {
		return
	}
	syscall.Kill(-m.prog.Process.Pid, syscall.SIGTERM)
	select {
	case <-m.progEnd:
	case <-time.After(3 * time.Second):
		syscall.Kill(-m.prog.Process.Pid, syscall.SIGKILL)
		<-m.progEnd
	}
	m.prog = nil
}

// SetRole restarts node i's program as role r's: how a test (or a
// curious user) changes a miner's quality in the middle of a run.
func (nw *Network) SetRole(i int, r Role) error {
	if i < 0 || i >= len(nw.members) {
		return fmt.Errorf("%w: no node %d", ErrConfig, i)
	}
	if r.Program != "" && nw.programs[r.Program] == "" {
		return fmt.Errorf("%w: program %q was not built; it must be one the subnet's roles name", ErrConfig, r.Program)
	}
	nw.progMu.Lock()
	defer nw.progMu.Unlock()
	if nw.closed {
		return fmt.Errorf("%w: the network is closed", ErrConfig)
	}
	m := nw.members[i]
	stopProgram(m)
	nw.mu.Lock()
	m.Role = r
	m.Label = label(m, i)
	nw.mu.Unlock()
	return nw.startProgram(m)
}

// writeObserver writes a data dir for an observer: a node that joins the
// network without a role, for `crucible verify`.
func (nw *Network) writeObserver(boot []string) error {
	dir := nw.ObserverDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if _, err := gossip.LoadIdentity(dir); err != nil {
		return err
	}
	obs := &Member{Index: nw.cfg.Nodes} // the spare dev account
	c := nw.nodeConfig(obs, boot)
	c.Validator.Enabled = false
	return os.WriteFile(filepath.Join(dir, node.ConfigFile), []byte(c.TOML()), 0o600)
}

// ObserverDir is a data dir configured to join the network as an
// observer (not started by the testnet).
func (nw *Network) ObserverDir() string { return filepath.Join(nw.dir, "observer") }

// Dir is the network's directory.
func (nw *Network) Dir() string { return nw.dir }

// Subnet is the example subnet's id on the chain.
func (nw *Network) Subnet() uint64 { return nw.subnet }

// Manifest is the subnet's manifest.
func (nw *Network) Manifest() tasks.Manifest { return nw.manifest }

// Members are the nodes.
func (nw *Network) Members() []*Member { return nw.members }

// Chain is a read-only client of the network's chain.
func (nw *Network) Chain() *chain.Client { return nw.reader }

// get reads url's JSON into out.
func (nw *Network) get(ctx context.Context, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := nw.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, bytes.TrimSpace(b))
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Close stops the programs, the nodes and the chain, and removes the
// network's directory if it was a temporary one. It is safe to call more
// than once.
func (nw *Network) Close() error {
	nw.closeOnce.Do(func() {
		nw.progMu.Lock()
		nw.closed = true
		nw.progMu.Unlock()
		var wg sync.WaitGroup
		for _, m := range nw.members {
			wg.Add(1)
			go func() { defer wg.Done(); stopProgram(m) }()
		}
		wg.Wait()
		errs := make([]error, len(nw.members))
		for i, m := range nw.members {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = stopNode(m) }()
		}
		wg.Wait()
		if nw.dev != nil {
			errs = append(errs, nw.dev.Close())
		}
		if nw.temp {
			errs = append(errs, os.RemoveAll(nw.dir))
		}
		nw.closeErr = errors.Join(errs...)
	})
	return nw.closeErr
}

// stopNode stops member m's node: an in-process node's Run ends and it
// closes; a process gets SIGINT (the graceful stop Ctrl-C gives) and, if
// it is still there after the node's shutdown grace, SIGKILL.
func stopNode(m *Member) error {
	switch {
	case m.n != nil:
		m.stop()
		<-m.done
		return errors.Join(m.exitErr, m.n.Close())
	case m.proc != nil:
		syscall.Kill(m.proc.Process.Pid, syscall.SIGINT)
		select {
		case <-m.done:
		case <-time.After(node.DefaultShutdownGrace + 5*time.Second):
			m.proc.Process.Kill()
			<-m.done
		}
	}
	return nil
}
