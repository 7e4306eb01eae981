package gossip

import "errors"

// Errors returned by the package. They are wrapped with context; test with
// errors.Is.
var (
	// ErrKeyPermissions: the identity file may be read or written by
	// someone other than its owner.
	ErrKeyPermissions = errors.New("identity key file is open to other users")
	// ErrBadIdentity: the identity file does not hold an Ed25519 libp2p key.
	ErrBadIdentity = errors.New("identity key file is not valid")
	// ErrConfig: the configuration cannot work; the message names the field.
	ErrConfig = errors.New("invalid gossip configuration")
	// ErrClosed: the network was closed.
	ErrClosed = errors.New("gossip network closed")
	// ErrTooLarge: a message is larger than its kind allows.
	ErrTooLarge = errors.New("message larger than its kind allows")
	// ErrRateLimited: a publisher sent more messages of a kind than its
	// rate allows.
	ErrRateLimited = errors.New("message rate limit exceeded")
	// ErrReplay: the same message bytes were already accepted (within
	// Config.ReplayWindow, across restarts).
	ErrReplay = errors.New("message already seen")
	// ErrRejected: the topic's validator rejected a message.
	ErrRejected = errors.New("message rejected by validator")
	// ErrIgnored: the topic's validator ignored a message (not wrong, but
	// not to be spread, e.g. too early).
	ErrIgnored = errors.New("message ignored by validator")
	// ErrAlreadyJoined: the topic was joined before on this network.
	ErrAlreadyJoined = errors.New("topic already joined")
)
