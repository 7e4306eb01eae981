package contentstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	cid "github.com/ipfs/go-cid"
)

// TestDiskFull runs TestDiskFullChild in a new mount namespace, where it
// mounts a small tmpfs of its own: a real file system that really fills
// up, without touching the machine's disks or mounts. It needs root or
// unprivileged user namespaces, and skips without them.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDiskFullChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "CRUCIBLE_DISKFULL_CHILD=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	if os.Geteuid() != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}},
		}
	}
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "--- SKIP: TestDiskFullChild") {
		t.Skipf("cannot mount a tmpfs here:\n%s", out)
	}
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) {
		t.Skipf("cannot create a mount namespace: %v", err)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestDiskFullChild") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
}

// TestDiskFullChild fills a 16 MiB tmpfs before and during imports, and
// checks each time that the import fails with ErrDiskFull, that nothing
// imported before is damaged, and that once space is freed the store works
// again, also after a restart.
func TestDiskFullChild(t *testing.T) {
	if os.Getenv("CRUCIBLE_DISKFULL_CHILD") == "" {
		t.Skip("run by TestDiskFull")
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=16m"); err != nil {
		t.Skipf("mount tmpfs: %v", err)
	}
	defer syscall.Unmount(mnt, syscall.MNT_DETACH)
	dir := filepath.Join(mnt, "data")
	filler := filepath.Join(mnt, "filler")
	ctx := context.Background()

	open := func() *Store {
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		// A reserve to scale with the 16 MiB disk.
		s.packs.reserve = 2 << 20
		return s
	}
	s := open()
	kept := make(map[cid.Cid][]byte)
	c, data := pinTestAdd(t, s, 1<<20, 1)
	kept[c] = data

	check := func(when string) {
		t.Helper()
		for c, want := range kept {
			var buf bytes.Buffer
			if err := s.Export(ctx, c, &buf); err != nil || !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("%s: file %s: %v (intact %v)", when, c, err, bytes.Equal(buf.Bytes(), want))
			}
		}
	}

	// Leave less and less room, so that the disk fills up at a
	// different step of the import each time.
	full := 0
	for i, room := range []int64{3 << 20, 1 << 20, 256 << 10, 64 << 10, 8 << 10, 0} {
		if err := fillTo(mnt, filler, room); err != nil {
			t.Fatal(err)
		}
		data := pinTestData(2<<20, uint64(100+i))
		c, err := s.AddFile(ctx, bytes.NewReader(data), DefaultProfile, nil)
		switch {
		case err == nil:
			kept[c] = data
		case errors.Is(err, ErrDiskFull):
			full++
			t.Logf("room %d: %v", room, err)
		default:
			t.Errorf("room %d: import failed with %v, want ErrDiskFull", room, err)
		}
		os.Remove(filler)
		// A failed sync leaves the store refusing writes until it is
		// opened again; reopening is the documented way back.
		if err := s.Close(); err != nil {
			t.Logf("room %d: close: %v", room, err)
		}
		s = open()
		check(fmt.Sprintf("room %d, after reopen", room))
		if _, err := s.GC(ctx); err != nil {
			t.Fatalf("room %d: gc: %v", room, err)
		}
		check(fmt.Sprintf("room %d, after gc", room))
	}
	// Another program fills the disk after the store last looked at the
	// free space (the budget from that look is made large, so the store
	// does not look again): the append itself fails, and is undone.
	s.packs.wmu.Lock()
	s.packs.budget = 1 << 30
	s.packs.wmu.Unlock()
	if err := fillTo(mnt, filler, 0); err != nil {
		t.Fatal(err)
	}
	_, err := s.AddFile(ctx, bytes.NewReader(pinTestData(4<<20, 500)), DefaultProfile, nil)
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("import on a disk another program filled: %v, want ErrDiskFull from the write", err)
	}
	t.Logf("filled by another program: %v", err)
	os.Remove(filler)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open()
	check("after the disk was filled by another program")

	if full < 3 {
		t.Errorf("the disk filled up in only %d imports; the test did not test much", full)
	}
	// With the space back, imports work again.
	c, data = pinTestAdd(t, s, 2<<20, 999)
	kept[c] = data
	check("at the end")
	pins, err := s.Pins(ctx)
	if err != nil || len(pins) != len(kept) {
		t.Errorf("pins %v, %v; want the %d acknowledged imports", pins, err, len(kept))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// fillTo writes filler until the file system at mnt has about room bytes
// free.
func fillTo(mnt, filler string, room int64) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(mnt, &st); err != nil {
		return err
	}
	free := int64(st.Bavail) * st.Bsize
	n := max(free-room, 0)
	f, err := os.Create(filler)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, int64(len(buf)))
		if _, err := f.Write(buf[:k]); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return nil
			}
			return err
		}
		n -= k
	}
	return nil
}
