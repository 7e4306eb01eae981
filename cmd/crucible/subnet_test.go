package main

import (
	"bytes"
	"encoding/json"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crucible-net/crucible/examples/linreg"
	"github.com/crucible-net/crucible/testnet"
)

func TestSubnetNewRefuses(t *testing.T) {
	nonEmpty := t.TempDir()
	mine := filepath.Join(nonEmpty, "mine.txt")
	if err := os.WriteFile(mine, []byte("the user's"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no name", nil, 2, "want one NAME"},
		{"two names", []string{"a", "b"}, 2, "want one NAME"},
		{"upper case", []string{"Linear"}, 2, `subnet name "Linear" starts with 'L': a subnet name is 1 to 64 of a-z, 0-9 and '-', starting with a letter`},
		{"underscore", []string{"lin_reg"}, 2, `has '_' at 3: a subnet name is 1 to 64`},
		{"digit first", []string{"1subnet"}, 2, "starts with '1': a subnet name"},
		{"too long", []string{strings.Repeat("a", 65)}, 2, "has 65 characters: a subnet name is 1 to 64"},
		{"empty", []string{""}, 2, `subnet name "" has 0 characters`},
		{"flag-like", []string{"-x"}, 2, "flag provided but not defined"},
		{"non-empty dir", []string{"fine", "--dir", nonEmpty}, 1, "exists and is not empty (it holds mine.txt): choose another --dir or remove it first"},
		{"file as dir", []string{"fine", "--dir", mine}, 1, "exists and is not a directory"},
		{"help", []string{"--help"}, 0, "Create a new subnet NAME from the linreg example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"subnet", "new"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out+errOut, tc.want) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", tc.want, out, errOut)
			}
		})
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "the user's" {
		t.Errorf("the user's file is now %q, %v", b, err)
	}
	if code, _, errOut := run(t, "subnet"); code != 2 || !strings.Contains(errOut, "new ") {
		t.Errorf("crucible subnet: exit %d, stderr %s", code, errOut)
	}
}

func TestSubnetNewDefaultDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "taken", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, _, errOut := run(t, "subnet", "new", "taken")
	if code != 1 || !strings.Contains(errOut, filepath.Join(dir, "taken")+" exists and is not empty") {
		t.Errorf("exit %d, stderr %s; want the default target ./taken refused", code, errOut)
	}
}

func TestSubnetNewOutsideClone(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	target := filepath.Join(dir, "away")
	code, _, errOut := run(t, "subnet", "new", "away", "--dir", target)
	if code != 1 || !strings.Contains(errOut, "run this inside a clone of the crucible repository: the new subnet builds against its packages") {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("%s left behind: %v", target, err)
	}
}

func TestSubnetImport(t *testing.T) {
	root := filepath.FromSlash("/src/crucible")
	crucible := &modFile{dir: root, path: crucibleModule}
	other := &modFile{dir: filepath.FromSlash("/src/other"), path: "example.com/other"}
	in := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	tests := []struct {
		target    string
		enclosing *modFile
		base      string
		own       bool
		err       string
	}{
		{filepath.FromSlash("/tmp/x/vision"), nil, "vision", true, ""},
		{filepath.FromSlash("/src/other/vision"), other, "vision", true, ""},
		{in("examples/vision"), crucible, crucibleModule + "/examples/vision", false, ""},
		{in("subnets/deep/er/vision"), crucible, crucibleModule + "/subnets/deep/er/vision", false, ""},
		{in("vision"), crucible, crucibleModule + "/vision", false, ""},
		{root, crucible, "", false, "not below the crucible module root"},
		{in("examples/testdata/vision"), crucible, "", false, `"testdata" is not a valid import path element`},
		{in("_old/vision"), crucible, "", false, `"_old" is not a valid import path element`},
		{in("my subnets/vision"), crucible, "", false, `"my subnets" is not a valid import path element`},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			base, own, err := subnetImport("vision", tc.target, tc.enclosing)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "choose another --dir") {
					t.Errorf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil || base != tc.base || own != tc.own {
				t.Errorf("got %q, own %v, %v; want %q, own %v", base, own, err, tc.base, tc.own)
			}
		})
	}
}

