//go:build !wasip1

package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/examples/linreg/model"
	"github.com/crucible-net/crucible/sandbox"
	"github.com/crucible-net/crucible/sandbox/guest"
)

func TestEvaluateNative(t *testing.T) {
	task := model.Task{Dim: 8, Samples: 512, Noise: 0.1, ModelSeed: 42}
	taskJSON, _ := json.Marshal(task)
	exact, _ := json.Marshal(Submission{Weights: model.TrueWeights(task)})
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

// TestEvaluateParams scores a task given as the network gives it: 32
// opaque bytes of params.
func TestEvaluateParams(t *testing.T) {
	params := make([]byte, model.ParamsLen)
	for i := range params {
		params[i] = byte(i*37 + 1)
	}
	task := model.TaskFromParams(params)
	if task.Dim != model.ParamsDim || task.Samples != model.ParamsSamples || task.Noise != model.ParamsNoise ||
		task.ModelSeed != binary.LittleEndian.Uint64(params) {
		t.Fatalf("TaskFromParams = %+v", task)
	}
	exact, _ := json.Marshal(Submission{Weights: model.TrueWeights(task)})
	other, _ := json.Marshal(Submission{Weights: model.TrueWeights(model.Task{Dim: 8, ModelSeed: task.ModelSeed + 1})})
	var seed [32]byte
	seed[0] = 9

	good, err := guest.Evaluate(seed, params, exact)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := guest.Evaluate(seed, params, other)
	if err != nil {
		t.Fatal(err)
	}
	if good.Score < 0.98 || stale.Score > 0.5 {
		t.Errorf("scores: true weights %v, another model's weights %v", good.Score, stale.Score)
	}
	var details struct {
		Samples int `json:"samples"`
	}
	if err := json.Unmarshal(good.Details, &details); err != nil || details.Samples != model.ParamsSamples {
		t.Errorf("details %s: %v", good.Details, err)
	}

	for _, bad := range []string{"", "0123456789", `{"dim": 0, "samples": 1}`, `{"dim": 8, "samples": 8, "bogus": 1}`} {
		if _, err := guest.Evaluate(seed, []byte(bad), exact); err == nil || !strings.Contains(err.Error(), "invalid task") {
			t.Errorf("task %q: %v", bad, err)
		}
	}
}

// TestEvaluateSubnetLimits runs the committed module in the sandbox under
// the limits of ../subnet.json on a task as the network sends it, and
// checks that an evaluation stays well under half its fuel.
func TestEvaluateSubnetLimits(t *testing.T) {
	b, err := os.ReadFile("../subnet.json")
	if err != nil {
		t.Fatal(err)
	}
	var def struct {
		Evaluator string `json:"evaluator"`
		Limits    struct {
			Fuel        uint64 `json:"fuel"`
			MemoryPages uint32 `json:"memory_pages"`
			OutputBytes int    `json:"output_bytes"`
		} `json:"limits"`
	}
	if err := json.Unmarshal(b, &def); err != nil {
		t.Fatal(err)
	}
	module, err := os.ReadFile(filepath.Join("..", def.Evaluator))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sb, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	ev, err := sb.Load(ctx, module)
	if err != nil {
		t.Fatal(err)
	}
	params := make([]byte, model.ParamsLen)
	params[0] = 42
	out, _ := json.Marshal(Submission{Weights: model.TrueWeights(model.TaskFromParams(params))})
	var seed [32]byte
	seed[0] = 1
	lim := sandbox.Limits{Fuel: def.Limits.Fuel, MemoryPages: def.Limits.MemoryPages, OutputBytes: def.Limits.OutputBytes}
	res, err := ev.Evaluate(ctx, sandbox.Input{Seed: seed, Task: params, Output: bytes.NewReader(out), OutputSize: int64(len(out))}, lim)
	if err != nil {
		t.Fatalf("%v\nlog: %s", err, res.Log)
	}
	t.Logf("score %.4f, fuel %d of %d, init fuel %d", res.Score, res.Fuel, def.Limits.Fuel, res.InitFuel)
	if res.Score < 0.98 {
		t.Errorf("true weights score %v", res.Score)
	}
	if res.Fuel > def.Limits.Fuel/2 {
		t.Errorf("an evaluation uses %d fuel, more than half of subnet.json's %d: raise limits.fuel", res.Fuel, def.Limits.Fuel)
	}
}
