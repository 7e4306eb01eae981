package gossip

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// defaultSeenTTL is pubsub's own seen-message cache (its default). A
// message accepted less than this long ago that reaches validation again is
// a copy that was already in flight; one accepted longer ago is a replay.
const defaultSeenTTL = 2 * time.Minute

// Verdict is a validator's decision on a message.
type Verdict int

const (
	// Accept: valid; deliver it and forward it.
	Accept Verdict = iota
	// Reject: invalid; drop it and penalise the peer that sent it. Only for
	// messages every honest node refuses the same way.
	Reject
	// Ignore: drop it without penalty (early, late, already known).
	Ignore
)

func (v Verdict) String() string {
	switch v {
	case Accept:
		return "accept"
	case Reject:
		return "reject"
	case Ignore:
		return "ignore"
	}
	return fmt.Sprintf("verdict(%d)", int(v))
}

// Codec turns a topic's values into message bytes and back. Decode must
// refuse anything that is not a canonical encoding, so that equal values
// are equal bytes (and one message ID).
type Codec[T any] interface {
	Encode(T) ([]byte, error)
	Decode([]byte) (T, error)
}

// Bytes is the identity codec, for topics whose values are raw bytes.
type Bytes struct{}

func (Bytes) Encode(b []byte) ([]byte, error) { return b, nil }
func (Bytes) Decode(b []byte) ([]byte, error) { return b, nil }

// Validator judges a decoded message. It runs only after the gossip
// layer's own checks (size, signature, rate, replay, decoding) passed. It
// must return within Config.ValidateTimeout; a late answer counts as
// Ignore. It may be called concurrently.
type Validator[T any] func(ctx context.Context, m *Message[T]) Verdict

// Message is a message received on, or published to, a topic.
type Message[T any] struct {
	Value  T
	Data   []byte
	ID     [32]byte // SHA-256 of the topic name, a zero byte and Data
	Author PeerID   // who signed it
	From   PeerID   // the peer that forwarded it to us (Author if direct)
	Local  bool     // published by this node
}

// TopicSpec names a topic and says how to treat its messages.
type TopicSpec[T any] struct {
	Subnet   uint64
	Kind     Kind
	Codec    Codec[T]
	Validate Validator[T] // nil accepts every message that passes the gossip checks
	Limits   Limits       // zero: DefaultLimits(Kind)
}

// topicState is what the network keeps of a joined topic.
type topicState struct {
	name   string
	subnet uint64
	kind   Kind
	limits Limits
	topic  *pubsub.Topic

	mu          sync.Mutex
	buckets     map[peer.ID]*tokenBucket // by author
	peerBuckets map[peer.ID]*tokenBucket // by forwarding peer
	swept       time.Time
	inflight    chan struct{} // validator calls running, timed out or not
}

// Topic is a joined topic whose messages are values of type T.
type Topic[T any] struct {
	n     *Network
	state *topicState
	spec  TopicSpec[T]
}

