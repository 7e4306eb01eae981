package contentstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crucible-net/crucible/gossip"
	"github.com/ipfs/boxo/bitswap"
	"github.com/ipfs/boxo/bitswap/client"
	bsmsg "github.com/ipfs/boxo/bitswap/message"
	"github.com/ipfs/boxo/bitswap/network/bsnet"
	"github.com/ipfs/boxo/exchange"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/boxo/verifcid"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// ErrFetchTimeout means a fetch did not get the whole DAG before its
// context's deadline. The error names the CID; nothing of it is pinned.
// Check that a provider is online and reachable, or allow more time.
var ErrFetchTimeout = errors.New("fetch timed out")

// ErrUnwantedBlock is what [ExchangeOptions.OnBadPeer] receives when a peer
// sent a block that no fetch asked for. Bitswap names every received block
// by the hash of its bytes, so a corrupted or substituted block arrives as
// such an unwanted block.
var ErrUnwantedBlock = errors.New("peer sent a block that was not asked for")

// A fetch keeps up to fetchWindow blocks asked for and not yet received,
// asking for them fetchBatch at a time as earlier ones arrive, so that the
// provider is never idle between batches and at most fetchWindow blocks
// (64 MiB of 256 KiB chunks) wait in memory if the store falls behind.
const (
	fetchWindow = 256
	fetchBatch  = 64
)

// stallRetry is how long a fetch waits without receiving any block before
// it asks for the missing ones again.
const stallRetry = 2 * time.Second

// recentWants is how many completed or cancelled wants are remembered, so
// that a second copy of a block that arrives after the fetch got it from
// another provider (normal with several providers) is not taken for a bad
// block.
const recentWants = 1 << 14

// ExchangeOptions configures [Store.StartExchange]. The zero value is valid.
type ExchangeOptions struct {
	// OnBadPeer, if set, is called when a peer misbehaves, with an error
	// saying how (it wraps [ErrUnwantedBlock]). The connection to that
	// peer is closed before the call; deciding more (a ban, a score
	// penalty) is the caller's job. It is called from bitswap's receive
	// path and must not block.
	OnBadPeer func(gossip.PeerID, error)

	// ProviderFinder, if set, is asked for providers when no connected
	// peer has a block (a DHT or a delegated router). Without it a fetch
	// asks only the peers it is connected to and the ones named in
	// [FetchOptions].
	ProviderFinder gossip.ContentDiscovery
}

// Exchange is a bitswap client and server over a libp2p host: it serves the
// store's blocks to peers and fetches DAGs into the store. Create it with
// [Store.StartExchange] and Close it before closing the store. It is safe
// for concurrent use.
type Exchange struct {
	s     *Store
	h     gossip.Host
	bs    *bitswap.Bitswap
	onBad func(gossip.PeerID, error)

	mu      sync.Mutex
	wants   map[string]int      // multihash -> number of fetches that want it
	recent  map[string]struct{} // multihashes of recently ended wants
	recentQ []string            // ring buffer over recent, oldest at recentI
	recentI int

	closed    atomic.Bool
	closing   chan struct{} // closed by Close: fetches in progress end
	closeOnce sync.Once
	drops     sync.WaitGroup
}

// StartExchange starts bitswap on h, serving this store's blocks and
// fetching into it, until Close is called or ctx is cancelled. The store
// does not own h: Close stops bitswap and removes its protocol handlers,
// and leaves h open.
//
// # Notes
//
// Only one exchange may run on a host at a time: bitswap's protocol IDs
// have one handler each.
func (s *Store) StartExchange(ctx context.Context, h gossip.Host, opts ExchangeOptions) (*Exchange, error) {
	if h == nil {
		return nil, errors.New("start exchange: no libp2p host given")
	}
	x := &Exchange{
		s:       s,
		h:       h,
		onBad:   opts.OnBadPeer,
		wants:   make(map[string]int),
		recent:  make(map[string]struct{}),
		recentQ: make([]string, 0, recentWants),
		closing: make(chan struct{}),
	}
	// Tuned for a few large blocks rather than many small ones
	// (docs/BENCHMARKS.md has the measurements): a provider keeps 4 MiB
	// per peer in flight and packs blocks into messages of up to 1 MiB
	// instead of one 256 KiB block per stream, and a fetcher waits 2 s,
	// not 50 ms, before it takes a busy provider's silence for "I don't
	// have it".
	dontHave := client.DefaultDontHaveTimeoutConfig()
	dontHave.MinTimeout = 2 * time.Second
	dontHave.MaxTimeout = max(dontHave.MaxTimeout, dontHave.MinTimeout)
	x.bs = bitswap.New(ctx, bsnet.NewFromIpfsHost(h), opts.ProviderFinder, s.bs,
		bitswap.WithTracer((*wantTracer)(x)),
		bitswap.MaxOutstandingBytesPerPeer(4<<20),
		bitswap.WithTargetMessageSize(1<<20),
		bitswap.EngineTaskWorkerCount(4),
		bitswap.TaskWorkerCount(4),
		bitswap.WithoutDuplicatedBlockStats(),
		bitswap.WithClientOption(client.WithDontHaveTimeoutConfig(dontHave)),
	)
	return x, nil
}

