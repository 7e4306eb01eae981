// Command gen writes example inputs for the mse-c evaluator: a task of N
// reference values and a submission of N predictions, little-endian
// float64, where the predictions are the references plus Gaussian noise.
//
//	go run ./examples/evaluators/mse-c/gen -n 100000 -noise 0.1 -dir /tmp/mse
//	go run ./cmd/crucible eval run examples/evaluators/mse-c/evaluator.wasm \
//	    --task /tmp/mse/task.f64 --output /tmp/mse/predictions.f64
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 100_000, "number of values")
	noise := fs.Float64("noise", 0.1, "standard deviation of the prediction error")
	dir := fs.String("dir", ".", "directory to write task.f64 and predictions.f64 into")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n <= 0 || *noise < 0 || math.IsNaN(*noise) {
		fmt.Fprintln(stderr, "gen: -n must be positive and -noise non-negative")
		return 2
	}
	if err := write(*dir, *n, *noise, *seed); err != nil {
		fmt.Fprintln(stderr, "gen:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d values to %s and %s\n", *n,
		filepath.Join(*dir, "task.f64"), filepath.Join(*dir, "predictions.f64"))
	return 0
}

func write(dir string, n int, noise float64, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	task, err := os.Create(filepath.Join(dir, "task.f64"))
	if err != nil {
		return err
	}
	defer task.Close()
	pred, err := os.Create(filepath.Join(dir, "predictions.f64"))
	if err != nil {
		return err
	}
	defer pred.Close()
	tw, pw := bufio.NewWriter(task), bufio.NewWriter(pred)
	rng := rand.New(rand.NewPCG(seed, 0x6d7365))
	var buf [8]byte
	for i := 0; i < n; i++ {
		y := math.Sin(float64(i)/100) + rng.NormFloat64()
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(y))
		tw.Write(buf[:])
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(y+noise*rng.NormFloat64()))
		pw.Write(buf[:])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := pw.Flush(); err != nil {
		return err
	}
	if err := task.Close(); err != nil {
		return err
	}
	return pred.Close()
}
