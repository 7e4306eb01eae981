package dagcbor_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/ipld/go-ipld-prime/datamodel"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the seed files in testdata/fuzz/FuzzUnmarshal from the fixtures")

const unmarshalCorpus = "testdata/fuzz/FuzzUnmarshal"

// corpusSeeds is every fixture as a FuzzUnmarshal seed, by file name.
func corpusSeeds(tb testing.TB) map[string][]byte {
	tb.Helper()
	seeds := map[string][]byte{}
	for _, tc := range roundTrips() {
		b, err := dagcbor.Marshal(tc.value)
		if err != nil {
			tb.Fatalf("fixture %s: %v", tc.name, err)
		}
		seeds["valid_"+tc.name] = b
	}
	for _, tc := range rejections() {
		seeds["reject_"+tc.name] = mustHex(tb, tc.hex)
	}
	return seeds
}

// corpusFile is a seed in the format of `go test -fuzz` corpus files.
func corpusFile(data []byte) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", data)
}

// TestFuzzCorpus keeps the checked-in seed corpus in step with the fixture
// tables: every valid and every rejected fixture is a seed. Run with
// -update-corpus after changing a fixture. Files the fuzzer added (crashers
// kept as regression inputs) are left alone.
func TestFuzzCorpus(t *testing.T) {
	for name, data := range corpusSeeds(t) {
		path := filepath.Join(unmarshalCorpus, name)
		want := corpusFile(data)
		if *updateCorpus {
			if err := os.MkdirAll(unmarshalCorpus, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("seed %s missing or stale (run go test -run TestFuzzCorpus -update-corpus): %v", path, err)
		}
	}
}

// FuzzUnmarshal checks, for any input, that Unmarshal into each test type
// either fails with exactly one sentinel or yields a value that re-encodes
// to exactly the input; and that what we accept go-ipld-prime accepts and
// re-encodes identically, and the other way round.
func FuzzUnmarshal(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, new(record))
		checkDecode(t, data, new(small))
		checkDecode(t, data, new(linked))
		checkDecode(t, data, new([]dagcbor.Link))
		var v any
		err := checkDecode(t, data, &v)

		n, ipldErr := ipldDecode(data)
		var theirs []byte
		if ipldErr == nil {
			theirs, ipldErr = ipldEncode(n)
		}
		switch {
		case err == nil && ipldErr != nil:
			t.Fatalf("we accept %x, go-ipld-prime does not: %v", data, ipldErr)
		case err == nil && !bytes.Equal(theirs, data):
			t.Fatalf("go-ipld-prime re-encodes %x as %x", data, theirs)
		case err != nil && ipldErr == nil && bytes.Equal(theirs, data) && !outsideStrictModel(n, 0):
			t.Fatalf("go-ipld-prime round-trips %x, we reject it: %v", data, err)
		}
	})
}

// outsideStrictModel reports whether n holds what go-ipld-prime v0.21.0
// accepts but strict DAG-CBOR (and so this package) does not: NaN and
// infinities, text that is not UTF-8, and, as limits of our own, nesting
// deeper than MaxDepth or containers wider than MaxElements.
func outsideStrictModel(n datamodel.Node, depth int) bool {
	switch n.Kind() {
	case datamodel.Kind_Float:
		f, _ := n.AsFloat()
		return math.IsNaN(f) || math.IsInf(f, 0)
	case datamodel.Kind_String:
		s, _ := n.AsString()
		return !utf8.ValidString(s)
	case datamodel.Kind_List, datamodel.Kind_Map:
		if depth+1 > dagcbor.MaxDepth || n.Length() > dagcbor.MaxElements {
			return true
		}
	default:
		return false
	}
	if n.Kind() == datamodel.Kind_List {
		for it := n.ListIterator(); !it.Done(); {
			_, v, err := it.Next()
			if err != nil || outsideStrictModel(v, depth+1) {
				return true
			}
		}
		return false
	}
	for it := n.MapIterator(); !it.Done(); {
		k, v, err := it.Next()
		if err != nil || outsideStrictModel(k, depth+1) || outsideStrictModel(v, depth+1) {
			return true
		}
	}
	return false
}

// checkDecode decodes data into v and checks the outcome.
func checkDecode(t *testing.T, data []byte, v any) error {
	t.Helper()
	err := dagcbor.Unmarshal(data, v, dagcbor.DefaultMaxSize)
	if err != nil {
		checkOneSentinel(t, err)
		return err
	}
	again, err := dagcbor.Marshal(v)
	if err != nil {
		t.Fatalf("decoded %x into %T but cannot re-encode: %v", data, v, err)
	}
	if !bytes.Equal(again, data) {
		t.Fatalf("decoded %x into %T, re-encodes as %x", data, v, again)
	}
	return nil
}

