package sandbox

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/tetratelabs/wazero/api"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

// wasiModule is the WASI preview 1 import module. Crucible implements its
// own instead of wazero's so that nothing ambient can leak in: there is no
// filesystem, network, environment or argument list, the clocks read a
// constant, and randomness comes from the evaluation seed.
const wasiModule = "wasi_snapshot_preview1"

// FixedTime is what every WASI clock reads, in nanoseconds since the Unix
// epoch: 2026-01-01T00:00:00Z. A guest cannot measure time, so it cannot
// tell a fast machine from a slow one.
const FixedTime = 1_767_225_600_000_000_000

// WASI errno values.
const (
	errnoSuccess = 0
	errnoBadf    = 8
	errnoFault   = 21
	errnoInval   = 28
	errnoNosys   = 52
)

// wasiForbidden are WASI functions a module may not even import: they exist
// only to reach the network, so importing one shows intent the sandbox will
// not serve.
var wasiForbidden = map[string]string{
	"sock_accept":   "network access",
	"sock_recv":     "network access",
	"sock_send":     "network access",
	"sock_shutdown": "network access",
}

// wasiFuncs lists every other WASI preview 1 function with its signature.
// Those without an implementation return ENOSYS.
var wasiFuncs = func() []hostFunc {
	sig := func(name string, params ...wasm.ValType) hostFunc {
		return hostFunc{name: name, params: params, result: []wasm.ValType{i32}, fn: wasiNosys}
	}
	fs := []hostFunc{
		sig("args_get", i32, i32),
		sig("args_sizes_get", i32, i32),
		sig("environ_get", i32, i32),
		sig("environ_sizes_get", i32, i32),
		sig("clock_res_get", i32, i32),
		sig("clock_time_get", i32, i64, i32),
		sig("fd_advise", i32, i64, i64, i32),
		sig("fd_allocate", i32, i64, i64),
		sig("fd_close", i32),
		sig("fd_datasync", i32),
		sig("fd_fdstat_get", i32, i32),
		sig("fd_fdstat_set_flags", i32, i32),
		sig("fd_fdstat_set_rights", i32, i64, i64),
		sig("fd_filestat_get", i32, i32),
		sig("fd_filestat_set_size", i32, i64),
		sig("fd_filestat_set_times", i32, i64, i64, i32),
		sig("fd_pread", i32, i32, i32, i64, i32),
		sig("fd_prestat_get", i32, i32),
		sig("fd_prestat_dir_name", i32, i32, i32),
		sig("fd_pwrite", i32, i32, i32, i64, i32),
		sig("fd_read", i32, i32, i32, i32),
		sig("fd_readdir", i32, i32, i32, i64, i32),
		sig("fd_renumber", i32, i32),
		sig("fd_seek", i32, i64, i32, i32),
		sig("fd_sync", i32),
		sig("fd_tell", i32, i32),
		sig("fd_write", i32, i32, i32, i32),
		sig("path_create_directory", i32, i32, i32),
		sig("path_filestat_get", i32, i32, i32, i32, i32),
		sig("path_filestat_set_times", i32, i32, i32, i32, i64, i64, i32),
		sig("path_link", i32, i32, i32, i32, i32, i32, i32),
		sig("path_open", i32, i32, i32, i32, i32, i64, i64, i32, i32),
		sig("path_readlink", i32, i32, i32, i32, i32, i32),
		sig("path_remove_directory", i32, i32, i32),
		sig("path_rename", i32, i32, i32, i32, i32, i32),
		sig("path_symlink", i32, i32, i32, i32, i32),
		sig("path_unlink_file", i32, i32, i32),
		sig("poll_oneoff", i32, i32, i32, i32),
		{name: "proc_exit", params: []wasm.ValType{i32}, fn: wasiProcExit},
		sig("proc_raise", i32),
		sig("sched_yield"),
		sig("random_get", i32, i32),
	}
	impl := map[string]api.GoModuleFunc{
		"args_get":          wasiSuccess, // the list is empty: nothing to write
		"args_sizes_get":    wasiEmptySizes,
		"environ_get":       wasiSuccess,
		"environ_sizes_get": wasiEmptySizes,
		"clock_res_get":     wasiClockRes,
		"clock_time_get":    wasiClockTime,
		"fd_write":          wasiFdWrite,
		"fd_prestat_get":    wasiBadf,
		"random_get":        wasiRandom,
		"poll_oneoff":       wasiPollOneoff,
		"sched_yield":       wasiSuccess,
	}
	for i := range fs {
		if f, ok := impl[fs[i].name]; ok {
			fs[i].fn = f
		}
	}
	return fs
}()

// wasiImplemented names the functions that do more than return ENOSYS, for
// `crucible eval check`.
var wasiImplemented = map[string]string{
	"args_get":          "empty argument list",
	"args_sizes_get":    "empty argument list",
	"environ_get":       "empty environment",
	"environ_sizes_get": "empty environment",
	"clock_res_get":     "1 ns",
	"clock_time_get":    "constant " + fmt.Sprint(FixedTime),
	"fd_write":          "stdout and stderr go to the bounded log",
	"fd_prestat_get":    "EBADF: no preopened directories",
	"random_get":        "deterministic, seeded from the evaluation seed",
	"sched_yield":       "no-op",
	"poll_oneoff":       "clock subscriptions fire at once (the clock does not move); fd subscriptions fail with EBADF",
	"proc_exit":         "ends the evaluation with ErrExit",
}

