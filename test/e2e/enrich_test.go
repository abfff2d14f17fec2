package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/hostinfo"
)

// The agent's facts reach its events over real gRPC: agent.* on every
// event, host.* from the agent's host on the lines of a local source
// whose log does not name its host, never on a line whose log does, nor
// on a forwarded (syslog) source's. The pipeline parses what the
// mediator's state stored, so the facts came with the stored batches (as
// they do after a restart), not from the live session.
func TestAgentAndHostFields(t *testing.T) {
	dir := t.TempDir()
	authPath, accessPath := filepath.Join(dir, "auth.log"), filepath.Join(dir, "access.log")
	appendLines(t, authPath, 0, 3)
	access := `192.0.2.10 - - [20/Nov/2026:08:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0"` + "\n"
	if err := os.WriteFile(accessPath, []byte(access), 0o644); err != nil {
		t.Fatal(err)
	}
	sysAddr := testkit.FreeAddr(t)
	m, md := startMediator(t, filepath.Join(dir, "mediator"), "127.0.0.1:0")
	cfg := agentConfig(t, filepath.Join(dir, "agent"), m.Addr(), `hostname = "edge-host"`, fileSource(authPath)+fmt.Sprintf(`
source "file" "access" {
  paths           = [%q]
  log_source_type = "apache-access"
  poll_interval   = "20ms"
}
source "syslog" "net" {
  log_source_type = "syslog"
  listen          = "tcp://%s"
}
`, accessPath, sysAddr))
	a, err := agent.New(cfg, agent.Deps{Logger: logger("agent"), Version: "9.8.7"})
	if err != nil {
		t.Fatal(err)
	}
	ad := start(t, a.Run)
	var c net.Conn
	testkit.Eventually(t, 10*time.Second, "syslog listening", func() bool {
		c, err = net.Dial("tcp", sysAddr)
		return err == nil
	})
	if _, err := io.WriteString(c, "<13>no header here\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	waitCount(t, m.Index(), 5)

	host := hostinfo.Collect()
	check := func(when string) {
		t.Helper()
		docs := map[string]map[string]any{}
		for _, src := range []string{"auth", "access", "net"} {
			got, err := m.Index().Search(context.Background(), indexer.SearchRequest{Query: "sluice.log_source:" + src, Limit: 10})
			if err != nil || len(got) == 0 {
				t.Fatalf("%s: source %s: %d events, %v", when, src, len(got), err)
			}
			var d map[string]any
			if err := json.Unmarshal(got[0], &d); err != nil {
				t.Fatal(err)
			}
			docs[src] = d
		}
		for src, d := range docs {
			for k, want := range map[string]any{"agent.id": "e2e-agent", "agent.name": "e2e-agent", "agent.type": "sluice", "agent.version": "9.8.7"} {
				if got := path(d, k); got != want {
					t.Errorf("%s: %s: %s = %v, want %v", when, src, k, got, want)
				}
			}
		}
		// The auth log names its host (host-N in the syslog header).
		if h := path(docs["auth"], "host.hostname"); h == "edge-host" || h == nil || path(docs["auth"], "host.ip") != nil {
			t.Errorf("%s: auth: host.hostname %v, host.ip %v", when, h, path(docs["auth"], "host.ip"))
		}
		// The access log does not: the agent's host.
		acc := docs["access"]
		if path(acc, "host.name") != "edge-host" || path(acc, "host.hostname") != "edge-host" || path(acc, "host.os.type") != host.OS.Type || path(acc, "host.architecture") != host.Architecture {
			t.Errorf("%s: access: host %v", when, acc["host"])
		}
		if len(host.IPs) > 0 && fmt.Sprint(path(acc, "host.ip")) != fmt.Sprint(host.IPs) {
			t.Errorf("%s: access: host.ip %v, want %v", when, path(acc, "host.ip"), host.IPs)
		}
		// Syslog is forwarded: never the agent's host.
		if h := path(docs["net"], "host.name"); h != nil {
			t.Errorf("%s: syslog: host.name %v", when, h)
		}
		if h := path(docs["net"], "host.hostname"); h == "edge-host" {
			t.Errorf("%s: syslog: host.hostname %v", when, h)
		}
	}
	check("parsed")
	ad.stop(t)
	md.stop(t)
}

// path reads a dotted path of a decoded document (nested or flat).
func path(doc map[string]any, p string) any {
	if v, ok := doc[p]; ok {
		return v
	}
	var cur any = doc
	start := 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '.' {
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if v, ok := m[p[start:i]]; ok {
			cur, start = v, i+1
			continue
		}
		// A flattened rest ("os.type" under "host").
		if v, ok := m[p[start:]]; ok {
			return v
		}
		return nil
	}
	if l, ok := cur.([]any); ok {
		out := make([]string, len(l))
		for i, v := range l {
			out[i] = fmt.Sprint(v)
		}
		return fmt.Sprint(out)
	}
	return cur
}
