package consensus

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// Result is one epoch of Yuma consensus. Every vector has one entry per
// uid. Shares are fractions of the epoch's total: a vector documented as
// normalised sums to 1, or to 0 when nothing qualifies.
type Result struct {
	// Stake is the normalised stake after the stake threshold.
	Stake []float64 `json:"stake"`
	// ActiveStake is the normalised stake of active uids that hold a
	// validator permit: the stake that votes.
	ActiveStake []float64 `json:"active_stake"`
	// Active reports the uids whose weights are within the activity
	// cutoff.
	Active []bool `json:"active"`
	// ValidatorPermit reports the uids among the MaxValidators largest
	// non-zero stakes.
	ValidatorPermit []bool `json:"validator_permit"`
	// ValidatorTrust is the part of a validator's weight that survived
	// clipping at consensus, in [0, 1].
	ValidatorTrust []float64 `json:"validator_trust"`
	// Consensus is each uid's consensus weight: the κ-quantile of the
	// weights it received, stake-weighted.
	Consensus []float64 `json:"consensus"`
	// Trust is the share of a uid's rank that survived clipping: rank after
	// clipping over rank before, in [0, 1].
	Trust []float64 `json:"trust"`
	// Rank is the normalised stake-weighted sum of clipped weights; it
	// equals Incentive and is kept for parity with subtensor's metagraph.
	Rank []float64 `json:"rank"`
	// Incentive is the normalised share of miner emission.
	Incentive []float64 `json:"incentive"`
	// Dividends is the normalised share of validator emission.
	Dividends []float64 `json:"dividends"`
	// MinerEmission and ValidatorEmission are each uid's share of the
	// emission after the owner's cut; together they sum to 1 (or 0).
	MinerEmission     []float64 `json:"miner_emission"`
	ValidatorEmission []float64 `json:"validator_emission"`
	// PruningScore is the normalised combined emission share; the uid
	// with the lowest score is replaced first when the subnet is full.
	PruningScore []float64 `json:"pruning_score"`
	// Emission is each uid's payout in the chain's smallest unit: its
	// miner and validator shares of the emission after the owner's cut,
	// each rounded down.
	Emission []uint64 `json:"emission"`
	// OwnerEmission is the owner's cut, rounded down.
	OwnerEmission uint64 `json:"owner_emission"`
	// Unallocated is what rounding down left over, plus everything when no
	// uid qualifies for emission (an empty subnet or no stake at all).
	Unallocated uint64 `json:"unallocated"`
	// StakeFallback reports that no consensus formed (incentive and
	// dividends are all zero), so emission went to validators by stake.
	StakeFallback bool `json:"stake_fallback"`
	// Bonds are the bonds to carry into the next epoch's Input.Bonds.
	// Classic Yuma stores each column max-upscaled to 1; Yuma 3 stores
	// proportions in [0, 1]. Rows of uids without a permit are empty.
	Bonds Matrix `json:"bonds"`
}

