package sandbox

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

// Names of the globals the instrumenter adds and exports. Evaluators may not
// export names with this prefix themselves.
const (
	reservedPrefix  = "__crucible"
	exportFuel      = "__crucible_fuel"
	exportDepth     = "__crucible_depth"
	exportDepthMax  = "__crucible_depth_max"
	exportMemoryMax = "__crucible_memory_max"
	exportTableMax  = "__crucible_table_max"
	exportTrap      = "__crucible_trap"
	// exportGlobalPrefix + index names each module-defined mutable global,
	// so a snapshot can capture and restore them.
	exportGlobalPrefix = "__crucible_g"
)

// Trap codes written to the trap global just before the inserted code
// executes unreachable, so the host can tell an enforced limit from a trap
// of the evaluator's own. Running out of fuel is decided by the host, in
// the refuel function.
const (
	trapNone   = 0
	trapDepth  = 2
	trapMemory = 3
	trapTable  = 4
)

// The function the instrumenter imports and calls whenever a fuel check
// finds the fuel global negative. The global holds only a slice of the
// evaluation's fuel; refuel moves the next slice in from the host's side,
// or ends the evaluation when the whole budget is spent or the evaluation
// was interrupted. Guests cannot import from this module themselves.
const (
	refuelModule = "__crucible"
	refuelName   = "refuel"
)

// Canonical quiet NaNs, with the sign bit clear. x86 produces NaNs with the
// sign bit set and Arm without it; canonicalising wherever a float's bits
// become observable makes every machine agree.
const (
	canonicalNaN32 = 0x7FC00000
	canonicalNaN64 = 0x7FF8000000000000
)

// mutableGlobalExports are the exports the instrumented module adds for the
// module's own mutable globals, so a snapshot can capture and restore them.
func mutableGlobalExports(m *wasm.Module) []wasm.Export {
	var exports []wasm.Export
	nImported := uint32(m.NumImported(wasm.ExternGlobal))
	for i, g := range m.Globals {
		if g.Mutable {
			exports = append(exports, wasm.Export{Name: exportGlobalPrefix + strconv.Itoa(i), Kind: wasm.ExternGlobal, Index: nImported + uint32(i)})
		}
	}
	return exports
}

