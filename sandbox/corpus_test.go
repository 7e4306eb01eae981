package sandbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/crucible-net/crucible/sandbox"
	"github.com/crucible-net/crucible/sandbox/internal/wasm"
	"github.com/crucible-net/crucible/sandbox/internal/wat"
)

// corpusCase is one module of the determinism and hostile corpus with the
// input it runs on and the error it must end with (nil: a score).
type corpusCase struct {
	name   string
	module func(testing.TB) []byte
	input  func() sandbox.Input
	limits sandbox.Limits
	want   error
}

// testFuel keeps the runaway cases quick; the examples need far less.
const testFuel = 200_000_000

func hostile(name string, want error) corpusCase {
	return corpusCase{name: name, want: want, module: func(tb testing.TB) []byte {
		return assembleFile(tb, filepath.Join("testdata", "hostile", name+".wat"))
	}}
}

func assembleFile(tb testing.TB, path string) []byte {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := wat.Assemble(src)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return b
}

func fileModule(path string) func(testing.TB) []byte {
	return func(tb testing.TB) []byte {
		tb.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
}

func generated(f func() []byte) func(testing.TB) []byte {
	return func(testing.TB) []byte { return f() }
}

// corpus is every example evaluator and hostile module.
func corpus() []corpusCase {
	cases := []corpusCase{
		hostile("infinite_loop", sandbox.ErrOutOfFuel),
		hostile("recursion", sandbox.ErrCallDepth),
		hostile("memory_grow_bomb", sandbox.ErrMemoryLimit),
		hostile("huge_initial_memory", sandbox.ErrMemoryLimit),
		hostile("huge_table", sandbox.ErrTableLimit),
		hostile("table_grow_bomb", sandbox.ErrTableLimit),
		hostile("forbidden_wasi", sandbox.ErrImportNotAllowed),
		hostile("unknown_module", sandbox.ErrImportNotAllowed),
		hostile("wrong_signature", sandbox.ErrImportNotAllowed),
		hostile("imported_memory", sandbox.ErrImportNotAllowed),
		hostile("trap", sandbox.ErrTrap),
		hostile("output_too_large", sandbox.ErrOutputLimit),
		hostile("log_flood", sandbox.ErrLogLimit),
		hostile("nan_score", sandbox.ErrBadScore),
		hostile("score_two", sandbox.ErrBadScore),
		hostile("wrong_abi", sandbox.ErrABIVersion),
		hostile("clock_random", nil),
		hostile("nan_bits", nil),
		hostile("memory_snoop", nil),
		hostile("poll", nil),
		hostile("global_escape", sandbox.ErrMalformed),
		hostile("iovec_flood", sandbox.ErrOutOfFuel),
		hostile("cache_name", sandbox.ErrMalformed),
		hostile("start_function", sandbox.ErrUnsupported),
		hostile("command_module", sandbox.ErrUnsupported),
		hostile("bad_pointer", sandbox.ErrABI),
		hostile("no_result", sandbox.ErrABI),
		hostile("input_in_initialize", sandbox.ErrABI),
		hostile("exit", sandbox.ErrExit),
		hostile("rejects", sandbox.ErrEvaluator),
		{name: "100k_functions", module: generated(manyFunctions), want: sandbox.ErrTooManyFunctions},
		{name: "huge_data_segment", module: generated(hugeData), want: sandbox.ErrDataTooLarge},
		{name: "simd", module: generated(simdModule), want: sandbox.ErrUnsupported},
		{name: "too_many_locals", module: generated(manyLocals), want: sandbox.ErrTooManyLocals},
		{name: "unbalanced_end", module: generated(unbalancedEnd), want: sandbox.ErrMalformed},
		{name: "not_wasm", module: generated(func() []byte { return []byte("#!/bin/sh\nrm -rf /\n") }), want: sandbox.ErrNotWasm},
		{name: "truncated", module: func(tb testing.TB) []byte {
			b := fileModule(filepath.Join(cExample, "evaluator.wasm"))(tb)
			return b[:len(b)/2]
		}, want: sandbox.ErrMalformed},
	}
	for i := range cases {
		cases[i].limits = sandbox.Limits{Fuel: testFuel}
	}
	linregTask, _ := os.ReadFile(filepath.Join(goExample, "testdata", "task.json"))
	linregGood, _ := os.ReadFile(filepath.Join(goExample, "testdata", "good.json"))
	linregZeros, _ := os.ReadFile(filepath.Join(goExample, "testdata", "zeros.json"))
	mseTask, mseOut := mseInputs(10_000)
	cases = append(cases,
		corpusCase{name: "linreg_good", module: fileModule(filepath.Join(goExample, "evaluator.wasm")),
			input: func() sandbox.Input { return bytesInput(1, linregTask, linregGood) }},
		corpusCase{name: "linreg_zeros", module: fileModule(filepath.Join(goExample, "evaluator.wasm")),
			input: func() sandbox.Input { return bytesInput(1, linregTask, linregZeros) }},
		corpusCase{name: "linreg_malformed", module: fileModule(filepath.Join(goExample, "evaluator.wasm")),
			input: func() sandbox.Input { return bytesInput(1, linregTask, []byte("{")) }, want: sandbox.ErrEvaluator},
		corpusCase{name: "linreg_out_of_fuel", module: fileModule(filepath.Join(goExample, "evaluator.wasm")),
			input: func() sandbox.Input { return bytesInput(1, linregTask, linregGood) }, limits: sandbox.Limits{Fuel: 1_000_000}, want: sandbox.ErrOutOfFuel},
		corpusCase{name: "mse_c", module: fileModule(filepath.Join(cExample, "evaluator.wasm")),
			input: func() sandbox.Input { return bytesInput(0, mseTask, mseOut) }},
		corpusCase{name: "mse_c_mismatch", module: fileModule(filepath.Join(cExample, "evaluator.wasm")),
			input: func() sandbox.Input { return bytesInput(0, mseTask, mseOut[:16]) }, want: sandbox.ErrEvaluator},
	)
	return cases
}

func mseInputs(n int) (task, out []byte) {
	task, out = make([]byte, 8*n), make([]byte, 8*n)
	for i := 0; i < n; i++ {
		putF64(task[8*i:], float64(i%97)/7)
		putF64(out[8*i:], float64(i%89)/7)
	}
	return task, out
}

// outcome is what must be identical on every run of a case.
type outcome struct {
	Name     string  `json:"name"`
	Score    float64 `json:"score"`
	Details  string  `json:"details,omitempty"`
	Fuel     uint64  `json:"fuel"`
	InitFuel uint64  `json:"init_fuel"`
	Log      string  `json:"log,omitempty"`
	Error    string  `json:"error,omitempty"`
}

// runCase loads and runs one case in sb.
func runCase(tb testing.TB, sb *sandbox.Sandbox, c corpusCase) (outcome, error) {
	tb.Helper()
	return runModule(sb, c, c.module(tb))
}

// runModule runs a case whose module is already built; it is safe to call
// from any goroutine.
func runModule(sb *sandbox.Sandbox, c corpusCase, module []byte) (outcome, error) {
	ctx := context.Background()
	out := outcome{Name: c.name}
	ev, err := sb.Load(ctx, module)
	if err == nil {
		in := sandbox.Input{}
		if c.input != nil {
			in = c.input()
		}
		var res sandbox.Result
		res, err = ev.Evaluate(ctx, in, c.limits)
		out.Score, out.Fuel, out.InitFuel = res.Score, res.Fuel, res.InitFuel
		out.Details, out.Log = fmt.Sprintf("%x", res.Details), abbreviate(res.Log)
	}
	if err != nil {
		out.Error = err.Error()
	}
	return out, err
}

func TestCorpus(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	for _, c := range corpus() {
		t.Run(c.name, func(t *testing.T) {
			out, err := runCase(t, sb, c)
			switch {
			case c.want == nil && err != nil:
				t.Fatalf("unexpected error: %v\nlog: %s", err, out.Log)
			case c.want != nil && !errors.Is(err, c.want):
				t.Fatalf("error %v, want %v", err, c.want)
			case errors.Is(err, sandbox.ErrTimeout):
				t.Fatalf("the wall-clock backstop decided a verdict: %v", err)
			}
			if err != nil && !sandbox.IsVerdict(err) && !isValidation(err) {
				t.Errorf("%v is neither a verdict nor a validation error", err)
			}
			// Running it again in the same process gives the same outcome.
			again, _ := runCase(t, sb, c)
			if again != out {
				t.Errorf("second run differs:\n%+v\n%+v", out, again)
			}
		})
	}
}

func isValidation(err error) bool {
	var ve *sandbox.ValidationError
	return errors.As(err, &ve)
}

// Binary modules too large to write as text.

func section(id byte, body []byte) []byte {
	return append(wasm.AppendU32([]byte{id}, uint32(len(body))), body...)
}

func vec(items ...[]byte) []byte {
	b := wasm.AppendU32(nil, uint32(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

// evaluatorModule builds a minimal ABI v1 module with n extra functions, a
// code body for crucible_evaluate, and extra sections before code.
func evaluatorModule(n int, evalLocals []byte, evalCode []byte, data []byte) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	// types: 0 () -> (), 1 () -> i32
	m = append(m, section(wasm.SecType, vec([]byte{0x60, 0, 0}, []byte{0x60, 0, 1, 0x7f}))...)
	funcs := wasm.AppendU32(nil, uint32(n+2))
	funcs = append(funcs, 0, 1)
	for i := 0; i < n; i++ {
		funcs = append(funcs, 0)
	}
	m = append(m, section(wasm.SecFunction, funcs)...)
	m = append(m, section(wasm.SecMemory, vec([]byte{0, 1}))...)
	m = append(m, section(wasm.SecExport, vec(
		append(wasm.AppendName(nil, "memory"), 2, 0),
		append(wasm.AppendName(nil, "crucible_abi_v1"), 0, 0),
		append(wasm.AppendName(nil, "crucible_evaluate"), 0, 1)))...)
	body := func(locals, code []byte) []byte {
		b := append(append([]byte(nil), locals...), code...)
		return append(wasm.AppendU32(nil, uint32(len(b))), b...)
	}
	bodies := [][]byte{body([]byte{0}, []byte{0x0b}), body(evalLocals, evalCode)}
	for i := 0; i < n; i++ {
		bodies = append(bodies, body([]byte{0}, []byte{0x0b}))
	}
	m = append(m, section(wasm.SecCode, vec(bodies...))...)
	if data != nil {
		m = append(m, section(wasm.SecData, data)...)
	}
	return m
}

var returnZero = []byte{0x41, 0x00, 0x0b}

func manyFunctions() []byte { return evaluatorModule(100_000, []byte{0}, returnZero, nil) }

func hugeData() []byte {
	const size = 17 << 20
	seg := []byte{0, 0x41, 0, 0x0b}
	seg = wasm.AppendU32(seg, size)
	seg = append(seg, bytes.Repeat([]byte{0xAB}, size)...)
	return evaluatorModule(0, []byte{0}, returnZero, vec(seg))
}

func simdModule() []byte {
	// v128.const 0, drop, i32.const 0
	code := append([]byte{0xfd, 0x0c}, make([]byte, 16)...)
	code = append(code, 0x1a, 0x41, 0, 0x0b)
	return evaluatorModule(0, []byte{0}, code, nil)
}

// unbalancedEnd closes the function body early and keeps going.
func unbalancedEnd() []byte {
	return evaluatorModule(0, []byte{0}, []byte{0x0b, 0x0b, 0x41, 0x00, 0x0b}, nil)
}

func manyLocals() []byte {
	locals := wasm.AppendU32([]byte{1}, 100_000)
	locals = append(locals, 0x7e)
	return evaluatorModule(0, locals, returnZero, nil)
}

// abbreviate keeps short logs whole and long ones as length, head and hash.
func abbreviate(log []byte) string {
	if len(log) <= 256 {
		return string(log)
	}
	return fmt.Sprintf("%d bytes, sha256 %x, starting %q", len(log), sha256.Sum256(log), log[:64])
}
