package tasks

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// Domains of the commit hashes. Each names what is hashed and its layout
// version, so a hash of one kind can never be taken for another.
const (
	weightCommitDomain     = "crucible/weight-commit/v1"
	submissionCommitDomain = "crucible/submission-commit/v1"
)

// Domains of signatures. The signed bytes are the domain, a zero byte and
// the DAG-CBOR encoding of the message without its signature. The
// "crucible/sig/" prefix keeps them apart from anything else the same
// libp2p key signs (pubsub signs "libp2p-pubsub:" ‖ message).
const (
	weightCommitSigDomain     = "crucible/sig/weight-commit/v1"
	submissionCommitSigDomain = "crucible/sig/submission-commit/v1"
	attestationSigDomain      = "crucible/sig/attestation/v1"
)

// WeightCommitHash is the hash a validator commits to before revealing
// its weights:
//
//	SHA-256( "crucible/weight-commit/v1"        25 bytes of ASCII
//	       ‖ subnet                             u64 big-endian
//	       ‖ epoch                              u64 big-endian
//	       ‖ len(validator) = 38                u16 big-endian
//	       ‖ validator                          the binary peer ID
//	       ‖ len(weights)                       u32 big-endian
//	       ‖ for each weight: uid ‖ value       u32 ‖ u16 big-endian
//	       ‖ salt )                             32 bytes
//
// The weights must be canonical (ValidateWeights) for the hash to be the
// one every peer computes from the reveal. Binding the subnet, epoch and
// validator means a commit cannot be replayed in another epoch or by
// another validator; the salt means the weights cannot be guessed from the
// hash.
func WeightCommitHash(subnet, epoch uint64, validator PeerID, weights []Weight, salt [32]byte) [32]byte {
	b := make([]byte, 0, len(weightCommitDomain)+8+8+2+PeerIDLen+4+6*len(weights)+32)
	b = append(b, weightCommitDomain...)
	b = binary.BigEndian.AppendUint64(b, subnet)
	b = binary.BigEndian.AppendUint64(b, epoch)
	b = appendPrefixed(b, validator.b[:])
	b = appendWeights(b, weights)
	b = append(b, salt[:]...)
	return sha256.Sum256(b)
}

// SubmissionCommitHash is the hash a miner commits to before revealing its
// output:
//
//	SHA-256( "crucible/submission-commit/v1"    29 bytes of ASCII
//	       ‖ subnet                             u64 big-endian
//	       ‖ epoch                              u64 big-endian
//	       ‖ len(miner) = 38 ‖ miner            u16 big-endian ‖ binary peer ID
//	       ‖ len(task) ‖ task                   length ‖ binary CID
//	       ‖ len(output) ‖ output               length ‖ binary CID
//	       ‖ salt )                             32 bytes
//
// A length is a u16 big-endian below 65535, and otherwise 0xffff followed
// by the length as a u64 big-endian. Every CID a valid message holds is
// far shorter, so this is the plain u16 in practice; the escape keeps the
// layout unambiguous for any Link the function is given, since no two
// different inputs give the same bytes.
//
// Because the miner's identity is inside the hash, a miner who copies
// another's commit cannot open it under its own name: the reveal would
// need the other miner's peer ID. And outputs are revealed only after the
// submission deadline, so by the time anyone sees an output it is too late
// to commit to it.
func SubmissionCommitHash(subnet, epoch uint64, miner PeerID, task, output Link, salt [32]byte) [32]byte {
	t, o := task.Bytes(), output.Bytes()
	b := make([]byte, 0, len(submissionCommitDomain)+8+8+2+PeerIDLen+10+len(t)+10+len(o)+32)
	b = append(b, submissionCommitDomain...)
	b = binary.BigEndian.AppendUint64(b, subnet)
	b = binary.BigEndian.AppendUint64(b, epoch)
	b = appendPrefixed(b, miner.b[:])
	b = appendPrefixed(b, t)
	b = appendPrefixed(b, o)
	b = append(b, salt[:]...)
	return sha256.Sum256(b)
}

// appendPrefixed appends v with its length: a u16be if below 0xffff,
// otherwise 0xffff and a u64be. The lengths of valid messages' peer IDs
// and CIDs all take the short form; the long one exists so that no length
// is ever truncated, which would let two different inputs hash alike.
func appendPrefixed(b, v []byte) []byte {
	if len(v) < math.MaxUint16 {
		b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
	} else {
		b = binary.BigEndian.AppendUint16(b, math.MaxUint16)
		b = binary.BigEndian.AppendUint64(b, uint64(len(v)))
	}
	return append(b, v...)
}

