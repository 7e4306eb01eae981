package dagcbor_test

import (
	"testing"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
)

// fullRecord is the largest round-trip fixture: every kind of field.
func fullRecord(tb testing.TB) record {
	tb.Helper()
	for _, tc := range roundTrips() {
		if tc.name == "record_full" {
			return tc.value.(record)
		}
	}
	tb.Fatal("no record_full fixture")
	return record{}
}

func BenchmarkMarshal(b *testing.B) {
	r := fullRecord(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dagcbor.Marshal(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshal includes the strict checks: the validating walk, the
// decode and the canonical re-encode.
func BenchmarkUnmarshal(b *testing.B) {
	data, err := dagcbor.Marshal(fullRecord(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var r record
		if err := dagcbor.Unmarshal(data, &r, len(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLink(b *testing.B) {
	s := linkRecord.String()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dagcbor.ParseLink(s); err != nil {
			b.Fatal(err)
		}
	}
}
