package tasks

import (
	"math"
	"unicode/utf8"
)

// Bounds of message fields.
const (
	// MaxTaskParams bounds Task.Params; larger inputs go behind Task.Input.
	MaxTaskParams = 32 << 10
	// MaxVerdictLen bounds Evaluation.Error.
	MaxVerdictLen = 1 << 10
	// MaxLinkLen bounds the binary CID of a link to content a participant
	// brings: a miner's output, a task's input, an evaluator module. The
	// CIDs Kubo makes are far shorter (36 bytes with sha2-256, 70 with a
	// 64-byte digest); the bound is what lets the largest evaluation and
	// reveal, and so the largest record, be known in advance
	// (MaxRecordTasks).
	MaxLinkLen = 100
)

// Task is what a validator asks of the subnet's miners in one epoch. Its
// CID names it in submissions and evaluations.
type Task struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Subnet and Epoch place the task.
	Subnet uint64 `cbor:"subnet"`
	Epoch  uint64 `cbor:"epoch"`
	// Validator publishes the task and evaluates the answers.
	Validator PeerID `cbor:"validator"`
	// Index numbers the validator's tasks in the epoch, below the
	// manifest's TasksPerEpoch (and MaxTasksPerEpoch).
	Index uint32 `cbor:"index"`
	// Input optionally links a dataset or challenge the miners need.
	Input Link `cbor:"input,omitzero"`
	// Params are the evaluator's task bytes, at most MaxTaskParams,
	// typically derived from the epoch seed.
	Params []byte `cbor:"params,omitempty"`
}

// Kind returns KindTask.
func (Task) Kind() Kind { return KindTask }

// Validate checks the fields' ranges.
func (t Task) Validate() error {
	if err := validateHead("task", t.Version, t.Validator, "validator"); err != nil {
		return err
	}
	if t.Index >= MaxTasksPerEpoch {
		return invalidf("task: index %d, want below %d", t.Index, MaxTasksPerEpoch)
	}
	if t.Input.Defined() {
		if err := validateContentLink("task: input", t.Input); err != nil {
			return err
		}
	}
	if len(t.Params) > MaxTaskParams {
		return invalidf("task: %d bytes of params, at most %d (link larger inputs)", len(t.Params), MaxTaskParams)
	}
	return nil
}

// SubmissionCommit is a miner's signed promise of an output for a task,
// sent before the submission deadline. It names the task in clear but
// hides the output: Commit is SubmissionCommitHash of the reveal.
type SubmissionCommit struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Subnet and Epoch place the commit.
	Subnet uint64 `cbor:"subnet"`
	Epoch  uint64 `cbor:"epoch"`
	// Miner makes and signs the commit.
	Miner PeerID `cbor:"miner"`
	// Task is the CID of the task answered, as Encode gives it (a CIDv1,
	// dag-cbor, sha2-256): one task has one link.
	Task Link `cbor:"task"`
	// Commit is SubmissionCommitHash of the reveal.
	Commit [32]byte `cbor:"commit"`
	// Signature is the miner's Ed25519 signature of SigningBytes.
	Signature []byte `cbor:"sig,omitempty"`
}

// Kind returns KindSubmissionCommit.
func (SubmissionCommit) Kind() Kind { return KindSubmissionCommit }

// Validate checks the fields' shape; VerifySignature checks the signature.
func (c SubmissionCommit) Validate() error {
	if err := validateHead("submission commit", c.Version, c.Miner, "miner"); err != nil {
		return err
	}
	if err := validateTaskLink("submission commit", c.Task); err != nil {
		return err
	}
	return validateSignature("submission commit", c.Signature)
}

// SubmissionReveal opens a SubmissionCommit after the deadline: the output
// and the salt that hid it.
type SubmissionReveal struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Subnet and Epoch place the reveal.
	Subnet uint64 `cbor:"subnet"`
	Epoch  uint64 `cbor:"epoch"`
	// Miner made the commit.
	Miner PeerID `cbor:"miner"`
	// Task is the CID of the task answered.
	Task Link `cbor:"task"`
	// Output is the CID of the miner's output, which the miner serves.
	Output Link `cbor:"output"`
	// Salt is the random value that hid Output in the commit.
	Salt [32]byte `cbor:"salt"`
}