// instrument rewrites a decoded, validated module so that it meters fuel,
// bounds call depth, memory and table growth, and canonicalises NaNs. The
// output depends only on the input bytes and InstrumentationVersion.
//
// What is inserted:
//   - every basic block is charged its static cost (costs.go) when it
//     starts. Block boundaries are function entry, loop headers, the two
//     arms of if, the point after br_if, and block ends;
//   - function entry and loop headers also check the fuel, so no loop or
//     recursion runs unmetered. The fuel global holds a slice of the budget;
//     when a check finds it negative, it calls the imported refuel function,
//     which moves in the next slice or ends the evaluation. Fuel that goes
//     negative in straight-line code is caught at the next check or when
//     control returns to the host;
//   - memory.grow, memory.copy, memory.fill, memory.init and the table bulk
//     instructions are charged by size before they run;
//   - memory.grow and table.grow trap when the result would exceed the
//     host's limits;
//   - calls to module functions count the call depth;
//   - floats are canonicalised before f32/f64.store, reinterpretation and
//     copysign.
func instrument(m *wasm.Module) ([]byte, error) {
	for _, e := range m.Exports {
		if strings.HasPrefix(e.Name, reservedPrefix) {
			return nil, fmt.Errorf("%w: export %q uses the reserved prefix %q", wasm.ErrUnsupported, e.Name, reservedPrefix)
		}
	}
	out := *m
	out.Bodies = make([]wasm.Body, len(m.Bodies))
	nImported := uint32(m.NumImported(wasm.ExternFunc))
	if err := addRefuelImport(&out, nImported); err != nil {
		return nil, err
	}

	out.Exports = append(out.Exports, mutableGlobalExports(m)...)

	base := uint32(m.NumImported(wasm.ExternGlobal) + len(m.Globals))
	e := emitter{
		gFuel: base, gDepth: base + 1, gDepthMax: base + 2,
		gMemMax: base + 3, gTableMax: base + 4, gTrap: base + 5,
		refuel: nImported,
	}
	addGlobal := func(name string, t wasm.ValType, index uint32) {
		init := []byte{byte(wasm.OpI32Const), 0, byte(wasm.OpEnd)}
		if t == wasm.I64 {
			init[0] = byte(wasm.OpI64Const)
		}
		out.Globals = append(out.Globals, wasm.Global{GlobalType: wasm.GlobalType{Type: t, Mutable: true}, Init: init})
		out.Exports = append(out.Exports, wasm.Export{Name: name, Kind: wasm.ExternGlobal, Index: index})
	}
	addGlobal(exportFuel, wasm.I64, e.gFuel)
	addGlobal(exportDepth, wasm.I32, e.gDepth)
	addGlobal(exportDepthMax, wasm.I32, e.gDepthMax)
	addGlobal(exportMemoryMax, wasm.I32, e.gMemMax)
	addGlobal(exportTableMax, wasm.I32, e.gTableMax)
	addGlobal(exportTrap, wasm.I32, e.gTrap)

	nImportedFuncs := int64(m.NumImported(wasm.ExternFunc))
	var ins []wasm.Instr
	var segCost []int64
	var frames []frame
	for fi, body := range m.Bodies {
		typeIdx := m.Functions[fi]
		if int(typeIdx) >= len(m.Types) {
			return nil, fmt.Errorf("%w: function %d has type index %d of %d", wasm.ErrMalformed, int(nImportedFuncs)+fi, typeIdx, len(m.Types))
		}
		ins = ins[:0]
		cr := wasm.NewCodeReader(body.Code)
		var in wasm.Instr
		for cr.Next(&in) {
			ins = append(ins, in)
		}
		if err := cr.Err(); err != nil {
			return nil, fmt.Errorf("function %d: %w", int(nImportedFuncs)+fi, err)
		}
		if len(ins) == 0 || ins[len(ins)-1].Op != wasm.OpEnd {
			return nil, fmt.Errorf("%w: function %d does not end with end", wasm.ErrMalformed, int(nImportedFuncs)+fi)
		}

		// Pass 1: the static cost of every segment, in order.
		segCost = segCost[:0]
		var cost int64
		for i := range ins {
			cost += staticCost(ins[i].Op)
			if endsSegment(ins[i].Op) || i == len(ins)-1 {
				segCost = append(segCost, cost)
				cost = 0
			}
		}

		// Pass 2: emit.
		nLocals := uint64(len(m.Types[typeIdx].Params)) + body.NumLocals()
		if nLocals+4 > math.MaxUint32 {
			return nil, fmt.Errorf("%w: function %d has too many locals", wasm.ErrMalformed, int(nImportedFuncs)+fi)
		}
		e.l64, e.l32, e.lf32, e.lf64 = uint32(nLocals), uint32(nLocals+1), uint32(nLocals+2), uint32(nLocals+3)
		e.b = make([]byte, 0, len(body.Code)+len(body.Code)/2+32)
		seg := 0
		startsSegment, checks := true, true
		// frames mirrors the control stack; the function body is the
		// outermost frame.
		frames := append(frames[:0], frame{})
		for i := range ins {
			in := &ins[i]
			if len(frames) == 0 {
				// scanCode rejects this; instrument must not panic on it.
				return nil, fmt.Errorf("%w: function %d: instructions after the final end", wasm.ErrMalformed, int(nImportedFuncs)+fi)
			}
			if startsSegment {
				top := &frames[len(frames)-1]
				switch {
				case checks && top.wrapped:
					top.headerCost = segCost[seg]
					e.chargeAndCheck(segCost[seg], true)
				case checks:
					e.chargeAndCheck(segCost[seg], false)
				case segCost[seg] > 0:
					e.charge(segCost[seg])
				}
				seg++
			}
			e.before(in, nImportedFuncs)
			code := body.Code[in.Start:in.End]
			switch in.Op {
			case wasm.OpCall, wasm.OpRefFunc:
				if in.A >= nImportedFuncs {
					// Module functions moved up by one for the refuel import.
					e.idx(in.Op, uint32(in.A)+1)
				} else {
					e.b = append(e.b, code...)
				}
			case wasm.OpBr, wasm.OpBrIf:
				e.idx(in.Op, extraDepth(frames, uint32(in.A)))
			case wasm.OpBrTable:
				targets, err := wasm.BrTableTargets(code)
				if err != nil {
					return nil, fmt.Errorf("function %d: %w", int(nImportedFuncs)+fi, err)
				}
				e.op(wasm.OpBrTable)
				e.b = wasm.AppendU32(e.b, uint32(len(targets)-1))
				for _, d := range targets {
					e.b = wasm.AppendU32(e.b, extraDepth(frames, d))
				}
			case wasm.OpBlock, wasm.OpIf:
				e.b = append(e.b, code...)
				frames = append(frames, frame{})
			case wasm.OpLoop:
				wrap := loopWithoutParams(m, in.A)
				if wrap {
					e.openLoopWrapper(code)
				}
				e.b = append(e.b, code...)
				frames = append(frames, frame{wrapped: wrap})
			case wasm.OpEnd:
				e.b = append(e.b, code...)
				if f := frames[len(frames)-1]; f.wrapped {
					e.closeLoopWrapper(f.headerCost)
				}
				frames = frames[:len(frames)-1]
			default:
				e.b = append(e.b, code...)
			}
			e.after(in, nImportedFuncs)
			startsSegment = endsSegment(in.Op)
			checks = in.Op == wasm.OpLoop
		}
		locals := append(append([]wasm.LocalGroup(nil), body.Locals...),
			wasm.LocalGroup{Count: 1, Type: wasm.I64}, wasm.LocalGroup{Count: 1, Type: wasm.I32},
			wasm.LocalGroup{Count: 1, Type: wasm.F32}, wasm.LocalGroup{Count: 1, Type: wasm.F64})
		out.Bodies[fi] = wasm.Body{Locals: locals, Code: e.b}
	}
	return out.Encode(), nil
}

