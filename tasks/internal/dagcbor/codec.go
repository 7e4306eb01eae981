package dagcbor

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// DefaultMaxSize is a maxSize for Unmarshal suited to gossip messages: it is
// libp2p pubsub's default maximum message size.
const DefaultMaxSize = 1 << 20

// encMode encodes deterministic DAG-CBOR. Options left at their zero value
// are the DAG-CBOR choice already (text strings, text field names, [N]byte as
// a byte string, no time tags, TextMarshaler ignored).
var encMode = mustEncMode(cbor.EncOptions{
	Sort:          cbor.SortLengthFirst,
	ShortestFloat: cbor.ShortestFloatNone,
	NaNConvert:    cbor.NaNConvertReject,
	InfConvert:    cbor.InfConvertReject,
	BigIntConvert: cbor.BigIntConvertReject,
	IndefLength:   cbor.IndefLengthForbidden,
	// One encoding for an empty list whether the Go slice is nil or not;
	// null stays what a nil pointer encodes to.
	NilContainers: cbor.NilContainerAsEmpty,
	TagsMd:        cbor.TagsAllowed, // tag 42, from Link.MarshalCBOR
	OmitEmpty:     cbor.OmitEmptyCBORValue,
	ByteArray:     cbor.ByteArrayToByteSlice,
})

// decMode is as strict as fxamacker/cbor gets. validate has already
// rejected everything these options would, except unknown fields and type
// mismatches, which only a decoder that knows the destination can see.
var decMode = mustDecMode(cbor.DecOptions{
	DupMapKey: cbor.DupMapKeyEnforcedAPF,
	// Looser than validate's limits, so that validate is the one to report.
	MaxNestedLevels:   MaxDepth + 8,
	MaxArrayElements:  MaxElements,
	MaxMapPairs:       MaxElements,
	IndefLength:       cbor.IndefLengthForbidden,
	TagsMd:            cbor.TagsAllowed,
	ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
	// Decoding into `any` yields maps that re-encode with sorted keys.
	DefaultMapType:    reflect.TypeOf(map[string]any(nil)),
	UTF8:              cbor.UTF8RejectInvalid,
	FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
	NaN:               cbor.NaNDecodeForbidden,
	Inf:               cbor.InfDecodeForbidden,
	BignumTag:         cbor.BignumTagForbidden,
	MapKeyByteString:  cbor.MapKeyByteStringForbidden,
})

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic("dagcbor: invalid encoding options: " + err.Error()) // a bug in this file, caught by any test
	}
	return m
}

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic("dagcbor: invalid decoding options: " + err.Error()) // a bug in this file, caught by any test
	}
	return m
}

// Marshal encodes v as deterministic DAG-CBOR: equal values give equal
// bytes, and so equal CIDs.
//
// Structs encode as maps keyed by their `cbor:"name"` tags (or Go field
// names), sorted length-first then bytewise; integers take their shortest
// form; floats are always 64-bit; []byte and [N]byte are byte strings; a nil
// slice or map encodes like an empty one, and a nil pointer as null. Fields
// tagged omitempty are left out when they would encode as false, 0, "", an
// empty byte string, list or map, or null; -0.0 counts as 0 there, so a
// float whose sign of zero matters must not be omitempty. A Link field is
// never "empty": an optional Link uses omitzero (or is a *Link).
//
// # Errors
//
// ErrUnsupported when v holds something DAG-CBOR cannot carry: NaN or an
// infinity, a float32 (declare float64), a map with non-string keys, a
// big.Int, an undefined Link, anything nested deeper than MaxDepth or wider
// than MaxElements.
func Marshal(v any) ([]byte, error) {
	b, err := encMode.Marshal(v)
	if err != nil {
		if errors.Is(err, ErrUnsupported) {
			return nil, fmt.Errorf("marshal %T: %w", v, err)
		}
		return nil, fmt.Errorf("marshal %T: %w: %w", v, ErrUnsupported, err)
	}
	if err := validate(b); err != nil {
		// %v, not %w: the value is unsupported, not a non-canonical input.
		return nil, fmt.Errorf("marshal %T: %w: %v", v, ErrUnsupported, err)
	}
	return b, nil
}

// Encode marshals v and returns the bytes with their CIDv1
// (CodecDagCBOR, sha2-256): a block ready to store and link to.
func Encode(v any) ([]byte, Link, error) {
	b, err := Marshal(v)
	if err != nil {
		return nil, Link{}, err
	}
	return b, Sum(CodecDagCBOR, b), nil
}

// Unmarshal decodes data, which must be the exact output of Marshal for
// some value of v's type, into the value v points to.
//
// # Notes
//
// Decoding is into a fresh zero value, which replaces *v only on success:
// fields absent from data are zero afterwards (unlike encoding/json, which
// leaves them alone), and *v is untouched on error. The canonical check
// re-encodes the decoded value, so Unmarshal costs about two encodings more
// than a plain decode.
//
// # Errors
//
// ErrTooLarge if len(data) > maxSize (checked before anything is parsed),
// ErrMalformed, ErrNonCanonical or ErrUnknownField; see each for what it
// covers. A nil or non-pointer v is a programming error, reported without a
// sentinel.
func Unmarshal(data []byte, v any, maxSize int) error {
	if len(data) > maxSize {
		return fmt.Errorf("unmarshal: %w: %d bytes, limit %d", ErrTooLarge, len(data), maxSize)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("dagcbor: unmarshal into %T: destination must be a non-nil pointer", v)
	}
	if err := validate(data); err != nil {
		return fmt.Errorf("unmarshal %T: %w", v, err)
	}
	fresh := reflect.New(rv.Type().Elem())
	if err := decMode.Unmarshal(data, fresh.Interface()); err != nil {
		if ufe := (*cbor.UnknownFieldError)(nil); errors.As(err, &ufe) {
			return fmt.Errorf("unmarshal %T: %w: %w", v, ErrUnknownField, err)
		}
		if errors.Is(err, ErrMalformed) || errors.Is(err, ErrNonCanonical) { // from Link.UnmarshalCBOR
			return fmt.Errorf("unmarshal %T: %w", v, err)
		}
		return fmt.Errorf("unmarshal %T: %w: %w", v, ErrMalformed, err)
	}
	again, err := encMode.Marshal(fresh.Interface())
	if err != nil {
		return fmt.Errorf("unmarshal %T: %w: decoded value does not re-encode: %w", v, ErrNonCanonical, err)
	}
	if !bytes.Equal(again, data) {
		at := 0
		for at < len(again) && at < len(data) && again[at] == data[at] {
			at++
		}
		return fmt.Errorf("unmarshal %T: %w: at byte %d: the decoded value re-encodes differently "+
			"(the input holds something its canonical encoding writes otherwise, such as a zero omitempty field, null for a list or a wrong-length byte array)",
			v, ErrNonCanonical, at)
	}
	rv.Elem().Set(fresh.Elem())
	return nil
}
