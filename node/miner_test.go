package node

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMinerCommand(t *testing.T) {
	dir := t.TempDir()
	task := MinerTask{Subnet: 4, Epoch: 9, Index: 1, Task: "bafy", Seed: "00", Params: []byte("p"), MaxBytes: 1000}
	sh := func(script string, timeout time.Duration) MinerCommand {
		return MinerCommand{Argv: []string{"sh", "-c", script}, Dir: dir, Timeout: timeout}
	}
	t.Run("answers", func(t *testing.T) {
		path, err := sh(`cat > out.json && echo out.json`, 10*time.Second).Run(context.Background(), task)
		if err != nil {
			t.Fatal(err)
		}
		if path != filepath.Join(dir, "out.json") {
			t.Errorf("path %q", path)
		}
		b, _ := os.ReadFile(path)
		var got MinerTask
		if err := json.Unmarshal(b, &got); err != nil || got.Subnet != 4 || got.Epoch != 9 || string(got.Params) != "p" {
			t.Errorf("the program read %q (%v)", b, err)
		}
	})
	for _, c := range []struct {
		name, script string
		timeout      time.Duration
		want         error
		says         string
	}{
		{"crashes", `echo boom >&2; exit 3`, 10 * time.Second, ErrMinerFailed, "boom"},
		{"hangs", `sleep 60 & wait`, 300 * time.Millisecond, ErrMinerFailed, "did not finish"},
		{"prints garbage", `echo hello; echo world`, 10 * time.Second, ErrMinerOutput, "one line"},
		{"prints nothing", `true`, 10 * time.Second, ErrMinerOutput, "one line"},
		{"floods stdout", `yes | head -c 100000`, 10 * time.Second, ErrMinerOutput, "standard output"},
		{"names a directory", `echo ` + dir, 10 * time.Second, ErrMinerOutput, "not a regular file"},
		{"names nothing", `echo missing.bin`, 10 * time.Second, ErrMinerOutput, "no such file"},
		{"writes too much", `head -c 5000 /dev/zero > big && echo big`, 10 * time.Second, ErrMinerOutput, "at most 1000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := sh(c.script, c.timeout).Run(context.Background(), task)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("Run = %v, want %v saying %q", err, c.want, c.says)
			}
			if c.name == "hangs" && time.Since(start) > 10*time.Second {
				t.Errorf("a hanging program took %v to be stopped", time.Since(start))
			}
		})
	}
	if _, err := (MinerCommand{}).Run(context.Background(), task); !errors.Is(err, ErrConfig) {
		t.Errorf("no command: %v", err)
	}
}
