package agent

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/pki"
)

// agentCert makes a CA in a temporary directory and an agent certificate
// for org/id in it, and returns the directory and the certificate's path.
func agentCert(t *testing.T, org, id string) (dir, cert, key string) {
	t.Helper()
	dir = t.TempDir()
	if err := pki.NewCA(dir, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	ident := pki.Identity{Kind: pki.KindAgent, ID: id, Organization: org}
	if err := pki.Issue(dir, pki.IssueOptions{Identity: ident}); err != nil {
		t.Fatal(err)
	}
	cert, key = pki.PathsFor(dir, ident)
	return dir, cert, key
}

func tlsAgentConfig(dir, cert, key, settings string) string {
	return fmt.Sprintf(`agent {
  mediators = ["127.0.0.1:7400"]
%s
  tls {
    ca_file   = %q
    cert_file = %q
    key_file  = %q
  }
}
`, settings, dir+"/ca.pem", cert, key)
}

// An agent with a certificate and no id or organization is who its
// certificate says: the README's tour makes one with -org acme.
func TestIdentityFromCertificate(t *testing.T) {
	dir, cert, key := agentCert(t, "acme", "web-01")
	for _, settings := range []string{
		"",
		`  id = "web-01"`,
		`  organization = "acme"`,
		"  id = \"web-01\"\n  organization = \"acme\"",
	} {
		cfg, err := ParseConfig([]byte(tlsAgentConfig(dir, cert, key, settings)), "agent.hcl")
		if err != nil {
			t.Fatalf("%q: %v", settings, err)
		}
		if cfg.ID != "web-01" || cfg.Organization != "acme" {
			t.Errorf("%q: identity %s/%s, want acme/web-01 from the certificate", settings, cfg.Organization, cfg.ID)
		}
	}
}

// A configured id or organization that disagrees with the certificate is
// an error at start, naming both values and where the setting is.
func TestIdentityDisagreesWithCertificate(t *testing.T) {
	dir, cert, key := agentCert(t, "acme", "web-01")
	for _, tc := range []struct {
		settings string
		want     []string
	}{
		{`  id = "web-02"`, []string{`agent.hcl:3:3: id = "web-02" disagrees with the TLS certificate`, `agent "web-01" in organization "acme"`, cert}},
		{`  organization = "default"`, []string{`agent.hcl:3:3: organization = "default" disagrees`, `agent "web-01" in organization "acme"`}},
	} {
		_, err := ParseConfig([]byte(tlsAgentConfig(dir, cert, key, tc.settings)), "agent.hcl")
		if err == nil {
			t.Fatalf("%q: no error", tc.settings)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %q does not contain %q", tc.settings, err, w)
			}
		}
	}

	t.Setenv("SLUICE_AGENT_ID", "from-env")
	_, err := ParseConfig([]byte(tlsAgentConfig(dir, cert, key, "")), "agent.hcl")
	if err == nil || !strings.Contains(err.Error(), `SLUICE_AGENT_ID: id = "from-env" disagrees`) || !strings.Contains(err.Error(), "unset SLUICE_AGENT_ID to take it") {
		t.Errorf("env override against the certificate: %v", err)
	}
}

// Without a certificate (or with one that cannot be read yet, which the
// TLS file checks report) the defaults stay: hostname and "default".
func TestIdentityDefaultsWithoutCertificate(t *testing.T) {
	for _, src := range []string{
		"agent {\n  mediators = [\"127.0.0.1:7400\"]\n}\n",
		tlsAgentConfig(t.TempDir(), "/nonexistent/a.pem", "/nonexistent/a-key.pem", ""),
	} {
		cfg, err := ParseConfig([]byte(src), "agent.hcl")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.ID == "" || cfg.ID != cfg.Hostname || cfg.Organization != event.DefaultOrganization {
			t.Errorf("identity %s/%s, want %s/<hostname>", cfg.Organization, cfg.ID, event.DefaultOrganization)
		}
	}
}
