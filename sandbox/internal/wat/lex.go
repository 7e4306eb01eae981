package wat

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Error is an assembly error at a position in the source. Line and Col are
// 1-based; Col counts bytes from the start of the line.
type Error struct {
	Line, Col int
	Msg       string
}

// Error formats the error as "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

type pos struct{ line, col int }

// fail aborts assembly; Assemble recovers the *Error and returns it.
func fail(p pos, format string, args ...any) {
	panic(&Error{Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)})
}

type nodeKind uint8

const (
	atomNode nodeKind = iota // keyword, number or $id
	strNode                  // string literal, text holds the decoded bytes
	listNode                 // parenthesised list
)

// node is one S-expression of the source.
type node struct {
	pos
	kind nodeKind
	text string
	list []*node
}

// head is the keyword that opens a list, or "".
func (n *node) head() string {
	if n.kind == listNode && len(n.list) > 0 && n.list[0].kind == atomNode {
		return n.list[0].text
	}
	return ""
}

// String describes the node for error messages.
func (n *node) String() string {
	switch n.kind {
	case strNode:
		return "string " + strconv.Quote(n.text)
	case listNode:
		return "(" + n.head() + " ...)"
	}
	return strconv.Quote(n.text)
}

func isID(n *node) bool { return n != nil && n.kind == atomNode && len(n.text) > 1 && n.text[0] == '$' }

// isIndex reports whether n is a numeric index or a $id.
func isIndex(n *node) bool {
	return n != nil && n.kind == atomNode && (isID(n) || n.text[0] >= '0' && n.text[0] <= '9')
}

// isIDChar reports the characters that make up keywords, numbers and ids.
func isIDChar(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '/', ':', '<', '=', '>', '?', '@', '\\', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

type scanner struct {
	src []byte
	off int
	pos
}

func (s *scanner) peek(ahead int) byte {
	if s.off+ahead < len(s.src) {
		return s.src[s.off+ahead]
	}
	return 0
}

func (s *scanner) advance() byte {
	c := s.src[s.off]
	s.off++
	if c == '\n' {
		s.line, s.col = s.line+1, 1
	} else {
		s.col++
	}
	return c
}

// skipSpace skips white space, line comments and (nested) block comments.
func (s *scanner) skipSpace() {
	for s.off < len(s.src) {
		switch c := s.src[s.off]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			s.advance()
		case c == ';' && s.peek(1) == ';':
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.advance()
			}
		case c == '(' && s.peek(1) == ';':
			start, depth := s.pos, 0
			for {
				if s.off >= len(s.src) {
					fail(start, "unterminated block comment")
				}
				if s.src[s.off] == '(' && s.peek(1) == ';' {
					depth++
					s.advance()
				} else if s.src[s.off] == ';' && s.peek(1) == ')' {
					depth--
					s.advance()
				}
				s.advance()
				if depth == 0 {
					break
				}
			}
		default:
			return
		}
	}
}

// node reads one S-expression; the caller has skipped space and checked
// that input remains.
func (s *scanner) node() *node {
	p := s.pos
	switch c := s.src[s.off]; {
	case c == '(':
		s.advance()
		n := &node{pos: p, kind: listNode}
		for {
			s.skipSpace()
			if s.off >= len(s.src) {
				fail(p, "unclosed '(': missing ')'")
			}
			if s.src[s.off] == ')' {
				s.advance()
				return n
			}
			n.list = append(n.list, s.node())
		}
	case c == ')':
		fail(p, "unexpected ')'")
	case c == '"':
		return s.str()
	case isIDChar(c):
		start := s.off
		for s.off < len(s.src) && isIDChar(s.src[s.off]) {
			s.advance()
		}
		return &node{pos: p, kind: atomNode, text: string(s.src[start:s.off])}
	}
	fail(p, "unexpected character %q", s.src[s.off])
	return nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// str reads a string literal and decodes its escapes.
func (s *scanner) str() *node {
	p := s.pos
	s.advance()
	var b []byte
	for {
		if s.off >= len(s.src) || s.src[s.off] == '\n' {
			fail(p, "unterminated string")
		}
		ep := s.pos
		c := s.advance()
		if c == '"' {
			return &node{pos: p, kind: strNode, text: string(b)}
		}
		if c != '\\' {
			b = append(b, c)
			continue
		}
		e := s.peek(0)
		if s.off < len(s.src) {
			s.advance()
		}
		switch e {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case '\\', '\'', '"':
			b = append(b, e)
		case 'u':
			var r rune
			digits := 0
			ok := s.peek(0) == '{'
			if ok {
				s.advance()
			}
			for ok && s.peek(0) != '}' {
				d, isHex := hexVal(s.peek(0))
				if ok = isHex && r <= utf8.MaxRune; ok {
					r = r<<4 | rune(d)
					digits++
					s.advance()
				}
			}
			if !ok || digits == 0 || !utf8.ValidRune(r) {
				fail(ep, "invalid \\u{...} escape")
			}
			s.advance()
			b = utf8.AppendRune(b, r)
		default:
			hi, ok1 := hexVal(e)
			lo, ok2 := hexVal(s.peek(0))
			if !ok1 || !ok2 {
				fail(ep, "invalid escape in string")
			}
			s.advance()
			b = append(b, hi<<4|lo)
		}
	}
}

// parseFields returns the module fields of src: the contents of a single
// (module $id? ...) or, as the text format also allows, bare fields.
func parseFields(src []byte) []*node {
	s := &scanner{src: src, pos: pos{1, 1}}
	var top []*node
	for {
		s.skipSpace()
		if s.off >= len(s.src) {
			break
		}
		top = append(top, s.node())
	}
	if len(top) == 1 && top[0].head() == "module" {
		fields := top[0].list[1:]
		if len(fields) > 0 && isID(fields[0]) {
			fields = fields[1:]
		}
		return fields
	}
	return top
}
