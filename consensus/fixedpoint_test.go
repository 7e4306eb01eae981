package consensus

// A test-only emulation of subtensor's classic-Yuma epoch() in the fixed
// point subtensor computes it in, and TestFixedPointDistance, which measures
// how far Epoch's float64 results are from it.
//
// Sources (opentensor/subtensor unless noted; the versions read were
// run_epoch.rs at 03f92770a008, math.rs at 00b0e32b5fdd, safe-math at
// 15f2df47fe87, substrate-fixed arith.rs at 0b4dac8d333 and
// macros_checked_arith.rs at 0352ba65a68d):
//
//   - pallets/subtensor/src/epoch/run_epoch.rs: epoch() (the sparse path),
//     get_weights_sparse, get_bonds_sparse, get_float_kappa,
//     get_float_bonds_penalty, compute_ema_bonds_normal_sparse, and the
//     storage of bonds and permits at the end of epoch().
//   - pallets/subtensor/src/epoch/math.rs: every vector and sparse-matrix
//     helper named below, and fixed_proportion_to_u16, u16_to_fixed,
//     vec_u16_max_upscale_to_u16.
//   - primitives/safe-math/src/lib.rs: SafeDiv for fixed types is
//     `self.checked_div(rhs).unwrap_or_default()`, so division by zero AND
//     a quotient that does not fit both give 0 (not a saturated value).
//   - pallets/subtensor/src/subnets/weights.rs do_set_weights: weights are
//     stored as `vec_u16_max_upscale_to_u16(&values)`.
//   - encointer/substrate-fixed src/arith.rs (mul_div_widen! for i64, the
//     bits of I32F32): mul_dir widens to i128, multiplies lhs by rhs<<32 and
//     returns (prod >> 64) as i64 — an arithmetic shift, so the product is
//     rounded toward −∞ (truncated, for the non-negative values here);
//     overflow is reported when the i128 product overflows, i.e. |a·b| ≥
//     2^95 in bits. div_dir computes (i128(lhs) << 32) / i128(rhs) with
//     Rust's integer division, which truncates toward zero, and reports
//     overflow when the quotient does not fit in i64.
//     src/macros_checked_arith.rs: saturating_mul saturates on that
//     overflow; checked_div returns None for a zero divisor or overflow.
//     I64F64 (i128 bits) uses mul_div_fallback!: a 256-bit dividend
//     (lhs << 64) divided by rhs; the emulation needs it only for
//     non-negative quotients, where truncating is flooring.
//   - encointer/substrate-fixed src/macros_from_to.rs: from_num /
//     saturating_from_num from another fixed type or to an integer
//     (to_num, saturating_to_num) truncate the extra fractional bits —
//     the doc example gives (−2.5).to_num::<i64>() = −3, so toward −∞;
//     from an integer the conversion is exact. src/traits.rs: round()
//     "rounds to the nearest integer, with ties rounded away from zero".
//   - bittensor SDK weight_utils.convert_weights_and_uids_for_emit: float
//     weights reach the chain as round(w/max·65535) (Python's round, ties
//     to even), zeros dropped.

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strings"
	"testing"
)

// ---------------------------------------------------------------------
// I32F32: substrate_fixed::types::I32F32, a signed 64-bit integer with 32
// fractional bits.
// ---------------------------------------------------------------------

type i32f32 int64

const (
	fxFrac = 32
	fxOne  = i32f32(1) << fxFrac
)

// fxInt is I32F32::saturating_from_num(v) for an integer v: exact.
func fxInt(v int64) i32f32 {
	if v >= 1<<31 {
		return math.MaxInt64
	}
	if v < -(1 << 31) {
		return math.MinInt64
	}
	return i32f32(v << fxFrac)
}

func (a i32f32) float() float64 { return math.Ldexp(float64(a), -fxFrac) }

func absU(a i32f32) uint64 {
	if a < 0 {
		return uint64(-a) // also right for MinInt64: 2^63
	}
	return uint64(a)
}

// add is saturating_add: i64::saturating_add on the bits.
func (a i32f32) add(b i32f32) i32f32 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// sub is saturating_sub.
func (a i32f32) sub(b i32f32) i32f32 {
	if b == math.MinInt64 {
		if a >= 0 {
			return math.MaxInt64
		}
		return a - b
	}
	return a.add(-b)
}

