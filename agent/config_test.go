package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/pkg/pki"
)

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte(`
agent {
  id        = "web-01"
  mediators = ["127.0.0.1:7400", "127.0.0.1:7401"]
  insecure  = true
}
source "file" "auth" {
  paths           = ["/var/log/auth.log*"]
  log_source_type = "linux-auth"
}
`), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ID != "web-01" || cfg.DataDir != DefaultDataDir || len(cfg.Mediators) != 2 || !cfg.Insecure {
		t.Fatalf("cfg %+v", cfg)
	}
	if cfg.HeartbeatInterval != 30*time.Second || cfg.FailbackDelay != time.Hour || cfg.LoadBalanceDelay != 4320*time.Minute {
		t.Fatalf("timers %+v", cfg)
	}
	if cfg.MaxLineBytes != 64<<10 || cfg.Organization != "default" {
		t.Fatalf("limits %+v", cfg)
	}
	if cfg.Compression != "s2" {
		t.Fatalf("compression %q, want s2 by default", cfg.Compression)
	}
	if len(cfg.Sources) != 1 || cfg.Sources[0].ID != "auth" || cfg.Sources[0].PollInterval != DefaultPollInterval || cfg.Sources[0].MaxLineBytes != 64<<10 {
		t.Fatalf("sources %+v", cfg.Sources)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // expected "file:line:col: message" substring
	}{
		{"unknown block", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsorce \"file\" \"x\" {}\n", `agent.hcl:4:1: Unsupported block type`},
		{"unknown attribute", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  colour = 1\n}\n", `agent.hcl:3:3: Unsupported argument`},
		{"wrong type", "agent {\n  mediators = \"127.0.0.1:1\"\n}\n", `agent.hcl:2:`},
		{"missing required", "agent {\n  id = \"x\"\n}\n", `agent.hcl:1:7: Missing required argument`},
		{"bad duration", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  heartbeat_interval = \"soon\"\n}\n", `agent.hcl:3:3: heartbeat_interval: "soon" is not a duration`},
		{"too short heartbeat", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  heartbeat_interval = \"10ms\"\n}\n", `agent.hcl:3:3: heartbeat_interval must be at least 1s`},
		{"failback out of range", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  failback_delay = 5000\n}\n", `agent.hcl:3:3: failback_delay must be 0 (disabled) or between 1 and 3600 minutes, not 5000`},
		{"load balance out of range", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  load_balance_delay = 30\n}\n", `agent.hcl:3:3: load_balance_delay must be 0 (disabled) or between 60 and 10080 minutes, not 30`},
		{"empty mediators", "agent {\n  mediators = []\n}\n", `agent.hcl:2:3: mediators must list at least one`},
		{"duplicate mediator", "agent {\n  mediators = [\"127.0.0.1:1\", \"127.0.0.1:1\"]\n}\n", `agent.hcl:2:3: mediators: "127.0.0.1:1" is listed twice`},
		{"bad address", "agent {\n  mediators = [\"nohostport\"]\n}\n", `agent.hcl:2:3: mediators: "nohostport": not host:port`},
		{"unresolvable", "agent {\n  mediators = [\"no-such-host.invalid:7400\"]\n}\n", `agent.hcl:2:3: mediators: "no-such-host.invalid:7400": host "no-such-host.invalid" does not resolve`},
		{"unknown source kind", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"carrier-pigeon\" \"x\" {\n  log_source_type = \"t\"\n}\n", `agent.hcl:4:8: unknown source kind "carrier-pigeon" (supported: file, syslog, webhook, journald)`},
		{"file source without paths", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  log_source_type = \"t\"\n}\n", `agent.hcl:4:1: file source "x" needs paths`},
		{"bad glob", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/var/[log\"]\n  log_source_type = \"t\"\n}\n", `agent.hcl:5:3: bad glob`},
		{"duplicate source", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n}\nsource \"file\" \"x\" {\n  paths = [\"/b\"]\n  log_source_type = \"t\"\n}\n", `agent.hcl:8:1: source "x" is defined twice`},
		{"syntax error", "agent {\n  mediators = [\"127.0.0.1:1\"\n}\n", `agent.hcl:3:1: Missing item separator`},
		{"missing agent block", "source \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n}\n", `agent.hcl:1:1: missing "agent" block`},
		{"max_line_bytes range", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  max_line_bytes = 10\n}\n", `agent.hcl:3:3: max_line_bytes must be between 256`},
		{"max_spool_bytes too large", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  max_spool_bytes = \"32TiB\"\n}\n", `agent.hcl:3:3: max_spool_bytes must be at most 16TiB`},
		{"memory_limit too small", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  memory_limit = \"1MiB\"\n}\n", `agent.hcl:3:3: memory_limit must be 0 (no limit) or between 16MiB and 1TiB`},
		{"min_free_disk too large", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  min_free_disk = \"2048GiB\"\n}\n", `agent.hcl:3:3: min_free_disk must be at most 1TiB`},
		{"unknown compression", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  compression = \"lz4\"\n}\n", `agent.hcl:3:3: compression "lz4": must be one of zstd, s2, gzip, none`},
		{"window over the mediator's stream buffer", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  window = 65\n}\n", `agent.hcl:3:3: window must be between 1 and 64, not 65: a mediator buffers 64 batches per stream`},
		{"start_at", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n  start_at = \"middle\"\n}\n", `agent.hcl:7:3: start_at must be "beginning" or "end"`},
		{"journald bad priority", journaldSrc(`priority = "loud"`), `agent.hcl:6:3: priority "loud": want one of emerg`},
		{"journald bad match", journaldSrc(`match = { unit = "x" }`), `agent.hcl:6:3: match: "unit" is not a journal field name`},
		{"journald with paths", journaldSrc(`paths = ["/a"]`), `agent.hcl:6:3: paths does not apply to journald sources`},
		{"journald with listen", journaldSrc(`listen = "udp://0.0.0.0:514"`), `agent.hcl:6:3: listen does not apply to journald sources`},
		{"units on a file source", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n  units = [\"ssh.service\"]\n}\n", `agent.hcl:7:3: units does not apply to file sources`},
		{"syslog without listen", syslogSrc(``), `agent.hcl:4:1: syslog source "x" needs listen`},
		{"syslog bad listen scheme", syslogSrc(`listen = "ftp://0.0.0.0:514"`), `agent.hcl:6:3: listen "ftp://0.0.0.0:514": scheme "ftp" is not udp, tcp or tls`},
		{"syslog listen without scheme", syslogSrc(`listen = "0.0.0.0:514"`), `agent.hcl:6:3: listen "0.0.0.0:514" must be udp://host:port`},
		{"syslog listen without port", syslogSrc(`listen = "tcp://0.0.0.0"`), `agent.hcl:6:3: listen "tcp://0.0.0.0": not host:port`},
		{"syslog tls without tls block", syslogSrc(`listen = "tls://0.0.0.0:6514"`), `agent.hcl:6:3: listen "tls://0.0.0.0:6514" needs a tls { cert_file, key_file } block`},
		{"syslog tls block on udp", syslogSrc("listen = \"udp://0.0.0.0:514\"\n  tls {\n    cert_file = \"c\"\n    key_file = \"k\"\n  }"), `agent.hcl:7:3: a tls block needs listen = "tls://host:port"`},
		{"syslog tls block without key", syslogSrc("listen = \"tls://0.0.0.0:6514\"\n  tls {\n    cert_file = \"c\"\n  }"), `agent.hcl:7:7: Missing required argument`},
		{"syslog bad framing", syslogSrc("listen = \"tcp://0.0.0.0:514\"\n  framing = \"xml\""), `agent.hcl:7:3: framing must be "auto", "lf" or "octet-counted", not "xml"`},
		{"syslog framing on udp", syslogSrc("listen = \"udp://0.0.0.0:514\"\n  framing = \"lf\""), `agent.hcl:7:3: framing applies to tcp:// and tls://`},
		{"syslog max_connections", syslogSrc("listen = \"tcp://0.0.0.0:514\"\n  max_connections = 0"), `agent.hcl:7:3: max_connections must be between 1 and`},
		{"syslog idle_timeout", syslogSrc("listen = \"tcp://0.0.0.0:514\"\n  idle_timeout = \"10ms\""), `agent.hcl:7:3: idle_timeout must be at least 1s`},
		{"syslog udp_buffer on tcp", syslogSrc("listen = \"tcp://0.0.0.0:514\"\n  udp_buffer = \"4MiB\""), `agent.hcl:7:3: udp_buffer applies to udp:// only`},
		{"syslog read_buffer on tcp", syslogSrc("listen = \"tcp://0.0.0.0:514\"\n  read_buffer = \"4MiB\""), `agent.hcl:7:3: read_buffer applies to udp:// only`},
		{"syslog read_buffer too large", syslogSrc("listen = \"udp://0.0.0.0:514\"\n  read_buffer = \"2GiB\""), `agent.hcl:7:3: read_buffer must be between 4KiB and 1GiB`},
		{"syslog read_buffer and udp_buffer", syslogSrc("listen = \"udp://0.0.0.0:514\"\n  read_buffer = \"4MiB\"\n  udp_buffer = \"4MiB\""), `agent.hcl:8:3: udp_buffer is the old name of read_buffer: set read_buffer only`},
		{"syslog max_connections_per_address", syslogSrc("listen = \"tcp://0.0.0.0:514\"\n  max_connections_per_address = 0"), `agent.hcl:7:3: max_connections_per_address must be between 1 and 1048576`},
		{"webhook max_connections", webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\"]\n  max_connections = 2000000"), `agent.hcl:8:3: max_connections must be between 1 and 1048576`},
		{"file with max_connections", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n  max_connections_per_address = 3\n}\n", `agent.hcl:7:3: max_connections_per_address does not apply to file sources`},
		{"syslog udp_buffer not a size", syslogSrc("listen = \"udp://0.0.0.0:514\"\n  udp_buffer = \"lots\""), `agent.hcl:7:3: udp_buffer`},
		{"syslog with paths", syslogSrc("listen = \"udp://0.0.0.0:514\"\n  paths = [\"/var/log/x\"]"), `agent.hcl:7:3: paths does not apply to syslog sources`},
		{"webhook without listen", webhookSrc(`tokens = ["0123456789abcdef0123"]`), `agent.hcl:4:1: webhook source "x" needs listen`},
		{"webhook without tokens", webhookSrc(`listen = "127.0.0.1:8514"`), `agent.hcl:4:1: webhook source "x" needs tokens (or tokens_file)`},
		{"webhook short token", webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"secret\"]"), `agent.hcl:7:3: token 1 is shorter than 16 bytes`},
		{"webhook missing tokens_file", webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens_file = \"/nonexistent/tokens\""), `agent.hcl:7:3: tokens_file: open /nonexistent/tokens`},
		{"webhook bad listen", webhookSrc("listen = \"tcp://0.0.0.0:8514\"\n  tokens = [\"0123456789abcdef0123\"]"), `agent.hcl:6:3: listen "tcp://0.0.0.0:8514"`},
		{"webhook max_lines", webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\"]\n  max_lines = 50000"), `agent.hcl:8:3: max_lines must be between 1 and 20000`},
		{"webhook idempotency_window", webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\"]\n  idempotency_window = \"10s\""), `agent.hcl:8:3: idempotency_window must be between 1m and 30d, not 10s`},
		{"webhook max_idempotency_keys", webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\"]\n  max_idempotency_keys = 0"), `agent.hcl:8:3: max_idempotency_keys must be between 1 and 10000000`},
		{"file with idempotency_window", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  log_source_type = \"t\"\n  paths = [\"/x\"]\n  idempotency_window = \"1h\"\n}\n", `agent.hcl:7:3: idempotency_window does not apply to file sources`},
		{"webhook with framing", webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\"]\n  framing = \"lf\""), `agent.hcl:8:3: framing does not apply to webhook sources`},
		{"syslog with tokens", syslogSrc("listen = \"udp://0.0.0.0:514\"\n  tokens = [\"0123456789abcdef0123\"]"), `agent.hcl:7:3: tokens does not apply to syslog sources`},
		{"file with tls", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n  tls {\n    cert_file = \"c\"\n    key_file = \"k\"\n  }\n}\n", `agent.hcl:7:3: tls does not apply to file sources`},
		{"bad include_lines", syslogSrc("listen = \"udp://0.0.0.0:514\"\n  include_lines = [\"ok\", \"(unclosed\"]"), `agent.hcl:7:3: include_lines[1] "(unclosed": error parsing regexp: missing closing )`},
		{"bad exclude_lines", webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\"]\n  exclude_lines = [\"a**\"]"), `agent.hcl:8:3: exclude_lines[0] "a**": error parsing regexp: invalid nested repetition operator`},
		{"file with listen", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n  listen = \"udp://0.0.0.0:514\"\n}\n", `agent.hcl:7:3: listen does not apply to file sources`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.src), "agent.hcl")
			if err == nil {
				t.Fatal("expected an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

// syslogSrc is an agent config with one syslog source "x" whose body,
// from line 6 on, is body.
func syslogSrc(body string) string {
	return "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"syslog\" \"x\" {\n  log_source_type = \"syslog\"\n  " + body + "\n}\n"
}

// journaldSrc is syslogSrc for a journald source.
func journaldSrc(body string) string {
	return "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"journald\" \"x\" {\n  log_source_type = \"linux-auth\"\n  " + body + "\n}\n"
}

func TestParseConfigJournald(t *testing.T) {
	cfg, err := ParseConfig([]byte(journaldSrc("units = [\"ssh.service\", \"cron.service\"]\n  priority = \"info\"\n  match = { _TRANSPORT = \"syslog\" }\n  directory = \"/srv/journal\"\n  start_at = \"end\"")), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	sc := cfg.Sources[0]
	if sc.Kind != "journald" || !slices.Equal(sc.Units, []string{"ssh.service", "cron.service"}) || sc.Priority != "info" ||
		sc.Match["_TRANSPORT"] != "syslog" || sc.Directory != "/srv/journal" || !sc.StartAtEnd || sc.LogSourceType != "linux-auth" {
		t.Fatalf("journald source %+v", sc)
	}
}

// webhookSrc is syslogSrc for a webhook source.
func webhookSrc(body string) string {
	return "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"webhook\" \"x\" {\n  log_source_type = \"webhook\"\n  " + body + "\n}\n"
}

// Tokens come from the config and from tokens_file (comments and blank
// lines skipped), and an error never shows a token.
func TestParseConfigWebhook(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte("# rotated 2026-12\nfedcba9876543210fedc\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(webhookSrc(fmt.Sprintf("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\"]\n  tokens_file = %q\n  max_body_bytes = \"1MiB\"", file))), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	sc := cfg.Sources[0]
	if sc.Kind != "webhook" || sc.Listen != "127.0.0.1:8514" || sc.Path != "/v1/logs" || sc.MaxBodyBytes != 1<<20 || sc.MaxLines != 10000 ||
		sc.IdempotencyWindow != 24*time.Hour || sc.MaxIdempotencyKeys != 100000 {
		t.Fatalf("webhook source %+v", sc)
	}
	cfg, err = ParseConfig([]byte(webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\"]\n  idempotency_window = \"2h\"\n  max_idempotency_keys = 5000")), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if sc := cfg.Sources[0]; sc.IdempotencyWindow != 2*time.Hour || sc.MaxIdempotencyKeys != 5000 {
		t.Fatalf("webhook source %+v", sc)
	}
	if want := []string{"0123456789abcdef0123", "fedcba9876543210fedc"}; !slices.Equal(sc.Tokens, want) {
		t.Fatalf("tokens %q, want %q", sc.Tokens, want)
	}
	_, err = ParseConfig([]byte(webhookSrc("listen = \"127.0.0.1:8514\"\n  tokens = [\"0123456789abcdef0123\", \"has space in it..\"]")), "agent.hcl")
	if err == nil || strings.Contains(err.Error(), "0123456789abcdef0123") || strings.Contains(err.Error(), "has space") {
		t.Fatalf("error %v: want one that names the bad token by position, never by value", err)
	}
}

func TestParseConfigSyslog(t *testing.T) {
	cfg, err := ParseConfig([]byte(`
agent {
  mediators      = ["127.0.0.1:7400"]
  max_line_bytes = 8192
}
source "syslog" "udp" {
  log_source_type = "syslog"
  listen          = "udp://0.0.0.0:514"
  read_buffer     = "4MiB"
}
source "syslog" "tcp" {
  log_source_type = "syslog"
  listen          = "tcp://:1514"
  framing         = "octet-counted"
  max_connections = 10
  idle_timeout    = "30s"
  max_line_bytes  = 1024
}
source "syslog" "tls" {
  log_source_type = "syslog"
  listen          = "tls://[::]:6514"
  tls {
    cert_file = "/etc/sluice/syslog.pem"
    key_file  = "/etc/sluice/syslog-key.pem"
    ca_file   = "/etc/sluice/clients-ca.pem"
  }
}
source "syslog" "tls-open" {
  log_source_type = "syslog"
  listen          = "tls://127.0.0.1:6515"
  tls {
    cert_file = "c.pem"
    key_file  = "k.pem"
  }
}
`), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	want := []SourceConfig{
		{Kind: "syslog", ID: "udp", LogSourceType: "syslog", Listen: "udp://0.0.0.0:514", ReadBuffer: 4 << 20, MaxLineBytes: 8192, MaxConnections: 1024, MaxConnectionsPerAddress: 128, IdleTimeout: 5 * time.Minute},
		{Kind: "syslog", ID: "tcp", LogSourceType: "syslog", Listen: "tcp://:1514", Framing: syslog.FramingOctetCounted, MaxLineBytes: 1024, MaxConnections: 10, MaxConnectionsPerAddress: 10, IdleTimeout: 30 * time.Second},
		{Kind: "syslog", ID: "tls", LogSourceType: "syslog", Listen: "tls://[::]:6514", MaxLineBytes: 8192, MaxConnections: 1024, MaxConnectionsPerAddress: 128, IdleTimeout: 5 * time.Minute,
			TLS: &pki.Files{CA: "/etc/sluice/clients-ca.pem", Cert: "/etc/sluice/syslog.pem", Key: "/etc/sluice/syslog-key.pem"}},
		{Kind: "syslog", ID: "tls-open", LogSourceType: "syslog", Listen: "tls://127.0.0.1:6515", MaxLineBytes: 8192, MaxConnections: 1024, MaxConnectionsPerAddress: 128, IdleTimeout: 5 * time.Minute,
			TLS: &pki.Files{Cert: "c.pem", Key: "k.pem"}},
	}
	if len(cfg.Sources) != len(want) {
		t.Fatalf("%d sources", len(cfg.Sources))
	}
	for i, w := range want {
		got := cfg.Sources[i]
		// File-source defaults are filled for every kind; not compared.
		got.PollInterval, got.PartialLineTimeout = 0, 0
		if !reflect.DeepEqual(got, w) {
			t.Errorf("source %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
}

// udp_buffer, read_buffer's old name, still works, with a warning at its
// position; read_buffer defaults to syslog.DefaultReadBuffer.
func TestReadBufferOldName(t *testing.T) {
	cfg, err := ParseConfig([]byte(syslogSrc("listen = \"udp://0.0.0.0:514\"\n  udp_buffer = \"2MiB\"")), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Sources[0].ReadBuffer; got != 2<<20 {
		t.Fatalf("read buffer %d", got)
	}
	if len(cfg.Warnings) != 1 || cfg.Warnings[0].Error() != "agent.hcl:7:3: udp_buffer is deprecated: it is now called read_buffer (same meaning)" {
		t.Fatalf("warnings %v", cfg.Warnings)
	}
	cfg, err = ParseConfig([]byte(syslogSrc(`listen = "udp://0.0.0.0:514"`)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Sources[0].ReadBuffer; got != syslog.DefaultReadBuffer || len(cfg.Warnings) != 0 {
		t.Fatalf("read buffer %d, warnings %v", got, cfg.Warnings)
	}
}

// The files a configuration names are listed with their positions, keys
// and token files marked secret, for config validate and the start-up
// permission check.
func TestConfigFiles(t *testing.T) {
	src := "agent {\n  mediators = [\"127.0.0.1:1\"]\n  tls {\n    ca_file = \"ca.pem\"\n    cert_file = \"a.pem\"\n    key_file = \"a-key.pem\"\n  }\n}\n" +
		"source \"syslog\" \"s\" {\n  log_source_type = \"t\"\n  listen = \"tls://:6514\"\n  tls {\n    cert_file = \"s.pem\"\n    key_file = \"s-key.pem\"\n  }\n}\n"
	cfg, err := ParseConfig([]byte(src), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range cfg.Files {
		got = append(got, fmt.Sprintf("%d:%d %s %s %v", f.Range.Start.Line, f.Range.Start.Column, f.Setting, f.Path, f.Secret))
	}
	want := []string{"4:5 tls ca_file ca.pem false", "5:5 tls cert_file a.pem false", "6:5 tls key_file a-key.pem true",
		"0:0 tls ca_file  false", "13:5 tls cert_file s.pem false", "14:5 tls key_file s-key.pem true"}
	if !slices.Equal(got, want) {
		t.Fatalf("files\n%q\nwant\n%q", got, want)
	}
}

func TestEnvOverrides(t *testing.T) {
	t.Setenv("SLUICE_AGENT_ID", "from-env")
	t.Setenv("SLUICE_AGENT_MEDIATORS", "10.0.0.1:7400,10.0.0.2:7400")
	t.Setenv("SLUICE_LOG_LEVEL", "debug")
	cfg, err := ParseConfig([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n  insecure = true\n}\n"), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ID != "from-env" || !slices.Equal(cfg.Mediators, []string{"10.0.0.1:7400", "10.0.0.2:7400"}) || cfg.Log.Level != "debug" {
		t.Fatalf("cfg %+v", cfg)
	}
}

// An override gets the checks of the same value in the file, with the
// variable for the position.
func TestEnvOverridesChecked(t *testing.T) {
	const base = "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\n"
	for _, tc := range []struct {
		name, variable, value string
		// file sets the same value in the file.
		file string
		want string
	}{
		{"bad address", "SLUICE_AGENT_MEDIATORS", "nohostport",
			"agent {\n  mediators = [\"nohostport\"]\n}\n", `mediators: "nohostport": not host:port`},
		{"duplicate", "SLUICE_AGENT_MEDIATORS", "127.0.0.1:1,127.0.0.1:1",
			"agent {\n  mediators = [\"127.0.0.1:1\", \"127.0.0.1:1\"]\n}\n", `mediators: "127.0.0.1:1" is listed twice`},
		{"plaintext to the network", "SLUICE_AGENT_MEDIATORS", "10.0.0.1:7400",
			"agent {\n  mediators = [\"10.0.0.1:7400\"]\n}\n", `mediator "10.0.0.1:7400" is not on this machine: configure a tls`},
		{"log level", "SLUICE_LOG_LEVEL", "loud",
			"agent {\n  mediators = [\"127.0.0.1:1\"]\n  log_level = \"loud\"\n}\n", `log_level must be one of "trace", "debug", "info", "warn" or "error", not "loud"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.file), "agent.hcl")
			if err == nil || !strings.Contains(err.Error(), "agent.hcl:") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("in the file: %v, want %q", err, tc.want)
			}
			t.Setenv(tc.variable, tc.value)
			_, err = ParseConfig([]byte(base), "agent.hcl")
			if want := tc.variable + ": " + tc.want; err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("override: %v, want %q", err, want)
			}
		})
	}
}

// FuzzParseConfig: any input gives a config or an error, never a panic, and
// errors carry a position.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n}\n"))
	f.Add([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n  failback_delay = 5000\n}\nsource \"file\" \"x\" { paths = [\"/a\"] log_source_type = \"t\" }\n"))
	f.Add([]byte("agent { mediators = \"x\" }"))
	f.Add([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"syslog\" \"s\" {\n  log_source_type = \"t\"\n  listen = \"tls://:6514\"\n  tls {\n    cert_file = \"c\"\n    key_file = \"k\"\n  }\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := ParseConfig(src, "f.hcl")
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.hcl") {
			t.Fatalf("error without position: %v", err)
		}
	})
}
