// Package tasks is the subnet protocol: manifests, tasks, submissions,
// commits, reveals, attestations and epoch records, their canonical
// DAG-CBOR encoding, and the commit-reveal rules every node applies. It
// calls package consensus directly (pure functions, standard library
// only) and reaches the sandbox, the content store and the chain only
// through small interfaces it defines itself (BlockGetter so far).
//
// Every message is a Go struct with a "v" version field, encoded as
// deterministic DAG-CBOR (Encode) and decoded strictly (Decode): one
// encoding per value, so equal messages have equal CIDs; anything else
// (unknown fields, non-canonical forms, oversize input, invalid values) is
// refused with a sentinel a gossip validator can map to a verdict.
// Identities are PeerIDs, the binary libp2p peer IDs of Ed25519 keys,
// parsed here with the standard library alone; a Signer signs with the
// node's key.
//
// Validators turn scores into canonical u16 weights (NormalizeWeights,
// Scoring), commit to them with a salted, domain-separated hash
// (CommitWeights, WeightCommitHash) and reveal them after the epoch; miners
// do the same for their outputs (CommitSubmission), which binds the miner's
// identity so a copied commit cannot be opened by the copier. A Book per
// subnet and epoch learns the epoch's tasks, applies the windows of the
// manifest's Timing and returns one sentinel per reason a message is
// refused (its doc comment maps each to a gossip verdict), or Equivocation
// evidence that anyone can Verify. What a Book keeps does not depend on
// the order messages arrive in, so nodes that saw the same messages build
// the same record.
//
// An epoch record (BuildRecord) is a root block linking pages of entries,
// with an RFC 6962 Merkle tree over the entries' encodings; the root block
// holds the Merkle root and the number of leaves, so anchoring (record
// CID, root) binds both. Every page is at most PageTargetSize (256 KiB),
// and the root block, which lists the pages, at most MaxRecordSize (1 MiB)
// for any subnet whose manifest passes Validate (MaxNeurons uids, at most
// MaxRecordTasks tasks per epoch): one bitswap block each. Record.Prove
// makes a proof of one entry, and EpochRecord.VerifyEntry checks it
// against the root block fetched by the anchored CID; ReadRecord fetches
// and checks a whole record, holding no more than the largest valid record
// needs. RunConsensus fills a record's results from its own inputs
// (neurons, weight reveals) and the previous record's bonds, and
// VerifyConsensus recomputes them bit for bit, naming every difference.
package tasks
