package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

// Config configures a Sandbox.
type Config struct {
	// CacheDir, when set, holds compiled modules across processes, keyed by
	// module hash, InstrumentationVersion and the engine version. Empty
	// means compile in memory only.
	CacheDir string
	// Modules bounds the static shape of the modules Load accepts.
	Modules ModuleLimits
	// Logger receives compile and cache events. Nil discards them.
	Logger *slog.Logger
}

// Sandbox compiles and runs evaluators. It is safe for concurrent use: one
// compiled module serves any number of evaluations in parallel, each in its
// own instance.
type Sandbox struct {
	cfg    Config
	rt     wazero.Runtime
	cache  *diskCache
	modCfg wazero.ModuleConfig
	mem    memoryPool
	log    *slog.Logger

	mu      sync.Mutex
	loaded  map[[32]byte]*loading
	closed  bool
	busy    int                     // compiles and evaluations under way
	running map[*callState]struct{} // evaluations, to interrupt on Close
	idle    *sync.Cond              // signalled when busy drops to 0
}

// enter registers work under way (st may be nil for a compile) so that
// Close waits for it, or fails if the sandbox is closed.
func (s *Sandbox) enter(st *callState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.busy++
	if st != nil {
		s.running[st] = struct{}{}
	}
	return nil
}

func (s *Sandbox) exit(st *callState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy--
	delete(s.running, st)
	if s.busy == 0 {
		s.idle.Broadcast()
	}
}

type loading struct {
	done chan struct{}
	ev   *Evaluator
	err  error
}

// New creates a sandbox. Close releases it.
func New(ctx context.Context, cfg Config) (*Sandbox, error) {
	cfg.Modules = cfg.Modules.withDefaults()
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	rc := runtimeConfig().WithCustomSections(false)
	var cache *diskCache
	if cfg.CacheDir != "" {
		var err error
		if cache, err = openDiskCache(cfg.CacheDir); err != nil {
			return nil, err
		}
		rc = rc.WithCompilationCache(cache.compiled)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	if err := instantiateHost(ctx, rt, hostModule, crucibleFuncs); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	if err := instantiateHost(ctx, rt, wasiModule, wasiFuncs); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	if err := instantiateHost(ctx, rt, refuelModule, refuelFuncs); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	s := &Sandbox{
		cfg:   cfg,
		rt:    rt,
		cache: cache,
		// No start functions: _initialize is called with its own fuel. The
		// rand source is wazero's own WASI's, which evaluators never reach;
		// setting it spares wazero seeding a math/rand source per instance.
		modCfg:  wazero.NewModuleConfig().WithName("").WithStartFunctions().WithRandSource(noRandom{}),
		mem:     newMemoryPool(),
		log:     logger,
		loaded:  map[[32]byte]*loading{},
		running: map[*callState]struct{}{},
	}
	s.idle = sync.NewCond(&s.mu)
	return s, nil
}

// runtimeConfig is the engine configuration: WebAssembly 2.0 without SIMD,
// memory limits enforced by the instrumented code.
func runtimeConfig() wazero.RuntimeConfig {
	return wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 &^ api.CoreFeatureSIMD).
		WithMemoryLimitPages(65536)
}

func instantiateHost(ctx context.Context, rt wazero.Runtime, name string, funcs []hostFunc) error {
	b := rt.NewHostModuleBuilder(name)
	for _, f := range funcs {
		b.NewFunctionBuilder().
			WithGoModuleFunction(f.fn, apiTypes(f.params), apiTypes(f.result)).
			Export(f.name)
	}
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("instantiate host module %s: %w", name, err)
	}
	return nil
}

// Close releases every compiled module. Evaluations still running end with
// ErrClosed (within about a millisecond of guest time), and Close waits for
// them and for compiles under way. It is safe to call more than once.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for st := range s.running {
		st.interrupt(ErrClosed)
	}
	for s.busy > 0 {
		s.idle.Wait()
	}
	s.mu.Unlock()
	err := s.rt.Close(context.Background())
	if s.mem != nil {
		s.mem.Close()
	}
	if s.cache != nil {
		err = errors.Join(err, s.cache.Close())
	}
	return err
}

