package wasm

import (
	"bytes"
	"fmt"
)

// ValType is a WebAssembly value type.
type ValType byte

// Value types.
const (
	I32       ValType = 0x7F
	I64       ValType = 0x7E
	F32       ValType = 0x7D
	F64       ValType = 0x7C
	V128      ValType = 0x7B
	FuncRef   ValType = 0x70
	ExternRef ValType = 0x6F
)

func (t ValType) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	case V128:
		return "v128"
	case FuncRef:
		return "funcref"
	case ExternRef:
		return "externref"
	}
	return fmt.Sprintf("valtype(0x%02x)", byte(t))
}

func readValType(r *reader) ValType {
	t := ValType(r.byte())
	switch t {
	case I32, I64, F32, F64, FuncRef, ExternRef:
		return t
	case V128:
		if r.err == nil {
			r.err = fmt.Errorf("%w: v128 value type at byte %d (SIMD is not accepted)", ErrUnsupported, r.off-1)
		}
		return t
	}
	r.fail("invalid value type 0x%02x", byte(t))
	return t
}

func readRefType(r *reader) ValType {
	t := ValType(r.byte())
	if t != FuncRef && t != ExternRef {
		r.fail("invalid reference type 0x%02x", byte(t))
	}
	return t
}

// Section IDs.
const (
	SecCustom    byte = 0
	SecType      byte = 1
	SecImport    byte = 2
	SecFunction  byte = 3
	SecTable     byte = 4
	SecMemory    byte = 5
	SecGlobal    byte = 6
	SecExport    byte = 7
	SecStart     byte = 8
	SecElement   byte = 9
	SecCode      byte = 10
	SecData      byte = 11
	SecDataCount byte = 12
)

// sectionOrder gives the position every known section must keep; the data
// count section sits between element and code.
var sectionOrder = [...]int{
	SecType: 1, SecImport: 2, SecFunction: 3, SecTable: 4, SecMemory: 5,
	SecGlobal: 6, SecExport: 7, SecStart: 8, SecElement: 9, SecDataCount: 10,
	SecCode: 11, SecData: 12,
}

// External kinds of imports and exports.
const (
	ExternFunc   byte = 0
	ExternTable  byte = 1
	ExternMemory byte = 2
	ExternGlobal byte = 3
)

// ExternName names an external kind for messages.
func ExternName(kind byte) string {
	switch kind {
	case ExternFunc:
		return "function"
	case ExternTable:
		return "table"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	}
	return fmt.Sprintf("kind %d", kind)
}

// FuncType is a function signature.
type FuncType struct {
	Params, Results []ValType
}

// Equal reports whether two signatures are identical.
func (f FuncType) Equal(g FuncType) bool {
	return bytes.Equal(valBytes(f.Params), valBytes(g.Params)) && bytes.Equal(valBytes(f.Results), valBytes(g.Results))
}

func valBytes(v []ValType) []byte {
	b := make([]byte, len(v))
	for i, t := range v {
		b[i] = byte(t)
	}
	return b
}

func (f FuncType) String() string {
	var b bytes.Buffer
	b.WriteString("(")
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
	}
	b.WriteString(") -> (")
	for i, p := range f.Results {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
	}
	b.WriteString(")")
	return b.String()
}

// Limits bound a memory (in 64 KiB pages) or a table (in elements).
type Limits struct {
	Min    uint32
	Max    uint32
	HasMax bool
}

// Import is one entry of the import section. Type is the type index for
// functions; Table, Memory and Global are set for the other kinds.
type Import struct {
	Module, Name string
	Kind         byte
	Type         uint32
	Table        Table
	Memory       Limits
	Global       GlobalType
}

// Table is a table definition.
type Table struct {
	Elem   ValType
	Limits Limits
}

// GlobalType is a global's value type and mutability.
type GlobalType struct {
	Type    ValType
	Mutable bool
}

// Global is a module-defined global with its constant initialiser
// (instructions up to and including the final end).
type Global struct {
	GlobalType
	Init []byte
}

// Export is one entry of the export section.
type Export struct {
	Name  string
	Kind  byte
	Index uint32
}

// DataSegment summarises one data segment.
type DataSegment struct {
	Passive bool
	Size    int
}

// Body is one function body: its local declarations and its code.
type Body struct {
	// Locals are the declared local groups in order.
	Locals []LocalGroup
	// Code is the instruction sequence, ending with the final end.
	Code []byte
}

// LocalGroup declares Count locals of one type.
type LocalGroup struct {
	Count uint32
	Type  ValType
}

// NumLocals is the total number of declared locals (not counting params).
func (b *Body) NumLocals() uint64 {
	var n uint64
	for _, g := range b.Locals {
		n += uint64(g.Count)
	}
	return n
}

// Section is a raw section as it appeared in the binary.
type Section struct {
	ID   byte
	Name string // for custom sections
	Data []byte // payload, without the id and size
}

