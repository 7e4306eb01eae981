package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/crucible-net/crucible/examples/linreg"
	"github.com/crucible-net/crucible/tasks"
	"github.com/crucible-net/crucible/testnet"
)

const (
	// crucibleModule is the module path of this repository: the new
	// subnet's packages import its packages.
	crucibleModule = "github.com/crucible-net/crucible"
	// templateName is the example subnet that linreg.Template holds; every
	// occurrence of it in the template becomes the new subnet's name.
	templateName = "linreg"
	// templateDir is the template's directory in the crucible repository.
	templateDir = "examples/" + templateName
	// templateImport is the import path of the template's root directory.
	templateImport = crucibleModule + "/" + templateDir
	// pseudoVersion is what a module requires of crucible when a replace
	// directive points it at a local clone.
	pseudoVersion = "v0.0.0-00010101000000-000000000000"
)

const subnetNewSummary = `Create a new subnet NAME from the linreg example: its README, subnet.json,
the shared task model and node API client, the WASM evaluator with its test
data, the miner and the weight-copying validator, with every "linreg" renamed
to NAME. Then build it, evaluator.wasm included, so the directory is ready
for a testnet.

NAME is 1 to 64 of a-z, 0-9 and '-', starting with a letter. The subnet is
written to --dir, or ./NAME; an existing directory must be empty.

Inside a clone of the crucible repository, the new packages are part of
its module. Anywhere else the subnet gets its own module, NAME, whose
go.mod points at the clone the command runs in with a replace directive,
so this command must run inside a clone.`

func runSubnetNew(e *env, args []string) error {
	fs := e.newFlagSet("crucible subnet new", "NAME [--dir PATH]", subnetNewSummary)
	dir := fs.String("dir", "", "directory to create the subnet in (default ./NAME)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one NAME, got %d arguments", errUsage, len(pos))
	}
	name := pos[0]
	if err := checkSubnetName(name); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	target := *dir
	if target == "" {
		target = name
	}
	if target, err = filepath.Abs(target); err != nil {
		return err
	}
	existed, err := checkTarget(target)
	if err != nil {
		return err
	}
	s, err := planSubnet(name, target)
	if err != nil {
		return err
	}
	files, err := s.write(linreg.Template)
	if err != nil {
		if !existed {
			os.RemoveAll(target)
		}
		return err
	}
	built, err := s.build(e)
	if err != nil {
		return fmt.Errorf("%w\nthe sources are in %s: fix them and run %s", err, target, s.buildHint())
	}
	s.report(e.stdout, files, built)
	return nil
}

// checkSubnetName applies the manifest's name rules (tasks.Manifest.Name)
// and asks for a leading letter, so the name is also a Go module path and
// a directory name that no tool mistakes for a flag or a number.
func checkSubnetName(name string) error {
	rule := fmt.Sprintf("a subnet name is 1 to %d of a-z, 0-9 and '-', starting with a letter", tasks.MaxNameLen)
	if name == "" || len(name) > tasks.MaxNameLen {
		return fmt.Errorf("subnet name %q has %d characters: %s", name, len(name), rule)
	}
	if c := name[0]; c < 'a' || c > 'z' {
		return fmt.Errorf("subnet name %q starts with %q: %s", name, c, rule)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return fmt.Errorf("subnet name %q has %q at %d: %s", name, c, i, rule)
		}
	}
	return nil
}

// checkTarget makes sure the target is a new or an empty directory, so
// that nothing of the user's is ever overwritten, and reports whether it
// exists.
func checkTarget(target string) (exists bool, err error) {
	info, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !info.IsDir():
		return false, fmt.Errorf("%s exists and is not a directory: choose another --dir", target)
	}
	ents, err := os.ReadDir(target)
	if err != nil {
		return false, err
	}
	if len(ents) > 0 {
		return false, fmt.Errorf("%s exists and is not empty (it holds %s): choose another --dir or remove it first", target, ents[0].Name())
	}
	return true, nil
}

