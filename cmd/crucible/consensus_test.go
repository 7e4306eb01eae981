package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/consensus"
)

const consensusExamples = "../../examples/consensus/"

// TestConsensusSimulateExamples runs every example scenario the way the
// README tells a subnet designer to, and checks what the table must show.
func TestConsensusSimulateExamples(t *testing.T) {
	code, out, errOut := run(t, "consensus", "simulate", consensusExamples+"self-weighting.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"classic Yuma: 8 uids, 4 epochs",
		"epoch 1 (block 360): emission 1000000000 = owner 180000000",
		"    4    m1      no  0.0000   0.0000  1.0000     0.1000     0.1000     0.0000",
		"bonds (validator → uid):",
		"epoch 4 (block 1440)",
		"no consensus formed: validators are paid by stake",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "no consensus formed") != 1 {
		t.Errorf("consensus should fail only in the last epoch:\n%s", out)
	}

	code, out, errOut = run(t, "consensus", "simulate", consensusExamples+"late-validator.csv", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var results []consensus.EpochResult
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatal(err)
	}
	if len(results) != 3 {
		t.Fatalf("%d epochs, want 3", len(results))
	}
	// v3 (uid 2) reveals from epoch 2 on: no dividends first, then rising.
	d := []float64{results[0].Result.Dividends[2], results[1].Result.Dividends[2], results[2].Result.Dividends[2]}
	if d[0] != 0 || !(d[1] > 0 && d[2] > d[1]) {
		t.Errorf("late validator's dividends %v, want 0 then rising", d)
	}
}

func TestConsensusSimulateFlagsAndErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := consensusExamples + "self-weighting.json"
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"consensus", "simulate", good, "--yuma3", "--kappa", "0.6"}, 0, "Yuma 3: 8 uids, 4 epochs, κ 0.6"},
		{[]string{"consensus", "simulate", good, "--yuma3", "--liquid-alpha"}, 0, "Yuma 3 with liquid alpha in [0.7, 0.9]: 8 uids"},
		{[]string{"consensus", "simulate", good, "--liquid-alpha"}, 1, "liquid_alpha needs yuma3"},
		{[]string{"consensus", "simulate", "--help"}, 0, "one weight column per uid"},
		{[]string{"consensus", "simulate"}, 2, "want one scenario FILE"},
		{[]string{"consensus", "simulate", good, "--kappa", "2"}, 1, "kappa = 2, want it in (0, 1]"},
		{[]string{"consensus", "simulate", write("unknown.json", `{"epochs": [], "tempoo": 1}`)}, 1, `unknown field "tempoo"`},
		{[]string{"consensus", "simulate", write("none.json", `{"epochs": []}`)}, 1, "no epochs"},
		{[]string{"consensus", "simulate", write("nan.json", `{"epochs": [{"stake": [1, -1]}]}`)}, 1, "stake of uid 1"},
		{[]string{"consensus", "simulate", write("wide.json", `{"epochs": [{"stake": [1, 1], "weights": [[0, 1, 1]]}]}`)}, 1, "row 0 has 3 weights for 2 uids"},
		{[]string{"consensus", "simulate", write("hdr.csv", "uid,epoch,stake,a\n")}, 1, "header must be epoch,uid,stake"},
		{[]string{"consensus", "simulate", write("gap.csv", "epoch,uid,stake,a,b\n1,0,1,,1\n1,1,0,,\n3,0,1,,1\n")}, 1, "epochs count from 1 without gaps"},
		{[]string{"consensus", "simulate", write("dup.csv", "epoch,uid,stake,a,b\n1,0,1,,1\n1,0,0,,\n")}, 1, "uid 0 appears twice in epoch 1"},
		{[]string{"consensus", "simulate", write("short.csv", "epoch,uid,stake,a,b\n1,0,1,,1\n")}, 1, "epoch 1 lists 1 of the 2 uids"},
		{[]string{"consensus", "simulate", write("num.csv", "epoch,uid,stake,a,b\n1,0,1,,x\n1,1,0,,\n")}, 1, `weight "x" is not a number`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[2:], " "), func(t *testing.T) {
			code, out, errOut := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out+errOut, tc.want) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", tc.want, out, errOut)
			}
		})
	}
}

// TestConsensusSimulateHelpExamples runs the JSON and CSV examples that
// --help prints, so the help cannot drift from the format.
func TestConsensusSimulateHelpExamples(t *testing.T) {
	dir := t.TempDir()
	start := strings.Index(simulateSummary, `  {"params"`)
	end := strings.Index(simulateSummary, "]}]}") + len("]}]}")
	csvStart := strings.Index(simulateSummary, "  epoch,uid,stake")
	csvEnd := strings.Index(simulateSummary, "\n\nExamples:")
	if start < 0 || end < start || csvStart < 0 || csvEnd < csvStart {
		t.Fatal("cannot find the examples in the help text")
	}
	jsonFile := filepath.Join(dir, "help.json")
	csvFile := filepath.Join(dir, "help.csv")
	var csvLines []string
	for _, l := range strings.Split(simulateSummary[csvStart:csvEnd], "\n") {
		csvLines = append(csvLines, strings.TrimSpace(l))
	}
	if err := os.WriteFile(jsonFile, []byte(simulateSummary[start:end]), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csvFile, []byte(strings.Join(csvLines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{jsonFile: "3 uids, 7 epochs", csvFile: "3 uids, 1 epoch,"} {
		code, out, errOut := run(t, "consensus", "simulate", file)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, want output with %q\nstdout: %s\nstderr: %s", filepath.Base(file), code, want, out, errOut)
		}
	}
}
