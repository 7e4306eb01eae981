// Package contentstore keeps blocks on disk, imports and exports UnixFS
// files with Kubo-identical CIDs, exchanges blocks over bitswap, and owns
// pinning, garbage collection and CAR files. Nothing outside it imports
// boxo.
//
// The package is laid out by DESIGN.md; its implementation arrives with the
// content store issue.
package contentstore
