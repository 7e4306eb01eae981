// Command crucible is the Crucible node and toolbox.
package main

import "os"

func main() {
	os.Exit(doMain(os.Args[1:], os.Stdout, os.Stderr))
}
