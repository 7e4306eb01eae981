package contentstore

import (
	"context"
	"errors"
	"fmt"
	"io"

	pin "github.com/ipfs/boxo/pinning/pinner"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	carstorage "github.com/ipld/go-car/v2/storage"
)

var (
	// ErrCARCorrupt means a CAR file is malformed or holds a block whose
	// bytes do not hash to its CID. Get a fresh copy of the file.
	ErrCARCorrupt = errors.New("corrupt CAR file")

	// ErrCARTruncated means a CAR file ends early, or does not hold every
	// block of the DAGs under its roots (a file cut exactly between two
	// blocks reads cleanly but is missing the rest). Get the whole file.
	ErrCARTruncated = errors.New("truncated or incomplete CAR file")
)

// carBatchBytes bounds the block data ImportCAR holds before writing it,
// so that memory stays bounded whatever the file size.
const carBatchBytes = 4 << 20

// ExportCAR writes the DAGs under roots from the local store to w as a CAR
// file, each block once, in depth-first order with links in order (the
// order `ipfs dag export` uses). The store is never asked to fetch.
//
// With v2 false it writes CARv1, streaming to any io.Writer. With v2 true it
// writes CARv2 with an index, which needs w to be an [io.WriterAt] such as
// an *os.File (the header is written last); write to a temporary file and
// rename it into place when done.
//
// # Errors
//
// A block missing from the store wraps [ErrNotFound] and names it; w then
// holds a partial file that the caller should discard.
func (s *Store) ExportCAR(ctx context.Context, w io.Writer, roots []cid.Cid, v2 bool) error {
	if len(roots) == 0 {
		return errors.New("export CAR: no roots; name at least one CID")
	}
	if _, ok := w.(io.WriterAt); v2 && !ok {
		return errors.New("export CARv2: the writer must be an io.WriterAt such as an *os.File")
	}
	// The pin lock keeps GC from deleting unpinned blocks mid-export.
	unlock := s.bs.PinLock(ctx)
	defer unlock.Unlock(ctx)

	if !v2 {
		// Streamed: a CARv1 never goes back to patch its header, and
		// an *os.File that is a pipe cannot seek.
		w = struct{ io.Writer }{w}
	}
	// Identity CIDs are written as blocks, and blocks are told apart by
	// their whole CID (a CIDv0 and a CIDv1 of the same bytes are two
	// blocks), as `ipfs dag export` does.
	car, err := carstorage.NewWritable(w, roots, carv2.WriteAsCarV1(!v2), carv2.StoreIdentityCIDs(true), carv2.UseWholeCIDs(true))
	if err != nil {
		return fmt.Errorf("export CAR: %w", err)
	}
	seen := cid.NewSet()
	for _, root := range roots {
		getLinks := s.exportLinks(car, root)
		if err := walkSequential(ctx, root, seen.Visit, getLinks); err != nil {
			return fmt.Errorf("export CAR: %w", err)
		}
	}
	if err := car.Finalize(); err != nil {
		return fmt.Errorf("export CAR: %w", err)
	}
	return nil
}

// exportLinks returns a link lister that also writes each block it reads
// to car, so a sequential walk writes blocks in depth-first order.
func (s *Store) exportLinks(car carstorage.WritableCar, root cid.Cid) func(context.Context, cid.Cid) ([]cid.Cid, error) {
	return func(ctx context.Context, c cid.Cid) ([]cid.Cid, error) {
		nd, err := s.dag.Get(ctx, c)
		if err != nil {
			return nil, missing(root, c, err)
		}
		if err := car.Put(ctx, c.KeyString(), nd.RawData()); err != nil {
			return nil, fmt.Errorf("write block %s: %w", c, err)
		}
		links := nd.Links()
		out := make([]cid.Cid, len(links))
		for i, l := range links {
			out[i] = l.Cid
		}
		return out, nil
	}
}

