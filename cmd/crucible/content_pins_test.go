package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/contentstore"
)

// pinsCmd runs one of the pin, gc or car commands on the store in dir
// and returns its output and error.
func pinsCmd(t *testing.T, dir string, run func(*env, []string) error, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, dataDir: dir, getenv: func(string) string { return "" }}
	err := run(e, args)
	return out.String(), err
}

// pinsAddFile imports data into the store in dir (pinned recursively)
// and returns its CID.
func pinsAddFile(t *testing.T, dir string, data []byte) string {
	t.Helper()
	ctx := context.Background()
	s, err := contentstore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.AddFile(ctx, bytes.NewReader(data), contentstore.DefaultProfile, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.String()
}

// pinsHas reports whether the store in dir holds the whole file c.
func pinsHas(t *testing.T, dir, c string) bool {
	t.Helper()
	ctx := context.Background()
	s, err := contentstore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, err := contentstore.ParseCID(c)
	if err != nil {
		t.Fatal(err)
	}
	return s.Export(ctx, id, &bytes.Buffer{}) == nil
}

func TestContentPinCommands(t *testing.T) {
	dir := t.TempDir()
	a := pinsAddFile(t, dir, bytes.Repeat([]byte("a"), 300<<10))
	b := pinsAddFile(t, dir, []byte("small file b"))

	steps := []struct {
		run  func(*env, []string) error
		args []string
		want string
	}{
		{runContentPinLs, nil, a + " recursive\n"},
		{runContentPinRm, []string{b}, "unpinned " + b},
		{runContentPinAdd, []string{b, "--direct"}, "pinned " + b + " directly"},
		{runContentPinLs, nil, b + " direct\n"},
		{runContentPinRm, []string{"--direct", b}, "unpinned " + b},
		{runContentPinAdd, []string{b}, "pinned " + b + " recursively"},
		{runContentPinRm, []string{a}, "unpinned " + a},
		{runContentGC, nil, "removed 3 blocks"},
		{runContentPinLs, nil, b + " recursive\n"},
		{runContentGC, nil, "removed 0 blocks (0 bytes)"},
	}
	for i, st := range steps {
		out, err := pinsCmd(t, dir, st.run, st.args...)
		if err != nil {
			t.Fatalf("step %d %v: %v", i, st.args, err)
		}
		if !strings.Contains(out, st.want) {
			t.Fatalf("step %d %v: output %q lacks %q", i, st.args, out, st.want)
		}
	}
	if pinsHas(t, dir, a) {
		t.Error("unpinned file survived gc")
	}
	if !pinsHas(t, dir, b) {
		t.Error("pinned file was collected")
	}
}

func TestContentPinErrors(t *testing.T) {
	dir := t.TempDir()
	a := pinsAddFile(t, dir, []byte("pinned"))
	tests := []struct {
		name  string
		run   func(*env, []string) error
		args  []string
		usage bool
		want  string
	}{
		{"add without CID", runContentPinAdd, nil, true, "want one CID"},
		{"add bad CID", runContentPinAdd, []string{"notacid"}, true, "invalid CID"},
		{"add missing content", runContentPinAdd, []string{"bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"}, false, "not in the local store"},
		{"rm not pinned", runContentPinRm, []string{"bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"}, false, "crucible content pin ls"},
		{"rm direct of recursive", runContentPinRm, []string{a, "--direct"}, false, "pinned recursively"},
		{"ls with argument", runContentPinLs, []string{a}, true, "want no arguments"},
		{"gc with argument", runContentGC, []string{a}, true, "want no arguments"},
		{"export without -o", runContentCARExport, []string{a}, true, "-o FILE is required"},
		{"export without CID", runContentCARExport, []string{"-o", "x.car"}, true, "at least one CID"},
		{"import without file", runContentCARImport, nil, true, "want one FILE"},
		{"import missing file", runContentCARImport, []string{filepath.Join(dir, "nope.car")}, false, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pinsCmd(t, dir, tt.run, tt.args...)
			if err == nil {
				t.Fatal("succeeded")
			}
			if errors.Is(err, errUsage) != tt.usage || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q (usage %v), want %q (usage %v)", err, errors.Is(err, errUsage), tt.want, tt.usage)
			}
		})
	}
}

