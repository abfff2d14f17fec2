package mpe

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/pkg/event"
)

func TestParseKV(t *testing.T) {
	cases := []struct {
		name, in, pair, sep string
		want                []kvPair
	}{
		{"fortigate", `date=2024-03-01 time=10:00:00 devname="FGT-1" logid="0000000013" type="traffic" srcip=192.0.2.10 srcport=51000 action="accept"`, "=", " ",
			[]kvPair{{"date", "2024-03-01"}, {"time", "10:00:00"}, {"devname", "FGT-1"}, {"logid", "0000000013"}, {"type", "traffic"}, {"srcip", "192.0.2.10"}, {"srcport", "51000"}, {"action", "accept"}}},
		{"escaped quotes", `msg="say \"hi\"" path="C:\dir\\x" n=1`, "=", " ",
			[]kvPair{{"msg", `say "hi"`}, {"path", `C:\dir\x`}, {"n", "1"}}},
		{"single quotes", `a='x y' b=2`, "=", "",
			[]kvPair{{"a", "x y"}, {"b", "2"}}},
		{"empty values", `user="" group= next=1 last=`, "=", " ",
			[]kvPair{{"user", ""}, {"group", ""}, {"next", "1"}, {"last", ""}}},
		{"dotted and dashed keys", `source-address="192.0.2.1" http.host=example.com`, "=", " ",
			[]kvPair{{"source-address", "192.0.2.1"}, {"http.host", "example.com"}}},
		{"duplicates kept in order", `a=1 a=2`, "=", " ", []kvPair{{"a", "1"}, {"a", "2"}}},
		{"free text skipped", `session created a=1 "quoted = text" b=2`, "=", " ", []kvPair{{"a", "1"}, {"b", "2"}}},
		{"rfc5424 structured data", `[junos@2636.1.1.1.2.40 source-address="192.0.2.1" source-port="5000" nat-source-address=""] session created`, "=", " ",
			[]kvPair{{"source-address", "192.0.2.1"}, {"source-port", "5000"}, {"nat-source-address", ""}}},
		{"value with = inside", `url=/a?b=c d=1`, "=", " ", []kvPair{{"url", "/a?b=c"}, {"d", "1"}}},
		{"check point", `product: VPN-1 & FireWall-1; action: Accept; src: 192.0.2.1; time: 10:00:01;`, ":", ";",
			[]kvPair{{"product", "VPN-1 & FireWall-1"}, {"action", "Accept"}, {"src", "192.0.2.1"}, {"time", "10:00:01"}}},
		{"check point log exporter", `[action:"Accept"; ifdir:"inbound"; msg:"a; b"; version:"5"]`, ":", ";",
			[]kvPair{{"action", "Accept"}, {"ifdir", "inbound"}, {"msg", "a; b"}, {"version", "5"}}},
		{"check point leading words", `3Mar2016 10:00:00 accept gw >eth1 rule: 7; src: 192.0.2.1;`, ":", ";",
			[]kvPair{{"rule", "7"}, {"src", "192.0.2.1"}}},
		{"huawei in parentheses", `An intrusion was detected. (SyslogId=1, VSys="public", SrcIp=192.0.2.1, Action=Block)`, "=", ",",
			[]kvPair{{"SyslogId", "1"}, {"VSys", "public"}, {"SrcIp", "192.0.2.1"}, {"Action", "Block"}}},
		{"bracket closes unquoted last", `[a=1 b=2]`, "=", " ", []kvPair{{"a", "1"}, {"b", "2"}}},
		{"unclosed quote", `a="x y`, "=", " ", []kvPair{{"a", "x y"}}},
		{"tabs", "a=1\tb=2", "=", " ", []kvPair{{"a", "1"}, {"b", "2"}}},
		{"empty", ``, "=", " ", nil},
		{"no pair", `hello world`, "=", " ", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := parseKV(c.in, c.pair, c.sep, nil)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("parseKV(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestParseCSV(t *testing.T) {
	cols := []string{"a", "", "c", "d"}
	cases := []struct {
		name, in string
		want     []kvPair
	}{
		{"plain", `1,2,3,4`, []kvPair{{"a", "1"}, {"c", "3"}, {"d", "4"}}},
		{"quoted", `"x,y",2,"say ""hi""",4`, []kvPair{{"a", "x,y"}, {"c", `say "hi"`}, {"d", "4"}}},
		{"empty fields", `,,,`, []kvPair{{"a", ""}, {"c", ""}, {"d", ""}}},
		{"short record", `1,2`, []kvPair{{"a", "1"}}},
		{"long record", `1,2,3,4,5,6`, []kvPair{{"a", "1"}, {"c", "3"}, {"d", "4"}}},
		{"unclosed quote", `1,2,"x,y`, []kvPair{{"a", "1"}, {"c", "x,y"}}},
		{"empty", ``, []kvPair{{"a", ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := parseCSV(c.in, cols, nil)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("parseCSV(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestStructuredDataStart(t *testing.T) {
	for in, want := range map[string]int{
		`<14>1 2024-03-01T10:00:00Z srx RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636 a="1"] x`: 64,
		`<14>1 2024-03-01T10:00:00Z srx RT_FLOW - RT_FLOW_SESSION_CREATE - x`:                  -1,
		`Mar  1 10:00:00 h p: [x a="1"]`:                                                       -1,
		`<14>1 a b`:                                                                            -1,
		`1 2024-03-01T10:00:00Z h CheckPoint 1 - [action:"Drop"; src:"192.0.2.1"]`:             40,
	} {
		if got := structuredDataStart(in); got != want {
			t.Errorf("structuredDataStart(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseKVAllocs(t *testing.T) {
	line := `date=2024-03-01 time=10:00:00 devname="FGT-1" type="traffic" srcip=192.0.2.10 srcport=51000 action="accept" msg="no escapes"`
	dst := make([]kvPair, 0, 16)
	if n := testing.AllocsPerRun(100, func() { dst = parseKV(line, "=", " ", dst[:0]) }); n != 0 {
		t.Errorf("parseKV allocates %v times per line", n)
	}
	csv := `1,2024/03/01 10:00:00,0123,TRAFFIC,end,"a,b"`
	cols := []string{"a", "b", "c", "d", "e", "f"}
	if n := testing.AllocsPerRun(100, func() { dst = parseCSV(csv, cols, dst[:0]) }); n != 0 {
		t.Errorf("parseCSV allocates %v times per line", n)
	}
}

const extractRules = `
log_source_type "fw" {}

rule "kv-traffic" {
  log_source_types = ["fw"]
  pattern          = "type=\"?traffic\"?"
  extract          = "kv"
  classification   = "Network Traffic"
  map = {
    "source.ip"    = ["kv.srcip"]
    sport          = ["kv.srcport"]
    dip            = ["kv.dstip", "kv.dst"]
    "event.action" = ["kv.action"]
    bytes          = ["kv.sentbyte"]
    "labels.note"  = ["kv.msg"]
  }
  sub_rule "deny" {
    when           = "event.kv.action == \"deny\""
    classification = "Network Deny"
  }
  test {
    log    = "<189>Mar  1 10:00:00 fgt1 date=2024-03-01 type=\"traffic\" srcip=192.0.2.10 srcport=51000 dstip=198.51.100.1 action=\"deny\" msg=\"say \\\"hi\\\"\""
    expect = { sip = "192.0.2.10", sport = "51000", dip = "198.51.100.1", "event.action" = "deny", sub_rule = "deny", "kv.srcport" = "51000", "labels.note" = "say \"hi\"" }
  }
}

rule "csv-traffic" {
  log_source_types = ["fw"]
  pattern          = ",TRAFFIC,"
  extract          = "csv"
  columns          = ["_", "receive_time", "serial", "type", "subtype", "_", "src", "dst", "sport"]
  classification   = "Network Traffic"
  map              = { sip = ["csv.src"], dip = ["csv.dst"], sport = ["csv.sport"], "event.action" = ["csv.subtype"] }
  sub_rule "end" {
    when = "event.csv.subtype == \"end\""
    risk = 1
  }
  test {
    log    = "Mar  1 10:00:00 pa1 1,2024/03/01 10:00:00,0123,TRAFFIC,end,x,192.0.2.5,198.51.100.9,443"
    expect = { sip = "192.0.2.5", dip = "198.51.100.9", sport = "443", "event.action" = "end", sub_rule = "end", "csv.serial" = "0123" }
  }
}

rule "sd" {
  log_source_types = ["fw"]
  pattern          = "RT_FLOW_SESSION_CREATE"
  extract          = "kv"
  classification   = "Network Allow"
  map              = { sip = ["kv.source-address"], sport = ["kv.source-port"] }
}
`

func TestExtractRules(t *testing.T) {
	rs, err := LoadBytes("x.hcl", []byte(extractRules))
	if err != nil {
		t.Fatal(err)
	}
	if rep := rs.RunTests(); rep.Failed > 0 {
		t.Fatalf("%d tests failed: %v", rep.Failed, rep.Failures)
	}
	parse := func(line string) *event.Event {
		return rs.Parse(&Entry{Raw: []byte(line), LogSourceType: "fw"})
	}
	ev := parse(`<189>Mar  1 10:00:00 fgt1 type=traffic srcip=192.0.2.10 srcport=99999 dstip=not-an-ip dst=198.51.100.2 action=deny sentbyte=12`)
	for k, want := range map[string]string{
		"source.ip": "192.0.2.10", "labels.sport": "99999", "destination.ip": "", "labels.dip": "not-an-ip",
		"event.action": "deny", "sluice.sub_rule": "deny", "kv.action": "", "kv.srcip": "", "network.bytes": "12",
		"sluice.flags": FlagInvalidField,
	} {
		if got := ev.GetString(k); got != want && !(k == "sluice.flags" && strings.Contains(got, want)) {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if v, _ := ev.Get("source.port"); v != nil {
		t.Errorf("source.port = %v, want unset", v)
	}
	ev = parse(`<189>Mar  1 10:00:00 fgt1 type=traffic srcport=22`)
	if v, _ := ev.Get("source.port"); v != int64(22) {
		t.Errorf("source.port = %#v, want int64 22", v)
	}
	ev = parse(`<14>1 2024-03-01T10:00:00Z srx RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.40 source-address="192.0.2.1" source-port="5000"] session created`)
	if got := ev.GetString("source.ip") + " " + ev.GetString("source.port"); got != "192.0.2.1 5000" {
		t.Errorf("structured data: source %q", got)
	}
}

func TestExtractCompileErrors(t *testing.T) {
	rule := func(extra string) string {
		return "log_source_type \"fw\" {}\nlog_source_type \"j\" { format = \"json\" }\nrule \"r\" {\n  log_source_types = [\"fw\"]\n  pattern = \"x=\"\n  classification = \"Information\"\n" + extra + "}\n"
	}
	cases := []struct{ src, want string }{
		{rule("  extract = §\"xml\"\n"), `unknown extract "xml"; use "csv" or "kv"`},
		{rule("  columns = §[\"a\"]\n"), `columns is for extract = "csv"`},
		{rule("  kv_pair = §\":\"\n"), `kv_pair is for extract = "kv"`},
		{rule("  extract = \"csv\"\n  columns = [\"a\"]\n  kv_separator = §\";\"\n"), `kv_separator is for extract = "kv"`},
		{rule("  extract = §\"csv\"\n"), `extract = "csv" needs columns`},
		{rule("  extract = \"kv\"\n  columns = §[\"a\"]\n"), `columns is for extract = "csv"`},
		{rule("  extract = \"csv\"\n  columns = §[\"a b\"]\n"), `columns: field "csv.a b"`},
		{rule("  map = §{ sip = \"kv.src\" }\n"), `kv.* fields are read by extract = "kv"`},
		{rule("  extract = \"csv\"\n  columns = [\"a\"]\n  map = §{ sip = \"csv.b\" }\n"), `"b" is not one of the rule's columns`},
		{rule("  extract = \"kv\"\n  sub_rule \"s\" {\n    when = \"event.§csv.a == \\\"x\\\"\"\n  }\n"), `is never set by`},
		{rule("  extract = \"kv\"\n  kv_pair = §\"\"\n"), `kv_pair must be`},
	}
	for _, c := range cases {
		src, at := withMarker(t, "x.hcl", c.src)
		_, err := LoadBytes("x.hcl", []byte(src))
		if err == nil {
			t.Errorf("%q: loaded", c.want)
			continue
		}
		if !strings.Contains(err.Error(), at+": ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %s: …%s…, got\n%v", at, c.want, err)
		}
	}
	// A JSON rule cannot extract.
	_, err := LoadBytes("x.hcl", []byte("log_source_type \"j\" { format = \"json\" }\nrule \"r\" {\n  log_source_types = [\"j\"]\n  when = \"has(event.a)\"\n  classification = \"Information\"\n  extract = \"kv\"\n}\n"))
	if err == nil || !strings.Contains(err.Error(), "extract is for text log source types") {
		t.Errorf("json extract: %v", err)
	}
	// A test may expect any kv.* field of a kv rule.
	if _, err := LoadBytes("x.hcl", []byte(rule("  extract = \"kv\"\n  test {\n    log = \"a x=1\"\n    expect = { \"kv.x\" = \"1\" }\n  }\n"))); err != nil {
		t.Errorf("kv expect: %v", err)
	}

}
