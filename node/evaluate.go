package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/sandbox"
	"github.com/crucible-net/crucible/tasks"
)

// The validator's evaluations: once a miner reveals its answer to one of
// this validator's tasks, the validator fetches the output by CID (asking
// the miner first, within the manifest's size cap), runs the subnet's
// evaluator on (seed, task, output) in the sandbox with the manifest's
// limits, and publishes the Evaluation. Every node keeps the evaluations
// it accepts for the epoch's record, so anyone can re-run them.

// fetchTimeout bounds one fetch of a miner's output.
const fetchTimeout = 2 * time.Minute

// maxFetchAttempts is how often a validator tries to fetch one output
// before it gives up on it for the epoch.
const maxFetchAttempts = 3

// heldEvaluation is an accepted evaluation and its encoding, which orders
// conflicting ones.
type heldEvaluation struct {
	ev  tasks.Evaluation
	enc []byte
}

func evalKey(validator tasks.PeerID, task tasks.Link, miner tasks.PeerID) string {
	return string(validator.Bytes()) + string(task.Bytes()) + string(miner.Bytes())
}

// addEvaluation accepts an evaluation for the epoch's record, judged at
// block. Called with f.mu held. The rules, with their verdicts:
//   - the task must be known (else ErrUnknownTask, Ignore: it may come)
//     and be the evaluation's validator's (else ErrInvalid, Reject);
//   - the miner's reveal of the evaluated output must be held (else
//     ErrNoCommit, Ignore); a different output is ErrInvalid (Reject);
//   - it must arrive after outputs are revealed and before the epoch's
//     record is built, when the weight reveal window closes (else a window
//     error, Ignore);
//   - one evaluation per validator, task and miner: an equal one is a
//     duplicate; of two different ones every node keeps the smaller
//     encoding (ErrConflict for the other), so all build the same record.
func (f *follower) addEvaluation(ev tasks.Evaluation, block uint64) error {
	if ev.Subnet != f.subnet {
		return fmt.Errorf("%w: subnet %d on subnet %d's topic", tasks.ErrWrongEpoch, ev.Subnet, f.subnet)
	}
	b, err := f.book(ev.Epoch)
	if err != nil {
		return err
	}
	sched := b.Schedule()
	if block < sched.SubmissionReveal.Open {
		return fmt.Errorf("%w: an evaluation at block %d, before outputs are revealed at %d", tasks.ErrRevealEarly, block, sched.SubmissionReveal.Open)
	}
	if block >= sched.WeightReveal.Close {
		return fmt.Errorf("%w: an evaluation at block %d, after the record's inputs closed at %d", tasks.ErrRevealLate, block, sched.WeightReveal.Close)
	}
	t, ok := taskByLink(b, ev.Task)
	if !ok {
		return fmt.Errorf("%w: evaluation of task %s", tasks.ErrUnknownTask, ev.Task)
	}
	if t.Validator != ev.Validator {
		return fmt.Errorf("%w: an evaluation by %s of an answer to %s's task", tasks.ErrInvalid, ev.Validator, t.Validator)
	}
	found := false
	for _, r := range b.SubmissionReveals() {
		if r.Task == ev.Task && r.Miner == ev.Miner {
			if r.Output != ev.Output {
				return fmt.Errorf("%w: an evaluation of output %s; %s revealed %s", tasks.ErrInvalid, ev.Output, ev.Miner, r.Output)
			}
			found = true
			break
		}
	}
	if !found {
		return fmt.Errorf("%w: no reveal of %s for task %s held", tasks.ErrNoCommit, ev.Miner, ev.Task)
	}
	enc, _, err := tasks.Encode(ev)
	if err != nil {
		return err
	}
	held := f.evals[ev.Epoch]
	if held == nil {
		held = map[string]heldEvaluation{}
		f.evals[ev.Epoch] = held
	}
	k := evalKey(ev.Validator, ev.Task, ev.Miner)
	if h, ok := held[k]; ok {
		switch c := bytes.Compare(enc, h.enc); {
		case c == 0:
			return tasks.ErrDuplicate
		case c > 0:
			return fmt.Errorf("%w: %s's evaluation of %s for task %s", tasks.ErrConflict, ev.Validator, ev.Miner, ev.Task)
		}
	}
	held[k] = heldEvaluation{ev: ev, enc: enc}
	return nil
}

