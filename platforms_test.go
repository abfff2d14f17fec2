package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWindowsAgentExample validates configs/windows/agent.hcl, the
// Windows agent of docs/platforms.md, with `sluice config validate`: its
// C:/ProgramData/Sluice paths are moved under a temporary folder, where
// the files it names are made.
func TestWindowsAgentExample(t *testing.T) {
	src, err := os.ReadFile("configs/windows/agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.ToSlash(t.TempDir())
	cfg := strings.ReplaceAll(string(src), "C:/ProgramData/Sluice", root)
	// Every file setting: the certificates, key and token file must be readable.
	named := regexp.MustCompile(`(?m)^\s*(?:ca_file|cert_file|key_file|tokens_file)\s*=\s*"([^"]+)"`)
	files := named.FindAllStringSubmatch(cfg, -1)
	if len(files) != 4 {
		t.Fatalf("found %d file settings, want 4: %q", len(files), files)
	}
	for _, m := range files {
		if err := os.MkdirAll(filepath.Dir(m[1]), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(m[1], []byte("0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(root, "agent.hcl")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"config", "validate", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("config validate: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "ok (agent config)") {
		t.Errorf("config validate said %q", stdout.String())
	}
}
