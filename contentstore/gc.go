package contentstore

import (
	"context"
	"errors"
	"fmt"

	pin "github.com/ipfs/boxo/pinning/pinner"
	cid "github.com/ipfs/go-cid"
)

// GCResult says what one garbage collection removed.
type GCResult struct {
	// Removed is the number of blocks deleted.
	Removed int
	// Freed is the sum of the deleted blocks' sizes in bytes.
	Freed int64
	// Reclaimed is the disk space given back, in bytes: deleted blocks
	// leave their pack file only when the pack is rewritten, which
	// happens once less than half of it is in use.
	Reclaimed int64
}

// GC deletes every block that no pin keeps: blocks reachable from a
// recursive pin and directly pinned blocks stay, everything else goes.
//
// It is a mark and sweep adapted from Kubo's gc package: it takes the
// blockstore's GC lock, which waits for every import, pin and CAR import in
// progress (they hold the pin lock) and holds new ones off until it is
// done, so content being added is never swept from under its pin.
//
// # Errors
//
// If a recursively pinned DAG is not complete in the store, GC deletes
// nothing and returns an error wrapping [ErrNotFound] that names the
// missing block: a pin the store cannot account for is a bug or disk
// damage worth looking at before anything is removed. Errors deleting
// single blocks do not stop the sweep; they are joined in the returned
// error along with the counts of what was removed.
func (s *Store) GC(ctx context.Context) (GCResult, error) {
	unlock := s.bs.GCLock(ctx)
	defer unlock.Unlock(ctx)
	// Deleting writes to the index too; see defaultReserve.
	if err := s.packs.haveSpace(0, s.packs.reserve/4); err != nil {
		return GCResult{}, fmt.Errorf("gc: %w", err)
	}

	keep, err := s.markPinned(ctx)
	if err != nil {
		return GCResult{}, fmt.Errorf("gc aborted, nothing deleted: %w", err)
	}

	keys, err := s.bs.AllKeysChan(ctx)
	if err != nil {
		return GCResult{}, fmt.Errorf("gc: list blocks: %w", err)
	}
	var res GCResult
	var errs []error
	for k := range keys {
		// The blockstore lists keys as raw CIDv1s, the form the marked
		// set holds.
		if keep.Has(k) {
			continue
		}
		size, err := s.bs.GetSize(ctx, k)
		if err != nil {
			size = 0
		}
		if err := s.bs.DeleteBlock(ctx, k); err != nil {
			errs = append(errs, fmt.Errorf("delete block %s: %w", k, err))
			continue
		}
		res.Removed++
		res.Freed += int64(size)
	}
	if err := ctx.Err(); err != nil {
		// AllKeysChan closes its channel on cancellation.
		return res, fmt.Errorf("gc interrupted: %w", err)
	}
	freed, err := s.packs.compact(ctx)
	res.Reclaimed = freed
	if err != nil {
		errs = append(errs, fmt.Errorf("compact packs: %w", err))
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("gc incomplete, could not delete some blocks: %w", errors.Join(errs...))
	}
	return res, nil
}

// markPinned returns the set of blocks pins keep, as raw CIDv1s so that
// CIDs of any version and codec compare by multihash. The caller holds the
// GC lock.
func (s *Store) markPinned(ctx context.Context) (*cid.Set, error) {
	// Walk with codecs intact (a raw block and a dag-pb block with the same
	// multihash differ in links), then collapse to raw CIDs as Kubo does.
	seen := cid.NewSet()
	visit := func(c cid.Cid) bool { return seen.Visit(cidV1(c)) }
	walk := func(c cid.Cid) error { return s.walkDAG(ctx, c, visit, true) }
	if err := drainPins(ctx, s.pinner.RecursiveKeys, walk); err != nil {
		return nil, err
	}
	if err := drainPins(ctx, s.pinner.InternalPins, walk); err != nil {
		return nil, err
	}
	if err := drainPins(ctx, s.pinner.DirectKeys, func(c cid.Cid) error {
		seen.Add(cidV1(c))
		return nil
	}); err != nil {
		return nil, err
	}
	keep := cid.NewSet()
	_ = seen.ForEach(func(c cid.Cid) error {
		keep.Add(rawCID(c))
		return nil
	})
	return keep, nil
}

// drainPins calls f for every pin that list streams, stopping at the first
// error; it then cancels the stream and drains it so the pinner's goroutine
// ends.
func drainPins(ctx context.Context, list func(context.Context, bool) <-chan pin.StreamedPin, f func(cid.Cid) error) error {
	ctx, cancel := context.WithCancel(ctx)
	ch := list(ctx, false)
	defer func() {
		cancel()
		for range ch {
		}
	}()
	for sp := range ch {
		if sp.Err != nil {
			return fmt.Errorf("list pins: %w", sp.Err)
		}
		if err := f(sp.Pin.Key); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// cidV1 converts a CIDv0 to the equivalent CIDv1.
func cidV1(c cid.Cid) cid.Cid {
	if c.Version() == 0 {
		return cid.NewCidV1(c.Type(), c.Hash())
	}
	return c
}

// rawCID is the CIDv1 with the raw codec and c's multihash: the form in
// which the blockstore lists its keys.
func rawCID(c cid.Cid) cid.Cid {
	return cid.NewCidV1(cid.Raw, c.Hash())
}
