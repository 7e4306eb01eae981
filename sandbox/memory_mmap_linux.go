package sandbox

import "syscall"

// mapNoReserve keeps the reservation out of the kernel's overcommit
// accounting; pages are committed by mprotect as the guest grows.
const mapNoReserve = syscall.MAP_NORESERVE
