package mpe

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/pkg/event"
)

// header is what a header parser found at the start of a line.
type header struct {
	ts       time.Time
	hostname string
	program  string // process name, "(…)" suffix removed
	pid      string
	msgid    string // RFC 5424 MSGID
	pri      int    // syslog PRI, or -1
	seq      int64  // a device's message sequence number, or 0
	body     int    // offset of the message after the header
}

// headerKind names a header parser: the values of a log_source_type's
// header attribute. A kind, not a func value, so that the header a parser
// fills in can stay on the caller's stack.
type headerKind uint8

const (
	headerSyslog headerKind = iota
	headerNone
	headerCisco
)

// headerKinds maps the header attribute's values to parsers.
var headerKinds = map[string]headerKind{
	"syslog": headerSyslog,
	"none":   headerNone,
	"cisco":  headerCisco,
}

// parseHeader extracts header fields from a line. It never fails: what it
// does not recognise it leaves unset. loc is the zone of timestamps that
// carry none; ref is the collection time, used to infer a missing year.
func parseHeader(kind headerKind, line string, loc *time.Location, ref time.Time, h *header) {
	h.pri = -1
	switch kind {
	case headerSyslog:
		parseSyslog(line, loc, ref, h)
	case headerCisco:
		parseCisco(line, loc, ref, h)
	}
}

// Fields the syslog header parser sets.
const (
	fieldProcessName    = "process.name"
	fieldProcessPID     = "process.pid"
	fieldSyslogPriority = "log.syslog.priority"
	fieldSyslogFacility = "log.syslog.facility.code"
	fieldSyslogSeverity = "log.syslog.severity.code"
	fieldSyslogMsgID    = "log.syslog.msgid"
	fieldSequence       = "event.sequence"
)

// headerFields lists, per header parser, the fields it may set.
var headerFields = map[headerKind]map[string]*types.Type{
	headerSyslog: {
		event.FieldHostname: types.StringType, fieldProcessName: types.StringType, fieldProcessPID: types.IntType,
		fieldSyslogPriority: types.IntType, fieldSyslogFacility: types.IntType, fieldSyslogSeverity: types.IntType,
		fieldSyslogMsgID: types.StringType, fieldSequence: types.IntType,
	},
	headerCisco: {
		event.FieldHostname: types.StringType, fieldProcessName: types.StringType, fieldProcessPID: types.IntType,
		fieldSyslogPriority: types.IntType, fieldSyslogFacility: types.IntType, fieldSyslogSeverity: types.IntType,
		fieldSequence: types.IntType,
	},
}

// parseSyslog reads an RFC 5424 header, or an RFC 3164 (BSD) header with or
// without <PRI>, or the RFC 3339/ISO 8601-timestamped variant rsyslog and
// others write (numeric offsets with or without a colon, a space for the
// T), with the habits of network devices: a sequence number before the
// time or in place of the tag ("<189>1234: ", "host 1234: "), a device
// time after it ("*Mar  1 18:46:11.123 UTC: ", '*' or '.' marking the
// clock's state), a zone name after the time, a colon after the time
// instead of a host, and a Cisco mnemonic ("%ASA-6-302013:") where a tag
// would be (message text, not a program). It is lenient in what it
// accepts, as the tailing agent sees lines from many writers, but takes a
// field only where the header's shape is unambiguous.
func parseSyslog(line string, loc *time.Location, ref time.Time, h *header) {
	i := 0
	if pri, n := parsePRI(line); n > 0 {
		h.pri, i = pri, n
		// RFC 5424: "<PRI>1 " (the version) follows the PRI directly.
		if strings.HasPrefix(line[i:], "1 ") {
			parse5424(line, i+2, loc, h)
			return
		}
	}
	if seq, n := parseSequence(line[i:]); n > 0 {
		h.seq, i = seq, i+n
	}
	ts, n := parseTimestamp(line[i:], loc, ref)
	if n == 0 {
		h.body = i
		return
	}
	h.ts = ts
	i += n
	i = zoneAfter(line, i, h)
	if i < len(line) && line[i] == ':' {
		// "Mar  1 10:00:00: %ASA-…": no host.
		h.body = skipSpaces(line, i+1)
		return
	}
	if i < len(line) && line[i] != ' ' {
		h.body = i
		return
	}
	i = skipSpaces(line, i)

	// After the timestamp comes the hostname and then the tag, except
	// from writers (local /dev/log relays) that leave the hostname out:
	// a first word that ends in ':' or carries '[' is the tag.
	word := line[i:wordEnd(line, i)]
	if !strings.HasSuffix(word, ":") && !strings.Contains(word, "[") && !isMnemonic(word) {
		h.hostname = word
		i = skipSpaces(line, i+len(word))
	}
	h.body = i
	prog, pid, n := parseTag(line[i:])
	if n == 0 {
		return
	}
	i = skipSpaces(line, i+n)
	if seq, ok := pidValue(prog); ok && pid == "" {
		// "router1 000123: *Mar  1 18:46:11.123 UTC: %SYS-…": a relayed
		// device's sequence number and its own time; the relay's time
		// stays the event's.
		h.seq = seq
		if _, m := parseTimestamp(line[i:], loc, ref); m > 0 {
			var dev header
			if j := zoneAfter(line, i+m, &dev); j < len(line) && line[j] == ':' {
				i = skipSpaces(line, j+1)
			}
		}
		h.body = i
		return
	}
	h.program, h.pid, h.body = prog, pid, i
}

