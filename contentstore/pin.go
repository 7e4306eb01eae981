package contentstore

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/ipfs/boxo/ipld/merkledag"
	pin "github.com/ipfs/boxo/pinning/pinner"
	cid "github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// ErrNotPinned means Unpin was asked to remove a pin that does not exist
// (a block kept only because a recursive pin above it reaches it is not
// pinned itself). List the pins with [Store.Pins].
var ErrNotPinned = errors.New("not pinned")

// PinMode says how a pin keeps blocks from garbage collection.
type PinMode string

const (
	// PinRecursive keeps the pinned block and every block below it.
	PinRecursive PinMode = "recursive"
	// PinDirect keeps the pinned block only.
	PinDirect PinMode = "direct"
)

// PinInfo is one entry of the pin set.
type PinInfo struct {
	CID  cid.Cid
	Mode PinMode
}

// Pin adds c to the pin set so that [Store.GC] keeps it. A recursive pin
// keeps the whole DAG below c and requires all of it to be in the store
// already: the store never fetches from the network to pin. A direct pin
// keeps the one block c, which must be present.
//
// Pinning an already pinned CID again is not an error. Pinning a CID
// recursively replaces a direct pin of it.
//
// # Errors
//
// A missing block wraps [ErrNotFound] and names the block; nothing is
// pinned then. Import or fetch the content first.
func (s *Store) Pin(ctx context.Context, c cid.Cid, recursive bool) error {
	unlock := s.bs.PinLock(ctx)
	defer unlock.Unlock(ctx)
	return s.pinLocked(ctx, c, recursive)
}

// pinLocked is Pin for callers that already hold the PinLock.
func (s *Store) pinLocked(ctx context.Context, c cid.Cid, recursive bool) error {
	mode := pin.Direct
	if recursive {
		// Walk it ourselves, in order: the error then names the first
		// missing block, and the pin set is untouched on failure. Raw
		// leaves are only checked for presence, not read.
		if err := s.walkDAG(ctx, c, cid.NewSet().Visit, false); err != nil {
			return fmt.Errorf("pin %s: %w", c, err)
		}
		mode = pin.Recursive
	} else {
		ok, err := s.bs.Has(ctx, c)
		if err != nil {
			return fmt.Errorf("pin %s: %w", c, err)
		}
		if !ok {
			return fmt.Errorf("pin %s: %w", c, missing(c, c, format.ErrNotFound{Cid: c}))
		}
	}
	// The blocks must be on disk before the pin that keeps them is.
	if err := s.packs.sync(); err != nil {
		return fmt.Errorf("pin %s: %w", c, err)
	}
	// PinWithMode does not walk the DAG again (Pin would read every
	// block through the DAG service); for a recursive pin it also
	// replaces a direct pin of c.
	if err := s.pinner.PinWithMode(ctx, c, mode, ""); err != nil {
		return fmt.Errorf("pin %s: %w", c, err)
	}
	return nil
}

// Unpin removes c from the pin set. With recursive true it removes a
// recursive or a direct pin of c; with recursive false only a direct one.
// The blocks stay in the store until the next [Store.GC].
//
// # Errors
//
// [ErrNotPinned] if c has no pin of that kind.
func (s *Store) Unpin(ctx context.Context, c cid.Cid, recursive bool) error {
	unlock := s.bs.PinLock(ctx)
	defer unlock.Unlock(ctx)
	err := s.pinner.Unpin(ctx, c, recursive)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pin.ErrNotPinned):
		return fmt.Errorf("unpin %s: %w (list pins with Pins)", c, ErrNotPinned)
	case !recursive:
		if _, pinned, perr := s.pinner.IsPinnedWithType(ctx, c, pin.Recursive); perr == nil && pinned {
			return fmt.Errorf("unpin %s: %w directly: it is pinned recursively; remove the recursive pin instead", c, ErrNotPinned)
		}
	}
	return fmt.Errorf("unpin %s: %w", c, err)
}

// Pins lists the pin set, recursive pins first, each group sorted by CID
// string.
func (s *Store) Pins(ctx context.Context) ([]PinInfo, error) {
	unlock := s.bs.PinLock(ctx)
	defer unlock.Unlock(ctx)
	var out []PinInfo
	for _, g := range []struct {
		mode PinMode
		ch   <-chan pin.StreamedPin
	}{
		{PinRecursive, s.pinner.RecursiveKeys(ctx, false)},
		{PinDirect, s.pinner.DirectKeys(ctx, false)},
	} {
		start := len(out)
		for sp := range g.ch {
			if sp.Err != nil {
				return nil, fmt.Errorf("list %s pins: %w", g.mode, sp.Err)
			}
			out = append(out, PinInfo{CID: sp.Pin.Key, Mode: g.mode})
		}
		part := out[start:]
		sort.Slice(part, func(i, j int) bool { return part[i].CID.String() < part[j].CID.String() })
	}
	return out, nil
}

// walkDAG visits root and every block reachable from it in the local store,
// depth first with links in order (unless concurrent), calling visit before
// descending; visit returns false to skip a subtree already seen. It never
// fetches: a missing block ends the walk with an error that wraps
// [ErrNotFound] and names the block and root.
//
// Raw blocks have no links, so they are only checked for presence rather
// than read and re-hashed: this keeps a walk over a large file cheap.
func (s *Store) walkDAG(ctx context.Context, root cid.Cid, visit func(cid.Cid) bool, concurrent bool) error {
	getLinks := func(ctx context.Context, c cid.Cid) ([]*format.Link, error) {
		if c.Prefix().Codec == cid.Raw {
			ok, err := s.bs.Has(ctx, c)
			if err != nil {
				return nil, fmt.Errorf("check block %s: %w", c, err)
			}
			if !ok {
				return nil, missing(root, c, format.ErrNotFound{Cid: c})
			}
			return nil, nil
		}
		links, err := format.GetLinks(ctx, s.dag, c)
		if err != nil {
			return nil, missing(root, c, err)
		}
		return links, nil
	}
	var opts []merkledag.WalkOption
	if concurrent {
		opts = append(opts, merkledag.Concurrent())
	}
	return merkledag.Walk(ctx, getLinks, root, visit, opts...)
}

// missing turns a not-found error for block c of the DAG under root into
// one that wraps ErrNotFound and names both; other errors pass through.
func missing(root, c cid.Cid, err error) error {
	var nf format.ErrNotFound
	if !errors.As(err, &nf) && !format.IsNotFound(err) {
		return err
	}
	if errors.As(err, &nf) && nf.Cid.Defined() {
		c = nf.Cid
	}
	if c.Equals(root) {
		return fmt.Errorf("%w: block %s is not in the local store; import or fetch it first", ErrNotFound, c)
	}
	return fmt.Errorf("%w: block %s of DAG %s is not in the local store; import or fetch the whole DAG first", ErrNotFound, c, root)
}
