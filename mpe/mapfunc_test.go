package mpe

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMapFuncs(t *testing.T) {
	cases := []struct {
		fn, arg string
		in      any
		want    any
		ok      bool
	}{
		{"int", "", "0x1a2c", int64(6700), true},
		{"int", "", "0X0", int64(0), true},
		{"int", "", "6700", int64(6700), true},
		{"int", "", int64(12), int64(12), true},
		{"int", "", "0xZZ", nil, false},
		{"int", "", "-", nil, false},
		{"basename", "", `C:\Windows\System32\cmd.exe`, "cmd.exe", true},
		{"basename", "", "/usr/bin/ssh", "ssh", true},
		{"basename", "", `C:\dir\`, nil, false},
		{"user", "", `CORP\ann`, "ann", true},
		{"user", "", "ann@CORP.EXAMPLE", "ann", true},
		{"user", "", "ann", "ann", true},
		{"domain", "", `NT AUTHORITY\SYSTEM`, "NT AUTHORITY", true},
		{"domain", "", "ann@CORP.EXAMPLE", "CORP.EXAMPLE", true},
		{"domain", "", "ann", nil, false},
		{"ip", "", "::ffff:192.0.2.1", "192.0.2.1", true},
		{"ip", "", "2001:db8::1", "2001:db8::1", true},
		{"ip", "", "fe80::1%4", "fe80::1", true},
		{"ip", "", "WS-7", nil, false},
		{"cn", "", "CN=Ann Lee,OU=Staff,DC=corp,DC=example", "Ann Lee", true},
		{"cn", "", "ann", "ann", true},
		{"hash", "SHA256", "SHA1=AA,MD5=BB,SHA256=CCDD,IMPHASH=EE", "ccdd", true},
		{"hash", "sha1", "SHA1=AA,MD5=BB", "aa", true},
		{"hash", "SHA256", "SHA1=AA", nil, false},
		{"lower", "", "TCP", "tcp", true},
		{"raw", "", "-", "-", true},
		{"raw", "", int64(3), int64(3), true},
	}
	for _, c := range cases {
		got, ok := mapFuncs[c.fn].fn(c.in, c.arg)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s(%v, %q) = %v, %v; want %v, %v", c.fn, c.in, c.arg, got, ok, c.want, c.ok)
		}
	}
}

func TestParseMapSource(t *testing.T) {
	if p, fn, _, _, err := parseMapSource("winlog.event_data.X"); err != nil || fn != nil || p != "winlog.event_data.X" {
		t.Fatalf("plain path: %q %v %v", p, fn != nil, err)
	}
	if p, fn, arg, _, err := parseMapSource("hash(winlog.event_data.Hashes, SHA256)"); err != nil || fn == nil || p != "winlog.event_data.Hashes" || arg != "SHA256" {
		t.Fatalf("hash: %q %q %v", p, arg, err)
	}
	for _, bad := range []string{"nope(x.y)", "int(x.y, z)", "hash(x.y)", "int(x.y"} {
		if _, _, _, _, err := parseMapSource(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestJSONTime(t *testing.T) {
	for in, want := range map[string]string{
		`1717400000123`: "2024-06-03T07:33:20.123Z",
		`1717400000`:    "2024-06-03T07:33:20Z",
	} {
		ts, ok := jsonTime(json.Number(in), nil)
		if !ok || ts.Format("2006-01-02T15:04:05.999Z07:00") != want {
			t.Errorf("%s: %v %v, want %s", in, ts, ok, want)
		}
	}
	if _, ok := jsonTime(json.Number("-5"), nil); ok {
		t.Error("negative time accepted")
	}
}

func TestMapFuncAndPrefixLoadErrors(t *testing.T) {
	for _, c := range []struct{ src, msg string }{
		{`log_source_type "t" { json_prefix = "x" }`, "json_prefix is for JSON log source types"},
		{`log_source_type "j" {
  format      = "json"
  json_prefix = "bad..path"
}`, "json_prefix:"},
		{`log_source_type "j" { format = "json" }
rule "r" {
  log_source_types = ["j"]
  when             = "has(event.a.b)"
  classification   = "Information"
  map              = { "process.pid" = "hex(a.b)" }
}`, "no map function hex"},
		{`log_source_type "j" { format = "json" }
rule "r" {
  log_source_types = ["j"]
  when             = "has(event.a.b)"
  classification   = "Information"
  map              = { "hash.md5" = "hash(a.b)" }
}`, "hash takes a field and a name"},
	} {
		if _, err := LoadBytes("x.hcl", []byte(c.src)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want an error with %q", c.src, err, c.msg)
		}
	}
}

func TestJSONPrefixAndMapFuncs(t *testing.T) {
	src := `log_source_type "gh" {
  format           = "json"
  json_prefix      = "gh"
  timestamp_fields = ["gh.created_at"]
}
rule "r" {
  log_source_types = ["gh"]
  when             = "event.gh.action.startsWith(\"org.\")"
  classification   = "Account Modified"
  map = {
    "event.action" = "gh.action"
    "user.name"    = ["user(gh.nobody)", "user(gh.actor)"]
    "source.ip"    = "ip(gh.actor_ip)"
    "process.pid"  = "int(gh.pid)"
  }
  test {
    log    = <<-LOG
      {"action":"org.add_member","actor":"ann@corp.example","actor_ip":"::ffff:192.0.2.5","pid":"0x10","created_at":1717400000123}
    LOG
    expect = { "event.action" = "org.add_member", login = "ann", sip = "192.0.2.5", pid = "16", "@timestamp" = "2024-06-03T07:33:20.123Z" }
  }
}
`
	rs, err := LoadBytes("x.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if res := rs.RunTests(); res.Failed > 0 || res.Passed != 1 {
		t.Fatalf("rule test failed: %+v", res)
	}
}
