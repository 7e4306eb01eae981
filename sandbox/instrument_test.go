package sandbox

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
	"github.com/crucible-net/crucible/sandbox/internal/wat"
)

func assemble(tb testing.TB, src string) []byte {
	tb.Helper()
	b, err := wat.Assemble([]byte(src))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func instrumentBytes(tb testing.TB, module []byte) []byte {
	tb.Helper()
	m, err := wasm.Decode(module)
	if err != nil {
		tb.Fatal(err)
	}
	inst, err := instrument(m)
	if err != nil {
		tb.Fatal(err)
	}
	return inst
}

// rawInstance instantiates an instrumented module with no host functions
// and calls its export "f" directly, reporting the fuel used.
type rawInstance struct {
	mod  api.Module
	fuel api.MutableGlobal
	trap api.Global
}

func newRaw(tb testing.TB, module []byte) *rawInstance {
	tb.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2))
	tb.Cleanup(func() { rt.Close(ctx) })
	refuelStub(tb, rt)
	mod, err := rt.InstantiateWithConfig(ctx, instrumentBytes(tb, module), wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		tb.Fatal(err)
	}
	mod.ExportedGlobal(exportDepthMax).(api.MutableGlobal).Set(100)
	mod.ExportedGlobal(exportMemoryMax).(api.MutableGlobal).Set(100)
	mod.ExportedGlobal(exportTableMax).(api.MutableGlobal).Set(100)
	return &rawInstance{mod: mod, fuel: mod.ExportedGlobal(exportFuel).(api.MutableGlobal), trap: mod.ExportedGlobal(exportTrap)}
}

