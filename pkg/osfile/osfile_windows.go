package osfile

import (
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// Open opens path for reading with FILE_SHARE_DELETE as well as read and
// write sharing. os.Open leaves out FILE_SHARE_DELETE, and then a writer
// that rotates its log by renaming or deleting it fails for as long as
// the agent holds the file open: the agent must never stop a rotation.
// A file deleted while open stays readable through the handle (it is
// "delete pending" and its name cannot be reused until the last handle
// closes), as on Unix.
func Open(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// Stat returns the FileInfo and ID of the file at path. Windows keeps the
// file index off the directory entry, so the file is opened (sharing
// everything, as Open) and asked.
func Stat(path string) (os.FileInfo, ID, error) {
	f, err := Open(path)
	if err != nil {
		return nil, ID{}, err
	}
	defer f.Close()
	return StatFile(f)
}

// StatFile returns the FileInfo and ID of an open file:
// GetFileInformationByHandle's volume serial number and file index.
func StatFile(f *os.File) (os.FileInfo, ID, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, ID{}, err
	}
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(windows.Handle(f.Fd()), &info); err != nil {
		return nil, ID{}, &os.PathError{Op: "GetFileInformationByHandle", Path: f.Name(), Err: err}
	}
	return fi, ID{
		Dev: uint64(info.VolumeSerialNumber),
		Ino: uint64(info.FileIndexHigh)<<32 | uint64(info.FileIndexLow),
	}, nil
}

// SyncData makes the data written to f durable: FlushFileBuffers, which
// writes the file's data and metadata through the drive's cache.
func SyncData(f *os.File) error {
	return wrapSync(f, windows.FlushFileBuffers(windows.Handle(f.Fd())))
}

// SyncDir does nothing on Windows: a directory handle cannot be flushed
// without write access to it, and NTFS journals the creation and renaming
// of files itself.
func SyncDir(string) error { return nil }

// FreeBytes is the space in dir's volume available to the caller (its
// quota included): GetDiskFreeSpaceEx.
func FreeBytes(dir string) (int64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, fmt.Errorf("free space of %s: %w", dir, err)
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &free); err != nil {
		return 0, fmt.Errorf("free space of %s: %w", dir, err)
	}
	return int64(avail), nil
}
