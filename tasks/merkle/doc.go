// Package merkle is the Merkle tree of RFC 6962 (Certificate Transparency)
// and RFC 9162 §2.1, over SHA-256: the one root per epoch that Crucible
// anchors on chain, and the inclusion proofs that let anyone check one leaf
// of an epoch record against that root without fetching the rest.
//
// Leaves and inner nodes are hashed with different one-byte prefixes
// (0x00 and 0x01), so no leaf can pass for an inner node; the tree splits at
// the largest power of two smaller than its size, so any number of leaves
// is allowed, and the root of the empty tree is SHA-256 of nothing. These
// are the trees of certificate-transparency-go, Trillian and
// transparency-dev/merkle, whose test vectors the tests check.
//
//	t := merkle.New(leaves)
//	proof, err := t.Proof(i)
//	...
//	err = merkle.VerifyInclusion(t.Root(), leaves[i], i, t.Size(), proof)
//
// The verifier must know the size as surely as the root: a proof does not
// bind it (see VerifyInclusion).
//
// # Errors
//
// Proof returns ErrIndexOutOfRange; VerifyInclusion returns
// ErrIndexOutOfRange or ErrInvalidProof.
package merkle
