// Package testnet runs a whole Crucible network on one machine, offline:
// an embedded dev chain with the contract, a subnet created from a subnet
// directory (subnet.json, its evaluator, its programs), and nodes that
// register, stake and run epochs, each with its own data dir, libp2p host
// on 127.0.0.1 and content store, in this process or as `crucible run`
// processes. Next to each node with a role runs the subnet's program for
// it (a miner, a weight copier), speaking only the node's HTTP API. The
// chain is sealed one block at a time once every node has acted on the
// last, so a slow machine runs slower but reaches the same records.
// `crucible testnet` is this package with a live view.
package testnet
