package consensus

import (
	"fmt"
	"testing"
)

// BenchmarkEpoch runs one epoch with bonds carried from a previous one.
// Sizes are validators×uids: 64×256 is a typical subnet, 256×4096 the
// largest subtensor allows. Dense: every validator weights every uid;
// sparse: each weights 5% of them. Run it on one core:
//
//	go test -run '^$' -bench Epoch -benchmem -cpu 1 ./consensus/
func BenchmarkEpoch(b *testing.B) {
	for _, size := range []struct{ v, n int }{{64, 256}, {256, 4096}} {
		for _, d := range []struct {
			name    string
			density float64
		}{{"dense", 1}, {"sparse", 0.05}} {
			b.Run(fmt.Sprintf("%dx%d/%s", size.v, size.n, d.name), func(b *testing.B) {
				p := DefaultParams()
				p.MaxValidators = size.v
				in := randomSubnet(7, size.n, size.v, d.density)
				r, err := Epoch(p, in)
				if err != nil {
					b.Fatal(err)
				}
				in.Bonds = r.Bonds
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Epoch(p, in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkReference runs the dense transliteration of subtensor that the
// property tests compare against, for scale: it is what a direct port
// costs.
func BenchmarkReference(b *testing.B) {
	p := DefaultParams()
	p.MaxValidators = 64
	in := randomSubnet(7, 256, 64, 1)
	r, err := Epoch(p, in)
	if err != nil {
		b.Fatal(err)
	}
	in.Bonds = r.Bonds
	b.Run("64x256/dense", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			referenceEpoch(p, in)
		}
	})
}
