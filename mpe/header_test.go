package mpe

import (
	"testing"
	"time"
)

func TestParseSyslogHeader(t *testing.T) {
	ref := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	cases := []struct {
		name string
		line string
		loc  *time.Location
		ts   string // RFC 3339 UTC, "" for none
		host string
		prog string
		pid  string
		pri  int
		seq  int64
		body string // the message after the header
	}{
		{
			name: "RFC 3164",
			line: "Mar  9 08:15:02 bastion1 sshd[4117]: Accepted publickey",
			ts:   "2024-03-09T08:15:02Z", host: "bastion1", prog: "sshd", pid: "4117", pri: -1,
			body: "Accepted publickey",
		},
		{
			name: "RFC 3164 with PRI, zero-padded day, fraction",
			line: "<38>Mar 09 08:15:02.250 bastion1 sudo: erin : TTY=pts/0",
			ts:   "2024-03-09T08:15:02.25Z", host: "bastion1", prog: "sudo", pri: 38,
			body: "erin : TTY=pts/0",
		},
		{
			name: "RFC 3164 in a zone",
			line: "Mar  9 08:15:02 h cron: x",
			loc:  berlin,
			ts:   "2024-03-09T07:15:02Z", host: "h", prog: "cron", pri: -1, body: "x",
		},
		{
			name: "no hostname (local writer)",
			line: "Mar  9 08:15:02 sshd[7]: hello",
			ts:   "2024-03-09T08:15:02Z", prog: "sshd", pid: "7", pri: -1, body: "hello",
		},
		{
			name: "program(module)[pid]",
			line: "Feb  7 22:40:13 oldbox sshd(pam_unix)[2412]: authentication failure",
			ts:   "2024-02-07T22:40:13Z", host: "oldbox", prog: "sshd", pid: "2412", pri: -1,
			body: "authentication failure",
		},
		{
			name: "no tag",
			line: "Feb  7 22:41:00 oldbox syslogd 1.4.2: restart.",
			ts:   "2024-02-07T22:41:00Z", host: "oldbox", pri: -1, body: "syslogd 1.4.2: restart.",
		},
		{
			name: "rsyslog RFC 3339 file format",
			line: "2024-03-09T08:15:02.123456+01:00 bastion1 sshd[1]: x",
			ts:   "2024-03-09T07:15:02.123456Z", host: "bastion1", prog: "sshd", pid: "1", pri: -1, body: "x",
		},
		{
			name: "RFC 5424",
			line: `<165>1 2024-03-09T08:15:02.003Z mymachine.example.com evntslog 8710 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event`,
			ts:   "2024-03-09T08:15:02.003Z", host: "mymachine.example.com", prog: "evntslog", pid: "8710", pri: 165,
			body: "An application event",
		},
		{
			name: "RFC 5424 nil values, escaped SD, BOM",
			line: "<13>1 - - - - - [a@1 x=\"q\\\"]\"][b@1] \uFEFFhello",
			pri:  13, body: "hello",
		},
		{
			name: "RFC 5424 without message",
			line: "<13>1 2024-03-09T08:15:02Z h app - - -",
			ts:   "2024-03-09T08:15:02Z", host: "h", prog: "app", pri: 13, body: "",
		},
		{
			name: "not syslog",
			line: "just some text",
			pri:  -1, body: "just some text",
		},
		{
			name: "PRI without timestamp",
			line: "<13>hello world",
			pri:  13, body: "hello world",
		},
		{
			name: "bad PRI",
			line: "<999>Mar  9 08:15:02 h p: x",
			pri:  -1, body: "<999>Mar  9 08:15:02 h p: x",
		},
		{
			name: "month name but no time",
			line: "May the force be with you",
			pri:  -1, body: "May the force be with you",
		},
		{
			name: "hour out of range",
			line: "Mar  9 25:15:02 h p: x",
			pri:  -1, body: "Mar  9 25:15:02 h p: x",
		},
		{
			name: "timestamp only",
			line: "Mar  9 08:15:02",
			ts:   "2024-03-09T08:15:02Z", pri: -1,
		},
		{
			name: "ISO 8601 with a numeric offset without a colon",
			line: "2024-03-09T08:15:02.123+0100 bastion1 sshd[1]: x",
			ts:   "2024-03-09T07:15:02.123Z", host: "bastion1", prog: "sshd", pid: "1", pri: -1, body: "x",
		},
		{
			name: "ISO 8601 with an hours-only offset",
			line: "<34>2024-03-09T08:15:02-05 fw3 named[88]: x",
			ts:   "2024-03-09T13:15:02Z", host: "fw3", prog: "named", pid: "88", pri: 34, body: "x",
		},
		{
			name: "ISO 8601 with a space for the T (macOS log, many appliances)",
			line: "2024-03-09 08:15:02.500+0100 mac1 launchd[1]: x",
			ts:   "2024-03-09T07:15:02.5Z", host: "mac1", prog: "launchd", pid: "1", pri: -1, body: "x",
		},
		{
			name: "ISO 8601 without a zone is read in loc",
			line: "2024-03-09 08:15:02 h1 app: x",
			ts:   "2024-03-09T08:15:02Z", host: "h1", prog: "app", pri: -1, body: "x",
		},
		{
			name: "Cisco mnemonic after the host is message text",
			line: "2024-03-09T10:00:00+02:00 fw2 %ASA-4-106023: Deny tcp",
			ts:   "2024-03-09T08:00:00Z", host: "fw2", pri: -1, body: "%ASA-4-106023: Deny tcp",
		},
		{
			name: "Cisco mnemonic without a host",
			line: "<166>Mar  9 2024 12:34:56: %ASA-6-302013: Built",
			ts:   "2024-03-09T12:34:56Z", pri: 166, body: "%ASA-6-302013: Built",
		},
		{
			name: "Cisco mnemonic alone",
			line: "%ASA-6-302013: Built",
			pri:  -1, body: "%ASA-6-302013: Built",
		},
		{
			name: "sequence number and device time with a zone",
			line: "<189>000123: Mar  9 08:15:02.123 UTC: %SYS-5-CONFIG_I: Configured",
			ts:   "2024-03-09T08:15:02.123Z", pri: 189, seq: 123, body: "%SYS-5-CONFIG_I: Configured",
		},
		{
			name: "unsynchronised device clock",
			line: "<189>45: *Mar  9 08:15:02.123: %LINK-3-UPDOWN: down",
			ts:   "2024-03-09T08:15:02.123Z", pri: 189, seq: 45, body: "%LINK-3-UPDOWN: down",
		},
		{
			name: "relayed: relay's header, device's sequence number and time",
			line: "Mar  9 08:15:03 router1 3345: .Mar  9 08:15:02.123 CET: %SEC-6-IPACCESSLOGP: list 101 denied",
			ts:   "2024-03-09T08:15:03Z", host: "router1", pri: -1, seq: 3345, body: "%SEC-6-IPACCESSLOGP: list 101 denied",
		},
		{
			name: "zone name after the time",
			line: "Mar  9 08:15:02 EST: h1 app: x",
			ts:   "2024-03-09T13:15:02Z", pri: -1, body: "h1 app: x",
		},
		{
			name: "macOS ASL level after the tag",
			line: "Mar  9 08:15:02 mac1 Google Chrome[85294] <Notice>: hello",
			ts:   "2024-03-09T08:15:02Z", host: "mac1", prog: "Google Chrome", pid: "85294", pri: -1, body: "hello",
		},
		{
			name: "BSD: no host, tag with pid",
			line: "<13>Mar  9 08:15:02 sshd[7]: hello",
			ts:   "2024-03-09T08:15:02Z", prog: "sshd", pid: "7", pri: 13, body: "hello",
		},
		{
			name: "unterminated pid",
			line: "Mar  9 08:15:02 h sshd[12: x",
			ts:   "2024-03-09T08:15:02Z", host: "h", pri: -1, body: "sshd[12: x",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			loc := c.loc
			if loc == nil {
				loc = time.UTC
			}
			var h header
			parseHeader(headerSyslog, c.line, loc, ref, &h)
			ts := ""
			if !h.ts.IsZero() {
				ts = h.ts.UTC().Format(time.RFC3339Nano)
			}
			if ts != c.ts || h.hostname != c.host || h.program != c.prog || h.pid != c.pid || h.pri != c.pri || h.seq != c.seq {
				t.Errorf("got ts=%q host=%q prog=%q pid=%q pri=%d seq=%d\nwant ts=%q host=%q prog=%q pid=%q pri=%d seq=%d",
					ts, h.hostname, h.program, h.pid, h.pri, h.seq, c.ts, c.host, c.prog, c.pid, c.pri, c.seq)
			}
			if body := c.line[min(h.body, len(c.line)):]; body != c.body {
				t.Errorf("body %q, want %q", body, c.body)
			}
		})
	}
}

