// Package gossip owns the libp2p host, identity, discovery, GossipSub
// topics, the message validation pipeline and peer scoring. Nothing
// outside it imports libp2p.
//
// A node loads its [Identity] from its data dir ([LoadIdentity]) and
// starts a [Network] with [New]: the host (TCP and QUIC, TLS and Noise,
// yamux, connection and resource managers), discovery (bootstrap peers,
// mDNS on testnets, a Kademlia DHT with protocols under
// /crucible/<network>, and topic-peer discovery through it), and
// GossipSub with strict signing, message IDs that hash the topic and the
// data, and peer scoring tuned for few, valuable messages (see
// docs/RATIONALE.md, "Gossip").
//
// Topics are typed: [Join] takes a [TopicSpec] with the subnet, the
// [Kind], a [Codec] and a [Validator] that the consumer (tasks) supplies;
// gossip knows nothing of what messages mean. Every message passes the
// gossip layer's own checks first: its kind's size limit, a signature
// pubsub verified, the author's rate, and a replay memory that outlives
// pubsub's 2-minute cache and restarts. Rejections feed peer scoring.
// [Network.Stats], [Network.Peers] and [Network.Topics] report counters,
// peers and scores for metrics and the CLI.
//
// Other packages name libp2p types through the aliases here ([Host],
// [PeerID], [AddrInfo], [ContentDiscovery]); contentstore runs bitswap on
// [Network.Host]. [NewLoopbackHost] is a bare host for tests.
package gossip
