;; Grows memory 1000 pages at a time, forever.
(module
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    loop $more
      i32.const 1000
      memory.grow
      drop
      br $more
    end
    i32.const 0))
