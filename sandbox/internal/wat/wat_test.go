package wat

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/sandbox/internal/wasm"
)

func assemble(t *testing.T, src string) []byte {
	t.Helper()
	b, err := Assemble([]byte(src))
	if err != nil {
		t.Fatalf("Assemble: %v", err)
	}
	return b
}

func decode(t *testing.T, b []byte) *wasm.Module {
	t.Helper()
	m, err := wasm.Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v\n%x", err, b)
	}
	// Every body must decode instruction by instruction to its end.
	for i, body := range m.Bodies {
		r := wasm.NewCodeReader(body.Code)
		var in wasm.Instr
		for r.Next(&in) {
		}
		if r.Err() != nil || r.Offset() != len(body.Code) {
			t.Fatalf("body %d: %v at byte %d of %x", i, r.Err(), r.Offset(), body.Code)
		}
	}
	return m
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const header = "0061736d 01000000 "

func TestByteExact(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", `(module)`, ""},
		{"bare fields", `(memory 1)`, "05 03 01 00 01"},
		{"const 42", `(module (func (export "f") (result i32) i32.const 42))`,
			"01 05 01 60 00 01 7f  03 02 01 00  07 05 01 01 66 00 00  0a 06 01 04 00 41 2a 0b"},
		{"active data", `(module (memory 1) (data (i32.const 0) "hi"))`,
			"05 03 01 00 01  0b 08 01 00 41 00 0b 02 68 69"},
		{"prefixed op", `(module (func (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s))`,
			"01 06 01 60 01 7d 01 7f  03 02 01 00  0a 08 01 06 00 20 00 fc 00 0b"},
		{"labels", `(module (func block $out loop $in br $out br 0 end end))`,
			"01 04 01 60 00 00  03 02 01 00  0a 0e 01 0c 00 02 40 03 40 0c 01 0c 00 0b 0b 0b"},
		{"data count", `(module (memory 1) (data $d "") (func data.drop $d))`,
			"01 04 01 60 00 00  03 02 01 00  05 03 01 00 01  0c 01 01  0a 07 01 05 00 fc 09 00 0b  0b 03 01 01 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := assemble(t, tt.src), unhex(t, header+tt.want)
			if !bytes.Equal(got, want) {
				t.Errorf("got  %x\nwant %x", got, want)
			}
			decode(t, got)
		})
	}
}

// instrModule wraps one instruction sequence; its function is type 1,
// data segment 0 and elem segment 0 are $d and $e.
const instrModule = `(module
  (type $t (func))
  (memory 1)
  (table $tab 1 funcref)
  (global $g (mut i32) (i32.const 0))
  (data $d "x")
  (elem $e func)
  (func $self (param $p i32) (local $l i64)
    %s))`

func TestInstructions(t *testing.T) {
	tests := []struct{ src, want string }{
		{"i32.const 42", "41 2a"},
		{"i32.const -5", "41 7b"},
		{"i32.const 0xffffffff", "41 7f"},
		{"i32.const -2147483648", "41 80 80 80 80 78"},
		{"i32.const 1_000", "41 e8 07"},
		{"i64.const 0x7fffffffffffffff", "42 ff ff ff ff ff ff ff ff ff 00"},
		{"i64.const -1", "42 7f"},
		{"f32.const inf", "43 00 00 80 7f"},
		{"f32.const -0", "43 00 00 00 80"},
		{"f32.const nan:0x200000", "43 00 00 a0 7f"},
		{"f32.const 0.1", "43 cd cc cc 3d"},
		{"f64.const 1.5", "44 00 00 00 00 00 00 f8 3f"},
		{"f64.const 0x1.8", "44 00 00 00 00 00 00 f8 3f"},
		{"f64.const nan", "44 00 00 00 00 00 00 f8 7f"},
		{"f64.const -nan", "44 00 00 00 00 00 00 f8 ff"},
		{"f64.const -0x1p-3", "44 00 00 00 00 00 00 c0 bf"},
		{"local.get $p local.set $l local.tee 1", "20 00 21 01 22 01"},
		{"global.get $g global.set 0", "23 00 24 00"},
		{"call $self", "10 00"},
		{"call_indirect (type $t)", "11 00 00"},
		{"call_indirect $tab (param i32)", "11 01 00"},
		{"i32.load", "28 02 00"},
		{"i64.load32_u", "35 02 00"},
		{"i32.load8_s", "2c 00 00"},
		{"f64.store", "39 03 00"},
		{"i64.store16 offset=0x10", "3d 01 10"},
		{"i32.load offset=65536 align=1", "28 00 80 80 04"},
		{"memory.size memory.grow", "3f 00 40 00"},
		{"memory.copy memory.fill", "fc 0a 00 00 fc 0b 00"},
		{"memory.init $d data.drop 0", "fc 08 00 00 fc 09 00"},
		{"table.get 0 table.set $tab", "25 00 26 00"},
		{"table.size table.grow 0 table.fill 0", "fc 10 00 fc 0f 00 fc 11 00"},
		{"table.init $e elem.drop $e table.copy", "fc 0c 00 00 fc 0d 00 fc 0e 00 00"},
		{"select select (result i32)", "1b 1c 01 7f"},
		{"ref.null func ref.null extern ref.func $self ref.is_null", "d0 70 d0 6f d2 00 d1"},
		{"i32.trunc_sat_f32_s i64.trunc_sat_f64_u i64.extend32_s", "fc 00 fc 07 c4"},
		{"unreachable nop return drop", "00 01 0f 1a"},
		{"block $a block $b br_table $a $b 1 0 end end", "02 40 02 40 0e 03 01 00 01 00 0b 0b"},
		{"block (result i32) i32.const 1 end", "02 7f 41 01 0b"},
		{"block (type $t) end", "02 00 0b"},
		{"block (param i32) (result i32 i32) end", "02 02 0b"},
		{"loop $l br $l end", "03 40 0c 00 0b"},
		{"if $x (result i32) i32.const 1 else $x i32.const 2 end $x", "04 7f 41 01 05 41 02 0b"},
		{"block $out loop $in i32.const 0 br_if $out br $in end end", "02 40 03 40 41 00 0d 01 0c 00 0b 0b"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			m := decode(t, assemble(t, fmt.Sprintf(instrModule, tt.src)))
			code := m.Bodies[0].Code
			if got, want := code[:len(code)-1], unhex(t, tt.want); !bytes.Equal(got, want) {
				t.Errorf("got %x, want %x", got, want)
			}
		})
	}
}

