package sandbox

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

const kernelN = 1 << 20

// buildKernel compiles testdata/kernel/mse.c with clang, or skips.
func buildKernel(tb testing.TB) []byte {
	tb.Helper()
	clang, err := exec.LookPath("clang")
	if err != nil {
		tb.Skip("clang not installed (apt-get install clang lld)")
	}
	out := filepath.Join(tb.TempDir(), "mse.wasm")
	cmd := exec.Command(clang, "--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-o", out, "testdata/kernel/mse.c")
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Skipf("clang cannot build wasm32 (install lld?): %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func kernelData() (a, b []float64) {
	a, b = make([]float64, kernelN), make([]float64, kernelN)
	for i := range a {
		a[i] = math.Sin(float64(i))
		b[i] = math.Cos(float64(i))
	}
	return a, b
}

func mseGo(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s / float64(len(a))
}

// kernelInstance is the kernel loaded in wazero with its inputs written.
type kernelInstance struct {
	rt  wazero.Runtime
	mod api.Module
	fn  api.Function
}

func newKernel(tb testing.TB, module []byte, rc wazero.RuntimeConfig, metered bool) *kernelInstance {
	tb.Helper()
	ctx := context.Background()
	if metered {
		module = instrumentBytes(tb, module)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	tb.Cleanup(func() { rt.Close(ctx) })
	if metered {
		refuelStub(tb, rt)
	}
	mod, err := rt.InstantiateWithConfig(ctx, module, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		tb.Fatal(err)
	}
	if metered {
		mod.ExportedGlobal(exportFuel).(api.MutableGlobal).Set(1 << 62)
		mod.ExportedGlobal(exportDepthMax).(api.MutableGlobal).Set(DefaultCallDepth)
	}
	a, b := kernelData()
	for name, vals := range map[string][]float64{"buf_a": a, "buf_b": b} {
		r, err := mod.ExportedFunction(name).Call(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		buf, ok := mod.Memory().Read(uint32(r[0]), kernelN*8)
		if !ok {
			tb.Fatal("kernel buffer out of range")
		}
		for i, v := range vals {
			binary.LittleEndian.PutUint64(buf[i*8:], math.Float64bits(v))
		}
	}
	return &kernelInstance{rt: rt, mod: mod, fn: mod.ExportedFunction("mse")}
}

func (k *kernelInstance) run(ctx context.Context) (float64, error) {
	r, err := k.fn.Call(ctx, kernelN)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(r[0]), nil
}

// BenchmarkKernel runs one CPU kernel, MSE over 1M float64 values, four
// ways in one run: native Go, wasm unmetered, wasm with Crucible's fuel
// metering, and wasm with wazero's WithCloseOnContextDone.
func BenchmarkKernel(b *testing.B) {
	module := buildKernel(b)
	a, c := kernelData()
	want := mseGo(a, c)
	ctx := context.Background()
	b.Run("native-go", func(b *testing.B) {
		b.SetBytes(kernelN * 16)
		for b.Loop() {
			if got := mseGo(a, c); got != want {
				b.Fatalf("got %v, want %v", got, want)
			}
		}
	})
	wasmCases := []struct {
		name    string
		rc      wazero.RuntimeConfig
		metered bool
		ctx     context.Context
	}{
		{"wasm", wazero.NewRuntimeConfigCompiler(), false, ctx},
		{"wasm-metered", wazero.NewRuntimeConfigCompiler(), true, ctx},
		{"wasm-ctxdone", wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(true), false, ctx},
	}
	for _, tc := range wasmCases {
		b.Run(tc.name, func(b *testing.B) {
			k := newKernel(b, module, tc.rc, tc.metered)
			runCtx, cancel := context.WithCancel(tc.ctx)
			defer cancel()
			b.SetBytes(kernelN * 16)
			b.ResetTimer()
			for b.Loop() {
				got, err := k.run(runCtx)
				if err != nil {
					b.Fatal(err)
				}
				if math.Abs(got-want) > 1e-9*math.Abs(want) {
					b.Fatalf("got %v, want %v", got, want)
				}
			}
		})
	}
}
