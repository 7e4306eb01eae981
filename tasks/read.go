package tasks

import (
	"context"
	"fmt"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// BlockGetter is what ReadRecord needs of a content store: a block's bytes
// by CID, fetched from the network if need be. It may be called
// concurrently.
type BlockGetter interface {
	// GetBlock returns the bytes of the block named l.
	GetBlock(ctx context.Context, l Link) ([]byte, error)
}

// ReadRecord fetches the epoch record named link and checks it completely:
// every block hashes to its CID and decodes strictly, every commit and
// equivocation is validly signed, and rebuilding the record from its
// contents gives the same CID, so the pages, the counts and the Merkle root
// are all the canonical ones. This is the first step of `crucible verify`;
// comparing Root.Root with the anchored root is the caller's.
//
// # Errors
//
// Errors from blocks, wrapped with the page that failed; ErrInvalid if a
// block does not match its CID or the record is not canonical;
// ErrBadSignature for a bad signature; and any error of Decode or
// BuildRecord.
func ReadRecord(ctx context.Context, link Link, blocks BlockGetter) (*Record, error) {
	data, err := getBlock(ctx, blocks, link, MaxRecordSize)
	if err != nil {
		return nil, fmt.Errorf("read record %s: %w", link, err)
	}
	root, err := Decode[EpochRecord](data)
	if err != nil {
		return nil, fmt.Errorf("read record %s: %w", link, err)
	}
	c := RecordContents{Header: root.Header}
	s := &root.Sections
	err = firstErr(
		func() error { return readSection(ctx, blocks, SectionNeurons, s.Neurons, &c.Neurons) },
		func() error { return readSection(ctx, blocks, SectionTasks, s.Tasks, &c.Tasks) },
		func() error {
			return readSection(ctx, blocks, SectionSubmissionCommits, s.SubmissionCommits, &c.SubmissionCommits)
		},
		func() error {
			return readSection(ctx, blocks, SectionSubmissionReveals, s.SubmissionReveals, &c.SubmissionReveals)
		},
		func() error { return readSection(ctx, blocks, SectionEvaluations, s.Evaluations, &c.Evaluations) },
		func() error { return readSection(ctx, blocks, SectionWeightCommits, s.WeightCommits, &c.WeightCommits) },
		func() error { return readSection(ctx, blocks, SectionWeightReveals, s.WeightReveals, &c.WeightReveals) },
		func() error { return readSection(ctx, blocks, SectionEquivocations, s.Equivocations, &c.Equivocations) },
		func() error { return readSection(ctx, blocks, SectionResults, s.Results, &c.Results) },
		func() error { return readSection(ctx, blocks, SectionBonds, s.Bonds, &c.Bonds) },
	)
	if err != nil {
		return nil, fmt.Errorf("read record %s: %w", link, err)
	}
	for _, sc := range c.SubmissionCommits {
		if err := sc.VerifySignature(); err != nil {
			return nil, fmt.Errorf("read record %s: %w", link, err)
		}
	}
	for _, wc := range c.WeightCommits {
		if err := wc.VerifySignature(); err != nil {
			return nil, fmt.Errorf("read record %s: %w", link, err)
		}
	}
	for _, e := range c.Equivocations {
		if err := e.Verify(); err != nil {
			return nil, fmt.Errorf("read record %s: %w", link, err)
		}
	}
	rec, err := BuildRecord(c)
	if err != nil {
		return nil, fmt.Errorf("read record %s: %w", link, err)
	}
	if rec.Link != link {
		return nil, fmt.Errorf("read record %s: %w: its contents rebuild to %s (pages out of order or not canonical)", link, ErrInvalid, rec.Link)
	}
	return rec, nil
}

// firstErr runs fs in order and returns the first error.
func firstErr(fs ...func() error) error {
	for _, f := range fs {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// readSection fetches and decodes the pages of one section into out.
func readSection[E Message](ctx context.Context, blocks BlockGetter, name string, s Section, out *[]E) error {
	// No preallocation from s.Count: the root block is not trusted yet.
	var es []E
	for i, ref := range s.Pages {
		data, err := getBlock(ctx, blocks, ref.Link, MaxPageSize)
		if err != nil {
			return fmt.Errorf("%s page %d: %w", name, i, err)
		}
		entries, err := decodePage[E](data)
		if err != nil {
			return fmt.Errorf("%s page %d %s: %w", name, i, ref.Link, err)
		}
		if uint64(len(entries)) != ref.Count {
			return invalidf("%s page %d %s: %d entries, the root block says %d", name, i, ref.Link, len(entries), ref.Count)
		}
		es = append(es, entries...)
	}
	*out = es
	return nil
}

// getBlock fetches a block and checks its size and that it hashes to its
// CID, which a content store should have done but a verifier does not
// take on trust.
func getBlock(ctx context.Context, blocks BlockGetter, l Link, maxSize int) ([]byte, error) {
	if !l.Defined() || l.Codec() != CodecDagCBOR {
		return nil, invalidf("block link %s is not a dag-cbor link", l)
	}
	data, err := blocks.GetBlock(ctx, l)
	if err != nil {
		return nil, fmt.Errorf("get block %s: %w", l, err)
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("block %s: %w: %d bytes, limit %d", l, ErrTooLarge, len(data), maxSize)
	}
	if SumLink(CodecDagCBOR, data) != l {
		return nil, invalidf("block %s: its bytes do not hash to its CID", l)
	}
	return data, nil
}

// decodePage decodes a record page strictly and validates its entries.
func decodePage[E Message](data []byte) ([]E, error) {
	var p page[E]
	if err := dagcbor.Unmarshal(data, &p, MaxPageSize); err != nil {
		return nil, err
	}
	if p.Version != ProtocolVersion || len(p.Entries) == 0 {
		return nil, invalidf("page version %d with %d entries, want version %d with at least one", p.Version, len(p.Entries), ProtocolVersion)
	}
	for i, e := range p.Entries {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
	}
	return p.Entries, nil
}
