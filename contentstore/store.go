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
	pebbleds "github.com/ipfs/go-ds-pebble"
	format "github.com/ipfs/go-ipld-format"

	// Registers the DAG-CBOR codec with go-ipld-prime's multicodec
	// registry, which merkledag's legacy decoder falls back to: without
	// it the DAG service cannot decode DAG-CBOR blocks or list their
	// links (pinning and GC walk them).
	_ "github.com/ipld/go-ipld-prime/codec/dagcbor"
)

// Store is a content store on disk: blocks appended to pack files under
// <dir>/blocks, and the index of those blocks and the pins in pebble under
// <dir>/meta. It works offline; nothing here talks to the network.
//
// A Store is safe for concurrent use. Close it when done.
type Store struct {
	dir       string
	meta      *pebbleds.Datastore     // pebble at <dir>/meta: the block index and the pins
	packs     *packStore              // the blocks
	bs        blockstore.GCBlockstore // packs with identity CIDs answered inline; GC lock for imports and GC
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
// Every method that stores something makes it durable before it returns
// (see docs/RATIONALE.md): a crash, even a power cut, loses nothing a
// method reported as stored, and never leaves a damaged block behind. Only
// one process may open a store at a time (pebble locks <dir>/meta).
//
// A store written by an earlier version, with blocks in flatfs files, is
// converted on the first Open; the flatfs files are removed once every
// block is safely in the packs.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create content store directory: %w", err)
	}
	mds, err := pebbleds.NewDatastore(filepath.Join(dir, "meta"))
	if err != nil {
		return nil, fmt.Errorf("open metadata store %s (is another crucible process using this data directory?): %w", filepath.Join(dir, "meta"), err)
	}
	packs, err := openPacks(filepath.Join(dir, "blocks"), mds.DB)
	if err != nil {
		mds.Close()
		return nil, fmt.Errorf("open block store %s: %w", filepath.Join(dir, "blocks"), err)
	}
	if err := migrateFlatfs(ctx, filepath.Join(dir, "blocks"), packs); err != nil {
		packs.close()
		mds.Close()
		return nil, err
	}
	bs := blockstore.NewGCBlockstore(blockstore.NewIdStore(packs), blockstore.NewGCLocker())
	dag := merkledag.NewDAGService(blockservice.New(bs, offline.Exchange(bs)))
	pinner, err := dspinner.New(ctx, mds, dag)
	if err != nil {
		packs.close()
		mds.Close()
		return nil, fmt.Errorf("load pins: %w", err)
	}
	return &Store{dir: dir, meta: mds, packs: packs, bs: bs, dag: dag, pinner: pinner}, nil
}

// Dir returns the data directory the store was opened in.
func (s *Store) Dir() string { return s.dir }

// Close flushes and closes the store. It is safe to call more than once;
// later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = errors.Join(s.pinner.Close(), s.packs.close(), s.meta.Close())
	})
	return s.closeErr
}

// Has reports whether the block c is in the store.
func (s *Store) Has(ctx context.Context, c cid.Cid) (bool, error) {
	return s.bs.Has(ctx, c)
}

// GetBlock returns the bytes of block c. They were hashed against c when
// they were stored, and are checked against their checksum as they are
// read.
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
// and that c uses an accepted hash function, and makes it durable before
// returning. Putting a block that is already stored is a no-op.
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
	if err := s.packs.sync(); err != nil {
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
	case errors.Is(err, ErrClosed), errors.Is(err, ErrDiskFull):
		return fmt.Errorf("block %s: %w", c, err)
	default:
		return fmt.Errorf("block %s: %w", c, err)
	}
}
