;; Reads the task during _initialize, which would make a post-init
;; snapshot depend on the input.
(module
  (import "crucible" "input_size" (func $size (param i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "_initialize")
    i32.const 1
    call $size
    drop)
  (func (export "crucible_abi_v1"))
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
