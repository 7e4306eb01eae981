package dagcbor_test

import (
	"encoding/hex"
	"math"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// Test types. Field names are short snake_case, as protocol types use.
type (
	score struct {
		Miner string  `cbor:"miner"`
		Value float64 `cbor:"value"`
	}

	record struct {
		Epoch    uint64            `cbor:"epoch"`
		Delta    int64             `cbor:"delta"`
		OK       bool              `cbor:"ok"`
		Label    string            `cbor:"label"`
		Data     []byte            `cbor:"data"`
		Digest   [32]byte          `cbor:"digest"`
		Weight   float64           `cbor:"weight"`
		Weights  []float64         `cbor:"weights"`
		Scores   []score           `cbor:"scores"`
		Stakes   map[string]uint64 `cbor:"stakes"`
		Manifest dagcbor.Link      `cbor:"manifest,omitzero"`
		Parent   *dagcbor.Link     `cbor:"parent"`
		Prev     *dagcbor.Link     `cbor:"prev,omitempty"`
		Note     *string           `cbor:"note,omitempty"`
		Best     *score            `cbor:"best,omitempty"`
		Salt     uint64            `cbor:"salt,omitempty"`
	}

	// small is the destination of most hand-written rejection fixtures.
	small struct {
		A  uint64  `cbor:"a"`
		B  string  `cbor:"b,omitempty"`
		F  float64 `cbor:"f,omitempty"`
		AB uint64  `cbor:"ab,omitempty"`
	}

	linked struct {
		L dagcbor.Link `cbor:"l"`
	}

	listed struct {
		X []uint64 `cbor:"x"`
	}

	hashed struct {
		H [4]byte `cbor:"h"`
	}
)

// Links used by the fixtures.
var (
	linkRaw    = dagcbor.Sum(dagcbor.CodecRaw, []byte("weights"))
	linkRecord = dagcbor.Sum(dagcbor.CodecDagCBOR, []byte{0xa0})
	// linkV0 is Kubo's CID of the empty UnixFS directory.
	linkV0 = mustParse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn")
	// linkBig has a codec and hash code that need multi-byte varints.
	linkBig = mustLink(append([]byte{0x01, 0x80, 0x80, 0x01, 0xb2, 0x20, 0x04}, "abcd"...))
)

func mustParse(s string) dagcbor.Link {
	l, err := dagcbor.ParseLink(s)
	if err != nil {
		panic(err)
	}
	return l
}

func mustLink(b []byte) dagcbor.Link {
	l, err := dagcbor.LinkFromBytes(b)
	if err != nil {
		panic(err)
	}
	return l
}

// roundTrip is one value that must survive Marshal, Unmarshal and
// go-ipld-prime unchanged. deep says whether the decoded value must also
// be reflect.DeepEqual to the original (false where nil slices come back
// empty, by design).
type roundTrip struct {
	name  string
	value any
	// decodeInto returns a fresh pointer of the value's type.
	decodeInto func() any
	deep       bool
}

func roundTrips() []roundTrip {
	note := "late reveal"
	parent := linkV0
	prev := linkBig
	negZero := math.Copysign(0, -1)
	return []roundTrip{
		{name: "record_zero", value: record{}, decodeInto: func() any { return new(record) }},
		{
			name: "record_full",
			value: record{
				Epoch:  math.MaxUint64,
				Delta:  math.MinInt64,
				OK:     true,
				Label:  "épreuve ✓ \x00 end",
				Data:   []byte{0, 1, 2, 0xff},
				Digest: [32]byte{0: 0xde, 31: 0xad},
				Weight: negZero,
				Weights: []float64{
					0.5, 1, negZero, math.SmallestNonzeroFloat64, 2.2250738585072009e-308, // subnormals
					math.MaxFloat64, -math.MaxFloat64, 1e300, 0.1, 1.0 / 3,
				},
				Scores: []score{{Miner: "m1", Value: 0.25}, {Miner: "m2", Value: 1}},
				Stakes: map[string]uint64{
					"zz": 1, "a": 2, "b": 3, "aa": 4, "": 5, "ab": 6, strings.Repeat("k", 30): 7,
				},
				Manifest: linkRecord,
				Parent:   &parent,
				Prev:     &prev,
				Note:     &note,
				Best:     &score{Miner: "m2", Value: 1},
				Salt:     42,
			},
			decodeInto: func() any { return new(record) },
			deep:       true,
		},
		{
			name: "record_small_ints",
			value: record{
				Epoch: 23, Delta: -24, Data: []byte{}, Weights: []float64{}, Scores: []score{},
				Stakes: map[string]uint64{}, Manifest: linkRaw, Parent: &parent, Salt: 24,
			},
			decodeInto: func() any { return new(record) },
			deep:       true,
		},
		{
			name:       "uint_boundaries",
			value:      []uint64{0, 23, 24, 255, 256, 65535, 65536, 1<<32 - 1, 1 << 32, math.MaxInt64, math.MaxUint64},
			decodeInto: func() any { return new([]uint64) },
			deep:       true,
		},
		{
			name:       "negative_boundaries",
			value:      []int64{-1, -24, -25, -256, -257, -65536, -65537, -1 << 32, -1<<32 - 1, math.MinInt64},
			decodeInto: func() any { return new([]int64) },
			deep:       true,
		},
		{
			name:       "links",
			value:      []dagcbor.Link{linkRaw, linkRecord, linkV0, linkBig},
			decodeInto: func() any { return new([]dagcbor.Link) },
			deep:       true,
		},
		{
			name: "nested_lists",
			value: [][][]string{
				{{"a", "b"}, {}}, {}, {{""}},
			},
			decodeInto: func() any { return new([][][]string) },
			deep:       true,
		},
		{
			name:       "empty_map",
			value:      map[string]uint64{},
			decodeInto: func() any { return new(map[string]uint64) },
			deep:       true,
		},
		{
			name: "any_tree",
			value: map[string]any{
				"list":  []any{uint64(1), int64(-2), "three", []byte("4"), true, false, nil, 0.5},
				"inner": map[string]any{"b": uint64(1), "a": uint64(2)},
			},
			decodeInto: func() any { return new(any) },
		},
	}
}

// rejection is a hand-written input that Unmarshal must refuse with want.
type rejection struct {
	name    string
	hex     string
	into    func() any
	maxSize int // 0 means dagcbor.DefaultMaxSize
	want    error
}

// cidHex is linkRecord's binary CID and cidPayload the byte string 0x00 ‖ CID.
var (
	cidHex     = hex.EncodeToString(linkRecord.Bytes())
	cidPayload = "5825" + "00" + cidHex
)

func rejections() []rejection {
	intoSmall := func() any { return new(small) }
	intoAny := func() any { return new(any) }
	intoLinked := func() any { return new(linked) }
	tooDeep := strings.Repeat("81", dagcbor.MaxDepth+1) + "00"
	return []rejection{
		// Size and shape limits.
		{name: "over_max_size", hex: "a1616101", into: intoSmall, maxSize: 3, want: dagcbor.ErrTooLarge},
		{name: "nesting_too_deep", hex: tooDeep, into: intoAny, want: dagcbor.ErrTooLarge},
		{name: "array_too_long", hex: "9a00020001" + "00", into: intoAny, want: dagcbor.ErrTooLarge},
		{name: "map_too_long", hex: "ba00020001" + "6161", into: intoAny, want: dagcbor.ErrTooLarge},

		// Not well-formed.
		{name: "empty_input", hex: "", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "trailing_bytes", hex: "a1616101" + "00", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "truncated_map", hex: "a16161", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "truncated_string", hex: "a1616165616263", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "truncated_head", hex: "a161611b0000", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "count_beyond_data", hex: "9820" + "00", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "indefinite_map", hex: "bf616101ff", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "indefinite_array", hex: "9f01ff", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "indefinite_text", hex: "a2616101" + "6162" + "7f6178ff", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "indefinite_bytes", hex: "5f4101ff", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "lone_break", hex: "ff", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "reserved_additional_info", hex: "1c", into: intoAny, want: dagcbor.ErrMalformed},

		// Well-formed CBOR outside the DAG-CBOR data model.
		{name: "duplicate_key", hex: "a2616101616102", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "duplicate_key_any", hex: "a2616101616102", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "duplicate_key_apart", hex: "a3616101" + "62616202" + "616103", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "duplicate_key_unsorted", hex: "a3616201" + "616102" + "616203", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "integer_map_key", hex: "a10101", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "bytes_map_key", hex: "a1416101", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "tag_1_time", hex: "a16161c101", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "tag_2_bignum", hex: "c24101", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "tag_55799_self_describe", hex: "d9d9f7a0", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "invalid_utf8_value", hex: "a2616101" + "6162" + "61ff", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "invalid_utf8_key", hex: "a161c001", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "nan_float64", hex: "a2616101" + "6166" + "fb7ff8000000000000", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "inf_float64", hex: "a2616101" + "6166" + "fb7ff0000000000000", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "neg_inf_float64", hex: "fbfff0000000000000", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "nan_float16", hex: "f97e00", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "inf_float32", hex: "fa7f800000", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "undefined", hex: "a16161f7", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "simple_value", hex: "f0", into: intoAny, want: dagcbor.ErrMalformed},
		{name: "simple_value_one_byte", hex: "f820", into: intoAny, want: dagcbor.ErrMalformed},

		// Links.
		{name: "link_in_text", hex: "a1616cd82a6161", into: intoLinked, want: dagcbor.ErrMalformed},
		{name: "link_without_prefix", hex: "a1616cd82a5824" + cidHex, into: intoLinked, want: dagcbor.ErrMalformed},
		{name: "link_version_2", hex: "a1616cd82a5825" + "0002" + cidHex[2:], into: intoLinked, want: dagcbor.ErrInvalidLink},
		{name: "link_short_digest", hex: "a1616cd82a5824" + "00" + cidHex[:len(cidHex)-2], into: intoLinked, want: dagcbor.ErrInvalidLink},
		{name: "link_empty", hex: "a1616cd82a4100", into: intoLinked, want: dagcbor.ErrInvalidLink},
		{name: "link_null", hex: "a1616cf6", into: intoLinked, want: dagcbor.ErrMalformed},
		{name: "link_bytes_untagged", hex: "a1616c" + cidPayload, into: intoLinked, want: dagcbor.ErrMalformed},

		// Valid DAG-CBOR that does not fit the destination.
		{name: "unknown_field", hex: "a2616101617a01", into: intoSmall, want: dagcbor.ErrUnknownField},
		{name: "field_case_differs", hex: "a1614101", into: intoSmall, want: dagcbor.ErrUnknownField},
		{name: "text_for_uint", hex: "a161616178", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "negative_for_uint", hex: "a1616120", into: intoSmall, want: dagcbor.ErrMalformed},
		{name: "array_for_struct", hex: "80", into: intoSmall, want: dagcbor.ErrMalformed},

		// Non-canonical encodings of valid values.
		{name: "int_not_shortest", hex: "a161611801", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "int_8_bytes", hex: "a16161" + "1b0000000000000001", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "length_not_shortest", hex: "a2616101" + "6162" + "780178", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "map_length_not_shortest", hex: "b801616101", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "key_length_not_shortest", hex: "a1780161" + "01", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "tag_not_shortest", hex: "a1616cd9002a" + cidPayload, into: intoLinked, want: dagcbor.ErrNonCanonical},
		{name: "keys_unsorted", hex: "a2616201616101", into: intoAny, want: dagcbor.ErrNonCanonical},
		{name: "keys_bytewise_not_length_first", hex: "a2" + "62616202" + "616101", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "float16", hex: "a2616101" + "6166" + "f93e00", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "float32", hex: "a2616101" + "6166" + "fa3fc00000", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "omitempty_zero_string", hex: "a2616101" + "616260", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "omitempty_zero_uint", hex: "a2616101" + "62616200", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "omitempty_zero_float", hex: "a2616101" + "6166" + "fb0000000000000000", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "required_field_missing", hex: "a0", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "null_for_list", hex: "a16178f6", into: func() any { return new(listed) }, want: dagcbor.ErrNonCanonical},
		{name: "null_for_struct", hex: "f6", into: intoSmall, want: dagcbor.ErrNonCanonical},
		{name: "byte_array_too_short", hex: "a1616843010203", into: func() any { return new(hashed) }, want: dagcbor.ErrNonCanonical},
		{name: "byte_array_too_long", hex: "a16168450102030405", into: func() any { return new(hashed) }, want: dagcbor.ErrNonCanonical},
	}
}

// mustHex decodes a fixture.
func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("bad fixture hex %q: %v", s, err)
	}
	return b
}
