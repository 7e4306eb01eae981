package main

import (
	"strings"
	"testing"
)

// The testnet itself runs in package testnet's tests; here, what a user
// who mistypes gets.
func TestTestnetBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"testnet", "--nodes", "1"}, exitError, "--nodes 1, want 2 to 64"},
		{[]string{"testnet", "--validators", "7"}, exitError, "--validators 7, want 1 to 6"},
		{[]string{"testnet", "--subnet", t.TempDir()}, exitError, "no subnet.json"},
		{[]string{"testnet", "extra"}, exitUsage, "testnet takes no arguments"},
		{[]string{"testnet", "--epochs", "x"}, exitUsage, "invalid value"},
	} {
		code, stdout, stderr := run(t, tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q; got:\n%s%s", tc.args, code, tc.code, tc.want, stdout, stderr)
		}
	}
}
