package tasks

import (
	"crypto/ed25519"
	"crypto/sha512"
	"math/big"
	"slices"
)

// A little Ed25519 arithmetic over math/big, for tests only: enough to
// make a second valid signature of a message (with another nonce, as a
// randomising signer would) and to list the points of small order.
// Slow and not constant-time; never use it for anything else.

var (
	edP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	edL = func() *big.Int {
		l, _ := new(big.Int).SetString("27742317777372353535851937790883648493", 10)
		return l.Add(l, new(big.Int).Lsh(big.NewInt(1), 252))
	}()
	// edD is -121665/121666 mod p.
	edD = func() *big.Int {
		d := new(big.Int).ModInverse(big.NewInt(121666), edP)
		d.Mul(d, big.NewInt(-121665))
		return d.Mod(d, edP)
	}()
	// edSqrtM1 is a square root of -1: 2^((p-1)/4).
	edSqrtM1 = new(big.Int).Exp(big.NewInt(2), new(big.Int).Rsh(new(big.Int).Sub(edP, big.NewInt(1)), 2), edP)
	edBase   = func() edPoint {
		y := new(big.Int).Mul(big.NewInt(4), new(big.Int).ModInverse(big.NewInt(5), edP))
		p, _ := edFromY(y.Mod(y, edP), false)
		return p
	}()
	edIdentity = edPoint{big.NewInt(0), big.NewInt(1)}
)

// edPoint is a point of the curve in affine coordinates.
type edPoint struct{ x, y *big.Int }

// edAdd returns p+q with the complete twisted Edwards addition law.
func edAdd(p, q edPoint) edPoint {
	x1y2 := new(big.Int).Mul(p.x, q.y)
	y1x2 := new(big.Int).Mul(p.y, q.x)
	y1y2 := new(big.Int).Mul(p.y, q.y)
	x1x2 := new(big.Int).Mul(p.x, q.x)
	dxy := new(big.Int).Mul(edD, x1x2)
	dxy.Mul(dxy, y1y2).Mod(dxy, edP)
	x := new(big.Int).Add(x1y2, y1x2)
	x.Mul(x, new(big.Int).ModInverse(new(big.Int).Add(big.NewInt(1), dxy), edP))
	y := new(big.Int).Add(y1y2, x1x2)
	y.Mul(y, new(big.Int).ModInverse(new(big.Int).Mod(new(big.Int).Sub(big.NewInt(1), dxy), edP), edP))
	return edPoint{x.Mod(x, edP), y.Mod(y, edP)}
}

// edMul returns [k]p.
func edMul(k *big.Int, p edPoint) edPoint {
	r := edIdentity
	for i := k.BitLen() - 1; i >= 0; i-- {
		r = edAdd(r, r)
		if k.Bit(i) == 1 {
			r = edAdd(r, p)
		}
	}
	return r
}

// edFromY returns the point with coordinate y and the sign of x, if any.
func edFromY(y *big.Int, negative bool) (edPoint, bool) {
	y2 := new(big.Int).Mul(y, y)
	u := new(big.Int).Sub(y2, big.NewInt(1))
	v := new(big.Int).Add(new(big.Int).Mul(edD, y2), big.NewInt(1))
	x2 := new(big.Int).Mul(u, new(big.Int).ModInverse(v.Mod(v, edP), edP))
	x2.Mod(x2, edP)
	x := new(big.Int).Exp(x2, new(big.Int).Rsh(new(big.Int).Add(edP, big.NewInt(3)), 3), edP)
	if new(big.Int).Mod(new(big.Int).Mul(x, x), edP).Cmp(x2) != 0 {
		x.Mul(x, edSqrtM1).Mod(x, edP)
	}
	if new(big.Int).Mod(new(big.Int).Mul(x, x), edP).Cmp(x2) != 0 {
		return edPoint{}, false
	}
	if (x.Bit(0) == 1) != negative {
		x.Sub(edP, x).Mod(x, edP)
	}
	return edPoint{x, new(big.Int).Set(y)}, true
}

// edEncode returns the 32-byte encoding of p: y little-endian, the sign of
// x in bit 255.
func edEncode(p edPoint) [32]byte {
	var out [32]byte
	p.y.FillBytes(out[:])
	slices.Reverse(out[:])
	out[31] |= byte(p.x.Bit(0)) << 7
	return out
}

// scalar reads a little-endian byte string as an integer mod L.
func scalar(le []byte) *big.Int {
	be := slices.Clone(le)
	slices.Reverse(be)
	return new(big.Int).Mod(new(big.Int).SetBytes(be), edL)
}

// signWithNonce signs msg with the key of seed as RFC 8032 does, except
// that the nonce is derived from nonce rather than from the key and msg:
// another valid signature of the same message by the same key.
func signWithNonce(seed, msg, nonce []byte) []byte {
	h := sha512.Sum512(seed)
	h[0] &= 248
	h[31] &= 127
	h[31] |= 64
	a := scalar(h[:32])
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	rh := sha512.Sum512(append(append([]byte("other nonce"), nonce...), msg...))
	r := scalar(rh[:])
	rEnc := edEncode(edMul(r, edBase))
	kh := sha512.New()
	kh.Write(rEnc[:])
	kh.Write(pub)
	kh.Write(msg)
	k := scalar(kh.Sum(nil))
	s := new(big.Int).Mul(k, a)
	s.Add(s, r).Mod(s, edL)
	var sLE [32]byte
	s.FillBytes(sLE[:])
	slices.Reverse(sLE[:])
	return append(rEnc[:], sLE[:]...)
}
