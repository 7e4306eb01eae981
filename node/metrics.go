package node

import (
	"context"
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
)

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMessages, descMesh, descTopicPeers, descPeers, descScores, descViolations, descRPCBytes, descChainHead, descUp} {
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
