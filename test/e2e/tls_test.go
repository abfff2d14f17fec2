package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/pki"
)

// TestEndToEndMutualTLS runs agent and mediator over mutual TLS with
// certificates from `sluice tls`'s package: lines arrive once, under the
// organization the agent's certificate names.
func TestEndToEndMutualTLS(t *testing.T) {
	dir := t.TempDir()
	pkiDir := filepath.Join(dir, "pki")
	if err := pki.NewCA(pkiDir, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, id := range []pki.IssueOptions{
		{Identity: pki.Identity{Kind: pki.KindMediator, ID: "dp-tls"}, Hosts: []string{"127.0.0.1"}},
		{Identity: pki.Identity{Kind: pki.KindAgent, ID: "e2e-agent", Organization: "acme"}},
	} {
		if err := pki.Issue(pkiDir, id); err != nil {
			t.Fatal(err)
		}
	}
	tlsBlock := func(id pki.Identity) string {
		cert, key := pki.PathsFor(pkiDir, id)
		return fmt.Sprintf("tls {\n ca_file = %q\n cert_file = %q\n key_file = %q\n}", filepath.Join(pkiDir, "ca.pem"), cert, key)
	}
	mcfg, err := mediator.ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id          = "dp-tls"
  listen      = "127.0.0.1:0"
  http        = "127.0.0.1:0"
  data_dir    = %q
  rules       = [%q]
  index_flush = "50ms"
  %s
}`, filepath.Join(dir, "mediator"), rulesDir, tlsBlock(pki.Identity{Kind: pki.KindMediator, ID: "dp-tls"}))), "mediator.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := mediator.New(mcfg, mediator.Deps{Logger: logger("mediator")})
	if err != nil {
		t.Fatal(err)
	}
	start(t, m.Run)
	logPath := filepath.Join(dir, "auth.log")
	appendLines(t, logPath, 0, 2000)
	acfg, err := agent.ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "e2e-agent"
  organization = "acme"
  data_dir  = %q
  mediators = [%q]
  %s
}
source "file" "auth" {
  paths           = [%q]
  log_source_type = "linux-auth"
  poll_interval   = "20ms"
}`, filepath.Join(dir, "agent"), m.Addr(), tlsBlock(pki.Identity{Kind: pki.KindAgent, ID: "e2e-agent", Organization: "acme"}), logPath)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a, err := agent.New(acfg, agent.Deps{Logger: logger("agent")})
	if err != nil {
		t.Fatal(err)
	}
	start(t, a.Run)
	waitCount(t, m.Index(), 2000)
	checkExactlyOnce(t, m.Index(), 2000, "e2e-agent")
	if n := count(t, m.Index(), "organization.id:acme"); n != 2000 {
		t.Fatalf("%d events under organization acme", n)
	}
}
