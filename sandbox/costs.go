package sandbox

import "github.com/crucible-net/crucible/sandbox/internal/wasm"

// InstrumentationVersion names the fuel cost table and the code that the
// instrumenter inserts. Fuel figures are comparable only between runs with
// the same version, and the compile cache is keyed by it. Change it whenever
// costs.go or instrument.go changes what a module computes or costs.
const InstrumentationVersion = "crucible-fuel-v1"

// Fuel costs, version crucible-fuel-v1. One unit of fuel is roughly one
// simple instruction. The table is deliberately coarse: it must be stable
// and easy to reproduce in another implementation, not a cycle-accurate
// model of any CPU.
const (
	// costDefault is the cost of every instruction not listed below.
	costDefault = 1
	// costDivide covers integer division and remainder and float division
	// and square root, which take tens of cycles on current CPUs.
	costDivide = 4
	// costCall and costCallIndirect are charged at the call site; the callee
	// pays for its own body.
	costCall         = 5
	costCallIndirect = 10

	// costPerGrowPage is charged per 64 KiB page requested by memory.grow,
	// whether or not the grow succeeds: the host zeroes every new page.
	costPerGrowPage = 1024
	// bulkByteShift: memory.copy, memory.fill and memory.init cost one unit
	// per 8 bytes (n >> 3) on top of their base cost.
	bulkByteShift = 3
	// table.grow, table.fill, table.copy and table.init cost one unit per
	// element on top of their base cost.

	// costHostCall is the base cost of every host function call; host
	// functions that move data also charge one unit per 8 bytes.
	costHostCall = 10
	// costPerIovec is what fd_write charges for each buffer descriptor,
	// empty or not.
	costPerIovec = 16
)

// staticCost returns the fixed part of an instruction's cost. Structured
// control markers that compile to no machine code are free.
func staticCost(op wasm.Opcode) int64 {
	switch op {
	case wasm.OpNop, wasm.OpBlock, wasm.OpLoop, wasm.OpEnd:
		return 0
	case wasm.OpI32DivS, wasm.OpI32DivU, wasm.OpI32RemS, wasm.OpI32RemU,
		wasm.OpI64DivS, wasm.OpI64DivU, wasm.OpI64RemS, wasm.OpI64RemU,
		wasm.OpF32Div, wasm.OpF64Div, wasm.OpF32Sqrt, wasm.OpF64Sqrt:
		return costDivide
	case wasm.OpCall:
		return costCall
	case wasm.OpCallIndirect:
		return costCallIndirect
	}
	return costDefault
}

// hostBytesCost is the fuel a host function charges for moving n bytes.
func hostBytesCost(n uint64) int64 {
	return costHostCall + int64(n>>bulkByteShift)
}
