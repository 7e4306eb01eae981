;; Waits on a clock (one second) and on stdin through poll_oneoff. The
;; clock fires at once, since time never passes in the sandbox, and stdin
;; fails with EBADF. Score 1 when both answers are as documented.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "crucible" "set_result" (func $set_result (param f64 i32 i32)))
  (memory (export "memory") 1)
  ;; subscription 0 at 0: userdata 7, tag 0 (clock), clock id 1, timeout 1e9 ns
  (data (i32.const 0) "\07\00\00\00\00\00\00\00\00")
  (data (i32.const 16) "\01\00\00\00\00\00\00\00\00\ca\9a\3b\00\00\00\00")
  ;; subscription 1 at 48: userdata 9, tag 1 (fd_read), fd 0
  (data (i32.const 48) "\09\00\00\00\00\00\00\00\01")
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    ;; events at 1024, nevents at 2048
    i32.const 0
    i32.const 1024
    i32.const 2
    i32.const 2048
    call $poll
    i32.eqz
    i32.const 2048
    i32.load
    i32.const 2
    i32.eq
    i32.and
    ;; event 0: userdata 7, error 0
    i32.const 1024
    i64.load
    i64.const 7
    i64.eq
    i32.and
    i32.const 1032
    i32.load16_u
    i32.eqz
    i32.and
    ;; event 1: userdata 9, error EBADF (8)
    i32.const 1056
    i64.load
    i64.const 9
    i64.eq
    i32.and
    i32.const 1064
    i32.load16_u
    i32.const 8
    i32.eq
    i32.and
    f64.convert_i32_u
    i32.const 0
    i32.const 0
    call $set_result
    i32.const 0))
