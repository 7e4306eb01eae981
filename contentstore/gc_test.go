package contentstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	cid "github.com/ipfs/go-cid"
)

func TestGCRemovesUnpinnedKeepsPinned(t *testing.T) {
	ctx := context.Background()
	s := pinTestStore(t, t.TempDir())
	kept, keptData := pinTestAdd(t, s, 600<<10, 10) // recursive pin: root + 3 leaves
	direct := pinTestRaw(t, s, []byte("directly pinned"))
	if err := s.Pin(ctx, direct, false); err != nil {
		t.Fatal(err)
	}
	dropped, _ := pinTestAdd(t, s, 300<<10, 11) // root + 2 leaves, unpinned below
	if err := s.Unpin(ctx, dropped, true); err != nil {
		t.Fatal(err)
	}
	loose := pinTestRaw(t, s, []byte("never pinned"))

	want := []cid.Cid{dropped, loose}
	want = append(want, pinTestLinks(t, s, dropped)...)
	var wantFreed int64
	for _, c := range want {
		n, err := s.bs.GetSize(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		wantFreed += int64(n)
	}

	res, err := s.GC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != len(want) || res.Freed != wantFreed {
		t.Errorf("GC = %+v, want {Removed:%d Freed:%d}", res, len(want), wantFreed)
	}
	for _, c := range want {
		if ok, _ := s.Has(ctx, c); ok {
			t.Errorf("unpinned block %s survived GC", c)
		}
	}
	pinTestExport(t, s, kept, keptData)
	if ok, _ := s.Has(ctx, direct); !ok {
		t.Error("directly pinned block was removed")
	}

	res, err = s.GC(ctx)
	if err != nil || res != (GCResult{}) {
		t.Errorf("second GC = %+v, %v; want nothing removed", res, err)
	}
}

func TestGCAbortsOnIncompletePin(t *testing.T) {
	ctx := context.Background()
	s := pinTestStore(t, t.TempDir())
	file, _ := pinTestAdd(t, s, 600<<10, 12)
	gone := pinTestLinks(t, s, file)[2]
	if err := s.bs.DeleteBlock(ctx, gone); err != nil {
		t.Fatal(err)
	}
	loose := pinTestRaw(t, s, []byte("unpinned, but GC must not get that far"))

	res, err := s.GC(ctx)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), gone.String()) {
		t.Fatalf("GC over an incomplete pin: %v, want ErrNotFound naming %s", err, gone)
	}
	if res.Removed != 0 {
		t.Errorf("GC removed %d blocks after failing", res.Removed)
	}
	if ok, _ := s.Has(ctx, loose); !ok {
		t.Error("GC deleted a block although it aborted")
	}
}

// TestGCRacesWithAddFileAndPin runs GC over and over while files are
// imported and pins are removed and re-added. Whatever the interleaving,
// every imported file and every pin left at the end must be complete.
// Run it with -race.
func TestGCRacesWithAddFileAndPin(t *testing.T) {
	ctx := context.Background()
	s := pinTestStore(t, t.TempDir())
	const rounds = 8

	// Files that the pin goroutine unpins and re-pins.
	type file struct {
		c    cid.Cid
		data []byte
	}
	var toggled []file
	for i := range 4 {
		c, data := pinTestAdd(t, s, 300<<10, uint64(100+i))
		toggled = append(toggled, file{c, data})
	}

	var wg sync.WaitGroup
	errs := make(chan error, 3*rounds*len(toggled))
	var added []file
	var addedMu sync.Mutex
	wg.Go(func() {
		for i := range rounds {
			data := pinTestData(200<<10+i, uint64(200+i))
			c, err := s.AddFile(ctx, bytes.NewReader(data), DefaultProfile, nil)
			if err != nil {
				errs <- fmt.Errorf("AddFile %d: %w", i, err)
				return
			}
			addedMu.Lock()
			added = append(added, file{c, data})
			addedMu.Unlock()
		}
	})
	wg.Go(func() {
		for range rounds {
			if _, err := s.GC(ctx); err != nil {
				errs <- fmt.Errorf("GC: %w", err)
				return
			}
		}
	})
	wg.Go(func() {
		for range rounds {
			for _, f := range toggled {
				if err := s.Unpin(ctx, f.c, true); err != nil && !errors.Is(err, ErrNotPinned) {
					errs <- fmt.Errorf("Unpin %s: %w", f.c, err)
				}
				// A GC between Unpin and Pin may sweep the DAG; then
				// the pin fails cleanly and must leave nothing pinned.
				if err := s.Pin(ctx, f.c, true); err != nil && !errors.Is(err, ErrNotFound) {
					errs <- fmt.Errorf("Pin %s: %w", f.c, err)
				}
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	if len(added) != rounds {
		t.Fatalf("%d files added, want %d", len(added), rounds)
	}
	if _, err := s.GC(ctx); err != nil {
		t.Fatalf("final GC: %v", err)
	}
	for _, f := range added {
		pinTestExport(t, s, f.c, f.data)
	}
	pins, err := s.Pins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pins {
		if err := s.walkDAG(ctx, p.CID, cid.NewSet().Visit, false); err != nil {
			t.Errorf("pinned DAG %s incomplete after the race: %v", p.CID, err)
		}
	}
	for _, f := range toggled {
		pinned := false
		for _, p := range pins {
			pinned = pinned || p.CID.Equals(f.c)
		}
		if pinned {
			pinTestExport(t, s, f.c, f.data)
		}
	}
}
