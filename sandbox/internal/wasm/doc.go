// Package wasm decodes and re-encodes WebAssembly binary modules, as far
// as the sandbox needs: every section is kept byte for byte, the sections
// the instrumenter rewrites (globals, exports, code) are parsed into
// structures, and function bodies are decoded instruction by instruction.
// It accepts WebAssembly 1.0 with the 2.0 features sign extension,
// saturating conversions, bulk memory, reference types and multi-value,
// and rejects the rest (SIMD, threads, ...) with ErrUnsupported. Type
// checking is left to the engine.
package wasm
