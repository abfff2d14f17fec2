package agent

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// TestJournaldSourceAtStart: an agent whose journald source has no
// journal to read does not start, and says why; one that has a journal
// runs the source and reports its counters in its status.
func TestJournaldSourceAtStart(t *testing.T) {
	if _, err := exec.LookPath("journalctl"); err != nil {
		t.Skip("journalctl not installed")
	}
	dir := t.TempDir()
	conf := func(journal string) *Config {
		t.Helper()
		cfg, err := ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "a1"
  data_dir  = %q
  mediators = ["127.0.0.1:1"]
}
source "journald" "journal" {
  log_source_type = "linux-auth"
  directory       = %q
}
`, filepath.Join(dir, "data"), journal)), "agent.hcl")
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	_, err := New(conf(filepath.Join(dir, "no-such-journal")), Deps{})
	if err == nil || !strings.Contains(err.Error(), "source journal: no journal to read") {
		t.Fatalf("New: %v, want an error saying there is no journal to read", err)
	}
	a := runAgent(t, conf(t.TempDir()))
	testkit.Eventually(t, 10*time.Second, "the journal source in the status", func() bool {
		for _, s := range a.Status().Sources {
			if s.Kind == "journald" && s.Journal != nil {
				return true
			}
		}
		return false
	})
}
