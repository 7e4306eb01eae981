package contentstore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/datastore/dshelp"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	flatfs "github.com/ipfs/go-ds-flatfs"
)

// packsOnDisk returns the pack files of the store in dir with their sizes.
func packsOnDisk(t testing.TB, dir string) map[string]int64 {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "blocks", "*"+packExt))
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]int64)
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = fi.Size()
	}
	return out
}

// exportBytes exports the file c from s.
func exportBytes(t testing.TB, s *Store, c cid.Cid) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Export(t.Context(), c, &buf); err != nil {
		t.Fatalf("export %s: %v", c, err)
	}
	return buf.Bytes()
}

// TestKilledImportsKeepWhatWasAcknowledged kills a process that imports
// file after file with SIGKILL at arbitrary moments, three times over the
// same store, and checks after each kill that every import the process
// reported as done is still pinned and intact, and that the store takes
// new imports.
func TestKilledImportsKeepWhatWasAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	acked := make(map[cid.Cid]uint64) // CID → seed of its content
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledImportsChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CRUCIBLE_PACKS_CHILD_DIR="+dir, fmt.Sprintf("CRUCIBLE_PACKS_CHILD_SEED=%d", 1000*(round+1)))
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it after a different number of acknowledged imports each
		// round, while it is in the middle of the next one.
		sc := bufio.NewScanner(out)
		for n := 0; n < 3+2*round && sc.Scan(); n++ {
			cs, seed, ok := strings.Cut(sc.Text(), " ")
			if !ok {
				t.Fatalf("child printed %q", sc.Text())
			}
			c, err := cid.Decode(cs)
			if err != nil {
				t.Fatal(err)
			}
			s, _ := strconv.ParseUint(seed, 10, 64)
			acked[c] = s
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, out)
		if err := cmd.Wait(); err == nil {
			t.Fatal("child exited cleanly before it was killed")
		}

		s, err := Open(t.Context(), dir)
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		pins, err := s.Pins(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pinned := make(map[cid.Cid]bool)
		for _, p := range pins {
			pinned[p.CID] = true
		}
		for c, seed := range acked {
			if !pinned[c] {
				t.Errorf("round %d: acknowledged import %s is not pinned", round, c)
			}
			if got := exportBytes(t, s, c); !bytes.Equal(got, pinTestData(packsChildSize, seed)) {
				t.Errorf("round %d: acknowledged import %s exports different bytes", round, c)
			}
		}
		// Nothing unacknowledged is indexed past a pack's end.
		if _, err := s.GC(t.Context()); err != nil {
			t.Errorf("round %d: GC after kill: %v", round, err)
		}
		pinTestAdd(t, s, 100_000, uint64(round))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d acknowledged imports survived 3 kills", len(acked))
}

// packsChildSize is the size of each file the child imports: several
// chunks, so that a kill often lands mid-import.
const packsChildSize = 3*256<<10 + 1234

