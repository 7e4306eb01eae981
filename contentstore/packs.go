package contentstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/verifcid"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
	mh "github.com/multiformats/go-multihash"
)

// ErrDiskFull means a write failed because the file system holding the
// data directory is full. Nothing already stored is damaged: the failed
// write is undone, and nothing of it is pinned. Free space (for example
// with `crucible content gc`) and try again.
var ErrDiskFull = errors.New("disk full")

// Pack files. Blocks are appended to pack files under <datadir>/blocks and
// found through an index in the metadata store (pebble). A pack file is
// packMagic followed by records in the section format of CARv1:
//
//	uvarint(len(cid) + len(data)) | cid | data
//
// so a pack reads like the body of a CAR file and the index could be
// rebuilt from the packs alone.
//
// Durability. Appends go to the operating system's page cache; nothing is
// fsynced per block. [packStore.sync] is the commit point: it fdatasyncs
// every pack appended to since the last sync and then writes the index
// entries of the new blocks, with the durable length of each pack, in one
// synced pebble batch. The index therefore never names bytes that are not
// on disk, and after a crash (kill -9 or power loss) every pack is cut back
// to its durable length on open: blocks appended after the last sync are
// gone, blocks before it are intact. Callers sync before they acknowledge
// anything (a pin, a returned PutBlock), so nothing acknowledged is lost.
// docs/RATIONALE.md explains why the store is not flatfs.
const (
	packMagic = "crucible-pack-v1\n"
	packExt   = ".pack"

	// maxPackSize is the size at which appends roll over to a new pack.
	// Garbage collection rewrites a pack once less than half of it is
	// live, so smaller packs reclaim space sooner; larger ones mean
	// fewer files.
	maxPackSize = 256 << 20

	// defaultReserve is the disk space the store leaves free: appends
	// stop with ErrDiskFull when less would remain. Pebble, which holds
	// the index and the pins, treats a failed write to its log as fatal
	// and exits the process, so it must never be the one to find the
	// disk full; the reserve keeps room for its log, its flushes and
	// compactions, and for garbage collection to record deletions.
	defaultReserve = 64 << 20

	// writebackEvery is how many appended bytes make the store ask the
	// kernel to start writing a pack's dirty pages to disk, so that the
	// fdatasync at the next sync finds most of them written already.
	writebackEvery = 8 << 20
)

// Keys in the metadata store. The datastore that holds the pins uses keys
// beginning with "/"; these begin with a zero byte, so the two never meet.
var (
	idxPrefix  = []byte("\x00blk/")  // + multihash → packLoc
	packPrefix = []byte("\x00pack/") // + big-endian pack id → uvarint durable length
)

// packLoc is where a record is: its pack, the offset of the record in the
// pack, the length of its header and the length of its data, with the
// CRC-32C of the data.
//
// Reads check the checksum, not the CID's hash: every block was hashed
// when it entered the store (by Put, or by the import or bitswap that
// named it), and the checksum catches what goes wrong on disk later at a
// small fraction of the cost of SHA-256, which matters most when serving
// blocks to peers. Peers hash what they receive anyway.
type packLoc struct {
	pack uint32
	off  int64
	hdr  uint32
	n    uint32
	sum  uint32
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (l packLoc) encode() []byte {
	b := make([]byte, 0, 4*binary.MaxVarintLen64+4)
	b = binary.AppendUvarint(b, uint64(l.pack))
	b = binary.AppendUvarint(b, uint64(l.off))
	b = binary.AppendUvarint(b, uint64(l.hdr))
	b = binary.AppendUvarint(b, uint64(l.n))
	return binary.BigEndian.AppendUint32(b, l.sum)
}

func decodeLoc(b []byte) (packLoc, error) {
	var v [4]uint64
	for i := range v {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			return packLoc{}, errors.New("damaged index entry")
		}
		v[i], b = x, b[n:]
	}
	if len(b) != 4 || v[0] > 1<<32-1 || v[1] > 1<<62 || v[2] > 1<<16 || v[3] > 1<<32-1 {
		return packLoc{}, errors.New("damaged index entry")
	}
	return packLoc{pack: uint32(v[0]), off: int64(v[1]), hdr: uint32(v[2]), n: uint32(v[3]), sum: binary.BigEndian.Uint32(b)}, nil
}

