package osfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// SyncData makes the data written to f durable, with the metadata needed
// to read it back (its size), but not its times: fdatasync(2).
func SyncData(f *os.File) error { return wrapSync(f, unix.Fdatasync(int(f.Fd()))) }