// Module is a decoded module. It keeps every section's raw bytes so that
// Encode reproduces the input exactly, apart from the parts a caller
// replaced (globals, exports, bodies).
type Module struct {
	Sections []Section

	Types     []FuncType
	Imports   []Import
	Functions []uint32 // type index of each defined function
	Tables    []Table
	Memories  []Limits
	Globals   []Global
	Exports   []Export
	Start     *uint32
	Elements  int
	Data      []DataSegment
	DataCount *uint32
	Bodies    []Body

	// CodeSize is the size of the code section payload in bytes.
	CodeSize int
}

// NumImported counts imports of one kind.
func (m *Module) NumImported(kind byte) int {
	n := 0
	for _, im := range m.Imports {
		if im.Kind == kind {
			n++
		}
	}
	return n
}

// FuncType returns the signature of function index i (imports first).
func (m *Module) FuncType(i uint32) (FuncType, bool) {
	for _, im := range m.Imports {
		if im.Kind != ExternFunc {
			continue
		}
		if i == 0 {
			if int(im.Type) < len(m.Types) {
				return m.Types[im.Type], true
			}
			return FuncType{}, false
		}
		i--
	}
	if int(i) < len(m.Functions) && int(m.Functions[i]) < len(m.Types) {
		return m.Types[m.Functions[i]], true
	}
	return FuncType{}, false
}

// Export looks up an export by name.
func (m *Module) Export(name string) (Export, bool) {
	for _, e := range m.Exports {
		if e.Name == name {
			return e, true
		}
	}
	return Export{}, false
}

var magic = []byte{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}

// Decode parses a binary module. It checks the structure (section order,
// sizes, encodings, that every function has a body) but not types: that
// is the engine's job once the module is known to be well-formed.
func Decode(b []byte) (*Module, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], magic[:4]) {
		return nil, fmt.Errorf("%w: no \\0asm magic number: this is not a WebAssembly binary", ErrMalformed)
	}
	if !bytes.Equal(b[4:8], magic[4:]) {
		return nil, fmt.Errorf("%w: binary format version %x, want 1", ErrMalformed, b[4:8])
	}
	m := &Module{}
	r := &reader{b: b, off: 8}
	last := 0
	for !r.eof() {
		id := r.byte()
		size := r.u32()
		start := r.off
		data := r.bytes(int(size))
		if r.err != nil {
			return nil, r.err
		}
		sec := Section{ID: id, Data: data}
		if id != SecCustom {
			if int(id) >= len(sectionOrder) || sectionOrder[id] == 0 {
				return nil, fmt.Errorf("%w: unknown section id %d at byte %d", ErrMalformed, id, start)
			}
			if sectionOrder[id] <= last {
				return nil, fmt.Errorf("%w: section %d out of order or repeated at byte %d", ErrMalformed, id, start)
			}
			last = sectionOrder[id]
		}
		sr := &reader{b: data}
		m.decodeSection(&sec, sr)
		if sr.err != nil {
			return nil, fmt.Errorf("section %d at byte %d: %w", id, start, sr.err)
		}
		if sr.off != len(data) {
			return nil, fmt.Errorf("%w: section %d at byte %d has %d trailing bytes", ErrMalformed, id, start, len(data)-sr.off)
		}
		m.Sections = append(m.Sections, sec)
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(m.Functions) != len(m.Bodies) {
		return nil, fmt.Errorf("%w: %d functions declared but %d bodies", ErrMalformed, len(m.Functions), len(m.Bodies))
	}
	if m.DataCount != nil && int(*m.DataCount) != len(m.Data) {
		return nil, fmt.Errorf("%w: data count %d but %d data segments", ErrMalformed, *m.DataCount, len(m.Data))
	}
	return m, nil
}

