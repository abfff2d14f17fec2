// Package zinc starts the Elasticsearch-API test server (ZincSearch, built
// by `make test-server` into bin/zincsearch) for tests that need a real
// server speaking the bulk and search APIs.
package zinc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// Credentials of the server's first admin user.
const (
	User     = "admin"
	Password = "Sluice-test-1"
)

// Server is a running ZincSearch.
type Server struct {
	// URL is the Elasticsearch-API base URL: http://127.0.0.1:PORT/es.
	URL string

	bin, dir string
	port     int
	cmd      *exec.Cmd
	log      *os.File
}

// Binary returns the path of bin/zincsearch at the repository root.
func Binary() string {
	if p := os.Getenv("SLUICE_ZINCSEARCH"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "bin", "zincsearch")
}

// Start runs a server with its data in a temporary directory and stops it
// when the test ends. Without the binary it skips loudly, or fails when
// SLUICE_REQUIRE_ZINCSEARCH is set (make test sets it, so CI cannot pass
// without the real server).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if _, err := os.Stat(bin); err != nil {
		msg := fmt.Sprintf("Elasticsearch-API test server not built (%v): run `make test-server`", err)
		if os.Getenv("SLUICE_REQUIRE_ZINCSEARCH") != "" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPING: " + msg)
	}
	port := testkit.FreePort(t)
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d/es", port), bin: bin, port: port, dir: t.TempDir()}
	t.Cleanup(s.Stop)
	s.Restart(t)
	return s
}

// Stop kills the server (kill -9: an outage, not a shutdown).
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
	s.log.Close()
}

// Restart starts the server again on the same port and data (after Stop),
// and waits until it answers.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	cmd := exec.Command(s.bin)
	cmd.Env = append(os.Environ(), Env(filepath.Join(s.dir, "data"), s.port)...)
	logf, err := os.OpenFile(filepath.Join(s.dir, "zincsearch.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", s.bin, err)
	}
	s.cmd, s.log = cmd, logf
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _, err := s.Do(http.MethodGet, "/", nil); err == nil && code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logf.Name())
			t.Fatalf("zincsearch did not answer within 30s; its log:\n%s", log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Env is the environment that runs the server on 127.0.0.1:port with its
// data in dir and the User/Password admin, offline (no telemetry).
func Env(dir string, port int) []string {
	return []string{
		"ZINC_DATA_PATH=" + dir,
		"ZINC_SERVER_ADDRESS=127.0.0.1",
		"ZINC_SERVER_PORT=" + strconv.Itoa(port),
		"ZINC_FIRST_ADMIN_USER=" + User,
		"ZINC_FIRST_ADMIN_PASSWORD=" + Password,
		"ZINC_TELEMETRY=false",
		"ZINC_SENTRY=false",
		"ZINC_PROMETHEUS_ENABLE=false",
		"GIN_MODE=release",
	}
}

// Do sends an authenticated request with a JSON body (nil for none) to
// path under URL and returns the status and body.
func (s *Server) Do(method, path string, body any) (int, []byte, error) {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.SetBasicAuth(User, Password)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(res.Body)
	return res.StatusCode, buf.Bytes(), err
}

// Total returns how many documents of the indices matching pattern match
// the query (a query DSL object; nil for all). ZincSearch indexes
// asynchronously, so tests poll it.
func (s *Server) Total(pattern string, query any) (int64, error) {
	if query == nil {
		query = map[string]any{"match_all": map[string]any{}}
	}
	code, body, err := s.Do(http.MethodPost, "/"+pattern+"/_search", map[string]any{"size": 0, "track_total_hits": true, "query": query})
	if err != nil {
		return 0, err
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("search %s: HTTP %d: %s", pattern, code, body)
	}
	var r struct {
		Hits struct {
			Total struct {
				Value int64 `json:"value"`
			} `json:"total"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, err
	}
	return r.Hits.Total.Value, nil
}

// WaitTotal polls Total until it equals want or timeout passes, and
// returns the last total seen.
func (s *Server) WaitTotal(t testing.TB, pattern string, query any, want int64, timeout time.Duration) int64 {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last int64 = -1
	for {
		n, err := s.Total(pattern, query)
		if err == nil {
			last = n
			if n == want {
				return n
			}
		}
		if time.Now().After(deadline) {
			return last
		}
		time.Sleep(200 * time.Millisecond)
	}
}