func idxKey(hash mh.Multihash) []byte {
	return append(slices.Clip(idxPrefix), hash...)
}

func packKey(id uint32) []byte {
	return binary.BigEndian.AppendUint32(slices.Clip(packPrefix), id)
}

// packFile is one open pack. Readers hold mu for reading while they read,
// so that compaction, which takes it for writing before it closes and
// removes the file, never pulls a file from under a read.
type packFile struct {
	id   uint32
	path string
	f    *os.File

	mu      sync.RWMutex
	removed bool // closed and deleted by compaction; look the block up again

	// Set only by the writer, under packStore.wmu.
	size      int64 // end of the last record: where the next append goes
	kicked    int64 // bytes handed to writeback so far
	new       bool  // created since the last sync: the directory needs a sync
	failedErr error // an append to this pack failed and was cut off
}

// packStore is a blockstore.Blockstore of pack files and an index.
//
// Locks, always taken in this order: syncMu (one sync or delete at a time),
// wmu (the writer: the active pack and its offsets), mu (the maps).
type packStore struct {
	dir string
	db  *pebble.DB

	syncMu sync.Mutex
	wmu    sync.Mutex
	mu     sync.RWMutex

	// Under mu.
	packs   map[uint32]*packFile
	pending map[string]packLoc   // appended since the last sync began, by multihash
	syncing map[string]packLoc   // being made durable by the sync in progress
	dirty   map[uint32]*packFile // appended to since the last sync began
	nextID  uint32               // id of the next pack to create
	failed  error                // sticky: a sync failed, so what is on disk is unknown
	closed  bool

	// Under wmu.
	active *packFile
	budget int64 // bytes that may be appended before the next look at the free space

	reserve int64 // disk space left free; defaultReserve but in tests

	writeback chan writebackRange
	flushDone chan struct{}
}

type writebackRange struct {
	p        *packFile
	off, len int64
}

var _ blockstore.Blockstore = (*packStore)(nil)

// openPacks opens the pack files in dir, creating it if needed, and cuts
// every pack back to the length its last sync recorded.
func openPacks(dir string, db *pebble.DB) (*packStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create block directory: %w", err)
	}
	ps := &packStore{
		dir:       dir,
		db:        db,
		packs:     make(map[uint32]*packFile),
		pending:   make(map[string]packLoc),
		dirty:     make(map[uint32]*packFile),
		nextID:    1,
		reserve:   defaultReserve,
		writeback: make(chan writebackRange, 64),
		flushDone: make(chan struct{}),
	}
	if err := ps.recover(); err != nil {
		ps.closeFiles()
		return nil, err
	}
	go ps.flusher()
	return ps, nil
}

