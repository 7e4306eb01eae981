;; Divides by zero inside evaluate.
(module
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 1
    i32.const 0
    i32.div_u))
