;; Fails type checking and exports a function named "compilationcache",
;; the word wazero's cache errors contain. Its compile error must not be
;; mistaken for a damaged cache (which would clear the shared cache).
(module
  (memory (export "memory") 1)
  (func (export "crucible_abi_v1"))
  (func (export "compilationcache") (result i32)
    i64.const 0)
  (func (export "crucible_evaluate") (result i32)
    i32.const 0))
