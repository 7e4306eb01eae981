// Package reuse opts an evaluator in to instance reuse. Import it for its
// side effect:
//
//	import _ "github.com/crucible-net/crucible/sandbox/guest/reuse"
//
// The module then exports crucible_reuse_v1, and the host runs
// _initialize once per seed and limits, snapshots memory and globals, and
// starts every later evaluation from that snapshot instead of running the
// Go runtime's initialisation again. Results, fuel and log are identical to
// a fresh instance's: _initialize cannot see the task or the output, so the
// snapshot is exactly the state a fresh instance would reach. The host
// refuses the opt-in for modules that change tables or drop segments.
package reuse
