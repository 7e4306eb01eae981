// Command copier is a weight-copying validator for the linreg example
// subnet: it demonstrates the weight-copying attack. Instead of evaluating
// miners, it watches its node's metagraph and, each time a new epoch
// result appears, sets its weights for the current epoch to the consensus
// weights of that last finished epoch. It earns dividends without doing
// work for as long as the miners stay the same; when they change, its
// weights lag one epoch behind the honest validators', its bonds follow
// yesterday's miners, and its dividends fall behind.
//
// Its node must be configured to take its weights from the API (the
// testnet's "weights": "api"). It uses the standard library and
// examples/linreg/client only, so a local testnet builds it in a second:
//
//	copier -api http://127.0.0.1:4171 -token-file ~/.crucible/api.token -subnet 0
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/crucible-net/crucible/examples/linreg/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// config is the copier's flags.
type config struct {
	api  client.API // -api, -token-file, -subnet
	poll time.Duration
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("copier", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.api.RegisterFlags(fs)
	fs.DurationVar(&cfg.poll, "poll", 300*time.Millisecond, "how often to read the metagraph")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.poll <= 0 {
		return cfg, errors.New("-poll must be positive")
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
		fmt.Fprintln(stderr, "copier:", err)
		return 2
	}
	c := &copier{cfg: cfg, log: log.New(stderr, "", 0)}
	c.run(ctx)
	return 0
}

// metagraph is the part of GET /v1/subnets/{N}/metagraph the copier reads.
type metagraph struct {
	Head    uint64   `json:"head"`
	Epoch   *uint64  `json:"epoch"` // the last finished epoch; absent before the first record
	Neurons []neuron `json:"neurons"`
}

type neuron struct {
	UID       uint32  `json:"uid"`
	Consensus float64 `json:"consensus"`
}

// weight is one entry of POST /v1/subnets/{N}/weights.
type weight struct {
	UID    uint32  `json:"uid"`
	Weight float64 `json:"weight"`
}

// copyWeights returns the consensus weights of mg's epoch, without the
// zeros.
func copyWeights(mg metagraph) []weight {
	var ws []weight
	for _, n := range mg.Neurons {
		if n.Consensus > 0 {
			ws = append(ws, weight{UID: n.UID, Weight: n.Consensus})
		}
	}
	return ws
}

type copier struct {
	cfg config
	log *log.Logger

	copied    *uint64 // the last metagraph epoch acted on
	committed *uint64 // the last epoch the node committed weights for
	lastErr   string
}

// run polls the metagraph until ctx is done.
func (c *copier) run(ctx context.Context) {
	tick := time.NewTicker(c.cfg.poll)
	defer tick.Stop()
	for {
		c.step(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// step reads the metagraph once and, if it shows a finished epoch not
// copied yet, posts its consensus as this validator's weights.
func (c *copier) step(ctx context.Context) {
	var mg metagraph
	if err := c.cfg.api.Get(ctx, fmt.Sprintf("/v1/subnets/%d/metagraph", c.cfg.api.Subnet), &mg); err != nil {
		if ctx.Err() == nil {
			c.logOnce("copier: metagraph: %v", err)
		}
		return
	}
	if mg.Epoch == nil || (c.copied != nil && *mg.Epoch <= *c.copied) {
		return
	}
	e := *mg.Epoch
	// The weights are for the epoch after e at the earliest; if the node
	// has committed for that one already, wait for the next record.
	if c.committed != nil && e+1 <= *c.committed {
		c.copied = &e
		return
	}
	ws := copyWeights(mg)
	if len(ws) == 0 {
		c.log.Printf("copier: epoch %d: consensus is zero everywhere; nothing to copy", e)
		c.copied = &e
		return
	}
	body, _ := json.Marshal(map[string]any{"weights": ws})
	var out struct {
		Epoch  uint64 `json:"epoch"`
		Commit string `json:"commit"`
	}
	err := c.cfg.api.Post(ctx, fmt.Sprintf("/v1/subnets/%d/weights", c.cfg.api.Subnet), "application/json", body, &out)
	var refused *client.Error
	switch {
	case errors.As(err, &refused) && refused.Status/100 == 4:
		// The node refused (weights committed already, window closed):
		// this epoch is done.
		c.log.Printf("copier: epoch %d: copied consensus of %d uids; node refused: %v", e, len(ws), err)
		c.copied = &e
	case err != nil:
		if ctx.Err() == nil {
			c.logOnce("copier: post weights: %v; retrying", err)
		}
	default:
		c.log.Printf("copier: epoch %d: copied consensus of %d uids as weights for epoch %d; commit %.12s", e, len(ws), out.Epoch, out.Commit)
		c.copied, c.committed = &e, &out.Epoch
	}
}

// logOnce logs a failure unless it is the same as the last one: a node
// that is not up yet would otherwise fill the log.
func (c *copier) logOnce(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if msg != c.lastErr {
		c.log.Print(msg)
		c.lastErr = msg
	}
}
