package sandbox

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

// ModuleInfo describes an evaluator module as validation found it.
type ModuleInfo struct {
	// SHA256 is the hash of the module bytes as given.
	SHA256 [32]byte
	// Size is the module size in bytes.
	Size int
	// ABIVersion is the version the module declares (0 if none).
	ABIVersion int
	Imports    []ImportInfo
	Exports    []ExportInfo
	// Counts of module contents.
	Functions, Globals, Tables, DataSegments, DataBytes int
	// MemoryPages is the initial memory size in 64 KiB pages.
	MemoryPages uint32
	// TableElements is the largest initial table size.
	TableElements uint32
	// Initialize reports an _initialize export, run once per instance.
	Initialize bool
	// Reuse reports the crucible_reuse_v1 opt-in.
	Reuse bool

	// snapshotSafe: no instruction changes tables or drops segments.
	snapshotSafe bool
}

// ImportInfo is one import and what the host does with it.
type ImportInfo struct {
	Module, Name, Signature string
	// Host says how the host serves it: "implemented", "returns ENOSYS", or
	// why it is refused.
	Host string
}

// ExportInfo is one export.
type ExportInfo struct {
	Name, Kind, Signature string
}

// Check validates a module without compiling it and describes it. The
// error, when not nil, is a *ValidationError listing every violation; the
// info is filled in as far as the module could be decoded.
func Check(binary []byte, lim ModuleLimits) (*ModuleInfo, error) {
	info, _, err := validate(binary, lim.withDefaults(), true)
	return info, err
}

