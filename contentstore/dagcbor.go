package contentstore

import (
	"bytes"
	"context"
	"fmt"

	cid "github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/codec/dagcbor"
	"github.com/ipld/go-ipld-prime/node/basicnode"
	mh "github.com/multiformats/go-multihash"
)

// MaxBlockSize is the largest block PutDagCBOR accepts: the block size
// bitswap peers are willing to exchange (2 MiB).
const MaxBlockSize = 2 << 20

var dagCBORPrefix = cid.Prefix{Version: 1, Codec: cid.DagCBOR, MhType: mh.SHA2_256, MhLength: -1}

// PutDagCBOR stores data, which must be canonical DAG-CBOR, as one block
// and returns its CID (CIDv1, dag-cbor, sha2-256). Equal records give
// equal bytes and so equal CIDs. The block is not pinned.
//
// # Errors
//
// [ErrInvalidDagCBOR] if data does not decode as strict DAG-CBOR or is not
// in canonical form (for example map keys out of order, or non-minimal
// integers), [ErrTooLarge] if it is over [MaxBlockSize].
func (s *Store) PutDagCBOR(ctx context.Context, data []byte) (cid.Cid, error) {
	if len(data) > MaxBlockSize {
		return cid.Undef, fmt.Errorf("put DAG-CBOR: %w: %d bytes, at most %d", ErrTooLarge, len(data), MaxBlockSize)
	}
	if err := checkDagCBOR(data); err != nil {
		return cid.Undef, err
	}
	c, err := dagCBORPrefix.Sum(data)
	if err != nil {
		return cid.Undef, fmt.Errorf("put DAG-CBOR: %w", err)
	}
	if err := s.PutBlock(ctx, c, data); err != nil {
		return cid.Undef, fmt.Errorf("put DAG-CBOR: %w", err)
	}
	return c, nil
}

// GetDagCBOR returns the bytes of the DAG-CBOR block c, hash-checked.
//
// # Errors
//
// [ErrInvalidCID] if c is not a dag-cbor CID, [ErrNotFound] if the block
// is not in the store.
func (s *Store) GetDagCBOR(ctx context.Context, c cid.Cid) ([]byte, error) {
	if c.Prefix().Codec != cid.DagCBOR {
		return nil, fmt.Errorf("%w: %s is %s, not dag-cbor", ErrInvalidCID, c, codecName(c))
	}
	return s.GetBlock(ctx, c)
}

// checkDagCBOR decodes data strictly and checks that encoding it again
// gives the same bytes.
func checkDagCBOR(data []byte) error {
	nb := basicnode.Prototype.Any.NewBuilder()
	if err := (dagcbor.DecodeOptions{AllowLinks: true}).Decode(nb, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidDagCBOR, err)
	}
	var buf bytes.Buffer
	if err := dagcbor.Encode(nb.Build(), &buf); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidDagCBOR, err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		return fmt.Errorf("%w: not in canonical form (map keys must be sorted length-first, integers and lengths minimal, floats 64-bit)", ErrInvalidDagCBOR)
	}
	return nil
}
