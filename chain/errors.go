package chain

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. The errors this package returns wrap them with what
// was being done; test for them with errors.Is.
var (
	// ErrWrongChain means the endpoint serves a different chain than the
	// one expected. Check the RPC URL and --chain-id.
	ErrWrongChain = errors.New("wrong chain")

	// ErrNoContract means there is no contract code at the address (or
	// not the Crucible contract). Check --contract, or deploy one with
	// `crucible chain deploy`.
	ErrNoContract = errors.New("no Crucible contract at this address")

	// ErrInsufficientFunds means the account cannot pay for a transaction
	// (gas, or the stake sent with it). Fund the account.
	ErrInsufficientFunds = errors.New("insufficient funds")

	// ErrReverted means the contract refused a call or transaction; the
	// error is a *RevertError with the decoded reason.
	ErrReverted = errors.New("reverted")

	// ErrUnavailable means the RPC endpoint could not be reached or kept
	// failing for the retry period. Check that the node is up.
	ErrUnavailable = errors.New("chain RPC unavailable")

	// ErrTimeout means a transaction was sent but no receipt came before
	// the deadline. It may still be mined. Anchor again is safe (it sends
	// nothing if the root landed); for other calls, check the chain first.
	ErrTimeout = errors.New("timed out waiting for the transaction")

	// ErrGasCap means a transaction would need more gas than the
	// configured cap.
	ErrGasCap = errors.New("gas estimate above the cap")

	// ErrNotAnchored means no root is anchored for the subnet and epoch
	// (yet, or past the confirmation depth).
	ErrNotAnchored = errors.New("not anchored")

	// ErrBadReceipt means an anchor receipt does not check out: its proof
	// does not lead to its root, or the chain does not hold that root.
	ErrBadReceipt = errors.New("receipt does not verify")

	// ErrBadAddress means a string is not an EVM address.
	ErrBadAddress = errors.New("invalid address")
)

// RevertError is a contract's refusal, decoded: the name of the Solidity
// custom error and its arguments, or the message of a require/revert.
type RevertError struct {
	// Reason is the custom error's name with its arguments, such as
	// "StakeTooLow(stake=1, minStake=1000)", or a revert message.
	Reason string
	// Raw is the undecoded revert data.
	Raw []byte
}

func (e *RevertError) Error() string {
	if e.Reason == "" {
		return "reverted without a reason"
	}
	if h := revertHints[e.Name()]; h != "" {
		return "reverted: " + e.Reason + ": " + h
	}
	return "reverted: " + e.Reason
}

// revertHints say what to do about the contract's errors.
var revertHints = map[string]string{
	"UnknownSubnet":       "no subnet has this id; create one with `crucible chain subnet create`",
	"NotOwner":            "only the subnet's owner may do this",
	"InvalidTempo":        "the tempo must be at least 1 block",
	"EmptyManifest":       "give the manifest's CID",
	"InvalidPeerID":       "give the node's libp2p peer ID (at most 64 bytes)",
	"InvalidUnstakeDelay": "the unstake delay must be at most 2^32 blocks",
	"AnchorStakeTooLow":   "add stake up to the subnet's minimum for anchoring (see `crucible chain subnet show`)",
	"StakeTooLow":         "send at least the subnet's minimum stake (see `crucible chain subnet show`)",
	"AlreadyRegistered":   "this account is registered already; add stake instead",
	"SubnetFull":          "the subnet admits no more neurons",
	"NotRegistered":       "register the account in the subnet first (`crucible chain register`)",
	"InsufficientStake":   "unstake at most the account's stake",
	"NothingToWithdraw":   "unstake first; withdraw pays out what was unstaked",
	"StillLocked":         "wait for the unlock block",
	"EpochNotOver":        "an epoch can be anchored once it has ended",
	"ZeroRoot":            "the root must not be zero",
}

// Is makes errors.Is(err, ErrReverted) true.
func (e *RevertError) Is(target error) bool { return target == ErrReverted }

// Name is the custom error's name without its arguments.
func (e *RevertError) Name() string {
	name, _, _ := strings.Cut(e.Reason, "(")
	return name
}

// wrapf adds context to err.
func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, err)...)
}
