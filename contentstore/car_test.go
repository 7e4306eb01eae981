package contentstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cid "github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
)

// carTestExport exports roots from s as CARv1 (into memory) or CARv2
// (through a file, which CARv2 needs) and returns the bytes.
func carTestExport(t testing.TB, s *Store, roots []cid.Cid, v2 bool) []byte {
	t.Helper()
	ctx := context.Background()
	if !v2 {
		var buf bytes.Buffer
		if err := s.ExportCAR(ctx, &buf, roots, false); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	p := filepath.Join(t.TempDir(), "out.car")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ExportCAR(ctx, f, roots, true); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// carSections returns the end offset of the header and of every block
// section of a CARv1.
func carSections(t testing.TB, car []byte) []int {
	t.Helper()
	var ends []int
	for off := 0; off < len(car); {
		n, k := binary.Uvarint(car[off:])
		if k <= 0 {
			t.Fatalf("bad varint at %d", off)
		}
		off += k + int(n)
		ends = append(ends, off)
	}
	return ends
}

func TestCARRoundTrip(t *testing.T) {
	for _, v2 := range []bool{false, true} {
		name := map[bool]string{false: "v1", true: "v2"}[v2]
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := pinTestStore(t, t.TempDir())
			a, aData := pinTestAdd(t, src, 700<<10, 20)
			b, bData := pinTestAdd(t, src, 5, 21)
			roots := []cid.Cid{a, b}
			car := carTestExport(t, src, roots, v2)

			// Blocks come depth first: a's root, its leaves in order, then b.
			br, err := carv2.NewBlockReader(bytes.NewReader(car))
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]uint64{false: 1, true: 2}[v2]; br.Version != want {
				t.Fatalf("CAR version %d, want %d", br.Version, want)
			}
			order := append([]cid.Cid{a}, pinTestLinks(t, src, a)...)
			order = append(order, b)
			for i, want := range order {
				blk, err := br.Next()
				if err != nil {
					t.Fatalf("block %d: %v", i, err)
				}
				if !blk.Cid().Equals(want) {
					t.Fatalf("block %d is %s, want %s", i, blk.Cid(), want)
				}
			}
			if _, err := br.Next(); err == nil {
				t.Fatal("more blocks than the DAGs hold")
			}

			dst := pinTestStore(t, t.TempDir())
			got, err := dst.ImportCAR(ctx, bytes.NewReader(car))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || !got[0].Equals(a) || !got[1].Equals(b) {
				t.Fatalf("roots %v, want %v", got, roots)
			}
			pinTestExport(t, dst, a, aData)
			pinTestExport(t, dst, b, bData)
			pins, err := dst.Pins(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(pins) != 2 || pins[0].Mode != PinRecursive || pins[1].Mode != PinRecursive {
				t.Fatalf("pins after import %v, want both roots recursive", pins)
			}
		})
	}
}

func TestImportCARBad(t *testing.T) {
	src := pinTestStore(t, t.TempDir())
	file, _ := pinTestAdd(t, src, 600<<10, 30)
	v1 := carTestExport(t, src, []cid.Cid{file}, false)
	v2 := carTestExport(t, src, []cid.Cid{file}, true)
	ends := carSections(t, v1)
	if len(ends) != 5 { // header, root, 3 leaves
		t.Fatalf("%d sections, want 5", len(ends))
	}
	// Two roots, the second one's only block cut off: the complete first
	// root must not be pinned either.
	second := pinTestRaw(t, src, []byte("second root"))
	two := carTestExport(t, src, []cid.Cid{file, second}, false)
	twoEnds := carSections(t, two)
	flipped := bytes.Clone(v1)
	flipped[len(flipped)-1] ^= 0xff
	leaves := pinTestLinks(t, src, file)

	tests := []struct {
		name   string
		car    []byte
		want   error
		naming string
	}{
		{"truncated mid-block", v1[:len(v1)-100], ErrCARTruncated, ""},
		{"truncated in the header", v1[:ends[0]-3], ErrCARCorrupt, ""},
		{"truncated at a section boundary", v1[:ends[2]], ErrCARTruncated, leaves[1].String()},
		{"only the header", v1[:ends[0]], ErrCARTruncated, file.String()},
		{"v2 truncated", v2[:len(v2)/2], ErrCARTruncated, ""},
		{"second root missing", two[:twoEnds[len(twoEnds)-2]], ErrCARTruncated, second.String()},
		{"bad checksum", flipped, ErrCARCorrupt, leaves[2].String()},
		{"not a CAR", []byte("hello, this is not a CAR file at all"), ErrCARCorrupt, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dst := pinTestStore(t, t.TempDir())
			_, err := dst.ImportCAR(ctx, bytes.NewReader(tt.car))
			if !errors.Is(err, tt.want) {
				t.Fatalf("ImportCAR: %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.naming) {
				t.Errorf("error %q does not name %s", err, tt.naming)
			}
			if tt.want == ErrCARCorrupt && tt.naming != "" && !errors.Is(err, ErrHashMismatch) {
				t.Errorf("bad checksum error %v does not wrap ErrHashMismatch", err)
			}
			if pins, _ := dst.Pins(ctx); len(pins) != 0 {
				t.Errorf("pins %v after a failed import, want none", pins)
			}
		})
	}
}

func TestExportCARErrors(t *testing.T) {
	ctx := context.Background()
	s := pinTestStore(t, t.TempDir())
	file, _ := pinTestAdd(t, s, 600<<10, 40)
	var buf bytes.Buffer
	if err := s.ExportCAR(ctx, &buf, []cid.Cid{file}, true); err == nil || !strings.Contains(err.Error(), "io.WriterAt") {
		t.Errorf("CARv2 to a plain writer: %v, want an io.WriterAt error", err)
	}
	if err := s.ExportCAR(ctx, &buf, nil, false); err == nil {
		t.Error("export with no roots succeeded")
	}
	if err := s.Unpin(ctx, file, true); err != nil {
		t.Fatal(err)
	}
	gone := pinTestLinks(t, s, file)[0]
	if err := s.bs.DeleteBlock(ctx, gone); err != nil {
		t.Fatal(err)
	}
	err := s.ExportCAR(ctx, &buf, []cid.Cid{file}, false)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), gone.String()) {
		t.Errorf("export of an incomplete DAG: %v, want ErrNotFound naming %s", err, gone)
	}
}
