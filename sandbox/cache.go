package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

// diskCache keeps instrumented and compiled modules on disk, so a node
// pays the compile cost of an evaluator once, not at every start.
//
//   - instrumented-<version>/<sha256 of the module>.wasm holds the
//     instrumented module, prefixed by its own SHA-256, which is checked on
//     every read (a damaged entry is rebuilt, never trusted), and by one
//     byte of facts from the code scan. An entry exists only for a module
//     whose code passed the scan, so a hit skips the scan.
//   - wazero-<version>/ is wazero's compilation cache, keyed by the SHA-256
//     of the instrumented module and wazero's version.
//
// Both write through a temporary file and a rename, so any number of
// processes can share one directory. The instrumentation version is in the
// directory names, so a new cost table never meets old entries.
// A nil *diskCache instruments in memory only.
type diskCache struct {
	instrumentedDir string
	compiledDir     string
	compiled        wazero.CompilationCache
}

func openDiskCache(dir string) (*diskCache, error) {
	c := &diskCache{
		instrumentedDir: filepath.Join(dir, "instrumented-"+InstrumentationVersion),
		compiledDir:     filepath.Join(dir, "wazero-"+InstrumentationVersion),
	}
	for _, d := range []string{c.instrumentedDir, c.compiledDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("compile cache: %w", err)
		}
	}
	var err error
	if c.compiled, err = wazero.NewCompilationCacheWithDir(c.compiledDir); err != nil {
		return nil, fmt.Errorf("compile cache %s: %w", c.compiledDir, err)
	}
	return c, nil
}

// clearCompiled removes every entry of wazero's cache, keeping its
// directories; each module compiles again on its next load.
func (c *diskCache) clearCompiled() error {
	return filepath.WalkDir(c.compiledDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Remove(path)
	})
}

// Close releases the compilation cache.
func (c *diskCache) Close() error {
	return c.compiled.Close(context.Background())
}

// instrument scans the code of m, whose original bytes hash to sum, and
// returns its instrumented form and whether it is snapshot-safe, from the
// cache or by doing the work. A fresh result is stored only when the
// caller calls commit, after the engine accepted it, so the cache never
// holds a module that fails to compile.
func (c *diskCache) instrument(sum [32]byte, m *wasm.Module) (binary []byte, snapshotSafe, fromCache bool, commit func(), err error) {
	commit = func() {}
	var path string
	if c != nil {
		path = filepath.Join(c.instrumentedDir, hex.EncodeToString(sum[:])+".wasm")
		if b, err := os.ReadFile(path); err == nil && len(b) > sha256.Size+1 {
			body := b[sha256.Size:]
			if h := sha256.Sum256(body); bytes.Equal(h[:], b[:sha256.Size]) {
				return body[1:], body[0]&factSnapshotSafe != 0, true, commit, nil
			}
		}
	}
	safe, v := scanCode(m)
	if v != nil {
		return nil, false, false, commit, &ValidationError{Violations: []Violation{*v}}
	}
	binary, err = instrument(m)
	if err != nil {
		return nil, false, false, commit, err
	}
	if c != nil {
		commit = func() {
			var facts byte
			if safe {
				facts |= factSnapshotSafe
			}
			body := append([]byte{facts}, binary...)
			h := sha256.Sum256(body)
			// A cache that cannot be written only costs time.
			_ = writeAtomic(path, h[:], body)
		}
	}
	return binary, safe, false, commit, nil
}

// factSnapshotSafe marks a cached module as snapshot-safe.
const factSnapshotSafe = 1

// writeAtomic writes parts to path through a temporary file and a rename.
func writeAtomic(path string, parts ...[]byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	for _, p := range parts {
		if _, err := f.Write(p); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
