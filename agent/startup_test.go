package agent

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/datadir"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/pki"
)

// startLogged makes and runs an agent that logs into a buffer, until the
// test ends.
func startLogged(t *testing.T, cfg *Config) *logging.Buffer {
	t.Helper()
	logs := &logging.Buffer{}
	a, err := New(cfg, Deps{Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Debug})})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, a.Run)
	return logs
}

// waitLog waits for a log line holding want, and logs it.
func waitLog(t *testing.T, logs *logging.Buffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; {
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, want) {
				t.Log(line)
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", want, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testPKI is a CA with a mediator certificate for 127.0.0.1.
func testPKI(t *testing.T) (dir string, mediator pki.Files) {
	t.Helper()
	dir = t.TempDir()
	if err := pki.NewCA(dir, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	id := pki.Identity{Kind: pki.KindMediator, ID: "dp"}
	if err := pki.Issue(dir, pki.IssueOptions{Identity: id, Hosts: []string{"127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	cert, key := pki.PathsFor(dir, id)
	return dir, pki.Files{CA: filepath.Join(dir, "ca.pem"), Cert: cert, Key: key}
}

// A plaintext agent dialing a mediator that requires mutual TLS (a gRPC
// server with the mediator's TLS settings) is told so, not "EOF".
func TestPlaintextAgentToTLSMediator(t *testing.T) {
	_, files := testPKI(t)
	tc, err := pki.ServerConfig(files, pki.ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(tc)))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)

	cfg, err := ParseConfig([]byte(fmt.Sprintf("agent {\n  id = \"a1\"\n  data_dir = %q\n  mediators = [%q]\n}\n", t.TempDir(), l.Addr().String())), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := startLogged(t, cfg)
	waitLog(t, logs, "the mediator requires TLS: configure a tls { ca_file, cert_file, key_file } block in the agent")
}

// An agent whose own certificate is expired or not valid yet says so at
// start, and still starts (its sources fill the spool meanwhile); one that
// expires within 30 days is warned about; a key others can read is
// warned about.
func TestCertificateCheckedAtStart(t *testing.T) {
	dir, _ := testPKI(t)
	now := time.Now()
	cases := []struct {
		name      string
		opts      pki.IssueOptions
		looseKey  bool
		want, not string
	}{
		{"expired", pki.IssueOptions{Now: now.Add(-400 * 24 * time.Hour)}, false, "[ERROR] the agent's own certificate cannot be used", ""},
		{"not valid yet", pki.IssueOptions{Now: now.Add(48 * time.Hour)}, false, "is not valid until", ""},
		{"expires soon", pki.IssueOptions{Lifetime: 10 * 24 * time.Hour}, false, "[WARN]  the agent's own certificate expires soon", "cannot be used"},
		{"valid, key readable by others", pki.IssueOptions{}, true, "is readable by group or others (mode 0644): chmod 600 it", "certificate"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := pki.Identity{Kind: pki.KindAgent, ID: fmt.Sprintf("a%d", i), Organization: "default"}
			tc.opts.Identity = id
			if err := pki.Issue(dir, tc.opts); err != nil {
				t.Fatal(err)
			}
			cert, key := pki.PathsFor(dir, id)
			if tc.looseKey {
				if err := os.Chmod(key, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cfg, err := ParseConfig([]byte(fmt.Sprintf("agent {\n  id = %q\n  data_dir = %q\n  mediators = [\"127.0.0.1:1\"]\n  tls {\n    ca_file = %q\n    cert_file = %q\n    key_file = %q\n  }\n}\n",
				id.ID, t.TempDir(), filepath.Join(dir, "ca.pem"), cert, key)), "agent.hcl")
			if err != nil {
				t.Fatal(err)
			}
			logs := startLogged(t, cfg)
			waitLog(t, logs, tc.want)
			if tc.not != "" && strings.Contains(logs.String(), tc.not) {
				t.Fatalf("unexpected %q in the log:\n%s", tc.not, logs.String())
			}
		})
	}
}

// An agent refuses a data_dir that is a mediator's (marked, or by what it
// holds) and leaves it untouched.
func TestAgentRefusesMediatorDataDir(t *testing.T) {
	marked := t.TempDir()
	if err := datadir.Claim(marked, datadir.Mediator); err != nil {
		t.Fatal(err)
	}
	unmarked := t.TempDir()
	for _, d := range []string{"state", "deadletter"} {
		if err := os.Mkdir(filepath.Join(unmarked, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{marked, unmarked} {
		cfg, err := ParseConfig([]byte(fmt.Sprintf("agent {\n  data_dir = %q\n  mediators = [\"127.0.0.1:1\"]\n}\n", dir)), "agent.hcl")
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(cfg, Deps{})
		if err == nil || !strings.Contains(err.Error(), "is a mediator's data directory") {
			t.Fatalf("New in %s: %v", dir, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "spool")); err == nil {
			t.Fatalf("a spool was made in the mediator's %s", dir)
		}
	}
}
