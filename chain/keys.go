package chain

import (
	"crypto/ecdsa"
	"encoding/base32"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
)

// LoadKey reads an account's private key from path: either a geth keystore
// file (JSON, encrypted with password) or a file holding the key as 64
// hex digits, as the dev chain writes them. A plain hex key file must not
// be readable by group or others.
func LoadKey(path, password string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key %s: %w", path, err)
	}
	if trimmed := strings.TrimSpace(string(b)); strings.HasPrefix(trimmed, "{") {
		k, err := keystore.DecryptKey(b, password)
		if err != nil {
			if errors.Is(err, keystore.ErrDecrypt) {
				return nil, fmt.Errorf("key %s: wrong password (give it with --password-file or CRUCIBLE_KEY_PASSWORD)", path)
			}
			return nil, fmt.Errorf("key %s: not a keystore file: %w", path, err)
		}
		return k.PrivateKey, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key %s is readable by others (mode %04o): run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	k, err := crypto.LoadECDSA(path)
	if err != nil {
		return nil, fmt.Errorf("key %s: want 64 hex digits or a keystore file: %w", path, err)
	}
	return k, nil
}

// AccountOf returns the address of key's account.
func AccountOf(key *ecdsa.PrivateKey) Address { return Address(keyAddress(key)) }

// The record CID. Epoch records are always CIDv1, dag-cbor, sha2-256, so
// the contract takes only the 32-byte digest; these turn it back into the
// CID's text form (base32, "bafyrei…") and back.
var recordCIDPrefix = []byte{0x01, 0x71, 0x12, 0x20}

var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// RecordCID returns the CID of the record whose root block has the given
// sha2-256 digest.
func RecordCID(digest Hash) string {
	return "b" + base32Lower.EncodeToString(append(append([]byte(nil), recordCIDPrefix...), digest[:]...))
}

// RecordDigest returns the sha2-256 digest in a record CID, which must be
// a CIDv1 dag-cbor sha2-256 CID in base32.
func RecordDigest(cid string) (Hash, error) {
	s, ok := strings.CutPrefix(strings.TrimSpace(cid), "b")
	if ok {
		b, err := base32Lower.DecodeString(s)
		if err == nil && len(b) == 36 && string(b[:4]) == string(recordCIDPrefix) {
			return Hash(b[4:]), nil
		}
	}
	return Hash{}, fmt.Errorf("record CID %q: want a CIDv1 dag-cbor sha2-256 CID in base32 (bafyrei…)", cid)
}