// parseSequence reads the sequence number a network device puts before
// its time ("000123: "), returning it and the length used.
func parseSequence(s string) (int64, int) {
	j := 0
	for j < len(s) && j < 12 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == 0 || !strings.HasPrefix(s[j:], ": ") {
		return 0, 0
	}
	n, _ := strconv.ParseInt(s[:j], 10, 64)
	return n, skipSpaces(s, j+1)
}

// zoneAfter reads a zone name after a time ("09:34:34 EDT"), moving h.ts
// into it, and returns the offset after it (i when there is none).
func zoneAfter(line string, i int, h *header) int {
	if i >= len(line) || line[i] != ' ' {
		return i
	}
	j := wordEnd(line, i+1)
	word := strings.TrimSuffix(line[i+1:j], ":")
	off, ok := zoneAbbrevs[word]
	if !ok {
		return i
	}
	ts := h.ts
	h.ts = time.Date(ts.Year(), ts.Month(), ts.Day(), ts.Hour(), ts.Minute(), ts.Second(), ts.Nanosecond(), time.FixedZone(word, off*3600))
	return i + 1 + len(word)
}

// isMnemonic reports whether word is a Cisco-style message mnemonic
// ("%ASA-6-302013:", "%SEC-6-IPACCESSLOGP:"): message text, not a host
// or a tag.
func isMnemonic(word string) bool {
	return len(word) > 3 && word[0] == '%' && strings.IndexByte(word, '-') > 1
}

// parsePRI reads "<N>" with N in 0..191 and returns N and its length.
func parsePRI(s string) (int, int) {
	if len(s) < 3 || s[0] != '<' {
		return 0, 0
	}
	n := 0
	for j := 1; j < len(s) && j <= 4; j++ {
		c := s[j]
		if c == '>' {
			if j == 1 || n > 191 {
				return 0, 0
			}
			return n, j + 1
		}
		if c < '0' || c > '9' {
			return 0, 0
		}
		n = n*10 + int(c-'0')
	}
	return 0, 0
}

// parseTag reads an RFC 3164 tag: "prog:", "prog[pid]:" (and the
// "prog(module)[pid]:" PAM wrote on older systems). It returns the length
// up to and including the colon, or 0 when s does not start with a tag.
func parseTag(s string) (prog, pid string, n int) {
	j := 0
	for j < len(s) && s[j] != '[' && s[j] != ':' && s[j] != ' ' && s[j] != '\t' {
		j++
	}
	if j == 0 || j >= len(s) || s[0] == '%' {
		return "", "", 0
	}
	if s[j] == ' ' || s[j] == '\t' {
		return parseSpacedTag(s)
	}
	prog = s[:j]
	if s[j] == '[' {
		k := strings.IndexByte(s[j:], ']')
		if k < 0 {
			return "", "", 0
		}
		pid = s[j+1 : j+k]
		j += k + 1
	}
	if j >= len(s) || s[j] != ':' {
		return parseSpacedTag(s)
	}
	if k := strings.IndexByte(prog, '('); k > 0 && strings.HasSuffix(prog, ")") {
		prog = prog[:k]
	}
	return prog, pid, j + 1
}

