package gossip

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
)

// bootstrapInterval is how often the node re-dials bootstrap peers it is
// not connected to.
const bootstrapInterval = 30 * time.Second

// Network is a node's place in the peer-to-peer network: its libp2p host,
// discovery (bootstrap peers, mDNS, the DHT) and GossipSub with the
// validation pipeline and peer scoring. Topics are joined with [Join].
//
// A Network runs from New until Close; its background work (bootstrap
// re-dials, DHT refresh, pubsub's heartbeat) needs no Run call.
type Network struct {
	cfg       *parsed
	host      host.Host
	ownsHost  bool
	dht       *dht.IpfsDHT
	mdns      mdns.Service
	ps        *pubsub.PubSub
	replays   *replays
	viol      *violations
	stats     *tracer
	log       *slog.Logger
	cancel    context.CancelFunc
	done      chan struct{} // closed by Close
	guarded   *guardedHost
	wg        sync.WaitGroup
	closing   atomic.Bool
	closeOnce sync.Once
	closeErr  error

	// mu guards topics and joining. It is never held while calling into
	// pubsub: pubsub's event loop calls back into us (inspectRPC), so
	// holding a lock it needs across a pubsub call would deadlock.
	mu      sync.Mutex
	topics  map[string]*topicState
	joining map[string]bool
	// joined mirrors the names in topics for inspectRPC, lock-free.
	joined sync.Map

	scoresMu sync.Mutex
	scores   map[peer.ID]*pubsub.PeerScoreSnapshot
}

// New starts a node's network: a libp2p host with identity id, listening
// as cfg says (TCP and QUIC; TLS and Noise; yamux), with a connection
// manager and a resource manager scaled to the machine, then discovery
// and GossipSub. Close it when done.
func New(ctx context.Context, cfg Config, id *Identity) (*Network, error) {
	p, err := cfg.parse()
	if err != nil {
		return nil, err
	}
	if id == nil {
		return nil, fmt.Errorf("%w: no identity (see LoadIdentity)", ErrConfig)
	}
	h, err := newHost(p, id)
	if err != nil {
		return nil, err
	}
	n, err := start(ctx, h, p, true)
	if err != nil {
		h.Close()
		return nil, err
	}
	return n, nil
}

// Attach runs the network's discovery and GossipSub on a host the caller
// made and keeps: in simulations and tests, where hosts come from a
// simulated network. cfg's listen and announce addresses and connection
// limits are not used; Close leaves h open.
func Attach(ctx context.Context, h Host, cfg Config) (*Network, error) {
	if len(cfg.ListenAddrs) == 0 {
		cfg.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"} // unused; keeps parse's check
	}
	p, err := cfg.parse()
	if err != nil {
		return nil, err
	}
	return start(ctx, h, p, false)
}

func newHost(p *parsed, id *Identity) (host.Host, error) {
	limits := rcmgr.DefaultLimits
	libp2p.SetDefaultServiceLimits(&limits)
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(limits.AutoScale()))
	if err != nil {
		return nil, fmt.Errorf("resource manager: %w", err)
	}
	cm, err := connmgr.NewConnManager(p.ConnLow, p.ConnHigh, connmgr.WithGracePeriod(p.ConnGrace))
	if err != nil {
		rm.Close()
		return nil, fmt.Errorf("%w: connection manager: %v", ErrConfig, err)
	}
	opts := []libp2p.Option{
		libp2p.Identity(id.key),
		libp2p.ListenAddrs(p.listen...),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		// TLS first: AES-GCM moves bulk bitswap data faster than Noise's
		// ChaCha20 on CPUs with AES instructions (see RATIONALE).
		libp2p.Security(libp2ptls.ID, libp2ptls.New),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.ConnectionManager(cm),
		libp2p.ResourceManager(rm),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
	}
	if len(p.announce) > 0 {
		announce := p.announce
		opts = append(opts, libp2p.AddrsFactory(func([]ma.Multiaddr) []ma.Multiaddr { return announce }))
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("start libp2p host on %v: %w", p.ListenAddrs, err)
	}
	return h, nil
}

