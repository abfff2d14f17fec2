package mpe

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/backoff"
)

// hookServer records requests and answers with the statuses it is given,
// in turn (the last one repeats).
type hookServer struct {
	*httptest.Server
	mu       sync.Mutex
	bodies   []string
	headers  []http.Header
	statuses []int
	calls    atomic.Int32
	delay    time.Duration
}

func newHookServer(t *testing.T, statuses ...int) *hookServer {
	h := &hookServer{statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(h.calls.Add(1)) - 1
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(body))
		h.headers = append(h.headers, r.Header.Clone())
		h.mu.Unlock()
		if h.delay > 0 {
			time.Sleep(h.delay)
		}
		w.WriteHeader(h.statuses[min(n, len(h.statuses)-1)])
	}))
	t.Cleanup(h.Close)
	return h
}

func webhookRules(url string) string {
	return `log_source_type "auth" {}
rule "accepted" {
  log_source_types = ["auth"]
  pattern          = "Accepted <method> for <login> from <sip> port <sport>"
  classification   = "Authentication Success"
  risk             = 3
}
event_rule "notify" {
  when = "event.login == \"root\""
  webhook {
    url     = "` + url + `/hook?token=${env.SLUICE_TEST_HOOK_QUERY}"
    headers = { Authorization = "Bearer ${env.SLUICE_TEST_HOOK_TOKEN}", "X-Host" = "${event.host.hostname}" }
    payload = {
      text     = "root logon on ${event.host.hostname} from ${event.source.ip}"
      priority = "${event.priority}"
      port     = "${event.sport}"
      tags     = ["ssh", "${event.login}"]
      urgent   = true
      missing  = "${event.log.syslog.msgid}"
    }
    timeout = "300ms"
    retries = 2
  }
  test {
    log             = "Mar 10 11:59:58 web1 sshd[9]: Accepted password for root from 192.0.2.5 port 22 ssh2"
    log_source_type = "auth"
    webhook         = true
  }
}
`
}

func startRunner(t *testing.T, cfg WebhookConfig) (*WebhookRunner, func()) {
	t.Helper()
	w := NewWebhookRunner(cfg)
	stop := testkit.Run(t, w.Run)
	return w, func() { _ = stop() }
}

