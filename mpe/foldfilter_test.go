package mpe

import (
	"regexp"
	"strings"
	"testing"
)

// foldPatterns are case-insensitive conditions of the kind the web packs
// use, and others that exercise the filter's corners.
var foldPatterns = []string{
	`(?i)(union(\s|\+|%20|/\*.*?\*/)+(all(\s|\+|%20)+)?select|select(\s|\+|%20)+.+(\s|\+|%20)from(\s|\+|%20)|(pg_)?sleep\(\s*\d|benchmark\(|waitfor(\s|\+|%20)+delay|information_schema|declare(\s|\+|%20)+@|%27(\s|\+|%20)*(or|and)(\s|\+|%20)|'(\s|\+|%20)*(or|and)(\s|\+|%20)+['\d]|(;|%3b)(\s|\+|%20)*(drop|insert|update|delete)(\s|\+|%20)|xp_cmdshell|sysdate\(\))`,
	`(?i)((<|%3c)(\s|%20)*/?(script|iframe|img|svg|body|object|embed)|javascript:|vbscript:|on(error|load|mouseover|focus)(\s|%20)*=|document\.(cookie|location)|alert\(|String\.fromCharCode)`,
	`(?i)(\.\./|\.\.%2f|%2e%2e(/|%2f)|\.\.\\|\.\.%5c|/etc/(passwd|shadow|hosts)|win\.ini|boot\.ini|/proc/self/)`,
	`(?i)(nikto|sqlmap|nmap|w3af|zmeu|masscan|dirbuster|python-requests)`,
	`\(\)(\s|%20)*\{`,
	`(?i)kelvin`,
	`(?i)x[Yy]z`,
	`^admin$`,
	`(?i)a+b`,
	`.*`,
}

var foldInputs = []string{
	"", "/", "/index.html?q=1", "/search?q=UNION%20SELECT%20password%20FROM%20users",
	"/x?id=1' OR '1'='1", "/x?id=1%27%20or%201=1", "/x;DROP TABLE users", "/p?x=<ScRiPt>alert(1)</script>",
	"/../../etc/passwd", "/..%2F..%2Fwin.ini", "Mozilla/5.0 (compatible; Nikto/2.1.6)", "sqlmap/1.7",
	"() { :; }; /bin/bash -c id", "KELVIN", "\u212aelvin", "ſelect union", "XyZ", "xYz", "admin", "aaab",
	"/wp-login.php", "/api/v1/users?sleep(5)", "/a?q=SLEEP( 3)", "/a?b=BENCHMARK(1000000,MD5(1))",
	strings.Repeat("a", 600) + "UNION ALL SELECT x FROM y", strings.Repeat("é", 10) + "select",
}

// TestFoldFilterNeverRejectsAMatch: the filter is a shortcut in front of
// the regular expression, so it must pass every string the expression
// matches (checked against Go's regexp, which it stands in front of).
func TestFoldFilterNeverRejectsAMatch(t *testing.T) {
	for _, p := range foldPatterns {
		re := regexp.MustCompile(p)
		f := newFoldFilter(p)
		for _, in := range foldInputs {
			if re.MatchString(in) && f != nil && !f.mayMatch(in) {
				t.Errorf("filter of %q rejects %q, which matches", p, in)
			}
		}
	}
	// It does reject: plain URLs skip the SQL injection expression.
	if f := newFoldFilter(foldPatterns[0]); f == nil || f.mayMatch("/index.html?q=1&page=2") {
		t.Errorf("the SQL injection filter passes a plain URL: %+v", f)
	}
	if f := newFoldFilter(`.*`); f != nil {
		t.Errorf("a pattern without literals has a filter: %+v", f)
	}
}

func FuzzFoldFilter(f *testing.F) {
	for i, in := range foldInputs {
		f.Add(uint8(i), in)
	}
	filters := make([]*foldFilter, len(foldPatterns))
	res := make([]*regexp.Regexp, len(foldPatterns))
	for i, p := range foldPatterns {
		filters[i], res[i] = newFoldFilter(p), regexp.MustCompile(p)
	}
	f.Fuzz(func(t *testing.T, which uint8, in string) {
		i := int(which) % len(foldPatterns)
		if res[i].MatchString(in) && filters[i] != nil && !filters[i].mayMatch(in) {
			t.Fatalf("filter of %q rejects %q, which matches", foldPatterns[i], in)
		}
	})
}
