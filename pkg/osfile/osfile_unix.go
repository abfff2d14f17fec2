//go:build unix

package osfile

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Open opens path for reading. On Unix a file open for reading never
// stands in the way of its writer renaming or deleting it, so this is
// os.Open.
func Open(path string) (*os.File, error) { return os.Open(path) }

// Stat returns the FileInfo and ID of the file at path, following
// symbolic links.
func Stat(path string) (os.FileInfo, ID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, ID{}, err
	}
	return fi, idOf(fi), nil
}

// StatFile returns the FileInfo and ID of an open file: the file it has
// open, whatever is at its path now.
func StatFile(f *os.File) (os.FileInfo, ID, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, ID{}, err
	}
	return fi, idOf(fi), nil
}

func idOf(fi os.FileInfo) ID {
	// os fills FileInfo.Sys with the syscall package's Stat_t.
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return ID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}
	}
	return ID{}
}

// SyncDir makes the entries of dir (a file created or renamed in it)
// durable: fsync on the directory.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// FreeBytes is the space in dir's file system available to unprivileged
// writers (statfs f_bavail × f_bsize).
func FreeBytes(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
