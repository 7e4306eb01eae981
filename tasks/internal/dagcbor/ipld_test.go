package dagcbor_test

// Cross-checks against go-ipld-prime, the reference Go implementation of
// DAG-CBOR (test-only dependency). go-cid itself is reached only through
// cidlink's fields: the boundary rule keeps its import inside contentstore.

import (
	"bytes"
	"strings"
	"testing"

	ipldcbor "github.com/ipld/go-ipld-prime/codec/dagcbor"
	"github.com/ipld/go-ipld-prime/codec/dagjson"
	"github.com/ipld/go-ipld-prime/datamodel"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/node/basicnode"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// ipldDecode decodes data with go-ipld-prime's default DAG-CBOR decoder into
// the basic node implementation.
//
// Its DecodeOptions.ExperimentalDeterminism is not used: in v0.21.0 it
// rejects length-first key order that is not also bytewise order ("data"
// after "ok"), which is the order the DAG-CBOR spec requires.
func ipldDecode(data []byte) (datamodel.Node, error) {
	nb := basicnode.Prototype.Any.NewBuilder()
	if err := ipldcbor.Decode(nb, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return nb.Build(), nil
}

// ipldEncode encodes n with go-ipld-prime's default DAG-CBOR encoder.
func ipldEncode(n datamodel.Node) ([]byte, error) {
	var buf bytes.Buffer
	if err := ipldcbor.Encode(n, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ipldLink computes n's CIDv1 (dag-cbor, sha2-256) with go-ipld-prime.
func ipldLink(tb testing.TB, n datamodel.Node) datamodel.Link {
	tb.Helper()
	var proto cidlink.LinkPrototype
	proto.Prefix.Version = 1
	proto.Prefix.Codec = 0x71
	proto.Prefix.MhType = 0x12
	proto.Prefix.MhLength = 32
	lsys := cidlink.DefaultLinkSystem()
	l, err := lsys.ComputeLink(proto, n)
	if err != nil {
		tb.Fatalf("go-ipld-prime ComputeLink: %v", err)
	}
	return l
}

func TestCrossCheckGoIPLDPrime(t *testing.T) {
	for _, tc := range roundTrips() {
		t.Run(tc.name, func(t *testing.T) {
			ours, link, err := dagcbor.Encode(tc.value)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			n, err := ipldDecode(ours)
			if err != nil {
				t.Fatalf("go-ipld-prime rejects our bytes %x: %v", ours, err)
			}
			theirs, err := ipldEncode(n)
			if err != nil {
				t.Fatalf("go-ipld-prime Encode: %v", err)
			}
			if !bytes.Equal(theirs, ours) {
				t.Fatalf("go-ipld-prime re-encodes differently:\nours   %x\ntheirs %x", ours, theirs)
			}
			if got := ipldLink(t, n); got.String() != link.String() {
				t.Fatalf("CID: go-ipld-prime %s, ours %s", got, link)
			}
		})
	}
}

// TestCrossCheckLinks compares our links with go-cid's (through go-ipld-prime),
// both as text and inside DAG-CBOR.
func TestCrossCheckLinks(t *testing.T) {
	texts := []string{emptyDirV0, emptyDirV1, emptyRaw}
	for _, l := range []dagcbor.Link{linkRaw, linkRecord, linkBig, mustParse(emptyDirV0).ToV1()} {
		texts = append(texts, l.String())
	}
	for _, s := range texts {
		t.Run(s, func(t *testing.T) {
			ours, err := dagcbor.ParseLink(s)
			if err != nil {
				t.Fatalf("ParseLink: %v", err)
			}
			theirs := goCIDParse(t, s)
			if theirs == nil {
				t.Fatalf("go-cid rejects %s", s)
			}
			if theirs.String() != ours.String() || theirs.String() != s {
				t.Fatalf("String: go-cid %s, ours %s", theirs, ours)
			}
			if !bytes.Equal(theirs.Cid.Bytes(), ours.Bytes()) {
				t.Fatalf("Bytes: go-cid %x, ours %x", theirs.Cid.Bytes(), ours.Bytes())
			}
			if theirs.Cid.Prefix().Codec != ours.Codec() || theirs.Cid.Version() != ours.Version() {
				t.Fatalf("codec/version: go-cid %#x/%d, ours %#x/%d",
					theirs.Cid.Prefix().Codec, theirs.Cid.Version(), ours.Codec(), ours.Version())
			}

			// The same link inside a DAG-CBOR block.
			enc, err := dagcbor.Marshal(ours)
			if err != nil {
				t.Fatal(err)
			}
			n, err := ipldDecode(enc)
			if err != nil {
				t.Fatalf("go-ipld-prime rejects our link encoding %x: %v", enc, err)
			}
			got, err := n.AsLink()
			if err != nil || got.String() != s {
				t.Fatalf("go-ipld-prime reads %v, %v; want %s", got, err, s)
			}
		})
	}
}

// goCIDParse parses s with go-cid, by way of a DAG-JSON link ({"/": s}); it
// returns nil if go-cid rejects s.
func goCIDParse(tb testing.TB, s string) *cidlink.Link {
	tb.Helper()
	nb := basicnode.Prototype.Any.NewBuilder()
	// s is quoted by hand: every string this is called with is JSON-safe or
	// rejected by the JSON parser, which is a rejection either way.
	if strings.ContainsAny(s, "\"\\") {
		return nil
	}
	if err := dagjson.Decode(nb, strings.NewReader(`{"/":"`+s+`"}`)); err != nil {
		return nil
	}
	l, err := nb.Build().AsLink()
	if err != nil {
		return nil
	}
	cl, ok := l.(cidlink.Link)
	if !ok {
		return nil
	}
	return &cl
}
