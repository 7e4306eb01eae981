package tasks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// recordFixture builds the contents of one epoch of a subnet with
// neurons uids: the first validators uids are validators, each publishing
// one task and weights on every uid, the rest miners, each answering one
// task and evaluated once. The last validator equivocates.
func recordFixture(tb testing.TB, neurons, validators int) RecordContents {
	tb.Helper()
	c := RecordContents{Header: RecordHeader{
		Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
		Manifest: cborLink("manifest"), Seed: salt("seed"), Prev: cborLink("epoch 4"),
	}}
	signers := make([]*Ed25519Signer, neurons)
	for i := range signers {
		signers[i] = newSigner(tb, fmt.Sprint("neuron ", i))
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
		task, link := testTask(tb, testSubnet, testEpoch, signers[v], 0)
		c.Tasks = append(c.Tasks, task)
		taskLinks[v] = link
		wc, wr := mustCommitWeights(tb, signers[v], fullWeights, fmt.Sprint("v", v))
		if v == validators-1 {
			other, _ := mustCommitWeights(tb, signers[v], fullWeights[:1], "other")
			e, err := NewEquivocation(wc, other)
			if err != nil {
				tb.Fatal(err)
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
		sc, sr := mustCommitSubmission(tb, signers[m], taskLinks[v], output, fmt.Sprint("m", m))
		c.SubmissionCommits = append(c.SubmissionCommits, sc)
		c.SubmissionReveals = append(c.SubmissionReveals, sr)
		c.Evaluations = append(c.Evaluations, Evaluation{
			Version: ProtocolVersion, Subnet: testSubnet, Epoch: testEpoch,
			Validator: signers[v].PeerID(), Miner: signers[m].PeerID(), Task: taskLinks[v], Output: output,
			Score: float64(m%100) / 100, Fuel: uint64(m) * 1000,
		})
	}
	return c
}

var (
	bigOnce    sync.Once
	bigRecord  *Record
	bigContent RecordContents
	bigErr     error
)

// largeRecord returns the record of a full subnet (MaxNeurons uids, 64
// validators), built once for all tests.
func largeRecord(tb testing.TB) (*Record, RecordContents) {
	tb.Helper()
	bigOnce.Do(func() {
		bigContent = recordFixture(tb, MaxNeurons, 64)
		bigRecord, bigErr = BuildRecord(bigContent)
	})
	if bigErr != nil {
		tb.Fatal(bigErr)
	}
	return bigRecord, bigContent
}

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
		if err := VerifyEntry(rec.Root.Root, p.Leaf, p.Index, p.Size, p.Path); err != nil {
			t.Errorf("leaf %d: %v", i, err)
		}
		// What a remote verifier does: locate the page, fetch it, take the
		// entry, and check the bytes are the proved leaf.
		loc, err := rec.Root.Locate(i)
		if err != nil {
			t.Fatal(err)
		}
		if leaf := leafFromPage(t, blocks, loc); i != 0 && !bytes.Equal(leaf, p.Leaf) {
			t.Errorf("leaf %d: the entry at %+v is not the proved leaf", i, loc)
		}
		bad := p
		bad.Leaf = append(bytes.Clone(p.Leaf), 0)
		if err := VerifyEntry(rec.Root.Root, bad.Leaf, bad.Index, bad.Size, bad.Path); !errors.Is(err, ErrInvalidProof) {
			t.Errorf("leaf %d with a changed entry: error = %v, want ErrInvalidProof", i, err)
		}
		if err := VerifyEntry(rec.Root.Root, p.Leaf, p.Index^1, p.Size, p.Path); !errors.Is(err, ErrInvalidProof) {
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
// offset, as a verifier without the whole record would.
func leafFromPage(tb testing.TB, blocks mapBlocks, loc Location) []byte {
	tb.Helper()
	if loc.Section == SectionHeader {
		return nil
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
		{"task params", func(c *RecordContents) { c.Tasks[2].Params = []byte("other") }},
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
