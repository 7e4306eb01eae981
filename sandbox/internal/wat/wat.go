package wat

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

// Assemble turns WebAssembly text into a binary module. It checks syntax
// and resolves names but does not validate types: a module that is
// well-formed but invalid (for a hostile corpus) assembles fine. Errors are
// of type *Error.
func Assemble(src []byte) (bin []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			bin, err = nil, e
		}
	}()
	fields := parseFields(src)
	a := &asm{exported: map[string]bool{}}
	for i := range a.names {
		a.names[i] = map[string]uint32{}
	}
	a.declare(fields)
	for _, f := range fields {
		a.define(f)
	}
	return a.encode(), nil
}

// space is an index space.
type space int

const (
	spType space = iota
	spFunc
	spTable
	spMem
	spGlobal
	spElem
	spData
	nSpaces
)

var spaceNames = [nSpaces]string{"type", "function", "table", "memory", "global", "elem segment", "data segment"}

// externs maps the keywords of import and export descriptions.
var externs = map[string]struct {
	sp   space
	kind byte
}{
	"func": {spFunc, wasm.ExternFunc}, "table": {spTable, wasm.ExternTable},
	"memory": {spMem, wasm.ExternMemory}, "global": {spGlobal, wasm.ExternGlobal},
}

var valTypes = map[string]wasm.ValType{
	"i32": wasm.I32, "i64": wasm.I64, "f32": wasm.F32, "f64": wasm.F64,
	"funcref": wasm.FuncRef, "externref": wasm.ExternRef,
}

// vec is a section body under construction: a count and the entries.
type vec struct {
	n uint32
	b []byte
}

func (v *vec) add(b []byte) { v.n++; v.b = append(v.b, b...) }

type asm struct {
	types    []wasm.FuncType
	names    [nSpaces]map[string]uint32
	count    [nSpaces]uint32 // pass 1: entries declared
	defined  [nSpaces]bool   // pass 1: a definition (not an import) was seen
	next     [nSpaces]uint32 // pass 2: index of the next entry
	exported map[string]bool

	imports, funcs, tables, mems, globals, exports, elems, code, data vec
	start                                                             *uint32
	dataCount                                                         bool
}

// cursor walks the items of a list.
type cursor struct {
	items []*node
	last  pos // position of the last consumed item, for "missing" errors
}

func cur(n *node) *cursor {
	if len(n.list) == 0 {
		fail(n.pos, "empty parentheses")
	}
	return &cursor{items: n.list[1:], last: n.pos}
}

func (c *cursor) more() bool { return len(c.items) > 0 }

func (c *cursor) peek() *node {
	if len(c.items) == 0 {
		return nil
	}
	return c.items[0]
}

func (c *cursor) next(what string) *node {
	if len(c.items) == 0 {
		fail(c.last, "missing %s", what)
	}
	n := c.items[0]
	c.items, c.last = c.items[1:], n.pos
	return n
}

// id consumes an optional $id.
func (c *cursor) id() *node {
	if isID(c.peek()) {
		return c.next("")
	}
	return nil
}

// list consumes the next item if it is a list opened by head.
func (c *cursor) list(head string) *node {
	if n := c.peek(); n != nil && n.head() == head {
		return c.next(head)
	}
	return nil
}

func (c *cursor) atom(what string) *node {
	n := c.next(what)
	if n.kind != atomNode {
		fail(n.pos, "expected %s, found %s", what, n)
	}
	return n
}

func (c *cursor) str(what string) *node {
	n := c.next(what)
	if n.kind != strNode {
		fail(n.pos, "expected %s (a string), found %s", what, n)
	}
	return n
}

func (c *cursor) done() {
	if n := c.peek(); n != nil {
		fail(n.pos, "unexpected %s", n)
	}
}

func idOf(n *node) *node {
	if len(n.list) > 1 && isID(n.list[1]) {
		return n.list[1]
	}
	return nil
}

