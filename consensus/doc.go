// Package consensus computes Yuma consensus and emission as pure functions
// over stake and weight matrices, bit for bit identical on every machine.
// It imports the standard library only.
//
// The package is laid out by DESIGN.md; its implementation arrives with the
// consensus and records issue.
package consensus
