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
// # Notes
//
// What ReadRecord fetches and holds is bounded by the largest record a
// valid manifest allows (MaxRecordTasks), not by what the root block
// claims: a root block that lists more entries or pages than that is
// refused before any page is fetched, each page may be at most as large as
// its declared entries can make it (and MaxPageSize), and a page that holds
// another number of entries than the root block says is refused as soon as
// it is decoded. The largest valid record is still gigabytes; a verifier
// that cannot hold that much should check entries one by one
// (EpochRecord.VerifyEntry) instead.
//
// # Errors
//
// Errors from blocks, wrapped with the page that failed; ErrTooLarge for a
// root block or page over its bound; ErrInvalid if a block does not match
// its CID or the record is not canonical; ErrBadSignature for a bad
// signature; and any error of Decode or BuildRecord.
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
	for i := range sectionSpecs {
		spec := &sectionSpecs[i]
		if err := spec.read(ctx, blocks, spec, *spec.of(&root.Sections), &c); err != nil {
			return nil, fmt.Errorf("read record %s: %w", link, err)
		}
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

// readInto returns the reader of a section whose entries go to the
// RecordContents field that field returns.
func readInto[E Message](field func(*RecordContents) *[]E) func(context.Context, BlockGetter, *sectionSpec, Section, *RecordContents) error {
	return func(ctx context.Context, blocks BlockGetter, spec *sectionSpec, s Section, c *RecordContents) error {
		return readSection(ctx, blocks, spec, s, field(c))
	}
}

// readSection fetches and decodes the pages of one section into out. The
// root block has been validated, so s.Count is within the section's bound;
// each page is fetched with a size limit that its declared entry count
// allows, so a root block that lists a few entries per page cannot make
// the reader hold megabytes per entry.
func readSection[E Message](ctx context.Context, blocks BlockGetter, spec *sectionSpec, s Section, out *[]E) error {
	// No preallocation from s.Count: a root block may claim many entries
	// in one page, which fetching that page disproves.
	var es []E
	for i, ref := range s.Pages {
		limit := uint64(MaxPageSize)
		if ref.Count < limit/uint64(spec.maxEntrySize) {
			limit = min(limit, pageOverhead+ref.Count*uint64(spec.maxEntrySize))
		}
		data, err := getBlock(ctx, blocks, ref.Link, int(limit))
		if err != nil {
			return fmt.Errorf("%s page %d: %w", spec.name, i, err)
		}
		entries, err := decodePage[E](data)
		if err != nil {
			return fmt.Errorf("%s page %d %s: %w", spec.name, i, ref.Link, err)
		}
		if uint64(len(entries)) != ref.Count {
			return invalidf("%s page %d %s: %d entries, the root block says %d", spec.name, i, ref.Link, len(entries), ref.Count)
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
	if err := validateBlockLink("record block", l); err != nil {
		return nil, err
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
