;; Declares an ABI version this host does not implement.
(module
  (memory (export "memory") 1)
  (func (export "crucible_abi_v2"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
