package gossip

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestReplayMemory(t *testing.T) {
	dir := t.TempDir()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	r, err := openReplays(dir, time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	id := func(b byte) [32]byte { return [32]byte{b} }
	for b := range byte(10) {
		if err := r.add(id(b)); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(30 * time.Minute)
	if age, ok := r.age(id(3)); !ok || age != 30*time.Minute {
		t.Fatalf("age = %v %v", age, ok)
	}
	r.close()

	// A torn last record (a crash mid-append) and a record from the far
	// future (damage) are dropped on open; the rest survive.
	path := filepath.Join(dir, replayFile)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	var rec [replayRecordSize]byte
	rec[0] = 99
	binary.BigEndian.PutUint64(rec[32:], uint64(now.Add(365*24*time.Hour).Unix()))
	f.Write(rec[:])
	f.Write([]byte{1, 2, 3})
	f.Close()
	r, err = openReplays(dir, time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	if _, ok := r.age(id(99)); ok {
		t.Error("a record dated a year ahead was kept")
	}
	for b := range byte(10) {
		if _, ok := r.age(id(b)); !ok {
			t.Fatalf("ID %d lost across a restart", b)
		}
	}

	// After the window an ID is forgotten; accepted again, it is
	// remembered afresh (and logged), not left expired.
	now = now.Add(time.Hour)
	if _, ok := r.age(id(1)); ok {
		t.Fatal("an ID older than the window is still remembered")
	}
	if err := r.add(id(1)); err != nil {
		t.Fatal(err)
	}
	if age, ok := r.age(id(1)); !ok || age != 0 {
		t.Fatalf("re-accepted ID: age %v %v", age, ok)
	}
	r.close()
	r2, err := openReplays(dir, time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.close()
	if _, ok := r2.age(id(1)); !ok {
		t.Error("the re-accepted ID was not written to the log")
	}
	if _, ok := r2.age(id(2)); ok {
		t.Error("an expired ID came back from the log")
	}
}

func TestReplayLogCompacts(t *testing.T) {
	dir := t.TempDir()
	now := time.Unix(1_800_000_000, 0)
	r, err := openReplays(dir, time.Hour, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	for i := range 10_000 {
		var id [32]byte
		binary.BigEndian.PutUint64(id[:], uint64(i))
		if err := r.add(id); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Second) // the first ones expire as the last arrive
	}
	st, err := os.Stat(filepath.Join(dir, replayFile))
	if err != nil {
		t.Fatal(err)
	}
	if live := int64(3600 * replayRecordSize); st.Size() > 2*live+1024*replayRecordSize {
		t.Errorf("log is %d bytes for %d live IDs: not compacted", st.Size(), 3600)
	}
	if len(r.seen) > 2*3600+1024 {
		t.Errorf("%d IDs in memory for 3600 live", len(r.seen))
	}
}
