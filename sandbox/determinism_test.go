package sandbox_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/crucible-net/crucible/sandbox"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const (
	childOutEnv = "CRUCIBLE_DETERMINISM_OUT"
	goldenPath  = "testdata/golden/determinism.json"
)

// TestDeterminism runs the whole corpus (examples and hostile modules) in
// two separate processes with different GOMAXPROCS and checks that score,
// details, fuel, log and error are byte-identical between them and equal to
// the golden file, which pins the fuel figures of InstrumentationVersion.
func TestDeterminism(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two processes; skipped in -short")
	}
	var outs [][]byte
	for _, procs := range []string{"1", "2"} {
		path := filepath.Join(t.TempDir(), "out.json")
		cmd := exec.Command(os.Args[0], "-test.run=^TestDeterminismChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GOMAXPROCS="+procs, childOutEnv+"="+path)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child with GOMAXPROCS=%s: %v\n%s", procs, err, b)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatalf("GOMAXPROCS=1 and GOMAXPROCS=2 disagree:\n%s\n---\n%s", outs[0], outs[1])
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, outs[0], 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	golden, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test ./sandbox -run TestDeterminism -update)", err)
	}
	if !bytes.Equal(golden, outs[0]) {
		var want, got []outcome
		_ = json.Unmarshal(golden, &want)
		_ = json.Unmarshal(outs[0], &got)
		for i := range min(len(want), len(got)) {
			if want[i] != got[i] {
				t.Errorf("%s differs from the golden file:\n got %+v\nwant %+v", got[i].Name, got[i], want[i])
			}
		}
		if len(want) != len(got) {
			t.Errorf("%d cases, golden file has %d", len(got), len(want))
		}
		t.Fatalf("results differ from %s; if the change is intended (new cost table: bump InstrumentationVersion), run with -update", goldenPath)
	}
}

// TestDeterminismChild is the child process of TestDeterminism. It runs all
// cases concurrently, so scheduling differs between the two processes too.
func TestDeterminismChild(t *testing.T) {
	path := os.Getenv(childOutEnv)
	if path == "" {
		t.Skip("run by TestDeterminism")
	}
	sb := newSandbox(t, sandbox.Config{})
	cases := corpus()
	modules := make([][]byte, len(cases))
	for i, c := range cases {
		modules[i] = c.module(t)
	}
	results := make([]outcome, len(cases))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], _ = runModule(sb, c, modules[i])
		})
	}
	wg.Wait()
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