// Close stops bitswap and removes its stream handlers from the host. It is
// safe to call more than once. Fetches in progress fail.
func (x *Exchange) Close() error {
	var err error
	x.closeOnce.Do(func() {
		x.closed.Store(true)
		close(x.closing)
		err = x.bs.Close()
		// bsnet registers these (its default protocols) and never
		// removes them.
		x.h.RemoveStreamHandler(bsnet.ProtocolBitswap)
		x.h.RemoveStreamHandler(bsnet.ProtocolBitswapOneOne)
		x.h.RemoveStreamHandler(bsnet.ProtocolBitswapOneZero)
		x.h.RemoveStreamHandler(bsnet.ProtocolBitswapNoVers)
		x.drops.Wait()
	})
	if err != nil {
		return fmt.Errorf("stop bitswap: %w", err)
	}
	return nil
}

// FetchOptions bounds and steers one [Exchange.Fetch].
type FetchOptions struct {
	// MaxBytes caps the sum of the sizes of the DAG's blocks: for a UnixFS
	// file, its size plus under 1% of structure. 0 means no cap.
	MaxBytes int64

	// Progress, if set, is called after each block with the number of
	// bytes of the DAG in the store so far (blocks that were already
	// there count too). It is called from the fetching goroutine.
	Progress func(received int64)

	// First, if its ID is set, is the peer to ask first (a submission's
	// miner): the fetch connects to it and asks for the root before it
	// connects to Providers (peers already connected are asked too). If
	// First cannot be reached, or the root does not come within a few
	// seconds, the fetch goes on with Providers.
	First gossip.AddrInfo

	// Providers are more peers to connect to before fetching. Bitswap
	// then fetches from all connected peers that have the blocks.
	Providers []gossip.AddrInfo

	// Shallow fetches the root block alone, not the blocks it links to,
	// and pins it directly: for a block whose links reach beyond what the
	// caller needs (a page of an epoch record links miners' outputs, and
	// a record links the previous one).
	Shallow bool
}

// Fetch gets the whole DAG under root (the root alone with o.Shallow) into
// the store over bitswap, from o.First, o.Providers and any other connected
// peer that has its blocks, and pins it recursively once it is complete. Blocks already in the store are
// not fetched again. Every block is hash-checked on arrival.
//
// The fetch holds the store's pin lock throughout, so [Store.GC] waits for
// it and never removes a block being fetched.
//
// # Errors
//
//   - [ErrFetchTimeout] (with the CID) when ctx's deadline passes first.
//     Without a deadline, a fetch of content nobody has waits until ctx
//     is cancelled.
//   - [ErrTooLarge] when the root claims more than o.MaxBytes (checked
//     before anything else is fetched) or the blocks received exceed it.
//   - [ErrClosed] after Close.
//
// On any error nothing is pinned; blocks already received stay unpinned
// until the next GC.
func (x *Exchange) Fetch(ctx context.Context, root cid.Cid, o FetchOptions) error {
	if x.closed.Load() {
		return fmt.Errorf("fetch %s: exchange: %w", root, ErrClosed)
	}
	if !root.Defined() {
		return fmt.Errorf("fetch: %w: empty CID", ErrInvalidCID)
	}
	unlock := x.s.bs.PinLock(ctx)
	defer unlock.Unlock(ctx)

	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := &fetch{x: x, root: root, o: o, seen: cid.NewSet()}
	// With a reachable First, only it is connected (by this fetch) while
	// the root is asked for, so a miner serves its own submission; the
	// other providers join for the rest, or when the root stalls.
	if o.First.ID != "" {
		if err := x.connect(ctx, []gossip.AddrInfo{o.First}); err != nil {
			f.connErrs = append(f.connErrs, err)
			f.connectMore(ctx)
		}
	} else {
		f.connectMore(ctx)
	}
	f.sess = x.bs.NewSession(fctx)
	if err := f.run(fctx); err != nil {
		return x.fetchErr(ctx, root, f, err)
	}
	if err := x.s.pinLocked(ctx, root, !o.Shallow); err != nil {
		return fmt.Errorf("fetch %s: %w", root, err)
	}
	return nil
}

