package gossipsim

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crucible-net/crucible/gossip"
)

const latency = 20 * time.Millisecond

// delivery is one message arriving at one node.
type delivery struct {
	node, msg int
	latency   time.Duration
}

// cluster is a simulation with every node on one topic.
type cluster struct {
	sim    *Sim
	limits gossip.Limits // zero: the kind's defaults
	topics []*gossip.Topic[[]byte]
	got    chan delivery
	joined []bool
	ctx    context.Context
}

// start runs a simulation inside the current synctest bubble. Nodes listed
// in late do not join the topic yet.
func start(t *testing.T, opts Options, late ...int) *cluster {
	t.Helper()
	return startWith(t, opts, gossip.Limits{}, late...)
}

func startWith(t *testing.T, opts Options, limits gossip.Limits, late ...int) *cluster {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sim, err := New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{sim: sim, limits: limits, topics: make([]*gossip.Topic[[]byte], opts.Hosts), joined: make([]bool, opts.Hosts),
		got: make(chan delivery, 1<<20), ctx: ctx}
	t.Cleanup(func() { cancel(); sim.Close() })
	for i := range opts.Hosts {
		if !slices.Contains(late, i) {
			c.join(t, i)
		}
	}
	return c
}

// join joins node i to the topic and collects what it receives.
func (c *cluster) join(t *testing.T, i int) {
	t.Helper()
	tp, err := gossip.Join(c.sim.Nets[i], gossip.TopicSpec[[]byte]{Subnet: 1, Kind: gossip.KindTasks, Codec: gossip.Bytes{}, Limits: c.limits})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := tp.Subscribe()
	if err != nil {
		t.Fatal(err)
	}
	c.topics[i], c.joined[i] = tp, true
	go func() {
		defer sub.Cancel()
		for {
			m, err := sub.Next(c.ctx)
			if err != nil {
				return
			}
			sent := time.Unix(0, int64(binary.BigEndian.Uint64(m.Value[8:16])))
			c.got <- delivery{node: i, msg: int(binary.BigEndian.Uint64(m.Value[:8])), latency: time.Since(sent)}
		}
	}()
}

// publish sends message msg from node i, stamped with the (virtual) time.
func (c *cluster) publish(t *testing.T, i, msg int) {
	t.Helper()
	c.publishSize(t, i, msg, 64)
}

func (c *cluster) publishSize(t *testing.T, i, msg, size int) {
	t.Helper()
	b := make([]byte, size)
	binary.BigEndian.PutUint64(b, uint64(msg))
	binary.BigEndian.PutUint64(b[8:], uint64(time.Now().UnixNano()))
	if err := c.topics[i].Publish(c.ctx, b); err != nil {
		t.Fatalf("node %d publishes %d: %v", i, msg, err)
	}
}

// drain returns who got which message, and the latencies of deliveries to
// nodes other than the publisher.
func (c *cluster) drain() (got map[int]map[int]bool, lat []time.Duration) {
	synctest.Wait()
	got = map[int]map[int]bool{}
	for {
		select {
		case d := <-c.got:
			if got[d.msg] == nil {
				got[d.msg] = map[int]bool{}
			}
			got[d.msg][d.node] = true
			if d.latency > 0 {
				lat = append(lat, d.latency)
			}
		default:
			return got, lat
		}
	}
}

// missing counts, for messages msgs, the joined nodes in want that did not
// get them.
func missing(got map[int]map[int]bool, msgs []int, want func(node int) bool, n int) int {
	miss := 0
	for _, m := range msgs {
		for i := range n {
			if want(i) && !got[m][i] {
				miss++
			}
		}
	}
	return miss
}