// addRefuelImport appends the refuel import after the module's function
// imports, at index nImported, and moves every reference to a module
// function (index >= nImported) up by one: exports, the start function,
// global initialisers, element segments and the name section. Code bodies
// are rewritten as they are instrumented.
func addRefuelImport(out *wasm.Module, nImported uint32) error {
	refuelType := wasm.FuncType{Params: []wasm.ValType{wasm.I64}}
	typeIdx := -1
	for i, t := range out.Types {
		if t.Equal(refuelType) {
			typeIdx = i
			break
		}
	}
	if typeIdx < 0 {
		out.Types = append(append([]wasm.FuncType(nil), out.Types...), refuelType)
		typeIdx = len(out.Types) - 1
	}
	// Function imports come first in the index space whatever their place
	// in the import section, so appending keeps every other import's index.
	out.Imports = append(append([]wasm.Import(nil), out.Imports...),
		wasm.Import{Module: refuelModule, Name: refuelName, Kind: wasm.ExternFunc, Type: uint32(typeIdx)})

	out.Exports = append([]wasm.Export(nil), out.Exports...)
	for i := range out.Exports {
		if out.Exports[i].Kind == wasm.ExternFunc && out.Exports[i].Index >= nImported {
			out.Exports[i].Index++
		}
	}
	if out.Start != nil && *out.Start >= nImported {
		s := *out.Start + 1
		out.Start = &s
	}
	out.Globals = append([]wasm.Global(nil), out.Globals...)
	for i := range out.Globals {
		init, err := wasm.ShiftConstExpr(out.Globals[i].Init, nImported)
		if err != nil {
			return fmt.Errorf("global %d: %w", i, err)
		}
		out.Globals[i].Init = init
	}
	sections := make([]wasm.Section, 0, len(out.Sections)+1)
	named := false
	for _, sec := range out.Sections {
		switch {
		case sec.ID == wasm.SecElement:
			data, err := wasm.ShiftElementSection(sec.Data, nImported)
			if err != nil {
				return fmt.Errorf("element section: %w", err)
			}
			sec.Data = data
		case sec.ID == wasm.SecCustom && sec.Name == "name":
			data, err := wasm.ShiftNameSection(sec.Data, nImported)
			if err != nil {
				continue // names are for humans; a bad name section is dropped
			}
			sec.Data = data
			named = true
		}
		sections = append(sections, sec)
	}
	if !named && len(out.Functions) > 0 {
		// Without names, the engine's stack traces show function indices;
		// name each function by its original index so traces match the
		// author's module, not the instrumented one.
		sections = append(sections, wasm.Section{ID: wasm.SecCustom, Name: "name", Data: indexNames(nImported, len(out.Functions))})
	}
	out.Sections = sections
	return nil
}

