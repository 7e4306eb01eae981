package node

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestMain doubles as a miner program that speaks only HTTP to a node, for
// TestHTTPMinerProcess: with CRUCIBLE_TEST_HTTP_MINER set it answers one
// task from the node's task stream and exits.
func TestMain(m *testing.M) {
	if os.Getenv("CRUCIBLE_TEST_HTTP_MINER") != "" {
		if err := httpMiner(os.Getenv("CRUCIBLE_API"), os.Getenv("CRUCIBLE_TOKEN"), os.Getenv("CRUCIBLE_SUBNET")); err != nil {
			fmt.Fprintln(os.Stderr, "miner:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// httpMiner is what a miner in any language does: read the task stream,
// upload an output, post the answer.
func httpMiner(api, token, subnet string) error {
	resp, err := http.Get("http://" + api + "/v1/subnets/" + subnet + "/tasks")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("task stream: %s", resp.Status)
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Scan()
	fmt.Println("ready")
	var task MinerTask
	for lines.Scan() {
		if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			if err := json.Unmarshal([]byte(data), &task); err != nil {
				return err
			}
			break
		}
	}
	post := func(path, ctype string, body []byte, v any) error {
		req, _ := http.NewRequest("POST", "http://"+api+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", ctype)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer r.Body.Close()
		if r.StatusCode != http.StatusOK {
			var e Error
			json.NewDecoder(r.Body).Decode(&e)
			return fmt.Errorf("POST %s: %s: %s", path, r.Status, e.Error)
		}
		return json.NewDecoder(r.Body).Decode(v)
	}
	var added AddedContent
	if err := post("/v1/content", "application/octet-stream", []byte("weights for "+task.Task), &added); err != nil {
		return err
	}
	body, _ := json.Marshal(AnswerRequest{Task: task.Task, Output: added.CID})
	var ans AnswerResponse
	if err := post("/v1/subnets/"+subnet+"/answers", "application/json", body, &ans); err != nil {
		return err
	}
	fmt.Println("committed", ans.Commit)
	return nil
}
