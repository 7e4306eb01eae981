package tasks

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// Peer ID vectors from go-libp2p's tests: TestWalkthroughInSpec in the
// HTTP peer ID auth tests (package httppeeridauth, p2p/http/auth, as first
// added; github.com/libp2p/go-libp2p), which asserts
//
//	clientID.String() == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
//	serverID.String() == "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
//
// The client key is the Ed25519 test vector of the libp2p peer-ids spec
// (private key protobuf 08011240 ‖ seed ‖ public key); the server key is
// crypto.GenerateEd25519Key over a reader of zero bytes, so its seed is 32
// zeros, and the test also pins its marshalled form, whose last 32 bytes
// are the public key below.
func TestPeerIDLibp2pVectors(t *testing.T) {
	tests := []struct {
		name, seed, pub, id string
	}{
		{
			name: "libp2p spec ed25519 vector",
			seed: "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d",
			pub:  "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
			id:   "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
		},
		{
			name: "zero seed",
			seed: "0000000000000000000000000000000000000000000000000000000000000000",
			pub:  "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
			id:   "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed, _ := hex.DecodeString(tt.seed)
			s, err := NewEd25519Signer(ed25519.NewKeyFromSeed(seed))
			if err != nil {
				t.Fatal(err)
			}
			id := s.PeerID()
			if got := id.String(); got != tt.id {
				t.Errorf("String() = %s, want %s", got, tt.id)
			}
			if got := hex.EncodeToString(id.PublicKey()); got != tt.pub {
				t.Errorf("PublicKey() = %s, want %s", got, tt.pub)
			}
			if got, want := hex.EncodeToString(id.Bytes()), "002408011220"+tt.pub; got != want {
				t.Errorf("Bytes() = %s, want %s", got, want)
			}
			parsed, err := ParsePeerID(tt.id)
			if err != nil || parsed != id {
				t.Errorf("ParsePeerID(%s) = %v, %v; want %v", tt.id, parsed, err, id)
			}
			fromBytes, err := PeerIDFromBytes(id.Bytes())
			if err != nil || fromBytes != id {
				t.Errorf("PeerIDFromBytes = %v, %v", fromBytes, err)
			}
		})
	}
}

func TestParsePeerIDRejects(t *testing.T) {
	valid := newSigner(t, "a").PeerID()
	// A sha2-256 peer ID (RSA key) from go-libp2p's core/peer tests.
	const rsaID = "QmcJeseojbPW9hSejUM1sQ1a2QmbrryPK4Z8pWbRUPaYEn"
	tests := []struct {
		name, text string
	}{
		{"empty", ""},
		{"not base58", "12D3KooW0OIl"},
		{"sha2-256 (RSA) peer ID", rsaID},
		{"truncated", valid.String()[:len(valid.String())-1]},
		{"extra character", valid.String() + "1"},
		{"too long", strings.Repeat("z", maxPeerIDText+1)},
		{"CID form", "bafzaajaiaejcb6xzswsfuokc2bxkspajvc5d5ldz4u4q4e5rmvgbfsuqafdbwey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParsePeerID(tt.text); !errors.Is(err, ErrInvalidPeerID) {
				t.Errorf("ParsePeerID(%q) error = %v, want ErrInvalidPeerID", tt.text, err)
			}
		})
	}
}

func TestPeerIDFromBytesRejects(t *testing.T) {
	good := newSigner(t, "a").PeerID().Bytes()
	mutate := func(i int, v byte) []byte {
		b := bytes.Clone(good)
		b[i] = v
		return b
	}
	tests := []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"short", good[:37]},
		{"long", append(bytes.Clone(good), 0)},
		{"sha2-256 multihash code", mutate(0, 0x12)},
		{"wrong identity length", mutate(1, 0x25)},
		{"secp256k1 key type", mutate(3, 0x02)},
		{"wrong data length", mutate(5, 0x21)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := PeerIDFromBytes(tt.b); !errors.Is(err, ErrInvalidPeerID) {
				t.Errorf("error = %v, want ErrInvalidPeerID", err)
			}
		})
	}
}

