//go:build linux || darwin || freebsd

package sandbox

import (
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// mmapAllocator backs each guest memory with its own anonymous mapping,
// reserved at the memory's maximum size and committed as it grows. Growing
// never copies, the kernel zero-fills pages lazily, and closing an instance
// returns its memory to the OS at once instead of leaving it to the Go
// garbage collector. A guest that grows to 256 MiB costs the host 256 MiB
// of page-table entries, not 256 MiB of copying at every grow.
type mmapAllocator struct{}

var memoryAllocator experimental.MemoryAllocator = mmapAllocator{}

func (mmapAllocator) Allocate(capacity, max uint64) experimental.LinearMemory {
	if max == 0 || max > 1<<32 {
		return &sliceMemory{}
	}
	b, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|mapNoReserve)
	if err != nil {
		// Address space exhausted or mmap refused: fall back to the heap.
		return &sliceMemory{}
	}
	return &mmapMemory{reserved: b}
}

type mmapMemory struct {
	reserved  []byte
	committed int
}

func (m *mmapMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.reserved)) {
		return nil
	}
	if n := int(size); n > m.committed {
		if err := syscall.Mprotect(m.reserved[m.committed:n], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		m.committed = n
	}
	return m.reserved[:size:size]
}

func (m *mmapMemory) Free() {
	if m.reserved != nil {
		_ = syscall.Munmap(m.reserved)
		m.reserved = nil
	}
}

// sliceMemory is a heap-backed memory, the engine's default behaviour.
type sliceMemory struct{ buf []byte }

func (m *sliceMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		m.buf = append(m.buf, make([]byte, size-uint64(len(m.buf)))...)
	}
	return m.buf[:size:size]
}

func (m *sliceMemory) Free() { m.buf = nil }
