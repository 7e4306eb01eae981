package node

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

// OpenAPI is the API's description, served at /v1/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

// maxBody bounds a JSON request body.
const maxBody = 64 << 10

// MaxUpload bounds a file posted to /v1/content.
const MaxUpload = 4 << 30

// sseKeepAlive is how often an idle task stream sends a comment, so
// proxies and clients see the connection is alive.
const sseKeepAlive = 15 * time.Second

// api is the node's local HTTP API. It listens on loopback only. Reads are
// open to local programs; writes need the token in <datadir>/api.token.
type api struct {
	n     *Node
	addr  string
	ln    net.Listener
	srv   *http.Server
	token []byte
	path  string // <datadir>/api.addr
	// stopping is closed when the server shuts down.
	stopping chan struct{}
}

func newAPI(n *Node) (*api, error) {
	token, err := loadToken(n.dir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", n.cfg.API.Listen)
	if err != nil {
		return nil, fmt.Errorf("API listen on %s: %w (is another node using it? set api.listen)", n.cfg.API.Listen, err)
	}
	a := &api{n: n, ln: ln, addr: ln.Addr().String(), token: token, path: filepath.Join(n.dir, apiFile)}
	reg := prometheus.NewRegistry()
	reg.MustRegister(&collector{n: n})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", a.status)
	mux.HandleFunc("GET /v1/peers", a.peers)
	mux.HandleFunc("POST /v1/peers", a.auth(a.connect))
	mux.HandleFunc("GET /v1/topics", a.topics)
	mux.HandleFunc("GET /v1/subnets/{subnet}/tasks", a.taskStream)
	mux.HandleFunc("POST /v1/content", a.auth(a.addContent))
	mux.HandleFunc("POST /v1/subnets/{subnet}/answers", a.auth(a.answer))
	mux.HandleFunc("GET /v1/subnets/{subnet}/metagraph", a.metagraph)
	mux.HandleFunc("GET /v1/subnets/{subnet}/epochs", a.epochs)
	mux.HandleFunc("GET /v1/subnets/{subnet}/submissions", a.submissions)
	mux.HandleFunc("POST /v1/subnets/{subnet}/weights", a.auth(a.weights))
	mux.HandleFunc("GET /v1/records/{cid}", a.record)
	mux.HandleFunc("GET /v1/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(OpenAPI)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	// Streams end when the server shuts down, so a graceful shutdown does
	// not wait on miners that stay connected.
	a.stopping = make(chan struct{})
	a.srv.RegisterOnShutdown(func() { close(a.stopping) })
	// Clients (the CLI) find the API through this file.
	if err := os.WriteFile(a.path, []byte(a.addr+"\n"), 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("record API address: %w", err)
	}
	return a, nil
}

func (a *api) serve() error {
	if err := a.srv.Serve(a.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (a *api) shutdown(ctx context.Context) error { return a.srv.Shutdown(ctx) }

func (a *api) close() error {
	os.Remove(a.path)
	err := a.srv.Close()
	a.ln.Close()
	return err
}

// loadToken reads the API token, creating a random one (mode 0600) the
// first time. A token file others can read is refused.
func loadToken(dir string) ([]byte, error) {
	path := filepath.Join(dir, tokenFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw := make([]byte, 32)
		rand.Read(raw)
		tok := hex.EncodeToString(raw)
		if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write API token: %w", err)
		}
		return []byte(tok), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read API token: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o; run chmod 600 %s", ErrConfig, path, st.Mode().Perm(), path)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < 32 {
		return nil, fmt.Errorf("%w: %s holds no token (delete it to make a new one)", ErrConfig, path)
	}
	return []byte(tok), nil
}

// ReadToken returns the API token of the data dir dir, for clients.
func ReadToken(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, tokenFile))
	if err != nil {
		return "", fmt.Errorf("read API token: %w (has a node run on %s?)", err, dir)
	}
	return strings.TrimSpace(string(b)), nil
}

// ReadAPIAddr returns where the node running on data dir dir serves its
// API.
func ReadAPIAddr(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, apiFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no node is running on %s (start one with `crucible run --data-dir %s`)", dir, dir)
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// auth requires the bearer token.
func (a *api) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), a.token) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="crucible"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong token: send Authorization: Bearer <contents of <data-dir>/api.token>")
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // error messages name <data-dir>; keep them readable
	enc.Encode(v)
}

