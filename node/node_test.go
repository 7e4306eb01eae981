package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crucible-net/crucible/chain"
)

// testChain is a simulated chain with the contract deployed; account i's
// client is what node i uses.
type testChain struct {
	sim  *chain.Simulated
	addr chain.Address
}

func newTestChain(t testing.TB) *testChain {
	t.Helper()
	sim, err := chain.NewSimulated(8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	cl, err := sim.Deploy(context.Background(), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &testChain{sim: sim, addr: cl.Contract()}
}

func (c *testChain) client(t testing.TB, i int) *chain.Client {
	t.Helper()
	cl, err := c.sim.Client(context.Background(), c.addr, i, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// testConfig is a loopback node without mDNS (multicast leaves
// 127.0.0.0/8).
func testConfig() Config {
	c := TestnetConfig()
	c.P2P.MDNS = false
	c.P2P.DHT = "off"
	c.Log.Level = "warn"
	return c
}

func newTestNode(t testing.TB, dir string, ch *testChain, i int) *Node {
	t.Helper()
	return newTestNodeWith(t, dir, ch, i, testConfig())
}

func newTestNodeWith(t testing.TB, dir string, ch *testChain, i int, cfg Config) *Node {
	t.Helper()
	var logs io.Writer = io.Discard
	if os.Getenv("NODE_TEST_LOGS") != "" {
		logs = os.Stderr
		cfg.Log.Level = "debug"
	}
	n, err := New(context.Background(), dir, cfg, Parts{Chain: ch.client(t, i), Logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return n
}

type client struct {
	t     testing.TB
	base  string
	token string
}

func apiClient(t testing.TB, n *Node) *client {
	tok, err := ReadToken(n.dir)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, base: "http://" + n.APIAddr(), token: tok}
}

func (c *client) do(method, path, token string, body []byte) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (c *client) get(path string, v any) {
	c.t.Helper()
	code, b := c.do("GET", path, "", nil)
	if code != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, code, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			c.t.Fatalf("GET %s: %v in %s", path, err, b)
		}
	}
}

func TestNodeAPI(t *testing.T) {
	ch := newTestChain(t)
	a := newTestNode(t, t.TempDir(), ch, 1)
	b := newTestNode(t, t.TempDir(), ch, 2)
	ca, cb := apiClient(t, a), apiClient(t, b)

	var st Status
	ca.get("/v1/status", &st)
	if st.PeerID != a.PeerID().String() || st.Network != DefaultNetwork || st.Chain.Contract != ch.addr.String() || st.Chain.Error != "" {
		t.Errorf("status %+v", st)
	}

	body, _ := json.Marshal(ConnectRequest{Addr: a.Network().Addrs()[0]})
	for _, c := range []struct {
		name, token string
		body        []byte
		want        int
	}{
		{"no token", "", body, http.StatusUnauthorized},
		{"wrong token", strings.Repeat("0", 64), body, http.StatusUnauthorized},
		{"malformed", cb.token, []byte(`{"addr":`), http.StatusBadRequest},
		{"unknown field", cb.token, []byte(`{"addr":"x","extra":1}`), http.StatusBadRequest},
		{"trailing data", cb.token, append(body, '{'), http.StatusBadRequest},
		{"oversize", cb.token, []byte(`{"addr":"` + strings.Repeat("a", maxBody) + `"}`), http.StatusBadRequest},
		{"empty addr", cb.token, []byte(`{}`), http.StatusBadRequest},
		{"bad multiaddr", cb.token, []byte(`{"addr":"127.0.0.1:4170"}`), http.StatusBadRequest},
		{"ok", cb.token, body, http.StatusOK},
	} {
		code, resp := cb.do("POST", "/v1/peers", c.token, c.body)
		if code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, resp, c.want)
		}
		var e Error
		if code != http.StatusOK && (json.Unmarshal(resp, &e) != nil || e.Error == "") {
			t.Errorf("%s: error body %q has no reason", c.name, resp)
		}
	}
	var peers []Peer
	cb.get("/v1/peers", &peers)
	if len(peers) != 1 || peers[0].ID != a.PeerID().String() {
		t.Errorf("B's peers %+v, want A", peers)
	}

	_, metrics := ca.do("GET", "/metrics", "", nil)
	for _, want := range []string{"crucible_peers 1", "crucible_chain_up 1", "crucible_chain_height "} {
		if !bytes.Contains(metrics, []byte(want)) {
			t.Errorf("/metrics lacks %q:\n%s", want, metrics)
		}
	}
}

// TestOpenAPIDocumentsEveryRoute: every route the API serves is in
// openapi.yaml, and the document lists no route the API lacks.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	src, err := os.ReadFile("api.go")
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, m := range regexp.MustCompile(`Handle(?:Func)?\("(GET|POST|PUT|DELETE) (/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		served[strings.ToLower(m[1])+" "+m[2]] = true
	}
	documented := map[string]bool{}
	path := ""
	for _, line := range strings.Split(string(OpenAPI), "\n") {
		if m := regexp.MustCompile(`^  (/\S*):$`).FindStringSubmatch(line); m != nil {
			path = m[1]
		} else if m := regexp.MustCompile(`^    (get|post|put|delete):$`).FindStringSubmatch(line); m != nil && path != "" {
			documented[m[1]+" "+path] = true
		}
	}
	for r := range served {
		if !documented[r] {
			t.Errorf("%s is served but not in openapi.yaml", r)
		}
	}
	for r := range documented {
		if !served[r] {
			t.Errorf("%s is in openapi.yaml but not served", r)
		}
	}
	if len(served) < 5 {
		t.Fatalf("found only %d routes in api.go", len(served))
	}
}

func TestDataDirLock(t *testing.T) {
	ch := newTestChain(t)
	dir := t.TempDir()
	n, err := New(context.Background(), dir, testConfig(), Parts{Chain: ch.client(t, 1), Logs: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(context.Background(), dir, testConfig(), Parts{Chain: ch.client(t, 1), Logs: io.Discard})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "process") {
		t.Fatalf("second node on one data dir: %v, want ErrLocked naming the holder", err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, apiFile)); err == nil {
		t.Error("api.addr left behind after Close")
	}
	n, err = New(context.Background(), dir, testConfig(), Parts{Chain: ch.client(t, 1), Logs: io.Discard})
	if err != nil {
		t.Fatalf("restart after Close: %v", err)
	}
	n.Close()
}

func TestNewRefusesBadParts(t *testing.T) {
	ch := newTestChain(t)
	t.Run("identity readable by others", func(t *testing.T) {
		dir := t.TempDir()
		n, err := New(context.Background(), dir, testConfig(), Parts{Chain: ch.client(t, 1), Logs: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		n.Close()
		os.Chmod(filepath.Join(dir, "keys", "identity.key"), 0o644)
		if _, err := New(context.Background(), dir, testConfig(), Parts{Chain: ch.client(t, 1), Logs: io.Discard}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("New with a world-readable key: %v", err)
		}
	})
	t.Run("no chain", func(t *testing.T) {
		dir := t.TempDir()
		_, err := New(context.Background(), dir, testConfig(), Parts{Logs: io.Discard})
		if err == nil || !strings.Contains(err.Error(), "crucible chain dev") {
			t.Fatalf("New without a chain: %v, want advice to start the dev chain", err)
		}
	})
	t.Run("API port taken", func(t *testing.T) {
		a, err := New(context.Background(), t.TempDir(), testConfig(), Parts{Chain: ch.client(t, 1), Logs: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		cfg := testConfig()
		cfg.API.Listen = a.APIAddr()
		if _, err := New(context.Background(), t.TempDir(), cfg, Parts{Chain: ch.client(t, 2), Logs: io.Discard}); err == nil || !strings.Contains(err.Error(), "api.listen") {
			t.Fatalf("New on a taken API port: %v", err)
		}
	})
}

func TestRunStopsCleanly(t *testing.T) {
	ch := newTestChain(t)
	n, err := New(context.Background(), t.TempDir(), testConfig(), Parts{Chain: ch.client(t, 1), Logs: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	c := apiClient(t, n)
	c.get("/v1/status", nil)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(DefaultShutdownGrace + 5*time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}
