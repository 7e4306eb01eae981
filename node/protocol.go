package node

import (
	"errors"
	"fmt"
	"slices"

	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

// This file joins the protocol (tasks) to the gossip layer: which message
// types travel on which topic, how they are encoded, and which gossip
// verdict each of the Book's answers gets. gossip knows nothing of what
// messages mean and tasks nothing of gossip; the node, which wires them,
// holds the mapping.

// Post is one message on a subnet topic. Each topic carries a few message
// types (DESIGN.md); exactly one field of a Post is set.
type Post struct {
	Task             *tasks.Task
	SubmissionCommit *tasks.SubmissionCommit
	SubmissionReveal *tasks.SubmissionReveal
	Evaluation       *tasks.Evaluation
	WeightCommit     *tasks.WeightCommit
	Equivocation     *tasks.Equivocation
	WeightReveal     *tasks.WeightReveal
	Attestation      *tasks.Attestation
}

// message returns the one message the post holds.
func (p Post) message() (tasks.Message, error) {
	var set []tasks.Message
	add := func(ok bool, m tasks.Message) {
		if ok {
			set = append(set, m)
		}
	}
	add(p.Task != nil, deref(p.Task))
	add(p.SubmissionCommit != nil, deref(p.SubmissionCommit))
	add(p.SubmissionReveal != nil, deref(p.SubmissionReveal))
	add(p.Evaluation != nil, deref(p.Evaluation))
	add(p.WeightCommit != nil, deref(p.WeightCommit))
	add(p.Equivocation != nil, deref(p.Equivocation))
	add(p.WeightReveal != nil, deref(p.WeightReveal))
	add(p.Attestation != nil, deref(p.Attestation))
	if len(set) != 1 {
		return nil, fmt.Errorf("a post holds %d messages, want exactly one", len(set))
	}
	return set[0], nil
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// topicKinds says which message kinds travel on each gossip topic.
var topicKinds = map[gossip.Kind][]tasks.Kind{
	gossip.KindTasks:        {tasks.KindTask},
	gossip.KindSubmissions:  {tasks.KindSubmissionCommit, tasks.KindSubmissionReveal, tasks.KindEvaluation},
	gossip.KindCommits:      {tasks.KindWeightCommit, tasks.KindEquivocation},
	gossip.KindReveals:      {tasks.KindWeightReveal},
	gossip.KindAttestations: {tasks.KindAttestation},
}

// topicOf is the topic a message kind travels on.
func topicOf(k tasks.Kind) (gossip.Kind, error) {
	for topic, kinds := range topicKinds {
		if slices.Contains(kinds, k) {
			return topic, nil
		}
	}
	return 0, fmt.Errorf("a %s travels on no topic", k)
}

// postCodec encodes the posts of one topic. Messages carry no type tag;
// decoding is strict (unknown fields refused), so the bytes of one type
// never decode as another, and the codec tries the topic's types in turn
// and requires exactly one to accept.
type postCodec struct{ kind gossip.Kind }

var _ gossip.Codec[Post] = postCodec{}

func (c postCodec) Encode(p Post) ([]byte, error) {
	m, err := p.message()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(topicKinds[c.kind], m.Kind()) {
		return nil, fmt.Errorf("a %s does not travel on the %s topic", m.Kind(), c.kind)
	}
	b, _, err := tasks.Encode(m)
	return b, err
}

func (c postCodec) Decode(b []byte) (Post, error) {
	var found []Post
	var errs []error
	try := func(k tasks.Kind) {
		var p Post
		var err error
		switch k {
		case tasks.KindTask:
			p.Task, err = decodePtr[tasks.Task](b)
		case tasks.KindSubmissionCommit:
			p.SubmissionCommit, err = decodePtr[tasks.SubmissionCommit](b)
		case tasks.KindSubmissionReveal:
			p.SubmissionReveal, err = decodePtr[tasks.SubmissionReveal](b)
		case tasks.KindEvaluation:
			p.Evaluation, err = decodePtr[tasks.Evaluation](b)
		case tasks.KindWeightCommit:
			p.WeightCommit, err = decodePtr[tasks.WeightCommit](b)
		case tasks.KindEquivocation:
			p.Equivocation, err = decodePtr[tasks.Equivocation](b)
		case tasks.KindWeightReveal:
			p.WeightReveal, err = decodePtr[tasks.WeightReveal](b)
		case tasks.KindAttestation:
			p.Attestation, err = decodePtr[tasks.Attestation](b)
		}
		if err != nil {
			errs = append(errs, err)
			return
		}
		found = append(found, p)
	}
	for _, k := range topicKinds[c.kind] {
		try(k)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Post{}, errors.Join(errs...)
	}
	return Post{}, fmt.Errorf("%w: message decodes as %d types on the %s topic", tasks.ErrInvalid, len(found), c.kind)
}

func decodePtr[T any, PT interface {
	*T
	tasks.Message
}](b []byte) (*T, error) {
	v, err := tasks.Decode[T, PT](b)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// verdict maps the Book's answer to a message (and the node's own checks,
// which use the same sentinels) to a gossip verdict, as the table on
// tasks.Book says: Reject only what every honest node refuses the same way
// (malformed, badly signed, a reveal that does not open its commit);
// Ignore what depends on timing or on what a node has seen so far.
func verdict(err error) gossip.Verdict {
	var eq *tasks.EquivocationError
	switch {
	case err == nil:
		return gossip.Accept
	case errors.As(err, &eq):
		// New or better evidence: forward it so every node holds it.
		return gossip.Accept
	case errors.Is(err, tasks.ErrInvalid), errors.Is(err, tasks.ErrInvalidPeerID),
		errors.Is(err, tasks.ErrBadSignature), errors.Is(err, tasks.ErrCommitMismatch),
		errors.Is(err, tasks.ErrTooLarge), errors.Is(err, tasks.ErrNonCanonical),
		errors.Is(err, tasks.ErrUnknownField), errors.Is(err, tasks.ErrMalformed),
		errors.Is(err, ErrNotRegistered), errors.Is(err, ErrWrongRole):
		return gossip.Reject
	}
	// ErrWrongEpoch, the window errors, ErrUnknownTask, ErrNoCommit,
	// ErrDuplicate, ErrConflict, a plain ErrEquivocation, and anything
	// unexpected: not provably the sender's fault.
	return gossip.Ignore
}

// Errors of the node's own protocol checks, made before the Book's
// (DESIGN.md: the sender's registration and role in the subnet).
var (
	// ErrNotRegistered: the message's author has no uid in the subnet.
	ErrNotRegistered = errors.New("author not registered in the subnet")
	// ErrWrongRole: the author may not send this kind of message (one
	// that speaks for another peer).
	ErrWrongRole = errors.New("author not allowed this message")
	// ErrNoPermit: a task or weight commit from a peer without a
	// validator permit. Ignored, not rejected: nodes read stakes at
	// slightly different blocks, so near a stake change they may differ.
	ErrNoPermit = errors.New("author holds no validator permit")
)
