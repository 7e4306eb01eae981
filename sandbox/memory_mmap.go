//go:build linux || darwin || freebsd

package sandbox

import (
	"sync"
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// Pool bounds: memories up to poolMaxCommitted bytes are kept for reuse,
// at most poolPerSize per reservation size (in practice, one size).
const (
	poolPerSize      = 8
	poolMaxCommitted = 16 << 20
)

// mmapPool backs each guest memory with its own anonymous mapping, reserved
// at the memory's maximum size and committed as it grows. Growing never
// copies and the kernel zero-fills new pages lazily. Freed mappings of
// modest size are zeroed and kept for the next instance, because unmapping
// costs a TLB shootdown on every core and faulting the pages back in costs
// more than clearing them; larger ones are unmapped at once, so a guest
// that grew to 256 MiB gives it back to the OS when it ends.
type mmapPool struct {
	mu     sync.Mutex
	free   map[uint64][]*mmapMemory
	closed bool
}

func newMemoryPool() memoryPool { return &mmapPool{free: map[uint64][]*mmapMemory{}} }

// Allocate implements experimental.MemoryAllocator.
func (p *mmapPool) Allocate(capacity, max uint64) experimental.LinearMemory {
	if max == 0 || max > 1<<32 {
		return &sliceMemory{}
	}
	p.mu.Lock()
	if list := p.free[max]; len(list) > 0 {
		m := list[len(list)-1]
		p.free[max] = list[:len(list)-1]
		p.mu.Unlock()
		return m
	}
	p.mu.Unlock()
	b, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|mapNoReserve)
	if err != nil {
		// Address space exhausted or mmap refused: fall back to the heap.
		return &sliceMemory{}
	}
	return &mmapMemory{reserved: b, pool: p}
}

// put keeps m for reuse, zeroed, and reports whether it did.
func (p *mmapPool) put(m *mmapMemory) bool {
	if m.committed > poolMaxCommitted {
		return false
	}
	clear(m.reserved[:m.committed])
	p.mu.Lock()
	defer p.mu.Unlock()
	size := uint64(len(m.reserved))
	if p.closed || len(p.free[size]) >= poolPerSize {
		return false
	}
	p.free[size] = append(p.free[size], m)
	return true
}

// Close unmaps every pooled memory; memories still in use are unmapped
// when freed.
func (p *mmapPool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for size, list := range p.free {
		for _, m := range list {
			_ = syscall.Munmap(m.reserved)
		}
		delete(p.free, size)
	}
}

type mmapMemory struct {
	reserved  []byte
	committed int
	pool      *mmapPool
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
	if m.reserved == nil || m.pool.put(m) {
		return
	}
	_ = syscall.Munmap(m.reserved)
	m.reserved = nil
}