// declare is pass 1: it collects the explicit types and the names of every
// index space, so that pass 2 can resolve forward references.
func (a *asm) declare(fields []*node) {
	for _, f := range fields {
		if f.kind != listNode {
			fail(f.pos, "expected a module field, found %s", f)
		}
		switch h := f.head(); h {
		case "type":
			c := cur(f)
			a.name(spType, c.id())
			fn := c.next("(func ...)")
			if fn.head() != "func" {
				fail(fn.pos, "expected (func ...), found %s", fn)
			}
			fc := cur(fn)
			fc.id()
			ft, _ := a.sig(fc)
			fc.done()
			c.done()
			a.types = append(a.types, ft)
		case "import":
			c := cur(f)
			c.str("module name")
			c.str("import name")
			d := c.next("import description")
			ext, ok := externs[d.head()]
			if !ok {
				fail(d.pos, "expected (func|table|memory|global ...), found %s", d)
			}
			if a.defined[ext.sp] {
				fail(f.pos, "%s import after a %s definition: imports must come first", d.head(), d.head())
			}
			a.name(ext.sp, idOf(d))
		case "func", "table", "memory", "global":
			sp := externs[h].sp
			a.defined[sp] = true
			a.name(sp, idOf(f))
		case "elem":
			a.name(spElem, idOf(f))
		case "data":
			a.name(spData, idOf(f))
		case "export", "start":
		default:
			fail(f.pos, "unknown module field %s", f)
		}
	}
}

// name gives the next index of sp to id (which may be nil).
func (a *asm) name(sp space, id *node) {
	if id != nil {
		if _, dup := a.names[sp][id.text]; dup {
			fail(id.pos, "duplicate %s %s", spaceNames[sp], id.text)
		}
		a.names[sp][id.text] = a.count[sp]
	}
	a.count[sp]++
}

// index resolves a $id or a numeric index of sp.
func (a *asm) index(sp space, n *node) uint32 {
	if isID(n) {
		i, ok := a.names[sp][n.text]
		if !ok {
			fail(n.pos, "unknown %s %s", spaceNames[sp], n.text)
		}
		return i
	}
	if n.kind != atomNode {
		fail(n.pos, "expected a %s index, found %s", spaceNames[sp], n)
	}
	return uint32(parseInt(n.pos, n.text, 32, false))
}

func (a *asm) nextIndex(sp space) uint32 { i := a.next[sp]; a.next[sp]++; return i }

func valType(n *node) wasm.ValType {
	t, ok := valTypes[n.text]
	if n.kind != atomNode || !ok {
		fail(n.pos, "expected a value type, found %s", n)
	}
	return t
}

// decl parses (param|local|result $id? type*); with an $id there must be
// exactly one type.
func decl(n *node) ([]wasm.ValType, *node) {
	c := cur(n)
	id := c.id()
	var ts []wasm.ValType
	for c.more() {
		ts = append(ts, valType(c.next("")))
	}
	if id != nil && len(ts) != 1 {
		fail(id.pos, "%s %s must have exactly one type", n.head(), id.text)
	}
	return ts, id
}

// sig parses (param ...)* (result ...)*. names has one entry per param:
// its $id or nil.
func (a *asm) sig(c *cursor) (ft wasm.FuncType, names []*node) {
	for p := c.list("param"); p != nil; p = c.list("param") {
		ts, id := decl(p)
		ft.Params = append(ft.Params, ts...)
		for range ts {
			names = append(names, id)
		}
	}
	for r := c.list("result"); r != nil; r = c.list("result") {
		ts, id := decl(r)
		if id != nil {
			fail(id.pos, "results cannot be named")
		}
		ft.Results = append(ft.Results, ts...)
	}
	return ft, names
}

// findType returns the index of the first type equal to ft, appending it if
// there is none.
func (a *asm) findType(ft wasm.FuncType) uint32 {
	for i, t := range a.types {
		if t.Equal(ft) {
			return uint32(i)
		}
	}
	a.types = append(a.types, ft)
	return uint32(len(a.types) - 1)
}

// typeUse parses (type $t)? (param ...)* (result ...)*.
func (a *asm) typeUse(c *cursor) (uint32, wasm.FuncType, []*node) {
	if t := c.list("type"); t != nil {
		tc := cur(t)
		idx := a.index(spType, tc.next("type index"))
		tc.done()
		if int(idx) >= len(a.types) {
			fail(t.pos, "type index %d out of range", idx)
		}
		ft, names := a.sig(c)
		if len(ft.Params)+len(ft.Results) > 0 && !ft.Equal(a.types[idx]) {
			fail(t.pos, "inline signature %s does not match type %s", ft, a.types[idx])
		}
		return idx, a.types[idx], names
	}
	ft, names := a.sig(c)
	return a.findType(ft), ft, names
}

