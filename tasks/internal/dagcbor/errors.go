package dagcbor

import "errors"

// Sentinel errors. Every error Unmarshal returns for bad input wraps exactly
// one of ErrTooLarge, ErrMalformed, ErrNonCanonical and ErrUnknownField, so
// a gossip validator can map each to a verdict with errors.Is.
var (
	// ErrTooLarge: the input is longer than the caller's maxSize, or nests
	// arrays and maps deeper than MaxDepth, or one array or map declares more
	// than MaxElements entries.
	ErrTooLarge = errors.New("dagcbor: too large")

	// ErrNonCanonical: the input is DAG-CBOR, but not the one encoding that
	// Marshal gives the decoded value: an integer, length or tag not in its
	// shortest form, map keys out of order, a 16- or 32-bit float, or a
	// field the Go type would encode differently (an omitempty field written
	// with its zero value, null for a list, a byte string of the wrong length
	// for a [N]byte).
	ErrNonCanonical = errors.New("dagcbor: non-canonical encoding")

	// ErrUnknownField: a map key matches no field of the destination struct.
	// Field names match case-sensitively.
	ErrUnknownField = errors.New("dagcbor: unknown field")

	// ErrMalformed: the input is not one well-formed DAG-CBOR item (truncated,
	// trailing bytes, indefinite length, a tag other than 42, a bad CID in a
	// link, invalid UTF-8, a non-text map key, a duplicate key, NaN, infinity,
	// undefined or another simple value) or does not fit the destination type.
	ErrMalformed = errors.New("dagcbor: malformed")

	// ErrInvalidLink: bytes or text that are not a CID this package accepts.
	// Inside a DAG-CBOR input it comes wrapped together with ErrMalformed.
	ErrInvalidLink = errors.New("dagcbor: invalid link")

	// ErrUnsupported: Marshal was given a value DAG-CBOR cannot represent
	// (NaN, infinity, float32, a non-string map key, a big.Int, an undefined
	// Link, ...).
	ErrUnsupported = errors.New("dagcbor: value not representable in DAG-CBOR")
)
