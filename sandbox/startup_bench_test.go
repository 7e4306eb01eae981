package sandbox_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/crucible-net/crucible/sandbox"
)

// exampleInputs are small inputs for each example evaluator.
func exampleInputs(tb testing.TB) map[string]func() sandbox.Input {
	task, _ := os.ReadFile(filepath.Join(goExample, "testdata", "task.json"))
	good, _ := os.ReadFile(filepath.Join(goExample, "testdata", "good.json"))
	mseTask, mseOut := mseInputs(1000)
	return map[string]func() sandbox.Input{
		"go": func() sandbox.Input { return bytesInput(1, task, good) },
		"c":  func() sandbox.Input { return bytesInput(0, mseTask, mseOut) },
	}
}

var exampleModules = map[string]string{
	"go": filepath.Join(goExample, "evaluator.wasm"),
	"c":  filepath.Join(cExample, "evaluator.wasm"),
}

// BenchmarkStartup measures, for each example, a cold compile (validate,
// instrument, compile), a load from a warm disk cache in a new sandbox, and
// one instantiation plus evaluation of a loaded module.
func BenchmarkStartup(b *testing.B) {
	ctx := context.Background()
	inputs := exampleInputs(b)
	for _, name := range []string{"c", "go"} {
		module, err := os.ReadFile(exampleModules[name])
		if err != nil {
			b.Fatal(err)
		}
		// Each iteration loads and closes the evaluator, so the next Load
		// compiles again (no cache) or reads the disk cache (warm cache).
		loadLoop := func(b *testing.B, sb *sandbox.Sandbox) {
			for b.Loop() {
				ev, err := sb.Load(ctx, module)
				if err != nil {
					b.Fatal(err)
				}
				ev.Close()
			}
		}
		b.Run(name+"/cold-compile", func(b *testing.B) {
			loadLoop(b, newSandbox(b, sandbox.Config{}))
		})
		b.Run(name+"/cache-load", func(b *testing.B) {
			sb := newSandbox(b, sandbox.Config{CacheDir: b.TempDir()})
			ev, err := sb.Load(ctx, module) // fill the cache
			if err != nil {
				b.Fatal(err)
			}
			ev.Close()
			b.ResetTimer()
			loadLoop(b, sb)
		})
		b.Run(name+"/instantiate-evaluate", func(b *testing.B) {
			sb := newSandbox(b, sandbox.Config{})
			ev, err := sb.Load(ctx, module)
			if err != nil {
				b.Fatal(err)
			}
			in := inputs[name]
			if _, err := ev.Evaluate(ctx, in(), sandbox.Limits{}); err != nil { // warm the snapshot
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := ev.Evaluate(ctx, in(), sandbox.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkThroughput runs the Go example on small inputs from as many
// goroutines as GOMAXPROCS and reports evaluations per second.
func BenchmarkThroughput(b *testing.B) {
	ctx := context.Background()
	inputs := exampleInputs(b)
	for _, name := range []string{"go", "c"} {
		b.Run(name, func(b *testing.B) {
			sb := newSandbox(b, sandbox.Config{})
			ev := load(b, sb, exampleModules[name])
			in := inputs[name]
			if _, err := ev.Evaluate(ctx, in(), sandbox.Limits{}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := ev.Evaluate(ctx, in(), sandbox.Limits{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
		})
	}
}
