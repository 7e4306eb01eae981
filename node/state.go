package node

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrCorruptState: a state file does not hold what was written to it. The
// node refuses to start rather than reset anything: the message names the
// file, which its runner can move away to sit the epoch out.
var ErrCorruptState = errors.New("corrupt node state")

// stateStore keeps the protocol state of the round under <datadir>/state:
// small documents (own commits and their salts, the last finished epoch,
// bonds) and append-only logs (messages received in an epoch).
//
// A document is written to a temporary file, synced, renamed over the old
// one, and the directory synced: after a crash it is the old or the new
// document, never a mix. Each carries the SHA-256 of its body, so damage
// is detected. A log record is framed with its length and CRC-32C; a torn
// last record (a crash mid-append) is cut off on open, anything else that
// does not check is corruption.
//
// Callers write state before publishing anything that depends on it: a
// salt is on disk before its commit is gossiped.
type stateStore struct {
	dir string
}

func openState(dir string) (*stateStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	return &stateStore{dir: dir}, nil
}

// docHeader starts every document: a marker and the body's SHA-256.
const docMagic = "crucible-state-v1 "

func (s *stateStore) path(key string) (string, error) {
	if key == "" || strings.Contains(key, "..") || filepath.IsAbs(key) {
		return "", fmt.Errorf("state key %q", key)
	}
	return filepath.Join(s.dir, filepath.FromSlash(key)), nil
}

// Put writes v (as JSON) under key, durably.
func (s *stateStore) Put(key string, v any) error {
	path, err := s.path(key)
	if err != nil {
		return err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("state %s: %w", key, err)
	}
	sum := sha256.Sum256(body)
	doc := append([]byte(docMagic+hex.EncodeToString(sum[:])+"\n"), body...)
	if err := s.mkdir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("state %s: %w", key, err)
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("state %s: %w", key, err)
	}
	_, err = f.Write(doc)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("state %s: %w", key, err)
	}
	return syncDir(filepath.Dir(path))
}

// Get reads key into v. It returns false if there is no such document.
func (s *stateStore) Get(key string, v any) (bool, error) {
	path, err := s.path(key)
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("state %s: %w", key, err)
	}
	head, body, ok := strings.Cut(string(b), "\n")
	want, found := strings.CutPrefix(head, docMagic)
	if !ok || !found {
		return false, corrupt(path, "no state header")
	}
	if sum := sha256.Sum256([]byte(body)); hex.EncodeToString(sum[:]) != want {
		return false, corrupt(path, "checksum does not match")
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return false, corrupt(path, err.Error())
	}
	return true, nil
}

func corrupt(path, why string) error {
	return fmt.Errorf("%w: %s: %s; move it away to let the node sit this epoch out, or restore it from a backup", ErrCorruptState, path, why)
}

// Log is an append-only log of records under one key.
type stateLog struct {
	f    *os.File
	path string
	size int64 // bytes of whole records
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// OpenLog opens the log under key, reading back its records (a torn last
// record is cut off).
func (s *stateStore) OpenLog(key string) (*stateLog, [][]byte, error) {
	path, err := s.path(key)
	if err != nil {
		return nil, nil, err
	}
	if err := s.mkdir(filepath.Dir(path)); err != nil {
		return nil, nil, fmt.Errorf("state %s: %w", key, err)
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("state %s: %w", key, err)
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		// A new file: its name must survive a power cut too.
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("state %s: %w", key, err)
		}
	}
	var records [][]byte
	var good int64
	r := bufio.NewReader(f)
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				break // clean end, or a torn header
			}
			f.Close()
			return nil, nil, fmt.Errorf("state %s: %w", key, err)
		}
		n, sum := binary.BigEndian.Uint32(hdr[:4]), binary.BigEndian.Uint32(hdr[4:])
		if n == 0 {
			// No record is empty: zeros are a tail the file system
			// allocated but a crash never filled.
			break
		}
		if n > 4<<20 {
			f.Close()
			return nil, nil, corrupt(path, fmt.Sprintf("record at %d claims %d bytes", good, n))
		}
		rec := make([]byte, n)
		if _, err := io.ReadFull(r, rec); err != nil {
			break // a torn last record
		}
		if recordCRC(hdr[:4], rec) != sum {
			// A bad checksum on the last record is a torn write whose
			// length made it; anywhere else it is damage.
			if _, err := r.Peek(1); err == io.EOF {
				break
			}
			f.Close()
			return nil, nil, corrupt(path, fmt.Sprintf("record at %d fails its checksum", good))
		}
		records = append(records, rec)
		good += 8 + int64(n)
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("state %s: %w", key, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("state %s: %w", key, err)
	}
	return &stateLog{f: f, path: path, size: good}, records, nil
}

// Append writes one record and syncs it.
func (l *stateLog) Append(rec []byte) error {
	b := make([]byte, 8+len(rec))
	binary.BigEndian.PutUint32(b, uint32(len(rec)))
	binary.BigEndian.PutUint32(b[4:], recordCRC(b[:4], rec))
	copy(b[8:], rec)
	_, err := l.f.Write(b)
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		// Cut a partial record off, so the next one does not follow
		// garbage.
		l.f.Truncate(l.size)
		l.f.Seek(l.size, io.SeekStart)
		return fmt.Errorf("state log %s: %w", l.path, err)
	}
	l.size += int64(len(b))
	return nil
}

func (l *stateLog) Close() error { return l.f.Close() }

// recordCRC covers a record's length as well as its bytes, so a length
// that a crash garbled does not pass with a matching body.
func recordCRC(length, rec []byte) uint32 {
	return crc32.Update(crc32.Checksum(length, crcTable), crcTable, rec)
}

// mkdir creates dir (under the state directory) and any missing parents,
// syncing each parent after a child appears in it, so that a document
// "on disk" does not lose its directory to a power cut.
func (s *stateStore) mkdir(dir string) error {
	rel, err := filepath.Rel(s.dir, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("directory %s outside the state directory", dir)
	}
	cur := s.dir
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if part == "." || part == "" {
			continue
		}
		next := filepath.Join(cur, part)
		if _, err := os.Stat(next); errors.Is(err, fs.ErrNotExist) {
			if err := os.Mkdir(next, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			if err := syncDir(cur); err != nil {
				return err
			}
		}
		cur = next
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