// Epoch runs one epoch of Yuma consensus, as subtensor's epoch() in
// pallets/subtensor/src/epoch/run_epoch.rs does, in float64. docs/CONSENSUS.md
// gives every step with its formula and its line in subtensor.
//
// The result depends only on p and in, bit for bit, on every architecture.
//
// # Errors
//
// Invalid parameters give ErrInvalidParams. NaN, infinite or negative
// values give ErrInvalidValue, a cell or owner beyond the subnet gives
// ErrUIDOutOfRange, a uid twice in one row gives ErrDuplicateUID, and
// per-uid vectors of the wrong length give ErrShape. Epoch never modifies
// in.
func Epoch(p Params, in *Input) (*Result, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	c, err := in.check()
	if err != nil {
		return nil, err
	}
	n := c.n
	r := &Result{}

	// Active and outdated: a uid is inactive when its last weights are more
	// than ActivityCutoff blocks old.
	r.Active = make([]bool, n)
	for i, u := range c.lastUpdate {
		r.Active[i] = !(satAdd(u, p.ActivityCutoff) < in.Block)
	}

	// Stake: below the threshold counts as zero; then normalise.
	r.Stake = make([]float64, n)
	for i, s := range c.stake {
		if s >= p.StakeThreshold {
			r.Stake[i] = s
		}
	}
	normalize(r.Stake)

	// Validator permits: the MaxValidators largest non-zero stakes.
	r.ValidatorPermit = topKNonZero(r.Stake, p.MaxValidators)

	// Active stake: only active uids with a permit vote.
	r.ActiveStake = make([]float64, n)
	for i, s := range r.Stake {
		if r.Active[i] && r.ValidatorPermit[i] {
			r.ActiveStake[i] = s
		}
	}
	normalize(r.ActiveStake)

	// Weights: drop rows without a permit, self-weights (except the
	// owner's), and weights set before the target last registered; then
	// normalise each row.
	w := allocRows(n, func(i int) int {
		if !r.ValidatorPermit[i] {
			return 0
		}
		return len(c.weights[i])
	})
	for i, row := range c.weights {
		if !r.ValidatorPermit[i] {
			continue
		}
		kept := w[i]
		for _, e := range row {
			self := int(e.UID) == i && (in.Owner == nil || *in.Owner != e.UID)
			outdated := c.lastUpdate[i] <= c.registeredAt[e.UID]
			if !self && !outdated && e.Value > 0 {
				kept = append(kept, e)
			}
		}
		w[i] = kept
	}
	rowNormalize(w)

	// Consensus and validator trust.
	preranks := matmul(w, r.ActiveStake, n)
	r.Consensus = weightedMedianCols(r.ActiveStake, w, n, p.Kappa)
	clipped := colClip(w, r.Consensus)
	r.ValidatorTrust = rowSum(clipped)

	// Ranks, trust and incentive.
	ranks := matmul(clipped, r.ActiveStake, n)
	r.Trust = make([]float64, n)
	for j := range ranks {
		if preranks[j] != 0 {
			r.Trust[j] = ranks[j] / preranks[j]
		}
	}
	normalize(ranks)
	r.Rank = ranks
	r.Incentive = slices.Clone(ranks)

	// Bonds and dividends. Bonds to uids registered within the last tempo
	// are dropped: they belonged to the uid's previous holder.
	weightsForBonds := interpolate(w, clipped, p.BondsPenalty)
	lastTempo := satSub(in.Block, in.Tempo)
	prev := allocRows(n, func(i int) int { return len(c.bonds[i]) })
	for i, row := range c.bonds {
		for _, e := range row {
			if !(lastTempo <= c.registeredAt[e.UID]) {
				prev[i] = append(prev[i], e)
			}
		}
	}
	if p.Yuma3 {
		r.Bonds, r.Dividends = bondsYuma3(p, weightsForBonds, prev, r.ActiveStake, r.Incentive, r.Consensus, n)
	} else {
		r.Bonds, r.Dividends = bondsClassic(p, weightsForBonds, prev, r.ActiveStake, r.Incentive, n)
	}
	for i := range r.Bonds {
		if !r.ValidatorPermit[i] || len(r.Bonds[i]) == 0 {
			r.Bonds[i] = nil
		}
	}

	emission(p, in.Emission, r)
	return r, nil
}

// bondsClassic is classic Yuma: ΔB = W∘S column-normalised, an EMA with
// the column-normalised previous bonds, dividends d = B·I, and bonds
// stored max-upscaled per column.
func bondsClassic(p Params, w, prev Matrix, activeStake, incentive []float64, n int) (Matrix, []float64) {
	colNormalize(prev, n)
	delta := rowHadamard(w, activeStake)
	colNormalize(delta, n)
	bonds := ema(delta, prev, p.BondsAlpha)
	colNormalize(bonds, n)
	dividends := matmulTranspose(bonds, incentive)
	normalize(dividends)
	colMaxUpscale(bonds, n)
	return bonds, dividends
}

// bondsYuma3 is Yuma 3: bonds are proportions that move toward the
// validator's own weights, B ← α·W + (1−α)·B, and dividends are
// Σ_j B̂_ij·I_j weighted by the validator's active stake, where B̂ is B
// column-normalised. With liquid alpha each cell has its own α.
func bondsYuma3(p Params, w, prev Matrix, activeStake, incentive, consensus []float64, n int) (Matrix, []float64) {
	var bonds Matrix
	if p.LiquidAlpha && slices.ContainsFunc(consensus, func(c float64) bool { return c != 0 }) {
		bonds = liquidEMA(p, w, prev, consensus)
	} else {
		bonds = ema(w, prev, p.BondsAlpha)
	}
	norm := cloneMatrix(bonds)
	colNormalize(norm, n)
	dividends := matmulTranspose(norm, incentive)
	for i := range dividends {
		dividends[i] *= activeStake[i]
	}
	normalize(dividends)
	return bonds, dividends
}

// liquidEMA is the bond EMA of liquid alpha (compute_bonds with
// LiquidAlphaOn, mat_ema_alpha): each cell's rate is alphaSigmoid of its
// column's consensus, its weight and its bond, and the result is clamped
// to [0, 1]. Like the dense mat_ema_alpha, and unlike
// mat_ema_alpha_sparse, a bond with no new weight decays rather than
// vanishing.
func liquidEMA(p Params, next, prev Matrix, consensus []float64) Matrix {
	return combine(next, prev, func(uid uint32, w, b float64) float64 {
		a := alphaSigmoid(p, consensus[uid], w, b)
		return min(float64((1-a)*b)+max(float64(a*w), 0), 1)
	})
}