// mul is saturating_mul: the exact product of the bits, shifted right by
// 32 with an arithmetic shift (rounding toward −∞), saturated when
// mul_dir reports overflow (|a·b| ≥ 2^95).
func (a i32f32) mul(b i32f32) i32f32 {
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(absU(a), absU(b))
	if hi >= 1<<31 {
		if neg {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	q := hi<<32 | lo>>32 // ⌊|a·b| / 2^32⌋ < 2^63
	if neg {
		if lo<<32 != 0 {
			q++ // toward −∞ for a negative product
		}
		return i32f32(-int64(q))
	}
	return i32f32(q)
}

// checkedDiv is checked_div: (a<<32)/b truncated toward zero; false for
// b = 0 or a quotient outside i64.
func (a i32f32) checkedDiv(b i32f32) (i32f32, bool) {
	if b == 0 {
		return 0, false
	}
	neg := (a < 0) != (b < 0)
	ua, ub := absU(a), absU(b)
	hi, lo := ua>>(64-fxFrac), ua<<fxFrac
	if hi >= ub {
		return 0, false // the quotient needs more than 64 bits
	}
	q, _ := bits.Div64(hi, lo, ub)
	if neg {
		if q > 1<<63 {
			return 0, false
		}
		return i32f32(-int64(q)), true // uint64→int64 wraps 2^63 to MinInt64
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	return i32f32(q), true
}

// safeDiv is safe_math's SafeDiv::safe_div: checked_div or 0.
func (a i32f32) safeDiv(b i32f32) i32f32 {
	q, _ := a.checkedDiv(b)
	return q
}

// round is Fixed::round: to the nearest integer, ties away from zero.
func (a i32f32) round() i32f32 {
	const half, fracMask = i32f32(1) << (fxFrac - 1), fxOne - 1
	if a < 0 {
		return -((-a + half) &^ fracMask)
	}
	return (a + half) &^ fracMask
}

// toU16 is saturating_to_num::<u16>(): the fractional bits truncated
// (toward −∞), then clamped to [0, 65535].
func (a i32f32) toU16() uint16 {
	v := int64(a) >> fxFrac
	return uint16(min(max(v, 0), math.MaxUint16))
}

// fixedProportionToU16 is math.rs fixed_proportion_to_u16:
// fixed_to_u16(x.saturating_mul(65535)), i.e. ⌊x·65535⌋.
func fixedProportionToU16(x i32f32) uint16 { return x.mul(fxInt(math.MaxUint16)).toU16() }

// fxSum is `.sum()` over I32F32 (Sum folds with plain Add; nothing here
// comes near overflow).
func fxSum(x []i32f32) i32f32 {
	var s i32f32
	for _, v := range x {
		s += v
	}
	return s
}

// fxNormalize is math.rs inplace_normalize.
func fxNormalize(x []i32f32) {
	s := fxSum(x)
	if s == 0 {
		return
	}
	for i := range x {
		x[i] = x[i].safeDiv(s)
	}
}

// ---------------------------------------------------------------------
// Sparse rows: Vec<Vec<(u16, I32F32)>>.
// ---------------------------------------------------------------------

type fxCell struct {
	uid uint32
	v   i32f32
}

type fxMatrix [][]fxCell

// fxAlloc returns n empty rows, row i with room for size(i) cells, carved
// from one array (as allocRows does for Matrix).
func fxAlloc(n int, size func(i int) int) fxMatrix {
	total := 0
	for i := range n {
		total += size(i)
	}
	buf := make([]fxCell, total)
	out := make(fxMatrix, n)
	for i := range n {
		if k := size(i); k > 0 {
			out[i] = buf[:0:k]
			buf = buf[k:]
		}
	}
	return out
}

// u16Cell is one stored (uid, u16) pair of the Weights or Bonds maps.
type u16Cell struct {
	uid uint32
	v   uint16
}

// ---------------------------------------------------------------------
// Parameters as subtensor stores them.
// ---------------------------------------------------------------------

// chainParams are our Params converted to subtensor's storage: kappa and
// bonds_penalty as u16 proportions of 65535 (floored, as
// fixed_proportion_to_u16 would: 0.5 → 32767, the runtime default), the
// EMA as bonds_moving_average in parts per million (α = 0.1 → 900000),
// the stake threshold as the u64 compared with the integer part of stake.
type chainParams struct {
	kappa, bondsPenalty uint16
	bondsMovingAverage  uint64
	maxValidators       int
	activityCutoff      uint64
	stakeThreshold      uint64
}

func toChainParams(p Params) chainParams {
	return chainParams{
		kappa:              uint16(math.Floor(p.Kappa * math.MaxUint16)),
		bondsPenalty:       uint16(math.Floor(p.BondsPenalty * math.MaxUint16)),
		bondsMovingAverage: uint64(math.Round((1 - p.BondsAlpha) * 1e6)),
		maxValidators:      p.MaxValidators,
		activityCutoff:     p.ActivityCutoff,
		// fixed64_to_u64(s) < min_stake masks s: for the integer stakes
		// subtensor has, s ≥ T exactly when s ≥ ⌈T⌉.
		stakeThreshold: uint64(math.Ceil(p.StakeThreshold)),
	}
}

// chainState is what subtensor keeps in storage between epochs and
// epoch() reads back: Bonds (u16, column max-upscaled) and ValidatorPermit.
type chainState struct {
	bonds   [][]u16Cell
	permits []bool
}

// chainResult is what epoch() computed, as I32F32 before the u16
// conversion of the metagraph storage (bonds: as stored, in u16).
type chainResult struct {
	stake, activeStake, consensus, validatorTrust, trust []i32f32
	incentive, dividends                                 []i32f32
	serverEmission, validatorEmission                    []i32f32 // normalized_*_emission
	bonds                                                [][]u16Cell
	permits                                              []bool
}

// ---------------------------------------------------------------------
// Weights as stored by set_weights.
// ---------------------------------------------------------------------

// submittedWeights is what a validator sends for a row of Input.Weights:
// rows of integers in [0, 65535] (randomSubnet's) are taken as the u16
// values themselves; other rows go through the SDK's
// convert_weights_and_uids_for_emit, round(w/max·65535) ties to even.
// Zeros are dropped, as the SDK does.
func submittedWeights(row []Entry) []u16Cell {
	integral := true
	maxW := 0.0
	for _, e := range row {
		integral = integral && e.Value == math.Trunc(e.Value) && e.Value <= math.MaxUint16
		maxW = max(maxW, e.Value)
	}
	var out []u16Cell
	for _, e := range row {
		v := e.Value
		if !integral {
			v = math.RoundToEven(e.Value / maxW * math.MaxUint16)
		}
		if v != 0 {
			out = append(out, u16Cell{e.UID, uint16(v)})
		}
	}
	slices.SortFunc(out, func(a, b u16Cell) int { return cmpUID(a.uid, b.uid) })
	return out
}

// storedWeights is do_set_weights' vec_u16_max_upscale_to_u16 (through
// math.rs vec_max_upscale_to_u16) applied to the submitted row.
func storedWeights(row []u16Cell) []u16Cell {
	u16max, threshold := fxInt(math.MaxUint16), fxInt(32768)
	var maxV i32f32
	for _, c := range row {
		maxV = max(maxV, fxInt(int64(c.v)))
	}
	out := make([]u16Cell, len(row))
	for k, c := range row {
		e := fxInt(int64(c.v))
		var v uint16
		switch {
		case maxV == 0:
			v = e.mul(u16max).toU16()
		case maxV > threshold:
			v = e.mul(u16max.safeDiv(maxV)).round().toU16()
		default:
			v = e.mul(u16max).safeDiv(maxV).round().toU16()
		}
		out[k] = u16Cell{c.uid, v}
	}
	return out
}

// ---------------------------------------------------------------------
// math.rs helpers, in fixed point.
// ---------------------------------------------------------------------

// fxRowNormalize is inplace_row_normalize_sparse.
func fxRowNormalize(m fxMatrix) {
	for _, row := range m {
		var s i32f32
		for _, c := range row {
			s += c.v
		}
		if s > 0 {
			for k := range row {
				row[k].v = row[k].v.safeDiv(s)
			}
		}
	}
}

// fxColNormalize is inplace_col_normalize_sparse.
func fxColNormalize(m fxMatrix, n int) {
	colSum := make([]i32f32, n)
	for _, row := range m {
		for _, c := range row {
			colSum[c.uid] = colSum[c.uid].add(c.v)
		}
	}
	for _, row := range m {
		for k, c := range row {
			if s := colSum[c.uid]; s != 0 {
				row[k].v = c.v.safeDiv(s)
			}
		}
	}
}

// fxColMaxUpscale is inplace_col_max_upscale_sparse.
func fxColMaxUpscale(m fxMatrix, n int) {
	colMax := make([]i32f32, n)
	for _, row := range m {
		for _, c := range row {
			if colMax[c.uid] < c.v {
				colMax[c.uid] = c.v
			}
		}
	}
	for _, row := range m {
		for k, c := range row {
			if mx := colMax[c.uid]; mx != 0 {
				row[k].v = c.v.safeDiv(mx)
			}
		}
	}
}

// fxMatmul is matmul_sparse: r_j = Σ_i s_i·m_ij, saturating.
func fxMatmul(m fxMatrix, s []i32f32, n int) []i32f32 {
	r := make([]i32f32, n)
	for i, row := range m {
		for _, c := range row {
			r[c.uid] = r[c.uid].add(s[i].mul(c.v))
		}
	}
	return r
}

// fxMatmulTranspose is matmul_transpose_sparse: d_i = Σ_j v_j·m_ij.
func fxMatmulTranspose(m fxMatrix, v []i32f32) []i32f32 {
	d := make([]i32f32, len(m))
	for i, row := range m {
		for _, c := range row {
			d[i] = d[i].add(v[c.uid].mul(c.v))
		}
	}
	return d
}

// fxColClip is col_clip_sparse: a cell above a positive threshold becomes
// the threshold; above a zero threshold it disappears.
func fxColClip(m fxMatrix, t []i32f32) fxMatrix {
	out := fxAlloc(len(m), func(i int) int { return len(m[i]) })
	for i, row := range m {
		for _, c := range row {
			switch th := t[c.uid]; {
			case th < c.v:
				if 0 < th {
					out[i] = append(out[i], fxCell{c.uid, th})
				}
			default:
				out[i] = append(out[i], c)
			}
		}
	}
	return out
}

// fxRowSum is row_sum_sparse.
func fxRowSum(m fxMatrix) []i32f32 {
	out := make([]i32f32, len(m))
	for i, row := range m {
		for _, c := range row {
			out[i] += c.v
		}
	}
	return out
}

// fxMerge walks two uid-sorted rows in uid order, the missing side as 0:
// the dense `row: Vec<I32F32> = vec![zero; n]` scans of interpolate_sparse
// and mat_ema_sparse visit the same cells in the same order.
func fxMerge(a, b []fxCell, f func(uid uint32, x, y i32f32)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].uid < b[j].uid):
			f(a[i].uid, a[i].v, 0)
			i++
		case i == len(a) || b[j].uid < a[i].uid:
			f(b[j].uid, 0, b[j].v)
			j++
		default:
			f(a[i].uid, a[i].v, b[j].v)
			i++
			j++
		}
	}
}