// connect dials peers. Failures do not stop a fetch (another peer may
// have the content); they are kept to explain a timeout.
func (x *Exchange) connect(ctx context.Context, peers []gossip.AddrInfo) error {
	var errs []error
	for _, ai := range peers {
		if ai.ID == x.h.ID() {
			continue
		}
		if err := x.h.Connect(ctx, ai); err != nil {
			errs = append(errs, fmt.Errorf("connect to %s: %w", ai.ID, err))
		}
	}
	return errors.Join(errs...)
}

// connectMore connects to o.Providers, once.
func (f *fetch) connectMore(ctx context.Context) {
	if f.connected {
		return
	}
	f.connected = true
	if err := f.x.connect(ctx, f.o.Providers); err != nil {
		f.connErrs = append(f.connErrs, err)
	}
}

func (x *Exchange) fetchErr(ctx context.Context, root cid.Cid, f *fetch, err error) error {
	connErrs := errors.Join(f.connErrs...)
	switch {
	case errors.Is(err, ErrTooLarge):
		return fmt.Errorf("fetch %s: %w", root, err)
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		msg := fmt.Sprintf("fetch %s: %%w after %d blocks (%d bytes): make sure a peer that has it is online and reachable, or allow more time (%%w)", root, f.blocks, f.received)
		if connErrs != nil {
			return fmt.Errorf(msg+"; %w", ErrFetchTimeout, context.DeadlineExceeded, connErrs)
		}
		return fmt.Errorf(msg, ErrFetchTimeout, context.DeadlineExceeded)
	case x.closed.Load():
		return fmt.Errorf("fetch %s: exchange: %w", root, ErrClosed)
	default:
		return fmt.Errorf("fetch %s: %w", root, err)
	}
}

// fetch is the state of one Exchange.Fetch.
type fetch struct {
	x        *Exchange
	root     cid.Cid
	o        FetchOptions
	sess     exchange.Fetcher
	seen     *cid.Set
	received int64 // bytes of the DAG in the store so far
	blocks   int

	connected bool // connectMore ran
	connErrs  []error
}

// run gets the root alone (its claimed size is checked before anything
// else is asked for), then the rest of the DAG breadth first.
func (f *fetch) run(ctx context.Context) error {
	f.seen.Add(f.root)
	links, err := f.getAll(ctx, []cid.Cid{f.root}, true)
	if err != nil || f.o.Shallow {
		return err
	}
	f.connectMore(ctx)
	_, err = f.getAll(ctx, links, false)
	return err
}