// indexNames builds a name section that names module function i, now at
// index i+1, "$i".
func indexNames(nImported uint32, n int) []byte {
	var names []byte
	names = wasm.AppendU32(names, uint32(n))
	for i := range uint32(n) {
		names = wasm.AppendU32(names, nImported+i+1)
		names = wasm.AppendName(names, "$"+strconv.Itoa(int(nImported+i)))
	}
	data := wasm.AppendName(nil, "name")
	data = append(data, 1)
	data = wasm.AppendU32(data, uint32(len(names)))
	return append(data, names...)
}

// endsSegment reports whether a new basic block starts after op: after
// instructions that branch, or that are branched to.
func endsSegment(op wasm.Opcode) bool {
	switch op {
	case wasm.OpLoop, wasm.OpIf, wasm.OpElse, wasm.OpEnd, wasm.OpBr, wasm.OpBrIf,
		wasm.OpBrTable, wasm.OpReturn, wasm.OpUnreachable:
		return true
	}
	return false
}

// snapshotUnsafe reports instructions that change instance state other than
// memory and globals (tables, dropped segments): with them, a snapshot of
// memory and globals taken after _initialize would not stand for a fresh
// instance.
func snapshotUnsafe(op wasm.Opcode) bool {
	switch op {
	case wasm.OpTableSet, wasm.OpTableGrow, wasm.OpTableFill, wasm.OpTableCopy,
		wasm.OpTableInit, wasm.OpElemDrop, wasm.OpDataDrop:
		return true
	}
	return false
}

// emitter appends the inserted code sequences to b.
type emitter struct {
	b []byte
	// global indices
	gFuel, gDepth, gDepthMax, gMemMax, gTableMax, gTrap uint32
	// scratch local indices of the current function
	l64, l32, lf32, lf64 uint32
	// refuel is the function index of the refuel import.
	refuel uint32
}

func (e *emitter) op(ops ...wasm.Opcode) {
	for _, op := range ops {
		if op >= 0xFC00 {
			e.b = append(e.b, 0xFC)
			e.b = wasm.AppendU32(e.b, uint32(op&0xff))
		} else {
			e.b = append(e.b, byte(op))
		}
	}
}

func (e *emitter) idx(op wasm.Opcode, i uint32) {
	e.op(op)
	e.b = wasm.AppendU32(e.b, i)
}

func (e *emitter) i64(v int64) {
	e.op(wasm.OpI64Const)
	e.b = wasm.AppendS64(e.b, v)
}

func (e *emitter) i32(v int32) {
	e.op(wasm.OpI32Const)
	e.b = wasm.AppendS64(e.b, int64(v))
}

// trapIf consumes an i32 condition and traps with code when it is non-zero.
func (e *emitter) trapIf(code int32) {
	e.op(wasm.OpIf)
	e.b = append(e.b, 0x40)
	e.i32(code)
	e.idx(wasm.OpGlobalSet, e.gTrap)
	e.op(wasm.OpUnreachable, wasm.OpEnd)
}

// charge subtracts a static cost from the fuel without checking it.
func (e *emitter) charge(c int64) {
	e.idx(wasm.OpGlobalGet, e.gFuel)
	e.i64(c)
	e.op(wasm.OpI64Sub)
	e.idx(wasm.OpGlobalSet, e.gFuel)
}

// refuelIfNegative consumes an i32 condition and calls refuel (crediting
// nothing) when it is non-zero.
func (e *emitter) refuelIfNegative() {
	e.op(wasm.OpIf)
	e.b = append(e.b, 0x40)
	e.i64(0)
	e.idx(wasm.OpCall, e.refuel)
	e.op(wasm.OpEnd)
}

