package consensus

import "slices"

// weightedMedianCols returns, for every column of w, the κ-quantile of the
// column's weights counted from the top and weighted by active stake: the
// largest c such that validators holding at least κ of the stake set a
// weight ≥ c. It follows subtensor's weighted_median_col_sparse: only
// validators with stake > 0 take part, their stake is normalised again, and
// a validator without a cell in a column counts as weight 0 there.
func weightedMedianCols(stake []float64, w Matrix, n int, kappa float64) []float64 {
	// Compact the validators with stake into k rows.
	var useStake []float64
	var rows []int
	for i, s := range stake {
		if s > 0 {
			useStake = append(useStake, s)
			rows = append(rows, i)
		}
	}
	median := make([]float64, n)
	k := len(useStake)
	if k == 0 {
		return median
	}
	normalize(useStake)
	stakeSum := sum(useStake)
	minority := stakeSum - kappa

	// score[c*k+r]: column-major, so each column's scores are contiguous.
	score := make([]float64, n*k)
	for r, i := range rows {
		for _, e := range w[i] {
			score[int(e.UID)*k+r] = e.Value
		}
	}
	m := medianFinder{idx: make([]int, k), a: make([]int, k), b: make([]int, k)}
	for r := range m.idx {
		m.idx[r] = r
	}
	for c := range n {
		median[c] = m.find(useStake, score[c*k:(c+1)*k], minority, stakeSum)
	}
	return median
}

// medianFinder holds the index buffers of the weighted median search so
// that a whole column sweep allocates nothing.
type medianFinder struct {
	idx  []int // 0..k-1, the starting partition
	a, b []int // partitions alternate between these
}

// find is subtensor's weighted_median (math.rs), written as a loop: a
// binary search that pivots on the middle element of the partition and
// keeps the relative order of the elements, so it visits the same pivots
// as the recursive original and adds the same stakes in the same order.
//
// minority is Σstake − κ; the result p satisfies
// stake(score < p) ≤ minority < stake(score ≤ p).
func (m *medianFinder) find(stake, score []float64, minority, hi float64) float64 {
	part := m.idx
	lo := 0.0
	next, spare := m.a, m.b
	for {
		n := len(part)
		if n == 0 {
			return 0
		}
		if n == 1 {
			return score[part[0]]
		}
		pivot := score[part[n/2]]
		// One pass, without branches on the data: lower elements fill next
		// from the front, upper ones from the back. Both slots are written
		// every time and only the matching end advances; the free region
		// [l, u] is never empty while elements remain, so nothing placed
		// is overwritten. Adding stake·0 leaves a sum unchanged, so the
		// sums are exactly those of the branching original.
		var loStake, hiStake float64
		l, u := 0, n-1
		for _, i := range part {
			s := score[i]
			lt, gt := b2i(s < pivot), b2i(s > pivot)
			next[l] = i
			next[u] = i
			loStake += float64(stake[i] * float64(lt))
			hiStake += float64(stake[i] * float64(gt))
			l += lt
			u -= gt
		}
		lower, upper := next[:l], next[u+1:n]
		switch {
		case lo+loStake <= minority && minority < hi-hiStake:
			return pivot
		case minority < lo+loStake && len(lower) > 0:
			hi = lo + loStake
			part = lower
		case hi-hiStake <= minority && len(upper) > 0:
			slices.Reverse(upper) // back to the original order
			lo = hi - hiStake
			part = upper
		default:
			return pivot
		}
		next, spare = spare, next
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