// modFile is a go.mod found on disk.
type modFile struct {
	dir  string // the directory holding go.mod
	path string // its module path
	goV  string // its go line ("1.26.6"), or ""
}

// findModule returns the module whose go.mod is in dir or the nearest of
// its parents, or nil if there is none.
func findModule(dir string) (*modFile, error) {
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			m := parseGoMod(b)
			m.dir = dir
			return &m, nil
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			return nil, err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, nil
		}
		dir = parent
	}
}

// parseGoMod reads the module and go lines of a go.mod file: all that is
// needed here, without a dependency for the full syntax.
func parseGoMod(b []byte) modFile {
	var m modFile
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		v := f[1]
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		}
		switch f[0] {
		case "module":
			m.path = v
		case "go":
			m.goV = v
		}
	}
	return m
}

// subnetImport says where the new subnet's packages live: inside the
// crucible module when the target is in it (enclosing is the module that
// contains the target, nil if none), else in a module of their own named
// after the subnet. base is the import path of the target directory, so
// the subnet's model package is base + "/model".
func subnetImport(name, target string, enclosing *modFile) (base string, own bool, err error) {
	if enclosing == nil || enclosing.path != crucibleModule {
		return name, true, nil
	}
	rel, err := filepath.Rel(enclosing.dir, target)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false, fmt.Errorf("%s is not below the crucible module root %s: choose another --dir", target, enclosing.dir)
	}
	rel = filepath.ToSlash(rel)
	for _, elem := range strings.Split(rel, "/") {
		if !goodPathElem(elem) {
			return "", false, fmt.Errorf("%s cannot hold Go packages: the directory %q is not a valid import path element (use letters, digits, '-', '_' and '.', not starting with '.' or '_', and not testdata): choose another --dir", target, elem)
		}
	}
	return crucibleModule + "/" + rel, false, nil
}

// goodPathElem reports whether elem can appear in the import path of a
// package that "go build ./..." sees.
func goodPathElem(elem string) bool {
	if elem == "" || elem == "testdata" || elem[0] == '.' || elem[0] == '_' {
		return false
	}
	for _, r := range elem {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~", r)) {
			return false
		}
	}
	return true
}

// subnetPlan is what runSubnetNew will write and where.
type subnetPlan struct {
	name   string
	target string
	// base is the import path of the target directory.
	base string
	// own is set when the subnet is a module of its own, which requires
	// crucible (at root) through a replace directive.
	own  bool
	root *modFile // the crucible module
}

// findCrucible returns the crucible module that contains dir, or nil.
func findCrucible(dir string) (*modFile, error) {
	for {
		m, err := findModule(dir)
		if err != nil || m == nil || m.path == crucibleModule {
			return m, err
		}
		dir = filepath.Dir(m.dir)
		if dir == m.dir {
			return nil, nil
		}
	}
}

func planSubnet(name, target string) (*subnetPlan, error) {
	enclosing, err := findModule(filepath.Dir(target))
	if err != nil {
		return nil, fmt.Errorf("look for the Go module around %s: %w", target, err)
	}
	base, own, err := subnetImport(name, target, enclosing)
	if err != nil {
		return nil, err
	}
	s := &subnetPlan{name: name, target: target, base: base, own: own, root: enclosing}
	if own {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if s.root, err = findCrucible(wd); err != nil {
			return nil, err
		}
		if s.root == nil {
			return nil, fmt.Errorf("%s is outside the crucible module and %s is not in a clone of it: run this inside a clone of the crucible repository: the new subnet builds against its packages", target, wd)
		}
	}
	return s, nil
}

