package merkle_test

import (
	"errors"
	"fmt"

	"github.com/crucible-net/crucible/tasks/merkle"
)

// An epoch's record blocks are the leaves; the root is what gets anchored.
// A proof lets a verifier check one block against the root alone.
func ExampleVerifyInclusion() {
	leaves := [][]byte{[]byte("manifest"), []byte("stakes"), []byte("reveals"), []byte("result"), []byte("evaluations")}
	tree := merkle.New(leaves)
	root := tree.Root()

	proof, err := tree.Proof(3)
	if err != nil {
		panic(err)
	}
	fmt.Printf("root %x..., %d leaves, proof of %d hashes\n", root[:4], tree.Size(), len(proof))

	err = merkle.VerifyInclusion(root, []byte("result"), 3, tree.Size(), proof)
	fmt.Println("result included:", err == nil)
	err = merkle.VerifyInclusion(root, []byte("forged"), 3, tree.Size(), proof)
	fmt.Println("forged rejected:", errors.Is(err, merkle.ErrInvalidProof))
	// Output:
	// root 804f737a..., 5 leaves, proof of 3 hashes
	// result included: true
	// forged rejected: true
}
