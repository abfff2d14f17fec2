// Package osfile holds what the agent needs from the operating system's
// files that package os does not say portably: a file's identity across
// renames, opening a file that its writer may still rotate, durable sync,
// and free disk space. Each is implemented per OS (files named _unix,
// _linux, _darwin, _windows); callers see one small set of functions and
// the same ID everywhere, so the checkpoints that hold IDs are stored in
// one format on every OS.
package osfile

import "fmt"

// ID names a file independently of its path: it survives a rename (rename
// rotation) and differs between a file and its copy (copytruncate). On
// Unix it is the device and inode numbers; on Windows the volume serial
// number and the 64-bit file index of GetFileInformationByHandle. IDs are
// only compared with IDs taken on the same host.
//
// An inode or file index is reused once its file is deleted, so an ID
// alone does not prove a file unchanged: the tailer also compares the
// leading bytes (its fingerprint). On ReFS the 64-bit file index is not
// guaranteed unique (ReFS ids are 128 bits); the fingerprint covers that
// too.
type ID struct {
	Dev uint64 // device (Unix) or volume serial number (Windows)
	Ino uint64 // inode (Unix) or file index (Windows)
}

// IsZero reports whether the ID is unknown (a file system that has none).
func (id ID) IsZero() bool { return id == ID{} }

// String is for logs.
func (id ID) String() string { return fmt.Sprintf("%d:%d", id.Dev, id.Ino) }
