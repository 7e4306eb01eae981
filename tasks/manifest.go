package tasks

import (
	"math"
)

// ProtocolVersion is the value of the "v" field of every message and
// record block this package writes and accepts.
const ProtocolVersion = 1

// Bounds a manifest is checked against. They keep every derived message
// under its size limit and every block number computation from
// overflowing.
const (
	// MaxNameLen bounds Manifest.Name.
	MaxNameLen = 64
	// MaxNetworkLen bounds Manifest.Network.
	MaxNetworkLen = 32
	// MaxTempo bounds Timing.Tempo, in blocks (about a year of 2-second
	// blocks).
	MaxTempo = 1 << 24
	// MaxFuel bounds SandboxLimits.Fuel: about an hour of guest CPU.
	MaxFuel = 1 << 44
	// MaxMemoryPages bounds SandboxLimits.MemoryPages (64 KiB pages), as
	// the sandbox does: one page short of 4 GiB.
	MaxMemoryPages = 65535
	// MaxDetailBytes bounds SandboxLimits.OutputBytes.
	MaxDetailBytes = 1 << 20
	// MaxFetchBytes bounds Manifest.MaxFetchBytes (64 GiB).
	MaxFetchBytes = 1 << 36
	// MaxTasksPerEpoch bounds Manifest.TasksPerEpoch.
	MaxTasksPerEpoch = 1024
	// MaxRecordTasks bounds the tasks of one epoch,
	// Consensus.MaxValidators × TasksPerEpoch (64 validators with 8 tasks
	// each, say), so that the epoch's record always fits: the root block
	// lists every page, and it is one block of at most MaxRecordSize.
	//
	// The worst case is MaxNeurons participants answering every task:
	// MaxNeurons × MaxRecordTasks = 2,097,152 submission commits, as many
	// reveals and as many evaluations, next to MaxNeurons neurons, weight
	// commits, weight reveals, equivocations, results and bond rows. A page
	// holds at least (PageTargetSize - 32) / E entries of at most E bytes,
	// and with the bounds E of record.go (checked against the largest
	// valid encodings by TestRecordBound) that is
	//
	//	section              entries    E bytes  per page    pages
	//	neurons                4,096        256     1,023        5
	//	tasks                    512     65,536         3      171
	//	submission commits 2,097,152        256     1,023    2,051
	//	submission reveals 2,097,152        288       910    2,305
	//	evaluations        2,097,152      1,360       192   10,923
	//	weight commits         4,096        256     1,023        5
	//	weight reveals         4,096     53,248         4    1,024
	//	equivocations          4,096        512       511        9
	//	results                4,096        320       819        6
	//	bond rows              4,096     79,872         3    1,366
	//	                                              total 17,865
	//
	// and the root block that lists 17,865 pages, with its header and
	// section heads, is 985,139 bytes: under MaxRecordSize (1 MiB). The
	// evaluations dominate (a verdict may be MaxVerdictLen bytes), which is
	// why the bound counts tasks rather than validators.
	MaxRecordTasks = 512
)

// Manifest describes a subnet: what it evaluates, with which limits, on
// what schedule, and with which consensus parameters. Its CID is what the
// chain registers when the subnet is created, so it never changes; a new
// version of a subnet is a new manifest.
type Manifest struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Name is the subnet's name: 1 to MaxNameLen of a-z, 0-9 and '-'.
	Name string `cbor:"name"`
	// Network is the network the subnet runs on ("devnet", "mainnet"): 1
	// to MaxNetworkLen of a-z, 0-9 and '-'. It appears in gossip topics.
	Network string `cbor:"network"`
	// Evaluator links the WebAssembly evaluator module, a raw block or a
	// UnixFS file.
	Evaluator Link `cbor:"evaluator"`
	// ABI is the evaluator ABI version the module implements (at least 1).
	ABI uint32 `cbor:"abi"`
	// Limits bound one evaluation in the sandbox.
	Limits SandboxLimits `cbor:"limits"`
	// MaxFetchBytes bounds the size of a miner's output that validators
	// fetch; a larger output is not evaluated. 1 to MaxFetchBytes.
	MaxFetchBytes uint64 `cbor:"max_fetch_bytes"`
	// Timing is the epoch schedule.
	Timing Timing `cbor:"timing"`
	// Scoring says how scores become weights.
	Scoring Scoring `cbor:"scoring"`
	// Consensus holds the Yuma consensus and emission parameters.
	Consensus ConsensusParams `cbor:"consensus"`
	// TasksPerEpoch is how many tasks each validator publishes per epoch,
	// 1 to MaxTasksPerEpoch, and at most MaxRecordTasks in all:
	// Consensus.MaxValidators × TasksPerEpoch ≤ MaxRecordTasks. The bound
	// holds as long as only validators with a permit publish tasks, which
	// the gossip validator checks before the Book sees a task.
	TasksPerEpoch uint32 `cbor:"tasks_per_epoch"`
}

