package consensus

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// genParams draws parameters across their whole valid range.
func genParams(t *rapid.T, n int) Params {
	p := DefaultParams()
	p.Kappa = rapid.SampledFrom([]float64{0.5, 0.25, 0.51, 0.75, 1}).Draw(t, "kappa")
	p.BondsAlpha = rapid.SampledFrom([]float64{0.1, 0.5, 1, 0.05}).Draw(t, "alpha")
	p.BondsPenalty = rapid.SampledFrom([]float64{1, 0, 0.5, 0.3}).Draw(t, "penalty")
	p.MaxValidators = rapid.IntRange(0, n+1).Draw(t, "max_validators")
	p.OwnerCut = rapid.SampledFrom([]float64{0.18, 0, 1, 0.5}).Draw(t, "owner_cut")
	p.Yuma3 = rapid.Bool().Draw(t, "yuma3")
	if p.Yuma3 && rapid.Bool().Draw(t, "liquid_alpha") {
		p.LiquidAlpha = true
		p.AlphaLow = rapid.SampledFrom([]float64{0.7, 0.1, 0.05}).Draw(t, "alpha_low")
		p.AlphaHigh = max(p.AlphaLow, rapid.SampledFrom([]float64{0.9, 0.3, 1}).Draw(t, "alpha_high"))
		p.AlphaSigmoidSteepness = rapid.SampledFrom([]float64{1000, 100, -50, 0}).Draw(t, "steepness")
	}
	return p
}

// genInput draws a subnet of up to 24 uids. Stakes are distinct unless
// ties are asked for, so that permits and the κ-quantile do not depend on
// tie-breaking.
func genInput(t *rapid.T, ties bool) *Input {
	n := rapid.IntRange(0, 24).Draw(t, "n")
	in := &Input{Block: 10_000, Tempo: 100, Emission: rapid.Uint64().Draw(t, "emission")}
	in.Stake = make([]float64, n)
	for i := range in.Stake {
		if rapid.IntRange(0, 3).Draw(t, "has_stake") > 0 {
			if ties {
				in.Stake[i] = float64(rapid.IntRange(0, 4).Draw(t, "stake"))
			} else {
				// Distinct, and irregular enough that no set of stakes
				// sums to exactly κ of the total: at such a tie the
				// result flips with the order of float additions.
				in.Stake[i] = math.Sqrt(float64(i+2)) + rapid.Float64Range(0.01, 0.99).Draw(t, "stake")
			}
		}
	}
	values := rapid.SampledFrom([]float64{0, 1, 2, 0.5, 65535, 1e-9, 7, 3.25})
	in.Weights = make(Matrix, rapid.IntRange(0, n).Draw(t, "rows"))
	for i := range in.Weights {
		for j := range n {
			if rapid.IntRange(0, 2).Draw(t, "cell") == 0 {
				in.Weights[i] = append(in.Weights[i], Entry{uint32(j), values.Draw(t, "w")})
			}
		}
	}
	if rapid.Bool().Draw(t, "has_bonds") {
		in.Bonds = make(Matrix, n)
		for i := range in.Bonds {
			for j := range n {
				if rapid.IntRange(0, 2).Draw(t, "bond") == 0 {
					in.Bonds[i] = append(in.Bonds[i], Entry{uint32(j), rapid.Float64Range(0, 1).Draw(t, "b")})
				}
			}
		}
	}
	if rapid.Bool().Draw(t, "blocks") {
		in.LastUpdate = make([]uint64, n)
		in.RegisteredAt = make([]uint64, n)
		for i := range n {
			in.LastUpdate[i] = rapid.SampledFrom([]uint64{9_990, 5_000, 4_000, 100}).Draw(t, "last_update")
			in.RegisteredAt[i] = rapid.SampledFrom([]uint64{0, 0, 0, 4_500, 9_950}).Draw(t, "registered_at")
		}
	}
	if n > 0 && rapid.Bool().Draw(t, "has_owner") {
		o := uint32(rapid.IntRange(0, n-1).Draw(t, "owner"))
		in.Owner = &o
	}
	return in
}

