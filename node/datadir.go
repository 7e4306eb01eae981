package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The data dir's layout. Each part owns its subdirectory.
const (
	lockFile  = "node.lock" // held while a node runs on the data dir
	tokenFile = "api.token" // the API's write token, mode 0600
	apiFile   = "api.addr"  // where the running node's API listens
	stateDir  = "state"     // protocol state (gossip's replay memory, the round's state)
	chainDir  = "chain"     // the dev chain, if any
	cacheDir  = "cache"     // compiled evaluators; outputs while they are evaluated
)

// ErrLocked: another process runs a node on the data dir.
var ErrLocked = errors.New("data directory in use")

// dirLock is an advisory lock on a data dir, released by the kernel when
// the process dies, so a crashed node never leaves a stale lock.
type dirLock struct{ f *os.File }

// lockDataDir takes the data dir's lock, or fails with ErrLocked naming
// the process that holds it.
func lockDataDir(dir string) (*dirLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := flock(f); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		holder := strings.TrimSpace(string(b))
		if holder == "" {
			holder = "another process"
		} else {
			holder = "process " + holder
		}
		return nil, fmt.Errorf("%w: %s is used by %s; stop it, or give this node its own --data-dir", ErrLocked, dir, holder)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &dirLock{f: f}, nil
}

func (l *dirLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing drops the flock
	l.f = nil
	return err
}