// A call inside a loop, even one that never runs, makes the engine keep
// the loop's values in memory instead of registers (the MSE kernel ran
// 1.4x slower). So a loop without parameters is wrapped, and its header
// check branches out of it to call refuel and re-enter it:
//
//	block bt        ;; $done: the loop's results leave through here
//	  loop          ;; $retry
//	    block       ;; $slow
//	      loop bt   ;; the original loop
//	        charge c; fuel < 0 → br_if $slow
//	        ...
//	      end
//	      br $done
//	    end
//	    call refuel(c) ;; credits the header charge the retry repeats
//	    br $retry
//	  end
//	  unreachable
//	end
//
// Branches from inside the loop to labels outside it cross three more
// labels (extraDepth). Nothing of the iteration has run when the check
// fails, so re-entering the loop from the top is exact.
func (e *emitter) openLoopWrapper(loop []byte) {
	e.op(wasm.OpBlock)
	e.b = append(e.b, loop[1:]...) // the loop's block type
	e.op(wasm.OpLoop)
	e.b = append(e.b, 0x40)
	e.op(wasm.OpBlock)
	e.b = append(e.b, 0x40)
}

func (e *emitter) closeLoopWrapper(headerCost int64) {
	e.idx(wasm.OpBr, 2)
	e.op(wasm.OpEnd)
	e.i64(headerCost)
	e.idx(wasm.OpCall, e.refuel)
	e.idx(wasm.OpBr, 0)
	e.op(wasm.OpEnd, wasm.OpUnreachable, wasm.OpEnd)
}

// frame is one entry of the control stack during instrumentation.
type frame struct {
	wrapped    bool  // a loop inside the three wrapper labels
	headerCost int64 // the wrapped loop's header segment cost
}

// wrapperLabels is the number of labels openLoopWrapper adds.
const wrapperLabels = 3

// extraDepth adjusts a branch's label depth for the wrapper labels between
// the branch and its target: three for every wrapped loop the branch
// leaves. A branch to a wrapped loop itself (continue) crosses none.
func extraDepth(frames []frame, depth uint32) uint32 {
	out := depth
	for i := uint32(0); i < depth && int(i) < len(frames); i++ {
		if frames[len(frames)-1-int(i)].wrapped {
			out += wrapperLabels
		}
	}
	return out
}

// loopWithoutParams reports whether a loop's block type takes no
// parameters, so it can be re-entered from its wrapper.
func loopWithoutParams(m *wasm.Module, blockType int64) bool {
	if blockType < 0 {
		return true // empty (0x40) or a single result type
	}
	return int(blockType) < len(m.Types) && len(m.Types[blockType].Params) == 0
}

// chargeAndCheck subtracts a static cost and asks for more fuel if the
// slice is spent: in place, or, at the header of a wrapped loop, by leaving
// the loop for its wrapper (see openLoopWrapper).
func (e *emitter) chargeAndCheck(c int64, wrappedLoop bool) {
	e.idx(wasm.OpGlobalGet, e.gFuel)
	if c > 0 {
		e.i64(c)
		e.op(wasm.OpI64Sub)
		e.idx(wasm.OpLocalTee, e.l64)
		e.idx(wasm.OpGlobalSet, e.gFuel)
		e.idx(wasm.OpLocalGet, e.l64)
	}
	e.i64(0)
	e.op(wasm.OpI64LtS)
	if wrappedLoop {
		e.idx(wasm.OpBrIf, 1) // to the wrapper's $slow block
		return
	}
	e.refuelIfNegative()
}

// chargeDynamic charges for the size held in the i32 scratch local:
// size*mul when mul > 0, else size>>shift. It checks the fuel, so a bulk
// operation never starts without the fuel to pay for it.
func (e *emitter) chargeDynamic(mul int64, shift int64) {
	e.idx(wasm.OpGlobalGet, e.gFuel)
	e.idx(wasm.OpLocalGet, e.l32)
	e.op(wasm.OpI64ExtendI32U)
	if mul > 0 {
		if mul != 1 {
			e.i64(mul)
			e.op(wasm.OpI64Mul)
		}
	} else {
		e.i64(shift)
		e.op(wasm.OpI64ShrU)
	}
	e.op(wasm.OpI64Sub)
	e.idx(wasm.OpLocalTee, e.l64)
	e.idx(wasm.OpGlobalSet, e.gFuel)
	e.idx(wasm.OpLocalGet, e.l64)
	e.i64(0)
	e.op(wasm.OpI64LtS)
	e.refuelIfNegative()
}