// TestKilledImportsChild imports files until it is killed, printing the
// CID and seed of each import once AddFile has returned.
func TestKilledImportsChild(t *testing.T) {
	dir := os.Getenv("CRUCIBLE_PACKS_CHILD_DIR")
	if dir == "" {
		t.Skip("run by TestKilledImportsKeepWhatWasAcknowledged")
	}
	seed, _ := strconv.ParseUint(os.Getenv("CRUCIBLE_PACKS_CHILD_SEED"), 10, 64)
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for ; ; seed++ {
		c, err := s.AddFile(context.Background(), bytes.NewReader(pinTestData(packsChildSize, seed)), DefaultProfile, nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s %d\n", c, seed)
		// Unpinned, unsynced blocks too: the kill must not leave them
		// half indexed.
		for i := range 3 {
			data := pinTestData(1000+i, seed<<8|uint64(i))
			b, _ := blocks.NewBlockWithCid(data, storeTestRawCID(t, data))
			if err := s.packs.putTrusted(b); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestPacksRecoverFromPowerLoss reproduces what a power cut can leave on
// disk: bytes after a pack's last sync (garbage, since the kernel had not
// written them) and a pack created after the last sync. Open must cut the
// one back and remove the other, and everything synced must read back.
func TestPacksRecoverFromPowerLoss(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	c, data := pinTestAdd(t, s, 600_000, 1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before := packsOnDisk(t, dir)
	if len(before) != 1 {
		t.Fatalf("packs after one import: %v", before)
	}
	for name := range before {
		f, err := os.OpenFile(filepath.Join(dir, "blocks", name), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(bytes.Repeat([]byte{0}, 5000))
		f.Close()
	}
	orphan := filepath.Join(dir, "blocks", packName(99))
	if err := os.WriteFile(orphan, []byte(packMagic+"half a record"), 0o644); err != nil {
		t.Fatal(err)
	}

	s = storeTestOpen(t, dir)
	if got := packsOnDisk(t, dir); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("packs after recovery %v, want %v (tail cut, orphan removed)", got, before)
	}
	if !bytes.Equal(exportBytes(t, s, c), data) {
		t.Error("synced file reads back different bytes")
	}
	// The store goes on appending where the synced data ends, and does
	// not reuse the orphan's number.
	c2, data2 := pinTestAdd(t, s, 300_000, 2)
	if !bytes.Equal(exportBytes(t, s, c2), data2) {
		t.Error("file added after recovery reads back different bytes")
	}
	if _, err := os.Stat(filepath.Join(dir, "blocks", packName(100))); err == nil {
		t.Error("a new pack was started although the old one has room")
	}
}

// TestPacksRefuseMissingPack: a pack that the index names but that is gone
// from disk is damage to report, not something to paper over.
func TestPacksRefuseMissingPack(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	pinTestAdd(t, s, 1000, 1)
	s.Close()
	for name := range packsOnDisk(t, dir) {
		os.Remove(filepath.Join(dir, "blocks", name))
	}
	_, err = Open(t.Context(), dir)
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("Open with a pack deleted: %v, want an error naming the missing pack", err)
	}
}

// TestGCCompactsPacks removes a file and checks that GC gives its space
// back by rewriting the pack, while another file is being read all along.
func TestGCCompactsPacks(t *testing.T) {
	dir := t.TempDir()
	s := storeTestOpen(t, dir)
	ctx := t.Context()
	gone, _ := pinTestAdd(t, s, 3<<20, 1)
	kept, keptData := pinTestAdd(t, s, 1<<20, 2)
	total := func() (n int64) {
		for _, size := range packsOnDisk(t, dir) {
			n += size
		}
		return n
	}
	before := total()
	if err := s.Unpin(ctx, gone, true); err != nil {
		t.Fatal(err)
	}

	// Readers of the kept file race with the compaction that moves it.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				var buf bytes.Buffer
				if err := s.Export(ctx, kept, &buf); err != nil || !bytes.Equal(buf.Bytes(), keptData) {
					select {
					case readErr <- fmt.Errorf("export during GC: %v (equal %v)", err, bytes.Equal(buf.Bytes(), keptData)):
					default:
					}
					return
				}
			}
		})
	}
	res, err := s.GC(ctx)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-readErr:
		t.Fatal(err)
	default:
	}
	if res.Removed != 13 || res.Freed < 3<<20 {
		t.Errorf("GC removed %d blocks, %d bytes; want the 13 blocks of the 3 MiB file", res.Removed, res.Freed)
	}
	after := total()
	if res.Reclaimed < 3<<20 || before-after != res.Reclaimed {
		t.Errorf("GC reclaimed %d bytes; packs went from %d to %d bytes", res.Reclaimed, before, after)
	}
	if !bytes.Equal(exportBytes(t, s, kept), keptData) {
		t.Error("kept file changed")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = storeTestOpen(t, dir)
	if !bytes.Equal(exportBytes(t, s, kept), keptData) {
		t.Error("kept file changed after reopen")
	}
	if ok, _ := s.Has(ctx, gone); ok {
		t.Error("removed file's root still present")
	}
	// A second GC finds nothing more to do.
	if res, err := s.GC(ctx); err != nil || res.Removed != 0 || res.Reclaimed != 0 {
		t.Errorf("second GC = %+v, %v", res, err)
	}
}

