package node

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/crucible-net/crucible/tasks"
)

// What the API shows of a subnet: its metagraph (the chain's neurons with
// the results of the last epoch record this node built) and its epoch
// records.

// ErrNotFollowed: the node does not follow the subnet asked about.
var ErrNotFollowed = errors.New("subnet not followed")

// MetagraphNeuron is one uid of a subnet: its registration on chain now,
// and its results in the last finished epoch (zero if it was not in it).
type MetagraphNeuron struct {
	UID     uint32 `json:"uid"`
	Peer    string `json:"peer"`
	Account string `json:"account"`
	// Stake is the stake on chain now, in wei.
	Stake  string `json:"stake"`
	Active bool   `json:"active"`
	// The rest are from the last epoch's record.
	NeuronResult
}

// NeuronResult is a neuron's consensus result in one epoch, as the
// metagraph and a record's view show it.
type NeuronResult struct {
	ValidatorPermit bool    `json:"validator_permit"`
	ValidatorTrust  float64 `json:"validator_trust"`
	Consensus       float64 `json:"consensus"`
	Trust           float64 `json:"trust"`
	Incentive       float64 `json:"incentive"`
	Dividends       float64 `json:"dividends"`
	// Emission is the epoch's payout, in gwei.
	Emission uint64 `json:"emission"`
}

func resultOf(r tasks.Result) NeuronResult {
	return NeuronResult{ValidatorPermit: r.ValidatorPermit, ValidatorTrust: r.ValidatorTrust, Consensus: r.Consensus, Trust: r.Trust,
		Incentive: r.Incentive, Dividends: r.Dividends, Emission: r.Emission}
}

// Metagraph is GET /v1/subnets/{subnet}/metagraph.
type Metagraph struct {
	Subnet uint64 `json:"subnet"`
	Name   string `json:"name"`
	// Head is the chain block the neurons were read at.
	Head uint64 `json:"head"`
	// Epoch and Record name the last finished epoch this node built a
	// record of, if any.
	Epoch   *uint64           `json:"epoch,omitempty"`
	Record  string            `json:"record,omitempty"`
	Anchor  string            `json:"anchor,omitempty"`
	Neurons []MetagraphNeuron `json:"neurons"`
}

// follower returns the follower of subnet.
func (n *Node) follower(subnet uint64) (*follower, error) {
	n.followMu.Lock()
	defer n.followMu.Unlock()
	f := n.followers[subnet]
	if f == nil {
		return nil, fmt.Errorf("%w: this node does not follow subnet %d (add it to the subnets key)", ErrNotFollowed, subnet)
	}
	return f, nil
}

// Metagraph returns a subnet's metagraph.
func (n *Node) Metagraph(ctx context.Context, subnet uint64) (Metagraph, error) {
	f, err := n.follower(subnet)
	if err != nil {
		return Metagraph{}, err
	}
	head, err := n.chain.Confirmed(ctx)
	if err != nil {
		return Metagraph{}, err
	}
	cns, err := n.chain.NeuronsAt(ctx, subnet, head)
	if err != nil {
		return Metagraph{}, err
	}
	mg := Metagraph{Subnet: subnet, Name: f.manifest.Name, Head: head, Neurons: []MetagraphNeuron{}}
	results := map[string]tasks.Result{} // by uid and peer
	eps, err := n.Epochs(subnet)
	if err != nil {
		return Metagraph{}, err
	}
	if len(eps) > 0 {
		last := eps[0]
		mg.Epoch, mg.Record, mg.Anchor = &last.Epoch, last.Record, last.Anchor
		rec, err := n.Record(ctx, last.Record)
		if err != nil {
			return Metagraph{}, err
		}
		peers := map[uint32]tasks.PeerID{}
		for _, nr := range rec.Contents.Neurons {
			peers[nr.UID] = nr.Peer
		}
		for _, r := range rec.Contents.Results {
			results[fmt.Sprint(r.UID, peers[r.UID])] = r
		}
	}
	for _, c := range cns {
		m := MetagraphNeuron{UID: c.UID, Account: c.Account.String(), Stake: c.Stake.String(), Active: c.Active}
		if p, err := tasks.PeerIDFromBytes(c.PeerID); err == nil {
			m.Peer = p.String()
			if r, ok := results[fmt.Sprint(c.UID, p)]; ok {
				m.NeuronResult = resultOf(r)
			}
		}
		mg.Neurons = append(mg.Neurons, m)
	}
	return mg, nil
}