// maxDifferentialText bounds the strings handed to go-cid: its base36 and
// base58 decoders are quadratic, and real CIDs are far shorter.
const maxDifferentialText = 1024

// FuzzParseLink checks that ParseLink accepts exactly the canonical text of
// a CID, agreeing with go-cid on every string either accepts canonically.
func FuzzParseLink(f *testing.F) {
	for _, s := range []string{
		emptyDirV0, emptyDirV1, emptyRaw, linkBig.String(), linkRecord.String(),
		"", "b", "Qm", "z" + emptyDirV0, "B" + emptyDirV1[1:], emptyDirV1 + "a", emptyDirV0[:45] + "0",
		"bafkqaaa", "baeaqaaa", "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := dagcbor.ParseLink(s)
		if len(s) > maxDifferentialText {
			if err == nil {
				checkLinkForms(t, l)
			}
			return
		}
		theirs := goCIDParse(t, s)
		theirsCanonical := theirs != nil && theirs.String() == s
		if err != nil {
			if !errors.Is(err, dagcbor.ErrInvalidLink) {
				t.Fatalf("ParseLink(%q) error without ErrInvalidLink: %v", s, err)
			}
			if theirsCanonical {
				t.Fatalf("go-cid parses %q canonically, we reject it: %v", s, err)
			}
			return
		}
		if l.String() != s {
			t.Fatalf("ParseLink(%q).String() = %q", s, l.String())
		}
		if !theirsCanonical {
			t.Fatalf("we accept %q, go-cid does not (or prints it as %v)", s, theirs)
		}
		if !bytes.Equal(theirs.Cid.Bytes(), l.Bytes()) {
			t.Fatalf("%q: go-cid bytes %x, ours %x", s, theirs.Cid.Bytes(), l.Bytes())
		}
		checkLinkForms(t, l)
	})
}

// FuzzLinkFromBytes checks LinkFromBytes against go-cid's cid.Cast, reached
// through go-ipld-prime's decoding of a DAG-CBOR link.
func FuzzLinkFromBytes(f *testing.F) {
	for _, l := range []dagcbor.Link{linkRaw, linkRecord, linkV0, linkBig} {
		f.Add(l.Bytes())
	}
	f.Add([]byte{})
	f.Add([]byte{0x01, 0x71, 0x12, 0x20})
	f.Add([]byte{0x01, 0x55, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := dagcbor.LinkFromBytes(b)

		block := append([]byte{0xd8, 42}, cborBytesHead(len(b)+1)...)
		block = append(append(block, 0), b...)
		n, ipldErr := ipldDecode(block)
		if err != nil {
			if !errors.Is(err, dagcbor.ErrInvalidLink) {
				t.Fatalf("LinkFromBytes(%x) error without ErrInvalidLink: %v", b, err)
			}
			if ipldErr == nil {
				t.Fatalf("go-cid accepts %x, we reject it: %v", b, err)
			}
			return
		}
		if !bytes.Equal(l.Bytes(), b) {
			t.Fatalf("LinkFromBytes(%x).Bytes() = %x", b, l.Bytes())
		}
		if ipldErr != nil {
			t.Fatalf("we accept %x, go-cid does not: %v", b, ipldErr)
		}
		if got, err := n.AsLink(); err != nil || got.String() != l.String() {
			t.Fatalf("%x: go-cid prints %v (%v), we print %s", b, got, err, l)
		}
		checkLinkForms(t, l)
	})
}

// checkLinkForms checks that every form of a valid link round-trips.
func checkLinkForms(t *testing.T, l dagcbor.Link) {
	t.Helper()
	if back, err := dagcbor.LinkFromBytes(l.Bytes()); err != nil || back != l {
		t.Fatalf("LinkFromBytes(Bytes()) = %v, %v; want %v", back, err, l)
	}
	if back, err := dagcbor.ParseLink(l.String()); err != nil || back != l {
		t.Fatalf("ParseLink(String()) = %v, %v; want %v", back, err, l)
	}
	enc, err := l.MarshalCBOR()
	if err != nil {
		t.Fatalf("MarshalCBOR: %v", err)
	}
	var back dagcbor.Link
	if err := back.UnmarshalCBOR(enc); err != nil || back != l {
		t.Fatalf("UnmarshalCBOR(MarshalCBOR()) = %v, %v; want %v", back, err, l)
	}
}

// cborBytesHead is the shortest CBOR byte-string header for n bytes.
func cborBytesHead(n int) []byte {
	switch {
	case n < 24:
		return []byte{0x40 | byte(n)}
	case n < 1<<8:
		return []byte{0x58, byte(n)}
	case n < 1<<16:
		return []byte{0x59, byte(n >> 8), byte(n)}
	default:
		return []byte{0x5a, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
	}
}
