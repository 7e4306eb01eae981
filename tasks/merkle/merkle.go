package merkle

import (
	"crypto/sha256"
	"errors"
	"fmt"
)

// Hash is a SHA-256 digest: a leaf hash, an inner node or a root.
type Hash = [32]byte

// Domain-separation prefixes of RFC 6962 §2.1.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

var (
	// ErrIndexOutOfRange: a leaf index is not below the tree size.
	ErrIndexOutOfRange = errors.New("merkle: leaf index out of range")
	// ErrInvalidProof: an inclusion proof does not lead from the leaf to the
	// root, or has the wrong length for the index and tree size.
	ErrInvalidProof = errors.New("merkle: invalid inclusion proof")
)

// LeafHash returns SHA-256(0x00 ‖ data), the hash of one leaf.
func LeafHash(data []byte) Hash {
	h := sha256.New()
	h.Write([]byte{leafPrefix})
	h.Write(data)
	var out Hash
	h.Sum(out[:0])
	return out
}

// nodeHash returns SHA-256(0x01 ‖ left ‖ right), the hash of an inner node.
func nodeHash(left, right Hash) Hash {
	var buf [1 + 2*sha256.Size]byte
	buf[0] = nodePrefix
	copy(buf[1:], left[:])
	copy(buf[1+sha256.Size:], right[:])
	return sha256.Sum256(buf[:])
}

// emptyRoot is the root of the tree with no leaves: SHA-256 of nothing.
var emptyRoot = sha256.Sum256(nil)

// Root returns the root of the tree over leaves (each hashed with LeafHash)
// without keeping the tree: use it when no proofs are needed.
func Root(leaves [][]byte) Hash {
	if len(leaves) == 0 {
		return emptyRoot
	}
	level := make([]Hash, len(leaves))
	for i, l := range leaves {
		level[i] = LeafHash(l)
	}
	for len(level) > 1 {
		level = parentLevel(level, level)
	}
	return level[0]
}

// parentLevel writes the level above level into dst (which may be level
// itself: entry i/2 is written only after entries i and i+1 are read) and
// returns it. An odd last node is carried up unchanged, which gives the same
// tree as RFC 6962's split at the largest power of two below n: the left
// subtrees are always perfect, so only the rightmost node of a level can
// lack a sibling.
func parentLevel(dst, level []Hash) []Hash {
	n := len(level)
	for i := 0; i+1 < n; i += 2 {
		dst[i/2] = nodeHash(level[i], level[i+1])
	}
	if n%2 == 1 {
		dst[n/2] = level[n-1]
	}
	return dst[:(n+1)/2]
}

// Tree is a Merkle tree built once from its leaves. It keeps every level,
// about 2n hashes (64 bytes per leaf), so that Proof costs O(log n) and
// reads nothing but hashes. A Tree is immutable and safe for concurrent use.
type Tree struct {
	// levels[0] holds the leaf hashes and each next level the one above;
	// the last level holds the root alone (no levels for the empty tree).
	levels [][]Hash
}

// New builds the tree over leaves, each hashed with LeafHash.
func New(leaves [][]byte) *Tree {
	hashes := make([]Hash, len(leaves))
	for i, l := range leaves {
		hashes[i] = LeafHash(l)
	}
	return build(hashes)
}

// NewFromLeafHashes builds the tree over leaf hashes already computed with
// LeafHash (for example, kept from an earlier tree). It copies hashes.
func NewFromLeafHashes(hashes []Hash) *Tree {
	return build(append([]Hash(nil), hashes...))
}

// build computes every level above leaves, in one allocation.
func build(leaves []Hash) *Tree {
	if len(leaves) == 0 {
		return &Tree{}
	}
	total, depth := 0, 0
	for n := len(leaves); n > 1; n = (n + 1) / 2 {
		total += (n + 1) / 2
		depth++
	}
	t := &Tree{levels: make([][]Hash, 0, depth+1)}
	t.levels = append(t.levels, leaves)
	store := make([]Hash, total)
	for level := leaves; len(level) > 1; {
		next := parentLevel(store[:(len(level)+1)/2], level)
		store = store[len(next):]
		t.levels = append(t.levels, next)
		level = next
	}
	return t
}

// Root returns the tree's root; for the empty tree, SHA-256 of nothing.
func (t *Tree) Root() Hash {
	if len(t.levels) == 0 {
		return emptyRoot
	}
	return t.levels[len(t.levels)-1][0]
}

// Size returns the number of leaves.
func (t *Tree) Size() uint64 {
	if len(t.levels) == 0 {
		return 0
	}
	return uint64(len(t.levels[0]))
}

// Proof returns the inclusion proof (audit path) of leaf index: the
// sibling hashes from the leaf up to the root, RFC 6962 §2.1.1's PATH.
//
// # Errors
//
// ErrIndexOutOfRange if index >= Size().
func (t *Tree) Proof(index uint64) ([]Hash, error) {
	if index >= t.Size() {
		return nil, fmt.Errorf("proof for leaf %d of a %d-leaf tree: %w", index, t.Size(), ErrIndexOutOfRange)
	}
	proof := make([]Hash, 0, len(t.levels)-1)
	for _, level := range t.levels[:len(t.levels)-1] {
		// A node without a sibling is carried up unchanged: no proof entry.
		if sibling := index ^ 1; sibling < uint64(len(level)) {
			proof = append(proof, level[sibling])
		}
		index >>= 1
	}
	return proof, nil
}

// VerifyInclusion checks that leaf is leaf number index of the tree of size
// leaves whose root is root, using nothing but proof: the algorithm of
// RFC 9162 §2.1.3.2.
//
// # Notes
//
// A proof does not bind the tree size: the path of the last leaf of a tree
// can also be the path of another index in a smaller tree with the same
// root (leaf 12 of 13 verifies as leaf 3 of 4). The caller must take size,
// like root, from a source it trusts, never from the prover; for an epoch
// record that is the root block, fetched by the anchored CID
// (tasks.EpochRecord.VerifyEntry).
//
// # Errors
//
// ErrIndexOutOfRange if index >= size; ErrInvalidProof otherwise.
func VerifyInclusion(root Hash, leaf []byte, index, size uint64, proof []Hash) error {
	return VerifyLeafHash(root, LeafHash(leaf), index, size, proof)
}

// VerifyLeafHash is VerifyInclusion for a leaf already hashed with LeafHash.
func VerifyLeafHash(root, leafHash Hash, index, size uint64, proof []Hash) error {
	if index >= size {
		return fmt.Errorf("verify leaf %d of a %d-leaf tree: %w", index, size, ErrIndexOutOfRange)
	}
	fn, sn := index, size-1
	r := leafHash
	for _, p := range proof {
		if sn == 0 {
			return fmt.Errorf("%w: %d hashes, more than leaf %d of %d needs", ErrInvalidProof, len(proof), index, size)
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(p, r)
			// Skip the levels where this node has no right sibling.
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("%w: %d hashes, fewer than leaf %d of %d needs", ErrInvalidProof, len(proof), index, size)
	}
	if r != root {
		return fmt.Errorf("%w: leaf %d of %d does not lead to root %x", ErrInvalidProof, index, size, root[:8])
	}
	return nil
}
