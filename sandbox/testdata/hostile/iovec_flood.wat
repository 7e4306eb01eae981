;; Calls fd_write with 65536 empty iovecs, over and over: no bytes, but a
;; lot of host work per call. Fuel must pay for each iovec, so the budget
;; runs out long before the wall-clock backstop.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 9)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    loop $l
      i32.const 1
      i32.const 0
      i32.const 65536
      i32.const 0
      call $fd_write
      drop
      br $l
    end
    i32.const 0))