// tasksOf returns validator's tasks in b by CID.
func tasksOf(b *tasks.Book, validator tasks.PeerID) map[tasks.Link]tasks.Task {
	mine := map[tasks.Link]tasks.Task{}
	for _, t := range b.Tasks() {
		if t.Validator == validator {
			if _, l, err := tasks.Encode(t); err == nil {
				mine[l] = t
			}
		}
	}
	return mine
}

// taskByLink finds a task of b by its CID.
func taskByLink(b *tasks.Book, l tasks.Link) (tasks.Task, bool) {
	for _, t := range b.Tasks() {
		if _, tl, err := tasks.Encode(t); err == nil && tl == l {
			return t, true
		}
	}
	return tasks.Task{}, false
}

// addAttestation keeps a validator's attestation of an epoch's record.
// Called with f.mu held.
func (f *follower) addAttestation(a tasks.Attestation) error {
	if a.Subnet != f.subnet {
		return fmt.Errorf("%w: subnet %d on subnet %d's topic", tasks.ErrWrongEpoch, a.Subnet, f.subnet)
	}
	if _, err := f.book(a.Epoch); err != nil {
		return err
	}
	held := f.attests[a.Epoch]
	if held == nil {
		held = map[tasks.PeerID]tasks.Attestation{}
		f.attests[a.Epoch] = held
	}
	if h, ok := held[a.Validator]; ok {
		if h.Record == a.Record {
			return tasks.ErrDuplicate
		}
		return fmt.Errorf("%w: %s attested two records of epoch %d", tasks.ErrConflict, a.Validator, a.Epoch)
	}
	held[a.Validator] = a
	return nil
}

// evaluateAnswers starts an evaluation for every revealed answer to this
// validator's tasks that has none yet, at most Eval.Workers at a time.
func (n *Node) evaluateAnswers(f *follower) {
	me := n.signer.PeerID()
	f.mu.Lock()
	head := f.head
	cur := f.clock.EpochAt(head)
	type job struct {
		epoch uint64
		task  tasks.Task
		link  tasks.Link
		r     tasks.SubmissionReveal
	}
	var jobs []job
	for _, e := range []uint64{cur - min(cur, 1), cur} {
		b := f.books[e]
		if b == nil {
			continue
		}
		sched := b.Schedule()
		if head < sched.SubmissionReveal.Open || head >= sched.WeightCommit.Close {
			continue // nothing revealed yet, or too late to count
		}
		mine := tasksOf(b, me)
		for _, r := range b.SubmissionReveals() {
			t, ok := mine[r.Task]
			if !ok {
				continue
			}
			if _, done := f.evals[e][evalKey(me, r.Task, r.Miner)]; done {
				continue
			}
			jobs = append(jobs, job{e, t, r.Task, r})
		}
	}
	f.mu.Unlock()
	for _, j := range jobs {
		k := evalKey(me, j.link, j.r.Miner)
		if !f.round.startEval(k, n.cfg.Eval.Workers) {
			continue
		}
		if !n.background(func() { f.round.endEval(k, n.evaluate(f, j.epoch, j.task, j.r)) }) {
			f.round.endEval(k, false)
		}
	}
}