// recover opens every pack named in the index or present on disk. A pack
// on disk that no sync recorded held only unacknowledged appends and is
// removed; a pack longer than its recorded length is cut back to it.
func (ps *packStore) recover() error {
	durable := make(map[uint32]int64)
	it, err := ps.db.NewIter(&pebble.IterOptions{LowerBound: packPrefix, UpperBound: prefixEnd(packPrefix)})
	if err != nil {
		return fmt.Errorf("read pack list: %w", err)
	}
	for it.First(); it.Valid(); it.Next() {
		k := it.Key()[len(packPrefix):]
		n, m := binary.Uvarint(it.Value())
		if len(k) != 4 || m <= 0 {
			it.Close()
			return fmt.Errorf("read pack list: damaged entry %x", it.Key())
		}
		durable[binary.BigEndian.Uint32(k)] = int64(n)
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("read pack list: %w", err)
	}

	entries, err := os.ReadDir(ps.dir)
	if err != nil {
		return fmt.Errorf("read block directory: %w", err)
	}
	onDisk := make(map[uint32]bool)
	for _, e := range entries {
		id, ok := parsePackName(e.Name())
		if !ok {
			continue
		}
		onDisk[id] = true
		ps.nextID = max(ps.nextID, id+1)
		path := filepath.Join(ps.dir, e.Name())
		n, ok := durable[id]
		if !ok {
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("remove unsynced pack %s: %w", path, err)
			}
			continue
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("open pack %s: %w", path, err)
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return fmt.Errorf("open pack %s: %w", path, err)
		}
		p := &packFile{id: id, path: path, f: f, size: n, kicked: n}
		switch {
		case fi.Size() > n:
			if err := f.Truncate(n); err != nil {
				f.Close()
				return fmt.Errorf("cut pack %s back to its last sync: %w", path, err)
			}
		case fi.Size() < n:
			// Synced bytes are gone: the disk or the file system
			// lost them. Reading the blocks there fails as damage;
			// append to a new pack.
			p.size = fi.Size()
			p.failedErr = fmt.Errorf("pack %s is %d bytes, shorter than the %d bytes synced to it", path, fi.Size(), n)
		}
		ps.packs[id] = p
	}
	for id := range durable {
		ps.nextID = max(ps.nextID, id+1)
		if !onDisk[id] {
			return fmt.Errorf("pack %s is recorded in the index but missing from %s: the block directory was damaged or moved", packName(id), ps.dir)
		}
	}
	// Keep appending to the newest pack if it has room, rather than
	// starting a file per process.
	var newest *packFile
	for _, p := range ps.packs {
		if newest == nil || p.id > newest.id {
			newest = p
		}
	}
	if newest != nil && newest.size < maxPackSize {
		ps.active = newest
	}
	return nil
}

func packName(id uint32) string { return fmt.Sprintf("%08d%s", id, packExt) }

func parsePackName(name string) (uint32, bool) {
	base, ok := strings.CutSuffix(name, packExt)
	if !ok || len(base) != 8 {
		return 0, false
	}
	n, err := strconv.ParseUint(base, 10, 32)
	if err != nil || n == 0 {
		return 0, false
	}
	return uint32(n), true
}

// prefixEnd is the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := slices.Clone(p)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// lookup finds the record of multihash h: appended and not yet synced, or
// in the index.
func (ps *packStore) lookup(h mh.Multihash) (packLoc, bool, error) {
	// Held across the index read too: close waits for it, so pebble is
	// never read after it is closed.
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	if ps.closed {
		return packLoc{}, false, ErrClosed
	}
	loc, ok := ps.pending[string(h)]
	if !ok {
		loc, ok = ps.syncing[string(h)]
	}
	if ok {
		return loc, true, nil
	}
	v, closer, err := ps.db.Get(idxKey(h))
	if errors.Is(err, pebble.ErrNotFound) {
		return packLoc{}, false, nil
	}
	if err != nil {
		return packLoc{}, false, fmt.Errorf("read block index: %w", err)
	}
	loc, err = decodeLoc(v)
	closer.Close()
	if err != nil {
		return packLoc{}, false, fmt.Errorf("read block index for %s: %w", h.B58String(), err)
	}
	return loc, true, nil
}

// Has reports whether the block is stored.
func (ps *packStore) Has(_ context.Context, c cid.Cid) (bool, error) {
	_, ok, err := ps.lookup(c.Hash())
	return ok, err
}

// GetSize returns the size of the block's data without reading it.
func (ps *packStore) GetSize(_ context.Context, c cid.Cid) (int, error) {
	loc, ok, err := ps.lookup(c.Hash())
	if err != nil {
		return -1, err
	}
	if !ok {
		return -1, format.ErrNotFound{Cid: c}
	}
	return int(loc.n), nil
}

// Get reads the block and checks it against the checksum taken when it was
// stored.
func (ps *packStore) Get(_ context.Context, c cid.Cid) (blocks.Block, error) {
	data, err := ps.read(c)
	if err != nil {
		return nil, err
	}
	return blocks.NewBlockWithCid(data, c)
}

// read returns the data of the record for c's multihash, looking it up
// again if compaction moved it meanwhile.
func (ps *packStore) read(c cid.Cid) ([]byte, error) {
	for range 3 {
		loc, ok, err := ps.lookup(c.Hash())
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, format.ErrNotFound{Cid: c}
		}
		_, data, moved, err := ps.readAt(loc, c.Hash())
		if moved {
			continue
		}
		return data, err
	}
	return nil, fmt.Errorf("block %s: moved repeatedly while being read", c)
}

