package gossip

import (
	"sync"
	"sync/atomic"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// guardedHost is the host as pubsub sees it: the same host, except that
// the streams pubsub reads are watched for garbage.
//
// pubsub resets an inbound stream that does not decode (a bad length
// prefix, a message over the size limit, protobuf that does not parse) and
// forgets it: the peer is not scored for it, and may open another stream
// and do it again. The watch tells such a reset apart from pubsub's other
// resets: of a stream a newer one from the same peer replaces (marked
// replaced before pubsub sees the new one), of a stream whose connection
// failed (Read returned an error), and at shutdown (the network is
// closing). A garbage stream is a protocol violation, scored through the
// application-specific score.
type guardedHost struct {
	host.Host
	n *Network

	mu        sync.Mutex
	current   map[peer.ID]*watchedStream // the newest inbound stream per peer
	protocols []protocol.ID              // handlers pubsub registered
}

func (g *guardedHost) SetStreamHandler(pid protocol.ID, h network.StreamHandler) {
	g.mu.Lock()
	g.protocols = append(g.protocols, pid)
	g.mu.Unlock()
	g.Host.SetStreamHandler(pid, g.watch(h))
}

func (g *guardedHost) SetStreamHandlerMatch(pid protocol.ID, m func(protocol.ID) bool, h network.StreamHandler) {
	g.mu.Lock()
	g.protocols = append(g.protocols, pid)
	g.mu.Unlock()
	g.Host.SetStreamHandlerMatch(pid, m, g.watch(h))
}

// removeHandlers removes pubsub's stream handlers from a host that
// outlives the network (Attach).
func (g *guardedHost) removeHandlers() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range g.protocols {
		g.Host.RemoveStreamHandler(p)
	}
}

func (g *guardedHost) watch(h network.StreamHandler) network.StreamHandler {
	return func(s network.Stream) {
		p := s.Conn().RemotePeer()
		ws := &watchedStream{Stream: s, n: g.n}
		g.mu.Lock()
		if g.current == nil {
			g.current = map[peer.ID]*watchedStream{}
		}
		if old := g.current[p]; old != nil {
			old.replaced.Store(true)
		}
		g.current[p] = ws
		g.mu.Unlock()
		h(ws)
		g.mu.Lock()
		if g.current[p] == ws {
			delete(g.current, p)
		}
		g.mu.Unlock()
	}
}

type watchedStream struct {
	network.Stream
	n        *Network
	reading  atomic.Bool
	readErr  atomic.Bool
	replaced atomic.Bool
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
	if !w.reading.Load() && !w.readErr.Load() && !w.replaced.Load() && !w.n.closing.Load() && w.reported.CompareAndSwap(false, true) {
		p := w.Conn().RemotePeer()
		w.n.stats.garbageStream()
		w.n.viol.add(p)
		w.n.log.Debug("peer sent undecodable data on a pubsub stream", "from", p.String())
	}
	return w.Stream.Reset()
}
