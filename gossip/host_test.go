package gossip

import (
	"context"
	"strings"
	"testing"
)

func TestNewLoopbackHost(t *testing.T) {
	ctx := context.Background()
	var hosts [2]Host
	for i := range hosts {
		h, err := NewLoopbackHost(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		hosts[i] = h
		if len(h.Addrs()) == 0 {
			t.Fatal("host listens on no address")
		}
		for _, a := range h.Addrs() {
			if !strings.HasPrefix(a.String(), "/ip4/127.0.0.1/tcp/") {
				t.Errorf("listen address %s is not loopback TCP", a)
			}
		}
	}
	if err := hosts[0].Connect(ctx, AddrInfoOf(hosts[1])); err != nil {
		t.Fatalf("connect loopback hosts: %v", err)
	}
	if len(hosts[1].Network().ConnsToPeer(hosts[0].ID())) == 0 {
		t.Error("the dialled host has no connection from the dialler")
	}
}

func TestNewLoopbackHostCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewLoopbackHost(ctx); err == nil {
		t.Fatal("NewLoopbackHost with a cancelled context succeeded")
	}
}
