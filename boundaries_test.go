// Package crucible_test checks the package boundaries of DESIGN.md: heavy
// dependencies stay inside the one package that owns them.
package crucible_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/crucible-net/crucible/"

// owners maps a dependency prefix to the only package (with its
// subpackages) allowed to import it.
var owners = map[string]string{
	"github.com/tetratelabs/wazero":        "sandbox",
	"github.com/libp2p/":                   "gossip",
	"github.com/multiformats/go-multiaddr": "gossip",
	"github.com/ipfs/boxo":                 "contentstore",
	"github.com/ipfs/go-cid":               "contentstore",
	"github.com/ethereum/go-ethereum":      "chain",
}

// stdlibOnly packages may import nothing outside the standard library.
var stdlibOnly = []string{"consensus", "sandbox/guest"}

func TestPackageBoundaries(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for dep, owner := range owners {
				if strings.HasPrefix(p, dep) && pkg != owner && !strings.HasPrefix(pkg, owner+"/") {
					t.Errorf("%s imports %s, which only %s may import", path, p, owner)
				}
			}
			for _, s := range stdlibOnly {
				if (pkg == s || strings.HasPrefix(pkg, s+"/")) && strings.Contains(strings.Split(p, "/")[0], ".") &&
					!strings.HasSuffix(path, "_test.go") {
					t.Errorf("%s imports %s, but %s is standard library only", path, p, s)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