func (a *asm) inlineExports(c *cursor, kind byte, idx uint32) {
	for e := c.list("export"); e != nil; e = c.list("export") {
		ec := cur(e)
		a.export(ec.str("export name"), kind, idx)
		ec.done()
	}
}

func (a *asm) export(name *node, kind byte, idx uint32) {
	if a.exported[name.text] {
		fail(name.pos, "duplicate export %q", name.text)
	}
	a.exported[name.text] = true
	b := append(wasm.AppendName(nil, name.text), kind)
	a.exports.add(wasm.AppendU32(b, idx))
}

// limits parses min max?, appending the binary limits to b.
func limits(c *cursor, b []byte) []byte {
	min := c.atom("minimum size")
	if p := c.peek(); isIndex(p) && !isID(p) {
		b = append(b, 1)
		b = wasm.AppendU32(b, uint32(parseInt(min.pos, min.text, 32, false)))
		return wasm.AppendU32(b, uint32(parseInt(p.pos, c.next("").text, 32, false)))
	}
	return wasm.AppendU32(append(b, 0), uint32(parseInt(min.pos, min.text, 32, false)))
}

func refType(n *node) byte {
	if t := valType(n); t == wasm.FuncRef || t == wasm.ExternRef {
		return byte(t)
	}
	fail(n.pos, "expected funcref or externref, found %s", n)
	return 0
}

// globalType parses t or (mut t).
func globalType(c *cursor) []byte {
	if m := c.list("mut"); m != nil {
		mc := cur(m)
		t := valType(mc.next("value type"))
		mc.done()
		return []byte{byte(t), 1}
	}
	return []byte{byte(valType(c.next("global type"))), 0}
}

// constExpr encodes an initialiser: folded instructions such as
// (i32.const 1), or flat ones, followed by end.
func (a *asm) constExpr(at pos, items []*node) []byte {
	if len(items) == 0 {
		fail(at, "missing constant expression")
	}
	var flat []*node
	for _, n := range items {
		if n.kind == listNode {
			flat = append(flat, n.list...)
		} else {
			flat = append(flat, n)
		}
	}
	b := &body{a: a}
	for c := (&cursor{items: flat, last: at}); c.more(); {
		b.instr(c)
	}
	return append(b.out, byte(wasm.OpEnd))
}

// offset parses (offset expr) or a single folded expression, if present.
func (a *asm) offset(c *cursor) []byte {
	if o := c.list("offset"); o != nil {
		return a.constExpr(o.pos, o.list[1:])
	}
	if p := c.peek(); p != nil && p.kind == listNode && p.head() != "table" {
		return a.constExpr(p.pos, []*node{c.next("")})
	}
	return nil
}

