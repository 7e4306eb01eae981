package sandbox

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/tetratelabs/wazero/api"
)

// maxSnapshots bounds the snapshots one evaluator keeps. Evaluations of an
// epoch share a seed, so one or two are live at a time.
const maxSnapshots = 4

// snapKey is everything _initialize can depend on: it cannot read the task
// or the output (the input functions trap outside crucible_evaluate), so
// only the seed, through random_get, and the limits matter.
type snapKey struct {
	seed                           [32]byte
	initFuel                       uint64
	memoryPages, tableElems, depth uint32
	logBytes                       int
}

// snapshot is the state of an instance right after _initialize: what a
// fresh instance would hold when crucible_evaluate starts.
type snapshot struct {
	memory   []byte
	globals  []uint64
	log      []byte
	rng      []byte
	initFuel uint64
	err      error
}

// snapshot returns the post-initialisation snapshot for these limits and
// seed, building it on first use. Concurrent callers with the same key
// wait for one build; a caller whose ctx ends stops waiting.
func (e *Evaluator) snapshot(ctx context.Context, seed [32]byte, lim Limits) (*snapshot, error) {
	key := snapKey{seed, lim.InitFuel, lim.MemoryPages, lim.TableElements, lim.CallDepth, lim.LogBytes}
	e.snapMu.Lock()
	if b, ok := e.snaps[key]; ok {
		e.snapMu.Unlock()
		select {
		case <-b.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if b.err != nil {
			return e.snapshot(ctx, seed, lim) // the builder gave up; try again
		}
		return b.snap, nil
	}
	if e.snaps == nil {
		e.snaps = map[snapKey]*snapBuild{}
	}
	if len(e.snaps) >= maxSnapshots {
		for k, b := range e.snaps {
			select {
			case <-b.done:
				delete(e.snaps, k)
			default: // still building: keep it
			}
			if len(e.snaps) < maxSnapshots {
				break
			}
		}
	}
	b := &snapBuild{done: make(chan struct{})}
	e.snaps[key] = b
	e.snapMu.Unlock()

	b.snap, b.err = e.takeSnapshot(ctx, seed, lim)
	if b.err != nil {
		// Only interruptions and a closed sandbox fail here (a failing
		// _initialize is a snapshot with an error); do not keep them.
		e.snapMu.Lock()
		delete(e.snaps, key)
		e.snapMu.Unlock()
	}
	close(b.done)
	return b.snap, b.err
}

// snapBuild is a snapshot being built or built.
type snapBuild struct {
	done chan struct{}
	snap *snapshot
	err  error
}

func (e *Evaluator) takeSnapshot(ctx context.Context, seed [32]byte, lim Limits) (*snapshot, error) {
	ses, err := e.open(ctx, Input{Seed: seed}, lim)
	if err != nil {
		return nil, err
	}
	defer ses.close()
	st, mod := ses.st, ses.mod
	s := &snapshot{}
	if e.info.Initialize {
		s.initFuel, s.err = ses.call(exportInitialize, lim.InitFuel, nil)
		if why := st.interruption(); why != nil {
			return nil, why
		}
	}
	s.log = append([]byte(nil), st.log...)
	if s.err != nil {
		return s, nil
	}
	mem := mod.Memory()
	view, _ := mem.Read(0, mem.Size())
	s.memory = append([]byte(nil), view...)
	for _, name := range e.globals {
		s.globals = append(s.globals, mod.ExportedGlobal(name).Get())
	}
	if s.rng, err = st.rng.MarshalBinary(); err != nil {
		return nil, fmt.Errorf("snapshot random state: %w", err)
	}
	return s, nil
}

// restore makes a fresh instance look as if _initialize had just run in it.
func (s *snapshot) restore(mod api.Module, st *callState, names []string) error {
	mem := mod.Memory()
	if want := uint32(len(s.memory) / 65536); want > mem.Size()/65536 {
		if _, ok := mem.Grow(want - mem.Size()/65536); !ok {
			return fmt.Errorf("%w: restore snapshot of %d pages", ErrMemoryLimit, want)
		}
	}
	view, ok := mem.Read(0, uint32(len(s.memory)))
	if !ok {
		return fmt.Errorf("restore snapshot: memory of %d bytes, snapshot of %d", mem.Size(), len(s.memory))
	}
	copy(view, s.memory)
	for i, name := range names {
		mod.ExportedGlobal(name).(api.MutableGlobal).Set(s.globals[i])
	}
	st.log = append(st.log[:0], s.log...)
	rng := &rand.ChaCha8{}
	if err := rng.UnmarshalBinary(s.rng); err != nil {
		return fmt.Errorf("restore random state: %w", err)
	}
	st.rng = rng
	return nil
}
