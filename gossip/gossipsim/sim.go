// Package gossipsim runs many gossip networks in one process over
// simulated links: libp2p hosts on go-libp2p's simulated network
// (x/simlibp2p, QUIC over github.com/marcopolo/simnet) with a fixed one-way
// latency per packet and a bandwidth per link, each with a
// [gossip.Network] attached. Under testing/synctest the simulation runs in
// virtual time, so latencies are exact and nothing waits on the wall clock.
//
// It is for tests and benchmarks; nothing in a node uses it.
package gossipsim

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/crucible-net/crucible/gossip"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/x/simlibp2p"
	"github.com/marcopolo/simnet"
	ma "github.com/multiformats/go-multiaddr"
)

// Options shape a simulation.
type Options struct {
	Hosts   int           // number of nodes
	Degree  int           // each node dials this many random others
	Latency time.Duration // one-way latency of every packet
	Jitter  float64       // each packet's latency varies by up to this fraction, uniformly
	Mbps    int           // bandwidth of each node's uplink and downlink
	Seed    uint64        // chooses the random graph
	Network string        // gossip network name; "sim" if empty
	// Config adjusts each node's gossip configuration before it starts.
	Config func(i int, c *gossip.Config)
}

// Sim is a running simulation. Close it inside the synctest bubble that
// created it.
type Sim struct {
	Nets  []*gossip.Network
	hosts []host.Host
	net   *simnet.Simnet
	edges [][2]int
	gate  *groups
}

// New starts opts.Hosts nodes and connects them in a random graph where
// every node dials opts.Degree others. Call it inside synctest.Test.
func New(ctx context.Context, opts Options) (*Sim, error) {
	if opts.Hosts < 2 || opts.Degree < 1 || opts.Degree >= opts.Hosts {
		return nil, fmt.Errorf("gossipsim: need 2 or more hosts and 1 <= degree < hosts, got %d and %d", opts.Hosts, opts.Degree)
	}
	if opts.Network == "" {
		opts.Network = "sim"
	}
	if opts.Mbps == 0 {
		opts.Mbps = 100
	}
	latency := simnet.StaticLatency(opts.Latency)
	if opts.Jitter > 0 {
		var mu sync.Mutex
		jr := mrand.New(mrand.NewPCG(opts.Seed, 1))
		latency = func(*simnet.Packet) time.Duration {
			mu.Lock()
			f := 1 + opts.Jitter*(2*jr.Float64()-1)
			mu.Unlock()
			return time.Duration(float64(opts.Latency) * f)
		}
	}
	s := &Sim{
		net:  &simnet.Simnet{LatencyFunc: latency},
		gate: &groups{group: map[peer.ID]int{}},
	}
	link := simnet.LinkSettings{BitsPerSecond: opts.Mbps * simlibp2p.OneMbps}
	ls := simnet.NodeBiDiLinkSettings{Downlink: link, Uplink: link}
	for i := range opts.Hosts {
		g := &gate{groups: s.gate}
		h, err := libp2p.New(
			libp2p.ListenAddrStrings(fmt.Sprintf("/ip4/%s/udp/8000/quic-v1", simnet.IntToPublicIPv4(i))),
			simlibp2p.QUICSimnet(s.net, ls),
			libp2p.DisableIdentifyAddressDiscovery(), // it stalls synctest (simlibp2p's note)
			libp2p.ResourceManager(&network.NullResourceManager{}),
			libp2p.ConnectionGater(g),
		)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("gossipsim: host %d: %w", i, err)
		}
		g.self = h.ID()
		s.hosts = append(s.hosts, h)
	}
	s.net.Start()
	for i, h := range s.hosts {
		cfg := gossip.TestnetConfig(opts.Network)
		cfg.MDNS = false
		cfg.DHT = gossip.DHTOff
		if opts.Config != nil {
			opts.Config(i, &cfg)
		}
		n, err := gossip.Attach(ctx, h, cfg)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("gossipsim: node %d: %w", i, err)
		}
		s.Nets = append(s.Nets, n)
	}
	rng := mrand.New(mrand.NewPCG(opts.Seed, uint64(opts.Hosts)))
	for i := range s.hosts {
		seen := map[int]bool{i: true}
		for len(seen) < opts.Degree+1 {
			j := rng.IntN(opts.Hosts)
			if !seen[j] {
				seen[j] = true
				s.edges = append(s.edges, [2]int{i, j})
			}
		}
	}
	if err := s.connect(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// connect dials every edge of the graph that the partition allows.
func (s *Sim) connect(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(s.edges))
	for _, e := range s.edges {
		a, b := s.hosts[e[0]], s.hosts[e[1]]
		if !s.gate.allowed(a.ID(), b.ID()) {
			continue
		}
		wg.Go(func() {
			if err := a.Connect(ctx, peer.AddrInfo{ID: b.ID(), Addrs: b.Addrs()}); err != nil {
				errs <- fmt.Errorf("gossipsim: connect %s to %s: %w", a.ID(), b.ID(), err)
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// Partition splits the nodes into groups (group(i) for node i): connections
// between groups are closed and new ones refused, as if the network
// between them failed.
func (s *Sim) Partition(group func(i int) int) {
	s.gate.mu.Lock()
	for i, h := range s.hosts {
		s.gate.group[h.ID()] = group(i)
	}
	s.gate.mu.Unlock()
	for _, h := range s.hosts {
		for _, c := range h.Network().Conns() {
			if !s.gate.allowed(h.ID(), c.RemotePeer()) {
				c.Close()
			}
		}
	}
}

// Heal ends the partition and dials the graph's edges again, as nodes'
// bootstrap and discovery would.
func (s *Sim) Heal(ctx context.Context) error {
	s.gate.mu.Lock()
	clear(s.gate.group)
	s.gate.mu.Unlock()
	return s.connect(ctx)
}

// Connect dials node j from node i (for a node that joins late).
func (s *Sim) Connect(ctx context.Context, i, j int) error {
	return s.hosts[i].Connect(ctx, peer.AddrInfo{ID: s.hosts[j].ID(), Addrs: s.hosts[j].Addrs()})
}

// Close stops every node, then the hosts, then the simulated network: the
// order that lets a synctest bubble end.
func (s *Sim) Close() {
	for _, n := range s.Nets {
		n.Close()
	}
	for _, h := range s.hosts {
		h.Close()
	}
	s.net.Close()
}

// groups are the partition: peers of different groups cannot connect.
type groups struct {
	mu    sync.Mutex
	group map[peer.ID]int
}

func (g *groups) allowed(a, b peer.ID) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.group[a] == g.group[b]
}

// gate is one host's connection gater: it refuses peers of another group.
type gate struct {
	*groups
	self peer.ID
}

func (g *gate) InterceptPeerDial(p peer.ID) bool             { return g.allowed(g.self, p) }
func (g *gate) InterceptAddrDial(peer.ID, ma.Multiaddr) bool { return true }
func (g *gate) InterceptAccept(network.ConnMultiaddrs) bool  { return true }
func (g *gate) InterceptSecured(_ network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	return g.allowed(g.self, p)
}
func (g *gate) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }
