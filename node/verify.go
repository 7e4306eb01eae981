package node

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"sync"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/sandbox"
	"github.com/crucible-net/crucible/tasks"
)

// Verify is step 8 of the epoch (DESIGN.md): anyone with a connection to
// the chain and to a peer that holds the record checks an anchored epoch
// without trusting any node. The chain says which record was anchored;
// the record is fetched by CID and read strictly (tasks.ReadRecord); its
// header is held against the chain (seed, start block, previous record),
// its stake snapshot against the chain's neurons at the epoch's first
// block, its reveals against its commits; consensus is recomputed from its
// own inputs; and evaluations are run again in the sandbox, fetching each
// output by CID, by the same code a validator runs them with.

// DefaultVerifySample is how many evaluations Verify re-runs when
// VerifyOptions.Sample is 0 and All is not set.
const DefaultVerifySample = 8

// VerifyOptions says what to verify.
type VerifyOptions struct {
	// Subnet and Epoch name the epoch; Verify checks the record the
	// chain anchored for it.
	Subnet, Epoch uint64
	// Record, if set, is the CID of a record to check instead of the
	// anchored one; Subnet and Epoch then come from its header, and a
	// record that is not the anchored one fails the anchor check.
	Record string
	// All re-runs every evaluation of the record.
	All bool
	// Sample is how many evaluations to re-run when All is not set,
	// chosen at random (crypto/rand); 0 or less means
	// DefaultVerifySample.
	Sample int
}

// VerifyCheck is one step of a verification and how it went.
type VerifyCheck struct {
	// Name is the step: anchor, record, header, snapshot, commits,
	// consensus or evaluations.
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Mismatch is one thing in a record that is not what it should be.
type Mismatch struct {
	Epoch uint64 `json:"epoch"`
	// Validator is the peer ID of the validator at fault; empty when the
	// fault is not one validator's (the record as a whole, its anchor or
	// its consensus).
	Validator string `json:"validator,omitempty"`
	// Miner and Task name the evaluation, for a mismatch of one.
	Miner string `json:"miner,omitempty"`
	Task  string `json:"task,omitempty"`
	// What says what differs.
	What string `json:"what"`
}

// String is the mismatch as `crucible verify` prints it after
// "MISMATCH ".
func (m Mismatch) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d", m.Epoch)
	if m.Validator != "" {
		fmt.Fprintf(&b, " validator %s", m.Validator)
	}
	b.WriteString(": ")
	if m.Miner != "" || m.Task != "" {
		fmt.Fprintf(&b, "evaluation of miner %s task %s: ", m.Miner, m.Task)
	}
	b.WriteString(m.What)
	return b.String()
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Subnet uint64 `json:"subnet"`
	Epoch  uint64 `json:"epoch"`
	// Record is the CID of the record checked.
	Record string `json:"record"`
	// Anchor is the hash of the transaction that anchored the epoch, ""
	// if no anchor event was found.
	Anchor string        `json:"anchor_tx,omitempty"`
	Checks []VerifyCheck `json:"checks"`
	// Mismatches make the verification fail.
	Mismatches []Mismatch `json:"mismatches"`
	// Notes are worth a look but not failures: conflicting anchors,
	// outputs nobody served, validators whose weights are not the
	// scoring rule applied to their evaluations.
	Notes []string `json:"notes"`
	// Evaluations is how many evaluations the record holds, Rerun how
	// many of them were run again.
	Evaluations int `json:"evaluations"`
	Rerun       int `json:"rerun"`
}

// OK reports whether the record verified: no mismatch.
func (r VerifyReport) OK() bool { return len(r.Mismatches) == 0 }

// MarshalJSON adds "ok" to the report's fields.
func (r VerifyReport) MarshalJSON() ([]byte, error) {
	type plain VerifyReport
	return json.Marshal(struct {
		OK bool `json:"ok"`
		plain
	}{r.OK(), plain(r)})
}

func (r *VerifyReport) check(name string, ok bool, detail string) {
	r.Checks = append(r.Checks, VerifyCheck{Name: name, OK: ok, Detail: detail})
}