// define is pass 2: it encodes one module field.
func (a *asm) define(f *node) {
	c := cur(f)
	switch f.head() {
	case "type": // declared in pass 1
		return
	case "import":
		mod, name, d := c.str(""), c.str(""), c.next("")
		ext := externs[d.head()]
		b := append(wasm.AppendName(wasm.AppendName(nil, mod.text), name.text), ext.kind)
		dc := cur(d)
		dc.id()
		a.nextIndex(ext.sp)
		switch ext.kind {
		case wasm.ExternFunc:
			idx, _, _ := a.typeUse(dc)
			b = wasm.AppendU32(b, idx)
		case wasm.ExternTable:
			lim := limits(dc, nil)
			b = append(append(b, refType(dc.next("reference type"))), lim...)
		case wasm.ExternMemory:
			b = limits(dc, b)
		case wasm.ExternGlobal:
			b = append(b, globalType(dc)...)
		}
		dc.done()
		a.imports.add(b)
	case "func":
		a.function(f)
		return
	case "table":
		c.id()
		a.inlineExports(c, wasm.ExternTable, a.nextIndex(spTable))
		lim := limits(c, nil)
		a.tables.add(append([]byte{refType(c.next("reference type"))}, lim...))
	case "memory":
		c.id()
		a.inlineExports(c, wasm.ExternMemory, a.nextIndex(spMem))
		a.mems.add(limits(c, nil))
	case "global":
		c.id()
		a.inlineExports(c, wasm.ExternGlobal, a.nextIndex(spGlobal))
		b := globalType(c)
		a.globals.add(append(b, a.constExpr(c.last, c.items)...))
		c.items = nil
	case "export":
		name, d := c.str("export name"), c.next("export description")
		ext, ok := externs[d.head()]
		if !ok {
			fail(d.pos, "expected (func|table|memory|global index), found %s", d)
		}
		dc := cur(d)
		a.export(name, ext.kind, a.index(ext.sp, dc.next("index")))
		dc.done()
	case "start":
		if a.start != nil {
			fail(f.pos, "duplicate start function")
		}
		idx := a.index(spFunc, c.next("function index"))
		a.start = &idx
	case "elem":
		a.elem(c)
	case "data":
		c.id()
		var b []byte
		mem, hasMem := uint32(0), false
		if m := c.list("memory"); m != nil {
			mc := cur(m)
			mem, hasMem = a.index(spMem, mc.next("memory index")), true
			mc.done()
		}
		switch off := a.offset(c); {
		case off == nil && hasMem:
			fail(c.last, "missing offset of active data segment")
		case off == nil:
			b = []byte{1}
		case mem == 0:
			b = append([]byte{0}, off...)
		default:
			b = append(wasm.AppendU32([]byte{2}, mem), off...)
		}
		var s []byte
		for c.more() {
			s = append(s, c.str("data string").text...)
		}
		a.data.add(append(wasm.AppendU32(b, uint32(len(s))), s...))
	}
	c.done()
}

// elem encodes an element segment of function indices: active
// (elem (table t)? offset func? idx*), passive (elem func idx*) or
// declarative (elem declare func idx*).
func (a *asm) elem(c *cursor) {
	c.id()
	declare := false
	if p := c.peek(); p != nil && p.kind == atomNode && p.text == "declare" {
		c.next("")
		declare = true
	}
	table := uint32(0)
	if t := c.list("table"); t != nil {
		tc := cur(t)
		table = a.index(spTable, tc.next("table index"))
		tc.done()
	}
	off := a.offset(c)
	if p := c.peek(); p != nil && p.kind == atomNode && p.text == "func" {
		c.next("")
	}
	var idx []byte
	n := uint32(0)
	for ; c.more(); n++ {
		idx = wasm.AppendU32(idx, a.index(spFunc, c.next("")))
	}
	var b []byte
	switch {
	case declare:
		b = []byte{3, 0}
	case off == nil:
		b = []byte{1, 0}
	case table == 0:
		b = append([]byte{0}, off...)
	default:
		b = append(append(wasm.AppendU32([]byte{2}, table), off...), 0)
	}
	a.elems.add(append(wasm.AppendU32(b, n), idx...))
}

func (a *asm) function(f *node) {
	c := cur(f)
	c.id()
	a.inlineExports(c, wasm.ExternFunc, a.nextIndex(spFunc))
	if n := c.list("import"); n != nil {
		fail(n.pos, "inline imports are not supported: use an import field")
	}
	tidx, ft, pnames := a.typeUse(c)
	a.funcs.add(wasm.AppendU32(nil, tidx))
	b := &body{a: a, locals: map[string]uint32{}}
	for i, id := range pnames {
		b.addLocal(id, uint32(i))
	}
	nloc := uint32(len(ft.Params))
	var groups []wasm.LocalGroup
	for l := c.list("local"); l != nil; l = c.list("local") {
		ts, id := decl(l)
		b.addLocal(id, nloc)
		for _, t := range ts {
			if k := len(groups) - 1; k >= 0 && groups[k].Type == t {
				groups[k].Count++
			} else {
				groups = append(groups, wasm.LocalGroup{Count: 1, Type: t})
			}
			nloc++
		}
	}
	for c.more() {
		b.instr(c)
	}
	if k := len(b.blocks); k > 0 {
		fail(b.blocks[k-1].pos, "%s without matching end", b.blocks[k-1].op)
	}
	code := wasm.AppendU32(nil, uint32(len(groups)))
	for _, g := range groups {
		code = append(wasm.AppendU32(code, g.Count), byte(g.Type))
	}
	code = append(append(code, b.out...), byte(wasm.OpEnd))
	a.code.add(append(wasm.AppendU32(nil, uint32(len(code))), code...))
}

