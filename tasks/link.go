package tasks

import "github.com/crucible-net/crucible/tasks/internal/dagcbor"

// Link is a content identifier (CID) naming a block: a record page, a
// task, an evaluator module, a miner's output. The zero Link is undefined.
// It encodes in DAG-CBOR as a link (tag 42) and in JSON as its string.
type Link = dagcbor.Link

// Multicodec codes of the links the protocol uses.
const (
	// CodecRaw names raw bytes (a small file imported with raw leaves).
	CodecRaw = dagcbor.CodecRaw
	// CodecDagPB names a UnixFS file or directory, as Kubo imports it.
	CodecDagPB = dagcbor.CodecDagPB
	// CodecDagCBOR names a protocol message or record block.
	CodecDagCBOR = dagcbor.CodecDagCBOR
)

// ParseLink parses a CID in its text form: CIDv1 in base32 ("bafy...") or
// CIDv0 ("Qm...").
func ParseLink(s string) (Link, error) { return dagcbor.ParseLink(s) }

// LinkFromBytes parses a CID in its binary form.
func LinkFromBytes(b []byte) (Link, error) { return dagcbor.LinkFromBytes(b) }

// SumLink returns the CIDv1 (sha2-256) of data under codec, which is what
// a content store computes when it stores the block.
func SumLink(codec uint64, data []byte) Link { return dagcbor.Sum(codec, data) }
