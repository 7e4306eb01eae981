package gossip

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is one of the five kinds of protocol message, each on its own topic
// per subnet: /crucible/<network>/<subnet>/<kind>. gossip knows a kind's
// limits and traffic, not what its messages mean.
type Kind uint8

const (
	KindTasks Kind = iota
	KindSubmissions
	KindCommits
	KindReveals
	KindAttestations
	numKinds
)

var kindNames = [numKinds]string{"tasks", "submissions", "commits", "reveals", "attestations"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Kinds lists every kind, in order.
func Kinds() []Kind {
	return []Kind{KindTasks, KindSubmissions, KindCommits, KindReveals, KindAttestations}
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for k, n := range kindNames {
		if n == s {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("unknown message kind %q (want one of %s)", s, strings.Join(kindNames[:], ", "))
}

// Limits are what one kind of message may be: its size, and how many one
// author may publish. They are derived from the expected traffic of a
// subnet (see docs/RATIONALE.md, "Gossip traffic and limits").
type Limits struct {
	// MaxSize bounds the message data, in bytes.
	MaxSize int
	// Rate and Burst bound one author's messages of the kind on one
	// subnet: a token bucket of Burst tokens refilled at Rate per second.
	Rate  float64
	Burst int
	// PeerRate and PeerBurst bound what one connected peer forwards on
	// the topic, all authors together: the most the topic can carry, so
	// that one connection signing with many keys cannot fill the
	// validation queue. Zero takes the kind's default.
	PeerRate  float64
	PeerBurst int
}

// DefaultLimits returns the limits of kind k. The sizes match tasks'
// decoding limits (a Task is at most 64 KiB, a WeightReveal 128 KiB, the
// rest a few KiB), with headroom for a codec's envelope.
func DefaultLimits(k Kind) Limits {
	switch k {
	case KindTasks:
		// A validator publishes a few tasks per epoch.
		return Limits{MaxSize: 64 << 10, Rate: 1, Burst: 32, PeerRate: 64, PeerBurst: 2048}
	case KindSubmissions:
		// A miner commits and reveals once per task it answers, and
		// validators publish evaluations on the same topic.
		return Limits{MaxSize: 8 << 10, Rate: 4, Burst: 128, PeerRate: 512, PeerBurst: 16384}
	case KindCommits:
		// One weight commit per validator per epoch (and equivocation
		// evidence, which is two commits).
		return Limits{MaxSize: 4 << 10, Rate: 0.2, Burst: 8, PeerRate: 64, PeerBurst: 8192}
	case KindReveals:
		// One reveal per validator per epoch, up to 4096 weights.
		return Limits{MaxSize: 128 << 10, Rate: 0.2, Burst: 8, PeerRate: 64, PeerBurst: 8192}
	case KindAttestations:
		// One attestation per validator per epoch.
		return Limits{MaxSize: 4 << 10, Rate: 0.2, Burst: 8, PeerRate: 64, PeerBurst: 8192}
	}
	return Limits{}
}

// maxMessageSize is pubsub's limit on a whole RPC: the largest kind plus
// room for the envelope (signature, key, topic, seqno) and a few
// piggy-backed control messages.
var maxMessageSize = func() int {
	m := 0
	for _, k := range Kinds() {
		m = max(m, DefaultLimits(k).MaxSize)
	}
	return m + 16<<10
}()

// TopicName is the pubsub topic of kind k on subnet of network.
func TopicName(network string, subnet uint64, k Kind) string {
	return "/crucible/" + network + "/" + strconv.FormatUint(subnet, 10) + "/" + k.String()
}

// ParseTopic splits a topic name into network, subnet and kind.
func ParseTopic(topic string) (network string, subnet uint64, k Kind, err error) {
	parts := strings.Split(topic, "/")
	if len(parts) != 5 || parts[0] != "" || parts[1] != "crucible" {
		return "", 0, 0, fmt.Errorf("topic %q is not /crucible/<network>/<subnet>/<kind>", topic)
	}
	if !networkName.MatchString(parts[2]) {
		return "", 0, 0, fmt.Errorf("topic %q: bad network name", topic)
	}
	subnet, err = strconv.ParseUint(parts[3], 10, 64)
	if err != nil || strconv.FormatUint(subnet, 10) != parts[3] {
		return "", 0, 0, fmt.Errorf("topic %q: subnet is not a decimal number", topic)
	}
	k, err = ParseKind(parts[4])
	if err != nil {
		return "", 0, 0, fmt.Errorf("topic %q: %w", topic, err)
	}
	return parts[2], subnet, k, nil
}

// topicPrefix is the part of every topic name of network.
func topicPrefix(network string) string { return "/crucible/" + network + "/" }

// tokenBucket is a small rate limiter; golang.org/x/time/rate would do,
// but one map entry per author must stay a few words.
type tokenBucket struct {
	tokens float64
	last   time.Time
}

func (b *tokenBucket) take(now time.Time, l Limits) bool {
	if b.last.IsZero() {
		b.tokens = float64(l.Burst)
	} else if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(float64(l.Burst), b.tokens+dt*l.Rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
