// Command contentstore measures the content store's throughput and peak
// memory (resident set) on files too large for a Go benchmark: import and
// export of a 1 GiB file, and bitswap fetches between two libp2p hosts on
// loopback next to a plain TCP copy of the same bytes.
//
//	go run ./bench/contentstore              # full run: about 2 GiB of temporary files
//	go run ./bench/contentstore -large 0     # scaling table only, no 1 GiB rows
//
// Peak RSS is the kernel's high-water mark (VmHWM in /proc/self/status),
// which cannot be reset, so every measurement runs in a fresh child process:
// the program re-executes itself with -phase. A fetch runs two children,
// one node each: the provider serves its store until the fetcher is done.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
)

func main() {
	os.Exit(doMain(os.Args[1:], os.Stdout, os.Stderr))
}

// result is what a child process reports on its stdout, as one JSON line.
type result struct {
	Seconds float64 `json:"seconds"`
	HWMKiB  int64   `json:"hwm_kib"`
	CID     string  `json:"cid,omitempty"`
}

type options struct {
	phase string
	file  string
	store string
	cid   string
	peer  string
	size  int64
	dir   string
	runs  int
	large int64
	sizes string
	prof  string
}

func doMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("contentstore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.dir, "dir", "", "directory for temporary files (default: a new directory under $TMPDIR, removed at the end)")
	fs.IntVar(&o.runs, "runs", 3, "runs per throughput row; the median is printed")
	fs.Int64Var(&o.large, "large", 1024, "size in MiB of the file for the peak-memory rows (0 skips them)")
	fs.StringVar(&o.sizes, "sizes", "1,16,64,256", "sizes in MiB of the fetch scaling table")
	fs.StringVar(&o.prof, "cpuprofile", "", "write a CPU profile of every measurement to this directory (PHASE-PID.pprof)")
	// Internal: set by the parent when it runs a child.
	fs.StringVar(&o.phase, "phase", "", "internal: the measurement to run in this process")
	fs.StringVar(&o.file, "file", "", "internal: input file")
	fs.StringVar(&o.store, "store", "", "internal: store directory")
	fs.StringVar(&o.cid, "cid", "", "internal: root CID")
	fs.StringVar(&o.peer, "peer", "", "internal: the provider's AddrInfo, as JSON")
	fs.Int64Var(&o.size, "size", 0, "internal: file size in bytes")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	if o.prof != "" {
		// Children inherit it through the environment.
		os.Setenv("CRUCIBLE_BENCH_CPUPROFILE", o.prof)
	}
	if o.phase != "" {
		if dir := os.Getenv("CRUCIBLE_BENCH_CPUPROFILE"); dir != "" {
			stop, err := startProfile(dir, o.phase)
			if err != nil {
				fmt.Fprintf(stderr, "phase %s: %v\n", o.phase, err)
				return 1
			}
			defer stop()
		}
		r, err := runPhase(ctx, o, stdout)
		if err != nil {
			fmt.Fprintf(stderr, "phase %s: %v\n", o.phase, err)
			return 1
		}
		r.HWMKiB, err = peakRSS()
		if err != nil {
			fmt.Fprintf(stderr, "phase %s: %v\n", o.phase, err)
			return 1
		}
		json.NewEncoder(stdout).Encode(r)
		return 0
	}
	if err := run(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "contentstore bench: %v\n", err)
		return 1
	}
	return 0
}

