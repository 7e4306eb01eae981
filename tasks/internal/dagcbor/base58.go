package dagcbor

import (
	"errors"
	"fmt"
)

// Base58 is Bitcoin's base58 (base58btc): the text of a CIDv0 and of a
// libp2p peer ID. It lives here, the one place that parses identifiers, so
// that package tasks (peer IDs) and ParseLink (CIDv0) share one
// implementation and one table.

// base58Alphabet is Bitcoin's base58 alphabet.
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Index maps a character to its digit, or -1; built once rather than
// per call, since ParseLink and ParsePeerID run on every gossiped text.
var base58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// ErrBase58 reports text that is not base58btc.
var ErrBase58 = errors.New("not base58btc")

// Base58Encode encodes b in base58btc: each leading zero byte becomes '1',
// the rest is the big-endian number in base 58.
func Base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.38: digits needed for the non-zero part.
	digits := make([]byte, (len(b)-zeros)*138/100+1)
	n := 0 // digits in use, least significant first
	for _, c := range b[zeros:] {
		carry := int(c)
		for i := 0; i < n; i++ {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits[n] = byte(carry % 58)
			carry /= 58
			n++
		}
	}
	out := make([]byte, zeros+n)
	for i := 0; i < zeros; i++ {
		out[i] = '1'
	}
	for i := 0; i < n; i++ {
		out[zeros+i] = base58Alphabet[digits[n-1-i]]
	}
	return string(out)
}

// Base58Decode is the inverse of Base58Encode. Its cost is quadratic in
// len(s), so callers bound the text first (ParseLink hands it 46
// characters, ParsePeerID at most 64).
//
// # Errors
//
// ErrBase58 for empty text or a character outside the alphabet.
func Base58Decode(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrBase58)
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.733: bytes needed for the rest.
	num := make([]byte, (len(s)-zeros)*733/1000+1)
	n := 0 // bytes in use, least significant first
	for i := zeros; i < len(s); i++ {
		d := base58Index[s[i]]
		if d < 0 {
			return nil, fmt.Errorf("%w: character %q at %d", ErrBase58, s[i], i)
		}
		carry := int(d)
		for j := 0; j < n; j++ {
			carry += int(num[j]) * 58
			num[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			num[n] = byte(carry)
			carry >>= 8
			n++
		}
	}
	out := make([]byte, zeros+n)
	for i := 0; i < n; i++ {
		out[zeros+i] = num[n-1-i]
	}
	return out, nil
}
