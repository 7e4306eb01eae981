package testnet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/crucible-net/crucible/tasks"
)

// SubnetFile is the file in a subnet directory that describes it.
const SubnetFile = "subnet.json"

// ErrSubnet: a subnet directory is missing something or describes an
// invalid subnet; the message names the file and the field.
var ErrSubnet = errors.New("invalid subnet directory")

// Subnet is a subnet directory as the testnet runs it: its manifest (with
// the evaluator not yet linked), the evaluator module, and who plays what.
type Subnet struct {
	// Dir is the directory, absolute.
	Dir string
	// Manifest is the manifest without its evaluator link (set once the
	// module is imported) and with the testnet's network.
	Manifest tasks.Manifest
	// Evaluator is the WebAssembly module.
	Evaluator []byte
	// Validators and Miners are the roles the testnet hands out, in
	// order; a network with more nodes than roles cycles through them.
	Validators []Role
	Miners     []Role
}

// Role is what one node of the testnet does beyond running a node.
type Role struct {
	// Label names the role in the live view ("honest", "copier").
	Label string `json:"label"`
	// Program is a Go package directory, relative to the subnet
	// directory, built once and run next to the node as
	// PROGRAM -api URL -token-file PATH -subnet N ARGS...
	Program string   `json:"program"`
	Args    []string `json:"args"`
	// Weights is the validator's validator.weights ("evaluations" or
	// "api"); empty is "evaluations".
	Weights string `json:"weights"`
}

// subnetFile is subnet.json: the manifest's fields in JSON, the
// evaluator as a path, and the testnet's roles.
type subnetFile struct {
	Name          string `json:"name"`
	Evaluator     string `json:"evaluator"`
	ABI           uint32 `json:"abi"`
	TasksPerEpoch uint32 `json:"tasks_per_epoch"`
	MaxFetchBytes uint64 `json:"max_fetch_bytes"`
	Limits        struct {
		Fuel        uint64 `json:"fuel"`
		MemoryPages uint32 `json:"memory_pages"`
		OutputBytes uint32 `json:"output_bytes"`
	} `json:"limits"`
	Timing struct {
		Tempo                  uint64 `json:"tempo"`
		SubmissionDeadline     uint64 `json:"submission_deadline"`
		SubmissionRevealWindow uint64 `json:"submission_reveal_window"`
		WeightRevealWindow     uint64 `json:"weight_reveal_window"`
	} `json:"timing"`
	Scoring struct {
		Rule string `json:"rule"`
		K    uint32 `json:"k"`
	} `json:"scoring"`
	Consensus struct {
		Kappa            float64 `json:"kappa"`
		BondsAlpha       float64 `json:"bonds_alpha"`
		BondsPenalty     float64 `json:"bonds_penalty"`
		MaxValidators    uint32  `json:"max_validators"`
		ActivityCutoff   uint64  `json:"activity_cutoff"`
		StakeThreshold   uint64  `json:"stake_threshold"`
		OwnerCut         float64 `json:"owner_cut"`
		Yuma3            bool    `json:"yuma3"`
		EmissionPerEpoch uint64  `json:"emission_per_epoch"`
	} `json:"consensus"`
	Testnet struct {
		Validators []Role `json:"validators"`
		Miners     []Role `json:"miners"`
	} `json:"testnet"`
}

// LoadSubnet reads the subnet directory dir for network. A missing
// evaluator module is built from its Go package if the go command is
// available.
//
// # Errors
//
// ErrSubnet, naming the file and what to fix.
func LoadSubnet(ctx context.Context, dir, network string) (*Subnet, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, SubnetFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: no %s in %s: point --subnet at a subnet directory (examples/linreg is one; `crucible subnet new NAME` makes another)", ErrSubnet, SubnetFile, dir)
	}
	if err != nil {
		return nil, err
	}
	var f subnetFile
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSubnet, path, err)
	}
	s := &Subnet{Dir: dir, Validators: f.Testnet.Validators, Miners: f.Testnet.Miners}
	s.Manifest = tasks.Manifest{
		Version: tasks.ProtocolVersion, Name: f.Name, Network: network, ABI: f.ABI,
		Limits:        tasks.SandboxLimits{Fuel: f.Limits.Fuel, MemoryPages: f.Limits.MemoryPages, OutputBytes: f.Limits.OutputBytes},
		MaxFetchBytes: f.MaxFetchBytes,
		Timing: tasks.Timing{Tempo: f.Timing.Tempo, SubmissionDeadline: f.Timing.SubmissionDeadline,
			SubmissionRevealWindow: f.Timing.SubmissionRevealWindow, WeightRevealWindow: f.Timing.WeightRevealWindow},
		Scoring: tasks.Scoring{Rule: f.Scoring.Rule, K: f.Scoring.K},
		Consensus: tasks.ConsensusParams{Kappa: f.Consensus.Kappa, BondsAlpha: f.Consensus.BondsAlpha, BondsPenalty: f.Consensus.BondsPenalty,
			MaxValidators: f.Consensus.MaxValidators, ActivityCutoff: f.Consensus.ActivityCutoff, StakeThreshold: f.Consensus.StakeThreshold,
			OwnerCut: f.Consensus.OwnerCut, Yuma3: f.Consensus.Yuma3, EmissionPerEpoch: f.Consensus.EmissionPerEpoch},
		TasksPerEpoch: f.TasksPerEpoch,
		// A placeholder until the module is imported, so that the rest
		// of the manifest can be checked now.
		Evaluator: tasks.SumLink(0x55, nil),
	}
	if err := s.Manifest.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSubnet, path, err)
	}
	for _, r := range append(append([]Role(nil), s.Validators...), s.Miners...) {
		if r.Program != "" && !filepath.IsLocal(filepath.Clean(r.Program)) {
			return nil, fmt.Errorf("%w: %s: program %q must be a directory inside the subnet directory", ErrSubnet, path, r.Program)
		}
		switch r.Weights {
		case "", "evaluations", "api":
		default:
			return nil, fmt.Errorf("%w: %s: weights %q, want \"evaluations\" or \"api\"", ErrSubnet, path, r.Weights)
		}
	}
	if f.Evaluator == "" || !filepath.IsLocal(filepath.Clean(f.Evaluator)) {
		return nil, fmt.Errorf("%w: %s: evaluator %q must be a path inside the subnet directory", ErrSubnet, path, f.Evaluator)
	}
	wasm := filepath.Join(dir, f.Evaluator)
	if _, err := os.Stat(wasm); errors.Is(err, os.ErrNotExist) {
		if err := buildEvaluator(ctx, wasm); err != nil {
			return nil, err
		}
	}
	if s.Evaluator, err = os.ReadFile(wasm); err != nil {
		return nil, fmt.Errorf("%w: evaluator: %v", ErrSubnet, err)
	}
	return s, nil
}

