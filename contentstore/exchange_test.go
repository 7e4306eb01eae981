package contentstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/crucible-net/crucible/gossip"
	"github.com/ipfs/boxo/bitswap"
	bsmsg "github.com/ipfs/boxo/bitswap/message"
	"github.com/ipfs/boxo/bitswap/network/bsnet"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
	mh "github.com/multiformats/go-multihash"
)

// exTestProfile makes small DAGs several levels deep: 1 MiB is 64 leaves
// under 8 inner nodes under the root.
var exTestProfile = Profile{Name: "exchange-test", ChunkSize: 16 << 10, MaxLinks: 8}

// exTestTimeout bounds every fetch that is expected to succeed.
const exTestTimeout = 60 * time.Second

type exTestNode struct {
	s   *Store
	h   gossip.Host
	x   *Exchange
	bad chan exBadReport
}

type exBadReport struct {
	p   gossip.PeerID
	err error
}

// exTestNodeNew opens a store on a fresh loopback host and starts an
// exchange on it; reports of bad peers go to the node's bad channel.
func exTestNodeNew(t testing.TB) *exTestNode {
	t.Helper()
	ctx := context.Background()
	s := pinTestStore(t, t.TempDir())
	h, err := gossip.NewLoopbackHost(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	n := &exTestNode{s: s, h: h, bad: make(chan exBadReport, 16)}
	n.x, err = s.StartExchange(ctx, h, ExchangeOptions{OnBadPeer: func(p gossip.PeerID, err error) {
		select {
		case n.bad <- exBadReport{p, err}:
		default:
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.x.Close(); err != nil {
			t.Error(err)
		}
	})
	return n
}

func (n *exTestNode) addFile(t testing.TB, size int, seed uint64) (cid.Cid, []byte) {
	t.Helper()
	data := pinTestData(size, seed)
	c, err := n.s.AddFile(context.Background(), bytes.NewReader(data), exTestProfile, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, data
}

func (n *exTestNode) info() gossip.AddrInfo { return gossip.AddrInfoOf(n.h) }

// exTestPins returns the pinned CIDs of s.
func exTestPins(t testing.TB, s *Store) []cid.Cid {
	t.Helper()
	pins, err := s.Pins(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []cid.Cid
	for _, p := range pins {
		out = append(out, p.CID)
	}
	return out
}

func exTestFetch(t testing.TB, n *exTestNode, c cid.Cid, o FetchOptions) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), exTestTimeout)
	defer cancel()
	return n.x.Fetch(ctx, c, o)
}

func TestFetch(t *testing.T) {
	tests := []struct {
		name      string
		providers int  // nodes that have the file
		first     bool // name the first provider as First, the rest as Providers
	}{
		{"one provider", 1, false},
		{"two providers", 2, false},
		{"first hint only", 1, true},
		{"first hint and a provider", 2, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := exTestNodeNew(t)
			var o FetchOptions
			var root cid.Cid
			var data []byte
			var first *exTestNode
			for j := range tt.providers {
				p := exTestNodeNew(t)
				root, data = p.addFile(t, 2<<20, uint64(i))
				if j == 0 && tt.first {
					first = p
					o.First = p.info()
				} else {
					o.Providers = append(o.Providers, p.info())
				}
			}
			var last int64
			o.Progress = func(n int64) {
				if n < last {
					t.Errorf("progress went back from %d to %d", last, n)
				}
				last = n
			}
			if err := exTestFetch(t, b, root, o); err != nil {
				t.Fatal(err)
			}
			pinTestExport(t, b.s, root, data)
			select {
			case r := <-b.bad:
				t.Errorf("honest peer %s reported: %v", r.p, r.err)
			default:
			}
			if first != nil {
				// The root was asked of First alone.
				if st, err := first.x.bs.Stat(); err != nil || st.BlocksSent == 0 {
					t.Errorf("First sent no blocks (stat %+v, %v)", st, err)
				}
			}
			if pins := exTestPins(t, b.s); len(pins) != 1 || !pins[0].Equals(root) {
				t.Errorf("pins after fetch = %v, want [%s]", pins, root)
			}
			if last < int64(len(data)) {
				t.Errorf("last progress %d, want at least the file size %d", last, len(data))
			}
			// A second fetch finds everything local.
			if err := exTestFetch(t, b, root, FetchOptions{}); err != nil {
				t.Errorf("fetch again: %v", err)
			}
		})
	}
}

func TestFetchTooLargeByRootClaim(t *testing.T) {
	a, b := exTestNodeNew(t), exTestNodeNew(t)
	root, _ := a.addFile(t, 1<<20, 1)
	err := exTestFetch(t, b, root, FetchOptions{MaxBytes: 512 << 10, Providers: []gossip.AddrInfo{a.info()}})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("fetch = %v, want ErrTooLarge", err)
	}
	// Only the root was fetched: none of its children.
	for _, c := range pinTestLinks(t, a.s, root) {
		if ok, _ := b.s.Has(context.Background(), c); ok {
			t.Errorf("child %s was fetched although the root claims too much", c)
		}
	}
	if pins := exTestPins(t, b.s); len(pins) != 0 {
		t.Errorf("pins after a refused fetch: %v", pins)
	}
}

