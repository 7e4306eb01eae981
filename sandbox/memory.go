package sandbox

import "github.com/tetratelabs/wazero/experimental"

// memoryPool allocates guest memories for one sandbox and releases what it
// keeps when the sandbox closes. newMemoryPool returns nil where the
// engine's heap-backed memory is used instead.
type memoryPool interface {
	experimental.MemoryAllocator
	Close()
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