// rename turns one template file into the new subnet's. The template's
// import path becomes the subnet's; its directory, examples/linreg, in
// Go comments becomes the subnet's import path too, and in the README's
// commands, which run from the crucible root, the subnet's directory as
// seen from there; every other "linreg" becomes the subnet's name. Go
// files are formatted again, as names of another length move the columns
// gofmt aligns.
func (s *subnetPlan) rename(file string, b []byte) []byte {
	t := strings.ReplaceAll(string(b), templateImport, s.base)
	if strings.HasSuffix(file, ".go") {
		t = strings.ReplaceAll(t, templateDir, strings.TrimPrefix(s.base, crucibleModule+"/"))
	} else {
		dir := filepath.ToSlash(s.target)
		if rel, err := filepath.Rel(s.root.dir, s.target); err == nil && !s.own {
			dir = "./" + filepath.ToSlash(rel)
		}
		t = strings.ReplaceAll(t, "./"+templateDir, dir)
		t = strings.ReplaceAll(t, templateDir, strings.TrimPrefix(dir, "./"))
	}
	t = strings.ReplaceAll(t, templateName, s.name)
	out := []byte(t)
	if strings.HasSuffix(file, ".go") {
		if f, err := format.Source(out); err == nil {
			out = f
		}
	}
	return out
}

// write copies the template into the target and returns the files it
// wrote, relative to the target.
func (s *subnetPlan) write(tmpl fs.FS) ([]string, error) {
	if err := os.MkdirAll(s.target, 0o755); err != nil {
		return nil, fmt.Errorf("create the subnet directory: %w", err)
	}
	var files []string
	err := fs.WalkDir(tmpl, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		dst := filepath.Join(s.target, filepath.FromSlash(strings.ReplaceAll(p, templateName, s.name)))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(tmpl, p)
		if err != nil {
			return err
		}
		if err := writeNew(dst, s.rename(p, b)); err != nil {
			return err
		}
		files = append(files, strings.ReplaceAll(p, templateName, s.name))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("write the subnet: %w", err)
	}
	if s.own {
		sum, err := os.ReadFile(filepath.Join(s.root.dir, "go.sum"))
		if err != nil {
			return nil, fmt.Errorf("read the crucible module's go.sum: %w", err)
		}
		if err := writeNew(filepath.Join(s.target, "go.mod"), s.goMod()); err != nil {
			return nil, err
		}
		if err := writeNew(filepath.Join(s.target, "go.sum"), sum); err != nil {
			return nil, err
		}
		files = append([]string{"go.mod", "go.sum"}, files...)
	}
	return files, nil
}

// goMod is the go.mod of a subnet that is a module of its own. Its go line
// is crucible's: a lower one would make the go command ask for go mod tidy
// before anything builds.
func (s *subnetPlan) goMod() []byte {
	goV := s.root.goV
	if goV == "" {
		goV = "1.26"
	}
	return fmt.Appendf(nil, "module %s\n\ngo %s\n\nrequire %s %s\n\nreplace %s => %s\n",
		s.name, goV, crucibleModule, pseudoVersion, crucibleModule, modFilePath(s.root.dir))
}

// modFilePath quotes a directory for a go.mod line if it needs it.
func modFilePath(dir string) string {
	if strings.ContainsAny(dir, " \t\r\n\"'`") || strings.Contains(dir, "//") {
		return strconv.Quote(dir)
	}
	return dir
}

