package node

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

// TestWeightsConfig: validator.weights takes "evaluations" or "api";
// anything else is refused wherever the configuration comes from, and
// the error names the key.
func TestWeightsConfig(t *testing.T) {
	for _, c := range []struct {
		name    string
		weights string
		ok      bool
	}{
		{"evaluations", WeightsFromEvaluations, true},
		{"api", WeightsFromAPI, true},
		{"bogus", "bogus", false},
		{"empty", "", false},
		{"wrong case", "API", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Validator.Weights = c.weights
			err := cfg.Validate()
			if c.ok {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "validator.weights") {
				t.Fatalf("Validate = %v, want ErrConfig naming validator.weights", err)
			}
		})
	}
	if DefaultConfig().Validator.Weights != WeightsFromEvaluations {
		t.Errorf("default validator.weights is %q, want %q", DefaultConfig().Validator.Weights, WeightsFromEvaluations)
	}

	// The same through LoadConfig (file and flag) and New.
	none := func(string) string { return "" }
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte("[validator]\nweights = \"bogus\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(dir, none, nil); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "validator.weights") {
		t.Errorf("LoadConfig with weights = \"bogus\" in the file: %v", err)
	}
	if _, err := LoadConfig(t.TempDir(), none, map[string]string{"validator.weights": "bogus"}); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "validator.weights") {
		t.Errorf("LoadConfig with --validator.weights=bogus: %v", err)
	}
	if c, err := LoadConfig(t.TempDir(), none, map[string]string{"validator.weights": "api"}); err != nil || c.Validator.Weights != WeightsFromAPI {
		t.Errorf("LoadConfig with --validator.weights=api: %q, %v", c.Validator.Weights, err)
	}
	cfg := testConfig()
	cfg.Validator.Weights = "bogus"
	if _, err := New(context.Background(), t.TempDir(), cfg, Parts{}); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "validator.weights") {
		t.Errorf("New with weights = \"bogus\": %v", err)
	}
}

// TestSetWeightsNeedsAPIValidator: only a validator whose weights come
// from the API may post them; the configuration is checked before
// anything else, so these nodes need nothing but it.
func TestSetWeightsNeedsAPIValidator(t *testing.T) {
	for _, c := range []struct {
		name             string
		enabled          bool
		weights          string
		wantErr, wantNot error
	}{
		{"not a validator", false, WeightsFromEvaluations, ErrWeights, ErrNotFollowed},
		{"not a validator, api", false, WeightsFromAPI, ErrWeights, ErrNotFollowed},
		{"validator scoring evaluations", true, WeightsFromEvaluations, ErrWeights, ErrNotFollowed},
		// Past the configuration: the subnet is not followed.
		{"api validator", true, WeightsFromAPI, ErrNotFollowed, ErrWeights},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := &Node{cfg: testConfig()}
			n.cfg.Validator.Enabled, n.cfg.Validator.Weights = c.enabled, c.weights
			_, _, err := n.SetWeights(context.Background(), 1, map[uint32]float64{0: 1})
			if !errors.Is(err, c.wantErr) || errors.Is(err, c.wantNot) {
				t.Fatalf("SetWeights = %v, want %v", err, c.wantErr)
			}
		})
	}
}

// uidOf is n's uid as f sees it.
func uidOf(t *testing.T, f *follower, n *Node) uint32 {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	nr, ok := f.neurons[string(n.PeerID())]
	if !ok {
		t.Fatalf("%s has no uid", n.PeerID())
	}
	return nr.UID
}