// Error is the body of every error response.
type Error struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, code int, msg string) { writeJSON(w, code, Error{msg}) }

// readJSON decodes a bounded JSON body into v, refusing unknown fields and
// trailing data; it writes the 400 itself and returns false on failure.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON object")
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("body larger than %d bytes", maxBody))
		} else {
			writeError(w, http.StatusBadRequest, "malformed JSON body: "+err.Error())
		}
		return false
	}
	return true
}

// Status is GET /v1/status.
type Status struct {
	PeerID  string    `json:"peer_id"`
	Network string    `json:"network"`
	Addrs   []string  `json:"addrs"`
	Started time.Time `json:"started"`
	Uptime  string    `json:"uptime"`
	Peers   int       `json:"peers"`
	Chain   struct {
		ChainID  uint64 `json:"chain_id"`
		Contract string `json:"contract"`
		Account  string `json:"account"`
		Head     uint64 `json:"head"`
		Error    string `json:"error,omitempty"`
	} `json:"chain"`
	// Subnets are the followed subnets and where the node's round is.
	Subnets []SubnetStatus `json:"subnets"`
}

// SubnetStatus is one followed subnet in Status.
type SubnetStatus struct {
	Subnet uint64 `json:"subnet"`
	Name   string `json:"name"`
	// Head is the block the node last acted on, Epoch the epoch it is in.
	Head  uint64 `json:"head"`
	Epoch uint64 `json:"epoch"`
	// Evaluating counts the answers to this validator's tasks of the
	// epoch that it has not evaluated yet.
	Evaluating int `json:"evaluating"`
}

func (a *api) status(w http.ResponseWriter, r *http.Request) {
	n := a.n
	var s Status
	s.PeerID, s.Network, s.Addrs = n.id.PeerID().String(), n.cfg.Network, n.net.Addrs()
	s.Started, s.Uptime = n.started.UTC(), time.Since(n.started).Round(time.Second).String()
	s.Peers = len(n.net.Host().Network().Peers()) // a count; Peers() would build every peer's details
	s.Chain.ChainID, s.Chain.Contract, s.Chain.Account = n.chain.ChainID().Uint64(), n.chain.Contract().String(), n.chain.Account().String()
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	head, err := n.chain.Head(ctx)
	if err != nil {
		s.Chain.Error = err.Error()
	}
	s.Chain.Head = head
	s.Subnets = []SubnetStatus{}
	n.followMu.Lock()
	fs := make([]*follower, 0, len(n.followers))
	for _, f := range n.followers {
		fs = append(fs, f)
	}
	n.followMu.Unlock()
	for _, f := range fs {
		f.mu.Lock()
		h := f.acted
		f.mu.Unlock()
		s.Subnets = append(s.Subnets, SubnetStatus{Subnet: f.subnet, Name: f.manifest.Name, Head: h, Epoch: f.clock.EpochAt(h),
			Evaluating: n.evaluating(f, h)})
	}
	sort.Slice(s.Subnets, func(i, j int) bool { return s.Subnets[i].Subnet < s.Subnets[j].Subnet })
	writeJSON(w, http.StatusOK, s)
}

// Peer is one entry of GET /v1/peers.
type Peer struct {
	ID        string   `json:"id"`
	Addrs     []string `json:"addrs"`
	Inbound   bool     `json:"inbound"`
	Agent     string   `json:"agent,omitempty"`
	LatencyMS float64  `json:"latency_ms"`
	Score     float64  `json:"score"`
	Topics    []string `json:"topics"`
}

func (a *api) peers(w http.ResponseWriter, _ *http.Request) {
	out := []Peer{}
	for _, p := range a.n.net.Peers() {
		out = append(out, Peer{ID: p.ID.String(), Addrs: p.Addrs, Inbound: p.Inbound, Agent: p.Agent,
			LatencyMS: float64(p.Latency.Microseconds()) / 1000, Score: p.Score, Topics: p.Topics})
	}
	writeJSON(w, http.StatusOK, out)
}

// ConnectRequest is the body of POST /v1/peers.
type ConnectRequest struct {
	Addr string `json:"addr"`
}