var (
	srcImports = `(module $imports
  ;; imports come first in every index space
  (; a block (; nested ;) comment ;)
  (type $binop (func (param i32 i32) (result i32)))
  (import "env" "log" (func $log (param i64)))
  (import "env" "add" (func $add (type $binop)))
  (import "env" "mem" (memory 1 2))
  (import "env" "g" (global $g i32))
  (import "env" "gm" (global $gm (mut f64)))
  (import "env" "tbl" (table 1 funcref))
  (func $main (export "main") (param $x i32) (result i32)
    local.get $x
    i32.const 1
    call $add
    i64.const 7
    call $log
    global.get $g
    i32.add)
  (export "add" (func $add))
  (export "mem" (memory 0))
  (export "g" (global $g))
  (export "tbl" (table 0)))`

	srcDefs = `(module
  (memory $m (export "memory") 1 4)
  (table $t 2 10 funcref)
  (global $counter (mut i64) (i64.const 5))
  (global $k (export "k") i32 (i32.const -1))
  (global $f f64 (f64.const 1.5))
  (global $r funcref (ref.func $inc))
  (global $n externref (ref.null extern))
  (data (i32.const 1024) "a\n\t\\\"\00\ff" "bc")
  (data $p "passive")
  (data (memory 0) (offset (i32.const 8)) "x")
  (elem (i32.const 0) $inc $use)
  (elem declare func $inc)
  (start $init)
  (func $init)
  (func $inc (export "inc") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add)
  (func $use (param $a i32) (param i64 f32) (local $l i64) (local i32 i32) (local f64)
    i32.const 0
    i32.const 0
    i32.const 1
    memory.init $p
    data.drop $p
    local.get $a
    i64.load offset=8 align=4
    local.set $l
    local.get $a
    local.get $l
    i64.store32 offset=4
    i32.const 0
    i32.const 255
    i32.const 16
    memory.fill
    i32.const 3
    call $inc
    drop))`

	srcControl = `(module
  (type $pair (func (param i32) (result i32 i32)))
  (table 1 funcref)
  (func $count (param $n i32) (result i32)
    block $done (result i32)
      loop $again
        local.get $n
        i32.eqz
        if
          i32.const 0
          br $done
        end
        local.get $n
        i32.const 1
        i32.sub
        local.set $n
        br $again
      end
      unreachable
    end)
  (func $split (type $pair)
    local.get 0
    block $b (param i32) (result i32 i32)
      i32.const 1
    end)
  (func $pick (param i32) (result i32)
    local.get 0
    if $l (result i32)
      i32.const 1
    else $l
      i32.const 2
    end $l
    block $a
      block $b
        local.get 0
        br_table $a $b 0 1
      end
    end
    i32.const 7
    local.get 0
    call_indirect (type $pair)
    select (result i32)
    f32.const -0x1.8p1
    i32.trunc_sat_f32_s
    i32.const 0
    select))`
)

