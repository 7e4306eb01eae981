package merkle_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"testing"

	"github.com/crucible-net/crucible/tasks/merkle"
)

// Reference vectors of RFC 6962 trees, from transparency-dev/merkle
// (formerly google/trillian merkle/ and certificate-transparency-go),
// file proof/verify_test.go: the eight leaves, the roots of their prefixes
// of size 1..8, and inclusion proofs. Leaf hashes from rfc6962/rfc6962_test.go.
var (
	vectorLeaves = []string{
		"", "00", "10", "2021", "3031", "40414243",
		"5051525354555657", "606162636465666768696a6b6c6d6e6f",
	}
	vectorRoots = []string{
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	}
	// vectorProofs index leaves from 0 (upstream numbers them from 1).
	vectorProofs = []struct {
		index, size uint64
		proof       []string
	}{
		{0, 1, nil},
		{0, 8, []string{
			"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
		}},
		{5, 8, []string{
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		}},
		{2, 3, []string{
			"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		}},
		{1, 5, []string{
			"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		}},
	}
)

func decodeHash(tb testing.TB, s string) merkle.Hash {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		tb.Fatalf("bad hash %q: %v", s, err)
	}
	return merkle.Hash(b)
}

func vectorLeafData(tb testing.TB) [][]byte {
	tb.Helper()
	leaves := make([][]byte, len(vectorLeaves))
	for i, s := range vectorLeaves {
		b, err := hex.DecodeString(s)
		if err != nil {
			tb.Fatal(err)
		}
		leaves[i] = b
	}
	return leaves
}

func TestHashes(t *testing.T) {
	tests := []struct {
		name string
		got  merkle.Hash
		want string
	}{
		{"empty_tree", merkle.Root(nil), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"empty_tree_type", merkle.New(nil).Root(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"empty_leaf", merkle.LeafHash(nil), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"},
		{"leaf", merkle.LeafHash([]byte("L123456")), "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != decodeHash(t, tc.want) {
				t.Fatalf("got %x, want %s", tc.got, tc.want)
			}
		})
	}
}

func TestReferenceRoots(t *testing.T) {
	leaves := vectorLeafData(t)
	for size := 1; size <= len(leaves); size++ {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			want := decodeHash(t, vectorRoots[size-1])
			if got := merkle.Root(leaves[:size]); got != want {
				t.Fatalf("Root = %x, want %x", got, want)
			}
			tree := merkle.New(leaves[:size])
			if got := tree.Root(); got != want {
				t.Fatalf("Tree.Root = %x, want %x", got, want)
			}
			if tree.Size() != uint64(size) {
				t.Fatalf("Size = %d", tree.Size())
			}
		})
	}
}

func TestReferenceProofs(t *testing.T) {
	leaves := vectorLeafData(t)
	for _, tc := range vectorProofs {
		t.Run(fmt.Sprintf("%d_of_%d", tc.index, tc.size), func(t *testing.T) {
			want := make([]merkle.Hash, len(tc.proof))
			for i, s := range tc.proof {
				want[i] = decodeHash(t, s)
			}
			got, err := merkle.New(leaves[:tc.size]).Proof(tc.index)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%x", got) != fmt.Sprintf("%x", want) {
				t.Fatalf("Proof = %x\nwant    %x", got, want)
			}
			root := decodeHash(t, vectorRoots[tc.size-1])
			if err := merkle.VerifyInclusion(root, leaves[tc.index], tc.index, tc.size, want); err != nil {
				t.Fatalf("reference proof rejected: %v", err)
			}
			checkTampering(t, root, leaves[tc.index], tc.index, tc.size, want)
		})
	}
}

// naiveRoot is MTH of RFC 6962 §2.1, word for word.
func naiveRoot(leaves [][]byte) merkle.Hash {
	switch n := len(leaves); n {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	default:
		k := largestPowerOfTwoBelow(n)
		return naiveNode(naiveRoot(leaves[:k]), naiveRoot(leaves[k:]))
	}
}

// naivePath is PATH of RFC 6962 §2.1.1, word for word.
func naivePath(m int, leaves [][]byte) []merkle.Hash {
	n := len(leaves)
	if n <= 1 {
		return nil
	}
	k := largestPowerOfTwoBelow(n)
	if m < k {
		return append(naivePath(m, leaves[:k]), naiveRoot(leaves[k:]))
	}
	return append(naivePath(m-k, leaves[k:]), naiveRoot(leaves[:k]))
}

