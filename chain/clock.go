package chain

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"

	"github.com/ethereum/go-ethereum/core/types"
)

// Clock is a subnet's epoch clock: epoch e starts at block Start + e*Tempo.
// The chain is the network's clock, and this is the one place where the
// rest of the code learns which epoch it is.
type Clock struct {
	Subnet uint64
	Start  uint64
	Tempo  uint64
}

// EpochAt returns the epoch that block is in (0 before Start).
func (c Clock) EpochAt(block uint64) uint64 {
	if block < c.Start || c.Tempo == 0 {
		return 0
	}
	return (block - c.Start) / c.Tempo
}

// FirstBlock returns the first block of epoch.
func (c Clock) FirstBlock(epoch uint64) uint64 { return c.Start + epoch*c.Tempo }

// Clock reads a subnet's epoch clock from the chain.
func (cl *Client) Clock(ctx context.Context, subnet uint64) (Clock, error) {
	s, err := cl.Subnet(ctx, subnet)
	if err != nil {
		return Clock{}, err
	}
	return Clock{Subnet: subnet, Start: s.Start, Tempo: uint64(s.Tempo)}, nil
}

// Now returns the epoch of a subnet at the confirmed block, and that
// block.
func (cl *Client) Now(ctx context.Context, c Clock) (epoch, block uint64, err error) {
	block, err = cl.Confirmed(ctx)
	if err != nil {
		return 0, 0, err
	}
	return c.EpochAt(block), block, nil
}

// seedDomain separates epoch seeds from every other SHA-256 in the
// protocol.
const seedDomain = "crucible/epoch-seed/v1"

// Seed returns the seed of a subnet's epoch:
//
//	SHA-256("crucible/epoch-seed/v1" ‖ hash of the epoch's first block ‖ subnet ‖ epoch)
//
// with subnet and epoch as 8-byte big-endian integers. Nobody can know it
// before the epoch's first block exists, and everybody computes the same
// one after. The first block must be confirmed (Options.Confirmations),
// so that a reorganisation cannot change the seed of an epoch in
// progress; before that it is an error.
func (cl *Client) Seed(ctx context.Context, c Clock, epoch uint64) ([32]byte, error) {
	if c.Tempo == 0 || epoch > (math.MaxUint64-c.Start)/c.Tempo {
		return [32]byte{}, fmt.Errorf("seed of subnet %d epoch %d: no such epoch (tempo %d from block %d)", c.Subnet, epoch, c.Tempo, c.Start)
	}
	first := c.FirstBlock(epoch)
	confirmed, err := cl.Confirmed(ctx)
	if err != nil {
		return [32]byte{}, err
	}
	if first > confirmed {
		return [32]byte{}, fmt.Errorf("seed of subnet %d epoch %d: its first block %d is not confirmed yet (confirmed: %d)", c.Subnet, epoch, first, confirmed)
	}
	h, err := retry(ctx, cl.opts, "read a block header", func() (*types.Header, error) {
		return cl.rpc.HeaderByNumber(ctx, new(big.Int).SetUint64(first))
	})
	if err != nil {
		return [32]byte{}, err
	}
	return EpochSeed(Hash(h.Hash()), c.Subnet, epoch), nil
}

// EpochSeed computes an epoch seed from the hash of the epoch's first
// block (see Client.Seed).
func EpochSeed(blockHash Hash, subnet, epoch uint64) [32]byte {
	h := sha256.New()
	h.Write([]byte(seedDomain))
	h.Write(blockHash[:])
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], subnet)
	binary.BigEndian.PutUint64(b[8:], epoch)
	h.Write(b[:])
	return [32]byte(h.Sum(nil))
}