// writeNew writes a file that must not exist yet.
func writeNew(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// build makes the directory complete: a tidy go.mod for a module of its
// own, every package compiled, and evaluator/evaluator.wasm. It returns
// the go version that built the evaluator, or "" without a toolchain.
func (s *subnetPlan) build(e *env) (string, error) {
	goCmd, err := testnet.GoCommand()
	if err != nil {
		fmt.Fprintf(e.stderr, "crucible subnet new: %v\nthe sources are in %s: build them with %s\n", err, s.target, s.buildHint())
		return "", nil
	}
	src, err := fs.ReadFile(linreg.Template, "evaluator/main.go")
	if err != nil {
		return "", err
	}
	wasmEnv, wasmArgs, err := testnet.EvaluatorBuild(src)
	if err != nil {
		return "", err
	}
	// A first build with a cold cache takes most of a minute.
	fmt.Fprintf(e.stdout, "building the subnet in %s and its evaluator.wasm with %s...\n", s.target, goCmd)
	env := os.Environ()
	if s.own {
		// The new module is not in any workspace around it.
		env = append(env, "GOWORK=off")
	}
	run := func(dir string, extra []string, args ...string) ([]byte, error) {
		cmd := exec.Command(goCmd, args...)
		cmd.Dir = dir
		cmd.Env = append(env[:len(env):len(env)], extra...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("go %s in %s: %w\n%s", strings.Join(args, " "), dir, err, bytes.TrimSpace(out))
		}
		return out, nil
	}
	if s.own {
		// Add what crucible's imported packages need to go.mod; go.sum,
		// copied from crucible, already has every hash, so this runs offline.
		if _, err := run(s.target, nil, "mod", "tidy"); err != nil {
			return "", err
		}
	}
	if _, err := run(s.target, nil, "build", "./..."); err != nil {
		return "", err
	}
	if _, err := run(filepath.Join(s.target, "evaluator"), wasmEnv, wasmArgs...); err != nil {
		return "", err
	}
	v, err := run(s.target, nil, "env", "GOVERSION")
	if err != nil {
		return "", err
	}
	// Record the toolchain beside the module, as the examples do: another
	// toolchain legitimately builds other bytes.
	version := strings.TrimSpace(string(v))
	if err := os.WriteFile(filepath.Join(s.target, "evaluator", "evaluator.wasm.toolchain"), []byte(version+"\n"), 0o644); err != nil {
		return "", err
	}
	return version, nil
}

// buildHint says how to build the subnet by hand.
func (s *subnetPlan) buildHint() string {
	tidy := ""
	if s.own {
		tidy = "go mod tidy && "
	}
	return fmt.Sprintf("'cd %s && %sgo build ./... && go generate ./evaluator'", s.target, tidy)
}

// report prints what was created and what to run next.
func (s *subnetPlan) report(w io.Writer, files []string, built string) {
	fmt.Fprintf(w, "created subnet %q in %s\n", s.name, s.target)
	if s.own {
		fmt.Fprintf(w, "  module %s, building against the crucible clone in %s\n", s.name, s.root.dir)
	} else {
		fmt.Fprintf(w, "  packages %s/...\n", s.base)
	}
	for _, f := range files {
		fmt.Fprintf(w, "  %s\n", f)
	}
	if built != "" {
		fmt.Fprintf(w, "  evaluator/evaluator.wasm (built with %s)\n  evaluator/evaluator.wasm.toolchain\n", built)
	}

	wd, _ := os.Getwd()
	testnet, generate := s.next(wd)
	fmt.Fprintf(w, "\nNext:\n")
	fmt.Fprintf(w, "  %s\n      run the subnet on a local testnet\n", testnet)
	fmt.Fprintf(w, "  %s\n      rebuild evaluator.wasm after changing the evaluator\n", generate)
	fmt.Fprintf(w, "See %s for what to change first.\n", filepath.Join(s.target, "README.md"))
}

// next returns the commands to run the subnet on a testnet and to rebuild
// its evaluator, as typed in the directory wd.
func (s *subnetPlan) next(wd string) (testnet, generate string) {
	// The testnet runs from the crucible clone; say so unless we are there.
	cd := ""
	if wd != s.root.dir {
		cd = "cd " + s.root.dir + " && "
	}
	if s.own {
		return cd + "go run ./cmd/crucible testnet --subnet " + s.target, "go -C " + s.target + " generate ./evaluator"
	}
	subnet := s.target
	if rel, err := filepath.Rel(s.root.dir, s.target); err == nil {
		subnet = "./" + filepath.ToSlash(rel)
	}
	return cd + "go run ./cmd/crucible testnet --subnet " + subnet, cd + "go generate " + subnet + "/evaluator"
}