func TestFetchTooLargeWhileStreaming(t *testing.T) {
	a, b := exTestNodeNew(t), exTestNodeNew(t)
	file, _ := a.addFile(t, 1<<20, 2)
	// A root that lies: it links the file's inner nodes with a size of 1
	// byte each, so it claims a few hundred bytes for a 1 MiB DAG.
	liar := merkledag.NodeWithData(nil)
	for _, c := range pinTestLinks(t, a.s, file) {
		if err := liar.AddRawLink("", &format.Link{Cid: c, Size: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.s.PutBlock(context.Background(), liar.Cid(), liar.RawData()); err != nil {
		t.Fatal(err)
	}
	const limit = 200 << 10
	var last int64
	err := exTestFetch(t, b, liar.Cid(), FetchOptions{
		MaxBytes:  limit,
		Providers: []gossip.AddrInfo{a.info()},
		Progress:  func(n int64) { last = n },
	})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("fetch = %v, want ErrTooLarge", err)
	}
	if last > limit {
		t.Errorf("progress reported %d bytes, beyond the cap %d", last, limit)
	}
	if pins := exTestPins(t, b.s); len(pins) != 0 {
		t.Errorf("pins after an aborted fetch: %v", pins)
	}
	// What was received is unpinned, so GC removes it all.
	if _, err := b.s.GC(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.s.Has(context.Background(), liar.Cid()); ok {
		t.Error("the aborted fetch's root survived GC")
	}
}

func TestFetchNobodyHasIt(t *testing.T) {
	a, b := exTestNodeNew(t), exTestNodeNew(t)
	missing := storeTestRawCID(t, []byte("nobody has this block"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := b.x.Fetch(ctx, missing, FetchOptions{Providers: []gossip.AddrInfo{a.info()}})
	if !errors.Is(err, ErrFetchTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("fetch = %v, want ErrFetchTimeout", err)
	}
	if !strings.Contains(err.Error(), missing.String()) {
		t.Errorf("error %q does not name %s", err, missing)
	}
}

func TestFetchGCDuringFetch(t *testing.T) {
	a, b := exTestNodeNew(t), exTestNodeNew(t)
	root, data := a.addFile(t, 2<<20, 3)
	junk := pinTestRaw(t, b.s, []byte("unpinned, GC removes this"))

	type gcOut struct {
		res GCResult
		err error
	}
	gcDone := make(chan gcOut, 1)
	started := false
	err := exTestFetch(t, b, root, FetchOptions{
		Providers: []gossip.AddrInfo{a.info()},
		Progress: func(int64) {
			if started {
				return
			}
			started = true
			go func() {
				res, err := b.s.GC(context.Background())
				gcDone <- gcOut{res, err}
			}()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	gc := <-gcDone
	if gc.err != nil {
		t.Fatal(gc.err)
	}
	if gc.res.Removed != 1 {
		t.Errorf("GC removed %d blocks, want 1 (the unpinned one)", gc.res.Removed)
	}
	if ok, _ := b.s.Has(context.Background(), junk); ok {
		t.Error("GC did not run: the unpinned block is still there")
	}
	pinTestExport(t, b.s, root, data)
}

// corruptBlockstore serves every block with its first byte flipped, as a
// malicious or broken bitswap provider would.
type corruptBlockstore struct {
	blockstore.Blockstore
}

func (bs corruptBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	b, err := bs.Blockstore.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	data := bytes.Clone(b.RawData())
	data[0] ^= 0xff
	return blocks.NewBlockWithCid(data, c)
}

func TestFetchBadPeerIsDroppedAndReported(t *testing.T) {
	ctx := context.Background()
	honest, b := exTestNodeNew(t), exTestNodeNew(t)
	root, data := honest.addFile(t, 1<<20, 4)

	// The bad peer has the same file but runs plain bitswap over a
	// blockstore that corrupts what it serves.
	bad := pinTestStore(t, t.TempDir())
	if _, err := bad.AddFile(ctx, bytes.NewReader(data), exTestProfile, nil); err != nil {
		t.Fatal(err)
	}
	bh, err := gossip.NewLoopbackHost(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bh.Close() })
	bbs := bitswap.New(ctx, bsnet.NewFromIpfsHost(bh), nil, corruptBlockstore{bad.bs})
	t.Cleanup(func() { bbs.Close() })

	// Ask the bad peer first and only; the honest one is connected once
	// the bad one has been caught, so the fetch must get past it.
	fetched := make(chan error, 1)
	go func() {
		fctx, cancel := context.WithTimeout(ctx, exTestTimeout)
		defer cancel()
		fetched <- b.x.Fetch(fctx, root, FetchOptions{First: gossip.AddrInfoOf(bh)})
	}()
	select {
	case r := <-b.bad:
		if r.p != bh.ID() {
			t.Errorf("reported peer %s, want the bad peer %s", r.p, bh.ID())
		}
		if !errors.Is(r.err, ErrUnwantedBlock) {
			t.Errorf("report error = %v, want ErrUnwantedBlock", r.err)
		}
	case err := <-fetched:
		t.Fatalf("fetch ended before the bad peer was reported: %v", err)
	case <-time.After(exTestTimeout):
		t.Fatal("the bad peer was not reported")
	}
	if err := b.h.Connect(ctx, honest.info()); err != nil {
		t.Fatal(err)
	}
	if err := <-fetched; err != nil {
		t.Fatal(err)
	}
	pinTestExport(t, b.s, root, data)
	if len(b.h.Network().ConnsToPeer(bh.ID())) != 0 {
		t.Error("still connected to the bad peer")
	}
}

func TestExchangeCloseRemovesHandlers(t *testing.T) {
	n := exTestNodeNew(t)
	if err := n.x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.x.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for _, p := range n.h.Mux().Protocols() {
		if strings.Contains(string(p), "bitswap") {
			t.Errorf("handler %s still registered after Close", p)
		}
	}
	// The host is not the exchange's: a new exchange can start on it.
	x, err := n.s.StartExchange(context.Background(), n.h, ExchangeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	err = n.x.Fetch(context.Background(), storeTestRawCID(t, []byte("x")), FetchOptions{})
	if !errors.Is(err, ErrClosed) {
		t.Errorf("fetch after Close = %v, want ErrClosed", err)
	}
}

func TestFetchUnreachableFirstFallsBackToProviders(t *testing.T) {
	a, b := exTestNodeNew(t), exTestNodeNew(t)
	root, data := a.addFile(t, 256<<10, 5)
	gone, err := gossip.NewLoopbackHost(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first := gossip.AddrInfoOf(gone)
	gone.Close()
	err = exTestFetch(t, b, root, FetchOptions{First: first, Providers: []gossip.AddrInfo{a.info()}})
	if err != nil {
		t.Fatal(err)
	}
	pinTestExport(t, b.s, root, data)
}

// TestUnsolicitedBlockDropsPeer: a peer that pushes a block nobody asked
// for (spam, or a block substituted for a wanted one) is disconnected and
// reported, and its block is not stored.
func TestUnsolicitedBlockDropsPeer(t *testing.T) {
	ctx := t.Context()
	a := exTestNodeNew(t)
	bh, err := gossip.NewLoopbackHost(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bh.Close() })
	if err := bh.Connect(ctx, a.info()); err != nil {
		t.Fatal(err)
	}
	// Plain bitswap messages, written by hand.
	net := bsnet.NewFromIpfsHost(bh)
	spam := blocks.NewBlock([]byte("nobody asked for this"))
	msg := bsmsg.New(false)
	msg.AddBlock(spam)
	if err := net.SendMessage(ctx, a.h.ID(), msg); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-a.bad:
		if r.p != bh.ID() || !errors.Is(r.err, ErrUnwantedBlock) || !strings.Contains(r.err.Error(), spam.Cid().String()) {
			t.Errorf("report = %s, %v; want %s and ErrUnwantedBlock naming %s", r.p, r.err, bh.ID(), spam.Cid())
		}
	case <-time.After(exTestTimeout):
		t.Fatal("the peer was not reported")
	}
	if ok, _ := a.s.Has(ctx, spam.Cid()); ok {
		t.Error("the unsolicited block was stored")
	}
	if len(a.h.Network().ConnsToPeer(bh.ID())) != 0 {
		t.Error("still connected to the peer")
	}
}

// TestFetchRefusesWeakHashes: a DAG may link to a CID with a hash function
// or digest length that lets a provider forge the block; the fetch refuses
// it instead of storing whatever arrives.
func TestFetchRefusesWeakHashes(t *testing.T) {
	a, b := exTestNodeNew(t), exTestNodeNew(t)
	data := []byte("weakly named block")
	h, err := mh.Sum(data, mh.SHA2_256, 4) // a 4-byte digest
	if err != nil {
		t.Fatal(err)
	}
	c := cid.NewCidV1(cid.Raw, h)
	blk, err := blocks.NewBlockWithCid(data, c)
	if err != nil {
		t.Fatal(err)
	}
	// Only the store's trusted path takes it; a provider could serve it.
	if err := a.s.packs.putTrusted(blk); err != nil {
		t.Fatal(err)
	}
	err = exTestFetch(t, b, c, FetchOptions{Providers: []gossip.AddrInfo{a.info()}})
	if !errors.Is(err, ErrInvalidCID) {
		t.Errorf("fetch of %s: %v, want ErrInvalidCID", c, err)
	}
	if ok, _ := b.s.Has(t.Context(), c); ok {
		t.Error("the weakly named block was stored")
	}
}

// TestCloseEndsFetchWithoutDeadline: a fetch with no deadline, of content
// nobody has, ends with ErrClosed when the exchange closes.
func TestCloseEndsFetchWithoutDeadline(t *testing.T) {
	n := exTestNodeNew(t)
	missing := storeTestRawCID(t, []byte("nobody has this"))
	done := make(chan error, 1)
	go func() { done <- n.x.Fetch(context.Background(), missing, FetchOptions{}) }()
	// Wait until the fetch has asked for the block.
	deadline := time.Now().Add(exTestTimeout)
	for !n.x.expected(string(missing.Hash())) {
		if time.Now().After(deadline) {
			t.Fatal("the fetch never asked for the block")
		}
		runtime.Gosched()
	}
	if err := n.x.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("fetch after Close: %v, want ErrClosed", err)
		}
	case <-time.After(exTestTimeout):
		t.Fatal("the fetch did not end after Close")
	}
}

// TestFetchShallow: a shallow fetch brings the root block alone, pinned
// directly, whatever it links to.
func TestFetchShallow(t *testing.T) {
	b, p := exTestNodeNew(t), exTestNodeNew(t)
	root, _ := p.addFile(t, 2<<20, 7) // a dag-pb root over raw leaves
	if err := exTestFetch(t, b, root, FetchOptions{Providers: []gossip.AddrInfo{p.info()}, Shallow: true}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := b.s.Has(ctx, root); err != nil || !ok {
		t.Fatalf("root not in the store after a shallow fetch: %v, %v", ok, err)
	}
	pins, err := b.s.Pins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pins) != 1 || !pins[0].CID.Equals(root) || pins[0].Mode != PinDirect {
		t.Errorf("pins after a shallow fetch = %+v, want the root pinned directly", pins)
	}
	if err := b.s.Export(ctx, root, io.Discard); err == nil {
		t.Error("the whole file exports after a shallow fetch; its leaves should not have come")
	}
}
