package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/crucible-net/crucible/consensus"
)

const simulateSummary = `Run Yuma consensus over several epochs and print the metagraph of each:
stake, validator trust, trust, consensus, incentive, dividends, emission,
and the bonds of small subnets. Bonds carry from epoch to epoch; epoch e
ends at block e·tempo.

JSON scenario (every top-level field but "epochs" is optional):

  {"params":   {"kappa": 0.5, "bonds_alpha": 0.1, "bonds_penalty": 1,
                "max_validators": 128, "activity_cutoff": 5000,
                "stake_threshold": 0, "owner_cut": 0.18, "yuma3": false,
                "liquid_alpha": false, "alpha_low": 0.7, "alpha_high": 0.9,
                "alpha_sigmoid_steepness": 1000},
   "names": ["v1", "v2", "m1"], "tempo": 360, "emission": 1000000000,
   "owner": 0,
   "epochs": [{"stake": [3, 1, 0], "weights": [[0, 0, 1], [0, 0, 1]]},
              {"weights": [[0, 0, 1], null], "repeat": 5},
              {"weights": [[0, 0, 1]], "register": [2]}]}

  weights[i][j] is the weight uid i gives uid j (rows may be short or
  missing); a null or missing row means uid i revealed no weights that
  epoch. "stake" is required in the first epoch and kept until changed.
  "repeat" runs an epoch several times; "register" re-registers uids at its
  start (their old bonds and earlier weights for them are dropped).

CSV scenario: a header epoch,uid,stake then one weight column per uid,
named after it; one row per uid and epoch, epochs from 1; an empty cell is
weight 0, a row of empty cells means no weights revealed:

  epoch,uid,stake,v1,v2,m1
  1,0,3,,,1
  1,1,1,,,1
  1,2,0,,,

Examples: examples/consensus/. Flags override the file's parameters.`

func runConsensusSimulate(e *env, args []string) error {
	fs := e.newFlagSet("crucible consensus simulate", "FILE.json|FILE.csv [flags]", simulateSummary)
	asJSON := fs.Bool("json", false, "print the results as JSON instead of tables")
	var overrides []func(*consensus.Params)
	floatFlag := func(name, usage string, set func(*consensus.Params, float64)) {
		fs.Func(name, usage, func(s string) error {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return err
			}
			overrides = append(overrides, func(p *consensus.Params) { set(p, v) })
			return nil
		})
	}
	floatFlag("kappa", "κ, the share of stake that must back a weight (default 0.5)", func(p *consensus.Params, v float64) { p.Kappa = v })
	floatFlag("alpha", "bond EMA rate α (default 0.1)", func(p *consensus.Params, v float64) { p.BondsAlpha = v })
	floatFlag("penalty", "bonds penalty β for weight above consensus (default 1)", func(p *consensus.Params, v float64) { p.BondsPenalty = v })
	floatFlag("owner-cut", "share of emission paid to the subnet owner (default 0.18)", func(p *consensus.Params, v float64) { p.OwnerCut = v })
	fs.BoolFunc("yuma3", "use Yuma 3 bonds", func(string) error {
		overrides = append(overrides, func(p *consensus.Params) { p.Yuma3 = true })
		return nil
	})
	fs.BoolFunc("liquid-alpha", "give every Yuma 3 bond its own EMA rate (needs --yuma3)", func(string) error {
		overrides = append(overrides, func(p *consensus.Params) { p.LiquidAlpha = true })
		return nil
	})
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one scenario FILE, got %d arguments", errUsage, len(pos))
	}
	sc, err := readScenario(pos[0])
	if err != nil {
		return err
	}
	for _, o := range overrides {
		o(&sc.Params)
	}
	results, err := sc.Run()
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if *asJSON {
		return printJSON(e.stdout, results)
	}
	printSimulation(e.stdout, sc, results)
	return nil
}

