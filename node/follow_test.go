package node

import (
	"bufio"
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crucible-net/crucible/chain"
	"github.com/crucible-net/crucible/contentstore"
	"github.com/crucible-net/crucible/gossip"
	"github.com/crucible-net/crucible/tasks"
)

// subnetFixture is a subnet on a simulated chain with three nodes: A and
// B registered, C not. A holds the manifest; the others fetch it from A.
type subnetFixture struct {
	ch      *testChain
	subnet  uint64
	a, b, c *Node
}

func testManifest() tasks.Manifest {
	return tasks.Manifest{
		Version: tasks.ProtocolVersion, Name: "follow-test", Network: DefaultNetwork,
		Evaluator: tasks.SumLink(0x55, []byte("evaluator.wasm")), ABI: 1,
		Limits:        tasks.SandboxLimits{Fuel: 1_000_000_000, MemoryPages: 256, OutputBytes: 4 << 10},
		MaxFetchBytes: 1 << 20,
		Timing:        tasks.Timing{Tempo: 20, SubmissionDeadline: 8, SubmissionRevealWindow: 8, WeightRevealWindow: 10},
		Scoring:       tasks.Scoring{Rule: tasks.ScoringProportional},
		Consensus: tasks.ConsensusParams{Kappa: 0.5, BondsAlpha: 0.1, BondsPenalty: 1, MaxValidators: 64,
			ActivityCutoff: 5000, StakeThreshold: 0, OwnerCut: 0.18, EmissionPerEpoch: 1_000_000_000},
		TasksPerEpoch: 4,
	}
}

