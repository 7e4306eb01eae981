package tasks

import (
	"fmt"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// Size limits of encodings, per kind. Decoding refuses anything larger
// before parsing it (ErrTooLarge), and encoding refuses to produce it. Each
// limit is a few times the largest valid message of its kind, and all stay
// under MaxBlockSize so that every message and record block travels as one
// bitswap block.
const (
	// MaxBlockSize bounds every block of the protocol (1 MiB, the block
	// size bitswap peers accept).
	MaxBlockSize = 1 << 20
	// MaxManifestSize bounds a Manifest.
	MaxManifestSize = 16 << 10
	// MaxTaskSize bounds a Task (MaxTaskParams of params and the rest).
	MaxTaskSize = 64 << 10
	// MaxSubmissionCommitSize bounds a SubmissionCommit.
	MaxSubmissionCommitSize = 1 << 10
	// MaxSubmissionRevealSize bounds a SubmissionReveal.
	MaxSubmissionRevealSize = 1 << 10
	// MaxWeightCommitSize bounds a WeightCommit.
	MaxWeightCommitSize = 1 << 10
	// MaxWeightRevealSize bounds a WeightReveal: MaxNeurons weights of at
	// most 13 bytes each, and the rest.
	MaxWeightRevealSize = 128 << 10
	// MaxEvaluationSize bounds an Evaluation (MaxVerdictLen of verdict).
	MaxEvaluationSize = 4 << 10
	// MaxAttestationSize bounds an Attestation.
	MaxAttestationSize = 1 << 10
	// MaxEquivocationSize bounds an Equivocation (two weight commits).
	MaxEquivocationSize = 2 << 10
	// MaxRecordHeaderSize bounds a RecordHeader.
	MaxRecordHeaderSize = 1 << 10
	// MaxNeuronSize bounds a Neuron entry.
	MaxNeuronSize = 256
	// MaxResultSize bounds a Result entry.
	MaxResultSize = 1 << 10
	// MaxBondRowSize bounds a BondRow entry: MaxNeurons bonds of at most
	// 19 bytes each, and the rest.
	MaxBondRowSize = 128 << 10
	// MaxRecordSize bounds the root block of an epoch record, which lists
	// its pages: one whole block, about 18,000 page references, enough for
	// the largest record any valid manifest allows (MaxRecordTasks).
	MaxRecordSize = MaxBlockSize
	// MaxPageSize bounds one page of an epoch record. BuildRecord never
	// fills a page past PageTargetSize, and a reader rebuilds every page
	// to check it, so a larger page cannot be part of a valid record and
	// is refused before it is decoded.
	MaxPageSize = PageTargetSize
	// PageTargetSize is the size BuildRecord fills pages to. Smaller pages
	// make proving one entry to a remote verifier cheaper (one page to
	// fetch); every single entry is well below it.
	PageTargetSize = 256 << 10
)

// Kind names a type of message or record block.
type Kind uint8

// The kinds of messages and blocks, one per Message type. The numbers are
// not part of any encoding; they only index the limits.
const (
	KindManifest         Kind = iota + 1 // Manifest
	KindTask                             // Task
	KindSubmissionCommit                 // SubmissionCommit
	KindSubmissionReveal                 // SubmissionReveal
	KindWeightCommit                     // WeightCommit
	KindWeightReveal                     // WeightReveal
	KindEvaluation                       // Evaluation
	KindAttestation                      // Attestation
	KindEquivocation                     // Equivocation
	KindRecord                           // EpochRecord, a record's root block
	KindRecordHeader                     // RecordHeader, leaf 0 of a record
	KindNeuron                           // Neuron, a record entry
	KindResult                           // Result, a record entry
	KindBondRow                          // BondRow, a record entry
)

var kindInfo = [...]struct {
	name    string
	maxSize int
}{
	KindManifest:         {"manifest", MaxManifestSize},
	KindTask:             {"task", MaxTaskSize},
	KindSubmissionCommit: {"submission commit", MaxSubmissionCommitSize},
	KindSubmissionReveal: {"submission reveal", MaxSubmissionRevealSize},
	KindWeightCommit:     {"weight commit", MaxWeightCommitSize},
	KindWeightReveal:     {"weight reveal", MaxWeightRevealSize},
	KindEvaluation:       {"evaluation", MaxEvaluationSize},
	KindAttestation:      {"attestation", MaxAttestationSize},
	KindEquivocation:     {"equivocation", MaxEquivocationSize},
	KindRecord:           {"epoch record", MaxRecordSize},
	KindRecordHeader:     {"record header", MaxRecordHeaderSize},
	KindNeuron:           {"neuron", MaxNeuronSize},
	KindResult:           {"result", MaxResultSize},
	KindBondRow:          {"bond row", MaxBondRowSize},
}

// String returns the kind's name ("weight commit").
func (k Kind) String() string {
	if k == 0 || int(k) >= len(kindInfo) {
		return fmt.Sprintf("kind(%d)", uint8(k))
	}
	return kindInfo[k].name
}

// MaxSize returns the size limit of the kind's encoding (0 for an unknown
// kind).
func (k Kind) MaxSize() int {
	if k == 0 || int(k) >= len(kindInfo) {
		return 0
	}
	return kindInfo[k].maxSize
}

// Message is a protocol message, a record's root block or a record entry:
// Manifest, Task, SubmissionCommit, SubmissionReveal, WeightCommit,
// WeightReveal, Evaluation, Attestation, Equivocation, EpochRecord,
// RecordHeader, Neuron, Result or BondRow. Decode reads any of them, so a
// verifier can read the leaf an inclusion proof covers.
type Message interface {
	// Kind says which; it selects the size limit.
	Kind() Kind
	// Validate checks the rules of the protocol that do not need any
	// other message: ranges, canonical order, defined links and peer IDs.
	// It does not check signatures (VerifySignature does).
	Validate() error
}

var (
	_ Message = Manifest{}
	_ Message = Task{}
	_ Message = SubmissionCommit{}
	_ Message = SubmissionReveal{}
	_ Message = WeightCommit{}
	_ Message = WeightReveal{}
	_ Message = Evaluation{}
	_ Message = Attestation{}
	_ Message = Equivocation{}
	_ Message = EpochRecord{}
	_ Message = RecordHeader{}
	_ Message = Neuron{}
	_ Message = Result{}
	_ Message = BondRow{}
)

// Kind returns KindManifest.
func (Manifest) Kind() Kind { return KindManifest }

// Encode validates m and returns its deterministic DAG-CBOR encoding and
// CID. Equal messages give equal bytes and equal CIDs on every machine.
//
// # Errors
//
// ErrInvalid (or ErrInvalidPeerID) if m breaks a rule, ErrTooLarge if the
// encoding exceeds the kind's limit.
func Encode(m Message) ([]byte, Link, error) {
	k := m.Kind()
	if err := m.Validate(); err != nil {
		return nil, Link{}, fmt.Errorf("encode %s: %w", k, err)
	}
	data, link, err := dagcbor.Encode(m)
	if err != nil {
		return nil, Link{}, fmt.Errorf("encode %s: %w", k, err)
	}
	if len(data) > k.MaxSize() {
		return nil, Link{}, fmt.Errorf("encode %s: %w: %d bytes, limit %d", k, ErrTooLarge, len(data), k.MaxSize())
	}
	return data, link, nil
}

// Decode decodes and validates a message of type T (one of the Message
// types: tasks.Decode[tasks.WeightCommit](data)). Decoding is strict: the
// bytes must be the canonical DAG-CBOR encoding of a T within the kind's
// size limit, with no unknown fields, and the value must pass Validate.
// Signatures are not checked; call VerifySignature where a message has
// one.
//
// # Errors
//
// ErrTooLarge, ErrMalformed, ErrUnknownField or ErrNonCanonical from
// decoding; ErrInvalid or ErrInvalidPeerID from validation.
func Decode[T any, PT interface {
	*T
	Message
}](data []byte) (T, error) {
	var v T
	k := PT(&v).Kind()
	if err := dagcbor.Unmarshal(data, &v, k.MaxSize()); err != nil {
		var zero T
		return zero, fmt.Errorf("decode %s: %w", k, err)
	}
	if err := PT(&v).Validate(); err != nil {
		var zero T
		return zero, fmt.Errorf("decode %s: %w", k, err)
	}
	return v, nil
}
