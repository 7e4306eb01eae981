package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// A small client of the node's local HTTP API (node/openapi.yaml), with
// only the calls a miner makes. It is written against the standard
// library so the miner builds in a second.

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

// apiError is an answer of the node other than 2xx.
type apiError struct {
	Status int
	Msg    string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Msg)
}

// requestTimeout bounds every call but the task stream.
const requestTimeout = 15 * time.Second

type client struct {
	api       string // base URL, no trailing slash
	tokenFile string
	subnet    uint64
	http      *http.Client
}

func newClient(api, tokenFile string, subnet uint64) *client {
	return &client{api: strings.TrimSuffix(api, "/"), tokenFile: tokenFile, subnet: subnet, http: &http.Client{}}
}

// token reads the bearer token on every POST: the node writes the file
// when it first starts, which may be after the miner.
func (c *client) token() (string, error) {
	if c.tokenFile == "" {
		return "", errors.New("no -token-file: POSTs to the node need its API token (<data-dir>/api.token)")
	}
	b, err := os.ReadFile(c.tokenFile)
	if err != nil {
		return "", fmt.Errorf("read API token: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// do sends a request and decodes a JSON answer into out (if not nil).
func (c *client) do(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.api+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if method == http.MethodPost {
		tok, err := c.token()
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		return &apiError{Status: resp.StatusCode, Msg: e.Error}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// addContent imports a file into the node's store and returns its CID.
func (c *client) addContent(ctx context.Context, file []byte) (string, error) {
	var out struct {
		CID string `json:"cid"`
	}
	if err := c.do(ctx, http.MethodPost, "/v1/content", "application/octet-stream", file, &out); err != nil {
		return "", fmt.Errorf("add output: %w", err)
	}
	return out.CID, nil
}

// answer commits output as this node's answer to task; it returns the
// commit hash.
func (c *client) answer(ctx context.Context, task, output string) (string, error) {
	body, _ := json.Marshal(map[string]string{"task": task, "output": output})
	var out struct {
		Commit string `json:"commit"`
	}
	if err := c.do(ctx, http.MethodPost, fmt.Sprintf("/v1/subnets/%d/answers", c.subnet), "application/json", body, &out); err != nil {
		return "", err
	}
	return out.Commit, nil
}

func (c *client) submissions(ctx context.Context, epoch uint64) ([]submission, error) {
	var out []submission
	err := c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/subnets/%d/submissions?epoch=%d", c.subnet, epoch), "", nil, &out)
	return out, err
}

func (c *client) metagraph(ctx context.Context) (metagraph, error) {
	var out metagraph
	err := c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/subnets/%d/metagraph", c.subnet), "", nil, &out)
	return out, err
}

// peerID returns the node's peer ID.
func (c *client) peerID(ctx context.Context) (string, error) {
	var out struct {
		PeerID string `json:"peer_id"`
	}
	err := c.do(ctx, http.MethodGet, "/v1/status", "", nil, &out)
	return out.PeerID, err
}

// streamTasks reads the task stream once, calling fn for every task
// event, until the stream ends, fails or ctx is done. connected reports
// whether the node answered at all, so the caller resets its backoff.
func (c *client) streamTasks(ctx context.Context, fn func(minerTask)) (connected bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/v1/subnets/%d/tasks", c.api, c.subnet), nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return false, &apiError{Status: resp.StatusCode, Msg: strings.TrimSpace(string(b))}
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