func (r *VerifyReport) mismatch(m Mismatch) {
	m.Epoch = r.Epoch
	r.Mismatches = append(r.Mismatches, m)
}

func (r *VerifyReport) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// Verify checks the record of an anchored epoch, or the record o.Record,
// against the chain and by recomputing it: the steps are the report's
// checks. A record that is not what its anchor, its inputs or a re-run
// give is a Mismatch in the report, not an error.
//
// # Errors
//
// An error means the epoch could not be verified: it is not anchored
// (wrapping chain.ErrNotAnchored), o.Record is not a CID, the record, the
// previous record, the manifest or the evaluator could not be fetched
// from any peer, or the chain could not be read.
func (n *Node) Verify(ctx context.Context, o VerifyOptions) (VerifyReport, error) {
	var rec *tasks.Record
	if o.Record != "" {
		l, err := tasks.ParseLink(o.Record)
		if err != nil {
			return VerifyReport{}, fmt.Errorf("record %q is not a CID (%v): give a record's CID, as `crucible chain anchors SUBNET` lists them", o.Record, err)
		}
		if rec, err = n.readRecord(ctx, l, "record"); err != nil {
			return VerifyReport{}, err
		}
		o.Subnet, o.Epoch = rec.Contents.Header.Subnet, rec.Contents.Header.Epoch
	}
	r := VerifyReport{Subnet: o.Subnet, Epoch: o.Epoch, Checks: []VerifyCheck{}, Mismatches: []Mismatch{}, Notes: []string{}}
	s, e := o.Subnet, o.Epoch

	// 1. The anchor.
	events, err := n.chain.Anchors(ctx, s)
	if err != nil {
		return r, fmt.Errorf("read the anchors of subnet %d: %w", s, err)
	}
	a, err := n.anchorOf(ctx, s, e, events)
	if err != nil {
		return r, err
	}
	if !a.Tx.IsZero() {
		r.Anchor = a.Tx.String()
	}
	for _, c := range a.Conflicts {
		r.note("conflict: %s anchored another root, %s (record %s), in tx %s at block %d; the first root anchored counts",
			c.Anchorer, c.Root, chain.RecordCID(c.RecordDigest), c.TxHash, c.Block)
	}

	// 2. The record.
	if rec == nil {
		if !a.Record.Defined() {
			return r, fmt.Errorf("the chain anchors %s for epoch %d of subnet %d, but no anchor event names its record: give the record's CID with --record", a.Commitment, e, s)
		}
		rec, err = n.Record(ctx, a.Record.String())
		if badRecord(err) {
			// What was anchored is not a record anyone could verify:
			// that is the anchored epoch's fault, not this verifier's.
			r.Record = a.Record.String()
			what := fmt.Sprintf("the anchored record %s is not a valid record: %v", a.Record, err)
			r.check("record", false, what)
			r.mismatch(Mismatch{What: what})
			return r, nil
		}
		if err != nil {
			return r, fmt.Errorf("read the record of epoch %d, %s: %w; is a peer that holds it connected (--p2p.bootstrap)?", e, a.Record, err)
		}
	}
	r.Record = rec.Link.String()
	if got := commitmentOf(rec); got == a.Commitment && (!a.Record.Defined() || a.Record == rec.Link) {
		detail := fmt.Sprintf("%s anchored", rec.Link)
		if !a.Tx.IsZero() {
			detail += fmt.Sprintf(" in tx %s (block %d)", a.Tx, a.Block)
		}
		r.check("anchor", true, detail)
	} else {
		what := fmt.Sprintf("record %s's root %s is not the anchored root %s", rec.Link, got, a.Commitment)
		if a.Record.Defined() {
			what += fmt.Sprintf(" (the anchored record is %s)", a.Record)
		}
		r.check("anchor", false, what)
		r.mismatch(Mismatch{What: what})
	}
	r.check("record", true, fmt.Sprintf("%s read and checked: %d entries, canonical encoding, commit signatures valid", rec.Link, rec.Root.Size-1))

	// 3. The header against the chain, the stake snapshot, the commits,
	// consensus.
	m, prev, err := n.verifyHeader(ctx, rec, events, &r)
	if err != nil {
		return r, err
	}
	n.verifySnapshot(ctx, rec, prev, &r)
	bad := verifyCommits(&rec.Contents)
	for _, b := range bad {
		r.mismatch(b)
	}
	if len(bad) == 0 {
		r.check("commits", true, fmt.Sprintf("%d submission and %d weight reveals open their commits", len(rec.Contents.SubmissionReveals), len(rec.Contents.WeightReveals)))
	} else {
		r.check("commits", false, fmt.Sprintf("%d reveals do not open their commits", len(bad)))
	}
	verifyConsensus(m, rec, prev, &r)

	// 4. Evaluations.
	if err := n.verifyEvaluations(ctx, o, m, rec, &r); err != nil {
		return r, err
	}

	// 5. Weights against the scoring rule.
	r.Notes = append(r.Notes, scoringNotes(m, &rec.Contents)...)
	return r, nil
}