// Load validates, instruments and compiles an evaluator, or returns the one
// already loaded from the same bytes. Validation failures are a
// *ValidationError.
func (s *Sandbox) Load(ctx context.Context, binary []byte) (*Evaluator, error) {
	info, m, err := validate(binary, s.cfg.Modules, false)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	if l, ok := s.loaded[info.SHA256]; ok {
		s.mu.Unlock()
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if errors.Is(l.err, context.Canceled) || errors.Is(l.err, context.DeadlineExceeded) {
			// The loader that went first gave up; this caller has not.
			return s.Load(ctx, binary)
		}
		return l.ev, l.err
	}
	l := &loading{done: make(chan struct{})}
	s.loaded[info.SHA256] = l
	s.busy++
	s.mu.Unlock()

	defer func() {
		s.mu.Lock()
		if l.err != nil {
			delete(s.loaded, info.SHA256)
		}
		s.mu.Unlock()
		s.exit(nil)
		close(l.done)
	}()
	l.ev, l.err = s.compile(ctx, info, m)
	return l.ev, l.err
}

func (s *Sandbox) compile(ctx context.Context, info *ModuleInfo, m *wasm.Module) (*Evaluator, error) {
	start := time.Now()
	binary, safe, fromCache, commit, err := s.cache.instrument(info.SHA256, m)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			return nil, err
		}
		return nil, &ValidationError{Violations: []Violation{{Err: ErrMalformed, Detail: err.Error()}}}
	}
	info.snapshotSafe = safe
	compileCtx := experimental.WithCompilationWorkers(ctx, runtime.GOMAXPROCS(0))
	compiled, err := s.rt.CompileModule(compileCtx, binary)
	if err != nil && s.cache != nil && ctx.Err() == nil && compilesWithoutCache(compileCtx, binary) {
		// The module is fine, so the cache is not: a damaged entry in
		// wazero's cache fails every later compile of the module, and
		// wazero does not say which file, so start the cache afresh. (The
		// error text cannot decide this: it quotes the module's own names.)
		s.log.Warn("compiled-module cache damaged, clearing it", "dir", s.cache.compiledDir, "err", err)
		if cerr := s.cache.clearCompiled(); cerr != nil {
			return nil, fmt.Errorf("clear damaged compile cache: %w", cerr)
		}
		compiled, err = s.rt.CompileModule(compileCtx, binary)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &ValidationError{Violations: []Violation{{Err: ErrMalformed, Detail: strings.TrimPrefix(err.Error(), "invalid ")}}}
	}
	commit()
	s.log.Debug("evaluator compiled", "sha256", fmt.Sprintf("%x", info.SHA256), "bytes", info.Size,
		"instrumented_from_cache", fromCache, "elapsed", time.Since(start))
	ev := &Evaluator{sb: s, info: *info, compiled: compiled}
	for _, g := range mutableGlobalExports(m) {
		ev.globals = append(ev.globals, g.Name)
	}
	ev.reuse = info.Reuse && info.snapshotSafe
	if info.Reuse && !info.snapshotSafe {
		compiled.Close(ctx)
		return nil, &ValidationError{Violations: []Violation{{Err: ErrUnsupported,
			Detail: "crucible_reuse_v1 is declared but the module changes tables or drops segments, so a snapshot cannot stand for a fresh instance; remove the opt-in"}}}
	}
	return ev, nil
}

// compilesWithoutCache compiles binary in a throwaway engine with no cache.
// It runs only after a compile failed, to tell a bad module from a bad
// cache entry.
func compilesWithoutCache(ctx context.Context, binary []byte) bool {
	rt := wazero.NewRuntimeWithConfig(ctx, runtimeConfig())
	defer rt.Close(ctx)
	_, err := rt.CompileModule(ctx, binary)
	return err == nil
}

// Evaluator is a compiled evaluator module.
type Evaluator struct {
	sb       *Sandbox
	info     ModuleInfo
	compiled wazero.CompiledModule
	globals  []string
	reuse    bool

	snapMu sync.Mutex
	snaps  map[snapKey]*snapBuild

	mu      sync.Mutex
	active  int  // evaluations running
	closing bool // Close was called; the last evaluation releases
}

// Close releases the compiled module once running evaluations finish, and
// forgets it, so that the next Load of the same bytes compiles (or reads
// the disk cache) again. Later Evaluate calls fail with ErrClosed. Close is
// safe to call more than once.
//
// # Notes
//
// Load returns the same *Evaluator to every caller that loads the same
// bytes, so close it only when none of them needs it any more; Sandbox.Close
// releases every evaluator anyway.
func (e *Evaluator) Close() error {
	e.sb.mu.Lock()
	if l, ok := e.sb.loaded[e.info.SHA256]; ok && l.ev == e {
		delete(e.sb.loaded, e.info.SHA256)
	}
	e.sb.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return nil
	}
	e.closing = true
	if e.active == 0 {
		return e.compiled.Close(context.Background())
	}
	return nil
}

