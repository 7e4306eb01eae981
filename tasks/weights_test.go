package tasks

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestNormalizeWeights(t *testing.T) {
	tests := []struct {
		name    string
		scores  map[uint32]float64
		want    []Weight
		wantErr error
	}{
		{"empty", nil, nil, nil},
		{"all zero", map[uint32]float64{1: 0, 2: 0}, nil, nil},
		{"one", map[uint32]float64{7: 0.3}, []Weight{{7, 65535}}, nil},
		{
			"max-upscaled, sorted by uid",
			map[uint32]float64{9: 0.5, 2: 1, 4: 0.25},
			// 0.5*65535 = 32767.5 rounds to even 32768; 0.25*65535 =
			// 16383.75 rounds to 16384.
			[]Weight{{2, 65535}, {4, 16384}, {9, 32768}}, nil,
		},
		{
			"scale does not matter",
			map[uint32]float64{9: 50, 2: 100, 4: 25},
			[]Weight{{2, 65535}, {4, 16384}, {9, 32768}}, nil,
		},
		{
			"half to even: 1.5 rounds to 2, 2.5 to 2",
			map[uint32]float64{0: 65535, 1: 1.5, 2: 2.5},
			[]Weight{{0, 65535}, {1, 2}, {2, 2}}, nil,
		},
		{
			"weights rounding to zero are left out",
			map[uint32]float64{0: 1, 1: 1e-6, 2: 0},
			[]Weight{{0, 65535}}, nil,
		},
		{"NaN", map[uint32]float64{0: math.NaN()}, nil, ErrInvalid},
		{"+Inf", map[uint32]float64{0: math.Inf(1)}, nil, ErrInvalid},
		{"negative", map[uint32]float64{0: 1, 1: -0.1}, nil, ErrInvalid},
		{"uid out of range", map[uint32]float64{MaxNeurons: 1}, nil, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeWeights(tt.scores)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if err == nil {
				if err := ValidateWeights(got); err != nil {
					t.Errorf("result is not canonical: %v", err)
				}
			}
		})
	}
}

func TestValidateWeights(t *testing.T) {
	many := make([]Weight, MaxNeurons+1)
	for i := range many {
		many[i] = Weight{uint32(i), 1}
	}
	tests := []struct {
		name string
		ws   []Weight
		ok   bool
	}{
		{"empty", nil, true},
		{"canonical", []Weight{{0, 1}, {5, 65535}, {MaxNeurons - 1, 7}}, true},
		{"full", many[:MaxNeurons], true},
		{"unsorted", []Weight{{5, 1}, {0, 1}}, false},
		{"duplicate uid", []Weight{{5, 1}, {5, 2}}, false},
		{"zero weight", []Weight{{5, 0}}, false},
		{"uid out of range", []Weight{{MaxNeurons, 1}}, false},
		{"too many", many, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateWeights(tt.ws)
			if tt.ok != (err == nil) {
				t.Fatalf("error = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
		})
	}
}

func TestScoringWeights(t *testing.T) {
	scores := map[uint32]float64{0: 0.2, 1: 0.9, 2: 0.5, 3: 0.9, 4: 0.1}
	tests := []struct {
		name    string
		scoring Scoring
		want    []Weight
	}{
		{"proportional", Scoring{Rule: ScoringProportional},
			[]Weight{{0, 14563}, {1, 65535}, {2, 36408}, {3, 65535}, {4, 7282}}},
		{"winner takes all, tie to the lower uid", Scoring{Rule: ScoringTopK, K: 1},
			[]Weight{{1, 65535}}},
		{"top 3", Scoring{Rule: ScoringTopK, K: 3},
			[]Weight{{1, 65535}, {2, 36408}, {3, 65535}}},
		{"k above the number of scores", Scoring{Rule: ScoringTopK, K: 100},
			[]Weight{{0, 14563}, {1, 65535}, {2, 36408}, {3, 65535}, {4, 7282}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.scoring.Weights(scores)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	for _, bad := range []Scoring{{Rule: "median"}, {Rule: ScoringTopK}, {Rule: ScoringProportional, K: 2}} {
		if _, err := bad.Weights(scores); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: error = %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := (Scoring{Rule: ScoringTopK, K: 1}).Weights(map[uint32]float64{0: 1, 1: math.NaN(), 2: 2}); !errors.Is(err, ErrInvalid) {
		t.Errorf("top-k with a NaN score: error = %v, want ErrInvalid", err)
	}
}