// verifyHeader holds a record's header against the chain: its subnet and
// epoch, start block and seed, manifest, and previous record, which must
// be the one anchored for the epoch before. It returns the manifest and
// the previous record (nil if the header links none).
func (n *Node) verifyHeader(ctx context.Context, rec *tasks.Record, events []chain.Anchor, r *VerifyReport) (*tasks.Manifest, *tasks.Record, error) {
	s, e, h := r.Subnet, r.Epoch, rec.Contents.Header
	info, err := n.chain.Subnet(ctx, s)
	if err != nil {
		return nil, nil, fmt.Errorf("read subnet %d: %w", s, err)
	}
	clock := chain.Clock{Subnet: s, Start: info.Start, Tempo: uint64(info.Tempo)}
	m, err := n.fetchManifest(ctx, h.Manifest.String())
	if err != nil {
		return nil, nil, fmt.Errorf("%w; is a peer that holds it connected (--p2p.bootstrap)?", err)
	}
	var problems []string
	if h.Subnet != s || h.Epoch != e {
		problems = append(problems, fmt.Sprintf("the header names epoch %d of subnet %d", h.Epoch, h.Subnet))
	}
	if first := clock.FirstBlock(e); h.Start != first {
		problems = append(problems, fmt.Sprintf("start block %d, but the epoch starts at block %d", h.Start, first))
	}
	if seed, err := n.chain.Seed(ctx, clock, e); err != nil {
		r.note("seed not checked: %v", err)
	} else if seed != h.Seed {
		problems = append(problems, fmt.Sprintf("seed %x, but the chain gives %x", h.Seed, seed))
	}
	if m.Timing.Tempo != clock.Tempo {
		problems = append(problems, fmt.Sprintf("the manifest's tempo is %d blocks, the chain's %d", m.Timing.Tempo, clock.Tempo))
	}
	if info.ManifestCID != h.Manifest.String() {
		r.note("the record's manifest %s is not subnet %d's manifest on chain now (%s): the subnet may have changed it since", h.Manifest, s, info.ManifestCID)
	}
	prev, prevDetail, prevProblems, err := n.verifyPrev(ctx, s, e, h, events)
	if err != nil {
		return nil, nil, err
	}
	problems = append(problems, prevProblems...)
	if prev == nil && e > 0 && len(prevProblems) == 0 {
		if pa, err := n.anchorOf(ctx, s, e-1, events); err == nil {
			r.note("the record builds on no previous record although epoch %d is anchored (at block %d): nodes build without it when its anchor comes late; consensus is checked without previous bonds, as the record states",
				e-1, pa.Block)
		}
	}
	for _, p := range problems {
		r.mismatch(Mismatch{What: p})
	}
	if len(problems) == 0 {
		r.check("header", true, fmt.Sprintf("seed and start block %d are the chain's; manifest %s; %s", h.Start, h.Manifest, prevDetail))
	} else {
		r.check("header", false, strings.Join(problems, "; "))
	}
	return m, prev, nil
}

