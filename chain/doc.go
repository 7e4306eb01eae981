// Package chain anchors epoch results on an EVM chain: the contract and its
// bindings, the embedded dev chain, the JSON-RPC client, Merkle trees and
// proofs. Nothing outside it imports go-ethereum.
//
// The package is laid out by DESIGN.md; its implementation arrives with the
// chain issue.
package chain