// fxInterpolate is interpolate_sparse: a + ratio·(b − a), cells > 0.
func fxInterpolate(a, b fxMatrix, ratio i32f32) fxMatrix {
	switch ratio {
	case 0:
		return a
	case fxOne:
		return b
	}
	out := fxAlloc(len(a), func(i int) int { return len(a[i]) + len(b[i]) })
	for i := range a {
		fxMerge(a[i], b[i], func(uid uint32, x, y i32f32) {
			if v := x.add(ratio.mul(y.sub(x))); 0 < v {
				out[i] = append(out[i], fxCell{uid, v})
			}
		})
	}
	return out
}

// fxRowHadamard is row_hadamard_sparse: m_ij·s_i.
func fxRowHadamard(m fxMatrix, s []i32f32) fxMatrix {
	out := fxAlloc(len(m), func(i int) int { return len(m[i]) })
	for i, row := range m {
		for _, c := range row {
			out[i] = append(out[i], fxCell{c.uid, c.v.mul(s[i])})
		}
	}
	return out
}

// fxEMA is mat_ema_sparse: 0 + α·new, then + (1−α)·old, cells > 0.
func fxEMA(next, prev fxMatrix, alpha i32f32) fxMatrix {
	keep := fxOne.sub(alpha)
	out := fxAlloc(len(next), func(i int) int { return len(next[i]) + len(prev[i]) })
	for i := range next {
		fxMerge(next[i], prev[i], func(uid uint32, x, y i32f32) {
			var v i32f32
			if x != 0 {
				v = v.add(alpha.mul(x))
			}
			if y != 0 {
				v = v.add(keep.mul(y))
			}
			if v > 0 {
				out[i] = append(out[i], fxCell{uid, v})
			}
		})
	}
	return out
}

