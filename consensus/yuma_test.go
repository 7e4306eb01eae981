package consensus

import (
	"errors"
	"math"
	"testing"
)

const tol = 1e-12

func near(a, b float64) bool { return math.Abs(a-b) <= tol }

func assertNear(t testing.TB, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !near(got[i], want[i]) {
			t.Errorf("%s[%d] = %.15g, want %.15g (all: %v)", what, i, got[i], want[i], got)
			return
		}
	}
}

// handScenario is the scenario of the issue: validators 0–3 with stakes
// 1, 2, 3, 4 and miners 4–7. selfWeighting validators put all weight on
// themselves; the others weight the miners 0.1/0.2/0.3/0.4.
func handScenario(selfWeighting int) *Input {
	in := &Input{
		Stake:    []float64{1, 2, 3, 4, 0, 0, 0, 0},
		Weights:  make(Matrix, 4),
		Block:    1000,
		Tempo:    100,
		Emission: 1_000_000_000,
	}
	for v := range 4 {
		if v < selfWeighting {
			in.Weights[v] = []Entry{{uint32(v), 1}}
			continue
		}
		in.Weights[v] = []Entry{{4, 0.1}, {5, 0.2}, {6, 0.3}, {7, 0.4}}
	}
	return in
}

// TestHandComputedScenario follows the scenario epoch by epoch and
// checks the numbers computed by hand in docs/CONSENSUS.md.
func TestHandComputedScenario(t *testing.T) {
	p := DefaultParams()
	p.OwnerCut = 0
	stakeShare := []float64{.1, .2, .3, .4, 0, 0, 0, 0}

	// Epoch 1: everyone agrees. Consensus is the common weight, incentive
	// follows it, and with no previous bonds each validator's bond in every
	// miner is its stake share, so dividends are the stake shares.
	in := handScenario(0)
	r, err := Epoch(p, in)
	if err != nil {
		t.Fatal(err)
	}
	assertNear(t, "incentive", r.Incentive, []float64{0, 0, 0, 0, .1, .2, .3, .4})
	assertNear(t, "consensus", r.Consensus, []float64{0, 0, 0, 0, .1, .2, .3, .4})
	assertNear(t, "dividends", r.Dividends, stakeShare)
	assertNear(t, "validator trust", r.ValidatorTrust, []float64{1, 1, 1, 1, 0, 0, 0, 0})
	assertNear(t, "trust", r.Trust, []float64{0, 0, 0, 0, 1, 1, 1, 1})
	assertNear(t, "miner emission", r.MinerEmission, []float64{0, 0, 0, 0, .05, .1, .15, .2})
	assertNear(t, "validator emission", r.ValidatorEmission, []float64{.05, .1, .15, .2, 0, 0, 0, 0})
	if r.StakeFallback {
		t.Error("epoch 1 fell back to stake")
	}
	wantEmission := []uint64{50_000_000, 100_000_000, 150_000_000, 200_000_000, 50_000_000, 100_000_000, 150_000_000, 200_000_000}
	var paid uint64
	for i, e := range r.Emission {
		// Float shares are within an ulp of the exact ones; rounding down
		// may cost one unit.
		if e+1 < wantEmission[i] || e > wantEmission[i] {
			t.Errorf("emission[%d] = %d, want %d", i, e, wantEmission[i])
		}
		paid += e
	}
	if paid+r.Unallocated+r.OwnerEmission != in.Emission {
		t.Errorf("paid %d + unallocated %d + owner %d != %d", paid, r.Unallocated, r.OwnerEmission, in.Emission)
	}

	// Epochs 2–4: validators switch to self-weight one by one. Self-weight
	// is masked, so a switched validator backs every miner with weight 0.
	// While the validators still weighting the miners hold at least κ of
	// the stake (0.9, then 0.7) consensus holds; once they hold 0.4 < κ it
	// collapses to zero, and emission falls back to stake.
	bonds := r.Bonds
	for epoch, switched := range []int{1, 2, 3} {
		in := handScenario(switched)
		in.Bonds = bonds
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		bonds = r.Bonds
		supporting := 1.0
		for _, s := range stakeShare[:switched] {
			supporting -= s
		}
		if supporting >= p.Kappa {
			assertNear(t, "consensus", r.Consensus, []float64{0, 0, 0, 0, .1, .2, .3, .4})
			assertNear(t, "incentive", r.Incentive, []float64{0, 0, 0, 0, .1, .2, .3, .4})
			if r.StakeFallback {
				t.Errorf("epoch %d fell back to stake with %.1f supporting", epoch+2, supporting)
			}
			if r.ValidatorTrust[switched-1] != 0 {
				t.Errorf("epoch %d: validator %d sets no miner weights but has trust %v", epoch+2, switched-1, r.ValidatorTrust[switched-1])
			}
			continue
		}
		zero := make([]float64, 8)
		assertNear(t, "consensus", r.Consensus, zero)
		assertNear(t, "incentive", r.Incentive, zero)
		assertNear(t, "dividends", r.Dividends, zero)
		if !r.StakeFallback {
			t.Errorf("epoch %d: no consensus but no stake fallback", epoch+2)
		}
		assertNear(t, "validator emission", r.ValidatorEmission, stakeShare)
		assertNear(t, "miner emission", r.MinerEmission, zero)
	}
}

