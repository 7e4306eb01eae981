package consensus

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzEpoch feeds Epoch subnets decoded from arbitrary bytes: any stake,
// weight or bond bits (NaN, infinities, negatives, subnormals), uids in and
// out of range, duplicates, any parameters. Epoch must never panic; it
// either refuses the input with an error or returns a result whose
// normalised vectors sum to 1 or 0 and whose payouts add up.
//
//	go test ./consensus -run '^$' -fuzz FuzzEpoch
func FuzzEpoch(f *testing.F) {
	seed := func(vals ...uint64) []byte {
		b := make([]byte, 0, 8*len(vals))
		for _, v := range vals {
			b = binary.LittleEndian.AppendUint64(b, v)
		}
		return b
	}
	one, half := math.Float64bits(1), math.Float64bits(0.5)
	f.Add(uint8(4), uint8(3), seed(one, 2*one, 0, 0, one, half, one))
	f.Add(uint8(8), uint8(255), seed(one, math.Float64bits(math.NaN()), one, one))
	f.Add(uint8(1), uint8(0), []byte{})
	f.Add(uint8(16), uint8(7), seed(math.Float64bits(-1), one, math.Float64bits(math.Inf(1))))
	f.Fuzz(func(t *testing.T, n, flags uint8, data []byte) {
		n %= 17
		next := func() uint64 {
			if len(data) < 8 {
				data = nil
				return 0
			}
			v := binary.LittleEndian.Uint64(data)
			data = data[8:]
			return v
		}
		value := func() float64 {
			v := next()
			if flags&1 == 0 {
				// Mostly ordinary values: small integers and fractions.
				return float64(v%7) / float64(1+v%3)
			}
			return math.Float64frombits(v)
		}
		p := DefaultParams()
		p.Kappa = float64(1+next()%10) / 10
		p.BondsPenalty = float64(next()%3) / 2
		p.MaxValidators = int(next() % 20)
		p.Yuma3 = flags&2 != 0
		p.LiquidAlpha = p.Yuma3 && flags&4 != 0
		in := &Input{Stake: make([]float64, n), Block: next() % 20_000, Tempo: next() % 1000, Emission: next()}
		for i := range in.Stake {
			in.Stake[i] = value()
		}
		in.Weights = make(Matrix, n)
		in.Bonds = make(Matrix, n)
		for i := range int(n) {
			for range next() % 5 {
				uid := uint32(next() % uint64(n+2)) // sometimes out of range
				in.Weights[i] = append(in.Weights[i], Entry{uid, value()})
			}
			if flags&8 != 0 {
				for range next() % 3 {
					in.Bonds[i] = append(in.Bonds[i], Entry{uint32(next() % uint64(n+1)), value()})
				}
			}
		}
		if flags&16 != 0 {
			in.LastUpdate = make([]uint64, n)
			in.RegisteredAt = make([]uint64, n)
			for i := range int(n) {
				in.LastUpdate[i], in.RegisteredAt[i] = next()%20_000, next()%20_000
			}
		}
		r, err := Epoch(p, in)
		if err != nil {
			return
		}
		for _, v := range [][]float64{r.Stake, r.ActiveStake, r.Incentive, r.Dividends, r.PruningScore} {
			if s := sum(v); s != 0 && math.Abs(s-1) > 1e-9 {
				t.Fatalf("a normalised vector sums to %v: %v", s, v)
			}
		}
		paid := r.OwnerEmission + r.Unallocated
		for _, e := range r.Emission {
			paid += e
		}
		if paid != in.Emission {
			t.Fatalf("paid %d of %d", paid, in.Emission)
		}
	})
}