// TestFiftyHostsSparse: 50 nodes, each dialling 3 others, 20 ms links:
// every message reaches every subscriber.
func TestFiftyHostsSparse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n, msgs = 50, 20
		c := start(t, Options{Hosts: n, Degree: 3, Latency: latency, Seed: 1})
		time.Sleep(3 * time.Second) // virtual: subscriptions spread, meshes form
		var ids []int
		for m := range msgs {
			c.publish(t, (m*7)%n, m)
			ids = append(ids, m)
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(5 * time.Second)
		got, lat := c.drain()
		if miss := missing(got, ids, func(int) bool { return true }, n); miss > 0 {
			t.Fatalf("%d of %d deliveries missing", miss, n*msgs)
		}
		slices.Sort(lat)
		if p99 := lat[len(lat)*99/100]; p99 > 6*latency {
			t.Errorf("p99 latency %v is over 6 link latencies", p99)
		}
	})
}

// TestPartitionAndHeal: while the network is cut in two halves, messages
// stay on their side; after the heal they reach everyone again.
func TestPartitionAndHeal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 20
		c := start(t, Options{Hosts: n, Degree: 4, Latency: latency, Seed: 2})
		time.Sleep(3 * time.Second)
		half := func(i int) int { return i * 2 / n }
		c.sim.Partition(half)
		time.Sleep(time.Second)
		c.publish(t, 0, 1)   // group 0
		c.publish(t, n-1, 2) // group 1
		time.Sleep(5 * time.Second)
		got, _ := c.drain()
		for node := range got[1] {
			if half(node) != 0 {
				t.Errorf("message of group 0 crossed the partition to node %d", node)
			}
		}
		for node := range got[2] {
			if half(node) != 1 {
				t.Errorf("message of group 1 crossed the partition to node %d", node)
			}
		}
		if err := c.sim.Heal(c.ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		c.publish(t, 0, 3)
		c.publish(t, n-1, 4)
		time.Sleep(5 * time.Second)
		got, _ = c.drain()
		if miss := missing(got, []int{3, 4}, func(int) bool { return true }, n); miss > 0 {
			t.Fatalf("after the heal, %d of %d deliveries missing", miss, 2*n)
		}
	})
}

// TestLateJoiner: a node joins the topic while traffic flows; it is grafted
// into the mesh and receives everything published after it joined.
func TestLateJoiner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n, late = 20, 19
		c := start(t, Options{Hosts: n, Degree: 3, Latency: latency, Seed: 3}, late)
		time.Sleep(3 * time.Second)
		msg := 0
		tick := func(k int) (ids []int) {
			for range k {
				c.publish(t, msg%late, msg)
				ids = append(ids, msg)
				msg++
				time.Sleep(500 * time.Millisecond)
			}
			return ids
		}
		tick(4)
		c.join(t, late)
		time.Sleep(time.Second)
		after := tick(10)
		time.Sleep(5 * time.Second)
		got, _ := c.drain()
		if miss := missing(got, after, func(i int) bool { return i == late }, n); miss > 0 {
			t.Fatalf("the late joiner missed %d of %d messages published after it joined", miss, len(after))
		}
		if mesh := c.sim.Nets[late].Topics()[0].Mesh; mesh == 0 {
			t.Error("the late joiner is in no mesh")
		}
	})
}

var (
	dissemination = flag.String("dissemination", "", "comma-separated host counts for TestDissemination (e.g. 100,500); empty skips it")
	hardening     = flag.Bool("dissemination-v11-baseline", false, "run TestDisseminationV11Baseline, the GossipSub v1.1 evaluation's baseline setup (1000 nodes; tens of minutes, ~10 GiB)")
	v11Seconds    = flag.Float64("dissemination-v11-seconds", 1, "seconds of 120 msg/s traffic in TestDisseminationV11Baseline (the evaluation ran 180)")
)

// TestDissemination is the benchmark of docs/BENCHMARKS.md: N nodes of
// degree 8 over 20 ms links, 50 messages from random nodes, 200 ms apart.
// It prints delivery ratio, latency percentiles, duplicates and bytes per
// message, and peak memory. Run:
//
//	go test ./gossip/gossipsim -run TestDissemination -dissemination 100,500 -v
func TestDissemination(t *testing.T) {
	if *dissemination == "" {
		t.Skip("set -dissemination=100,500 to run the dissemination benchmark")
	}
	printHeader()
	for _, s := range strings.Split(*dissemination, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatal(err)
		}
		runDissemination(t, n, 50)
	}
}

