;; A well-behaved evaluator that rejects every submission with a reason.
(module
  (import "crucible" "set_error" (func $set_error (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "output is not a model")
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0
    i32.const 21
    call $set_error
    i32.const 1))
