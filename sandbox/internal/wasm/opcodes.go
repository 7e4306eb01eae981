package wasm

import "fmt"

// Opcode identifies an instruction. Single-byte opcodes are their byte;
// 0xFC-prefixed ones are 0xFC00 | subopcode.
type Opcode uint16

// Imm says which immediates follow an opcode in the binary format.
type Imm uint8

// Immediate kinds.
const (
	ImmNone         Imm = iota
	ImmBlockType        // s33: empty (0x40), a value type, or a type index
	ImmLabel            // u32 label depth
	ImmBrTable          // vec(u32) then u32 default
	ImmFunc             // u32 function index
	ImmCallIndirect     // u32 type index, u32 table index
	ImmSelectT          // vec(valtype)
	ImmLocal            // u32 local index
	ImmGlobal           // u32 global index
	ImmTable            // u32 table index
	ImmMemarg           // u32 align, u32 offset
	ImmMemIdx           // one zero byte (memory index 0)
	ImmI32              // s32
	ImmI64              // s64
	ImmF32              // 4 bytes
	ImmF64              // 8 bytes
	ImmRefType          // one reference type byte
	ImmMemInit          // u32 data index, zero byte
	ImmData             // u32 data index
	ImmMemCopy          // two zero bytes
	ImmTableInit        // u32 element index, u32 table index
	ImmElem             // u32 element index
	ImmTableCopy        // u32 table index, u32 table index
)

type opInfo struct {
	op   Opcode
	name string
	imm  Imm
}

var (
	plainOps  [256]*opInfo
	prefixOps [32]*opInfo
	opsByName = map[string]*opInfo{}
)

func init() {
	for i := range opcodeTable {
		info := &opcodeTable[i]
		if info.op >= 0xFC00 {
			prefixOps[info.op&0xff] = info
		} else {
			plainOps[info.op] = info
		}
		if _, dup := opsByName[info.name]; !dup {
			opsByName[info.name] = info
		}
	}
}

func lookup(op Opcode) *opInfo {
	if op >= 0xFC00 {
		if int(op&0xff) < len(prefixOps) {
			return prefixOps[op&0xff]
		}
		return nil
	}
	if op < 256 {
		return plainOps[op]
	}
	return nil
}

// String returns the text-format name of the instruction.
func (op Opcode) String() string {
	if info := lookup(op); info != nil {
		return info.name
	}
	if op >= 0xFC00 {
		return fmt.Sprintf("0xfc %d", op&0xff)
	}
	return fmt.Sprintf("0x%02x", uint16(op))
}

// Immediates returns the immediate kind of op.
func (op Opcode) Immediates() Imm {
	if info := lookup(op); info != nil {
		return info.imm
	}
	return ImmNone
}

// OpcodeByName returns the opcode for a text-format instruction name such as
// "i32.add". The typed select is reached through "select" followed by a
// result list, so the name "select" maps to the untyped form.
func OpcodeByName(name string) (Opcode, bool) {
	info, ok := opsByName[name]
	if !ok {
		return 0, false
	}
	return info.op, true
}

// Instr is one decoded instruction of a function body.
type Instr struct {
	Op Opcode
	// Start and End delimit the instruction's bytes, opcode included, within
	// the body it was decoded from.
	Start, End int
	// A and B hold the first two immediates: the index for calls, locals,
	// globals and tables (call_indirect: A is the type, B the table), the
	// label depth for br and br_if, the block type for structured
	// instructions, align and offset for memory accesses.
	A, B int64
}

// prefixes that Crucible decodes only to name them in an error.
const (
	prefixMisc    = 0xFC
	prefixSIMD    = 0xFD
	prefixThreads = 0xFE
)

// ErrUnsupported reports an instruction or feature outside the accepted set.
var ErrUnsupported = fmt.Errorf("unsupported wasm feature")

// CodeReader decodes the instructions of one function body in order.
type CodeReader struct{ r reader }

// NewCodeReader starts decoding expr, which must end with the final end.
func NewCodeReader(expr []byte) *CodeReader { return &CodeReader{r: reader{b: expr}} }

// Err returns the first decoding error.
func (c *CodeReader) Err() error { return c.r.err }

// Offset is the position of the next instruction.
func (c *CodeReader) Offset() int { return c.r.off }

// Next decodes the next instruction. It returns false at the end of the
// input or on the first error.
func (c *CodeReader) Next(in *Instr) bool {
	r := &c.r
	if r.eof() {
		return false
	}
	in.Start = r.off
	in.A, in.B = 0, 0
	b := r.byte()
	op := Opcode(b)
	switch b {
	case prefixMisc:
		sub := r.u32()
		if r.err != nil {
			return false
		}
		if sub >= uint32(len(prefixOps)) || prefixOps[sub] == nil {
			r.err = fmt.Errorf("%w: instruction 0xfc %d at byte %d", ErrUnsupported, sub, in.Start)
			return false
		}
		op = 0xFC00 | Opcode(sub)
	case prefixSIMD:
		r.err = fmt.Errorf("%w: SIMD instruction at byte %d (SIMD is not accepted: its float NaN bits differ between CPUs)", ErrUnsupported, in.Start)
		return false
	case prefixThreads:
		r.err = fmt.Errorf("%w: atomic instruction at byte %d (threads are not accepted)", ErrUnsupported, in.Start)
		return false
	}
	info := lookup(op)
	if info == nil {
		r.err = fmt.Errorf("%w: opcode 0x%02x at byte %d", ErrUnsupported, b, in.Start)
		return false
	}
	in.Op = op
	switch info.imm {
	case ImmNone:
	case ImmBlockType:
		in.A = r.s33()
	case ImmLabel, ImmFunc, ImmLocal, ImmGlobal, ImmTable, ImmData, ImmElem:
		in.A = int64(r.u32())
	case ImmBrTable:
		n := r.count(1)
		for i := 0; i < n && r.err == nil; i++ {
			r.u32()
		}
		in.A = int64(r.u32())
	case ImmCallIndirect, ImmTableInit, ImmTableCopy:
		in.A = int64(r.u32())
		in.B = int64(r.u32())
	case ImmSelectT:
		n := r.count(1)
		for i := 0; i < n && r.err == nil; i++ {
			readValType(r)
		}
	case ImmMemarg:
		in.A = int64(r.u32())
		in.B = int64(r.u32())
	case ImmMemIdx:
		if r.byte() != 0 {
			r.fail("%s: memory index must be 0", info.name)
		}
	case ImmI32:
		in.A = int64(r.s32())
	case ImmI64:
		in.A = r.s64()
	case ImmF32:
		in.A = int64(r.f32bits())
	case ImmF64:
		in.A = int64(r.f64bits())
	case ImmRefType:
		readRefType(r)
	case ImmMemInit:
		in.A = int64(r.u32())
		if r.byte() != 0 {
			r.fail("memory.init: memory index must be 0")
		}
	case ImmMemCopy:
		if r.byte() != 0 || r.byte() != 0 {
			r.fail("memory.copy: memory indices must be 0")
		}
	}
	in.End = r.off
	return r.err == nil
}

// BrTableTargets decodes the label depths of one br_table instruction
// (its bytes from the opcode on): the table, then the default last.
func BrTableTargets(instr []byte) ([]uint32, error) {
	r := &reader{b: instr, off: 1}
	n := r.count(1)
	targets := make([]uint32, 0, n+1)
	for i := 0; i <= n && r.err == nil; i++ {
		targets = append(targets, r.u32())
	}
	return targets, r.err
}
