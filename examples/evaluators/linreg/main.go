// Command linreg is an example evaluator, written in Go with the
// sandbox/guest SDK. It scores submitted linear-regression weights.
//
// The task names a public model: a dimension, a model seed and the noise
// level. Anyone can derive the true weights w* and training data from the
// model seed, so a miner can fit them; the test set is drawn from the
// evaluation seed, which nobody knows before the epoch starts, so a miner
// cannot fit the test set itself. The score is 1/(1+MSE) on that test set.
//
// Task (JSON):   {"dim": 8, "samples": 512, "noise": 0.1, "model_seed": 42}
// Output (JSON): {"weights": [w0, ..., w7]}
// Details:       {"mse": ..., "samples": 512}
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/crucible-net/crucible/sandbox/guest"
	// Start every evaluation from a snapshot taken after initialisation.
	_ "github.com/crucible-net/crucible/sandbox/guest/reuse"
)

//go:generate env GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -o evaluator.wasm .

func init() { guest.Register(evaluate) }

// main is never called: evaluators are reactors.
func main() {}

// Task describes the regression problem.
type Task struct {
	Dim       int     `json:"dim"`
	Samples   int     `json:"samples"`
	Noise     float64 `json:"noise"`
	ModelSeed uint64  `json:"model_seed"`
}

// Submission is a miner's model.
type Submission struct {
	Weights []float64 `json:"weights"`
}

const (
	maxDim     = 4096
	maxSamples = 1 << 16
	maxOutput  = 1 << 20
)

func evaluate(in guest.Input) (guest.Result, error) {
	var task Task
	if err := json.Unmarshal(in.Task, &task); err != nil {
		return guest.Result{}, fmt.Errorf("task: %w", err)
	}
	if task.Dim < 1 || task.Dim > maxDim || task.Samples < 1 || task.Samples > maxSamples || task.Noise < 0 {
		return guest.Result{}, fmt.Errorf("task: dim must be in [1, %d], samples in [1, %d], noise >= 0", maxDim, maxSamples)
	}
	raw, err := in.Output.ReadAll(maxOutput)
	if err != nil {
		return guest.Result{}, err
	}
	var sub Submission
	if err := json.Unmarshal(raw, &sub); err != nil {
		return guest.Result{}, fmt.Errorf("submission: %w", err)
	}
	if len(sub.Weights) != task.Dim {
		return guest.Result{}, fmt.Errorf("submission has %d weights, task has dimension %d", len(sub.Weights), task.Dim)
	}
	for i, w := range sub.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return guest.Result{}, fmt.Errorf("weight %d is %v", i, w)
		}
	}

	truth := TrueWeights(task)
	// The test set comes from the evaluation seed: fresh every epoch.
	rng := rand.New(rand.NewChaCha8(in.Seed))
	var sum float64
	x := make([]float64, task.Dim)
	for range task.Samples {
		var y, pred float64
		for j := range x {
			x[j] = rng.NormFloat64()
			y += x[j] * truth[j]
			pred += x[j] * sub.Weights[j]
		}
		y += task.Noise * rng.NormFloat64()
		d := pred - y
		sum += d * d
	}
	mse := sum / float64(task.Samples)
	details, err := json.Marshal(map[string]any{"mse": mse, "samples": task.Samples})
	if err != nil {
		return guest.Result{}, err
	}
	fmt.Printf("linreg: dim=%d samples=%d mse=%.6g\n", task.Dim, task.Samples, mse)
	return guest.Result{Score: 1 / (1 + mse), Details: details}, nil
}

// TrueWeights derives the public model's weights from its seed.
func TrueWeights(task Task) []float64 {
	rng := rand.New(rand.NewPCG(task.ModelSeed, 0x6c696e726567))
	w := make([]float64, task.Dim)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	return w
}
