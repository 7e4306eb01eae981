package dagcbor

import (
	"bytes"
	"fmt"
	"math"
	"unicode/utf8"
)

// Limits on the shape of a DAG-CBOR value. Unmarshal rejects, and Marshal
// refuses to produce, anything beyond them.
const (
	// MaxDepth is the deepest nesting of arrays and maps: protocol records are
	// a few levels deep, and the bound keeps the recursive walk's stack small.
	MaxDepth = 32
	// MaxElements is the largest element count of one array or map
	// (128 Ki, fxamacker/cbor's default), so that a short header cannot make
	// the decoder allocate a huge slice.
	MaxElements = 128 * 1024
)

// CBOR major types and the one tag DAG-CBOR allows.
const (
	majorUint   = 0
	majorNeg    = 1
	majorBytes  = 2
	majorText   = 3
	majorArray  = 4
	majorMap    = 5
	majorTag    = 6
	majorSimple = 7

	tagLink = 42
)

var majorNames = [8]string{"unsigned integer", "negative integer", "byte string", "text string", "array", "map", "tag", "simple value or float"}

// minArg[ai-24] is the smallest argument that needs additional information
// ai (24..27); anything smaller has a shorter encoding.
var minArg = [4]uint64{24, 1 << 8, 1 << 16, 1 << 32}

// validate checks that data is exactly one item of strict, canonical
// DAG-CBOR. It is the gate in front of fxamacker/cbor, which is lenient in
// ways DAG-CBOR is not (any tag, any float width, undefined), and it runs on
// Marshal's output too, so that this package never emits what it would
// refuse to read.
//
// Well-formedness and data-model errors (ErrMalformed) and limit errors
// (ErrTooLarge) win over encoding errors (ErrNonCanonical): the walk stops at
// the first of the former but only remembers the first of the latter.
func validate(data []byte) error {
	c := checker{data: data}
	if len(data) == 0 {
		return c.malformed(0, "empty input")
	}
	if err := c.item(0); err != nil {
		return err
	}
	if c.off != len(data) {
		return c.malformed(c.off, "%d bytes after the end of the first item", len(data)-c.off)
	}
	return c.nonCanonical
}

// checker walks CBOR bytes without building values.
type checker struct {
	data []byte
	off  int
	// nonCanonical is the first non-canonical encoding seen, if any.
	nonCanonical error
	// keys holds the keys read so far of every map being walked, innermost
	// map last; each map truncates it back when it ends.
	keys []span
}

// span is a byte range of checker.data.
type span struct{ start, end int }

func (c *checker) malformed(at int, format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrMalformed, at, fmt.Sprintf(format, args...))
}

func (c *checker) tooLarge(at int, format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrTooLarge, at, fmt.Sprintf(format, args...))
}

func (c *checker) noteNonCanonical(at int, format string, args ...any) {
	if c.nonCanonical == nil {
		c.nonCanonical = fmt.Errorf("%w: at byte %d: %s", ErrNonCanonical, at, fmt.Sprintf(format, args...))
	}
}

// head reads an item's initial byte and argument. For major type 7 the
// argument is the simple value or the raw float bits.
func (c *checker) head() (major, ai byte, arg uint64, err error) {
	start := c.off
	if c.off >= len(c.data) {
		return 0, 0, 0, c.malformed(start, "unexpected end of data")
	}
	ib := c.data[c.off]
	c.off++
	major, ai = ib>>5, ib&0x1f
	switch {
	case ai < 24:
		arg = uint64(ai)
	case ai <= 27:
		n := 1 << (ai - 24)
		if len(c.data)-c.off < n {
			return 0, 0, 0, c.malformed(start, "%s header truncated", majorNames[major])
		}
		for _, b := range c.data[c.off : c.off+n] {
			arg = arg<<8 | uint64(b)
		}
		c.off += n
		if major != majorSimple && arg < minArg[ai-24] {
			c.noteNonCanonical(start, "%s argument %d not in its shortest form", majorNames[major], arg)
		}
	case ai == 31 && major == majorSimple:
		return 0, 0, 0, c.malformed(start, "break outside an indefinite-length item")
	case ai == 31 && major >= majorBytes && major <= majorMap:
		return 0, 0, 0, c.malformed(start, "indefinite-length %s", majorNames[major])
	default:
		return 0, 0, 0, c.malformed(start, "reserved additional information %d for %s", ai, majorNames[major])
	}
	return major, ai, arg, nil
}