func (e *Evaluator) acquire() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return ErrClosed
	}
	e.active++
	return nil
}

func (e *Evaluator) release() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.active--
	if e.closing && e.active == 0 {
		e.compiled.Close(context.Background())
	}
}

// Info describes the module.
func (e *Evaluator) Info() ModuleInfo { return e.info }

// Result is the outcome of one evaluation.
type Result struct {
	// Score is in [0, 1]; valid only when Evaluate returns a nil error.
	Score float64
	// Details are the optional bytes the evaluator attached to its score.
	Details []byte
	// Fuel is the fuel crucible_evaluate used. Out of fuel, it is the limit.
	Fuel uint64
	// InitFuel is the fuel _initialize used.
	InitFuel uint64
	// Log is what the guest wrote to stdout and stderr, up to the limit.
	Log []byte
	// Duration is the wall time of the evaluation, instantiation included.
	// It is informational and differs between machines; nothing else in a
	// Result does.
	Duration time.Duration
}

// Evaluate runs the evaluator once on in, in a fresh instance (or, for
// modules that opt in to reuse, a restored snapshot of one taken after
// _initialize, which is indistinguishable from a fresh instance).
//
// The Result always carries the fuel used and the log, also when the error
// is not nil. Errors that IsVerdict accepts are deterministic outcomes of the
// evaluation; others (ErrTimeout, cancellation, a failing Input.Output
// reader) are failures of this machine.
func (e *Evaluator) Evaluate(ctx context.Context, in Input, lim Limits) (Result, error) {
	start := time.Now()
	lim, err := lim.withDefaults()
	if err != nil {
		return Result{}, fmt.Errorf("limits: %w", err)
	}
	if in.OutputSize < 0 {
		return Result{}, fmt.Errorf("input: negative output size %d", in.OutputSize)
	}
	if err := e.acquire(); err != nil {
		return Result{}, err
	}
	defer e.release()
	var res Result
	err = e.run(ctx, in, lim, &res)
	res.Duration = time.Since(start)
	return res, err
}

func (e *Evaluator) run(ctx context.Context, in Input, lim Limits, res *Result) error {
	if e.info.MemoryPages > lim.MemoryPages {
		return fmt.Errorf("%w: the module starts with %d pages of memory, limit %d", ErrMemoryLimit, e.info.MemoryPages, lim.MemoryPages)
	}
	if e.info.TableElements > lim.TableElements {
		return fmt.Errorf("%w: the module starts with a table of %d elements, limit %d", ErrTableLimit, e.info.TableElements, lim.TableElements)
	}
	var snap *snapshot
	if e.reuse {
		var err error
		if snap, err = e.snapshot(ctx, in.Seed, lim); err != nil {
			return err
		}
		if snap.err != nil {
			res.InitFuel, res.Log = snap.initFuel, snap.log
			return fmt.Errorf("_initialize: %w", snap.err)
		}
	}

	ses, err := e.open(ctx, in, lim)
	if err != nil {
		return err
	}
	defer ses.close()
	st := ses.st

	if snap != nil {
		if err := snap.restore(ses.mod, st, e.globals); err != nil {
			return err
		}
		res.InitFuel = snap.initFuel
	} else if e.info.Initialize {
		used, err := ses.call(exportInitialize, lim.InitFuel, nil)
		res.InitFuel = used
		if err != nil {
			res.Log = st.log
			return fmt.Errorf("_initialize: %w", err)
		}
	}
	st.evaluating = true
	var status uint64
	used, err := ses.call(exportEvaluate, lim.Fuel, &status)
	res.Fuel = used
	res.Log = st.log
	if err != nil {
		return err
	}
	switch {
	case status != 0 && st.errorSet:
		return fmt.Errorf("%w: %s", ErrEvaluator, st.errMsg)
	case status != 0:
		return fmt.Errorf("%w: crucible_evaluate returned %d without calling set_error", ErrEvaluator, int32(status))
	case !st.resultSet:
		return fmt.Errorf("%w: crucible_evaluate returned 0 without calling set_result", ErrABI)
	}
	res.Score, res.Details = st.score, st.details
	return nil
}

// session is one instance of the evaluator with its call state: registered
// with the sandbox (so Close can interrupt it), watched for cancellation
// and the backstop, and bound to its limits.
type session struct {
	ctx  context.Context // carries st to the host functions
	st   *callState
	mod  api.Module
	g    globals
	stop func() // ends the watch
	sb   *Sandbox
}