func TestHeaderNone(t *testing.T) {
	var h header
	parseHeader(headerNone, "Mar  9 08:15:02 h p[1]: x", time.UTC, time.Now(), &h)
	if !h.ts.IsZero() || h.hostname != "" || h.pri != -1 {
		t.Errorf("header none parsed %+v", h)
	}
}

func TestInferYear(t *testing.T) {
	utc := time.UTC
	cases := []struct {
		name      string
		collected string
		month     time.Month
		day       int
		want      string
	}{
		{"same day", "2024-03-10T12:00:00Z", time.March, 10, "2024-03-10"},
		{"earlier this year", "2024-03-10T12:00:00Z", time.January, 2, "2024-01-02"},
		{"late last year, read in January", "2025-01-02T00:00:00Z", time.December, 31, "2024-12-31"},
		{"a little in the future: clock skew", "2024-03-10T12:00:00Z", time.March, 25, "2024-03-25"},
		{"more than a month ahead: last year", "2024-03-10T12:00:00Z", time.May, 1, "2023-05-01"},
		{"New Year with an agent clock behind", "2024-12-31T23:59:00Z", time.January, 1, "2025-01-01"},
		{"Feb 29 goes to a leap year", "2025-03-10T00:00:00Z", time.February, 29, "2024-02-29"},
		{"Feb 29 in a leap year", "2024-03-01T00:00:00Z", time.February, 29, "2024-02-29"},
	}
	for _, c := range cases {
		ref, err := time.Parse(time.RFC3339, c.collected)
		if err != nil {
			t.Fatal(err)
		}
		got := inferYear(c.month, c.day, 10, 0, 0, 0, utc, ref).Format("2006-01-02")
		if got != c.want {
			t.Errorf("%s: %s %d collected %s → %s, want %s", c.name, c.month, c.day, c.collected, got, c.want)
		}
	}
	if got := inferYear(time.March, 1, 0, 0, 0, 0, utc, time.Time{}); got.IsZero() {
		t.Error("zero reference time gave a zero date")
	}
}