func (a *api) connect(w http.ResponseWriter, r *http.Request) {
	var req ConnectRequest
	if !readJSON(w, r, &req) {
		return
	}
	if req.Addr == "" {
		writeError(w, http.StatusBadRequest, `"addr" is required: a multiaddr ending in /p2p/<peer ID>`)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	if err := a.n.net.Connect(ctx, req.Addr); err != nil {
		code := http.StatusBadGateway
		if strings.Contains(err.Error(), "peer address") {
			code = http.StatusBadRequest
		}
		writeError(w, code, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"connected": req.Addr})
}

// Topic is one entry of GET /v1/topics.
type Topic struct {
	Topic      string            `json:"topic"`
	Subnet     uint64            `json:"subnet"`
	Kind       string            `json:"kind"`
	Peers      int               `json:"peers"`
	Mesh       int               `json:"mesh"`
	Published  uint64            `json:"published"`
	Delivered  uint64            `json:"delivered"`
	Duplicates uint64            `json:"duplicates"`
	Rejected   map[string]uint64 `json:"rejected"`
	Ignored    map[string]uint64 `json:"ignored"`
}

func (a *api) topics(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, topicsOf(a.n.net))
}

func topicsOf(net *gossip.Network) []Topic {
	out := []Topic{}
	for _, t := range net.Topics() {
		out = append(out, Topic{Topic: t.Topic, Subnet: t.Subnet, Kind: t.Kind.String(), Peers: t.Peers, Mesh: t.Mesh,
			Published: t.Published, Delivered: t.Delivered, Duplicates: t.Duplicates, Rejected: t.Rejected, Ignored: t.Ignored})
	}
	return out
}

// taskStream is GET /v1/subnets/{subnet}/tasks: server-sent events, one
// "task" event (a MinerTask as JSON) per task the node accepts on the
// subnet's tasks topic, from the moment the client connects.
func (a *api) taskStream(w http.ResponseWriter, r *http.Request) {
	subnet, ok := subnetParam(w, r)
	if !ok {
		return
	}
	a.n.followMu.Lock()
	f := a.n.followers[subnet]
	a.n.followMu.Unlock()
	if f == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("this node does not follow subnet %d (add it to the subnets key)", subnet))
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	ch, cancel := f.streamTasks()
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": crucible task stream\n\n")
	// First the tasks that can still be answered, so a miner that
	// connects late (or restarts) misses nothing; then new ones as they
	// come. A task may come twice; its CID tells.
	for _, t := range f.openTasks() {
		b, _ := json.Marshal(t)
		fmt.Fprintf(w, "event: task\ndata: %s\n\n", b)
	}
	flusher.Flush()
	keep := time.NewTicker(sseKeepAlive)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-a.n.net.Done():
			return
		case <-a.stopping:
			return
		case <-keep.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case t := <-ch:
			b, _ := json.Marshal(t)
			fmt.Fprintf(w, "event: task\ndata: %s\n\n", b)
		}
		flusher.Flush()
	}
}

// AddedContent is the answer of POST /v1/content.
type AddedContent struct {
	CID  string `json:"cid"`
	Size int64  `json:"size"`
}

// addContent is POST /v1/content: the body is a file, imported as UnixFS
// with the default profile (Kubo's CIDs) and pinned. This is how a miner
// program puts its output where validators can fetch it.
func (a *api) addContent(w http.ResponseWriter, r *http.Request) {
	body := http.MaxBytesReader(w, r.Body, MaxUpload)
	var size int64
	c, err := a.n.store.AddFile(r.Context(), body, contentstore.DefaultProfile, func(n int64) { size = n })
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("file larger than %d bytes", int64(MaxUpload)))
			return
		}
		writeError(w, http.StatusInternalServerError, "import: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, AddedContent{CID: c.String(), Size: size})
}

// AnswerRequest is the body of POST /v1/subnets/{subnet}/answers.
type AnswerRequest struct {
	Task   string `json:"task"`   // the task's CID, as the task stream gave it
	Output string `json:"output"` // the output's CID, in this node's store (POST /v1/content)
}

// AnswerResponse is its answer.
type AnswerResponse struct {
	Commit string `json:"commit"` // the commit hash, hex
}

// answer is POST /v1/subnets/{subnet}/answers: commit the output as this
// node's answer to the task; the node reveals it after the deadline.
func (a *api) answer(w http.ResponseWriter, r *http.Request) {
	subnet, ok := subnetParam(w, r)
	if !ok {
		return
	}
	var req AnswerRequest
	if !readJSON(w, r, &req) {
		return
	}
	if req.Task == "" || req.Output == "" {
		writeError(w, http.StatusBadRequest, `"task" and "output" are required CIDs`)
		return
	}
	commit, err := a.n.Answer(r.Context(), subnet, req.Task, req.Output)
	switch {
	case errors.Is(err, ErrAnswer):
		writeError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
	default:
		writeJSON(w, http.StatusOK, AnswerResponse{Commit: hex.EncodeToString(commit[:])})
	}
}