// readAt reads the record at loc and returns its CID and data, after
// checking that the record is the one for multihash h. moved reports that
// compaction removed the pack meanwhile.
func (ps *packStore) readAt(loc packLoc, h mh.Multihash) (c cid.Cid, data []byte, moved bool, err error) {
	ps.mu.RLock()
	p := ps.packs[loc.pack]
	ps.mu.RUnlock()
	if p == nil {
		return cid.Undef, nil, true, nil
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.removed {
		return cid.Undef, nil, true, nil
	}
	rec := make([]byte, int(loc.hdr)+int(loc.n))
	if _, err := p.f.ReadAt(rec, loc.off); err != nil {
		if errors.Is(err, io.EOF) {
			// The index names bytes past the end of the pack.
			return cid.Undef, nil, false, fmt.Errorf("pack %s at %d: %w: the pack ends early", p.path, loc.off, blockstore.ErrHashMismatch)
		}
		return cid.Undef, nil, false, fmt.Errorf("read pack %s at %d: %w", p.path, loc.off, err)
	}
	c, data, err = parseRecord(rec, int(loc.hdr))
	if err != nil {
		return cid.Undef, nil, false, fmt.Errorf("pack %s at %d: %w: %w", p.path, loc.off, blockstore.ErrHashMismatch, err)
	}
	if !slices.Equal(c.Hash(), h) {
		return cid.Undef, nil, false, fmt.Errorf("pack %s at %d holds %s: %w", p.path, loc.off, c, blockstore.ErrHashMismatch)
	}
	if crc32.Checksum(data, castagnoli) != loc.sum {
		return cid.Undef, nil, false, fmt.Errorf("pack %s at %d: %w: the checksum of %s's bytes is wrong", p.path, loc.off, blockstore.ErrHashMismatch, c)
	}
	return c, data, false, nil
}

// recordHeader returns the header of a record for c with n bytes of data.
func recordHeader(c cid.Cid, n int) []byte {
	cb := c.Bytes()
	h := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(cb)), uint64(len(cb)+n))
	return append(h, cb...)
}

// parseRecord splits a record with a header of hdr bytes into its CID and
// data, checking that the header agrees with the record's length.
func parseRecord(rec []byte, hdr int) (cid.Cid, []byte, error) {
	l, m := binary.Uvarint(rec)
	if m <= 0 || l != uint64(len(rec)-m) || hdr < m || hdr > len(rec) {
		return cid.Undef, nil, errors.New("damaged record header")
	}
	n, c, err := cid.CidFromBytes(rec[m:hdr])
	if err != nil || m+n != hdr {
		return cid.Undef, nil, errors.New("damaged record header")
	}
	return c, rec[hdr:], nil
}

// Put stores the block after checking that its bytes hash to its CID and
// that the CID's hash function is allowed.
func (ps *packStore) Put(ctx context.Context, b blocks.Block) error {
	if err := checkBlock(b); err != nil {
		return err
	}
	return ps.putTrusted(b)
}

// PutMany is Put for each block.
func (ps *packStore) PutMany(ctx context.Context, bs []blocks.Block) error {
	for _, b := range bs {
		if err := checkBlock(b); err != nil {
			return err
		}
	}
	for _, b := range bs {
		if err := ps.putTrusted(b); err != nil {
			return err
		}
	}
	return nil
}

// checkBlock refuses blocks whose bytes do not hash to their CID or whose
// CID uses a hash function that is not allowed.
func checkBlock(b blocks.Block) error {
	c := b.Cid()
	if err := verifcid.ValidateCid(verifcid.DefaultAllowlist, c); err != nil {
		return err
	}
	sum, err := c.Prefix().Sum(b.RawData())
	if err != nil {
		return err
	}
	if !sum.Equals(c) {
		return blockstore.ErrHashMismatch
	}
	return nil
}

