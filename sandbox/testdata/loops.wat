;; Nested loops that branch out through block, loop and br_table labels,
;; and a loop that yields a value, running long enough (millions of
;; iterations) that the fuel slices run out many times inside them. The
;; checksum must match the uninstrumented module's.
(module
  (import "crucible" "set_result" (func $set_result (param f64 i32 i32)))
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func $inner (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    block $out
      loop $l (result i64)
        local.get $i
        i64.const 1
        i64.add
        local.tee $i
        local.get $n
        i64.ge_u
        br_if $out
        local.get $acc
        local.get $i
        i64.const 2654435761
        i64.mul
        i64.xor
        local.set $acc
        ;; when i mod 7 is 6, br_table leaves to $out; otherwise it continues
        local.get $i
        i64.const 7
        i64.rem_u
        i32.wrap_i64
        br_table $l $l $l $l $l $l $out $l
        i64.const 0
      end
      drop
    end
    local.get $acc
    local.get $i
    i64.add)
  (func (export "crucible_evaluate") (result i32)
    (local $outer i64) (local $sum i64)
    block $done
      loop $again
        local.get $outer
        i64.const 300000
        i64.ge_u
        br_if $done
        block $skip
          loop $nested
            local.get $sum
            local.get $outer
            i64.const 13
            i64.add
            call $inner
            i64.add
            local.set $sum
            local.get $outer
            i64.const 3
            i64.rem_u
            i64.eqz
            br_if $skip
            br $skip
          end
        end
        local.get $outer
        i64.const 1
        i64.add
        local.set $outer
        br $again
      end
    end
    i32.const 0
    local.get $sum
    i64.store
    f64.const 0.5
    i32.const 0
    i32.const 8
    call $set_result
    i32.const 0))
