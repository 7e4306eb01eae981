package gossip

import (
	"google.golang.org/protobuf/proto"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// Reasons a message is rejected or ignored, as counted in [Counters].
const (
	ReasonTooLarge   = "too_large"  // over its kind's MaxSize (reject)
	ReasonSignature  = "signature"  // missing or invalid signature (reject, by pubsub)
	ReasonRate       = "rate"       // author over its rate (penalised if sent by the author, else ignored)
	ReasonPeerRate   = "peer_rate"  // a peer forwarded more than the topic carries (penalised)
	ReasonReplay     = "replay"     // accepted before, longer ago than pubsub's seen cache (penalised if sent by the author, else ignored)
	ReasonDuplicate  = "duplicate"  // accepted moments ago, a copy in flight (ignore)
	ReasonDecode     = "decode"     // the codec refused the bytes (reject)
	ReasonInvalid    = "invalid"    // the topic's validator said Reject
	ReasonValidator  = "validator"  // the topic's validator said Ignore
	ReasonTimeout    = "timeout"    // the topic's validator took longer than ValidateTimeout (ignore)
	ReasonThrottled  = "throttled"  // too many validations in flight (ignore)
	ReasonQueueFull  = "queue_full" // validation queue full (ignore, by pubsub)
	ReasonBlacklist  = "blacklist"  // from a blacklisted peer (reject, by pubsub)
	ReasonSelfOrigin = "self_origin"
)

// Counters are the message counters of one topic since the network
// started. Rejected and Ignored are keyed by Reason…. Rejected counts
// every message whose sender was penalised for it: by pubsub's invalid-
// message score, or, for replays and rates, by the application score.
type Counters struct {
	Published  uint64            // messages this node published
	Delivered  uint64            // messages of other peers accepted and delivered
	Duplicates uint64            // copies of messages already seen, dropped by pubsub
	Rejected   map[string]uint64 // refused; the sender is penalised
	Ignored    map[string]uint64 // dropped without penalty
}

func (c *Counters) clone() Counters {
	out := *c
	out.Rejected = maps(c.Rejected)
	out.Ignored = maps(c.Ignored)
	return out
}

func maps(m map[string]uint64) map[string]uint64 {
	out := make(map[string]uint64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TopicInfo describes a joined topic: what `crucible topics` prints.
type TopicInfo struct {
	Topic  string
	Subnet uint64
	Kind   Kind
	Limits Limits
	Peers  int // peers subscribed to the topic
	Mesh   int // of them, in our mesh
	Counters
}

// PeerInfo describes a connected peer: what `crucible peers` prints.
type PeerInfo struct {
	ID        PeerID
	Addrs     []string // remote addresses of the open connections
	Inbound   bool     // the first connection was dialled by the peer
	Agent     string   // its libp2p agent version, when identify told it
	Latency   time.Duration
	Score     float64  // gossipsub peer score; 0 before the first score round
	Topics    []string // joined topics the peer is subscribed to
	Protocols int      // protocols the peer speaks
}

// ScoreSummary is the distribution of connected peers' scores over the
// thresholds.
type ScoreSummary struct {
	Graylisted       int // below GraylistThreshold
	BelowPublish     int // below PublishThreshold (and not graylisted)
	BelowGossip      int // below GossipThreshold (and not below publish)
	Negative         int // below zero, above the gossip threshold
	Neutral          int // zero up to AcceptPXThreshold
	Good             int // at least AcceptPXThreshold
	Min, Median, Max float64
}

// Stats is a snapshot of the network's counters, for metrics. node turns
// it into Prometheus series.
type Stats struct {
	Peers          int // connected peers
	Topics         []TopicInfo
	Scores         ScoreSummary
	UnknownTopic   uint64 // messages on topics this node has not joined
	GarbageStreams uint64 // pubsub streams that carried undecodable data
	RPCBytesSent   uint64 // pubsub RPC bytes queued to peers (messages and control)
}

// tracer receives pubsub's events and keeps the counters.
type tracer struct {
	n       *Network
	mu      sync.Mutex
	topics  map[string]*Counters
	mesh    map[string]map[peer.ID]struct{}
	unknown uint64
	garbage uint64
	sent    atomic.Uint64
}

var _ pubsub.RawTracer = (*tracer)(nil)

func newTracer(n *Network) *tracer {
	return &tracer{n: n, topics: map[string]*Counters{}, mesh: map[string]map[peer.ID]struct{}{}}
}

// counters returns the counters of topic; call with t.mu held.
func (t *tracer) counters(topic string) *Counters {
	c := t.topics[topic]
	if c == nil {
		c = &Counters{Rejected: map[string]uint64{}, Ignored: map[string]uint64{}}
		t.topics[topic] = c
	}
	return c
}

func (t *tracer) count(topic string, f func(*Counters)) {
	t.mu.Lock()
	f(t.counters(topic))
	t.mu.Unlock()
}

func (t *tracer) reject(topic, reason string) {
	t.count(topic, func(c *Counters) { c.Rejected[reason]++ })
}

func (t *tracer) ignore(topic, reason string) {
	t.count(topic, func(c *Counters) { c.Ignored[reason]++ })
}

func (t *tracer) published(topic string) { t.count(topic, func(c *Counters) { c.Published++ }) }

func (t *tracer) unknownTopic() {
	t.mu.Lock()
	t.unknown++
	t.mu.Unlock()
}

func (t *tracer) garbageStream() {
	t.mu.Lock()
	t.garbage++
	t.mu.Unlock()
}

func (t *tracer) DeliverMessage(msg *pubsub.Message) {
	if !msg.Local && msg.ReceivedFrom != t.n.host.ID() {
		t.count(msg.GetTopic(), func(c *Counters) { c.Delivered++ })
	}
}

func (t *tracer) DuplicateMessage(msg *pubsub.Message) {
	t.count(msg.GetTopic(), func(c *Counters) { c.Duplicates++ })
}

// RejectMessage counts what pubsub refuses by itself; what the pipeline
// refuses ("validation failed" / "validation ignored") it counted already,
// with its reason.
func (t *tracer) RejectMessage(msg *pubsub.Message, reason string) {
	topic := msg.GetTopic()
	switch reason {
	case pubsub.RejectMissingSignature, pubsub.RejectInvalidSignature,
		pubsub.RejectUnexpectedSignature, pubsub.RejectUnexpectedAuthInfo:
		t.reject(topic, ReasonSignature)
	case pubsub.RejectSelfOrigin:
		t.reject(topic, ReasonSelfOrigin)
	case pubsub.RejectBlacklstedPeer, pubsub.RejectBlacklistedSource:
		t.reject(topic, ReasonBlacklist)
	case pubsub.RejectValidationThrottled:
		t.ignore(topic, ReasonThrottled)
	case pubsub.RejectValidationQueueFull:
		t.ignore(topic, ReasonQueueFull)
	}
}

func (t *tracer) Graft(p peer.ID, topic string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.mesh[topic]
	if m == nil {
		m = map[peer.ID]struct{}{}
		t.mesh[topic] = m
	}
	m[p] = struct{}{}
}

func (t *tracer) Prune(p peer.ID, topic string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.mesh[topic], p)
}

func (t *tracer) Leave(topic string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.mesh, topic)
}

func (t *tracer) OnNewOutboundStream(peer.ID, protocol.ID) {}
func (t *tracer) OnClosedOutboundStream(peer.ID)           {}
func (t *tracer) Join(string)                              {}
func (t *tracer) ValidateMessage(*pubsub.Message)          {}
func (t *tracer) ThrottlePeer(peer.ID)                     {}
func (t *tracer) RecvRPC(*pubsub.RPC)                      {}
func (t *tracer) SendRPC(rpc *pubsub.RPC, _ peer.ID) {
	t.sent.Add(uint64(proto.Size(&rpc.RPC)))
}
func (t *tracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (t *tracer) DropRPC(*pubsub.RPC, peer.ID)                         {}
func (t *tracer) UndeliverableMessage(*pubsub.Message)                 {}

// Topics describes the joined topics, sorted by name.
func (n *Network) Topics() []TopicInfo {
	n.mu.Lock()
	states := make([]*topicState, 0, len(n.topics))
	for _, s := range n.topics {
		states = append(states, s)
	}
	n.mu.Unlock()
	out := make([]TopicInfo, 0, len(states))
	for _, s := range states {
		info := TopicInfo{Topic: s.name, Subnet: s.subnet, Kind: s.kind, Limits: s.limits, Peers: len(s.topic.ListPeers())}
		n.stats.mu.Lock()
		info.Mesh = len(n.stats.mesh[s.name])
		info.Counters = n.stats.counters(s.name).clone()
		n.stats.mu.Unlock()
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}

// Peers describes the connected peers, best score first.
func (n *Network) Peers() []PeerInfo {
	n.scoresMu.Lock()
	scores := n.scores
	n.scoresMu.Unlock()
	n.mu.Lock()
	var names []string
	for name := range n.topics {
		names = append(names, name)
	}
	n.mu.Unlock()
	sort.Strings(names)
	subscribed := map[peer.ID][]string{}
	for _, name := range names {
		for _, p := range n.ps.ListPeers(name) {
			subscribed[p] = append(subscribed[p], name)
		}
	}
	var out []PeerInfo
	ps := n.host.Peerstore()
	for _, p := range n.host.Network().Peers() {
		info := PeerInfo{ID: p, Topics: subscribed[p], Latency: ps.LatencyEWMA(p)}
		conns := n.host.Network().ConnsToPeer(p)
		for i, c := range conns {
			info.Addrs = append(info.Addrs, c.RemoteMultiaddr().String())
			if i == 0 {
				info.Inbound = c.Stat().Direction == network.DirInbound
			}
		}
		if v, err := ps.Get(p, "AgentVersion"); err == nil {
			info.Agent, _ = v.(string)
		}
		if protos, err := ps.GetProtocols(p); err == nil {
			info.Protocols = len(protos)
		}
		if s := scores[p]; s != nil {
			info.Score = s.Score
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Score returns p's current peer score and whether pubsub has scored it.
func (n *Network) Score(p PeerID) (float64, bool) {
	n.scoresMu.Lock()
	defer n.scoresMu.Unlock()
	s, ok := n.scores[p]
	if !ok {
		return 0, false
	}
	return s.Score, true
}

// Stats returns a snapshot of the counters, peer count and score
// distribution.
func (n *Network) Stats() Stats {
	st := Stats{Peers: len(n.host.Network().Peers()), Topics: n.Topics()}
	n.stats.mu.Lock()
	st.UnknownTopic, st.GarbageStreams = n.stats.unknown, n.stats.garbage
	st.RPCBytesSent = n.stats.sent.Load()
	n.stats.mu.Unlock()
	n.scoresMu.Lock()
	scores := make([]float64, 0, len(n.scores))
	for p, s := range n.scores {
		if n.host.Network().Connectedness(p) == network.Connected {
			scores = append(scores, s.Score)
		}
	}
	n.scoresMu.Unlock()
	st.Scores = summarize(scores)
	return st
}

func summarize(scores []float64) ScoreSummary {
	var s ScoreSummary
	if len(scores) == 0 {
		return s
	}
	slices.Sort(scores)
	s.Min, s.Max, s.Median = scores[0], scores[len(scores)-1], scores[len(scores)/2]
	for _, v := range scores {
		switch {
		case v < GraylistThreshold:
			s.Graylisted++
		case v < PublishThreshold:
			s.BelowPublish++
		case v < GossipThreshold:
			s.BelowGossip++
		case v < 0:
			s.Negative++
		case v < AcceptPXThreshold:
			s.Neutral++
		default:
			s.Good++
		}
	}
	return s
}
