// Package tasks is the subnet protocol: manifests, tasks, submissions,
// commits, reveals, attestations and epoch records, their canonical
// DAG-CBOR encoding, and the miner and validator round logic. It reaches
// consensus, the sandbox, the content store and the chain only through
// small interfaces it defines itself.
//
// The package is laid out by DESIGN.md; its implementation arrives with the
// consensus and records issue.
package tasks