func TestParsePRI(t *testing.T) {
	for _, c := range []struct {
		in     string
		pri, n int
	}{
		{"<0>x", 0, 3}, {"<191>x", 191, 5}, {"<192>x", 0, 0}, {"<>x", 0, 0}, {"<1a>", 0, 0}, {"<1234>", 0, 0}, {"<1", 0, 0},
	} {
		if pri, n := parsePRI(c.in); pri != c.pri || n != c.n {
			t.Errorf("parsePRI(%q) = %d, %d; want %d, %d", c.in, pri, n, c.pri, c.n)
		}
	}
}

// FuzzHeader reads arbitrary lines with every header parser: none may
// panic, and the body offset must fall inside the line.
func FuzzHeader(f *testing.F) {
	for _, l := range []string{
		"<189>000123: Mar  9 08:15:02.123 UTC: %SYS-5-CONFIG_I: x",
		"Mar  9 08:15:03 router1 3345: .Mar  9 08:15:02.123 CET: %SEC-6-IPACCESSLOGP: y",
		"2024-03-09 08:15:02.500+0100 mac1 launchd[1]: x",
		"2024-03-09T08:15:02-05 fw3 named[88]: x",
		"Mar  9 08:15:02 mac1 Google Chrome[85294] <Notice>: hello",
		"<13>1 - - - - - [a@1 x=\"q\\\"]\"][b@1] \uFEFFhello",
		"*Mar  9 08:15:02: %",
	} {
		f.Add(l)
	}
	ref := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, line string) {
		for _, k := range headerKinds {
			var h header
			parseHeader(k, line, time.UTC, ref, &h)
			if h.body < 0 || h.body > len(line) {
				t.Fatalf("kind %d: body %d outside %q", k, h.body, line)
			}
		}
	})
}
