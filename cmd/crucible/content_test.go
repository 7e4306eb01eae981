package main

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// contentTestData is 5 MiB of `random-data -size=5242880 -seed=41`
// (github.com/ipfs/go-test v0.4.1), which Kubo's
// test/sharness/t0040-add-and-cat.sh:488,915 adds with --cid-version=1.
func contentTestData(t *testing.T) []byte {
	t.Helper()
	b, err := io.ReadAll(io.LimitReader(rand.NewChaCha8(sha256.Sum256([]byte("41"))), 5<<20))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const contentTestCID = "bafybeihy7ngsovmm2dqanlpjeddvs7kshb4bdwrue3pe5nsf6rkn3hg45y"

func TestContentAddGetRoundTrip(t *testing.T) {
	t.Setenv("CRUCIBLE_DATA_DIR", t.TempDir())
	work := t.TempDir()
	in := filepath.Join(work, "weights.bin")
	data := contentTestData(t)
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := run(t, "content", "add", in)
	if code != 0 || out != "added "+contentTestCID+" weights.bin\n" {
		t.Fatalf("add: exit %d\nstdout: %q\nstderr: %s", code, out, errOut)
	}
	if errOut != "" {
		t.Errorf("add printed to stderr, which is not a terminal: %q", errOut)
	}
	code, out, errOut = run(t, "content", "add", "-q", in)
	if code != 0 || out != contentTestCID+"\n" {
		t.Fatalf("add -q: exit %d\nstdout: %q\nstderr: %s", code, out, errOut)
	}

	got := filepath.Join(work, "out", "copy.bin")
	if err := os.Mkdir(filepath.Dir(got), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "content", "get", contentTestCID, "-o", got)
	if code != 0 {
		t.Fatalf("get: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	b, err := os.ReadFile(got)
	if err != nil || !bytes.Equal(b, data) {
		t.Fatalf("got file differs from the original (%d bytes, %v)", len(b), err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(got)); len(ents) != 1 {
		t.Errorf("get left %d files in the output directory, want 1", len(ents))
	}

	code, out, _ = run(t, "content", "get", contentTestCID)
	if code != 0 || out != string(data) {
		t.Errorf("get to stdout: exit %d, %d bytes", code, len(out))
	}

	code, out, errOut = run(t, "content", "stat", contentTestCID)
	for _, want := range []string{"codec     dag-pb", "size      5242880 bytes", "blocks    21"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("stat: exit %d, lacks %q\nstdout: %s\nstderr: %s", code, want, out, errOut)
		}
	}
}

func TestContentAddProfile(t *testing.T) {
	t.Setenv("CRUCIBLE_DATA_DIR", t.TempDir())
	in := filepath.Join(t.TempDir(), "hello.txt")
	if err := os.WriteFile(in, []byte("hello world"), 0o644); err != nil {
		t.Fatal(err)
	}
	// test/cli/cid_profiles_test.go:152 in Kubo v0.43.1.
	const want = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e\n"
	for _, args := range [][]string{
		{"content", "add", "-q", in},
		{"content", "add", "-q", "--profile", "unixfs-v1-2025", in},
		{"content", "add", in, "-q", "--profile=kubo-cidv1"},
	} {
		if code, out, errOut := run(t, args...); code != 0 || out != want {
			t.Errorf("%v: exit %d, stdout %q, stderr %s", args, code, out, errOut)
		}
	}
}

func TestContentErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CRUCIBLE_DATA_DIR", dir)
	in := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(in, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"content"}, 2, "stat"},
		{[]string{"content", "--help"}, 0, "car"},
		{[]string{"content", "add", "--help"}, 0, "-profile"},
		{[]string{"content", "add"}, 2, "want one FILE"},
		{[]string{"content", "add", "/no/such/file"}, 1, "no such file"},
		{[]string{"content", "add", t.TempDir()}, 1, "is a directory"},
		{[]string{"content", "add", "--profile", "nope", in}, 2, `unknown import profile "nope"`},
		{[]string{"content", "get"}, 2, "want one CID"},
		{[]string{"content", "get", "not-a-cid", "-o", filepath.Join(t.TempDir(), "o")}, 2, "invalid CID"},
		{[]string{"content", "get", missing, "-o", filepath.Join(t.TempDir(), "o")}, 1, "content not found"},
		{[]string{"content", "get", missing}, 1, "crucible content add"},
		{[]string{"content", "stat", "Qm123"}, 2, "invalid CID"},
		{[]string{"content", "stat", missing}, 1, "content not found"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := run(t, tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q?\nstdout: %s\nstderr: %s", code, tc.code, tc.want, out, errOut)
			}
		})
	}
	// A failed get leaves no file behind.
	outDir := t.TempDir()
	run(t, "content", "get", missing, "-o", filepath.Join(outDir, "o"))
	if ents, _ := os.ReadDir(outDir); len(ents) != 0 {
		t.Errorf("failed get left %d files", len(ents))
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	start := time.Now()
	p := &progress{w: &buf, label: "adding w.bin", total: 4 << 20, start: start}
	p.n = 1 << 20
	p.print(start.Add(time.Second))
	want := "\radding w.bin  [#####...............]  25%  1.0/4.0 MiB  1 MiB/s\x1b[K"
	if got := buf.String(); got != want {
		t.Errorf("bar = %q, want %q", got, want)
	}
	// Unknown size: no bar. done ends the line once.
	buf.Reset()
	p = &progress{w: &buf, label: "getting x", start: start}
	p.update(3 << 20)
	p.done()
	p.done()
	if got := buf.String(); !strings.HasPrefix(got, "\rgetting x  3.0 MiB") || strings.Count(got, "\n") != 1 {
		t.Errorf("bar without a total = %q", got)
	}
	// Not a terminal: nothing.
	p = newProgress(&buf, "x", 1)
	p.update(1)
	p.done()
}