// evaluate fetches and evaluates one revealed answer and publishes the
// evaluation. It reports whether the answer is settled: evaluated, or
// given up on.
func (n *Node) evaluate(f *follower, epoch uint64, t tasks.Task, r tasks.SubmissionReveal) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := context.AfterFunc(n.life, cancel)
	defer stop()
	log := n.log.With("subnet", f.subnet, "epoch", epoch, "miner", r.Miner.String(), "output", r.Output.String())

	seed, err := f.seed(ctx, epoch)
	if err != nil {
		log.Warn("no seed; evaluation waits", "err", err)
		return false
	}
	ev := tasks.Evaluation{Version: tasks.ProtocolVersion, Subnet: f.subnet, Epoch: epoch, Validator: n.signer.PeerID(),
		Miner: r.Miner, Task: r.Task, Output: r.Output}
	out, err := n.runEvaluation(ctx, f.manifest, func(ctx context.Context) (*sandbox.Evaluator, error) { return n.evaluator(ctx, f) }, seed, t.Params, r)
	switch {
	case errors.Is(err, errNoOutput):
		n.metrics.fetchFailures.Add(1)
		if ctx.Err() == nil {
			log.Warn("output not fetched", "err", err)
		}
		return f.round.failed(evalKey(ev.Validator, ev.Task, ev.Miner)) >= maxFetchAttempts
	case errors.Is(err, errNoEvaluator):
		log.Error("evaluator unavailable", "err", err)
		return false
	case err != nil:
		log.Warn("evaluation did not finish; will retry", "err", err)
		return false
	}
	ev.Score, ev.Fuel, ev.Error = out.Score, out.Fuel, out.Error
	if err := publishOnce(ctx, f, gossip.KindSubmissions, Post{Evaluation: &ev}); err != nil && !f.holdsEvaluation(ev) {
		log.Warn("evaluation not published; will retry", "err", err)
		return false
	}
	log.Info("answer evaluated", "score", ev.Score, "fuel", ev.Fuel, "verdict", ev.Error)
	return true
}

// evalOutcome is what an Evaluation records of one run: the score and
// fuel, or the verdict of a deterministic failure.
type evalOutcome struct {
	Score float64
	Fuel  uint64
	Error string
}

// Errors of runEvaluation that are not verdicts.
var (
	// errNoOutput: the output could not be fetched (it may come later,
	// or from another peer).
	errNoOutput = errors.New("output not fetched")
	// errNoEvaluator: the subnet's evaluator could not be had.
	errNoEvaluator = errors.New("evaluator unavailable")
)

// runEvaluation fetches the output r reveals, within m's size cap and
// asking r's miner first, and runs the evaluator on (seed, params, output)
// with m's limits. The validator's evaluations and Verify's re-runs both
// come from here, so that they agree bit for bit. The evaluator is asked
// for only once the output is in: an output over the cap is a verdict that
// needs none.
//
// # Errors
//
// errNoOutput or errNoEvaluator, wrapped; any other error means the run
// did not finish (ctx ended, or the sandbox failed in a way that is not a
// verdict).
func (n *Node) runEvaluation(ctx context.Context, m *tasks.Manifest, evaluator func(context.Context) (*sandbox.Evaluator, error),
	seed [32]byte, params []byte, r tasks.SubmissionReveal) (evalOutcome, error) {
	out, size, err := n.fetchOutput(ctx, m, r)
	switch {
	case errors.Is(err, contentstore.ErrTooLarge):
		// The output's size is a property of its CID: every validator
		// refuses it alike, so it is a verdict, not a failure.
		return evalOutcome{Error: truncateUTF8(fmt.Sprintf("output larger than the manifest's max_fetch_bytes (%d): %v", m.MaxFetchBytes, err), tasks.MaxVerdictLen)}, nil
	case err != nil:
		return evalOutcome{}, fmt.Errorf("%w: %w", errNoOutput, err)
	}
	defer out.Close()
	ev, err := evaluator(ctx)
	if err != nil {
		return evalOutcome{}, fmt.Errorf("%w: %w", errNoEvaluator, err)
	}
	lim := sandbox.Limits{Fuel: m.Limits.Fuel, MemoryPages: m.Limits.MemoryPages, OutputBytes: int(m.Limits.OutputBytes)}
	res, err := ev.Evaluate(ctx, sandbox.Input{Seed: seed, Task: params, Output: out, OutputSize: size}, lim)
	switch {
	case err == nil:
		n.metrics.observeEval(res.Fuel, res.Duration)
		return evalOutcome{Score: res.Score, Fuel: res.Fuel}, nil
	case sandbox.IsVerdict(err):
		n.metrics.observeEval(res.Fuel, res.Duration)
		return evalOutcome{Fuel: res.Fuel, Error: truncateUTF8(err.Error(), tasks.MaxVerdictLen)}, nil
	default:
		return evalOutcome{}, err
	}
}

