package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
)

// A bad log block fails `sluice config validate` at its attribute.
func TestConfigValidateLogBlock(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "mediator.hcl")
	writeFile(t, bad, "mediator {\n  log {\n    file     = \"/var/log/sluice/mediator.log\"\n    max_size = \"1k\"\n  }\n}\n")
	code, _, stderr := run(t, "config", "validate", bad)
	if code != 1 || !strings.Contains(stderr, bad+":4:5: max_size must be between 1MiB and 1TiB") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// TestMediatorSIGHUPLogLevel runs bin/sluice mediator logging to a file:
// SIGHUP re-reads the level from its configuration and reloads the rules,
// and PUT /v1/log/level sets the level, in the running process.
func TestMediatorSIGHUPLogLevel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sluice")
	build := exec.Command("go", "build", "-tags=sqlite_fts5", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	listen, httpAddr := testkit.FreeAddr(t), testkit.FreeAddr(t)
	logFile := filepath.Join(dir, "log", "mediator.log")
	cfgPath := filepath.Join(dir, "mediator.hcl")
	rulesDir := filepath.Join(dir, "rules")
	if err := os.MkdirAll(rulesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// addRule writes a rule file of its own log source type.
	addRule := func(name string) {
		t.Helper()
		writeFile(t, filepath.Join(rulesDir, name+".hcl"), fmt.Sprintf(`
log_source_type %[1]q {
  header = "none"
}
rule %[1]q {
  log_source_types = [%[1]q]
  pattern          = "hello <login>"
  classification   = "Information"
  common_event     = "Greeting"
}
`, name))
	}
	addRule("first")
	config := func(level string) string {
		return fmt.Sprintf("mediator {\n  id = \"dp-hup\"\n  listen = %q\n  http = %q\n  data_dir = %q\n  rules = [%q]\n  log {\n    level = %q\n    file = %q\n  }\n}\n\nindexer \"embedded\" {}\n",
			listen, httpAddr, filepath.Join(dir, "data"), rulesDir, level, logFile)
	}
	rules := func() int {
		resp, err := http.Get("http://" + httpAddr + "/v1/status")
		if err != nil {
			return -1
		}
		defer resp.Body.Close()
		var s struct {
			Rules int `json:"rules"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&s)
		return s.Rules
	}
	writeFile(t, cfgPath, config("info"))
	var out logging.Buffer
	cmd := exec.Command(bin, "mediator", "-config", cfgPath)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "SLUICE_LOG_LEVEL=", "SLUICE_LOG_JSON=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(logFile)
			t.Logf("stdout/stderr:\n%s\nlog file:\n%s", out.String(), b)
		}
	}()
	level := func() string {
		resp, err := http.Get("http://" + httpAddr + "/v1/log/level")
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		var b logging.LevelBody
		_ = json.NewDecoder(resp.Body).Decode(&b)
		return b.Level
	}
	testkit.Eventually(t, 20*time.Second, "the API answering at info", func() bool { return level() == "info" })
	before := rules()
	if before <= 0 {
		t.Fatalf("%d rules loaded at start", before)
	}

	writeFile(t, cfgPath, config("debug"))
	addRule("second")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "level debug after SIGHUP", func() bool { return level() == "debug" })
	testkit.Eventually(t, 10*time.Second, "more rules after SIGHUP", func() bool { return rules() > before })
	testkit.Eventually(t, 5*time.Second, "the change in the log file", func() bool {
		b, _ := os.ReadFile(logFile)
		return strings.Contains(string(b), "SIGHUP: log level changed: level=debug previous=info")
	})

	req, _ := http.NewRequest(http.MethodPut, "http://"+httpAddr+"/v1/log/level", strings.NewReader(`{"level":"warn"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || level() != "warn" {
		t.Fatalf("PUT warn: %s, level now %q", resp.Status, level())
	}
	if out.String() != "" {
		t.Errorf("the mediator wrote to stderr with a log file configured:\n%s", out.String())
	}
}
