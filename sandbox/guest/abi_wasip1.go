//go:build wasip1

package guest

import "unsafe"

// Host functions of evaluator ABI v1 (docs/EVALUATOR_ABI.md).

//go:wasmimport crucible input_size
func inputSize(kind uint32) int64

//go:wasmimport crucible input_read
func inputRead(kind uint32, offset int64, buf unsafe.Pointer, n uint32) uint32

//go:wasmimport crucible set_result
func setResult(score float64, details unsafe.Pointer, n uint32)

//go:wasmimport crucible set_error
func setError(msg unsafe.Pointer, n uint32)

const (
	kindSeed   = 0
	kindTask   = 1
	kindOutput = 2
)

// crucibleABIv1 declares the ABI version; the host never calls it.
//
//go:wasmexport crucible_abi_v1
func crucibleABIv1() {}

//go:wasmexport crucible_evaluate
func crucibleEvaluate() int32 {
	var in Input
	inputRead(kindSeed, 0, unsafe.Pointer(&in.Seed[0]), 32)
	if n := inputSize(kindTask); n > 0 {
		in.Task = make([]byte, n)
		read(kindTask, in.Task, 0)
	}
	in.Output = &Output{
		size:   inputSize(kindOutput),
		readAt: func(p []byte, off int64) int { return read(kindOutput, p, off) },
	}
	res, err := run(in)
	if err != nil {
		msg := err.Error()
		if msg == "" {
			msg = "evaluation failed"
		}
		setError(unsafe.Pointer(unsafe.StringData(msg)), uint32(len(msg)))
		return 1
	}
	var details unsafe.Pointer
	if len(res.Details) > 0 {
		details = unsafe.Pointer(&res.Details[0])
	}
	setResult(res.Score, details, uint32(len(res.Details)))
	return 0
}

// read fills p from input kind at off and returns the bytes read.
func read(kind uint32, p []byte, off int64) int {
	n := 0
	for n < len(p) {
		m := inputRead(kind, off+int64(n), unsafe.Pointer(&p[n]), uint32(min(len(p)-n, 1<<30)))
		if m == 0 {
			break
		}
		n += int(m)
	}
	return n
}
