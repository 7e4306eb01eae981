package model

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
)

// The problem a task of the live network names. A validator's task params
// are 32 opaque bytes (node.TaskParams); their first 8 choose the model,
// and everything else is fixed here, in one place.
const (
	ParamsDim     = 8
	ParamsSamples = 256 // held-out test samples drawn per evaluation
	ParamsNoise   = 0.1 // standard deviation of the label noise
	ParamsLen     = 32  // length of the task params
)

// Bounds on a task, so a task cannot make the evaluator run out of memory
// or fuel by its own size.
const (
	MaxDim     = 4096
	MaxSamples = 1 << 16
)

// Task describes the regression problem: y = x·w* + noise, with x drawn
// from N(0, I) in Dim dimensions and w* derived from ModelSeed. Samples
// is how many held-out samples the evaluator scores on.
type Task struct {
	Dim       int     `json:"dim"`
	Samples   int     `json:"samples"`
	Noise     float64 `json:"noise"`
	ModelSeed uint64  `json:"model_seed"`
}

// ErrTask: task bytes that name no valid problem.
var ErrTask = errors.New("invalid task")

// TaskFromParams derives the task that network task params name: the
// fixed problem above with the model seed read from params[0:8]
// (little-endian). Shorter params are zero-padded.
func TaskFromParams(params []byte) Task {
	var b [8]byte
	copy(b[:], params)
	return Task{Dim: ParamsDim, Samples: ParamsSamples, Noise: ParamsNoise, ModelSeed: binary.LittleEndian.Uint64(b[:])}
}

// ParseTask reads task bytes in either form: the 32 bytes of network task
// params (TaskFromParams), or a JSON Task, which is convenient by hand
// and in tests ({"dim": 8, "samples": 512, "noise": 0.1, "model_seed": 42}).
func ParseTask(b []byte) (Task, error) {
	if len(b) == ParamsLen && b[0] != '{' {
		return TaskFromParams(b), nil
	}
	var t Task
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return Task{}, fmt.Errorf("%w: %d bytes that are neither %d bytes of params nor a JSON task: %w", ErrTask, len(b), ParamsLen, err)
	}
	if t.Dim < 1 || t.Dim > MaxDim || t.Samples < 1 || t.Samples > MaxSamples || !(t.Noise >= 0) {
		return Task{}, fmt.Errorf("%w: dim must be in [1, %d], samples in [1, %d], noise >= 0", ErrTask, MaxDim, MaxSamples)
	}
	return t, nil
}

// TrueWeights derives the public model's weights w* from its seed.
func TrueWeights(task Task) []float64 {
	rng := rand.New(rand.NewPCG(task.ModelSeed, 0x6c696e726567)) // "linreg"
	w := make([]float64, task.Dim)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	return w
}

// TrainingSamples draws n labelled samples from the public model: rows of
// x and their noisy labels y. They come from the model seed alone, so
// they are the same for everyone and say nothing of the test set, which
// the evaluator draws from the evaluation seed.
func TrainingSamples(task Task, n int) (x [][]float64, y []float64) {
	truth := TrueWeights(task)
	rng := rand.New(rand.NewPCG(task.ModelSeed, 0x747261696e)) // "train"
	x, y = make([][]float64, n), make([]float64, n)
	for i := range n {
		x[i] = make([]float64, task.Dim)
		for j := range x[i] {
			x[i][j] = rng.NormFloat64()
			y[i] += x[i][j] * truth[j]
		}
		y[i] += task.Noise * rng.NormFloat64()
	}
	return x, y
}

// TestMSE is the mean squared error of weights on task's held-out test
// set, which is drawn from the evaluation seed: fresh every epoch, so
// nothing can be fitted to it in advance. weights must have task.Dim
// entries.
func TestMSE(seed [32]byte, task Task, weights []float64) float64 {
	truth := TrueWeights(task)
	rng := rand.New(rand.NewChaCha8(seed))
	var sum float64
	x := make([]float64, task.Dim)
	for range task.Samples {
		var y, pred float64
		for j := range x {
			x[j] = rng.NormFloat64()
			y += x[j] * truth[j]
			pred += x[j] * weights[j]
		}
		y += task.Noise * rng.NormFloat64()
		d := pred - y
		sum += d * d
	}
	return sum / float64(task.Samples)
}

// Score turns a test MSE into the subnet's score in (0, 1].
func Score(mse float64) float64 { return 1 / (1 + mse) }
