package contentstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	offline "github.com/ipfs/boxo/exchange/offline"
	"github.com/ipfs/boxo/ipld/merkledag"
	pin "github.com/ipfs/boxo/pinning/pinner"
	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	"github.com/ipfs/boxo/verifcid"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	"github.com/ipfs/go-datastore"
	flatfs "github.com/ipfs/go-ds-flatfs"
	pebbleds "github.com/ipfs/go-ds-pebble"
	format "github.com/ipfs/go-ipld-format"

	// Registers the DAG-CBOR codec with go-ipld-prime's multicodec
	// registry, which merkledag's legacy decoder falls back to: without
	// it the DAG service cannot decode DAG-CBOR blocks or list their
	// links (pinning and GC walk them).
	_ "github.com/ipld/go-ipld-prime/codec/dagcbor"
)

// Store is a content store on disk: blocks in a flatfs directory, pins and
// other metadata in pebble. It works offline; nothing here talks to the
// network.
//
// A Store is safe for concurrent use. Close it when done.
type Store struct {
	dir       string
	blocks    datastore.Batching      // flatfs at <dir>/blocks
	meta      datastore.Batching      // pebble at <dir>/meta: pins and other metadata
	bs        blockstore.GCBlockstore // hash-checked on put and get; GC lock for imports and GC
	dag       format.DAGService       // offline DAG service over bs
	pinner    pin.Pinner              // recursive and direct pins, stored in meta
	closeOnce sync.Once
	closeErr  error
}

// Open opens the content store under dir (a node's data directory),
// creating <dir>/blocks and <dir>/meta if they do not exist.
//
// # Notes
//
// Blocks are written by flatfs with sync on: each block goes to a temporary
// file that is fsynced and renamed, so a crash leaves either the whole block
// or none of it. Only one process may open a store at a time (pebble holds a
// lock on <dir>/meta).
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create content store directory: %w", err)
	}
	fds, err := flatfs.CreateOrOpen(filepath.Join(dir, "blocks"), flatfs.NextToLast(2), true)
	if err != nil {
		return nil, fmt.Errorf("open block store %s: %w", filepath.Join(dir, "blocks"), err)
	}
	mds, err := pebbleds.NewDatastore(filepath.Join(dir, "meta"))
	if err != nil {
		fds.Close()
		return nil, fmt.Errorf("open metadata store %s (is another crucible process using this data directory?): %w", filepath.Join(dir, "meta"), err)
	}
	base := blockstore.NewBlockstore(fds, blockstore.NoPrefix())
	bs := blockstore.NewGCBlockstore(&checkedBlockstore{ValidatingBlockstore: blockstore.ValidatingBlockstore{Blockstore: base}}, blockstore.NewGCLocker())
	dag := merkledag.NewDAGService(blockservice.New(bs, offline.Exchange(bs)))
	pinner, err := dspinner.New(ctx, mds, dag)
	if err != nil {
		mds.Close()
		fds.Close()
		return nil, fmt.Errorf("load pins: %w", err)
	}
	return &Store{dir: dir, blocks: fds, meta: mds, bs: bs, dag: dag, pinner: pinner}, nil
}

// Dir returns the data directory the store was opened in.
func (s *Store) Dir() string { return s.dir }

// Close flushes and closes the store. It is safe to call more than once;
// later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = errors.Join(s.pinner.Close(), s.meta.Close(), s.blocks.Close())
	})
	return s.closeErr
}

// Has reports whether the block c is in the store.
func (s *Store) Has(ctx context.Context, c cid.Cid) (bool, error) {
	return s.bs.Has(ctx, c)
}

// GetBlock returns the bytes of block c, after checking that they hash to c.
//
// # Errors
//
// [ErrNotFound] if the block is not in the store, [ErrHashMismatch] if the
// bytes on disk are corrupt.
func (s *Store) GetBlock(ctx context.Context, c cid.Cid) ([]byte, error) {
	b, err := s.bs.Get(ctx, c)
	if err != nil {
		return nil, blockErr(c, err)
	}
	return b.RawData(), nil
}

// PutBlock stores data as block c after checking that data hashes to c
// and that c uses an accepted hash function. Putting a block that is
// already stored is a no-op.
//
// A block that is not pinned and not reachable from a pin may be removed
// by the next garbage collection.
func (s *Store) PutBlock(ctx context.Context, c cid.Cid, data []byte) error {
	b, err := blocks.NewBlockWithCid(data, c)
	if err != nil {
		return blockErr(c, err)
	}
	if err := s.bs.Put(ctx, b); err != nil {
		return blockErr(c, err)
	}
	return nil
}

// blockErr maps boxo's errors onto this package's sentinels.
func blockErr(c cid.Cid, err error) error {
	switch {
	case format.IsNotFound(err):
		return fmt.Errorf("block %s: %w", c, ErrNotFound)
	case errors.Is(err, blockstore.ErrHashMismatch), errors.Is(err, blocks.ErrWrongHash):
		return fmt.Errorf("block %s: %w", c, ErrHashMismatch)
	case errors.Is(err, verifcid.ErrPossiblyInsecureHashFunction), errors.Is(err, verifcid.ErrDigestTooSmall), errors.Is(err, verifcid.ErrDigestTooLarge):
		return fmt.Errorf("block %s: %w: %v", c, ErrInvalidCID, err)
	default:
		return fmt.Errorf("block %s: %w", c, err)
	}
}

// checkedBlockstore hashes every block on get (through the embedded
// ValidatingBlockstore) and on put, and refuses CIDs with hash functions
// that are not allowed, so nothing enters the store under a wrong name.
type checkedBlockstore struct {
	blockstore.ValidatingBlockstore
}

func (bs *checkedBlockstore) check(b blocks.Block) error {
	c := b.Cid()
	if err := verifcid.ValidateCid(verifcid.DefaultAllowlist, c); err != nil {
		return err
	}
	sum, err := c.Prefix().Sum(b.RawData())
	if err != nil {
		return err
	}
	if !sum.Equals(c) {
		return blockstore.ErrHashMismatch
	}
	return nil
}

func (bs *checkedBlockstore) Put(ctx context.Context, b blocks.Block) error {
	if err := bs.check(b); err != nil {
		return err
	}
	return bs.ValidatingBlockstore.Put(ctx, b)
}

func (bs *checkedBlockstore) PutMany(ctx context.Context, bl []blocks.Block) error {
	for _, b := range bl {
		if err := bs.check(b); err != nil {
			return err
		}
	}
	return bs.ValidatingBlockstore.PutMany(ctx, bl)
}
