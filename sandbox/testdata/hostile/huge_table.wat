;; Declares a table of ten million elements.
(module
  (memory (export "memory") 1)
  (table 10000000 funcref)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