// verifySnapshot holds a record's neurons against the chain's at the
// epoch's first block, with LastUpdate from the previous record as the
// node sets it (lastUpdate). Nodes that are not archive nodes no longer
// have old blocks' state: then it is a note.
func (n *Node) verifySnapshot(ctx context.Context, rec *tasks.Record, prev *tasks.Record, r *VerifyReport) {
	block := rec.Contents.Header.Start
	cns, err := n.chain.NeuronsAt(ctx, r.Subnet, block)
	if err != nil {
		r.note("stake snapshot not checked: the chain's neurons at block %d are not readable (%v); an archive node's endpoint has them", block, err)
		return
	}
	want := neuronsOf(cns)
	if prev != nil {
		lastUpdate(want, prev)
	}
	if diffs := neuronDiffs(rec.Contents.Neurons, want); len(diffs) > 0 {
		what := fmt.Sprintf("the record's neurons are not the chain's at block %d: %s", block, strings.Join(diffs, "; "))
		r.check("snapshot", false, what)
		r.mismatch(Mismatch{What: what})
		return
	}
	r.check("snapshot", true, fmt.Sprintf("%d neurons with the chain's stake at block %d", len(rec.Contents.Neurons), block))
}

// verifyConsensus recomputes a record's consensus on the previous
// record's bonds.
func verifyConsensus(m *tasks.Manifest, rec *tasks.Record, prev *tasks.Record, r *VerifyReport) {
	c := &rec.Contents
	var prevBonds []tasks.BondRow
	on := "no previous bonds"
	if prev != nil {
		prevBonds = prev.Contents.Bonds
		on = fmt.Sprintf("epoch %d's bonds", prev.Contents.Header.Epoch)
	}
	err := tasks.VerifyConsensus(m, c, prevBonds)
	if err == nil {
		r.check("consensus", true, fmt.Sprintf("recomputed bit for bit on %s: %d results, %d bond rows, %d gwei emitted", on, len(c.Results), len(c.Bonds), c.Header.Outcome.Emission))
		return
	}
	what := err.Error()
	if !errors.Is(err, tasks.ErrConsensusMismatch) {
		what = "consensus cannot be computed from the record's inputs: " + what
	}
	r.check("consensus", false, what)
	r.mismatch(Mismatch{What: what})
}

// AnchoredEpochs lists the epochs of subnet the chain holds an anchor
// of, oldest first.
func (n *Node) AnchoredEpochs(ctx context.Context, subnet uint64) ([]uint64, error) {
	as, err := n.chain.Anchors(ctx, subnet)
	if err != nil {
		return nil, fmt.Errorf("read the anchors of subnet %d: %w", subnet, err)
	}
	var es []uint64
	for _, a := range as {
		if !a.Conflict {
			es = append(es, a.Epoch)
		}
	}
	slices.Sort(es)
	return slices.Compact(es), nil
}

// readRecord reads a record for Verify, with an error that says what to
// do.
func (n *Node) readRecord(ctx context.Context, l tasks.Link, what string) (*tasks.Record, error) {
	rec, err := n.Record(ctx, l.String())
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w; is a peer that holds it connected (--p2p.bootstrap)?", what, l, err)
	}
	return rec, nil
}

// badRecord reports whether err, from reading a record, says the record
// itself is bad (not canonical, badly signed, too large) rather than that
// it could not be had.
func badRecord(err error) bool {
	for _, bad := range []error{tasks.ErrInvalid, tasks.ErrBadSignature, tasks.ErrInvalidPeerID, tasks.ErrMalformed,
		tasks.ErrNonCanonical, tasks.ErrUnknownField, tasks.ErrTooLarge, contentstore.ErrTooLarge} {
		if errors.Is(err, bad) {
			return true
		}
	}
	return false
}

