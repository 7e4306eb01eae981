package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Errors found by validation, before any guest code runs. Every validation
// failure is a *ValidationError that wraps one of these.
var (
	// ErrNotWasm: the bytes are not a WebAssembly binary module.
	ErrNotWasm = errors.New("not a WebAssembly module")
	// ErrMalformed: the binary is truncated or badly encoded, or fails the
	// engine's type checking.
	ErrMalformed = errors.New("malformed module")
	// ErrUnsupported: the module uses a feature outside the accepted set
	// (SIMD, threads, multiple memories, a start function, ...).
	ErrUnsupported = errors.New("unsupported feature")
	// ErrModuleTooLarge: the module exceeds ModuleLimits.MaxModuleBytes.
	ErrModuleTooLarge = errors.New("module too large")
	// ErrTooManyFunctions, ErrTooManyGlobals, ErrTooManyTables,
	// ErrTooManyDataSegments, ErrDataTooLarge and ErrTooManyLocals: a count
	// exceeds its ModuleLimits field.
	ErrTooManyFunctions    = errors.New("too many functions")
	ErrTooManyGlobals      = errors.New("too many globals")
	ErrTooManyTables       = errors.New("too many tables")
	ErrTooManyDataSegments = errors.New("too many data segments")
	ErrDataTooLarge        = errors.New("data segments too large")
	ErrTooManyLocals       = errors.New("too many locals")
	// ErrImportNotAllowed: an import is not in the allow-list, or has the
	// wrong signature.
	ErrImportNotAllowed = errors.New("import not allowed")
	// ErrABIVersion: the module declares no ABI version, several, or one
	// this host does not implement.
	ErrABIVersion = errors.New("unsupported evaluator ABI version")
	// ErrExport: a required export is missing or has the wrong type, or an
	// export uses a reserved name.
	ErrExport = errors.New("bad export")
)

// Errors of one evaluation. Each is a deterministic verdict: every machine
// running the same evaluator on the same input reaches it with the same fuel
// and log, unless noted.
var (
	// ErrOutOfFuel: the evaluation used up its fuel limit.
	ErrOutOfFuel = errors.New("out of fuel")
	// ErrCallDepth: the call depth exceeded Limits.CallDepth.
	ErrCallDepth = errors.New("call depth limit exceeded")
	// ErrMemoryLimit: the module's initial memory, or a memory.grow,
	// exceeded Limits.MemoryPages.
	ErrMemoryLimit = errors.New("memory limit exceeded")
	// ErrTableLimit: the module's initial table, or a table.grow, exceeded
	// Limits.TableElements.
	ErrTableLimit = errors.New("table limit exceeded")
	// ErrOutputLimit: the result details exceeded Limits.OutputBytes.
	ErrOutputLimit = errors.New("output limit exceeded")
	// ErrLogLimit: writes to stdout and stderr exceeded Limits.LogBytes.
	ErrLogLimit = errors.New("log limit exceeded")
	// ErrTrap: the guest trapped (unreachable, division by zero,
	// out-of-bounds access, ...).
	ErrTrap = errors.New("evaluator trapped")
	// ErrExit: the guest called proc_exit (a Go panic ends this way).
	ErrExit = errors.New("evaluator exited")
	// ErrBadScore: the score is NaN or outside [0, 1].
	ErrBadScore = errors.New("score not in [0, 1]")
	// ErrEvaluator: the evaluator rejected the input and said why.
	ErrEvaluator = errors.New("evaluator reported an error")
	// ErrABI: the guest broke the ABI contract (bad pointer, bad input
	// kind, result set twice, returned success without a result).
	ErrABI = errors.New("evaluator broke the ABI")

	// ErrTimeout: the wall-clock backstop fired. This is not a verdict: it
	// depends on the machine, and it means a bug in metering. Fuel decides.
	ErrTimeout = errors.New("wall-clock backstop fired")
	// ErrClosed: the sandbox was closed.
	ErrClosed = errors.New("sandbox closed")
)

// verdicts are the evaluation errors that are a property of the evaluator
// and its input, not of the machine.
var verdicts = []error{
	ErrOutOfFuel, ErrCallDepth, ErrMemoryLimit, ErrTableLimit, ErrOutputLimit,
	ErrLogLimit, ErrTrap, ErrExit, ErrBadScore, ErrEvaluator, ErrABI,
}

// IsVerdict reports whether err is a deterministic outcome of an evaluation
// that every honest validator reproduces, as opposed to a failure of this
// machine (timeout, cancellation, I/O) after which the evaluation should be
// retried or skipped.
func IsVerdict(err error) bool {
	if err == nil || errors.Is(err, ErrTimeout) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	for _, v := range verdicts {
		if errors.Is(err, v) {
			return true
		}
	}
	return false
}

// Violation is one reason a module fails validation.
type Violation struct {
	// Err is the sentinel this violation matches (ErrTooManyFunctions, ...).
	Err error
	// Detail says what exactly was wrong and, where it helps, what to do.
	Detail string
}

func (v Violation) Error() string { return v.Err.Error() + ": " + v.Detail }

func (v Violation) Unwrap() error { return v.Err }

// ValidationError lists every violation found in a module.
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	if len(e.Violations) == 1 {
		return "invalid evaluator: " + e.Violations[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid evaluator: %d problems:", len(e.Violations))
	for _, v := range e.Violations {
		b.WriteString("\n  - ")
		b.WriteString(v.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is match any violation's sentinel.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Violations))
	for i, v := range e.Violations {
		errs[i] = v
	}
	return errs
}
