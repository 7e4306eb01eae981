package dagcbor_test

import (
	"errors"
	"fmt"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// A protocol message is a plain struct with short snake_case field names.
// Encode gives its canonical bytes and CID; Unmarshal accepts those bytes
// and nothing else that means the same.
func ExampleEncode() {
	type reveal struct {
		Epoch   uint64       `cbor:"epoch"`
		Weights []float64    `cbor:"weights"`
		Salt    []byte       `cbor:"salt"`
		Commit  dagcbor.Link `cbor:"commit"`
		Note    string       `cbor:"note,omitempty"`
	}
	commit := dagcbor.Sum(dagcbor.CodecDagCBOR, []byte("commit block"))
	b, link, err := dagcbor.Encode(reveal{Epoch: 7, Weights: []float64{0.25, 0.75}, Salt: []byte{1, 2}, Commit: commit})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(b), "bytes, CID", link)

	var r reveal
	err = dagcbor.Unmarshal(b, &r, dagcbor.DefaultMaxSize)
	fmt.Println(r.Epoch, r.Weights, r.Commit == commit, err)

	// {"epoch": 7} with the 7 written in two bytes instead of one: valid
	// CBOR, but a second encoding of the same value, so it is refused.
	type ping struct {
		Epoch uint64 `cbor:"epoch"`
	}
	var p ping
	err = dagcbor.Unmarshal([]byte("\xa1\x65epoch\x18\x07"), &p, dagcbor.DefaultMaxSize)
	fmt.Println(errors.Is(err, dagcbor.ErrNonCanonical))
	// Output:
	// 91 bytes, CID bafyreifyh3n4bgtr5qsw5fwl2txc6dfl4oysec72tevjvuw4kicwksrbcm
	// 7 [0.25 0.75] true <nil>
	// true
}
