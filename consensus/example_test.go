package consensus_test

import (
	"fmt"

	"github.com/crucible-net/crucible/consensus"
)

// Two validators (uids 0 and 1, stakes 3 and 1) weight two miners (uids 2
// and 3). They disagree; the validator with three quarters of the stake
// carries consensus, and the other's extra weight on miner 3 is clipped,
// which costs it validator trust and dividends.
func ExampleEpoch() {
	in := &consensus.Input{
		Stake: []float64{3, 1, 0, 0},
		Weights: consensus.Matrix{
			{{UID: 2, Value: 1}, {UID: 3, Value: 1}},
			{{UID: 2, Value: 1}, {UID: 3, Value: 3}},
		},
		Block:    100,
		Emission: 1000,
	}
	r, err := consensus.Epoch(consensus.DefaultParams(), in)
	if err != nil {
		panic(err)
	}
	fmt.Printf("consensus  %.3f\n", r.Consensus)
	fmt.Printf("v-trust    %.3f\n", r.ValidatorTrust)
	fmt.Printf("incentive  %.3f\n", r.Incentive)
	fmt.Printf("dividends  %.3f\n", r.Dividends)
	fmt.Printf("emission   %d, owner %d, unallocated %d\n", r.Emission, r.OwnerEmission, r.Unallocated)
	// Output:
	// consensus  [0.000 0.000 0.500 0.500]
	// v-trust    [1.000 0.750 0.000 0.000]
	// incentive  [0.000 0.000 0.467 0.533]
	// dividends  [0.800 0.200 0.000 0.000]
	// emission   [327 81 191 218], owner 180, unallocated 3
}

// A scenario runs epochs in a row, carrying bonds: a validator that starts
// weighting late earns dividends only as its bonds grow.
func ExampleScenario_Run() {
	miners := []float64{0, 0, 1, 1}
	sc := consensus.Scenario{
		Params: consensus.DefaultParams(),
		Epochs: []consensus.ScenarioEpoch{
			{Stake: []float64{1, 1, 0, 0}, Weights: [][]float64{miners, nil}},
			{Weights: [][]float64{miners, miners}, Repeat: 3},
		},
	}
	results, err := sc.Run()
	if err != nil {
		panic(err)
	}
	for _, er := range results {
		fmt.Printf("epoch %d: dividends %.3f\n", er.Epoch, er.Result.Dividends[:2])
	}
	// Output:
	// epoch 1: dividends [1.000 0.000]
	// epoch 2: dividends [0.950 0.050]
	// epoch 3: dividends [0.905 0.095]
	// epoch 4: dividends [0.865 0.136]
}
