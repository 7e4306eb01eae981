package tasks

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz/FuzzDecode from the samples")

// fuzzTarget decodes data strictly and, if that succeeds, runs the checks
// that follow decoding and re-encodes the value. decoded says whether
// decoding succeeded, checks how many checks ran; err is set if a decoded
// value fails to encode.
type fuzzTarget func(data []byte) (decoded bool, checks int, again []byte, err error)

// pageKind is the fuzz selector of a record page: pageKind + the
// section's position (1 to 10).
const pageKind = 100

// fuzzTargets maps the fuzzer's first argument to a decoder: a Kind for
// messages and entries, pageKind+n for the pages of section n.
var fuzzTargets = map[uint8]fuzzTarget{
	uint8(KindManifest):         messageTarget[Manifest](),
	uint8(KindTask):             messageTarget[Task](),
	uint8(KindSubmissionCommit): messageTarget[SubmissionCommit](),
	uint8(KindSubmissionReveal): messageTarget[SubmissionReveal](),
	uint8(KindWeightCommit):     messageTarget[WeightCommit](),
	uint8(KindWeightReveal):     messageTarget[WeightReveal](),
	uint8(KindEvaluation):       messageTarget[Evaluation](),
	uint8(KindAttestation):      messageTarget[Attestation](),
	uint8(KindEquivocation):     messageTarget[Equivocation](),
	uint8(KindRecord):           messageTarget[EpochRecord](),
	uint8(KindRecordHeader):     messageTarget[RecordHeader](),
	uint8(KindNeuron):           messageTarget[Neuron](),
	uint8(KindResult):           messageTarget[Result](),
	uint8(KindBondRow):          messageTarget[BondRow](),
	pageKind + 1:                pageTarget[Neuron](),
	pageKind + 2:                pageTarget[Task](),
	pageKind + 3:                pageTarget[SubmissionCommit](),
	pageKind + 4:                pageTarget[SubmissionReveal](),
	pageKind + 5:                pageTarget[Evaluation](),
	pageKind + 6:                pageTarget[WeightCommit](),
	pageKind + 7:                pageTarget[WeightReveal](),
	pageKind + 8:                pageTarget[Equivocation](),
	pageKind + 9:                pageTarget[Result](),
	pageKind + 10:               pageTarget[BondRow](),
}

func messageTarget[T any, PT interface {
	*T
	Message
}]() fuzzTarget {
	return func(data []byte) (bool, int, []byte, error) {
		v, err := Decode[T, PT](data)
		if err != nil {
			return false, 0, nil, nil
		}
		// The value, not a pointer: exercise switches on the value types.
		checks := exercise(any(v).(Message))
		again, _, err := Encode(PT(&v))
		return true, checks, again, err
	}
}

func pageTarget[E Message]() fuzzTarget {
	return func(data []byte) (bool, int, []byte, error) {
		es, err := decodePage[E](data)
		if err != nil {
			return false, 0, nil, nil
		}
		checks := 0
		for _, e := range es {
			checks += exercise(e)
		}
		again, err := dagcbor.Marshal(page[E]{Version: ProtocolVersion, Entries: es})
		return true, checks, again, err
	}
}

// exercise runs the checks that follow decoding, which must not panic on
// anything that decodes. It returns how many it ran, so a test can make
// sure that every kind that has checks gets them.
func exercise(m Message) int {
	switch v := m.(type) {
	case interface{ VerifySignature() error }:
		_ = v.VerifySignature()
	case Equivocation:
		_ = v.Verify()
		_, _ = mergeEvidence(v, v.B, v.A)
	case WeightReveal:
		_ = v.CommitHash()
	case SubmissionReveal:
		_ = v.CommitHash()
	case EpochRecord:
		_, _ = v.Locate(v.Size / 2)
		_, _ = v.Locate(v.Size)
		_ = v.VerifyEntry(nil, v.Size/2, nil)
		_ = v.VerifyEntry(nil, v.Size, [][32]byte{{}})
	default:
		return 0
	}
	return 1
}

// FuzzDecode: whatever the bytes, a strict decoder either refuses them or
// yields a value that validates and re-encodes to exactly those bytes, so
// every accepted message has one encoding and one CID.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.kind, s.data)
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		target, ok := fuzzTargets[kind]
		if !ok {
			return
		}
		decoded, _, again, err := target(data)
		if !decoded {
			return
		}
		if err != nil {
			t.Fatalf("kind %d: decoded value does not encode: %v", kind, err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("kind %d: re-encoding differs:\n in  %x\n out %x", kind, data, again)
		}
	})
}