// skip moves past n payload bytes of the string whose header began at start.
func (c *checker) skip(start int, n uint64) error {
	if n > uint64(len(c.data)-c.off) {
		return c.malformed(start, "%d-byte string runs past the end of the data", n)
	}
	c.off += int(n)
	return nil
}

// text moves past a text string payload of n bytes and checks its UTF-8.
func (c *checker) text(start int, n uint64) (span, error) {
	s := span{start: c.off}
	if err := c.skip(start, n); err != nil {
		return s, err
	}
	s.end = c.off
	if !utf8.Valid(c.data[s.start:s.end]) {
		return s, c.malformed(start, "text string is not valid UTF-8")
	}
	return s, nil
}

// container checks an array or map header's nesting and element count
// before any element is read.
func (c *checker) container(start, depth int, count uint64, minEntryBytes int, kind string) error {
	if depth+1 > MaxDepth {
		return c.tooLarge(start, "%s nested deeper than %d levels", kind, MaxDepth)
	}
	if count > MaxElements {
		return c.tooLarge(start, "%s of %d entries, limit %d", kind, count, MaxElements)
	}
	if count*uint64(minEntryBytes) > uint64(len(c.data)-c.off) {
		return c.malformed(start, "%s declares %d entries but only %d bytes follow", kind, count, len(c.data)-c.off)
	}
	return nil
}

// item checks one data item; depth counts the arrays and maps around it.
func (c *checker) item(depth int) error {
	start := c.off
	major, ai, arg, err := c.head()
	if err != nil {
		return err
	}
	switch major {
	case majorUint, majorNeg:
		return nil
	case majorBytes:
		return c.skip(start, arg)
	case majorText:
		_, err := c.text(start, arg)
		return err
	case majorArray:
		if err := c.container(start, depth, arg, 1, "array"); err != nil {
			return err
		}
		for i := uint64(0); i < arg; i++ {
			if err := c.item(depth + 1); err != nil {
				return err
			}
		}
		return nil
	case majorMap:
		if err := c.container(start, depth, arg, 2, "map"); err != nil {
			return err
		}
		return c.mapEntries(depth, arg)
	case majorTag:
		c.off = start
		_, err := c.link()
		return err
	default:
		return c.simple(start, ai, arg)
	}
}

