package agent

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/logging"
)

// On a network address without http_tls or read_token_file the agent
// warns, as the mediator does for its API.
func TestHTTPNetworkAddressWarns(t *testing.T) {
	cfg, err := ParseConfig([]byte(fmt.Sprintf("agent {\n  id = \"a1\"\n  data_dir = %q\n  mediators = [\"127.0.0.1:1\"]\n  http = \"0.0.0.0:0\"\n}\n", t.TempDir())), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := startLogged(t, cfg)
	waitLog(t, logs, "[WARN]  the agent's HTTP endpoint (metrics, status) is served over plaintext HTTP on a network address; configure http_tls")
	waitLog(t, logs, "[WARN]  no read_token_file: /metrics and /v1/status answer loopback callers only")
}

// With http_tls the endpoint serves HTTPS with that certificate.
func TestHTTPTLS(t *testing.T) {
	_, files := testPKI(t)
	cfg, err := ParseConfig([]byte(fmt.Sprintf("agent {\n  id = \"a1\"\n  data_dir = %q\n  mediators = [\"127.0.0.1:1\"]\n  http = \"127.0.0.1:0\"\n  http_tls {\n    cert_file = %q\n    key_file = %q\n  }\n}\n",
		t.TempDir(), files.Cert, files.Key)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logging.Buffer{}
	a, err := New(cfg, Deps{Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Debug})})
	if err != nil {
		t.Fatal(err)
	}
	runStarted(t, a)
	caPEM, err := os.ReadFile(files.CA)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + a.HTTPAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics over TLS: %s", resp.Status)
	}
	if resp, err := http.Get("http://" + a.HTTPAddr() + "/healthz"); err == nil {
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP answered 200 on the HTTPS endpoint")
		}
	}
}

// runStarted runs a until the test ends, then checks that it stopped
// cleanly.
func runStarted(t *testing.T, a *Agent) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("agent did not stop")
		}
	})
}
