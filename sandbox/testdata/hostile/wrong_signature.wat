;; Imports a host function with the wrong signature.
(module
  (import "crucible" "set_result" (func (param f32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
