;; Calls itself without end. The call-depth limit must stop it.
(module
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func $down (param i64) (result i64)
    local.get 0
    i64.const 1
    i64.add
    call $down)
  (func (export "crucible_evaluate") (result i32)
    i64.const 0
    call $down
    i32.wrap_i64))