// mapEntries checks count key/value pairs: text keys in length-first,
// bytewise order (RFC 7049 canonical order, which DAG-CBOR requires), no
// duplicates.
func (c *checker) mapEntries(depth int, count uint64) error {
	base := len(c.keys)
	defer func() { c.keys = c.keys[:base] }()
	// seen is built only once keys are found out of order: in order,
	// a duplicate is always next to its twin.
	var seen map[string]struct{}
	for i := uint64(0); i < count; i++ {
		kstart := c.off
		major, _, n, err := c.head()
		if err != nil {
			return err
		}
		if major != majorText {
			return c.malformed(kstart, "map key of type %s; DAG-CBOR map keys are text strings", majorNames[major])
		}
		key, err := c.text(kstart, n)
		if err != nil {
			return err
		}
		if last := len(c.keys) - 1; last >= base {
			order := c.compareKeys(c.keys[last], key)
			if order == 0 {
				return c.malformed(kstart, "duplicate map key %q", c.data[key.start:key.end])
			}
			if order > 0 && seen == nil {
				c.noteNonCanonical(kstart, "map key %q out of length-first order", c.data[key.start:key.end])
				seen = make(map[string]struct{}, len(c.keys)-base)
				for _, k := range c.keys[base:] {
					seen[string(c.data[k.start:k.end])] = struct{}{}
				}
			}
		}
		if seen != nil {
			k := string(c.data[key.start:key.end])
			if _, dup := seen[k]; dup {
				return c.malformed(kstart, "duplicate map key %q", k)
			}
			seen[k] = struct{}{}
		}
		c.keys = append(c.keys, key)
		if err := c.item(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// compareKeys orders map keys length-first, then bytewise.
func (c *checker) compareKeys(a, b span) int {
	if la, lb := a.end-a.start, b.end-b.start; la != lb {
		if la < lb {
			return -1
		}
		return 1
	}
	return bytes.Compare(c.data[a.start:a.end], c.data[b.start:b.end])
}

// link reads one tag-42 link and returns the binary CID inside it.
func (c *checker) link() ([]byte, error) {
	start := c.off
	major, _, arg, err := c.head()
	if err != nil {
		return nil, err
	}
	if major != majorTag {
		return nil, c.malformed(start, "%s where a link (tag 42) was expected", majorNames[major])
	}
	if arg != tagLink {
		return nil, c.malformed(start, "tag %d; DAG-CBOR allows only tag 42 (link)", arg)
	}
	bstart := c.off
	major, _, n, err := c.head()
	if err != nil {
		return nil, err
	}
	if major != majorBytes {
		return nil, c.malformed(bstart, "tag 42 wraps a %s, want a byte string", majorNames[major])
	}
	p := c.off
	if err := c.skip(bstart, n); err != nil {
		return nil, err
	}
	payload := c.data[p:c.off]
	if len(payload) == 0 || payload[0] != 0 {
		return nil, c.malformed(bstart, "link bytes must start with the 0x00 multibase prefix")
	}
	if err := checkCID(payload[1:]); err != nil {
		return nil, fmt.Errorf("%w: at byte %d: %w", ErrMalformed, bstart, err)
	}
	return payload[1:], nil
}

// simple checks major type 7: false, true, null and 64-bit floats that are
// neither NaN nor infinite. Shorter floats are valid CBOR for the same
// numbers, so they are non-canonical rather than malformed.
func (c *checker) simple(start int, ai byte, arg uint64) error {
	switch ai {
	case 20, 21, 22: // false, true, null
		return nil
	case 23:
		return c.malformed(start, "undefined is not in the DAG-CBOR data model")
	case 25, 26, 27:
		var special bool
		switch ai {
		case 25:
			special = arg>>10&0x1f == 0x1f
		case 26:
			special = arg>>23&0xff == 0xff
		default:
			special = arg>>52&0x7ff == 0x7ff
		}
		if special {
			return c.malformed(start, "NaN or infinity is not in the DAG-CBOR data model")
		}
		if ai != 27 {
			c.noteNonCanonical(start, "%d-bit float; DAG-CBOR floats are always 64-bit", 16<<(ai-25))
		}
		return nil
	default:
		return c.malformed(start, "simple value %d is not in the DAG-CBOR data model", arg)
	}
}

// appendHead appends the shortest header for major type major and arg.
func appendHead(b []byte, major byte, arg uint64) []byte {
	m := major << 5
	switch {
	case arg < 24:
		return append(b, m|byte(arg))
	case arg <= math.MaxUint8:
		return append(b, m|24, byte(arg))
	case arg <= math.MaxUint16:
		return append(b, m|25, byte(arg>>8), byte(arg))
	case arg <= math.MaxUint32:
		return append(b, m|26, byte(arg>>24), byte(arg>>16), byte(arg>>8), byte(arg))
	default:
		return append(b, m|27, byte(arg>>56), byte(arg>>48), byte(arg>>40), byte(arg>>32),
			byte(arg>>24), byte(arg>>16), byte(arg>>8), byte(arg))
	}
}