// CommitHash returns the hash the reveal opens.
func (r WeightReveal) CommitHash() [32]byte {
	return WeightCommitHash(r.Subnet, r.Epoch, r.Validator, r.Weights, r.Salt)
}

// CommitHash returns the hash the reveal opens.
func (r SubmissionReveal) CommitHash() [32]byte {
	return SubmissionCommitHash(r.Subnet, r.Epoch, r.Miner, r.Task, r.Output, r.Salt)
}

// NewSalt returns a fresh random salt for a commit.
func NewSalt() ([32]byte, error) {
	var s [32]byte
	if _, err := rand.Read(s[:]); err != nil {
		return s, fmt.Errorf("read random salt: %w", err)
	}
	return s, nil
}

// signingBytes returns domain ‖ 0x00 ‖ DAG-CBOR(v), where v is a message
// whose signature field has been cleared (and so is omitted).
func signingBytes(domain string, v any) ([]byte, error) {
	enc, err := dagcbor.Marshal(v)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(domain)+1+len(enc))
	b = append(b, domain...)
	b = append(b, 0)
	return append(b, enc...), nil
}

// verifySignature checks sig over msg with peer's key.
func verifySignature(what string, peer PeerID, msg, sig []byte) error {
	if !peer.Verify(msg, sig) {
		return fmt.Errorf("%s by %s: %w", what, peer, ErrBadSignature)
	}
	return nil
}

// SigningBytes returns the bytes the validator signs: the signature domain
// "crucible/sig/weight-commit/v1", a zero byte, and the DAG-CBOR encoding
// of c without its signature.
func (c WeightCommit) SigningBytes() ([]byte, error) {
	c.Signature = nil
	return signingBytes(weightCommitSigDomain, c)
}

// VerifySignature checks that Signature is the validator's signature of
// SigningBytes. It returns an error wrapping ErrBadSignature if not.
func (c WeightCommit) VerifySignature() error {
	msg, err := c.SigningBytes()
	if err != nil {
		return fmt.Errorf("weight commit: %w", err)
	}
	return verifySignature("weight commit", c.Validator, msg, c.Signature)
}

// SigningBytes returns the bytes the miner signs: the signature domain
// "crucible/sig/submission-commit/v1", a zero byte, and the DAG-CBOR
// encoding of c without its signature.
func (c SubmissionCommit) SigningBytes() ([]byte, error) {
	c.Signature = nil
	return signingBytes(submissionCommitSigDomain, c)
}

// VerifySignature checks that Signature is the miner's signature of
// SigningBytes. It returns an error wrapping ErrBadSignature if not.
func (c SubmissionCommit) VerifySignature() error {
	msg, err := c.SigningBytes()
	if err != nil {
		return fmt.Errorf("submission commit: %w", err)
	}
	return verifySignature("submission commit", c.Miner, msg, c.Signature)
}

// SigningBytes returns the bytes the validator signs: the signature domain
// "crucible/sig/attestation/v1", a zero byte, and the DAG-CBOR encoding of
// a without its signature.
func (a Attestation) SigningBytes() ([]byte, error) {
	a.Signature = nil
	return signingBytes(attestationSigDomain, a)
}

// VerifySignature checks that Signature is the validator's signature of
// SigningBytes. It returns an error wrapping ErrBadSignature if not.
func (a Attestation) VerifySignature() error {
	msg, err := a.SigningBytes()
	if err != nil {
		return fmt.Errorf("attestation: %w", err)
	}
	return verifySignature("attestation", a.Validator, msg, a.Signature)
}

