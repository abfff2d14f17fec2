//go:build unix && !linux && !darwin

package osfile

import "os"

// SyncData makes the data written to f durable: fsync(2), these systems
// having no cheaper fdatasync that Go exposes everywhere.
func SyncData(f *os.File) error { return wrapSync(f, f.Sync()) }
