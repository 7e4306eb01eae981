package contentstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cid "github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
)

func storeTestOpen(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func storeTestRawCID(t testing.TB, data []byte) cid.Cid {
	t.Helper()
	c, err := cid.V1Builder{Codec: cid.Raw, MhType: mh.SHA2_256}.Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOpenCloseReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("persisted block")
	c := storeTestRawCID(t, data)
	if err := s.PutBlock(t.Context(), c, data); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for _, sub := range []string{"blocks", "meta"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			t.Errorf("%s: not a directory (%v)", sub, err)
		}
	}
	s = storeTestOpen(t, dir)
	got, err := s.GetBlock(t.Context(), c)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after reopen GetBlock = %q, %v", got, err)
	}
}

func TestBlocks(t *testing.T) {
	dir := t.TempDir()
	s := storeTestOpen(t, dir)
	ctx := t.Context()
	data := []byte("some block")
	c := storeTestRawCID(t, data)

	if ok, err := s.Has(ctx, c); err != nil || ok {
		t.Fatalf("Has before put = %v, %v", ok, err)
	}
	if _, err := s.GetBlock(ctx, c); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), c.String()) {
		t.Fatalf("GetBlock of a missing block: %v, want ErrNotFound naming the CID", err)
	}
	if err := s.PutBlock(ctx, c, []byte("other bytes")); !errors.Is(err, ErrHashMismatch) {
		t.Fatalf("PutBlock with bytes that do not match: %v, want ErrHashMismatch", err)
	}
	if err := s.PutBlock(ctx, c, data); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBlock(ctx, c, data); err != nil {
		t.Fatalf("second PutBlock: %v", err)
	}
	if ok, err := s.Has(ctx, c); err != nil || !ok {
		t.Fatalf("Has after put = %v, %v", ok, err)
	}
	got, err := s.GetBlock(ctx, c)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("GetBlock = %q, %v", got, err)
	}

	// Corrupt the block on disk: reading it must fail, not return bad bytes.
	corruptOnDisk(t, dir, data)
	if _, err := s.GetBlock(ctx, c); !errors.Is(err, ErrHashMismatch) {
		t.Fatalf("GetBlock of a corrupt block: %v, want ErrHashMismatch", err)
	}
}

// corruptOnDisk flips a byte of data where it is stored in the pack files
// of the store in dir, as disk damage would.
func corruptOnDisk(t testing.TB, dir string, data []byte) {
	t.Helper()
	packs, err := filepath.Glob(filepath.Join(dir, "blocks", "*"+packExt))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range packs {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(b, data)
		if i < 0 {
			continue
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt([]byte{b[i] ^ 0xff}, int64(i)); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("%d bytes of data not found in the packs %v", len(data), packs)
}

func TestPutBlockRejectsInsecureHash(t *testing.T) {
	s := storeTestOpen(t, t.TempDir())
	data := []byte("md5 is not allowed")
	c, err := cid.V1Builder{Codec: cid.Raw, MhType: mh.MD5}.Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutBlock(t.Context(), c, data); !errors.Is(err, ErrInvalidCID) {
		t.Fatalf("PutBlock with an md5 CID: %v, want ErrInvalidCID", err)
	}
}

func TestParseCID(t *testing.T) {
	md5, _ := cid.V1Builder{Codec: cid.Raw, MhType: mh.MD5}.Sum([]byte("x"))
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", want: "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"},
		{in: "  bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e\n", want: "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"},
		{in: "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH", want: "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"},
		{in: "", wantErr: true},
		{in: "not-a-cid", wantErr: true},
		{in: "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5", wantErr: true}, // truncated
		{in: md5.String(), wantErr: true},
	}
	for _, tt := range tests {
		c, err := ParseCID(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrInvalidCID) {
				t.Errorf("ParseCID(%q) = %v, %v; want ErrInvalidCID", tt.in, c, err)
			}
			continue
		}
		if err != nil || c.String() != tt.want {
			t.Errorf("ParseCID(%q) = %v, %v; want %s", tt.in, c, err, tt.want)
		}
	}
}

func TestProfileByName(t *testing.T) {
	for _, name := range []string{"", "kubo-cidv1", "unixfs-v1-2025"} {
		p, err := ProfileByName(name)
		if err != nil {
			t.Fatalf("ProfileByName(%q): %v", name, err)
		}
		if name == "" && p != DefaultProfile || name != "" && p.Name != name {
			t.Errorf("ProfileByName(%q) = %+v", name, p)
		}
	}
	if _, err := ProfileByName("kubo"); !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "unixfs-v1-2025") {
		t.Errorf("unknown profile: %v, want ErrUnknownProfile listing the names", err)
	}
	if _, err := storeTestOpen(t, t.TempDir()).AddFile(t.Context(), strings.NewReader("x"), Profile{Name: "bad", ChunkSize: 0, MaxLinks: 2}, nil); err == nil {
		t.Error("AddFile with chunk size 0 succeeded")
	}
}