// fuzzSeed is one corpus entry.
type fuzzSeed struct {
	name string
	kind uint8
	data []byte
	ok   bool // a valid encoding
}

// fuzzSeeds returns valid encodings of every kind and every page kind,
// and the rejection cases of TestDecodeRejects.
func fuzzSeeds(tb testing.TB) []fuzzSeed {
	tb.Helper()
	var seeds []fuzzSeed
	for _, s := range samples(tb) {
		seeds = append(seeds, fuzzSeed{"valid_" + s.name, uint8(s.msg.Kind()), mustEncode(tb, s.msg), true})
	}
	rec, err := BuildRecord(recordFixture(tb, 12, 3))
	if err != nil {
		tb.Fatal(err)
	}
	for i, ns := range rec.Root.Sections.list() {
		for _, p := range ns.s.Pages {
			for _, b := range rec.Blocks {
				if b.Link == p.Link {
					seeds = append(seeds, fuzzSeed{"valid_page_" + ns.name, uint8(pageKind + 1 + i), b.Data, true})
				}
			}
		}
	}
	byName, rejects := rejectCases(tb)
	for _, r := range rejects {
		name := "reject_" + strings.NewReplacer(" ", "_", "-", "_").Replace(r.name)
		seeds = append(seeds, fuzzSeed{name, uint8(byName[r.like].Kind()), r.data, false})
	}
	return seeds
}

const corpusDir = "testdata/fuzz/FuzzDecode"

// TestFuzzCorpus checks that the committed corpus holds a valid encoding of
// every kind and page kind, decoded as the fuzzer does; with
// -update-corpus it rewrites the corpus from the samples first.
func TestFuzzCorpus(t *testing.T) {
	if *updateCorpus {
		if err := os.RemoveAll(corpusDir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(corpusDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, s := range fuzzSeeds(t) {
			body := fmt.Sprintf("go test fuzz v1\nbyte(%q)\n[]byte(%q)\n", s.kind, s.data)
			if err := os.WriteFile(filepath.Join(corpusDir, s.name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	// The kinds whose decoded values have checks that the fuzzer must
	// reach: signatures, evidence, commit hashes, leaf lookups.
	checked := map[uint8]bool{
		uint8(KindSubmissionCommit): true, uint8(KindSubmissionReveal): true, uint8(KindWeightCommit): true,
		uint8(KindWeightReveal): true, uint8(KindAttestation): true, uint8(KindEquivocation): true,
		uint8(KindRecord): true, pageKind + 3: true, pageKind + 4: true, pageKind + 6: true,
		pageKind + 7: true, pageKind + 8: true,
	}
	valid := map[uint8]bool{}
	for _, file := range files {
		kind, data, err := readCorpusFile(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		decoded, checks, again, err := fuzzTargets[kind](data)
		name := filepath.Base(file)
		switch {
		case strings.HasPrefix(name, "valid_") && (!decoded || err != nil || !bytes.Equal(again, data)):
			t.Errorf("%s: a valid seed does not decode and re-encode (%v)", name, err)
		case strings.HasPrefix(name, "valid_") && checked[kind] && checks == 0:
			t.Errorf("%s: the checks that follow decoding did not run", name)
		case strings.HasPrefix(name, "reject_") && decoded:
			t.Errorf("%s: a rejection seed decodes", name)
		}
		if decoded {
			valid[kind] = true
		}
	}
	for kind := range fuzzTargets {
		if !valid[kind] {
			t.Errorf("the corpus has no valid encoding of kind %d; run go test -run TestFuzzCorpus -update-corpus", kind)
		}
	}
}

// readCorpusFile parses the two-value corpus files TestFuzzCorpus writes.
func readCorpusFile(file string) (uint8, []byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || lines[0] != "go test fuzz v1" ||
		!strings.HasPrefix(lines[1], "byte(") || !strings.HasPrefix(lines[2], "[]byte(") {
		return 0, nil, errors.New("not a corpus file of (byte, []byte)")
	}
	k, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "byte("), ")"))
	if err != nil {
		return 0, nil, err
	}
	if r := []rune(k); len(r) != 1 || r[0] > 0xff {
		return 0, nil, errors.New("kind is not one byte")
	}
	d, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[2], "[]byte("), ")"))
	if err != nil {
		return 0, nil, err
	}
	return uint8([]rune(k)[0]), []byte(d), nil
}