func newSubnetFixture(t *testing.T) *subnetFixture {
	t.Helper()
	ctx := context.Background()
	fx := &subnetFixture{ch: newTestChain(t)}
	fx.a = newTestNode(t, t.TempDir(), fx.ch, 1)
	fx.b = newTestNode(t, t.TempDir(), fx.ch, 2)
	fx.c = newTestNode(t, t.TempDir(), fx.ch, 3)
	for _, n := range []*Node{fx.b, fx.c} {
		if err := n.net.ConnectPeer(ctx, fx.a.net.AddrInfo()); err != nil {
			t.Fatal(err)
		}
	}
	if err := fx.c.net.ConnectPeer(ctx, fx.b.net.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	m := testManifest()
	// The manifest links an evaluator; A holds both.
	evaluator := []byte("evaluator.wasm")
	ec, err := contentstore.ParseCID(tasks.SumLink(0x55, evaluator).String())
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.a.store.PutBlock(ctx, ec, evaluator); err != nil {
		t.Fatal(err)
	}
	data, _, err := tasks.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := fx.a.store.PutDagCBOR(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	owner := fx.ch.client(t, 0)
	fx.subnet, _, err = owner.CreateSubnet(ctx, mc.String(), uint32(m.Timing.Tempo), chain.SubnetParams{MinStake: big.NewInt(1), MaxNeurons: 16})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*Node{fx.a, fx.b} {
		if _, _, err := n.chain.Register(ctx, fx.subnet, []byte(n.PeerID()), big.NewInt(1000)); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []*Node{fx.a, fx.b, fx.c} {
		if err := n.Follow(ctx, fx.subnet); err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

func (fx *subnetFixture) follower(n *Node) *follower { return n.followers[fx.subnet] }

func (fx *subnetFixture) signer(t *testing.T, n *Node) tasks.Signer {
	s, err := newSigner(n.id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitMesh waits until every node sees the others on the tasks topic.
func (fx *subnetFixture) waitTopics(t *testing.T) {
	t.Helper()
	eventually(t, "the nodes see each other on the subnet's topics", func() bool {
		for _, n := range []*Node{fx.a, fx.b, fx.c} {
			for _, ti := range n.net.Topics() {
				if ti.Kind == gossip.KindTasks && ti.Peers < 2 {
					return false
				}
			}
		}
		return true
	})
}

// openEpoch returns the current epoch if its commit window has at least
// two blocks left, else mines to the next one. A's follower, and those
// given, are refreshed to the new head.
func (fx *subnetFixture) openEpoch(t *testing.T, also ...*follower) uint64 {
	t.Helper()
	ctx := context.Background()
	fa := fx.follower(fx.a)
	fa.refresh(ctx)
	epoch := fa.clock.EpochAt(fa.head)
	if fa.head-fa.clock.FirstBlock(epoch) >= fa.manifest.Timing.SubmissionDeadline-2 {
		fx.ch.sim.Mine(int(fa.clock.FirstBlock(epoch+1) - fa.head))
		epoch++
		fa.refresh(ctx)
		for _, f := range also {
			f.refresh(ctx)
		}
	}
	return epoch
}

func counters(n *Node, k gossip.Kind) gossip.Counters {
	for _, ti := range n.net.Topics() {
		if ti.Kind == k {
			return ti.Counters
		}
	}
	return gossip.Counters{}
}

func TestFollowerAppliesProtocolRules(t *testing.T) {
	fx := newSubnetFixture(t)
	fx.waitTopics(t)
	ctx := context.Background()
	fa, fb := fx.follower(fx.a), fx.follower(fx.b)
	if fb.manifest.Name != "follow-test" {
		t.Fatalf("B fetched manifest %+v", fb.manifest)
	}
	epoch := fa.clock.EpochAt(fa.head)
	task := func(v tasks.PeerID, e uint64, index uint32) Post {
		return Post{Task: &tasks.Task{Version: tasks.ProtocolVersion, Subnet: fx.subnet, Epoch: e, Validator: v, Index: index, Params: []byte{byte(index)}}}
	}
	sa, sb, sc := fx.signer(t, fx.a), fx.signer(t, fx.b), fx.signer(t, fx.c)

	// A registered validator's task for this epoch is accepted.
	stream, stop := fb.streamTasks()
	defer stop()
	if err := fa.publish(ctx, gossip.KindTasks, task(sa.PeerID(), epoch, 0)); err != nil {
		t.Fatal(err)
	}
	select {
	case mt := <-stream:
		if mt.Validator != sa.PeerID().String() || mt.Epoch != epoch {
			t.Fatalf("B got %+v", mt)
		}
	case <-ctxTimeout(t).Done():
		t.Fatal("B never accepted A's task")
	}

	// An unregistered node's task: rejected, and the sender penalised.
	fc := fx.follower(fx.c)
	if err := fc.publish(ctx, gossip.KindTasks, task(sc.PeerID(), epoch, 0)); err == nil {
		t.Error("C published a task although it is not registered (its own check should refuse)")
	}
	// A task claiming to be another validator's: refused at A itself.
	if err := fa.publish(ctx, gossip.KindTasks, task(sb.PeerID(), epoch, 1)); err == nil {
		t.Error("A published a task in B's name")
	}
	// A task for an epoch far ahead: ignored, not penalised.
	if err := fa.publish(ctx, gossip.KindTasks, task(sa.PeerID(), epoch+5, 1)); err == nil {
		t.Error("A published a task for an epoch five ahead")
	}
	if c := counters(fx.a, gossip.KindTasks); c.Rejected[gossip.ReasonInvalid] != 1 || c.Ignored[gossip.ReasonValidator] != 1 {
		t.Errorf("A's counters %+v: want the impersonation rejected and the far epoch ignored", c)
	}

	// A weight reveal for a uid no neuron holds now is ignored (it may
	// have been held when the weights were committed); one beyond the
	// subnet's size (16) is invalid everywhere and rejected.
	before := counters(fx.a, gossip.KindReveals)
	for _, uid := range []uint32{9, 20} {
		_, wr, err := tasks.CommitWeights(sa, fx.subnet, epoch, []tasks.Weight{{UID: uid, Value: 65535}}, [32]byte{byte(uid)})
		if err != nil {
			t.Fatal(err)
		}
		if err := fa.publish(ctx, gossip.KindReveals, Post{WeightReveal: &wr}); err == nil {
			t.Errorf("a reveal with a weight for uid %d was published", uid)
		}
	}
	after := counters(fx.a, gossip.KindReveals)
	if after.Ignored[gossip.ReasonValidator] != before.Ignored[gossip.ReasonValidator]+1 || after.Rejected[gossip.ReasonInvalid] != before.Rejected[gossip.ReasonInvalid]+1 {
		t.Errorf("reveal counters %+v, want one ignored (uid 9) and one rejected (uid 20)", after)
	}
}

func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestFollowerRejectsUnregisteredSender: a message from a peer that is not
// registered reaches B (C does not check itself: it runs an attacker's
// code) and B rejects it.
func TestFollowerRejectsUnregisteredSender(t *testing.T) {
	fx := newSubnetFixture(t)
	fx.waitTopics(t)
	// C stops following and publishes on the raw topic, as a node that
	// skips the rules would.
	fc := fx.follower(fx.c)
	fc.close()
	fx.c.followMu.Lock()
	delete(fx.c.followers, fx.subnet)
	fx.c.followMu.Unlock()
	raw, err := gossip.Join(fx.c.net, gossip.TopicSpec[Post]{Subnet: fx.subnet, Kind: gossip.KindTasks, Codec: postCodec{gossip.KindTasks}})
	if err != nil {
		t.Fatal(err)
	}
	fb := fx.follower(fx.b)
	epoch := fb.clock.EpochAt(fb.head)
	sc := fx.signer(t, fx.c)
	deadline := time.Now().Add(20 * time.Second)
	for i := uint32(0); counters(fx.b, gossip.KindTasks).Rejected[gossip.ReasonInvalid] == 0; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("B never rejected C's task; counters %+v", counters(fx.b, gossip.KindTasks))
		}
		p := Post{Task: &tasks.Task{Version: tasks.ProtocolVersion, Subnet: fx.subnet, Epoch: epoch, Validator: sc.PeerID(), Index: i % 4, Params: []byte{byte(i)}}}
		raw.Publish(context.Background(), p)
		time.Sleep(50 * time.Millisecond) // paced retries until C's stream to B is up
	}
	if s, ok := fx.b.net.Score(fx.c.PeerID()); ok && s > 0 {
		t.Errorf("C's score at B is %v after an invalid task", s)
	}
}

func TestTaskStreamAndContentUpload(t *testing.T) {
	fx := newSubnetFixture(t)
	fx.waitTopics(t)
	cb := apiClient(t, fx.b)
	if code, _ := cb.do("GET", "/v1/subnets/99/tasks", "", nil); code != 404 {
		t.Errorf("stream of a subnet B does not follow: %d, want 404", code)
	}
	if code, _ := cb.do("GET", "/v1/subnets/x/tasks", "", nil); code != 400 {
		t.Errorf("stream of subnet x: %d, want 400", code)
	}

	req, _ := http.NewRequestWithContext(ctxTimeout(t), "GET", cb.base+"/v1/subnets/"+strconv.FormatUint(fx.subnet, 10)+"/tasks", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Scan() // the opening comment: the stream is registered
	fa := fx.follower(fx.a)
	epoch := fa.clock.EpochAt(fa.head)
	sa := fx.signer(t, fx.a)
	task := tasks.Task{Version: tasks.ProtocolVersion, Subnet: fx.subnet, Epoch: epoch, Validator: sa.PeerID(), Index: 2, Params: []byte("params")}
	if err := fa.publish(context.Background(), gossip.KindTasks, Post{Task: &task}); err != nil {
		t.Fatal(err)
	}
	_, link, _ := tasks.Encode(task)
	var got MinerTask
	for lines.Scan() {
		if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			if err := json.Unmarshal([]byte(data), &got); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if got.Task != link.String() || got.Epoch != epoch || string(got.Params) != "params" || len(got.Seed) != 64 ||
		got.Deadline != fa.clock.FirstBlock(epoch)+fa.manifest.Timing.SubmissionDeadline || got.MaxBytes != fa.manifest.MaxFetchBytes {
		t.Errorf("streamed task %+v", got)
	}

	// A miner program's output goes in by POST.
	if code, _ := cb.do("POST", "/v1/content", "", []byte("hello world\n")); code != http.StatusUnauthorized {
		t.Errorf("upload without a token: %d", code)
	}
	code, body := cb.do("POST", "/v1/content", cb.token, []byte("hello world\n"))
	var added AddedContent
	if code != 200 || json.Unmarshal(body, &added) != nil {
		t.Fatalf("upload: %d %s", code, body)
	}
	if !strings.HasPrefix(added.CID, "bafkreifjjcie6") || added.Size != 12 {
		t.Errorf("upload gave %+v, want Kubo's CID of 'hello world\\n'", added)
	}
}

// TestMinerAnswerSurvivesRestart: a miner program answers a task over the
// API; the node commits at once, is killed before the deadline, restarts
// from its data dir, and reveals exactly what it committed once the
// deadline passes.
func TestMinerAnswerSurvivesRestart(t *testing.T) {
	fx := newSubnetFixture(t)
	fx.waitTopics(t)
	ctx := context.Background()
	fa, fb := fx.follower(fx.a), fx.follower(fx.b)
	epoch := fx.openEpoch(t, fb)
	stream, stop := fb.streamTasks()
	defer stop()
	sa := fx.signer(t, fx.a)
	task := tasks.Task{Version: tasks.ProtocolVersion, Subnet: fx.subnet, Epoch: epoch, Validator: sa.PeerID(), Index: 0, Params: []byte("x")}
	if err := fa.publish(ctx, gossip.KindTasks, Post{Task: &task}); err != nil {
		t.Fatal(err)
	}
	var mt MinerTask
	select {
	case mt = <-stream:
	case <-ctxTimeout(t).Done():
		t.Fatal("B never saw the task")
	}

	cb := apiClient(t, fx.b)
	_, body := cb.do("POST", "/v1/content", cb.token, []byte("my weights"))
	var added AddedContent
	json.Unmarshal(body, &added)
	path := "/v1/subnets/" + strconv.FormatUint(fx.subnet, 10) + "/answers"
	ans, _ := json.Marshal(AnswerRequest{Task: mt.Task, Output: added.CID})
	if code, _ := cb.do("POST", path, "", ans); code != http.StatusUnauthorized {
		t.Errorf("answer without a token: %d", code)
	}
	bad, _ := json.Marshal(AnswerRequest{Task: added.CID, Output: added.CID})
	if code, resp := cb.do("POST", path, cb.token, bad); code != http.StatusBadRequest || !strings.Contains(string(resp), "not a task") {
		t.Errorf("answer to an unknown task: %d %s", code, resp)
	}
	missing, _ := json.Marshal(AnswerRequest{Task: mt.Task, Output: "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"})
	if code, resp := cb.do("POST", path, cb.token, missing); code != http.StatusBadRequest || !strings.Contains(string(resp), "not in this node's store") {
		t.Errorf("answer with an output the node lacks: %d %s", code, resp)
	}
	if code, resp := cb.do("POST", path, cb.token, ans); code != http.StatusOK {
		t.Fatalf("answer: %d %s", code, resp)
	}
	if code, _ := cb.do("POST", path, cb.token, ans); code != http.StatusBadRequest {
		t.Errorf("second answer to one task: %d", code)
	}
	eventually(t, "A holds B's commit", func() bool {
		fa.mu.Lock()
		defer fa.mu.Unlock()
		return len(fa.books[epoch].SubmissionCommits()) == 1
	})

	// B is killed between commit and reveal, and restarts from its data dir.
	dirB := fx.b.dir
	fx.b.Close()
	b2 := newTestNode(t, dirB, fx.ch, 2)
	if err := b2.net.ConnectPeer(ctx, fx.a.net.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	if err := b2.Follow(ctx, fx.subnet); err != nil {
		t.Fatal(err)
	}
	eventually(t, "B is back on the submissions topic", func() bool {
		for _, ti := range b2.net.Topics() {
			if ti.Kind == gossip.KindSubmissions && ti.Peers >= 1 {
				return true
			}
		}
		return false
	})

	// The deadline passes; B reveals from its state.
	fa.refresh(ctx)
	deadline := fa.clock.FirstBlock(epoch) + fa.manifest.Timing.SubmissionDeadline
	fx.ch.sim.Mine(int(deadline - fa.head))
	eventually(t, "A holds B's reveal", func() bool {
		fa.refresh(ctx)
		fa.mu.Lock()
		defer fa.mu.Unlock()
		rs := fa.books[epoch].SubmissionReveals()
		return len(rs) == 1 && rs[0].Output.String() == added.CID
	})
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling with a deadline
	}
}

// TestMinerProgramAnswersTasks: a node configured with a miner program
// runs it for a task it accepts, imports the output and commits it.
func TestMinerProgramAnswersTasks(t *testing.T) {
	fx := newSubnetFixture(t)
	ctx := context.Background()
	dirB := fx.b.dir
	fx.b.Close()
	cfg := testConfig()
	cfg.Miner.Command = []string{"sh", "-c", `cat > task.json && echo task.json`}
	b := newTestNodeWith(t, dirB, fx.ch, 2, cfg)
	if err := b.net.ConnectPeer(ctx, fx.a.net.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, fx.subnet); err != nil {
		t.Fatal(err)
	}
	fa := fx.follower(fx.a)
	epoch := fx.openEpoch(t)
	eventually(t, "B on the tasks and submissions topics", func() bool {
		on := 0
		for _, ti := range b.net.Topics() {
			if (ti.Kind == gossip.KindTasks || ti.Kind == gossip.KindSubmissions) && ti.Peers >= 1 {
				on++
			}
		}
		return on == 2
	})
	fa.refresh(ctx)
	b.followers[fx.subnet].refresh(ctx)
	sa := fx.signer(t, fx.a)
	task := tasks.Task{Version: tasks.ProtocolVersion, Subnet: fx.subnet, Epoch: epoch, Validator: sa.PeerID(), Index: 1, Params: []byte("go")}
	if err := fa.publish(ctx, gossip.KindTasks, Post{Task: &task}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "A holds the commit of B's miner program", func() bool {
		fa.mu.Lock()
		defer fa.mu.Unlock()
		cs := fa.books[epoch].SubmissionCommits()
		return len(cs) == 1 && cs[0].Miner.String() == b.PeerID().String()
	})
}

// TestHTTPMinerProcess: a miner in its own OS process, speaking only HTTP
// to node B, answers a task; A receives B's commit.
func TestHTTPMinerProcess(t *testing.T) {
	fx := newSubnetFixture(t)
	fx.waitTopics(t)
	ctx := context.Background()
	fa := fx.follower(fx.a)
	epoch := fx.openEpoch(t, fx.follower(fx.b))
	tok, _ := ReadToken(fx.b.dir)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CRUCIBLE_TEST_HTTP_MINER=1", "CRUCIBLE_API="+fx.b.APIAddr(), "CRUCIBLE_TOKEN="+tok,
		"CRUCIBLE_SUBNET="+strconv.FormatUint(fx.subnet, 10))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("miner process: %q %s", lines.Text(), stderr.String())
	}
	sa := fx.signer(t, fx.a)
	task := tasks.Task{Version: tasks.ProtocolVersion, Subnet: fx.subnet, Epoch: epoch, Validator: sa.PeerID(), Index: 3, Params: []byte("http")}
	if err := fa.publish(ctx, gossip.KindTasks, Post{Task: &task}); err != nil {
		t.Fatal(err)
	}
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "committed ") {
		t.Fatalf("miner process: %q %s", lines.Text(), stderr.String())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("miner process: %v %s", err, stderr.String())
	}
	eventually(t, "A holds the HTTP miner's commit", func() bool {
		fa.mu.Lock()
		defer fa.mu.Unlock()
		cs := fa.books[epoch].SubmissionCommits()
		return len(cs) == 1 && cs[0].Miner.String() == fx.b.PeerID().String()
	})
}

// TestValidatorPublishesTasks: a validator publishes the manifest's
// TasksPerEpoch tasks for the epoch, with params derived from the seed,
// once; miners' streams receive them.
func TestValidatorPublishesTasks(t *testing.T) {
	fx := newSubnetFixture(t)
	fx.waitTopics(t)
	ctx := context.Background()
	fa, fb := fx.follower(fx.a), fx.follower(fx.b)
	epoch := fx.openEpoch(t, fb)
	stream, stop := fb.streamTasks()
	defer stop()
	fx.a.publishTasks(ctx, fa)
	fx.a.publishTasks(ctx, fa) // once per epoch
	seed, err := fa.seed(ctx, epoch)
	if err != nil {
		t.Fatal(err)
	}
	me := fx.a.signer.PeerID()
	seen := map[uint32]bool{}
	for len(seen) < int(fa.manifest.TasksPerEpoch) {
		select {
		case mt := <-stream:
			if mt.Epoch != epoch || mt.Validator != me.String() || string(mt.Params) != string(TaskParams(seed, me, mt.Index)) {
				t.Fatalf("task %+v", mt)
			}
			seen[mt.Index] = true
		case <-ctxTimeout(t).Done():
			t.Fatalf("B got %d of %d tasks", len(seen), fa.manifest.TasksPerEpoch)
		}
	}
	if c := counters(fx.a, gossip.KindTasks); c.Published != uint64(fa.manifest.TasksPerEpoch) {
		t.Errorf("A published %d tasks, want %d", c.Published, fa.manifest.TasksPerEpoch)
	}
}

// TestTaskStreamStartsWithOpenTasks: a miner that connects after a task
// was published still receives it, while its deadline has not passed.
func TestTaskStreamStartsWithOpenTasks(t *testing.T) {
	fx := newSubnetFixture(t)
	fx.waitTopics(t)
	ctx := context.Background()
	fa, fb := fx.follower(fx.a), fx.follower(fx.b)
	epoch := fx.openEpoch(t, fb)
	sa := fx.signer(t, fx.a)
	task := tasks.Task{Version: tasks.ProtocolVersion, Subnet: fx.subnet, Epoch: epoch, Validator: sa.PeerID(), Index: 0, Params: []byte("early")}
	if err := fa.publish(ctx, gossip.KindTasks, Post{Task: &task}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "B accepted the task", func() bool { return counters(fx.b, gossip.KindTasks).Delivered >= 1 })

	cb := apiClient(t, fx.b)
	req, _ := http.NewRequestWithContext(ctxTimeout(t), "GET", cb.base+"/v1/subnets/"+strconv.FormatUint(fx.subnet, 10)+"/tasks", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	_, link, _ := tasks.Encode(task)
	for lines.Scan() {
		if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			var got MinerTask
			if err := json.Unmarshal([]byte(data), &got); err != nil {
				t.Fatal(err)
			}
			if got.Task != link.String() {
				t.Fatalf("first streamed task %s, want the open one %s", got.Task, link)
			}
			return
		}
	}
	t.Fatalf("the stream ended without the open task: %v", lines.Err())
}
