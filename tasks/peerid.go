package tasks

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
)

// PeerIDLen is the length in bytes of the peer ID of an Ed25519 key.
const PeerIDLen = 38

// peerIDPrefix is what precedes the 32 key bytes in a peer ID: the identity
// multihash header (code 0x00, length 36), then the protobuf PublicKey
// header: field 1 (Type) varint 1 (Ed25519), field 2 (Data) length 32. This
// is exactly what go-libp2p's peer.IDFromPublicKey produces for an Ed25519
// key, so a Crucible peer ID is byte-identical to the node's libp2p ID.
var peerIDPrefix = [6]byte{0x00, 0x24, 0x08, 0x01, 0x12, 0x20}

// PeerID identifies a node, miner or validator: the binary libp2p peer ID
// of its Ed25519 key. Only Ed25519 keys are accepted, so every peer ID has
// the same length and carries the key that verifies its signatures. The
// zero PeerID is undefined. PeerID is comparable and can key a map.
//
// In DAG-CBOR a PeerID is a 38-byte byte string; in JSON and logs it is the
// base58btc text libp2p prints ("12D3KooW...").
type PeerID struct{ b [PeerIDLen]byte }

// PeerIDFromPublicKey returns the peer ID of an Ed25519 public key.
func PeerIDFromPublicKey(pub ed25519.PublicKey) (PeerID, error) {
	if len(pub) != ed25519.PublicKeySize {
		return PeerID{}, fmt.Errorf("%w: public key of %d bytes, want %d", ErrInvalidPeerID, len(pub), ed25519.PublicKeySize)
	}
	var p PeerID
	copy(p.b[:], peerIDPrefix[:])
	copy(p.b[len(peerIDPrefix):], pub)
	return p, nil
}

// PeerIDFromBytes parses the binary form of a peer ID. It accepts only the
// peer ID of an Ed25519 key in libp2p's canonical encoding; RSA, secp256k1
// and ECDSA identities, and hashed (sha2-256) peer IDs, are refused.
func PeerIDFromBytes(b []byte) (PeerID, error) {
	if len(b) != PeerIDLen {
		return PeerID{}, fmt.Errorf("%w: %d bytes, want %d (an Ed25519 key's identity multihash)", ErrInvalidPeerID, len(b), PeerIDLen)
	}
	if !bytes.Equal(b[:len(peerIDPrefix)], peerIDPrefix[:]) {
		return PeerID{}, fmt.Errorf("%w: prefix %x is not that of an Ed25519 key (%x)", ErrInvalidPeerID, b[:len(peerIDPrefix)], peerIDPrefix)
	}
	var p PeerID
	copy(p.b[:], b)
	return p, nil
}

// maxPeerIDText bounds the text ParsePeerID reads, so that base58 decoding
// (quadratic in the length) stays cheap on hostile input. An Ed25519 peer
// ID is 52 characters.
const maxPeerIDText = 64

// ParsePeerID parses the base58btc text form of a peer ID, as libp2p
// prints it ("12D3KooW...").
func ParsePeerID(s string) (PeerID, error) {
	if len(s) > maxPeerIDText {
		return PeerID{}, fmt.Errorf("%w: text of %d characters is too long", ErrInvalidPeerID, len(s))
	}
	b, err := base58Decode(s)
	if err != nil {
		return PeerID{}, fmt.Errorf("%w: %q: %w", ErrInvalidPeerID, s, err)
	}
	return PeerIDFromBytes(b)
}

// Defined reports whether p is a peer ID rather than the zero value.
func (p PeerID) Defined() bool { return p.b[1] == peerIDPrefix[1] }

// Bytes returns the binary form of p (nil if p is undefined).
func (p PeerID) Bytes() []byte {
	if !p.Defined() {
		return nil
	}
	return bytes.Clone(p.b[:])
}

// PublicKey returns the Ed25519 public key p names (nil if p is undefined).
func (p PeerID) PublicKey() ed25519.PublicKey {
	if !p.Defined() {
		return nil
	}
	return bytes.Clone(p.b[len(peerIDPrefix):])
}

// String returns the base58btc text form, as libp2p prints it, or
// "<undefined>" for the zero PeerID.
func (p PeerID) String() string {
	if !p.Defined() {
		return "<undefined>"
	}
	return base58Encode(p.b[:])
}

// Compare orders peer IDs by their bytes; records list entries in this
// order.
func (p PeerID) Compare(q PeerID) int { return bytes.Compare(p.b[:], q.b[:]) }

// Verify reports whether sig is p's Ed25519 signature of msg.
func (p PeerID) Verify(msg, sig []byte) bool {
	if !p.Defined() || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(p.b[len(peerIDPrefix):], msg, sig)
}

// validate returns an error wrapping ErrInvalid if p is undefined; what
// names the field in the message.
func (p PeerID) validate(what string) error {
	if !p.Defined() {
		return invalidf("%s: undefined peer ID", what)
	}
	return nil
}

// cborPeerIDHeader is the canonical CBOR head of a 38-byte byte string:
// major type 2, one-byte length follows, 38.
var cborPeerIDHeader = [2]byte{0x58, PeerIDLen}