// refuelStub links the refuel import for modules run outside a Sandbox,
// with the whole budget in the fuel global: any refuel call means the
// budget is spent.
func refuelStub(tb testing.TB, rt wazero.Runtime) {
	tb.Helper()
	_, err := rt.NewHostModuleBuilder(refuelModule).NewFunctionBuilder().
		WithFunc(func(int64) { panic(ErrOutOfFuel) }).Export(refuelName).
		Instantiate(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
}

func (r *rawInstance) call(tb testing.TB, fuel int64, args ...uint64) (used int64, res []uint64, err error) {
	tb.Helper()
	r.fuel.Set(uint64(fuel))
	res, err = r.mod.ExportedFunction("f").Call(context.Background(), args...)
	return fuel - int64(r.fuel.Get()), res, err
}

// TestFuelExact pins the fuel of small functions to the cost table, by
// hand: a change here is a change of InstrumentationVersion.
func TestFuelExact(t *testing.T) {
	tests := []struct {
		name string
		wat  string
		args []uint64
		want int64
	}{
		{"straight line", `(func (export "f") (result i32) i32.const 1 i32.const 2 i32.add)`, nil, 3},
		// entry segment [loop]=0; each iteration 7; after: [end]=0, [local.get end]=1
		{"loop 0", loopWAT, []uint64{0}, 7 + 1},
		{"loop 1", loopWAT, []uint64{1}, 7 + 1},
		{"loop 10", loopWAT, []uint64{10}, 70 + 1},
		{"loop 1000", loopWAT, []uint64{1000}, 7000 + 1},
		// [local.get if]=2, then [i32.const else]=2, else [i32.const i32.const i32.add]=3
		{"if true", ifWAT, []uint64{1}, 2 + 2},
		{"if false", ifWAT, []uint64{0}, 2 + 3},
		// caller: [i32.const call]=1+5; callee: [i32.const]=1; after call [end]=0
		{"call", `(func $g (result i32) i32.const 7) (func (export "f") (result i32) call $g)`, nil, 5 + 1},
		// one segment [ref.func drop call local.get call_indirect i32.add] = 1+1+5+1+10+1,
		// then $one and $two cost 1 each
		{"call_indirect", strings.Replace(indirectWAT[len("(module "):len(indirectWAT)-1], indirectImport, "", 1), []uint64{1}, 19 + 1 + 1},
		{"divide", `(func (export "f") (result i32) i32.const 7 i32.const 2 i32.div_u)`, nil, 2 + 4},
		// 3 consts + fill (1 + 800/8)
		{"memory.fill 800", `(memory 1) (func (export "f") i32.const 0 i32.const 0 i32.const 800 memory.fill)`, nil, 3 + 1 + 100},
		// const + grow (1 + 1024*2) + drop
		{"memory.grow 2", `(memory 1) (func (export "f") i32.const 2 memory.grow drop)`, nil, 1 + 1 + 2048 + 1},
		// [i32.const br_if]=2 taken; then the block's end starts [i32.const]=1
		{"br_if taken", `(func (export "f") (result i32) block i32.const 1 br_if 0 i32.const 99 drop end i32.const 3)`, nil, 2 + 1},
		{"br_if not taken", `(func (export "f") (result i32) block i32.const 0 br_if 0 i32.const 99 drop end i32.const 3)`, nil, 2 + 2 + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRaw(t, assemble(t, "(module "+tc.wat+")"))
			used, _, err := r.call(t, 1_000_000, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if used != tc.want {
				t.Errorf("fuel %d, want %d", used, tc.want)
			}
		})
	}
}

const loopWAT = `(func (export "f") (param $n i32) (result i32) (local $i i32)
	loop $l
		local.get $i
		i32.const 1
		i32.add
		local.tee $i
		local.get $n
		i32.lt_u
		br_if $l
	end
	local.get $i)`

// indirectWAT refers to functions from every place that holds function
// indices: exports, an element segment, a global initialiser, ref.func,
// call and call_indirect.
const indirectWAT = `(module
  (type $t (func (result i32)))
  ` + indirectImport + `
  (table 2 funcref)
  (global $g funcref (ref.func $two))
  (elem (i32.const 0) $one $two)
  (func $one (result i32) i32.const 1)
  (func $two (result i32) i32.const 2)
  (func (export "f") (param i32) (result i32)
    ref.func $one
    drop
    call $one
    local.get 0
    call_indirect (type $t)
    i32.add))`

const indirectImport = `(import "crucible" "input_size" (func $size (param i32) (result i64)))`

const ifWAT = `(func (export "f") (param i32) (result i32)
	local.get 0
	if (result i32)
		i32.const 1
	else
		i32.const 2
		i32.const 3
		i32.add
	end)`

// TestOutOfFuelTraps checks the trap code and that no loop iteration runs
// without fuel to pay for it.
func TestOutOfFuelTraps(t *testing.T) {
	r := newRaw(t, assemble(t, "(module "+loopWAT+")"))
	for _, fuel := range []int64{0, 6, 7, 8, 69, 70, 71} {
		used, res, err := r.call(t, fuel, 10)
		if fuel >= 71 {
			if err != nil || res[0] != 10 {
				t.Errorf("fuel %d: %v %v", fuel, res, err)
			}
			continue
		}
		if err == nil {
			// The last segment ran on credit; the host sees the negative
			// fuel when the call returns and reports ErrOutOfFuel.
			if fuel-used >= 0 {
				t.Errorf("fuel %d: returned with %d left", fuel, fuel-used)
			}
			continue
		}
		if !errors.Is(err, ErrOutOfFuel) {
			t.Errorf("fuel %d: %v, want out of fuel", fuel, err)
		}
		if left := fuel - used; left >= 0 {
			t.Errorf("fuel %d: trapped with %d left", fuel, left)
		}
	}
}

func TestInstrumentIsPure(t *testing.T) {
	b, err := os.ReadFile("../examples/linreg/evaluator/evaluator.wasm")
	if err != nil {
		t.Fatal(err)
	}
	one, two := instrumentBytes(t, b), instrumentBytes(t, b)
	if !bytes.Equal(one, two) {
		t.Fatal("two instrumentations of the same module differ")
	}
	info, _, err := validate(b, ModuleLimits{}.withDefaults(), true)
	if err != nil || !info.snapshotSafe {
		t.Errorf("the Go example should be snapshot-safe (err %v)", err)
	}
}

// TestNaNCanonical runs nan_bits.wat with and without instrumentation. On
// amd64 the bare engine exposes x86's negative NaN; instrumented, every
// machine sees the canonical one.
func TestNaNCanonical(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "hostile", "nan_bits.wat"))
	if err != nil {
		t.Fatal(err)
	}
	module := assemble(t, string(src))
	sb, err := New(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ev, err := sb.Load(context.Background(), module)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ev.Evaluate(context.Background(), Input{}, Limits{})
	if err != nil || res.Score != 1 {
		t.Fatalf("instrumented: score %v, details %x, err %v", res.Score, res.Details, err)
	}
	if runtime.GOARCH != "amd64" {
		return
	}
	details := runBare(t, module)
	bits := uint64(0)
	for i := 7; i >= 0; i-- {
		bits = bits<<8 | uint64(details[i])
	}
	if bits == math.Float64bits(math.NaN()) {
		t.Skip("this CPU produced a positive NaN: nothing to compare")
	}
	t.Logf("bare engine stored NaN bits %#x; instrumented stored the canonical %#x", bits, uint64(canonicalNaN64))
}

