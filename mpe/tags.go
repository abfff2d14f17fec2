package mpe

import (
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// valueType says how a captured value is checked and stored.
type valueType uint8

const (
	typeString  valueType = iota // stored as written
	typeInt                      // int64
	typePort                     // int64 in 0..65535
	typeIP                       // an IP address, stored as written (without an IPv6 zone)
	typeAddress                  // an IP or a host name: <base>.address plus <base>.ip or <base>.domain
	typeTime                     // a time in the tag's layout; @timestamp or a time field
	typeURL                      // a URL or request target: <base>.original plus path, query, domain, …
)

var valueTypeNames = map[string]valueType{
	"string":  typeString,
	"int":     typeInt,
	"port":    typePort,
	"ip":      typeIP,
	"address": typeAddress,
	"time":    typeTime,
	"url":     typeURL,
}

// tag is one entry of the tag library: a LogRhythm-style name that a
// pattern writes as <name>, the regular expression it stands for, and the
// ECS field its value goes to.
type tag struct {
	name    string
	pattern string
	field   string
	typ     valueType
	lower   bool // value is lower-cased (protocol names arrive as TCP, tcp, Tcp)
	builtin bool
	layout  string         // typeTime: the Go time layout
	values  map[string]any // a lookup table: captured text → stored value
}

// Reusable tag patterns.
const (
	// ipPattern matches IPv4 and IPv6 (including v4-mapped) addresses. It
	// is deliberately loose: the ip type checks the value, and a value that
	// fails is kept in labels and flagged rather than silently mis-stored.
	ipPattern   = `\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}`
	portPattern = `\d{1,5}`
	hostPattern = `[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?`
	// addrPattern is an IP (v4 or v6) or a host name, as sshd and PAM
	// print a peer. One greedy class rather than an alternation: with
	// leftmost-first semantics an IP alternative would stop at the "5.36.59.76"
	// prefix of "5.36.59.76.dsl.example.net".
	addrPattern = `[\w.:%-]*\w`
	macPattern  = `(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}`
)

// builtinTags is the tag library every rule file can use. doc.go lists it;
// TestDocListsEveryTag keeps the two in step.
var builtinTags = []tag{
	// Network peers.
	{name: "sip", pattern: ipPattern, field: "source.ip", typ: typeIP},
	{name: "dip", pattern: ipPattern, field: "destination.ip", typ: typeIP},
	{name: "snatip", pattern: ipPattern, field: "source.nat.ip", typ: typeIP},
	{name: "dnatip", pattern: ipPattern, field: "destination.nat.ip", typ: typeIP},
	{name: "sport", pattern: portPattern, field: "source.port", typ: typePort},
	{name: "dport", pattern: portPattern, field: "destination.port", typ: typePort},
	{name: "snatport", pattern: portPattern, field: "source.nat.port", typ: typePort},
	{name: "dnatport", pattern: portPattern, field: "destination.nat.port", typ: typePort},
	{name: "shost", pattern: addrPattern, field: "source.address", typ: typeAddress},
	{name: "dhost", pattern: addrPattern, field: "destination.address", typ: typeAddress},
	{name: "sname", pattern: hostPattern, field: "source.domain"},
	{name: "dname", pattern: hostPattern, field: "destination.domain"},
	{name: "smac", pattern: macPattern, field: "source.mac"},
	{name: "dmac", pattern: macPattern, field: "destination.mac"},
	{name: "protocol", pattern: `[A-Za-z][\w-]*`, field: "network.transport", lower: true},
	{name: "bytes", pattern: `\d+`, field: "network.bytes", typ: typeInt},

	// Identity.
	{name: "login", pattern: `\S+`, field: "user.name"},
	{name: "account", pattern: `\S+`, field: "user.target.name"},
	{name: "runas", pattern: `\S+`, field: "user.effective.name"},
	{name: "domain", pattern: `[^\s\\/@]+`, field: "user.domain"},
	{name: "uid", pattern: `\d+`, field: "user.id"},
	{name: "group", pattern: `[^\s,;'"]+`, field: "group.name"},
	{name: "gid", pattern: `\d+`, field: "group.id"},

	// Processes and objects.
	{name: "process", pattern: `[^\s\[\]():]+`, field: "process.name"},
	{name: "pid", pattern: `\d+`, field: "process.pid", typ: typeInt},
	{name: "ppid", pattern: `\d+`, field: "process.parent.pid", typ: typeInt},
	{name: "command", pattern: `.+`, field: "process.command_line"},
	{name: "cwd", pattern: `\S+`, field: "process.working_directory"},
	{name: "tty", pattern: `\S+`, field: "labels.tty"},
	{name: "object", pattern: `\S+`, field: "file.path"},
	{name: "size", pattern: `\d+`, field: "file.size", typ: typeInt},

	// Hosts, requests, outcome.
	{name: "hostname", pattern: hostPattern, field: "host.hostname"},
	{name: "url", pattern: `\S+`, field: "url.original", typ: typeURL},
	{name: "httpmethod", pattern: `[A-Z]+`, field: "http.request.method"},
	{name: "status", pattern: `\d{3}`, field: "http.response.status_code", typ: typeInt},
	{name: "useragent", pattern: `[^"]+`, field: "user_agent.original"},
	{name: "method", pattern: `\S+`, field: "labels.method"},
	{name: "severity", pattern: `\w+`, field: "log.level"},
	{name: "logger", pattern: `[\w.$-]+`, field: "log.logger"},
	{name: "action", pattern: `\S+`, field: "event.action"},
	{name: "reason", pattern: `.+`, field: "event.reason"},
}

// tagLibrary is the built-in tags plus those rule files define.
type tagLibrary map[string]*tag

func newTagLibrary() tagLibrary {
	lib := make(tagLibrary, len(builtinTags))
	for i := range builtinTags {
		t := builtinTags[i]
		t.builtin = true
		lib[t.name] = &t
	}
	return lib
}

// names returns the tag names, sorted.
func (lib tagLibrary) names() []string {
	out := make([]string, 0, len(lib))
	for n := range lib {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// FlagInvalidField is added to sluice.flags when a captured value does not
// fit its tag's type (a port "abc", an IP "999.1.1.1"). The value is kept,
// as a string, in labels.<group name>.
const FlagInvalidField = "invalid_field"

// setValue stores v, captured by c, into c's field of ev, checked and
// converted as c's type says. loc and ref date times without a zone or a
// year; b boxes the strings stored (see boxes.go).
func setValue(ev *event.Event, c *capture, v string, loc *time.Location, ref time.Time, b *lastString) {
	field := c.field
	switch c.typ {
	case typeInt:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ev.Set(field, n)
			return
		}
	case typePort:
		if n, err := strconv.ParseUint(v, 10, 16); err == nil {
			ev.Set(field, int64(n))
			return
		}
	case typeIP:
		if ip, ok := parseIP(v); ok {
			ev.Set(field, b.box(ip))
			return
		}
	case typeAddress:
		// ECS: "address" holds what the log said; the same value is
		// copied to .ip or .domain depending on what it is.
		boxed := b.box(v)
		ev.Set(field, boxed)
		if ip, ok := parseIP(v); ok {
			ev.Set(c.siblings.ip, b.box(ip))
		} else {
			ev.Set(c.siblings.domain, boxed)
		}
		return
	case typeURL:
		ev.Set(field, b.box(v))
		setURLParts(ev, c.siblings, v)
		return
	case typeTime:
		if t, ok := parseTime(c, v, loc, ref); ok {
			if field == event.FieldTimestamp {
				ev.Timestamp = t
			} else {
				ev.Set(field, t)
			}
			return
		}
	default:
		if c.values != nil {
			if x, ok := c.values[v]; ok {
				ev.Set(field, x)
				return
			}
		}
		ev.Set(field, b.box(v))
		return
	}
	ev.Set(c.label, v)
	ev.AddFlag(FlagInvalidField)
}

// urlParts are the fields setURLParts may set below a url base.
var urlParts = []string{"path", "query", "domain", "scheme", "port", "fragment"}

// siblingFields are the fields an address or url capture sets besides its
// own, named once at load: putting the names together per value would
// allocate a string per event.
type siblingFields struct {
	ip, domain                          string // address: <base>.ip or <base>.domain; url: domain
	path, query, fragment, port, scheme string // url
}

// newSiblingFields names the siblings of field for a value of type typ,
// or returns nil for types that have none.
func newSiblingFields(field string, typ valueType) *siblingFields {
	switch typ {
	case typeAddress:
		base := strings.TrimSuffix(field, ".address")
		return &siblingFields{ip: base + ".ip", domain: base + ".domain"}
	case typeURL:
		base := strings.TrimSuffix(field, ".original")
		return &siblingFields{
			domain: base + ".domain", path: base + ".path", query: base + ".query",
			fragment: base + ".fragment", port: base + ".port", scheme: base + ".scheme",
		}
	}
	return nil
}

// setURLParts sets ECS url.path, url.query, url.domain, url.scheme,
// url.port and url.fragment (the fields f names) from a URL or a request
// target ("/a?b=c"). What does not parse sets nothing more.
func setURLParts(ev *event.Event, f *siblingFields, v string) {
	u, err := url.Parse(v)
	if err != nil {
		return
	}
	if u.Path != "" {
		ev.Set(f.path, u.Path)
	}
	if u.RawQuery != "" {
		ev.Set(f.query, u.RawQuery)
	}
	if u.Fragment != "" {
		ev.Set(f.fragment, u.Fragment)
	}
	if u.Host != "" {
		ev.Set(f.domain, u.Hostname())
		if p, err := strconv.ParseInt(u.Port(), 10, 64); err == nil {
			ev.Set(f.port, p)
		}
	}
	if u.Scheme != "" {
		ev.Set(f.scheme, u.Scheme)
	}
}

// parseTime parses v in c's layout; a layout without a zone is read in
// loc, one without a year gets the year inferred from ref as for syslog.
func parseTime(c *capture, v string, loc *time.Location, ref time.Time) (time.Time, bool) {
	t, ok := time.Time{}, false
	if c.numeric != nil {
		t, ok = c.numeric.parse(v, loc)
	}
	if !ok {
		var err error
		if t, err = time.ParseInLocation(c.layout, v, loc); err != nil {
			return time.Time{}, false
		}
	}
	if t.Year() == 0 {
		t = inferYear(t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location(), ref)
	}
	return t, true
}

// parseIP checks that s is an IP address and returns it without an IPv6
// zone, which Elasticsearch's ip type rejects.
func parseIP(s string) (string, bool) {
	if i := strings.IndexByte(s, '%'); i >= 0 {
		s = s[:i]
	}
	if _, err := netip.ParseAddr(s); err != nil {
		return "", false
	}
	return s, true
}

// fieldsOf returns the fields a value stored by setValue can land in.
func fieldsOf(name, field string, typ valueType) []string {
	out := []string{field}
	switch typ {
	case typeAddress:
		base := strings.TrimSuffix(field, ".address")
		out = append(out, base+".ip", base+".domain")
	case typeURL:
		base := strings.TrimSuffix(field, ".original")
		for _, p := range urlParts {
			out = append(out, base+"."+p)
		}
		return out
	case typeString:
		return out
	}
	return append(out, "labels."+name)
}
