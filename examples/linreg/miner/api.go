package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/crucible-net/crucible/examples/linreg/client"
)

// The calls a miner makes to the node's local HTTP API (node/openapi.yaml),
// and the JSON it reads. Package client sends them; only the task stream,
// which stays open, builds its request here.

// minerTask is one "task" event of the task stream (node.MinerTask).
type minerTask struct {
	Subnet    uint64 `json:"subnet"`
	Epoch     uint64 `json:"epoch"`
	Validator string `json:"validator"`
	Index     uint32 `json:"index"`
	Task      string `json:"task"`
	Seed      string `json:"seed"`
	Params    []byte `json:"params"` // base64 in JSON
	Deadline  uint64 `json:"deadline_block"`
	MaxBytes  uint64 `json:"max_bytes"`
}

// submission is one entry of GET /v1/subnets/{N}/submissions.
type submission struct {
	Epoch  uint64 `json:"epoch"`
	Miner  string `json:"miner"`
	UID    *int64 `json:"uid"` // absent or negative: unknown
	Task   string `json:"task"`
	Output string `json:"output"`
}

// metagraph is the part of GET /v1/subnets/{N}/metagraph the miner reads.
type metagraph struct {
	Head    uint64   `json:"head"`
	Epoch   *uint64  `json:"epoch"`
	Neurons []neuron `json:"neurons"`
}

type neuron struct {
	UID       int64   `json:"uid"`
	Peer      string  `json:"peer"`
	Incentive float64 `json:"incentive"`
}

// minerAPI is the node's API with the calls a miner makes, each a few
// lines on client.API's Get and Post.
type minerAPI struct {
	client.API
}

// addContent imports a file into the node's store and returns its CID.
func (a *minerAPI) addContent(ctx context.Context, file []byte) (string, error) {
	var out struct {
		CID string `json:"cid"`
	}
	if err := a.Post(ctx, "/v1/content", "application/octet-stream", file, &out); err != nil {
		return "", fmt.Errorf("add output: %w", err)
	}
	return out.CID, nil
}

// answer commits output as this node's answer to task; it returns the
// commit hash.
func (a *minerAPI) answer(ctx context.Context, task, output string) (string, error) {
	body, _ := json.Marshal(map[string]string{"task": task, "output": output})
	var out struct {
		Commit string `json:"commit"`
	}
	if err := a.Post(ctx, fmt.Sprintf("/v1/subnets/%d/answers", a.Subnet), "application/json", body, &out); err != nil {
		return "", err
	}
	return out.Commit, nil
}

func (a *minerAPI) submissions(ctx context.Context, epoch uint64) ([]submission, error) {
	var out []submission
	err := a.Get(ctx, fmt.Sprintf("/v1/subnets/%d/submissions?epoch=%d", a.Subnet, epoch), &out)
	return out, err
}

func (a *minerAPI) metagraph(ctx context.Context) (metagraph, error) {
	var out metagraph
	err := a.Get(ctx, fmt.Sprintf("/v1/subnets/%d/metagraph", a.Subnet), &out)
	return out, err
}

// peerID returns the node's peer ID.
func (a *minerAPI) peerID(ctx context.Context) (string, error) {
	var out struct {
		PeerID string `json:"peer_id"`
	}
	err := a.Get(ctx, "/v1/status", &out)
	return out.PeerID, err
}

// streamTasks reads the task stream once, calling fn for every task
// event, until the stream ends, fails or ctx is done. connected reports
// whether the node answered at all, so the caller resets its backoff.
func (a *minerAPI) streamTasks(ctx context.Context, fn func(minerTask)) (connected bool, err error) {
	// No timeout but ctx: the stream stays open as long as the node runs.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.Endpoint(fmt.Sprintf("/v1/subnets/%d/tasks", a.Subnet)), nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return false, &client.Error{Status: resp.StatusCode, Msg: strings.TrimSpace(string(b))}
	}
	var bad error
	err = readEvents(resp.Body, func(ev event) {
		if ev.Type != "task" {
			return
		}
		var t minerTask
		if err := json.Unmarshal([]byte(ev.Data), &t); err != nil || t.Task == "" {
			bad = fmt.Errorf("malformed task event %q: %v", ev.Data, err)
			return
		}
		fn(t)
	})
	if err == nil {
		err = bad
	}
	if err == nil {
		err = errors.New("task stream ended")
	}
	return true, err
}
