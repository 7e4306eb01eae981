// Command miner is the linreg example subnet's miner program. It follows
// its node's task stream over the local HTTP API and answers every task
// with a weights file, behaving as one of four qualities:
//
//   - honest fits the task's public model by least squares on -samples
//     training samples;
//   - noisy does the same, then adds N(0, -noise²) to every weight;
//   - lazy fits once and submits those stale weights for every later task;
//   - plagiarist does no work: it waits for another miner's revealed
//     output for the same task and tries to answer with that CID, which
//     the node refuses because the commit window has closed by then.
//
// It uses the standard library, examples/linreg/model and
// examples/linreg/client only, so a local testnet builds it in a second:
//
//	miner -api http://127.0.0.1:4171 -token-file ~/.crucible/api.token -subnet 0 -quality honest
//
// With -quality-file the quality is re-read from that file (one word)
// before each task, so a running miner can be switched.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/crucible-net/crucible/examples/linreg/client"
	"github.com/crucible-net/crucible/examples/linreg/model"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// config is the miner's flags.
type config struct {
	api         client.API // -api, -token-file, -subnet
	quality     quality
	qualityFile string
	noise       float64
	samples     int
	poll        time.Duration
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("miner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.api.RegisterFlags(fs)
	q := fs.String("quality", "honest", "honest, noisy, lazy or plagiarist")
	fs.StringVar(&cfg.qualityFile, "quality-file", "", "re-read the quality from this file before each task (optional)")
	fs.Float64Var(&cfg.noise, "noise", 0.3, "standard deviation of the noise the noisy miner adds to each weight")
	fs.IntVar(&cfg.samples, "samples", 512, "training samples to fit on")
	fs.DurationVar(&cfg.poll, "poll", 200*time.Millisecond, "how often the plagiarist polls for revealed outputs")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if cfg.quality, err = parseQuality(*q); err != nil {
		return cfg, err
	}
	if cfg.samples < model.ParamsDim || !(cfg.noise >= 0) || cfg.poll <= 0 {
		return cfg, fmt.Errorf("-samples must be at least %d, -noise >= 0 and -poll > 0", model.ParamsDim)
	}
	return cfg, nil
}

// run is the program: it returns the exit code when ctx is done or the
// flags are wrong.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "miner:", err)
		return 2
	}
	newMiner(cfg, stderr).run(ctx)
	return 0
}

// Backoff between reconnections to the task stream.
const (
	minBackoff = 250 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// plagiarismMargin is how many blocks past a task's commit deadline the
// plagiarist keeps looking for an output to copy: reveals come after the
// deadline, so it must wait past it, and the reveal window is a few blocks.
// plagiarismMaxWait bounds the wait in time too, in case the chain stalls.
const (
	plagiarismMargin  = 12
	plagiarismMaxWait = 5 * time.Minute
)

type miner struct {
	cfg        config
	api        *minerAPI
	log        *log.Logger
	minBackoff time.Duration

	mu      sync.Mutex
	quality quality           // the last quality read
	seen    map[string]uint64 // task CID → epoch, to drop repeats
	stale   []float64         // the first fit, which the lazy miner resubmits
	staleOf string            // the task it was fitted for
	self    string            // the node's peer ID, once known
	wg      sync.WaitGroup    // plagiarists waiting
}

func newMiner(cfg config, stderr io.Writer) *miner {
	return &miner{
		cfg:        cfg,
		api:        &minerAPI{cfg.api},
		log:        log.New(stderr, "", 0),
		minBackoff: minBackoff,
		quality:    cfg.quality,
		seen:       map[string]uint64{},
	}
}

// run follows the task stream until ctx is done, reconnecting with
// backoff when it ends or fails (the node may not be up yet).
func (m *miner) run(ctx context.Context) {
	defer m.wg.Wait()
	delay := m.minBackoff
	var lastErr string
	for {
		connected, err := m.api.streamTasks(ctx, func(t minerTask) { m.handle(ctx, t) })
		if ctx.Err() != nil {
			return
		}
		if connected {
			delay = m.minBackoff
		}
		// One line per distinct failure: a node that is not up yet
		// would otherwise fill the log.
		if msg := err.Error(); msg != lastErr {
			m.log.Printf("%s: task stream: %v; reconnecting", m.currentQuality(), err)
			lastErr = msg
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, maxBackoff)
	}
}

// currentQuality re-reads the quality file, if any. A file that is missing
// or holds no quality leaves the quality as it was.
func (m *miner) currentQuality() quality {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cfg.qualityFile == "" {
		return m.quality
	}
	b, err := os.ReadFile(m.cfg.qualityFile)
	if errors.Is(err, os.ErrNotExist) {
		return m.quality
	}
	q, perr := parseQuality(string(b))
	switch {
	case err != nil:
		m.log.Printf("%s: quality file: %v; keeping %s", m.quality, err, m.quality)
	case perr != nil:
		m.log.Printf("%s: quality file %s: %v; keeping %s", m.quality, m.cfg.qualityFile, perr, m.quality)
	case q != m.quality:
		m.log.Printf("%s: quality file %s: now %s", m.quality, m.cfg.qualityFile, q)
		m.quality = q
	}
	return m.quality
}

// firstSeen records task and reports whether it is new. Tasks of epochs
// well before the newest are forgotten.
func (m *miner) firstSeen(t minerTask) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.seen[t.Task]; ok {
		return false
	}
	m.seen[t.Task] = t.Epoch
	for c, e := range m.seen {
		if e+4 < t.Epoch {
			delete(m.seen, c)
		}
	}
	return true
}

