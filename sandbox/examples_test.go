package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/sandbox"
)

const (
	goExample = "../examples/linreg/evaluator"
	cExample  = "../examples/evaluators/mse-c"
)

// TestExamplesUpToDate rebuilds the example evaluators and checks that the
// committed .wasm files match. Each example records the toolchain that
// built it; with another toolchain the bytes legitimately differ, so the
// comparison is skipped with a note.
func TestExamplesUpToDate(t *testing.T) {
	t.Run("go", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds a wasm module; skipped in -short")
		}
		checkToolchain(t, goExample, runtime.Version())
		out := filepath.Join(t.TempDir(), "evaluator.wasm")
		cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-buildvcs=false", "-o", out, ".")
		cmd.Dir = goExample
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, b)
		}
		compareBuilt(t, goExample, out, "go generate ./examples/linreg/evaluator")
	})
	t.Run("c", func(t *testing.T) {
		clang, err := exec.LookPath("clang")
		if err != nil {
			t.Skip("clang not installed (apt-get install clang lld); .ci/run installs it")
		}
		v, err := exec.Command(clang, "--version").Output()
		if err != nil {
			t.Fatal(err)
		}
		checkToolchain(t, cExample, strings.SplitN(string(v), "\n", 2)[0])
		dir := t.TempDir()
		// The same command as build.sh, on a copy of the source.
		src, err := os.ReadFile(filepath.Join(cExample, "mse.c"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "mse.c"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		inc, _ := filepath.Abs("guest/c")
		cmd := exec.Command("clang", "--target=wasm32", "-O2", "-nostdlib", "-mbulk-memory",
			"-ffile-prefix-map="+dir+"=.", "-I", inc, "-Wl,--no-entry", "-o", "evaluator.wasm", "mse.c")
		cmd.Dir = dir
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("clang: %v\n%s", err, b)
		}
		compareBuilt(t, cExample, filepath.Join(dir, "evaluator.wasm"), "examples/evaluators/mse-c/build.sh")
	})
}

func checkToolchain(t *testing.T, dir, have string) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join(dir, "evaluator.wasm.toolchain"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(want)) != strings.TrimSpace(have) {
		t.Skipf("committed module was built with %q, this machine has %q", strings.TrimSpace(string(want)), have)
	}
}

func compareBuilt(t *testing.T, dir, built, howToFix string) {
	t.Helper()
	got, err := os.ReadFile(built)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "evaluator.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s/evaluator.wasm is stale (%d bytes committed, %d rebuilt); run %s", dir, len(want), len(got), howToFix)
	}
}

func newSandbox(t testing.TB, cfg sandbox.Config) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func load(t testing.TB, sb *sandbox.Sandbox, path string) *sandbox.Evaluator {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := sb.Load(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func bytesInput(seed byte, task, output []byte) sandbox.Input {
	var s [32]byte
	s[0] = seed
	return sandbox.Input{Seed: s, Task: task, Output: bytes.NewReader(output), OutputSize: int64(len(output))}
}

func TestGoExample(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	ev := load(t, sb, goExample+"/evaluator.wasm")
	task, _ := os.ReadFile(goExample + "/testdata/task.json")
	good, _ := os.ReadFile(goExample + "/testdata/good.json")
	zeros, _ := os.ReadFile(goExample + "/testdata/zeros.json")
	ctx := context.Background()

	rg, err := ev.Evaluate(ctx, bytesInput(1, task, good), sandbox.Limits{})
	if err != nil {
		t.Fatalf("good: %v\nlog: %s", err, rg.Log)
	}
	rz, err := ev.Evaluate(ctx, bytesInput(1, task, zeros), sandbox.Limits{})
	if err != nil {
		t.Fatalf("zeros: %v", err)
	}
	if rg.Score < 0.98 || rz.Score > 0.5 {
		t.Errorf("scores: true weights %v, zero weights %v", rg.Score, rz.Score)
	}
	var details struct {
		MSE     float64 `json:"mse"`
		Samples int     `json:"samples"`
	}
	if err := json.Unmarshal(rg.Details, &details); err != nil || details.Samples != 512 {
		t.Errorf("details %q: %v", rg.Details, err)
	}
	if !strings.HasPrefix(string(rg.Log), "linreg: dim=8 samples=512") {
		t.Errorf("log %q", rg.Log)
	}
	if rg.Fuel == 0 || rg.InitFuel == 0 {
		t.Errorf("fuel %d, init fuel %d", rg.Fuel, rg.InitFuel)
	}

	// A different seed draws a different test set.
	r2, err := ev.Evaluate(ctx, bytesInput(2, task, good), sandbox.Limits{})
	if err != nil || r2.Score == rg.Score {
		t.Errorf("seed 2: score %v (seed 1: %v), err %v", r2.Score, rg.Score, err)
	}

	// Malformed submissions are rejected with the evaluator's reason.
	_, err = ev.Evaluate(ctx, bytesInput(1, task, []byte(`{"weights":[1]}`)), sandbox.Limits{})
	if !sandbox.IsVerdict(err) || !strings.Contains(err.Error(), "submission has 1 weights, task has dimension 8") {
		t.Errorf("wrong dimension: %v", err)
	}
}

func TestCExample(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	ev := load(t, sb, cExample+"/evaluator.wasm")
	ctx := context.Background()
	const n = 100_000 // 800 KB each: read in 64 KiB chunks
	task, out := make([]byte, 8*n), make([]byte, 8*n)
	for i := 0; i < n; i++ {
		putF64(task[8*i:], float64(i))
		putF64(out[8*i:], float64(i)+0.5) // error 0.5 everywhere: MSE 0.25
	}
	res, err := ev.Evaluate(ctx, bytesInput(0, task, out), sandbox.Limits{})
	if err != nil {
		t.Fatalf("%v\nlog: %s", err, res.Log)
	}
	if res.Score != 1/1.25 {
		t.Errorf("score %v, want 0.8", res.Score)
	}
	if got := string(res.Details); got != "n=100000 mse=2.50000000e-1" {
		t.Errorf("details %q", got)
	}
	_, err = ev.Evaluate(ctx, bytesInput(0, task, out[:8]), sandbox.Limits{})
	if err == nil || !strings.Contains(err.Error(), "exactly as many float64 values") {
		t.Errorf("short output: %v", err)
	}
}

func putF64(b []byte, v float64) {
	bits := mathFloat64bits(v)
	for i := 0; i < 8; i++ {
		b[i] = byte(bits >> (8 * i))
	}
}

var mathFloat64bits = math.Float64bits
