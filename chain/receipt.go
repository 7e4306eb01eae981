package chain

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/crucible-net/crucible/tasks/merkle"
)

// commitmentDomain separates anchored record commitments from every other
// SHA-256 in the protocol.
const commitmentDomain = "crucible/record-commitment/v1"

// RecordCommitment is the value anchored for an epoch record: a hash of
// the record's Merkle root and its number of leaves,
//
//	SHA-256("crucible/record-commitment/v1" ‖ root ‖ size as 8 bytes big-endian)
//
// An RFC 6962 inclusion proof does not bind the tree size (the path of the
// last leaf of 13 also proves leaf 3 of 4), so the size is anchored with
// the root, in the same 32 bytes and for the same gas.
func RecordCommitment(merkleRoot Hash, size uint64) Hash {
	h := sha256.New()
	h.Write([]byte(commitmentDomain))
	h.Write(merkleRoot[:])
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], size)
	h.Write(b[:])
	return Hash(h.Sum(nil))
}

// Bytes is a byte string written as 0x-prefixed hex in JSON.
type Bytes []byte

// MarshalText implements encoding.TextMarshaler.
func (b Bytes) MarshalText() ([]byte, error) { return []byte("0x" + hex.EncodeToString(b)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Bytes) UnmarshalText(s []byte) error {
	v, err := hex.DecodeString(strings.TrimPrefix(string(s), "0x"))
	if err != nil {
		return fmt.Errorf("invalid hex bytes: %w", err)
	}
	*b = v
	return nil
}

// Receipt proves that one leaf is part of an epoch record anchored on a
// chain. It is self-contained: with it and access to the chain, anyone
// can check the leaf without trusting whoever produced the receipt
// (VerifyReceipt).
type Receipt struct {
	Subnet uint64 `json:"subnet"`
	Epoch  uint64 `json:"epoch"`
	// Leaf is the leaf's bytes, leaf number Index of a record of Size
	// leaves whose Merkle root is MerkleRoot; Path is its RFC 6962
	// inclusion proof.
	Leaf       Bytes  `json:"leaf"`
	Index      uint64 `json:"index"`
	Size       uint64 `json:"size"`
	Path       []Hash `json:"path"`
	MerkleRoot Hash   `json:"merkleRoot"`
	// RecordDigest names the record: the sha2-256 digest of its root
	// block.
	RecordDigest Hash `json:"recordDigest"`
	// Where the anchor is.
	ChainID  uint64  `json:"chainId"`
	Contract Address `json:"contract"`
	TxHash   Hash    `json:"txHash"`
	Block    uint64  `json:"block"`
}

// MakeReceipt builds the receipt of one leaf of a subnet's epoch record,
// given the record's Merkle root and size and the leaf's proof, after
// checking the proof and finding the anchor on chain (as of the confirmed
// block).
//
// # Errors
//
// ErrNotAnchored if the epoch has no anchor; ErrBadReceipt if the proof
// does not lead to the root, or the chain anchored another record.
func (cl *Client) MakeReceipt(ctx context.Context, subnet, epoch uint64, merkleRoot Hash, size uint64, leaf []byte, index uint64, path []Hash) (Receipt, error) {
	r := Receipt{
		Subnet: subnet, Epoch: epoch, Leaf: leaf, Index: index, Size: size, Path: path, MerkleRoot: merkleRoot,
		ChainID: cl.chainID.Uint64(), Contract: cl.Contract(),
	}
	if err := r.checkProof(); err != nil {
		return Receipt{}, err
	}
	anchors, err := cl.Anchors(ctx, subnet)
	if err != nil {
		return Receipt{}, err
	}
	want := RecordCommitment(merkleRoot, size)
	for _, a := range anchors {
		if a.Epoch != epoch || a.Conflict {
			continue
		}
		if a.Root != want {
			return Receipt{}, fmt.Errorf("%w: subnet %d epoch %d anchors commitment %s, not this record's %s", ErrBadReceipt, subnet, epoch, a.Root, want)
		}
		r.RecordDigest, r.TxHash, r.Block = a.RecordDigest, a.TxHash, a.Block
		return r, nil
	}
	return Receipt{}, fmt.Errorf("subnet %d epoch %d: %w", subnet, epoch, ErrNotAnchored)
}

func (r Receipt) checkProof() error {
	path := make([]merkle.Hash, len(r.Path))
	for i, h := range r.Path {
		path[i] = h
	}
	if err := merkle.VerifyInclusion(r.MerkleRoot, r.Leaf, r.Index, r.Size, path); err != nil {
		return fmt.Errorf("%w: %v", ErrBadReceipt, err)
	}
	return nil
}

// VerifyReceipt checks a receipt against the chain this client talks to:
// the proof leads from the leaf to the Merkle root; the root and size,
// committed together, are what the contract holds for the subnet's epoch
// as of the confirmed block; and the receipt's transaction is the one that
// anchored them, in the block it names.
//
// # Errors
//
// ErrWrongChain if the receipt is for another chain or contract;
// ErrBadReceipt, with the reason, if anything else does not match.
func (cl *Client) VerifyReceipt(ctx context.Context, r Receipt) error {
	var missing []string
	for _, f := range []struct {
		name  string
		unset bool
	}{{"chainId", r.ChainID == 0}, {"contract", r.Contract.IsZero()}, {"txHash", r.TxHash.IsZero()}, {"size", r.Size == 0}, {"merkleRoot", r.MerkleRoot.IsZero()}} {
		if f.unset {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: an incomplete receipt, without %s", ErrBadReceipt, strings.Join(missing, ", "))
	}
	if r.ChainID != cl.chainID.Uint64() {
		return fmt.Errorf("%w: the receipt is for chain %d, this endpoint serves %s", ErrWrongChain, r.ChainID, cl.chainID)
	}
	if r.Contract != cl.Contract() {
		return fmt.Errorf("%w: the receipt is for contract %s, not %s", ErrWrongChain, r.Contract, cl.Contract())
	}
	if err := r.checkProof(); err != nil {
		return err
	}
	commitment := RecordCommitment(r.MerkleRoot, r.Size)
	anchored, err := cl.AnchorOf(ctx, r.Subnet, r.Epoch)
	if errors.Is(err, ErrNotAnchored) {
		return fmt.Errorf("%w: subnet %d epoch %d has no confirmed anchor on this chain", ErrBadReceipt, r.Subnet, r.Epoch)
	}
	if err != nil {
		return err
	}
	if anchored != commitment {
		return fmt.Errorf("%w: the chain anchors %s for subnet %d epoch %d, the receipt's root and size commit to %s", ErrBadReceipt, anchored, r.Subnet, r.Epoch, commitment)
	}
	tr, err := retry(ctx, cl.opts, "read the anchor transaction", func() (*receiptLogs, error) { return cl.receiptLogs(ctx, r.TxHash) })
	if errors.Is(err, ethereum.NotFound) {
		return fmt.Errorf("%w: transaction %s is not on this chain", ErrBadReceipt, r.TxHash)
	}
	if err != nil {
		return err
	}
	if tr.block != r.Block {
		return fmt.Errorf("%w: transaction %s is in block %d, the receipt says %d", ErrBadReceipt, r.TxHash, tr.block, r.Block)
	}
	for _, l := range tr.logs {
		ev, err := cl.c.UnpackAnchoredEvent(l)
		if err != nil || l.Address != cl.contract {
			continue
		}
		if ev.Subnet == r.Subnet && ev.Epoch == r.Epoch && Hash(ev.Root) == commitment && Hash(ev.RecordDigest) == r.RecordDigest {
			return nil
		}
	}
	return fmt.Errorf("%w: transaction %s did not anchor this record for subnet %d epoch %d", ErrBadReceipt, r.TxHash, r.Subnet, r.Epoch)
}

type receiptLogs struct {
	block uint64
	logs  []*types.Log
}

func (cl *Client) receiptLogs(ctx context.Context, tx Hash) (*receiptLogs, error) {
	rc, err := cl.rpc.TransactionReceipt(ctx, common.Hash(tx))
	if err != nil {
		return nil, err
	}
	return &receiptLogs{block: rc.BlockNumber.Uint64(), logs: rc.Logs}, nil
}