// TestOpenConvertsFlatfsStore opens a data directory written by the
// previous version of the store (every block a flatfs file, pins in
// pebble) and checks that pins and content carry over and the old files
// go away.
func TestOpenConvertsFlatfsStore(t *testing.T) {
	dir := t.TempDir()
	// Build the old layout with the old code path: flatfs with
	// next-to-last/2 sharding, blocks keyed by multihash.
	fds, err := flatfs.CreateOrOpen(filepath.Join(dir, "blocks"), flatfs.NextToLast(2), true)
	if err != nil {
		t.Fatal(err)
	}
	old := blockstore.NewBlockstore(fds, blockstore.NoPrefix())
	src := storeTestOpen(t, t.TempDir())
	c, data := pinTestAdd(t, src, 700_000, 7)
	keys, err := src.bs.AllKeysChan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for k := range keys {
		b, err := src.bs.Get(t.Context(), k)
		if err != nil {
			t.Fatal(err)
		}
		if err := old.Put(t.Context(), b); err != nil {
			t.Fatal(err)
		}
		n++
	}
	fds.Close()
	// A damaged old block is dropped, not carried over.
	bad := []byte("damaged")
	badKey := dshelp.MultihashToDsKey(storeTestRawCID(t, bad).Hash()).String()[1:]
	shard := filepath.Join(dir, "blocks", badKey[len(badKey)-3:len(badKey)-1])
	os.MkdirAll(shard, 0o755)
	if err := os.WriteFile(filepath.Join(shard, badKey+".data"), []byte("not what was hashed"), 0o644); err != nil {
		t.Fatal(err)
	}

	s := storeTestOpen(t, dir)
	if err := s.Pin(t.Context(), c, true); err != nil {
		t.Fatalf("pin after conversion: %v", err)
	}
	if !bytes.Equal(exportBytes(t, s, c), data) {
		t.Error("converted file exports different bytes")
	}
	if ok, _ := s.Has(t.Context(), storeTestRawCID(t, bad)); ok {
		t.Error("damaged block carried over")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "blocks"))
	for _, e := range entries {
		if _, ok := parsePackName(e.Name()); !ok {
			t.Errorf("left over from flatfs: %s", e.Name())
		}
	}
	if n != 4 {
		t.Errorf("old store had %d blocks, want 4", n)
	}
}

// TestLocEncoding round-trips index entries and refuses damaged ones.
func TestLocEncoding(t *testing.T) {
	for _, l := range []packLoc{{1, 17, 38, 0, 0}, {1<<32 - 1, 1 << 40, 100, 1<<32 - 1, 0xdeadbeef}} {
		got, err := decodeLoc(l.encode())
		if err != nil || got != l {
			t.Errorf("decode(encode(%+v)) = %+v, %v", l, got, err)
		}
	}
	for _, b := range [][]byte{nil, {1}, {1, 2, 3}, append(packLoc{1, 2, 3, 4, 5}.encode(), 0), packLoc{1, 2, 3, 4, 5}.encode()[:5]} {
		if _, err := decodeLoc(b); err == nil {
			t.Errorf("decodeLoc(%x) accepted", b)
		}
	}
}

// TestPacksShorterThanSynced: a pack that lost synced bytes (disk damage)
// still opens; the blocks in the lost part read as damaged, the others
// read, and new blocks go to a new pack.
func TestPacksShorterThanSynced(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	first, firstData := pinTestAdd(t, s, 1000, 1)
	second, _ := pinTestAdd(t, s, 1000, 2)
	s.Close()
	path := filepath.Join(dir, "blocks", packName(1))
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()-500); err != nil {
		t.Fatal(err)
	}
	s = storeTestOpen(t, dir)
	if !bytes.Equal(exportBytes(t, s, first), firstData) {
		t.Error("block before the lost part changed")
	}
	if _, err := s.GetBlock(t.Context(), second); !errors.Is(err, ErrHashMismatch) {
		t.Errorf("block in the lost part: %v, want ErrHashMismatch", err)
	}
	pinTestAdd(t, s, 1000, 3)
	if _, err := os.Stat(filepath.Join(dir, "blocks", packName(2))); err != nil {
		t.Errorf("no new pack after a damaged one: %v", err)
	}
}

