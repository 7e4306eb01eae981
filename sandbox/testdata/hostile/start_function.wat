;; Runs code at instantiation through a start function.
(module
  (memory (export "memory") 1)
  (func $boot
    loop $forever
      br $forever
    end)
  (start $boot)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