// TestDividendsFollowBonds checks the bond EMA: a validator that starts
// weighting the consensus miners late earns less than its stake share at
// first, and its share converges to its stake share at rate α.
func TestDividendsFollowBonds(t *testing.T) {
	p := DefaultParams()
	in := handScenario(0)
	// Validator 3 (stake 0.4) sets no weights in the first epoch.
	in.Weights[3] = nil
	r, err := Epoch(p, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Dividends[3] != 0 {
		t.Fatalf("validator without weights earned dividends %v", r.Dividends[3])
	}
	prev := 0.0
	for epoch := 2; epoch <= 60; epoch++ {
		in := handScenario(0)
		in.Bonds = r.Bonds
		if r, err = Epoch(p, in); err != nil {
			t.Fatal(err)
		}
		if d := r.Dividends[3]; d <= prev || d > .4+tol {
			t.Fatalf("epoch %d: dividends of the late validator %v after %v, want rising toward 0.4", epoch, d, prev)
		}
		prev = r.Dividends[3]
	}
	if math.Abs(prev-.4) > 1e-2 {
		t.Errorf("late validator's dividends %v after 60 epochs, want close to its stake share 0.4", prev)
	}
}

// TestWeightCopierIsClipped: a validator that puts all its weight on one
// miner, against a majority that spreads it, is clipped at consensus and
// loses validator trust.
func TestWeightCopierIsClipped(t *testing.T) {
	in := handScenario(0)
	in.Weights[0] = []Entry{{7, 1}}
	r, err := Epoch(DefaultParams(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.ValidatorTrust[0], .4) {
		t.Errorf("validator trust of the outlier = %v, want 0.4 (its weight on miner 7 clipped to consensus)", r.ValidatorTrust[0])
	}
	if !near(r.Consensus[7], .4) {
		t.Errorf("consensus of miner 7 = %v, want 0.4", r.Consensus[7])
	}
}

// TestBadInput covers the input the issue lists: each case either gives a
// documented result or a typed error, and never panics.
func TestBadInput(t *testing.T) {
	owner := uint32(9)
	cases := []struct {
		name string
		in   Input
		err  error
	}{
		{"NaN stake", Input{Stake: []float64{math.NaN()}}, ErrInvalidValue},
		{"negative stake", Input{Stake: []float64{-1}}, ErrInvalidValue},
		{"infinite stake", Input{Stake: []float64{math.Inf(1)}}, ErrInvalidValue},
		{"NaN weight", Input{Stake: []float64{1, 1}, Weights: Matrix{{{1, math.NaN()}}}}, ErrInvalidValue},
		{"negative weight", Input{Stake: []float64{1, 1}, Weights: Matrix{{{1, -0.5}}}}, ErrInvalidValue},
		{"negative bond", Input{Stake: []float64{1, 1}, Bonds: Matrix{{{1, -0.5}}}}, ErrInvalidValue},
		{"uid out of range", Input{Stake: []float64{1, 1}, Weights: Matrix{{{2, 1}}}}, ErrUIDOutOfRange},
		{"too many rows", Input{Stake: []float64{1}, Weights: Matrix{nil, nil}}, ErrUIDOutOfRange},
		{"owner out of range", Input{Stake: []float64{1}, Owner: &owner}, ErrUIDOutOfRange},
		{"duplicate uid", Input{Stake: []float64{1, 1, 1}, Weights: Matrix{{{1, 1}, {2, 1}, {1, 2}}}}, ErrDuplicateUID},
		{"short last_update", Input{Stake: []float64{1, 1}, LastUpdate: []uint64{1}}, ErrShape},
		{"short registered_at", Input{Stake: []float64{1, 1}, RegisteredAt: []uint64{1, 2, 3}}, ErrShape},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Epoch(DefaultParams(), &c.in)
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
		})
	}

	params := []Params{
		{Kappa: 0, BondsAlpha: .1},
		{Kappa: 1.5, BondsAlpha: .1},
		{Kappa: math.NaN(), BondsAlpha: .1},
		{Kappa: .5, BondsAlpha: 0},
		{Kappa: .5, BondsAlpha: .1, BondsPenalty: -1},
		{Kappa: .5, BondsAlpha: .1, OwnerCut: 2},
		{Kappa: .5, BondsAlpha: .1, MaxValidators: -1},
		{Kappa: .5, BondsAlpha: .1, StakeThreshold: math.Inf(1)},
		{Kappa: .5, BondsAlpha: .1, LiquidAlpha: true, AlphaLow: .7, AlphaHigh: .9}, // without Yuma3
		{Kappa: .5, BondsAlpha: .1, Yuma3: true, LiquidAlpha: true, AlphaLow: 0, AlphaHigh: .9},
		{Kappa: .5, BondsAlpha: .1, Yuma3: true, LiquidAlpha: true, AlphaLow: .7, AlphaHigh: .6},
		{Kappa: .5, BondsAlpha: .1, Yuma3: true, LiquidAlpha: true, AlphaLow: .7, AlphaHigh: .9, AlphaSigmoidSteepness: math.NaN()},
	}
	for _, p := range params {
		if _, err := Epoch(p, &Input{}); !errors.Is(err, ErrInvalidParams) {
			t.Errorf("params %+v: err = %v, want ErrInvalidParams", p, err)
		}
	}
}

