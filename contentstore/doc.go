// Package contentstore keeps content-addressed blocks on disk for a node:
// model weights, datasets, evaluator modules and epoch records, each named
// by a CID that is byte-identical to the one Kubo computes. A [Store] lives
// under the node's data directory, blocks in flatfs at <datadir>/blocks
// (written to a temporary file and renamed, so a crash never leaves half a
// block) and pins in pebble at <datadir>/meta, and every block is
// hash-checked when it is written and when it is read. This first slice
// works offline: block put and get, UnixFS import with the kubo-cidv1 and
// unixfs-v1-2025 profiles ([Store.AddFile]) and export ([Store.Export]),
// DAG-CBOR records ([Store.PutDagCBOR]), recursive and direct pins, garbage
// collection and CAR files. [Store.StartExchange] runs bitswap on a libp2p
// host that the caller owns, serving the store's blocks and fetching DAGs
// into it with a size cap, a deadline and a "ask this peer first" hint
// ([Exchange.Fetch]). Nothing outside this package imports boxo, go-cid or
// a datastore; the libp2p types it needs come through package gossip's
// aliases.
package contentstore
