package consensus

import (
	"fmt"
	"math"
)

// Default parameter values. They are subtensor's defaults (runtime
// `SubtensorInitial*` constants) expressed as fractions instead of u16 or
// parts per million.
const (
	// DefaultKappa is the share of active stake that must support a weight
	// for it to count in consensus. subtensor stores κ as u16 and its
	// default 32767/65535 is 0.4999924; Crucible uses exactly one half
	// (docs/CONSENSUS.md says what that changes).
	DefaultKappa = 0.5
	// DefaultBondsAlpha is the EMA rate of bonds: each epoch's new bonds
	// get this weight (subtensor: bonds_moving_average 900000 → α = 0.1).
	DefaultBondsAlpha = 0.1
	// DefaultBondsPenalty is β: bonds are built from weights clipped at
	// consensus (β = 1) rather than from raw weights (β = 0).
	DefaultBondsPenalty = 1.0
	// DefaultMaxValidators is how many uids, ranked by stake, hold a
	// validator permit.
	DefaultMaxValidators = 128
	// DefaultActivityCutoff is how many blocks after its last weights a
	// validator still counts as active.
	DefaultActivityCutoff = 5000
	// DefaultOwnerCut is the share of each epoch's emission that goes to
	// the subnet owner before miners and validators are paid (subtensor:
	// 11796/65535 ≈ 18%).
	DefaultOwnerCut = 0.18
	// DefaultAlphaLow and DefaultAlphaHigh bound liquid alpha's per-bond
	// EMA rates (subtensor: 45875/65535 and 58982/65535).
	DefaultAlphaLow  = 0.7
	DefaultAlphaHigh = 0.9
	// DefaultAlphaSigmoidSteepness shapes liquid alpha's sigmoid
	// (subtensor: 1000, used divided by −100).
	DefaultAlphaSigmoidSteepness = 1000
)

// Params are the tuning knobs of Yuma consensus for one subnet. Start from
// DefaultParams and change fields; Epoch checks them and reports the first
// invalid one.
type Params struct {
	// Kappa is κ in (0, 1]: the stake-weighted quantile, counted from the
	// top, that becomes a miner's consensus weight. Default 0.5 (median).
	Kappa float64 `json:"kappa"`
	// BondsAlpha is α in (0, 1]: how much of this epoch's bonds enter the
	// exponential moving average. Default 0.1.
	BondsAlpha float64 `json:"bonds_alpha"`
	// BondsPenalty is β in [0, 1]: bonds are built from
	// W + β·(clip(W) − W), so β = 1 gives no bonds for weight above
	// consensus. Default 1.
	BondsPenalty float64 `json:"bonds_penalty"`
	// MaxValidators is how many uids with non-zero stake, ranked by stake,
	// hold a validator permit. Only their weights count. Default 128.
	MaxValidators int `json:"max_validators"`
	// ActivityCutoff is in blocks: a uid whose last weights are older than
	// this has no active stake. Default 5000.
	ActivityCutoff uint64 `json:"activity_cutoff"`
	// StakeThreshold is in the same units as Input.Stake: smaller stakes
	// count as zero. Default 0.
	StakeThreshold float64 `json:"stake_threshold"`
	// OwnerCut in [0, 1] is the share of the epoch's emission paid to the
	// subnet owner before the miner/validator split. Default 0.18.
	OwnerCut float64 `json:"owner_cut"`
	// Yuma3 selects the Yuma 3 bond model: bonds are per-validator
	// proportions in [0, 1] that move toward the validator's own weights,
	// and dividends are weighted by the validator's stake. Default false
	// (classic Yuma).
	Yuma3 bool `json:"yuma3"`
	// LiquidAlpha, with Yuma3, gives every bond its own EMA rate between
	// AlphaLow and AlphaHigh: a sigmoid of how far the validator's weight
	// is above consensus (when buying into a miner) or its bond above its
	// weight (when selling). It applies only in epochs where some
	// consensus is non-zero. Default false.
	LiquidAlpha bool `json:"liquid_alpha"`
	// AlphaLow and AlphaHigh in (0, 1], low ≤ high, bound liquid alpha.
	// Defaults 0.7 and 0.9.
	AlphaLow  float64 `json:"alpha_low"`
	AlphaHigh float64 `json:"alpha_high"`
	// AlphaSigmoidSteepness is the steepness of liquid alpha's sigmoid,
	// in subtensor's units: the sigmoid's slope is −steepness/100.
	// Default 1000.
	AlphaSigmoidSteepness float64 `json:"alpha_sigmoid_steepness"`
}

// DefaultParams returns subtensor's default parameters for classic Yuma.
func DefaultParams() Params {
	return Params{
		Kappa:          DefaultKappa,
		BondsAlpha:     DefaultBondsAlpha,
		BondsPenalty:   DefaultBondsPenalty,
		MaxValidators:  DefaultMaxValidators,
		ActivityCutoff: DefaultActivityCutoff,
		OwnerCut:       DefaultOwnerCut,

		AlphaLow:              DefaultAlphaLow,
		AlphaHigh:             DefaultAlphaHigh,
		AlphaSigmoidSteepness: DefaultAlphaSigmoidSteepness,
	}
}

// validate reports the first parameter out of its documented range.
func (p Params) validate() error {
	check := func(name string, v, lo, hi float64, loOpen bool) error {
		if math.IsNaN(v) || v > hi || v < lo || (loOpen && v == lo) {
			open := "["
			if loOpen {
				open = "("
			}
			return fmt.Errorf("%w: %s = %v, want it in %s%v, %v]", ErrInvalidParams, name, v, open, lo, hi)
		}
		return nil
	}
	if err := check("kappa", p.Kappa, 0, 1, true); err != nil {
		return err
	}
	if err := check("bonds_alpha", p.BondsAlpha, 0, 1, true); err != nil {
		return err
	}
	if err := check("bonds_penalty", p.BondsPenalty, 0, 1, false); err != nil {
		return err
	}
	if err := check("owner_cut", p.OwnerCut, 0, 1, false); err != nil {
		return err
	}
	if err := check("stake_threshold", p.StakeThreshold, 0, math.MaxFloat64, false); err != nil {
		return err
	}
	if p.LiquidAlpha {
		if !p.Yuma3 {
			return fmt.Errorf("%w: liquid_alpha needs yuma3, whose bonds it moves", ErrInvalidParams)
		}
		if err := check("alpha_low", p.AlphaLow, 0, 1, true); err != nil {
			return err
		}
		if err := check("alpha_high", p.AlphaHigh, p.AlphaLow, 1, false); err != nil {
			return err
		}
		if math.IsNaN(p.AlphaSigmoidSteepness) || math.IsInf(p.AlphaSigmoidSteepness, 0) {
			return fmt.Errorf("%w: alpha_sigmoid_steepness = %v, want a finite number", ErrInvalidParams, p.AlphaSigmoidSteepness)
		}
	}
	if p.MaxValidators < 0 {
		return fmt.Errorf("%w: max_validators = %d, want 0 or more", ErrInvalidParams, p.MaxValidators)
	}
	return nil
}