// block is an open block, loop or if.
type block struct {
	op    wasm.Opcode
	label string
	pos   pos
}

// body encodes a flat instruction sequence.
type body struct {
	a      *asm
	locals map[string]uint32
	blocks []block
	out    []byte
}

func (b *body) addLocal(id *node, idx uint32) {
	if id == nil {
		return
	}
	if _, dup := b.locals[id.text]; dup {
		fail(id.pos, "duplicate local %s", id.text)
	}
	b.locals[id.text] = idx
}

func (b *body) u32(v uint32) { b.out = wasm.AppendU32(b.out, v) }

// label resolves a label reference to a relative depth.
func (b *body) label(n *node) uint32 {
	if isID(n) {
		for i := len(b.blocks) - 1; i >= 0; i-- {
			if b.blocks[i].label == n.text {
				return uint32(len(b.blocks) - 1 - i)
			}
		}
		fail(n.pos, "unknown label %s", n.text)
	}
	return uint32(parseInt(n.pos, n.text, 32, false))
}

// optIndex consumes an optional index of sp, defaulting to 0.
func (b *body) optIndex(c *cursor, sp space) uint32 {
	if isIndex(c.peek()) {
		return b.a.index(sp, c.next(""))
	}
	return 0
}

// instr encodes the next instruction of c and its immediates.
func (b *body) instr(c *cursor) {
	n := c.next("instruction")
	if n.kind != atomNode {
		fail(n.pos, "expected an instruction, found %s (only flat instructions are supported)", n)
	}
	op, ok := wasm.OpcodeByName(n.text)
	if !ok {
		fail(n.pos, "unknown instruction %q", n.text)
	}
	a := b.a
	if op == wasm.OpSelect && c.peek() != nil && c.peek().head() == "result" {
		ft, _ := a.sig(c)
		b.out = append(b.out, byte(wasm.OpSelectT))
		b.u32(uint32(len(ft.Results)))
		for _, t := range ft.Results {
			b.out = append(b.out, byte(t))
		}
		return
	}
	if op >= 0xFC00 {
		b.out = append(b.out, 0xFC)
		b.u32(uint32(op - 0xFC00))
	} else {
		b.out = append(b.out, byte(op))
	}
	switch op.Immediates() {
	case wasm.ImmNone:
		if op != wasm.OpEnd && op != wasm.OpElse {
			return
		}
		k := len(b.blocks) - 1
		if k < 0 || op == wasm.OpElse && b.blocks[k].op != wasm.OpIf {
			fail(n.pos, "%s without matching if", n.text)
		}
		if id := c.id(); id != nil && id.text != b.blocks[k].label {
			fail(id.pos, "label %s does not match %q", id.text, b.blocks[k].label)
		}
		if op == wasm.OpEnd {
			b.blocks = b.blocks[:k]
		}
	case wasm.ImmBlockType:
		var label string
		if id := c.id(); id != nil {
			label = id.text
		}
		b.blocks = append(b.blocks, block{op, label, n.pos})
		if p := c.peek(); p != nil && p.head() == "type" {
			idx, _, _ := a.typeUse(c)
			b.out = wasm.AppendS64(b.out, int64(idx))
			return
		}
		switch ft, _ := a.sig(c); {
		case len(ft.Params) == 0 && len(ft.Results) == 0:
			b.out = append(b.out, 0x40)
		case len(ft.Params) == 0 && len(ft.Results) == 1:
			b.out = append(b.out, byte(ft.Results[0]))
		default:
			b.out = wasm.AppendS64(b.out, int64(a.findType(ft)))
		}
	case wasm.ImmLabel:
		b.u32(b.label(c.atom("label")))
	case wasm.ImmBrTable:
		var ls []uint32
		for ls = append(ls, b.label(c.atom("label"))); isIndex(c.peek()); {
			ls = append(ls, b.label(c.next("")))
		}
		b.u32(uint32(len(ls) - 1))
		for _, l := range ls {
			b.u32(l)
		}
	case wasm.ImmFunc:
		b.u32(a.index(spFunc, c.atom("function index")))
	case wasm.ImmCallIndirect:
		table := b.optIndex(c, spTable)
		idx, _, _ := a.typeUse(c)
		b.u32(idx)
		b.u32(table)
	case wasm.ImmLocal:
		l := c.atom("local index")
		if isID(l) {
			idx, ok := b.locals[l.text]
			if !ok {
				fail(l.pos, "unknown local %s", l.text)
			}
			b.u32(idx)
		} else {
			b.u32(uint32(parseInt(l.pos, l.text, 32, false)))
		}
	case wasm.ImmGlobal:
		b.u32(a.index(spGlobal, c.atom("global index")))
	case wasm.ImmTable:
		b.u32(b.optIndex(c, spTable))
	case wasm.ImmMemarg:
		align, offset := naturalAlign(n.text), uint64(0)
		for p := c.peek(); p != nil && p.kind == atomNode; p = c.peek() {
			if v, ok := strings.CutPrefix(p.text, "offset="); ok {
				offset = parseInt(p.pos, v, 32, false)
			} else if v, ok := strings.CutPrefix(p.text, "align="); ok {
				if align = parseInt(p.pos, v, 32, false); bits.OnesCount64(align) != 1 {
					fail(p.pos, "alignment %s is not a power of two", v)
				}
			} else {
				break
			}
			c.next("")
		}
		b.u32(uint32(bits.TrailingZeros64(align)))
		b.u32(uint32(offset))
	case wasm.ImmMemIdx:
		b.u32(b.optIndex(c, spMem))
	case wasm.ImmI32:
		v := c.atom("i32 literal")
		b.out = wasm.AppendS64(b.out, int64(int32(parseInt(v.pos, v.text, 32, true))))
	case wasm.ImmI64:
		v := c.atom("i64 literal")
		b.out = wasm.AppendS64(b.out, int64(parseInt(v.pos, v.text, 64, true)))
	case wasm.ImmF32:
		v := c.atom("f32 literal")
		b.out = wasm.AppendF32(b.out, uint32(parseFloat(v.pos, v.text, 32)))
	case wasm.ImmF64:
		v := c.atom("f64 literal")
		b.out = wasm.AppendF64(b.out, parseFloat(v.pos, v.text, 64))
	case wasm.ImmRefType:
		t := c.atom("reference type")
		switch t.text {
		case "func", "funcref":
			b.out = append(b.out, byte(wasm.FuncRef))
		case "extern", "externref":
			b.out = append(b.out, byte(wasm.ExternRef))
		default:
			fail(t.pos, "expected func or extern, found %s", t)
		}
	case wasm.ImmMemInit:
		a.dataCount = true
		b.u32(a.index(spData, c.atom("data segment index")))
		b.out = append(b.out, 0)
	case wasm.ImmData:
		a.dataCount = true
		b.u32(a.index(spData, c.atom("data segment index")))
	case wasm.ImmMemCopy:
		b.out = append(b.out, 0, 0)
	case wasm.ImmTableInit:
		first := c.atom("elem segment index")
		if isIndex(c.peek()) { // table.init table elem
			b.u32(a.index(spElem, c.next("")))
			b.u32(a.index(spTable, first))
		} else {
			b.u32(a.index(spElem, first))
			b.u32(0)
		}
	case wasm.ImmElem:
		b.u32(a.index(spElem, c.atom("elem segment index")))
	case wasm.ImmTableCopy:
		dst := b.optIndex(c, spTable)
		b.u32(dst)
		b.u32(b.optIndex(c, spTable))
	}
}