// validate decodes binary and checks it against lim and ABI v1. With scan,
// it also decodes every instruction (see scanCode); Load skips that when the
// disk cache already holds the instrumented module, which was only written
// after a scan passed.
func validate(binary []byte, lim ModuleLimits, scan bool) (*ModuleInfo, *wasm.Module, error) {
	info := &ModuleInfo{SHA256: sha256.Sum256(binary), Size: len(binary)}
	var vs []Violation
	add := func(err error, format string, args ...any) {
		vs = append(vs, Violation{Err: err, Detail: fmt.Sprintf(format, args...)})
	}
	fail := func() (*ModuleInfo, *wasm.Module, error) {
		return info, nil, &ValidationError{Violations: vs}
	}

	if len(binary) > lim.MaxModuleBytes {
		add(ErrModuleTooLarge, "%d bytes, limit %d", len(binary), lim.MaxModuleBytes)
		return fail()
	}
	m, err := wasm.Decode(binary)
	if err != nil {
		switch {
		case len(binary) < 4 || string(binary[:4]) != "\x00asm":
			add(ErrNotWasm, "the file does not start with \\0asm; pass a compiled .wasm binary, not source or text")
		case errors.Is(err, wasm.ErrUnsupported):
			add(ErrUnsupported, "%v", err)
		default:
			add(ErrMalformed, "%v", err)
		}
		return fail()
	}

	nImportedFuncs := m.NumImported(wasm.ExternFunc)
	info.Functions = nImportedFuncs + len(m.Functions)
	info.Globals = m.NumImported(wasm.ExternGlobal) + len(m.Globals)
	info.Tables = m.NumImported(wasm.ExternTable) + len(m.Tables)
	info.DataSegments = len(m.Data)
	for _, d := range m.Data {
		info.DataBytes += d.Size
	}
	for _, t := range m.Tables {
		info.TableElements = max(info.TableElements, t.Limits.Min)
	}
	if len(m.Memories) > 0 {
		info.MemoryPages = m.Memories[0].Min
	}

	// Counts.
	if info.Functions > lim.MaxFunctions {
		add(ErrTooManyFunctions, "%d functions, limit %d", info.Functions, lim.MaxFunctions)
	}
	if info.Globals > lim.MaxGlobals {
		add(ErrTooManyGlobals, "%d globals, limit %d", info.Globals, lim.MaxGlobals)
	}
	if info.Tables > lim.MaxTables {
		add(ErrTooManyTables, "%d tables, limit %d", info.Tables, lim.MaxTables)
	}
	if info.DataSegments > lim.MaxDataSegments {
		add(ErrTooManyDataSegments, "%d data segments, limit %d", info.DataSegments, lim.MaxDataSegments)
	}
	if info.DataBytes > lim.MaxDataBytes {
		add(ErrDataTooLarge, "%d bytes of data segments, limit %d", info.DataBytes, lim.MaxDataBytes)
	}
	for i, body := range m.Bodies {
		if int(m.Functions[i]) >= len(m.Types) {
			add(ErrMalformed, "function %d uses type %d, but there are %d types", nImportedFuncs+i, m.Functions[i], len(m.Types))
			continue
		}
		n := uint64(len(m.Types[m.Functions[i]].Params)) + body.NumLocals()
		if n > uint64(lim.MaxLocals) {
			add(ErrTooManyLocals, "function %d has %d locals and parameters, limit %d", nImportedFuncs+i, n, lim.MaxLocals)
			break
		}
	}

	if scan {
		var v *Violation
		if info.snapshotSafe, v = scanCode(m); v != nil {
			vs = append(vs, *v)
		}
	}

	// Structure the ABI relies on.
	switch {
	case len(m.Memories) == 0 && m.NumImported(wasm.ExternMemory) == 0:
		add(ErrExport, "the module has no memory; it must define one and export it as %q", exportMemory)
	case len(m.Memories)+m.NumImported(wasm.ExternMemory) > 1:
		add(ErrUnsupported, "%d memories; the ABI allows exactly one", len(m.Memories)+m.NumImported(wasm.ExternMemory))
	}
	if m.Start != nil {
		add(ErrUnsupported, "start function %d: evaluators may not run code at instantiation; export %q instead", *m.Start, exportInitialize)
	}

	// Imports.
	for _, im := range m.Imports {
		ii := ImportInfo{Module: im.Module, Name: im.Name}
		if im.Kind != wasm.ExternFunc {
			ii.Host = "refused"
			add(ErrImportNotAllowed, "%s %q.%q: only functions may be imported; define memory, tables and globals in the module", wasm.ExternName(im.Kind), im.Module, im.Name)
			info.Imports = append(info.Imports, ii)
			continue
		}
		var got wasm.FuncType
		if int(im.Type) < len(m.Types) {
			got = m.Types[im.Type]
		}
		ii.Signature = got.String()
		want, host, err := lookupImport(im.Module, im.Name)
		switch {
		case err != nil:
			ii.Host = "refused"
			add(ErrImportNotAllowed, "%s", err)
		case !got.Equal(want.signature()):
			ii.Host = "refused"
			add(ErrImportNotAllowed, "%q.%q has signature %s, want %s", im.Module, im.Name, got, want.signature())
		default:
			ii.Host = host
		}
		info.Imports = append(info.Imports, ii)
	}

	// Exports.
	var versions []int
	counts := map[byte]int{
		wasm.ExternFunc:   info.Functions,
		wasm.ExternGlobal: info.Globals,
		wasm.ExternTable:  info.Tables,
		wasm.ExternMemory: len(m.Memories) + m.NumImported(wasm.ExternMemory),
	}
	for _, e := range m.Exports {
		if int(e.Index) >= counts[e.Kind] {
			add(ErrMalformed, "export %q names %s %d, but there are %d", e.Name, wasm.ExternName(e.Kind), e.Index, counts[e.Kind])
		}
		ei := ExportInfo{Name: e.Name, Kind: wasm.ExternName(e.Kind)}
		if e.Kind == wasm.ExternFunc {
			if ft, ok := m.FuncType(e.Index); ok {
				ei.Signature = ft.String()
			}
		}
		info.Exports = append(info.Exports, ei)
		if v, ok := strings.CutPrefix(e.Name, exportABIPrefix); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				add(ErrABIVersion, "export %q is not a version marker of the form %s<N>", e.Name, exportABIPrefix)
				continue
			}
			versions = append(versions, n)
		}
		if strings.HasPrefix(e.Name, reservedPrefix) {
			add(ErrExport, "export %q uses the reserved prefix %q", e.Name, reservedPrefix)
		}
	}
	switch {
	case len(versions) == 0:
		add(ErrABIVersion, "no %s<N> export: the module does not declare an evaluator ABI; build it with sandbox/guest (Go) or crucible.h (C), see docs/EVALUATOR_ABI.md", exportABIPrefix)
	case len(versions) > 1:
		add(ErrABIVersion, "the module declares %d ABI versions %v; declare exactly one", len(versions), versions)
	case versions[0] != ABIVersion:
		info.ABIVersion = versions[0]
		add(ErrABIVersion, "the module declares ABI v%d; this host implements v%d", versions[0], ABIVersion)
	default:
		info.ABIVersion = versions[0]
	}
	unit := wasm.FuncType{}
	evalType := wasm.FuncType{Results: []wasm.ValType{wasm.I32}}
	checkFunc := func(name string, want wasm.FuncType, required bool) bool {
		e, ok := m.Export(name)
		if !ok {
			if required {
				add(ErrExport, "missing export %q, a function %s", name, want)
			}
			return false
		}
		ft, _ := m.FuncType(e.Index)
		if e.Kind != wasm.ExternFunc || !ft.Equal(want) {
			add(ErrExport, "export %q must be a function %s", name, want)
			return false
		}
		return true
	}
	if info.ABIVersion == ABIVersion {
		checkFunc(exportABI, unit, true)
	}
	checkFunc(exportEvaluate, evalType, true)
	info.Initialize = checkFunc(exportInitialize, unit, false)
	info.Reuse = checkFunc(exportReuse, unit, false)
	if e, ok := m.Export(exportMemory); !ok || e.Kind != wasm.ExternMemory {
		if len(m.Memories) > 0 {
			add(ErrExport, "the memory must be exported as %q", exportMemory)
		}
	}
	if _, ok := m.Export(exportStart); ok {
		add(ErrUnsupported, "the module exports %q, so it is a WASI command; evaluators are reactors: build Go with -buildmode=c-shared, C with -mexec-model=reactor or --no-entry", exportStart)
	}

	if len(vs) > 0 {
		return fail()
	}
	return info, m, nil
}

