package tasks

import (
	"crypto/ed25519"
	"crypto/sha256"
	"testing"
)

// testSeed returns the Ed25519 seed of the test key called name.
func testSeed(name string) []byte {
	seed := sha256.Sum256([]byte("crucible test key " + name))
	return seed[:]
}

// newSigner returns a signer whose key derives from name, so tests are
// reproducible.
func newSigner(tb testing.TB, name string) *Ed25519Signer {
	tb.Helper()
	s, err := NewEd25519Signer(ed25519.NewKeyFromSeed(testSeed(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// resign returns another valid signature of msg by the test key called
// name, made with a nonce derived from nonce: what a signer that
// randomises its Ed25519 nonces produces.
func resign(tb testing.TB, name string, msg []byte, nonce string) []byte {
	tb.Helper()
	sig := signWithNonce(testSeed(name), msg, []byte(nonce))
	if !ed25519.Verify(ed25519.NewKeyFromSeed(testSeed(name)).Public().(ed25519.PublicKey), msg, sig) {
		tb.Fatal("resign: the signature does not verify")
	}
	return sig
}

// rawLink returns the CID of raw bytes s: a stand-in for a miner's output
// or an evaluator module.
func rawLink(s string) Link { return SumLink(CodecRaw, []byte(s)) }

// cborLink returns a dag-cbor CID of s: a stand-in for a manifest or
// record.
func cborLink(s string) Link { return SumLink(CodecDagCBOR, []byte(s)) }

// salt returns a fixed salt derived from s.
func salt(s string) [32]byte { return sha256.Sum256([]byte("salt " + s)) }

// validManifest returns a manifest that passes Validate.
func validManifest() Manifest {
	return Manifest{
		Version:       ProtocolVersion,
		Name:          "mse-regression",
		Network:       "devnet",
		Evaluator:     rawLink("evaluator.wasm"),
		ABI:           1,
		Limits:        SandboxLimits{Fuel: 10_000_000_000, MemoryPages: 4096, OutputBytes: 64 << 10},
		MaxFetchBytes: 1 << 30,
		Timing: Timing{
			Tempo: 360, SubmissionDeadline: 120, SubmissionRevealWindow: 120, WeightRevealWindow: 360,
		},
		Scoring: Scoring{Rule: ScoringProportional},
		Consensus: ConsensusParams{
			Kappa: 0.5, BondsAlpha: 0.1, BondsPenalty: 1, MaxValidators: 64,
			ActivityCutoff: 5000, StakeThreshold: 1000, OwnerCut: 0.18, Yuma3: true,
			EmissionPerEpoch: 1_000_000_000,
		},
		TasksPerEpoch: 4,
	}
}

// testTask returns a valid task of validator v and its CID.
func testTask(tb testing.TB, subnet, epoch uint64, v Signer, index uint32) (Task, Link) {
	tb.Helper()
	t := Task{
		Version: ProtocolVersion, Subnet: subnet, Epoch: epoch,
		Validator: v.PeerID(), Index: index, Params: []byte{byte(index), 1, 2, 3},
	}
	_, l, err := Encode(t)
	if err != nil {
		tb.Fatal(err)
	}
	return t, l
}

// mustEncode encodes m or fails the test.
func mustEncode(tb testing.TB, m Message) []byte {
	tb.Helper()
	b, _, err := Encode(m)
	if err != nil {
		tb.Fatalf("encode %s: %v", m.Kind(), err)
	}
	return b
}
