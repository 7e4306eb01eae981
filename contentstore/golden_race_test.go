//go:build race

package contentstore

// goldenSkipLarge: the race detector makes the 1 GiB golden imports take
// minutes, and they exercise hashing, not concurrency.
const goldenSkipLarge = true
