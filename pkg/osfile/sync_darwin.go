package osfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// SyncData makes the data written to f durable. On macOS fsync(2) only
// hands the data to the drive, whose cache may still lose it at power
// loss; fcntl F_FULLFSYNC asks the drive to flush it too, which is what
// a spool that acknowledges lines needs. File systems without
// F_FULLFSYNC (some network and FUSE ones) answer ENOTSUP or EINVAL: they
// get fsync, the best they offer.
func SyncData(f *os.File) error {
	fd := int(f.Fd())
	_, err := unix.FcntlInt(uintptr(fd), unix.F_FULLFSYNC, 0)
	if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EINVAL) {
		err = unix.Fsync(fd)
	}
	return wrapSync(f, err)
}
