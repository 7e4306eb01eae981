package contentstore

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	cid "github.com/ipfs/go-cid"
)

// pinTestStore opens a store in dir and closes it when the test ends.
func pinTestStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// pinTestData returns n deterministic pseudo-random bytes for seed.
func pinTestData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// pinTestAdd imports n bytes for seed with the default profile (256 KiB
// chunks), which pins the file recursively.
func pinTestAdd(t testing.TB, s *Store, n int, seed uint64) (cid.Cid, []byte) {
	t.Helper()
	data := pinTestData(n, seed)
	c, err := s.AddFile(context.Background(), bytes.NewReader(data), DefaultProfile, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, data
}

// pinTestRaw stores data as a raw block without pinning it.
func pinTestRaw(t testing.TB, s *Store, data []byte) cid.Cid {
	t.Helper()
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: 0x12, MhLength: -1}.Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutBlock(context.Background(), c, data); err != nil {
		t.Fatal(err)
	}
	return c
}

// pinTestLinks returns the children of c.
func pinTestLinks(t testing.TB, s *Store, c cid.Cid) []cid.Cid {
	t.Helper()
	nd, err := s.dag.Get(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	var out []cid.Cid
	for _, l := range nd.Links() {
		out = append(out, l.Cid)
	}
	return out
}

// pinTestExport checks that the file c reads back as want.
func pinTestExport(t testing.TB, s *Store, c cid.Cid, want []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Export(context.Background(), c, &buf); err != nil {
		t.Fatalf("export %s: %v", c, err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("export %s: %d bytes differ from the %d imported", c, buf.Len(), len(want))
	}
}

func TestPinSetSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := pinTestStore(t, dir)
	file, _ := pinTestAdd(t, s, 600<<10, 1)
	block := pinTestRaw(t, s, []byte("a directly pinned block"))
	if err := s.Unpin(ctx, file, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Pin(ctx, file, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Pin(ctx, file, true); err != nil {
		t.Fatalf("pinning twice: %v", err)
	}
	if err := s.Pin(ctx, block, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = pinTestStore(t, dir)
	pins, err := s.Pins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []PinInfo{{file, PinRecursive}, {block, PinDirect}}
	if len(pins) != len(want) {
		t.Fatalf("pins after reopen %v, want %v", pins, want)
	}
	for i := range want {
		if !pins[i].CID.Equals(want[i].CID) || pins[i].Mode != want[i].Mode {
			t.Errorf("pin %d = %v, want %v", i, pins[i], want[i])
		}
	}
}

func TestPinMissingBlockPinsNothing(t *testing.T) {
	ctx := context.Background()
	s := pinTestStore(t, t.TempDir())
	file, _ := pinTestAdd(t, s, 600<<10, 2)
	if err := s.Unpin(ctx, file, true); err != nil {
		t.Fatal(err)
	}
	leaves := pinTestLinks(t, s, file)
	if len(leaves) != 3 {
		t.Fatalf("%d leaves, want 3", len(leaves))
	}
	gone := leaves[1]
	if err := s.bs.DeleteBlock(ctx, gone); err != nil {
		t.Fatal(err)
	}

	err := s.Pin(ctx, file, true)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), gone.String()) {
		t.Fatalf("recursive pin of an incomplete DAG: %v, want ErrNotFound naming %s", err, gone)
	}
	if err := s.Pin(ctx, gone, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("direct pin of a missing block: %v, want ErrNotFound", err)
	}
	pins, err := s.Pins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pins) != 0 {
		t.Fatalf("pins %v after failed pins, want none", pins)
	}
	// A direct pin needs only the one block.
	if err := s.Pin(ctx, file, false); err != nil {
		t.Fatalf("direct pin of a present root: %v", err)
	}
}

func TestUnpinErrors(t *testing.T) {
	ctx := context.Background()
	s := pinTestStore(t, t.TempDir())
	file, _ := pinTestAdd(t, s, 1000, 3)
	other := pinTestRaw(t, s, []byte("never pinned"))
	tests := []struct {
		name      string
		c         cid.Cid
		recursive bool
	}{
		{"not pinned", other, true},
		{"not pinned directly", other, false},
		{"pinned recursively, unpin direct", file, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Unpin(ctx, tt.c, tt.recursive); !errors.Is(err, ErrNotPinned) {
				t.Fatalf("Unpin: %v, want ErrNotPinned", err)
			}
		})
	}
	if err := s.Pin(ctx, other, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Unpin(ctx, other, false); err != nil {
		t.Fatalf("unpin direct: %v", err)
	}
	if err := s.Unpin(ctx, file, true); err != nil {
		t.Fatalf("unpin recursive: %v", err)
	}
	if pins, _ := s.Pins(ctx); len(pins) != 0 {
		t.Fatalf("pins %v, want none", pins)
	}
}

func TestPinRecursiveReplacesDirect(t *testing.T) {
	ctx := context.Background()
	s := pinTestStore(t, t.TempDir())
	block := pinTestRaw(t, s, []byte("pinned twice"))
	if err := s.Pin(ctx, block, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Pin(ctx, block, true); err != nil {
		t.Fatal(err)
	}
	pins, err := s.Pins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pins) != 1 || pins[0].Mode != PinRecursive {
		t.Fatalf("pins %v, want one recursive pin", pins)
	}
}
