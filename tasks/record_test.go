package tasks

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
	"github.com/crucible-net/crucible/tasks/merkle"
)

// recordFixture builds the contents of one epoch of a subnet with
// neurons uids: the first validators uids are validators, each publishing
// one task and weights on every uid, the rest miners, each answering one
// task and evaluated once. The last validator equivocates, and the first
// publishes a second task nobody answers.
func recordFixture(tb testing.TB, neurons, validators int) RecordContents {
	tb.Helper()
	c, err := buildFixture(neurons, validators)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// buildFixture is recordFixture, returning its error rather than failing a
// test, so that it can run where no test may fail (in a sync.Once).
func buildFixture(neurons, validators int) (RecordContents, error) {
	c := RecordContents{Header: RecordHeader{
		Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
		Manifest: cborLink("manifest"), Seed: salt("seed"), Prev: cborLink("epoch 4"),
	}}
	signers := make([]*Ed25519Signer, neurons)
	for i := range signers {
		s, err := NewEd25519Signer(ed25519.NewKeyFromSeed(testSeed(fmt.Sprint("neuron ", i))))
		if err != nil {
			return c, err
		}
		signers[i] = s
		c.Neurons = append(c.Neurons, Neuron{
			UID: uint32(i), Peer: signers[i].PeerID(), Stake: uint64(1+i%7) * 1e9,
			RegisteredAt: uint64(i), LastUpdate: 900 + uint64(i%50),
		})
		c.Results = append(c.Results, Result{
			UID: uint32(i), Stake: 1 / float64(neurons), Active: true, ValidatorPermit: i < validators,
			Consensus: float64(i) / float64(neurons), Rank: 0.5, Trust: 0.25, Incentive: float64(i%13) / 13,
			Dividends: float64(i%5) / 5, PruningScore: float64(i) / 3, MinerEmission: 1 / float64(neurons),
			Emission: uint64(i) * 1000,
		})
	}
	taskLinks := make([]Link, validators)
	fullWeights := make([]Weight, neurons)
	for i := range fullWeights {
		fullWeights[i] = Weight{UID: uint32(i), Value: uint16(1 + i%65535)}
	}
	for v := range validators {
		published := uint32(1)
		if v == 0 {
			published = 2 // the second task is one nobody answers
		}
		for index := range published {
			task := Task{
				Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
				Validator: signers[v].PeerID(), Index: index, Params: []byte{byte(index), 1, 2, 3},
			}
			_, link, err := Encode(task)
			if err != nil {
				return c, err
			}
			c.Tasks = append(c.Tasks, task)
			if index == 0 {
				taskLinks[v] = link
			}
		}
		wc, wr, err := CommitWeights(signers[v], testSubnet, testEpoch, fullWeights, salt(fmt.Sprint("v", v)))
		if err != nil {
			return c, err
		}
		if v == validators-1 {
			other, _, err := CommitWeights(signers[v], testSubnet, testEpoch, fullWeights[:1], salt("other"))
			if err != nil {
				return c, err
			}
			e, err := NewEquivocation(wc, other)
			if err != nil {
				return c, err
			}
			c.Equivocations = append(c.Equivocations, e)
		} else {
			c.WeightCommits = append(c.WeightCommits, wc)
			c.WeightReveals = append(c.WeightReveals, wr)
		}
		row := BondRow{UID: uint32(v)}
		for u := range neurons {
			row.Bonds = append(row.Bonds, Bond{UID: uint32(u), Value: float64(1+u) / float64(neurons)})
		}
		c.Bonds = append(c.Bonds, row)
	}
	for m := validators; m < neurons; m++ {
		v := m % validators
		output := rawLink(fmt.Sprint("output ", m))
		sc, sr, err := CommitSubmission(signers[m], testSubnet, testEpoch, taskLinks[v], output, salt(fmt.Sprint("m", m)))
		if err != nil {
			return c, err
		}
		c.SubmissionCommits = append(c.SubmissionCommits, sc)
		c.SubmissionReveals = append(c.SubmissionReveals, sr)
		c.Evaluations = append(c.Evaluations, Evaluation{
			Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
			Validator: signers[v].PeerID(), Miner: signers[m].PeerID(), Task: taskLinks[v], Output: output,
			Score: float64(m%100) / 100, Fuel: uint64(m) * 1000,
		})
	}
	return c, nil
}

// largeRecord returns the record of a full subnet (MaxNeurons uids, 64
// validators), built once for all tests. A failure is reported to every
// test that asks, not only the first.
func largeRecord(tb testing.TB) (*Record, RecordContents) {
	tb.Helper()
	big := bigRecord()
	if big.err != nil {
		tb.Fatal(big.err)
	}
	return big.rec, big.contents
}

var bigRecord = sync.OnceValue(func() (big struct {
	rec      *Record
	contents RecordContents
	err      error
}) {
	big.contents, big.err = buildFixture(MaxNeurons, 64)
	if big.err == nil {
		big.rec, big.err = BuildRecord(big.contents)
	}
	return big
})

// mapBlocks is a BlockGetter over a map.
type mapBlocks map[Link][]byte

func (m mapBlocks) GetBlock(_ context.Context, l Link) ([]byte, error) {
	b, ok := m[l]
	if !ok {
		return nil, fmt.Errorf("block %s not found", l)
	}
	return b, nil
}

func blocksOf(r *Record) mapBlocks {
	m := mapBlocks{}
	for _, b := range r.Blocks {
		m[b.Link] = b.Data
	}
	return m
}

func TestBuildRecordFullSubnet(t *testing.T) {
	rec, c := largeRecord(t)

	entries := 1 + len(c.Neurons) + len(c.Tasks) + len(c.SubmissionCommits) + len(c.SubmissionReveals) +
		len(c.Evaluations) + len(c.WeightCommits) + len(c.WeightReveals) + len(c.Equivocations) +
		len(c.Results) + len(c.Bonds)
	if rec.Root.Size != uint64(entries) || rec.Tree.Size() != uint64(entries) {
		t.Errorf("size %d (tree %d), want %d leaves", rec.Root.Size, rec.Tree.Size(), entries)
	}
	if rec.Tree.Root() != rec.Root.Root {
		t.Error("root block does not hold the tree's root")
	}
	total := 0
	for i, b := range rec.Blocks {
		total += len(b.Data)
		limit := PageTargetSize
		if i == 0 {
			limit = MaxRecordSize
		}
		if len(b.Data) > limit || len(b.Data) > MaxBlockSize {
			t.Errorf("block %d (%s) is %d bytes, over %d", i, b.Link, len(b.Data), limit)
		}
		if SumLink(CodecDagCBOR, b.Data) != b.Link {
			t.Errorf("block %d does not hash to its link", i)
		}
	}
	if rec.Blocks[0].Link != rec.Link {
		t.Error("the first block is not the root block")
	}
	t.Logf("%d leaves in %d blocks, %d bytes; root block %d bytes", entries, len(rec.Blocks), total, len(rec.Blocks[0].Data))

	// A few entries of every section, and the header.
	blocks := blocksOf(rec)
	var indexes []uint64
	for _, ns := range rec.Root.Sections.list() {
		s := ns.s
		if s.Count == 0 {
			t.Errorf("section %s is empty in the fixture", ns.name)
			continue
		}
		indexes = append(indexes, s.First, s.First+s.Count/2, s.First+s.Count-1)
	}
	indexes = append(indexes, 0)
	for _, i := range indexes {
		p, err := rec.Prove(i)
		if err != nil {
			t.Fatal(err)
		}
		if err := rec.Root.VerifyEntry(p.Leaf, p.Index, p.Path); err != nil {
			t.Errorf("leaf %d: %v", i, err)
		}
		// What a remote verifier does: locate the page, fetch it, take the
		// entry, and check the bytes are the proved leaf.
		loc, err := rec.Root.Locate(i)
		if err != nil {
			t.Fatal(err)
		}
		if leaf := leafFromPage(t, blocks, rec.Root, loc); !bytes.Equal(leaf, p.Leaf) {
			t.Errorf("leaf %d: the entry at %+v is not the proved leaf", i, loc)
		}
		bad := p
		bad.Leaf = append(bytes.Clone(p.Leaf), 0)
		if err := rec.Root.VerifyEntry(bad.Leaf, bad.Index, bad.Path); !errors.Is(err, ErrInvalidProof) {
			t.Errorf("leaf %d with a changed entry: error = %v, want ErrInvalidProof", i, err)
		}
		if err := rec.Root.VerifyEntry(p.Leaf, p.Index^1, p.Path); !errors.Is(err, ErrInvalidProof) {
			t.Errorf("leaf %d at another index: error = %v, want ErrInvalidProof", i, err)
		}
	}
	if _, err := rec.Prove(rec.Root.Size); err == nil {
		t.Error("proof of a leaf past the end")
	}
	if _, err := rec.Root.Locate(rec.Root.Size); err == nil {
		t.Error("located a leaf past the end")
	}
}

// leafFromPage fetches the page at loc and re-encodes the entry at its
// offset, as a verifier without the whole record would; the header, leaf
// 0, it takes from the root block.
func leafFromPage(tb testing.TB, blocks mapBlocks, root EpochRecord, loc Location) []byte {
	tb.Helper()
	if loc.Section == SectionHeader {
		return mustEncode(tb, root.Header)
	}
	data := blocks[loc.Link]
	var entry Message
	var err error
	switch loc.Section {
	case SectionNeurons:
		entry, err = pageEntry[Neuron](data, loc.Offset)
	case SectionTasks:
		entry, err = pageEntry[Task](data, loc.Offset)
	case SectionSubmissionCommits:
		entry, err = pageEntry[SubmissionCommit](data, loc.Offset)
	case SectionSubmissionReveals:
		entry, err = pageEntry[SubmissionReveal](data, loc.Offset)
	case SectionEvaluations:
		entry, err = pageEntry[Evaluation](data, loc.Offset)
	case SectionWeightCommits:
		entry, err = pageEntry[WeightCommit](data, loc.Offset)
	case SectionWeightReveals:
		entry, err = pageEntry[WeightReveal](data, loc.Offset)
	case SectionEquivocations:
		entry, err = pageEntry[Equivocation](data, loc.Offset)
	case SectionResults:
		entry, err = pageEntry[Result](data, loc.Offset)
	case SectionBonds:
		entry, err = pageEntry[BondRow](data, loc.Offset)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return mustEncode(tb, entry)
}

func pageEntry[E Message](data []byte, i int) (Message, error) {
	es, err := decodePage[E](data)
	if err != nil {
		return nil, err
	}
	return es[i], nil
}

func TestReadRecord(t *testing.T) {
	rec, _ := largeRecord(t)
	ctx := context.Background()
	blocks := blocksOf(rec)
	got, err := ReadRecord(ctx, rec.Link, blocks)
	if err != nil {
		t.Fatal(err)
	}
	if got.Link != rec.Link || got.Root.Root != rec.Root.Root || len(got.Blocks) != len(rec.Blocks) {
		t.Error("the record read back differs")
	}

	t.Run("corrupted page", func(t *testing.T) {
		bad := maps.Clone(blocks)
		l := rec.Blocks[3].Link
		data := bytes.Clone(bad[l])
		data[len(data)/2] ^= 1
		bad[l] = data
		if _, err := ReadRecord(ctx, rec.Link, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("error = %v, want ErrInvalid (hash mismatch)", err)
		}
	})
	t.Run("missing page", func(t *testing.T) {
		bad := maps.Clone(blocks)
		delete(bad, rec.Blocks[len(rec.Blocks)-1].Link)
		if _, err := ReadRecord(ctx, rec.Link, bad); err == nil {
			t.Error("read a record with a page missing")
		}
	})
}

// A record whose root block lists valid pages in the wrong order, or
// whose commits carry bad signatures, is refused even though each block is
// well-formed.
func TestReadRecordRejectsNonCanonical(t *testing.T) {
	ctx := context.Background()
	c := recordFixture(t, 40, 4)
	rec, err := BuildRecord(c)
	if err != nil {
		t.Fatal(err)
	}

	// Re-sign nothing, but flip a signature bit: the record builds (the
	// builder trusts its Book) but does not read.
	bad := c
	bad.SubmissionCommits = slices.Clone(c.SubmissionCommits)
	sig := bytes.Clone(bad.SubmissionCommits[0].Signature)
	sig[0] ^= 1
	bad.SubmissionCommits[0].Signature = sig
	badRec, err := BuildRecord(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRecord(ctx, badRec.Link, blocksOf(badRec)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("bad signature: error = %v, want ErrBadSignature", err)
	}

	// Split the neurons over two pages by hand: each page is valid, the
	// counts add up, but it is not the canonical paging.
	root := rec.Root
	blocks := blocksOf(rec)
	n := rec.Contents.Neurons
	p1, l1, err := encodePage(n[:10])
	if err != nil {
		t.Fatal(err)
	}
	p2, l2, err := encodePage(n[10:])
	if err != nil {
		t.Fatal(err)
	}
	blocks[l1], blocks[l2] = p1, p2
	root.Sections.Neurons.Pages = []PageRef{{l1, 10}, {l2, uint64(len(n) - 10)}}
	data, link, err := Encode(root)
	if err != nil {
		t.Fatal(err)
	}
	blocks[link] = data
	if _, err := ReadRecord(ctx, link, blocks); !errors.Is(err, ErrInvalid) {
		t.Errorf("non-canonical paging: error = %v, want ErrInvalid", err)
	}
}

func encodePage[E any](es []E) ([]byte, Link, error) {
	return dagcbor.Encode(page[E]{Version: ProtocolVersion, Entries: es})
}

func TestRecordDeterministic(t *testing.T) {
	c := recordFixture(t, 50, 5)
	a, err := BuildRecord(c)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	shuffled := c
	shuffled.Neurons = slices.Clone(c.Neurons)
	shuffled.SubmissionReveals = slices.Clone(c.SubmissionReveals)
	shuffled.Bonds = slices.Clone(c.Bonds)
	r.Shuffle(len(shuffled.Neurons), func(i, j int) { shuffled.Neurons[i], shuffled.Neurons[j] = shuffled.Neurons[j], shuffled.Neurons[i] })
	r.Shuffle(len(shuffled.SubmissionReveals), func(i, j int) {
		shuffled.SubmissionReveals[i], shuffled.SubmissionReveals[j] = shuffled.SubmissionReveals[j], shuffled.SubmissionReveals[i]
	})
	slices.Reverse(shuffled.Bonds)
	b, err := BuildRecord(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if a.Link != b.Link || a.Root.Root != b.Root.Root {
		t.Error("the order of the input changes the record")
	}
}

// Changing any one entry, in any section, changes the Merkle root and the
// record's CID.
func TestRecordRootCoversEveryEntry(t *testing.T) {
	c := recordFixture(t, 50, 5)
	base, err := BuildRecord(c)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte) []byte { b = bytes.Clone(b); b[0] ^= 1; return b }
	tests := []struct {
		name   string
		mutate func(c *RecordContents)
	}{
		{"header seed", func(c *RecordContents) { c.Header.Seed[0] ^= 1 }},
		{"header without previous record", func(c *RecordContents) { c.Header.Prev = Link{} }},
		{"neuron stake", func(c *RecordContents) { c.Neurons[17].Stake++ }},
		{"result permit", func(c *RecordContents) { c.Results[0].ValidatorPermit = false }},
		{"header start", func(c *RecordContents) { c.Header.Start++ }},
		{"header outcome", func(c *RecordContents) { c.Header.Outcome.Unallocated++ }},
		{"unanswered task's params", func(c *RecordContents) { c.Tasks[1].Params = []byte("other") }},
		{"submission commit signature", func(c *RecordContents) {
			c.SubmissionCommits[5].Signature = flip(c.SubmissionCommits[5].Signature)
		}},
		{"submission reveal", func(c *RecordContents) {
			r := &c.SubmissionReveals[5]
			r.Salt[0] ^= 1
			for i := range c.SubmissionCommits {
				if c.SubmissionCommits[i].Miner == r.Miner {
					c.SubmissionCommits[i].Commit = r.CommitHash()
				}
			}
		}},
		{"evaluation fuel", func(c *RecordContents) { c.Evaluations[9].Fuel++ }},
		{"evaluation score", func(c *RecordContents) { c.Evaluations[9].Score = 0.123 }},
		{"weight commit signature", func(c *RecordContents) { c.WeightCommits[1].Signature = flip(c.WeightCommits[1].Signature) }},
		{"weight reveal", func(c *RecordContents) {
			r := &c.WeightReveals[1]
			r.Weights = r.Weights[1:]
			for i := range c.WeightCommits {
				if c.WeightCommits[i].Validator == r.Validator {
					c.WeightCommits[i].Commit = r.CommitHash()
				}
			}
		}},
		{"equivocation", func(c *RecordContents) { c.Equivocations[0].A.Signature = flip(c.Equivocations[0].A.Signature) }},
		{"result", func(c *RecordContents) { c.Results[49].Dividends = 0.75 }},
		{"bond", func(c *RecordContents) { c.Bonds[0].Bonds[3].Value *= 2 }},
		{"one entry fewer", func(c *RecordContents) { c.Results = c.Results[:49] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := deepCopy(c)
			tt.mutate(&m)
			r, err := BuildRecord(m)
			if err != nil {
				t.Fatal(err)
			}
			if r.Root.Root == base.Root.Root {
				t.Error("Merkle root unchanged")
			}
			if r.Link == base.Link {
				t.Error("record CID unchanged")
			}
		})
	}
}

// deepCopy copies the slices a mutation may write to.
func deepCopy(c RecordContents) RecordContents {
	c.Neurons = slices.Clone(c.Neurons)
	c.Tasks = slices.Clone(c.Tasks)
	c.SubmissionCommits = slices.Clone(c.SubmissionCommits)
	c.SubmissionReveals = slices.Clone(c.SubmissionReveals)
	c.Evaluations = slices.Clone(c.Evaluations)
	c.WeightCommits = slices.Clone(c.WeightCommits)
	c.WeightReveals = slices.Clone(c.WeightReveals)
	c.Equivocations = slices.Clone(c.Equivocations)
	c.Results = slices.Clone(c.Results)
	c.Bonds = slices.Clone(c.Bonds)
	for i := range c.Bonds {
		c.Bonds[i].Bonds = slices.Clone(c.Bonds[i].Bonds)
	}
	return c
}

func TestBuildRecordRejects(t *testing.T) {
	c := recordFixture(t, 20, 3)
	tests := []struct {
		name    string
		mutate  func(c *RecordContents)
		wantErr error
	}{
		{"undefined manifest", func(c *RecordContents) { c.Header.Manifest = Link{} }, ErrInvalid},
		{"two neurons with one uid", func(c *RecordContents) { c.Neurons[1].UID = 0 }, ErrInvalid},
		{"one peer with two uids", func(c *RecordContents) { c.Neurons[1].Peer = c.Neurons[0].Peer }, ErrInvalid},
		{"task of another epoch", func(c *RecordContents) { c.Tasks[0].Epoch++ }, ErrInvalid},
		{"evaluation of another subnet", func(c *RecordContents) { c.Evaluations[0].Subnet++ }, ErrInvalid},
		{"weight reveal without its commit", func(c *RecordContents) { c.WeightCommits = c.WeightCommits[1:] }, ErrNoCommit},
		{"weight reveal not matching", func(c *RecordContents) { c.WeightReveals[0].Salt[0] ^= 1 }, ErrCommitMismatch},
		{"submission reveal without its commit", func(c *RecordContents) { c.SubmissionCommits = c.SubmissionCommits[1:] }, ErrNoCommit},
		{"submission reveal not matching", func(c *RecordContents) { c.SubmissionReveals[0].Output = rawLink("x") }, ErrCommitMismatch},
		{"equivocator with a commit", func(c *RecordContents) {
			c.WeightCommits = append(c.WeightCommits, c.Equivocations[0].A)
		}, ErrEquivocation},
		{"two commits by one validator", func(c *RecordContents) {
			c.WeightCommits = append(c.WeightCommits, c.WeightCommits[0])
		}, ErrInvalid},
		{"empty bond row", func(c *RecordContents) { c.Bonds[0].Bonds = nil }, ErrInvalid},
		{"submission commit to a task not in the record", func(c *RecordContents) { c.Tasks = c.Tasks[1:] }, ErrUnknownTask},
		{"submission reveal of a task not in the record", func(c *RecordContents) { c.SubmissionReveals[0].Task = cborLink("x") }, ErrUnknownTask},
		{"evaluation of a task not in the record", func(c *RecordContents) { c.Evaluations[0].Task = cborLink("x") }, ErrUnknownTask},
		{"evaluation by another validator than the task's", func(c *RecordContents) {
			for _, n := range c.Neurons {
				if n.Peer != c.Evaluations[0].Validator {
					c.Evaluations[0].Validator = n.Peer
					return
				}
			}
		}, ErrInvalid},
		{"two tasks at one index", func(c *RecordContents) {
			t := c.Tasks[0]
			t.Params = []byte("other")
			c.Tasks = append(c.Tasks, t)
		}, ErrInvalid},
		{"more weight commits than a record holds", func(c *RecordContents) {
			c.WeightCommits = make([]WeightCommit, MaxNeurons+1)
		}, ErrTooLarge},
		{"invalid weights", func(c *RecordContents) { c.WeightReveals[0].Weights[0].Value = 0 }, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := deepCopy(c)
			for i := range m.WeightReveals {
				m.WeightReveals[i].Weights = slices.Clone(m.WeightReveals[i].Weights)
			}
			tt.mutate(&m)
			if _, err := BuildRecord(m); !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func BenchmarkBuildRecord(b *testing.B) {
	c := recordFixture(b, MaxNeurons, 64)
	b.ResetTimer()
	for b.Loop() {
		if _, err := BuildRecord(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadRecord(b *testing.B) {
	rec, err := BuildRecord(recordFixture(b, MaxNeurons, 64))
	if err != nil {
		b.Fatal(err)
	}
	blocks := blocksOf(rec)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := ReadRecord(ctx, rec.Link, blocks); err != nil {
			b.Fatal(err)
		}
	}
}

// An inclusion proof does not bind the tree size: the path of leaf 12 of
// a 13-leaf record is also a valid path of leaf 3 of a 4-leaf tree with
// the same root. EpochRecord.VerifyEntry takes the size from the root
// block, so the forgery fails there.
func TestVerifyEntryBindsSize(t *testing.T) {
	c := RecordContents{Header: RecordHeader{
		Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch, Manifest: cborLink("manifest"),
	}}
	for uid := range uint32(12) {
		c.Neurons = append(c.Neurons, Neuron{UID: uid, Peer: newSigner(t, fmt.Sprint("neuron ", uid)).PeerID()})
	}
	rec, err := BuildRecord(c)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Root.Size != 13 {
		t.Fatalf("%d leaves, want 13", rec.Root.Size)
	}
	p, err := rec.Prove(12)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Root.VerifyEntry(p.Leaf, 12, p.Path); err != nil {
		t.Fatalf("the honest proof: %v", err)
	}
	// The hazard the method closes: with a size from the prover, leaf 12
	// passes for leaf 3, another neuron.
	if err := VerifyEntry(rec.Root.Root, p.Leaf, 3, 4, p.Path); err != nil {
		t.Fatalf("the free function no longer shows the hazard (%v); update this test", err)
	}
	if err := rec.Root.VerifyEntry(p.Leaf, 3, p.Path); !errors.Is(err, ErrInvalidProof) {
		t.Errorf("leaf 12 as leaf 3: error = %v, want ErrInvalidProof", err)
	}
	for _, index := range []uint64{13, 14, math.MaxUint64} {
		err := rec.Root.VerifyEntry(p.Leaf, index, p.Path)
		if !errors.Is(err, ErrInvalidProof) || !errors.Is(err, merkle.ErrIndexOutOfRange) {
			t.Errorf("leaf %d of 13: error = %v, want ErrInvalidProof and merkle.ErrIndexOutOfRange", index, err)
		}
		if err := VerifyEntry(rec.Root.Root, p.Leaf, index, 13, p.Path); !errors.Is(err, ErrInvalidProof) {
			t.Errorf("VerifyEntry of leaf %d of 13: error = %v, want ErrInvalidProof", index, err)
		}
	}
}

// countingBlocks is a BlockGetter that counts the blocks asked for.
type countingBlocks struct {
	mapBlocks
	gets atomic.Int64
}

func (c *countingBlocks) GetBlock(ctx context.Context, l Link) ([]byte, error) {
	c.gets.Add(1)
	return c.mapBlocks.GetBlock(ctx, l)
}

// retile recomputes the first leaves and the size of a root block after
// its section counts changed, so that it still passes Validate.
func retile(r *EpochRecord) {
	next := uint64(1)
	for _, ns := range r.Sections.list() {
		ns.s.First = next
		next += ns.s.Count
	}
	r.Size = next
}

// A root block is not trusted until its pages rebuild to its CID: one that
// lies about its page counts, or claims more than any valid record holds,
// is refused, and as early as possible.
func TestReadRecordRejectsLyingRoot(t *testing.T) {
	ctx := context.Background()
	rec, err := BuildRecord(recordFixture(t, 40, 4))
	if err != nil {
		t.Fatal(err)
	}
	neurons := rec.Root.Sections.Neurons
	if len(neurons.Pages) != 1 || neurons.Count != 40 {
		t.Fatalf("neurons section %+v, want one page of 40", neurons)
	}
	tests := []struct {
		name     string
		mutate   func(r *EpochRecord)
		wantErr  error
		maxGets  int64 // blocks fetched before the refusal
		validate bool  // the lie passes EpochRecord.Validate
	}{
		{"a page holds more entries than the root block says", func(r *EpochRecord) {
			r.Sections.Neurons.Count, r.Sections.Neurons.Pages[0].Count = 39, 39
		}, ErrInvalid, 2, true},
		{"a page holds fewer entries than the root block says", func(r *EpochRecord) {
			r.Sections.Neurons.Count, r.Sections.Neurons.Pages[0].Count = 41, 41
		}, ErrInvalid, 2, true},
		{"a page larger than its entries can be", func(r *EpochRecord) {
			// The neurons' page, claimed to hold one neuron.
			r.Sections.Neurons.Count, r.Sections.Neurons.Pages[0].Count = 1, 1
		}, ErrTooLarge, 2, true},
		{"a section over its bound", func(r *EpochRecord) {
			n := uint64(MaxNeurons + 1)
			r.Sections.Neurons.Count, r.Sections.Neurons.Pages[0].Count = n, n
		}, ErrTooLarge, 1, false},
		{"more pages than a valid record has", func(r *EpochRecord) {
			s := &r.Sections.Evaluations
			s.Pages = slices.Repeat([]PageRef{s.Pages[0]}, int(maxRecordPages)+1)
			for i := range s.Pages {
				s.Pages[i].Count = 1
			}
			s.Count = uint64(len(s.Pages))
		}, ErrTooLarge, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := rec.Root
			root.Sections.Neurons.Pages = slices.Clone(root.Sections.Neurons.Pages)
			tt.mutate(&root)
			retile(&root)
			if err := root.Validate(); (err == nil) != tt.validate {
				t.Fatalf("Validate() = %v", err)
			}
			// Encoded without validation, as a hostile peer would.
			data, link, err := dagcbor.Encode(root)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) > MaxRecordSize {
				t.Fatalf("root block of %d bytes", len(data))
			}
			blocks := &countingBlocks{mapBlocks: blocksOf(rec)}
			blocks.mapBlocks[link] = data
			if _, err := ReadRecord(ctx, link, blocks); !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if got := blocks.gets.Load(); got > tt.maxGets {
				t.Errorf("fetched %d blocks before refusing, want at most %d", got, tt.maxGets)
			}
		})
	}
}

// largestEntries returns the largest valid entry of each section, by
// section index: every integer at its maximum, links of MaxLinkLen bytes,
// a verdict of MaxVerdictLen, MaxNeurons weights and bonds.
func largestEntries(tb testing.TB) [numSections]Message {
	tb.Helper()
	v, m := newSigner(tb, "validator"), newSigner(tb, "miner")
	long := func(codec uint64) Link {
		return mustLink(tb, append([]byte{0x01, byte(codec), 0x00, MaxLinkLen - 4}, bytes.Repeat([]byte{0xff}, MaxLinkLen-4)...))
	}
	const maxU = math.MaxUint64
	task := Task{Version: ProtocolVersion, Subnet: maxU, Epoch: maxU, Validator: v.PeerID(), Index: MaxTasksPerEpoch - 1,
		Input: long(CodecRaw), Params: bytes.Repeat([]byte{0xff}, MaxTaskParams)}
	_, taskLink, err := Encode(task)
	if err != nil {
		tb.Fatal(err)
	}
	sc, sr, err := CommitSubmission(m, maxU, maxU, taskLink, long(CodecRaw), salt("s"))
	if err != nil {
		tb.Fatal(err)
	}
	ws := make([]Weight, MaxNeurons)
	for i := range ws {
		ws[i] = Weight{uint32(i), MaxWeight}
	}
	wc, wr, err := CommitWeights(v, maxU, maxU, ws, salt("w"))
	if err != nil {
		tb.Fatal(err)
	}
	wc2, _, err := CommitWeights(v, maxU, maxU, nil, salt("w"))
	if err != nil {
		tb.Fatal(err)
	}
	eq, err := NewEquivocation(wc, wc2)
	if err != nil {
		tb.Fatal(err)
	}
	row := BondRow{UID: MaxNeurons - 1}
	for i := range MaxNeurons {
		row.Bonds = append(row.Bonds, Bond{uint32(i), math.MaxFloat64})
	}
	f := math.MaxFloat64
	return [numSections]Message{
		secNeurons:           Neuron{UID: MaxNeurons - 1, Peer: v.PeerID(), Stake: maxU, RegisteredAt: maxU, LastUpdate: maxU},
		secTasks:             task,
		secSubmissionCommits: sc,
		secSubmissionReveals: sr,
		secEvaluations: Evaluation{Version: ProtocolVersion, Subnet: maxU, Epoch: maxU, Validator: v.PeerID(), Miner: m.PeerID(),
			Task: taskLink, Output: long(CodecDagPB), Fuel: maxU, Error: strings.Repeat("\u00e9", MaxVerdictLen/2)},
		secWeightCommits: wc,
		secWeightReveals: wr,
		secEquivocations: eq,
		secResults: Result{UID: MaxNeurons - 1, Stake: f, ActiveStake: f, Active: true, ValidatorPermit: true,
			ValidatorTrust: f, Consensus: f, Trust: f, Rank: f, Incentive: f, Dividends: f, MinerEmission: f,
			ValidatorEmission: f, PruningScore: f, Emission: maxU},
		secBonds: row,
	}
}

// TestRecordBound checks the arithmetic of MaxRecordTasks: the largest
// valid entry of each section fits its bound, and a root block listing the
// pages of the largest valid record fits MaxRecordSize.
func TestRecordBound(t *testing.T) {
	for i, e := range largestEntries(t) {
		spec := &sectionSpecs[i]
		data := mustEncode(t, e)
		if len(data) > spec.maxEntrySize {
			t.Errorf("section %s: an entry of %d bytes, the bound is %d", spec.name, len(data), spec.maxEntrySize)
		}
		t.Logf("%-20s largest entry %6d bytes, bound %6d, %5d per page, %7d entries",
			spec.name, len(data), spec.maxEntrySize, spec.perPage(), spec.maxEntries)
	}
	if maxRecordPages != 17_865 {
		t.Errorf("the largest record has %d pages; update the sums in MaxRecordTasks's comment", maxRecordPages)
	}

	// The root block of the largest record: every section at its bound,
	// in as many pages as its largest entries need, and a header with
	// every field at its largest.
	root := EpochRecord{Version: ProtocolVersion, Header: RecordHeader{
		Version: ProtocolVersion, Subnet: math.MaxUint64, Epoch: math.MaxUint64, Manifest: cborLink("manifest"),
		Seed: salt("seed"), Prev: cborLink("prev"), Start: math.MaxUint64,
		Outcome: Outcome{Emission: math.MaxUint64, OwnerEmission: math.MaxUint64, Unallocated: math.MaxUint64, StakeFallback: true},
	}, Root: salt("root")}
	for i := range sectionSpecs {
		spec := &sectionSpecs[i]
		s := spec.of(&root.Sections)
		s.Count = spec.maxEntries
		for left := s.Count; left > 0; {
			n := min(left, spec.perPage())
			s.Pages = append(s.Pages, PageRef{Link: cborLink(fmt.Sprint("page ", len(s.Pages))), Count: n})
			left -= n
		}
	}
	retile(&root)
	data, _, err := Encode(root)
	if err != nil {
		t.Fatalf("the largest record's root block: %v", err)
	}
	t.Logf("largest root block: %d pages in %d bytes of %d", maxRecordPages, len(data), MaxRecordSize)

	// And the manifest keeps the tasks within the bound.
	m := validManifest()
	for _, tt := range []struct {
		validators, tasks uint32
		ok                bool
	}{{64, 8, true}, {64, 9, false}, {512, 1, true}, {513, 1, false}, {1, 512, true}, {1, 513, false}} {
		m.Consensus.MaxValidators, m.TasksPerEpoch = tt.validators, tt.tasks
		if err := m.Validate(); (err == nil) != tt.ok {
			t.Errorf("%d validators × %d tasks: Validate() = %v", tt.validators, tt.tasks, err)
		}
	}
}
