;; Grows a small table by a million elements at a time.
(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    loop $more
      ref.null func
      i32.const 1000000
      table.grow 0
      drop
      br $more
    end
    i32.const 0))
