package merkle_test

import (
	"encoding/binary"
	"testing"

	"github.com/crucible-net/crucible/tasks/merkle"
)

const benchLeaves = 100_000

// benchData returns n distinct 64-byte leaves, about the size of an
// attestation or evaluation entry.
func benchData(tb testing.TB, n int) [][]byte {
	tb.Helper()
	leaves := make([][]byte, n)
	for i := range leaves {
		leaves[i] = make([]byte, 64)
		binary.BigEndian.PutUint64(leaves[i], uint64(i))
	}
	return leaves
}

func BenchmarkNew100k(b *testing.B) {
	leaves := benchData(b, benchLeaves)
	b.ReportAllocs()
	for b.Loop() {
		merkle.New(leaves)
	}
}

func BenchmarkRoot100k(b *testing.B) {
	leaves := benchData(b, benchLeaves)
	b.ReportAllocs()
	for b.Loop() {
		merkle.Root(leaves)
	}
}

func BenchmarkProof100k(b *testing.B) {
	tree := merkle.New(benchData(b, benchLeaves))
	b.ReportAllocs()
	i := uint64(0)
	for b.Loop() {
		if _, err := tree.Proof(i % benchLeaves); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}

func BenchmarkVerifyInclusion100k(b *testing.B) {
	leaves := benchData(b, benchLeaves)
	tree := merkle.New(leaves)
	const index = 54_321
	proof, err := tree.Proof(index)
	if err != nil {
		b.Fatal(err)
	}
	root := tree.Root()
	b.ReportAllocs()
	for b.Loop() {
		if err := merkle.VerifyInclusion(root, leaves[index], index, benchLeaves, proof); err != nil {
			b.Fatal(err)
		}
	}
}
