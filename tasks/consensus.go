package tasks

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/crucible-net/crucible/consensus"
)

// ErrConsensusMismatch means a record's consensus result differs from the
// one its own inputs give.
var ErrConsensusMismatch = errors.New("consensus result does not match the record's inputs")

// Params returns the manifest's consensus parameters as package consensus
// takes them.
func (c ConsensusParams) Params() consensus.Params {
	return consensus.Params{
		Kappa:          c.Kappa,
		BondsAlpha:     c.BondsAlpha,
		BondsPenalty:   c.BondsPenalty,
		MaxValidators:  int(c.MaxValidators),
		ActivityCutoff: c.ActivityCutoff,
		StakeThreshold: float64(c.StakeThreshold),
		OwnerCut:       c.OwnerCut,
		Yuma3:          c.Yuma3,
	}
}

// ConsensusInput assembles the input of Yuma consensus for the epoch of
// header: the neurons' stake snapshot, the weights revealed in the epoch,
// and the bonds of the previous epoch's record (nil for a subnet's first
// epoch). Consensus is computed as of the epoch's first block
// (header.Start), the block of the snapshot:
//
//   - a validator that revealed weights in this epoch has its last update
//     at header.Start; the others keep the neuron's LastUpdate;
//   - the subnet has as many uids as the highest neuron uid + 1; a uid no
//     neuron holds has no stake;
//   - a reveal from a peer that holds no uid, a weight for a uid no neuron
//     holds, and a bond row or bond naming such a uid are left out, so one
//     participant's bad reveal cannot stop every node's consensus. Reveals
//     reach this point only after the Book accepted them.
func ConsensusInput(m *Manifest, header *RecordHeader, neurons []Neuron, reveals []WeightReveal, prevBonds []BondRow) (*consensus.Input, error) {
	n := 0
	uidOf := make(map[PeerID]uint32, len(neurons))
	held := make(map[uint32]bool, len(neurons))
	for _, nr := range neurons {
		if nr.UID >= MaxNeurons {
			return nil, invalidf("neuron uid %d, want below %d", nr.UID, MaxNeurons)
		}
		if held[nr.UID] {
			return nil, invalidf("uid %d appears twice among the neurons", nr.UID)
		}
		if _, dup := uidOf[nr.Peer]; dup {
			return nil, invalidf("peer %s holds two uids", nr.Peer)
		}
		held[nr.UID] = true
		uidOf[nr.Peer] = nr.UID
		n = max(n, int(nr.UID)+1)
	}
	in := &consensus.Input{
		Stake:        make([]float64, n),
		Weights:      make(consensus.Matrix, n),
		LastUpdate:   make([]uint64, n),
		RegisteredAt: make([]uint64, n),
		Block:        header.Start,
		Tempo:        m.Timing.Tempo,
		Emission:     m.Consensus.EmissionPerEpoch,
	}
	for _, nr := range neurons {
		// Exact up to 2^53 gwei (9 million ETH); beyond, rounded the same
		// way on every machine.
		in.Stake[nr.UID] = float64(nr.Stake)
		in.LastUpdate[nr.UID] = nr.LastUpdate
		in.RegisteredAt[nr.UID] = nr.RegisteredAt
	}
	for _, r := range reveals {
		if r.Subnet != header.Subnet || r.Epoch != header.Epoch {
			return nil, invalidf("weight reveal for subnet %d epoch %d in epoch %d of subnet %d", r.Subnet, r.Epoch, header.Epoch, header.Subnet)
		}
		uid, ok := uidOf[r.Validator]
		if !ok {
			continue
		}
		if in.Weights[uid] != nil {
			return nil, invalidf("two weight reveals from validator %s", r.Validator)
		}
		row := make([]consensus.Entry, 0, len(r.Weights))
		for _, w := range r.Weights {
			if held[w.UID] {
				row = append(row, consensus.Entry{UID: w.UID, Value: float64(w.Value)})
			}
		}
		in.Weights[uid] = row
		in.LastUpdate[uid] = header.Start
	}
	if prevBonds != nil {
		in.Bonds = make(consensus.Matrix, n)
		for _, br := range prevBonds {
			if !held[br.UID] {
				continue
			}
			for _, b := range br.Bonds {
				if held[b.UID] {
					in.Bonds[br.UID] = append(in.Bonds[br.UID], consensus.Entry{UID: b.UID, Value: b.Value})
				}
			}
		}
	}
	return in, nil
}

// RunConsensus computes the consensus of the epoch whose inputs c holds
// (header, neurons, weight reveals) on top of the previous record's bonds,
// and fills in c.Header.Outcome, c.Results and c.Bonds: what BuildRecord
// then seals into the record.
func RunConsensus(m *Manifest, c *RecordContents, prevBonds []BondRow) error {
	out, results, bonds, err := computeConsensus(m, c, prevBonds)
	if err != nil {
		return err
	}
	c.Header.Outcome, c.Results, c.Bonds = out, results, bonds
	return nil
}

