package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/tetratelabs/wazero/api"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

// ABIVersion is the evaluator ABI this host implements (docs/EVALUATOR_ABI.md).
const ABIVersion = 1

// Export names of ABI v1.
const (
	exportABIPrefix  = "crucible_abi_v"
	exportABI        = "crucible_abi_v1"
	exportEvaluate   = "crucible_evaluate"
	exportInitialize = "_initialize"
	exportReuse      = "crucible_reuse_v1"
	exportMemory     = "memory"
	exportStart      = "_start"
)

// hostModule is the import module of the ABI's host functions.
const hostModule = "crucible"

// Input kinds for input_size and input_read.
const (
	inputSeed   = 0
	inputTask   = 1
	inputOutput = 2
)

// Input is what one evaluation sees.
type Input struct {
	// Seed is the epoch seed; it also seeds random_get.
	Seed [32]byte
	// Task is the task bytes, read by the guest in full or in chunks.
	Task []byte
	// Output is the submission's output, read in chunks through input_read
	// so that it never has to fit in guest memory at once. It may be nil
	// when OutputSize is 0.
	Output io.ReaderAt
	// OutputSize is the length of Output in bytes.
	OutputSize int64
}

// hostFunc is one function the host offers a guest.
type hostFunc struct {
	name   string
	params []wasm.ValType
	result []wasm.ValType
	fn     api.GoModuleFunc
}

func (h hostFunc) signature() wasm.FuncType {
	return wasm.FuncType{Params: h.params, Results: h.result}
}

var (
	i32 = wasm.I32
	i64 = wasm.I64
	f64 = wasm.F64
)

// crucibleFuncs are the host functions of module "crucible", ABI v1.
var crucibleFuncs = []hostFunc{
	{"input_size", []wasm.ValType{i32}, []wasm.ValType{i64}, hostInputSize},
	{"input_read", []wasm.ValType{i32, i64, i32, i32}, []wasm.ValType{i32}, hostInputRead},
	{"set_result", []wasm.ValType{f64, i32, i32}, nil, hostSetResult},
	{"set_error", []wasm.ValType{i32, i32}, nil, hostSetError},
}

// refuelFuncs is the internal host module the instrumenter imports from.
var refuelFuncs = []hostFunc{
	{refuelName, []wasm.ValType{i64}, nil, func(ctx context.Context, _ api.Module, stack []uint64) {
		stateFrom(ctx).refuel(int64(stack[0]))
	}},
}

func hostInputSize(ctx context.Context, _ api.Module, stack []uint64) {
	st := stateFrom(ctx)
	st.requireEvaluating("input_size")
	st.charge(costHostCall)
	switch kind := uint32(stack[0]); kind {
	case inputSeed:
		stack[0] = 32
	case inputTask:
		stack[0] = uint64(len(st.in.Task))
	case inputOutput:
		stack[0] = uint64(st.in.OutputSize)
	default:
		st.abort(fmt.Errorf("%w: input_size: unknown input kind %d (0 seed, 1 task, 2 output)", ErrABI, kind))
	}
}

func hostInputRead(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	st.requireEvaluating("input_read")
	kind, offset, buf, length := uint32(stack[0]), int64(stack[1]), uint32(stack[2]), uint32(stack[3])
	var size int64
	switch kind {
	case inputSeed:
		size = 32
	case inputTask:
		size = int64(len(st.in.Task))
	case inputOutput:
		size = st.in.OutputSize
	default:
		st.abort(fmt.Errorf("%w: input_read: unknown input kind %d (0 seed, 1 task, 2 output)", ErrABI, kind))
	}
	if offset < 0 {
		st.abort(fmt.Errorf("%w: input_read: negative offset %d", ErrABI, offset))
	}
	dst := st.guestBytes(mod, "input_read", buf, length)
	n := int64(len(dst))
	if offset >= size {
		n = 0
	} else if size-offset < n {
		n = size - offset
	}
	st.charge(hostBytesCost(uint64(n)))
	if n > 0 {
		dst = dst[:n]
		switch kind {
		case inputSeed:
			copy(dst, st.in.Seed[offset:])
		case inputTask:
			copy(dst, st.in.Task[offset:])
		case inputOutput:
			// A failing reader is this machine's problem, not a verdict.
			if st.in.Output == nil {
				st.abort(fmt.Errorf("read submission output: Input.OutputSize is %d but Input.Output is nil", size))
			}
			if got, err := st.in.Output.ReadAt(dst, offset); got != len(dst) {
				if err == nil || errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				st.abort(fmt.Errorf("read submission output at offset %d: %w", offset, err))
			}
		}
	}
	stack[0] = uint64(n)
}

func hostSetResult(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	score, ptr, length := math.Float64frombits(stack[0]), uint32(stack[1]), uint32(stack[2])
	st.claimOutcome("set_result", "details", length)
	if math.IsNaN(score) || score < 0 || score > 1 {
		st.abort(fmt.Errorf("%w: set_result(%v)", ErrBadScore, score))
	}
	st.score = score
	st.details = append([]byte(nil), st.guestBytes(mod, "set_result", ptr, length)...)
	st.resultSet = true
}

func hostSetError(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	ptr, length := uint32(stack[0]), uint32(stack[1])
	st.claimOutcome("set_error", "error message", length)
	st.errMsg = string(st.guestBytes(mod, "set_error", ptr, length))
	st.errorSet = true
}

// claimOutcome checks what set_result and set_error have in common: they
// run in crucible_evaluate, pay for their bytes, are called once between
// them, and stay within the output limit.
func (st *callState) claimOutcome(fn, what string, length uint32) {
	st.requireEvaluating(fn)
	st.charge(hostBytesCost(uint64(length)))
	if st.resultSet || st.errorSet {
		st.abort(fmt.Errorf("%w: %s called after a result or error was already set", ErrABI, fn))
	}
	if int64(length) > int64(st.lim.OutputBytes) {
		st.abort(fmt.Errorf("%w: %s of %d bytes, limit %d", ErrOutputLimit, what, length, st.lim.OutputBytes))
	}
}