func TestRoundTrip(t *testing.T) {
	i32, i64, f32, f64 := wasm.I32, wasm.I64, wasm.F32, wasm.F64
	sig := func(params, results []wasm.ValType) wasm.FuncType {
		return wasm.FuncType{Params: params, Results: results}
	}
	vt := func(ts ...wasm.ValType) []wasm.ValType { return ts }
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, m *wasm.Module)
	}{
		{"imports", srcImports, func(t *testing.T, m *wasm.Module) {
			wantTypes := []wasm.FuncType{sig(vt(i32, i32), vt(i32)), sig(vt(i64), nil), sig(vt(i32), vt(i32))}
			wantImports := []wasm.Import{
				{Module: "env", Name: "log", Kind: wasm.ExternFunc, Type: 1},
				{Module: "env", Name: "add", Kind: wasm.ExternFunc, Type: 0},
				{Module: "env", Name: "mem", Kind: wasm.ExternMemory, Memory: wasm.Limits{Min: 1, Max: 2, HasMax: true}},
				{Module: "env", Name: "g", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: i32}},
				{Module: "env", Name: "gm", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: f64, Mutable: true}},
				{Module: "env", Name: "tbl", Kind: wasm.ExternTable, Table: wasm.Table{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 1}}},
			}
			wantExports := []wasm.Export{
				{Name: "main", Kind: wasm.ExternFunc, Index: 2}, {Name: "add", Kind: wasm.ExternFunc, Index: 1},
				{Name: "mem", Kind: wasm.ExternMemory}, {Name: "g", Kind: wasm.ExternGlobal}, {Name: "tbl", Kind: wasm.ExternTable},
			}
			equal(t, "types", m.Types, wantTypes)
			equal(t, "imports", m.Imports, wantImports)
			equal(t, "functions", m.Functions, []uint32{2})
			equal(t, "exports", m.Exports, wantExports)
			equal(t, "code", m.Bodies[0].Code, unhex(t, "20 00 41 01 10 01 42 07 10 00 23 00 6a 0b"))
		}},
		{"definitions", srcDefs, func(t *testing.T, m *wasm.Module) {
			equal(t, "types", m.Types, []wasm.FuncType{sig(nil, nil), sig(vt(i32), vt(i32)), sig(vt(i32, i64, f32), nil)})
			equal(t, "functions", m.Functions, []uint32{0, 1, 2})
			equal(t, "memories", m.Memories, []wasm.Limits{{Min: 1, Max: 4, HasMax: true}})
			equal(t, "tables", m.Tables, []wasm.Table{{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 2, Max: 10, HasMax: true}}})
			wantGlobals := []wasm.Global{
				{GlobalType: wasm.GlobalType{Type: i64, Mutable: true}, Init: unhex(t, "42 05 0b")},
				{GlobalType: wasm.GlobalType{Type: i32}, Init: unhex(t, "41 7f 0b")},
				{GlobalType: wasm.GlobalType{Type: f64}, Init: unhex(t, "44 00 00 00 00 00 00 f8 3f 0b")},
				{GlobalType: wasm.GlobalType{Type: wasm.FuncRef}, Init: unhex(t, "d2 01 0b")},
				{GlobalType: wasm.GlobalType{Type: wasm.ExternRef}, Init: unhex(t, "d0 6f 0b")},
			}
			equal(t, "globals", m.Globals, wantGlobals)
			equal(t, "exports", m.Exports, []wasm.Export{
				{Name: "memory", Kind: wasm.ExternMemory}, {Name: "k", Kind: wasm.ExternGlobal, Index: 1}, {Name: "inc", Kind: wasm.ExternFunc, Index: 1},
			})
			if m.Start == nil || *m.Start != 0 {
				t.Errorf("start = %v, want 0", m.Start)
			}
			equal(t, "elements", m.Elements, 2)
			equal(t, "data", m.Data, []wasm.DataSegment{{Size: 9}, {Passive: true, Size: 7}, {Size: 1}})
			if m.DataCount == nil || *m.DataCount != 3 {
				t.Errorf("data count = %v, want 3", m.DataCount)
			}
			equal(t, "locals", m.Bodies[2].Locals, []wasm.LocalGroup{{Count: 1, Type: i64}, {Count: 2, Type: i32}, {Count: 1, Type: f64}})
			for _, s := range m.Sections {
				if s.ID == wasm.SecData && !bytes.Contains(s.Data, []byte("a\n\t\\\"\x00\xffbc")) {
					t.Errorf("data section %q lacks the escaped string", s.Data)
				}
			}
			// elem segments: active flag 0 with $inc $use, then declare.
			for _, s := range m.Sections {
				if s.ID == wasm.SecElement {
					equal(t, "element section", s.Data, unhex(t, "02 00 41 00 0b 02 01 02 03 00 01 01"))
				}
			}
		}},
		{"control", srcControl, func(t *testing.T, m *wasm.Module) {
			equal(t, "types", m.Types, []wasm.FuncType{sig(vt(i32), vt(i32, i32)), sig(vt(i32), vt(i32))})
			equal(t, "functions", m.Functions, []uint32{1, 0, 1})
			// br depths: br $done from inside if/loop/block is 2, br $again is 0.
			var depths []int64
			r := wasm.NewCodeReader(m.Bodies[0].Code)
			for in := (wasm.Instr{}); r.Next(&in); {
				if in.Op == wasm.OpBr {
					depths = append(depths, in.A)
				}
			}
			equal(t, "br depths", depths, []int64{2, 0})
			equal(t, "split code", m.Bodies[1].Code, unhex(t, "20 00 02 00 41 01 0b 0b"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, decode(t, assemble(t, tt.src)))
		})
	}
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot  %v\nwant %v", what, got, want)
	}
}

