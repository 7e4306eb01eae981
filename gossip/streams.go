package gossip

import (
	"sync/atomic"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// guardedHost is the host as pubsub sees it: the same host, except that
// the streams pubsub reads are watched for garbage.
//
// pubsub resets an inbound stream that does not decode (a bad length
// prefix, a message over the size limit, protobuf that does not parse) and
// forgets it: the peer is not scored for it, and may open another stream
// and do it again. The watch tells such a reset apart from the others:
// pubsub resets a stream it is not reading from only after it read bytes
// it could not use; when it replaces a peer's stream with a newer one, or
// shuts down, the stream is usually blocked in Read, or the network is
// closing. A garbage stream is a protocol violation, scored through the
// application-specific score.
type guardedHost struct {
	host.Host
	n *Network
}

func (g *guardedHost) SetStreamHandler(pid protocol.ID, h network.StreamHandler) {
	g.Host.SetStreamHandler(pid, g.watch(h))
}

func (g *guardedHost) SetStreamHandlerMatch(pid protocol.ID, m func(protocol.ID) bool, h network.StreamHandler) {
	g.Host.SetStreamHandlerMatch(pid, m, g.watch(h))
}

func (g *guardedHost) watch(h network.StreamHandler) network.StreamHandler {
	return func(s network.Stream) { h(&watchedStream{Stream: s, n: g.n}) }
}

type watchedStream struct {
	network.Stream
	n        *Network
	reading  atomic.Bool
	readErr  atomic.Bool
	reported atomic.Bool
}

func (w *watchedStream) Read(b []byte) (int, error) {
	w.reading.Store(true)
	n, err := w.Stream.Read(b)
	w.reading.Store(false)
	if err != nil {
		w.readErr.Store(true)
	}
	return n, err
}

func (w *watchedStream) Reset() error {
	if !w.reading.Load() && !w.readErr.Load() && !w.n.closing.Load() && w.reported.CompareAndSwap(false, true) {
		p := w.Conn().RemotePeer()
		w.n.stats.garbageStream()
		w.n.viol.add(p)
		w.n.log.Debug("peer sent undecodable data on a pubsub stream", "from", p.String())
	}
	return w.Stream.Reset()
}
