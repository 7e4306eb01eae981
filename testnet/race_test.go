//go:build race

package testnet

// raceEnabled: the tests run under the race detector, which reaches no
// child process.
const raceEnabled = true
