;; Sets a result with 1 MiB of details, above the 64 KiB limit.
(module
  (import "crucible" "set_result" (func $set_result (param f64 i32 i32)))
  (memory (export "memory") 32)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    f64.const 0.5
    i32.const 0
    i32.const 1048576
    call $set_result
    i32.const 0))
