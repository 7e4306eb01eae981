// Package client is what the linreg subnet's programs share to reach
// their Crucible node: the -api, -token-file and -subnet flags every
// program gets from the testnet, and JSON requests to the node's local
// HTTP API (node/openapi.yaml), with the node's token on every POST and
// the node's refusals as an *Error.
//
// It holds no calls of its own: each program writes the few it makes
// (the miner its task stream and answers, the copier its weights) on top
// of Get and Post, so a new subnet's programs add theirs the same way. It
// uses the standard library only, so the programs build in a second.
package client