// fxWeightedMedian is math.rs weighted_median, verbatim.
func fxWeightedMedian(stake, score []i32f32, part []int, minority, lo, hi i32f32) i32f32 {
	n := len(part)
	if n == 0 {
		return 0
	}
	if n == 1 {
		return score[part[0]]
	}
	pivot := score[part[n/2]]
	var loStake, hiStake i32f32
	var lower, upper []int
	for _, i := range part {
		if score[i] == pivot {
			continue
		}
		if score[i] < pivot {
			loStake = loStake.add(stake[i])
			lower = append(lower, i)
		} else {
			hiStake = hiStake.add(stake[i])
			upper = append(upper, i)
		}
	}
	switch {
	case lo.add(loStake) <= minority && minority < hi.sub(hiStake):
		return pivot
	case minority < lo.add(loStake) && len(lower) > 0:
		return fxWeightedMedian(stake, score, lower, minority, lo, lo.add(loStake))
	case hi.sub(hiStake) <= minority && len(upper) > 0:
		return fxWeightedMedian(stake, score, upper, minority, hi.sub(hiStake), hi)
	}
	return pivot
}

// fxWeightedMedianCols is weighted_median_col_sparse.
func fxWeightedMedianCols(stake []i32f32, w fxMatrix, n int, majority i32f32) []i32f32 {
	var useStake []i32f32
	for _, s := range stake {
		if s > 0 {
			useStake = append(useStake, s)
		}
	}
	fxNormalize(useStake)
	stakeSum := fxSum(useStake)
	k := len(useStake)
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	minority := stakeSum.sub(majority)
	score := make([]i32f32, n*k) // use_score[c][r] at c*k+r
	r := 0
	for i, s := range stake {
		if s <= 0 {
			continue
		}
		for _, c := range w[i] {
			score[int(c.uid)*k+r] = c.v
		}
		r++
	}
	median := make([]i32f32, n)
	for c := range n {
		median[c] = fxWeightedMedian(useStake, score[c*k:(c+1)*k], idx, minority, 0, stakeSum)
	}
	return median
}

