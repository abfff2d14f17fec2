package agent

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// A syslog source in the config is built and run by the agent: what it
// receives lands in the agent's spool, and the agent stops on cancel.
func TestAgentRunsSyslogSource(t *testing.T) {
	addr := testkit.FreeAddr(t)
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "a1"
  data_dir  = %q
  mediators = ["127.0.0.1:1"]
}
source "syslog" "net" {
  log_source_type = "syslog"
  listen          = "tcp://%s"
}
`, t.TempDir(), addr)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a := runAgent(t, cfg)

	var c net.Conn
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "<13>hello agent\n"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); a.Spool().Depth() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("line not spooled")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st := a.SyslogStats()["net"]; st.Committed != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// A webhook source in the config is built and run by the agent: a POST
// with a configured token is answered 200 once its lines are in the spool.
func TestAgentRunsWebhookSource(t *testing.T) {
	addr := testkit.FreeAddr(t)
	const token = "0123456789abcdef0123"
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "a1"
  data_dir  = %q
  mediators = ["127.0.0.1:1"]
}
source "webhook" "hook" {
  log_source_type = "webhook"
  listen          = %q
  tokens          = [%q]
}
`, t.TempDir(), addr, token)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a := runAgent(t, cfg)
	post := func(tok string) *http.Response {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/logs", strings.NewReader("one\ntwo\n"))
			req.Header.Set("Content-Type", "text/plain")
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				_ = resp.Body.Close()
				return resp
			}
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if resp := post("wrong-token-wrong-token"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %s, want 401", resp.Status)
	}
	if resp := post(token); resp.StatusCode != http.StatusOK {
		t.Fatalf("POST: %s, want 200", resp.Status)
	}
	if d := a.Spool().Depth(); d != 2 {
		t.Fatalf("spool holds %d entries after a 200 for 2 lines", d)
	}
}

// runAgent runs an agent of cfg until the test ends, then checks that it
// stopped cleanly.
func runAgent(t *testing.T, cfg *Config) *Agent {
	t.Helper()
	a, err := New(cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, a.Run)
	return a
}
