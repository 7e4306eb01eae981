package contentstore

import "errors"

// Sentinel errors. Callers test for them with errors.Is; the returned
// errors wrap them with the CID or input that caused them.
var (
	// ErrNotFound means a block (or a block of a DAG) is not in the local
	// store. Fetch it from a peer or import it first.
	ErrNotFound = errors.New("content not found")

	// ErrInvalidCID means a string is not a CID this store accepts.
	ErrInvalidCID = errors.New("invalid CID")

	// ErrTooLarge means content is larger than a size cap.
	ErrTooLarge = errors.New("content too large")

	// ErrUnknownProfile means an import profile name is not one of
	// [Profiles].
	ErrUnknownProfile = errors.New("unknown import profile")

	// ErrInvalidDagCBOR means bytes are not well-formed DAG-CBOR.
	ErrInvalidDagCBOR = errors.New("invalid DAG-CBOR")

	// ErrHashMismatch means a block's bytes are not the block its CID
	// names: they do not hash to it (a block from a peer or in a CAR
	// file), or they no longer match the checksum taken when they were
	// stored (damage on disk).
	ErrHashMismatch = errors.New("block does not match its CID")

	// ErrClosed means the store was used after Close.
	ErrClosed = errors.New("content store closed")
)
