package gossip

import (
	"context"
	"fmt"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/routing"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
)

// The libp2p types that other packages must name to talk to a host. They
// are aliases, not new types: a value from libp2p is usable as is, and a
// package that names them (contentstore, for bitswap) depends on libp2p
// only through this package, which keeps the boundary of DESIGN.md.
type (
	// Host is a libp2p host. Its owner (the node) creates and closes it;
	// other parts only register protocols on it.
	Host = host.Host
	// PeerID identifies a peer by the hash of its public key.
	PeerID = peer.ID
	// AddrInfo is a peer ID with the addresses to dial it at.
	AddrInfo = peer.AddrInfo
	// ContentDiscovery finds peers that provide a CID (a DHT or a
	// delegated router). Bitswap asks it when connected peers do not
	// have a block.
	ContentDiscovery = routing.ContentDiscovery
)

// NewLoopbackHost returns a libp2p host that listens only on a free TCP
// port of 127.0.0.1, with Noise and yamux and nothing else: no QUIC, relay,
// NAT port mapping, hole punching or metrics. It is for tests and local
// testnets on one machine; the caller closes it.
//
// ctx bounds nothing today (creating a host does not block on the
// network); it is the first parameter so that later versions can dial
// bootstrap peers without an API change.
func NewLoopbackHost(ctx context.Context) (Host, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h, err := libp2p.New(
		libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(libp2ptls.ID, libp2ptls.New),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
	)
	if err != nil {
		return nil, fmt.Errorf("create loopback libp2p host: %w", err)
	}
	return h, nil
}

// AddrInfoOf returns the ID and listen addresses of h, what another host
// needs to connect to it.
func AddrInfoOf(h Host) AddrInfo {
	return AddrInfo{ID: h.ID(), Addrs: h.Addrs()}
}
