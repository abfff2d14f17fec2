package mediator

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfigLifecycle(t *testing.T) {
	src := `mediator {
  data_dir = "/var/lib/sluice/mediator"
}
indexer "embedded" {
  retention = "30d"
  disk_warning_free = "4GiB"
  organization "acme" {
    retention = "90d"
  }
}
archive {
  dir = "/srv/sluice/archive"
  retention = "365d"
  organization "acme" {
    retention = "2555d"
  }
}
`
	cfg, err := ParseConfig([]byte(src), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	if cfg.Indexer.Retention != 30*day || cfg.Indexer.OrgRetention["acme"] != 90*day || cfg.Indexer.DiskWarningFree != 4<<30 {
		t.Errorf("indexer lifecycle = %+v", cfg.Indexer)
	}
	if cfg.Archive.Dir != "/srv/sluice/archive" || cfg.Archive.Retention != 365*day || cfg.Archive.OrgRetention["acme"] != 2555*day {
		t.Errorf("archive = %+v", cfg.Archive)
	}

	def, err := ParseConfig([]byte("mediator {}\n"), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if def.Indexer.Retention != 0 || def.Archive.Dir != "" || def.Indexer.DiskWarningFree != DefaultDiskWarningFree {
		t.Errorf("defaults: indexer %+v, archive %+v", def.Indexer, def.Archive)
	}
}

func TestParseConfigLifecycleErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"retention unit", "mediator {}\nindexer \"embedded\" {\n  retention = \"30 days\"\n}\n", `m.hcl:3:3: retention: "30 days" is not a duration`},
		{"retention under a day", "mediator {}\nindexer \"embedded\" {\n  retention = \"12h\"\n}\n", "m.hcl:3:3: retention must be 0 (kept forever) or between 1d and 36500d"},
		{"org retention", "mediator {}\nindexer \"embedded\" {\n  organization \"acme\" {\n    retention = \"1h\"\n  }\n}\n", "m.hcl:4:5: retention must be 0 (kept forever) or between 1d"},
		{"org twice", "mediator {}\nindexer \"embedded\" {\n  organization \"acme\" {\n    retention = \"2d\"\n  }\n  organization \"acme\" {\n    retention = \"3d\"\n  }\n}\n", `m.hcl:6:3: organization "acme" appears twice`},
		{"org without retention", "mediator {}\nindexer \"embedded\" {\n  organization \"acme\" {\n  }\n}\n", `m.hcl:3:23: Missing required argument`},
		{"disk warning under suspense", "mediator {\n  suspense_min_free = \"1GiB\"\n}\nindexer \"embedded\" {\n  disk_warning_free = \"512MiB\"\n}\n", "m.hcl:5:3: disk_warning_free (512MiB) must be above suspense_min_free (1GiB)"},
		{"archive without dir", "mediator {}\narchive {\n}\n", `m.hcl:2:9: Missing required argument`},
		{"archive empty dir", "mediator {}\narchive {\n  dir = \"\"\n}\n", `m.hcl:3:3: dir: the archive needs a directory`},
		{"archive in index", "mediator {\n  data_dir = \"/d\"\n}\narchive {\n  dir = \"/d/index/arch\"\n}\n", `m.hcl:5:3: dir: "/d/index/arch" is inside the index directory`},
		{"archive is state", "mediator {\n  data_dir = \"/d\"\n}\narchive {\n  dir = \"/d\"\n}\n", `m.hcl:5:3: dir: "/d" overlaps the mediator's state directory`},
		{"archive retention", "mediator {}\narchive {\n  dir = \"/a\"\n  retention = \"10m\"\n}\n", "m.hcl:4:3: retention must be 0 (kept forever) or between 1h"},
		{"two archives", "mediator {}\narchive {\n  dir = \"/a\"\n}\narchive {\n  dir = \"/b\"\n}\n", "m.hcl:5:1: only one archive block is allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.src), "m.hcl")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