// handle answers one task. The plagiarist waits in its own goroutine so
// the stream keeps flowing; the others answer at once.
func (m *miner) handle(ctx context.Context, t minerTask) {
	if !m.firstSeen(t) {
		return
	}
	q := m.currentQuality()
	if q == plagiarist {
		m.wg.Go(func() { m.plagiarise(ctx, t) })
		return
	}
	if err := m.work(ctx, q, t); err != nil {
		m.log.Printf("%s: epoch %d task %s: %v", q, t.Epoch, t.Task, err)
	}
}

// weightsFor computes the weights quality q submits for task (whose CID is
// taskCID). note says where stale weights came from.
func (m *miner) weightsFor(q quality, task model.Task, taskCID string) (w []float64, note string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if q == lazy && m.stale != nil {
		return m.stale, "stale weights of task " + m.staleOf, nil
	}
	w, err = fitTask(task, m.cfg.samples)
	if err != nil {
		return nil, "", err
	}
	if m.stale == nil {
		m.stale, m.staleOf = w, taskCID
	}
	switch q {
	case noisy:
		return addNoise(w, m.cfg.noise, taskCID), fmt.Sprintf("fitted on %d samples, noise %g", m.cfg.samples, m.cfg.noise), nil
	case lazy:
		return w, fmt.Sprintf("fitted on %d samples, once", m.cfg.samples), nil
	default:
		return w, fmt.Sprintf("fitted on %d samples", m.cfg.samples), nil
	}
}

// work answers t with this miner's own weights.
func (m *miner) work(ctx context.Context, q quality, t minerTask) error {
	task, err := model.ParseTask(t.Params)
	if err != nil {
		return err
	}
	w, note, err := m.weightsFor(q, task, t.Task)
	if err != nil {
		return err
	}
	if len(w) != task.Dim {
		return fmt.Errorf("%s: %d weights for a task of dimension %d", note, len(w), task.Dim)
	}
	out, err := encodeOutput(w)
	if err != nil {
		return err
	}
	if t.MaxBytes > 0 && uint64(len(out)) > t.MaxBytes {
		return fmt.Errorf("output of %d bytes exceeds the task's max_bytes %d", len(out), t.MaxBytes)
	}
	cid, err := m.api.addContent(ctx, out)
	if err != nil {
		return err
	}
	commit, err := m.api.answer(ctx, t.Task, cid)
	if err != nil {
		return fmt.Errorf("answer with %s (%s): %w", cid, note, err)
	}
	m.log.Printf("%s: epoch %d task %s (validator %s #%d): %s; output %s, commit %s",
		q, t.Epoch, t.Task, shortPeer(t.Validator), t.Index, note, cid, shortHex(commit))
	return nil
}