func TestSubnetRename(t *testing.T) {
	root := filepath.FromSlash("/src/crucible")
	crucible := &modFile{dir: root, path: crucibleModule}
	inRepo := &subnetPlan{name: "vision", target: filepath.Join(root, "subnets", "vision"), base: crucibleModule + "/subnets/vision", root: crucible}
	away := filepath.FromSlash("/tmp/vision")
	own := &subnetPlan{name: "vision", target: away, base: "vision", own: true, root: crucible}
	goSrc := "// Command miner is the linreg miner. It uses examples/linreg/model.\npackage main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/crucible-net/crucible/examples/linreg/model\"\n)\n\nvar a, bb = \"linreg\", 1 // aligned\nvar ccc = 2              // with this\n\nfunc main() { fmt.Println(a, bb, ccc, model.X) }\n"
	readme := "# linreg\ngo run ./cmd/crucible testnet --subnet examples/linreg\ngo generate ./examples/linreg/evaluator\n"
	tests := []struct {
		plan       *subnetPlan
		file, src  string
		want, lack []string
	}{
		{inRepo, "miner/main.go", goSrc, []string{`"github.com/crucible-net/crucible/subnets/vision/model"`, "uses subnets/vision/model.", `"vision"`}, []string{"linreg"}},
		{own, "miner/main.go", goSrc, []string{"\t\"vision/model\"\n", "uses vision/model.", "the vision miner"}, []string{"linreg", "crucible-net/crucible/examples"}},
		{inRepo, "README.md", readme, []string{"# vision\n", "--subnet subnets/vision\n", "go generate ./subnets/vision/evaluator\n"}, []string{"linreg"}},
		{own, "README.md", readme, []string{"--subnet " + filepath.ToSlash(away) + "\n", "go generate " + filepath.ToSlash(away) + "/evaluator\n"}, []string{"linreg", ".//"}},
	}
	for _, tc := range tests {
		got := tc.plan.rename(tc.file, []byte(tc.src))
		for _, w := range tc.want {
			if !bytes.Contains(got, []byte(w)) {
				t.Errorf("%s (own %v) lacks %q:\n%s", tc.file, tc.plan.own, w, got)
			}
		}
		for _, l := range tc.lack {
			if bytes.Contains(got, []byte(l)) {
				t.Errorf("%s (own %v) still has %q:\n%s", tc.file, tc.plan.own, l, got)
			}
		}
		if strings.HasSuffix(tc.file, ".go") {
			if f, err := format.Source(got); err != nil || !bytes.Equal(f, got) {
				t.Errorf("%s (own %v) is not gofmt-clean: %v\n%s", tc.file, tc.plan.own, err, got)
			}
		}
	}

	testnet, generate := inRepo.next(root)
	if testnet != "go run ./cmd/crucible testnet --subnet ./subnets/vision" || generate != "go generate ./subnets/vision/evaluator" {
		t.Errorf("in the repository, from its root: %q, %q", testnet, generate)
	}
	cd := "cd " + root + " && "
	if testnet, generate = inRepo.next(filepath.Join(root, "cmd")); testnet != cd+"go run ./cmd/crucible testnet --subnet ./subnets/vision" || generate != cd+"go generate ./subnets/vision/evaluator" {
		t.Errorf("in the repository, from below its root: %q, %q", testnet, generate)
	}
	if testnet, generate = own.next(away); testnet != cd+"go run ./cmd/crucible testnet --subnet "+away || generate != "go -C "+away+" generate ./evaluator" {
		t.Errorf("a module of its own: %q, %q", testnet, generate)
	}
}

func TestSubnetParseGoMod(t *testing.T) {
	m := parseGoMod([]byte("// comment\nmodule \"example.com/m\" // the module\n\ngo 1.26.6\n\nrequire (\n\tx v1\n)\n"))
	if m.path != "example.com/m" || m.goV != "1.26.6" {
		t.Errorf("got %+v", m)
	}
	// This package is in the crucible module, whose root is two levels up.
	wd, _ := os.Getwd()
	root, err := findCrucible(wd)
	if err != nil || root == nil || root.dir != filepath.Dir(filepath.Dir(wd)) || root.goV == "" {
		t.Errorf("findCrucible(%s) = %+v, %v", wd, root, err)
	}
}

