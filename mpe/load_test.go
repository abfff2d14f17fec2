package mpe

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// marker shows, in a bad rule source, where the error must point.
const marker = "§"

// withMarker removes the marker from src and returns the file:line:col
// it stood at.
func withMarker(t *testing.T, name, src string) (string, string) {
	t.Helper()
	i := strings.Index(src, marker)
	if i < 0 {
		t.Fatalf("no %s in source", marker)
	}
	before := src[:i]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndex(before, "\n")+1:]) + 1
	return strings.Replace(src, marker, "", 1), fmt.Sprintf("%s:%d:%d", name, line, col)
}

const decl = "log_source_type \"linux-auth\" {}\n"

// okRule is a valid rule body; cases below change one thing.
func okRule(name string, extra string) string {
	return `rule "` + name + `" {
  log_source_types = ["linux-auth"]
  pattern          = <<-RE
    sshd\[<pid>\]: Accepted <method> for <login> from <sip> port <sport>
  RE
  classification   = "Authentication Success"
` + extra + `}
`
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string // with § where the error must point
		msg  string // substring of the message
	}{
		{
			name: "regexp does not compile",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n" + `  pattern = <<-RE` + "\n" + `    sshd ` + marker + `(<pid>: x` + "\n  RE\n" + `  classification = "Information"` + "\n}\n",
			msg:  "missing closing )",
		},
		{
			name: "unknown tag",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n" + `  pattern = <<-RE` + "\n" + `      sshd\[<pid>\]: Accepted ` + marker + `<methd> for <login>` + "\n    RE\n" + `  classification = "Information"` + "\n}\n",
			msg:  "unknown tag <methd> (did you mean <method>?)",
		},
		{
			name: "unknown tag in a quoted string",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n" + `  pattern = "user ` + marker + `<logn>"` + "\n" + `  classification = "Information"` + "\n}\n",
			msg:  "unknown tag <logn>",
		},
		{
			name: "unknown tag after escapes",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n" + `  pattern = "sshd\\[<pid>\\]: \"user\" ` + marker + `<logn>"` + "\n" + `  classification = "Information"` + "\n}\n",
			msg:  "unknown tag <logn>",
		},
		{
			name: "duplicate rule name",
			src:  decl + okRule("dup", "") + `rule ` + marker + `"dup" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n  pattern = \"x\"\n" + `  classification = "Information"` + "\n}\n",
			msg:  `rule "dup" is already defined at x.hcl:2:6`,
		},
		{
			name: "risk out of range",
			src:  decl + okRule("r", "  risk = "+marker+"12\n"),
			msg:  "risk must be between 0 and 9, not 12",
		},
		{
			name: "unknown header",
			src:  `log_source_type "linux-auth" { header = ` + marker + `"rfc9999" }` + "\n",
			msg:  `unknown header "rfc9999"; use "cisco", "none" or "syslog"`,
		},
		{
			name: "expect key never set",
			src: decl + okRule("r", `  test {
    log    = "Jan 10 10:00:00 h sshd[1]: Accepted password for bob from 192.0.2.1 port 22 ssh2"
    expect = { login = "bob", `+marker+`dip = "192.0.2.2" }
  }
`),
			msg: `test 1: expect key "dip" (destination.ip) is never set by rule "r"`,
		},
		{
			name: "unknown classification",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n  pattern = \"x\"\n" + `  classification = ` + marker + `"Authentication Sucess"` + "\n}\n",
			msg:  `unknown classification "Authentication Sucess" (did you mean "Authentication Success"?)`,
		},
		{
			name: "Unknown is reserved",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n  pattern = \"x\"\n" + `  classification = ` + marker + `"Unknown"` + "\n}\n",
			msg:  `reserved`,
		},
		{
			name: "undeclared log source type",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ` + marker + `["linux-auht"]` + "\n  pattern = \"x\"\n" + `  classification = "Information"` + "\n}\n",
			msg:  `log source type "linux-auht" is not declared`,
		},
		{
			name: "HCL syntax error",
			src:  decl + `rule "r" ` + marker + `{` + "\n" + `  pattern = "x"` + "\n",
			msg:  "Unclosed configuration block",
		},
		{
			name: "a backquoted string",
			src:  decl + `rule "r" {` + "\n" + `  pattern = ` + marker + "`" + `sshd\[<pid>\]` + "`" + "\n}\n",
			msg:  `HCL has no backquoted strings: write "sshd\\[<pid>\\]" (in quotes \ and " are escaped), or a heredoc, where nothing is: <<-RE`,
		},
		{
			name: "position after a string with escapes",
			src:  decl + `rule "r" {` + "\n" + `  pattern = "a\"b\\c$${x}" ` + marker + `oops = 1` + "\n}\n",
			msg:  "Missing newline after argument",
		},
		{
			name: "unsupported argument",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n  pattern = \"x\"\n" + `  classification = "Information"` + "\n  " + marker + "patern = \"y\"\n}\n",
			msg:  `Unsupported argument`,
		},
		{
			name: "missing pattern",
			src:  decl + `rule "r" ` + marker + `{` + "\n" + `  log_source_types = ["linux-auth"]` + "\n" + `  classification = "Information"` + "\n}\n",
			msg:  `The argument "pattern" is required`,
		},
		{
			name: "when: assignment instead of comparison",
			src:  decl + okRule("r", "  sub_rule \"root\" {\n    when = \"has(event.login) && event.login "+marker+"= \\\"root\\\"\"\n    risk = 7\n  }\n"),
			msg:  `when: "=" is not an operator; compare with "=="`,
		},
		{
			name: "when: field the rule never sets",
			src:  decl + okRule("r", "  sub_rule \"x\" {\n    when = <<-CEL\n      event.login == \"bob\" || event."+marker+"dip == \"192.0.2.1\"\n    CEL\n  }\n"),
			msg:  `event.dip (destination.ip) is never set by this rule`,
		},
		{
			name: "duplicate sub_rule",
			src:  decl + okRule("r", "  sub_rule \"a\" {\n    when = \"true\"\n  }\n  sub_rule "+marker+"\"a\" {\n    when = \"true\"\n  }\n"),
			msg:  `sub_rule "a" is defined twice`,
		},
		{
			name: "fields may not set engine metadata",
			src:  decl + okRule("r", "  fields = { "+marker+"\"sluice.rule\" = \"x\" }\n"),
			msg:  `fields cannot set sluice.rule`,
		},
		{
			name: "event.outcome must be ECS",
			src:  decl + okRule("r", "  fields = { \"event.outcome\" = "+marker+"\"succeeded\" }\n"),
			msg:  `event.outcome must be "success", "failure" or "unknown"`,
		},
		{
			name: "group name writes a reserved field",
			src:  decl + `rule "r" {` + "\n" + `  log_source_types = ["linux-auth"]` + "\n" + `  pattern = "\\d ` + marker + `(?P<classification>\\w+)"` + "\n" + `  classification = "Information"` + "\n}\n",
			msg:  `group "classification" would write sluice.classification`,
		},
		{
			name: "tag overrides a built-in",
			src:  "tag " + marker + "\"sip\" {\n  pattern = \"x\"\n  field = \"source.ip\"\n}\n",
			msg:  `tag "sip" is built in`,
		},
		{
			name: "tag with an unknown type",
			src:  "tag \"code\" {\n  pattern = \"x\"\n  field = \"labels.code\"\n  type = " + marker + "\"integer\"\n}\n",
			msg:  `unknown type "integer"`,
		},
		{
			name: "test for a type the rule does not have",
			src: "log_source_type \"other\" {}\n" + decl + okRule("r", `  test {
    log             = "x"
    log_source_type = `+marker+`"other"
    expect          = { login = "bob" }
  }
`),
			msg: `rule "r" does not apply to log source type "other"`,
		},
		{
			name: "unknown timezone",
			src:  `log_source_type "t" { timezone = ` + marker + `"Mars/Olympus" }` + "\n",
			msg:  `unknown timezone "Mars/Olympus"`,
		},
		{
			name: "duplicate log source type",
			src:  decl + `log_source_type ` + marker + `"linux-auth" {}` + "\n",
			msg:  `log_source_type "linux-auth" is already declared at x.hcl:1:17`,
		},
		{
			name: "empty expect",
			src:  decl + okRule("r", "  test {\n    log = \"x\"\n    expect = "+marker+"{}\n  }\n"),
			msg:  `expect must name at least one field`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, at := withMarker(t, "x.hcl", c.src)
			rs, err := LoadBytes("x.hcl", []byte(src))
			if err == nil {
				t.Fatalf("loaded %d rules; want an error at %s", rs.Len(), at)
			}
			var errs hclconf.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, not hclconf.Errors: %v", err, err)
			}
			for _, e := range errs {
				if strings.HasPrefix(e.Error(), at+": ") && strings.Contains(e.Msg, c.msg) {
					return
				}
			}
			t.Errorf("want an error at %s containing %q; got:\n%v", at, c.msg, err)
		})
	}
}