// CommitWeights makes a validator's signed weight commit and the reveal
// that opens it. The validator gossips the commit before the epoch ends
// and keeps the reveal (with its salt) until the reveal window.
func CommitWeights(s Signer, subnet, epoch uint64, weights []Weight, salt [32]byte) (WeightCommit, WeightReveal, error) {
	if s == nil {
		return WeightCommit{}, WeightReveal{}, fmt.Errorf("commit weights: nil signer")
	}
	r := WeightReveal{
		Version: ProtocolVersion, Subnet: subnet, Epoch: epoch,
		Validator: s.PeerID(), Weights: weights, Salt: salt,
	}
	if err := r.Validate(); err != nil {
		return WeightCommit{}, WeightReveal{}, fmt.Errorf("commit weights: %w", err)
	}
	c := WeightCommit{
		Version: ProtocolVersion, Subnet: subnet, Epoch: epoch,
		Validator: r.Validator, Commit: r.CommitHash(),
	}
	msg, err := c.SigningBytes()
	if err != nil {
		return WeightCommit{}, WeightReveal{}, fmt.Errorf("commit weights: %w", err)
	}
	if c.Signature, err = sign(s, msg); err != nil {
		return WeightCommit{}, WeightReveal{}, fmt.Errorf("commit weights: %w", err)
	}
	return c, r, nil
}

// CommitSubmission makes a miner's signed submission commit for the task
// named by task and the reveal that opens it. The miner gossips the commit
// before the submission deadline and the reveal after it.
func CommitSubmission(s Signer, subnet, epoch uint64, task, output Link, salt [32]byte) (SubmissionCommit, SubmissionReveal, error) {
	if s == nil {
		return SubmissionCommit{}, SubmissionReveal{}, fmt.Errorf("commit submission: nil signer")
	}
	r := SubmissionReveal{
		Version: ProtocolVersion, Subnet: subnet, Epoch: epoch,
		Miner: s.PeerID(), Task: task, Output: output, Salt: salt,
	}
	if err := r.Validate(); err != nil {
		return SubmissionCommit{}, SubmissionReveal{}, fmt.Errorf("commit submission: %w", err)
	}
	c := SubmissionCommit{
		Version: ProtocolVersion, Subnet: subnet, Epoch: epoch,
		Miner: r.Miner, Task: task, Commit: r.CommitHash(),
	}
	msg, err := c.SigningBytes()
	if err != nil {
		return SubmissionCommit{}, SubmissionReveal{}, fmt.Errorf("commit submission: %w", err)
	}
	if c.Signature, err = sign(s, msg); err != nil {
		return SubmissionCommit{}, SubmissionReveal{}, fmt.Errorf("commit submission: %w", err)
	}
	return c, r, nil
}

// Attest makes a validator's signed attestation of an epoch record.
func Attest(s Signer, subnet, epoch uint64, record Link, root [32]byte) (Attestation, error) {
	if s == nil {
		return Attestation{}, fmt.Errorf("attest: nil signer")
	}
	a := Attestation{
		Version: ProtocolVersion, Subnet: subnet, Epoch: epoch,
		Validator: s.PeerID(), Record: record, Root: root,
	}
	msg, err := a.SigningBytes()
	if err != nil {
		return Attestation{}, fmt.Errorf("attest: %w", err)
	}
	if a.Signature, err = sign(s, msg); err != nil {
		return Attestation{}, fmt.Errorf("attest: %w", err)
	}
	if err := a.Validate(); err != nil {
		return Attestation{}, fmt.Errorf("attest: %w", err)
	}
	return a, nil
}

// Window is a half-open range of blocks [Open, Close).
type Window struct {
	// Open is the first block in the window.
	Open uint64
	// Close is the first block after the window.
	Close uint64
}

// Contains reports whether block is in the window.
func (w Window) Contains(block uint64) bool { return w.Open <= block && block < w.Close }

// Schedule holds the windows of one epoch (see Timing).
type Schedule struct {
	// SubmissionCommit is when miners' commits are accepted.
	SubmissionCommit Window
	// SubmissionReveal is when miners' reveals are accepted.
	SubmissionReveal Window
	// WeightCommit is when validators' commits are accepted.
	WeightCommit Window
	// WeightReveal is when validators' reveals are accepted.
	WeightReveal Window
}

// Equivocation is evidence that a validator signed two different weight
// commits for one subnet and epoch: it could reveal whichever suits it
// once it has seen the others'. Anyone can check it with Verify alone.
// The two commits are ordered by their commit hash, so two peers that saw
// them in different orders hold byte-identical evidence.
type Equivocation struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// A and B are the two commits, A.Commit < B.Commit bytewise.
	A WeightCommit `cbor:"a"`
	B WeightCommit `cbor:"b"`
}

