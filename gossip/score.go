package gossip

import (
	"math"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Peer-score thresholds. A peer's score is the sum of the components below;
// each threshold cuts off a little more of what we do with a peer. The
// numbers and the traffic they were derived from are in docs/RATIONALE.md
// ("Gossip peer scoring").
const (
	// GossipThreshold: below it, no IHAVE/IWANT gossip to or from the peer.
	GossipThreshold = -4000
	// PublishThreshold: below it, our own messages are not flood-published
	// to the peer.
	PublishThreshold = -8000
	// GraylistThreshold: below it, every RPC from the peer is dropped
	// unread.
	GraylistThreshold = -16000
	// AcceptPXThreshold: peer exchange is accepted only from peers this
	// good: five minutes in our mesh of one topic (+10) and ten messages
	// it delivered first (+10), or the like on several topics.
	AcceptPXThreshold = 20
	// OpportunisticGraftThreshold: when the mesh's median score falls
	// below it, better peers are grafted in.
	OpportunisticGraftThreshold = 5
)

// Score weights, per component.
const (
	// invalidPenalty is what one invalid message costs, squared with the
	// count of each topic (P4): 1 → -1000, 2 → -4000 (at the gossip
	// threshold, not below), 3 → -9000 (below gossip and publish), 5 on
	// one topic → -25000 (graylisted). Spread over a subnet's five topics,
	// 2 on each (10 in all) graylist a peer.
	invalidPenalty = -1000
	// violationPenalty is what one violation costs through the
	// application score (P5), for what pubsub does not see or what depends
	// on this node's own state: a garbage stream, a message on a topic of
	// another network, a replay or a message over its author's rate sent
	// by the author itself, more than a topic carries forwarded by one
	// peer. Linear: 1 → -6000 (below gossip), 2 → below publish, 3 →
	// graylisted.
	violationPenalty = -6000
	// halfLifeInvalid is how fast invalid-message and violation counts are
	// forgiven.
	halfLifeInvalid = time.Hour
	// halfLifeDeliveries is how fast the credit for first deliveries fades.
	halfLifeDeliveries = time.Hour
	// halfLifeBehaviour is how fast broken gossip promises (P7) are
	// forgiven.
	halfLifeBehaviour = 10 * time.Minute
	// scoreDecayInterval is how often pubsub decays the counters.
	scoreDecayInterval = time.Second
)

// decayFactor is the per-interval factor that halves a counter every
// halfLife.
func decayFactor(halfLife time.Duration) float64 {
	return math.Pow(0.5, float64(scoreDecayInterval)/float64(halfLife))
}

// topicWeight is how much a kind's score counts. Commits, reveals and
// attestations decide consensus; tasks and submissions are many and each
// matters less.
func topicWeight(k Kind) float64 {
	switch k {
	case KindCommits, KindReveals, KindAttestations:
		return 1
	}
	return 0.5
}

// topicScoreParams returns the score parameters of a topic of kind k.
//
// Mesh-delivery deficits (P3, P3b) are off: our topics are quiet for most
// of an epoch and busy at its edges, so a mesh peer that delivered nothing
// in a window has usually done nothing wrong, and penalising it would
// shrink meshes exactly when an epoch ends.
func topicScoreParams(k Kind) *pubsub.TopicScoreParams {
	w := topicWeight(k)
	return &pubsub.TopicScoreParams{
		TopicWeight: w,
		// P1: up to +10 for a peer that stayed 5 minutes in the mesh.
		TimeInMeshWeight:  10.0 / 300,
		TimeInMeshQuantum: time.Second,
		TimeInMeshCap:     300,
		// P2: +1 per message first delivered by the peer, up to +20,
		// fading with a 1 h half-life: useful peers over the last epochs.
		FirstMessageDeliveriesWeight: 1,
		FirstMessageDeliveriesDecay:  decayFactor(halfLifeDeliveries),
		FirstMessageDeliveriesCap:    20,
		// P4: the same cost per invalid message on every topic, whatever
		// its weight.
		InvalidMessageDeliveriesWeight: invalidPenalty / w,
		InvalidMessageDeliveriesDecay:  decayFactor(halfLifeInvalid),
	}
}

// peerScoreParams returns the peer-score parameters; topics are added as
// they are joined. app is the application-specific score (P5).
func peerScoreParams(colocation bool, app func(peer.ID) float64) *pubsub.PeerScoreParams {
	p := &pubsub.PeerScoreParams{
		Topics: map[string]*pubsub.TopicScoreParams{},
		// The positive part of all topics is capped: a peer cannot buy
		// forgiveness for invalid messages by being useful elsewhere.
		TopicScoreCap:     100,
		AppSpecificScore:  app,
		AppSpecificWeight: 1,
		// P7: broken IWANT promises and GRAFT floods beyond 6 cost
		// (excess)² × -10.
		BehaviourPenaltyWeight:    -10,
		BehaviourPenaltyThreshold: 6,
		BehaviourPenaltyDecay:     decayFactor(halfLifeBehaviour),
		DecayInterval:             scoreDecayInterval,
		DecayToZero:               0.01,
		// A peer that disconnects keeps its score for an hour, so a
		// graylisted peer cannot reconnect clean.
		RetainScore: time.Hour,
	}
	if colocation {
		// P6: more than 3 peers on one IP cost (excess)² × -50: 12 peers
		// on one IP put each below the gossip threshold (-4050).
		p.IPColocationFactorWeight = -50
		p.IPColocationFactorThreshold = 3
	}
	return p
}

func peerScoreThresholds() *pubsub.PeerScoreThresholds {
	return &pubsub.PeerScoreThresholds{
		GossipThreshold:             GossipThreshold,
		PublishThreshold:            PublishThreshold,
		GraylistThreshold:           GraylistThreshold,
		AcceptPXThreshold:           AcceptPXThreshold,
		OpportunisticGraftThreshold: OpportunisticGraftThreshold,
	}
}

// violations counts, per peer, protocol violations pubsub does not see as
// invalid messages (garbage on a stream, foreign topics), decaying with
// halfLifeInvalid. It is the application-specific score.
type violations struct {
	mu    sync.Mutex
	now   func() time.Time
	peers map[peer.ID]*decaying
}

type decaying struct {
	n    float64
	last time.Time
}

func newViolations() *violations {
	return &violations{now: time.Now, peers: map[peer.ID]*decaying{}}
}

func (v *violations) add(p peer.ID) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	d := v.peers[p]
	if d == nil {
		// pubsub stops asking for a peer's score an hour after it left,
		// so forgotten entries are swept here, not only in score.
		if len(v.peers) >= 1024 && len(v.peers)%1024 == 0 {
			for q, e := range v.peers {
				if e.at(now) < 0.01 {
					delete(v.peers, q)
				}
			}
		}
		d = &decaying{}
		v.peers[p] = d
	}
	d.n = d.at(now) + 1
	d.last = now
}

func (d *decaying) at(now time.Time) float64 {
	if d.last.IsZero() {
		return d.n
	}
	return d.n * math.Pow(0.5, float64(now.Sub(d.last))/float64(halfLifeInvalid))
}

// score is the application-specific score of p.
func (v *violations) score(p peer.ID) float64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	d := v.peers[p]
	if d == nil {
		return 0
	}
	n := d.at(v.now())
	if n < 0.01 {
		delete(v.peers, p)
		return 0
	}
	return violationPenalty * n
}