func TestLoadFolderWithOneBrokenFile(t *testing.T) {
	dir := t.TempDir()
	good := decl + okRule("good", "")
	if err := os.WriteFile(filepath.Join(dir, "a.hcl"), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "more")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	broken := okRule("broken", "  risk = 10\n")
	if err := os.WriteFile(filepath.Join(sub, "b.hcl"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "notes.txt"), []byte("not rules"), 0o600); err != nil {
		t.Fatal(err)
	}

	rs, err := Load([]string{dir})
	if err == nil {
		t.Fatalf("loaded %d rules from a folder with a broken file", rs.Len())
	}
	want := filepath.Join(sub, "b.hcl") + ":7:10: risk must be between 0 and 9"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}

	// Without the broken file the folder loads, and a rule may use a log
	// source type another file declares.
	if err := os.WriteFile(filepath.Join(sub, "b.hcl"), []byte(okRule("fixed", "")), 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err = Load([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Len() != 2 {
		t.Errorf("Len = %d, want 2", rs.Len())
	}
	if got := rs.Types(); len(got) != 1 || got[0] != "linux-auth" {
		t.Errorf("Types = %v", got)
	}
}

func TestLoadPathErrors(t *testing.T) {
	dir := t.TempDir()
	for _, paths := range [][]string{nil, {filepath.Join(dir, "missing.hcl")}, {dir}} {
		if _, err := Load(paths); err == nil {
			t.Errorf("Load(%v) succeeded", paths)
		} else if !errors.As(err, new(hclconf.Errors)) {
			t.Errorf("Load(%v): %T is not hclconf.Errors", paths, err)
		}
	}
}

func TestPolicyOrder(t *testing.T) {
	src := decl + `log_source_type "empty" {}
rule "b" {
  log_source_types = ["linux-auth"]
  sort_order = 10
  pattern = "x"
  classification = "Information"
}
rule "a" {
  log_source_types = ["linux-auth"]
  sort_order = 10
  pattern = "x"
  classification = "Information"
}
rule "c" {
  log_source_types = ["linux-auth"]
  sort_order = 5
  pattern = "x"
  classification = "Information"
}
`
	rs, err := LoadBytes("p.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs.types["linux-auth"].policy {
		names = append(names, r.name)
	}
	if got := strings.Join(names, ","); got != "c,a,b" {
		t.Errorf("policy order %s, want c,a,b (sort_order, then name)", got)
	}
	if got := rs.Types(); len(got) != 1 {
		t.Errorf("Types = %v; a declared type without rules has no policy", got)
	}
	if ev := rs.Parse(&Entry{Raw: []byte("x"), LogSourceType: "linux-auth"}); ev.GetString("sluice.rule") != "c" {
		t.Errorf("matched %q, want c", ev.GetString("sluice.rule"))
	}
}

// TestLoadErrorsFullMPE covers the load errors of conditions, JSON
// sources, event rules, templates, intel lists and tags: each points at
// file:line:col with a message a rule author understands.
func TestLoadErrorsFullMPE(t *testing.T) {
	jsonDecl := "log_source_type \"win\" { format = \"json\" }\n"
	cases := []struct {
		name string
		src  string
		msg  string
	}{
		{
			name: "a test's intel names no list",
			src:  "intel_list \"bad\" {\n  file = \"/dev/null\"\n  type = \"ip\"\n  fields = [\"source.ip\"]\n}\n" + decl + okRule("r", "  test {\n    log = \"sshd[1]: Accepted password for bob from 192.0.2.1 port 22\"\n    intel = "+marker+"{ \"bda\" = \"192.0.2.1\" }\n    expect = { login = \"bob\" }\n  }\n"),
			msg:  `test 1: intel: no intel_list "bda"`,
		},
		{
			name: "a test's intel value its list cannot hold",
			src:  "intel_list \"bad\" {\n  file = \"/dev/null\"\n  type = \"ip\"\n  fields = [\"source.ip\"]\n}\n" + decl + okRule("r", "  test {\n    log = \"sshd[1]: Accepted password for bob from 192.0.2.1 port 22\"\n    intel = "+marker+"{ \"bad\" = [\"not-an-ip\"] }\n    expect = { login = \"bob\" }\n  }\n"),
			msg:  `is not an IP address`,
		},
		{
			name: "a test under a type that does not hold the rule",
			src:  "log_source_type \"other\" {}\n" + decl + okRule("r", "  test {\n    log = \"sshd[1]: Accepted password for bob from 192.0.2.1 port 22\"\n    log_source_type = "+marker+"\"other\"\n    expect = { login = \"bob\" }\n  }\n"),
			msg:  `neither lists it nor joins it by identification`,
		},
		{
			name: "identify on a JSON type",
			src:  "log_source_type \"win\" {\n  format = \"json\"\n  identify = " + marker + "true\n}\n" + decl + okRule("r", ""),
			msg:  "identify is for text log source types",
		},
		{
			name: "product without a vendor",
			src:  "log_source_type \"fw\" {\n  product = " + marker + "\"Wall\"\n}\n" + decl + okRule("r", ""),
			msg:  "product needs a vendor",
		},
		{
			name: "empty vendor",
			src:  "log_source_type \"fw\" {\n  vendor = " + marker + "\" \"\n}\n" + decl + okRule("r", ""),
			msg:  "vendor is empty",
		},
		{
			name: "CEL type error",
			src:  decl + okRule("r", "  sub_rule \"x\" {\n    when = \"event.login != \\\"\\\" && event.sport "+marker+"== \\\"22\\\"\"\n  }\n"),
			msg:  `when: found no matching overload for '_==_' applied to '(int, string)'`,
		},
		{
			name: "CEL syntax error",
			src:  decl + okRule("r", "  sub_rule \"x\" {\n    when = <<-CEL\n      event.login == "+marker+")\n    CEL\n  }\n"),
			msg:  `when: mismatched input ')'`,
		},
		{
			name: "condition that is not a bool",
			src:  decl + okRule("r", "  sub_rule \"x\" {\n    when = \""+marker+"event.login\"\n  }\n"),
			msg:  `it must be true or false`,
		},
		{
			name: "event rule condition on a field no rule sets",
			src:  decl + okRule("r", "") + "event_rule \"e\" {\n  when = <<-CEL\n      event." + marker + "dip == \"192.0.2.1\"\n    CEL\n  drop = true\n}\n",
			msg:  `event.dip (destination.ip) is never set by any rule of the event rule's log source types`,
		},
		{
			name: "event rule that does nothing",
			src:  decl + "event_rule " + marker + "\"e\" {\n  when = \"true\"\n}\n",
			msg:  `does nothing`,
		},
		{
			name: "duplicate event rule",
			src:  decl + "event_rule \"e\" {\n  when = \"true\"\n  drop = true\n}\nevent_rule " + marker + "\"e\" {\n  when = \"true\"\n  drop = true\n}\n",
			msg:  `event_rule "e" is already defined at x.hcl:2:12`,
		},
		{
			name: "event rule test expects a field no rule sets",
			src:  decl + okRule("r", "") + "event_rule \"e\" {\n  when = \"true\"\n  drop = true\n  test {\n    log = \"x\"\n    log_source_type = \"linux-auth\"\n    expect = { " + marker + "dip = \"192.0.2.1\" }\n  }\n}\n",
			msg:  `expect key "dip" (destination.ip) is never set by any rule of event rule "e"'s log source types`,
		},
		{
			name: "alarm template on a field no rule sets",
			src:  decl + okRule("r", "") + "event_rule \"e\" {\n  when = \"true\"\n  alarm {\n    message = \"x ${" + marker + "event.dip}\"\n  }\n}\n",
			msg:  `placeholder ${event.dip}: destination.ip is never set`,
		},
		{
			name: "unknown alarm severity",
			src:  decl + "event_rule \"e\" {\n  when = \"true\"\n  alarm {\n    severity = " + marker + "\"urgent\"\n  }\n}\n",
			msg:  `unknown severity "urgent"`,
		},
		{
			name: "webhook URL",
			src:  decl + "event_rule \"e\" {\n  when = \"true\"\n  webhook {\n    url = " + marker + "\"ftp://example.com/x\"\n  }\n}\n",
			msg:  `webhook url must be an http:// or https:// URL`,
		},
		{
			name: "intel file that does not exist",
			src:  "intel_list \"l\" {\n  file   = " + marker + "\"no-such-list.txt\"\n  type   = \"ip\"\n  fields = [\"source.ip\"]\n}\n",
			msg:  `no-such-list.txt does not exist`,
		},
		{
			name: "intel list type",
			src:  "intel_list \"l\" {\n  file   = \"x\"\n  type   = " + marker + "\"ipv4\"\n  fields = [\"source.ip\"]\n}\n",
			msg:  `unknown intel list type "ipv4"`,
		},
		{
			name: "JSON rule with a pattern",
			src:  jsonDecl + "rule \"r\" {\n  log_source_types = [\"win\"]\n  pattern = " + marker + "\"x\"\n  classification = \"Information\"\n}\n",
			msg:  `matches with when`,
		},
		{
			name: "text rule with when",
			src:  decl + "rule \"r\" {\n  log_source_types = [\"linux-auth\"]\n  pattern = \"x\"\n  when = " + marker + "\"true\"\n  classification = \"Information\"\n}\n",
			msg:  `when on a rule is for JSON log source types`,
		},
		{
			name: "rule for text and JSON types",
			src:  decl + jsonDecl + "rule \"r\" {\n  log_source_types = " + marker + "[\"linux-auth\", \"win\"]\n  pattern = \"x\"\n  classification = \"Information\"\n}\n",
			msg:  `cannot apply to both text and JSON`,
		},
		{
			name: "time tag without a layout",
			src:  "tag \"t\" {\n  pattern = \"x\"\n  field = \"@timestamp\"\n  type = " + marker + "\"time\"\n}\n",
			msg:  `a time tag needs a layout`,
		},
		{
			name: "header_pattern that does not compile",
			src:  "log_source_type \"t\" {\n  header_pattern = <<-RE\n    ^" + marker + "(x\n  RE\n}\n",
			msg:  `missing closing )`,
		},
		{
			name: "header_pattern with an unknown tag",
			src:  "log_source_type \"t\" {\n  header_pattern = \"^\\\\d " + marker + "<nope>\"\n}\n",
			msg:  `unknown tag <nope>`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, at := withMarker(t, "x.hcl", c.src)
			rs, err := LoadBytes("x.hcl", []byte(src))
			if err == nil {
				t.Fatalf("loaded %d rules; want an error at %s", rs.Len(), at)
			}
			var errs hclconf.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, not hclconf.Errors: %v", err, err)
			}
			for _, e := range errs {
				if strings.HasPrefix(e.Error(), at+": ") && strings.Contains(e.Msg, c.msg) {
					return
				}
			}
			t.Errorf("want an error at %s containing %q; got:\n%v", at, c.msg, err)
		})
	}
}