// putTrusted appends a block whose CID its caller computed from its bytes
// (an import hashes each block to name it; bitswap names each received
// block by hashing it), so it is not hashed again. A block already stored
// is not written again. The block is not durable until the next sync.
func (ps *packStore) putTrusted(b blocks.Block) error {
	c := b.Cid()
	if _, ok, err := ps.lookup(c.Hash()); err != nil || ok {
		return err
	}
	return ps.appendRecord(c, b.RawData(), nil)
}

// appendRecord appends a record for c to the active pack and makes it the
// block's location. If from is not nil (compaction moving a record), it
// does so only if the block is still at *from. The caller holds no lock.
func (ps *packStore) appendRecord(c cid.Cid, data []byte, from *packLoc) error {
	hdr := recordHeader(c, len(data))
	n := int64(len(hdr) + len(data))
	if uint64(len(data)) > 1<<32-1 {
		return fmt.Errorf("block %s: %w: %d bytes", c, ErrTooLarge, len(data))
	}
	sum := crc32.Checksum(data, castagnoli)

	ps.wmu.Lock()
	defer ps.wmu.Unlock()
	if err := ps.writable(); err != nil {
		return err
	}
	if from != nil {
		if loc, ok, err := ps.lookup(c.Hash()); err != nil || !ok || loc != *from {
			return err
		}
	}
	// Compaction may use half of the reserve: what it appends, it
	// gives back with interest when the old pack goes.
	reserve := ps.reserve
	if from != nil {
		reserve /= 2
	}
	if err := ps.takeSpace(n, reserve); err != nil {
		return fmt.Errorf("append block %s: %w", c, err)
	}
	p, err := ps.activePack(n)
	if err != nil {
		return err
	}
	off := p.size
	_, err = p.f.WriteAt(hdr, off)
	if err == nil {
		_, err = p.f.WriteAt(data, off+int64(len(hdr)))
	}
	if err != nil {
		// Cut the partial record off so the next append starts clean.
		if terr := p.f.Truncate(off); terr != nil {
			p.failedErr = terr
		}
		return fmt.Errorf("append block %s to %s: %w", c, p.path, writeErr(err))
	}
	p.size = off + n

	ps.mu.Lock()
	ps.pending[string(c.Hash())] = packLoc{pack: p.id, off: off, hdr: uint32(len(hdr)), n: uint32(len(data)), sum: sum}
	ps.dirty[p.id] = p
	ps.mu.Unlock()

	if p.size-p.kicked >= writebackEvery {
		select {
		case ps.writeback <- writebackRange{p: p, off: p.kicked, len: p.size - p.kicked}:
			p.kicked = p.size
		default: // the flusher is busy; the next append asks again
		}
	}
	return nil
}

// writable reports why the store takes no more writes, if it does not.
func (ps *packStore) writable() error {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	if ps.closed {
		return ErrClosed
	}
	if ps.failed != nil {
		return fmt.Errorf("the block store stopped taking writes after a failed sync; restart to recover: %w", ps.failed)
	}
	return nil
}

// takeSpace accounts for n bytes about to be appended, looking at the free
// space when the budget from the last look is spent. A look allows a
// quarter of the reserve to be appended before the next, so that other
// writers to the disk meanwhile cannot eat more than that of the reserve
// unnoticed. reserve is the space to leave free. The caller holds wmu.
func (ps *packStore) takeSpace(n, reserve int64) error {
	if ps.budget < n {
		free, ok := freeSpace(ps.dir)
		if ok && free-n < reserve {
			ps.budget = 0
			return ps.diskFull(free, reserve)
		}
		ps.budget = n + ps.reserve/4
		if ok {
			ps.budget = min(ps.budget, free-reserve)
		}
	}
	ps.budget -= n
	return nil
}

// haveSpace returns ErrDiskFull unless n bytes can be written with at
// least reserve bytes still free afterwards.
func (ps *packStore) haveSpace(n, reserve int64) error {
	if free, ok := freeSpace(ps.dir); ok && free-n < reserve {
		return ps.diskFull(free, reserve)
	}
	return nil
}

func (ps *packStore) diskFull(free, reserve int64) error {
	return fmt.Errorf("%w: %d bytes free on the file system of %s, and the store keeps %d bytes free for its index; free some space (`crucible content gc` removes unpinned content)", ErrDiskFull, free, ps.dir, reserve)
}

