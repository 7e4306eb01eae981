;; Exits through WASI proc_exit with code 3 after a message on stderr.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\05\00\00\00")
  (data (i32.const 16) "bye!\n")
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 2
    i32.const 0
    i32.const 1
    i32.const 8
    call $fd_write
    drop
    i32.const 3
    call $exit
    i32.const 0))
