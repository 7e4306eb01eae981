package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run calls doMain like a shell would, with CRUCIBLE_DATA_DIR set to a
// temporary directory unless the test sets it.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if os.Getenv("CRUCIBLE_DATA_DIR") == "" {
		t.Setenv("CRUCIBLE_DATA_DIR", t.TempDir())
	}
	var out, errb bytes.Buffer
	code = doMain(args, &out, &errb)
	return code, out.String(), errb.String()
}

const (
	cModule  = "../../examples/evaluators/mse-c/evaluator.wasm"
	goModule = "../../examples/linreg/evaluator/evaluator.wasm"
	goData   = "../../examples/linreg/evaluator/testdata/"
)

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "eval run"},
		{[]string{"help"}, 0, "Global flags"},
		{[]string{}, 2, "Usage:"},
		{[]string{"version"}, 0, "evaluator ABI    v1"},
		{[]string{"version", "--help"}, 0, "Print version information"},
		{[]string{"eval"}, 2, "check"},
		{[]string{"eval", "--help"}, 0, "run an evaluator once"},
		{[]string{"eval", "run", "--help"}, 0, "-seed"},
		{[]string{"eval", "check", "-h"}, 0, "MODULE.wasm"},
		{[]string{"help", "eval", "run"}, 0, "-output"},
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"eval", "bogus"}, 2, `crucible eval: unknown command "bogus"`},
		{[]string{"--nope", "version"}, 2, "flag provided but not defined"},
		{[]string{"eval", "run"}, 2, "want one MODULE.wasm"},
		{[]string{"eval", "run", cModule, "--seed", "xyz"}, 2, "64 hex digits"},
		{[]string{"eval", "check", "/no/such/file.wasm"}, 1, "no such file"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out+errOut, tc.want) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", tc.want, out, errOut)
			}
		})
	}
}

func TestEvalCheck(t *testing.T) {
	code, out, errOut := run(t, "eval", "check", cModule)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"abi          v1", "crucible.input_read", "crucible_evaluate", "violations: none", "fuel 10000000000"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.wasm")
	if err := os.WriteFile(bad, []byte("not wasm at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "eval", "check", bad)
	if code != 1 || !strings.Contains(out, "not a WebAssembly module") || !strings.Contains(errOut, "1 violations") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

func TestEvalRunGo(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "node")
	// --data-dir after the command name, as users type it.
	code, out, errOut := run(t, "eval", "run", goModule, "--task", goData+"task.json", "--output", goData+"good.json", "--data-dir", dataDir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"score    0.99", "fuel     ", "linreg: dim=8"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dataDir, "cache", "*", "*")); len(m) == 0 {
		t.Errorf("no compiled module cached under %s", dataDir)
	}
}

func TestEvalRunJSONAndErrors(t *testing.T) {
	dir := t.TempDir()
	task, pred := filepath.Join(dir, "task.f64"), filepath.Join(dir, "pred.f64")
	vals := make([]byte, 8*4)
	if err := os.WriteFile(task, vals, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pred, vals, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CRUCIBLE_DATA_DIR", filepath.Join(dir, "env-dir"))
	code, out, errOut := run(t, "eval", "run", cModule, "--task", task, "--output", pred, "--json", "--seed", strings.Repeat("ab", 32))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep evalReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Score == nil || *rep.Score != 1 || rep.Fuel == 0 || rep.Details != "n=4 mse=0.00000000e0" {
		t.Errorf("report %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(dir, "env-dir", "cache")); err != nil {
		t.Errorf("CRUCIBLE_DATA_DIR not used: %v", err)
	}

	// Out of fuel: a verdict, printed with the fuel used, exit 1.
	code, out, errOut = run(t, "eval", "run", cModule, "--task", task, "--output", pred, "--fuel", "10")
	if code != 1 || !strings.Contains(out, "out of fuel") || !strings.Contains(out, "fuel     10 ") || !strings.Contains(errOut, "evaluation failed") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	code, _, errOut = run(t, "eval", "run", cModule, "--output", dir)
	if code != 1 || !strings.Contains(errOut, "not a regular file") {
		t.Errorf("directory as output: exit %d: %s", code, errOut)
	}
}
