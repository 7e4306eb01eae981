package contentstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/datastore/dshelp"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	datastore "github.com/ipfs/go-datastore"
)

// migrateFlatfs moves the blocks of a store written by an earlier version,
// which kept each block in its own flatfs file (<dir>/<shard>/<KEY>.data),
// into the packs. Every block is hash-checked on the way; a damaged one is
// not carried over (a pin that needs it then reports it missing). The old
// files are removed only after the packs are synced, so a crash part way
// leaves them in place and the next Open resumes, skipping blocks already
// moved. A directory without flatfs's SHARDING file is left alone.
func migrateFlatfs(ctx context.Context, dir string, packs *packStore) error {
	if _, err := os.Stat(filepath.Join(dir, "SHARDING")); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var shards []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir {
				shards = append(shards, path)
			}
			return nil
		}
		name, ok := strings.CutSuffix(d.Name(), ".data")
		if !ok || filepath.Dir(path) == dir {
			return nil
		}
		hash, err := dshelp.DsKeyToMultihash(datastore.NewKey(name))
		if err != nil {
			return nil // not a block file
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// The old store kept no codec; the multihash is what matters.
		b, err := blocks.NewBlockWithCid(data, cid.NewCidV1(cid.Raw, hash))
		if err != nil {
			return err
		}
		if err := packs.Put(ctx, b); err != nil && !isHashMismatch(err) {
			return fmt.Errorf("block %s: %w", b.Cid(), err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("convert the old block store in %s: %w", dir, err)
	}
	if err := packs.sync(); err != nil {
		return fmt.Errorf("convert the old block store in %s: %w", dir, err)
	}
	for _, sub := range shards {
		if err := os.RemoveAll(sub); err != nil {
			return fmt.Errorf("convert the old block store in %s: %w", dir, err)
		}
	}
	for _, name := range []string{"_README", "diskUsage.cache", "SHARDING"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("convert the old block store in %s: %w", dir, err)
		}
	}
	return syncDir(dir)
}

func isHashMismatch(err error) bool { return errors.Is(err, blockstore.ErrHashMismatch) }
