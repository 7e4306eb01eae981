package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/crucible-net/crucible/contentstore"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// MinerTask is what a miner program receives for one task, as JSON on its
// standard input (and, over the API, as one server-sent event). It holds
// everything a miner needs; the evaluator's meaning of Params is the
// subnet's business.
type MinerTask struct {
	Subnet    uint64 `json:"subnet"`
	Epoch     uint64 `json:"epoch"`
	Validator string `json:"validator"` // peer ID of the validator that published it
	Index     uint32 `json:"index"`
	Task      string `json:"task"`            // the task's CID
	Seed      string `json:"seed"`            // the epoch seed, hex
	Input     string `json:"input,omitempty"` // CID of an input dataset, if any
	Params    []byte `json:"params"`          // base64 in JSON
	Deadline  uint64 `json:"deadline_block"`  // the block by which the answer must be committed
	MaxBytes  uint64 `json:"max_bytes"`       // the largest output validators will fetch
}

// MinerCommand runs a miner program once per task: the task as JSON on
// standard input; the program writes its output to a file and prints that
// file's path on standard output. A program that fails, hangs, prints
// something that is not a path to a regular file, or writes more than the
// task allows costs its miner that task and nothing else.
type MinerCommand struct {
	// Argv is the program and its arguments.
	Argv []string
	// Dir is the working directory; relative output paths are resolved
	// against it.
	Dir string
	// Timeout bounds one run; the program's whole process group is
	// killed when it passes.
	Timeout time.Duration
}

// Errors of a miner program.
var (
	ErrMinerFailed = errors.New("miner program failed")
	ErrMinerOutput = errors.New("miner program gave no usable output")
)

// maxMinerQueue bounds the tasks waiting for the miner program; more are
// skipped (a program slower than the tasks come cannot catch up anyway).
const maxMinerQueue = 16

// maxMinerStdout bounds what is read of the program's standard output
// (one path), and maxMinerStderr what is kept of its standard error.
const (
	maxMinerStdout = 4 << 10
	maxMinerStderr = 16 << 10
)

// Run runs the program for task and returns the path of its output file.
//
// # Errors
//
// ErrMinerFailed (exit status, signal, timeout; with the end of its
// standard error) or ErrMinerOutput (no path, not a regular file, larger
// than task.MaxBytes).
func (m MinerCommand) Run(ctx context.Context, task MinerTask) (string, error) {
	if len(m.Argv) == 0 {
		return "", fmt.Errorf("%w: no miner command configured", ErrConfig)
	}
	in, err := json.Marshal(task)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, m.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, m.Argv[0], m.Argv[1:]...)
	cmd.Dir = m.Dir
	cmd.Stdin = bytes.NewReader(append(in, '\n'))
	stdout := &capped{max: maxMinerStdout}
	stderr := &capped{max: maxMinerStderr, keepTail: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Its own process group, so a timeout kills what it started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return "", fmt.Errorf("%w: %s did not finish within %v%s", ErrMinerFailed, m.Argv[0], m.Timeout, stderr.tail())
	case err != nil:
		return "", fmt.Errorf("%w: %s: %v%s", ErrMinerFailed, m.Argv[0], err, stderr.tail())
	}
	if stdout.over {
		return "", fmt.Errorf("%w: more than %d bytes on standard output; print only the output file's path", ErrMinerOutput, maxMinerStdout)
	}
	path := strings.TrimSpace(stdout.buf.String())
	if path == "" || strings.ContainsAny(path, "\n\x00") {
		return "", fmt.Errorf("%w: standard output must be one line, the output file's path; got %q", ErrMinerOutput, truncate(stdout.buf.String(), 80))
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(m.Dir, path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrMinerOutput, err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%w: %s is not a regular file", ErrMinerOutput, path)
	}
	if task.MaxBytes > 0 && uint64(st.Size()) > task.MaxBytes {
		return "", fmt.Errorf("%w: %s is %d bytes; the subnet fetches at most %d", ErrMinerOutput, path, st.Size(), task.MaxBytes)
	}
	return path, nil
}

// capped is a writer that keeps at most max bytes: the first ones, or with
// keepTail the last ones.
type capped struct {
	buf      bytes.Buffer
	max      int
	keepTail bool
	over     bool
}

func (c *capped) Write(p []byte) (int, error) {
	n := len(p)
	if c.keepTail {
		c.buf.Write(p)
		if extra := c.buf.Len() - c.max; extra > 0 {
			c.over = true
			b := append([]byte(nil), c.buf.Bytes()[extra:]...)
			c.buf.Reset()
			c.buf.Write(b)
		}
		return n, nil
	}
	if room := c.max - c.buf.Len(); room < len(p) {
		c.over = true
		p = p[:max(room, 0)]
	}
	c.buf.Write(p)
	return n, nil
}

// tail formats the end of standard error for an error message.
func (c *capped) tail() string {
	s := strings.TrimSpace(c.buf.String())
	if s == "" {
		return ""
	}
	if len(s) > 500 {
		s = "…" + s[len(s)-500:]
	}
	return "; its standard error ends:\n" + s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// mine answers a task with the configured miner program, one task at a
// time per node (a miner program is usually one model on one machine). A
// program that fails costs this task only; the error is logged.
func (n *Node) mine(f *follower, t MinerTask) {
	log := n.log.With("subnet", t.Subnet, "epoch", t.Epoch, "task", t.Task)
	n.mineStart.Lock()
	defer n.mineStart.Unlock()
	if n.closing.Load() {
		return
	}
	if n.mineQueue.Load() >= maxMinerQueue {
		log.Warn("miner program busy; task skipped", "queued", maxMinerQueue)
		return
	}
	n.mineQueue.Add(1)
	n.mineWG.Add(1)
	go func() {
		defer n.mineWG.Done()
		defer n.mineQueue.Add(-1)
		n.mineMu.Lock()
		defer n.mineMu.Unlock()
		if n.closing.Load() {
			return
		}
		f.mu.Lock()
		late := f.head >= t.Deadline
		f.mu.Unlock()
		if late {
			log.Warn("task past its deadline before the miner program could run; skipped")
			return
		}
		cmd := MinerCommand{Argv: n.cfg.Miner.Command, Dir: n.minerDir, Timeout: time.Duration(n.cfg.Miner.Timeout) * time.Second}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-n.closed:
				cancel()
			case <-ctx.Done():
			}
		}()
		path, err := cmd.Run(ctx, t)
		if err != nil {
			log.Warn("miner program gave no answer", "err", err)
			return
		}
		file, err := os.Open(path)
		if err != nil {
			log.Warn("miner output unreadable", "err", err)
			return
		}
		c, err := n.store.AddFile(ctx, file, contentstore.DefaultProfile, nil)
		file.Close()
		if err != nil {
			log.Warn("miner output not imported", "err", err)
			return
		}
		if _, err := n.Answer(ctx, t.Subnet, t.Task, c.String()); err != nil {
			log.Warn("miner answer not committed", "err", err)
		}
	}()
}