// parseSpacedTag reads the tags macOS writes, with spaces in them:
// "Google Chrome[85294]:" and "com.apple.xpc.launchd[1] (com.apple.x[21498]):".
// The tag runs to the first ": "; it is taken only when it has a '[' or
// '(' in it, so that a message without a tag is not mistaken for one.
func parseSpacedTag(s string) (prog, pid string, n int) {
	limit := min(len(s), 96)
	end := strings.Index(s[:limit], ": ")
	if end < 0 && strings.HasSuffix(s[:limit], ":") && limit == len(s) {
		end = len(s) - 1
	}
	if end <= 0 || !strings.ContainsAny(s[:end], "[(") {
		return "", "", 0
	}
	prog = s[:end]
	// macOS's ASL level after the tag: "prog[85294] <Notice>:".
	if k := strings.LastIndex(prog, " <"); k > 0 && strings.HasSuffix(prog, ">") {
		prog = prog[:k]
	}
	if strings.HasSuffix(prog, "]") {
		if k := strings.LastIndexByte(prog, '['); k > 0 {
			if _, ok := pidValue(prog[k+1 : len(prog)-1]); ok {
				prog, pid = prog[:k], prog[k+1:len(prog)-1]
			}
		}
	}
	return prog, pid, end + 1
}

// parse5424 reads the rest of an RFC 5424 header from offset i:
// TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG], each
// field "-" when absent.
func parse5424(line string, i int, loc *time.Location, h *header) {
	var f [5]string
	for k := range f {
		e := wordEnd(line, i)
		f[k] = line[i:e]
		i = e
		if i < len(line) {
			i++ // the single SP between fields
		}
	}
	if f[0] != "-" {
		if ts, err := parseRFC3339(f[0], loc); err == nil {
			h.ts = ts
		}
	}
	h.hostname = nilValue(f[1])
	h.program = nilValue(f[2])
	h.pid = nilValue(f[3])
	h.msgid = nilValue(f[4])
	i = skipStructuredData(line, i)
	if i < len(line) && line[i] == ' ' {
		i++
	}
	if strings.HasPrefix(line[i:], "\uFEFF") {
		i += len("\uFEFF") // the BOM that marks a UTF-8 MSG
	}
	h.body = i
}

// skipStructuredData returns the offset after the STRUCTURED-DATA field
// at i: "-" or one or more [id param="value"] elements, where '"', '\'
// and ']' may be escaped inside values.
func skipStructuredData(line string, i int) int {
	if strings.HasPrefix(line[i:], "-") {
		return i + 1
	}
	for i < len(line) && line[i] == '[' {
		quoted := false
		j := i + 1
		for ; j < len(line); j++ {
			c := line[j]
			if c == '\\' && quoted {
				j++
				continue
			}
			if c == '"' {
				quoted = !quoted
			} else if c == ']' && !quoted {
				break
			}
		}
		if j >= len(line) {
			return len(line)
		}
		i = j + 1
	}
	return i
}