// TestMatchesReference: the sparse implementation agrees bit for bit with
// the dense transliteration of subtensor, whatever the input.
func TestMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		p := genParams(t, len(in.Stake))
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		stake, active, cons, vtrust, trust, inc, div, bonds := referenceEpoch(p, in)
		for _, c := range []struct {
			name      string
			got, want []float64
		}{
			{"stake", r.Stake, stake}, {"active stake", r.ActiveStake, active},
			{"consensus", r.Consensus, cons}, {"validator trust", r.ValidatorTrust, vtrust},
			{"trust", r.Trust, trust}, {"incentive", r.Incentive, inc}, {"dividends", r.Dividends, div},
		} {
			if !bitsEqual(c.got, c.want) {
				t.Fatalf("%s differs from the reference:\n got %v\nwant %v", c.name, c.got, c.want)
			}
		}
		for i := range bonds {
			if !bitsEqual(denseRow(r.Bonds[i], len(bonds)), bonds[i]) {
				t.Fatalf("bonds row %d: got %v, want %v", i, r.Bonds[i], bonds[i])
			}
		}
	})
}

// TestInvariants: normalised vectors sum to 1 or 0, fractions stay in
// [0, 1], and the emission is paid out exactly.
func TestInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		p := genParams(t, len(in.Stake))
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string][]float64{
			"stake": r.Stake, "active stake": r.ActiveStake, "incentive": r.Incentive,
			"dividends": r.Dividends, "pruning score": r.PruningScore,
			"emission share": addVectors(r.MinerEmission, r.ValidatorEmission),
		} {
			if s := sum(v); s != 0 && math.Abs(s-1) > 1e-9 {
				t.Fatalf("%s sums to %v, want 1 or 0: %v", name, s, v)
			}
		}
		for name, v := range map[string][]float64{
			"consensus": r.Consensus, "trust": r.Trust, "validator trust": r.ValidatorTrust,
		} {
			for i, x := range v {
				if x < 0 || x > 1+1e-9 {
					t.Fatalf("%s[%d] = %v, outside [0, 1]", name, i, x)
				}
			}
		}
		for i, row := range r.Bonds {
			if !r.ValidatorPermit[i] && len(row) > 0 {
				t.Fatalf("uid %d has no permit but keeps bonds %v", i, row)
			}
			for _, e := range row {
				if e.Value <= 0 || e.Value > 1+1e-9 {
					t.Fatalf("bond [%d][%d] = %v, outside (0, 1]", i, e.UID, e.Value)
				}
			}
		}
		paid := r.OwnerEmission + r.Unallocated
		for _, e := range r.Emission {
			paid += e
		}
		if paid != in.Emission {
			t.Fatalf("owner %d + uids + unallocated %d = %d, want %d", r.OwnerEmission, r.Unallocated, paid, in.Emission)
		}
		if n := uint64(len(in.Stake)); !r.StakeFallback && r.Unallocated > n+1 && sum(r.PruningScore) != 0 {
			t.Fatalf("rounding left %d unallocated among %d uids", r.Unallocated, n)
		}
	})
}

// TestRelabelling: renaming uids permutes every output the same way and
// changes nothing else (up to the order of float additions).
func TestRelabelling(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, false)
		p := genParams(t, len(in.Stake))
		n := len(in.Stake)
		perm := rapid.Permutation(seq(n)).Draw(t, "perm") // uid i becomes perm[i]
		out := permuteInput(in, perm)
		a, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Epoch(p, out)
		if err != nil {
			t.Fatal(err)
		}
		va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
		for f := range va.NumField() {
			name := va.Type().Field(f).Name
			switch x := va.Field(f).Interface().(type) {
			case []float64:
				y := vb.Field(f).Interface().([]float64)
				for i := range x {
					if math.Abs(x[i]-y[perm[i]]) > 1e-9 {
						t.Fatalf("%s[%d] = %v, but relabelled as %d it is %v", name, i, x[i], perm[i], y[perm[i]])
					}
				}
			case []bool:
				y := vb.Field(f).Interface().([]bool)
				for i := range x {
					if x[i] != y[perm[i]] {
						t.Fatalf("%s[%d] = %v, relabelled %v", name, i, x[i], y[perm[i]])
					}
				}
			case Matrix:
				y := vb.Field(f).Interface().(Matrix)
				for i := range x {
					xr, yr := denseRow(x[i], n), denseRow(y[perm[i]], n)
					for j := range xr {
						if math.Abs(xr[j]-yr[perm[j]]) > 1e-9 {
							t.Fatalf("%s[%d][%d] = %v, relabelled %v", name, i, j, xr[j], yr[perm[j]])
						}
					}
				}
			}
		}
	})
}

