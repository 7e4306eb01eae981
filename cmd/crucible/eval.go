package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crucible-net/crucible/sandbox"
)

func runEvalCheck(e *env, args []string) error {
	fs := e.newFlagSet("crucible eval check", "MODULE.wasm", "Validate an evaluator module without running it: ABI version, imports, exports, sizes, and any violations.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one MODULE.wasm, got %d arguments", errUsage, len(pos))
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	info, verr := sandbox.Check(b, sandbox.ModuleLimits{})
	w := e.stdout
	fmt.Fprintf(w, "module       %s\n", pos[0])
	fmt.Fprintf(w, "sha256       %x\n", info.SHA256)
	fmt.Fprintf(w, "size         %d bytes\n", info.Size)
	if info.ABIVersion > 0 {
		fmt.Fprintf(w, "abi          v%d (host implements v%d)\n", info.ABIVersion, sandbox.ABIVersion)
	} else {
		fmt.Fprintf(w, "abi          none declared (host implements v%d)\n", sandbox.ABIVersion)
	}
	fmt.Fprintf(w, "contents     %d functions, %d globals, %d tables, %d data segments (%d bytes)\n",
		info.Functions, info.Globals, info.Tables, info.DataSegments, info.DataBytes)
	fmt.Fprintf(w, "memory       %d pages initially (%s)\n", info.MemoryPages, pages(info.MemoryPages))
	fmt.Fprintf(w, "lifecycle    _initialize: %s, instance reuse: %s\n", yesNo(info.Initialize), yesNo(info.Reuse))
	fmt.Fprintf(w, "\nimports (%d):\n", len(info.Imports))
	for _, im := range info.Imports {
		fmt.Fprintf(w, "  %-40s %-28s %s\n", im.Module+"."+im.Name, im.Signature, im.Host)
	}
	fmt.Fprintf(w, "\nexports (%d):\n", len(info.Exports))
	for _, ex := range info.Exports {
		fmt.Fprintf(w, "  %-40s %-8s %s\n", ex.Name, ex.Kind, ex.Signature)
	}
	fmt.Fprintf(w, "\ndefault limits per evaluation:\n")
	fmt.Fprintf(w, "  fuel %d (init %d), memory %d pages (%s), table %d elements, call depth %d,\n  details %d bytes, log %d bytes, wall-clock backstop %v\n",
		uint64(sandbox.DefaultFuel), uint64(sandbox.DefaultInitFuel), sandbox.DefaultMemoryPages, pages(sandbox.DefaultMemoryPages),
		sandbox.DefaultTableElements, sandbox.DefaultCallDepth, sandbox.DefaultOutputBytes, sandbox.DefaultLogBytes, sandbox.DefaultTimeout)
	var ve *sandbox.ValidationError
	if errors.As(verr, &ve) {
		fmt.Fprintf(w, "\nviolations (%d):\n", len(ve.Violations))
		for _, v := range ve.Violations {
			fmt.Fprintf(w, "  - %s\n", v.Error())
		}
		return fmt.Errorf("%s is not a valid evaluator (%d violations)", pos[0], len(ve.Violations))
	}
	if verr != nil {
		return verr
	}
	fmt.Fprintf(w, "\nviolations: none\n")
	return nil
}

