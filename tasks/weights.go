package tasks

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
)

// MaxNeurons bounds the size of a subnet: uids run from 0 to MaxNeurons-1.
// It is what keeps every message and record page under its size limit.
const MaxNeurons = 4096

// MaxWeight is the weight NormalizeWeights gives to the best score.
const MaxWeight = math.MaxUint16

// Weight is one entry of a validator's sparse weight vector: how much the
// validator rates the neuron with this uid.
type Weight struct {
	// UID is the rated neuron's uid, below MaxNeurons.
	UID uint32 `cbor:"uid"`
	// Value is the weight, 1 to MaxWeight. Zero weights are left out of
	// the vector rather than written.
	Value uint16 `cbor:"w"`
}

// ValidateWeights checks that ws is canonical: uids below MaxNeurons in
// strictly increasing order (so no duplicates) and no zero weights. Only a
// canonical vector has one encoding and one commit hash.
func ValidateWeights(ws []Weight) error {
	if len(ws) > MaxNeurons {
		return invalidf("%d weights, at most %d", len(ws), MaxNeurons)
	}
	for i, w := range ws {
		if w.UID >= MaxNeurons {
			return invalidf("weight %d: uid %d is not below %d", i, w.UID, MaxNeurons)
		}
		if w.Value == 0 {
			return invalidf("weight %d: zero weight for uid %d (leave it out)", i, w.UID)
		}
		if i > 0 && ws[i-1].UID >= w.UID {
			return invalidf("weight %d: uid %d after uid %d (sort by uid, no duplicates)", i, w.UID, ws[i-1].UID)
		}
	}
	return nil
}

// appendWeights appends the fixed-width form of ws that commit hashes use:
// u32be count, then per entry u32be uid ‖ u16be weight.
func appendWeights(b []byte, ws []Weight) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(ws)))
	for _, w := range ws {
		b = binary.BigEndian.AppendUint32(b, w.UID)
		b = binary.BigEndian.AppendUint16(b, w.Value)
	}
	return b
}

// NormalizeWeights turns a validator's scores into a canonical weight
// vector: every score is divided by the largest and scaled to MaxWeight,
// rounded half to even (round(s / max * 65535), as Bittensor's SDK
// converts weights before subtensor stores them as u16), and weights that
// round to zero are left out. Scores are compared only with each other, so
// any non-negative scale works. All-zero or no scores give an empty vector:
// the validator rates nobody.
//
// # Errors
//
// A NaN, infinite or negative score, or a uid not below MaxNeurons, is
// refused with ErrInvalid.
func NormalizeWeights(scores map[uint32]float64) ([]Weight, error) {
	uids := make([]uint32, 0, len(scores))
	maxScore := 0.0
	for uid, s := range scores {
		if uid >= MaxNeurons {
			return nil, invalidf("score for uid %d, which is not below %d", uid, MaxNeurons)
		}
		if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 {
			return nil, invalidf("score %v for uid %d: scores must be finite and non-negative", s, uid)
		}
		uids = append(uids, uid)
		maxScore = max(maxScore, s)
	}
	if maxScore == 0 {
		return nil, nil
	}
	slices.Sort(uids)
	ws := make([]Weight, 0, len(uids))
	for _, uid := range uids {
		// s <= maxScore, so s/maxScore <= 1 and the product <= MaxWeight.
		// The explicit conversion keeps the compiler from fusing the
		// multiplication into anything that would round differently.
		v := math.RoundToEven(float64(scores[uid]/maxScore) * MaxWeight)
		if v == 0 {
			continue
		}
		ws = append(ws, Weight{UID: uid, Value: uint16(v)})
	}
	return ws, nil
}

// Scoring rules a manifest can name.
const (
	// ScoringProportional: weights proportional to scores (NormalizeWeights).
	ScoringProportional = "proportional"
	// ScoringTopK: only the K best scores count (ties go to the lower uid),
	// proportionally; the rest get no weight. K = 1 is winner-take-all.
	ScoringTopK = "top-k"
)

// Scoring says how a validator turns its scores into weights.
type Scoring struct {
	// Rule is ScoringProportional or ScoringTopK.
	Rule string `cbor:"rule"`
	// K is the number of scores ScoringTopK keeps, 1 to MaxNeurons; zero
	// (absent) for other rules.
	K uint32 `cbor:"k,omitempty"`
}

// validate checks the rule and its parameter.
func (s Scoring) validate() error {
	switch s.Rule {
	case ScoringProportional:
		if s.K != 0 {
			return invalidf("scoring: k=%d is only for %q", s.K, ScoringTopK)
		}
	case ScoringTopK:
		if s.K == 0 || s.K > MaxNeurons {
			return invalidf("scoring: k=%d, want 1 to %d", s.K, MaxNeurons)
		}
	default:
		return invalidf("scoring: unknown rule %q (want %q or %q)", s.Rule, ScoringProportional, ScoringTopK)
	}
	return nil
}

// Weights applies the rule to scores (one per miner uid) and returns the
// canonical weight vector to commit. Errors are those of NormalizeWeights,
// or ErrInvalid for an unknown rule.
func (s Scoring) Weights(scores map[uint32]float64) ([]Weight, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Rule == ScoringProportional || len(scores) <= int(s.K) {
		return NormalizeWeights(scores)
	}
	type scored struct {
		uid   uint32
		score float64
	}
	all := make([]scored, 0, len(scores))
	for uid, v := range scores {
		all = append(all, scored{uid, v})
	}
	// Check before sorting: NaN does not order.
	if _, err := NormalizeWeights(scores); err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.uid, b.uid)
	})
	top := make(map[uint32]float64, s.K)
	for _, e := range all[:s.K] {
		top[e.uid] = e.score
	}
	return NormalizeWeights(top)
}