// NewEquivocation returns the evidence made of x and y, in canonical
// order, after checking that it verifies.
func NewEquivocation(x, y WeightCommit) (Equivocation, error) {
	if bytes.Compare(x.Commit[:], y.Commit[:]) > 0 {
		x, y = y, x
	}
	e := Equivocation{Version: ProtocolVersion, A: x, B: y}
	if err := e.Verify(); err != nil {
		return Equivocation{}, err
	}
	return e, nil
}

// mergeEvidence returns the canonical evidence among e's commits and more,
// all validly signed commits of e's validator for e's subnet and epoch:
// of each commit hash the copy with the smallest signature, and of those
// the two with the smallest hashes. Whatever order a node learns the
// commits in, and from whichever evidence, it ends with the same evidence,
// so records agree. It reports whether the result differs from e.
func mergeEvidence(e Equivocation, more ...WeightCommit) (Equivocation, bool) {
	cs := append([]WeightCommit{e.A, e.B}, more...)
	slices.SortFunc(cs, func(x, y WeightCommit) int {
		if c := bytes.Compare(x.Commit[:], y.Commit[:]); c != 0 {
			return c
		}
		return bytes.Compare(x.Signature, y.Signature)
	})
	// cs[0] has the smallest hash and, of its copies, the smallest
	// signature; the first commit with another hash is the second.
	i := 1
	for cs[i].Commit == cs[0].Commit {
		i++ // e.A and e.B differ, so some commit has another hash
	}
	out := Equivocation{Version: ProtocolVersion, A: cs[0], B: cs[i]}
	changed := !bytes.Equal(out.A.Signature, e.A.Signature) || !bytes.Equal(out.B.Signature, e.B.Signature) ||
		out.A.Commit != e.A.Commit || out.B.Commit != e.B.Commit
	return out, changed
}

// Kind returns KindEquivocation.
func (Equivocation) Kind() Kind { return KindEquivocation }

// Validator returns the equivocating validator.
func (e Equivocation) Validator() PeerID { return e.A.Validator }

// Validate checks the evidence's shape: two well-formed commits by one
// validator for one subnet and epoch, with different hashes, in canonical
// order. Verify also checks the signatures.
func (e Equivocation) Validate() error {
	if e.Version != ProtocolVersion {
		return invalidf("equivocation: version %d, want %d", e.Version, ProtocolVersion)
	}
	if err := e.A.Validate(); err != nil {
		return fmt.Errorf("equivocation: first commit: %w", err)
	}
	if err := e.B.Validate(); err != nil {
		return fmt.Errorf("equivocation: second commit: %w", err)
	}
	if e.A.Subnet != e.B.Subnet || e.A.Epoch != e.B.Epoch || e.A.Validator != e.B.Validator {
		return invalidf("equivocation: the commits are for different subnets, epochs or validators")
	}
	if bytes.Compare(e.A.Commit[:], e.B.Commit[:]) >= 0 {
		return invalidf("equivocation: commit hashes must differ and be in increasing order")
	}
	return nil
}

// Verify checks that the evidence is valid and both signatures are the
// validator's: if it returns nil, the validator did equivocate. It needs
// nothing but the evidence itself.
func (e Equivocation) Verify() error {
	if err := e.Validate(); err != nil {
		return err
	}
	if err := e.A.VerifySignature(); err != nil {
		return fmt.Errorf("equivocation: %w", err)
	}
	if err := e.B.VerifySignature(); err != nil {
		return fmt.Errorf("equivocation: %w", err)
	}
	return nil
}

// EquivocationError is returned by Book.AddWeightCommit when a commit
// conflicts with an accepted one, or improves the evidence already held:
// the commit is news that every node should see, so a gossip validator
// accepts and forwards it. It matches ErrEquivocation.
type EquivocationError struct {
	// Evidence holds both commits; it verifies.
	Evidence Equivocation
}

// Error names the validator, subnet and epoch, so that a log line says who
// equivocated without decoding the evidence.
func (e *EquivocationError) Error() string {
	return fmt.Sprintf("%v: validator %s signed two weight commits for subnet %d epoch %d",
		ErrEquivocation, e.Evidence.Validator(), e.Evidence.A.Subnet, e.Evidence.A.Epoch)
}

// Unwrap lets errors.Is match ErrEquivocation.
func (e *EquivocationError) Unwrap() error { return ErrEquivocation }