// TestAcknowledgedCARImportSurvivesExit: a process that exits right after
// ImportCAR returns (as after kill -9, without Close) must leave the
// imported DAG complete and pinned.
func TestAcknowledgedCARImportSurvivesExit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	src := storeTestOpen(t, t.TempDir())
	root, data := pinTestAdd(t, src, 600_000, 7)
	car := carTestExport(t, src, []cid.Cid{root}, false)
	carPath := filepath.Join(t.TempDir(), "x.car")
	if err := os.WriteFile(carPath, car, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedCARImportChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CRUCIBLE_CAR_CHILD_DIR="+dir, "CRUCIBLE_CAR_CHILD_FILE="+carPath)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "imported "+root.String()) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	s := storeTestOpen(t, dir)
	if !bytes.Equal(exportBytes(t, s, root), data) {
		t.Error("acknowledged CAR import reads back different bytes")
	}
	if _, err := s.GC(t.Context()); err != nil {
		t.Errorf("GC after the exit: %v", err)
	}
}

// TestAcknowledgedCARImportChild imports a CAR and exits at once, without
// closing the store.
func TestAcknowledgedCARImportChild(t *testing.T) {
	dir := os.Getenv("CRUCIBLE_CAR_CHILD_DIR")
	if dir == "" {
		t.Skip("run by TestAcknowledgedCARImportSurvivesExit")
	}
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(os.Getenv("CRUCIBLE_CAR_CHILD_FILE"))
	if err != nil {
		t.Fatal(err)
	}
	roots, err := s.ImportCAR(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("imported", roots[0])
	os.Exit(0)
}

// TestGCOnFullDiskRemovesDeadPacksFirst: with the disk full, GC (what
// ErrDiskFull tells the user to run) first removes the packs that hold
// nothing live, which needs no space; that makes room to rewrite the
// others, and where it does not, they are left for a later GC.
func TestGCOnFullDiskRemovesDeadPacksFirst(t *testing.T) {
	for _, tc := range []struct {
		name string
		// reserve returns the reserve to set, given the free space.
		reserve  func(free int64) int64
		wantFull bool
	}{
		{"the dead pack makes room", func(free int64) int64 { return 2 * (free - 200_000) }, false},
		{"no room even then", func(free int64) int64 { return 2 * (free + 3_200_000) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := storeTestOpen(t, dir)
			ctx := t.Context()
			pinTestAdd(t, s, 500_000, 1) // pack 1: live...
			for i := range 6 {           // ...and 1.5 MB unpinned
				pinTestRaw(t, s, pinTestData(250_000, uint64(100+i)))
			}
			s.packs.wmu.Lock()
			s.packs.active = nil // the next append starts pack 2
			s.packs.wmu.Unlock()
			c, _ := pinTestAdd(t, s, 3_000_000, 2) // pack 2, all of it unpinned below
			if err := s.Unpin(ctx, c, true); err != nil {
				t.Fatal(err)
			}
			free, ok := freeSpace(s.packs.dir)
			if !ok {
				t.Skip("free space unknown on this system")
			}
			// Compaction may use half of the reserve.
			s.packs.wmu.Lock()
			s.packs.reserve = tc.reserve(free)
			s.packs.budget = 0
			s.packs.wmu.Unlock()
			res, err := s.GC(ctx)
			if tc.wantFull != errors.Is(err, ErrDiskFull) {
				t.Errorf("GC: %v; want ErrDiskFull %v", err, tc.wantFull)
			}
			if _, err := os.Stat(filepath.Join(dir, "blocks", packName(2))); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("pack 2, which held nothing live, is still there: %v", err)
			}
			_, err = os.Stat(filepath.Join(dir, "blocks", packName(1)))
			if rewritten := errors.Is(err, os.ErrNotExist); rewritten == tc.wantFull {
				t.Errorf("pack 1 rewritten %v, want %v", rewritten, !tc.wantFull)
			}
			if res.Reclaimed < 3_000_000 {
				t.Errorf("GC reclaimed %d bytes, want at least pack 2's 3 MB", res.Reclaimed)
			}
		})
	}
}
