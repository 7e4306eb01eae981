// Command bindgen writes the abigen v2 Go bindings of the Crucible
// contract from its compiled ABI and bytecode. It calls the library that
// `abigen --v2` calls, so the output is the same, without the abigen
// command's own dependencies in go.mod. Run it through `go generate
// ./chain/...`.
//
//	go run ./internal/bindgen contracts/Crucible.abi contracts/Crucible.bin internal/contract/crucible.go
package main

import (
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: bindgen CONTRACT.abi CONTRACT.bin OUT.go")
		os.Exit(2)
	}
	code, err := Generate(os.Args[1], os.Args[2])
	if err == nil {
		err = os.WriteFile(os.Args[3], []byte(code), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bindgen:", err)
		os.Exit(1)
	}
}

// Generate returns the bindings for the ABI and bytecode files.
func Generate(abiPath, binPath string) (string, error) {
	abi, err := os.ReadFile(abiPath)
	if err != nil {
		return "", err
	}
	bin, err := os.ReadFile(binPath)
	if err != nil {
		return "", err
	}
	return abigen.BindV2([]string{"Crucible"}, []string{string(abi)}, []string{string(bin)}, "contract", nil, nil)
}