func TestSubnetTemplate(t *testing.T) {
	var files []string
	err := fs.WalkDir(linreg.Template, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"README.md", "subnet.json", "evaluator/main.go", "evaluator/main_test.go", "miner/main.go", "copier/main.go"} {
		if !slices.Contains(files, want) {
			t.Errorf("template lacks %s; it has %v", want, files)
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".wasm") || strings.HasPrefix(f, "template") {
			t.Errorf("template holds %s: build output and the template package itself stay out", f)
		}
	}
	src, err := fs.ReadFile(linreg.Template, "evaluator/main.go")
	if err != nil {
		t.Fatal(err)
	}
	env, args, err := testnet.EvaluatorBuild(src)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(env, []string{"GOOS=wasip1", "GOARCH=wasm"}) || args[0] != "build" || !slices.Contains(args, "evaluator.wasm") {
		t.Errorf("evaluator build: env %q, args %q", env, args)
	}
}

// TestSubnetNewBuilds scaffolds a subnet outside the repository, so it is a
// module of its own that reaches crucible through a replace directive, and
// checks that it builds, vets and passes its tests offline.
func TestSubnetNewBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build, go vet and go test")
	}
	goCmd, err := testnet.GoCommand()
	if err != nil {
		t.Skip(err)
	}
	t.Setenv("GOPROXY", "off") // everything comes from the module cache
	t.Setenv("GOWORK", "off")
	dir := filepath.Join(t.TempDir(), "new-one")
	start := time.Now()
	code, out, errOut := run(t, "subnet", "new", "my-subnet", "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	t.Logf("scaffolded in %v:\n%s", time.Since(start).Round(time.Millisecond), out)
	for _, want := range []string{
		`created subnet "my-subnet" in ` + dir,
		"go run ./cmd/crucible testnet --subnet " + dir,
		"go -C " + dir + " generate ./evaluator",
		"evaluator/evaluator.wasm (built with go",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	wasm, err := os.ReadFile(filepath.Join(dir, "evaluator", "evaluator.wasm"))
	if err != nil || !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Fatalf("evaluator.wasm: %d bytes, %v", len(wasm), err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || !bytes.HasPrefix(gomod, []byte("module my-subnet\n")) || !bytes.Contains(gomod, []byte("replace "+crucibleModule+" => ")) {
		t.Errorf("go.mod: %v\n%s", err, gomod)
	}
	var manifest struct{ Name string }
	if b, err := os.ReadFile(filepath.Join(dir, "subnet.json")); err != nil || json.Unmarshal(b, &manifest) != nil || manifest.Name != "my-subnet" {
		t.Errorf("subnet.json name %q, %v", manifest.Name, err)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(strings.ToLower(p), "linreg") || bytes.Contains(bytes.ToLower(b), []byte("linreg")) {
			t.Errorf("%s still says linreg", p)
		}
		if strings.HasSuffix(p, ".go") {
			if f, err := format.Source(b); err != nil || !bytes.Equal(f, b) {
				t.Errorf("%s is not gofmt-clean: %v", p, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "-timeout=5m", "./..."}} {
		cmd := exec.Command(goCmd, args...)
		cmd.Dir = dir
		start := time.Now()
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		t.Logf("go %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	}

	// The module it built is the renamed evaluator, and it runs.
	testdata := filepath.Join(dir, "evaluator", "testdata")
	code, out, errOut = run(t, "eval", "run", filepath.Join(dir, "evaluator", "evaluator.wasm"), "--no-cache",
		"--task", filepath.Join(testdata, "task.json"), "--output", filepath.Join(testdata, "good.json"), "--json")
	var res struct {
		Score float64
		Log   string
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Score < 0.9 {
		t.Errorf("eval run: exit %d, score %v\nstdout: %s\nstderr: %s", code, res.Score, out, errOut)
	}
}
