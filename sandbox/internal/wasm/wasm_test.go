package wasm

import (
	"errors"
	"os"
	"reflect"
	"testing"
)

func TestLEB128(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		bits int
		want int64
		ok   bool
	}{
		{"s32 -1", []byte{0x7f}, 32, -1, true},
		{"s32 max", []byte{0xff, 0xff, 0xff, 0xff, 0x07}, 32, 1<<31 - 1, true},
		{"s32 min", []byte{0x80, 0x80, 0x80, 0x80, 0x78}, 32, -1 << 31, true},
		{"s32 overflow", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, 0, false},
		{"s32 too long", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, 0, false},
		{"s64 min", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, 64, -1 << 63, true},
		{"s64 overflow", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 64, 0, false},
		{"s33 type index", []byte{0x05}, 33, 5, true},
		{"truncated", []byte{0x80}, 32, 0, false},
	}
	for _, tc := range tests {
		r := &reader{b: tc.in}
		got := r.sleb(tc.bits)
		if (r.err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("%s: got %d, err %v; want %d, ok %v", tc.name, got, r.err, tc.want, tc.ok)
		}
		if tc.ok {
			if enc := AppendS64(nil, tc.want); tc.bits != 33 && len(enc) > len(tc.in) {
				t.Errorf("%s: AppendS64 wrote %x", tc.name, enc)
			}
		}
	}
	for _, v := range []uint32{0, 1, 127, 128, 1<<32 - 1} {
		r := &reader{b: AppendU32(nil, v)}
		if got := r.u32(); got != v || r.err != nil {
			t.Errorf("u32 %d: got %d, %v", v, got, r.err)
		}
	}
	if r := (&reader{b: []byte{0xff, 0xff, 0xff, 0xff, 0x1f}}); r.u32() != 0 || r.err == nil {
		t.Error("u32 above 2^32 accepted")
	}
}

// TestRoundTrip decodes the example evaluators, re-encodes them and
// decodes again: the structure must survive.
func TestRoundTrip(t *testing.T) {
	for _, path := range []string{
		"../../../examples/linreg/evaluator/evaluator.wasm",
		"../../../examples/evaluators/mse-c/evaluator.wasm",
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		again, err := Decode(m.Encode())
		if err != nil {
			t.Fatalf("%s re-encoded: %v", path, err)
		}
		for _, f := range []string{"Types", "Imports", "Functions", "Tables", "Memories", "Globals", "Exports", "Data", "Bodies"} {
			a, b := reflect.ValueOf(m).Elem().FieldByName(f).Interface(), reflect.ValueOf(again).Elem().FieldByName(f).Interface()
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %s differs after a round trip", path, f)
			}
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"text", []byte("(module)"), ErrMalformed},
		{"version 2", []byte("\x00asm\x02\x00\x00\x00"), ErrMalformed},
		{"section out of order", []byte("\x00asm\x01\x00\x00\x00\x03\x01\x00\x01\x01\x00"), ErrMalformed},
		{"section past the end", []byte("\x00asm\x01\x00\x00\x00\x01\x05\x00"), ErrMalformed},
		{"huge vector", []byte("\x00asm\x01\x00\x00\x00\x01\x05\xff\xff\xff\xff\x0f"), ErrMalformed},
		{"v128 type", []byte("\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x01\x7b\x00"), ErrUnsupported},
	}
	for _, tc := range tests {
		if _, err := Decode(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
