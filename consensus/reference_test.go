package consensus

import "slices"

// referenceEpoch is a literal, dense transliteration of subtensor's
// epoch_dense (run_epoch.rs) and the dense helpers of math.rs, with the
// same float64 rules as the package. It is slow and simple on purpose:
// property tests require Epoch, which works on sparse rows, to agree with
// it bit for bit.
func referenceEpoch(p Params, in *Input) (stake, activeStake, consensus, vtrust, trust, incentive, dividends []float64, bonds [][]float64) {
	n := len(in.Stake)
	lastUpdate, registered := in.LastUpdate, in.RegisteredAt
	if lastUpdate == nil {
		lastUpdate = slices.Repeat([]uint64{in.Block}, n)
	}
	if registered == nil {
		registered = make([]uint64, n)
	}
	dense := func(m Matrix) [][]float64 {
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, n)
			if i < len(m) {
				for _, e := range m[i] {
					out[i][e.UID] = e.Value
				}
			}
		}
		return out
	}

	stake = make([]float64, n)
	for i, s := range in.Stake {
		if s >= p.StakeThreshold {
			stake[i] = s
		}
	}
	normalize(stake)
	permit := topKNonZero(stake, p.MaxValidators)
	activeStake = slices.Clone(stake)
	for i := range n {
		if satAdd(lastUpdate[i], p.ActivityCutoff) < in.Block || !permit[i] {
			activeStake[i] = 0
		}
	}
	normalize(activeStake)

	w := dense(in.Weights)
	for i := range n {
		for j := range n {
			self := i == j && (in.Owner == nil || int(*in.Owner) != i)
			if !permit[i] || self || lastUpdate[i] <= registered[j] {
				w[i][j] = 0
			}
		}
		if s := sum(w[i]); s > 0 {
			for j := range w[i] {
				w[i][j] /= s
			}
		}
	}
	matmulDense := func(m [][]float64, v []float64) []float64 {
		r := make([]float64, n)
		for i := range m {
			for j := range m[i] {
				r[j] += float64(v[i] * m[i][j])
			}
		}
		return r
	}
	preranks := matmulDense(w, activeStake)

	// weighted_median_col: per column, the validators with stake.
	consensus = make([]float64, n)
	for c := range n {
		var useStake, useScore []float64
		for r := range n {
			if activeStake[r] > 0 {
				useStake = append(useStake, activeStake[r])
				useScore = append(useScore, w[r][c])
			}
		}
		if len(useStake) > 0 {
			normalize(useStake)
			s := sum(useStake)
			idx := make([]int, len(useStake))
			for i := range idx {
				idx[i] = i
			}
			consensus[c] = referenceMedian(useStake, useScore, idx, s-p.Kappa, 0, s)
		}
	}
	clipped := make([][]float64, n)
	vtrust = make([]float64, n)
	for i := range n {
		clipped[i] = make([]float64, n)
		for j := range n {
			clipped[i][j] = min(w[i][j], consensus[j])
		}
		vtrust[i] = sum(clipped[i])
	}
	ranks := matmulDense(clipped, activeStake)
	trust = make([]float64, n)
	for j := range n {
		if preranks[j] != 0 {
			trust[j] = ranks[j] / preranks[j]
		}
	}
	normalize(ranks)
	incentive = ranks

	wb := make([][]float64, n)
	for i := range n {
		wb[i] = make([]float64, n)
		for j := range n {
			switch p.BondsPenalty {
			case 0:
				wb[i][j] = w[i][j]
			case 1:
				wb[i][j] = clipped[i][j]
			default:
				wb[i][j] = w[i][j] + float64(p.BondsPenalty*(clipped[i][j]-w[i][j]))
			}
		}
	}
	b := dense(in.Bonds)
	for i := range n {
		for j := range n {
			if satSub(in.Block, in.Tempo) <= registered[j] {
				b[i][j] = 0
			}
		}
	}
	colNorm := func(m [][]float64) {
		cs := make([]float64, n)
		for i := range m {
			for j := range m[i] {
				cs[j] += m[i][j]
			}
		}
		for i := range m {
			for j := range m[i] {
				if cs[j] != 0 {
					m[i][j] /= cs[j]
				}
			}
		}
	}
	emaDense := func(next, prev [][]float64) [][]float64 {
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, n)
			for j := range out[i] {
				out[i][j] = float64(p.BondsAlpha*next[i][j]) + float64((1-p.BondsAlpha)*prev[i][j])
			}
		}
		return out
	}
	dividends = make([]float64, n)
	liquid := p.LiquidAlpha && slices.ContainsFunc(consensus, func(c float64) bool { return c != 0 })
	if p.Yuma3 && liquid {
		// compute_liquid_alpha_values + alpha_sigmoid + mat_ema_alpha.
		bonds = make([][]float64, n)
		for i := range n {
			bonds[i] = make([]float64, n)
			for j := range n {
				w, bond := wb[i][j], b[i][j]
				diffBuy := max(min(w-consensus[j], 1), 0)
				diffSell := max(min(bond-w, 1), 0)
				combined := diffSell
				if w >= bond {
					combined = diffBuy
				}
				sigmoid := 1 / (1 + exp(float64(p.AlphaSigmoidSteepness/-100)*(combined-0.5)))
				a := max(min(p.AlphaLow+float64(sigmoid*(p.AlphaHigh-p.AlphaLow)), p.AlphaHigh), p.AlphaLow)
				bonds[i][j] = min(float64((1-a)*bond)+max(float64(a*w), 0), 1)
			}
		}
	} else if p.Yuma3 {
		bonds = emaDense(wb, b)
	}
	if p.Yuma3 {
		norm := make([][]float64, n)
		for i := range bonds {
			norm[i] = slices.Clone(bonds[i])
		}
		colNorm(norm)
		for i := range n {
			for j := range n {
				dividends[i] += float64(norm[i][j] * incentive[j])
			}
			dividends[i] *= activeStake[i]
		}
		normalize(dividends)
	} else {
		colNorm(b)
		delta := make([][]float64, n)
		for i := range n {
			delta[i] = make([]float64, n)
			for j := range n {
				delta[i][j] = activeStake[i] * wb[i][j]
			}
		}
		colNorm(delta)
		bonds = emaDense(delta, b)
		colNorm(bonds)
		for i := range n {
			for j := range n {
				dividends[i] += float64(bonds[i][j] * incentive[j])
			}
		}
		normalize(dividends)
		cm := make([]float64, n)
		for i := range n {
			for j := range n {
				cm[j] = max(cm[j], bonds[i][j])
			}
		}
		for i := range n {
			for j := range n {
				if cm[j] != 0 {
					bonds[i][j] /= cm[j]
				}
			}
		}
	}
	for i := range n {
		if !permit[i] {
			bonds[i] = make([]float64, n)
		}
	}
	return stake, activeStake, consensus, vtrust, trust, incentive, dividends, bonds
}

// referenceMedian is subtensor's recursive weighted_median, verbatim.
func referenceMedian(stake, score []float64, part []int, minority, lo, hi float64) float64 {
	n := len(part)
	if n == 0 {
		return 0
	}
	if n == 1 {
		return score[part[0]]
	}
	pivot := score[part[n/2]]
	var loStake, hiStake float64
	var lower, upper []int
	for _, i := range part {
		if score[i] == pivot {
			continue
		}
		if score[i] < pivot {
			loStake += stake[i]
			lower = append(lower, i)
		} else {
			hiStake += stake[i]
			upper = append(upper, i)
		}
	}
	switch {
	case lo+loStake <= minority && minority < hi-hiStake:
		return pivot
	case minority < lo+loStake && len(lower) > 0:
		return referenceMedian(stake, score, lower, minority, lo, lo+loStake)
	case hi-hiStake <= minority && len(upper) > 0:
		return referenceMedian(stake, score, upper, minority, hi-hiStake, hi)
	}
	return pivot
}
