package agent

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The HTTP endpoint is off by default; http, http_tls, read_token_file
// and http_hosts configure it as the mediator's API.
func TestHTTPConfig(t *testing.T) {
	cfg, err := ParseConfig([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n}\n"), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP != "" || cfg.HTTPTLS != nil || cfg.ReadTokenFile != "" || cfg.HTTPHosts != nil {
		t.Fatalf("HTTP endpoint on by default: %+v", cfg)
	}
	tokens := filepath.Join(t.TempDir(), "read.tokens")
	cfg, err = ParseConfig([]byte(`agent {
  mediators       = ["127.0.0.1:1"]
  http            = "0.0.0.0:7401"
  read_token_file = "`+tokens+`"
  http_hosts      = ["agent-01.example.com"]
  http_tls {
    cert_file = "/etc/sluice/http.crt"
    key_file  = "/etc/sluice/http.key"
  }
}
`), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP != "0.0.0.0:7401" || cfg.ReadTokenFile != tokens || !slices.Equal(cfg.HTTPHosts, []string{"agent-01.example.com"}) ||
		cfg.HTTPTLS == nil || cfg.HTTPTLS.Cert != "/etc/sluice/http.crt" || cfg.HTTPTLS.Key != "/etc/sluice/http.key" {
		t.Fatalf("cfg %+v", cfg)
	}
	var files []string
	for _, f := range cfg.Files {
		files = append(files, f.Setting)
	}
	for _, want := range []string{"http_tls cert_file", "http_tls key_file", "read_token_file"} {
		if !slices.Contains(files, want) {
			t.Errorf("Files %v lack %s (for sluice config validate)", files, want)
		}
	}
}

func TestHTTPConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"bad address", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  http = \"7401\"\n}\n", `agent.hcl:3:3: http: "7401": not host:port`},
		{"bad port", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  http = \"127.0.0.1:http\"\n}\n", `agent.hcl:3:3: http: "127.0.0.1:http": port "http" is not a number`},
		{"empty", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  http = \"\"\n}\n", `agent.hcl:3:3: http must not be empty`},
		{"token without http", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  read_token_file = \"/x\"\n}\n", `agent.hcl:3:3: read_token_file needs http`},
		{"hosts without http", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  http_hosts = [\"a\"]\n}\n", `agent.hcl:3:3: http_hosts needs http`},
		{"tls without http", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  http_tls {\n    cert_file = \"c\"\n    key_file = \"k\"\n  }\n}\n", `agent.hcl:3:3: http_tls needs http`},
		{"empty token file", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  http = \"127.0.0.1:7401\"\n  read_token_file = \" \"\n}\n", `agent.hcl:4:3: read_token_file must not be empty`},
		{"bad host name", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  http = \"127.0.0.1:7401\"\n  http_hosts = [\"http://x/\"]\n}\n", `agent.hcl:4:3: http_hosts:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.src), "agent.hcl")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// SLUICE_AGENT_HTTP overrides http, with the file's checks.
func TestHTTPEnvOverride(t *testing.T) {
	t.Setenv("SLUICE_AGENT_HTTP", "127.0.0.1:7409")
	cfg, err := ParseConfig([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n  http = \"127.0.0.1:7401\"\n}\n"), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP != "127.0.0.1:7409" {
		t.Fatalf("HTTP = %q", cfg.HTTP)
	}
	t.Setenv("SLUICE_AGENT_HTTP", "nohostport")
	_, err = ParseConfig([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n}\n"), "agent.hcl")
	if want := `SLUICE_AGENT_HTTP: http: "nohostport": not host:port`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

// A read token file that cannot be read stops the agent at New, naming
// the setting.
func TestHTTPBadTokenFile(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "missing.tokens")
	cfg, err := ParseConfig([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n  data_dir = \""+dir+"\"\n  http = \"127.0.0.1:0\"\n  read_token_file = \""+tokens+"\"\n}\n"), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tokens); err == nil {
		t.Fatal("token file exists")
	}
	if _, err := New(cfg, Deps{}); err == nil || !strings.Contains(err.Error(), "read_token_file") {
		t.Fatalf("New = %v", err)
	}
}
