;; A WASI command (exports _start), not a reactor.
(module
  (memory (export "memory") 1)
  (func (export "_start"))
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
