package chain

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

// TestGeneratedFilesUpToDate compiles the contract again with the pinned
// solc and generates the bindings again, and compares both with the
// committed files. It needs node and `npm ci` in chain/contracts; without
// them it skips, except in CI (CI=true), where .ci/run installs them.
func TestGeneratedFilesUpToDate(t *testing.T) {
	if _, err := os.Stat(filepath.Join("contracts", "node_modules", "solc", "package.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run `npm ci` in chain/contracts first")
		}
		t.Skip("the pinned solc is not installed: run `npm ci` in chain/contracts")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	tmp := t.TempDir()
	cmd := exec.Command("node", filepath.Join("contracts", "compile.js"), filepath.Join("contracts", "Crucible.sol"), "Crucible", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, out)
	}
	fresh := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(tmp, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	same := func(committed string, want []byte) {
		got, err := os.ReadFile(committed)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run `go generate ./chain/...` and commit the result", committed)
		}
	}
	abiJSON, bin := fresh("Crucible.abi"), fresh("Crucible.bin")
	same(filepath.Join("contracts", "Crucible.abi"), abiJSON)
	same(filepath.Join("contracts", "Crucible.bin"), bin)
	// What internal/bindgen (and `abigen --v2`) writes.
	code, err := abigen.BindV2([]string{"Crucible"}, []string{string(abiJSON)}, []string{string(bin)}, "contract", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	same(filepath.Join("internal", "contract", "crucible.go"), []byte(code))
}
