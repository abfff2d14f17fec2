package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
)

const (
	cliAdminToken = "cli-admin-token-0123456789"
	cliAllToken   = "cli-read-all-token-0123456789"
	cliAcmeToken  = "cli-read-acme-token-0123456789"
)

// writeCLIFile writes content to a file of its own and returns the path.
func writeCLIFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCLIReadTokens: search, agents and deadletter send -token-file's or
// SLUICE_TOKEN's token; without one a mediator with token files answers
// 401, and a token for acme reads acme only.
func TestCLIReadTokens(t *testing.T) {
	admin := writeCLIFile(t, cliAdminToken+"\n")
	read := writeCLIFile(t, cliAllToken+" *\n"+cliAcmeToken+" acme\n")
	f := startDeadLetterMediator(t, fmt.Sprintf("admin_token_file = %q\n read_token_file = %q", admin, read), 8)
	now := time.Now().UTC()
	if err := f.idx.Write(context.Background(), []*event.Event{
		{ID: "cli-a", Organization: "acme", Timestamp: now, Message: "acme line"},
		{ID: "cli-g", Organization: "globex", Timestamp: now, Message: "globex line"},
	}); err != nil {
		t.Fatal(err)
	}
	allFile := writeCLIFile(t, "# my token\n"+cliAllToken+"\n")
	// The server's own file works too: its first token is sent.
	acmeFile := writeCLIFile(t, cliAcmeToken+" acme\n")

	for _, tc := range []struct {
		name   string
		env    string // SLUICE_TOKEN
		args   []string
		code   int
		stdout []string
		not    []string
		stderr string
	}{
		{name: "search without token", args: []string{"search", "-addr", f.url, "*"}, code: 1, stderr: "sluice search: missing or wrong bearer token"},
		{name: "search -token-file", args: []string{"search", "-addr", f.url, "-token-file", allFile, "*"}, code: 0, stdout: []string{"acme line", "globex line", "line 1"}},
		{name: "count SLUICE_TOKEN", env: cliAllToken, args: []string{"search", "-addr", f.url, "-count", "*"}, code: 0, stdout: []string{"8\n"}},
		{name: "search acme", args: []string{"search", "-addr", f.url, "-token-file", acmeFile, "*"}, code: 0, stdout: []string{"acme line"}, not: []string{"globex", "line 1"}},
		{name: "search acme -org globex", env: cliAcmeToken, args: []string{"search", "-addr", f.url, "-org", "globex", "*"}, code: 1, stderr: `may not read organization "globex"`},
		{name: "search wrong token", env: "not-a-token-0123456789", args: []string{"search", "-addr", f.url, "*"}, code: 1, stderr: "missing or wrong bearer token"},
		{name: "search missing token file", args: []string{"search", "-addr", f.url, "-token-file", filepath.Join(t.TempDir(), "nope"), "*"}, code: 2, stderr: "nope"},
		{name: "search empty token file", args: []string{"search", "-addr", f.url, "-token-file", writeCLIFile(t, "# nothing\n"), "*"}, code: 2, stderr: "no token in the file"},
		{name: "agents list without token", args: []string{"agents", "list", "-addr", f.url}, code: 1, stderr: "401 Unauthorized"},
		{name: "agents list", env: cliAllToken, args: []string{"agents", "list", "-addr", f.url}, code: 0, stdout: []string{"poisoner"}},
		{name: "agents list acme", env: cliAcmeToken, args: []string{"agents", "list", "-addr", f.url}, code: 0, not: []string{"poisoner"}},
		{name: "agents accept with a read token", env: cliAllToken, args: []string{"agents", "accept", "-addr", f.url, "x-01"}, code: 1, stderr: "403 Forbidden: this token may read, not administer"},
		{name: "deadletter list without token", args: []string{"deadletter", "list", "-addr", f.url}, code: 1, stderr: "401 Unauthorized"},
		{name: "deadletter list", args: []string{"deadletter", "list", "-addr", f.url, "-token-file", allFile}, code: 0, stdout: []string{"POISON", "2 dead letter(s)"}},
		{name: "deadletter list acme", env: cliAcmeToken, args: []string{"deadletter", "list", "-addr", f.url}, code: 0, stdout: []string{"0 dead letter(s)"}, not: []string{"POISON"}},
		{name: "deadletter list over the bound", env: cliAllToken, args: []string{"deadletter", "list", "-addr", f.url, "-limit", "10001"}, code: 1, stderr: "limit must be an integer between 1 and 10000"},
		{name: "deadletter replay with a read token", env: cliAllToken, args: []string{"deadletter", "replay", "-addr", f.url}, code: 1, stderr: "403 Forbidden"},
		{name: "search admin token", env: cliAdminToken, args: []string{"search", "-addr", f.url, "-count", "*"}, code: 0, stdout: []string{"8\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SLUICE_TOKEN", tc.env)
			code, stdout, stderr := run(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q), stdout %q", code, tc.code, stderr, tc.stderr, stdout)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("no %q in stdout %q", w, stdout)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(stdout, n) {
					t.Errorf("%q in stdout %q", n, stdout)
				}
			}
		})
	}
}

// TestCLIHeartbeatsToken: sluice heartbeats sends its token with reads,
// and -forget needs the admin token.
func TestCLIHeartbeatsToken(t *testing.T) {
	t.Setenv("SLUICE_ADMIN_TOKEN", "")
	cfg := arm.DefaultConfig()
	cfg.ID, cfg.Listen, cfg.HTTP, cfg.DataDir = "arm-cli", "127.0.0.1:0", "127.0.0.1:0", t.TempDir()
	cfg.AdminTokenFile = writeCLIFile(t, cliAdminToken)
	cfg.ReadTokenFile = writeCLIFile(t, cliAllToken)
	a, err := arm.New(cfg, arm.Deps{Logger: hclog.NewNullLogger()})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, a.Run)
	url := "http://" + a.HTTPAddr()
	readFile := writeCLIFile(t, cliAllToken+"\n")

	for _, tc := range []struct {
		name, env string
		args      []string
		code      int
		out, err  string
	}{
		{"grid without token", "", []string{"heartbeats", "-addr", url}, 1, "", "missing or wrong bearer token"},
		{"grid -token-file", "", []string{"heartbeats", "-addr", url, "-token-file", readFile}, 0, "NAME", ""},
		{"grid SLUICE_TOKEN", cliAllToken, []string{"heartbeats", "-addr", url, "-json"}, 0, "[]", ""},
		{"forget with a read token", cliAllToken, []string{"heartbeats", "-addr", url, "-forget", "web-01"}, 1, "", "may read, not administer"},
		{"forget with the admin token", cliAdminToken, []string{"heartbeats", "-addr", url, "-forget", "web-01"}, 1, "", `no component "web-01"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SLUICE_TOKEN", tc.env)
			code, stdout, stderr := run(t, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.out) || !strings.Contains(stderr, tc.err) {
				t.Fatalf("exit %d (want %d), stdout %q (want %q), stderr %q (want %q)", code, tc.code, stdout, tc.out, stderr, tc.err)
			}
		})
	}
}