func nilValue(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func wordEnd(s string, i int) int {
	for i < len(s) && s[i] != ' ' {
		i++
	}
	return i
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// parseTimestamp reads an RFC 3164 timestamp ("Jan _2 15:04:05", optionally
// with fractional seconds and, from network devices, a leading '*' or '.')
// or an RFC 3339/ISO 8601 one ("2006-01-02T15:04:05.999+07:00", a space
// for the T, "+0700" or "+07" for the offset) at the start of s, and
// returns it with the length it used.
func parseTimestamp(s string, loc *time.Location, ref time.Time) (time.Time, int) {
	mark := 0
	if len(s) > 0 && (s[0] == '*' || s[0] == '.') {
		mark = 1 // Cisco: '*' clock not synchronised, '.' it was once
	}
	if len(s) >= 15+mark && s[3+mark] == ' ' {
		if t, n, ok := parse3164(s[mark:], loc, ref); ok {
			return t, n + mark
		}
	}
	if mark == 0 && len(s) >= 19 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') {
		e := wordEnd(s, 0)
		if s[10] == ' ' {
			e = wordEnd(s, 11)
		}
		if t, err := parseRFC3339(s[:e], loc); err == nil {
			return t, e
		}
	}
	return time.Time{}, 0
}

// iso8601Layouts are the forms of ISO 8601 times writers use besides RFC
// 3339, with the T (a space is made a T first).
var iso8601Layouts = []string{
	"2006-01-02T15:04:05.999999999-0700",
	"2006-01-02T15:04:05.999999999-07",
}

// parseRFC3339 parses an RFC 3339 timestamp, or ISO 8601 with a space for
// the T or an offset without a colon; one without a zone (which RFC 3339
// does not allow but some writers produce) is read in loc.
func parseRFC3339(s string, loc *time.Location) (time.Time, error) {
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	for _, layout := range iso8601Layouts {
		if t, e := time.Parse(layout, s); e == nil {
			return t, nil
		}
	}
	return time.ParseInLocation("2006-01-02T15:04:05.999999999", s, loc)
}

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parse3164 reads "Mmm dd hh:mm:ss[.frac]" where dd is space- or
// zero-padded or a single digit.
func parse3164(s string, loc *time.Location, ref time.Time) (time.Time, int, bool) {
	month := 0
	for m, name := range months {
		if strings.EqualFold(s[:3], name) {
			month = m + 1
			break
		}
	}
	if month == 0 {
		return time.Time{}, 0, false
	}
	i := skipSpaces(s, 4)
	day, i, ok := digits(s, i, 1, 2)
	if !ok || day < 1 || day > 31 || i >= len(s) || s[i] != ' ' {
		return time.Time{}, 0, false
	}
	i++
	// Cisco devices write the year after the day: "Oct 10 2018 12:34:56".
	year := 0
	if y, j, ok := digits(s, i, 4, 4); ok && j < len(s) && s[j] == ' ' {
		year, i = y, j+1
	}
	hh, i, ok1 := digits(s, i, 2, 2)
	if !ok1 || i >= len(s) || s[i] != ':' {
		return time.Time{}, 0, false
	}
	mm, i, ok2 := digits(s, i+1, 2, 2)
	if !ok2 || i >= len(s) || s[i] != ':' {
		return time.Time{}, 0, false
	}
	ss, i, ok3 := digits(s, i+1, 2, 2)
	if !ok3 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, 0, false
	}
	ns := 0
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		j := i + 1
		scale := 100_000_000
		for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
			ns += int(s[j]-'0') * scale
			scale /= 10
		}
		i = j
	}
	if year > 0 {
		return time.Date(year, time.Month(month), day, hh, mm, ss, ns, loc), i, true
	}
	return inferYear(time.Month(month), day, hh, mm, ss, ns, loc, ref), i, true
}

// digits reads between lo and hi decimal digits at s[i:].
func digits(s string, i, lo, hi int) (int, int, bool) {
	n, j := 0, i
	for j < len(s) && j-i < hi && s[j] >= '0' && s[j] <= '9' {
		n = n*10 + int(s[j]-'0')
		j++
	}
	return n, j, j-i >= lo
}

// inferYear dates a timestamp that has no year: it is the latest date with
// that month, day and time that is not more than a month after ref (the
// collection time). So a "Dec 31" line collected on Jan 2 is last year's,
// and a "Jan 1" line from an agent whose clock is a little behind (collected
// on Dec 31) is next year's. Feb 29 goes to the latest leap year.
func inferYear(month time.Month, day, hh, mm, ss, ns int, loc *time.Location, ref time.Time) time.Time {
	if ref.IsZero() {
		ref = time.Now()
	}
	limit := ref.AddDate(0, 1, 0)
	y := ref.In(loc).Year() + 1
	for range 9 {
		t := time.Date(y, month, day, hh, mm, ss, ns, loc)
		if t.Month() == month && !t.After(limit) {
			return t
		}
		y--
	}
	// An impossible date (Apr 31): let time.Date normalise it.
	return time.Date(ref.In(loc).Year(), month, day, hh, mm, ss, ns, loc)
}

// pidValue returns pid as an int64 when it is a process id.
func pidValue(pid string) (int64, bool) {
	if pid == "" || len(pid) > 18 {
		return 0, false
	}
	n, err := strconv.ParseInt(pid, 10, 64)
	return n, err == nil && n >= 0
}
