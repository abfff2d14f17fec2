package mediator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/pkg/logging"
)

// PUT /v1/log/level needs the admin token and changes the level of the
// mediator's sub-loggers; GET needs a read token.
func TestLogLevelAPI(t *testing.T) {
	var buf logging.Buffer
	logs, err := logging.Open("mediator", logging.Config{}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	admin := writeTokenFile(t, apiAdminTok+"\n")
	read := writeTokenFile(t, apiAllTok+" *\n")
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n admin_token_file = %q\n read_token_file = %q\n}\n",
		t.TempDir(), admin, read)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: logs.Logger, Logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	startMediator(t, m)
	url := "http://" + m.HTTPAddr() + "/v1/log/level"
	do := func(method, token, body string) int {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
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
	if code := do(http.MethodPut, "", `{"level":"trace"}`); code != http.StatusUnauthorized {
		t.Errorf("PUT without a token: %d", code)
	}
	if code := do(http.MethodPut, apiAllTok, `{"level":"trace"}`); code != http.StatusForbidden {
		t.Errorf("PUT with a read token: %d", code)
	}
	if m.pipeline.logger.IsTrace() {
		t.Fatal("refused PUTs changed the level")
	}
	if code := do(http.MethodPut, apiAdminTok, `{"level":"trace"}`); code != http.StatusOK {
		t.Errorf("PUT with the admin token: %d", code)
	}
	if !m.pipeline.logger.IsTrace() || logs.Level() != "trace" {
		t.Errorf("after PUT trace: pipeline at trace %v, level %s", m.pipeline.logger.IsTrace(), logs.Level())
	}
	if code := do(http.MethodGet, apiAllTok, ""); code != http.StatusOK {
		t.Errorf("GET with a read token: %d", code)
	}
}