// getAll makes sure the blocks ks, and every block they link to that was
// not seen yet, are in the store. Blocks in the store are read; the others
// are asked for in batches of fetchBatch on the session, keeping up to
// fetchWindow outstanding, and each arriving block's links join the queue.
// With isRoot, ks is the root alone and its links are returned instead of
// followed.
func (f *fetch) getAll(ctx context.Context, ks []cid.Cid, isRoot bool) ([]cid.Cid, error) {
	queue := slices.Clone(ks)
	var rootLinks []cid.Cid
	follow := func(links []cid.Cid) {
		if isRoot {
			rootLinks = append(rootLinks, links...)
		} else {
			queue = append(queue, links...)
		}
	}
	w := newWantWindow(f.x, f.sess)
	defer w.close()
	timer := time.NewTimer(stallRetry)
	defer timer.Stop()
	for {
		// Fill the window: blocks already stored are taken at once,
		// the others asked for.
		var batch []cid.Cid
		for len(queue) > 0 && w.len()+len(batch) < fetchWindow {
			c := queue[0]
			queue = queue[1:]
			// Bitswap takes any hash function; a weak or truncated
			// one would let a provider substitute the block.
			if err := verifcid.ValidateCid(verifcid.DefaultAllowlist, c); err != nil {
				return nil, fmt.Errorf("%w: block %s: %v", ErrInvalidCID, c, err)
			}
			links, stored, err := f.local(ctx, c, isRoot)
			if err != nil {
				return nil, err
			}
			if stored {
				follow(links)
				continue
			}
			batch = append(batch, c)
			if len(batch) == fetchBatch {
				if err := w.ask(ctx, batch); err != nil {
					return nil, err
				}
				batch = nil
			}
		}
		if len(batch) > 0 {
			if err := w.ask(ctx, batch); err != nil {
				return nil, err
			}
		}
		if w.len() == 0 && len(queue) == 0 {
			return rootLinks, nil
		}
		select {
		case b := <-w.blocks:
			timer.Reset(stallRetry)
			if !w.got(b.Cid()) {
				continue // a second copy
			}
			// Bitswap named the block by hashing what arrived.
			if err := f.x.s.packs.putTrusted(b); err != nil {
				return nil, blockErr(b.Cid(), err)
			}
			if err := f.x.bs.Server.NotifyNewBlocks(ctx, b); err != nil {
				return nil, fmt.Errorf("announce block %s: %w", b.Cid(), err)
			}
			var data []byte
			if isRoot {
				data = b.RawData()
			}
			links, err := f.accept(ctx, b.Cid(), len(b.RawData()), data)
			if err != nil {
				return nil, err
			}
			follow(links)
		case <-timer.C:
			// Nothing arrived for a while: ask every connected peer
			// afresh, in a new session, for what is still missing.
			f.connectMore(ctx)
			f.sess = f.x.bs.NewSession(ctx)
			if err := w.restart(ctx, f.sess); err != nil {
				return nil, err
			}
			timer.Reset(stallRetry)
		case <-f.x.closing:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// local takes block c from the store if it is there, counting it and
// returning its links not seen yet.
func (f *fetch) local(ctx context.Context, c cid.Cid, isRoot bool) (links []cid.Cid, stored bool, err error) {
	size, err := f.x.s.bs.GetSize(ctx, c)
	if format.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, blockErr(c, err)
	}
	var data []byte
	if isRoot {
		// The root's bytes state the claimed size.
		b, err := f.x.s.bs.Get(ctx, c)
		if err != nil {
			return nil, false, blockErr(c, err)
		}
		data = b.RawData()
	}
	links, err = f.accept(ctx, c, size, data)
	return links, true, err
}

// wantWindow is the set of blocks a fetch has asked for and not yet
// received, with the bitswap requests that ask for them. Their blocks all
// arrive on one channel.
type wantWindow struct {
	x      *Exchange
	sess   exchange.Fetcher
	wanted map[string]cid.Cid // by multihash
	blocks chan blocks.Block
	reqs   []context.CancelFunc
	quit   chan struct{}
	wg     sync.WaitGroup
}

func newWantWindow(x *Exchange, sess exchange.Fetcher) *wantWindow {
	return &wantWindow{x: x, sess: sess, wanted: make(map[string]cid.Cid), blocks: make(chan blocks.Block), quit: make(chan struct{})}
}

func (w *wantWindow) len() int { return len(w.wanted) }

// ask starts a request for ks.
func (w *wantWindow) ask(ctx context.Context, ks []cid.Cid) error {
	for _, c := range ks {
		w.wanted[string(c.Hash())] = c
	}
	w.x.want(ks)
	return w.request(ctx, ks)
}

func (w *wantWindow) request(ctx context.Context, ks []cid.Cid) error {
	rctx, cancel := context.WithCancel(ctx)
	ch, err := w.sess.GetBlocks(rctx, ks)
	if err != nil {
		cancel()
		return err
	}
	w.reqs = append(w.reqs, cancel)
	w.wg.Go(func() {
		for b := range ch {
			select {
			case w.blocks <- b:
			case <-w.quit:
				cancel()
				for range ch {
				}
				return
			}
		}
	})
	return nil
}

// got records that c arrived; false means it was not wanted (any more).
func (w *wantWindow) got(c cid.Cid) bool {
	w.x.done(c)
	k := string(c.Hash())
	if _, ok := w.wanted[k]; !ok {
		return false
	}
	delete(w.wanted, k)
	return true
}

// restart cancels every request and asks sess for everything still
// wanted.
func (w *wantWindow) restart(ctx context.Context, sess exchange.Fetcher) error {
	w.stop()
	w.sess = sess
	w.quit = make(chan struct{})
	ks := slices.Collect(maps.Values(w.wanted))
	for len(ks) > 0 {
		n := min(len(ks), fetchBatch)
		if err := w.request(ctx, ks[:n]); err != nil {
			return err
		}
		ks = ks[n:]
	}
	return nil
}

// stop cancels every request and waits for their goroutines.
func (w *wantWindow) stop() {
	close(w.quit)
	for _, cancel := range w.reqs {
		cancel()
	}
	w.reqs = nil
	w.wg.Wait()
}

// close stops the requests and ends the wants still open.
func (w *wantWindow) close() {
	w.stop()
	w.x.unwant(slices.Collect(maps.Values(w.wanted)))
}

// accept counts block c of size bytes against the cap, reports progress and
// returns c's links not seen yet. rootData is the block's bytes if c is the
// root, whose claimed size is checked first.
func (f *fetch) accept(ctx context.Context, c cid.Cid, size int, rootData []byte) ([]cid.Cid, error) {
	if rootData != nil && f.o.MaxBytes > 0 {
		if claim := claimedSize(c, rootData); claim > uint64(f.o.MaxBytes) {
			return nil, fmt.Errorf("%w: root %s claims %d bytes, the cap is %d", ErrTooLarge, c, claim, f.o.MaxBytes)
		}
	}
	f.blocks++
	f.received += int64(size)
	if f.o.MaxBytes > 0 && f.received > f.o.MaxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes received, the cap", ErrTooLarge, f.o.MaxBytes)
	}
	if f.o.Progress != nil {
		f.o.Progress(f.received)
	}
	if c.Prefix().Codec == cid.Raw {
		return nil, nil
	}
	ls, err := format.GetLinks(ctx, f.x.s.dag, c)
	if err != nil {
		return nil, fmt.Errorf("read links of block %s: %w", c, err)
	}
	var out []cid.Cid
	for _, l := range ls {
		if f.seen.Visit(l.Cid) {
			out = append(out, l.Cid)
		}
	}
	return out, nil
}

// claimedSize is the size of the whole DAG that its root block claims: the
// cumulative size of a dag-pb node (or its UnixFS file size if larger), or
// the block's own length for other codecs, whose links claim nothing.
func claimedSize(c cid.Cid, data []byte) uint64 {
	n := uint64(len(data))
	if c.Prefix().Codec != cid.DagProtobuf {
		return n
	}
	pn, err := merkledag.DecodeProtobuf(data)
	if err != nil {
		return n
	}
	if s, err := pn.Size(); err == nil && s > n {
		n = s
	}
	if fsn, err := unixfs.FSNodeFromBytes(pn.Data()); err == nil && fsn.FileSize() > n {
		n = fsn.FileSize()
	}
	return n
}

// want records that a fetch is waiting for ks.
func (x *Exchange) want(ks []cid.Cid) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range ks {
		x.wants[string(c.Hash())]++
	}
}

