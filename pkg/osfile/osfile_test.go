//go:build unix

package osfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestID checks the identity the tailer's checkpoints hold: the same
// through a path and through an open handle, kept across a rename and a
// second name, different for a copy, and on Linux exactly the device and
// inode of stat(2) (the checkpoints written before this package).
func TestID(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stat := func(p string) ID {
		t.Helper()
		_, id, err := Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if id.IsZero() {
			t.Fatalf("%s: zero ID", p)
		}
		return id
	}
	orig := write("app.log", "line 1\n")
	copied := write("app.log.copy", "line 1\n")
	id := stat(orig)

	f, err := Open(orig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	fi, byHandle, err := StatFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 7 {
		t.Errorf("size %d, want 7", fi.Size())
	}
	link := filepath.Join(dir, "hard.log")
	if err := os.Link(orig, link); err != nil {
		t.Fatal(err)
	}
	rotated := filepath.Join(dir, "app.log.1")
	if err := os.Rename(orig, rotated); err != nil {
		t.Fatal(err)
	}
	// A new file at the old name, as after rename rotation.
	fresh := write("app.log", "line 2\n")

	for _, tc := range []struct {
		name string
		got  ID
		same bool
	}{
		{"open handle", byHandle, true},
		{"renamed", stat(rotated), true},
		{"hard link", stat(link), true},
		{"copy", stat(copied), false},
		{"new file at the old name", stat(fresh), false},
	} {
		if (tc.got == id) != tc.same {
			t.Errorf("%s: ID %v, original %v, want same=%v", tc.name, tc.got, id, tc.same)
		}
	}
	// The handle still reads the renamed file.
	if _, after, err := StatFile(f); err != nil || after != id {
		t.Errorf("handle after rename: %v, %v; want %v", after, err, id)
	}

	var st syscall.Stat_t
	if err := syscall.Stat(rotated, &st); err != nil {
		t.Fatal(err)
	}
	if want := (ID{Dev: uint64(st.Dev), Ino: st.Ino}); id != want {
		t.Errorf("ID %v, stat(2) says %v", id, want)
	}
}

func TestStatErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	if _, _, err := Stat(missing); !os.IsNotExist(err) {
		t.Errorf("Stat of a missing file: %v, want not exist", err)
	}
	if _, err := Open(missing); !os.IsNotExist(err) {
		t.Errorf("Open of a missing file: %v, want not exist", err)
	}
}

func TestSync(t *testing.T) {
	dir := t.TempDir()
	f, err := os.OpenFile(filepath.Join(dir, "segment"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("entry")); err != nil {
		t.Fatal(err)
	}
	if err := SyncData(f); err != nil {
		t.Errorf("SyncData: %v", err)
	}
	if err := SyncDir(dir); err != nil {
		t.Errorf("SyncDir: %v", err)
	}
	_ = f.Close()
	if err := SyncData(f); err == nil {
		t.Error("SyncData of a closed file: no error")
	}
	if err := SyncDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("SyncDir of a missing directory: no error")
	}
}

func TestFreeBytes(t *testing.T) {
	free, err := FreeBytes(t.TempDir())
	if err != nil || free <= 0 {
		t.Errorf("FreeBytes: %d, %v; want > 0", free, err)
	}
	if _, err := FreeBytes(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("FreeBytes of a missing directory: no error")
	}
}
