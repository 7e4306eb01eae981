package testnet

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/node"
)

// EpochView is one anchored epoch as the testnet saw it.
type EpochView struct {
	Epoch uint64
	// Record is the record's CID, Tx and Block the anchor transaction.
	Record string
	Tx     string
	Block  uint64
	// Anchors counts the epoch's anchor events: 1, plus any conflict.
	Anchors int
	// Record is the record as the first node's API shows it.
	View node.RecordView
}

// stallAfter is how long the chain waits for a node that has not seen its
// head before it moves on anyway (a node that stopped must not stop the
// network).
const stallAfter = 20 * time.Second

// Run moves the chain one block at a time, at most one per block time and
// only once every node has finished with the head (waitForNodes), and
// prints each anchored epoch's metagraph. It returns nil when Config.Epochs epochs are anchored or ctx
// ends (Ctrl-C), and an error if a node stops.
func (nw *Network) Run(ctx context.Context) error {
	nw.banner()
	if err := nw.RunUntil(ctx, nw.cfg.Epochs); err != nil || nw.cfg.Epochs == 0 || ctx.Err() != nil {
		return err
	}
	fmt.Fprintf(nw.cfg.Out, "\n%d epochs anchored; stopping.\n", nw.cfg.Epochs)
	return nil
}

// RunUntil runs the chain as Run does until epochs epochs in all have
// been anchored (0: until ctx ends), without the banner.
func (nw *Network) RunUntil(ctx context.Context, epochs int) error {
	tick := time.NewTicker(nw.cfg.BlockTime)
	defer tick.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		for _, m := range nw.members {
			select {
			case <-m.done:
				return fmt.Errorf("node %d stopped: %v (see %s)", m.Index, m.exitErr, filepath.Join(m.Dir, "node.log"))
			default:
			}
		}
		head, err := nw.reader.Head(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if err := nw.waitForNodes(ctx, head); err != nil {
			return nil // ctx ended
		}
		nw.dev.Mine(1)
		// The chain's log index may lag the block just sealed: only an
		// error that lasts is worth showing.
		if err := nw.collect(ctx); err == nil {
			failures = 0
		} else if failures++; failures == 20 && ctx.Err() == nil {
			fmt.Fprintf(nw.cfg.Out, "reading the anchors keeps failing: %v\n", err)
		}
		if epochs > 0 && len(nw.Epochs()) >= epochs {
			return nil
		}
	}
}

// waitForNodes waits until every node has acted on block head and no
// validator has answers left to evaluate, for at most nw.stallAfter.
func (nw *Network) waitForNodes(ctx context.Context, head uint64) error {
	deadline := time.Now().Add(nw.stallAfter)
	for {
		var behind []string
		evaluating := map[*Member]uint64{} // only evaluating, in this epoch
		for _, m := range nw.members {
			var st node.Status
			if err := nw.get(ctx, m.API+"/v1/status", &st); err != nil || len(st.Subnets) == 0 || st.Subnets[0].Head < head {
				behind = append(behind, fmt.Sprint(m.Index))
			} else if sub := st.Subnets[0]; sub.Evaluating > 0 && nw.stalled[m] != sub.Epoch+1 {
				behind = append(behind, fmt.Sprint(m.Index))
				evaluating[m] = sub.Epoch
			}
		}
		if len(behind) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			// A validator that cannot finish its evaluations (an
			// evaluator that does not load, outputs nobody serves) is
			// waited for once per epoch, not at every block.
			for m, e := range evaluating {
				nw.stalled[m] = e + 1
			}
			fmt.Fprintf(nw.cfg.Out, "node %s still not done with block %d after %v; the chain moves on\n", strings.Join(behind, ", "), head, nw.stallAfter)
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond): // polling with a deadline
		}
	}
}

// collect reads the chain's anchors and shows each epoch newly anchored.
func (nw *Network) collect(ctx context.Context) error {
	anchors, err := nw.reader.Anchors(ctx, nw.subnet)
	if err != nil {
		return err
	}
	count := map[uint64]int{}
	first := map[uint64]chain.Anchor{}
	for _, a := range anchors {
		count[a.Epoch]++
		if !a.Conflict {
			first[a.Epoch] = a
		}
	}
	// In epoch order, and never one before an earlier one that is not
	// shown yet: Epochs is in the order epochs end.
	for _, e := range slices.Sorted(maps.Keys(first)) {
		a := first[e]
		nw.mu.Lock()
		done := nw.shown[e]
		nw.mu.Unlock()
		if done {
			if count[e] > 1 {
				nw.setAnchors(e, count[e])
			}
			continue
		}
		view, err := nw.record(ctx, e, a)
		if err != nil {
			return nil // the nodes have not settled it yet; next block
		}
		ev := EpochView{Epoch: e, Record: view.CID, Tx: a.TxHash.String(), Block: a.Block, Anchors: count[e], View: view}
		nw.mu.Lock()
		nw.shown[e] = true
		nw.epochs = append(nw.epochs, ev)
		nw.mu.Unlock()
		nw.show(nw.cfg.Out, ev)
	}
	return nil
}

func (nw *Network) setAnchors(e uint64, n int) {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	for i := range nw.epochs {
		if nw.epochs[i].Epoch == e && nw.epochs[i].Anchors != n {
			nw.epochs[i].Anchors = n
			fmt.Fprintf(nw.cfg.Out, "CONFLICT: epoch %d has %d anchors; the first one stands (crucible chain anchors %d)\n", e, n, nw.subnet)
		}
	}
}