// Record reads an epoch record by CID from the store, fetching the blocks
// it lacks from peers, and checks it (tasks.ReadRecord).
func (n *Node) Record(ctx context.Context, cid string) (*tasks.Record, error) {
	l, err := tasks.ParseLink(cid)
	if err != nil {
		return nil, err
	}
	fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	return tasks.ReadRecord(fctx, l, fetchBlocks{n})
}

// RecordView is GET /v1/records/{cid}: an epoch record's header, its
// consensus results, weights and evaluations, in JSON.
type RecordView struct {
	CID       string             `json:"cid"`
	Root      string             `json:"root"`
	Size      uint64             `json:"size"`
	Subnet    uint64             `json:"subnet"`
	Epoch     uint64             `json:"epoch"`
	Manifest  string             `json:"manifest"`
	Seed      string             `json:"seed"`
	Prev      string             `json:"prev,omitempty"`
	Start     uint64             `json:"start"`
	Emission  uint64             `json:"emission"`
	Fallback  bool               `json:"stake_fallback"`
	Neurons   []RecordNeuron     `json:"neurons"`
	Tasks     int                `json:"tasks"`
	Answers   int                `json:"answers"`
	Weights   []RecordWeights    `json:"weights"`
	Evals     []RecordEvaluation `json:"evaluations"`
	Equivocal []string           `json:"equivocations,omitempty"`
}

// RecordNeuron is a neuron of a record with its result.
type RecordNeuron struct {
	UID   uint32 `json:"uid"`
	Peer  string `json:"peer"`
	Stake uint64 `json:"stake_gwei"`
	NeuronResult
}

// RecordWeights is a validator's revealed weights.
type RecordWeights struct {
	Validator string            `json:"validator"`
	Weights   map[uint32]uint16 `json:"weights"`
}

// RecordEvaluation is one evaluation of a record.
type RecordEvaluation struct {
	Validator string  `json:"validator"`
	Miner     string  `json:"miner"`
	Task      string  `json:"task"`
	Output    string  `json:"output"`
	Score     float64 `json:"score"`
	Fuel      uint64  `json:"fuel"`
	Error     string  `json:"error,omitempty"`
}

// viewRecord is the JSON view of rec.
func viewRecord(rec *tasks.Record) RecordView {
	c := rec.Contents
	h := c.Header
	v := RecordView{CID: rec.Link.String(), Root: hex.EncodeToString(rec.Root.Root[:]), Size: rec.Root.Size,
		Subnet: h.Subnet, Epoch: h.Epoch, Manifest: h.Manifest.String(), Seed: hex.EncodeToString(h.Seed[:]), Start: h.Start,
		Emission: h.Outcome.Emission, Fallback: h.Outcome.StakeFallback, Tasks: len(c.Tasks), Answers: len(c.SubmissionReveals),
		Neurons: []RecordNeuron{}, Weights: []RecordWeights{}, Evals: []RecordEvaluation{}}
	if h.Prev.Defined() {
		v.Prev = h.Prev.String()
	}
	results := map[uint32]tasks.Result{}
	for _, r := range c.Results {
		results[r.UID] = r
	}
	for _, nr := range c.Neurons {
		v.Neurons = append(v.Neurons, RecordNeuron{UID: nr.UID, Peer: nr.Peer.String(), Stake: nr.Stake, NeuronResult: resultOf(results[nr.UID])})
	}
	for _, r := range c.WeightReveals {
		ws := RecordWeights{Validator: r.Validator.String(), Weights: map[uint32]uint16{}}
		for _, w := range r.Weights {
			ws.Weights[w.UID] = w.Value
		}
		v.Weights = append(v.Weights, ws)
	}
	for _, e := range c.Evaluations {
		v.Evals = append(v.Evals, RecordEvaluation{Validator: e.Validator.String(), Miner: e.Miner.String(), Task: e.Task.String(),
			Output: e.Output.String(), Score: e.Score, Fuel: e.Fuel, Error: e.Error})
	}
	for _, e := range c.Equivocations {
		v.Equivocal = append(v.Equivocal, e.Validator().String())
	}
	slices.SortFunc(v.Neurons, func(a, b RecordNeuron) int { return int(a.UID) - int(b.UID) })
	return v
}
