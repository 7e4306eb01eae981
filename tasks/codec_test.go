package tasks

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// sample is one valid value of a message kind, named for tests and corpus
// files.
type sample struct {
	name string
	msg  Message
}

// samples returns valid values of every kind, some in several shapes
// (optional fields present and absent).
func samples(tb testing.TB) []sample {
	tb.Helper()
	v := newSigner(tb, "validator")
	m := newSigner(tb, "miner")
	task, taskLink := testTask(tb, testSubnet, testEpoch, v, 1)
	taskWithInput := task
	taskWithInput.Input = rawLink("dataset")
	taskWithInput.Params = nil
	sc, sr, err := CommitSubmission(m, testSubnet, testEpoch, taskLink, rawLink("output"), salt("s"))
	if err != nil {
		tb.Fatal(err)
	}
	wc, wr, err := CommitWeights(v, testSubnet, testEpoch, []Weight{{0, 1}, {7, 65535}, {MaxNeurons - 1, 300}}, salt("w"))
	if err != nil {
		tb.Fatal(err)
	}
	wc2, wrEmpty, err := CommitWeights(v, testSubnet, testEpoch, nil, salt("w2"))
	if err != nil {
		tb.Fatal(err)
	}
	eq, err := NewEquivocation(wc, wc2)
	if err != nil {
		tb.Fatal(err)
	}
	att, err := Attest(v, testSubnet, testEpoch, cborLink("record"), [32]byte{9, 9})
	if err != nil {
		tb.Fatal(err)
	}
	eval := Evaluation{
		Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
		Validator: v.PeerID(), Miner: m.PeerID(), Task: taskLink, Output: rawLink("output"),
		Score: 0.8125, Fuel: 123456789,
	}
	failed := eval
	failed.Score, failed.Error = 0, "out of fuel"
	subnormal := eval
	subnormal.Score = math.SmallestNonzeroFloat64
	header := RecordHeader{
		Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
		Manifest: cborLink("manifest"), Seed: salt("seed"),
	}
	withPrev := header
	withPrev.Prev = cborLink("previous record")
	rec, err := BuildRecord(RecordContents{Header: withPrev})
	if err != nil {
		tb.Fatal(err)
	}
	topK := validManifest()
	topK.Scoring = Scoring{Rule: ScoringTopK, K: 3}
	return []sample{
		{"manifest", validManifest()},
		{"manifest_top_k", topK},
		{"task", task},
		{"task_with_input", taskWithInput},
		{"submission_commit", sc},
		{"submission_reveal", sr},
		{"weight_commit", wc},
		{"weight_reveal", wr},
		{"weight_reveal_empty", wrEmpty},
		{"evaluation", eval},
		{"evaluation_failed", failed},
		{"evaluation_subnormal_score", subnormal},
		{"attestation", att},
		{"equivocation", eq},
		{"record_empty", rec.Root},
		{"record_header", header},
		{"record_header_with_prev", withPrev},
		{"neuron", Neuron{UID: 4095, Peer: m.PeerID(), Stake: math.MaxUint64, RegisteredAt: 10, LastUpdate: 20}},
		{"result", Result{UID: 1, Stake: 0.25, ActiveStake: 0.5, Active: true, ValidatorPermit: true, ValidatorTrust: 0.5,
			Consensus: 0.125, Rank: 0.1, Trust: 0.9, Incentive: 0.3, Dividends: 0.2, PruningScore: 0.05,
			MinerEmission: 0, ValidatorEmission: 0.1, Emission: 42}},
		{"bond_row", BondRow{UID: 2, Bonds: []Bond{{0, 0.5}, {9, 1e-300}}}},
	}
}

// mustLink returns the link of binary CID b.
func mustLink(tb testing.TB, b []byte) Link {
	tb.Helper()
	l, err := LinkFromBytes(b)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// decodeAs decodes data as the same kind as like.
func decodeAs(like Message, data []byte) (Message, error) {
	switch like.(type) {
	case Manifest:
		return Decode[Manifest](data)
	case Task:
		return Decode[Task](data)
	case SubmissionCommit:
		return Decode[SubmissionCommit](data)
	case SubmissionReveal:
		return Decode[SubmissionReveal](data)
	case WeightCommit:
		return Decode[WeightCommit](data)
	case WeightReveal:
		return Decode[WeightReveal](data)
	case Evaluation:
		return Decode[Evaluation](data)
	case Attestation:
		return Decode[Attestation](data)
	case Equivocation:
		return Decode[Equivocation](data)
	case EpochRecord:
		return Decode[EpochRecord](data)
	case RecordHeader:
		return Decode[RecordHeader](data)
	case Neuron:
		return Decode[Neuron](data)
	case Result:
		return Decode[Result](data)
	case BondRow:
		return Decode[BondRow](data)
	}
	panic("decodeAs: unknown type")
}

func TestRoundTrip(t *testing.T) {
	kinds := map[Kind]bool{}
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			kinds[s.msg.Kind()] = true
			data, link, err := Encode(s.msg)
			if err != nil {
				t.Fatal(err)
			}
			if link != SumLink(CodecDagCBOR, data) {
				t.Error("link is not the CID of the bytes")
			}
			got, err := decodeAs(s.msg, data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normalize(got), normalize(s.msg)) {
				t.Errorf("decoded %+v\nwant     %+v", got, s.msg)
			}
			again, _, err := Encode(got)
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("re-encoding differs (%v)", err)
			}
		})
	}
	for k := KindManifest; k <= KindBondRow; k++ {
		if !kinds[k] {
			t.Errorf("no sample of kind %s", k)
		}
	}
}

