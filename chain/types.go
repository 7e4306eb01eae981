package chain

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Address is a 20-byte EVM account or contract address. Its text form is
// the 0x-prefixed, EIP-55 checksummed hex.
type Address [20]byte

func (a Address) String() string { return common.Address(a).Hex() }

// IsZero reports whether a is the zero address.
func (a Address) IsZero() bool { return a == Address{} }

// MarshalText implements encoding.TextMarshaler.
func (a Address) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseAddress.
func (a *Address) UnmarshalText(b []byte) error {
	v, err := ParseAddress(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseAddress parses a 0x-prefixed hex address. A mixed-case address must
// carry a valid EIP-55 checksum, so a mistyped one is caught.
func ParseAddress(s string) (Address, error) {
	s = strings.TrimSpace(s)
	if !common.IsHexAddress(s) || !strings.HasPrefix(s, "0x") {
		return Address{}, fmt.Errorf("%w %q: want 0x followed by 40 hex digits", ErrBadAddress, s)
	}
	a := common.HexToAddress(s)
	if s[2:] != strings.ToLower(s[2:]) && s[2:] != strings.ToUpper(s[2:]) && a.Hex() != s {
		return Address{}, fmt.Errorf("%w %q: the EIP-55 checksum does not match (is it mistyped?)", ErrBadAddress, s)
	}
	return Address(a), nil
}

// Hash is a 32-byte hash: a transaction, a block, a Merkle root.
type Hash [32]byte

func (h Hash) String() string { return "0x" + hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zeros.
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText implements encoding.TextMarshaler.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHash parses a 0x-prefixed 32-byte hex hash.
func ParseHash(s string) (Hash, error) {
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 || !strings.HasPrefix(s, "0x") {
		return Hash{}, fmt.Errorf("invalid hash %q: want 0x followed by 64 hex digits", s)
	}
	return Hash(b), nil
}

// SubnetParams are fixed when a subnet is created.
type SubnetParams struct {
	// MinStake is the smallest stake, in wei, that Register accepts.
	MinStake *big.Int
	// AnchorMinStake is the smallest stake, in wei, an account needs to
	// anchor epochs. The first root anchored is the epoch's, so this keeps
	// accounts that cost nothing out of that place.
	AnchorMinStake *big.Int
	// UnstakeDelay is how many blocks after Unstake the stake can be
	// withdrawn; at most 2^32.
	UnstakeDelay uint64
	// MaxNeurons is the most accounts the subnet admits; 0 means no limit.
	MaxNeurons uint32
}

// Subnet is a subnet as the contract records it.
type Subnet struct {
	ID          uint64
	Owner       Address
	ManifestCID string
	// Tempo is the length of an epoch in blocks; epoch e starts at block
	// Start + e*Tempo.
	Tempo       uint32
	Start       uint64
	Params      SubnetParams
	NeuronCount uint32
}

// Neuron is a registered account of a subnet, by uid.
type Neuron struct {
	UID          uint32
	Account      Address
	PeerID       []byte // the libp2p peer ID, binary
	Stake        *big.Int
	RegisteredAt uint64
	// Active is false once the account has unstaked everything; the uid
	// then goes to the next account that registers.
	Active bool
}

// Anchor is one Anchored or Conflict event of a subnet.
type Anchor struct {
	Subnet uint64
	Epoch  uint64
	// Root is the root this transaction anchored.
	Root Hash
	// RecordDigest is the sha2-256 digest of the record's root block; the
	// record's CID is the CIDv1 dag-cbor sha2-256 CID of that digest.
	RecordDigest Hash
	Anchorer     Address
	// Conflict is true for a later root that differs from the first one,
	// which is First. Conflicts are recorded, never stored over the first.
	Conflict bool
	First    Hash
	Block    uint64
	TxHash   Hash
}

// TxReceipt is what a transaction of this package reports once it is in a
// block.
type TxReceipt struct {
	TxHash  Hash
	Block   uint64
	GasUsed uint64
}

var errNilKey = errors.New("no account key: this operation sends a transaction; give the client a key")
