//go:build !race

package contentstore

const goldenSkipLarge = false