func TestWebhookSendsTemplatedPayload(t *testing.T) {
	t.Setenv("SLUICE_TEST_HOOK_TOKEN", "s3cr3t-token")
	t.Setenv("SLUICE_TEST_HOOK_QUERY", "q-secret")
	srv := newHookServer(t, http.StatusOK)
	var logs bytes.Buffer
	runner, stop := startRunner(t, WebhookConfig{Logger: hclog.New(&hclog.LoggerOptions{Output: &logs})})
	defer stop()
	rs, err := loadBytesWith("hook.hcl", []byte(webhookRules(srv.URL)), LoadOptions{Webhooks: runner})
	if err != nil {
		t.Fatal(err)
	}
	// Tests do not call webhooks.
	if rep := rs.RunTests(); rep.Failed != 0 || srv.calls.Load() != 0 {
		t.Fatalf("tests: %+v; server calls %d", rep, srv.calls.Load())
	}
	start := time.Now()
	out := rs.Process(&Entry{Raw: []byte("Mar 10 11:59:58 web1 sshd[9]: Accepted password for root from 192.0.2.5 port 22 ssh2"), LogSourceType: "auth", Collected: collectedAt}, nil)
	if time.Since(start) > 100*time.Millisecond {
		t.Errorf("Process waited for the webhook")
	}
	if len(out) != 1 {
		t.Fatalf("%d events", len(out))
	}
	testkit.Eventually(t, 5*time.Second, "the webhook call", func() bool { return runner.Stats().Sent == 1 })
	srv.mu.Lock()
	defer srv.mu.Unlock()
	var body map[string]any
	if err := json.Unmarshal([]byte(srv.bodies[0]), &body); err != nil {
		t.Fatalf("payload %q: %v", srv.bodies[0], err)
	}
	want := map[string]any{
		"text": "root logon on web1 from 192.0.2.5", "priority": float64(23), "port": float64(22),
		"tags": []any{"ssh", "root"}, "urgent": true, "missing": nil,
	}
	for k, v := range want {
		if got, _ := json.Marshal(body[k]); string(got) != mustJSON(v) {
			t.Errorf("payload %s = %s, want %s", k, got, mustJSON(v))
		}
	}
	h := srv.headers[0]
	if h.Get("Authorization") != "Bearer s3cr3t-token" || h.Get("X-Host") != "web1" || h.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", h)
	}
	if strings.Contains(logs.String(), "s3cr3t") || strings.Contains(logs.String(), "q-secret") {
		t.Errorf("a secret was logged: %s", logs.String())
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// loadBytesWith is LoadBytes with options.
func loadBytesWith(name string, src []byte, opts LoadOptions) (*RuleSet, error) {
	l := newLoader(opts)
	l.addFile(name, src)
	return l.finish()
}

func fastBackoff() backoff.Policy {
	return backoff.Policy{Base: time.Millisecond, Max: 5 * time.Millisecond}
}

func TestWebhookRetriesAndFailures(t *testing.T) {
	t.Setenv("SLUICE_TEST_HOOK_TOKEN", "s3cr3t-token")
	rootLine := &Entry{Raw: []byte("Mar 10 11:59:58 web1 sshd[9]: Accepted password for root from 192.0.2.5 port 22 ssh2"), LogSourceType: "auth"}

	t.Run("5xx is retried", func(t *testing.T) {
		srv := newHookServer(t, 503, 500, 200)
		runner, stop := startRunner(t, WebhookConfig{Backoff: fastBackoff()})
		defer stop()
		rs, err := loadBytesWith("hook.hcl", []byte(webhookRules(srv.URL)), LoadOptions{Webhooks: runner})
		if err != nil {
			t.Fatal(err)
		}
		rs.Process(rootLine, nil)
		testkit.Eventually(t, 5*time.Second, "a sent call", func() bool { return runner.Stats().Sent == 1 })
		if st := runner.Stats(); st.Retries != 2 || st.Failed != 0 || srv.calls.Load() != 3 {
			t.Errorf("stats %+v, calls %d", st, srv.calls.Load())
		}
	})

	t.Run("gives up after its retries", func(t *testing.T) {
		srv := newHookServer(t, 500)
		var logs bytes.Buffer
		runner, stop := startRunner(t, WebhookConfig{Backoff: fastBackoff(), Logger: hclog.New(&hclog.LoggerOptions{Output: &logs})})
		defer stop()
		rs, err := loadBytesWith("hook.hcl", []byte(webhookRules(srv.URL)), LoadOptions{Webhooks: runner})
		if err != nil {
			t.Fatal(err)
		}
		rs.Process(rootLine, nil)
		testkit.Eventually(t, 5*time.Second, "a failed call", func() bool { return runner.Stats().Failed == 1 })
		if srv.calls.Load() != 3 {
			t.Errorf("%d attempts, want 3 (1 + retries = 2)", srv.calls.Load())
		}
		if !strings.Contains(logs.String(), "webhook call failed") || !strings.Contains(logs.String(), `event_rule=notify`) {
			t.Errorf("log: %s", logs.String())
		}
		if strings.Contains(logs.String(), "s3cr3t") || strings.Contains(logs.String(), "/hook") {
			t.Errorf("log holds the token or the URL's path: %s", logs.String())
		}
	})

	t.Run("4xx is not retried", func(t *testing.T) {
		srv := newHookServer(t, 404)
		runner, stop := startRunner(t, WebhookConfig{Backoff: fastBackoff()})
		defer stop()
		rs, err := loadBytesWith("hook.hcl", []byte(webhookRules(srv.URL)), LoadOptions{Webhooks: runner})
		if err != nil {
			t.Fatal(err)
		}
		rs.Process(rootLine, nil)
		testkit.Eventually(t, 5*time.Second, "a failed call", func() bool { return runner.Stats().Failed == 1 })
		if srv.calls.Load() != 1 {
			t.Errorf("%d attempts of a 404", srv.calls.Load())
		}
	})

	t.Run("timeout", func(t *testing.T) {
		srv := newHookServer(t, 200)
		srv.delay = time.Second
		runner, stop := startRunner(t, WebhookConfig{Backoff: fastBackoff()})
		defer stop()
		rs, err := loadBytesWith("hook.hcl", []byte(webhookRules(srv.URL)), LoadOptions{Webhooks: runner})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rs.Process(rootLine, nil)
		testkit.Eventually(t, 5*time.Second, "a failed call", func() bool { return runner.Stats().Failed == 1 })
		// Three attempts of 300ms each, not three seconds.
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %v", d)
		}
	})
}

func TestWebhookQueueFullAndShutdown(t *testing.T) {
	srv := newHookServer(t, 200)
	srv.delay = 200 * time.Millisecond
	runner := NewWebhookRunner(WebhookConfig{Queue: 2, Workers: 1})
	rs, err := loadBytesWith("hook.hcl", []byte(webhookRules(srv.URL)), LoadOptions{Webhooks: runner})
	if err != nil {
		t.Fatal(err)
	}
	line := &Entry{Raw: []byte("Mar 10 11:59:58 web1 sshd[9]: Accepted password for root from 192.0.2.5 port 22 ssh2"), LogSourceType: "auth"}
	// Not running yet: two fit in the queue, the rest are dropped at once.
	start := time.Now()
	for range 5 {
		rs.Process(line, nil)
	}
	if time.Since(start) > 100*time.Millisecond {
		t.Errorf("a full queue blocked Process")
	}
	if st := runner.Stats(); st.Queued != 2 || st.Dropped != 3 || st.Pending != 2 {
		t.Errorf("stats %+v", st)
	}
	if rs.Totals().Webhooks != 5 {
		t.Errorf("totals %+v", rs.Totals())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = runner.Run(ctx); close(done) }()
	testkit.Eventually(t, 5*time.Second, "the first call in flight", func() bool { return srv.calls.Load() == 1 })
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	// The call in flight completed; the one still queued is counted.
	if st := runner.Stats(); st.Sent != 1 || st.Dropped != 4 || st.Pending != 0 {
		t.Errorf("after shutdown: %+v", st)
	}
}

func TestWebhookWithoutRunner(t *testing.T) {
	srv := newHookServer(t, 200)
	rs, err := LoadBytes("hook.hcl", []byte(webhookRules(srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	out := rs.Process(&Entry{Raw: []byte("Mar 10 11:59:58 web1 sshd[9]: Accepted password for root from 192.0.2.5 port 22 ssh2"), LogSourceType: "auth"}, nil)
	if len(out) != 1 || srv.calls.Load() != 0 {
		t.Errorf("%d events, %d calls", len(out), srv.calls.Load())
	}
}