func pages(n uint32) string {
	return fmt.Sprintf("%d KiB", uint64(n)*64)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// evalReport is the --json form of `eval run`.
type evalReport struct {
	Module   string   `json:"module"`
	SHA256   string   `json:"sha256"`
	Score    *float64 `json:"score,omitempty"`
	Details  string   `json:"details,omitempty"`
	Fuel     uint64   `json:"fuel"`
	InitFuel uint64   `json:"init_fuel"`
	Log      string   `json:"log"`
	Error    string   `json:"error,omitempty"`
	Verdict  bool     `json:"verdict"`
	Millis   float64  `json:"millis"`
	Compile  float64  `json:"compile_millis"`
}

func runEvalRun(e *env, args []string) error {
	fs := e.newFlagSet("crucible eval run", "MODULE.wasm [flags]",
		"Run an evaluator once in the sandbox and print score, fuel used, log and time.\nCompiled modules are cached under <data-dir>/cache.")
	seedHex := fs.String("seed", strings.Repeat("0", 64), "evaluation seed, 32 bytes as 64 hex digits")
	taskPath := fs.String("task", "", "file holding the task bytes (default: empty task)")
	outputPath := fs.String("output", "", "file holding the submission's output (default: empty output)")
	fuel := fs.Uint64("fuel", sandbox.DefaultFuel, "fuel limit for crucible_evaluate")
	initFuel := fs.Uint64("init-fuel", sandbox.DefaultInitFuel, "fuel limit for _initialize")
	memPages := fs.Uint("memory-pages", sandbox.DefaultMemoryPages, "memory limit in 64 KiB pages")
	depth := fs.Uint("call-depth", sandbox.DefaultCallDepth, "call depth limit")
	timeout := fs.Duration("timeout", sandbox.DefaultTimeout, "wall-clock backstop (fuel decides verdicts; this only catches metering bugs)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	noCache := fs.Bool("no-cache", false, "compile without the on-disk cache")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one MODULE.wasm, got %d arguments", errUsage, len(pos))
	}
	seed, err := parseSeed(*seedHex)
	if err != nil {
		return fmt.Errorf("%w: --seed: %v", errUsage, err)
	}
	if *memPages > sandbox.MaxMemoryPages || *depth > 1_000_000 {
		return fmt.Errorf("%w: --memory-pages at most %d, --call-depth at most 1000000", errUsage, sandbox.MaxMemoryPages)
	}
	module, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	var task []byte
	if *taskPath != "" {
		if task, err = os.ReadFile(*taskPath); err != nil {
			return fmt.Errorf("--task: %w", err)
		}
	}
	in := sandbox.Input{Seed: seed, Task: task}
	if *outputPath != "" {
		f, err := os.Open(*outputPath)
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("--output: %s is not a regular file", *outputPath)
		}
		in.Output, in.OutputSize = f, st.Size()
	}

	cfg := sandbox.Config{}
	if !*noCache {
		dir, err := e.resolveDataDir()
		if err != nil {
			return err
		}
		cfg.CacheDir = filepath.Join(dir, "cache")
	}
	ctx, cancel := signalContext()
	defer cancel()
	sb, err := sandbox.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer sb.Close()
	compileStart := time.Now()
	ev, err := sb.Load(ctx, module)
	if err != nil {
		return err
	}
	compile := time.Since(compileStart)
	res, runErr := ev.Evaluate(ctx, in, sandbox.Limits{
		Fuel: *fuel, InitFuel: *initFuel, MemoryPages: uint32(*memPages),
		CallDepth: uint32(*depth), Timeout: *timeout,
	})
	info := ev.Info()
	if *asJSON {
		rep := evalReport{
			Module: pos[0], SHA256: hex.EncodeToString(info.SHA256[:]), Fuel: res.Fuel, InitFuel: res.InitFuel,
			Log: string(res.Log), Details: string(res.Details), Verdict: runErr == nil || sandbox.IsVerdict(runErr),
			Millis: ms(res.Duration), Compile: ms(compile),
		}
		if runErr == nil {
			rep.Score = &res.Score
		} else {
			rep.Error = runErr.Error()
		}
		if err := printJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		printRun(e.stdout, res, runErr, compile)
	}
	if runErr != nil {
		return fmt.Errorf("evaluation failed: %w", runErr)
	}
	return nil
}

func printRun(w io.Writer, res sandbox.Result, runErr error, compile time.Duration) {
	if runErr == nil {
		fmt.Fprintf(w, "score    %.9g\n", res.Score)
	} else {
		kind := "verdict"
		if !sandbox.IsVerdict(runErr) {
			kind = "not a verdict: this machine failed"
		}
		fmt.Fprintf(w, "error    %v (%s)\n", runErr, kind)
	}
	if len(res.Details) > 0 {
		fmt.Fprintf(w, "details  %s\n", printable(res.Details))
	}
	fmt.Fprintf(w, "fuel     %d (initialize %d)\n", res.Fuel, res.InitFuel)
	fmt.Fprintf(w, "time     %v (compile or cache load %v)\n", res.Duration.Round(time.Microsecond), compile.Round(time.Microsecond))
	if len(res.Log) == 0 {
		fmt.Fprintf(w, "log      (empty)\n")
		return
	}
	fmt.Fprintf(w, "log      %d bytes\n", len(res.Log))
	for _, line := range strings.SplitAfter(string(res.Log), "\n") {
		if line != "" {
			fmt.Fprintf(w, "  | %s", strings.TrimSuffix(line, "\n")+"\n")
		}
	}
}

// printable shows text as text and anything else as hex.
func printable(b []byte) string {
	if utf8.Valid(b) && !strings.ContainsFunc(string(b), func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }) {
		return string(b)
	}
	return "0x" + hex.EncodeToString(b)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func parseSeed(s string) ([32]byte, error) {
	var seed [32]byte
	s = strings.TrimPrefix(s, "0x")
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return seed, fmt.Errorf("%q is not 32 bytes of hex (64 hex digits)", s)
	}
	copy(seed[:], b)
	return seed, nil
}
