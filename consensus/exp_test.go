package consensus

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestExp: the portable exp agrees with math.Exp to within two units in
// the last place (amd64's assembly math.Exp differs from the portable
// algorithm by that much, which is why consensus carries its own).
func TestExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(x float64) {
		got, want := exp(x), math.Exp(x)
		if got == want {
			return
		}
		if ulp := math.Abs(math.Nextafter(want, math.Inf(1)) - want); math.Abs(got-want) > 2*ulp {
			t.Fatalf("exp(%v) = %v, math.Exp = %v: more than two ulps apart", x, got, want)
		}
	}
	for range 100_000 {
		check(rng.Float64()*40 - 20)
		check(rng.Float64()*1400 - 700)
	}
	for _, x := range []float64{0, -0.0, 1, -1, 1e-300, 709, -745, 0.5, -5, 5} {
		check(x)
	}
	if !math.IsInf(exp(1000), 1) || exp(-1000) != 0 || !math.IsNaN(exp(math.NaN())) {
		t.Fatal("special cases")
	}
}

// TestExpIsGoPortableExp: on amd64, where nothing is fused, the explicit
// roundings change nothing, so exp must equal a verbatim copy of Go's
// portable algorithm bit for bit: the transcription is exact.
func TestExpIsGoPortableExp(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the verbatim copy may be fused on " + runtime.GOARCH)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		x := rng.Float64()*1400 - 700
		if got, want := exp(x), goPortableExp(x); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("exp(%v) = %v, Go's portable exp = %v", x, got, want)
		}
	}
}

// goPortableExp is math/exp.go's exp and expmulti, verbatim, for x in
// the normal range.
func goPortableExp(x float64) float64 {
	const (
		Ln2Hi = 6.93147180369123816490e-01
		Ln2Lo = 1.90821492927058770002e-10
		Log2e = 1.44269504088896338700e+00
		P1    = 1.66666666666666657415e-01
		P2    = -2.77777777770155933842e-03
		P3    = 6.61375632143793436117e-05
		P4    = -1.65339022054652515390e-06
		P5    = 4.13813679705723846039e-08
	)
	var k int
	switch {
	case x < 0:
		k = int(Log2e*x - 0.5)
	case x > 0:
		k = int(Log2e*x + 0.5)
	}
	hi := x - float64(k)*Ln2Hi
	lo := float64(k) * Ln2Lo
	r := hi - lo
	t := r * r
	c := r - t*(P1+t*(P2+t*(P3+t*(P4+t*P5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}
