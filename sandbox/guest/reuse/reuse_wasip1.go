//go:build wasip1

package reuse

// crucibleReuseV1 declares the opt-in; the host never calls it.
//
//go:wasmexport crucible_reuse_v1
func crucibleReuseV1() {}
