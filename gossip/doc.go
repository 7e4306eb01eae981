// Package gossip owns the libp2p host, identity, discovery, GossipSub
// topics, the message validation pipeline and peer scoring. Nothing outside
// it imports libp2p.
//
// The package is laid out by DESIGN.md; its implementation arrives with the
// gossip issue.
package gossip
