package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crucible-net/crucible/contentstore"
)

// openContentStore opens the content store in the data directory. The
// commands work on it directly; no node needs to run.
func openContentStore(ctx context.Context, e *env) (*contentstore.Store, error) {
	dir, err := e.resolveDataDir()
	if err != nil {
		return nil, err
	}
	return contentstore.Open(ctx, dir)
}

// useContentStore opens the data directory's content store for one
// command, with a context that Ctrl-C cancels. The command defers
// done(&err), which closes the store and the context and reports a failed
// close through err.
func useContentStore(e *env) (context.Context, *contentstore.Store, func(*error), error) {
	ctx, cancel := signalContext()
	s, err := openContentStore(ctx, e)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return ctx, s, func(err *error) {
		if cerr := s.Close(); cerr != nil && *err == nil {
			*err = fmt.Errorf("close content store: %w", cerr)
		}
		cancel()
	}, nil
}

func profileNames() string {
	var names []string
	for _, p := range contentstore.Profiles() {
		names = append(names, p.Name)
	}
	return strings.Join(names, "|")
}

func runContentAdd(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content add", "FILE [--profile "+profileNames()+"] [-q]",
		"Import FILE into the content store as UnixFS, pin it, and print its CID.\n"+
			"The default profile gives the CID of `ipfs add --cid-version=1`.")
	profile := fs.String("profile", contentstore.DefaultProfile.Name, "import profile: "+profileNames())
	quiet := fs.Bool("q", false, "print only the CID")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one FILE, got %d arguments", errUsage, len(pos))
	}
	p, err := contentstore.ProfileByName(*profile)
	if err != nil {
		return fmt.Errorf("%w: --profile: %v", errUsage, err)
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory: add its files one by one (directories are not supported yet)", pos[0])
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", pos[0])
	}

	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	bar := newProgress(e.stderr, "adding "+filepath.Base(pos[0]), fi.Size())
	c, err := s.AddFile(ctx, f, p, bar.update)
	bar.done()
	if err != nil {
		return fmt.Errorf("add %s: %w", pos[0], err)
	}
	if *quiet {
		fmt.Fprintln(e.stdout, c)
	} else {
		fmt.Fprintf(e.stdout, "added %s %s\n", c, filepath.Base(pos[0]))
	}
	return nil
}

func runContentGet(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content get", "CID [-o FILE]",
		"Write the UnixFS file CID from the content store to FILE (or to standard output).\n"+
			"FILE is written to a temporary file next to it and renamed, so it is never left half-written.")
	out := fs.String("o", "", "output file (default: standard output)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	c, err := oneArg(pos, "CID", contentstore.ParseCID)
	if err != nil {
		return err
	}
	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	var total int64
	if st, err := s.Stat(ctx, c); err == nil {
		total = int64(st.Size)
	}
	bar := newProgress(e.stderr, "getting "+c.String(), total)
	defer bar.done()
	export := func(w io.Writer) error { return s.Export(ctx, c, &countingWriter{w: w, progress: bar.update}) }
	if *out == "" {
		return notFoundHint(export(e.stdout), s)
	}
	return notFoundHint(writeFileAtomic(*out, export), s)
}

// countingWriter reports the bytes written through it.
type countingWriter struct {
	w        io.Writer
	n        int64
	progress func(int64)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.progress(c.n)
	return n, err
}

// oneArg parses the one positional argument a command takes; a missing,
// extra or malformed argument is a usage error.
func oneArg[T any](pos []string, what string, parse func(string) (T, error)) (T, error) {
	var zero T
	if len(pos) != 1 {
		return zero, fmt.Errorf("%w: want one %s, got %d arguments", errUsage, what, len(pos))
	}
	v, err := parse(pos[0])
	if err != nil {
		return zero, fmt.Errorf("%w: %w", errUsage, err)
	}
	return v, nil
}

// writeFileAtomic calls write on a temporary file in path's directory,
// syncs it and renames it to path; on failure it removes the temporary
// file and leaves path alone.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".crucible-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func runContentStat(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content stat", "CID", "Show the codec, size and block count of the DAG under CID in the content store.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	c, err := oneArg(pos, "CID", contentstore.ParseCID)
	if err != nil {
		return err
	}
	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	st, err := s.Stat(ctx, c)
	if err != nil {
		return notFoundHint(err, s)
	}
	w := e.stdout
	fmt.Fprintf(w, "cid       %s\n", st.CID)
	fmt.Fprintf(w, "codec     %s\n", st.Codec)
	fmt.Fprintf(w, "size      %d bytes\n", st.Size)
	fmt.Fprintf(w, "blocks    %d\n", st.Blocks)
	fmt.Fprintf(w, "dag size  %d bytes\n", st.DagSize)
	return nil
}

// notFoundHint tells the user what to do about content that is not in the
// store.
func notFoundHint(err error, s *contentstore.Store) error {
	if errors.Is(err, contentstore.ErrNotFound) {
		return fmt.Errorf("%w\nthe content store in %s does not have it: add the file with 'crucible content add' or import a CAR with 'crucible content car import'", err, s.Dir())
	}
	return err
}

// progress draws a progress bar on a terminal, at most ten times a second:
//
//	adding weights.bin  [##########..........]  48%  123.4/256.0 MiB  812 MiB/s
//
// On anything that is not a terminal it prints nothing. update may be
// called from any one goroutine at a time.
type progress struct {
	w     io.Writer
	label string
	total int64
	start time.Time
	last  time.Time
	n     int64
}

func newProgress(w io.Writer, label string, total int64) *progress {
	f, ok := w.(*os.File)
	if !ok {
		return &progress{}
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return &progress{}
	}
	return &progress{w: w, label: label, total: total, start: time.Now()}
}

func (p *progress) update(n int64) {
	if p.w == nil {
		return
	}
	p.n = n
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		p.print(now)
	}
}

func (p *progress) print(now time.Time) {
	const width = 20
	mib := func(n int64) float64 { return float64(n) / (1 << 20) }
	line := p.label
	if p.total > 0 {
		frac := min(float64(p.n)/float64(p.total), 1)
		filled := int(frac * width)
		line += fmt.Sprintf("  [%s%s] %3.0f%%  %.1f/%.1f MiB", strings.Repeat("#", filled), strings.Repeat(".", width-filled), 100*frac, mib(p.n), mib(p.total))
	} else {
		line += fmt.Sprintf("  %.1f MiB", mib(p.n))
	}
	if secs := now.Sub(p.start).Seconds(); secs > 0 {
		line += fmt.Sprintf("  %.0f MiB/s", mib(p.n)/secs)
	}
	// Carriage return, the line, then clear what a longer line left.
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
}

// done draws the final state and ends the line, if anything was drawn.
func (p *progress) done() {
	if p.w == nil || p.last.IsZero() {
		return
	}
	p.print(time.Now())
	fmt.Fprintln(p.w)
	p.w = nil
}
