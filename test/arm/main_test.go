// Package armtest runs ARM as a real process (the sluice binary, built
// once for the package) and checks what operators see through
// `sluice heartbeats -json`: a silent agent turns yellow, then red,
// survives a kill -9 of ARM, and comes back with Heartbeat Returned.
package armtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// sluiceBin is the binary under test, built by TestMain.
var sluiceBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sluice-arm-it-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	sluiceBin = filepath.Join(dir, "sluice")
	// The embedded index needs FTS5; a command-line -tags overrides one
	// in GOFLAGS, so this is right under make and without it.
	cmd := exec.Command("go", "build", "-tags=sqlite_fts5", "-o", sluiceBin, ".")
	cmd.Dir = "../.."
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build sluice:", err)
		return 1
	}
	return m.Run()
}
