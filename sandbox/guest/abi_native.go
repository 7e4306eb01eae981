//go:build !wasip1

package guest

// Evaluate runs the registered function on in-memory inputs, outside the
// sandbox. It lets evaluator authors unit-test their scoring logic with
// `go test` before building the wasm module; the sandbox's own checks
// (fuel, limits, score range) apply only inside the host.
func Evaluate(seed [32]byte, task, output []byte) (Result, error) {
	in := Input{Seed: seed, Task: task, Output: &Output{
		size: int64(len(output)),
		readAt: func(p []byte, off int64) int {
			return copy(p, output[off:])
		},
	}}
	return run(in)
}
