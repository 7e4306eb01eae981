;; Asks the host to read input into memory it does not have.
(module
  (import "crucible" "input_read" (func $read (param i32 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0
    i64.const 0
    i32.const 65530
    i32.const 32
    call $read))
