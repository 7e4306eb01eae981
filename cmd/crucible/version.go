package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/crucible-net/crucible/sandbox"
)

// version is the release version, set at link time with
// -ldflags "-X main.version=v0.1.0".
var version = "v0.0.0-dev"

func runVersion(e *env, args []string) error {
	fs := e.newFlagSet("crucible version", "", "Print version information.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	fmt.Fprintf(e.stdout, "crucible %s\n", version)
	fmt.Fprintf(e.stdout, "  go               %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(e.stdout, "  evaluator ABI    v%d\n", sandbox.ABIVersion)
	fmt.Fprintf(e.stdout, "  fuel metering    %s\n", sandbox.InstrumentationVersion)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/tetratelabs/wazero" {
				fmt.Fprintf(e.stdout, "  wazero           %s\n", d.Version)
			}
		}
	}
	return nil
}
