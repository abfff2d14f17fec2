package osfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOpenLetsTheWriterRotate is the Windows property Open exists for:
// while the agent holds a log open, its writer can still rename it away
// and delete it, and the ID stays the file's. (Compiled by make
// cross-check; run it on a Windows host with go test ./pkg/osfile.)
func TestOpenLetsTheWriterRotate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	if err := os.WriteFile(p, []byte("line 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, before, err := StatFile(f)
	if err != nil || before.IsZero() {
		t.Fatalf("StatFile: %v, %v", before, err)
	}
	rotated := p + ".1"
	if err := os.Rename(p, rotated); err != nil {
		t.Fatalf("rename while open: %v", err)
	}
	if _, byPath, err := Stat(rotated); err != nil || byPath != before {
		t.Errorf("renamed file: ID %v, %v; want %v", byPath, err, before)
	}
	if err := os.Remove(rotated); err != nil {
		t.Fatalf("delete while open: %v", err)
	}
	buf := make([]byte, 7)
	if n, err := f.ReadAt(buf, 0); n != 7 || string(buf) != "line 1\n" {
		t.Errorf("read after delete: %q, %v", buf[:n], err)
	}
}
