package contentstore

import (
	"bytes"
	"errors"
	"testing"
)

func TestDagCBOR(t *testing.T) {
	s := storeTestOpen(t, t.TempDir())
	ctx := t.Context()
	// The empty map, a0, is the best-known DAG-CBOR block.
	c, err := s.PutDagCBOR(ctx, []byte{0xa0})
	if err != nil {
		t.Fatal(err)
	}
	if want := "bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua"; c.String() != want {
		t.Errorf("CID of {} = %s, want %s", c, want)
	}
	// {"a": 1, "bb": [true, null]} in canonical order.
	rec := []byte{0xa2, 0x61, 'a', 0x01, 0x62, 'b', 'b', 0x82, 0xf5, 0xf6}
	c, err = s.PutDagCBOR(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetDagCBOR(ctx, c)
	if err != nil || !bytes.Equal(got, rec) {
		t.Fatalf("GetDagCBOR = %x, %v; want %x", got, err, rec)
	}
	if _, err := s.GetDagCBOR(ctx, storeTestRawCID(t, []byte("raw"))); !errors.Is(err, ErrInvalidCID) {
		t.Errorf("GetDagCBOR of a raw CID: %v, want ErrInvalidCID", err)
	}
	missing, err := dagCBORPrefix.Sum([]byte{0x80})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDagCBOR(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetDagCBOR of a missing block: %v, want ErrNotFound", err)
	}
}

func TestPutDagCBORRejects(t *testing.T) {
	s := storeTestOpen(t, t.TempDir())
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrInvalidDagCBOR},
		{"garbage", []byte{0xff, 0x00}, ErrInvalidDagCBOR},
		{"trailing bytes", []byte{0xa0, 0x00}, ErrInvalidDagCBOR},
		{"truncated", []byte{0xa1, 0x61, 'a'}, ErrInvalidDagCBOR},
		{"unsorted keys", []byte{0xa2, 0x61, 'b', 0x01, 0x61, 'a', 0x02}, ErrInvalidDagCBOR},
		{"non-minimal integer", []byte{0x18, 0x01}, ErrInvalidDagCBOR},
		{"indefinite length", []byte{0x9f, 0xff}, ErrInvalidDagCBOR},
		{"undefined", []byte{0xf7}, ErrInvalidDagCBOR},
		{"too large", append([]byte{0x5a, 0x00, 0x20, 0x00, 0x00}, make([]byte, 2<<20)...), ErrTooLarge},
	}
	for _, tt := range tests {
		if c, err := s.PutDagCBOR(t.Context(), tt.data); !errors.Is(err, tt.want) {
			t.Errorf("%s: PutDagCBOR = %v, %v; want %v", tt.name, c, err, tt.want)
		}
	}
}