// naturalAlign is the access width in bytes of a load or store, from its
// name: i64.load32_u → 4, f64.store → 8, i32.load8_s → 1.
func naturalAlign(name string) uint64 {
	typ, op, _ := strings.Cut(name, ".")
	op = strings.TrimPrefix(strings.TrimPrefix(op, "load"), "store")
	if w, _, _ := strings.Cut(op, "_"); w != "" {
		n, _ := strconv.Atoi(w)
		return uint64(n / 8)
	}
	if strings.HasSuffix(typ, "64") {
		return 8
	}
	return 4
}

// digits checks the digits of a literal (underscores allowed between digits
// only) and removes the underscores.
func digits(p pos, s, lit string) string {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		fail(p, "invalid number %q", lit)
	}
	return strings.ReplaceAll(s, "_", "")
}

// parseInt parses an integer literal of the given width: decimal or 0x hex,
// with an optional sign when signed. Negative values are returned in two's
// complement; the full unsigned range is accepted too, as in the text format.
func parseInt(p pos, s string, width int, signed bool) uint64 {
	t, neg := s, false
	if signed && t != "" && (t[0] == '+' || t[0] == '-') {
		t, neg = t[1:], t[0] == '-'
	}
	base := 10
	if strings.HasPrefix(t, "0x") {
		t, base = t[2:], 16
	}
	v, err := strconv.ParseUint(digits(p, t, s), base, 64)
	if err != nil && err.(*strconv.NumError).Err == strconv.ErrSyntax {
		fail(p, "invalid %d-bit integer %q", width, s)
	}
	max := uint64(math.MaxUint64) >> (64 - width)
	if err != nil || neg && v > max/2+1 || !neg && v > max {
		fail(p, "integer %s out of range for %d bits", s, width)
	}
	if neg {
		return -v & max
	}
	return v
}

