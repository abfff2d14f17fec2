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
