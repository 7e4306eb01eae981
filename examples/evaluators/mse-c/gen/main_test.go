package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGen(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"-n", "1000", "-dir", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, f := range []string{"task.f64", "predictions.f64"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Size() != 8000 {
			t.Errorf("%s: %v %v", f, st, err)
		}
	}
	if !strings.Contains(out.String(), "wrote 1000 values") {
		t.Errorf("stdout %q", out.String())
	}
	if code := run([]string{"-n", "0"}, &out, &errb); code != 2 {
		t.Errorf("-n 0: exit %d", code)
	}
}