// TestWat2wasm checks that wabt's assembler, when installed, produces the
// same module structure for the same sources.
func TestWat2wasm(t *testing.T) {
	tool, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Skip("wat2wasm not installed (apt-get install wabt)")
	}
	srcs := map[string]string{
		"imports": srcImports, "definitions": srcDefs, "control": srcControl,
		"instructions": fmt.Sprintf(instrModule, "i64.const -9 f64.const 0x1p-3 i32.const 9 i32.load16_u offset=2 drop drop drop"),
	}
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in, out := filepath.Join(dir, "m.wat"), filepath.Join(dir, "m.wasm")
			if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			if msg, err := exec.Command(tool, in, "-o", out).CombinedOutput(); err != nil {
				t.Fatalf("wat2wasm: %v\n%s", err, msg)
			}
			theirs, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			ours := assemble(t, src)
			a, b := decode(t, ours), decode(t, theirs)
			a.Sections, b.Sections, a.CodeSize, b.CodeSize = nil, nil, 0, 0
			if !reflect.DeepEqual(a, b) {
				t.Errorf("structures differ:\nours   %+v\ntheirs %+v", a, b)
			}
			if !bytes.Equal(ours, theirs) {
				t.Logf("bytes differ (structure equal):\nours   %x\ntheirs %x", ours, theirs)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown instruction", "(module\n  (func\n    i32.frob))", `3:5: unknown instruction "i32.frob"`},
		{"unknown label", "(module (func\n  block $a\n    br $b\n  end))", "3:8: unknown label $b"},
		{"label out of scope", "(module (func\n  block $a end\n  br $a))", "3:6: unknown label $a"},
		{"unclosed paren", "(module\n  (func nop)\n", "1:1: unclosed '(': missing ')'"},
		{"unclosed inner paren", "(module (func nop", "1:9: unclosed '('"},
		{"extra paren", "(module)\n)", "2:1: unexpected ')'"},
		{"bad integer", "(module (func\n  i32.const 12x))", `2:13: invalid 32-bit integer "12x"`},
		{"integer out of range", "(module (func i32.const 4294967296))", "1:25: integer 4294967296 out of range for 32 bits"},
		{"bad underscore", "(module (func i64.const 1__0))", `1:25: invalid number "1__0"`},
		{"bad float", "(module (func f32.const 1e99))", `1:25: invalid or out-of-range f32 literal "1e99"`},
		{"unknown function", "(module (func call $nope))", "1:20: unknown function $nope"},
		{"unknown local", "(module (func (param $a i32) local.get $b))", "1:40: unknown local $b"},
		{"unterminated string", "(module (data \"abc))", "1:15: unterminated string"},
		{"bad escape", `(module (data "\q"))`, "1:16: invalid escape in string"},
		{"end without block", "(module (func end))", "1:15: end without matching if"},
		{"block without end", "(module (func\n  block nop))", "2:3: block without matching end"},
		{"else without if", "(module (func block else end))", "1:21: else without matching if"},
		{"bad align", "(module (func i32.load align=3))", "1:24: alignment 3 is not a power of two"},
		{"import after definition", "(module (memory 1)\n (import \"a\" \"b\" (memory 1)))", "2:2: memory import after a memory definition"},
		{"folded instruction", "(module (func (i32.add)))", "1:15: expected an instruction, found (i32.add ...)"},
		{"missing immediate", "(module (func\n  br))", "2:3: missing label"},
		{"duplicate name", "(module (func $f) (func $f))", "1:25: duplicate function $f"},
		{"duplicate export", `(module (func (export "x")) (func (export "x")))`, `1:43: duplicate export "x"`},
		{"unknown field", "(module (funk))", `1:9: unknown module field (funk ...)`},
		{"unexpected character", "(module {)", "1:9: unexpected character '{'"},
		{"unterminated comment", "(module (; oops", "1:9: unterminated block comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Assemble([]byte(tt.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %q, want prefix %q", err, tt.want)
			}
		})
	}
}