// MarshalCBOR encodes p as a 38-byte byte string. An undefined PeerID has
// no encoding: a message with a missing identity cannot be encoded at all.
func (p PeerID) MarshalCBOR() ([]byte, error) {
	if !p.Defined() {
		return nil, fmt.Errorf("%w: undefined", ErrInvalidPeerID)
	}
	out := make([]byte, 0, len(cborPeerIDHeader)+PeerIDLen)
	out = append(out, cborPeerIDHeader[:]...)
	return append(out, p.b[:]...), nil
}

// UnmarshalCBOR decodes a 38-byte byte string in its canonical encoding
// and validates it as an Ed25519 peer ID.
func (p *PeerID) UnmarshalCBOR(data []byte) error {
	if len(data) != len(cborPeerIDHeader)+PeerIDLen || !bytes.Equal(data[:2], cborPeerIDHeader[:]) {
		return fmt.Errorf("%w: not a canonical %d-byte byte string", ErrInvalidPeerID, PeerIDLen)
	}
	q, err := PeerIDFromBytes(data[2:])
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// MarshalText returns the base58btc text form, for JSON.
func (p PeerID) MarshalText() ([]byte, error) {
	if !p.Defined() {
		return nil, fmt.Errorf("%w: undefined", ErrInvalidPeerID)
	}
	return []byte(p.String()), nil
}

// UnmarshalText parses the base58btc text form, for JSON.
func (p *PeerID) UnmarshalText(text []byte) error {
	q, err := ParsePeerID(string(text))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// Signer signs protocol messages with a peer's Ed25519 key. The node
// implements it with its libp2p key (whose Sign is plain Ed25519), tools
// and tests with NewEd25519Signer. Sign may be called concurrently.
type Signer interface {
	// PeerID is the identity whose key makes the signatures.
	PeerID() PeerID
	// Sign returns the Ed25519 signature of msg.
	Sign(msg []byte) ([]byte, error)
}

// Ed25519Signer is a Signer holding an Ed25519 private key in memory.
type Ed25519Signer struct {
	key ed25519.PrivateKey
	id  PeerID
}

var _ Signer = (*Ed25519Signer)(nil)

// NewEd25519Signer returns a Signer for key.
func NewEd25519Signer(key ed25519.PrivateKey) (*Ed25519Signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("ed25519 private key of %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	id, err := PeerIDFromPublicKey(key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	return &Ed25519Signer{key: bytes.Clone(key), id: id}, nil
}

// PeerID returns the peer ID of the signer's key.
func (s *Ed25519Signer) PeerID() PeerID { return s.id }

// Sign returns the Ed25519 signature of msg.
func (s *Ed25519Signer) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.key, msg), nil }

// sign signs msg with s and checks the signature against s's peer ID, so a
// signer whose key does not match its claimed identity fails here rather
// than producing messages every peer rejects.
func sign(s Signer, msg []byte) ([]byte, error) {
	if s == nil {
		return nil, errors.New("sign: nil signer")
	}
	id := s.PeerID()
	if err := id.validate("signer"); err != nil {
		return nil, err
	}
	sig, err := s.Sign(msg)
	if err != nil {
		return nil, fmt.Errorf("sign as %s: %w", id, err)
	}
	if !id.Verify(msg, sig) {
		return nil, fmt.Errorf("sign as %s: %w: the signer's signature does not verify with its own peer ID", id, ErrBadSignature)
	}
	return sig, nil
}

// base58Alphabet is the Bitcoin alphabet that base58btc (multibase 'z',
// libp2p peer IDs) uses.
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Index maps a character to its digit, or -1.
var base58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// base58Encode encodes b in base58btc: each leading zero byte becomes '1',
// the rest is the big-endian number in base 58.
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.38: digits needed for the non-zero part.
	digits := make([]byte, (len(b)-zeros)*138/100+1)
	n := 0 // digits in use, least significant first
	for _, c := range b[zeros:] {
		carry := int(c)
		for i := 0; i < n; i++ {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits[n] = byte(carry % 58)
			carry /= 58
			n++
		}
	}
	out := make([]byte, zeros+n)
	for i := 0; i < zeros; i++ {
		out[i] = '1'
	}
	for i := 0; i < n; i++ {
		out[zeros+i] = base58Alphabet[digits[n-1-i]]
	}
	return string(out)
}

// errBase58 reports text that is not base58btc.
var errBase58 = errors.New("not base58btc")

// base58Decode is the inverse of base58Encode.
func base58Decode(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty", errBase58)
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.733: bytes needed for the rest.
	num := make([]byte, (len(s)-zeros)*733/1000+1)
	n := 0 // bytes in use, least significant first
	for i := zeros; i < len(s); i++ {
		d := base58Index[s[i]]
		if d < 0 {
			return nil, fmt.Errorf("%w: character %q at %d", errBase58, s[i], i)
		}
		carry := int(d)
		for j := 0; j < n; j++ {
			carry += int(num[j]) * 58
			num[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			num[n] = byte(carry)
			carry >>= 8
			n++
		}
	}
	out := make([]byte, zeros+n)
	for i := 0; i < n; i++ {
		out[zeros+i] = num[n-1-i]
	}
	return out, nil
}
