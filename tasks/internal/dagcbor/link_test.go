package dagcbor_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// Kubo's CIDs of the empty UnixFS directory, in both versions.
const (
	emptyDirV0 = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
	emptyDirV1 = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
	// emptyRaw is the CIDv1 of the empty raw block (sha2-256 of nothing).
	emptyRaw = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
)

func TestLinkFromBytes(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	tests := []struct {
		name    string
		hex     string
		version uint64
		codec   uint64
		wantErr bool
	}{
		{name: "v0", hex: "1220" + digest, version: 0, codec: dagcbor.CodecDagPB},
		{name: "v1_raw", hex: "01551220" + digest, version: 1, codec: dagcbor.CodecRaw},
		{name: "v1_dag_cbor", hex: "01711220" + digest, version: 1, codec: dagcbor.CodecDagCBOR},
		{name: "v1_two_byte_codec", hex: "01b0011220" + digest, version: 1, codec: 0xb0},
		{name: "v1_identity_empty", hex: "01550000", version: 1, codec: dagcbor.CodecRaw},
		{name: "v1_max_varint", hex: "01ffffffffffffffff7f0000", version: 1, codec: 1<<63 - 1},

		{name: "empty", hex: "", wantErr: true},
		{name: "v0_short", hex: "1220" + digest[2:], wantErr: true},
		{name: "v0_long", hex: "1220" + digest + "00", wantErr: true},
		{name: "version_0_explicit", hex: "00701220" + digest, wantErr: true},
		{name: "version_2", hex: "02701220" + digest, wantErr: true},
		{name: "version_not_minimal", hex: "8100701220" + digest, wantErr: true},
		{name: "codec_not_minimal", hex: "01f0001220" + digest, wantErr: true},
		{name: "varint_over_63_bits", hex: "01ffffffffffffffffff011220" + digest, wantErr: true},
		{name: "varint_9th_byte_continues", hex: "01ffffffffffffffff8001", wantErr: true},
		{name: "truncated_varint", hex: "0171ff", wantErr: true},
		{name: "missing_digest_length", hex: "017112", wantErr: true},
		{name: "digest_short", hex: "01711220" + digest[2:], wantErr: true},
		{name: "trailing_byte", hex: "01711220" + digest + "00", wantErr: true},
		{name: "digest_length_huge", hex: "017112ffffffff0f" + digest, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := mustHex(t, tc.hex)
			l, err := dagcbor.LinkFromBytes(b)
			if tc.wantErr {
				if !errors.Is(err, dagcbor.ErrInvalidLink) {
					t.Fatalf("LinkFromBytes(%s) = %v, %v; want ErrInvalidLink", tc.hex, l, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("LinkFromBytes(%s): %v", tc.hex, err)
			}
			if !bytes.Equal(l.Bytes(), b) || !l.Defined() || l.Version() != tc.version || l.Codec() != tc.codec {
				t.Fatalf("got bytes %x defined %v version %d codec %#x", l.Bytes(), l.Defined(), l.Version(), l.Codec())
			}
			// Text and CBOR forms round-trip.
			if back, err := dagcbor.ParseLink(l.String()); err != nil || back != l {
				t.Fatalf("ParseLink(String()) = %v, %v", back, err)
			}
			enc, err := l.MarshalCBOR()
			if err != nil {
				t.Fatal(err)
			}
			var back dagcbor.Link
			if err := back.UnmarshalCBOR(enc); err != nil || back != l {
				t.Fatalf("UnmarshalCBOR(MarshalCBOR()) = %v, %v", back, err)
			}
		})
	}
}

func TestParseLink(t *testing.T) {
	canonical := dagcbor.Sum(dagcbor.CodecDagCBOR, []byte("x")).String()
	// Setting the lowest bit of the last character sets a padding bit that
	// base32 decoders ignore: another spelling of the same CID.
	last := strings.IndexByte("abcdefghijklmnopqrstuvwxyz234567", canonical[len(canonical)-1])
	paddingBits := canonical[:len(canonical)-1] + string("abcdefghijklmnopqrstuvwxyz234567"[last|1])
	v0AsBase32 := "b" + strings.TrimRight(strings.ToLower(b32(mustParse(emptyDirV0).Bytes())), "=")

	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{name: "v0", in: emptyDirV0},
		{name: "v1_dag_pb", in: emptyDirV1},
		{name: "v1_raw", in: emptyRaw},
		{name: "v1_dag_cbor", in: canonical},

		{name: "empty", in: "", wantErr: true},
		{name: "only_prefix", in: "b", wantErr: true},
		{name: "upper_case_base32", in: strings.ToUpper(emptyDirV1), wantErr: true},
		{name: "mixed_case_base32", in: "b" + strings.ToUpper(emptyDirV1[1:]), wantErr: true},
		{name: "base58_multibase", in: "z" + emptyDirV0, wantErr: true},
		{name: "base36", in: "k2jmtxrxbr58aa3716vvr99qallufjkerfhdzcmjsv5i6q1cx4bdtqj7", wantErr: true},
		{name: "base16", in: "f01701220" + strings.Repeat("00", 32), wantErr: true},
		{name: "v0_too_short", in: emptyDirV0[:45], wantErr: true},
		{name: "v0_too_long", in: emptyDirV0 + "1", wantErr: true},
		{name: "v0_bad_char", in: emptyDirV0[:45] + "0", wantErr: true},
		{name: "v0_not_sha256", in: "Qm" + strings.Repeat("1", 44), wantErr: true},
		{name: "base32_bad_char", in: emptyDirV1[:10] + "1" + emptyDirV1[11:], wantErr: true},
		{name: "base32_padding_bits", in: paddingBits, wantErr: true},
		{name: "base32_with_padding", in: emptyDirV1 + "======", wantErr: true},
		{name: "v0_bytes_in_base32", in: v0AsBase32, wantErr: true},
		{name: "truncated_v1", in: emptyDirV1[:40], wantErr: true},
		{name: "whitespace", in: " " + emptyDirV1, wantErr: true},
		{name: "path", in: "/ipfs/" + emptyDirV1, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := dagcbor.ParseLink(tc.in)
			if tc.wantErr {
				if !errors.Is(err, dagcbor.ErrInvalidLink) {
					t.Fatalf("ParseLink(%q) = %v, %v; want ErrInvalidLink", tc.in, l, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLink(%q): %v", tc.in, err)
			}
			if l.String() != tc.in {
				t.Fatalf("String() = %q, want %q", l.String(), tc.in)
			}
		})
	}
}

// b32 is standard padded base32, for building a non-canonical fixture.
func b32(b []byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var sb strings.Builder
	var acc, bits uint
	for _, c := range b {
		acc = acc<<8 | uint(c)
		bits += 8
		for bits >= 5 {
			sb.WriteByte(alphabet[acc>>(bits-5)&31])
			bits -= 5
		}
	}
	if bits > 0 {
		sb.WriteByte(alphabet[acc<<(5-bits)&31])
	}
	return sb.String()
}

func TestKnownCIDs(t *testing.T) {
	v0 := mustParse(emptyDirV0)
	v1 := mustParse(emptyDirV1)
	if v0.Version() != 0 || v1.Version() != 1 {
		t.Fatalf("versions %d %d", v0.Version(), v1.Version())
	}
	if v0.Codec() != dagcbor.CodecDagPB || v1.Codec() != dagcbor.CodecDagPB {
		t.Fatalf("codecs %#x %#x", v0.Codec(), v1.Codec())
	}
	if got := v0.ToV1(); got != v1 {
		t.Fatalf("ToV1(%s) = %s, want %s", v0, got, v1)
	}
	if v1.ToV1() != v1 || (dagcbor.Link{}).ToV1() != (dagcbor.Link{}) {
		t.Fatal("ToV1 changed a link that needs no change")
	}
	// Same digest in both: the v1 form is 0x01 0x70 ‖ the v0 multihash.
	if !bytes.Equal(v1.Bytes()[2:], v0.Bytes()) {
		t.Fatalf("digests differ: %x vs %x", v1.Bytes(), v0.Bytes())
	}
	// The empty raw block is sha2-256 of nothing.
	if got := dagcbor.Sum(dagcbor.CodecRaw, nil).String(); got != emptyRaw {
		t.Fatalf("Sum(raw, nil) = %s, want %s", got, emptyRaw)
	}
	if got, want := hex.EncodeToString(mustParse(emptyRaw).Bytes()[4:]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; got != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
}

func TestUndefinedLink(t *testing.T) {
	var l dagcbor.Link
	if l.Defined() || l.Bytes() != nil || l.Codec() != 0 || l.String() != "<undefined>" {
		t.Fatalf("zero Link: defined %v bytes %x codec %d string %q", l.Defined(), l.Bytes(), l.Codec(), l.String())
	}
	if _, err := l.MarshalCBOR(); !errors.Is(err, dagcbor.ErrUnsupported) {
		t.Fatalf("MarshalCBOR of undefined link: %v", err)
	}
	if _, err := dagcbor.ParseLink(l.String()); err == nil {
		t.Fatal("ParseLink accepted the undefined link's String")
	}
}

func TestLinkIsAValue(t *testing.T) {
	a := dagcbor.Sum(dagcbor.CodecRaw, []byte("a"))
	b := dagcbor.Sum(dagcbor.CodecRaw, []byte("a"))
	if a != b {
		t.Fatal("equal CIDs compare unequal")
	}
	if a == dagcbor.Sum(dagcbor.CodecDagCBOR, []byte("a")) {
		t.Fatal("different codecs compare equal")
	}
	seen := map[dagcbor.Link]int{a: 1}
	if seen[b] != 1 {
		t.Fatal("Link does not work as a map key")
	}
	// Bytes returns a copy.
	raw := a.Bytes()
	raw[len(raw)-1] ^= 0xff
	if a != b {
		t.Fatal("mutating Bytes() changed the link")
	}
	// LinkFromBytes copies its input.
	src := b.Bytes()
	c, err := dagcbor.LinkFromBytes(src)
	if err != nil {
		t.Fatal(err)
	}
	src[len(src)-1] ^= 0xff
	if c != b {
		t.Fatal("mutating LinkFromBytes' input changed the link")
	}
}

func TestLinkUnmarshalCBOR(t *testing.T) {
	good := "d82a" + cidPayload
	tests := []struct {
		name string
		hex  string
		want error
	}{
		{name: "good", hex: good},
		{name: "trailing", hex: good + "00", want: dagcbor.ErrMalformed},
		{name: "truncated", hex: good[:len(good)-2], want: dagcbor.ErrMalformed},
		{name: "null", hex: "f6", want: dagcbor.ErrMalformed},
		{name: "wrong_tag", hex: "d82b" + cidPayload, want: dagcbor.ErrMalformed},
		{name: "tag_not_shortest", hex: "d9002a" + cidPayload, want: dagcbor.ErrNonCanonical},
		{name: "length_not_shortest", hex: "d82a590025" + cidPayload[4:], want: dagcbor.ErrNonCanonical},
		{name: "bad_cid", hex: "d82a420001", want: dagcbor.ErrInvalidLink},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var l dagcbor.Link
			err := l.UnmarshalCBOR(mustHex(t, tc.hex))
			if tc.want == nil {
				if err != nil || l != linkRecord {
					t.Fatalf("got %v, %v; want %v", l, err, linkRecord)
				}
				return
			}
			if !errors.Is(err, tc.want) || l.Defined() {
				t.Fatalf("got %v, %v; want %v", l, err, tc.want)
			}
		})
	}
}