// normalizedStake is get_stake_weights_for_network's stake as I64F64
// (from_num of the u64 alpha stake: exact), filtered by the threshold,
// inplace_normalize_64 (I64F64 safe_div: (s<<64)/Σ truncated) and
// vec_fixed64_to_fixed32 (drop 32 fractional bits: toward −∞). I64F64 is
// a big.Int of bits.
func normalizedStake(stake []float64, threshold uint64) []i32f32 {
	n := len(stake)
	bitsOf := make([]*big.Int, n)
	total := new(big.Int)
	for i, s := range stake {
		// I64F64 bits of s: exact for the integer stakes used here.
		f := new(big.Float).SetPrec(0).SetFloat64(s)
		b, _ := new(big.Float).SetMantExp(f, 64).Int(nil)
		if math.Floor(s) < float64(threshold) { // fixed64_to_u64(s) < min_stake
			b.SetInt64(0)
		}
		bitsOf[i] = b
		total.Add(total, b)
	}
	out := make([]i32f32, n)
	if total.Sign() == 0 {
		return out // inplace_normalize_64 leaves zeros; they stay 0
	}
	for i, b := range bitsOf {
		// I64F64 safe_div: (b << 64) / total, truncated; then
		// I32F32::saturating_from_num drops 32 fractional bits.
		q := new(big.Int).Lsh(b, 64)
		q.Quo(q, total)
		q.Rsh(q, 64-fxFrac)
		out[i] = i32f32(q.Int64())
	}
	return out
}

// ---------------------------------------------------------------------
// epoch(): run_epoch.rs, classic Yuma (Yuma3On false, no liquid alpha).
// ---------------------------------------------------------------------

