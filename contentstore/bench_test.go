package contentstore

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// Import, export and SHA-256 of the same generated files, so that one run
// gives import throughput as a fraction of the single-core SHA-256
// ceiling (run with -cpu 1). Sizes above 16 MiB run only with
// CRUCIBLE_BENCH_LARGE=1, so that CI's one pass over every benchmark
// (-benchtime 1x) stays fast:
//
//	CRUCIBLE_BENCH_LARGE=1 go test ./contentstore -run '^$' -bench 'Import|Export|SHA256' -cpu 1 -count 5

// benchSizes returns the file sizes to benchmark.
func benchSizes() []int64 {
	sizes := []int64{1 << 20, 16 << 20}
	if os.Getenv("CRUCIBLE_BENCH_LARGE") == "1" {
		sizes = append(sizes, 64<<20, 256<<20)
	}
	return sizes
}

func benchSizeName(n int64) string { return fmt.Sprintf("%dMiB", n>>20) }

// benchFile writes size pseudo-random bytes (incompressible, and with no
// repeated chunks to deduplicate) to a file in a temporary directory,
// streaming them, and returns its path.
func benchFile(b *testing.B, size int64) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "data")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	src := rand.NewChaCha8([32]byte{byte(size >> 20)})
	if _, err := io.CopyN(f, src, size); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkSHA256 hashes the file with SHA-256, reading it in chunk-sized
// pieces as import does: the ceiling for import, which hashes every byte
// at least once.
func BenchmarkSHA256(b *testing.B) {
	for _, size := range benchSizes() {
		b.Run(benchSizeName(size), func(b *testing.B) {
			path := benchFile(b, size)
			buf := make([]byte, DefaultProfile.ChunkSize)
			b.SetBytes(size)
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				h := sha256.New()
				// Hide f's WriteTo so that the copy uses buf.
				if _, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf); err != nil {
					b.Fatal(err)
				}
				h.Sum(nil)
				f.Close()
			}
		})
	}
}

// BenchmarkImport imports the file into a new on-disk store each time,
// with each profile; opening and removing the store are not timed.
func BenchmarkImport(b *testing.B) {
	for _, p := range Profiles() {
		b.Run(p.Name, func(b *testing.B) { benchImport(b, p) })
	}
}

func benchImport(b *testing.B, p Profile) {
	for _, size := range benchSizes() {
		b.Run(benchSizeName(size), func(b *testing.B) {
			path := benchFile(b, size)
			b.SetBytes(size)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dir := b.TempDir()
				s, err := Open(b.Context(), dir)
				if err != nil {
					b.Fatal(err)
				}
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := s.AddFile(b.Context(), f, p, nil); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				f.Close()
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				if err := os.RemoveAll(dir); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkExport exports an imported file to io.Discard.
func BenchmarkExport(b *testing.B) {
	for _, size := range benchSizes() {
		b.Run(benchSizeName(size), func(b *testing.B) {
			path := benchFile(b, size)
			s := storeTestOpen(b, b.TempDir())
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			root, err := s.AddFile(b.Context(), f, DefaultProfile, nil)
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			for b.Loop() {
				if err := s.Export(b.Context(), root, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFetch fetches a file between two nodes in this process, each
// with its own on-disk store and loopback libp2p host, into a new fetcher
// store each time. bench/contentstore measures the same with one process
// per node, next to a raw TCP copy.
func BenchmarkFetch(b *testing.B) {
	for _, size := range benchSizes() {
		b.Run(benchSizeName(size), func(b *testing.B) {
			provider := exTestNodeNew(b)
			root, err := provider.s.AddFile(b.Context(), bytes.NewReader(pinTestData(int(size), 1)), DefaultProfile, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			for b.Loop() {
				b.StopTimer()
				fetcher := exTestNodeNew(b)
				b.StartTimer()
				if err := exTestFetch(b, fetcher, root, FetchOptions{First: provider.info()}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				fetcher.x.Close()
				fetcher.h.Close()
				fetcher.s.Close()
				b.StartTimer()
			}
		})
	}
}
