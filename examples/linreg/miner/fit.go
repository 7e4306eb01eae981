package main

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/crucible-net/crucible/examples/linreg/model"
)

// The pure parts of the miner: what each quality computes for a task.

// quality is how a miner behaves.
type quality int

const (
	// honest fits the task's public model on fresh training samples.
	honest quality = iota
	// noisy fits like honest, then perturbs every weight.
	noisy
	// lazy fits once and resubmits those weights for every later task.
	lazy
	// plagiarist does no work and tries to copy another miner's output.
	plagiarist
)

var qualityNames = [...]string{honest: "honest", noisy: "noisy", lazy: "lazy", plagiarist: "plagiarist"}

func (q quality) String() string {
	if q < 0 || int(q) >= len(qualityNames) {
		return fmt.Sprintf("quality(%d)", int(q))
	}
	return qualityNames[q]
}

// parseQuality reads a quality by name, ignoring case and surrounding
// space (a quality file may end in a newline).
func parseQuality(s string) (quality, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for q, name := range qualityNames {
		if s == name {
			return quality(q), nil
		}
	}
	return 0, fmt.Errorf("unknown quality %q: want honest, noisy, lazy or plagiarist", s)
}

// errSingular: the training samples do not determine the weights.
var errSingular = errors.New("singular system: the training samples do not determine the weights (use more -samples)")

// fitTask fits task's public model by ordinary least squares on n training
// samples drawn from its model seed.
func fitTask(task model.Task, n int) ([]float64, error) {
	x, y := model.TrainingSamples(task, n)
	return fit(x, y)
}

// fit returns the ordinary least-squares weights for rows x and labels y
// by solving the normal equations XᵀX w = Xᵀy. At dimension 8 this is
// exact enough and far simpler than a QR decomposition.
func fit(x [][]float64, y []float64) ([]float64, error) {
	if len(x) == 0 || len(x) != len(y) {
		return nil, fmt.Errorf("fit: %d rows and %d labels", len(x), len(y))
	}
	d := len(x[0])
	a := make([][]float64, d)
	for i := range a {
		a[i] = make([]float64, d)
	}
	b := make([]float64, d)
	for r, row := range x {
		if len(row) != d {
			return nil, fmt.Errorf("fit: row %d has %d columns, want %d", r, len(row), d)
		}
		for i := range d {
			b[i] += row[i] * y[r]
			for j := range d {
				a[i][j] += row[i] * row[j]
			}
		}
	}
	return solve(a, b)
}

// solve solves a w = b by Gaussian elimination with partial pivoting. It
// overwrites a and b.
func solve(a [][]float64, b []float64) ([]float64, error) {
	n := len(b)
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-12 {
			return nil, errSingular
		}
		a[col], a[p] = a[p], a[col]
		b[col], b[p] = b[p], b[col]
		for r := col + 1; r < n; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < n; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	w := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for c := r + 1; c < n; c++ {
			s -= a[r][c] * w[c]
		}
		w[r] = s / a[r][r]
	}
	return w, nil
}

// addNoise returns w with N(0, sd²) added to each weight. The noise is
// seeded from the task's CID, so a noisy miner's answer to a task is
// reproducible.
func addNoise(w []float64, sd float64, taskCID string) []float64 {
	rng := rand.New(rand.NewChaCha8(sha256.Sum256([]byte("linreg-miner/noise\x00" + taskCID))))
	out := make([]float64, len(w))
	for i, v := range w {
		out[i] = v + sd*rng.NormFloat64()
	}
	return out
}

// encodeOutput is the output file the evaluator reads.
func encodeOutput(w []float64) ([]byte, error) {
	return json.Marshal(struct {
		Weights []float64 `json:"weights"`
	}{w})
}
