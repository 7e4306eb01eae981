package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

// diskCache keeps compiled modules on disk. wazero keys each entry by the
// SHA-256 of the instrumented module and its own version, and writes
// entries by rename, so any number of processes can share a directory.
// Instrumented bytes are a function of the original bytes and
// InstrumentationVersion; the directory name carries the version too, so
// a new cost table never meets an old cache and old entries are easy to
// delete.
type diskCache struct {
	compiled wazero.CompilationCache
}

func openDiskCache(dir string) (*diskCache, error) {
	path := filepath.Join(dir, "wazero-"+InstrumentationVersion)
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("compile cache: %w", err)
	}
	c, err := wazero.NewCompilationCacheWithDir(path)
	if err != nil {
		return nil, fmt.Errorf("compile cache %s: %w", path, err)
	}
	return &diskCache{compiled: c}, nil
}

func (c *diskCache) Close() error {
	return c.compiled.Close(context.Background())
}

// moduleSource is a decoded, validated module.
type moduleSource = *wasm.Module

type wasmValType = wasm.ValType
