//go:build !linux

package contentstore

import "os"

// fdatasync flushes f to disk (os.File.Sync uses F_FULLFSYNC on macOS).
func fdatasync(f *os.File) error { return f.Sync() }

// startWriteback is a hint that only Linux offers; elsewhere the next
// fdatasync writes everything.
func startWriteback(*os.File, int64, int64) {}

// freeSpace is unknown elsewhere: writes are not held back, and a full
// disk shows as a write error.
func freeSpace(string) (int64, bool) { return 0, false }
