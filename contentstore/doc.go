// Package contentstore keeps content-addressed blocks on disk for a node:
// model weights, datasets, evaluator modules and epoch records, each named
// by a CID that is byte-identical to the one Kubo computes.
//
// A [Store] lives under the node's data directory: blocks are appended to
// pack files under <datadir>/blocks and found through an index in pebble
// under <datadir>/meta, next to the pins. Every method that stores
// something makes it durable before it returns, with one fdatasync per
// operation rather than per block, and a crash at any moment loses nothing
// acknowledged. Blocks are hashed when they enter the store and
// checksummed (CRC-32C) when they are read back.
//
// Offline it imports files as UnixFS with the kubo-cidv1 and unixfs-v1-2025
// profiles ([Store.AddFile], a pipeline that runs at most of the speed of
// SHA-256) and exports them ([Store.Export]), stores DAG-CBOR records
// ([Store.PutDagCBOR]), pins recursively or directly, collects garbage
// ([Store.GC], which also compacts packs), and reads and writes CAR files
// exactly as `ipfs dag import` and `ipfs dag export` do. A full disk is
// [ErrDiskFull], never damage.
//
// [Store.StartExchange] runs bitswap on a libp2p host that the caller
// owns, serving the store's blocks and fetching DAGs into it with a size
// cap, a deadline, progress and an "ask this peer first" hint
// ([Exchange.Fetch]); a peer that sends blocks nobody asked for is
// disconnected and reported. Nothing outside this package imports boxo,
// go-cid, pebble or a datastore; the libp2p types it needs come through
// package gossip's aliases.
package contentstore
