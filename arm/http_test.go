package arm

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// seedGrid makes a grid: dp-01 green, web-01 red, db-01 yellow (org
// globex, via dp-02), app-01 green, and an agent named like dp-01.
func seedGrid(t *testing.T, a *ARM, clock *fakeClock) {
	t.Helper()
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", clock.Now()))
	clock.Advance(10 * time.Minute)
	a.check()
	report(t, a, "dp-02", 0, agentHB("db-01", "globex", "dp-02", clock.Now()))
	clock.Advance(11 * time.Minute)
	report(t, a, "dp-01", 0, agentHB("app-01", "acme", "dp-01", clock.Now()), agentHB("dp-01", "acme", "dp-01", clock.Now()))
	a.check()
}

func getJSON(t *testing.T, url string, wantCode int, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantCode {
		t.Fatalf("GET %s: %d %s, want %d", url, resp.StatusCode, body, wantCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: content type %q", url, ct)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: %v: %s", url, err, body)
		}
	}
}

func TestHTTPAPI(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	seedGrid(t, a, clock)
	base := "http://" + a.HTTPAddr()

	ids := func(l ListResponse) string {
		var s []string
		for _, c := range l.Heartbeats {
			s = append(s, c.Kind.short()+":"+c.ID+"="+string(c.Status))
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct{ query, want string }{
		// dp-02 reported once, 11 minutes ago: red (two 5m intervals).
		{"", "m:dp-02=red a:web-01=red a:db-01=yellow m:dp-01=green a:app-01=green a:dp-01=green"},
		{"?status=red", "m:dp-02=red a:web-01=red"},
		{"?status=red,yellow&kind=agent", "a:web-01=red a:db-01=yellow"},
		{"?status=yellow&status=green", "a:db-01=yellow m:dp-01=green a:app-01=green a:dp-01=green"},
		{"?kind=mediator", "m:dp-02=red m:dp-01=green"},
		{"?organization=globex", "a:db-01=yellow"},
		{"?mediator=dp-02", "m:dp-02=red a:db-01=yellow"},
		{"?organization=nobody", ""},
	} {
		var l ListResponse
		getJSON(t, base+"/v1/heartbeats"+tc.query, http.StatusOK, &l)
		if got := ids(l); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.query, got, tc.want)
		}
		if tc.query == "?status=red" && (l.Counts[StatusRed] != 2 || l.Counts[StatusGreen] != 0) {
			t.Errorf("counts %v", l.Counts)
		}
	}
	getJSON(t, base+"/v1/heartbeats?status=purple", http.StatusBadRequest, nil)
	getJSON(t, base+"/v1/heartbeats?kind=toaster", http.StatusBadRequest, nil)

	// The JSON has the fields the acceptance checks use.
	var raw struct {
		Heartbeats []map[string]any `json:"heartbeats"`
	}
	getJSON(t, base+"/v1/heartbeats?status=red&kind=agent", http.StatusOK, &raw)
	web := raw.Heartbeats[0]
	for k, want := range map[string]any{"id": "web-01", "kind": "agent", "host": "web-01.example.net", "organization": "acme", "status": "red", "last_mediator": "dp-01"} {
		if web[k] != want {
			t.Errorf("%s = %#v, want %#v", k, web[k], want)
		}
	}
	if ts, _ := web["last_heartbeat"].(string); ts != t0.Format(time.RFC3339) {
		t.Errorf("last_heartbeat %q", ts)
	}

	// One component, with its history.
	var c Component
	getJSON(t, base+"/v1/heartbeats/web-01", http.StatusOK, &c)
	if c.ID != "web-01" || len(c.History) != 3 || c.History[1].To != StatusYellow || c.History[2].To != StatusRed || c.History[2].From != StatusYellow {
		t.Fatalf("web-01: %+v", c)
	}
	getJSON(t, base+"/v1/heartbeats/nope", http.StatusNotFound, nil)
	getJSON(t, base+"/v1/heartbeats/dp-01", http.StatusConflict, nil)
	getJSON(t, base+"/v1/heartbeats/dp-01?kind=mediator", http.StatusOK, &c)
	if c.Kind != KindMediator {
		t.Fatalf("kind %s", c.Kind)
	}

	var st StatusResponse
	getJSON(t, base+"/v1/status", http.StatusOK, &st)
	if st.ID != "arm-test" || st.Components != 6 || st.Counts[StatusRed] != 2 || st.Reports != 3 || st.OutboxDepth == 0 {
		t.Fatalf("status %+v", st)
	}

	// Forget a decommissioned agent.
	req, _ := http.NewRequest(http.MethodDelete, base+"/v1/heartbeats/web-01", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d", resp.StatusCode)
	}
	getJSON(t, base+"/v1/heartbeats/web-01", http.StatusNotFound, nil)
}

func (k Kind) short() string { return string(k[:1]) }

func TestPageIsSelfContained(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	resp, err := http.Get("http://" + a.HTTPAddr() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"Last Data Processor", "Last Heartbeat", "setInterval(load, REFRESH_MS)", "REFRESH_MS = 30000", `id="filter"`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	// No external assets: nothing loaded from another origin.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).Find(body); m != nil {
		t.Errorf("page loads an external asset: %s", m)
	}
	if bytes.Contains(body, []byte("@import")) || bytes.Contains(body, []byte("url(")) {
		t.Error("page style loads something")
	}
	// Unknown paths are 404, not the page.
	resp2, err := http.Get("http://" + a.HTTPAddr() + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusNotFound {
		t.Fatalf("favicon: %d", resp2.StatusCode)
	}
}

func TestClientAndTable(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	seedGrid(t, a, clock)

	c := NewClient(a.HTTPAddr())
	l, err := c.List(t.Context(), Filter{Statuses: []Status{StatusRed}, Kinds: []Kind{KindAgent}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Heartbeats) != 1 || l.Heartbeats[0].ID != "web-01" {
		t.Fatalf("%+v", l.Heartbeats)
	}
	var buf bytes.Buffer
	all, err := c.List(t.Context(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteTable(&buf, all.Heartbeats, all.Time); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("table:\n%s", buf.String())
	}
	// Columns line up: STATUS starts at the same offset on every line.
	col := strings.Index(lines[0], "STATUS")
	for _, l := range lines[1:] {
		if f := strings.Fields(l[col:])[0]; f != "RED" && f != "YELLOW" && f != "GREEN" {
			t.Fatalf("misaligned table:\n%s", buf.String())
		}
	}
	if !strings.Contains(buf.String(), "21m00s ago") || !strings.Contains(lines[2], "web-01") || !strings.Contains(lines[2], "dp-01") {
		t.Fatalf("table:\n%s", buf.String())
	}
	if _, err := c.Get(t.Context(), "nope", ""); err == nil || !strings.Contains(err.Error(), `no component "nope"`) {
		t.Fatalf("want not found, got %v", err)
	}
	if _, err := NewClient("127.0.0.1:1").List(t.Context(), Filter{}); err == nil || !strings.Contains(err.Error(), "cannot reach ARM") {
		t.Fatalf("want unreachable, got %v", err)
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                    "0s",
		45 * time.Second:                "45s",
		12*time.Minute + 30*time.Second: "12m30s",
		3*time.Hour + 5*time.Minute:     "3h05m",
		52 * time.Hour:                  "2d04h",
	} {
		if got := Age(d); got != want {
			t.Errorf("Age(%s) = %q, want %q", d, got, want)
		}
	}
}