// chainEpoch runs subtensor's sparse epoch() on in, reading and updating
// the bonds and permits in st as subtensor's storage would be. in.Bonds is
// ignored: the chain carries its own u16 bonds in st.
//
// epoch() masks weights and active stake with the permits stored by the
// previous epoch (get_validator_permit) and stores the new top-k permits
// for the next one. A subnet that never ran an epoch has no permits at all;
// to compare like with like, a fresh st starts with the permits this
// epoch's stake would have earned (as if the previous epoch had the same
// stake), which is what Epoch uses.
func chainEpoch(cp chainParams, in *Input, st *chainState) *chainResult {
	n := len(in.Stake)
	r := &chainResult{}
	lastUpdate, registered := in.LastUpdate, in.RegisteredAt
	if lastUpdate == nil {
		lastUpdate = slices.Repeat([]uint64{in.Block}, n)
	}
	if registered == nil {
		registered = make([]uint64, n)
	}

	// == Active & updated ==
	inactive := make([]bool, n)
	for i, u := range lastUpdate {
		inactive[i] = satAdd(u, cp.activityCutoff) < in.Block
	}

	// == Stake == get_stake_weights_for_network, threshold, normalise.
	r.stake = normalizedStake(in.Stake, cp.stakeThreshold)

	// == Validator permits == stored permits mask; new ones are stored.
	r.permits = topKNonZero(r.stake, cp.maxValidators) // the same sort, on fixed-point values
	if st.permits == nil {
		st.permits = slices.Clone(r.permits)
	}
	permits := st.permits

	// == Active stake ==
	r.activeStake = slices.Clone(r.stake)
	for i := range r.activeStake {
		if inactive[i] || !permits[i] { // inplace_mask_vector ×2
			r.activeStake[i] = 0
		}
	}
	fxNormalize(r.activeStake)

	// == Weights == get_weights_sparse (u16 as an integer I32F32),
	// mask_rows_sparse(forbids), mask_diag_sparse[_except_index],
	// vec_mask_sparse_matrix(updated <= registered),
	// inplace_row_normalize_sparse.
	w := fxAlloc(n, func(i int) int {
		if i < len(in.Weights) && permits[i] {
			return len(in.Weights[i])
		}
		return 0
	})
	for i := range min(n, len(in.Weights)) {
		if !permits[i] {
			continue
		}
		for _, c := range storedWeights(submittedWeights(in.Weights[i])) {
			self := int(c.uid) == i && (in.Owner == nil || *in.Owner != c.uid)
			if self || lastUpdate[i] <= registered[c.uid] {
				continue
			}
			w[i] = append(w[i], fxCell{c.uid, fxInt(int64(c.v))})
		}
	}
	fxRowNormalize(w)

	// == Consensus, validator trust ==
	preranks := fxMatmul(w, r.activeStake, n)
	kappa := fxInt(int64(cp.kappa)).safeDiv(fxInt(math.MaxUint16)) // get_float_kappa
	r.consensus = fxWeightedMedianCols(r.activeStake, w, n, kappa)
	clipped := fxColClip(w, r.consensus)
	r.validatorTrust = fxRowSum(clipped)

	// == Ranks, trust, incentive ==
	ranks := fxMatmul(clipped, r.activeStake, n)
	r.trust = make([]i32f32, n)
	for j := range ranks { // vecdiv
		if preranks[j] != 0 {
			r.trust[j] = ranks[j].safeDiv(preranks[j])
		}
	}
	fxNormalize(ranks)
	r.incentive = ranks

	// == Bonds and dividends ==
	penalty := fxInt(int64(cp.bondsPenalty)).safeDiv(fxInt(math.MaxUint16)) // get_float_bonds_penalty
	weightsForBonds := fxInterpolate(w, clipped, penalty)

	// get_bonds_sparse: u16_to_fixed, the stored u16 as an integer.
	// scalar_vec_mask_sparse_matrix: drop bonds to uids registered since
	// last_tempo; then inplace_col_normalize_sparse.
	lastTempo := satSub(in.Block, in.Tempo)
	bonds := fxAlloc(n, func(i int) int {
		if i < len(st.bonds) {
			return len(st.bonds[i])
		}
		return 0
	})
	for i := range min(n, len(st.bonds)) {
		for _, c := range st.bonds[i] {
			if !(lastTempo <= registered[c.uid]) {
				bonds[i] = append(bonds[i], fxCell{c.uid, fxInt(int64(c.v))})
			}
		}
	}
	fxColNormalize(bonds, n)
	delta := fxRowHadamard(weightsForBonds, r.activeStake) // ΔB = W∘S
	fxColNormalize(delta, n)

	// compute_ema_bonds_normal_sparse: bonds_moving_average as I64F64 /
	// 1e6 (truncating), converted to I32F32 (truncating), α = 1 − that.
	bma := new(big.Int).Lsh(new(big.Int).SetUint64(cp.bondsMovingAverage), 64)
	bma.Quo(bma, big.NewInt(1_000_000))
	bma.Rsh(bma, 64-fxFrac)
	alpha := fxOne.sub(i32f32(bma.Int64()))
	ema := fxEMA(delta, bonds, alpha)
	fxColNormalize(ema, n)
	r.dividends = fxMatmulTranspose(ema, r.incentive)
	fxNormalize(r.dividends)
	fxColMaxUpscale(ema, n)

	// == Emission shares ==
	var emissionSum i32f32
	for i := range n {
		emissionSum += r.incentive[i].add(r.dividends[i])
	}
	r.serverEmission = slices.Clone(r.incentive)
	r.validatorEmission = slices.Clone(r.dividends)
	if emissionSum != 0 { // inplace_normalize_using_sum
		for i := range n {
			r.serverEmission[i] = r.serverEmission[i].safeDiv(emissionSum)
			r.validatorEmission[i] = r.validatorEmission[i].safeDiv(emissionSum)
		}
	} else if fxSum(r.activeStake) == 0 { // is_zero(&active_stake)
		r.validatorEmission = slices.Clone(r.stake)
	} else {
		r.validatorEmission = slices.Clone(r.activeStake)
	}

	// == Storage == bonds rows of uids with a new permit, as
	// fixed_proportion_to_u16; rows of uids that lost their permit are
	// cleared; others are left as they were.
	if len(st.bonds) < n {
		st.bonds = append(st.bonds, make([][]u16Cell, n-len(st.bonds))...)
	}
	for i := range n {
		switch {
		case r.permits[i]:
			row := make([]u16Cell, len(ema[i]))
			for k, c := range ema[i] {
				row[k] = u16Cell{c.uid, fixedProportionToU16(c.v)}
			}
			st.bonds[i] = row
		case permits[i]:
			st.bonds[i] = nil
		}
	}
	st.permits = slices.Clone(r.permits)
	r.bonds = st.bonds
	return r
}

// ---------------------------------------------------------------------
// The comparison.
// ---------------------------------------------------------------------

// fxQuantities are the compared results, in table order.
var fxQuantities = []string{"stake", "consensus", "validator trust", "incentive", "dividends", "emission share", "bonds"}

