package wasm

import (
	"errors"
	"fmt"
)

// ErrMalformed reports bytes that are not a well-formed WebAssembly binary.
var ErrMalformed = errors.New("malformed wasm")

// reader is a cursor over a byte slice that decodes the primitive encodings
// of the binary format. Every read is bounds-checked; the first failure is
// sticky so callers can check err once after a group of reads.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: at byte %d: %s", ErrMalformed, r.off, fmt.Sprintf(format, args...))
	}
}

func (r *reader) eof() bool { return r.err != nil || r.off >= len(r.b) }

func (r *reader) remaining() int { return len(r.b) - r.off }

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("unexpected end")
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.fail("length %d exceeds the %d bytes left", n, len(r.b)-r.off)
		return nil
	}
	s := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return s
}

// u32 decodes an unsigned LEB128 value of at most 32 bits.
func (r *reader) u32() uint32 {
	var v uint64
	for shift := 0; ; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if shift == 28 && c&0x70 != 0 {
			r.fail("u32 overflows")
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return uint32(v)
		}
		if shift == 28 {
			r.fail("u32 too long")
			return 0
		}
	}
}

// count reads a vector length and checks that at least min bytes per element
// remain, so a forged length cannot make the decoder allocate gigabytes.
func (r *reader) count(minBytesEach int) int {
	n := r.u32()
	if r.err != nil {
		return 0
	}
	if minBytesEach > 0 && uint64(n)*uint64(minBytesEach) > uint64(r.remaining()) {
		r.fail("vector of %d elements cannot fit in %d bytes", n, r.remaining())
		return 0
	}
	return int(n)
}

// s33 decodes the signed 33-bit integer used by block types.
func (r *reader) s33() int64 { return r.sleb(33) }

func (r *reader) s32() int32 { return int32(r.sleb(32)) }

func (r *reader) s64() int64 { return r.sleb(64) }

func (r *reader) sleb(bits int) int64 {
	maxBytes := (bits + 6) / 7
	var v int64
	var shift uint
	for i := 0; i < maxBytes; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 != 0 {
			continue
		}
		if i == maxBytes-1 {
			// The last byte may only carry bits-7*(maxBytes-1) payload bits;
			// the rest must be copies of the sign bit.
			used := bits - 7*(maxBytes-1)
			last := int8(c<<1) >> 1
			lo := int8(-1) << (used - 1)
			if last < lo || last > -lo-1 {
				r.fail("signed integer overflows %d bits", bits)
				return 0
			}
		}
		if shift < 64 && c&0x40 != 0 {
			v |= -1 << shift
		}
		return v
	}
	r.fail("signed integer longer than %d bytes", maxBytes)
	return 0
}

func (r *reader) name() string {
	n := r.count(1)
	return string(r.bytes(n))
}

func (r *reader) f32bits() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func (r *reader) f64bits() uint64 {
	b := r.bytes(8)
	if b == nil {
		return 0
	}
	lo := uint64(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
	hi := uint64(uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24)
	return lo | hi<<32
}

// AppendU32 appends v in unsigned LEB128.
func AppendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

// AppendS64 appends v in signed LEB128 (also used for i32 and s33 values).
func AppendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// AppendF64 appends the little-endian IEEE bits of v.
func AppendF64(b []byte, bits uint64) []byte {
	for i := 0; i < 8; i++ {
		b = append(b, byte(bits>>(8*i)))
	}
	return b
}

// AppendF32 appends the little-endian IEEE bits of v.
func AppendF32(b []byte, bits uint32) []byte {
	for i := 0; i < 4; i++ {
		b = append(b, byte(bits>>(8*i)))
	}
	return b
}

// AppendName appends a length-prefixed UTF-8 name.
func AppendName(b []byte, s string) []byte {
	b = AppendU32(b, uint32(len(s)))
	return append(b, s...)
}