// Kind returns KindSubmissionReveal.
func (SubmissionReveal) Kind() Kind { return KindSubmissionReveal }

// Validate checks the fields' shape.
func (r SubmissionReveal) Validate() error {
	if err := validateHead("submission reveal", r.Version, r.Miner, "miner"); err != nil {
		return err
	}
	if err := validateTaskLink("submission reveal", r.Task); err != nil {
		return err
	}
	return validateContentLink("submission reveal: output", r.Output)
}

// WeightCommit is a validator's signed promise of its weights for an
// epoch, sent before the epoch ends.
type WeightCommit struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Subnet and Epoch place the commit.
	Subnet uint64 `cbor:"subnet"`
	Epoch  uint64 `cbor:"epoch"`
	// Validator makes and signs the commit.
	Validator PeerID `cbor:"validator"`
	// Commit is WeightCommitHash of the reveal.
	Commit [32]byte `cbor:"commit"`
	// Signature is the validator's Ed25519 signature of SigningBytes.
	Signature []byte `cbor:"sig,omitempty"`
}

// Kind returns KindWeightCommit.
func (WeightCommit) Kind() Kind { return KindWeightCommit }

// Validate checks the fields' shape; VerifySignature checks the signature.
func (c WeightCommit) Validate() error {
	if err := validateHead("weight commit", c.Version, c.Validator, "validator"); err != nil {
		return err
	}
	return validateSignature("weight commit", c.Signature)
}

// WeightReveal opens a WeightCommit in the reveal window.
type WeightReveal struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Subnet and Epoch place the reveal.
	Subnet uint64 `cbor:"subnet"`
	Epoch  uint64 `cbor:"epoch"`
	// Validator made the commit.
	Validator PeerID `cbor:"validator"`
	// Weights is the canonical weight vector (ValidateWeights); empty if
	// the validator rates nobody.
	Weights []Weight `cbor:"weights,omitempty"`
	// Salt is the random value that hid the weights in the commit.
	Salt [32]byte `cbor:"salt"`
}

// Kind returns KindWeightReveal.
func (WeightReveal) Kind() Kind { return KindWeightReveal }

// Validate checks the fields' shape and that the weights are canonical.
func (r WeightReveal) Validate() error {
	if err := validateHead("weight reveal", r.Version, r.Validator, "validator"); err != nil {
		return err
	}
	return ValidateWeights(r.Weights)
}

// Evaluation is a validator's result of running the subnet's evaluator on
// one miner's output for one task. Anyone holding the manifest, the epoch
// seed, the task and the output can run it again and must get the same
// score and fuel.
//
// The score is the evaluator's float64 itself rather than a fixed-point
// integer: the sandbox returns a float64 in [0, 1] that is a deterministic
// function of the module and its input (NaN is refused as a verdict), and
// DAG-CBOR always writes floats in 64 bits, so the exact value has one
// encoding and a re-run can be compared bit for bit. Quantising would add a
// second rounding rule to agree on and lose the ordering of close scores;
// the one quantisation the protocol needs happens where scores become
// weights (NormalizeWeights).
type Evaluation struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Subnet and Epoch place the evaluation.
	Subnet uint64 `cbor:"subnet"`
	Epoch  uint64 `cbor:"epoch"`
	// Validator ran the evaluation.
	Validator PeerID `cbor:"validator"`
	// Miner submitted the output.
	Miner PeerID `cbor:"miner"`
	// Task is the CID of the task.
	Task Link `cbor:"task"`
	// Output is the CID of the evaluated output.
	Output Link `cbor:"output"`
	// Score is the evaluator's score in [0, 1]; 0 when Error is set.
	Score float64 `cbor:"score"`
	// Fuel is the fuel the evaluation used.
	Fuel uint64 `cbor:"fuel"`
	// Error is the verdict when the evaluation failed deterministically
	// (out of fuel, trap, evaluator error: the sandbox's message), at
	// most MaxVerdictLen bytes of UTF-8; empty when it succeeded.
	Error string `cbor:"error,omitempty"`
}

// Kind returns KindEvaluation.
func (Evaluation) Kind() Kind { return KindEvaluation }

