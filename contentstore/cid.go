package contentstore

import (
	"fmt"
	"strings"

	"github.com/ipfs/boxo/verifcid"
	cid "github.com/ipfs/go-cid"
)

// ParseCID parses a CID string (CIDv0 "Qm…" or CIDv1 in any multibase)
// and checks that its hash function is one the store accepts.
//
// # Errors
//
// Every failure wraps [ErrInvalidCID] with the offending string.
func ParseCID(s string) (cid.Cid, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return cid.Undef, fmt.Errorf("%w: empty string; want a CID such as bafkrei… or Qm…", ErrInvalidCID)
	}
	c, err := cid.Decode(t)
	if err != nil {
		// go-cid prefixes its reasons with "invalid cid: ", sometimes
		// twice; the sentinel already says it.
		why := err.Error()
		for {
			rest, ok := strings.CutPrefix(why, "invalid cid: ")
			if !ok {
				break
			}
			why = rest
		}
		return cid.Undef, fmt.Errorf("%w %q (%s); want a CID such as bafkrei… or Qm…", ErrInvalidCID, s, why)
	}
	if err := verifcid.ValidateCid(verifcid.DefaultAllowlist, c); err != nil {
		return cid.Undef, fmt.Errorf("%w %q: %v", ErrInvalidCID, s, err)
	}
	return c, nil
}
