package sandbox_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"

	"github.com/crucible-net/crucible/sandbox"
)

// Load the C example evaluator and score four predictions against four
// reference values.
func Example() {
	ctx := context.Background()
	sb, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		panic(err)
	}
	defer sb.Close()

	module, err := os.ReadFile("../examples/evaluators/mse-c/evaluator.wasm")
	if err != nil {
		panic(err)
	}
	ev, err := sb.Load(ctx, module)
	if err != nil {
		panic(err)
	}

	f64s := func(vs ...float64) []byte {
		b := make([]byte, 0, 8*len(vs))
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	task := f64s(1, 2, 3, 4)
	predictions := f64s(1, 2, 3, 6) // one value off by 2: MSE 1
	res, err := ev.Evaluate(ctx, sandbox.Input{
		Task:       task,
		Output:     bytes.NewReader(predictions),
		OutputSize: int64(len(predictions)),
	}, sandbox.Limits{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("score %.2f, details %q, log %q\n", res.Score, res.Details, res.Log)
	// Output: score 0.50, details "n=4 mse=1.00000000e0", log "n=4 mse=1.00000000e0\n"
}

// A module that runs forever stops when its fuel runs out, with the same
// fuel figure on every machine.
func ExampleEvaluator_Evaluate_outOfFuel() {
	ctx := context.Background()
	sb, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		panic(err)
	}
	defer sb.Close()
	module, err := os.ReadFile("../examples/evaluators/mse-c/evaluator.wasm")
	if err != nil {
		panic(err)
	}
	ev, err := sb.Load(ctx, module)
	if err != nil {
		panic(err)
	}
	big := make([]byte, 8<<20) // a million zeros each side
	res, err := ev.Evaluate(ctx, sandbox.Input{Task: big, Output: bytes.NewReader(big), OutputSize: int64(len(big))},
		sandbox.Limits{Fuel: 100_000})
	fmt.Println(err, res.Fuel, sandbox.IsVerdict(err))
	// Output: out of fuel: limit 100000 100000 true
}