// Join joins the topic of spec on n, registering its validation pipeline:
// every message, received or published, is checked in this order, the
// first failure deciding:
//
//  1. size (Reject over Limits.MaxSize);
//  2. signature: pubsub's strict signing already refused unsigned or
//     badly signed messages (counted as ReasonSignature); checked again;
//  3. the author's rate (Limits.Rate, Burst): Reject when the author sent
//     it to us itself, Ignore when a peer forwarded it;
//  4. replay: Reject if accepted before, longer than pubsub's 2-minute seen
//     cache ago, within Config.ReplayWindow; Ignore if moments ago;
//  5. decoding by spec.Codec (Reject);
//  6. spec.Validate, bounded by Config.ValidateTimeout (Ignore on timeout).
//
// # Errors
//
// ErrAlreadyJoined if the topic was joined before; ErrConfig for a bad
// spec; ErrClosed after Close.
func Join[T any](n *Network, spec TopicSpec[T]) (*Topic[T], error) {
	if spec.Kind >= numKinds {
		return nil, fmt.Errorf("%w: unknown message kind %d", ErrConfig, spec.Kind)
	}
	if spec.Codec == nil {
		return nil, fmt.Errorf("%w: topic %s has no codec", ErrConfig, spec.Kind)
	}
	if spec.Limits == (Limits{}) {
		spec.Limits = DefaultLimits(spec.Kind)
	}
	l := spec.Limits
	if l.PeerRate == 0 && l.PeerBurst == 0 {
		d := DefaultLimits(spec.Kind)
		l.PeerRate, l.PeerBurst = max(d.PeerRate, l.Rate), max(d.PeerBurst, l.Burst)
	}
	if l.MaxSize <= 0 || l.MaxSize > maxMessageSize-16<<10 || l.Rate <= 0 || l.Burst < 1 || l.PeerRate < l.Rate || l.PeerBurst < l.Burst {
		return nil, fmt.Errorf("%w: limits %+v: need 0 < MaxSize <= %d, Rate > 0, Burst >= 1, PeerRate >= Rate, PeerBurst >= Burst",
			ErrConfig, l, maxMessageSize-16<<10)
	}
	if n.closing.Load() {
		return nil, ErrClosed
	}
	name := TopicName(n.cfg.Network, spec.Subnet, spec.Kind)
	n.mu.Lock()
	_, exists := n.topics[name]
	if exists || n.joining[name] {
		n.mu.Unlock()
		return nil, fmt.Errorf("%w: %s", ErrAlreadyJoined, name)
	}
	n.joining[name] = true
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		delete(n.joining, name)
		n.mu.Unlock()
	}()

	t := &Topic[T]{n: n, spec: spec, state: &topicState{
		name: name, subnet: spec.Subnet, kind: spec.Kind, limits: l,
		buckets: map[peer.ID]*tokenBucket{}, peerBuckets: map[peer.ID]*tokenBucket{},
		inflight: make(chan struct{}, n.cfg.ValidateThrottle),
	}}
	if err := n.ps.RegisterTopicValidator(name, t.validate); err != nil {
		return nil, fmt.Errorf("join %s: %w", name, err)
	}
	pt, err := n.ps.Join(name)
	if err != nil {
		n.ps.UnregisterTopicValidator(name)
		return nil, fmt.Errorf("join %s: %w", name, err)
	}
	if err := pt.SetScoreParams(topicScoreParams(spec.Kind)); err != nil {
		pt.Close()
		n.ps.UnregisterTopicValidator(name)
		return nil, fmt.Errorf("join %s: score parameters: %w", name, err)
	}
	t.state.topic = pt
	n.mu.Lock()
	n.topics[name] = t.state
	n.mu.Unlock()
	n.joined.Store(name, struct{}{})
	return t, nil
}

// Name returns the topic's name.
func (t *Topic[T]) Name() string { return t.state.name }

// Publish encodes v and publishes it, signed with the node's key.
//
// # Errors
//
// ErrTooLarge, ErrRateLimited (this node's own rate for the kind),
// ErrReplay (the same bytes were published or received before),
// ErrRejected or ErrIgnored (the topic's validator refused it), or the
// codec's error. A message published with no peer on the topic is not an
// error: pubsub sends it when peers come.
func (t *Topic[T]) Publish(ctx context.Context, v T) error {
	data, err := t.spec.Codec.Encode(v)
	if err != nil {
		return fmt.Errorf("publish on %s: encode: %w", t.state.name, err)
	}
	if len(data) > t.state.limits.MaxSize {
		return fmt.Errorf("publish on %s: %w: %d bytes, limit %d", t.state.name, ErrTooLarge, len(data), t.state.limits.MaxSize)
	}
	if _, ok := t.n.replays.age(contentID(t.state.name, data)); ok {
		return fmt.Errorf("publish on %s: %w", t.state.name, ErrReplay)
	}
	if !t.state.allow(t.state.buckets, t.n.host.ID(), t.state.limits, time.Now()) {
		return fmt.Errorf("publish on %s: %w: %g per second, burst %d", t.state.name, ErrRateLimited, t.state.limits.Rate, t.state.limits.Burst)
	}
	err = t.state.topic.Publish(ctx, data)
	var verr pubsub.ValidationError
	switch {
	case err == nil:
		t.n.stats.published(t.state.name)
		return nil
	case errors.As(err, &verr) && verr.Reason == pubsub.RejectValidationIgnored:
		return fmt.Errorf("publish on %s: %w", t.state.name, ErrIgnored)
	case errors.As(err, &verr):
		return fmt.Errorf("publish on %s: %w (%s)", t.state.name, ErrRejected, verr.Reason)
	case t.n.closing.Load():
		return ErrClosed
	}
	return fmt.Errorf("publish on %s: %w", t.state.name, err)
}