// checkGrow traps with code when current+delta (delta in the i32 scratch
// local, current pushed by pushSize) exceeds the limit global.
func (e *emitter) checkGrow(pushSize func(), limit uint32, code int32) {
	pushSize()
	e.op(wasm.OpI64ExtendI32U)
	e.idx(wasm.OpLocalGet, e.l32)
	e.op(wasm.OpI64ExtendI32U, wasm.OpI64Add)
	e.idx(wasm.OpGlobalGet, limit)
	e.op(wasm.OpI64ExtendI32U, wasm.OpI64GtU)
	e.trapIf(code)
}

func (e *emitter) canonicalize32() {
	e.idx(wasm.OpLocalTee, e.lf32)
	e.op(wasm.OpF32Const)
	e.b = wasm.AppendF32(e.b, canonicalNaN32)
	e.idx(wasm.OpLocalGet, e.lf32)
	e.idx(wasm.OpLocalGet, e.lf32)
	e.op(wasm.OpF32Eq, wasm.OpSelect)
}

func (e *emitter) canonicalize64() {
	e.idx(wasm.OpLocalTee, e.lf64)
	e.op(wasm.OpF64Const)
	e.b = wasm.AppendF64(e.b, canonicalNaN64)
	e.idx(wasm.OpLocalGet, e.lf64)
	e.idx(wasm.OpLocalGet, e.lf64)
	e.op(wasm.OpF64Eq, wasm.OpSelect)
}

// before emits what must run before an instruction. The operand on top of
// the stack is, for every case below, the size, count or float operand.
func (e *emitter) before(in *wasm.Instr, nImportedFuncs int64) {
	switch in.Op {
	case wasm.OpCall:
		if in.A >= nImportedFuncs {
			e.enterCall()
		}
	case wasm.OpCallIndirect:
		e.enterCall()
	case wasm.OpMemoryGrow:
		e.idx(wasm.OpLocalSet, e.l32)
		e.chargeDynamic(costPerGrowPage, 0)
		e.checkGrow(func() { e.op(wasm.OpMemorySize); e.b = append(e.b, 0) }, e.gMemMax, trapMemory)
		e.idx(wasm.OpLocalGet, e.l32)
	case wasm.OpTableGrow:
		e.idx(wasm.OpLocalSet, e.l32)
		e.chargeDynamic(1, 0)
		e.checkGrow(func() { e.idx(wasm.OpTableSize, uint32(in.A)) }, e.gTableMax, trapTable)
		e.idx(wasm.OpLocalGet, e.l32)
	case wasm.OpMemoryCopy, wasm.OpMemoryFill, wasm.OpMemoryInit:
		e.idx(wasm.OpLocalSet, e.l32)
		e.chargeDynamic(0, bulkByteShift)
		e.idx(wasm.OpLocalGet, e.l32)
	case wasm.OpTableFill, wasm.OpTableCopy, wasm.OpTableInit:
		e.idx(wasm.OpLocalSet, e.l32)
		e.chargeDynamic(1, 0)
		e.idx(wasm.OpLocalGet, e.l32)
	case wasm.OpF32Store, wasm.OpI32ReinterpretF32, wasm.OpF32Copysign:
		e.canonicalize32()
	case wasm.OpF64Store, wasm.OpI64ReinterpretF64, wasm.OpF64Copysign:
		e.canonicalize64()
	}
}

func (e *emitter) after(in *wasm.Instr, nImportedFuncs int64) {
	switch in.Op {
	case wasm.OpCall:
		if in.A >= nImportedFuncs {
			e.leaveCall()
		}
	case wasm.OpCallIndirect:
		e.leaveCall()
	}
}

func (e *emitter) enterCall() {
	e.idx(wasm.OpGlobalGet, e.gDepth)
	e.i32(1)
	e.op(wasm.OpI32Add)
	e.idx(wasm.OpLocalTee, e.l32)
	e.idx(wasm.OpGlobalSet, e.gDepth)
	e.idx(wasm.OpLocalGet, e.l32)
	e.idx(wasm.OpGlobalGet, e.gDepthMax)
	e.op(wasm.OpI32GtU)
	e.trapIf(trapDepth)
}

func (e *emitter) leaveCall() {
	e.idx(wasm.OpGlobalGet, e.gDepth)
	e.i32(1)
	e.op(wasm.OpI32Sub)
	e.idx(wasm.OpGlobalSet, e.gDepth)
}