// buildEvaluator builds the missing module wasm from the Go package in
// its directory, with the go build of its main.go's //go:generate line.
func buildEvaluator(ctx context.Context, wasm string) error {
	pkg := filepath.Dir(wasm)
	src, err := os.ReadFile(filepath.Join(pkg, "main.go"))
	if err != nil {
		return fmt.Errorf("%w: no evaluator module %s and no Go package beside it to build it from", ErrSubnet, wasm)
	}
	env, args, err := EvaluatorBuild(src)
	if err != nil {
		return fmt.Errorf("%w: no evaluator module %s, and %v", ErrSubnet, wasm, err)
	}
	goCmd, err := GoCommand()
	if err != nil {
		return fmt.Errorf("%w: no evaluator module %s to run, and %v", ErrSubnet, wasm, err)
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w: build the evaluator in %s: %v\n%s", ErrSubnet, pkg, err, out)
	}
	return nil
}

// ErrNoGo: no Go toolchain to build a subnet's programs or evaluator with.
var ErrNoGo = errors.New("no Go toolchain found: install Go (https://go.dev/dl/) or put it on PATH")

// GoCommand returns the go command: the one on PATH, else the one of the
// toolchain this binary was built with, if it is still there.
func GoCommand() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	exe := "go"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	// Deprecated, but a fair guess when go is not on PATH.
	if root := runtime.GOROOT(); root != "" {
		p := filepath.Join(root, "bin", exe)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", ErrNoGo
}

// EvaluatorBuild reads the //go:generate line of the evaluator's main.go,
// "env K=V ... go build ...", so that the subnet is built exactly as its
// go generate will build it later.
func EvaluatorBuild(src []byte) (env, args []string, err error) {
	for line := range strings.Lines(string(src)) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "//go:generate ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) > 0 && f[0] == "env" {
			f = f[1:]
			for len(f) > 0 && strings.Contains(f[0], "=") {
				env, f = append(env, f[0]), f[1:]
			}
		}
		if len(f) >= 2 && f[0] == "go" && f[1] == "build" {
			return env, f[1:], nil
		}
		env = nil
	}
	return nil, nil, errors.New("the evaluator's main.go has no //go:generate line that runs go build")
}

// buildPrograms builds every program the roles name into bin and returns
// each program's executable by its directory.
func (s *Subnet) buildPrograms(ctx context.Context, bin string) (map[string]string, error) {
	out := map[string]string{}
	for _, r := range append(append([]Role(nil), s.Validators...), s.Miners...) {
		if r.Program == "" || out[r.Program] != "" {
			continue
		}
		src := filepath.Join(s.Dir, r.Program)
		// Numbered, so that two directories with one base name do not
		// overwrite each other's executable.
		exe := filepath.Join(bin, fmt.Sprintf("%d-%s", len(out), filepath.Base(filepath.Clean(r.Program))))
		goCmd, err := GoCommand()
		if err != nil {
			return nil, fmt.Errorf("%w: the subnet's programs are Go packages, and %v", ErrSubnet, err)
		}
		cmd := exec.CommandContext(ctx, goCmd, "build", "-o", exe, ".")
		cmd.Dir = src
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%w: build program %s: %v\n%s", ErrSubnet, src, err, b)
		}
		out[r.Program] = exe
	}
	return out, nil
}

// withTempo returns the timing scaled to tempo, every window keeping its
// share of the epoch (at least one block each).
func withTempo(t tasks.Timing, tempo uint64) tasks.Timing {
	if tempo == 0 || tempo == t.Tempo {
		return t
	}
	scale := func(v uint64) uint64 { return max(1, (v*tempo+t.Tempo/2)/t.Tempo) }
	out := tasks.Timing{Tempo: tempo, SubmissionDeadline: scale(t.SubmissionDeadline),
		SubmissionRevealWindow: scale(t.SubmissionRevealWindow), WeightRevealWindow: scale(t.WeightRevealWindow)}
	for out.SubmissionDeadline+out.SubmissionRevealWindow > tempo && out.SubmissionRevealWindow > 1 {
		out.SubmissionRevealWindow--
	}
	out.WeightRevealWindow = min(out.WeightRevealWindow, tempo)
	return out
}
