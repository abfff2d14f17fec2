package mpe

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// fuzzLines are lines every loaded rule set is tried on.
var fuzzLines = []string{
	"Mar 10 11:00:00 h sshd[1]: Accepted password for bob from 192.0.2.5 port 22 ssh2",
	"<13>1 2024-03-10T11:00:00Z h app 1 - - hello",
	`{"winlog":{"event_id":4624,"event_data":{"TargetUserName":"bob"}},"@timestamp":"2024-03-10T11:00:00Z"}`,
	"",
	"\xff\xfe",
}

func FuzzLoadBytes(f *testing.F) {
	// Seeds are the starter rules one at a time: small inputs keep the
	// fuzzer's mutation and minimisation fast.
	files, _ := filepath.Glob("../configs/rules/*.hcl")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for i, block := range strings.Split(string(b), "\nrule ") {
			if i > 0 {
				f.Add([]byte(decl + "log_source_type \"syslog\" {}\nrule " + block))
			}
		}
	}
	f.Add([]byte(engineRules))
	f.Add([]byte(decl + okRule("r", "  sub_rule \"s\" {\n    when = <<-CEL\n      event.login in [\"a\"] && !has(event.dip)\n    CEL\n  }\n")))
	f.Add([]byte("rule \"r\" {\n  pattern = \"(<sip>\"\n}\n"))
	f.Add([]byte("rule \"r\" {\n  pattern = `\\d` # backquotes are not HCL\n}\n"))
	f.Add([]byte("tag \"t\" { pattern = \"`\" field = \"a.b\" }"))
	f.Add([]byte("v = <<EOT\n`\nEOT\n"))
	f.Add([]byte("log_source_type \"j\" { format = \"json\" }\nrule \"r\" {\n  log_source_types = [\"j\"]\n  when = \"event.winlog.event_id == 4624\"\n  classification = \"Information\"\n  map = { login = \"winlog.event_data.TargetUserName\" }\n}\n"))
	f.Add([]byte(decl + okRule("r", "") + "event_rule \"e\" {\n  when = \"event.login == \\\"root\\\"\"\n  set = { \"labels.x\" = \"y\" }\n  alarm {\n    message = \"${event.login}\"\n  }\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		rs, err := LoadBytes("fuzz.hcl", src)
		if err != nil {
			var errs hclconf.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %T is not a non-empty hclconf.Errors: %v", err, err)
			}
			return
		}
		for _, typ := range append(rs.Types(), "") {
			for _, l := range fuzzLines {
				checkEvent(t, rs.Parse(&Entry{Raw: []byte(l), LogSourceType: typ}))
				for _, ev := range rs.Process(&Entry{Raw: []byte(l), LogSourceType: typ}, nil) {
					checkEvent(t, ev)
				}
			}
		}
		rs.RunTests()
	})
}

func FuzzParse(f *testing.F) {
	rs, err := Load([]string{"../configs/rules"})
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range fuzzLines {
		f.Add([]byte(l), uint8(0), false)
	}
	f.Add([]byte("<999>Feb 29 24:61:61 - x[: y"), uint8(1), true)
	f.Add([]byte("<13>1 - - - - - [a x=\"\\]"), uint8(2), false)
	f.Add([]byte("Jan  1 00:00:00 h sudo:   u : TTY=a ; PWD=b ; USER=c ; COMMAND="), uint8(0), false)
	f.Add([]byte(`{"winlog":{"event_id":"4740","event_data":{"TargetUserName":"x"}},"sluice":{"rule":"y"}}`), uint8(0), false)
	f.Add([]byte(`{"a":[{"b":1}],"message":7,"@timestamp":"not a time"}`), uint8(0), false)
	f.Add([]byte(`[1,2,3]`), uint8(0), false)
	f.Add([]byte("Oct 10 2018 12:34:56 fw : %ASA-6-302013: Built inbound TCP connection 1 for a:b/1 (c) to d:e/2 (f)"), uint8(0), false)
	types := append(rs.Types(), "undeclared")
	f.Fuzz(func(t *testing.T, raw []byte, typ uint8, truncated bool) {
		e := &Entry{
			Raw:           raw,
			LogSourceType: types[int(typ)%len(types)],
			Agent:         "fuzz",
			Collected:     time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			Truncated:     truncated,
		}
		checkEvent(t, rs.Parse(e))
		for _, ev := range rs.Process(e, nil) {
			checkEvent(t, ev)
		}
	})
}