// run is the parent: it generates the files, runs every measurement in a
// child and prints the tables.
func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	var sizes []int64
	for _, s := range strings.Split(o.sizes, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("-sizes %q: want MiB counts separated by commas", o.sizes)
		}
		sizes = append(sizes, n<<20)
	}
	if o.runs < 1 {
		return fmt.Errorf("-runs %d: want at least 1", o.runs)
	}
	dir := o.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "crucible-bench-contentstore-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	fmt.Fprintf(stdout, "%s, %d CPUs, %s, profile %s, runs %d (median)\n\n",
		runtime.Version(), runtime.NumCPU(), runtime.GOARCH, contentstore.DefaultProfile.Name, o.runs)

	// Scaling: for each size, SHA-256, import, raw TCP copy and fetch.
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "size\tSHA-256 MiB/s\timport MiB/s\timport/SHA\tTCP copy MiB/s\tfetch MiB/s\tfetch/TCP\tfetch/import\tfetcher peak RSS MiB\t")
	for _, size := range sizes {
		file, err := genFile(dir, size)
		if err != nil {
			return err
		}
		var sha, imp, tcp, fetch []float64
		var fetchHWM int64
		for i := range o.runs {
			provider := filepath.Join(dir, fmt.Sprintf("provider-%d", i))
			fetcher := filepath.Join(dir, fmt.Sprintf("fetcher-%d", i))
			r, err := child(ctx, stderr, "-phase", "sha256", "-file", file)
			if err != nil {
				return err
			}
			sha = append(sha, r.Seconds)
			ri, err := child(ctx, stderr, "-phase", "import", "-file", file, "-store", provider)
			if err != nil {
				return err
			}
			imp = append(imp, ri.Seconds)
			r, err = child(ctx, stderr, "-phase", "tcp", "-file", file)
			if err != nil {
				return err
			}
			tcp = append(tcp, r.Seconds)
			r, _, err = fetchChildren(ctx, stderr, provider, fetcher, ri.CID, size)
			if err != nil {
				return err
			}
			fetch = append(fetch, r.Seconds)
			fetchHWM = max(fetchHWM, r.HWMKiB)
			os.RemoveAll(provider)
			os.RemoveAll(fetcher)
		}
		os.Remove(file)
		s, i, t, f := rate(size, sha), rate(size, imp), rate(size, tcp), rate(size, fetch)
		fmt.Fprintf(tw, "%d MiB\t%.0f\t%.0f\t%.0f%%\t%.0f\t%.0f\t%.1f%%\t%.0f%%\t%d\t\n", size>>20, s, i, 100*i/s, t, f, 100*f/t, 100*f/i, fetchHWM>>10)
	}
	tw.Flush()

	if o.large == 0 {
		return nil
	}
	// Peak memory with a large file: each phase once, in its own process.
	size := o.large << 20
	file, err := genFile(dir, size)
	if err != nil {
		return err
	}
	provider, fetcher := filepath.Join(dir, "provider-large"), filepath.Join(dir, "fetcher-large")
	ri, err := child(ctx, stderr, "-phase", "import", "-file", file, "-store", provider)
	if err != nil {
		return err
	}
	if err := os.Remove(file); err != nil {
		return err
	}
	re, err := child(ctx, stderr, "-phase", "export", "-store", provider, "-cid", ri.CID, "-size", strconv.FormatInt(size, 10))
	if err != nil {
		return err
	}
	rf, rs, err := fetchChildren(ctx, stderr, provider, fetcher, ri.CID, size)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d MiB file, one run each:\n\n", size>>20)
	tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tMiB/s\tpeak RSS MiB\t")
	for _, row := range []struct {
		name string
		r    result
	}{{"import", ri}, {"export", re}, {"fetch: fetcher", rf}, {"fetch: provider", rs}} {
		mbs := "-" // the provider's time is the fetcher's
		if row.r.Seconds > 0 {
			mbs = fmt.Sprintf("%.0f", rate(size, []float64{row.r.Seconds}))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t\n", row.name, mbs, row.r.HWMKiB>>10)
	}
	return tw.Flush()
}

// rate is size bytes over the median of secs, in MiB/s.
func rate(size int64, secs []float64) float64 {
	s := slices.Clone(secs)
	slices.Sort(s)
	return float64(size) / (1 << 20) / s[len(s)/2]
}

// genFile writes size pseudo-random bytes to a file under dir, streaming.
// Random bytes have no repeated chunks, so nothing is deduplicated.
func genFile(dir string, size int64) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("data-%d", size))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	src := rand.NewChaCha8([32]byte{byte(size >> 20)})
	if _, err := io.CopyN(f, src, size); err != nil {
		f.Close()
		return "", fmt.Errorf("generate %s: %w", path, err)
	}
	return path, f.Close()
}