// TestDegenerateSubnets: the inputs without an error still give the
// documented results.
func TestDegenerateSubnets(t *testing.T) {
	p := DefaultParams()

	t.Run("empty subnet", func(t *testing.T) {
		r, err := Epoch(p, &Input{Emission: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Incentive) != 0 || r.OwnerEmission != 180 || r.Unallocated != 820 {
			t.Fatalf("empty subnet: %+v", r)
		}
	})

	t.Run("all-zero stake", func(t *testing.T) {
		in := handScenario(0)
		in.Stake = make([]float64, 8)
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		// Nobody holds a permit, so no weights count; emission has nowhere
		// to go and stays unallocated.
		for i := range 8 {
			if r.ValidatorPermit[i] || r.Incentive[i] != 0 || r.Emission[i] != 0 {
				t.Fatalf("uid %d: permit %v incentive %v emission %v", i, r.ValidatorPermit[i], r.Incentive[i], r.Emission[i])
			}
		}
		if !r.StakeFallback || r.Unallocated != in.Emission-r.OwnerEmission {
			t.Fatalf("fallback %v unallocated %d", r.StakeFallback, r.Unallocated)
		}
	})

	t.Run("all-zero weights", func(t *testing.T) {
		in := handScenario(0)
		for i := range in.Weights {
			in.Weights[i] = []Entry{{4, 0}}
		}
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		if !r.StakeFallback {
			t.Fatal("no weights but no stake fallback")
		}
		assertNear(t, "validator emission", r.ValidatorEmission, []float64{.1, .2, .3, .4, 0, 0, 0, 0})
	})

	t.Run("inactive validators", func(t *testing.T) {
		in := handScenario(0)
		in.Block = 10_000
		in.LastUpdate = make([]uint64, 8) // last weights at block 0: beyond the cutoff
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		// No active stake: emission falls back to (inactive) stake.
		if !r.StakeFallback {
			t.Fatal("no active stake but no fallback")
		}
		assertNear(t, "validator emission", r.ValidatorEmission, []float64{.1, .2, .3, .4, 0, 0, 0, 0})
	})

	t.Run("weights older than registration", func(t *testing.T) {
		in := handScenario(0)
		in.LastUpdate = []uint64{900, 900, 900, 900, 0, 0, 0, 0}
		in.RegisteredAt = []uint64{0, 0, 0, 0, 0, 0, 0, 950} // miner 7 re-registered after the weights
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Incentive[7] != 0 {
			t.Fatalf("miner registered after the weights earned %v", r.Incentive[7])
		}
		assertNear(t, "incentive", r.Incentive[4:7], []float64{1. / 6, 2. / 6, 3. / 6})
	})

	t.Run("one validator, 4096 uids", func(t *testing.T) {
		in := &Input{Stake: make([]float64, 4096), Weights: make(Matrix, 1), Block: 10, Emission: 1 << 40}
		in.Stake[0] = 1
		for j := 1; j < 4096; j++ {
			in.Weights[0] = append(in.Weights[0], Entry{uint32(j), float64(j)})
		}
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		// A lone validator is its own majority: consensus is its weights.
		total := 4095.0 * 4096 / 2
		for j := 1; j < 4096; j++ {
			if math.Abs(r.Incentive[j]-float64(j)/total) > 1e-15 {
				t.Fatalf("incentive[%d] = %v, want %v", j, r.Incentive[j], float64(j)/total)
			}
		}
		if !near(r.Dividends[0], 1) {
			t.Fatalf("dividends of the lone validator = %v", r.Dividends[0])
		}
	})

	t.Run("owner keeps its self-weight", func(t *testing.T) {
		in := handScenario(4)
		in.Stake[0] = 10 // the owner holds a majority on its own
		owner := uint32(0)
		in.Owner = &owner
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		if r.StakeFallback || r.Incentive[0] == 0 {
			t.Fatalf("owner's self-weight was masked: incentive %v fallback %v", r.Incentive, r.StakeFallback)
		}
	})
}

// TestLiquidAlpha: with liquid alpha a bond bought at consensus moves at a
// rate near AlphaLow, one bought far above consensus near AlphaHigh, and a
// bond with no new weight decays instead of vanishing.
func TestLiquidAlpha(t *testing.T) {
	p := DefaultParams()
	p.Yuma3, p.LiquidAlpha, p.AlphaLow, p.AlphaHigh = true, true, 0.1, 0.9
	in := handScenario(0)
	// Validator 0 (stake 0.1) puts everything on miner 7, far above the
	// consensus of 0.4; it also holds an old bond in miner 4.
	in.Weights[0] = []Entry{{7, 1}}
	in.Bonds = Matrix{{{4, 0.5}}}
	r, err := Epoch(p, in)
	if err != nil {
		t.Fatal(err)
	}
	bond := func(i int, uid uint32) float64 {
		for _, e := range r.Bonds[i] {
			if e.UID == uid {
				return e.Value
			}
		}
		return 0
	}
	// With β = 1 bonds follow clipped weight, so validator 0's weight for
	// bonds in miner 7 is the consensus, 0.4: it buys at consensus, and
	// its rate is near AlphaLow.
	a := alphaSigmoid(p, r.Consensus[7], 0.4, 0)
	if got, want := bond(0, 7), float64(a*0.4); math.Abs(got-want) > 1e-12 {
		t.Errorf("bond of validator 0 in miner 7 = %v, want α·w = %v", got, want)
	}
	if a > 0.5 {
		t.Errorf("rate %v for a weight at consensus, want near AlphaLow", a)
	}
	// The old bond in miner 4 decays at its own rate: weight 0, bond 0.5,
	// so the validator is selling and the rate follows bond − weight.
	a4 := alphaSigmoid(p, r.Consensus[4], 0, 0.5)
	if got, want := bond(0, 4), float64((1-a4)*0.5); math.Abs(got-want) > 1e-12 || got == 0 {
		t.Errorf("old bond in miner 4 = %v, want it decayed to %v", got, want)
	}
	// A buyer far above consensus gets close to AlphaHigh.
	if hi := alphaSigmoid(p, 0, 1, 0); hi < 0.85 {
		t.Errorf("rate %v for a weight 1 above consensus, want near AlphaHigh", hi)
	}
}
