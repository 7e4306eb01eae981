package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crucible-net/crucible/sandbox"
	"github.com/crucible-net/crucible/sandbox/internal/wat"
)

// spinWAT loops forever and calls a host function on every iteration, so
// the interrupt path races with host calls (run under -race in CI).
const spinWAT = `(module
  (import "crucible" "input_size" (func $size (param i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    loop $l
      i32.const 1
      call $size
      drop
      br $l
    end
    i32.const 0))`

func loadWAT(t testing.TB, sb *sandbox.Sandbox, src string) *sandbox.Evaluator {
	t.Helper()
	b := assembleString(t, src)
	ev, err := sb.Load(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestBackstop shows that the wall-clock backstop works when fuel would
// allow a run far longer than it, and that its error is not a verdict.
func TestBackstop(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	for _, src := range []string{spinWAT, readFile(t, "testdata/hostile/infinite_loop.wat")} {
		ev := loadWAT(t, sb, src)
		res, err := ev.Evaluate(context.Background(), sandbox.Input{}, sandbox.Limits{Fuel: 1 << 62, Timeout: 50 * time.Millisecond})
		if !errors.Is(err, sandbox.ErrTimeout) || sandbox.IsVerdict(err) {
			t.Fatalf("err %v (verdict %v), want ErrTimeout, not a verdict", err, sandbox.IsVerdict(err))
		}
		if res.Fuel == 0 {
			t.Error("no fuel reported")
		}
	}
}

// TestDefaultFuelBeatsBackstop measures how fast this machine burns fuel in
// the tightest loop there is, and checks that the default fuel limit runs
// out long before the default backstop: fuel, not the clock, decides.
func TestDefaultFuelBeatsBackstop(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	ev := loadWAT(t, sb, readFile(t, "testdata/hostile/infinite_loop.wat"))
	const fuel = 100_000_000
	res, err := ev.Evaluate(context.Background(), sandbox.Input{}, sandbox.Limits{Fuel: fuel})
	if !errors.Is(err, sandbox.ErrOutOfFuel) {
		t.Fatal(err)
	}
	perSecond := float64(fuel) / res.Duration.Seconds()
	need := time.Duration(float64(sandbox.DefaultFuel) / perSecond * float64(time.Second))
	t.Logf("%.2g fuel/s here: the default fuel lasts %v, the backstop is %v", perSecond, need, sandbox.DefaultTimeout)
	// Allow for a machine 10x slower than this one (or a race-enabled build).
	if 10*need > sandbox.DefaultTimeout {
		t.Errorf("default fuel takes %v here; 10x that is beyond the %v backstop", need, sandbox.DefaultTimeout)
	}
}

func TestCancel(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	ev := loadWAT(t, sb, spinWAT)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ev.Evaluate(ctx, sandbox.Input{}, sandbox.Limits{Fuel: 1 << 62})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || sandbox.IsVerdict(err) {
			t.Fatalf("err %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("evaluation ignored cancellation")
	}
}

// TestParallel runs both examples from many goroutines on one compiled
// module each and checks every result equals the serial one.
func TestParallel(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	cases := corpus()
	var runs []corpusCase
	for _, c := range cases {
		if c.input != nil && c.want == nil {
			runs = append(runs, c)
		}
	}
	want := map[string]outcome{}
	modules := map[string][]byte{}
	for _, c := range runs {
		modules[c.name] = c.module(t)
		o, err := runModule(sb, c, modules[c.name])
		if err != nil {
			t.Fatal(err)
		}
		want[c.name] = o
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		c := runs[i%len(runs)]
		wg.Go(func() {
			got, err := runModule(sb, c, modules[c.name])
			if err != nil {
				errs <- err
			} else if got != want[c.name] {
				errs <- errors.New(c.name + ": parallel result differs from serial")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestNoLeaks runs the whole corpus in a sandbox, closes it, and checks
// that goroutines and heap are back to their baseline.
func TestNoLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole corpus; skipped in -short")
	}
	cases := corpus()
	modules := make([][]byte, len(cases))
	for i, c := range cases {
		modules[i] = c.module(t)
	}
	baseGoroutines, baseHeap := settle()
	sb, err := sandbox.New(context.Background(), sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		runModule(sb, c, modules[i])
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, heap := settle()
		grew := int64(heap) - int64(baseHeap)
		if g <= baseGoroutines && grew < 8<<20 {
			t.Logf("goroutines %d (baseline %d), heap %+d bytes", g, baseGoroutines, grew)
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines %d (baseline %d), heap grew %d bytes\n%s", g, baseGoroutines, grew, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
}

func settle() (goroutines int, heap uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapAlloc
}

// TestCompileCache loads the same module through two sandboxes sharing a
// cache directory at the same time, then again from the warm cache.
func TestCompileCache(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(cExample, "evaluator.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	task, out := mseInputs(100)
	var wg sync.WaitGroup
	scores := make([]float64, 3)
	for i := range scores {
		wg.Go(func() {
			sb, err := sandbox.New(context.Background(), sandbox.Config{CacheDir: dir})
			if err != nil {
				t.Error(err)
				return
			}
			defer sb.Close()
			ev, err := sb.Load(context.Background(), b)
			if err != nil {
				t.Error(err)
				return
			}
			res, err := ev.Evaluate(context.Background(), bytesInput(0, task, out), sandbox.Limits{})
			if err != nil {
				t.Error(err)
			}
			scores[i] = res.Score
		})
	}
	wg.Wait()
	if scores[0] != scores[1] || scores[1] != scores[2] {
		t.Errorf("scores differ: %v", scores)
	}
	entries := cacheFiles(t, dir)
	for _, e := range entries {
		if filepath.Ext(e) == ".tmp" {
			t.Errorf("temporary file left behind: %s", e)
		}
	}

	// A damaged cache entry is detected and rebuilt, never trusted.
	damaged := cacheFiles(t, dir)
	if len(damaged) < 2 {
		t.Fatalf("expected instrumented and compiled entries, found %v", damaged)
	}
	for _, p := range damaged {
		entry, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		entry[len(entry)/2] ^= 0xff
		if err := os.WriteFile(p, entry, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	sb := newSandbox(t, sandbox.Config{CacheDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ev, err := sb.Load(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ev.Evaluate(context.Background(), bytesInput(0, task, out), sandbox.Limits{})
	if err != nil || res.Score != scores[0] {
		t.Fatalf("after damage: score %v (want %v), err %v", res.Score, scores[0], err)
	}
	if !strings.Contains(logs.String(), "cache damaged") {
		t.Errorf("the damaged compiled entry went unnoticed; log:\n%s", logs.String())
	}

	// A module whose compile error quotes "compilationcache" (its own
	// export name) is refused without touching the cache.
	logs.Reset()
	before := len(cacheFiles(t, dir))
	if _, err := sb.Load(context.Background(), assembleString(t, readFile(t, "testdata/hostile/cache_name.wat"))); !errors.Is(err, sandbox.ErrMalformed) {
		t.Fatalf("cache_name.wat: %v", err)
	}
	if after := len(cacheFiles(t, dir)); after != before || strings.Contains(logs.String(), "damaged") {
		t.Errorf("a bad module cleared the cache: %d entries before, %d after; log:\n%s", before, after, logs.String())
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func assembleString(t testing.TB, src string) []byte {
	t.Helper()
	b, err := wat.Assemble([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cacheFiles lists the files under a cache directory.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestMemoryIsolation runs memory_snoop.wat many times, serially and in
// parallel, on one compiled module: no evaluation may see another's memory,
// however guest memories are pooled.
func TestMemoryIsolation(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	ev := loadWAT(t, sb, readFile(t, "testdata/hostile/memory_snoop.wat"))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				res, err := ev.Evaluate(context.Background(), sandbox.Input{}, sandbox.Limits{})
				if err != nil || res.Score != 1 {
					t.Errorf("score %v, err %v: memory left by an earlier evaluation was visible", res.Score, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestGCWhileGuestRuns collects garbage while a guest spins with an
// effectively unlimited budget. Machine code in wazero cannot be preempted,
// so a stop-the-world pause waits for the guest to call into Go; the fuel
// slices make it do so every few milliseconds. Without them this test
// hangs: the pause waits for the guest, and the guest for a cancellation
// that cannot run during the pause.
func TestGCWhileGuestRuns(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	ev := loadWAT(t, sb, readFile(t, "testdata/hostile/infinite_loop.wat"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ev.Evaluate(ctx, sandbox.Input{}, sandbox.Limits{Fuel: 1 << 62})
		done <- err
	}()
	start := time.Now()
	for range 50 {
		runtime.GC()
	}
	t.Logf("50 collections beside a spinning guest took %v", time.Since(start))
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

// TestScoresOfOne checks the corpus modules that score themselves: 1 means
// the sandbox behaved as documented (fresh memory, canonical NaNs, WASI
// poll semantics).
func TestScoresOfOne(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{})
	for _, name := range []string{"memory_snoop", "nan_bits", "poll"} {
		ev := loadWAT(t, sb, readFile(t, "testdata/hostile/"+name+".wat"))
		res, err := ev.Evaluate(context.Background(), sandbox.Input{}, sandbox.Limits{})
		if err != nil || res.Score != 1 {
			t.Errorf("%s: score %v, err %v", name, res.Score, err)
		}
	}
}

// TestCloseWhileRunning closes the sandbox under running evaluations: they
// end with ErrClosed, Close waits for them, and nothing touches a guest
// memory after its instance is gone.
func TestCloseWhileRunning(t *testing.T) {
	src := `(module
	  (memory (export "memory") 1)
	  (func (export "crucible_abi_v1"))
	  (func (export "crucible_evaluate") (result i32)
	    loop $l
	      i32.const 100
	      i32.const 100
	      i32.load
	      i32.const 1
	      i32.add
	      i32.store
	      br $l
	    end
	    i32.const 0))`
	for range 20 {
		sb, err := sandbox.New(context.Background(), sandbox.Config{})
		if err != nil {
			t.Fatal(err)
		}
		ev := loadWAT(t, sb, src)
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				_, err := ev.Evaluate(context.Background(), sandbox.Input{}, sandbox.Limits{Fuel: 1 << 62})
				errs <- err
			}()
		}
		if err := sb.Close(); err != nil {
			t.Fatal(err)
		}
		for range 4 {
			if err := <-errs; !errors.Is(err, sandbox.ErrClosed) {
				t.Fatalf("err %v, want ErrClosed", err)
			}
		}
	}
}
