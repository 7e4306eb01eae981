package consensus

import (
	"errors"
	"fmt"
)

// Scenario defaults.
const (
	// DefaultTempo is the epoch length in blocks of a Scenario.
	DefaultTempo = 360
	// DefaultEmission is what a Scenario pays out per epoch.
	DefaultEmission = 1_000_000_000
)

// Scenario is a sequence of epochs of one subnet, for trying an incentive
// design offline: `crucible consensus simulate` reads it from JSON. Epoch e
// (counting from 1) ends at block e·Tempo; bonds carry from each epoch to
// the next.
type Scenario struct {
	// Params for every epoch. Fill it with DefaultParams before decoding
	// JSON into the scenario, so a file overrides only what it names.
	Params Params `json:"params"`
	// Names label the uids in output; optional.
	Names []string `json:"names,omitempty"`
	// Tempo is the epoch length in blocks (default DefaultTempo).
	Tempo uint64 `json:"tempo,omitempty"`
	// Emission is paid out each epoch (default DefaultEmission).
	Emission uint64 `json:"emission,omitempty"`
	// Owner is the subnet owner's uid, if it holds one.
	Owner *uint32 `json:"owner,omitempty"`
	// Epochs in order.
	Epochs []ScenarioEpoch `json:"epochs"`
}

// ScenarioEpoch is one epoch of a Scenario, or several identical ones.
type ScenarioEpoch struct {
	// Stake of every uid; it also fixes the subnet size. Omitted: the
	// previous epoch's.
	Stake []float64 `json:"stake,omitempty"`
	// Weights are dense rows: Weights[i][j] is the weight uid i gives uid
	// j. A missing or null row means uid i revealed no weights this epoch,
	// so its last update stays where it was; rows may be shorter than the
	// subnet.
	Weights [][]float64 `json:"weights"`
	// Register lists uids that (re)register at the start of this epoch
	// (the first, if it repeats): weights set for them before it and bonds
	// held in them are dropped.
	Register []uint32 `json:"register,omitempty"`
	// Repeat runs this epoch this many times (default 1).
	Repeat int `json:"repeat,omitempty"`
}

// EpochResult is one simulated epoch.
type EpochResult struct {
	Epoch  int     `json:"epoch"`
	Block  uint64  `json:"block"`
	Result *Result `json:"result"`
}

// ErrScenario means a Scenario is malformed; the message says where.
var ErrScenario = errors.New("invalid scenario")

// Run simulates the scenario epoch by epoch, feeding each epoch's bonds to
// the next, and returns every epoch's result.
func (s *Scenario) Run() ([]EpochResult, error) {
	tempo, emission := s.Tempo, s.Emission
	if tempo == 0 {
		tempo = DefaultTempo
	}
	if emission == 0 {
		emission = DefaultEmission
	}
	if len(s.Epochs) == 0 {
		return nil, fmt.Errorf("%w: no epochs", ErrScenario)
	}
	if len(s.Epochs[0].Stake) == 0 {
		return nil, fmt.Errorf("%w: the first epoch must give the stake of every uid", ErrScenario)
	}
	var (
		out          []EpochResult
		stake        []float64
		bonds        Matrix
		lastUpdate   []uint64
		registeredAt []uint64
		epoch        int
	)
	for k, se := range s.Epochs {
		if se.Stake != nil {
			if stake != nil && len(se.Stake) != len(stake) {
				return nil, fmt.Errorf("%w: epoch entry %d has %d stakes, the subnet has %d uids", ErrScenario, k+1, len(se.Stake), len(stake))
			}
			stake = se.Stake
		}
		n := len(stake)
		if lastUpdate == nil {
			lastUpdate, registeredAt = make([]uint64, n), make([]uint64, n)
		}
		if len(s.Names) > 0 && len(s.Names) != n {
			return nil, fmt.Errorf("%w: %d names for %d uids", ErrScenario, len(s.Names), n)
		}
		if len(se.Weights) > n {
			return nil, fmt.Errorf("%w: epoch entry %d has %d weight rows for %d uids", ErrScenario, k+1, len(se.Weights), n)
		}
		weights := Dense(se.Weights)
		for i, row := range se.Weights {
			if len(row) > n {
				return nil, fmt.Errorf("%w: epoch entry %d: row %d has %d weights for %d uids", ErrScenario, k+1, i, len(row), n)
			}
		}
		repeat := max(se.Repeat, 1)
		for rep := range repeat {
			epoch++
			block := uint64(epoch) * tempo
			for _, uid := range se.Register {
				if rep > 0 {
					break // a repeated epoch registers only in its first run
				}
				if int64(uid) >= int64(n) {
					return nil, fmt.Errorf("%w: epoch entry %d registers uid %d in a subnet of %d", ErrScenario, k+1, uid, n)
				}
				registeredAt[uid] = block - tempo
			}
			for i, row := range se.Weights {
				if row != nil {
					lastUpdate[i] = block
				}
			}
			in := &Input{
				Stake: stake, Weights: weights, Bonds: bonds,
				LastUpdate: lastUpdate, RegisteredAt: registeredAt,
				Block: block, Tempo: tempo, Owner: s.Owner, Emission: emission,
			}
			r, err := Epoch(s.Params, in)
			if err != nil {
				return nil, fmt.Errorf("epoch %d: %w", epoch, err)
			}
			bonds = r.Bonds
			out = append(out, EpochResult{Epoch: epoch, Block: block, Result: r})
		}
	}
	return out, nil
}
