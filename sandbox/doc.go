// Package sandbox runs untrusted WebAssembly evaluators deterministically.
//
// A subnet designer's evaluator scores submissions, and anyone must be able
// to re-run it and get the same score and the same fuel on any machine. So
// before anything runs, Load validates a module (size and counts, imports
// against an allow-list, exports against the evaluator ABI), then rewrites
// it to meter fuel by basic block, bound call depth, memory and tables, and
// canonicalise NaNs, and compiles it with wazero. Evaluate runs it on one
// input in a fresh instance with no ambient authority: no filesystem,
// network, environment or arguments; clocks read a constant; randomness
// comes from the evaluation seed; stdout and stderr go to a bounded log.
//
//	sb, err := sandbox.New(ctx, sandbox.Config{CacheDir: dir})
//	...
//	ev, err := sb.Load(ctx, moduleBytes)
//	...
//	res, err := ev.Evaluate(ctx, sandbox.Input{Seed: seed, Task: task,
//		Output: file, OutputSize: size}, sandbox.Limits{})
//
// # Notes
//
// The ABI is specified in docs/EVALUATOR_ABI.md, and the reasons behind the
// design (own instrumenter, own WASI, NaN canonicalisation, fuel instead of
// a wall clock) are in docs/RATIONALE.md.
//
// # Errors
//
// Load returns a *ValidationError listing every violation, each wrapping a
// sentinel such as ErrImportNotAllowed. Evaluate returns the verdict errors
// (ErrOutOfFuel, ErrTrap, ErrBadScore, ...) together with a Result that
// still carries the fuel and log; IsVerdict tells them from failures of the
// machine (ErrTimeout, cancellation).
package sandbox
