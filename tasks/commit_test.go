package tasks

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"testing"
)

// The commit hashes are written out byte by byte here, from their doc
// comments, so a change of layout fails this test rather than passing
// silently on both sides.
func TestCommitHashLayout(t *testing.T) {
	v := newSigner(t, "validator").PeerID()
	s := salt("x")
	weights := []Weight{{1, 2}, {0x01020304, 0xa0b0}}

	var want bytes.Buffer
	want.WriteString("crucible/weight-commit/v1")
	want.Write([]byte{0, 0, 0, 0, 0, 0, 0, 7})    // subnet 7
	want.Write([]byte{0, 0, 0, 0, 0, 0, 0x01, 0}) // epoch 256
	want.Write([]byte{0, 38})
	want.Write(v.Bytes())
	want.Write([]byte{0, 0, 0, 2})
	want.Write([]byte{0, 0, 0, 1, 0, 2})
	want.Write([]byte{1, 2, 3, 4, 0xa0, 0xb0})
	want.Write(s[:])
	if got := WeightCommitHash(7, 256, v, weights, s); got != sha256.Sum256(want.Bytes()) {
		t.Errorf("weight commit hash %x does not follow the documented layout", got)
	}

	task, output := cborLink("task"), rawLink("output")
	want.Reset()
	want.WriteString("crucible/submission-commit/v1")
	want.Write([]byte{0, 0, 0, 0, 0, 0, 0, 7})
	want.Write([]byte{0, 0, 0, 0, 0, 0, 0x01, 0})
	want.Write([]byte{0, 38})
	want.Write(v.Bytes())
	want.Write([]byte{0, 36}) // CIDv1 sha2-256: 1+1+1+1+32 bytes
	want.Write(task.Bytes())
	want.Write([]byte{0, 36})
	want.Write(output.Bytes())
	want.Write(s[:])
	if got := SubmissionCommitHash(7, 256, v, task, output, s); got != sha256.Sum256(want.Bytes()) {
		t.Errorf("submission commit hash %x does not follow the documented layout", got)
	}
}

// A known answer, so the hash stays the same across releases and other
// implementations can test against it. The value was computed
// independently, with Python's hashlib over the documented layout.
func TestWeightCommitHashKnownAnswer(t *testing.T) {
	id, err := ParsePeerID("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq")
	if err != nil {
		t.Fatal(err)
	}
	var s [32]byte
	for i := range s {
		s[i] = byte(i)
	}
	got := WeightCommitHash(1, 2, id, []Weight{{0, 65535}, {3, 100}}, s)
	const want = "bae35d3867aa9ba9b5a2d2c086fb35b8d14aece0a38f53ede14d12f9411726de"
	if hex.EncodeToString(got[:]) != want {
		t.Errorf("weight commit hash = %x, want %s", got, want)
	}
}