// allow takes a token of key's bucket in buckets (by author, or by the
// forwarding peer), under limits l.
func (s *topicState) allow(buckets map[peer.ID]*tokenBucket, key peer.ID, l Limits, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := buckets[key]
	if b == nil {
		// Forget keys whose buckets are full again, so the maps hold the
		// authors and peers of the last few minutes only.
		if now.Sub(s.swept) > time.Minute {
			s.sweep(s.buckets, s.limits, now)
			s.sweep(s.peerBuckets, s.peerLimits(), now)
			s.swept = now
		}
		b = &tokenBucket{}
		buckets[key] = b
	}
	return b.take(now, l)
}

func (s *topicState) sweep(buckets map[peer.ID]*tokenBucket, l Limits, now time.Time) {
	full := time.Duration(float64(l.Burst)/l.Rate*float64(time.Second)) + time.Second
	for k, b := range buckets {
		if now.Sub(b.last) > full {
			delete(buckets, k)
		}
	}
}

// peerLimits is the bucket of one forwarding peer: everything the topic
// may carry from all its authors.
func (s *topicState) peerLimits() Limits {
	return Limits{MaxSize: s.limits.MaxSize, Rate: s.limits.PeerRate, Burst: s.limits.PeerBurst}
}

// validate is the topic's pubsub validator: the pipeline of Join.
func (t *Topic[T]) validate(ctx context.Context, from peer.ID, pm *pubsub.Message) pubsub.ValidationResult {
	s, st := t.state, t.n.stats
	// Reject (pubsub's P4 penalty, shared by every peer that delivered the
	// same message) only for what every node decides alike, whatever it
	// has seen: size, signature, encoding, the topic's validator.
	reject := func(reason string) pubsub.ValidationResult {
		st.reject(s.name, reason)
		return pubsub.ValidationReject
	}
	ignore := func(reason string) pubsub.ValidationResult {
		st.ignore(s.name, reason)
		return pubsub.ValidationIgnore
	}
	// What depends on this node's own state (its replay memory, its rate
	// buckets) is ignored, and the one peer provably at fault, the one
	// that sent it to us, is penalised through the application score.
	penalize := func(reason string) pubsub.ValidationResult {
		st.reject(s.name, reason)
		t.n.viol.add(pm.ReceivedFrom)
		return pubsub.ValidationIgnore
	}
	data := pm.GetData()
	if len(data) > s.limits.MaxSize {
		return reject(ReasonTooLarge)
	}
	author := pm.GetFrom()
	if author.Validate() != nil || len(pm.GetSignature()) == 0 || !signedBy(pm, author) {
		return reject(ReasonSignature)
	}
	id := contentID(s.name, data)
	// pubsub marks a message Local only if published WithLocalPublication;
	// ours come from this host.
	local := pm.Local || pm.ReceivedFrom == t.n.host.ID()
	if !local {
		direct := pm.ReceivedFrom == author
		// Replays first, so that replayed messages do not use up their
		// author's rate (which would let a replayer silence an author).
		if age, ok := t.n.replays.age(id); ok {
			if age < t.n.cfg.seenTTL {
				return ignore(ReasonDuplicate)
			}
			if direct {
				return penalize(ReasonReplay)
			}
			// A relay with a shorter memory (a new node) may forward it.
			return ignore(ReasonReplay)
		}
		now := time.Now()
		if !s.allow(s.peerBuckets, pm.ReceivedFrom, s.peerLimits(), now) {
			// More than the whole topic may carry, from one connection.
			return penalize(ReasonPeerRate)
		}
		if !s.allow(s.buckets, author, s.limits, now) {
			if direct {
				return penalize(ReasonRate)
			}
			return ignore(ReasonRate)
		}
	}
	v, err := t.spec.Codec.Decode(data)
	if err != nil {
		return reject(ReasonDecode)
	}
	m := &Message[T]{Value: v, Data: data, ID: id, Author: author, From: pm.ReceivedFrom, Local: local}
	verdict := Accept
	if t.spec.Validate != nil {
		var reason string
		verdict, reason = t.callValidator(ctx, m)
		if reason != "" {
			return ignore(reason)
		}
	}
	switch verdict {
	case Accept:
		if err := t.n.replays.add(id); err != nil {
			t.n.log.Warn("replay memory not written; a replay after a restart may pass", "err", err)
		}
		pm.ValidatorData = m
		return pubsub.ValidationAccept
	case Ignore:
		return ignore(ReasonValidator)
	default:
		return reject(ReasonInvalid)
	}
}

