package dagcbor_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// sentinels are the errors every Unmarshal rejection must wrap one of.
var sentinels = []error{dagcbor.ErrTooLarge, dagcbor.ErrMalformed, dagcbor.ErrNonCanonical, dagcbor.ErrUnknownField}

// checkOneSentinel fails unless err wraps exactly one of sentinels.
func checkOneSentinel(tb testing.TB, err error) {
	tb.Helper()
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		tb.Fatalf("error wraps %d of the Unmarshal sentinels, want exactly 1: %v", n, err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range roundTrips() {
		t.Run(tc.name, func(t *testing.T) {
			b, err := dagcbor.Marshal(tc.value)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			got := tc.decodeInto()
			if err := dagcbor.Unmarshal(b, got, len(b)); err != nil {
				t.Fatalf("Unmarshal(%x): %v", b, err)
			}
			again, err := dagcbor.Marshal(got)
			if err != nil {
				t.Fatalf("Marshal(decoded): %v", err)
			}
			if !bytes.Equal(again, b) {
				t.Fatalf("re-encoding differs:\n got %x\nwant %x", again, b)
			}
			if tc.deep {
				if decoded := reflect.ValueOf(got).Elem().Interface(); !reflect.DeepEqual(decoded, tc.value) {
					t.Fatalf("decoded value differs:\n got %#v\nwant %#v", decoded, tc.value)
				}
			}
			// Encoding is deterministic: a second Marshal gives the same bytes.
			if b2, _ := dagcbor.Marshal(tc.value); !bytes.Equal(b2, b) {
				t.Fatalf("second Marshal differs")
			}
		})
	}
}

// TestMarshalBytes pins exact encodings, so that a change of library or
// option cannot silently change every CID.
func TestMarshalBytes(t *testing.T) {
	negZero := math.Copysign(0, -1)
	tests := []struct {
		name  string
		value any
		hex   string
	}{
		{"small", small{A: 1}, "a1616101"},
		{"length_first_order", small{A: 1, B: "x", AB: 2}, "a3" + "616101" + "61626178" + "62616202"},
		{"float_always_64_bit", small{A: 1, F: 1.5}, "a2616101" + "6166" + "fb3ff8000000000000"},
		{"negative_zero", negZero, "fb8000000000000000"},
		{"smallest_subnormal", math.SmallestNonzeroFloat64, "fb0000000000000001"},
		{"uint64_max", uint64(math.MaxUint64), "1bffffffffffffffff"},
		{"int64_min", int64(math.MinInt64), "3b7fffffffffffffff"},
		{"nil_slice_is_empty_list", listed{}, "a1617880"},
		{"empty_slice_is_empty_list", listed{X: []uint64{}}, "a1617880"},
		{"nil_bytes_is_empty_bytes", []byte(nil), "40"},
		{"nil_map_is_empty_map", map[string]uint64(nil), "a0"},
		{"nil_pointer_is_null", (*small)(nil), "f6"},
		{"byte_array_is_byte_string", hashed{H: [4]byte{1, 2, 3, 4}}, "a161684401020304"},
		{"link", linked{L: linkRecord}, "a1616c" + "d82a" + cidPayload},
		{"map_keys_length_first", map[string]int{"bb": 1, "a": 2, "c": 3, "": 4}, "a4" + "6004" + "616102" + "616303" + "62626201"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := dagcbor.Marshal(tc.value)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if got := hex.EncodeToString(b); got != tc.hex {
				t.Fatalf("Marshal = %s, want %s", got, tc.hex)
			}
		})
	}
}

