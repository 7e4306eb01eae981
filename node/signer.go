package node

import (
	"crypto/ed25519"
	"fmt"

	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

// signer signs protocol messages with the node's libp2p identity: the
// same Ed25519 key, so the peer ID inside a commit is the one pubsub's
// envelope names.
type signer struct {
	id  *gossip.Identity
	pid tasks.PeerID
}

var _ tasks.Signer = (*signer)(nil)

func newSigner(id *gossip.Identity) (*signer, error) {
	pid, err := tasks.PeerIDFromPublicKey(ed25519.PublicKey(id.PublicKey()))
	if err != nil {
		return nil, fmt.Errorf("identity as a protocol peer ID: %w", err)
	}
	if pid.String() != id.PeerID().String() {
		return nil, fmt.Errorf("identity %s and protocol peer ID %s differ", id.PeerID(), pid)
	}
	return &signer{id: id, pid: pid}, nil
}

func (s *signer) PeerID() tasks.PeerID            { return s.pid }
func (s *signer) Sign(msg []byte) ([]byte, error) { return s.id.Sign(msg) }
