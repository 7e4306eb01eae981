// Package consensus computes Yuma consensus and emission as pure functions
// over stake and weight matrices, bit for bit identical on every machine.
// It imports the standard library only.
//
// Epoch runs one epoch as subtensor does (classic Yuma, or Yuma 3 with
// Params.Yuma3, optionally with liquid alpha): validator permits by stake, weight masking and
// normalisation, the κ stake-weighted median that becomes each miner's
// consensus weight, clipping, validator trust, incentive, the bond EMA,
// dividends, and the split of the epoch's emission between the subnet
// owner, miners and validators. Scenario.Run carries bonds and block
// numbers from epoch to epoch for offline experiments.
//
// Arithmetic is float64, where subtensor uses 32.32 fixed point; every
// product that is then added is rounded explicitly, sums run in uid order,
// and payouts are split in 128-bit integers, so the result does not depend
// on the architecture or the Go compiler's fusing of multiply-adds.
// docs/CONSENSUS.md gives every formula with its source in subtensor and
// the size of the difference from fixed point.
package consensus
