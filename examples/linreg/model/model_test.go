package model_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/crucible-net/crucible/examples/linreg/model"
)

func ExampleTaskFromParams() {
	params := make([]byte, model.ParamsLen) // as node.TaskParams gives them
	params[0], params[1] = 0x2a, 0x01
	fmt.Printf("%+v\n", model.TaskFromParams(params))
	// Output: {Dim:8 Samples:256 Noise:0.1 ModelSeed:298}
}

func TestParseTask(t *testing.T) {
	params := make([]byte, model.ParamsLen)
	params[0] = 7
	tests := []struct {
		in   string
		want model.Task
		err  bool
	}{
		{string(params), model.Task{Dim: 8, Samples: 256, Noise: 0.1, ModelSeed: 7}, false},
		{`{"dim": 8, "samples": 512, "noise": 0.1, "model_seed": 42}`, model.Task{Dim: 8, Samples: 512, Noise: 0.1, ModelSeed: 42}, false},
		// 32 bytes of JSON are JSON.
		{`{"dim":3,"samples":19,"noise":0}`, model.Task{Dim: 3, Samples: 19}, false},
		{"", model.Task{}, true},
		{string(params[:31]), model.Task{}, true},
		{`{"dim": 0, "samples": 1}`, model.Task{}, true},
		{`{"dim": 8, "samples": 70000}`, model.Task{}, true},
		{`{"dim": 8, "samples": 8, "noise": -1}`, model.Task{}, true},
		{`{"dim": 8, "samples": 8, "modelseed": 1}`, model.Task{}, true},
	}
	for _, tc := range tests {
		got, err := model.ParseTask([]byte(tc.in))
		if tc.err {
			if !errors.Is(err, model.ErrTask) {
				t.Errorf("ParseTask(%q) = %+v, %v; want ErrTask", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseTask(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestTrainingSamples(t *testing.T) {
	task := model.Task{Dim: 8, Samples: 256, Noise: 0.1, ModelSeed: 5}
	x, y := model.TrainingSamples(task, 100)
	x2, _ := model.TrainingSamples(task, 100)
	if len(x) != 100 || len(y) != 100 || len(x[0]) != 8 || x[3][4] != x2[3][4] {
		t.Fatalf("samples: %d rows, %d labels, not reproducible", len(x), len(y))
	}
	// The labels follow the true weights up to the noise.
	w := model.TrueWeights(task)
	var sum float64
	for i := range x {
		var pred float64
		for j := range w {
			pred += x[i][j] * w[j]
		}
		sum += (pred - y[i]) * (pred - y[i])
	}
	if mse := sum / 100; math.Abs(mse-0.01) > 0.005 {
		t.Errorf("training MSE of the true weights %v, want about noise² = 0.01", mse)
	}
	var seed [32]byte
	if s := model.Score(model.TestMSE(seed, task, w)); s < 0.98 || s > 1 {
		t.Errorf("true weights score %v", s)
	}
}
