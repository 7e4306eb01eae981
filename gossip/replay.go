package gossip

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// replayFile is the name of the replay memory inside Config.StateDir.
const replayFile = "gossip-seen.log"

// replayRecordSize is one record of the replay log: a 32-byte message ID
// (the SHA-256 of the data) and the time it was accepted, in Unix seconds.
const replayRecordSize = 32 + 8

// replays remembers the IDs of accepted messages for a window much longer
// than pubsub's seen cache (2 minutes), so that a message replayed an hour
// or a day later is still recognised. With a directory it keeps them in an
// append-only log too, read back at start: a restart does not forget.
//
// The log is append-only and not synced per record: a power cut may lose
// the last few IDs, which only means those few could be replayed once.
// It is rewritten without expired records when it has grown to twice its
// live size.
type replays struct {
	mu     sync.Mutex
	window time.Duration
	now    func() time.Time
	seen   map[[32]byte]int64 // ID → accepted at, Unix seconds
	path   string
	f      *os.File
	logged int       // records in the log file
	live   int       // IDs in seen after the last expiry
	retry  time.Time // when to try again to rewrite a log that failed
}

func openReplays(dir string, window time.Duration, now func() time.Time) (*replays, error) {
	r := &replays{window: window, now: now, seen: map[[32]byte]int64{}}
	if dir == "" {
		return r, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("replay memory: %w", err)
	}
	r.path = filepath.Join(dir, replayFile)
	f, err := os.Open(r.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("replay memory: %w", err)
	default:
		err = r.load(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("replay memory %s: %w", r.path, err)
		}
	}
	if err := r.rewrite(); err != nil {
		return nil, err
	}
	return r, nil
}

// load reads the log. A torn last record (a crash mid-append) is dropped.
func (r *replays) load(f *os.File) error {
	now := r.now()
	cutoff, future := now.Add(-r.window).Unix(), now.Add(time.Hour).Unix()
	br := bufio.NewReader(f)
	var rec [replayRecordSize]byte
	for {
		if _, err := io.ReadFull(br, rec[:]); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil
			}
			return err
		}
		at := int64(binary.BigEndian.Uint64(rec[32:]))
		// A time far in the future is a damaged record (or a clock that
		// was wrong); it would be "seen" forever, so it is dropped.
		if at >= cutoff && at <= future {
			r.seen[[32]byte(rec[:32])] = at
		}
	}
}

// rewrite replaces the log with the live records (temp file, sync, rename)
// and reopens it for appending. Called with r.mu held or before use.
func (r *replays) rewrite() error {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
	tmp := r.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("replay memory: %w", err)
	}
	bw := bufio.NewWriter(f)
	var rec [replayRecordSize]byte
	for id, at := range r.seen {
		copy(rec[:], id[:])
		binary.BigEndian.PutUint64(rec[32:], uint64(at))
		bw.Write(rec[:])
	}
	err = bw.Flush()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, r.path)
	}
	if err != nil {
		os.Remove(tmp)
		r.retry = r.now().Add(time.Minute)
		return fmt.Errorf("replay memory: %w", err)
	}
	if d, err := os.Open(filepath.Dir(r.path)); err == nil {
		d.Sync()
		d.Close()
	}
	r.f, err = os.OpenFile(r.path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("replay memory: %w", err)
	}
	r.logged = len(r.seen)
	r.live = len(r.seen)
	return nil
}

// age reports how long ago id was accepted, if within the window.
func (r *replays) age(id [32]byte) (time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.seen[id]
	now := r.now()
	if !ok || at < now.Add(-r.window).Unix() {
		return 0, false
	}
	return now.Sub(time.Unix(at, 0)), true
}

// add remembers id as accepted now. A failed log write is returned but the
// ID is still remembered in memory; the caller logs it.
func (r *replays) add(id [32]byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if at, ok := r.seen[id]; ok && at >= now.Add(-r.window).Unix() {
		return nil
	}
	r.seen[id] = now.Unix()
	if len(r.seen) > max(1024, 2*r.live) {
		r.expire()
	}
	if r.f == nil {
		if r.path == "" || now.Before(r.retry) {
			return nil
		}
		// The log failed before: write it whole again, this ID included.
		return r.rewrite()
	}
	var rec [replayRecordSize]byte
	copy(rec[:], id[:])
	binary.BigEndian.PutUint64(rec[32:], uint64(now.Unix()))
	if _, err := r.f.Write(rec[:]); err != nil {
		// A short write (a full disk) would shift every later record:
		// cut back to the last whole one.
		if terr := r.f.Truncate(int64(r.logged) * replayRecordSize); terr != nil {
			r.f.Close()
			r.f = nil
			r.retry = now.Add(time.Minute)
		}
		return fmt.Errorf("replay memory: %w", err)
	}
	r.logged++
	if r.logged > max(1024, 2*len(r.seen)) {
		return r.rewrite()
	}
	return nil
}

// expire drops IDs older than the window.
func (r *replays) expire() {
	cutoff := r.now().Add(-r.window).Unix()
	for id, at := range r.seen {
		if at < cutoff {
			delete(r.seen, id)
		}
	}
	r.live = len(r.seen)
}

func (r *replays) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
