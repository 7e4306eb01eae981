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
	// Task is the CID of the task answered.
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
	if !r.Output.Defined() {
		return invalidf("submission reveal: undefined output link")
	}
	return nil
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
	if !e.Output.Defined() {
		return invalidf("evaluation: undefined output link")
	}
	if math.IsNaN(e.Score) || e.Score < 0 || e.Score > 1 {
		return invalidf("evaluation: score %v, want [0, 1]", e.Score)
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
	if !a.Record.Defined() || a.Record.Codec() != CodecDagCBOR {
		return invalidf("attestation: record link must be a defined dag-cbor link")
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

// validateTaskLink checks a link to a task: tasks are DAG-CBOR blocks.
func validateTaskLink(what string, l Link) error {
	if !l.Defined() || l.Codec() != CodecDagCBOR {
		return invalidf("%s: task link must be a defined dag-cbor link", what)
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
