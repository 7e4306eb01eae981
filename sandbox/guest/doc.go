// Package guest is the Go SDK for Crucible evaluator authors.
//
// An evaluator is a WebAssembly module that scores one submission. With
// this package it is one function, registered from an init function:
//
//	package main
//
//	import "github.com/crucible-net/crucible/sandbox/guest"
//
//	func init() { guest.Register(evaluate) }
//
//	func evaluate(in guest.Input) (guest.Result, error) {
//		out, err := in.Output.ReadAll(1 << 20)
//		if err != nil {
//			return guest.Result{}, err
//		}
//		return guest.Result{Score: float64(len(out)%2)}, nil
//	}
//
//	func main() {}
//
// Build it as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o evaluator.wasm .
//
// Inside the sandbox stdout and stderr go to a bounded log, the clock reads
// a constant, and math/rand and crypto/rand are seeded from Input.Seed, so
// the same input always gives the same score. There is no filesystem or
// network. A panic ends the evaluation (ErrTrap) with the panic message in
// the log. time.Sleep never returns, since time never passes: the
// evaluation runs out of fuel.
//
// Outside wasm (GOOS other than wasip1) the package provides Evaluate, which
// runs the registered function on in-memory inputs for unit tests.
//
// The package imports only the standard library. The ABI it implements is
// specified in docs/EVALUATOR_ABI.md.
package guest