func (m *Module) decodeSection(sec *Section, r *reader) {
	switch sec.ID {
	case SecCustom:
		sec.Name = r.name()
		r.off = len(r.b)
	case SecType:
		n := r.count(3)
		m.Types = make([]FuncType, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			if f := r.byte(); f != 0x60 && r.err == nil {
				r.fail("function type %d: form 0x%02x, want 0x60", i, f)
				return
			}
			var ft FuncType
			np := r.count(1)
			for j := 0; j < np && r.err == nil; j++ {
				ft.Params = append(ft.Params, readValType(r))
			}
			nr := r.count(1)
			for j := 0; j < nr && r.err == nil; j++ {
				ft.Results = append(ft.Results, readValType(r))
			}
			m.Types = append(m.Types, ft)
		}
	case SecImport:
		n := r.count(4)
		m.Imports = make([]Import, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			im := Import{Module: r.name(), Name: r.name(), Kind: r.byte()}
			switch im.Kind {
			case ExternFunc:
				im.Type = r.u32()
			case ExternTable:
				im.Table = readTable(r)
			case ExternMemory:
				im.Memory = readLimits(r)
			case ExternGlobal:
				im.Global = readGlobalType(r)
			default:
				r.fail("import %d: unknown kind %d", i, im.Kind)
			}
			m.Imports = append(m.Imports, im)
		}
	case SecFunction:
		n := r.count(1)
		m.Functions = make([]uint32, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			m.Functions = append(m.Functions, r.u32())
		}
	case SecTable:
		n := r.count(3)
		for i := 0; i < n && r.err == nil; i++ {
			m.Tables = append(m.Tables, readTable(r))
		}
	case SecMemory:
		n := r.count(2)
		for i := 0; i < n && r.err == nil; i++ {
			m.Memories = append(m.Memories, readLimits(r))
		}
	case SecGlobal:
		n := r.count(3)
		m.Globals = make([]Global, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			g := Global{GlobalType: readGlobalType(r)}
			g.Init = readConstExpr(r)
			m.Globals = append(m.Globals, g)
		}
	case SecExport:
		n := r.count(3)
		m.Exports = make([]Export, 0, n)
		seen := make(map[string]bool, n)
		for i := 0; i < n && r.err == nil; i++ {
			e := Export{Name: r.name(), Kind: r.byte(), Index: r.u32()}
			if e.Kind > ExternGlobal {
				r.fail("export %q: unknown kind %d", e.Name, e.Kind)
			}
			if seen[e.Name] {
				r.fail("duplicate export %q", e.Name)
			}
			seen[e.Name] = true
			m.Exports = append(m.Exports, e)
		}
	case SecStart:
		s := r.u32()
		m.Start = &s
	case SecElement:
		n := r.count(1)
		m.Elements = n
		for i := 0; i < n && r.err == nil; i++ {
			readElement(r)
		}
	case SecCode:
		m.CodeSize = len(r.b)
		n := r.count(2)
		m.Bodies = make([]Body, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			size := r.u32()
			br := &reader{b: r.bytes(int(size))}
			if r.err != nil {
				return
			}
			var body Body
			ng := br.count(2)
			for j := 0; j < ng && br.err == nil; j++ {
				body.Locals = append(body.Locals, LocalGroup{Count: br.u32(), Type: readValType(br)})
			}
			if br.err != nil {
				r.err = fmt.Errorf("function body %d: %w", i, br.err)
				return
			}
			body.Code = br.b[br.off:]
			if len(body.Code) == 0 || body.Code[len(body.Code)-1] != byte(OpEnd) {
				r.err = fmt.Errorf("%w: function body %d does not end with end", ErrMalformed, i)
				return
			}
			m.Bodies = append(m.Bodies, body)
		}
	case SecData:
		n := r.count(1)
		m.Data = make([]DataSegment, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			var d DataSegment
			switch flag := r.u32(); flag {
			case 0:
				readConstExpr(r)
			case 1:
				d.Passive = true
			case 2:
				if r.u32() != 0 {
					r.fail("data segment %d: memory index must be 0", i)
				}
				readConstExpr(r)
			default:
				r.fail("data segment %d: unknown flags %d", i, flag)
			}
			d.Size = r.count(1)
			r.bytes(d.Size)
			m.Data = append(m.Data, d)
		}
	case SecDataCount:
		c := r.u32()
		m.DataCount = &c
	}
}

func readLimits(r *reader) Limits {
	var l Limits
	switch flag := r.byte(); flag {
	case 0:
		l.Min = r.u32()
	case 1:
		l.Min = r.u32()
		l.Max = r.u32()
		l.HasMax = true
	default:
		r.fail("limits flag 0x%02x (shared memories and 64-bit memories are not accepted)", flag)
	}
	return l
}

func readTable(r *reader) Table {
	return Table{Elem: readRefType(r), Limits: readLimits(r)}
}

func readGlobalType(r *reader) GlobalType {
	t := readValType(r)
	switch mut := r.byte(); mut {
	case 0:
		return GlobalType{Type: t}
	case 1:
		return GlobalType{Type: t, Mutable: true}
	default:
		r.fail("global mutability 0x%02x", mut)
	}
	return GlobalType{Type: t}
}

// readConstExpr skips a constant expression and returns its bytes,
// including the final end.
func readConstExpr(r *reader) []byte {
	start := r.off
	cr := CodeReader{r: reader{b: r.b, off: r.off}}
	var in Instr
	for cr.Next(&in) {
		switch in.Op {
		case OpI32Const, OpI64Const, OpF32Const, OpF64Const, OpGlobalGet, OpRefNull, OpRefFunc:
			continue
		case OpEnd:
			r.off = cr.r.off
			return r.b[start:r.off:r.off]
		default:
			r.fail("%s is not allowed in a constant expression", in.Op)
			return nil
		}
	}
	if cr.r.err != nil {
		r.err = cr.r.err
	} else {
		r.fail("constant expression without end")
	}
	return nil
}

func readElement(r *reader) {
	flag := r.u32()
	if flag > 7 {
		r.fail("element segment flags %d", flag)
		return
	}
	passiveOrDeclarative := flag&1 != 0
	explicitTable := flag&2 != 0
	usesExprs := flag&4 != 0
	if !passiveOrDeclarative {
		if explicitTable {
			r.u32()
		}
		readConstExpr(r)
	}
	if passiveOrDeclarative || explicitTable {
		if usesExprs {
			readRefType(r)
		} else if k := r.byte(); k != 0 {
			r.fail("element kind 0x%02x", k)
		}
	}
	n := r.count(1)
	for i := 0; i < n && r.err == nil; i++ {
		if usesExprs {
			readConstExpr(r)
		} else {
			r.u32()
		}
	}
}