// FuzzInstrument: whatever the engine accepts, instrumented, it must still
// accept; anything else is rejected without a panic.
func FuzzInstrument(f *testing.F) {
	for _, p := range []string{"../examples/evaluators/mse-c/evaluator.wasm", "../examples/linreg/evaluator/evaluator.wasm"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "hostile", "*.wat"))
	for _, path := range files {
		src, _ := os.ReadFile(path)
		if b, err := wat.Assemble(src); err == nil {
			f.Add(b)
		}
	}
	f.Add(assemble(f, "(module "+loopWAT+")"))
	f.Add(assemble(f, indirectWAT))
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter().WithCoreFeatures(api.CoreFeaturesV2&^api.CoreFeatureSIMD))
	f.Cleanup(func() { rt.Close(ctx) })
	f.Fuzz(func(t *testing.T, module []byte) {
		m, err := wasm.Decode(module)
		if err != nil {
			return
		}
		inst, err := instrument(m)
		if err != nil {
			if !errors.Is(err, wasm.ErrMalformed) && !errors.Is(err, wasm.ErrUnsupported) {
				t.Fatalf("instrument: unexpected error kind: %v", err)
			}
			return
		}
		orig, err := rt.CompileModule(ctx, module)
		if err != nil {
			return
		}
		orig.Close(ctx)
		cm, err := rt.CompileModule(ctx, inst)
		if err != nil {
			t.Fatalf("engine accepts the module but not its instrumented form: %v", err)
		}
		cm.Close(ctx)
	})
}

// TestWrappedLoopsMatchBareEngine runs testdata/loops.wat, whose loops
// branch out through every kind of label and run through many fuel
// slices, in the sandbox and in the bare engine: the results must match.
func TestWrappedLoopsMatchBareEngine(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "loops.wat"))
	if err != nil {
		t.Fatal(err)
	}
	module := assemble(t, string(src))
	ctx := context.Background()
	want := runBare(t, module)

	sb, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ev, err := sb.Load(ctx, module)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ev.Evaluate(ctx, Input{}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Details, want) {
		t.Fatalf("checksum %x, bare engine %x", res.Details, want)
	}
	if res.Fuel < 5*fuelSlice {
		t.Errorf("only %d fuel: the loops did not cross enough slices to test re-entry", res.Fuel)
	}
	t.Logf("fuel %d (%d slices)", res.Fuel, res.Fuel/fuelSlice)

	// Out of fuel lands on the same fuel figure with any budget split.
	for _, limit := range []uint64{fuelSlice - 1, 3*fuelSlice + 12345} {
		r, err := ev.Evaluate(ctx, Input{}, Limits{Fuel: limit})
		if !errors.Is(err, ErrOutOfFuel) || r.Fuel != limit {
			t.Errorf("limit %d: fuel %d, err %v", limit, r.Fuel, err)
		}
	}
}

// runBare runs an evaluator module in the bare engine, without
// instrumentation, with a stand-in set_result, and returns the details.
func runBare(t *testing.T, module []byte) []byte {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	var details []byte
	_, err := rt.NewHostModuleBuilder("crucible").NewFunctionBuilder().
		WithFunc(func(_ context.Context, m api.Module, _ float64, p, n uint32) {
			b, _ := m.Memory().Read(p, n)
			details = append([]byte(nil), b...)
		}).Export("set_result").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := rt.Instantiate(ctx, module)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mod.ExportedFunction("crucible_evaluate").Call(ctx); err != nil {
		t.Fatal(err)
	}
	return details
}