// subnetParam parses the {subnet} of a path, answering 400 if it is not a
// number.
func subnetParam(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	subnet, err := strconv.ParseUint(r.PathValue("subnet"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "subnet must be a decimal number")
		return 0, false
	}
	return subnet, true
}

// writeNodeError answers with err: 404 for a subnet not followed, 502
// otherwise (the chain or the network failed the node).
func writeNodeError(w http.ResponseWriter, err error) {
	code := http.StatusBadGateway
	if errors.Is(err, ErrNotFollowed) {
		code = http.StatusNotFound
	}
	writeError(w, code, err.Error())
}

func (a *api) metagraph(w http.ResponseWriter, r *http.Request) {
	subnet, ok := subnetParam(w, r)
	if !ok {
		return
	}
	mg, err := a.n.Metagraph(r.Context(), subnet)
	if err != nil {
		writeNodeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, mg)
}

func (a *api) epochs(w http.ResponseWriter, r *http.Request) {
	subnet, ok := subnetParam(w, r)
	if !ok {
		return
	}
	if _, err := a.n.follower(subnet); err != nil {
		writeNodeError(w, err)
		return
	}
	eps, err := a.n.Epochs(subnet)
	if err != nil {
		writeNodeError(w, err)
		return
	}
	if eps == nil {
		eps = []Epoch{}
	}
	writeJSON(w, http.StatusOK, eps)
}

// submissions is GET /v1/subnets/{subnet}/submissions?epoch=E: the
// answers revealed in epoch E (default: the current one).
func (a *api) submissions(w http.ResponseWriter, r *http.Request) {
	subnet, ok := subnetParam(w, r)
	if !ok {
		return
	}
	f, err := a.n.follower(subnet)
	if err != nil {
		writeNodeError(w, err)
		return
	}
	f.mu.Lock()
	e := f.clock.EpochAt(f.head)
	f.mu.Unlock()
	if q := r.URL.Query().Get("epoch"); q != "" {
		if e, err = strconv.ParseUint(q, 10, 64); err != nil {
			writeError(w, http.StatusBadRequest, "epoch must be a decimal number")
			return
		}
	}
	subs, err := a.n.Submissions(subnet, e)
	if err != nil {
		writeNodeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, subs)
}

// WeightsRequest is the body of POST /v1/subnets/{subnet}/weights.
type WeightsRequest struct {
	Weights []struct {
		UID    uint32  `json:"uid"`
		Weight float64 `json:"weight"`
	} `json:"weights"`
}

// WeightsResponse is its answer.
type WeightsResponse struct {
	Epoch  uint64 `json:"epoch"`
	Commit string `json:"commit"` // the commit hash, hex
}

// weights is POST /v1/subnets/{subnet}/weights: commit the posted weights
// for the current epoch (validator.weights = "api" only).
func (a *api) weights(w http.ResponseWriter, r *http.Request) {
	subnet, ok := subnetParam(w, r)
	if !ok {
		return
	}
	var req WeightsRequest
	if !readJSON(w, r, &req) {
		return
	}
	scores := map[uint32]float64{}
	for _, x := range req.Weights {
		if _, dup := scores[x.UID]; dup {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("uid %d appears twice", x.UID))
			return
		}
		scores[x.UID] = x.Weight
	}
	e, commit, err := a.n.SetWeights(r.Context(), subnet, scores)
	switch {
	case errors.Is(err, ErrWeights):
		writeError(w, http.StatusConflict, err.Error())
	case err != nil:
		writeNodeError(w, err)
	default:
		writeJSON(w, http.StatusOK, WeightsResponse{Epoch: e, Commit: hex.EncodeToString(commit[:])})
	}
}

func (a *api) record(w http.ResponseWriter, r *http.Request) {
	c := r.PathValue("cid")
	if _, err := tasks.ParseLink(c); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%q is not a CID: %v", c, err))
		return
	}
	rec, err := a.n.Record(r.Context(), c)
	if err != nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("record %s: %v", c, err))
		return
	}
	writeJSON(w, http.StatusOK, viewRecord(rec))
}
