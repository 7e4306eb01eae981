// Package chain is Crucible's link to an EVM chain, the network's clock
// and public ledger: the Crucible contract (contracts/Crucible.sol, built
// with a pinned solc, with generated bindings in internal/contract), a
// Client that uses it, and three ways to run a chain.
//
// The contract records which subnets exist (manifest CID, owner, tempo),
// who is registered in each and with how much stake, and for every epoch
// one anchor: a commitment to the root and size of the epoch's record
// (RecordCommitment) with the record's digest. The first anchor of an
// epoch is stored; a different later one is recorded as a Conflict event
// and never overwrites it. An anchor costs under 50,000 gas.
//
// A Client sends transactions with nonces in order across goroutines, a
// gas cap, receipts awaited with a deadline, and retries that survive an
// RPC endpoint restarting; Anchor is idempotent and resends an anchor
// that a reorganisation dropped. Reads trust only blocks past
// Options.Confirmations. Contract refusals come back as *RevertError with
// the custom error decoded. Clock is the epoch clock (epoch numbers and
// seeds from block hashes); Receipt proves one leaf of an anchored record
// to anyone with access to the chain.
//
// The chains: NewSimulated, in process for tests, where the test mines
// every block; StartDevChain, an embedded, persistent go-ethereum dev
// chain serving JSON-RPC on loopback (`crucible chain dev`); and Dial, any
// EVM JSON-RPC endpoint. Nothing outside this package imports
// go-ethereum: the API speaks Address, Hash and *big.Int.
package chain
