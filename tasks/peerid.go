package tasks

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
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
//
// # Errors
//
// ErrInvalidPeerID for a key that is not 32 bytes or is a point of small
// order (see PeerIDFromBytes).
func PeerIDFromPublicKey(pub ed25519.PublicKey) (PeerID, error) {
	if len(pub) != ed25519.PublicKeySize {
		return PeerID{}, fmt.Errorf("%w: public key of %d bytes, want %d", ErrInvalidPeerID, len(pub), ed25519.PublicKeySize)
	}
	if smallOrder(pub) {
		return PeerID{}, fmt.Errorf("%w: public key %x is a point of small order", ErrInvalidPeerID, []byte(pub))
	}
	var p PeerID
	copy(p.b[:], peerIDPrefix[:])
	copy(p.b[len(peerIDPrefix):], pub)
	return p, nil
}

// PeerIDFromBytes parses the binary form of a peer ID. It accepts only the
// peer ID of an Ed25519 key in libp2p's canonical encoding; RSA, secp256k1
// and ECDSA identities, and hashed (sha2-256) peer IDs, are refused.
//
// Keys that are points of small order are refused too: with such a key A,
// [k]A is one of eight points whatever the hash k of the message, so a
// signature (R, 0) with R among them verifies for a fair share of all
// messages (for the identity point, R = the identity and every message),
// and nobody needs the private key to sign. No honest key generator
// produces one.
//
// # Errors
//
// ErrInvalidPeerID, with the reason.
func PeerIDFromBytes(b []byte) (PeerID, error) {
	if len(b) != PeerIDLen {
		return PeerID{}, fmt.Errorf("%w: %d bytes, want %d (an Ed25519 key's identity multihash)", ErrInvalidPeerID, len(b), PeerIDLen)
	}
	if !bytes.Equal(b[:len(peerIDPrefix)], peerIDPrefix[:]) {
		return PeerID{}, fmt.Errorf("%w: prefix %x is not that of an Ed25519 key (%x)", ErrInvalidPeerID, b[:len(peerIDPrefix)], peerIDPrefix)
	}
	if smallOrder(b[len(peerIDPrefix):]) {
		return PeerID{}, fmt.Errorf("%w: public key %x is a point of small order", ErrInvalidPeerID, b[len(peerIDPrefix):])
	}
	var p PeerID
	copy(p.b[:], b)
	return p, nil
}

// smallOrderKeys are the encodings of the Ed25519 points of small order (the
// eight points of the torsion subgroup), as libsodium's blocklist in
// crypto_core/ed25519 has them: one entry per y coordinate, compared
// without the x sign bit (bit 255), so both signs of each point and the
// non-canonical encodings y+p of y = 0 and y = 1, which Go's decoder also
// accepts, are all covered.
var smallOrderKeys = [...][32]byte{
	// y = 0: the two points of order 4.
	{},
	// y = 1: the identity (order 1).
	{0x01},
	// The points of order 8, for y and -y.
	{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
		0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
	{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
		0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
	// y = p-1 (that is, -1): the point of order 2.
	{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
	// y = p and y = p+1: non-canonical encodings of y = 0 and y = 1.
	{0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
	{0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
}

// smallOrder reports whether the 32-byte Ed25519 public key pub encodes a
// point of small order.
func smallOrder(pub []byte) bool {
	for _, k := range smallOrderKeys {
		if bytes.Equal(pub[:31], k[:31]) && pub[31]&0x7f == k[31] {
			return true
		}
	}
	return false
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
	b, err := dagcbor.Base58Decode(s)
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
	return dagcbor.Base58Encode(p.b[:])
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