func TestCommitSignatures(t *testing.T) {
	v := newSigner(t, "validator")
	c, r, err := CommitWeights(v, 1, 2, []Weight{{0, 9}}, salt("a"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Commit != r.CommitHash() {
		t.Error("commit does not hold the reveal's hash")
	}
	if err := c.VerifySignature(); err != nil {
		t.Errorf("fresh commit: %v", err)
	}
	msg, err := c.SigningBytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(msg, []byte("crucible/sig/weight-commit/v1\x00")) {
		t.Errorf("signing bytes %q lack their domain", msg[:32])
	}

	tampered := []struct {
		name   string
		mutate func(*WeightCommit)
	}{
		{"epoch", func(c *WeightCommit) { c.Epoch++ }},
		{"subnet", func(c *WeightCommit) { c.Subnet++ }},
		{"commit", func(c *WeightCommit) { c.Commit[0] ^= 1 }},
		{"signature", func(c *WeightCommit) { c.Signature = bytes.Clone(c.Signature); c.Signature[0] ^= 1 }},
		{"validator", func(c *WeightCommit) { c.Validator = newSigner(t, "other").PeerID() }},
	}
	for _, tt := range tampered {
		t.Run(tt.name, func(t *testing.T) {
			bad := c
			tt.mutate(&bad)
			if err := bad.VerifySignature(); !errors.Is(err, ErrBadSignature) {
				t.Errorf("error = %v, want ErrBadSignature", err)
			}
		})
	}

	m := newSigner(t, "miner")
	sc, _, err := CommitSubmission(m, 1, 2, cborLink("task"), rawLink("out"), salt("b"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.VerifySignature(); err != nil {
		t.Errorf("fresh submission commit: %v", err)
	}
	sc.Task = cborLink("other task")
	if err := sc.VerifySignature(); !errors.Is(err, ErrBadSignature) {
		t.Errorf("submission commit with another task: error = %v, want ErrBadSignature", err)
	}

	a, err := Attest(v, 1, 2, cborLink("record"), [32]byte{1})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.VerifySignature(); err != nil {
		t.Errorf("fresh attestation: %v", err)
	}
	a.Root[0] ^= 1
	if err := a.VerifySignature(); !errors.Is(err, ErrBadSignature) {
		t.Errorf("attestation of another root: error = %v, want ErrBadSignature", err)
	}

	if _, _, err := CommitWeights(v, 1, 2, []Weight{{0, 0}}, salt("a")); !errors.Is(err, ErrInvalid) {
		t.Errorf("commit of non-canonical weights: error = %v, want ErrInvalid", err)
	}
}

func TestEquivocationEvidence(t *testing.T) {
	v := newSigner(t, "validator")
	c1, _, err := CommitWeights(v, 1, 2, []Weight{{0, 9}}, salt("a"))
	if err != nil {
		t.Fatal(err)
	}
	c2, _, err := CommitWeights(v, 1, 2, []Weight{{1, 9}}, salt("a"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEquivocation(c1, c2)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := NewEquivocation(c2, c1)
	if err != nil {
		t.Fatal(err)
	}
	b1, b2 := mustEncode(t, e), mustEncode(t, e2)
	if !bytes.Equal(b1, b2) {
		t.Error("evidence depends on the order the commits were seen in")
	}
	decoded, err := Decode[Equivocation](b1)
	if err != nil {
		t.Fatal(err)
	}
	if err := decoded.Verify(); err != nil {
		t.Errorf("decoded evidence does not verify: %v", err)
	}
	if decoded.Validator() != v.PeerID() {
		t.Errorf("Validator() = %s", decoded.Validator())
	}

	other := newSigner(t, "other")
	c3, _, err := CommitWeights(other, 1, 2, []Weight{{2, 9}}, salt("a"))
	if err != nil {
		t.Fatal(err)
	}
	c4, _, err := CommitWeights(v, 1, 3, []Weight{{2, 9}}, salt("a"))
	if err != nil {
		t.Fatal(err)
	}
	tampered := []struct {
		name    string
		mutate  func(*Equivocation)
		wantErr error
	}{
		{"second commit's hash changed", func(e *Equivocation) { e.B.Commit[31] ^= 1 }, ErrBadSignature},
		{"first signature changed", func(e *Equivocation) {
			e.A.Signature = bytes.Clone(e.A.Signature)
			e.A.Signature[5] ^= 1
		}, ErrBadSignature},
		{"identical commits", func(e *Equivocation) { e.B = e.A }, ErrInvalid},
		{"swapped order", func(e *Equivocation) { e.A, e.B = e.B, e.A }, ErrInvalid},
		{"another validator's commit", func(e *Equivocation) { e.A, e.B = orderCommits(e.A, c3) }, ErrInvalid},
		{"another epoch's commit", func(e *Equivocation) { e.A, e.B = orderCommits(e.A, c4) }, ErrInvalid},
		{"wrong version", func(e *Equivocation) { e.Version = 2 }, ErrInvalid},
		{"signature dropped", func(e *Equivocation) { e.B.Signature = nil }, ErrInvalid},
	}
	for _, tt := range tampered {
		t.Run(tt.name, func(t *testing.T) {
			bad := e
			tt.mutate(&bad)
			if err := bad.Verify(); !errors.Is(err, tt.wantErr) {
				t.Errorf("Verify() = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := NewEquivocation(c1, c1); !errors.Is(err, ErrInvalid) {
		t.Errorf("identical duplicates: error = %v, want ErrInvalid (not equivocation)", err)
	}
}

// orderCommits returns x and y ordered by commit hash.
func orderCommits(x, y WeightCommit) (WeightCommit, WeightCommit) {
	if bytes.Compare(x.Commit[:], y.Commit[:]) > 0 {
		return y, x
	}
	return x, y
}

func TestTimingSchedule(t *testing.T) {
	tm := validManifest().Timing // tempo 360, deadline 120, reveal 120, weights 360
	s, err := tm.Schedule(1000)
	if err != nil {
		t.Fatal(err)
	}
	want := Schedule{
		SubmissionCommit: Window{1000, 1120},
		SubmissionReveal: Window{1120, 1240},
		WeightCommit:     Window{1000, 1360},
		WeightReveal:     Window{1360, 1720},
	}
	if s != want {
		t.Errorf("Schedule(1000) = %+v, want %+v", s, want)
	}
	if w := (Window{10, 20}); w.Contains(9) || !w.Contains(10) || !w.Contains(19) || w.Contains(20) {
		t.Error("Window is not half-open [Open, Close)")
	}
	if _, err := tm.Schedule(^uint64(0) - 10); !errors.Is(err, ErrInvalid) {
		t.Errorf("schedule past the last block: error = %v, want ErrInvalid", err)
	}
}

// With lengths truncated to 16 bits, a task of 65,536 bytes wrote the
// same length as no task at all, and the bytes that followed could be
// read as another task and output. These links are built so that the two
// submissions give the same bytes under truncation; the commit hashes
// must differ.
func TestSubmissionCommitHashUnambiguous(t *testing.T) {
	varint := func(x uint64) []byte { return binary.AppendUvarint(nil, x) }
	// oB: any 369-byte CID (369 = 0x0171, whose u16 is 01 71).
	oB := append([]byte{0x01, 0x55, 0x00}, varint(364)...)
	oB = append(oB, bytes.Repeat([]byte{0xbb}, 364)...)
	// task: a 65,536-byte CIDv1 dag-cbor whose multihash code is 1, so
	// that from its third byte on it reads as the start of another CIDv1.
	const taskLen = 1 << 16
	head := append([]byte{0x01, 0x71, 0x01}, varint(taskLen-6)...)
	// oA: that other CID, which runs on past the task over 01 71 and oB;
	// its digest length is what is left after its header.
	oALen := taskLen - 2 + 2 + len(oB)
	oAHead := append(append([]byte{0x01}, varint(taskLen-6)...), 0x12) // version, codec, sha2-256
	oAHead = append(oAHead, varint(uint64(oALen-len(oAHead)-3))...)
	task := append(head, oAHead[1+len(varint(taskLen-6)):]...) // the digest starts with oA's mh code and length
	task = append(task, bytes.Repeat([]byte{0xaa}, taskLen-len(task))...)
	oA := append(bytes.Clone(task[2:]), 0x01, 0x71)
	oA = append(oA, oB...)
	if len(oA) != oALen || len(task) != taskLen {
		t.Fatalf("lengths %d and %d", len(oA), len(task))
	}
	taskLink, outA, outB := mustLink(t, task), mustLink(t, oA), mustLink(t, oB)

	truncated := func(task, output Link) []byte {
		var b []byte
		for _, v := range [][]byte{task.Bytes(), output.Bytes()} {
			b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
			b = append(b, v...)
		}
		return b
	}
	if !bytes.Equal(truncated(Link{}, outA), truncated(taskLink, outB)) {
		t.Fatal("the construction does not collide under truncated lengths")
	}
	miner := newSigner(t, "miner").PeerID()
	s := salt("x")
	if SubmissionCommitHash(1, 2, miner, Link{}, outA, s) == SubmissionCommitHash(1, 2, miner, taskLink, outB, s) {
		t.Error("two different submissions have one commit hash")
	}

	// The short form is unchanged below 65,535 bytes.
	for _, n := range []int{0, 38, math.MaxUint16 - 1, math.MaxUint16, 1 << 16} {
		got := appendPrefixed(nil, make([]byte, n))
		want := binary.BigEndian.AppendUint16(nil, uint16(n))
		if n >= math.MaxUint16 {
			want = binary.BigEndian.AppendUint64([]byte{0xff, 0xff}, uint64(n))
		}
		if !bytes.Equal(got[:len(want)], want) || len(got) != len(want)+n {
			t.Errorf("prefix of %d bytes: %x", n, got[:len(want)])
		}
	}
}
