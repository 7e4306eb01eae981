package gossip

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// IdentityFile is the name of the node's libp2p key inside
// <datadir>/keys. It holds an Ed25519 private key in libp2p's protobuf
// encoding (the same bytes Kubo keeps in its keystore), so the peer ID
// never changes while the file is kept.
const IdentityFile = "identity.key"

// Identity is a node's libp2p private key. Its peer ID is what other nodes
// and the chain registry know it by.
type Identity struct {
	key crypto.PrivKey
	id  peer.ID
}

// PeerID returns the identity's peer ID.
func (i *Identity) PeerID() PeerID { return i.id }

// PublicKey returns the raw 32-byte Ed25519 public key.
func (i *Identity) PublicKey() []byte {
	b, _ := i.key.GetPublic().Raw() // Ed25519 keys always have raw bytes
	return b
}

// Sign signs msg with the identity's key (plain Ed25519 over msg). tasks
// uses it for commits and attestations, whose signatures must stand on
// their own, outside pubsub's envelope.
func (i *Identity) Sign(msg []byte) ([]byte, error) { return i.key.Sign(msg) }

// IdentityPath returns where the identity of the data dir dataDir lives.
func IdentityPath(dataDir string) string {
	return filepath.Join(dataDir, "keys", IdentityFile)
}

// LoadIdentity reads the identity of the data dir dataDir, creating a new
// Ed25519 key (mode 0600, in a 0700 keys directory) the first time.
//
// # Errors
//
// A key file that group or others may read or write is refused with
// [ErrKeyPermissions] and left alone: the key may already have leaked, and
// only its owner can decide. A file that does not hold an Ed25519 key in
// libp2p's encoding is refused with [ErrBadIdentity]; it is never
// overwritten, since that would silently give the node a new peer ID.
func LoadIdentity(dataDir string) (*Identity, error) {
	path := IdentityPath(dataDir)
	key, err := readIdentity(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createIdentity(path)
	}
	if err != nil {
		return nil, err
	}
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrBadIdentity, path, err)
	}
	return &Identity{key: key, id: id}, nil
}

func readIdentity(path string) (crypto.PrivKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read identity %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrBadIdentity, path)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o; run chmod 600 %s if nobody else could have read it, else move it away to make a new identity",
			ErrKeyPermissions, path, perm, path)
	}
	b := make([]byte, 4<<10)
	n, err := f.Read(b)
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", ErrBadIdentity, path, err)
	}
	if n == len(b) {
		return nil, fmt.Errorf("%w: %s is larger than a key file", ErrBadIdentity, path)
	}
	key, err := crypto.UnmarshalPrivateKey(b[:n])
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not hold a libp2p private key (%v); move it away to make a new identity",
			ErrBadIdentity, path, err)
	}
	if key.Type() != crypto.Ed25519 {
		return nil, fmt.Errorf("%w: %s holds a %s key; Crucible identities are Ed25519", ErrBadIdentity, path, key.Type())
	}
	return key, nil
}

// createIdentity writes a new key to a temporary file, syncs it and links
// it into place, so a crash leaves either no identity or a whole one, and
// two processes racing to create it end with the same key.
func createIdentity(path string) (crypto.PrivKey, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create keys directory: %w", err)
	}
	key, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		return nil, fmt.Errorf("generate identity: %w", err)
	}
	b, err := crypto.MarshalPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode identity: %w", err)
	}
	tmp, err := os.CreateTemp(dir, IdentityFile+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("create identity: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create identity: %w", err)
	}
	if _, err := tmp.Write(b); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write identity: %w", err)
	}
	// Link fails if another process made the key first: use theirs.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readIdentity(path)
		}
		return nil, fmt.Errorf("install identity: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return key, nil
}
