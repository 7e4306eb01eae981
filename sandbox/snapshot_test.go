package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
)

// TestSnapshotEqualsFresh runs the Go example, which opts in to reuse,
// from snapshots and from fresh instances, and requires identical results:
// score, details, fuel, init fuel, log and error.
func TestSnapshotEqualsFresh(t *testing.T) {
	ctx := context.Background()
	sb, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	b, err := os.ReadFile("../examples/linreg/evaluator/evaluator.wasm")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := sb.Load(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.reuse {
		t.Fatal("the Go example should opt in to reuse")
	}
	task, _ := os.ReadFile("../examples/linreg/evaluator/testdata/task.json")
	good, _ := os.ReadFile("../examples/linreg/evaluator/testdata/good.json")
	inputs := []struct {
		seed   byte
		output []byte
		lim    Limits
	}{
		{1, good, Limits{}},
		{1, []byte(`{"weights":[0,0,0,0,0,0,0,0]}`), Limits{}},
		{2, good, Limits{}},
		{1, []byte("not json"), Limits{}},
		{1, good, Limits{Fuel: 500_000}},
		{3, good, Limits{InitFuel: 1000}},
	}
	run := func(reuse bool) []string {
		ev.reuse = reuse
		var out []string
		for _, in := range inputs {
			var seed [32]byte
			seed[0] = in.seed
			res, err := ev.Evaluate(ctx, Input{Seed: seed, Task: task, Output: bytes.NewReader(in.output), OutputSize: int64(len(in.output))}, in.lim)
			res.Duration = 0
			out = append(out, formatResult(res, err))
		}
		return out
	}
	snap, fresh, snapAgain := run(true), run(false), run(true)
	for i := range inputs {
		if snap[i] != fresh[i] || snapAgain[i] != fresh[i] {
			t.Errorf("input %d:\nsnapshot %s\nfresh    %s\nagain    %s", i, snap[i], fresh[i], snapAgain[i])
		}
	}
	if len(ev.snaps) == 0 {
		t.Error("no snapshot was taken")
	}
}

func formatResult(res Result, err error) string {
	return fmt.Sprintf("err=%v score=%v fuel=%d init=%d details=%q log=%q", err, res.Score, res.Fuel, res.InitFuel, res.Details, res.Log)
}

// BenchmarkReuse compares one evaluation of the Go example in a fresh
// instance (running the Go runtime's _initialize) with one started from the
// post-initialisation snapshot.
func BenchmarkReuse(b *testing.B) {
	ctx := context.Background()
	sb, err := New(ctx, Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	module, _ := os.ReadFile("../examples/linreg/evaluator/evaluator.wasm")
	task, _ := os.ReadFile("../examples/linreg/evaluator/testdata/task.json")
	good, _ := os.ReadFile("../examples/linreg/evaluator/testdata/good.json")
	ev, err := sb.Load(ctx, module)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name  string
		reuse bool
	}{{"fresh", false}, {"snapshot", true}} {
		b.Run(mode.name, func(b *testing.B) {
			ev.reuse = mode.reuse
			for b.Loop() {
				if _, err := ev.Evaluate(ctx, Input{Task: task, Output: bytes.NewReader(good), OutputSize: int64(len(good))}, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
