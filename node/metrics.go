package node

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// collector turns the parts' counters into Prometheus series at scrape
// time, so no part imports Prometheus and nothing is counted twice.
type collector struct{ n *Node }

var (
	descMessages = prometheus.NewDesc("crucible_gossip_messages_total",
		"Gossip messages by topic kind and outcome (published, delivered, duplicate, rejected, ignored) and reason.",
		[]string{"subnet", "kind", "outcome", "reason"}, nil)
	descMesh = prometheus.NewDesc("crucible_gossip_mesh_peers",
		"Peers in this node's mesh of a topic.", []string{"subnet", "kind"}, nil)
	descTopicPeers = prometheus.NewDesc("crucible_gossip_topic_peers",
		"Peers subscribed to a topic.", []string{"subnet", "kind"}, nil)
	descPeers = prometheus.NewDesc("crucible_peers",
		"Connected peers.", nil, nil)
	descScores = prometheus.NewDesc("crucible_gossip_peer_scores",
		"Connected peers by score band (graylisted, below_publish, below_gossip, negative, neutral, good).",
		[]string{"band"}, nil)
	descViolations = prometheus.NewDesc("crucible_gossip_violations_total",
		"Protocol violations outside topics: unknown_topic messages, garbage streams.", []string{"kind"}, nil)
	descRPCBytes = prometheus.NewDesc("crucible_gossip_rpc_bytes_sent_total",
		"Pubsub RPC bytes sent to peers.", nil, nil)
	descChainHead = prometheus.NewDesc("crucible_chain_height",
		"Latest block of the chain the node follows.", nil, nil)
	descUp = prometheus.NewDesc("crucible_chain_up",
		"1 if the chain endpoint answered this scrape.", nil, nil)
	descEvalFuel = prometheus.NewDesc("crucible_eval_fuel",
		"Fuel used per evaluation this node ran.", nil, nil)
	descEvalSeconds = prometheus.NewDesc("crucible_eval_seconds",
		"Wall time per evaluation this node ran, instantiation included.", nil, nil)
	descFetchBytes = prometheus.NewDesc("crucible_fetch_bytes_total",
		"Bytes of miners' outputs fetched for evaluation.", nil, nil)
	descFetchFailures = prometheus.NewDesc("crucible_fetch_failures_total",
		"Fetches of miners' outputs that failed.", nil, nil)
	descAnchors = prometheus.NewDesc("crucible_anchors_total",
		"Epoch anchors: sent by this node, landed (the chain holds this node's record), conflicted (the chain holds another).",
		[]string{"outcome"}, nil)
	descEpochPhase = prometheus.NewDesc("crucible_epoch_phase",
		"The phase of a subnet's current epoch at the chain head: 0 submission commits, 1 submission reveals, 2 weight commits only.",
		[]string{"subnet", "epoch"}, nil)
)

// Bucket bounds of the evaluation histograms.
var (
	fuelBuckets    = prometheus.ExponentialBuckets(1e4, 10, 8) // 10^4 to 10^11
	secondsBuckets = prometheus.ExponentialBuckets(0.001, 4, 10)
)

// roundMetrics counts the round's work as it happens; the collector reads
// it at scrape time.
type roundMetrics struct {
	fetchBytes, fetchFailures                     atomic.Uint64
	anchorsSent, anchorsLanded, anchorsConflicted atomic.Uint64

	mu          sync.Mutex
	evals       uint64
	fuelSum     float64
	secondsSum  float64
	fuelCount   []uint64 // per bucket of fuelBuckets, not cumulative
	secondCount []uint64
}

func (m *roundMetrics) observeEval(fuel uint64, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fuelCount == nil {
		m.fuelCount, m.secondCount = make([]uint64, len(fuelBuckets)), make([]uint64, len(secondsBuckets))
	}
	m.evals++
	m.fuelSum += float64(fuel)
	m.secondsSum += d.Seconds()
	observe(m.fuelCount, fuelBuckets, float64(fuel))
	observe(m.secondCount, secondsBuckets, d.Seconds())
}

func observe(counts []uint64, bounds []float64, v float64) {
	for i, b := range bounds {
		if v <= b {
			counts[i]++
			return
		}
	}
}

// histograms returns the two histograms as Prometheus const metrics.
func (m *roundMetrics) histograms() []prometheus.Metric {
	m.mu.Lock()
	defer m.mu.Unlock()
	cum := func(counts []uint64, bounds []float64) map[float64]uint64 {
		out := make(map[float64]uint64, len(bounds))
		var c uint64
		for i, b := range bounds {
			if counts != nil {
				c += counts[i]
			}
			out[b] = c
		}
		return out
	}
	return []prometheus.Metric{
		prometheus.MustNewConstHistogram(descEvalFuel, m.evals, m.fuelSum, cum(m.fuelCount, fuelBuckets)),
		prometheus.MustNewConstHistogram(descEvalSeconds, m.evals, m.secondsSum, cum(m.secondCount, secondsBuckets)),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMessages, descMesh, descTopicPeers, descPeers, descScores, descViolations, descRPCBytes, descChainHead, descUp,
		descEvalFuel, descEvalSeconds, descFetchBytes, descFetchFailures, descAnchors, descEpochPhase} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	st := c.n.net.Stats()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, t := range st.Topics {
		sn, k := itoa(t.Subnet), t.Kind.String()
		counter(descMessages, t.Published, sn, k, "published", "")
		counter(descMessages, t.Delivered, sn, k, "delivered", "")
		counter(descMessages, t.Duplicates, sn, k, "duplicate", "")
		for r, v := range t.Rejected {
			counter(descMessages, v, sn, k, "rejected", r)
		}
		for r, v := range t.Ignored {
			counter(descMessages, v, sn, k, "ignored", r)
		}
		gauge(descMesh, float64(t.Mesh), sn, k)
		gauge(descTopicPeers, float64(t.Peers), sn, k)
	}
	gauge(descPeers, float64(st.Peers))
	s := st.Scores
	for band, v := range map[string]int{"graylisted": s.Graylisted, "below_publish": s.BelowPublish, "below_gossip": s.BelowGossip,
		"negative": s.Negative, "neutral": s.Neutral, "good": s.Good} {
		gauge(descScores, float64(v), band)
	}
	counter(descViolations, st.UnknownTopic, "unknown_topic")
	counter(descViolations, st.GarbageStreams, "garbage_stream")
	counter(descRPCBytes, st.RPCBytesSent)
	m := &c.n.metrics
	for _, h := range m.histograms() {
		ch <- h
	}
	counter(descFetchBytes, m.fetchBytes.Load())
	counter(descFetchFailures, m.fetchFailures.Load())
	counter(descAnchors, m.anchorsSent.Load(), "sent")
	counter(descAnchors, m.anchorsLanded.Load(), "landed")
	counter(descAnchors, m.anchorsConflicted.Load(), "conflicted")
	for _, f := range c.n.followed() {
		f.mu.Lock()
		head := f.head
		f.mu.Unlock()
		e := f.clock.EpochAt(head)
		if sched, err := f.manifest.Timing.Schedule(f.clock.FirstBlock(e)); err == nil {
			phase := 2
			switch {
			case sched.SubmissionCommit.Contains(head):
				phase = 0
			case sched.SubmissionReveal.Contains(head):
				phase = 1
			}
			gauge(descEpochPhase, float64(phase), itoa(f.subnet), itoa(e))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if head, err := c.n.chain.Head(ctx); err == nil {
		gauge(descChainHead, float64(head))
		gauge(descUp, 1)
	} else {
		gauge(descUp, 0)
	}
}

func itoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}