// open instantiates the evaluator for one input. The caller must close the
// session.
func (e *Evaluator) open(ctx context.Context, in Input, lim Limits) (*session, error) {
	st := newCallState(in, lim)
	if err := e.sb.enter(st); err != nil {
		return nil, err
	}
	ctx = context.WithValue(ctx, stateKey{}, st)
	ses := &session{ctx: ctx, st: st, stop: st.watch(ctx, lim.Timeout), sb: e.sb}
	instCtx := ctx
	if e.sb.mem != nil {
		instCtx = experimental.WithMemoryAllocator(ctx, e.sb.mem)
	}
	mod, err := e.sb.rt.InstantiateModule(instCtx, e.compiled, e.sb.modCfg)
	if err != nil {
		ses.close()
		if why := st.interruption(); why != nil {
			return nil, why
		}
		if e.sb.isClosed() {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("%w: instantiate: %v", ErrTrap, err)
	}
	ses.mod = mod
	ses.g = bindGlobals(mod)
	st.fuel = ses.g.fuel
	ses.g.depthMax.Set(uint64(lim.CallDepth))
	ses.g.memMax.Set(uint64(lim.MemoryPages))
	ses.g.tableMax.Set(uint64(lim.TableElements))
	return ses, nil
}

func (s *session) close() {
	if s.mod != nil {
		s.mod.Close(context.Background())
	}
	s.stop()
	s.sb.exit(s.st)
}

// call runs one exported function with a fuel budget and returns the fuel
// it used and the verdict.
func (s *session) call(name string, fuel uint64, result *uint64) (uint64, error) {
	st, g := s.st, s.g
	st.setFuel(fuel)
	g.depth.Set(0)
	g.trap.Set(trapNone)
	out, callErr := s.mod.ExportedFunction(name).Call(s.ctx)
	left := st.fuelLeft()
	used := fuel
	if left >= 0 {
		used = fuel - uint64(left)
	}
	if why := st.interruption(); why != nil {
		return used, why
	}
	if callErr == nil {
		if left < 0 {
			return fuel, fmt.Errorf("%w: limit %d", ErrOutOfFuel, fuel)
		}
		if result != nil && len(out) > 0 {
			*result = out[0]
		}
		return used, nil
	}
	if st.hostErr != nil {
		return used, st.hostErr
	}
	switch g.trap.Get() {
	case trapDepth:
		return used, fmt.Errorf("%w: limit %d", ErrCallDepth, st.lim.CallDepth)
	case trapMemory:
		return used, fmt.Errorf("%w: memory.grow past %d pages", ErrMemoryLimit, st.lim.MemoryPages)
	case trapTable:
		return used, fmt.Errorf("%w: table.grow past %d elements", ErrTableLimit, st.lim.TableElements)
	}
	if left < 0 {
		return fuel, fmt.Errorf("%w: limit %d", ErrOutOfFuel, fuel)
	}
	msg := callErr.Error()
	if strings.Contains(msg, "stack overflow") {
		// The engine's own stack ceiling: only frames far larger than the
		// locals limit allows can reach it before the depth limit.
		return used, fmt.Errorf("%w: engine stack exhausted", ErrCallDepth)
	}
	return used, fmt.Errorf("%w: %s", ErrTrap, msg)
}

func (s *Sandbox) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// globals are the instrumenter's globals of one instance.
type globals struct {
	fuel, depth, depthMax, memMax, tableMax, trap api.MutableGlobal
}

func bindGlobals(mod api.Module) globals {
	get := func(name string) api.MutableGlobal {
		g, ok := mod.ExportedGlobal(name).(api.MutableGlobal)
		if !ok {
			// The instrumenter always adds these exports.
			panic(fmt.Sprintf("sandbox: instrumented module lacks %s", name))
		}
		return g
	}
	return globals{
		fuel: get(exportFuel), depth: get(exportDepth), depthMax: get(exportDepthMax),
		memMax: get(exportMemoryMax), tableMax: get(exportTableMax), trap: get(exportTrap),
	}
}

func apiTypes(ts []wasm.ValType) []api.ValueType {
	out := make([]api.ValueType, len(ts))
	for i, t := range ts {
		out[i] = api.ValueType(t)
	}
	return out
}

// noRandom is the rand source of wazero's own WASI, which the sandbox does
// not offer to guests; reading it is a bug.
type noRandom struct{}

func (noRandom) Read([]byte) (int, error) {
	return 0, errors.New("sandbox: wazero's random source is not used")
}