// Validate checks the fields' ranges.
func (e Evaluation) Validate() error {
	if err := validateHead("evaluation", e.Version, e.Validator, "validator"); err != nil {
		return err
	}
	if err := e.Miner.validate("evaluation: miner"); err != nil {
		return err
	}
	if err := validateTaskLink("evaluation", e.Task); err != nil {
		return err
	}
	if err := validateContentLink("evaluation: output", e.Output); err != nil {
		return err
	}
	// Signbit also refuses -0: it compares equal to 0 but encodes
	// differently, so a re-run that gets +0 would not match bit for bit,
	// and no evaluator verdict in [0, 1] needs it.
	if math.IsNaN(e.Score) || math.Signbit(e.Score) || e.Score > 1 {
		return invalidf("evaluation: score %v, want [0, 1] (and not -0)", e.Score)
	}
	if len(e.Error) > MaxVerdictLen || !utf8.ValidString(e.Error) {
		return invalidf("evaluation: verdict must be at most %d bytes of UTF-8", MaxVerdictLen)
	}
	if e.Error != "" && e.Score != 0 {
		return invalidf("evaluation: score %v with verdict %q, want 0", e.Score, e.Error)
	}
	return nil
}

// Attestation is a validator's signature of an epoch record: the record's
// CID and its Merkle root, the pair the anchor transaction carries.
type Attestation struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Subnet and Epoch place the record.
	Subnet uint64 `cbor:"subnet"`
	Epoch  uint64 `cbor:"epoch"`
	// Validator signs.
	Validator PeerID `cbor:"validator"`
	// Record is the CID of the record's root block.
	Record Link `cbor:"record"`
	// Root is the record's Merkle root.
	Root [32]byte `cbor:"root"`
	// Signature is the validator's Ed25519 signature of SigningBytes.
	Signature []byte `cbor:"sig,omitempty"`
}

// Kind returns KindAttestation.
func (Attestation) Kind() Kind { return KindAttestation }

// Validate checks the fields' shape; VerifySignature checks the signature.
func (a Attestation) Validate() error {
	if err := validateHead("attestation", a.Version, a.Validator, "validator"); err != nil {
		return err
	}
	if err := validateBlockLink("attestation: record", a.Record); err != nil {
		return err
	}
	return validateSignature("attestation", a.Signature)
}

// validateHead checks the fields every message starts with.
func validateHead(what string, version uint64, peer PeerID, role string) error {
	if version != ProtocolVersion {
		return invalidf("%s: version %d, want %d", what, version, ProtocolVersion)
	}
	return peer.validate(what + ": " + role)
}

// validateTaskLink checks a link to a task, a protocol block.
func validateTaskLink(what string, l Link) error {
	return validateBlockLink(what+": task", l)
}

// validateBlockLink checks that l names a protocol block (a message, a
// record's root block or page) the one way Encode and SumLink name it: a
// CIDv1 with codec dag-cbor and a 32-byte sha2-256 digest. Any other
// spelling of a block's CID (a CIDv0, another hash function) would let one
// task be named twice, so that "one commit per task" could be dodged, and
// an identity or truncated digest names no block anyone can fetch. It
// returns an error wrapping ErrInvalid; what names the field.
func validateBlockLink(what string, l Link) error {
	if !l.IsSum(CodecDagCBOR) {
		return invalidf("%s link %s: want a CIDv1 of a dag-cbor block with a sha2-256 digest, as Encode makes", what, l)
	}
	return nil
}

// validateContentLink checks a link to content a participant brings (an
// output, an input, an evaluator): defined and at most MaxLinkLen bytes.
func validateContentLink(what string, l Link) error {
	if !l.Defined() {
		return invalidf("%s: undefined link", what)
	}
	if n := len(l.Bytes()); n > MaxLinkLen {
		return invalidf("%s: link of %d bytes, at most %d", what, n, MaxLinkLen)
	}
	return nil
}

// validateSignature checks a signature's length; the bytes are checked by
// the message's VerifySignature.
func validateSignature(what string, sig []byte) error {
	if len(sig) != 64 {
		return invalidf("%s: signature of %d bytes, want 64", what, len(sig))
	}
	return nil
}
