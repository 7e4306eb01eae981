;; Looks for what an earlier evaluation left in memory, then leaves marks
;; of its own: on its first page and on a page it grows. Every evaluation
;; starts from fresh memory, so the score is always 1.
(module
  (import "crucible" "set_result" (func $set_result (param f64 i32 i32)))
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    (local $clean i32)
    i32.const 1
    memory.grow
    drop
    ;; clean = mem[100] == 0 && mem[65636] == 0
    i32.const 100
    i64.load
    i64.eqz
    i32.const 65636
    i64.load
    i64.eqz
    i32.and
    local.set $clean
    i32.const 100
    i64.const 0x5ec7e7
    i64.store
    i32.const 65636
    i64.const 0x5ec7e7
    i64.store
    local.get $clean
    f64.convert_i32_u
    i32.const 0
    i32.const 0
    call $set_result
    i32.const 0))
