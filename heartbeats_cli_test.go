package main

import (
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/internal/testkit"
)

// TestCLIHeartbeatsOrganization: sluice heartbeats -org (or
// -organization) asks ARM for one organization, and a token limited to
// another is told so rather than shown an empty grid.
func TestCLIHeartbeatsOrganization(t *testing.T) {
	const acmeToken = "cli-read-acme-token-0123456789"
	cfg := arm.DefaultConfig()
	cfg.ID, cfg.Listen, cfg.HTTP, cfg.DataDir = "arm-cli-org", "127.0.0.1:0", "127.0.0.1:0", t.TempDir()
	cfg.ReadTokenFile = writeCLIFile(t, cliAllToken+" *\n"+acmeToken+" acme\n")
	a, err := arm.New(cfg, arm.Deps{Logger: hclog.NewNullLogger()})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, a.Run)
	url := "http://" + a.HTTPAddr()

	for _, tc := range []struct {
		name, token string
		args        []string
		code        int
		out, err    string
	}{
		{"every organization, -org", cliAllToken, []string{"-org", "globex"}, 0, "[]", ""},
		{"acme, -org acme", acmeToken, []string{"-org", "acme"}, 0, "[]", ""},
		{"acme, -org globex", acmeToken, []string{"-org", "globex"}, 1, "", `may not read organization "globex"`},
		{"acme, -organization globex", acmeToken, []string{"-organization", "globex"}, 1, "", `may not read organization "globex"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SLUICE_TOKEN", tc.token)
			args := append([]string{"heartbeats", "-addr", url, "-json"}, tc.args...)
			code, stdout, stderr := run(t, args...)
			if code != tc.code || !strings.Contains(stdout, tc.out) || !strings.Contains(stderr, tc.err) {
				t.Fatalf("exit %d (want %d), stdout %q (want %q), stderr %q (want %q)", code, tc.code, stdout, tc.out, stderr, tc.err)
			}
		})
	}
}
