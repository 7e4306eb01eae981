package tasks

import (
	"errors"
	"fmt"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
	"github.com/crucible-net/crucible/tasks/merkle"
)

// Errors of decoding. They are the codec's own sentinels, re-exported so
// that callers can match them without importing the internal codec; a
// gossip validator rejects (and penalises) every one of them.
var (
	// ErrTooLarge: the encoding exceeds the limit of its kind (MaxSize).
	ErrTooLarge = dagcbor.ErrTooLarge
	// ErrNonCanonical: the bytes decode, but are not the one deterministic
	// DAG-CBOR encoding of what they hold.
	ErrNonCanonical = dagcbor.ErrNonCanonical
	// ErrUnknownField: a map holds a key the kind does not define.
	ErrUnknownField = dagcbor.ErrUnknownField
	// ErrMalformed: the bytes are not well-formed DAG-CBOR of the kind.
	ErrMalformed = dagcbor.ErrMalformed
)

// Errors of validation: the message decodes but breaks a rule of the
// protocol.
var (
	// ErrInvalid: a field is missing, out of range or inconsistent with
	// another (unsorted weights, an undefined link, a wrong version, ...).
	ErrInvalid = errors.New("invalid message")
	// ErrInvalidPeerID: bytes or text that are not the peer ID of an
	// Ed25519 key.
	ErrInvalidPeerID = errors.New("invalid peer ID")
	// ErrBadSignature: a signature does not verify with the signer's peer
	// ID.
	ErrBadSignature = errors.New("bad signature")
)

// Errors of the commit-reveal rules (Book). Each names one reason, so a
// gossip validator can map it to Accept, Reject or Ignore; the Book's doc
// comment gives the verdict of each.
var (
	// ErrWrongEpoch: the message is for another subnet or epoch than the
	// book's. Usually a late or early message; ignore it.
	ErrWrongEpoch = errors.New("message for another subnet or epoch")
	// ErrCommitEarly: a commit arrived before its window opened.
	ErrCommitEarly = errors.New("commit before its window")
	// ErrCommitLate: a commit arrived after its deadline.
	ErrCommitLate = errors.New("commit after its deadline")
	// ErrRevealEarly: a reveal arrived before its window opened. Revealing
	// early lets others copy, so the reveal is refused even if it matches.
	ErrRevealEarly = errors.New("reveal before its window")
	// ErrRevealLate: a reveal arrived after its window closed.
	ErrRevealLate = errors.New("reveal after its window")
	// ErrNoCommit: a reveal for which no commit was accepted.
	ErrNoCommit = errors.New("reveal without a commit")
	// ErrCommitMismatch: a reveal whose hash is not the committed one
	// (wrong salt, weights, output or identity).
	ErrCommitMismatch = errors.New("reveal does not match its commit")
	// ErrDuplicate: the same message, or one that adds nothing to what
	// was accepted, arrived again. Not misbehaviour (gossip delivers
	// duplicates); ignore it.
	ErrDuplicate = errors.New("duplicate")
	// ErrConflict: a second, different message where the protocol allows
	// one: a miner's submission commit for a task it already committed
	// to, or a validator's task at an index it already published. Every
	// node keeps the one that orders first (the smaller commit hash, the
	// smaller task CID), whatever the order they arrive in; ErrConflict
	// means the one already held stands.
	ErrConflict = errors.New("conflicting message")
	// ErrUnknownTask: a submission commit names a task the Book has not
	// learned (AddTask), or a record entry names a task that is not in the
	// record. Over gossip the task may simply not have arrived yet.
	ErrUnknownTask = errors.New("unknown task")
	// ErrEquivocation: a validator signed two different weight commits for
	// one subnet and epoch. Returned as an *EquivocationError that carries
	// the evidence when a message makes or improves the evidence, and
	// wrapped in a plain error for every later message of that validator
	// in the epoch.
	ErrEquivocation = errors.New("equivocation")
)

// invalidf returns an error wrapping ErrInvalid with a formatted detail.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// ErrInvalidProof: a Merkle inclusion proof does not lead from the entry
// to the root. Re-exported from package merkle.
var ErrInvalidProof = merkle.ErrInvalidProof