// record finds the record anchored for epoch e through the nodes' APIs:
// the first node that built a record with the anchored commitment.
func (nw *Network) record(ctx context.Context, e uint64, a chain.Anchor) (node.RecordView, error) {
	for _, m := range nw.members {
		var eps []node.Epoch
		if err := nw.get(ctx, fmt.Sprintf("%s/v1/subnets/%d/epochs", m.API, nw.subnet), &eps); err != nil {
			continue
		}
		for _, ep := range eps {
			if ep.Epoch != e || ep.Commitment != a.Root.String() {
				continue
			}
			var v node.RecordView
			if err := nw.get(ctx, m.API+"/v1/records/"+ep.Record, &v); err == nil {
				return v, nil
			}
		}
	}
	return node.RecordView{}, fmt.Errorf("no node shows the record of epoch %d yet", e)
}

// Epochs are the anchored epochs seen so far, in epoch order.
func (nw *Network) Epochs() []EpochView {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	return append([]EpochView(nil), nw.epochs...)
}

// MemberOf returns the member whose peer ID is peer.
func (nw *Network) MemberOf(peer string) *Member {
	for _, m := range nw.members {
		if m.Peer == peer {
			return m
		}
	}
	return nil
}

// banner prints what runs, where, and what to try.
func (nw *Network) banner() {
	w := nw.cfg.Out
	m := nw.manifest
	mode := "in this process"
	if nw.cfg.Processes {
		mode = "each in its own process"
	}
	fmt.Fprintf(w, "\nCrucible testnet: subnet %d %q, %d nodes (%d validators, %d miners) %s\n",
		nw.subnet, m.Name, nw.cfg.Nodes, nw.cfg.Validators, nw.cfg.Nodes-nw.cfg.Validators, mode)
	fmt.Fprintf(w, "  epochs of %d blocks (commit answers by block %d, reveal by %d, weights revealed in the next %d), a block every %v or slower\n",
		m.Timing.Tempo, m.Timing.SubmissionDeadline, m.Timing.SubmissionDeadline+m.Timing.SubmissionRevealWindow, m.Timing.WeightRevealWindow, nw.cfg.BlockTime)
	fmt.Fprintf(w, "  chain    %s, contract %s\n", nw.dev.URL(), nw.reader.Contract())
	fmt.Fprintf(w, "  data     %s", nw.dir)
	if nw.temp {
		fmt.Fprint(w, " (removed on exit; --dir keeps it)")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range nw.members {
		fmt.Fprintf(tw, "  node %d\t%s\tAPI %s\t%s\n", m.Index, m.Label, m.API, shortID(m.Peer))
	}
	tw.Flush()
	c := nw.cfg.Command
	d0 := nw.members[0].Dir
	fmt.Fprintf(w, "Try, while it runs:\n")
	fmt.Fprintf(w, "  %s --data-dir %s status\n", c, d0)
	fmt.Fprintf(w, "  %s --data-dir %s metagraph %d\n", c, d0, nw.subnet)
	fmt.Fprintf(w, "  %s --data-dir %s epochs %d\n", c, d0, nw.subnet)
	fmt.Fprintf(w, "  curl %s/v1/subnets/%d/metagraph\n", nw.members[0].API, nw.subnet)
	fmt.Fprintf(w, "  %s --data-dir %s verify %d EPOCH    (an observer node: fetches the record, checks it against the chain, re-runs evaluations)\n",
		c, nw.ObserverDir(), nw.subnet)
	fmt.Fprintf(w, "Logs: %s/node-*/node.log and program.log. Ctrl-C stops everything.\n\n", nw.dir)
}

// show prints one anchored epoch's metagraph.
func (nw *Network) show(w io.Writer, ev EpochView) {
	v := ev.View
	fallback := ""
	if v.Fallback {
		fallback = " · stake fallback (no weight had a stake majority)"
	}
	fmt.Fprintf(w, "epoch %d · record %s · anchored in block %d, tx %s · %d tasks, %d answers%s\n",
		ev.Epoch, shortID(ev.Record), ev.Block, shortID(ev.Tx), v.Tasks, v.Answers, fallback)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "uid\tnode\trole\tstake\tvtrust\tconsensus\tincentive\tdividends\temission\t")
	for _, n := range v.Neurons {
		idx, role := "-", "-"
		if m := nw.MemberOf(n.Peer); m != nil {
			nw.mu.Lock()
			idx, role = fmt.Sprint(m.Index), m.Label
			nw.mu.Unlock()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t\n", n.UID, idx, role, float64(n.Stake)/1e9,
			n.ValidatorTrust, n.Consensus, n.Incentive, n.Dividends, n.Emission)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// shortID abbreviates a long identifier for the live view.
func shortID(s string) string {
	if len(s) <= 16 {
		return s
	}
	return s[:8] + "…" + s[len(s)-6:]
}

// CommandName is how to spell this program in suggested commands: "go
// run ./cmd/crucible" when it was started by go run.
func CommandName() string {
	exe, err := os.Executable()
	if err != nil || strings.Contains(exe, "go-build") {
		return "go run ./cmd/crucible"
	}
	return exe
}