// normalize maps nil and empty slices to one value, since an empty
// optional list is left out of the encoding and decodes as nil.
func normalize(m Message) Message {
	switch v := m.(type) {
	case Task:
		if len(v.Params) == 0 {
			v.Params = nil
		}
		return v
	case WeightReveal:
		if len(v.Weights) == 0 {
			v.Weights = nil
		}
		return v
	}
	return m
}

// toMap decodes a valid encoding into a generic map, to build variants of
// it by hand.
func toMap(tb testing.TB, data []byte) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := dagcbor.Unmarshal(data, &m, MaxBlockSize); err != nil {
		tb.Fatal(err)
	}
	return m
}

// fromMap encodes a generic map.
func fromMap(tb testing.TB, m map[string]any) []byte {
	tb.Helper()
	b, err := dagcbor.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// rejectCase is an encoding that a strict decoder of like's kind must
// refuse with wantErr.
type rejectCase struct {
	name    string
	like    string
	data    []byte
	wantErr error
}

// rejectCases builds encodings that break one rule each, mostly by editing
// a valid sample as a generic map.
func rejectCases(t testing.TB) (map[string]Message, []rejectCase) {
	t.Helper()
	byName := map[string]Message{}
	for _, s := range samples(t) {
		byName[s.name] = s.msg
	}
	encoded := func(name string) []byte { return mustEncode(t, byName[name]) }
	edit := func(name string, f func(m map[string]any)) []byte {
		m := toMap(t, encoded(name))
		f(m)
		return fromMap(t, m)
	}
	badPeer := newSigner(t, "x").PeerID().Bytes()
	badPeer[3] = 2 // secp256k1
	identityPeer := append(bytes.Clone(peerIDPrefix[:]), 1)
	identityPeer = append(identityPeer, make([]byte, 31)...) // the identity point
	negZero := math.Copysign(0, -1)
	sha512Task := append([]byte{0x01, 0x71, 0x13, 0x40}, make([]byte, 64)...)

	return byName, []rejectCase{
		{"unknown field", "weight_commit", edit("weight_commit", func(m map[string]any) { m["extra"] = uint64(1) }), ErrUnknownField},
		{"field name in another case", "weight_commit", edit("weight_commit", func(m map[string]any) {
			m["Salt"] = m["commit"]
			delete(m, "commit")
		}), ErrUnknownField},
		{"non-shortest integer", "weight_commit", bytes.Replace(encoded("weight_commit"), []byte("av\x01"), []byte("av\x18\x01"), 1), ErrNonCanonical},
		{"salt of 31 bytes", "weight_reveal", edit("weight_reveal", func(m map[string]any) { m["salt"] = make([]byte, 31) }), ErrNonCanonical},
		{"salt missing", "weight_reveal", edit("weight_reveal", func(m map[string]any) { delete(m, "salt") }), ErrNonCanonical},
		{"empty weights written out", "weight_reveal_empty", edit("weight_reveal_empty", func(m map[string]any) { m["weights"] = []any{} }), ErrNonCanonical},
		{"empty signature written out", "weight_commit", edit("weight_commit", func(m map[string]any) { m["sig"] = []byte{} }), ErrNonCanonical},
		{"over the size limit", "weight_commit", append(encoded("weight_commit"), make([]byte, MaxWeightCommitSize)...), ErrTooLarge},
		{"trailing bytes", "weight_commit", append(encoded("weight_commit"), 0), ErrMalformed},
		{"truncated", "weight_commit", encoded("weight_commit")[:40], ErrMalformed},
		{"peer ID of a secp256k1 key", "weight_commit", edit("weight_commit", func(m map[string]any) { m["validator"] = badPeer }), ErrInvalidPeerID},
		{"peer ID of a small-order key", "weight_commit", edit("weight_commit", func(m map[string]any) { m["validator"] = identityPeer }), ErrInvalidPeerID},
		{"peer ID as text", "weight_commit", edit("weight_commit", func(m map[string]any) { m["validator"] = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq" }), ErrInvalidPeerID},
		{"wrong version", "weight_commit", edit("weight_commit", func(m map[string]any) { m["v"] = uint64(2) }), ErrInvalid},
		{"short signature", "weight_commit", edit("weight_commit", func(m map[string]any) { m["sig"] = make([]byte, 63) }), ErrInvalid},
		{"weights unsorted", "weight_reveal", edit("weight_reveal", func(m map[string]any) {
			ws := m["weights"].([]any)
			ws[0], ws[1] = ws[1], ws[0]
		}), ErrInvalid},
		{"zero weight", "weight_reveal", edit("weight_reveal", func(m map[string]any) {
			m["weights"].([]any)[0].(map[string]any)["w"] = uint64(0)
		}), ErrInvalid},
		{"weight above u16", "weight_reveal", edit("weight_reveal", func(m map[string]any) {
			m["weights"].([]any)[0].(map[string]any)["w"] = uint64(65536)
		}), ErrMalformed},
		{"score above 1", "evaluation", edit("evaluation", func(m map[string]any) { m["score"] = 1.5 }), ErrInvalid},
		{"score with a verdict", "evaluation_failed", edit("evaluation_failed", func(m map[string]any) { m["score"] = 0.5 }), ErrInvalid},
		{"score negative zero", "evaluation", edit("evaluation", func(m map[string]any) { m["score"] = negZero }), ErrInvalid},
		{"score negative zero with a verdict", "evaluation_failed", edit("evaluation_failed", func(m map[string]any) { m["score"] = negZero }), ErrInvalid},
		{"result negative zero", "result", edit("result", func(m map[string]any) { m["miner_emission"] = negZero }), ErrInvalid},
		{"manifest fraction negative zero", "manifest", edit("manifest", func(m map[string]any) {
			m["consensus"].(map[string]any)["owner_cut"] = negZero
		}), ErrInvalid},
		{"task link as sha2-512", "submission_commit", edit("submission_commit", func(m map[string]any) {
			m["task"] = mustLink(t, sha512Task)
		}), ErrInvalid},
		{"output link too long", "submission_reveal", edit("submission_reveal", func(m map[string]any) {
			m["output"] = mustLink(t, append([]byte{0x01, 0x55, 0x00, MaxLinkLen - 3}, make([]byte, MaxLinkLen-3)...))
		}), ErrInvalid},
		{"score as an integer", "evaluation", edit("evaluation", func(m map[string]any) { m["score"] = uint64(1) }), ErrNonCanonical},
		{"task link to raw bytes", "submission_commit", edit("submission_commit", func(m map[string]any) { m["task"] = rawLink("x") }), ErrInvalid},
		{"params too long", "task", edit("task", func(m map[string]any) { m["params"] = make([]byte, MaxTaskParams+1) }), ErrInvalid},
		{"equivocation out of order", "equivocation", edit("equivocation", func(m map[string]any) { m["a"], m["b"] = m["b"], m["a"] }), ErrInvalid},
		{"record sections do not add up", "record_empty", edit("record_empty", func(m map[string]any) { m["size"] = uint64(2) }), ErrInvalid},
		{"bond row empty", "bond_row", edit("bond_row", func(m map[string]any) { m["bonds"] = []any{} }), ErrInvalid},
		{"neuron uid out of range", "neuron", edit("neuron", func(m map[string]any) { m["uid"] = uint64(MaxNeurons) }), ErrInvalid},
		{"manifest name with a slash", "manifest", edit("manifest", func(m map[string]any) { m["name"] = "a/b" }), ErrInvalid},
	}
}

func TestDecodeRejects(t *testing.T) {
	byName, tests := rejectCases(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeAs(byName[tt.like], tt.data)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestEncodeRejects(t *testing.T) {
	wr := WeightReveal{Version: ProtocolVersion, Validator: newSigner(t, "v").PeerID(), Weights: []Weight{{2, 1}, {1, 1}}}
	if _, _, err := Encode(wr); !errors.Is(err, ErrInvalid) {
		t.Errorf("unsorted weights: error = %v, want ErrInvalid", err)
	}
	if _, _, err := Encode(WeightCommit{Version: ProtocolVersion, Signature: make([]byte, 64)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("undefined validator: error = %v, want ErrInvalid", err)
	}
	e := Evaluation{Version: ProtocolVersion, Validator: wr.Validator, Miner: wr.Validator, Task: cborLink("t"), Output: rawLink("o"), Score: math.NaN()}
	if _, _, err := Encode(e); !errors.Is(err, ErrInvalid) {
		t.Errorf("NaN score: error = %v, want ErrInvalid", err)
	}
	if got := Kind(0).String(); got != "kind(0)" {
		t.Errorf("Kind(0).String() = %q", got)
	}
	if Kind(200).MaxSize() != 0 {
		t.Error("an unknown kind has a size limit")
	}
}

func TestManifestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Manifest)
	}{
		{"version", func(m *Manifest) { m.Version = 0 }},
		{"empty name", func(m *Manifest) { m.Name = "" }},
		{"upper-case name", func(m *Manifest) { m.Name = "MSE" }},
		{"long name", func(m *Manifest) { m.Name = string(make([]byte, MaxNameLen+1)) }},
		{"network with a slash", func(m *Manifest) { m.Network = "dev/net" }},
		{"undefined evaluator", func(m *Manifest) { m.Evaluator = Link{} }},
		{"evaluator as dag-cbor", func(m *Manifest) { m.Evaluator = cborLink("x") }},
		{"ABI 0", func(m *Manifest) { m.ABI = 0 }},
		{"no fuel", func(m *Manifest) { m.Limits.Fuel = 0 }},
		{"too much fuel", func(m *Manifest) { m.Limits.Fuel = MaxFuel + 1 }},
		{"no memory", func(m *Manifest) { m.Limits.MemoryPages = 0 }},
		{"4 GiB of memory", func(m *Manifest) { m.Limits.MemoryPages = 65536 }},
		{"details too large", func(m *Manifest) { m.Limits.OutputBytes = MaxDetailBytes + 1 }},
		{"no fetch size", func(m *Manifest) { m.MaxFetchBytes = 0 }},
		{"tempo 1", func(m *Manifest) { m.Timing.Tempo = 1 }},
		{"tempo too long", func(m *Manifest) { m.Timing.Tempo = MaxTempo + 1 }},
		{"no submission deadline", func(m *Manifest) { m.Timing.SubmissionDeadline = 0 }},
		{"no submission reveal window", func(m *Manifest) { m.Timing.SubmissionRevealWindow = 0 }},
		{"submission windows past the epoch", func(m *Manifest) { m.Timing.SubmissionRevealWindow = 241 }},
		{"deadline past the epoch", func(m *Manifest) { m.Timing.SubmissionDeadline = 361 }},
		{"no weight reveal window", func(m *Manifest) { m.Timing.WeightRevealWindow = 0 }},
		{"weight reveal window over a tempo", func(m *Manifest) { m.Timing.WeightRevealWindow = 361 }},
		{"unknown scoring", func(m *Manifest) { m.Scoring.Rule = "median" }},
		{"top-k without k", func(m *Manifest) { m.Scoring = Scoring{Rule: ScoringTopK} }},
		{"kappa 0", func(m *Manifest) { m.Consensus.Kappa = 0 }},
		{"kappa NaN", func(m *Manifest) { m.Consensus.Kappa = math.NaN() }},
		{"bonds alpha above 1", func(m *Manifest) { m.Consensus.BondsAlpha = 1.5 }},
		{"bonds penalty negative", func(m *Manifest) { m.Consensus.BondsPenalty = -0.1 }},
		{"owner cut infinite", func(m *Manifest) { m.Consensus.OwnerCut = math.Inf(1) }},
		{"no validators", func(m *Manifest) { m.Consensus.MaxValidators = 0 }},
		{"too many validators", func(m *Manifest) { m.Consensus.MaxValidators = MaxNeurons + 1 }},
		{"no activity cutoff", func(m *Manifest) { m.Consensus.ActivityCutoff = 0 }},
		{"owner cut negative zero", func(m *Manifest) { m.Consensus.OwnerCut = math.Copysign(0, -1) }},
		{"bonds penalty negative zero", func(m *Manifest) { m.Consensus.BondsPenalty = math.Copysign(0, -1) }},
		{"kappa negative zero", func(m *Manifest) { m.Consensus.Kappa = math.Copysign(0, -1) }},
		{"evaluator link too long", func(m *Manifest) {
			m.Evaluator = mustLink(t, append([]byte{0x01, 0x55, 0x00, MaxLinkLen}, make([]byte, MaxLinkLen)...))
		}},
		{"more tasks than a record holds", func(m *Manifest) { m.Consensus.MaxValidators, m.TasksPerEpoch = 64, 9 }},
		{"no tasks", func(m *Manifest) { m.TasksPerEpoch = 0 }},
		{"too many tasks", func(m *Manifest) { m.TasksPerEpoch = MaxTasksPerEpoch + 1 }},
	}
	if err := validManifest().Validate(); err != nil {
		t.Fatalf("valid manifest: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validManifest()
			tt.mutate(&m)
			if err := m.Validate(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate() = %v, want ErrInvalid", err)
			}
		})
	}
}