// fxDistance returns max |float64 − fixed point| of each quantity in
// fxQuantities.
func fxDistance(r *Result, c *chainResult) []float64 {
	vec := func(a []float64, b []i32f32) float64 {
		d := 0.0
		for i := range a {
			d = max(d, math.Abs(a[i]-b[i].float()))
		}
		return d
	}
	// Emission share: miner + validator share of each uid, subtensor's
	// normalized_server_emission + normalized_validator_emission.
	share := 0.0
	for i := range r.MinerEmission {
		f := r.MinerEmission[i] + r.ValidatorEmission[i]
		x := c.serverEmission[i].float() + c.validatorEmission[i].float()
		share = max(share, math.Abs(f-x))
	}
	// Bonds: ours as Epoch returns them (column max-upscaled float64),
	// subtensor's as stored (u16 / 65535); a missing cell is 0.
	bond := 0.0
	for i := range max(len(r.Bonds), len(c.bonds)) {
		var a []Entry
		if i < len(r.Bonds) {
			a = r.Bonds[i]
		}
		var b []u16Cell
		if i < len(c.bonds) {
			b = c.bonds[i]
		}
		ai, bi := 0, 0
		for ai < len(a) || bi < len(b) {
			var x, y float64
			switch {
			case bi == len(b) || (ai < len(a) && a[ai].UID < b[bi].uid):
				x = a[ai].Value
				ai++
			case ai == len(a) || b[bi].uid < a[ai].UID:
				y = float64(b[bi].v) / math.MaxUint16
				bi++
			default:
				x, y = a[ai].Value, float64(b[bi].v)/math.MaxUint16
				ai++
				bi++
			}
			bond = max(bond, math.Abs(x-y))
		}
	}
	return []float64{
		vec(r.Stake, c.stake),
		vec(r.Consensus, c.consensus),
		vec(r.ValidatorTrust, c.validatorTrust),
		vec(r.Incentive, c.incentive),
		vec(r.Dividends, c.dividends),
		share,
		bond,
	}
}

// chainKappa is subtensor's default kappa, 32767/65535 ≈ 0.49999237:
// what toChainParams makes of κ = 0.5.
const chainKappa = 32767.0 / math.MaxUint16