// SandboxLimits bound one evaluation. They are part of the manifest, not
// of a node's configuration, because they decide verdicts: every validator
// must run with the same ones to reach the same score and fuel.
type SandboxLimits struct {
	// Fuel is the fuel one evaluation may use, 1 to MaxFuel.
	Fuel uint64 `cbor:"fuel"`
	// MemoryPages caps the evaluator's linear memory in 64 KiB pages, 1 to
	// MaxMemoryPages.
	MemoryPages uint32 `cbor:"memory_pages"`
	// OutputBytes caps the result details the evaluator may write, 0 to
	// MaxDetailBytes.
	OutputBytes uint32 `cbor:"output_bytes"`
}

// Timing is a subnet's epoch schedule, in blocks of the chain. Epoch e
// starts at block start + e*Tempo (the chain says where start is); within
// the epoch that starts at block s:
//
//	submission commits  [s, s+SubmissionDeadline)
//	submission reveals  [s+SubmissionDeadline, s+SubmissionDeadline+SubmissionRevealWindow)
//	weight commits      [s, s+Tempo)
//	weight reveals      [s+Tempo, s+Tempo+WeightRevealWindow)
//
// Outputs are revealed only after the submission deadline, so nobody can
// copy one in time to commit to it; weights are revealed only after the
// epoch, when no validator can still change its own.
type Timing struct {
	// Tempo is the length of an epoch, 2 to MaxTempo.
	Tempo uint64 `cbor:"tempo"`
	// SubmissionDeadline ends the submission commit window, counted from
	// the epoch's first block; at least 1.
	SubmissionDeadline uint64 `cbor:"submission_deadline"`
	// SubmissionRevealWindow is the length of the submission reveal
	// window that opens at the deadline, at least 1; deadline plus window
	// is at most Tempo, so validators have the outputs before they commit.
	SubmissionRevealWindow uint64 `cbor:"submission_reveal_window"`
	// WeightRevealWindow is the length of the weight reveal window that
	// opens when the epoch ends, 1 to Tempo (Tempo: all of epoch e+1).
	WeightRevealWindow uint64 `cbor:"weight_reveal_window"`
}

// validate checks the schedule fits in an epoch.
func (t Timing) validate() error {
	switch {
	case t.Tempo < 2 || t.Tempo > MaxTempo:
		return invalidf("timing: tempo %d, want 2 to %d blocks", t.Tempo, MaxTempo)
	case t.SubmissionDeadline == 0:
		return invalidf("timing: submission deadline 0, want at least 1 block")
	case t.SubmissionRevealWindow == 0:
		return invalidf("timing: submission reveal window 0, want at least 1 block")
	case t.SubmissionDeadline > t.Tempo || t.SubmissionRevealWindow > t.Tempo-t.SubmissionDeadline:
		return invalidf("timing: submission deadline %d plus reveal window %d exceed tempo %d",
			t.SubmissionDeadline, t.SubmissionRevealWindow, t.Tempo)
	case t.WeightRevealWindow == 0 || t.WeightRevealWindow > t.Tempo:
		return invalidf("timing: weight reveal window %d, want 1 to tempo (%d)", t.WeightRevealWindow, t.Tempo)
	}
	return nil
}

// Schedule returns the windows of the epoch whose first block is start.
//
// # Errors
//
// ErrInvalid if t is not a valid schedule or the windows would run past
// the largest block number.
func (t Timing) Schedule(start uint64) (Schedule, error) {
	if err := t.validate(); err != nil {
		return Schedule{}, err
	}
	// Every offset is at most 2*MaxTempo, so one comparison rules out
	// overflow of all the sums below.
	if start > math.MaxUint64-2*MaxTempo {
		return Schedule{}, invalidf("timing: epoch start block %d is too large", start)
	}
	deadline := start + t.SubmissionDeadline
	end := start + t.Tempo
	return Schedule{
		SubmissionCommit: Window{Open: start, Close: deadline},
		SubmissionReveal: Window{Open: deadline, Close: deadline + t.SubmissionRevealWindow},
		WeightCommit:     Window{Open: start, Close: end},
		WeightReveal:     Window{Open: end, Close: end + t.WeightRevealWindow},
	}, nil
}

// ConsensusParams are the Yuma consensus and emission parameters of a
// subnet, as plain values; the consensus package reads them from here. The
// fractions are float64 in the ranges given.
type ConsensusParams struct {
	// Kappa is the stake fraction that must back a weight for it to count
	// in consensus, in (0, 1]; Bittensor uses 0.5.
	Kappa float64 `cbor:"kappa"`
	// BondsAlpha is the rate at which bonds move towards the current
	// weights each epoch, in (0, 1].
	BondsAlpha float64 `cbor:"bonds_alpha"`
	// BondsPenalty is how much weight above consensus is cut before it
	// forms bonds, in [0, 1].
	BondsPenalty float64 `cbor:"bonds_penalty"`
	// MaxValidators is how many neurons, by stake, hold a validator
	// permit, 1 to MaxNeurons, and with TasksPerEpoch at most
	// MaxRecordTasks tasks per epoch.
	MaxValidators uint32 `cbor:"max_validators"`
	// ActivityCutoff is how many blocks after its last update a neuron
	// counts as active, at least 1.
	ActivityCutoff uint64 `cbor:"activity_cutoff"`
	// StakeThreshold is the stake, in gwei, a neuron needs for a validator
	// permit.
	StakeThreshold uint64 `cbor:"stake_threshold"`
	// OwnerCut is the fraction of emission paid to the subnet owner, in
	// [0, 1].
	OwnerCut float64 `cbor:"owner_cut"`
	// Yuma3 selects Yuma consensus version 3 (per-bond EMA, fixed
	// dividends) instead of the original.
	Yuma3 bool `cbor:"yuma3"`
	// EmissionPerEpoch is the emission the epoch distributes, in gwei.
	EmissionPerEpoch uint64 `cbor:"emission_per_epoch"`
}