// epochAnchor is what the chain says of one epoch's anchor.
type epochAnchor struct {
	// Commitment is the anchored value, chain.RecordCommitment of the
	// record's root and size.
	Commitment chain.Hash
	// Record is the CID the anchor event names; undefined if no event
	// was found (then this node's own record, if it is the anchored one).
	Record tasks.Link
	// Tx and Block are the anchor event's, zero if none was found.
	Tx    chain.Hash
	Block uint64
	// Conflicts are the roots sent for the epoch after the first.
	Conflicts []chain.Anchor
}

// anchorOf reads the anchor of a subnet's epoch, finding the record it
// names among events (the subnet's anchor events).
func (n *Node) anchorOf(ctx context.Context, subnet, e uint64, events []chain.Anchor) (epochAnchor, error) {
	commitment, err := n.chain.AnchorOf(ctx, subnet, e)
	if errors.Is(err, chain.ErrNotAnchored) {
		return epochAnchor{}, fmt.Errorf("epoch %d of subnet %d is %w (yet): wait for its anchor, or list the anchored epochs with `crucible chain anchors %d`",
			e, subnet, chain.ErrNotAnchored, subnet)
	}
	if err != nil {
		return epochAnchor{}, fmt.Errorf("read the anchor of epoch %d of subnet %d: %w", e, subnet, err)
	}
	a := epochAnchor{Commitment: commitment}
	for _, ev := range events {
		switch {
		case ev.Epoch != e:
		case ev.Conflict:
			a.Conflicts = append(a.Conflicts, ev)
		case ev.Root == commitment && a.Tx.IsZero():
			if l, err := tasks.ParseLink(chain.RecordCID(ev.RecordDigest)); err == nil {
				a.Record, a.Tx, a.Block = l, ev.TxHash, ev.Block
			}
		}
	}
	if !a.Record.Defined() {
		// No event in reach (an endpoint that limits log queries): this
		// node's own record, if it is the anchored one.
		n.roundMu.Lock()
		ep, ok, err := n.epoch(subnet, e)
		n.roundMu.Unlock()
		if err == nil && ok && ep.Commitment == commitment.String() {
			a.Record, _ = tasks.ParseLink(ep.Record)
		}
	}
	return a, nil
}

// verifyPrev reads the previous record a header links and checks that it
// is the one the chain anchored for the epoch before. It returns that
// record (nil if the header links none), a description for the header
// check, and the problems found.
func (n *Node) verifyPrev(ctx context.Context, s, e uint64, h tasks.RecordHeader, events []chain.Anchor) (*tasks.Record, string, []string, error) {
	if !h.Prev.Defined() {
		if e == 0 {
			return nil, "the subnet's first epoch", nil, nil
		}
		return nil, "builds on no previous record", nil, nil
	}
	if e == 0 {
		return nil, "", []string{fmt.Sprintf("epoch 0's record links a previous record, %s", h.Prev)}, nil
	}
	prev, err := n.readRecord(ctx, h.Prev, "previous record")
	if err != nil {
		return nil, "", nil, err
	}
	var problems []string
	if ph := prev.Contents.Header; ph.Subnet != s || ph.Epoch != e-1 {
		problems = append(problems, fmt.Sprintf("the previous record %s is of epoch %d of subnet %d", h.Prev, ph.Epoch, ph.Subnet))
	}
	pa, err := n.anchorOf(ctx, s, e-1, events)
	switch {
	case errors.Is(err, chain.ErrNotAnchored):
		problems = append(problems, fmt.Sprintf("builds on %s, but epoch %d has no anchor", h.Prev, e-1))
	case err != nil:
		return nil, "", nil, err
	case commitmentOf(prev) != pa.Commitment:
		problems = append(problems, fmt.Sprintf("builds on %s, which is not epoch %d's anchored record (root %s, anchored %s)", h.Prev, e-1, commitmentOf(prev), pa.Commitment))
	}
	return prev, fmt.Sprintf("builds on %s, epoch %d's anchored record", h.Prev, e-1), problems, nil
}

