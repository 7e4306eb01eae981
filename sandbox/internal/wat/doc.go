// Package wat is a test-support assembler from a documented subset of the
// WebAssembly text format to the binary format. It exists so that tests can
// build their corpus of hostile modules from readable .wat sources at test
// time on a machine that has only Go installed (no wabt). The subset: one
// (module $id? ...) of type, import (func with a type use, memory, global,
// table), func (inline exports, named or anonymous params and locals, flat
// instructions only), table, memory, global (constant initialiser), export,
// start, elem (function indices: active, passive or declare) and data
// (active, passive, (memory n) (offset ...)) fields; $names in every index
// space and for labels; every instruction of the wasm package's opcode table
// in flat form, with block types, br_table, typed select, memory arguments
// (offset=, align= in bytes) and the 0xFC prefixed instructions; integer
// literals in decimal or hex with _ separators, float literals in decimal,
// hex, inf, nan and nan:0x forms; ;; and (; ;) comments. Function types are
// deduplicated and inline ones appended after the explicit ones, as wat2wasm
// does. The assembler checks syntax and names but not types, so invalid
// modules can be written on purpose. Folded instructions (except a single
// constant instruction in an initialiser), inline imports, inline table
// elements and inline memory data are not supported.
package wat
