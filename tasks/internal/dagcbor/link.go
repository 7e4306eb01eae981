package dagcbor

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
)

// Multicodec codes of the block formats Crucible names by CID.
const (
	// CodecRaw is the multicodec of raw bytes (file chunks, evaluator modules).
	CodecRaw uint64 = 0x55
	// CodecDagPB is the multicodec of UnixFS directory and file nodes, and the
	// implied codec of every CIDv0.
	CodecDagPB uint64 = 0x70
	// CodecDagCBOR is the multicodec of Crucible's protocol messages and records.
	CodecDagCBOR uint64 = 0x71
)

const (
	// mhSHA256 is the multihash code of sha2-256; sha256Len its digest length.
	mhSHA256  = 0x12
	sha256Len = 32
	// cidV0Len is the length of a binary CIDv0: a bare sha2-256 multihash.
	cidV0Len = 2 + sha256Len
	// cidV0StrLen is the length of every base58btc CIDv0 ("Qm" + 44 chars).
	cidV0StrLen = 46
	// maxVarintLen is the longest varint a CID may use: like go-varint, we
	// accept 63-bit values only, which fit in 9 bytes.
	maxVarintLen = 9
)

// base32Lower is multibase "b": RFC 4648 base32, lower case, no padding.
var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Link is a CID, held in its binary form. It is comparable (== compares the
// CIDs byte for byte, so it can key a map) and immutable. The zero Link is
// the undefined link: it has no encoding, so an optional link is a *Link or
// a Link field tagged `cbor:",omitzero"`.
type Link struct {
	// s holds the binary CID; a string keeps Link comparable and immutable.
	s string
}

// LinkFromBytes checks that b is one binary CID and returns it as a Link.
// It accepts a CIDv0 (a 34-byte sha2-256 multihash) or a CIDv1: varint
// version 1, varint codec, varint multihash code, varint digest length, then
// exactly that many digest bytes. Varints must be minimal and below 2^63, as
// go-cid requires.
//
// # Errors
//
// ErrInvalidLink, with the reason.
func LinkFromBytes(b []byte) (Link, error) {
	if err := checkCID(b); err != nil {
		return Link{}, err
	}
	return Link{s: string(b)}, nil
}

// checkCID is LinkFromBytes without the copy.
func checkCID(b []byte) error {
	if len(b) == cidV0Len && b[0] == mhSHA256 && b[1] == sha256Len {
		return nil
	}
	if len(b) == 0 {
		return fmt.Errorf("%w: empty", ErrInvalidLink)
	}
	off := 0
	var fields [4]uint64
	for i, name := range [...]string{"version", "codec", "multihash code", "digest length"} {
		v, n, err := uvarint(b[off:])
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalidLink, name, err)
		}
		fields[i] = v
		off += n
	}
	if fields[0] != 1 {
		return fmt.Errorf("%w: version %d, want 1 (or a 34-byte CIDv0)", ErrInvalidLink, fields[0])
	}
	if rest := uint64(len(b) - off); fields[3] != rest {
		return fmt.Errorf("%w: digest length %d but %d bytes follow", ErrInvalidLink, fields[3], rest)
	}
	return nil
}

// uvarint reads one unsigned LEB128 varint the way go-varint does: minimal,
// at most 9 bytes, below 2^63.
func uvarint(b []byte) (uint64, int, error) {
	var x uint64
	for i := 0; i < len(b) && i < maxVarintLen; i++ {
		c := b[i]
		if i == maxVarintLen-1 && c >= 0x80 {
			break
		}
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				return 0, 0, fmt.Errorf("varint not minimally encoded")
			}
			return x, i + 1, nil
		}
	}
	if len(b) < maxVarintLen {
		return 0, 0, fmt.Errorf("truncated varint")
	}
	return 0, 0, fmt.Errorf("varint longer than 63 bits")
}

// appendUvarint appends x as an unsigned LEB128 varint.
func appendUvarint(b []byte, x uint64) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

// Sum returns the CIDv1 of data under codec, hashed with sha2-256: the CID
// that Kubo and go-cid compute for the same block.
func Sum(codec uint64, data []byte) Link {
	digest := sha256.Sum256(data)
	b := make([]byte, 0, 1+maxVarintLen+2+sha256Len)
	b = append(b, 1)
	b = appendUvarint(b, codec)
	b = append(b, mhSHA256, sha256Len)
	b = append(b, digest[:]...)
	return Link{s: string(b)}
}

// ParseLink parses the text form of a CID: a CIDv1 in multibase base32 lower
// case ("b...", what String returns and Kubo prints for CIDv1) or a CIDv0 in
// base58btc ("Qm...", 46 characters).
//
// Only the one canonical text of each CID is accepted (ParseLink(s).String()
// == s), so two different strings never name the same link.
//
// # Errors
//
// ErrInvalidLink for other multibases (base36 "k", base58 "z", upper case
// "B", ...), bad characters, or bytes that are not a CID.
func ParseLink(s string) (Link, error) {
	var (
		b   []byte
		err error
	)
	switch {
	case len(s) == cidV0StrLen && strings.HasPrefix(s, "Qm"):
		b, err = Base58Decode(s)
		if err == nil && (len(b) != cidV0Len || b[0] != mhSHA256 || b[1] != sha256Len) {
			err = fmt.Errorf("not a sha2-256 multihash")
		}
	case strings.HasPrefix(s, "b"):
		b, err = base32Lower.DecodeString(s[1:])
	case s == "":
		return Link{}, fmt.Errorf("%w: empty string", ErrInvalidLink)
	default:
		return Link{}, fmt.Errorf("%w: %q: unsupported form: want a CIDv1 in base32 lower case ('b...') or a 46-character CIDv0 ('Qm...')",
			ErrInvalidLink, truncate(s))
	}
	if err != nil {
		return Link{}, fmt.Errorf("%w: %q: %w", ErrInvalidLink, truncate(s), err)
	}
	l, err := LinkFromBytes(b)
	if err != nil {
		return Link{}, fmt.Errorf("parse %q: %w", truncate(s), err)
	}
	if l.String() != s {
		// Base32 can carry non-zero padding bits, and a "b" string can hold a
		// CIDv0; both would give a second spelling of one CID.
		return Link{}, fmt.Errorf("%w: %q is not the canonical text of %s", ErrInvalidLink, truncate(s), l)
	}
	return l, nil
}

