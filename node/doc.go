// Package node assembles one Crucible node from its parts (identity,
// content store, gossip host, chain connection, sandbox), owns its
// configuration, lifecycle and data directory, and serves the local HTTP
// API and dashboard. It wires parts with plain constructors; the data path
// of an epoch should be readable here from top to bottom.
//
// The package is laid out by DESIGN.md; its implementation
// arrives with the node issue.
package node