// callValidator runs the topic's validator with the configured timeout.
// A validator that does not return in time is left to finish on its own,
// holding one of the topic's ValidateThrottle slots until it does, so a
// validator that hangs cannot pile up goroutines. reason is ReasonTimeout
// or ReasonThrottled when the validator did not decide.
func (t *Topic[T]) callValidator(ctx context.Context, m *Message[T]) (v Verdict, reason string) {
	select {
	case t.state.inflight <- struct{}{}:
	default:
		return Ignore, ReasonThrottled
	}
	ctx, cancel := context.WithTimeout(ctx, t.n.cfg.ValidateTimeout)
	defer cancel()
	done := make(chan Verdict, 1)
	go func() {
		defer func() { <-t.state.inflight }()
		done <- t.spec.Validate(ctx, m)
	}()
	select {
	case v := <-done:
		return v, ""
	case <-ctx.Done():
		return Ignore, ReasonTimeout
	}
}

// signedBy re-checks what strict signing verified: the message carries a
// signature by the key of the peer ID it names as author.
func signedBy(pm *pubsub.Message, author peer.ID) bool {
	var pub crypto.PubKey
	var err error
	if len(pm.GetKey()) > 0 {
		pub, err = crypto.UnmarshalPublicKey(pm.GetKey())
		if err != nil || !author.MatchesPublicKey(pub) {
			return false
		}
	} else if pub, err = author.ExtractPublicKey(); err != nil {
		return false
	}
	return pub != nil
}

// Subscribe returns a subscription to the topic's accepted messages, this
// node's own included. Messages are buffered (256); a subscriber that
// falls behind loses the oldest, counted by pubsub.
func (t *Topic[T]) Subscribe() (*Subscription[T], error) {
	sub, err := t.state.topic.Subscribe(pubsub.WithBufferSize(256))
	if err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", t.state.name, err)
	}
	return &Subscription[T]{sub: sub, done: t.n.done}, nil
}

// Close leaves the topic. Cancel its subscriptions first.
func (t *Topic[T]) Close() error {
	n, name := t.n, t.state.name
	n.mu.Lock()
	if n.topics[name] != t.state {
		n.mu.Unlock()
		return nil
	}
	delete(n.topics, name)
	n.mu.Unlock()
	if err := t.state.topic.Close(); err != nil {
		n.mu.Lock()
		n.topics[name] = t.state
		n.mu.Unlock()
		return fmt.Errorf("leave %s: %w", name, err)
	}
	n.joined.Delete(name)
	n.ps.UnregisterTopicValidator(name)
	return nil
}

// Subscription is a stream of a topic's accepted messages.
type Subscription[T any] struct {
	sub  *pubsub.Subscription
	done <-chan struct{} // closed when the network closes
}

// Next returns the next message, blocking until one arrives, ctx ends, or
// the subscription is cancelled or its network closed (ErrClosed).
func (s *Subscription[T]) Next(ctx context.Context) (*Message[T], error) {
	// pubsub does not end its subscriptions when it stops: watch the
	// network too.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-stop:
		}
	}()
	pm, err := s.sub.Next(sctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, ErrClosed
	}
	m, ok := pm.ValidatorData.(*Message[T])
	if !ok {
		return nil, fmt.Errorf("message %x on %s was not validated", pm.ID, pm.GetTopic())
	}
	return m, nil
}

// Cancel ends the subscription.
func (s *Subscription[T]) Cancel() { s.sub.Cancel() }