// TestMinorityCoalition: validators holding less than κ of the active
// stake cannot lift a miner's consensus weight above the highest weight
// the other validators give it, whatever they put in their rows.
func TestMinorityCoalition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, false)
		n := len(in.Stake)
		if n < 2 {
			t.Skip("too small")
		}
		in.LastUpdate, in.RegisteredAt, in.Owner = nil, nil, nil
		p := genParams(t, n)
		p.MaxValidators = n
		target := uint32(rapid.IntRange(0, n-1).Draw(t, "target"))
		// First run: who votes, and with how much stake.
		base, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		var coalition []int
		var share float64
		for _, i := range rapid.Permutation(seq(n)).Draw(t, "order") {
			if s := base.ActiveStake[i]; s > 0 && share+s < p.Kappa-1e-9 && rapid.Bool().Draw(t, "join") {
				coalition = append(coalition, i)
				share += s
			}
		}
		// The coalition puts all its weight on the target.
		in.Weights = slices.Clone(in.Weights)
		for len(in.Weights) < n {
			in.Weights = append(in.Weights, nil)
		}
		for _, i := range coalition {
			in.Weights[i] = []Entry{{target, 1}}
		}
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		var honestMax float64
		for i, row := range in.Weights {
			if slices.Contains(coalition, i) || r.ActiveStake[i] == 0 {
				continue
			}
			var total, w float64
			for _, e := range row {
				if int(e.UID) == i {
					continue // self-weight is masked
				}
				total += e.Value
				if e.UID == target {
					w = e.Value
				}
			}
			if total > 0 {
				honestMax = max(honestMax, w/total)
			}
		}
		if r.Consensus[target] > honestMax+1e-12 {
			t.Fatalf("coalition with %.3f of stake (κ %.2f) lifted consensus of %d to %v; honest validators give at most %v",
				share, p.Kappa, target, r.Consensus[target], honestMax)
		}
	})
}

// TestRepeatable: the same input gives the same result bit for bit.
func TestRepeatable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		p := genParams(t, len(in.Stake))
		a, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Epoch(p, in)
		if resultDigest(a) != resultDigest(b) {
			t.Fatal("two runs differ")
		}
	})
}

// TestDenseEqualsSparse: a weight matrix given densely (zeros included)
// or sparsely, in any cell order, gives the same result bit for bit.
func TestDenseEqualsSparse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		p := genParams(t, len(in.Stake))
		n := len(in.Stake)
		rows := make([][]float64, len(in.Weights))
		for i, row := range in.Weights {
			rows[i] = denseRow(row, n)
		}
		dense := *in
		dense.Weights = Dense(rows)
		shuffled := *in
		shuffled.Weights = make(Matrix, len(in.Weights))
		for i, row := range in.Weights {
			shuffled.Weights[i] = rapid.Permutation(row).Draw(t, "cells")
		}
		a, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range []*Input{&dense, &shuffled} {
			b, err := Epoch(p, other)
			if err != nil {
				t.Fatal(err)
			}
			if resultDigest(a) != resultDigest(b) {
				t.Fatal("dense or reordered weights give a different result")
			}
		}
	})
}

func permuteInput(in *Input, perm []int) *Input {
	n := len(in.Stake)
	out := &Input{Block: in.Block, Tempo: in.Tempo, Emission: in.Emission}
	out.Stake = make([]float64, n)
	for i, s := range in.Stake {
		out.Stake[perm[i]] = s
	}
	permuteMatrix := func(m Matrix) Matrix {
		if m == nil {
			return nil
		}
		o := make(Matrix, n)
		for i, row := range m {
			for _, e := range row {
				o[perm[i]] = append(o[perm[i]], Entry{uint32(perm[e.UID]), e.Value})
			}
		}
		return o
	}
	out.Weights = permuteMatrix(in.Weights)
	out.Bonds = permuteMatrix(in.Bonds)
	if in.LastUpdate != nil {
		out.LastUpdate = make([]uint64, n)
		out.RegisteredAt = make([]uint64, n)
		for i := range n {
			out.LastUpdate[perm[i]] = in.LastUpdate[i]
			out.RegisteredAt[perm[i]] = in.RegisteredAt[i]
		}
	}
	if in.Owner != nil {
		o := uint32(perm[*in.Owner])
		out.Owner = &o
	}
	return out
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func denseRow(row []Entry, n int) []float64 {
	out := make([]float64, n)
	for _, e := range row {
		out[e.UID] = e.Value
	}
	return out
}

func addVectors(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}

func bitsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