// holdsEvaluation reports whether f holds ev as its validator's evaluation.
func (f *follower) holdsEvaluation(ev tasks.Evaluation) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.evals[ev.Epoch][evalKey(ev.Validator, ev.Task, ev.Miner)]
	return ok && h.ev == ev
}

// fetchOutput fetches a revealed output into the store, asking its miner
// first, and returns it as a file to read from.
func (n *Node) fetchOutput(ctx context.Context, m *tasks.Manifest, r tasks.SubmissionReveal) (*os.File, int64, error) {
	c, err := contentstore.ParseCID(r.Output.String())
	if err != nil {
		return nil, 0, err
	}
	fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	var got int64
	err = n.exch.Fetch(fctx, c, contentstore.FetchOptions{
		MaxBytes: int64(m.MaxFetchBytes),
		First:    gossip.AddrInfo{ID: gossip.PeerID(r.Miner.Bytes())},
		Progress: func(b int64) { got = b },
	})
	n.metrics.fetchBytes.Add(uint64(got))
	if err != nil {
		return nil, 0, err
	}
	tmp, err := os.CreateTemp(n.cacheDir, "output-*")
	if err != nil {
		return nil, 0, err
	}
	os.Remove(tmp.Name()) // gone with the last handle
	if err := n.store.Export(ctx, c, tmp); err != nil {
		tmp.Close()
		return nil, 0, fmt.Errorf("read output %s: %w", c, err)
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		tmp.Close()
		return nil, 0, err
	}
	return tmp, size, nil
}

// evaluator returns f's evaluator, compiled on first use (from the
// sandbox's disk cache after a restart).
func (n *Node) evaluator(ctx context.Context, f *follower) (*sandbox.Evaluator, error) {
	f.round.evalMu.Lock()
	defer f.round.evalMu.Unlock()
	if f.round.evaluator != nil {
		return f.round.evaluator, nil
	}
	ev, err := n.loadEvaluator(ctx, f.manifest)
	if err != nil {
		return nil, err
	}
	f.round.evaluator = ev
	return ev, nil
}

// loadEvaluator compiles m's evaluator, fetching it from peers if the
// store lacks it. The caller closes it.
func (n *Node) loadEvaluator(ctx context.Context, m *tasks.Manifest) (*sandbox.Evaluator, error) {
	sb, err := n.sandbox(ctx)
	if err != nil {
		return nil, err
	}
	c, err := contentstore.ParseCID(m.Evaluator.String())
	if err != nil {
		return nil, err
	}
	if ok, err := n.store.Has(ctx, c); err != nil {
		return nil, err
	} else if !ok {
		// The manifest was here without it (put there by hand).
		fctx, cancel := context.WithTimeout(ctx, manifestFetchTimeout)
		defer cancel()
		if err := n.exch.Fetch(fctx, c, contentstore.FetchOptions{MaxBytes: maxEvaluatorSize}); err != nil {
			return nil, fmt.Errorf("fetch evaluator %s: %w", c, err)
		}
	}
	var buf bytes.Buffer
	if err := n.store.Export(ctx, c, &limitedWriter{w: &buf, n: maxEvaluatorSize}); err != nil {
		return nil, fmt.Errorf("read evaluator %s: %w", c, err)
	}
	ev, err := sb.Load(ctx, buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("load evaluator %s: %w", c, err)
	}
	return ev, nil
}

// sandbox returns the node's sandbox, made on first use, with its compile
// cache in the data dir.
func (n *Node) sandbox(ctx context.Context) (*sandbox.Sandbox, error) {
	n.sbMu.Lock()
	defer n.sbMu.Unlock()
	if n.sb != nil {
		return n.sb, nil
	}
	sb, err := sandbox.New(ctx, sandbox.Config{CacheDir: filepath.Join(n.cacheDir, "modules"), Logger: n.log.With("part", "sandbox")})
	if err != nil {
		return nil, err
	}
	n.sb = sb
	return sb, nil
}

// limitedWriter fails a write past n bytes.
type limitedWriter struct {
	w io.Writer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, fmt.Errorf("%w: more than %d bytes", contentstore.ErrTooLarge, maxEvaluatorSize)
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
