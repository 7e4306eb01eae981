//go:build !(linux || darwin || freebsd)

package sandbox

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator is nil on other systems: the engine's heap-backed memory.
var memoryAllocator experimental.MemoryAllocator
