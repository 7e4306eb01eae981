package node

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type testDoc struct {
	Epoch uint64
	Salt  []byte
}

func TestStateDocuments(t *testing.T) {
	s, err := openState(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var d testDoc
	if ok, err := s.Get("subnet-1/epoch-3/commit", &d); ok || err != nil {
		t.Fatalf("missing document: %v %v", ok, err)
	}
	want := testDoc{Epoch: 3, Salt: []byte{1, 2, 3}}
	if err := s.Put("subnet-1/epoch-3/commit", want); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Get("subnet-1/epoch-3/commit", &d); !ok || err != nil || d.Epoch != 3 || string(d.Salt) != string(want.Salt) {
		t.Fatalf("Get = %v %v %+v", ok, err, d)
	}
	// A crash between writing the temporary file and the rename leaves
	// the old document in force.
	path := filepath.Join(s.dir, "subnet-1/epoch-3/commit")
	os.WriteFile(path+".tmp", []byte("half a docu"), 0o600)
	if ok, err := s.Get("subnet-1/epoch-3/commit", &d); !ok || err != nil || d.Epoch != 3 {
		t.Fatalf("after a crashed write: %v %v", ok, err)
	}
	for name, damage := range map[string]func([]byte) []byte{
		"flipped byte": func(b []byte) []byte { b[len(b)-3] ^= 1; return b },
		"truncated":    func(b []byte) []byte { return b[:len(b)-4] },
		"no header":    func(b []byte) []byte { return []byte(`{"Epoch":3}`) },
		"empty":        func([]byte) []byte { return nil },
	} {
		good, _ := os.ReadFile(path)
		os.WriteFile(path, damage(append([]byte(nil), good...)), 0o600)
		_, err := s.Get("subnet-1/epoch-3/commit", &d)
		if !errors.Is(err, ErrCorruptState) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: Get = %v, want ErrCorruptState naming the file", name, err)
		}
		os.WriteFile(path, good, 0o600)
	}
	if err := s.Put("../escape", want); err == nil {
		t.Error("a key outside the state directory was accepted")
	}
}

func TestStateLog(t *testing.T) {
	s, err := openState(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l, recs, err := s.OpenLog("subnet-1/epoch-3/received")
	if err != nil || len(recs) != 0 {
		t.Fatal(recs, err)
	}
	for _, r := range []string{"one", "two", "three"} {
		if err := l.Append([]byte(r)); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	path := filepath.Join(s.dir, "subnet-1/epoch-3/received")

	// A torn last record (a crash mid-append) is cut off, and appending
	// goes on after the last whole one.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{0, 0, 0, 9, 1, 2, 3, 4, 'x', 'y'})
	f.Close()
	l, recs, err = s.OpenLog("subnet-1/epoch-3/received")
	if err != nil || len(recs) != 3 || string(recs[2]) != "three" {
		t.Fatalf("after a torn append: %q %v", recs, err)
	}
	l.Append([]byte("four"))
	l.Close()
	_, recs, err = s.OpenLog("subnet-1/epoch-3/received")
	if err != nil || len(recs) != 4 || string(recs[3]) != "four" {
		t.Fatalf("after appending again: %q %v", recs, err)
	}

	// A zero-filled tail (allocated by the file system, never written
	// before a crash) is cut off too, not read as empty records.
	f, _ = os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.Write(make([]byte, 4096))
	f.Close()
	l, recs, err = s.OpenLog("subnet-1/epoch-3/received")
	if err != nil || len(recs) != 4 {
		t.Fatalf("after a zero-filled tail: %d records, %v", len(recs), err)
	}
	l.Close()

	// Damage before the end is corruption, reported, not cut off.
	b, _ := os.ReadFile(path)
	b[9] ^= 0xff // inside the first record
	os.WriteFile(path, b, 0o600)
	if _, _, err := s.OpenLog("subnet-1/epoch-3/received"); !errors.Is(err, ErrCorruptState) {
		t.Fatalf("damaged log: %v, want ErrCorruptState", err)
	}
	after, _ := os.ReadFile(path)
	if len(after) != len(b) {
		t.Error("opening a damaged log changed it")
	}
}