// neuronsOf is the stake snapshot as the node stores it: the active
// neurons whose peer ID a node could speak for, stake in gwei.
func neuronsOf(cns []chain.Neuron) []tasks.Neuron {
	ns := []tasks.Neuron{}
	for _, c := range cns {
		if !c.Active {
			continue
		}
		p, err := tasks.PeerIDFromBytes(c.PeerID)
		if err != nil {
			continue
		}
		ns = append(ns, tasks.Neuron{UID: c.UID, Peer: p, Stake: gwei(c.Stake), RegisteredAt: c.RegisteredAt})
	}
	return ns
}

// neuronDiffs describes how the record's neurons differ from want, at
// most a few differences.
func neuronDiffs(got, want []tasks.Neuron) []string {
	const most = 5
	byUID := map[uint32]tasks.Neuron{}
	for _, nr := range want {
		byUID[nr.UID] = nr
	}
	var diffs []string
	add := func(format string, args ...any) {
		if len(diffs) < most {
			diffs = append(diffs, fmt.Sprintf(format, args...))
		}
	}
	seen := map[uint32]bool{}
	for _, g := range got {
		seen[g.UID] = true
		w, ok := byUID[g.UID]
		switch {
		case !ok:
			add("uid %d (%s) is not an active neuron on chain", g.UID, g.Peer)
		case g != w:
			add("uid %d is peer %s, stake %d gwei, registered at %d, last update %d in the record; peer %s, stake %d gwei, registered at %d, last update %d from the chain",
				g.UID, g.Peer, g.Stake, g.RegisteredAt, g.LastUpdate, w.Peer, w.Stake, w.RegisteredAt, w.LastUpdate)
		}
	}
	for _, w := range want {
		if !seen[w.UID] {
			add("uid %d (%s) is active on chain but not in the record", w.UID, w.Peer)
		}
	}
	return diffs
}

// verifyCommits checks that every reveal in a record opens its commit, and
// that no validator that equivocated has its weights in it.
func verifyCommits(c *tasks.RecordContents) []Mismatch {
	var bad []Mismatch
	type key struct {
		task  tasks.Link
		miner tasks.PeerID
	}
	subCommits := map[key][][32]byte{}
	for _, sc := range c.SubmissionCommits {
		k := key{sc.Task, sc.Miner}
		subCommits[k] = append(subCommits[k], sc.Commit)
	}
	for _, sr := range c.SubmissionReveals {
		if !slices.Contains(subCommits[key{sr.Task, sr.Miner}], sr.CommitHash()) {
			bad = append(bad, Mismatch{What: fmt.Sprintf("miner %s's reveal of output %s for task %s opens none of its commits", sr.Miner, sr.Output, sr.Task)})
		}
	}
	weightCommits := map[tasks.PeerID][][32]byte{}
	for _, wc := range c.WeightCommits {
		weightCommits[wc.Validator] = append(weightCommits[wc.Validator], wc.Commit)
	}
	equivocated := map[tasks.PeerID]bool{}
	for _, eq := range c.Equivocations {
		equivocated[eq.Validator()] = true
	}
	for _, wr := range c.WeightReveals {
		switch {
		case equivocated[wr.Validator]:
			bad = append(bad, Mismatch{Validator: wr.Validator.String(), What: "the record holds its weights although it equivocated"})
		case !slices.Contains(weightCommits[wr.Validator], wr.CommitHash()):
			bad = append(bad, Mismatch{Validator: wr.Validator.String(), What: "its weight reveal opens none of its commits"})
		}
	}
	return bad
}

