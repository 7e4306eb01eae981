package tasks

// Every kind of protocol message and record block, checked against
// go-ipld-prime, the reference Go implementation of DAG-CBOR (a test-only
// dependency): it decodes our bytes, encodes them back identically, and
// computes the same CID. go-cid is reached only through cidlink's fields;
// the boundary rule keeps its import inside contentstore.

import (
	"bytes"
	"testing"

	ipldcbor "github.com/ipld/go-ipld-prime/codec/dagcbor"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/node/basicnode"
)

func TestMessagesMatchGoIPLDPrime(t *testing.T) {
	var proto cidlink.LinkPrototype
	proto.Prefix.Version = 1
	proto.Prefix.Codec = CodecDagCBOR
	proto.Prefix.MhType = 0x12 // sha2-256
	proto.Prefix.MhLength = 32
	lsys := cidlink.DefaultLinkSystem()

	kinds := map[uint8]bool{}
	for _, s := range fuzzSeeds(t) {
		if !s.ok {
			continue
		}
		kinds[s.kind] = true
		t.Run(s.name, func(t *testing.T) {
			nb := basicnode.Prototype.Any.NewBuilder()
			if err := ipldcbor.Decode(nb, bytes.NewReader(s.data)); err != nil {
				t.Fatalf("go-ipld-prime cannot decode our encoding: %v", err)
			}
			n := nb.Build()
			var again bytes.Buffer
			if err := ipldcbor.Encode(n, &again); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), s.data) {
				t.Fatalf("go-ipld-prime re-encodes differently:\n ours %x\n its  %x", s.data, again.Bytes())
			}
			l, err := lsys.ComputeLink(proto, n)
			if err != nil {
				t.Fatal(err)
			}
			if ours := SumLink(CodecDagCBOR, s.data); l.String() != ours.String() {
				t.Fatalf("CID %s, go-ipld-prime computes %s", ours, l)
			}
		})
	}
	if len(kinds) < 10 {
		t.Fatalf("only %d kinds have valid seeds", len(kinds))
	}
}