func TestMarshalRejects(t *testing.T) {
	type f32 struct {
		F float32 `cbor:"f"`
	}
	type intKeys struct {
		M map[int]string `cbor:"m"`
	}
	type requiredLink struct {
		L dagcbor.Link `cbor:"l"`
	}
	type emptyLink struct {
		L dagcbor.Link `cbor:"l,omitempty"` // omitempty does not omit a Link: omitzero does
	}
	deep := any(uint64(0))
	for i := 0; i < dagcbor.MaxDepth+1; i++ {
		deep = []any{deep}
	}
	tests := []struct {
		name  string
		value any
	}{
		{"nan", math.NaN()},
		{"inf", math.Inf(1)},
		{"neg_inf_in_struct", small{F: math.Inf(-1)}},
		{"float32", f32{F: 1.5}},
		{"int_map_keys", intKeys{M: map[int]string{1: "a"}}},
		{"big_int", big.NewInt(1)},
		{"undefined_link", requiredLink{}},
		{"undefined_link_omitempty", emptyLink{}},
		{"too_deep", deep},
		{"too_wide", make([]bool, dagcbor.MaxElements+1)},
		{"channel", make(chan int)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := dagcbor.Marshal(tc.value)
			if !errors.Is(err, dagcbor.ErrUnsupported) {
				t.Fatalf("Marshal = %x, %v; want ErrUnsupported", b, err)
			}
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	for _, tc := range rejections() {
		t.Run(tc.name, func(t *testing.T) {
			data := mustHex(t, tc.hex)
			maxSize := tc.maxSize
			if maxSize == 0 {
				maxSize = dagcbor.DefaultMaxSize
			}
			v := tc.into()
			err := dagcbor.Unmarshal(data, v, maxSize)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Unmarshal(%s) = %v, want %v", tc.hex, err, tc.want)
			}
			checkOneSentinel(t, err)
			if !reflect.ValueOf(v).Elem().IsZero() {
				t.Fatalf("destination modified on error: %#v", reflect.ValueOf(v).Elem().Interface())
			}
		})
	}
}

func TestUnmarshalReplacesDestination(t *testing.T) {
	// A field absent from the input must not survive from before: a merge
	// would make the canonical check compare against the wrong value.
	v := small{A: 7, B: "stale", AB: 9}
	if err := dagcbor.Unmarshal(mustHex(t, "a1616101"), &v, 64); err != nil {
		t.Fatal(err)
	}
	if want := (small{A: 1}); v != want {
		t.Fatalf("got %+v, want %+v", v, want)
	}

	// And a rejected input leaves the old value alone.
	if err := dagcbor.Unmarshal(mustHex(t, "a2616101617a01"), &v, 64); err == nil {
		t.Fatal("unknown field accepted")
	}
	if want := (small{A: 1}); v != want {
		t.Fatalf("destination modified on error: %+v", v)
	}
}

func TestUnmarshalBadDestination(t *testing.T) {
	var s small
	for _, dst := range []any{nil, s, (*small)(nil)} {
		err := dagcbor.Unmarshal(mustHex(t, "a1616101"), dst, 64)
		if err == nil {
			t.Fatalf("Unmarshal into %T accepted", dst)
		}
		for _, sentinel := range sentinels {
			if errors.Is(err, sentinel) {
				t.Fatalf("programming error reported as %v", sentinel)
			}
		}
	}
}

func TestMaxSizeBoundary(t *testing.T) {
	data := mustHex(t, "a1616101")
	var v small
	if err := dagcbor.Unmarshal(data, &v, len(data)); err != nil {
		t.Fatalf("input of exactly maxSize rejected: %v", err)
	}
	if err := dagcbor.Unmarshal(data, &v, len(data)-1); !errors.Is(err, dagcbor.ErrTooLarge) {
		t.Fatalf("input over maxSize: %v, want ErrTooLarge", err)
	}
	// The size check comes before parsing: garbage over the limit is
	// ErrTooLarge, not ErrMalformed.
	if err := dagcbor.Unmarshal(bytes.Repeat([]byte{0xff}, 10), &v, 9); !errors.Is(err, dagcbor.ErrTooLarge) {
		t.Fatalf("oversize garbage: %v, want ErrTooLarge", err)
	}
}

func TestLimitsAreInclusive(t *testing.T) {
	// MaxDepth nested arrays are fine; one more is not (see rejections).
	deep := strings.Repeat("81", dagcbor.MaxDepth) + "00"
	var v any
	if err := dagcbor.Unmarshal(mustHex(t, deep), &v, dagcbor.DefaultMaxSize); err != nil {
		t.Fatalf("%d nested arrays rejected: %v", dagcbor.MaxDepth, err)
	}
	wide := make([]bool, dagcbor.MaxElements)
	b, err := dagcbor.Marshal(wide)
	if err != nil {
		t.Fatalf("Marshal of %d elements: %v", len(wide), err)
	}
	var got []bool
	if err := dagcbor.Unmarshal(b, &got, len(b)); err != nil || len(got) != len(wide) {
		t.Fatalf("Unmarshal of %d elements: %d, %v", len(wide), len(got), err)
	}
}

func TestOptionalFields(t *testing.T) {
	parent := linkRaw
	tests := []struct {
		name string
		in   record
		// has and lacks are map keys that must and must not be encoded.
		has, lacks []string
	}{
		{name: "unset", in: record{}, has: []string{"parent"}, lacks: []string{"manifest", "prev", "note", "best", "salt"}},
		{name: "set", in: record{Manifest: linkRaw, Parent: &parent, Prev: &parent, Salt: 1},
			has: []string{"manifest", "parent", "prev", "salt"}, lacks: []string{"note", "best"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := dagcbor.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := dagcbor.Unmarshal(b, &m, len(b)); err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.has {
				if _, ok := m[k]; !ok {
					t.Errorf("key %q missing", k)
				}
			}
			for _, k := range tc.lacks {
				if _, ok := m[k]; ok {
					t.Errorf("key %q present", k)
				}
			}
			var got record
			if err := dagcbor.Unmarshal(b, &got, len(b)); err != nil {
				t.Fatal(err)
			}
			if (got.Parent == nil) != (tc.in.Parent == nil) || got.Manifest != tc.in.Manifest {
				t.Fatalf("optional links lost: %+v", got)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	b, l, err := dagcbor.Encode(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, []byte{0xa0}) {
		t.Fatalf("bytes %x", b)
	}
	// The well-known CID of the empty DAG-CBOR map.
	if want := "bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua"; l.String() != want {
		t.Fatalf("CID %s, want %s", l, want)
	}
	if l.Codec() != dagcbor.CodecDagCBOR {
		t.Fatalf("codec %#x", l.Codec())
	}
	if _, _, err := dagcbor.Encode(math.NaN()); !errors.Is(err, dagcbor.ErrUnsupported) {
		t.Fatalf("Encode(NaN): %v", err)
	}
}
