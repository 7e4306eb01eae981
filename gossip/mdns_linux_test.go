package gossip

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMDNSDiscovery runs two testnet nodes with mDNS on, and nothing else
// to find each other, inside a network namespace of its own (multicast
// must not leave the test): they find each other and connect. It needs
// root for the namespace (CI runs as root) and skips without it.
func TestMDNSDiscovery(t *testing.T) {
	if os.Getenv("CRUCIBLE_TEST_NETNS") != "1" {
		if os.Geteuid() != 0 {
			t.Skip("needs root to make a network namespace for multicast")
		}
		if _, err := exec.LookPath("unshare"); err != nil {
			t.Skip("needs unshare(1)")
		}
		if _, err := exec.LookPath("ip"); err != nil {
			t.Skip("needs ip(8) from iproute2")
		}
		// Loopback with multicast on and the multicast route, in a
		// namespace that has nothing else.
		script := `ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && exec "$0" -test.run '^TestMDNSDiscovery$' -test.v`
		cmd := exec.Command("unshare", "--net", "sh", "-c", script, os.Args[0])
		cmd.Env = append(os.Environ(), "CRUCIBLE_TEST_NETNS=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "unshare failed") || strings.Contains(string(out), "Operation not permitted") {
				t.Skipf("cannot make a network namespace here: %s", out)
			}
			t.Fatalf("in a network namespace: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "--- PASS: TestMDNSDiscovery") {
			t.Fatalf("the test did not pass inside the namespace:\n%s", out)
		}
		return
	}
	var nets [2]*Network
	for i := range nets {
		cfg := testConfig(t.TempDir())
		cfg.MDNS = true
		nets[i] = newTestNetwork(t, cfg)
	}
	eventually(t, "the nodes find each other by mDNS", func() bool {
		return len(nets[0].host.Network().ConnsToPeer(nets[1].ID())) > 0
	})
}
