// Command evaluator is the linreg subnet's evaluator, written in Go with
// the sandbox/guest SDK. It scores submitted linear-regression weights.
//
// The task names a public model (package model): a dimension, a model
// seed and the noise level. Anyone can derive the true weights w* and
// training data from the model seed, so a miner can fit them; the test set
// is drawn from the evaluation seed, which nobody knows before the epoch
// starts, so a miner cannot fit the test set itself. The score is
// 1/(1+MSE) on that test set.
//
// Formats:
//
//	Task:    32 bytes of network task params: dim 8, 256 test samples,
//	         noise 0.1, model seed = the first 8 bytes (model.TaskFromParams);
//	         or JSON {"dim": 8, "samples": 512, "noise": 0.1, "model_seed": 42}
//	Output:  JSON {"weights": [w0, ..., w7]}
//	Details: JSON {"mse": ..., "samples": 256}
package main

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/crucible-net/crucible/examples/linreg/model"
	"github.com/crucible-net/crucible/sandbox/guest"
	// Start every evaluation from a snapshot taken after initialisation.
	_ "github.com/crucible-net/crucible/sandbox/guest/reuse"
)

//go:generate env GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -o evaluator.wasm .

func init() { guest.Register(evaluate) }

// main is never called: evaluators are reactors.
func main() {}

// Submission is a miner's model.
type Submission struct {
	Weights []float64 `json:"weights"`
}

// maxOutput bounds the submission read; a dim-8 answer is about 200 bytes.
const maxOutput = 1 << 20

func evaluate(in guest.Input) (guest.Result, error) {
	task, err := model.ParseTask(in.Task)
	if err != nil {
		return guest.Result{}, err
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

	// The test set comes from the evaluation seed: fresh every epoch.
	mse := model.TestMSE(in.Seed, task, sub.Weights)
	details, err := json.Marshal(map[string]any{"mse": mse, "samples": task.Samples})
	if err != nil {
		return guest.Result{}, err
	}
	fmt.Printf("linreg: dim=%d samples=%d mse=%.6g\n", task.Dim, task.Samples, mse)
	return guest.Result{Score: model.Score(mse), Details: details}, nil
}