// validate checks the ranges of the parameters.
func (c ConsensusParams) validate() error {
	fractions := []struct {
		name      string
		v         float64
		openBelow bool // (0, 1] rather than [0, 1]
	}{
		{"kappa", c.Kappa, true},
		{"bonds_alpha", c.BondsAlpha, true},
		{"bonds_penalty", c.BondsPenalty, false},
		{"owner_cut", c.OwnerCut, false},
	}
	for _, f := range fractions {
		// Signbit refuses -0 along with the negatives: it equals 0 but has
		// another encoding, so two manifests meaning the same would differ.
		if math.IsNaN(f.v) || math.Signbit(f.v) || f.v > 1 || (f.openBelow && f.v == 0) {
			lo := "["
			if f.openBelow {
				lo = "("
			}
			return invalidf("consensus: %s %v, want a fraction in %s0, 1]", f.name, f.v, lo)
		}
	}
	if c.MaxValidators == 0 || c.MaxValidators > MaxNeurons {
		return invalidf("consensus: max_validators %d, want 1 to %d", c.MaxValidators, MaxNeurons)
	}
	if c.ActivityCutoff == 0 {
		return invalidf("consensus: activity_cutoff 0, want at least 1 block")
	}
	return nil
}

// Validate checks every field of m against its documented range.
func (m Manifest) Validate() error {
	if m.Version != ProtocolVersion {
		return invalidf("manifest version %d, want %d", m.Version, ProtocolVersion)
	}
	if err := validateName("name", m.Name, MaxNameLen); err != nil {
		return err
	}
	if err := validateName("network", m.Network, MaxNetworkLen); err != nil {
		return err
	}
	if err := validateContentLink("manifest: evaluator", m.Evaluator); err != nil {
		return err
	}
	if c := m.Evaluator.Codec(); c != CodecRaw && c != CodecDagPB {
		return invalidf("manifest: evaluator link has codec 0x%x, want raw (0x55) or dag-pb (0x70)", c)
	}
	if m.ABI == 0 {
		return invalidf("manifest: evaluator ABI version 0, want at least 1")
	}
	if l := m.Limits; l.Fuel == 0 || l.Fuel > MaxFuel {
		return invalidf("manifest: fuel %d, want 1 to %d", l.Fuel, uint64(MaxFuel))
	}
	if l := m.Limits; l.MemoryPages == 0 || l.MemoryPages > MaxMemoryPages {
		return invalidf("manifest: memory_pages %d, want 1 to %d", l.MemoryPages, MaxMemoryPages)
	}
	if m.Limits.OutputBytes > MaxDetailBytes {
		return invalidf("manifest: output_bytes %d, want at most %d", m.Limits.OutputBytes, MaxDetailBytes)
	}
	if m.MaxFetchBytes == 0 || m.MaxFetchBytes > MaxFetchBytes {
		return invalidf("manifest: max_fetch_bytes %d, want 1 to %d", m.MaxFetchBytes, uint64(MaxFetchBytes))
	}
	if err := m.Timing.validate(); err != nil {
		return err
	}
	if err := m.Scoring.validate(); err != nil {
		return err
	}
	if err := m.Consensus.validate(); err != nil {
		return err
	}
	if m.TasksPerEpoch == 0 || m.TasksPerEpoch > MaxTasksPerEpoch {
		return invalidf("manifest: tasks_per_epoch %d, want 1 to %d", m.TasksPerEpoch, MaxTasksPerEpoch)
	}
	if n := uint64(m.Consensus.MaxValidators) * uint64(m.TasksPerEpoch); n > MaxRecordTasks {
		return invalidf("manifest: max_validators %d × tasks_per_epoch %d = %d tasks per epoch, but at most %d fit in an epoch record; lower either",
			m.Consensus.MaxValidators, m.TasksPerEpoch, n, MaxRecordTasks)
	}
	return nil
}

// validateName checks a name used in topics and paths: 1 to maxLen
// characters of a-z, 0-9 and '-'.
func validateName(field, s string, maxLen int) error {
	if s == "" || len(s) > maxLen {
		return invalidf("manifest: %s %q, want 1 to %d characters", field, s, maxLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return invalidf("manifest: %s %q: character %q at %d, want a-z, 0-9 or '-'", field, s, c, i)
		}
	}
	return nil
}
