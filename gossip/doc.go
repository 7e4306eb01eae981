// Package gossip owns the libp2p host, identity, discovery, GossipSub
// topics, the message validation pipeline and peer scoring. Nothing outside
// it imports libp2p.
//
// Today it provides the host boundary: type aliases for the few libp2p
// types other packages must name ([Host], [PeerID], [AddrInfo],
// [ContentDiscovery]; contentstore runs bitswap on a Host it is given) and
// [NewLoopbackHost] for tests and local testnets. Identity, discovery,
// topics, validation and scoring arrive with the gossip issue.
package gossip