// writeErr marks a full disk with ErrDiskFull.
func writeErr(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return err
}

// activePack returns the pack to append n bytes to, creating a new one when
// there is none, the current one is full or an append to it failed. The
// caller holds wmu.
func (ps *packStore) activePack(n int64) (*packFile, error) {
	p := ps.active
	if p != nil && p.failedErr == nil && (p.size+n <= maxPackSize || p.size == int64(len(packMagic))) {
		return p, nil
	}
	ps.mu.Lock()
	id := ps.nextID
	ps.nextID++
	ps.mu.Unlock()
	path := filepath.Join(ps.dir, packName(id))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create pack %s: %w", path, writeErr(err))
	}
	if _, err := f.WriteAt([]byte(packMagic), 0); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("create pack %s: %w", path, writeErr(err))
	}
	p = &packFile{id: id, path: path, f: f, size: int64(len(packMagic)), kicked: int64(len(packMagic)), new: true}
	ps.mu.Lock()
	ps.packs[id] = p
	ps.dirty[id] = p
	ps.mu.Unlock()
	ps.active = p
	return p, nil
}

// sync makes every block appended so far durable: it fdatasyncs the packs
// appended to, syncs the block directory if a pack is new, and then
// commits the blocks' index entries and the packs' lengths in one synced
// batch. Appends may go on meanwhile; they are left for the next sync.
//
// If any step fails, what is on disk is unknown (a failed fsync may have
// dropped pages), so the store refuses further writes until it is opened
// again, which cuts every pack back to its last recorded length.
func (ps *packStore) sync() error {
	ps.syncMu.Lock()
	defer ps.syncMu.Unlock()

	ps.wmu.Lock()
	ps.mu.Lock()
	if ps.failed != nil {
		err := ps.failed
		ps.mu.Unlock()
		ps.wmu.Unlock()
		return fmt.Errorf("sync blocks: an earlier sync failed: %w", err)
	}
	if len(ps.pending) == 0 && len(ps.dirty) == 0 {
		ps.mu.Unlock()
		ps.wmu.Unlock()
		return nil
	}
	// The index entries go to pebble's log, which must not fill the
	// disk (see defaultReserve): they may use half of the reserve.
	if err := ps.haveSpace(int64(len(ps.pending))*indexEntrySize, ps.reserve/2); err != nil {
		ps.mu.Unlock()
		ps.wmu.Unlock()
		return fmt.Errorf("sync blocks: %w", err)
	}
	var packs []packState
	for _, p := range ps.dirty {
		packs = append(packs, packState{p: p, size: p.size, new: p.new})
		p.new = false
	}
	ps.dirty = make(map[uint32]*packFile)
	ps.syncing, ps.pending = ps.pending, make(map[string]packLoc)
	ps.mu.Unlock()
	ps.wmu.Unlock()

	err := ps.commit(packs)
	ps.mu.Lock()
	if err != nil {
		ps.failed = err
	}
	ps.syncing = nil
	ps.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sync blocks: %w", writeErr(err))
	}
	return nil
}

// indexEntrySize bounds the bytes one index entry takes in pebble's log.
const indexEntrySize = 128

// packState is a pack's length when a sync began, and whether the pack
// was created since the last sync.
type packState struct {
	p    *packFile
	size int64
	new  bool
}

// commit is the part of sync that runs without the store's locks.
func (ps *packStore) commit(packs []packState) error {
	newPack := false
	for _, s := range packs {
		s.p.mu.RLock()
		err := fdatasync(s.p.f)
		s.p.mu.RUnlock()
		if err != nil {
			return fmt.Errorf("sync pack %s: %w", s.p.path, err)
		}
		newPack = newPack || s.new
	}
	if newPack {
		if err := syncDir(ps.dir); err != nil {
			return err
		}
	}
	b := ps.db.NewBatch()
	defer b.Close()
	for h, loc := range ps.syncing {
		if err := b.Set(idxKey(mh.Multihash(h)), loc.encode(), nil); err != nil {
			return err
		}
	}
	for _, s := range packs {
		if err := b.Set(packKey(s.p.id), binary.AppendUvarint(nil, uint64(s.size)), nil); err != nil {
			return err
		}
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("write block index: %w", err)
	}
	return nil
}

