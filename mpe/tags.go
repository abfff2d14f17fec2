package mpe

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

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
)

var valueTypeNames = map[string]valueType{
	"string":  typeString,
	"int":     typeInt,
	"port":    typePort,
	"ip":      typeIP,
	"address": typeAddress,
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
	{name: "url", pattern: `\S+`, field: "url.original"},
	{name: "httpmethod", pattern: `[A-Z]+`, field: "http.request.method"},
	{name: "status", pattern: `\d{3}`, field: "http.response.status_code", typ: typeInt},
	{name: "useragent", pattern: `[^"]+`, field: "user_agent.original"},
	{name: "method", pattern: `\S+`, field: "labels.method"},
	{name: "severity", pattern: `\w+`, field: "log.level"},
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

// setValue stores v, captured for a group named name, into field of ev,
// checked and converted as typ says.
func setValue(ev *event.Event, name, field string, typ valueType, v string) {
	switch typ {
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
			ev.Set(field, ip)
			return
		}
	case typeAddress:
		// ECS: "address" holds what the log said; the same value is
		// copied to .ip or .domain depending on what it is.
		base := strings.TrimSuffix(field, ".address")
		ev.Set(field, v)
		if ip, ok := parseIP(v); ok {
			ev.Set(base+".ip", ip)
		} else {
			ev.Set(base+".domain", v)
		}
		return
	default:
		ev.Set(field, v)
		return
	}
	ev.Set("labels."+name, v)
	ev.AddFlag(FlagInvalidField)
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
	case typeString:
		return out
	}
	return append(out, "labels."+name)
}