func start(ctx context.Context, h host.Host, p *parsed, ownsHost bool) (_ *Network, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	replays, err := openReplays(p.StateDir, p.ReplayWindow, time.Now)
	if err != nil {
		return nil, err
	}
	// The network's own lifetime: pubsub and the DHT keep the context they
	// are given, so it must outlive ctx, which only bounds New.
	life, cancel := context.WithCancel(context.Background())
	n := &Network{
		cfg:      p,
		host:     h,
		ownsHost: ownsHost,
		replays:  replays,
		viol:     newViolations(),
		log:      p.Logger.With("peer", h.ID().String()),
		cancel:   cancel,
		done:     make(chan struct{}),
		topics:   map[string]*topicState{},
		joining:  map[string]bool{},
	}
	n.stats = newTracer(n)
	defer func() {
		if err != nil {
			n.Close()
		}
	}()

	var psOpts []pubsub.Option
	if p.DHT != DHTOff {
		mode := map[DHTMode]dht.ModeOpt{DHTAuto: dht.ModeAuto, DHTServer: dht.ModeServer, DHTClient: dht.ModeClient}[p.DHT]
		n.dht, err = dht.New(h,
			dht.ProtocolPrefix(protocol.ID("/crucible/"+p.Network)),
			dht.Mode(mode),
			dht.BootstrapPeers(p.bootstrap...),
		)
		if err != nil {
			return nil, fmt.Errorf("start DHT: %w", err)
		}
		psOpts = append(psOpts, pubsub.WithDiscovery(drouting.NewRoutingDiscovery(n.dht)))
	}

	prefix := regexp.QuoteMeta(topicPrefix(p.Network))
	filter := pubsub.NewRegexpSubscriptionFilter(regexp.MustCompile(`^` + prefix + `[0-9]+/[a-z]+$`))
	psOpts = append(psOpts,
		pubsub.WithMessageSignaturePolicy(pubsub.StrictSign),
		pubsub.WithMessageIdFn(messageID),
		pubsub.WithMaxMessageSize(maxMessageSize),
		pubsub.WithPeerScore(peerScoreParams(p.IPColocation, n.viol.score), peerScoreThresholds()),
		pubsub.WithPeerScoreInspect(pubsub.ExtendedPeerScoreInspectFn(n.onScores), time.Second),
		pubsub.WithRawTracer(n.stats),
		pubsub.WithValidateThrottle(p.ValidateThrottle),
		pubsub.WithSubscriptionFilter(pubsub.WrapLimitSubscriptionFilter(filter, 1024)),
		pubsub.WithAppSpecificRpcInspector(n.inspectRPC),
		pubsub.WithPeerExchange(true),
		pubsub.WithFloodPublish(true),
		pubsub.WithSeenMessagesTTL(p.seenTTL),
		// pubsub logs routine events (its loop stopping) at Info.
		pubsub.WithLogger(slog.New(minLevel{n.log.Handler(), slog.LevelWarn}).With("part", "pubsub")),
	)
	if p.heartbeat > 0 {
		gp := pubsub.DefaultGossipSubParams()
		gp.HeartbeatInterval = p.heartbeat
		psOpts = append(psOpts, pubsub.WithGossipSubParams(gp))
	}
	n.guarded = &guardedHost{Host: h, n: n}
	n.ps, err = pubsub.NewGossipSub(life, n.guarded, psOpts...)
	if err != nil {
		return nil, fmt.Errorf("start gossipsub: %w", err)
	}

	if len(p.bootstrap) > 0 {
		n.wg.Add(1)
		go n.bootstrapLoop(life)
	}
	if n.dht != nil {
		if err := n.dht.Bootstrap(life); err != nil {
			return nil, fmt.Errorf("bootstrap DHT: %w", err)
		}
	}
	if p.MDNS {
		n.mdns = mdns.NewMdnsService(h, "crucible-"+p.Network, &mdnsNotifee{n: n, ctx: life})
		if err := n.mdns.Start(); err != nil {
			return nil, fmt.Errorf("start mDNS: %w", err)
		}
	}
	return n, nil
}

// messageID is the message ID of pubsub and the replay memory: SHA-256 of
// the topic and the data, so equal bytes on one topic are one message
// whoever signed them, and equal bytes on two topics are two.
func messageID(m *pb.Message) string {
	id := contentID(m.GetTopic(), m.GetData())
	return string(id[:])
}

func contentID(topic string, data []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(topic))
	h.Write([]byte{0})
	h.Write(data)
	return [32]byte(h.Sum(nil))
}

// Done is closed when the network closes.
func (n *Network) Done() <-chan struct{} { return n.done }

// Host returns the libp2p host, for parts that run their own protocols on
// it (contentstore's bitswap).
func (n *Network) Host() Host { return n.host }

// ID returns the node's peer ID.
func (n *Network) ID() PeerID { return n.host.ID() }

// AddrInfo returns what another peer needs to dial this one.
func (n *Network) AddrInfo() AddrInfo { return AddrInfoOf(n.host) }

