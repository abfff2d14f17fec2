package mediator

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte("mediator {\n  id = \"dp-01\"\n  rules = [\"configs/rules\"]\n}\nindexer \"embedded\" {}\n"), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != DefaultListen || cfg.HTTP != DefaultHTTP || cfg.MaxAgents != DefaultMaxAgents || cfg.IndexFlush != 250*time.Millisecond {
		t.Fatalf("cfg %+v", cfg)
	}
	if cfg.Indexer.Kind != "embedded" || cfg.Indexer.Dir != DefaultDataDir+"/index" {
		t.Fatalf("indexer %+v", cfg.Indexer)
	}
	if cfg.MaxInflightBytes != DefaultMaxInflightBytes || cfg.MemoryLimit != DefaultMemoryLimit {
		t.Fatalf("max_inflight_bytes %d, memory_limit %d", cfg.MaxInflightBytes, cfg.MemoryLimit)
	}
}

func TestParseConfigMemorySettings(t *testing.T) {
	cfg, err := ParseConfig([]byte("mediator {\n  max_inflight_bytes = \"16MiB\"\n  memory_limit = \"1GiB\"\n}\n"), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxInflightBytes != 16<<20 || cfg.MemoryLimit != 1<<30 {
		t.Fatalf("max_inflight_bytes %d, memory_limit %d", cfg.MaxInflightBytes, cfg.MemoryLimit)
	}
	if cfg, err = ParseConfig([]byte("mediator {\n  memory_limit = \"0\"\n}\n"), "m.hcl"); err != nil || cfg.MemoryLimit != 0 {
		t.Fatalf("memory_limit 0: %v %v", cfg, err)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown block", "mediator {}\nindexr \"embedded\" {}\n", "m.hcl:2:1: Unsupported block type"},
		{"unknown indexer", "mediator {}\nindexer \"solr\" {}\n", `m.hcl:2:9: unknown indexer "solr"`},
		{"bad listen", "mediator {\n  listen = \"7400\"\n}\n", `m.hcl:2:3: listen: "7400": not host:port`},
		{"wrong type", "mediator {\n  max_agents = \"many\"\n}\n", "m.hcl:2:17: Unsuitable value type"},
		{"negative max agents", "mediator {\n  max_agents = -1\n}\n", "m.hcl:2:3: max_agents must be between 0"},
		{"bad duration", "mediator {\n  index_flush = \"fast\"\n}\n", `m.hcl:2:3: index_flush: "fast" is not a duration`},
		{"missing block", "indexer \"embedded\" {}\n", `m.hcl:1:1: missing "mediator" block`},
		{"es without addresses", "mediator {}\nindexer \"elasticsearch\" {}\n", `m.hcl:2:1: indexer "elasticsearch" needs addresses`},
		{"es bad url", "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"es:9200\"]\n}\n", `m.hcl:3:3: addresses: "es:9200" is not an http:// or https:// URL`},
		{"es key and password", "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n  username = \"u\"\n  password = \"p\"\n  api_key = \"k\"\n}\n", `m.hcl:6:3: use either api_key or username/password`},
		{"es user without password", "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n  username = \"u\"\n}\n", `username and password go together`},
		{"es bulk actions", "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n  bulk_actions = 0\n}\n", `m.hcl:4:3: bulk_actions must be between 1 and 100000`},
		{"es bulk bytes", "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n  bulk_bytes = \"1KiB\"\n}\n", `m.hcl:4:3: bulk_bytes must be between 64KiB and 1GiB`},
		{"es flush", "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n  flush_interval = \"soon\"\n}\n", `m.hcl:4:3: flush_interval: "soon" is not a duration`},
		{"es prefix", "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n  index_prefix = \"Logs\"\n}\n", `m.hcl:4:3: elasticsearch: index_prefix "Logs"`},
		{"es dir", "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n  dir = \"/x\"\n}\n", `m.hcl:4:3: dir belongs in an indexer "embedded" block`},
		{"small max_inflight_bytes", "mediator {\n  max_inflight_bytes = \"64KiB\"\n}\n", "m.hcl:2:3: max_inflight_bytes must be between 1MiB and 1TiB"},
		{"bad max_inflight_bytes", "mediator {\n  max_inflight_bytes = \"lots\"\n}\n", `m.hcl:2:3: max_inflight_bytes: "lots" is not a size`},
		{"small memory_limit", "mediator {\n  memory_limit = \"1MiB\"\n}\n", "m.hcl:2:3: memory_limit must be 0 (no limit) or between 64MiB and 1TiB"},
		{"huge max_line_bytes", "mediator {\n  max_line_bytes = \"32MiB\"\n}\n", "m.hcl:2:3: max_line_bytes must be between 1KiB and 16MiB"},
		{"small max_batch_bytes", "mediator {\n  max_batch_bytes = \"1KiB\"\n}\n", "m.hcl:2:3: max_batch_bytes must be between 64KiB and 1GiB"},
		{"huge max_batch_bytes", "mediator {\n  max_batch_bytes = \"4GiB\"\n}\n", "m.hcl:2:3: max_batch_bytes must be between 64KiB and 1GiB"},
		{"huge max_inflight_bytes", "mediator {\n  max_inflight_bytes = \"2TiB\"\n}\n", "m.hcl:2:3: max_inflight_bytes must be between 1MiB and 1TiB"},
		{"huge suspense_min_free", "mediator {\n  suspense_min_free = \"2000TiB\"\n}\n", "m.hcl:2:3: suspense_min_free must be at most 1024TiB"},
		{"huge memory_limit", "mediator {\n  memory_limit = \"4TiB\"\n}\n", "m.hcl:2:3: memory_limit must be 0 (no limit) or between 64MiB and 1TiB"},
		{"huge bytes_per_second", "mediator {\n  rate_limit {\n    bytes_per_second = \"1TiB\"\n  }\n}\n", "m.hcl:3:5: bytes_per_second must be at most 64GiB"},
		{"embedded addresses", "mediator {}\nindexer \"embedded\" {\n  addresses = [\"http://es:9200\"]\n}\n", `m.hcl:3:3: addresses belongs in an indexer "elasticsearch" block`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.src), "m.hcl")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseConfigElasticsearch(t *testing.T) {
	src := `mediator {}
indexer "elasticsearch" {
  addresses      = ["http://127.0.0.1:9200/es"]
  username       = "sluice"
  password       = "from-file"
  index_prefix   = "logs"
  bulk_actions   = 1500
  bulk_bytes     = "2MiB"
  flush_interval = "2s"
  workers        = 3
}
`
	t.Setenv("SLUICE_ES_PASSWORD", "from-env")
	t.Setenv("SLUICE_ES_BULK_ACTIONS", "2500")
	t.Setenv("SLUICE_ES_WORKERS", "4")
	cfg, err := ParseConfig([]byte(src), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	ec := cfg.Indexer.Elastic
	if cfg.Indexer.Kind != "elasticsearch" || ec.Addresses[0] != "http://127.0.0.1:9200/es" || ec.Username != "sluice" || ec.IndexPrefix != "logs" || ec.BulkBytes != 2<<20 {
		t.Fatalf("indexer %+v", cfg.Indexer)
	}
	if ec.Password != "from-env" || ec.BulkActions != 2500 || ec.Workers != 4 {
		t.Errorf("SLUICE_ES_* overrides not applied: %+v", ec)
	}
	if cfg.IndexFlush != 2*time.Second {
		t.Errorf("flush_interval should set the mediator's flush: %v", cfg.IndexFlush)
	}
	t.Setenv("SLUICE_ES_FLUSH_INTERVAL", "500ms")
	if cfg, err = ParseConfig([]byte(src), "m.hcl"); err != nil || cfg.IndexFlush != 500*time.Millisecond {
		t.Errorf("SLUICE_ES_FLUSH_INTERVAL: %v %v", cfg.IndexFlush, err)
	}
	t.Setenv("SLUICE_ES_BULK_BYTES", "tiny")
	if _, err := ParseConfig([]byte(src), "m.hcl"); err == nil || !strings.Contains(err.Error(), "SLUICE_ES_BULK_BYTES") {
		t.Errorf("bad SLUICE_ES_BULK_BYTES: %v", err)
	}
}

func TestEnvOverrideWorkers(t *testing.T) {
	t.Setenv("SLUICE_MPE_WORKERS", "7")
	cfg, err := ParseConfig([]byte("mediator {}\n"), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Workers != 7 {
		t.Fatalf("workers %d", cfg.Workers)
	}
	t.Setenv("SLUICE_MPE_WORKERS", "x")
	if _, err := ParseConfig([]byte("mediator {}\n"), "m.hcl"); err == nil || !strings.Contains(err.Error(), "SLUICE_MPE_WORKERS") {
		t.Fatalf("want env error, got %v", err)
	}
}

// FuzzParseConfig: any input gives a config or an error with a position,
// never a panic.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("mediator {\n  id = \"dp-01\"\n  rules = [\"r\"]\n}\nindexer \"embedded\" {}\n"))
	f.Add([]byte("mediator {\n  listen = \"0.0.0.0:1\"\n  tls {\n    ca_file = \"a\"\n    cert_file = \"b\"\n    key_file = \"c\"\n  }\n  rate_limit { entries_per_second = 10 }\n}\n"))
	f.Add([]byte("mediator { max_agents = \"x\" }"))
	f.Add([]byte("mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n  bulk_bytes = \"1MiB\"\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := ParseConfig(src, "f.hcl")
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.hcl") && !strings.HasPrefix(err.Error(), "SLUICE_") {
			t.Fatalf("error without position: %v", err)
		}
	})
}

// An override gets the checks of the same value in the file, with the
// variable for the position.
func TestEnvOverridesChecked(t *testing.T) {
	const es = "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"http://es:9200\"]\n}\n"
	for _, tc := range []struct{ variable, value, src, file, want string }{
		{"SLUICE_MEDIATOR_LISTEN", "0.0.0.0:7400", "mediator {}\n", "mediator {\n  listen = \"0.0.0.0:7400\"\n}\n", `listen "0.0.0.0:7400" is not a loopback address`},
		{"SLUICE_MEDIATOR_HTTP", "7480", "mediator {}\n", "mediator {\n  http = \"7480\"\n}\n", `http: "7480": not host:port`},
		{"SLUICE_MEDIATOR_ARM", "10.0.0.9:7500", "mediator {}\n", "mediator {\n  arm = \"10.0.0.9:7500\"\n}\n", `arm "10.0.0.9:7500" is not a loopback address`},
		{"SLUICE_MPE_WORKERS", "1000", "mediator {}\n", "mediator {\n  workers = 1000\n}\n", `workers must be between 0 and 256, not 1000`},
		{"SLUICE_LOG_LEVEL", "loud", "mediator {}\n", "mediator {\n  log_level = \"loud\"\n}\n", `log_level must be one of`},
		{"SLUICE_ES_ADDRESSES", "es:9200", es, "mediator {}\nindexer \"elasticsearch\" {\n  addresses = [\"es:9200\"]\n}\n", `addresses: "es:9200" is not an http:// or https:// URL`},
		{"SLUICE_ES_BULK_BYTES", "1KiB", es, "mediator {}\nindexer \"elasticsearch\" {\n  bulk_bytes = \"1KiB\"\n  addresses = [\"http://es:9200\"]\n}\n", `bulk_bytes must be between 64KiB and 1GiB, not 1KiB`},
	} {
		t.Run(tc.variable, func(t *testing.T) {
			if _, err := ParseConfig([]byte(tc.file), "m.hcl"); err == nil || !strings.Contains(err.Error(), ":3: "+tc.want) {
				t.Fatalf("in the file: %v, want %q", err, tc.want)
			}
			t.Setenv(tc.variable, tc.value)
			if _, err := ParseConfig([]byte(tc.src), "m.hcl"); err == nil || !strings.Contains(err.Error(), tc.variable+": "+tc.want) {
				t.Fatalf("override: %v, want %q", err, tc.variable+": "+tc.want)
			}
		})
	}
}