func TestLinkJSON(t *testing.T) {
	type doc struct {
		Set   dagcbor.Link `json:"set"`
		Unset dagcbor.Link `json:"unset"`
	}
	in := doc{Set: mustParse(emptyDirV1)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"set":"` + emptyDirV1 + `","unset":""}`; string(b) != want {
		t.Fatalf("json %s, want %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("round trip: %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"set":"Bafy"}`), &out); !errors.Is(err, dagcbor.ErrInvalidLink) {
		t.Fatalf("bad link in JSON: %v", err)
	}
}

func TestLinkIsSum(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	tests := []struct {
		name  string
		hex   string
		codec uint64
		want  bool
	}{
		{name: "sum_dag_cbor", hex: "01711220" + digest, codec: dagcbor.CodecDagCBOR, want: true},
		{name: "sum_raw", hex: "01551220" + digest, codec: dagcbor.CodecRaw, want: true},
		{name: "other_codec", hex: "01551220" + digest, codec: dagcbor.CodecDagCBOR},
		{name: "v0", hex: "1220" + digest, codec: dagcbor.CodecDagPB},
		{name: "identity_empty", hex: "01710000", codec: dagcbor.CodecDagCBOR},
		{name: "identity_32", hex: "01710020" + digest, codec: dagcbor.CodecDagCBOR},
		{name: "sha256_truncated", hex: "01711210" + digest[:32], codec: dagcbor.CodecDagCBOR},
		{name: "sha256_empty_digest", hex: "01711200", codec: dagcbor.CodecDagCBOR},
		{name: "sha512", hex: "01711340" + digest + digest, codec: dagcbor.CodecDagCBOR},
		{name: "two_byte_codec", hex: "01b0011220" + digest, codec: 0xb0, want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := dagcbor.LinkFromBytes(mustHex(t, tc.hex))
			if err != nil {
				t.Fatal(err)
			}
			if got := l.IsSum(tc.codec); got != tc.want {
				t.Errorf("IsSum(0x%x) = %v, want %v", tc.codec, got, tc.want)
			}
		})
	}
	if (dagcbor.Link{}).IsSum(dagcbor.CodecDagCBOR) {
		t.Error("the undefined link is a sum")
	}
	if l := dagcbor.Sum(dagcbor.CodecDagCBOR, []byte("x")); !l.IsSum(dagcbor.CodecDagCBOR) {
		t.Errorf("Sum gives %s, which IsSum refuses", l)
	}
}

func TestBase58(t *testing.T) {
	tests := []struct {
		hex, text string
	}{
		{"00", "1"},
		{"0000", "11"},
		{"000001", "112"},
		{"61", "2g"},
		{"626262", "a3gV"},
		{"636363", "aPEr"},
		{"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
		{"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
	}
	for _, tt := range tests {
		b, _ := hex.DecodeString(tt.hex)
		if got := dagcbor.Base58Encode(b); got != tt.text {
			t.Errorf("encode %s = %s, want %s", tt.hex, got, tt.text)
		}
		got, err := dagcbor.Base58Decode(tt.text)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("decode %s = %x, %v; want %s", tt.text, got, err, tt.hex)
		}
	}
	for _, bad := range []string{"", "0", "O", "I", "l", "1+"} {
		if _, err := dagcbor.Base58Decode(bad); !errors.Is(err, dagcbor.ErrBase58) {
			t.Errorf("decode %q: error %v, want ErrBase58", bad, err)
		}
	}
}
