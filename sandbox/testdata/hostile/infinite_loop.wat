;; Spins forever. Fuel must stop it, long before the wall-clock backstop.
(module
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    loop $forever
      br $forever
    end
    i32.const 0))