// Addrs returns the node's full multiaddrs, /p2p/<id> included, as a
// bootstrap list would hold them.
func (n *Network) Addrs() []string {
	var out []string
	for _, a := range n.host.Addrs() {
		out = append(out, a.String()+"/p2p/"+n.host.ID().String())
	}
	return out
}

// Connect dials a peer given as a full multiaddr (…/p2p/<id>).
func (n *Network) Connect(ctx context.Context, addr string) error {
	ai, err := peer.AddrInfoFromString(addr)
	if err != nil {
		return fmt.Errorf("peer address %q: %w (want a multiaddr ending in /p2p/<peer ID>)", addr, err)
	}
	return n.ConnectPeer(ctx, *ai)
}

// ConnectPeer dials a peer.
func (n *Network) ConnectPeer(ctx context.Context, ai AddrInfo) error {
	if n.closing.Load() {
		return ErrClosed
	}
	if err := n.host.Connect(ctx, ai); err != nil {
		return fmt.Errorf("connect to %s: %w", ai.ID, err)
	}
	return nil
}

func (n *Network) bootstrapLoop(ctx context.Context) {
	defer n.wg.Done()
	t := time.NewTicker(bootstrapInterval)
	defer t.Stop()
	for {
		var wg sync.WaitGroup
		for _, ai := range n.cfg.bootstrap {
			if ai.ID == n.host.ID() || n.host.Network().Connectedness(ai.ID) == network.Connected {
				continue
			}
			wg.Go(func() {
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				if err := n.host.Connect(cctx, ai); err != nil && ctx.Err() == nil {
					n.log.Warn("bootstrap peer unreachable", "bootstrap", ai.ID.String(), "err", err)
				}
			})
		}
		wg.Wait()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type mdnsNotifee struct {
	n   *Network
	ctx context.Context
}

func (m *mdnsNotifee) HandlePeerFound(ai peer.AddrInfo) {
	if ai.ID == m.n.host.ID() || m.n.closing.Load() {
		return
	}
	m.n.wg.Go(func() {
		cctx, cancel := context.WithTimeout(m.ctx, 10*time.Second)
		defer cancel()
		if err := m.n.host.Connect(cctx, ai); err != nil {
			m.n.log.Debug("mDNS peer unreachable", "found", ai.ID.String(), "err", err)
		}
	})
}

// Close stops discovery and pubsub, closes the host if New made it, and
// syncs the replay memory. It is safe to call twice.
func (n *Network) Close() error {
	n.closeOnce.Do(func() {
		n.closing.Store(true)
		close(n.done)
		var errs []error
		if n.mdns != nil {
			errs = append(errs, n.mdns.Close())
		}
		n.cancel()
		if n.dht != nil {
			errs = append(errs, n.dht.Close())
		}
		if n.ownsHost {
			errs = append(errs, n.host.Close())
		} else if n.guarded != nil {
			// pubsub never removes its handlers; the host lives on.
			n.guarded.removeHandlers()
		}
		n.wg.Wait()
		errs = append(errs, n.replays.close())
		n.closeErr = errors.Join(errs...)
	})
	return n.closeErr
}

func (n *Network) onScores(s map[peer.ID]*pubsub.PeerScoreSnapshot) {
	n.scoresMu.Lock()
	n.scores = s
	n.scoresMu.Unlock()
}

// inspectRPC sees every RPC before pubsub handles it. Messages on topics
// of another network (or not Crucible topics at all) are a protocol
// violation: nobody subscribed to them here, so no honest peer sends
// them. Messages on our network's topics that this node has not joined
// are counted but not penalised: the sender may not yet have seen us
// leave.
func (n *Network) inspectRPC(from peer.ID, rpc *pubsub.RPC) error {
	prefix := topicPrefix(n.cfg.Network)
	foreign := 0
	for _, m := range rpc.GetPublish() {
		t := m.GetTopic()
		if _, joined := n.joined.Load(t); joined {
			continue
		}
		n.stats.unknownTopic()
		if len(t) < len(prefix) || t[:len(prefix)] != prefix {
			foreign++
		}
	}
	if foreign > 0 {
		n.viol.add(from)
		n.log.Debug("messages on foreign topics", "from", from.String(), "count", foreign)
		return fmt.Errorf("%d messages on topics of no Crucible network %q", foreign, n.cfg.Network)
	}
	return nil
}

// minLevel drops records below its level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.level && m.Handler.Enabled(ctx, l)
}

func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{m.Handler.WithAttrs(as), m.level}
}

func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{m.Handler.WithGroup(name), m.level}
}
