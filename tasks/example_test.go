package tasks_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/crucible-net/crucible/tasks"
)

// signer returns a signer with a fixed key, so the examples' output is
// reproducible; a node uses its libp2p key instead.
func signer(b byte) tasks.Signer {
	s, err := tasks.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize)))
	if err != nil {
		panic(err)
	}
	return s
}

// manifest returns a subnet's manifest with a short epoch: 100 blocks, of
// which miners have 40 to commit and 30 more to reveal.
func manifest() *tasks.Manifest {
	return &tasks.Manifest{
		Version:       tasks.ProtocolVersion,
		Name:          "example",
		Network:       "devnet",
		Evaluator:     tasks.SumLink(tasks.CodecRaw, []byte("evaluator.wasm")),
		ABI:           1,
		Limits:        tasks.SandboxLimits{Fuel: 1e9, MemoryPages: 256},
		MaxFetchBytes: 1 << 20,
		Timing:        tasks.Timing{Tempo: 100, SubmissionDeadline: 40, SubmissionRevealWindow: 30, WeightRevealWindow: 100},
		Scoring:       tasks.Scoring{Rule: tasks.ScoringProportional},
		Consensus: tasks.ConsensusParams{
			Kappa: 0.5, BondsAlpha: 0.1, MaxValidators: 64, ActivityCutoff: 5000, EmissionPerEpoch: 1e9,
		},
		TasksPerEpoch: 8,
	}
}

// A validator turns its scores into weights, commits to them during the
// epoch and reveals them in the reveal window; the book that every node
// keeps accepts the reveal only if it opens the commit in time.
func ExampleCommitWeights() {
	// Epoch 7 of subnet 1 starts at block 1000.
	book, err := tasks.NewBook(manifest(), 1, 7, 1000)
	if err != nil {
		panic(err)
	}

	validator := signer(1)
	weights, err := tasks.NormalizeWeights(map[uint32]float64{0: 0.9, 1: 0.45, 2: 0})
	if err != nil {
		panic(err)
	}
	salt, err := tasks.NewSalt()
	if err != nil {
		panic(err)
	}
	commit, reveal, err := tasks.CommitWeights(validator, 1, 7, weights, salt)
	if err != nil {
		panic(err)
	}

	// The commit travels over gossip as DAG-CBOR.
	data, _, err := tasks.Encode(commit)
	if err != nil {
		panic(err)
	}
	received, err := tasks.Decode[tasks.WeightCommit](data)
	if err != nil {
		panic(err)
	}
	fmt.Println("commit at block 1050:", book.AddWeightCommit(received, 1050))

	err = book.AddWeightReveal(reveal, 1060)
	fmt.Println("reveal at block 1060 is early:", errors.Is(err, tasks.ErrRevealEarly))
	wrong := reveal
	wrong.Salt[0] ^= 1
	err = book.AddWeightReveal(wrong, 1120)
	fmt.Println("reveal with another salt mismatches:", errors.Is(err, tasks.ErrCommitMismatch))
	fmt.Println("reveal at block 1120:", book.AddWeightReveal(reveal, 1120))
	fmt.Println("weights:", book.WeightReveals()[0].Weights)
	err = book.AddWeightReveal(reveal, 1200)
	fmt.Println("reveal at block 1200 is late:", errors.Is(err, tasks.ErrRevealLate))
	// Output:
	// commit at block 1050: <nil>
	// reveal at block 1060 is early: true
	// reveal with another salt mismatches: true
	// reveal at block 1120: <nil>
	// weights: [{0 65535} {1 32768}]
	// reveal at block 1200 is late: true
}

// Anyone holding the anchored Merkle root can check one entry of an epoch
// record, say a neuron's stake, with its inclusion proof and nothing else.
func ExampleRecord_Prove() {
	var neurons []tasks.Neuron
	for uid := range uint32(5) {
		neurons = append(neurons, tasks.Neuron{UID: uid, Peer: signer(byte(10 + uid)).PeerID(), Stake: uint64(uid+1) * 1e9})
	}
	rec, err := tasks.BuildRecord(tasks.RecordContents{
		Header: tasks.RecordHeader{
			Version: tasks.ProtocolVersion, Subnet: 1, Epoch: 7,
			Manifest: tasks.SumLink(tasks.CodecDagCBOR, []byte("manifest")),
		},
		Neurons: neurons,
	})
	if err != nil {
		panic(err)
	}
	anchored := rec.Root.Root // what the chain holds, with rec.Link

	index := rec.Root.Sections.Neurons.First + 3 // the neuron with uid 3
	proof, err := rec.Prove(index)
	if err != nil {
		panic(err)
	}
	loc, err := rec.Root.Locate(index)
	if err != nil {
		panic(err)
	}
	fmt.Printf("leaf %d of %d is in section %s, page %d, entry %d\n", proof.Index, proof.Size, loc.Section, loc.Page, loc.Offset)

	// The verifier's side: the root block, fetched by the anchored record
	// CID, holds the Merkle root and the number of leaves; the prover
	// sends the leaf bytes, its index and the path.
	rootBlock, err := tasks.Decode[tasks.EpochRecord](rec.Blocks[0].Data)
	if err != nil {
		panic(err)
	}
	fmt.Println("root block holds the anchored root:", rootBlock.Root == anchored)
	fmt.Println("verified:", rootBlock.VerifyEntry(proof.Leaf, proof.Index, proof.Path))
	neuron, err := tasks.Decode[tasks.Neuron](proof.Leaf)
	if err != nil {
		panic(err)
	}
	fmt.Println("uid", neuron.UID, "stake", neuron.Stake)

	// A claim of more stake does not verify.
	neuron.Stake *= 2
	forged, _, err := tasks.Encode(neuron)
	if err != nil {
		panic(err)
	}
	err = rootBlock.VerifyEntry(forged, proof.Index, proof.Path)
	fmt.Println("forged entry rejected:", errors.Is(err, tasks.ErrInvalidProof))
	// Output:
	// leaf 4 of 6 is in section neurons, page 0, entry 3
	// root block holds the anchored root: true
	// verified: <nil>
	// uid 3 stake 4000000000
	// forged entry rejected: true
}