// VerifyConsensus recomputes the consensus of a record's epoch from its
// own inputs and the previous record's bonds and compares every number bit
// for bit with what the record states.
//
// # Errors
//
// An error wrapping ErrConsensusMismatch lists the first differences,
// naming the uid and the field.
func VerifyConsensus(m *Manifest, c *RecordContents, prevBonds []BondRow) error {
	out, results, bonds, err := computeConsensus(m, c, prevBonds)
	if err != nil {
		return err
	}
	var diffs []string
	add := func(format string, args ...any) {
		if len(diffs) < 20 {
			diffs = append(diffs, fmt.Sprintf(format, args...))
		}
	}
	if out != c.Header.Outcome {
		add("outcome %+v in the record, %+v recomputed", c.Header.Outcome, out)
	}
	if len(results) != len(c.Results) {
		add("%d results in the record, %d recomputed", len(c.Results), len(results))
	}
	stated := slices.Clone(c.Results)
	slices.SortFunc(stated, func(a, b Result) int { return cmp.Compare(a.UID, b.UID) })
	for i := range min(len(results), len(stated)) {
		diffResult(stated[i], results[i], add)
	}
	want := make(map[uint32][]Bond, len(bonds))
	for _, br := range bonds {
		want[br.UID] = br.Bonds
	}
	have := make(map[uint32]bool, len(c.Bonds))
	for _, br := range c.Bonds {
		have[br.UID] = true
		if !bondsEqual(br.Bonds, want[br.UID]) {
			add("uid %d: bonds differ", br.UID)
		}
	}
	for _, br := range bonds {
		if !have[br.UID] {
			add("uid %d: bonds missing from the record", br.UID)
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %s", ErrConsensusMismatch, strings.Join(diffs, "; "))
	}
	return nil
}

func computeConsensus(m *Manifest, c *RecordContents, prevBonds []BondRow) (Outcome, []Result, []BondRow, error) {
	in, err := ConsensusInput(m, &c.Header, c.Neurons, c.WeightReveals, prevBonds)
	if err != nil {
		return Outcome{}, nil, nil, err
	}
	r, err := consensus.Epoch(m.Consensus.Params(), in)
	if err != nil {
		return Outcome{}, nil, nil, fmt.Errorf("epoch %d consensus: %w", c.Header.Epoch, err)
	}
	out := Outcome{
		Emission:      in.Emission,
		OwnerEmission: r.OwnerEmission,
		Unallocated:   r.Unallocated,
		StakeFallback: r.StakeFallback,
	}
	results := make([]Result, 0, len(c.Neurons))
	var bonds []BondRow
	for _, nr := range sortedNeurons(c.Neurons) {
		u := nr.UID
		results = append(results, Result{
			UID:               u,
			Stake:             r.Stake[u],
			ActiveStake:       r.ActiveStake[u],
			Active:            r.Active[u],
			ValidatorPermit:   r.ValidatorPermit[u],
			ValidatorTrust:    r.ValidatorTrust[u],
			Consensus:         r.Consensus[u],
			Trust:             r.Trust[u],
			Rank:              r.Rank[u],
			Incentive:         r.Incentive[u],
			Dividends:         r.Dividends[u],
			MinerEmission:     r.MinerEmission[u],
			ValidatorEmission: r.ValidatorEmission[u],
			PruningScore:      r.PruningScore[u],
			Emission:          r.Emission[u],
		})
		if row := r.Bonds[u]; len(row) > 0 {
			br := BondRow{UID: u, Bonds: make([]Bond, len(row))}
			for k, e := range row {
				br.Bonds[k] = Bond{UID: e.UID, Value: e.Value}
			}
			bonds = append(bonds, br)
		}
	}
	return out, results, bonds, nil
}

func sortedNeurons(ns []Neuron) []Neuron {
	byUID := slices.Clone(ns)
	slices.SortFunc(byUID, func(a, b Neuron) int { return cmp.Compare(a.UID, b.UID) })
	return byUID
}

// diffResult reports every field of got that differs, bit for bit, from
// want.
func diffResult(got, want Result, add func(string, ...any)) {
	if got.UID != want.UID {
		add("result for uid %d where uid %d was expected", got.UID, want.UID)
		return
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"stake", got.Stake, want.Stake}, {"active stake", got.ActiveStake, want.ActiveStake},
		{"validator trust", got.ValidatorTrust, want.ValidatorTrust}, {"consensus", got.Consensus, want.Consensus},
		{"trust", got.Trust, want.Trust}, {"rank", got.Rank, want.Rank}, {"incentive", got.Incentive, want.Incentive},
		{"dividends", got.Dividends, want.Dividends}, {"miner emission", got.MinerEmission, want.MinerEmission},
		{"validator emission", got.ValidatorEmission, want.ValidatorEmission},
		{"pruning score", got.PruningScore, want.PruningScore},
	} {
		if math.Float64bits(f.got) != math.Float64bits(f.want) {
			add("uid %d: %s %v in the record, %v recomputed", got.UID, f.name, f.got, f.want)
		}
	}
	if got.Active != want.Active || got.ValidatorPermit != want.ValidatorPermit {
		add("uid %d: active/permit %v/%v in the record, %v/%v recomputed", got.UID, got.Active, got.ValidatorPermit, want.Active, want.ValidatorPermit)
	}
	if got.Emission != want.Emission {
		add("uid %d: emission %d in the record, %d recomputed", got.UID, got.Emission, want.Emission)
	}
}

func bondsEqual(a, b []Bond) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].UID != b[i].UID || math.Float64bits(a[i].Value) != math.Float64bits(b[i].Value) {
			return false
		}
	}
	return true
}