// verifyEvaluations checks that every evaluation of rec is of a task of
// its validator and of the output the miner revealed, and runs the chosen
// ones again.
func (n *Node) verifyEvaluations(ctx context.Context, o VerifyOptions, m *tasks.Manifest, rec *tasks.Record, r *VerifyReport) error {
	c := &rec.Contents
	r.Evaluations = len(c.Evaluations)
	if len(c.Evaluations) == 0 {
		r.check("evaluations", true, "the record holds no evaluations")
		return nil
	}
	taskOf := map[tasks.Link]tasks.Task{}
	for _, t := range c.Tasks {
		if _, l, err := tasks.Encode(t); err == nil {
			taskOf[l] = t
		}
	}
	type key struct {
		task  tasks.Link
		miner tasks.PeerID
	}
	revealOf := map[key]tasks.SubmissionReveal{}
	for _, sr := range c.SubmissionReveals {
		revealOf[key{sr.Task, sr.Miner}] = sr
	}
	type job struct {
		ev     tasks.Evaluation
		params []byte
		reveal tasks.SubmissionReveal
	}
	var jobs []job
	bad := 0
	for _, ev := range c.Evaluations {
		mm := Mismatch{Validator: ev.Validator.String(), Miner: ev.Miner.String(), Task: ev.Task.String()}
		t, known := taskOf[ev.Task]
		sr, revealed := revealOf[key{ev.Task, ev.Miner}]
		switch {
		case ev.Subnet != c.Header.Subnet || ev.Epoch != c.Header.Epoch:
			mm.What = fmt.Sprintf("an evaluation of epoch %d of subnet %d", ev.Epoch, ev.Subnet)
		case !known:
			mm.What = "the record holds no such task"
		case t.Validator != ev.Validator:
			mm.What = fmt.Sprintf("the task is %s's", t.Validator)
		case !revealed:
			mm.What = "the record holds no reveal of the miner for the task"
		case sr.Output != ev.Output:
			mm.What = fmt.Sprintf("it evaluated output %s, the miner revealed %s", ev.Output, sr.Output)
		default:
			jobs = append(jobs, job{ev, t.Params, sr})
			continue
		}
		bad++
		r.mismatch(mm)
	}
	if !o.All {
		k := o.Sample
		if k <= 0 {
			k = DefaultVerifySample
		}
		pick, err := sample(len(jobs), k)
		if err != nil {
			return err
		}
		chosen := make([]job, len(pick))
		for i, p := range pick {
			chosen[i] = jobs[p]
		}
		jobs = chosen
	}

	// The evaluator: this node's own if it follows the subnet under the
	// same manifest, else compiled for this verification.
	var (
		evMu   sync.Mutex
		loaded *sandbox.Evaluator
		evErr  error
		own    bool
	)
	evaluator := func(ctx context.Context) (*sandbox.Evaluator, error) {
		evMu.Lock()
		defer evMu.Unlock()
		if loaded != nil || evErr != nil {
			return loaded, evErr
		}
		if f, err := n.follower(c.Header.Subnet); err == nil && f.manifestLink == c.Header.Manifest {
			loaded, evErr = n.evaluator(ctx, f)
		} else {
			loaded, evErr = n.loadEvaluator(ctx, m)
			own = evErr == nil
		}
		return loaded, evErr
	}
	defer func() {
		if own {
			loaded.Close()
		}
	}()

	type result struct {
		out evalOutcome
		err error
	}
	results := make([]result, len(jobs))
	sem := make(chan struct{}, max(n.cfg.Eval.Workers, 1))
	var wg sync.WaitGroup
	for i, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out, err := n.runEvaluation(ctx, m, evaluator, c.Header.Seed, j.params, j.reveal)
			results[i] = result{out, err}
		})
	}
	wg.Wait()
	notFetched, differ := 0, 0
	for i, j := range jobs {
		res, ev := results[i], j.ev
		switch {
		case errors.Is(res.err, errNoOutput):
			notFetched++
			r.note("output %s of miner %s for task %s not fetched, so not re-run: %v", ev.Output, ev.Miner, ev.Task, res.err)
			continue
		case errors.Is(res.err, errNoEvaluator):
			return fmt.Errorf("evaluator %s of manifest %s: %w; is a peer that holds it connected (--p2p.bootstrap)?", m.Evaluator, c.Header.Manifest, res.err)
		case res.err != nil:
			return fmt.Errorf("re-run the evaluation by %s of miner %s for task %s: %w", ev.Validator, ev.Miner, ev.Task, res.err)
		}
		r.Rerun++
		if math.Float64bits(res.out.Score) == math.Float64bits(ev.Score) && res.out.Fuel == ev.Fuel && res.out.Error == ev.Error {
			continue
		}
		differ++
		r.mismatch(Mismatch{Validator: ev.Validator.String(), Miner: ev.Miner.String(), Task: ev.Task.String(),
			What: fmt.Sprintf("recorded %s, re-run %s", outcomeString(evalOutcome{ev.Score, ev.Fuel, ev.Error}), outcomeString(res.out))})
	}
	detail := fmt.Sprintf("re-ran %d of %d", r.Rerun, len(c.Evaluations))
	if !o.All && len(jobs) < len(c.Evaluations)-bad {
		detail += " (a random sample)"
	}
	switch {
	case differ > 0:
		detail += fmt.Sprintf(": %d differ", differ)
	case r.Rerun > 0:
		detail += ": all match"
	}
	if notFetched > 0 {
		detail += fmt.Sprintf("; %d outputs not fetched", notFetched)
	}
	if bad > 0 {
		detail += fmt.Sprintf("; %d evaluations do not belong in the record", bad)
	}
	r.check("evaluations", differ == 0 && bad == 0, detail)
	return nil
}

