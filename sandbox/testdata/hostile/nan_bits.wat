;; Looks at the bits of a NaN produced by arithmetic, which differ between
;; x86 (sign set) and Arm (sign clear). Canonicalisation makes them equal:
;; the score is 1 exactly when the stored bits are 0x7FF8000000000000.
(module
  (import "crucible" "set_result" (func $set_result (param f64 i32 i32)))
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    (local $nan f64)
    f64.const 0
    f64.const 0
    f64.div
    local.set $nan
    ;; through memory
    i32.const 0
    local.get $nan
    f64.store
    ;; through reinterpret
    i32.const 8
    local.get $nan
    i64.reinterpret_f64
    i64.store
    ;; through copysign: 1 with the NaN's sign
    i32.const 16
    f64.const 1
    local.get $nan
    f64.copysign
    f64.store
    i32.const 0
    i64.load
    i64.const 0x7ff8000000000000
    i64.eq
    i32.const 8
    i64.load
    i64.const 0x7ff8000000000000
    i64.eq
    i32.and
    i32.const 16
    f64.load
    f64.const 1
    f64.eq
    i32.and
    f64.convert_i32_u
    i32.const 0
    i32.const 24
    call $set_result
    i32.const 0))