// readScenario reads a JSON or CSV scenario, chosen by the file's
// extension or, without one, by its first byte.
func readScenario(path string) (*consensus.Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc := &consensus.Scenario{Params: consensus.DefaultParams()}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".json" || (ext != ".csv" && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{"))) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(sc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return sc, nil
	}
	if err := readScenarioCSV(bytes.NewReader(b), sc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}

// readScenarioCSV fills sc from rows epoch,uid,stake,w_0..w_{n-1}. Epochs
// count from 1 without gaps and list every uid once; a uid whose weight
// cells are all empty revealed no weights that epoch.
func readScenarioCSV(r io.Reader, sc *consensus.Scenario) error {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("read the header: %w", err)
	}
	if len(header) < 4 || header[0] != "epoch" || header[1] != "uid" || header[2] != "stake" {
		return errors.New("the header must be epoch,uid,stake followed by one weight column per uid")
	}
	n := len(header) - 3
	sc.Names = header[3:]
	rows, err := cr.ReadAll()
	if err != nil {
		return err
	}
	var seen map[int]bool // uids of the epoch being read
	for k, rec := range rows {
		line := k + 2
		num := func(col int, what string) (float64, error) {
			v, err := strconv.ParseFloat(rec[col], 64)
			if err != nil {
				return 0, fmt.Errorf("line %d: %s %q is not a number", line, what, rec[col])
			}
			return v, nil
		}
		epoch, err := strconv.Atoi(rec[0])
		if err != nil || epoch < 1 || epoch > len(sc.Epochs)+1 {
			return fmt.Errorf("line %d: epoch %q: want %d or %d (epochs count from 1 without gaps)", line, rec[0], len(sc.Epochs), len(sc.Epochs)+1)
		}
		if epoch == len(sc.Epochs)+1 {
			if epoch > 1 && len(seen) < n {
				return fmt.Errorf("line %d: epoch %d lists %d of the %d uids", line, epoch-1, len(seen), n)
			}
			sc.Epochs = append(sc.Epochs, consensus.ScenarioEpoch{Stake: make([]float64, n), Weights: make([][]float64, n)})
			seen = map[int]bool{}
		}
		se := &sc.Epochs[epoch-1]
		uid, err := strconv.Atoi(rec[1])
		if err != nil || uid < 0 || uid >= n {
			return fmt.Errorf("line %d: uid %q: want 0 to %d, one per weight column", line, rec[1], n-1)
		}
		if seen[uid] {
			return fmt.Errorf("line %d: uid %d appears twice in epoch %d", line, uid, epoch)
		}
		seen[uid] = true
		if se.Stake[uid], err = num(2, "stake"); err != nil {
			return err
		}
		var row []float64
		for j := range n {
			if rec[3+j] == "" {
				continue
			}
			if row == nil {
				row = make([]float64, n)
			}
			if row[j], err = num(3+j, "weight"); err != nil {
				return err
			}
		}
		se.Weights[uid] = row
	}
	if len(sc.Epochs) == 0 {
		return errors.New("no epochs: add one row per uid and epoch")
	}
	if len(seen) < n {
		return fmt.Errorf("epoch %d lists %d of the %d uids", len(sc.Epochs), len(seen), n)
	}
	return nil
}

// printSimulation prints one metagraph table per epoch, and the bonds of
// small subnets.
func printSimulation(w io.Writer, sc *consensus.Scenario, results []consensus.EpochResult) {
	p := sc.Params
	model := "classic Yuma"
	switch {
	case p.Yuma3 && p.LiquidAlpha:
		model = fmt.Sprintf("Yuma 3 with liquid alpha in [%g, %g]", p.AlphaLow, p.AlphaHigh)
	case p.Yuma3:
		model = "Yuma 3"
	}
	n := len(results[0].Result.Stake)
	epochs := "epochs"
	if len(results) == 1 {
		epochs = "epoch"
	}
	fmt.Fprintf(w, "%s: %d uids, %d %s, κ %g, bonds α %g, β %g, owner cut %g%%\n",
		model, n, len(results), epochs, p.Kappa, p.BondsAlpha, p.BondsPenalty, p.OwnerCut*100)
	name := func(i int) string {
		if i < len(sc.Names) && sc.Names[i] != "" {
			return sc.Names[i]
		}
		return strconv.Itoa(i)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	for _, er := range results {
		r := er.Result
		var paid uint64
		for _, x := range r.Emission {
			paid += x
		}
		fmt.Fprintf(w, "\nepoch %d (block %d): emission %d = owner %d + uids %d + unallocated %d\n",
			er.Epoch, er.Block, r.OwnerEmission+paid+r.Unallocated, r.OwnerEmission, paid, r.Unallocated)
		if r.StakeFallback {
			fmt.Fprintln(w, "no consensus formed: validators are paid by stake")
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "uid\tname\tpermit\tstake\tv-trust\ttrust\tconsensus\tincentive\tdividends\temission\t")
		for i := range n {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", i, name(i), yesNo(r.ValidatorPermit[i]),
				f(r.Stake[i]), f(r.ValidatorTrust[i]), f(r.Trust[i]), f(r.Consensus[i]), f(r.Incentive[i]), f(r.Dividends[i]), r.Emission[i])
		}
		tw.Flush()
		printBonds(w, r.Bonds, name, f)
	}
}

// printBonds prints the bond matrix restricted to the rows and columns
// that hold a bond, when it is small enough to read.
func printBonds(w io.Writer, bonds consensus.Matrix, name func(int) string, f func(float64) string) {
	var rows []int
	var cols []uint32
	held := make(map[uint32]bool)
	for i, row := range bonds {
		if len(row) > 0 {
			rows = append(rows, i)
		}
		for _, e := range row {
			if !held[e.UID] {
				held[e.UID] = true
				cols = append(cols, e.UID)
			}
		}
	}
	slices.Sort(cols)
	switch {
	case len(rows) == 0:
		fmt.Fprintln(w, "bonds: none")
		return
	case len(cols) > 12 || len(rows) > 32:
		fmt.Fprintf(w, "bonds: %d validators × %d uids (see --json)\n", len(rows), len(cols))
		return
	}
	fmt.Fprintln(w, "bonds (validator → uid):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, c := range cols {
		fmt.Fprintf(tw, "%s\t", name(int(c)))
	}
	fmt.Fprintln(tw)
	for _, i := range rows {
		fmt.Fprintf(tw, "%s\t", name(i))
		k := 0
		for _, c := range cols {
			row := bonds[i]
			for k < len(row) && row[k].UID < c {
				k++
			}
			if k < len(row) && row[k].UID == c {
				fmt.Fprintf(tw, "%s\t", f(row[k].Value))
			} else {
				fmt.Fprint(tw, "·\t")
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