// wasiReturn is a function that does nothing but answer errno.
func wasiReturn(errno uint64) api.GoModuleFunc {
	return func(ctx context.Context, _ api.Module, stack []uint64) {
		stateFrom(ctx).charge(costHostCall)
		stack[0] = errno
	}
}

var (
	wasiNosys   = wasiReturn(errnoNosys)
	wasiSuccess = wasiReturn(errnoSuccess)
	// wasiBadf answers fd_prestat_get: there is no preopened directory at
	// any descriptor. WASI libcs, Go's included, enumerate preopens at
	// start-up until they see EBADF, and treat any other error as fatal.
	wasiBadf = wasiReturn(errnoBadf)
)

func wasiEmptySizes(ctx context.Context, mod api.Module, stack []uint64) {
	stateFrom(ctx).charge(costHostCall)
	mem := mod.Memory()
	if !mem.WriteUint32Le(uint32(stack[0]), 0) || !mem.WriteUint32Le(uint32(stack[1]), 0) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

func wasiClockRes(ctx context.Context, mod api.Module, stack []uint64) {
	stateFrom(ctx).charge(costHostCall)
	if uint32(stack[0]) > 3 {
		stack[0] = errnoInval
		return
	}
	if !mod.Memory().WriteUint64Le(uint32(stack[1]), 1) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

func wasiClockTime(ctx context.Context, mod api.Module, stack []uint64) {
	stateFrom(ctx).charge(costHostCall)
	if uint32(stack[0]) > 3 {
		stack[0] = errnoInval
		return
	}
	if !mod.Memory().WriteUint64Le(uint32(stack[2]), FixedTime) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

func wasiRandom(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	buf, n := uint32(stack[0]), uint32(stack[1])
	st.charge(hostBytesCost(uint64(n)))
	b, ok := mod.Memory().Read(buf, n)
	if !ok {
		stack[0] = errnoFault
		return
	}
	_, _ = st.rng.Read(b)
	stack[0] = errnoSuccess
}

func wasiFdWrite(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	fd, iovs, iovsLen, nwrittenPtr := uint32(stack[0]), uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
	st.charge(costHostCall)
	if fd != 1 && fd != 2 {
		stack[0] = errnoBadf
		return
	}
	mem := mod.Memory()
	if iovsLen > 1<<16 {
		stack[0] = errnoInval
		return
	}
	vec, ok := mem.Read(iovs, iovsLen*8)
	if !ok {
		stack[0] = errnoFault
		return
	}
	// Pay for the whole call first: per iovec, since each is host work
	// even when empty, and per byte.
	var total uint64
	for i := uint32(0); i < iovsLen; i++ {
		total += uint64(binary.LittleEndian.Uint32(vec[i*8+4:]))
	}
	st.charge(int64(iovsLen)*costPerIovec + int64(total>>bulkByteShift))
	for i := uint32(0); i < iovsLen; i++ {
		ptr := binary.LittleEndian.Uint32(vec[i*8:])
		n := binary.LittleEndian.Uint32(vec[i*8+4:])
		p, ok := mem.Read(ptr, n)
		if !ok {
			stack[0] = errnoFault
			return
		}
		st.appendLog(p)
	}
	if !mem.WriteUint32Le(nwrittenPtr, uint32(total)) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

func wasiProcExit(ctx context.Context, _ api.Module, stack []uint64) {
	st := stateFrom(ctx)
	code := uint32(stack[0])
	// proc_exit never returns: the trap ends the call and carries the code.
	st.abort(fmt.Errorf("%w with code %d", ErrExit, code))
}

// poll_oneoff layouts (WASI preview 1).
const (
	subscriptionSize = 48
	eventSize        = 32
	eventTypeClock   = 0
)

// wasiPollOneoff answers every subscription at once: clock timeouts fire
// immediately, because the clock is constant and waiting would never end,
// and descriptor subscriptions fail with EBADF, because there are no
// descriptors to wait on. Go's runtime sleeps through it (runtime.usleep,
// including while it prints a panic); a guest that waits for time to pass
// spins until its fuel runs out.
func wasiPollOneoff(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	in, out, n, neventsPtr := uint32(stack[0]), uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
	st.charge(costHostCall)
	if n == 0 || n > 1<<12 {
		stack[0] = errnoInval
		return
	}
	st.charge(hostBytesCost(uint64(n) * (subscriptionSize + eventSize)))
	mem := mod.Memory()
	subs, ok1 := mem.Read(in, n*subscriptionSize)
	events, ok2 := mem.Read(out, n*eventSize)
	if !ok1 || !ok2 {
		stack[0] = errnoFault
		return
	}
	subs = append([]byte(nil), subs...) // the two buffers may overlap
	for i := uint32(0); i < n; i++ {
		sub, ev := subs[i*subscriptionSize:], events[i*eventSize:(i+1)*eventSize]
		clear(ev)
		copy(ev[0:8], sub[0:8]) // userdata
		tag := sub[8]
		ev[10] = tag
		if tag != eventTypeClock {
			binary.LittleEndian.PutUint16(ev[8:], errnoBadf)
		}
	}
	if !mem.WriteUint32Le(neventsPtr, n) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}