// child runs this program again with args and decodes its result.
func child(ctx context.Context, stderr io.Writer, args ...string) (result, error) {
	exe, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return result{}, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		return result{}, fmt.Errorf("%s: bad output %q: %w", strings.Join(args, " "), out, err)
	}
	return r, nil
}

// fetchChildren starts a provider serving store provider, fetches root
// into store fetcher in a second child, then stops the provider. It
// returns the fetcher's result and the provider's.
func fetchChildren(ctx context.Context, stderr io.Writer, provider, fetcher, root string, size int64) (rf, rs result, err error) {
	exe, err := os.Executable()
	if err != nil {
		return rf, rs, err
	}
	srv := exec.CommandContext(ctx, exe, "-phase", "serve", "-store", provider)
	srv.Stderr = stderr
	stdin, err := srv.StdinPipe()
	if err != nil {
		return rf, rs, err
	}
	out, err := srv.StdoutPipe()
	if err != nil {
		return rf, rs, err
	}
	if err := srv.Start(); err != nil {
		return rf, rs, err
	}
	defer func() {
		stdin.Close()
		if werr := srv.Wait(); werr != nil && err == nil {
			err = fmt.Errorf("provider: %w", werr)
		}
	}()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		return rf, rs, fmt.Errorf("provider printed no address: %v", lines.Err())
	}
	peer := lines.Text()
	rf, err = child(ctx, stderr, "-phase", "fetch", "-store", fetcher, "-peer", peer, "-cid", root, "-size", strconv.FormatInt(size, 10))
	if err != nil {
		return rf, rs, err
	}
	stdin.Close() // tells the provider to stop and report
	if !lines.Scan() {
		return rf, rs, fmt.Errorf("provider printed no result: %v", lines.Err())
	}
	if err := json.Unmarshal(lines.Bytes(), &rs); err != nil {
		return rf, rs, fmt.Errorf("provider: bad output %q: %w", lines.Bytes(), err)
	}
	return rf, rs, nil
}

// runPhase is one measurement, in a child process.
func runPhase(ctx context.Context, o options, stdout io.Writer) (result, error) {
	switch o.phase {
	case "sha256":
		return phaseSHA256(o)
	case "import":
		return phaseImport(ctx, o)
	case "export":
		return phaseExport(ctx, o)
	case "tcp":
		return phaseTCP(o)
	case "serve":
		return phaseServe(ctx, o, stdout)
	case "fetch":
		return phaseFetch(ctx, o)
	}
	return result{}, fmt.Errorf("unknown phase %q", o.phase)
}

func phaseSHA256(o options) (result, error) {
	f, err := os.Open(o.file)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	start := time.Now()
	h := sha256.New()
	// Read in chunk-sized pieces, as import does.
	buf := make([]byte, contentstore.DefaultProfile.ChunkSize)
	if _, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf); err != nil {
		return result{}, err
	}
	h.Sum(nil)
	return result{Seconds: time.Since(start).Seconds()}, nil
}

func phaseImport(ctx context.Context, o options) (result, error) {
	f, err := os.Open(o.file)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	s, err := contentstore.Open(ctx, o.store)
	if err != nil {
		return result{}, err
	}
	start := time.Now()
	c, err := s.AddFile(ctx, f, contentstore.DefaultProfile, nil)
	secs := time.Since(start).Seconds()
	if err != nil {
		s.Close()
		return result{}, err
	}
	return result{Seconds: secs, CID: c.String()}, s.Close()
}