func runDissemination(t *testing.T, n, msgs int) {
	measure(t, n, func(t *testing.T) *cluster {
		c := start(t, Options{Hosts: n, Degree: 8, Latency: latency, Seed: 4})
		time.Sleep(5 * time.Second)
		return c
	}, msgs, 200*time.Millisecond, func(t *testing.T, c *cluster, m int) { c.publish(t, (m*7919)%n, m) })
	runtime.GC()
}

// printHeader prints the header of measure's rows.
func printHeader() {
	fmt.Printf("%6s %5s %9s %8s %8s %8s %10s %13s %9s %8s\n",
		"hosts", "msgs", "delivered", "p50", "p99", "max", "dups/msg", "bytes/msg/node", "peakRSS", "wall")
}

// measure runs one dissemination benchmark in a synctest bubble: setup
// starts n nodes and lets their meshes form, then msgs messages are
// published gap apart (publish sends message m), collected for 5 s more,
// and one row of the table is printed.
func measure(t *testing.T, n int, setup func(*testing.T) *cluster, msgs int, gap time.Duration, publish func(t *testing.T, c *cluster, m int)) {
	wall := time.Now()
	var row string
	synctest.Test(t, func(t *testing.T) {
		c := setup(t)
		before := totals(c)
		var ids []int
		for m := range msgs {
			publish(t, c, m)
			ids = append(ids, m)
			time.Sleep(gap)
		}
		time.Sleep(5 * time.Second)
		got, lat := c.drain()
		after := totals(c)
		miss := missing(got, ids, func(int) bool { return true }, n)
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
		row = fmt.Sprintf("%6d %5d %8.3f%% %8v %8v %8v %10.2f %13.0f",
			n, msgs, 100*float64(n*msgs-miss)/float64(n*msgs), pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
			lat[len(lat)-1].Round(time.Millisecond), float64(after.dups-before.dups)/float64(n*msgs),
			float64(after.bytes-before.bytes)/float64(msgs)/float64(n))
	})
	// Outside the bubble, where the clock is real again.
	fmt.Printf("%s %8dM %8v\n", row, peakRSS()>>20, time.Since(wall).Round(time.Millisecond))
}

type total struct{ dups, bytes uint64 }

func totals(c *cluster) total {
	var mu sync.Mutex
	var tt total
	for _, n := range c.sim.Nets {
		st := n.Stats()
		mu.Lock()
		tt.bytes += st.RPCBytesSent
		for _, tp := range st.Topics {
			tt.dups += tp.Duplicates
		}
		mu.Unlock()
	}
	return tt
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS() uint64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestDisseminationV11Baseline replays the setup of the GossipSub v1.1
// evaluation's baseline (libp2p/gossipsub-hardening, scripts/configs/1k.json:
// 1000 honest nodes, 100 of them publishing, 25 ms latency with 10% jitter,
// each node connected to 20, 120 messages a second of 2 KiB, flood
// publishing), for -dissemination-v11-seconds of traffic (default 1)
// instead of 3 minutes, with our own
// gossip stack (D=6 rather than 8, our validation and scoring; limits
// raised to carry that traffic). Run:
//
//	go test ./gossip/gossipsim -run TestDisseminationV11Baseline -dissemination-v11-baseline -v -timeout 60m
func TestDisseminationV11Baseline(t *testing.T) {
	if !*hardening {
		t.Skip("set -dissemination-v11-baseline to run it")
	}
	const n, publishers, rate, size = 1000, 100, 120, 2 << 10
	printHeader()
	measure(t, n, func(t *testing.T) *cluster {
		limits := gossip.Limits{MaxSize: 4 << 10, Rate: 100, Burst: 1000, PeerRate: 10000, PeerBurst: 100000}
		c := startWith(t, Options{Hosts: n, Degree: 20, Latency: 25 * time.Millisecond, Jitter: 0.1, Seed: 5}, limits)
		time.Sleep(10 * time.Second)
		return c
	}, int(*v11Seconds*rate), time.Second/rate, func(t *testing.T, c *cluster, m int) { c.publishSize(t, (m*37)%publishers, m, size) })
}
