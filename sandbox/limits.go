package sandbox

import (
	"fmt"
	"time"
)

// Defaults for Limits and ModuleLimits. They are sized for evaluators that
// score a model or a prediction file on one core in seconds, not minutes.
const (
	// DefaultFuel is about 2 to 10 seconds of guest CPU on a current core.
	DefaultFuel = 10_000_000_000
	// DefaultInitFuel bounds _initialize; the Go runtime needs a few million.
	DefaultInitFuel = 1_000_000_000
	// DefaultMemoryPages is 256 MiB of linear memory (64 KiB pages).
	DefaultMemoryPages = 4096
	// MaxMemoryPages is one page short of wasm32's 4 GiB: the engine
	// reports a memory's size in bytes as a uint32, which a full 4 GiB
	// would overflow to 0.
	MaxMemoryPages = 65535
	// DefaultTableElements bounds every table; a large Go module needs ~20k.
	DefaultTableElements = 100_000
	// DefaultCallDepth bounds nested guest calls. The engine's own stack
	// ceiling is far above this for any frame size the validator admits.
	DefaultCallDepth = 10_000
	// DefaultOutputBytes bounds the result details.
	DefaultOutputBytes = 64 << 10
	// DefaultLogBytes bounds what the guest writes to stdout and stderr.
	DefaultLogBytes = 64 << 10
	// DefaultTimeout is the wall-clock backstop. It is far beyond what
	// DefaultFuel can take on any machine, so fuel decides every verdict.
	DefaultTimeout = 5 * time.Minute

	// DefaultMaxModuleBytes bounds the module binary.
	DefaultMaxModuleBytes = 64 << 20
	// DefaultMaxFunctions bounds defined plus imported functions.
	DefaultMaxFunctions = 50_000
	// DefaultMaxGlobals bounds module globals.
	DefaultMaxGlobals = 1_000
	// DefaultMaxTables bounds the number of tables.
	DefaultMaxTables = 4
	// DefaultMaxDataSegments bounds the number of data segments.
	DefaultMaxDataSegments = 100_000
	// DefaultMaxDataBytes bounds the bytes of all data segments together.
	DefaultMaxDataBytes = 16 << 20
	// DefaultMaxLocals bounds the locals (params included) of one function.
	DefaultMaxLocals = 10_000
)

// Limits bound one evaluation. A zero field takes its default, so
// Limits{Fuel: 1e6} changes only the fuel.
type Limits struct {
	// Fuel is the fuel crucible_evaluate may use. Default DefaultFuel.
	Fuel uint64
	// InitFuel is the fuel _initialize may use. Default DefaultInitFuel.
	InitFuel uint64
	// MemoryPages caps linear memory in 64 KiB pages, initial size
	// included. Default DefaultMemoryPages; at most MaxMemoryPages.
	MemoryPages uint32
	// TableElements caps every table's size. Default DefaultTableElements.
	TableElements uint32
	// CallDepth caps nested calls between module functions. Default
	// DefaultCallDepth.
	CallDepth uint32
	// OutputBytes caps the result details. Default DefaultOutputBytes.
	OutputBytes int
	// LogBytes caps stdout plus stderr. Default DefaultLogBytes.
	LogBytes int
	// Timeout is the wall-clock backstop for one evaluation, initialisation
	// included. It exists only in case metering has a bug; a timeout is not
	// a verdict (see IsVerdict). Default DefaultTimeout.
	Timeout time.Duration
}

// withDefaults fills zero fields and checks the rest.
func (l Limits) withDefaults() (Limits, error) {
	if l.Fuel == 0 {
		l.Fuel = DefaultFuel
	}
	if l.InitFuel == 0 {
		l.InitFuel = DefaultInitFuel
	}
	if l.MemoryPages == 0 {
		l.MemoryPages = DefaultMemoryPages
	}
	if l.TableElements == 0 {
		l.TableElements = DefaultTableElements
	}
	if l.CallDepth == 0 {
		l.CallDepth = DefaultCallDepth
	}
	if l.OutputBytes == 0 {
		l.OutputBytes = DefaultOutputBytes
	}
	if l.LogBytes == 0 {
		l.LogBytes = DefaultLogBytes
	}
	if l.Timeout == 0 {
		l.Timeout = DefaultTimeout
	}
	const maxFuel = 1 << 62
	switch {
	case l.Fuel > maxFuel || l.InitFuel > maxFuel:
		return l, fmt.Errorf("fuel limit above 2^62")
	case l.MemoryPages > MaxMemoryPages:
		return l, fmt.Errorf("memory limit of %d pages is above %d (4 GiB less one page)", l.MemoryPages, MaxMemoryPages)
	case l.CallDepth > 1_000_000:
		return l, fmt.Errorf("call depth limit %d is above 1000000", l.CallDepth)
	case l.TableElements > 10_000_000:
		return l, fmt.Errorf("table limit %d is above 10000000", l.TableElements)
	case l.OutputBytes < 0 || l.LogBytes < 0 || l.Timeout < 0:
		return l, fmt.Errorf("negative limit")
	}
	return l, nil
}

// ModuleLimits bound the static shape of a module; they are checked before
// anything compiles. A zero field takes its default.
type ModuleLimits struct {
	MaxModuleBytes  int // default DefaultMaxModuleBytes
	MaxFunctions    int // default DefaultMaxFunctions
	MaxGlobals      int // default DefaultMaxGlobals
	MaxTables       int // default DefaultMaxTables
	MaxDataSegments int // default DefaultMaxDataSegments
	MaxDataBytes    int // default DefaultMaxDataBytes
	MaxLocals       int // default DefaultMaxLocals
}

func (l ModuleLimits) withDefaults() ModuleLimits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxModuleBytes, DefaultMaxModuleBytes)
	def(&l.MaxFunctions, DefaultMaxFunctions)
	def(&l.MaxGlobals, DefaultMaxGlobals)
	def(&l.MaxTables, DefaultMaxTables)
	def(&l.MaxDataSegments, DefaultMaxDataSegments)
	def(&l.MaxDataBytes, DefaultMaxDataBytes)
	def(&l.MaxLocals, DefaultMaxLocals)
	return l
}
