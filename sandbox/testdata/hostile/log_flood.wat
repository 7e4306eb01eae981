;; Writes to stdout in a loop until something stops it.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: buf=16, len=32
  (data (i32.const 0) "\10\00\00\00\20\00\00\00")
  (data (i32.const 16) "all work and no play makes jack\n")
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    loop $again
      i32.const 1
      i32.const 0
      i32.const 1
      i32.const 8
      call $fd_write
      drop
      br $again
    end
    i32.const 0))
