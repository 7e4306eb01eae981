package tasks

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/consensus"
)

// consensusEpoch builds the contents of an epoch of the hand
// scenario: validators 0–3 with stakes 1–4 (in ETH), miners 4–7, every
// validator revealing the scores 0.1/0.2/0.3/0.4 as u16 weights.
func consensusEpoch(t *testing.T, epoch uint64, signers []*Ed25519Signer) (Manifest, RecordContents) {
	t.Helper()
	m := validManifest()
	m.Consensus.Yuma3 = false
	c := RecordContents{Header: RecordHeader{
		Version: ProtocolVersion, Subnet: testSubnet, Epoch: epoch,
		Manifest: cborLink("manifest"), Seed: salt(fmt.Sprint("seed ", epoch)), Start: epoch * m.Timing.Tempo,
	}}
	for i, s := range signers {
		stake := uint64(0)
		if i < 4 {
			stake = uint64(i+1) * 1e9
		}
		c.Neurons = append(c.Neurons, Neuron{UID: uint32(i), Peer: s.PeerID(), Stake: stake, RegisteredAt: 1})
	}
	weights, err := m.Scoring.Weights(map[uint32]float64{4: 0.1, 5: 0.2, 6: 0.3, 7: 0.4})
	if err != nil {
		t.Fatal(err)
	}
	for v := range 4 {
		wc, wr, err := CommitWeights(signers[v], testSubnet, epoch, weights, salt(fmt.Sprint(v, epoch)))
		if err != nil {
			t.Fatal(err)
		}
		c.WeightCommits = append(c.WeightCommits, wc)
		c.WeightReveals = append(c.WeightReveals, wr)
	}
	return m, c
}

func consensusSigners(t *testing.T, n int) []*Ed25519Signer {
	signers := make([]*Ed25519Signer, n)
	for i := range signers {
		signers[i] = newSigner(t, fmt.Sprint("consensus neuron ", i))
	}
	return signers
}

// TestRecordConsensus runs consensus on a record's inputs, seals it, and
// recomputes it from the sealed record the way a verifier would: a
// tampered result or bond, or the wrong previous bonds, is caught and
// named.
func TestRecordConsensus(t *testing.T) {
	signers := consensusSigners(t, 8)
	m, c1 := consensusEpoch(t, 5, signers)
	if err := RunConsensus(&m, &c1, nil); err != nil {
		t.Fatal(err)
	}
	for j, want := range []float64{0.1, 0.2, 0.3, 0.4} {
		if got := c1.Results[4+j].Incentive; math.Abs(got-want) > 1e-4 {
			t.Errorf("miner %d incentive %v, want %v (u16 weights)", 4+j, got, want)
		}
	}
	for v := range 4 {
		if got, want := c1.Results[v].Dividends, float64(v+1)/10; math.Abs(got-want) > 1e-9 {
			t.Errorf("validator %d dividends %v, want its stake share %v", v, got, want)
		}
	}
	if o := c1.Header.Outcome; o.Emission != m.Consensus.EmissionPerEpoch || o.OwnerEmission != 180_000_000 || o.StakeFallback {
		t.Errorf("outcome %+v", o)
	}
	rec1, err := BuildRecord(c1)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyConsensus(&m, &rec1.Contents, nil); err != nil {
		t.Fatalf("verify the sealed record: %v", err)
	}

	// The next epoch builds on the first one's bonds.
	_, c2 := consensusEpoch(t, 6, signers)
	c2.Header.Prev = rec1.Link
	c2.WeightCommits, c2.WeightReveals = c2.WeightCommits[1:], c2.WeightReveals[1:] // validator 0 sits out
	if err := RunConsensus(&m, &c2, rec1.Contents.Bonds); err != nil {
		t.Fatal(err)
	}
	rec2, err := BuildRecord(c2)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyConsensus(&m, &rec2.Contents, rec1.Contents.Bonds); err != nil {
		t.Fatalf("verify epoch 6: %v", err)
	}
	if err := VerifyConsensus(&m, &rec2.Contents, nil); !errors.Is(err, ErrConsensusMismatch) {
		t.Fatalf("epoch 6 verified without the previous bonds: %v", err)
	}

	tamper := []struct {
		name, want string
		mutate     func(c *RecordContents)
	}{
		{"incentive", "uid 6: incentive", func(c *RecordContents) { c.Results[6].Incentive = math.Nextafter(c.Results[6].Incentive, 1) }},
		{"emission", "uid 2: emission", func(c *RecordContents) { c.Results[2].Emission++ }},
		{"permit", "uid 1: active/permit", func(c *RecordContents) { c.Results[1].ValidatorPermit = false }},
		{"bonds", "uid 3: bonds differ", func(c *RecordContents) { c.Bonds[3].Bonds[0].Value /= 2 }},
		{"outcome", "outcome", func(c *RecordContents) { c.Header.Outcome.Unallocated++ }},
		{"dropped bond row", "uid 0: bonds missing", func(c *RecordContents) { c.Bonds = c.Bonds[1:] }},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			c := rec2.Contents
			c.Results = append([]Result(nil), c.Results...)
			c.Bonds = append([]BondRow(nil), c.Bonds...)
			for i := range c.Bonds {
				c.Bonds[i].Bonds = append([]Bond(nil), c.Bonds[i].Bonds...)
			}
			tc.mutate(&c)
			err := VerifyConsensus(&m, &c, rec1.Contents.Bonds)
			if !errors.Is(err, ErrConsensusMismatch) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a mismatch naming %q", err, tc.want)
			}
		})
	}
}

// TestConsensusInputIgnoresStrangers: a reveal from a peer without a uid,
// and weights or bonds naming a uid nobody holds, do not reach consensus,
// so they cannot stop it.
func TestConsensusInputIgnoresStrangers(t *testing.T) {
	signers := consensusSigners(t, 9)
	m, c := consensusEpoch(t, 5, signers[:8])
	stranger := signers[8]
	_, wr, err := CommitWeights(stranger, testSubnet, 5, []Weight{{UID: 4, Value: 65535}}, salt("stranger"))
	if err != nil {
		t.Fatal(err)
	}
	c.WeightReveals = append(c.WeightReveals, wr)
	c.WeightReveals[0].Weights = append(c.WeightReveals[0].Weights, Weight{UID: 4000, Value: 65535})
	prev := []BondRow{{UID: 1, Bonds: []Bond{{UID: 4, Value: 1}, {UID: 3000, Value: 1}}}, {UID: 2000, Bonds: []Bond{{UID: 4, Value: 1}}}}
	in, err := ConsensusInput(&m, &c.Header, c.Neurons, c.WeightReveals, prev)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Stake) != 8 || len(in.Weights[0]) != 4 || len(in.Bonds[1]) != 1 {
		t.Fatalf("strangers reached consensus: %d uids, row 0 %v, bonds %v", len(in.Stake), in.Weights[0], in.Bonds)
	}
	if in.LastUpdate[0] != c.Header.Start || in.LastUpdate[4] != 0 {
		t.Fatalf("last update %v: revealers should be at the epoch start %d", in.LastUpdate, c.Header.Start)
	}
	if _, err := consensus.Epoch(m.Consensus.Params(), in); err != nil {
		t.Fatal(err)
	}
}
