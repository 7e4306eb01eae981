// Package linreg holds the linreg example subnet as a template for new
// subnets: "crucible subnet new NAME" copies it and renames it to NAME.
package linreg

import "embed"

// Template is the example's source tree, rooted at this directory:
// README.md, subnet.json, model/, evaluator/ (sources and testdata), the
// miner/ and copier/ programs and the client/ package they share. It holds sources only: evaluator.wasm
// and its toolchain note are build output, which the new subnet builds
// for itself with its own name and import paths compiled in.
//
// The patterns are listed one by one, so that a file added to the example
// reaches new subnets only when it is listed here too. Directories such as
// evaluator/testdata are copied whole, except for files whose names start
// with '.' or '_'.
//
//go:embed README.md subnet.json
//go:embed model/*.go
//go:embed evaluator/*.go evaluator/testdata
//go:embed miner/*.go
//go:embed copier/*.go
//go:embed client/*.go
var Template embed.FS
