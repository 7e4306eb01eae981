package gossip

import (
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// Defaults of [Config], as named constants so that docs and `crucible
// config show` can cite them.
const (
	// DefaultPort is the TCP and UDP (QUIC) port of a node runner's node.
	DefaultPort = 4170
	// DefaultConnLow and DefaultConnHigh are the connection manager's
	// water marks: above High it trims down to Low, sparing peers that
	// pubsub protects (mesh members) and recent ones.
	DefaultConnLow  = 64
	DefaultConnHigh = 192
	// DefaultConnGrace is how long a new connection is safe from trimming.
	DefaultConnGrace = time.Minute
	// DefaultReplayWindow is how long an accepted message's ID is kept to
	// recognise a replay: two days, longer than any epoch plus its reveal
	// window and far longer than pubsub's own 2-minute seen cache.
	DefaultReplayWindow = 48 * time.Hour
	// DefaultValidateTimeout bounds one application validator call.
	DefaultValidateTimeout = 2 * time.Second
	// DefaultValidateThrottle bounds the validations in flight at once, over
	// all topics; beyond it, messages are dropped (and counted), which is
	// what protects the node's CPU from a flood.
	DefaultValidateThrottle = 1024
)

// DHTMode says how a node takes part in the Kademlia DHT.
type DHTMode int

const (
	// DHTAuto serves the DHT only when the node is publicly reachable.
	DHTAuto DHTMode = iota
	// DHTServer always answers DHT queries (testnets, bootstrap nodes).
	DHTServer
	// DHTClient queries but never answers.
	DHTClient
	// DHTOff runs no DHT: peers come only from bootstrap, mDNS and
	// peer exchange.
	DHTOff
)

// Config configures a [Network]. Start from [DefaultConfig] or
// [TestnetConfig]; the zero value is not valid.
type Config struct {
	// Network names the network (for example "mainnet" or "testnet-7").
	// It prefixes every topic and the DHT protocols, so nodes of two
	// networks never mix. Lower-case letters, digits and '-', 1-32 long.
	Network string
	// ListenAddrs are multiaddrs to listen on, TCP and QUIC (quic-v1).
	ListenAddrs []string
	// AnnounceAddrs, when set, replace the listen addresses in what the
	// node tells other peers (behind NAT or a load balancer).
	AnnounceAddrs []string
	// Bootstrap peers, full multiaddrs with /p2p/<peer ID>. The node dials
	// them at start and every 30 s those it is not connected to.
	Bootstrap []string
	// MDNS finds peers on the local network by multicast DNS. It is on
	// only in TestnetConfig: on a real network it would announce the
	// node to everyone on the LAN.
	MDNS bool
	// DHT is the node's role in the Kademlia DHT, whose protocols are
	// /crucible/<network>/kad/1.0.0: a separate DHT from IPFS's.
	DHT DHTMode
	// ConnLow, ConnHigh and ConnGrace configure the connection manager
	// (see DefaultConnLow).
	ConnLow, ConnHigh int
	ConnGrace         time.Duration
	// IPColocation enables the peer-score penalty for many peers behind
	// one IP (Sybils). Off on a loopback testnet, where every peer is
	// 127.0.0.1.
	IPColocation bool
	// StateDir, when set, keeps the replay memory in a file there, so a
	// message replayed after a restart is still recognised. Empty keeps
	// it in memory only.
	StateDir string
	// ReplayWindow is how long an accepted message is remembered.
	ReplayWindow time.Duration
	// ValidateTimeout bounds one application validator call; on timeout
	// the message is ignored.
	ValidateTimeout time.Duration
	// ValidateThrottle bounds concurrent validations over all topics.
	ValidateThrottle int
	// Logger receives the network's logs; nil discards them.
	Logger *slog.Logger

	// heartbeat and seenTTL shorten gossipsub's timers in tests and
	// simulations; zero keeps pubsub's defaults (1 s, 2 min).
	heartbeat, seenTTL time.Duration
}

// DefaultConfig is the configuration of a node runner's node on network:
// all interfaces on DefaultPort (TCP and QUIC), DHT in auto mode, no mDNS,
// IP colocation penalties on.
func DefaultConfig(network string) Config {
	return Config{
		Network: network,
		ListenAddrs: []string{
			fmt.Sprintf("/ip4/0.0.0.0/tcp/%d", DefaultPort),
			fmt.Sprintf("/ip4/0.0.0.0/udp/%d/quic-v1", DefaultPort),
			fmt.Sprintf("/ip6/::/tcp/%d", DefaultPort),
			fmt.Sprintf("/ip6/::/udp/%d/quic-v1", DefaultPort),
		},
		DHT:              DHTAuto,
		ConnLow:          DefaultConnLow,
		ConnHigh:         DefaultConnHigh,
		ConnGrace:        DefaultConnGrace,
		IPColocation:     true,
		ReplayWindow:     DefaultReplayWindow,
		ValidateTimeout:  DefaultValidateTimeout,
		ValidateThrottle: DefaultValidateThrottle,
	}
}

// TestnetConfig is the configuration of a node of a local testnet: free
// TCP and QUIC ports on 127.0.0.1, DHT server, mDNS on, no IP colocation
// penalty (every peer shares 127.0.0.1).
func TestnetConfig(network string) Config {
	c := DefaultConfig(network)
	c.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"}
	c.DHT = DHTServer
	c.MDNS = true
	c.IPColocation = false
	return c
}

var networkName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// parsed is a validated Config with its addresses decoded.
type parsed struct {
	Config
	listen, announce []ma.Multiaddr
	bootstrap        []peer.AddrInfo
}

func (c Config) parse() (*parsed, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	if !networkName.MatchString(c.Network) {
		return nil, bad("network name %q: use 1-32 lower-case letters, digits and '-'", c.Network)
	}
	p := &parsed{Config: c}
	var err error
	if p.listen, err = multiaddrs("listen", c.ListenAddrs); err != nil {
		return nil, err
	}
	if len(p.listen) == 0 {
		return nil, bad("no listen address: give at least one, such as /ip4/0.0.0.0/tcp/%d", DefaultPort)
	}
	if p.announce, err = multiaddrs("announce", c.AnnounceAddrs); err != nil {
		return nil, err
	}
	for _, s := range c.Bootstrap {
		ai, err := peer.AddrInfoFromString(s)
		if err != nil {
			return nil, bad("bootstrap peer %q: %v (want a multiaddr ending in /p2p/<peer ID>)", s, err)
		}
		p.bootstrap = append(p.bootstrap, *ai)
	}
	if c.ConnLow <= 0 || c.ConnHigh < c.ConnLow {
		return nil, bad("connection water marks low=%d high=%d: need 0 < low <= high", c.ConnLow, c.ConnHigh)
	}
	if c.ConnGrace < 0 {
		return nil, bad("connection grace period %v is negative", c.ConnGrace)
	}
	if c.ReplayWindow < 2*time.Minute {
		return nil, bad("replay window %v: must be at least pubsub's 2-minute seen cache", c.ReplayWindow)
	}
	if c.ValidateTimeout <= 0 {
		return nil, bad("validate timeout %v must be positive", c.ValidateTimeout)
	}
	if c.ValidateThrottle <= 0 {
		return nil, bad("validate throttle %d must be positive", c.ValidateThrottle)
	}
	if c.DHT < DHTAuto || c.DHT > DHTOff {
		return nil, bad("unknown DHT mode %d", c.DHT)
	}
	if p.seenTTL == 0 {
		p.seenTTL = defaultSeenTTL
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	return p, nil
}

func multiaddrs(what string, ss []string) ([]ma.Multiaddr, error) {
	out := make([]ma.Multiaddr, 0, len(ss))
	for _, s := range ss {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, fmt.Errorf("%w: %s address %q: %v", ErrConfig, what, s, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Check reports whether the configuration is valid, without starting
// anything: the same checks New makes.
func (c Config) Check() error {
	_, err := c.parse()
	return err
}
