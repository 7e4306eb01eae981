;; Writes global 0 and global 3, which the module does not have. The engine
;; would only see the instrumented module, where those indices name the
;; fuel and the memory limit; validation must refuse the original.
(module
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    loop $l
      i64.const 1000000000
      global.set 0
      br $l
    end
    i32.const 65536
    global.set 3
    i32.const 0))
