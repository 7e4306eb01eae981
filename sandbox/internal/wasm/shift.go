package wasm

import "fmt"

// Adding a function import moves every module-defined function up by one
// index. The functions below rewrite the places outside code bodies that
// hold function indices; each shifts indices >= from by one.

// shift moves a function index up by one if it is at or above from.
func shift(idx, from uint32) uint32 {
	if idx >= from {
		return idx + 1
	}
	return idx
}

// ShiftConstExpr rewrites ref.func in a constant expression.
func ShiftConstExpr(expr []byte, from uint32) ([]byte, error) {
	cr := NewCodeReader(expr)
	var in Instr
	out := make([]byte, 0, len(expr)+1)
	for cr.Next(&in) {
		if in.Op == OpRefFunc {
			out = append(out, byte(OpRefFunc))
			out = AppendU32(out, shift(uint32(in.A), from))
			continue
		}
		out = append(out, expr[in.Start:in.End]...)
	}
	return out, cr.Err()
}

// ShiftElementSection rewrites the function indices of an element section.
func ShiftElementSection(data []byte, from uint32) ([]byte, error) {
	r := &reader{b: data}
	out := make([]byte, 0, len(data)+16)
	n := r.count(1)
	out = AppendU32(out, uint32(n))
	expr := func() error {
		e, err := ShiftConstExpr(readConstExpr(r), from)
		if r.err != nil {
			return r.err
		}
		out = append(out, e...)
		return err
	}
	for i := 0; i < n && r.err == nil; i++ {
		flag := r.u32()
		out = AppendU32(out, flag)
		if flag > 7 {
			return nil, fmt.Errorf("%w: element segment flags %d", ErrMalformed, flag)
		}
		passiveOrDeclarative, explicitTable, usesExprs := flag&1 != 0, flag&2 != 0, flag&4 != 0
		if !passiveOrDeclarative {
			if explicitTable {
				out = AppendU32(out, r.u32())
			}
			if err := expr(); err != nil {
				return nil, err
			}
		}
		if passiveOrDeclarative || explicitTable {
			out = append(out, r.byte()) // element kind or reference type
		}
		m := r.count(1)
		out = AppendU32(out, uint32(m))
		for j := 0; j < m && r.err == nil; j++ {
			if usesExprs {
				if err := expr(); err != nil {
					return nil, err
				}
				continue
			}
			out = AppendU32(out, shift(r.u32(), from))
		}
	}
	if r.err == nil && r.off != len(data) {
		r.fail("trailing bytes in element section")
	}
	return out, r.err
}

// ShiftNameSection rewrites the function indices of a "name" custom
// section (payload including its name): function names (subsection 1),
// local names (2) and label names (3). Other subsections are kept.
func ShiftNameSection(data []byte, from uint32) ([]byte, error) {
	r := &reader{b: data}
	out := AppendName(nil, r.name())
	for !r.eof() {
		id := r.byte()
		sub := r.bytes(int(r.u32()))
		if r.err != nil {
			break
		}
		sr := &reader{b: sub}
		var body []byte
		switch id {
		case 1:
			n := sr.count(2)
			body = AppendU32(body, uint32(n))
			for i := 0; i < n && sr.err == nil; i++ {
				body = AppendU32(body, shift(sr.u32(), from))
				body = AppendName(body, sr.name())
			}
		case 2, 3:
			n := sr.count(2)
			body = AppendU32(body, uint32(n))
			for i := 0; i < n && sr.err == nil; i++ {
				body = AppendU32(body, shift(sr.u32(), from))
				m := sr.count(2)
				body = AppendU32(body, uint32(m))
				for j := 0; j < m && sr.err == nil; j++ {
					body = AppendU32(body, sr.u32())
					body = AppendName(body, sr.name())
				}
			}
		default:
			body = sub
			sr.off = len(sub)
		}
		if sr.err != nil {
			return nil, sr.err
		}
		out = append(out, id)
		out = AppendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	return out, r.err
}