// phaseExport writes the file to a counting io.Discard: the output file's
// pages would be page cache, not the process's memory, either way.
func phaseExport(ctx context.Context, o options) (result, error) {
	c, err := contentstore.ParseCID(o.cid)
	if err != nil {
		return result{}, err
	}
	s, err := contentstore.Open(ctx, o.store)
	if err != nil {
		return result{}, err
	}
	defer s.Close()
	var w countWriter
	start := time.Now()
	if err := s.Export(ctx, c, &w); err != nil {
		return result{}, err
	}
	secs := time.Since(start).Seconds()
	if w.n != o.size {
		return result{}, fmt.Errorf("exported %d bytes, want %d", w.n, o.size)
	}
	return result{Seconds: secs}, nil
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// phaseTCP copies the file over a TCP connection on 127.0.0.1 to a reader
// that discards it: the ceiling for any transfer between two local nodes.
func phaseTCP(o options) (result, error) {
	f, err := os.Open(o.file)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	defer ln.Close()
	type recv struct {
		n   int64
		err error
	}
	done := make(chan recv, 1)
	start := time.Now()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			done <- recv{err: err}
			return
		}
		defer conn.Close()
		n, err := io.Copy(io.Discard, conn)
		done <- recv{n, err}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return result{}, err
	}
	if _, err := io.Copy(conn, bufio.NewReaderSize(f, 1<<20)); err != nil {
		conn.Close()
		return result{}, err
	}
	conn.Close()
	r := <-done
	secs := time.Since(start).Seconds()
	if r.err != nil {
		return result{}, r.err
	}
	fi, err := f.Stat()
	if err != nil {
		return result{}, err
	}
	if r.n != fi.Size() {
		return result{}, fmt.Errorf("received %d bytes, want %d", r.n, fi.Size())
	}
	return result{Seconds: secs}, nil
}

// startNode opens the store in dir and serves it over bitswap from a new
// loopback host; stop closes the exchange, the host and the store, in
// that order.
func startNode(ctx context.Context, dir string) (*contentstore.Store, gossip.Host, *contentstore.Exchange, func(), error) {
	s, err := contentstore.Open(ctx, dir)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	h, err := gossip.NewLoopbackHost(ctx)
	if err != nil {
		s.Close()
		return nil, nil, nil, nil, err
	}
	x, err := s.StartExchange(ctx, h, contentstore.ExchangeOptions{})
	if err != nil {
		h.Close()
		s.Close()
		return nil, nil, nil, nil, err
	}
	return s, h, x, func() { x.Close(); h.Close(); s.Close() }, nil
}

// phaseServe is the provider: it serves its store over bitswap from a
// loopback host, prints the host's AddrInfo as one JSON line and stops
// when its stdin is closed.
func phaseServe(ctx context.Context, o options, stdout io.Writer) (result, error) {
	_, h, _, stop, err := startNode(ctx, o.store)
	if err != nil {
		return result{}, err
	}
	defer stop()
	if err := json.NewEncoder(stdout).Encode(gossip.AddrInfoOf(h)); err != nil {
		return result{}, err
	}
	if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
		return result{}, err
	}
	return result{}, nil
}

// phaseFetch fetches the file from the provider o.peer into a new store
// and times the fetch, connection set-up included (FetchOptions.First).
func phaseFetch(ctx context.Context, o options) (result, error) {
	c, err := contentstore.ParseCID(o.cid)
	if err != nil {
		return result{}, err
	}
	var peer gossip.AddrInfo
	if err := json.Unmarshal([]byte(o.peer), &peer); err != nil {
		return result{}, fmt.Errorf("-peer: %w", err)
	}
	s, _, x, stop, err := startNode(ctx, o.store)
	if err != nil {
		return result{}, err
	}
	defer stop()

	fctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	start := time.Now()
	err = x.Fetch(fctx, c, contentstore.FetchOptions{
		MaxBytes: o.size + o.size/50 + 1<<20, // the file plus its DAG's structure
		First:    peer,
	})
	secs := time.Since(start).Seconds()
	if err != nil {
		return result{}, err
	}
	st, err := s.Stat(ctx, c)
	if err != nil {
		return result{}, err
	}
	if int64(st.Size) != o.size {
		return result{}, fmt.Errorf("fetched file of %d bytes, want %d", st.Size, o.size)
	}
	return result{Seconds: secs}, nil
}

// startProfile writes a CPU profile of this process to dir until stop is
// called.
func startProfile(dir, phase string) (stop func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", phase, os.Getpid())))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// peakRSS returns this process's peak resident set size in KiB.
func peakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("read peak RSS (Linux only): %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}