// plagiarise waits for another miner's revealed output for t and answers
// with it. It never submits work of its own. Outputs are revealed only
// after the commit deadline, so the node refuses the answer; the point is
// to show that it does.
func (m *miner) plagiarise(ctx context.Context, t minerTask) {
	giveUp := time.Now().Add(plagiarismMaxWait)
	tick := time.NewTicker(m.cfg.poll)
	defer tick.Stop()
	var head uint64
	var lastMeta time.Time
	var mg metagraph
	var lastErr error
	for {
		if m.peer() == "" {
			if id, err := m.api.peerID(ctx); err == nil {
				m.mu.Lock()
				m.self = id
				m.mu.Unlock()
			}
		}
		// The metagraph reads the chain: once a second is enough.
		if time.Since(lastMeta) >= time.Second {
			if g, err := m.api.metagraph(ctx); err == nil {
				mg, head, lastMeta = g, g.Head, time.Now()
			} else {
				lastErr = err
			}
		}
		subs, err := m.api.submissions(ctx, t.Epoch)
		if err != nil {
			lastErr = err
		}
		if s, ok := pickSubmission(subs, t.Task, m.peer(), mg); ok {
			m.copyAnswer(ctx, t, s)
			return
		}
		if head > t.Deadline+plagiarismMargin || time.Now().After(giveUp) {
			why := ""
			if lastErr != nil {
				why = fmt.Sprintf(" (last error: %v)", lastErr)
			}
			m.log.Printf("%s: epoch %d task %s: nothing revealed to copy by block %d%s; gave up", plagiarist, t.Epoch, t.Task, head, why)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (m *miner) peer() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.self
}

// copyAnswer answers t with s's output and logs what the node said.
func (m *miner) copyAnswer(ctx context.Context, t minerTask, s submission) {
	from := shortPeer(s.Miner)
	if s.UID != nil && *s.UID >= 0 {
		from = fmt.Sprintf("%s (uid %d)", from, *s.UID)
	}
	commit, err := m.api.answer(ctx, t.Task, s.Output)
	if err != nil {
		m.log.Printf("%s: epoch %d task %s: copied output %s of miner %s; node refused: %v", plagiarist, t.Epoch, t.Task, s.Output, from, err)
		return
	}
	m.log.Printf("%s: epoch %d task %s: copied output %s of miner %s; node ACCEPTED the copy (commit %s)", plagiarist, t.Epoch, t.Task, s.Output, from, shortHex(commit))
}

// pickSubmission chooses whose output to copy for task: another miner's,
// preferring the highest incentive in the metagraph (by uid, else by
// peer), else the first.
func pickSubmission(subs []submission, task, self string, mg metagraph) (submission, bool) {
	byUID, byPeer := map[int64]float64{}, map[string]float64{}
	for _, n := range mg.Neurons {
		byUID[n.UID], byPeer[n.Peer] = n.Incentive, n.Incentive
	}
	incentive := func(s submission) float64 {
		if s.UID != nil && *s.UID >= 0 {
			if v, ok := byUID[*s.UID]; ok {
				return v
			}
		}
		return byPeer[s.Miner]
	}
	var best submission
	found := false
	for _, s := range subs {
		if s.Task != task || s.Output == "" || (self != "" && s.Miner == self) {
			continue
		}
		if !found || incentive(s) > incentive(best) {
			best, found = s, true
		}
	}
	return best, found
}

// shortPeer abbreviates a peer ID for the log: they all start alike, so
// it keeps the end.
func shortPeer(s string) string {
	if len(s) <= 12 {
		return s
	}
	return "…" + s[len(s)-8:]
}

// shortHex abbreviates a hash for the log.
func shortHex(s string) string {
	if len(s) <= 12 {
		return s
	}
	return s[:12]
}
