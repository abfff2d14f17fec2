package hclconf

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

type testBlock struct {
	Name   string    `hcl:"name,optional"`
	Count  *int      `hcl:"count,optional"`
	Wait   string    `hcl:"wait,optional"`
	Space  string    `hcl:"space,optional"`
	Mode   string    `hcl:"mode,optional"`
	Addrs  []string  `hcl:"addrs,optional"`
	DefRng hcl.Range `hcl:",def_range"`
	Body   hcl.Body  `hcl:",body"`
}

func decodeTest(t *testing.T, src string) (*testBlock, *Settings) {
	t.Helper()
	f, err := ParseBytes([]byte(src), "t.hcl")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		B testBlock `hcl:"b,block"`
	}
	if diags := gohcl.DecodeBody(f.Body, nil, &file); diags.HasErrors() {
		t.Fatal(diags)
	}
	return &file.B, NewSettings(file.B.Body, file.B.DefRng)
}

// Positions come from the block's body; an unset attribute has none.
func TestSettingsPositions(t *testing.T) {
	b, set := decodeTest(t, "b {\n  name = \"x\"\n\n    count = 3\n}\n")
	if r := set.At("count"); r.Start.Line != 4 || r.Start.Column != 5 || r.Filename != "t.hcl" {
		t.Errorf("count at %v", r)
	}
	if !set.Written("name") || set.Written("wait") || set.At("wait") != (hcl.Range{}) {
		t.Errorf("written: name %v, wait %v", set.Written("name"), set.Written("wait"))
	}
	if AttrRange(nil, "name") != (hcl.Range{}) {
		t.Error("nil body has a position")
	}
	_ = b
}

func TestSettingsChecks(t *testing.T) {
	b, set := decodeTest(t, "b {\n  count = 70\n  wait = \"10ms\"\n  space = \"2TiB\"\n  mode = \"loud\"\n}\n")
	count, wait, space, mode := 8, time.Second, int64(1<<20), "auto"
	set.Int("count", b.Count, &count, Between(1, 64).Because("the buffer holds 64"))
	set.Duration("wait", b.Wait, &wait, AtLeast(time.Second))
	set.Size("space", b.Space, &space, Between[int64](64<<20, 1<<40).OrZero("no limit"))
	set.Enum("mode", b.Mode, &mode, "auto", "manual")
	want := []string{
		"t.hcl:2:3: count must be between 1 and 64, not 70: the buffer holds 64",
		"t.hcl:3:3: wait must be at least 1s, not 10ms",
		"t.hcl:4:3: space must be 0 (no limit) or between 64MiB and 1TiB, not 2TiB",
		`t.hcl:5:3: mode must be "auto" or "manual", not "loud"`,
	}
	if got := set.Errors().Error(); got != strings.Join(want, "\n") {
		t.Errorf("errors\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	if count != 8 || wait != time.Second || space != 1<<20 || mode != "auto" {
		t.Errorf("defaults overwritten: %d %v %d %q", count, wait, space, mode)
	}

	b, set = decodeTest(t, "b {\n  count = 0\n  wait = \"-1s\"\n  space = \"0\"\n  mode = \"manual\"\n}\n")
	set.Int("count", b.Count, &count, Between(1, 3600).OrZero("disabled").In("minutes"))
	set.Duration("wait", b.Wait, &wait, Positive[time.Duration]())
	set.Size("space", b.Space, &space, Between[int64](64<<20, 1<<40).OrZero("no limit"))
	set.Enum("mode", b.Mode, &mode, "auto", "manual")
	if got := set.Errors().Error(); got != "t.hcl:3:3: wait must be positive, not -1s" {
		t.Errorf("errors %q", got)
	}
	if count != 0 || space != 0 || mode != "manual" {
		t.Errorf("values %d %d %q", count, space, mode)
	}
}

// An override replaces the file's value before the checks, which then
// name the variable.
func TestSettingsEnv(t *testing.T) {
	b, set := decodeTest(t, "b {\n  name = \"file\"\n  addrs = [\"127.0.0.1:1\"]\n}\n")
	t.Setenv("SLUICE_TEST_NAME", "env")
	t.Setenv("SLUICE_TEST_ADDRS", "127.0.0.1:1,10.0.0.1:2")
	t.Setenv("SLUICE_TEST_COUNT", "many")
	t.Setenv("SLUICE_TEST_MODE", "") // empty: not an override
	set.EnvString("SLUICE_TEST_NAME", "name", &b.Name)
	set.EnvList("SLUICE_TEST_ADDRS", "addrs", &b.Addrs)
	set.EnvInt("SLUICE_TEST_COUNT", "count", &b.Count)
	set.EnvString("SLUICE_TEST_MODE", "mode", &b.Mode)
	if b.Name != "env" || len(b.Addrs) != 2 || b.Mode != "" || set.EnvVar("name") != "SLUICE_TEST_NAME" || set.EnvVar("mode") != "" {
		t.Fatalf("block %+v", b)
	}
	set.Transport(false, false, "addrs", b.Addrs, func(a string) string { return a + " is on the network" })
	want := "SLUICE_TEST_COUNT: count: \"many\" is not an integer\nSLUICE_TEST_ADDRS: 10.0.0.1:2 is on the network"
	if got := set.Errors().Error(); got != want {
		t.Errorf("errors\n%s\nwant\n%s", got, want)
	}
}

func TestSizeText(t *testing.T) {
	for v, want := range map[int64]string{64 << 10: "64KiB", 16 << 20: "16MiB", 1 << 40: "1TiB", 1000: "1000B", 3 << 19: "1536KiB"} {
		if got := SizeText(v); got != want {
			t.Errorf("SizeText(%d) = %q, want %q", v, got, want)
		}
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "1h", 168 * time.Hour: "7d", 30 * time.Hour: "30h", 10 * time.Minute: "10m", 90 * time.Second: "1m30s", 10 * time.Second: "10s", 100 * time.Millisecond: "100ms", time.Hour + time.Second: "1h0m1s"} {
		if got := DurationText(d); got != want {
			t.Errorf("DurationText(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseDurationDays(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30d": 30 * 24 * time.Hour, "1d12h": 36 * time.Hour, "0d": 0, "90s": 90 * time.Second, "365d": 365 * 24 * time.Hour,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"d", "30", "3x", "1d-1h", "1dx", "99999999999999999999d", "200000d"} {
		if d, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, d)
		}
	}
}
