package hclconf

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/sluicehq/sluice/pkg/logging"
)

type daemonBlock struct {
	LogLevel string    `hcl:"log_level,optional"`
	Log      *LogBlock `hcl:"log,block"`
	DefRng   hcl.Range `hcl:",def_range"`
	Body     hcl.Body  `hcl:",body"`
}

func decodeLog(t *testing.T, src string) (logging.Config, Errors) {
	t.Helper()
	f, err := ParseBytes([]byte(src), "d.hcl")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		D daemonBlock `hcl:"d,block"`
	}
	if diags := gohcl.DecodeBody(f.Body, nil, &file); diags.HasErrors() {
		t.Fatal(diags)
	}
	set := NewSettings(file.D.Body, file.D.DefRng)
	set.EnvString("SLUICE_LOG_LEVEL", "log_level", &file.D.LogLevel)
	cfg := set.Log(file.D.LogLevel, file.D.Log)
	return cfg, set.Errors()
}

func TestLogBlock(t *testing.T) {
	t.Setenv("SLUICE_LOG_LEVEL", "")
	t.Setenv("SLUICE_LOG_JSON", "")
	cfg, errs := decodeLog(t, "d {}\n")
	if len(errs) > 0 || !reflect.DeepEqual(cfg, logging.Config{}) {
		t.Errorf("no block: %+v %v", cfg, errs)
	}
	cfg, errs = decodeLog(t, "d {\n  log_level = \"debug\"\n}\n")
	if len(errs) > 0 || cfg.Level != "debug" {
		t.Errorf("log_level shorthand: %+v %v", cfg, errs)
	}
	cfg, errs = decodeLog(t, `d {
  log {
    level       = "warn"
    json        = true
    file        = "/var/log/sluice/mediator.log"
    max_size    = "10MiB"
    max_backups = 3
    files       = { pipeline = "/var/log/sluice/mpe.log" }
  }
}
`)
	want := logging.Config{Level: "warn", JSON: true, File: "/var/log/sluice/mediator.log", MaxSize: 10 << 20, MaxBackups: 3,
		Files: map[string]string{"pipeline": "/var/log/sluice/mpe.log"}}
	if len(errs) > 0 || !reflect.DeepEqual(cfg, want) {
		t.Errorf("full block:\n got %+v %v\nwant %+v", cfg, errs, want)
	}
	cfg, errs = decodeLog(t, "d {\n  log {\n    file = \"/tmp/a.log\"\n  }\n}\n")
	if len(errs) > 0 || cfg.MaxSize != logging.DefaultMaxSize || cfg.MaxBackups != logging.DefaultMaxBackups {
		t.Errorf("rotation defaults: %+v %v", cfg, errs)
	}
}

func TestLogBlockEnv(t *testing.T) {
	t.Setenv("SLUICE_LOG_LEVEL", "trace")
	t.Setenv("SLUICE_LOG_JSON", "1")
	cfg, errs := decodeLog(t, "d {\n  log {\n    level = \"warn\"\n  }\n}\n")
	if len(errs) > 0 || cfg.Level != "trace" || !cfg.JSON {
		t.Errorf("env over the block: %+v %v", cfg, errs)
	}
}

// Every problem is reported at its attribute, file:line:col.
func TestLogBlockErrors(t *testing.T) {
	t.Setenv("SLUICE_LOG_LEVEL", "")
	t.Setenv("SLUICE_LOG_JSON", "")
	for _, c := range []struct{ src, want string }{
		{"d {\n  log {\n    level = \"loud\"\n  }\n}\n", `d.hcl:3:5: level must be one of "trace", "debug", "info", "warn" or "error", not "loud"`},
		{"d {\n  log_level = \"info\"\n  log {\n    level = \"warn\"\n  }\n}\n", "d.hcl:4:5: log_level and log { level } both set the level"},
		{"d {\n  log {\n    file = \"/a.log\"\n    max_size = \"10k\"\n  }\n}\n", `d.hcl:4:5: max_size must be between 1MiB and 1TiB, not 10k`},
		{"d {\n  log {\n    file = \"/a.log\"\n    max_size = \"lots\"\n  }\n}\n", `d.hcl:4:5: max_size: "lots" is not a size`},
		{"d {\n  log {\n    file = \"/a.log\"\n    max_backups = 0\n  }\n}\n", `d.hcl:4:5: max_backups must be between 1 and 1000, not 0`},
		{"d {\n  log {\n    max_backups = 2\n  }\n}\n", `d.hcl:2:3: max_size and max_backups rotate log files: set file`},
		{"d {\n  log {\n    file = \"\"\n  }\n}\n", `d.hcl:3:5: file must not be empty`},
		{"d {\n  log {\n    file = \"/a.log\"\n    files = { pipeline = \"/a.log\" }\n  }\n}\n", `d.hcl:4:5: files: /a.log is also the file of file`},
	} {
		_, errs := decodeLog(t, c.src)
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.src, errs, c.want)
		}
	}
}