// weightsBody is a POST /v1/subnets/{subnet}/weights body, as the API
// documents it.
func weightsBody(t *testing.T, scores map[uint32]float64) []byte {
	t.Helper()
	ws := []map[string]any{}
	for _, uid := range slices.Sorted(maps.Keys(scores)) {
		ws = append(ws, map[string]any{"uid": uid, "weight": scores[uid]})
	}
	b, err := json.Marshal(map[string]any{"weights": ws})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWeightsFromAPIRound: one validator with validator.weights = "api"
// and two miners run an epoch. The validator publishes no tasks; the
// weights posted over the API are committed (every Book holds the
// commit), revealed in the next epoch's window, and the record every node
// builds holds exactly them. On the way: what SetWeights and the route
// refuse, and /v1/status.
func TestWeightsFromAPIRound(t *testing.T) {
	validator := testConfig()
	validator.Validator.Enabled = true
	validator.Validator.Weights = WeightsFromAPI
	validator.Chain.PollMS = 20
	miner := testConfig()
	miner.Chain.PollMS = 20
	rn := newRoundNet(t, []Config{validator, miner, miner})
	ctx := context.Background()
	v, a, b := rn.nodes[0], rn.nodes[1], rn.nodes[2]

	if _, _, err := v.SetWeights(ctx, rn.subnet, map[uint32]float64{0: 1}); !errors.Is(err, ErrWeights) || !strings.Contains(err.Error(), "register") {
		t.Fatalf("SetWeights before registration = %v, want ErrWeights asking to register", err)
	}
	rn.register(0, 1e12)
	rn.register(1, 1e9)
	rn.register(2, 1e9)
	fv := rn.f(0)
	ua, ub := uidOf(t, fv, a), uidOf(t, fv, b)
	e := rn.startEpoch()
	sched, err := fv.manifest.Timing.Schedule(fv.clock.FirstBlock(e))
	if err != nil {
		t.Fatal(err)
	}

	// Refused by SetWeights; none of these stores anything.
	for _, c := range []struct {
		name   string
		node   *Node
		scores map[uint32]float64
	}{
		{"a miner", a, map[uint32]float64{ua: 1}},
		{"no weights", v, map[uint32]float64{}},
		{"all zero", v, map[uint32]float64{ua: 0, ub: 0}},
		{"negative", v, map[uint32]float64{ua: 1, ub: -0.5}},
		{"NaN", v, map[uint32]float64{ua: math.NaN()}},
		{"infinite", v, map[uint32]float64{ua: math.Inf(1)}},
		{"uid beyond any subnet", v, map[uint32]float64{tasks.MaxNeurons: 1}},
		{"uid nobody holds", v, map[uint32]float64{ua: 1, 9: 1}},
	} {
		if _, _, err := c.node.SetWeights(ctx, rn.subnet, c.scores); !errors.Is(err, ErrWeights) {
			t.Errorf("SetWeights, %s: %v, want ErrWeights", c.name, err)
		}
	}

	// The route, on the validator (and once on a miner).
	cv, ca := apiClient(t, v), apiClient(t, a)
	sn := strconv.FormatUint(rn.subnet, 10)
	path := "/v1/subnets/" + sn + "/weights"
	scores := map[uint32]float64{ua: 0.5, ub: 0.25}
	good := weightsBody(t, scores)
	for _, c := range []struct {
		name, path, token string
		cl                *client
		body              []byte
		want              int
	}{
		{"no token", path, "", cv, good, http.StatusUnauthorized},
		{"wrong token", path, strings.Repeat("0", 64), cv, good, http.StatusUnauthorized},
		{"malformed", path, cv.token, cv, []byte(`{"weights":`), http.StatusBadRequest},
		{"unknown field", path, cv.token, cv, []byte(`{"weights":[],"epoch":1}`), http.StatusBadRequest},
		{"negative uid", path, cv.token, cv, []byte(`{"weights":[{"uid":-1,"weight":1}]}`), http.StatusBadRequest},
		{"weight not a number", path, cv.token, cv, []byte(`{"weights":[{"uid":1,"weight":"1"}]}`), http.StatusBadRequest},
		{"duplicate uid", path, cv.token, cv, []byte(`{"weights":[{"uid":1,"weight":1},{"uid":1,"weight":0.5}]}`), http.StatusBadRequest},
		{"subnet not a number", "/v1/subnets/x/weights", cv.token, cv, good, http.StatusBadRequest},
		{"subnet not followed", "/v1/subnets/99/weights", cv.token, cv, good, http.StatusNotFound},
		{"all zero", path, cv.token, cv, []byte(`{"weights":[{"uid":1,"weight":0}]}`), http.StatusConflict},
		{"negative weight", path, cv.token, cv, []byte(`{"weights":[{"uid":1,"weight":-1}]}`), http.StatusConflict},
		{"empty", path, cv.token, cv, []byte(`{"weights":[]}`), http.StatusConflict},
		{"not an api validator", path, ca.token, ca, good, http.StatusConflict},
	} {
		code, resp := c.cl.do("POST", c.path, c.token, c.body)
		var msg Error
		if code != c.want || json.Unmarshal(resp, &msg) != nil || msg.Error == "" {
			t.Errorf("POST weights, %s: %d %s, want %d with a reason", c.name, code, resp, c.want)
		}
	}
	code, resp := cv.do("POST", path, cv.token, good)
	var posted WeightsResponse
	if code != http.StatusOK || json.Unmarshal(resp, &posted) != nil {
		t.Fatalf("POST weights: %d %s", code, resp)
	}
	commit, err := hex.DecodeString(posted.Commit)
	if posted.Epoch != e || err != nil || len(commit) != 32 {
		t.Fatalf("POST weights answered %+v, want epoch %d and a 32-byte hex commit", posted, e)
	}
	if code, resp := cv.do("POST", path, cv.token, good); code != http.StatusConflict {
		t.Errorf("second POST in epoch %d: %d %s, want 409", e, code, resp)
	}
	if _, _, err := v.SetWeights(ctx, rn.subnet, map[uint32]float64{ua: 1}); !errors.Is(err, ErrWeights) || !strings.Contains(err.Error(), "committed already") {
		t.Errorf("second SetWeights in epoch %d: %v, want ErrWeights", e, err)
	}

	// Status lists the subnet where the round is.
	var st Status
	cv.get("/v1/status", &st)
	if len(st.Subnets) != 1 || st.Subnets[0] != (SubnetStatus{Subnet: rn.subnet, Name: "round-test", Head: rn.head(), Epoch: e}) {
		t.Errorf("status subnets %+v, want subnet %d at block %d, epoch %d", st.Subnets, rn.subnet, rn.head(), e)
	}

	want, err := tasks.NormalizeWeights(scores)
	if err != nil {
		t.Fatal(err)
	}
	committed := func(bk *tasks.Book, _ *follower) bool {
		cs := bk.WeightCommits()
		return len(cs) == 1 && cs[0].Commit == [32]byte(commit) && cs[0].Validator.String() == v.PeerID().String()
	}
	revealed := func(bk *tasks.Book, _ *follower) bool {
		rs := bk.WeightReveals()
		return len(rs) == 1 && slices.Equal(rs[0].Weights, want)
	}
	rn.mineTo(sched.WeightReveal.Close, map[uint64]func() (bool, string){
		sched.WeightCommit.Close: rn.everyBook(e, "the posted weight commit", committed),
		sched.WeightReveal.Close: rn.everyBook(e, "the posted weights' reveal", revealed),
	})
	eventually(t, "every node built the record", func() bool {
		for _, n := range rn.nodes {
			if _, ok, err := n.epoch(rn.subnet, e); err != nil || !ok {
				return false
			}
		}
		return true
	})
	ep := rn.checkEpoch(e)
	rec := rn.record(ep)
	if ep.Built != sched.WeightReveal.Close {
		t.Errorf("record built at %d, want the reveal window's close %d", ep.Built, sched.WeightReveal.Close)
	}
	if rs := rec.Contents.WeightReveals; len(rs) != 1 || rs[0].Validator.String() != v.PeerID().String() || !slices.Equal(rs[0].Weights, want) {
		t.Errorf("the record holds reveals %+v, want %s's %v", rs, v.PeerID(), want)
	}
	if len(rec.Contents.Tasks) != 0 || len(rec.Contents.Evaluations) != 0 {
		t.Errorf("the record holds %d tasks and %d evaluations; an api validator makes none", len(rec.Contents.Tasks), len(rec.Contents.Evaluations))
	}
	if c := counters(v, gossip.KindTasks); c.Published != 0 {
		t.Errorf("the api validator published %d tasks", c.Published)
	}
}

// TestSubmissions: what a Book holds revealed is listed, by the node and
// by GET /v1/subnets/{subnet}/submissions; an answer after the commit
// window is told so before its output is looked for.
func TestSubmissions(t *testing.T) {
	fx := newSubnetFixture(t)
	fx.waitTopics(t)
	ctx := context.Background()
	fa, fb := fx.follower(fx.a), fx.follower(fx.b)
	epoch := fx.openEpoch(t, fb)
	sa := fx.signer(t, fx.a)
	var links []string
	for i := range uint32(2) {
		task := tasks.Task{Version: tasks.ProtocolVersion, Subnet: fx.subnet, Epoch: epoch, Validator: sa.PeerID(), Index: i, Params: []byte{byte(i)}}
		if err := fa.publish(ctx, gossip.KindTasks, Post{Task: &task}); err != nil {
			t.Fatal(err)
		}
		_, l, err := tasks.Encode(task)
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, l.String())
	}
	eventually(t, "B accepted both tasks", func() bool {
		fb.mu.Lock()
		defer fb.mu.Unlock()
		return fb.books[epoch] != nil && len(fb.books[epoch].Tasks()) == 2
	})
	cb := apiClient(t, fx.b)
	code, body := cb.do("POST", "/v1/content", cb.token, []byte("an answer"))
	var added AddedContent
	if code != http.StatusOK || json.Unmarshal(body, &added) != nil {
		t.Fatalf("upload: %d %s", code, body)
	}
	if _, err := fx.b.Answer(ctx, fx.subnet, links[0], added.CID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "A holds B's commit", func() bool {
		fa.mu.Lock()
		defer fa.mu.Unlock()
		return len(fa.books[epoch].SubmissionCommits()) == 1
	})
	if subs, err := fx.a.Submissions(fx.subnet, epoch); err != nil || len(subs) != 0 {
		t.Fatalf("submissions before the deadline: %+v, %v", subs, err)
	}

	// The deadline passes; B reveals.
	fa.refresh(ctx)
	fx.ch.sim.Mine(int(fa.clock.FirstBlock(epoch) + fa.manifest.Timing.SubmissionDeadline - fa.head))
	eventually(t, "A holds B's reveal", func() bool {
		fa.refresh(ctx)
		fa.mu.Lock()
		defer fa.mu.Unlock()
		return len(fa.books[epoch].SubmissionReveals()) == 1
	})
	want := []Submission{{Epoch: epoch, Miner: fx.b.PeerID().String(), UID: int64(uidOf(t, fa, fx.b)), Task: links[0], Output: added.CID}}
	if subs, err := fx.a.Submissions(fx.subnet, epoch); err != nil || !slices.Equal(subs, want) {
		t.Errorf("Submissions = %+v, %v; want %+v", subs, err, want)
	}
	if subs, err := fx.a.Submissions(fx.subnet, epoch+1); err != nil || subs == nil || len(subs) != 0 {
		t.Errorf("Submissions of an epoch without reveals = %#v, %v; want an empty list", subs, err)
	}
	if _, err := fx.a.Submissions(99, epoch); !errors.Is(err, ErrNotFollowed) {
		t.Errorf("Submissions of a subnet not followed: %v, want ErrNotFollowed", err)
	}

	ca := apiClient(t, fx.a)
	sn := strconv.FormatUint(fx.subnet, 10)
	for _, c := range []struct {
		name, path string
		want       int
		subs       []Submission
	}{
		{"the epoch", "/v1/subnets/" + sn + "/submissions?epoch=" + strconv.FormatUint(epoch, 10), http.StatusOK, want},
		{"the current epoch by default", "/v1/subnets/" + sn + "/submissions", http.StatusOK, want},
		{"an epoch without reveals", "/v1/subnets/" + sn + "/submissions?epoch=" + strconv.FormatUint(epoch+1, 10), http.StatusOK, []Submission{}},
		{"epoch not a number", "/v1/subnets/" + sn + "/submissions?epoch=x", http.StatusBadRequest, nil},
		{"negative epoch", "/v1/subnets/" + sn + "/submissions?epoch=-1", http.StatusBadRequest, nil},
		{"subnet not a number", "/v1/subnets/x/submissions", http.StatusBadRequest, nil},
		{"subnet not followed", "/v1/subnets/99/submissions", http.StatusNotFound, nil},
	} {
		code, body := ca.do("GET", c.path, "", nil)
		if code != c.want {
			t.Errorf("GET submissions, %s: %d %s, want %d", c.name, code, body, c.want)
			continue
		}
		if c.want != http.StatusOK {
			continue
		}
		var got []Submission
		if err := json.Unmarshal(body, &got); err != nil || got == nil || !slices.Equal(got, c.subs) {
			t.Errorf("GET submissions, %s: %s, want %+v", c.name, body, c.subs)
		}
	}

	// After the window, every answer is refused for being late, whether
	// or not its output is in the store.
	fb.refresh(ctx)
	missing := "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
	for _, c := range []struct{ name, task, output string }{
		{"unanswered task, output not in the store", links[1], missing},
		{"unanswered task, output in the store", links[1], added.CID},
		{"answered task, output not in the store", links[0], missing},
	} {
		_, err := fx.b.Answer(ctx, fx.subnet, c.task, c.output)
		if !errors.Is(err, ErrAnswer) || !strings.Contains(err.Error(), "commit window") {
			t.Errorf("late answer, %s: %v, want the commit window error", c.name, err)
		}
	}
}
