;; Tries to behave differently from run to run: it mixes the clock, the
;; monotonic clock and 8 random bytes into its score. In the sandbox the
;; clocks are constant and randomness is seeded by the evaluation seed, so
;; every run on every machine gets the same score.
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "crucible" "set_result" (func $set_result (param f64 i32 i32)))
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    (local $x i64)
    ;; realtime into [0..8), monotonic into [8..16), random into [16..24)
    i32.const 0
    i64.const 1
    i32.const 0
    call $clock
    drop
    i32.const 1
    i64.const 1
    i32.const 8
    call $clock
    drop
    i32.const 16
    i32.const 8
    call $random
    drop
    i32.const 0
    i64.load
    i32.const 8
    i64.load
    i64.xor
    i32.const 16
    i64.load
    i64.xor
    local.set $x
    ;; score = (x mod 1000) / 1000, and the details are the 24 raw bytes
    local.get $x
    i64.const 1000
    i64.rem_u
    f64.convert_i64_u
    f64.const 1000
    f64.div
    i32.const 0
    i32.const 24
    call $set_result
    i32.const 0))