func naiveNode(l, r merkle.Hash) merkle.Hash {
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func largestPowerOfTwoBelow(n int) int {
	k := 1
	for k*2 < n {
		k *= 2
	}
	return k
}

// TestAgainstDefinition compares Root, Tree and every proof with the
// recursive definitions for every size up to 300.
func TestAgainstDefinition(t *testing.T) {
	const maxSize = 300
	leaves := make([][]byte, maxSize)
	for i := range leaves {
		leaves[i] = fmt.Appendf(nil, "leaf %d", i)
	}
	for size := 0; size <= maxSize; size++ {
		want := naiveRoot(leaves[:size])
		if got := merkle.Root(leaves[:size]); got != want {
			t.Fatalf("size %d: Root = %x, want %x", size, got, want)
		}
		tree := merkle.New(leaves[:size])
		if got := tree.Root(); got != want {
			t.Fatalf("size %d: Tree.Root = %x, want %x", size, got, want)
		}
		hashes := make([]merkle.Hash, size)
		for i := range hashes {
			hashes[i] = merkle.LeafHash(leaves[i])
		}
		if got := merkle.NewFromLeafHashes(hashes).Root(); got != want {
			t.Fatalf("size %d: NewFromLeafHashes.Root = %x, want %x", size, got, want)
		}
		for i := 0; i < size; i++ {
			// Every index of small trees; beyond 64 leaves the indices
			// next to each power of two and the ends, where the RFC's
			// split changes shape (the naive path is quadratic).
			if size > 64 && i > 1 && i < size-2 && bits.OnesCount(uint(i)) > 1 && bits.OnesCount(uint(i+1)) > 1 {
				continue
			}
			proof, err := tree.Proof(uint64(i))
			if err != nil {
				t.Fatalf("size %d index %d: %v", size, i, err)
			}
			if got, want := fmt.Sprintf("%x", proof), fmt.Sprintf("%x", naivePath(i, leaves[:size])); got != want {
				t.Fatalf("size %d index %d: Proof = %s, want %s", size, i, got, want)
			}
			if err := merkle.VerifyInclusion(want, leaves[i], uint64(i), uint64(size), proof); err != nil {
				t.Fatalf("size %d index %d: own proof rejected: %v", size, i, err)
			}
		}
		if _, err := tree.Proof(uint64(size)); !errors.Is(err, merkle.ErrIndexOutOfRange) {
			t.Fatalf("size %d: Proof(size) = %v, want ErrIndexOutOfRange", size, err)
		}
	}
}

// TestTampering checks that every way of altering a valid proof's inputs
// is rejected, for every index of trees up to 40 leaves.
func TestTampering(t *testing.T) {
	leaves := make([][]byte, 40)
	for i := range leaves {
		leaves[i] = fmt.Appendf(nil, "record %d", i)
	}
	for size := 1; size <= len(leaves); size++ {
		tree := merkle.New(leaves[:size])
		for i := 0; i < size; i++ {
			// Every index of small trees; beyond 64 leaves the indices
			// next to each power of two and the ends, where the RFC's
			// split changes shape (the naive path is quadratic).
			if size > 64 && i > 1 && i < size-2 && bits.OnesCount(uint(i)) > 1 && bits.OnesCount(uint(i+1)) > 1 {
				continue
			}
			proof, err := tree.Proof(uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			checkTampering(t, tree.Root(), leaves[i], uint64(i), uint64(size), proof)
		}
	}
}

// checkTampering verifies the proof as given, then fails the test if any
// altered version of it verifies.
func checkTampering(t *testing.T, root merkle.Hash, leaf []byte, index, size uint64, proof []merkle.Hash) {
	t.Helper()
	if err := merkle.VerifyInclusion(root, leaf, index, size, proof); err != nil {
		t.Fatalf("leaf %d of %d: valid proof rejected: %v", index, size, err)
	}
	type probe struct {
		desc        string
		root        merkle.Hash
		leaf        []byte
		index, size uint64
		proof       []merkle.Hash
	}
	with := func(desc string, f func(p *probe)) probe {
		p := probe{desc, root, leaf, index, size, append([]merkle.Hash(nil), proof...)}
		f(&p)
		return p
	}
	var someHash merkle.Hash
	someHash[0] = 0xab
	probes := []probe{
		with("wrong leaf", func(p *probe) { p.leaf = append(append([]byte(nil), leaf...), 'x') }),
		with("leaf hash as leaf", func(p *probe) { h := merkle.LeafHash(leaf); p.leaf = h[:] }),
		with("wrong root", func(p *probe) { p.root[0] ^= 1 }),
		with("empty tree root", func(p *probe) { p.root = merkle.Root(nil) }),
		with("index - 1", func(p *probe) { p.index-- }),
		with("index + 1", func(p *probe) { p.index++ }),
		with("index ^ 2", func(p *probe) { p.index ^= 2 }),
		with("size * 2", func(p *probe) { p.size *= 2 }),
		with("size / 2", func(p *probe) { p.size /= 2 }),
		with("trailing hash", func(p *probe) { p.proof = append(p.proof, someHash) }),
		with("trailing root", func(p *probe) { p.proof = append(p.proof, root) }),
		with("leading hash", func(p *probe) { p.proof = append([]merkle.Hash{someHash}, p.proof...) }),
		with("leading root", func(p *probe) { p.proof = append([]merkle.Hash{root}, p.proof...) }),
	}
	for i := range proof {
		probes = append(probes,
			with(fmt.Sprintf("proof[%d] bit flipped", i), func(p *probe) { p.proof[i][31] ^= 0x10 }),
			with(fmt.Sprintf("proof[%d] removed", i), func(p *probe) { p.proof = append(p.proof[:i], p.proof[i+1:]...) }),
		)
	}
	if len(proof) > 1 {
		probes = append(probes,
			with("proof[0] and proof[1] swapped", func(p *probe) { p.proof[0], p.proof[1] = p.proof[1], p.proof[0] }),
			with("hash inserted", func(p *probe) {
				p.proof = append([]merkle.Hash{p.proof[0], someHash}, p.proof[1:]...)
			}),
		)
	}
	for _, p := range probes {
		if p.desc == "proof[0] and proof[1] swapped" && proof[0] == proof[1] {
			continue
		}
		err := merkle.VerifyInclusion(p.root, p.leaf, p.index, p.size, p.proof)
		if !errors.Is(err, merkle.ErrInvalidProof) && !errors.Is(err, merkle.ErrIndexOutOfRange) {
			t.Fatalf("leaf %d of %d, %s: verified (err %v)", index, size, p.desc, err)
		}
	}
}

func TestVerifyEdgeCases(t *testing.T) {
	leaf := []byte("only")
	root := merkle.Root([][]byte{leaf})
	tests := []struct {
		name        string
		root        merkle.Hash
		index, size uint64
		proof       []merkle.Hash
		want        error
	}{
		{name: "single_leaf", root: root, index: 0, size: 1},
		{name: "empty_tree", root: merkle.Root(nil), index: 0, size: 0, want: merkle.ErrIndexOutOfRange},
		{name: "index_equals_size", root: root, index: 1, size: 1, want: merkle.ErrIndexOutOfRange},
		{name: "max_index", root: root, index: ^uint64(0) - 1, size: ^uint64(0), want: merkle.ErrInvalidProof},
		{name: "single_leaf_extra_hash", root: root, index: 0, size: 1, proof: []merkle.Hash{root}, want: merkle.ErrInvalidProof},
		{name: "huge_tree_empty_proof", root: root, index: 0, size: 1 << 40, want: merkle.ErrInvalidProof},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := merkle.VerifyInclusion(tc.root, leaf, tc.index, tc.size, tc.proof)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("VerifyInclusion = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := merkle.New(nil).Proof(0); !errors.Is(err, merkle.ErrIndexOutOfRange) {
		t.Fatalf("Proof on empty tree: %v", err)
	}
}

func TestNewFromLeafHashesCopies(t *testing.T) {
	hashes := []merkle.Hash{merkle.LeafHash([]byte("a")), merkle.LeafHash([]byte("b"))}
	tree := merkle.NewFromLeafHashes(hashes)
	before := tree.Root()
	hashes[0][0] ^= 1
	if tree.Root() != before {
		t.Fatal("tree changed when the caller's slice did")
	}
	proof, err := tree.Proof(1)
	if err != nil || len(proof) != 1 || proof[0] != merkle.LeafHash([]byte("a")) {
		t.Fatalf("proof %x, %v", proof, err)
	}
}

// The documented limit of an inclusion proof: it does not bind the tree
// size, so the size must come from where the root does.
func TestProofDoesNotBindSize(t *testing.T) {
	leaves := make([][]byte, 13)
	for i := range leaves {
		leaves[i] = []byte{byte(i)}
	}
	tree := merkle.New(leaves)
	proof, err := tree.Proof(12)
	if err != nil {
		t.Fatal(err)
	}
	if err := merkle.VerifyInclusion(tree.Root(), leaves[12], 12, 13, proof); err != nil {
		t.Fatal(err)
	}
	if err := merkle.VerifyInclusion(tree.Root(), leaves[12], 3, 4, proof); err != nil {
		t.Errorf("leaf 12 of 13 no longer verifies as leaf 3 of 4 (%v): update VerifyInclusion's notes", err)
	}
}