// done records that a fetch received c; later copies of it are expected.
func (x *Exchange) done(c cid.Cid) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.endWantLocked(string(c.Hash()))
}

// unwant ends the wants of ks that are still open (the fetch is over).
func (x *Exchange) unwant(ks []cid.Cid) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range ks {
		k := string(c.Hash())
		if _, ok := x.recent[k]; ok && x.wants[k] == 0 {
			continue // already ended by done
		}
		x.endWantLocked(k)
	}
}

func (x *Exchange) endWantLocked(k string) {
	if x.wants[k] > 1 {
		x.wants[k]--
	} else {
		delete(x.wants, k)
	}
	if _, ok := x.recent[k]; ok {
		return
	}
	if len(x.recentQ) < recentWants {
		x.recentQ = append(x.recentQ, k)
	} else {
		delete(x.recent, x.recentQ[x.recentI])
		x.recentQ[x.recentI] = k
		x.recentI = (x.recentI + 1) % recentWants
	}
	x.recent[k] = struct{}{}
}

// expected reports whether a block with multihash k may arrive.
func (x *Exchange) expected(k string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.wants[k] > 0 {
		return true
	}
	_, ok := x.recent[k]
	return ok
}

// drop closes the connection to p and reports it.
func (x *Exchange) drop(p gossip.PeerID, err error) {
	if x.closed.Load() {
		return
	}
	x.drops.Add(1)
	// Not on bitswap's receive goroutine: closing the peer's
	// connections waits for its streams.
	go func() {
		defer x.drops.Done()
		_ = x.h.Network().ClosePeer(p)
		if x.onBad != nil {
			x.onBad(p, err)
		}
	}()
}

// wantTracer sees every bitswap message the exchange receives and reports
// peers that send blocks no fetch asked for.
type wantTracer Exchange

func (t *wantTracer) MessageReceived(p gossip.PeerID, m bsmsg.BitSwapMessage) {
	x := (*Exchange)(t)
	for _, b := range m.Blocks() {
		if !x.expected(string(b.Cid().Hash())) {
			x.drop(p, fmt.Errorf("%w: block %s", ErrUnwantedBlock, b.Cid()))
			return
		}
	}
}

func (t *wantTracer) MessageSent(gossip.PeerID, bsmsg.BitSwapMessage) {}
