package consensus

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Errors returned by Epoch for input it refuses. Each is wrapped with the
// position of the offending value.
var (
	// ErrInvalidParams means a Params field is out of its range.
	ErrInvalidParams = errors.New("invalid parameters")
	// ErrInvalidValue means a stake, weight or bond is NaN, infinite or
	// negative.
	ErrInvalidValue = errors.New("invalid value")
	// ErrUIDOutOfRange means a weight or bond names a uid at or beyond the
	// subnet size, or there are more rows than uids.
	ErrUIDOutOfRange = errors.New("uid out of range")
	// ErrDuplicateUID means a weight or bond row names one uid twice.
	ErrDuplicateUID = errors.New("duplicate uid in row")
	// ErrShape means a per-uid vector does not have one entry per uid.
	ErrShape = errors.New("vector length differs from subnet size")
)

// Entry is one non-zero cell of a sparse row: the column uid and its value.
type Entry struct {
	UID   uint32  `json:"uid"`
	Value float64 `json:"value"`
}

// Matrix is a sparse square matrix over a subnet's uids: row i lists the
// non-zero cells of uid i. A Matrix may have fewer rows than the subnet has
// uids; missing rows are empty. Epoch accepts cells in any order and
// returns rows sorted by uid.
type Matrix [][]Entry

// Dense converts a dense matrix into a Matrix, dropping zero cells. It is
// for callers that think in full rows; Epoch itself only sees sparse rows,
// so a dense and a sparse description of the same weights give the same
// result bit for bit.
func Dense(rows [][]float64) Matrix {
	m := make(Matrix, len(rows))
	for i, row := range rows {
		for j, v := range row {
			if v != 0 {
				m[i] = append(m[i], Entry{UID: uint32(j), Value: v})
			}
		}
	}
	return m
}

// Input is what one epoch of Yuma consensus reads: the subnet's uids with
// their stake, the weights validators revealed, the bonds the previous
// epoch returned, and the block numbers that decide who is active and
// whose weights are outdated.
type Input struct {
	// Stake of each uid, in any unit (the chain's), ≥ 0. Its length is the
	// subnet size n.
	Stake []float64 `json:"stake"`
	// Weights is row i: the weights uid i set for other uids, ≥ 0, in any
	// scale (rows are normalised).
	Weights Matrix `json:"weights"`
	// Bonds are the previous epoch's Result.Bonds; nil on the first epoch.
	Bonds Matrix `json:"bonds,omitempty"`
	// LastUpdate is the block at which each uid last set weights. Nil means
	// every uid set them at Block. Weights set at or before the block at
	// which their target registered do not count.
	LastUpdate []uint64 `json:"last_update,omitempty"`
	// RegisteredAt is the block at which each uid was last registered. Nil
	// means every uid was registered at block 0.
	RegisteredAt []uint64 `json:"registered_at,omitempty"`
	// Block is the block at which the epoch is computed.
	Block uint64 `json:"block"`
	// Tempo is the epoch length in blocks; bonds to uids registered within
	// the last tempo are dropped.
	Tempo uint64 `json:"tempo"`
	// Owner is the subnet owner's uid, if it holds one: its self-weight is
	// kept (subtensor lets the owner burn emission this way).
	Owner *uint32 `json:"owner,omitempty"`
	// Emission is the amount paid out this epoch, in the chain's smallest
	// unit.
	Emission uint64 `json:"emission"`
}

// checked is an Input after validation, with rows sorted and the optional
// vectors filled in.
type checked struct {
	n            int
	stake        []float64
	weights      Matrix
	bonds        Matrix
	lastUpdate   []uint64
	registeredAt []uint64
}

// check validates in and returns sorted, defaulted copies of what Epoch
// needs. It never modifies in.
func (in *Input) check() (*checked, error) {
	n := len(in.Stake)
	if uint64(n) > math.MaxUint32 {
		return nil, fmt.Errorf("%w: %d uids", ErrUIDOutOfRange, n)
	}
	for i, s := range in.Stake {
		if err := checkValue(s); err != nil {
			return nil, fmt.Errorf("stake of uid %d: %w", i, err)
		}
	}
	c := &checked{n: n, stake: in.Stake, lastUpdate: in.LastUpdate, registeredAt: in.RegisteredAt}
	if c.lastUpdate == nil {
		c.lastUpdate = make([]uint64, n)
		for i := range c.lastUpdate {
			c.lastUpdate[i] = in.Block
		}
	}
	if c.registeredAt == nil {
		c.registeredAt = make([]uint64, n)
	}
	if len(c.lastUpdate) != n {
		return nil, fmt.Errorf("%w: last_update has %d entries for %d uids", ErrShape, len(c.lastUpdate), n)
	}
	if len(c.registeredAt) != n {
		return nil, fmt.Errorf("%w: registered_at has %d entries for %d uids", ErrShape, len(c.registeredAt), n)
	}
	if in.Owner != nil && int64(*in.Owner) >= int64(n) {
		return nil, fmt.Errorf("%w: owner uid %d in a subnet of %d", ErrUIDOutOfRange, *in.Owner, n)
	}
	var err error
	if c.weights, err = checkMatrix("weights", in.Weights, n); err != nil {
		return nil, err
	}
	if c.bonds, err = checkMatrix("bonds", in.Bonds, n); err != nil {
		return nil, err
	}
	return c, nil
}

func checkValue(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("%w: %v (want a finite number ≥ 0)", ErrInvalidValue, v)
	}
	return nil
}

// checkMatrix returns m padded to n rows, each sorted by uid, after
// checking every cell. Rows already sorted are shared, not copied.
func checkMatrix(name string, m Matrix, n int) (Matrix, error) {
	if len(m) > n {
		return nil, fmt.Errorf("%w: %s has %d rows for %d uids", ErrUIDOutOfRange, name, len(m), n)
	}
	out := make(Matrix, n)
	for i, row := range m {
		sorted := true
		for k, e := range row {
			if int64(e.UID) >= int64(n) {
				return nil, fmt.Errorf("%s row %d: %w: uid %d in a subnet of %d", name, i, ErrUIDOutOfRange, e.UID, n)
			}
			if err := checkValue(e.Value); err != nil {
				return nil, fmt.Errorf("%s[%d][%d]: %w", name, i, e.UID, err)
			}
			if k > 0 && row[k-1].UID >= e.UID {
				sorted = false
			}
		}
		if !sorted {
			row = slices.Clone(row)
			slices.SortStableFunc(row, func(a, b Entry) int { return cmpUID(a.UID, b.UID) })
		}
		for k := 1; k < len(row); k++ {
			if row[k-1].UID == row[k].UID {
				return nil, fmt.Errorf("%s row %d: %w: uid %d", name, i, ErrDuplicateUID, row[k].UID)
			}
		}
		out[i] = row
	}
	return out, nil
}

func cmpUID(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
