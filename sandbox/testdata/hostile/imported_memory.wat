;; Imports its memory instead of defining it, and exports a reserved name.
(module
  (import "env" "memory" (memory 1))
  (global $g (mut i64) (i64.const 0))
  (export "__crucible_fuel" (global $g))
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
