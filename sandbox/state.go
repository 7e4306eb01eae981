package sandbox

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tetratelabs/wazero/api"
)

// stateKey carries the *callState of an evaluation in the context that
// wazero hands to host functions.
type stateKey struct{}

// fuelSlice is the most fuel the guest's fuel global holds at once; the
// rest stays with the host (callState.bank). Every slice, about a
// millisecond of guest CPU, the guest calls refuel: Go code, where the goroutine
// can be preempted, a garbage collection can stop it, and an interrupted
// evaluation ends. Machine code running in wazero is neither preemptible
// nor interruptible, so without slices a running guest would hold up every
// stop-the-world pause of the process until it returned.
const fuelSlice = 1_000_000

// callState is everything host functions need for one evaluation. Only the
// goroutine running the guest touches it, except for the interrupt reason,
// which the watcher and Sandbox.Close set under mu.
type callState struct {
	in  Input
	lim Limits

	fuel api.MutableGlobal // the guest's slice; negative when spent
	bank int64             // fuel not yet handed to the guest

	mu          sync.Mutex
	interrupted error

	log []byte
	rng *rand.ChaCha8

	// evaluating is false during _initialize, when the input and result
	// functions are unavailable, so initialisation depends on the seed
	// alone and one snapshot can serve every input.
	evaluating bool

	score     float64
	details   []byte
	resultSet bool
	errMsg    string
	errorSet  bool

	// hostErr is the first error a host function raised before trapping.
	hostErr error
}

func newCallState(in Input, lim Limits) *callState {
	return &callState{in: in, lim: lim, rng: rand.NewChaCha8(randomSeed(in.Seed))}
}

// randomSeed derives the random_get stream from the evaluation seed, with a
// domain separator so the stream is not the seed itself.
func randomSeed(seed [32]byte) [32]byte {
	h := sha256.New()
	h.Write([]byte("crucible random_get v1\x00"))
	h.Write(seed[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	if st == nil {
		panic(fmt.Errorf("%w: host function called outside an evaluation", ErrABI))
	}
	return st
}

// abort records err as the reason for the trap it then raises.
func (st *callState) abort(err error) {
	if st.hostErr == nil {
		st.hostErr = err
	}
	panic(err)
}

// charge takes fuel for host work and traps when the budget runs out or
// the evaluation was interrupted.
func (st *callState) charge(c int64) {
	v := int64(st.fuel.Get()) - c
	st.fuel.Set(uint64(v))
	if why := st.interruption(); why != nil {
		panic(why)
	}
	if st.bank+v < 0 {
		panic(ErrOutOfFuel)
	}
}

// refuel is called by the guest when its slice is spent (see fuelSlice).
// The budget left is the bank plus the (negative) slice: if it is negative
// the evaluation is out of fuel, exactly where it would be with the whole
// budget in the global. Otherwise credit, which a wrapped loop is about to
// charge again when it re-enters, is given back, and the next slice moves
// in, large enough to pay that charge.
func (st *callState) refuel(credit int64) {
	if why := st.interruption(); why != nil {
		panic(why)
	}
	left := st.fuelLeft()
	if left < 0 {
		panic(ErrOutOfFuel)
	}
	st.deal(left+credit, credit)
}

// setFuel gives the guest a new budget.
func (st *callState) setFuel(v uint64) { st.deal(int64(v), 0) }

// deal puts budget's first slice (fuelSlice plus extra, at most) in the
// guest's global and keeps the rest in the bank.
func (st *callState) deal(budget, extra int64) {
	slice := min(budget, fuelSlice+extra)
	st.bank = budget - slice
	st.fuel.Set(uint64(slice))
}

// fuelLeft is the budget left; negative means exhausted.
func (st *callState) fuelLeft() int64 { return st.bank + int64(st.fuel.Get()) }

func (st *callState) interruption() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.interrupted
}

// interrupt makes the guest stop at its next refuel or host call.
func (st *callState) interrupt(why error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.interrupted == nil {
		st.interrupted = why
	}
}

// requireEvaluating traps when fn is called during _initialize.
func (st *callState) requireEvaluating(fn string) {
	if !st.evaluating {
		st.abort(fmt.Errorf("%w: %s is not available during _initialize", ErrABI, fn))
	}
}

// guestBytes returns a view of guest memory [ptr, ptr+n), or traps.
func (st *callState) guestBytes(mod api.Module, fn string, ptr, n uint32) []byte {
	mem := mod.Memory()
	b, ok := mem.Read(ptr, n)
	if !ok {
		st.abort(fmt.Errorf("%w: %s: buffer [%d, %d) is outside the %d bytes of memory", ErrABI, fn, ptr, uint64(ptr)+uint64(n), mem.Size()))
	}
	return b
}

// appendLog adds guest output to the log, or traps when it would exceed
// the limit. What fits is kept, so the log shows where the flood began.
func (st *callState) appendLog(p []byte) {
	room := st.lim.LogBytes - len(st.log)
	if len(p) > room {
		st.log = append(st.log, p[:max(room, 0)]...)
		st.abort(fmt.Errorf("%w: more than %d bytes written to stdout and stderr", ErrLogLimit, st.lim.LogBytes))
	}
	st.log = append(st.log, p...)
}

// watch marks the evaluation interrupted when ctx is done or the backstop
// timeout passes. The guest notices at its next refuel (within one fuel
// slice) or host call. The returned function ends the watch and waits for
// the watcher to exit.
func (st *callState) watch(ctx context.Context, timeout time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		var why error
		select {
		case <-done:
			return
		case <-ctx.Done():
			why = context.Cause(ctx)
		case <-timer.C:
			why = fmt.Errorf("%w after %v", ErrTimeout, timeout)
		}
		st.interrupt(why)
	}()
	return func() {
		close(done)
		<-finished
	}
}