// parseFloat parses a float literal (decimal, hex, inf, nan, nan:0xN) and
// returns its IEEE bits for the given width.
func parseFloat(p pos, s string, width int) uint64 {
	t, neg := s, false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t, neg = t[1:], t[0] == '-'
	}
	mant := 52
	if width == 32 {
		mant = 23
	}
	inf := (uint64(1)<<(width-1-mant) - 1) << mant // exponent all ones
	var v uint64
	switch {
	case t == "inf":
		v = inf
	case t == "nan":
		v = inf | 1<<(mant-1)
	case strings.HasPrefix(t, "nan:0x"):
		payload := parseInt(p, t[4:], mant, false)
		if payload == 0 {
			fail(p, "NaN payload must not be zero")
		}
		v = inf | payload
	default:
		if t == "" || t[0] < '0' || t[0] > '9' {
			fail(p, "invalid f%d literal %q", width, s)
		}
		t = digits(p, t, s)
		if strings.HasPrefix(t, "0x") && !strings.ContainsAny(t, "pP") {
			t += "p0"
		}
		f, err := strconv.ParseFloat(t, width)
		if err != nil {
			fail(p, "invalid or out-of-range f%d literal %q", width, s)
		}
		if v = math.Float64bits(f); width == 32 {
			v = uint64(math.Float32bits(float32(f)))
		}
	}
	if neg {
		v |= 1 << (width - 1)
	}
	return v
}

// encode assembles the sections in the order the binary format requires.
func (a *asm) encode() []byte {
	out := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	section := func(id byte, payload []byte) {
		out = append(wasm.AppendU32(append(out, id), uint32(len(payload))), payload...)
	}
	vector := func(id byte, v vec) {
		if v.n > 0 {
			section(id, append(wasm.AppendU32(nil, v.n), v.b...))
		}
	}
	var types vec
	for _, ft := range a.types {
		b := wasm.AppendU32([]byte{0x60}, uint32(len(ft.Params)))
		for _, t := range ft.Params {
			b = append(b, byte(t))
		}
		b = wasm.AppendU32(b, uint32(len(ft.Results)))
		for _, t := range ft.Results {
			b = append(b, byte(t))
		}
		types.add(b)
	}
	vector(wasm.SecType, types)
	vector(wasm.SecImport, a.imports)
	vector(wasm.SecFunction, a.funcs)
	vector(wasm.SecTable, a.tables)
	vector(wasm.SecMemory, a.mems)
	vector(wasm.SecGlobal, a.globals)
	vector(wasm.SecExport, a.exports)
	if a.start != nil {
		section(wasm.SecStart, wasm.AppendU32(nil, *a.start))
	}
	vector(wasm.SecElement, a.elems)
	if a.dataCount {
		section(wasm.SecDataCount, wasm.AppendU32(nil, a.data.n))
	}
	vector(wasm.SecCode, a.code)
	vector(wasm.SecData, a.data)
	return out
}