// syncDir fsyncs a directory so that files created in it survive a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// DeleteBlock removes the block from the index. Its bytes stay in their
// pack until compaction rewrites the pack.
func (ps *packStore) DeleteBlock(_ context.Context, c cid.Cid) error {
	// syncMu: a sync in progress would otherwise write the entry back.
	ps.syncMu.Lock()
	defer ps.syncMu.Unlock()
	ps.mu.Lock()
	if ps.closed {
		ps.mu.Unlock()
		return ErrClosed
	}
	delete(ps.pending, string(c.Hash()))
	ps.mu.Unlock()
	if err := ps.db.Delete(idxKey(c.Hash()), pebble.NoSync); err != nil {
		return fmt.Errorf("delete block %s from the index: %w", c, writeErr(err))
	}
	return nil
}

// AllKeysChan lists every stored block as a raw CIDv1 of its multihash.
// Blocks appended during the listing may or may not be included.
func (ps *packStore) AllKeysChan(ctx context.Context) (<-chan cid.Cid, error) {
	ps.mu.RLock()
	if ps.closed {
		ps.mu.RUnlock()
		return nil, ErrClosed
	}
	var early []string
	for h := range ps.pending {
		early = append(early, h)
	}
	for h := range ps.syncing {
		early = append(early, h)
	}
	ps.mu.RUnlock()
	it, err := ps.db.NewIter(&pebble.IterOptions{LowerBound: idxPrefix, UpperBound: prefixEnd(idxPrefix)})
	if err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	ch := make(chan cid.Cid, 64)
	go func() {
		defer close(ch)
		defer it.Close()
		send := func(h []byte) bool {
			select {
			case ch <- cid.NewCidV1(cid.Raw, mh.Multihash(slices.Clone(h))):
				return true
			case <-ctx.Done():
				return false
			}
		}
		for _, h := range early {
			if !send([]byte(h)) {
				return
			}
		}
		for it.First(); it.Valid(); it.Next() {
			if !send(it.Key()[len(idxPrefix):]) {
				return
			}
		}
	}()
	return ch, nil
}

// compact rewrites the packs of which less than half is still indexed
// (after garbage collection deleted blocks), and removes packs of which
// nothing is: the live records are appended anew, synced, and the old pack
// deleted. The active pack is included; appends then go to a new one. It
// returns the bytes freed on disk.
func (ps *packStore) compact(ctx context.Context) (int64, error) {
	if err := ps.sync(); err != nil {
		return 0, err
	}
	_, liveBytes, err := ps.liveRecords(nil)
	if err != nil {
		return 0, err
	}
	// Choose under wmu, so that pack sizes are stable, and stop
	// appending to a chosen active pack.
	ps.wmu.Lock()
	ps.mu.RLock()
	victims := make(map[uint32]*packFile)
	for id, p := range ps.packs {
		body := p.size - int64(len(packMagic))
		if (body > 0 && liveBytes[id]*2 < body) || (body <= 0 && p != ps.active) {
			victims[id] = p
		}
	}
	ps.mu.RUnlock()
	if victims[ps.active.idOrZero()] != nil {
		ps.active = nil
	}
	ps.wmu.Unlock()
	if len(victims) == 0 {
		return 0, nil
	}
	// Nothing appends to a victim any more; once what was appended
	// before is synced, the index lists all of each victim's records.
	if err := ps.sync(); err != nil {
		return 0, err
	}
	live, liveBytes, err := ps.liveRecords(victims)
	if err != nil {
		return 0, err
	}
	// Packs with nothing live first: removing them needs no space, and
	// on a full disk they are what makes room for the rest.
	ids := slices.SortedFunc(maps.Keys(victims), func(a, b uint32) int {
		if (liveBytes[a] == 0) != (liveBytes[b] == 0) {
			if liveBytes[a] == 0 {
				return -1
			}
			return 1
		}
		return int(a) - int(b)
	})
	var freed int64
	var errs []error
	for _, id := range ids {
		p := victims[id]
		if err := ctx.Err(); err != nil {
			return freed, err
		}
		if err := ps.rewrite(p, live[id]); err != nil {
			if errors.Is(err, ErrDiskFull) {
				// Left for a later GC, when there is room.
				errs = append(errs, err)
				continue
			}
			return freed, err
		}
		if err := ps.sync(); err != nil {
			return freed, err
		}
		if err := ps.removePack(p); err != nil {
			return freed, err
		}
		freed += p.size - int64(len(packMagic)) - liveBytes[id]
	}
	return freed, errors.Join(errs...)
}