// truncate shortens s for an error message, so that a hostile multi-megabyte
// string is not copied into logs.
func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// Bytes returns the binary CID; nil for the undefined link.
func (l Link) Bytes() []byte {
	if l.s == "" {
		return nil
	}
	return []byte(l.s)
}

// String returns the text form go-cid and Kubo print: base32 lower case
// with the "b" multibase prefix for a CIDv1, bare base58btc for a CIDv0. The
// undefined link prints as "<undefined>", which ParseLink rejects.
func (l Link) String() string {
	switch {
	case l.s == "":
		return "<undefined>"
	case l.Version() == 0:
		return Base58Encode([]byte(l.s))
	default:
		return "b" + base32Lower.EncodeToString([]byte(l.s))
	}
}

// Defined reports whether l is a CID rather than the zero Link.
func (l Link) Defined() bool { return l.s != "" }

// Version returns 0 for a CIDv0 and 1 for a CIDv1 (and for the undefined
// link, which has no version).
func (l Link) Version() uint64 {
	if len(l.s) == cidV0Len && l.s[0] == mhSHA256 && l.s[1] == sha256Len {
		return 0
	}
	return 1
}

// Codec returns the multicodec of the block l names: CodecDagPB for a CIDv0,
// 0 for the undefined link.
func (l Link) Codec() uint64 {
	if l.s == "" {
		return 0
	}
	if l.Version() == 0 {
		return CodecDagPB
	}
	_, n, _ := uvarint([]byte(l.s)) // version, checked at construction
	codec, _, _ := uvarint([]byte(l.s[n:]))
	return codec
}

// IsSum reports whether l has exactly the form Sum gives a block of codec:
// a CIDv1 of that codec whose multihash is a 32-byte sha2-256 digest. Every
// block has one such CID, whereas LinkFromBytes also accepts other spellings
// of the same block (a CIDv0, another hash function) and CIDs that name no
// fetched block at all (an identity or truncated digest); a protocol that
// needs one name per block checks IsSum.
func (l Link) IsSum(codec uint64) bool {
	if l.Version() != 1 || l.Codec() != codec {
		return false
	}
	b := []byte(l.s)
	_, n, _ := uvarint(b) // version, checked at construction
	_, m, _ := uvarint(b[n:])
	rest := b[n+m:]
	return len(rest) == 2+sha256Len && rest[0] == mhSHA256 && rest[1] == sha256Len
}

// ToV1 returns the CIDv1 naming the same block as l (what `ipfs cid format
// -v 1` prints); a CIDv1 or the undefined link is returned unchanged.
func (l Link) ToV1() Link {
	if l.s == "" || l.Version() == 1 {
		return l
	}
	b := make([]byte, 0, 2+len(l.s))
	b = append(b, 1, byte(CodecDagPB))
	b = append(b, l.s...)
	return Link{s: string(b)}
}

// MarshalCBOR encodes l as a DAG-CBOR link: tag 42 around a byte string
// holding 0x00 (the identity multibase prefix) and the binary CID.
//
// # Errors
//
// ErrUnsupported for the undefined link, which has no encoding.
func (l Link) MarshalCBOR() ([]byte, error) {
	if l.s == "" {
		return nil, fmt.Errorf("%w: undefined link (use *Link or `cbor:\",omitzero\"` for an optional link)", ErrUnsupported)
	}
	n := len(l.s) + 1
	b := make([]byte, 0, 2+9+n)
	b = append(b, 0xd8, tagLink)
	b = appendHead(b, majorBytes, uint64(n))
	b = append(b, 0)
	b = append(b, l.s...)
	return b, nil
}

// UnmarshalCBOR decodes exactly one DAG-CBOR link, in its shortest encoding.
//
// # Errors
//
// ErrMalformed (and ErrInvalidLink when the CID itself is bad) for anything
// else, including null: a Link field is required; an optional one is a *Link.
func (l *Link) UnmarshalCBOR(data []byte) error {
	c := checker{data: data}
	link, err := c.link()
	if err == nil && c.off != len(data) {
		err = c.malformed(c.off, "%d bytes after the link", len(data)-c.off)
	}
	if err == nil {
		err = c.nonCanonical
	}
	if err != nil {
		return fmt.Errorf("decode link: %w", err)
	}
	*l = Link{s: string(link)}
	return nil
}

// MarshalText returns String for a defined link and empty text for the
// undefined one, so that an unset link round-trips through JSON as "".
func (l Link) MarshalText() ([]byte, error) {
	if l.s == "" {
		return []byte{}, nil
	}
	return []byte(l.String()), nil
}

// UnmarshalText is ParseLink, except that empty text gives the undefined link.
func (l *Link) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*l = Link{}
		return nil
	}
	parsed, err := ParseLink(string(text))
	if err != nil {
		return err
	}
	*l = parsed
	return nil
}