// TestAddFileMatchesGolden imports the small golden files into a store on
// disk, checks their CIDs, that they are pinned, and that Export gives the
// bytes back.
func TestAddFileMatchesGolden(t *testing.T) {
	s := storeTestOpen(t, t.TempDir())
	ctx := t.Context()
	for _, tc := range goldenCases() {
		if tc.large {
			continue
		}
		t.Run(tc.profile.Name+"/"+tc.name, func(t *testing.T) {
			want, err := io.ReadAll(tc.content())
			if err != nil {
				t.Fatal(err)
			}
			var last int64
			c, err := s.AddFile(ctx, bytes.NewReader(want), tc.profile, func(n int64) { last = n })
			if err != nil {
				t.Fatal(err)
			}
			if c.String() != tc.want {
				t.Errorf("CID %s, want %s from Kubo's %s", c, tc.want, tc.source)
			}
			if last != int64(len(want)) {
				t.Errorf("last progress %d, want %d", last, len(want))
			}
			if _, pinned, err := s.pinner.IsPinned(ctx, c); err != nil || !pinned {
				t.Errorf("IsPinned = %v, %v; want pinned", pinned, err)
			}
			var out bytes.Buffer
			if err := s.Export(ctx, c, &out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("exported %d bytes differ from the %d imported", out.Len(), len(want))
			}
			st, err := s.Stat(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if st.Size != uint64(len(want)) {
				t.Errorf("Stat size %d, want %d", st.Size, len(want))
			}
		})
	}
}

func TestStat(t *testing.T) {
	s := storeTestOpen(t, t.TempDir())
	ctx := t.Context()
	c, err := s.AddFile(ctx, randomData("41", 5*miB), ProfileKuboCIDv1, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stat(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	// 5 MiB in 256 KiB chunks: 20 raw leaves under one dag-pb root.
	if st.Codec != "dag-pb" || st.Size != 5*miB || st.Blocks != 21 || st.DagSize <= 5*miB {
		t.Errorf("Stat = %+v", st)
	}
	leaf := storeTestRawCID(t, []byte("leaf"))
	if _, err := s.Stat(ctx, leaf); !errors.Is(err, ErrNotFound) {
		t.Errorf("Stat of a missing CID: %v, want ErrNotFound", err)
	}
	if err := s.PutBlock(ctx, leaf, []byte("leaf")); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Stat(ctx, leaf); err != nil || st.Codec != "raw" || st.Size != 4 || st.Blocks != 1 {
		t.Errorf("Stat of a raw block = %+v, %v", st, err)
	}
}

func TestExportErrors(t *testing.T) {
	s := storeTestOpen(t, t.TempDir())
	ctx := t.Context()
	missing := storeTestRawCID(t, []byte("nobody has this"))
	if err := s.Export(ctx, missing, io.Discard); !errors.Is(err, ErrNotFound) {
		t.Errorf("Export of a missing CID: %v, want ErrNotFound", err)
	}

	// A file with a missing leaf.
	c, err := s.AddFile(ctx, randomData("41", 5*miB), ProfileKuboCIDv1, nil)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := cid.V1Builder{Codec: cid.Raw, MhType: mh.SHA2_256}.Sum(mustRead(t, randomData("41", 256*kiB)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.bs.DeleteBlock(ctx, leaf); err != nil {
		t.Fatal(err)
	}
	if err := s.Export(ctx, c, io.Discard); !errors.Is(err, ErrNotFound) {
		t.Errorf("Export with a missing leaf: %v, want ErrNotFound", err)
	}

	// DAG-CBOR is not a UnixFS file.
	rec, err := s.PutDagCBOR(ctx, []byte{0xa0})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Export(ctx, rec, io.Discard); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Export of a DAG-CBOR block: %v, want a not-a-file error", err)
	}
}

func TestAddFileCancelledPinsNothing(t *testing.T) {
	s := storeTestOpen(t, t.TempDir())
	ctx, cancel := context.WithCancel(t.Context())
	_, err := s.AddFile(ctx, randomData("41", 5*miB), ProfileKuboCIDv1, func(n int64) {
		if n >= 2*miB {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("AddFile cancelled midway: %v, want context.Canceled", err)
	}
	for p := range s.pinner.RecursiveKeys(t.Context(), false) {
		t.Errorf("pin left by a cancelled import: %v %v", p.Pin.Key, p.Err)
	}
}

func mustRead(t testing.TB, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