// TestFixedPointDistance runs Epoch and the fixed-point emulation of
// subtensor's epoch() side by side, each carrying its own bonds from epoch
// to epoch, and logs the distance between them in a table per scenario.
//
// Each scenario runs Epoch twice. First with its Params as they are:
// κ = 0.5, which subtensor stores as 32767/65535. The κ-quantile is
// discontinuous: when the stake above some weight lies between 0.49999237
// and 0.5, the chain picks a neighbouring validator's weight as consensus,
// which moves that miner's consensus, incentive and bonds by the gap
// between the two weights — a mismatch of parameters, not of precision, so
// that run is logged but not bounded. Then with κ = 32767/65535, which
// leaves the arithmetic and the u16 storage as the only differences; that
// run is asserted.
//
// Where the remaining distance comes from:
//   - I32F32 resolution: every product and quotient is truncated to
//     2^-32 ≈ 2.3e-10 (0.000015 u16 units), and normalising divides by a
//     truncated sum. Stake shows exactly this.
//   - Weights as set_weights stores them: max-upscaled per row to u16, so
//     a weight of 0.2 in the hand scenario is 32768/163838 = 0.2000024 on
//     chain (0.16 u16 units of consensus and incentive).
//   - Bonds as stored between epochs: column max-upscaled, then floored
//     to u16 (fixed_proportion_to_u16), so each stored bond loses up to one
//     unit, the loss goes into the next epoch's EMA with weight 1 − α and
//     accumulates to at most about 1/α = 10 units of downward drift; it
//     moves dividends by a fraction of a unit.
//   - ΔB = W∘S (row_hadamard_sparse) in I32F32 keeps w·s·2^32 significant
//     steps: with 256 validators (s ≈ 1/256) and 4096 miners (w ≈ 1/2500)
//     that is a few thousand, and for a miner with a small consensus a few
//     dozen, so subtensor's own bonds there are off by up to tens of
//     percent of the column maximum (tens of thousands of u16 units), and
//     the EMA carries that for many epochs. Bonds of the 4096-wide subnet
//     are therefore logged, not bounded; the dividends computed from them
//     still agree within a fraction of a unit.
//
// The bounds are in u16 units (×65535), the precision in which subtensor
// stores every one of these vectors; below 1 a difference is invisible on
// chain. They are the measured maxima (hand scenario, and 20 seeds of
// 64×256) with a margin of 2–4×.
func TestFixedPointDistance(t *testing.T) {
	bound := map[string]float64{
		"stake":           0.001, // measured 0.000015
		"consensus":       0.5,   // 0.16 (hand: u16 weights)
		"validator trust": 1,     // 0.27
		"incentive":       0.5,   // 0.16 (hand)
		"dividends":       1,     // 0.42 (hand)
		"emission share":  0.5,   // 0.21 (hand)
		"bonds":           16,    // 8.1; at most ~1/α = 10 of flooring drift
	}

	type scenario struct {
		name   string
		params Params
		epochs int
		input  func(epoch int) *Input // epoch counts from 0
		bonds  bool                   // whether bonds are bounded
		long   bool
	}
	// random keeps randomSubnet's stake and draws new weights every epoch,
	// so that the bonds carried from earlier epochs matter.
	random := func(seed uint64, n, v int, density float64) func(int) *Input {
		stake := randomSubnet(seed, n, v, density).Stake
		return func(e int) *Input {
			in := randomSubnet(seed*1000+uint64(e), n, v, density)
			in.Stake = stake
			return in
		}
	}
	validators := func(v int) Params {
		p := DefaultParams()
		p.MaxValidators = v
		return p
	}
	scenarios := []scenario{
		{"hand", DefaultParams(), 4, handScenario, true, false},
		{"random-64x256", validators(64), 10, random(11, 256, 64, 1), true, false},
		{"random-256x4096", validators(256), 10, random(12, 4096, 256, 0.6), false, true},
	}
	variants := []struct {
		name   string
		params func(Params) Params
	}{
		{"κ = 0.5 (as in Params; logged)", func(p Params) Params { return p }},
		{"κ = 32767/65535 (as on chain; asserted)", func(p Params) Params { p.Kappa = chainKappa; return p }},
	}

	// The emulation's rounding, on values worked out by hand from the
	// substrate-fixed and subtensor sources cited at the top of the file.
	t.Run("I32F32", func(t *testing.T) {
		half := fxOne / 2
		for _, c := range []struct {
			what      string
			got, want i32f32
		}{
			{"3·0.5", fxInt(3).mul(half), 3 * half},
			{"2^-32·0.5 rounds toward −∞", i32f32(1).mul(half), 0},
			{"−2^-32·0.5 rounds toward −∞", i32f32(-1).mul(half), -1},
			{"1/3 truncates", fxOne.safeDiv(fxInt(3)), 1431655765},
			{"−2^-32/2 truncates toward 0", i32f32(-1).safeDiv(fxInt(2)), 0},
			{"x/0 is 0 (safe_div)", fxOne.safeDiv(0), 0},
			{"overflowing quotient is 0 (safe_div)", fxInt(1 << 30).safeDiv(1), 0},
			{"round(2.5)", (fxInt(2) + half).round(), fxInt(3)},
			{"round(−2.5)", (fxInt(-2) - half).round(), fxInt(-3)},
			{"round(2.5−2^-32)", (fxInt(2) + half - 1).round(), fxInt(2)},
			{"get_float_kappa(32767)", fxInt(32767).safeDiv(fxInt(math.MaxUint16)), 2147450879},
		} {
			if c.got != c.want {
				t.Errorf("%s = %d (%v), want %d", c.what, c.got, c.got.float(), c.want)
			}
		}
		if got := fixedProportionToU16(fxOne - 1); got != 65534 {
			t.Errorf("fixed_proportion_to_u16(1 − 2^-32) = %d, want 65534 (floored)", got)
		}
		if got := (fxInt(-1)).toU16(); got != 0 {
			t.Errorf("saturating_to_num::<u16>(−1) = %d, want 0", got)
		}
	})

	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			if sc.long && testing.Short() {
				t.Skip("the 4096-wide subnet is skipped under -short")
			}
			cp := toChainParams(sc.params)
			st := &chainState{}
			nv := len(variants)
			bonds := make([]Matrix, nv)
			first, last, worst := make([][]float64, nv), make([][]float64, nv), make([][]float64, nv)
			for e := range sc.epochs {
				in := sc.input(e) // neither Epoch nor chainEpoch modifies it
				c := chainEpoch(cp, in, st)
				for v, va := range variants {
					in.Bonds = bonds[v] // chainEpoch reads its own, from st
					r, err := Epoch(va.params(sc.params), in)
					if err != nil {
						t.Fatal(err)
					}
					bonds[v] = r.Bonds
					d := fxDistance(r, c)
					if e == 0 {
						first[v], worst[v] = d, slices.Clone(d)
					}
					for q := range d {
						worst[v][q] = max(worst[v][q], d[q])
					}
					last[v] = d
				}
			}

			for v, va := range variants {
				var b strings.Builder
				fmt.Fprintf(&b, "%s, %s: max |float64 − fixed point|, and ×65535 (u16 units)\n", sc.name, va.name)
				fmt.Fprintf(&b, "%-16s %10s %9s %10s %9s %10s %9s\n", "", "epoch 1", "u16",
					fmt.Sprintf("epoch %d", sc.epochs), "u16", "any epoch", "u16")
				for q, name := range fxQuantities {
					fmt.Fprintf(&b, "%-16s %10.3g %9.4f %10.3g %9.4f %10.3g %9.4f\n", name,
						first[v][q], first[v][q]*math.MaxUint16, last[v][q], last[v][q]*math.MaxUint16,
						worst[v][q], worst[v][q]*math.MaxUint16)
				}
				t.Log("\n" + b.String())
			}

			asserted := worst[1]
			for q, name := range fxQuantities {
				if name == "bonds" && !sc.bonds {
					continue
				}
				if u := asserted[q] * math.MaxUint16; u > bound[name] {
					t.Errorf("%s: float64 and fixed point differ by %.4g u16 units in some epoch, bound %g", name, u, bound[name])
				}
			}
		})
	}
}
