// Package dagcbor is Crucible's one encoding of protocol messages and epoch
// records: strict, deterministic DAG-CBOR
// (https://ipld.io/specs/codecs/dag-cbor/spec/) for Go structs, and Link, a
// CID that encodes as a DAG-CBOR link. Equal values give equal bytes and so
// equal CIDs, byte-identical to what go-ipld-prime and Kubo compute, which is
// what lets anyone re-fetch a record by CID and check it against the
// anchored root.
//
//	b, link, err := dagcbor.Encode(record)   // bytes and their CIDv1
//	...
//	var r Record
//	err = dagcbor.Unmarshal(b, &r, dagcbor.DefaultMaxSize)
//
// # Notes
//
// Encoding is fxamacker/cbor with length-first sorted keys, 64-bit floats,
// no indefinite lengths, nil slices encoded as empty lists, and tag 42 as
// the only tag. Its output is then walked by the same validator that gates
// decoding, so Marshal cannot emit bytes Unmarshal would refuse.
//
// Decoding is strict in three steps: a size check before parsing; a walk of
// the raw bytes that rejects anything outside strict DAG-CBOR and classifies
// it; a decode with fxamacker/cbor (case-sensitive field names, unknown
// fields rejected) into a fresh value, which is then re-encoded and must give
// back the input byte for byte. That last step is what makes the encoding
// unique per value: whatever the Go type would write differently (an
// omitempty field written out with its zero value, null for a list) is
// refused.
//
// Field names come from `cbor:"name"` struct tags; keep them short and
// snake_case, since they are written into every block. Optional values are
// pointers (nil encodes as null) or fields tagged omitempty/omitzero.
//
// # Errors
//
// Unmarshal's errors wrap ErrTooLarge, ErrMalformed, ErrNonCanonical or
// ErrUnknownField; Marshal's wrap ErrUnsupported; link parsing errors wrap
// ErrInvalidLink.
package dagcbor
