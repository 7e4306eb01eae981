package sandbox

import (
	"bytes"
	"context"
	"os"
	"testing"
)

func TestSmokeGo(t *testing.T) {
	ctx := context.Background()
	sb, err := New(ctx, Config{})
	if err != nil { t.Fatal(err) }
	defer sb.Close()
	b, _ := os.ReadFile("../examples/evaluators/linreg/evaluator.wasm")
	ev, err := sb.Load(ctx, b)
	if err != nil { t.Fatal(err) }
	task, _ := os.ReadFile("../examples/evaluators/linreg/testdata/task.json")
	out, _ := os.ReadFile("../examples/evaluators/linreg/testdata/good.json")
	for i := 0; i < 3; i++ {
		res, err := ev.Evaluate(ctx, Input{Task: task, Output: bytes.NewReader(out), OutputSize: int64(len(out))}, Limits{})
		t.Logf("res=%+v err=%v log=%s", res, err, res.Log)
	}
}