// FuzzCondition compiles arbitrary conditions; those that compile are
// evaluated on an event both ways (fast path and cel-go), which must agree
// and not panic.
func FuzzCondition(f *testing.F) {
	for _, c := range []string{
		`event.login == "root"`, `event.sport > 20 && has(event.dip)`, `"a" in event.event.category`,
		`string(event.sport) == "22" || event.login.startsWith("r")`, `!(event.ok) || event.login in ["a", "b"]`,
		`event.login.matches("^r.*t$")`, `int(event.login) == 3`, `event.sport == 22.0`,
	} {
		f.Add(c, true)
		f.Add(c, false)
	}
	ev := &event.Event{}
	ev.Set("user.name", "root")
	ev.Set("source.port", int64(22))
	ev.Set("event.category", []string{"a", "b"})
	ev.Set("labels.ok", true)
	f.Fuzz(func(t *testing.T, src string, open bool) {
		s := testSchema()
		s.add("labels.ok", types.BoolType)
		s.open = open
		c, err := compileCondition(src, s)
		if err != nil {
			var ce *condError
			if !errors.As(err, &ce) && !strings.Contains(err.Error(), "condition") {
				t.Fatalf("error %T: %v", err, err)
			}
			return
		}
		want := c.celHolds(ev)
		if c.fast != nil {
			switch c.fast(ev) {
			case triTrue:
				if !want {
					t.Fatalf("%s: fast true, cel-go false", src)
				}
			case triFalse, triError:
				if want {
					t.Fatalf("%s: fast false, cel-go true", src)
				}
			}
		}
	})
}

func checkEvent(t *testing.T, ev *event.Event) {
	t.Helper()
	if ev == nil {
		t.Fatal("nil event")
	}
	if !utf8.ValidString(ev.Message) {
		t.Fatalf("message is not valid UTF-8: %q", ev.Message)
	}
	if js := ev.AppendJSON(nil); !json.Valid(js) {
		t.Fatalf("invalid JSON: %s", js)
	}
	if ev.GetString(event.FieldClassification) == "" {
		t.Fatal("no classification")
	}
	if _, ok := ev.Get(event.FieldFlags); ok {
		for _, fl := range ev.Fields() {
			if fl.Key == event.FieldFlags {
				for _, s := range fl.Value.([]string) {
					if s == event.FlagError {
						t.Fatalf("parse recovered from a panic: %s", ev.GetString("error.message"))
					}
				}
			}
		}
	}
}

// FuzzKV: the key=value parser never panics, its keys are non-empty words,
// and a value written quoted with escapes reads back as it was.
func FuzzKV(f *testing.F) {
	f.Add(`date=2024-03-01 devname="FGT-1" msg="say \"hi\"" empty= [sd@1 a="b"] x`, "=", " ", "v\"al\\ue")
	f.Add(`product: VPN-1 & FireWall-1; action: Accept; src: 192.0.2.1;`, ":", ";", "a; b")
	f.Add(`[action:"Accept"; ifdir:"inbound"]`, ":", ";", "")
	f.Add(`a='x' b="`, "=", "", "'")
	f.Fuzz(func(t *testing.T, line, pair, sep, val string) {
		for _, p := range parseKV(line, pair, sep, nil) {
			if p.key == "" || strings.ContainsAny(p.key, " \t") {
				t.Fatalf("parseKV(%q, %q, %q): key %q", line, pair, sep, p.key)
			}
		}
		// Round trip: k="val" among other pairs.
		if pair == "" || strings.ContainsAny(pair, " \t\"'\\[") || strings.Contains(pair, "k") {
			return
		}
		ws := sep == "" || sep == " "
		s := sep
		if ws {
			s = " "
		} else if strings.TrimSpace(sep) == "" || strings.ContainsAny(sep, "\"'\\k") || strings.Contains(sep, pair) || strings.Contains(pair, strings.TrimSpace(sep)) {
			return
		} else {
			s = strings.TrimSpace(sep)
		}
		esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(val)
		in := "k" + pair + `"` + esc + `"` + s + "kk" + pair + "x"
		got := parseKV(in, pair, s, nil)
		if len(got) < 1 || got[0].key != "k" || got[0].val != val {
			t.Fatalf("parseKV(%q, %q, %q) = %q, want k=%q first", in, pair, s, got, val)
		}
	})
}

// FuzzCSV: the CSV parser never panics, names only the columns it has, and
// reads back fields written with RFC 4180 quoting.
func FuzzCSV(f *testing.F) {
	f.Add(`1,2024/03/01 10:00:00,0123,TRAFFIC,"a,b","say ""hi""",`, "x\x00y,z\x00\"q\"")
	f.Add(`"unclosed,1`, "")
	f.Fuzz(func(t *testing.T, line, fields string) {
		cols := []string{"a", "", "c", "d", "e", "f", "g", "h"}
		for _, p := range parseCSV(line, cols, nil) {
			if p.key == "" {
				t.Fatalf("parseCSV(%q): unnamed column", line)
			}
		}
		want := strings.Split(fields, "\x00")
		if len(want) > len(cols) {
			want = want[:len(cols)]
		}
		enc := make([]string, len(want))
		for i, w := range want {
			enc[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		}
		in := strings.Join(enc, ",")
		got := parseCSV(in, cols, nil)
		k := 0
		for i, w := range want {
			if cols[i] == "" {
				continue
			}
			if k >= len(got) || got[k].key != cols[i] || got[k].val != w {
				t.Fatalf("parseCSV(%q) = %q, want column %s = %q", in, got, cols[i], w)
			}
			k++
		}
	})
}