// outcomeString shows an evaluation's result exactly: %v prints the
// shortest decimal that reads back as the same float64.
func outcomeString(o evalOutcome) string {
	s := fmt.Sprintf("score %v fuel %d", o.Score, o.Fuel)
	if o.Error != "" {
		s += fmt.Sprintf(" verdict %q", o.Error)
	}
	return s
}

// sample returns k of the indices below n (all of them if k >= n),
// chosen uniformly with crypto/rand, in increasing order.
func sample(n, k int) ([]int, error) {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if k >= n {
		return idx, nil
	}
	for i := range k {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(n-i)))
		if err != nil {
			return nil, fmt.Errorf("choose evaluations to re-run: %w", err)
		}
		p := i + int(j.Int64())
		idx[i], idx[p] = idx[p], idx[i]
	}
	idx = idx[:k]
	slices.Sort(idx)
	return idx, nil
}

// scoringNotes notes each validator whose revealed weights are not the
// manifest's scoring rule applied to its evaluations in the record, as a
// validator running this node computes them (weightsOf): a miner's score
// is the sum of its scores over the validator's tasks divided by
// TasksPerEpoch. Such a validator may copy others' weights; that is for a
// person to judge, so these are notes, not mismatches.
func scoringNotes(m *tasks.Manifest, c *tasks.RecordContents) []string {
	var notes []string
	for _, wr := range c.WeightReveals {
		var mine []tasks.Evaluation
		for _, ev := range c.Evaluations {
			if ev.Validator == wr.Validator {
				mine = append(mine, ev)
			}
		}
		evals := len(mine)
		want, err := m.Scoring.Weights(scoresOf(m, c.Neurons, mine))
		switch {
		case err == nil && slices.Equal(want, wr.Weights):
		case evals == 0:
			notes = append(notes, fmt.Sprintf("validator %s's weights are not the scoring rule applied to its evaluations (it published none): %s",
				wr.Validator, weightsString(wr.Weights)))
		case err != nil:
			notes = append(notes, fmt.Sprintf("validator %s's weights are not the scoring rule applied to its %d evaluations, which give none (%v): %s",
				wr.Validator, evals, err, weightsString(wr.Weights)))
		default:
			notes = append(notes, fmt.Sprintf("validator %s's weights are not the scoring rule (%s) applied to its %d evaluations: it revealed %s, the rule gives %s",
				wr.Validator, m.Scoring.Rule, evals, weightsString(wr.Weights), weightsString(want)))
		}
	}
	return notes
}

// weightsString shows a weight vector briefly: {uid: weight, ...}.
func weightsString(ws []tasks.Weight) string {
	const most = 8
	var b bytes.Buffer
	b.WriteByte('{')
	for i, w := range ws {
		if i == most {
			fmt.Fprintf(&b, ", … %d more", len(ws)-most)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d: %d", w.UID, w.Value)
	}
	b.WriteByte('}')
	return b.String()
}