func TestContentCARExportImport(t *testing.T) {
	for _, v2 := range []bool{false, true} {
		name := map[bool]string{false: "v1", true: "v2"}[v2]
		t.Run(name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			data := bytes.Repeat([]byte("0123456789"), 70<<10)
			a := pinsAddFile(t, src, data)
			b := pinsAddFile(t, src, []byte("second root"))
			file := filepath.Join(t.TempDir(), "out.car")
			args := []string{a, b, "-o", file}
			if v2 {
				args = append(args, "--v2")
			}
			out, err := pinsCmd(t, src, runContentCARExport, args...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "exported "+a+", "+b+" to "+file) {
				t.Errorf("export output %q", out)
			}
			entries, _ := os.ReadDir(filepath.Dir(file))
			if len(entries) != 1 {
				t.Errorf("export left %d files behind, want only the CAR", len(entries))
			}

			out, err = pinsCmd(t, dst, runContentCARImport, file)
			if err != nil {
				t.Fatal(err)
			}
			if out != "imported and pinned "+a+"\nimported and pinned "+b+"\n" {
				t.Errorf("import output %q", out)
			}
			if !pinsHas(t, dst, a) || !pinsHas(t, dst, b) {
				t.Error("imported content incomplete")
			}
			out, err = pinsCmd(t, dst, runContentPinLs)
			if err != nil || !strings.Contains(out, a+" recursive") || !strings.Contains(out, b+" recursive") {
				t.Errorf("pins after import %q, %v", out, err)
			}
		})
	}
}

func TestContentCARImportBad(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	a := pinsAddFile(t, src, bytes.Repeat([]byte("x"), 600<<10))
	file := filepath.Join(t.TempDir(), "a.car")
	if _, err := pinsCmd(t, src, runContentCARExport, a, "-o", file); err != nil {
		t.Fatal(err)
	}
	car, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(t.TempDir(), "short.car")
	if err := os.WriteFile(short, car[:len(car)-10], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = pinsCmd(t, dst, runContentCARImport, short)
	if !errors.Is(err, contentstore.ErrCARTruncated) || !strings.Contains(err.Error(), short) {
		t.Fatalf("truncated CAR: %v, want ErrCARTruncated naming the file", err)
	}
	car[len(car)-1] ^= 1
	if err := os.WriteFile(file, car, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := pinsCmd(t, dst, runContentCARImport, file); !errors.Is(err, contentstore.ErrCARCorrupt) {
		t.Fatalf("corrupt CAR: %v, want ErrCARCorrupt", err)
	}
	if out, err := pinsCmd(t, dst, runContentPinLs); err != nil || out != "" {
		t.Fatalf("pins after bad imports %q, %v; want none", out, err)
	}
}

// TestContentPinsFromTheShell goes through doMain, as a user would.
func TestContentPinsFromTheShell(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CRUCIBLE_DATA_DIR", dir)
	a := pinsAddFile(t, dir, []byte("from the shell"))
	file := filepath.Join(t.TempDir(), "a.car")
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"content", "pin", "ls"}, 0, a + " recursive"},
		{[]string{"content", "pin", "rm", a}, 0, "unpinned " + a},
		{[]string{"content", "pin", "add", a, "--direct"}, 0, "pinned " + a + " directly"},
		{[]string{"content", "car", "export", a, "-o", file, "--v2"}, 0, "(CARv2)"},
		{[]string{"content", "car", "import", file}, 0, "imported and pinned " + a},
		{[]string{"content", "gc"}, 0, "removed 0 blocks"},
		{[]string{"content", "pin", "add"}, 2, "want one CID"},
		{[]string{"content", "pin", "add", "Qmnope"}, 2, "invalid CID"},
		{[]string{"content", "gc", "--help"}, 0, "no pin keeps"},
	} {
		code, out, errOut := run(t, tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, output %q %q; want exit %d and %q", tt.args, code, out, errOut, tt.code, tt.want)
		}
	}
}
