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
)

// headerFields lists, per header parser, the fields it may set.
var headerFields = map[headerKind]map[string]*types.Type{
	headerSyslog: {
		event.FieldHostname: types.StringType, fieldProcessName: types.StringType, fieldProcessPID: types.IntType,
		fieldSyslogPriority: types.IntType, fieldSyslogFacility: types.IntType, fieldSyslogSeverity: types.IntType,
		fieldSyslogMsgID: types.StringType,
	},
	headerCisco: {
		event.FieldHostname: types.StringType, fieldProcessName: types.StringType, fieldProcessPID: types.IntType,
		fieldSyslogPriority: types.IntType, fieldSyslogFacility: types.IntType, fieldSyslogSeverity: types.IntType,
	},
}

// parseSyslog reads an RFC 5424 header, or an RFC 3164 (BSD) header with or
// without <PRI>, or the RFC 3339-timestamped variant rsyslog writes to
// files. It is lenient in what it accepts, as the tailing agent sees lines
// from many writers, but takes a field only where the header's shape is
// unambiguous.
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
	ts, n := parseTimestamp(line[i:], loc, ref)
	if n == 0 {
		h.body = i
		return
	}
	h.ts = ts
	i += n
	if i < len(line) && line[i] != ' ' {
		h.body = i
		return
	}
	i = skipSpaces(line, i)

	// After the timestamp comes the hostname and then the tag, except
	// from writers (local /dev/log relays) that leave the hostname out:
	// a first word that ends in ':' or carries '[' is the tag.
	word := line[i:wordEnd(line, i)]
	if !strings.HasSuffix(word, ":") && !strings.Contains(word, "[") {
		h.hostname = word
		i = skipSpaces(line, i+len(word))
	}
	h.body = i
	if prog, pid, n := parseTag(line[i:]); n > 0 {
		h.program, h.pid = prog, pid
		h.body = skipSpaces(line, i+n)
	}
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
	if j == 0 || j >= len(s) {
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
// with fractional seconds) or an RFC 3339 one at the start of s, and
// returns it with the length it used.
func parseTimestamp(s string, loc *time.Location, ref time.Time) (time.Time, int) {
	if len(s) >= 15 && s[3] == ' ' {
		if t, n, ok := parse3164(s, loc, ref); ok {
			return t, n
		}
	}
	if len(s) >= 19 && s[4] == '-' && s[10] == 'T' {
		e := wordEnd(s, 0)
		if t, err := parseRFC3339(s[:e], loc); err == nil {
			return t, e
		}
	}
	return time.Time{}, 0
}

// parseRFC3339 parses an RFC 3339 timestamp; one without a zone (which RFC
// 3339 does not allow but some writers produce) is read in loc.
func parseRFC3339(s string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", s, loc)
	}
	return t, err
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