func TestPeerIDEncodings(t *testing.T) {
	id := newSigner(t, "a").PeerID()

	type holder struct {
		P PeerID `cbor:"p" json:"p"`
	}
	b, err := dagcbor.Marshal(holder{id})
	if err != nil {
		t.Fatal(err)
	}
	var h holder
	if err := dagcbor.Unmarshal(b, &h, 1<<10); err != nil || h.P != id {
		t.Fatalf("CBOR round trip: %v, %v", h.P, err)
	}
	j, err := json.Marshal(holder{id})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"p":"` + id.String() + `"}`; string(j) != want {
		t.Errorf("JSON = %s, want %s", j, want)
	}
	h = holder{}
	if err := json.Unmarshal(j, &h); err != nil || h.P != id {
		t.Errorf("JSON round trip: %v, %v", h.P, err)
	}

	if _, err := dagcbor.Marshal(holder{}); err == nil {
		t.Error("an undefined peer ID encoded")
	}
	var zero PeerID
	if zero.String() != "<undefined>" || zero.Defined() || zero.Bytes() != nil || zero.PublicKey() != nil {
		t.Error("the zero PeerID is not reported as undefined")
	}

	// A 38-byte string in a non-canonical head, and a text string.
	bad := [][]byte{
		append([]byte{0xa1, 0x61, 'p', 0x59, 0x00, 38}, id.Bytes()...),
		append([]byte{0xa1, 0x61, 'p', 0x78, 38}, id.Bytes()...),
	}
	for i, data := range bad {
		if err := dagcbor.Unmarshal(data, &h, 1<<10); err == nil {
			t.Errorf("bad encoding %d decoded", i)
		}
	}
}

func TestSignerVerify(t *testing.T) {
	s := newSigner(t, "a")
	msg := []byte("hello")
	sig, err := sign(s, msg)
	if err != nil {
		t.Fatal(err)
	}
	if !s.PeerID().Verify(msg, sig) {
		t.Error("signature does not verify")
	}
	if newSigner(t, "b").PeerID().Verify(msg, sig) {
		t.Error("signature verifies under another key")
	}
	if s.PeerID().Verify([]byte("hellp"), sig) {
		t.Error("signature verifies another message")
	}
	if _, err := sign(lyingSigner{s, newSigner(t, "b").PeerID()}, msg); !errors.Is(err, ErrBadSignature) {
		t.Errorf("a signer whose key does not match its peer ID: error %v, want ErrBadSignature", err)
	}
	if _, err := NewEd25519Signer(make([]byte, 10)); err == nil {
		t.Error("a short key was accepted")
	}
}

// lyingSigner claims an identity its key does not have.
type lyingSigner struct {
	*Ed25519Signer
	id PeerID
}

func (l lyingSigner) PeerID() PeerID { return l.id }

func FuzzParsePeerID(f *testing.F) {
	f.Add("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq")
	f.Add("QmcJeseojbPW9hSejUM1sQ1a2QmbrryPK4Z8pWbRUPaYEn")
	f.Add("")
	f.Add("1111")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParsePeerID(s)
		if err != nil {
			return
		}
		if id.String() != s {
			t.Fatalf("ParsePeerID(%q).String() = %q", s, id.String())
		}
		again, err := PeerIDFromBytes(id.Bytes())
		if err != nil || again != id {
			t.Fatalf("bytes round trip of %q: %v", s, err)
		}
	})
}

// A key of small order signs for anyone: with the identity point as the
// key, the signature (identity, 0) verifies for every message. Such keys,
// in every encoding, are refused as peer IDs.
func TestPeerIDRejectsSmallOrderKeys(t *testing.T) {
	identity := edEncode(edIdentity)
	sig := append(identity[:], make([]byte, 32)...)
	for _, msg := range []string{"weight commit", "anything at all"} {
		if !ed25519.Verify(identity[:], []byte(msg), sig) {
			t.Fatalf("the identity key no longer verifies a forged signature of %q; this test's premise changed", msg)
		}
	}

	// The torsion subgroup is cyclic of order 8: the multiples of one
	// point of order 8, which [L]P gives for a point P with a torsion
	// component (found by trying y = 2, 3, ...).
	var gen edPoint
	for y := int64(2); ; y++ {
		p, ok := edFromY(big.NewInt(y), false)
		if !ok {
			continue
		}
		gen = edMul(edL, p)
		if q := edMul(big.NewInt(4), gen); q.x.Sign() != 0 || q.y.Cmp(big.NewInt(1)) != 0 {
			break // gen has order 8
		}
	}
	var encodings [][32]byte
	for p, i := gen, 0; i < 8; p, i = edAdd(p, gen), i+1 {
		e := edEncode(p)
		encodings = append(encodings, e, e)
		encodings[len(encodings)-1][31] ^= 0x80 // the other sign of x
	}
	// Non-canonical encodings of y = 0 and y = 1: y + p.
	for _, y := range []int64{0, 1} {
		var e [32]byte
		v := new(big.Int).Add(edP, big.NewInt(y))
		v.FillBytes(e[:])
		slices.Reverse(e[:])
		encodings = append(encodings, e, e)
		encodings[len(encodings)-1][31] ^= 0x80
	}
	if len(encodings) != 20 {
		t.Fatalf("%d encodings", len(encodings))
	}
	for _, e := range encodings {
		if _, err := PeerIDFromPublicKey(e[:]); !errors.Is(err, ErrInvalidPeerID) {
			t.Errorf("PeerIDFromPublicKey(%x) = %v, want ErrInvalidPeerID", e, err)
		}
		b := append(bytes.Clone(peerIDPrefix[:]), e[:]...)
		if _, err := PeerIDFromBytes(b); !errors.Is(err, ErrInvalidPeerID) {
			t.Errorf("PeerIDFromBytes(%x) = %v, want ErrInvalidPeerID", b, err)
		}
	}
	if !slices.Contains(encodings, identity) {
		t.Error("the identity is not among the points of small order")
	}

	// Other keys still pass: the base point, a multiple of it, and an
	// encoding one away from a blocked one.
	for _, e := range [][32]byte{edEncode(edBase), edEncode(edMul(big.NewInt(8), edBase)), {0x02}} {
		if _, err := PeerIDFromPublicKey(e[:]); err != nil {
			t.Errorf("PeerIDFromPublicKey(%x) = %v", e, err)
		}
	}
}