// lookupImport finds the host function for an import and says how the
// host serves it.
func lookupImport(module, name string) (hostFunc, string, error) {
	switch module {
	case hostModule:
		for _, f := range crucibleFuncs {
			if f.name == name {
				return f, "implemented", nil
			}
		}
		return hostFunc{}, "", fmt.Errorf("%q.%q is not a function of evaluator ABI v%d", module, name, ABIVersion)
	case wasiModule:
		if why, ok := wasiForbidden[name]; ok {
			return hostFunc{}, "", fmt.Errorf("%q.%q is forbidden (%s)", module, name, why)
		}
		for _, f := range wasiFuncs {
			if f.name == name {
				if how, ok := wasiImplemented[name]; ok {
					return f, how, nil
				}
				return f, "returns ENOSYS", nil
			}
		}
		return hostFunc{}, "", fmt.Errorf("%q.%q is not a WASI preview 1 function", module, name)
	}
	return hostFunc{}, "", fmt.Errorf("import module %q is unknown; evaluators may import only %q and %q", module, hostModule, wasiModule)
}

// scanCode decodes every instruction: each must be in the accepted set, and
// every index it uses must be in range and every block balanced in the
// module as written. The engine validates the instrumented module, in
// which indices just past the module's own name the instrumenter's
// globals, locals and refuel function; so an out-of-range index in the
// original, harmless to the engine, would otherwise become a write to the
// fuel. It also reports whether the module is snapshot-safe (nothing
// changes tables, drops segments, or keeps references in mutable globals).
func scanCode(m *wasm.Module) (snapshotSafe bool, v *Violation) {
	nImportedFuncs := m.NumImported(wasm.ExternFunc)
	nFuncs := int64(nImportedFuncs + len(m.Functions))
	nGlobals := int64(m.NumImported(wasm.ExternGlobal) + len(m.Globals))
	nTables := int64(m.NumImported(wasm.ExternTable) + len(m.Tables))
	nTypes := int64(len(m.Types))
	snapshotSafe = true
	for _, g := range m.Globals {
		if g.Mutable && (g.Type == wasm.FuncRef || g.Type == wasm.ExternRef) {
			snapshotSafe = false
		}
	}
	var in wasm.Instr
	var frames []wasm.Opcode // the opcode that opened each frame
	for i, body := range m.Bodies {
		fn := nImportedFuncs + i
		fail := func(kind error, format string, args ...any) (bool, *Violation) {
			return false, &Violation{Err: kind, Detail: fmt.Sprintf("function %d: ", fn) + fmt.Sprintf(format, args...)}
		}
		if int(m.Functions[i]) >= len(m.Types) {
			continue // validate reports the bad type index
		}
		nLocals := int64(len(m.Types[m.Functions[i]].Params)) + int64(body.NumLocals())
		frames = append(frames[:0], wasm.OpBlock) // the function body
		cr := wasm.NewCodeReader(body.Code)
		for cr.Next(&in) {
			if len(frames) == 0 {
				return fail(ErrMalformed, "instructions after the final end at byte %d", in.Start)
			}
			if snapshotUnsafe(in.Op) {
				snapshotSafe = false
			}
			var bad string
			switch in.Op {
			case wasm.OpLocalGet, wasm.OpLocalSet, wasm.OpLocalTee:
				if in.A >= nLocals {
					bad = fmt.Sprintf("local %d of %d", in.A, nLocals)
				}
			case wasm.OpGlobalGet, wasm.OpGlobalSet:
				if in.A >= nGlobals {
					bad = fmt.Sprintf("global %d of %d", in.A, nGlobals)
				}
			case wasm.OpCall, wasm.OpRefFunc:
				if in.A >= nFuncs {
					bad = fmt.Sprintf("function %d of %d", in.A, nFuncs)
				}
			case wasm.OpCallIndirect:
				if in.A >= nTypes || in.B >= nTables {
					bad = fmt.Sprintf("type %d of %d, table %d of %d", in.A, nTypes, in.B, nTables)
				}
			case wasm.OpBlock, wasm.OpLoop, wasm.OpIf:
				if in.A >= nTypes {
					bad = fmt.Sprintf("block type %d of %d", in.A, nTypes)
				}
				frames = append(frames, in.Op)
			case wasm.OpElse:
				if frames[len(frames)-1] != wasm.OpIf {
					bad = "else without if"
				}
				frames[len(frames)-1] = wasm.OpElse
			case wasm.OpEnd:
				frames = frames[:len(frames)-1]
			case wasm.OpBr, wasm.OpBrIf:
				if in.A >= int64(len(frames)) {
					bad = fmt.Sprintf("label %d at depth %d", in.A, len(frames))
				}
			case wasm.OpBrTable:
				targets, err := wasm.BrTableTargets(body.Code[in.Start:in.End])
				if err != nil {
					return fail(ErrMalformed, "%v", err)
				}
				for _, d := range targets {
					if int64(d) >= int64(len(frames)) {
						bad = fmt.Sprintf("label %d at depth %d", d, len(frames))
					}
				}
			}
			if bad != "" {
				return fail(ErrMalformed, "%s at byte %d: %s out of range", in.Op, in.Start, bad)
			}
		}
		if err := cr.Err(); err != nil {
			kind := ErrMalformed
			if errors.Is(err, wasm.ErrUnsupported) {
				kind = ErrUnsupported
			}
			return fail(kind, "%v", err)
		}
		if len(frames) != 0 {
			return fail(ErrMalformed, "%d blocks not closed by end", len(frames))
		}
	}
	return snapshotSafe, nil
}
