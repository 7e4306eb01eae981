package guest

import (
	"errors"
	"fmt"
	"io"
)

// Func scores one submission. It returns a Result whose Score is in [0, 1],
// or an error that says why the submission cannot be scored; the error text
// becomes part of the public, reproducible verdict.
type Func func(Input) (Result, error)

// Input is what the host passes to one evaluation.
type Input struct {
	// Seed is the epoch seed. The randomness of math/rand and crypto/rand
	// inside the sandbox is derived from it, so it is reproducible too.
	Seed [32]byte
	// Task is the task bytes.
	Task []byte
	// Output is the submission's output, read in chunks from the host.
	Output *Output
}

// Result is an evaluation's score and optional details.
type Result struct {
	// Score must be in [0, 1].
	Score float64
	// Details are optional bytes published with the score, such as JSON
	// metrics. The host caps their size (64 KiB by default).
	Details []byte
}

// Output reads the submission's output. It implements io.Reader,
// io.ReaderAt and io.Seeker; reads go to the host in the sizes asked for, so
// a large output can be streamed through a small buffer.
type Output struct {
	size int64
	off  int64
	// readAt reads from the host (or, outside wasm, from memory).
	readAt func(p []byte, off int64) int
}

// Size is the output's length in bytes.
func (o *Output) Size() int64 { return o.size }

// ReadAt implements io.ReaderAt.
func (o *Output) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("guest: negative offset")
	}
	n := 0
	for n < len(p) && off+int64(n) < o.size {
		m := o.readAt(p[n:], off+int64(n))
		if m <= 0 {
			break
		}
		n += m
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Read implements io.Reader.
func (o *Output) Read(p []byte) (int, error) {
	if o.off >= o.size {
		return 0, io.EOF
	}
	if rest := o.size - o.off; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := o.ReadAt(p, o.off)
	o.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// Seek implements io.Seeker.
func (o *Output) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += o.off
	case io.SeekEnd:
		offset += o.size
	default:
		return 0, errors.New("guest: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("guest: negative position")
	}
	o.off = offset
	return offset, nil
}

// ReadAll reads the whole output, refusing one larger than max bytes so
// that an oversized submission gets a clear error instead of exhausting
// the evaluator's memory.
func (o *Output) ReadAll(max int64) ([]byte, error) {
	if o.size > max {
		return nil, fmt.Errorf("output is %d bytes, more than the %d this evaluator reads", o.size, max)
	}
	b := make([]byte, o.size)
	n, err := o.ReadAt(b, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	return b[:n], nil
}

var registered Func

// Register sets the evaluation function. Call it from an init function:
// evaluators are WASI reactors, so main never runs.
//
//	func init() { guest.Register(evaluate) }
func Register(f Func) {
	if registered != nil {
		panic("guest: Register called twice")
	}
	registered = f
}

// run calls the registered function and checks its result; the ABI layer
// reports what it returns.
func run(in Input) (Result, error) {
	if registered == nil {
		return Result{}, errors.New("no evaluation function: call guest.Register from an init function")
	}
	return registered(in)
}