// idOrZero is p's id, or 0 (no pack) for nil.
func (p *packFile) idOrZero() uint32 {
	if p == nil {
		return 0
	}
	return p.id
}

// liveRecords reads the index and returns, for each pack, the records it
// names and their total size; records are kept only for the packs in only
// (if it is not nil).
func (ps *packStore) liveRecords(only map[uint32]*packFile) (map[uint32][]compactEntry, map[uint32]int64, error) {
	live := make(map[uint32][]compactEntry)
	liveBytes := make(map[uint32]int64)
	it, err := ps.db.NewIter(&pebble.IterOptions{LowerBound: idxPrefix, UpperBound: prefixEnd(idxPrefix)})
	if err != nil {
		return nil, nil, fmt.Errorf("compact: read index: %w", err)
	}
	for it.First(); it.Valid(); it.Next() {
		loc, err := decodeLoc(it.Value())
		if err != nil {
			it.Close()
			return nil, nil, fmt.Errorf("compact: %w", err)
		}
		liveBytes[loc.pack] += int64(loc.hdr) + int64(loc.n)
		if only != nil && only[loc.pack] != nil {
			h := slices.Clone(it.Key()[len(idxPrefix):])
			live[loc.pack] = append(live[loc.pack], compactEntry{hash: h, loc: loc})
		}
	}
	if err := it.Close(); err != nil {
		return nil, nil, fmt.Errorf("compact: read index: %w", err)
	}
	return live, liveBytes, nil
}

type compactEntry struct {
	hash mh.Multihash
	loc  packLoc
}

// rewrite appends the live records of p to the active pack.
func (ps *packStore) rewrite(p *packFile, entries []compactEntry) error {
	sort.Slice(entries, func(i, j int) bool { return entries[i].loc.off < entries[j].loc.off })
	for _, e := range entries {
		c, data, moved, err := ps.readAt(e.loc, e.hash)
		if err == nil && !moved {
			err = ps.appendRecord(c, data, &e.loc)
		}
		if err != nil {
			return fmt.Errorf("compact pack %s: %w", p.path, err)
		}
	}
	return nil
}

// removePack forgets pack p and deletes its file, once no reader uses it.
func (ps *packStore) removePack(p *packFile) error {
	if err := ps.db.Delete(packKey(p.id), pebble.Sync); err != nil {
		return fmt.Errorf("compact: forget pack %s: %w", p.path, err)
	}
	ps.mu.Lock()
	delete(ps.packs, p.id)
	ps.mu.Unlock()
	p.mu.Lock()
	p.removed = true
	p.f.Close()
	p.mu.Unlock()
	if err := os.Remove(p.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("compact: remove pack %s: %w", p.path, err)
	}
	return nil
}

// flusher asks the kernel to start writing appended ranges to disk.
func (ps *packStore) flusher() {
	defer close(ps.flushDone)
	for r := range ps.writeback {
		r.p.mu.RLock()
		if !r.p.removed {
			startWriteback(r.p.f, r.off, r.len)
		}
		r.p.mu.RUnlock()
	}
}

// close syncs what was appended and closes every pack. It is called once.
func (ps *packStore) close() error {
	err := ps.sync()
	ps.wmu.Lock()
	ps.mu.Lock()
	ps.closed = true
	ps.mu.Unlock()
	ps.wmu.Unlock()
	close(ps.writeback)
	<-ps.flushDone
	ps.closeFiles()
	return err
}

func (ps *packStore) closeFiles() {
	for _, p := range ps.packs {
		p.mu.Lock()
		p.removed = true
		p.f.Close()
		p.mu.Unlock()
	}
}
