package arm

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
)

// PUT /v1/log/level needs the admin token; GET a read token.
func TestLogLevelAPI(t *testing.T) {
	var buf logging.Buffer
	logs, err := logging.Open("arm", logging.Config{}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	cfg.AdminTokenFile = writeToken(t, testToken)
	p := filepath.Join(t.TempDir(), "read.tokens")
	if err := os.WriteFile(p, []byte(readAllToken+" *\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.ReadTokenFile = p
	a, err := New(cfg, Deps{Logger: logs.Logger, Logs: logs, Version: "test", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, a.Run)
	url := "http://" + a.HTTPAddr() + "/v1/log/level"
	put := func(token, body string) int {
		req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := put("", `{"level":"debug"}`); code != http.StatusUnauthorized {
		t.Errorf("PUT without a token: %d", code)
	}
	if code := put(readAllToken, `{"level":"debug"}`); code != http.StatusForbidden {
		t.Errorf("PUT with a read token: %d", code)
	}
	if logs.Level() != "info" {
		t.Fatalf("refused PUTs changed the level to %s", logs.Level())
	}
	if code := put(testToken, `{"level":"debug"}`); code != http.StatusOK || logs.Level() != "debug" {
		t.Errorf("PUT with the admin token: %d, level %s", code, logs.Level())
	}
	if code, body := call(t, http.MethodGet, url, readAllToken, nil); code != http.StatusOK || !strings.Contains(body, `"level":"debug"`) {
		t.Errorf("GET: %d %s", code, body)
	}
}
