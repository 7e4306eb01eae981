;; Asks for 4 GiB of memory up front and puts data at its very end.
(module
  (memory (export "memory") 65536)
  (data (i32.const 4294967280) "at the end of 4 GiB")
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