// walkSequential walks depth first, children in link order, calling
// getLinks on every CID that visit admits. It recurses only as deep as the
// DAG, which UnixFS keeps shallow.
func walkSequential(ctx context.Context, c cid.Cid, visit func(cid.Cid) bool, getLinks func(context.Context, cid.Cid) ([]cid.Cid, error)) error {
	if !visit(c) {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	links, err := getLinks(ctx, c)
	if err != nil {
		return err
	}
	for _, l := range links {
		if err := walkSequential(ctx, l, visit, getLinks); err != nil {
			return err
		}
	}
	return nil
}

// ImportCAR reads a CARv1 or CARv2 file from r, checks every block against
// its CID, stores the blocks and pins each root recursively. It returns the
// roots.
//
// Roots are pinned only when the DAG under every one of them is complete in
// the store after the import (blocks already present count); otherwise
// nothing is pinned and the blocks read are left unpinned for the next
// [Store.GC]. Memory stays bounded: blocks are written in small batches.
//
// # Errors
//
//   - [ErrCARCorrupt] for a malformed file (or header) or a block that does not match
//     its CID (that error also wraps [ErrHashMismatch] and names the block);
//   - [ErrCARTruncated] for a file that ends mid-way, or one that ends
//     cleanly but lacks blocks of a root's DAG (it names the first missing
//     block).
func (s *Store) ImportCAR(ctx context.Context, r io.Reader) ([]cid.Cid, error) {
	// Held until the roots are pinned, so GC cannot sweep the new blocks
	// in between.
	unlock := s.bs.PinLock(ctx)
	defer unlock.Unlock(ctx)

	// Trusted: we hash each block ourselves to return our own error.
	br, err := carv2.NewBlockReader(r, carv2.WithTrustedCAR(true))
	if err != nil {
		// A cut-off header and a file that is not a CAR look alike.
		return nil, fmt.Errorf("%w: not a CAR file, or its header is damaged or cut short: %v", ErrCARCorrupt, err)
	}
	roots := br.Roots
	if len(roots) == 0 {
		return nil, fmt.Errorf("%w: the CAR header names no roots", ErrCARCorrupt)
	}
	var batch []blocks.Block
	var batchBytes int
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.bs.PutMany(ctx, batch); err != nil {
			return fmt.Errorf("import CAR: store blocks: %w", err)
		}
		batch, batchBytes = batch[:0], 0
		return nil
	}
	n := 0
	for {
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, carReadError(fmt.Sprintf("read block %d", n+1), err)
		}
		n++
		c := blk.Cid()
		sum, err := c.Prefix().Sum(blk.RawData())
		if err != nil {
			return nil, fmt.Errorf("%w: block %d (%s): %v", ErrCARCorrupt, n, c, err)
		}
		if !sum.Equals(c) {
			return nil, fmt.Errorf("%w: %w: block %d claims CID %s but its bytes hash to %s", ErrCARCorrupt, ErrHashMismatch, n, c, sum)
		}
		batch = append(batch, blk)
		batchBytes += len(blk.RawData())
		if batchBytes >= carBatchBytes {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	// Check every root before pinning any, so a failed import pins
	// nothing. In order, so the error names the first missing block.
	for _, root := range roots {
		if err := s.walkDAG(ctx, root, cid.NewSet().Visit, false); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, fmt.Errorf("%w: %w", ErrCARTruncated, err)
			}
			return nil, fmt.Errorf("import CAR: %w", err)
		}
	}
	// The blocks must be on disk before the pins that keep them are.
	if err := s.packs.sync(); err != nil {
		return nil, fmt.Errorf("import CAR: %w", err)
	}
	for _, root := range roots {
		if err := s.pinner.PinWithMode(ctx, root, pin.Recursive, ""); err != nil {
			return nil, fmt.Errorf("import CAR: pin %s: %w", root, err)
		}
	}
	return roots, nil
}

// carReadError classifies an error from the CAR reader.
func carReadError(what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %s: the file ends early", ErrCARTruncated, what)
	}
	return fmt.Errorf("%w: %s: %v", ErrCARCorrupt, what, err)
}