// alphaSigmoid is subtensor's alpha_sigmoid: the further a validator buys
// above consensus (weight above consensus, when its weight is at least its
// bond) or sells below its bond (bond above weight), the closer its rate
// gets to AlphaHigh.
func alphaSigmoid(p Params, consensus, weight, bond float64) float64 {
	clamp := func(v, lo, hi float64) float64 { return max(min(v, hi), lo) }
	diff := clamp(bond-weight, 0, 1)
	if weight >= bond {
		diff = clamp(weight-consensus, 0, 1)
	}
	sigmoid := 1 / (1 + exp(float64(p.AlphaSigmoidSteepness/-100)*(diff-0.5)))
	return clamp(p.AlphaLow+float64(sigmoid*(p.AlphaHigh-p.AlphaLow)), p.AlphaLow, p.AlphaHigh)
}

// emission splits the epoch's emission: the owner's cut first, then miners
// by incentive and validators by dividends, both over the sum of incentive
// and dividends. With no consensus at all it pays validators by active
// stake (or by stake, when no stake is active), as subtensor does.
func emission(p Params, total uint64, r *Result) {
	n := len(r.Incentive)
	combined := make([]float64, n)
	for i := range combined {
		combined[i] = r.Incentive[i] + r.Dividends[i]
	}
	s := sum(combined)
	r.MinerEmission = slices.Clone(r.Incentive)
	r.ValidatorEmission = slices.Clone(r.Dividends)
	if s != 0 {
		for i := range n {
			r.MinerEmission[i] /= s
			r.ValidatorEmission[i] /= s
		}
	}
	normalize(combined)
	if s == 0 {
		r.StakeFallback = true
		fallback := r.ActiveStake
		if sum(fallback) == 0 {
			fallback = r.Stake
		}
		r.ValidatorEmission = slices.Clone(fallback)
		combined = slices.Clone(fallback)
	}
	r.PruningScore = combined

	r.OwnerEmission = mulFraction(total, p.OwnerCut)
	rest := total - r.OwnerEmission
	r.Emission = make([]uint64, n)
	for i := range n {
		r.Emission[i] = fixedShare(r.MinerEmission[i] + r.ValidatorEmission[i])
	}
	r.Unallocated = distribute(rest, r.Emission)
}

// fracBits is the precision of the fixed-point shares that split an
// amount: every float64 in [0, 1] times 2^53 keeps its leading 53 bits.
const fracBits = 53

// fixedShare converts a fraction in [0, 1] to fixed point with fracBits
// bits, rounding to nearest, so that a cut written as 0.18 (which float64
// holds as 0.17999999999999999) still takes 180 of 1000.
func fixedShare(f float64) uint64 {
	return uint64(math.Round(math.Ldexp(min(max(f, 0), 1), fracBits)))
}

// mulFraction returns ⌊amount·f⌋ for f in [0, 1], with f rounded to
// fracBits bits first. The product is taken in 128-bit integers, so
// amounts beyond 2^53 lose nothing and the result never exceeds amount.
func mulFraction(amount uint64, f float64) uint64 {
	hi, lo := bits.Mul64(amount, fixedShare(f))
	return hi<<(64-fracBits) | lo>>fracBits
}

// distribute replaces each weight in w with ⌊amount·w_i/Σw⌋ and returns
// what rounding down left over. The products are exact 128-bit integers,
// so the payouts never sum to more than amount, which float arithmetic
// cannot promise. With Σw = 0 nothing is paid.
func distribute(amount uint64, w []uint64) (left uint64) {
	var total uint64
	for _, v := range w {
		total += v // the shares sum to about 1, so total is about 2^53
	}
	if total == 0 {
		clear(w)
		return amount
	}
	left = amount
	for i, v := range w {
		hi, lo := bits.Mul64(amount, v)
		q, _ := bits.Div64(hi, lo, total)
		w[i] = q
		left -= q
	}
	return left
}

// topKNonZero marks the k largest non-zero values; among equal values the
// higher index wins, as subtensor's ascending stable sort drops the lower
// indices first (is_topk_nonzero).
func topKNonZero[T ~float64 | ~int64](x []T, k int) []bool {
	n := len(x)
	out := make([]bool, n)
	for i, v := range x {
		out[i] = v != 0
	}
	if n < k {
		return out
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	for _, i := range idx[:n-k] {
		out[i] = false
	}
	return out
}

func satAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint64(0)
}

func satSub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}
