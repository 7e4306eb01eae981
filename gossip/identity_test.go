package gossip

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
)

func TestLoadIdentityCreatesAndKeeps(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(IdentityPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("identity file mode %04o, want 0600", st.Mode().Perm())
	}
	if dst, _ := os.Stat(filepath.Dir(IdentityPath(dir))); dst.Mode().Perm() != 0o700 {
		t.Errorf("keys directory mode %04o, want 0700", dst.Mode().Perm())
	}
	b, err := LoadIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a.PeerID() != b.PeerID() {
		t.Fatalf("identity changed across loads: %s then %s", a.PeerID(), b.PeerID())
	}
	sig, err := a.Sign([]byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := crypto.UnmarshalEd25519PublicKey(b.PublicKey())
	if ok, _ := pub.Verify([]byte("m"), sig); !ok {
		t.Error("signature does not verify with the public key")
	}
}

func TestLoadIdentityConcurrentCreatorsAgree(t *testing.T) {
	dir := t.TempDir()
	ids := make([]PeerID, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			id, err := LoadIdentity(dir)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = id.PeerID()
		})
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("concurrent first loads made different identities: %s and %s", ids[0], id)
		}
	}
}

func TestLoadIdentityRefusesBadFiles(t *testing.T) {
	rsa, _, err := crypto.GenerateSecp256k1Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	secp, _ := crypto.MarshalPrivateKey(rsa)
	cases := []struct {
		name    string
		content []byte
		mode    os.FileMode
		want    error
	}{
		{"group readable", nil, 0o640, ErrKeyPermissions},
		{"world readable", nil, 0o604, ErrKeyPermissions},
		{"garbage", []byte("not a key"), 0o600, ErrBadIdentity},
		{"empty", []byte{}, 0o600, ErrBadIdentity},
		{"secp256k1", secp, 0o600, ErrBadIdentity},
		{"huge", make([]byte, 8<<10), 0o600, ErrBadIdentity},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.content == nil {
				if _, err := LoadIdentity(dir); err != nil {
					t.Fatal(err)
				}
			} else {
				os.MkdirAll(filepath.Dir(IdentityPath(dir)), 0o700)
				if err := os.WriteFile(IdentityPath(dir), c.content, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(IdentityPath(dir), c.mode); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(IdentityPath(dir))
			_, err := LoadIdentity(dir)
			if !errors.Is(err, c.want) {
				t.Fatalf("LoadIdentity = %v, want %v", err, c.want)
			}
			after, _ := os.ReadFile(IdentityPath(dir))
			if string(before) != string(after) {
				t.Error("the refused identity file was changed")
			}
		})
	}
}
