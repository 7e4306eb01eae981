package consensus

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json")

// resultDigest hashes every field of r. JSON prints each float64 in the
// shortest form that parses back to the same bits, so equal digests mean
// bit-identical results.
func resultDigest(r *Result) string {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// randomSubnet is a reproducible subnet of n uids, the first v of which
// are validators that each weight a fraction density of the others.
func randomSubnet(seed uint64, n, v int, density float64) *Input {
	rng := rand.New(rand.NewPCG(seed, 0))
	in := &Input{Stake: make([]float64, n), Weights: make(Matrix, v), Block: 100_000, Tempo: 360, Emission: 1e18}
	for i := range n {
		if i < v {
			in.Stake[i] = float64(1 + rng.IntN(1_000_000))
		} else {
			in.Stake[i] = float64(rng.IntN(10))
		}
	}
	for i := range v {
		for j := range n {
			if rng.Float64() < density {
				in.Weights[i] = append(in.Weights[i], Entry{uint32(j), float64(1 + rng.IntN(65535))})
			}
		}
	}
	return in
}

// goldenCases are the scenarios whose results are pinned, bit for bit, in
// testdata/golden.json. A machine of any architecture must reproduce them.
func goldenCases() map[string]func() (Params, *Input) {
	withBonds := func(p Params, in *Input) *Input {
		r, err := Epoch(p, in)
		if err != nil {
			panic(err)
		}
		in.Bonds = r.Bonds
		return in
	}
	return map[string]func() (Params, *Input){
		"hand-epoch-1": func() (Params, *Input) { return DefaultParams(), handScenario(0) },
		"hand-epoch-4": func() (Params, *Input) {
			return DefaultParams(), withBonds(DefaultParams(), handScenario(3))
		},
		"random-64x256": func() (Params, *Input) {
			p := DefaultParams()
			return p, withBonds(p, randomSubnet(1, 256, 64, 0.3))
		},
		"random-64x256-yuma3": func() (Params, *Input) {
			p := DefaultParams()
			p.Yuma3, p.BondsPenalty, p.Kappa = true, 0.5, 0.6
			return p, withBonds(p, randomSubnet(2, 256, 64, 0.3))
		},
		"random-64x256-liquid-alpha": func() (Params, *Input) {
			p := DefaultParams()
			p.Yuma3, p.LiquidAlpha, p.BondsPenalty, p.AlphaLow = true, true, 0, 0.2
			return p, withBonds(p, randomSubnet(4, 256, 64, 0.3))
		},
		"random-256x1024-sparse": func() (Params, *Input) {
			p := DefaultParams()
			p.MaxValidators = 200
			return p, randomSubnet(3, 1024, 256, 0.02)
		},
	}
}

// TestGolden pins the results of goldenCases. Run with -update after a
// deliberate change to the algorithm, and say why in the commit.
func TestGolden(t *testing.T) {
	path := filepath.Join("testdata", "golden.json")
	got := map[string]string{}
	for name, c := range goldenCases() {
		p, in := c()
		r, err := Epoch(p, in)
		if err != nil {
			t.Fatal(err)
		}
		got[name] = resultDigest(r)
	}
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for name, d := range got {
		if want[name] != d {
			t.Errorf("%s: result digest %s, golden %s (GOARCH %s)", name, d, want[name], runtime.GOARCH)
		}
	}
	if len(want) != len(got) {
		t.Errorf("golden file has %d cases, test has %d", len(want), len(got))
	}
}

// fused matches the fused multiply-add instructions of the Go assemblers
// for arm64 (FMADDD), ppc64 (FMADD), s390x (FMADD) and riscv64 (FMADDD),
// with their subtract and negate forms.
var fused = regexp.MustCompile(`\bFN?M(ADD|SUB)[SD]?\b`)

// TestNoFusedMultiplyAdd compiles the package for the architectures whose
// Go compiler fuses x*y+z, and fails if any fused instruction is left: one
// would make results differ from amd64's in the last bit. It first checks
// that the detector sees a fusion the compiler is known to make.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the package for four architectures")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	probe := t.TempDir()
	writeFile(t, filepath.Join(probe, "go.mod"), "module probe\n\ngo 1.26\n")
	writeFile(t, filepath.Join(probe, "p.go"), "package p\n\nfunc F(x, y, z float64) float64 { return x*y + z }\n")

	asm := func(dir, pkg, arch string) string {
		cmd := exec.Command(goTool, "build", "-gcflags="+pkg+"=-S", "-o", os.DevNull, pkg)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("GOARCH=%s go build %s: %v\n%s", arch, pkg, err, out)
		}
		return string(out)
	}
	if !fused.MatchString(asm(probe, "probe", "arm64")) {
		t.Fatal("the detector does not see the fused multiply-add arm64 makes of x*y+z")
	}
	for _, arch := range []string{"arm64", "ppc64le", "s390x", "riscv64"} {
		if m := fused.FindString(asm(".", "github.com/crucible-net/crucible/consensus", arch)); m != "" {
			t.Errorf("GOARCH=%s: the compiled package contains %s; wrap the product in float64(...)", arch, m)
		}
	}
}

func writeFile(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
