package agent

import (
	"regexp"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/multiline"
)

// multilineBlock is a source's `multiline {}` block: Filebeat's pattern,
// negate and match, or one of the ready-made modes.
type multilineBlock struct {
	Mode         string `hcl:"mode,optional"`
	Pattern      string `hcl:"pattern,optional"`
	Negate       *bool  `hcl:"negate,optional"`
	Match        string `hcl:"match,optional"`
	MaxLines     *int   `hcl:"max_lines,optional"`
	MaxBytes     string `hcl:"max_bytes,optional"`
	FlushTimeout string `hcl:"flush_timeout,optional"`

	DefRange hcl.Range `hcl:",def_range"`
	Body     hcl.Body  `hcl:",body"`
}

// toConfig validates the block, each problem at its attribute.
func (b *multilineBlock) toConfig() (*multiline.Config, hclconf.Errors) {
	set := hclconf.NewSettings(b.Body, b.DefRange)
	cfg := &multiline.Config{
		Mode:         multiline.ModePattern,
		Match:        "after",
		MaxLines:     multiline.DefaultMaxLines,
		MaxBytes:     multiline.DefaultMaxBytes,
		FlushTimeout: multiline.DefaultFlushTimeout,
	}
	set.Enum("mode", b.Mode, &cfg.Mode, multiline.ModePattern, multiline.ModeJava, multiline.ModePython, multiline.ModeIndent)
	if cfg.Mode == multiline.ModePattern {
		switch {
		case b.Pattern == "":
			set.Add(hclconf.Errorf(b.DefRange, `multiline needs pattern (e.g. pattern = "^\\d{4}-\\d{2}-\\d{2}", negate = true: a line not starting with a date continues the event before it) or mode = "java", "python" or "indent"`))
		default:
			if _, err := regexp.Compile(b.Pattern); err != nil {
				set.Errorf("pattern", "pattern: %v", err)
			}
			cfg.Pattern = b.Pattern
		}
		if b.Negate != nil {
			cfg.Negate = *b.Negate
		}
		set.Enum("match", b.Match, &cfg.Match, "after", "before")
	} else {
		for _, a := range []struct {
			name string
			set  bool
		}{{"pattern", b.Pattern != ""}, {"negate", b.Negate != nil}, {"match", b.Match != ""}} {
			if a.set {
				set.Errorf(a.name, "%s does not apply to mode = %q, which brings its own (use mode = \"pattern\" to set one)", a.name, cfg.Mode)
			}
		}
		cfg.Match = ""
	}
	set.Int("max_lines", b.MaxLines, &cfg.MaxLines, hclconf.Between(1, 100000))
	set.IntSize("max_bytes", b.MaxBytes, &cfg.MaxBytes, hclconf.Between[int64](1, multiline.MaxMaxBytes))
	set.Duration("flush_timeout", b.FlushTimeout, &cfg.FlushTimeout, hclconf.Between(100*time.Millisecond, time.Hour))
	if errs := set.Errors(); len(errs) > 0 {
		return nil, errs
	}
	if err := cfg.Validate(); err != nil { // what the checks above missed
		return nil, hclconf.Errors{hclconf.Errorf(b.DefRange, "%v", err)}
	}
	return cfg, nil
}
