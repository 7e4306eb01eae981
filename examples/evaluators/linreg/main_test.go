//go:build !wasip1

package main

import (
	"encoding/json"
	"testing"

	"github.com/crucible-net/crucible/sandbox/guest"
)

func TestEvaluateNative(t *testing.T) {
	task := Task{Dim: 8, Samples: 512, Noise: 0.1, ModelSeed: 42}
	taskJSON, _ := json.Marshal(task)
	exact, _ := json.Marshal(Submission{Weights: TrueWeights(task)})
	zeros, _ := json.Marshal(Submission{Weights: make([]float64, 8)})
	var seed [32]byte
	seed[0] = 7

	good, err := guest.Evaluate(seed, taskJSON, exact)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := guest.Evaluate(seed, taskJSON, zeros)
	if err != nil {
		t.Fatal(err)
	}
	if good.Score < 0.98 || good.Score > 1 {
		t.Errorf("true weights score %v, want about 1/(1+noise^2)", good.Score)
	}
	if bad.Score >= good.Score {
		t.Errorf("zero weights score %v >= true weights %v", bad.Score, good.Score)
	}
	if _, err := guest.Evaluate(seed, taskJSON, []byte(`{"weights":[1,2]}`)); err == nil {
		t.Error("wrong dimension accepted")
	}
}
