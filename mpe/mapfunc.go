package mpe

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/cel-go/common/types"
)

// Map functions: a map source may be written fn(field) instead of a bare
// field, to take a value apart as it is copied. JSON documents carry what
// Windows wrote (a process id in hex, a path where ECS wants a name, a
// user as DOMAIN\name), and ECS wants it converted:
//
//	map = {
//	  "process.pid"  = "int(winlog.event_data.NewProcessId)"      # "0x1a2c" → 6700
//	  "process.name" = "basename(winlog.event_data.NewProcessName)" # C:\x\cmd.exe → cmd.exe
//	  "user.name"    = "user(winlog.event_data.User)"             # CORP\ann, ann@CORP → ann
//	  "user.domain"  = "domain(winlog.event_data.User)"           # CORP\ann, ann@CORP → CORP
//	  "source.ip"    = "ip(winlog.event_data.IpAddress)"          # ::ffff:192.0.2.1 → 192.0.2.1
//	  "hash.sha256"  = "hash(winlog.event_data.Hashes, SHA256)"   # SHA1=…,SHA256=AB… → ab…
//	  "user.target.name" = "cn(winlog.event_data.MemberName)"    # CN=ann,OU=Staff,DC=corp → ann
//	  "user.name"    = "raw(winlog.event_data.SubjectUserName)"   # copied even when "-"
//	}
//
// A function whose value does not fit (no such field, not a number, not
// an address) copies nothing, and the next source in a list is tried.
type mapFunc func(v any, arg string) (any, bool)

// mapFuncs are the functions a map source can apply; the bool says
// whether the function takes a second argument.
var mapFuncs = map[string]struct {
	fn     mapFunc
	hasArg bool
	typ    *types.Type
}{
	"int":      {mapInt, false, types.IntType},
	"basename": {mapBasename, false, types.StringType},
	"user":     {mapUser, false, types.StringType},
	"domain":   {mapDomain, false, types.StringType},
	"ip":       {mapIP, false, types.StringType},
	"hash":     {mapHash, true, types.StringType},
	"lower":    {mapLower, false, types.StringType},
	"cn":       {mapCN, false, types.StringType},
	"raw":      {mapRaw, false, types.DynType},
}

var mapCallRE = regexp.MustCompile(`^\s*([a-z]+)\(\s*([^,()\s]+)\s*(?:,\s*([^,()\s]+)\s*)?\)\s*$`)

// parseMapSource splits "fn(path, arg)" into its parts; a bare path has
// no function.
func parseMapSource(s string) (path string, fn mapFunc, arg string, typ *types.Type, err error) {
	if !strings.Contains(s, "(") {
		return s, nil, "", nil, nil
	}
	m := mapCallRE.FindStringSubmatch(s)
	if m == nil {
		return "", nil, "", nil, fmt.Errorf("%q: write a field, or a function of one such as \"int(winlog.event_data.ProcessId)\"", s)
	}
	f, ok := mapFuncs[m[1]]
	if !ok {
		return "", nil, "", nil, fmt.Errorf("%q: no map function %s (there are basename, cn, domain, hash, int, ip, lower, raw, user)", s, m[1])
	}
	if f.hasArg != (m[3] != "") {
		if f.hasArg {
			return "", nil, "", nil, fmt.Errorf("%q: %s takes a field and a name, such as hash(winlog.event_data.Hashes, SHA256)", s, m[1])
		}
		return "", nil, "", nil, fmt.Errorf("%q: %s takes one field", s, m[1])
	}
	return m[2], f.fn, m[3], f.typ, nil
}

// convert is the value source i of the map gives for v: v itself but for
// "-" (how Windows, Apache and many others write "none"), or what the
// source's function makes of it (functions refuse "-" themselves, but
// for raw).
func (mp *fieldMap) convert(i int, v any) (any, bool) {
	if mp.fns != nil && mp.fns[i] != nil {
		return mp.fns[i](v, mp.args[i])
	}
	return v, v != "-"
}

func mapString(v any) (string, bool) {
	s, ok := v.(string)
	s = strings.TrimSpace(s)
	return s, ok && s != "" && s != "-"
}

// mapInt reads a number as Java's Long.decode does (what Elastic's
// pipelines use): 0x1a2c is hex, 6700 decimal; a JSON number stays.
func mapInt(v any, _ string) (any, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true
		}
		return nil, false
	}
	s, ok := mapString(v)
	if !ok {
		return nil, false
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	base := 10
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s, base = s[2:], 16
	}
	n, err := strconv.ParseInt(s, base, 64)
	if err != nil {
		return nil, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// mapBasename is the last element of a Windows or Unix path.
func mapBasename(v any, _ string) (any, bool) {
	s, ok := mapString(v)
	if !ok {
		return nil, false
	}
	if i := strings.LastIndexAny(s, `\/`); i >= 0 {
		s = s[i+1:]
	}
	return s, s != ""
}

// mapUser is the name in DOMAIN\name or name@realm.
func mapUser(v any, _ string) (any, bool) {
	s, ok := mapString(v)
	if !ok {
		return nil, false
	}
	if i := strings.LastIndexByte(s, '\\'); i >= 0 {
		s = s[i+1:]
	} else if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[:i]
	}
	return s, s != ""
}

// mapDomain is the domain in DOMAIN\name or name@realm.
func mapDomain(v any, _ string) (any, bool) {
	s, ok := mapString(v)
	if !ok {
		return nil, false
	}
	if i := strings.LastIndexByte(s, '\\'); i >= 0 {
		s = s[:i]
	} else if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	} else {
		return nil, false
	}
	return s, s != ""
}

// mapIP is an address, without the ::ffff: Windows puts before IPv4
// addresses on dual-stack sockets, and without a zone.
func mapIP(v any, _ string) (any, bool) {
	s, ok := mapString(v)
	if !ok {
		return nil, false
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "::ffff:") && strings.Contains(s[7:], ".") {
		s = s[7:]
	}
	if i := strings.IndexByte(s, '%'); i >= 0 {
		s = s[:i]
	}
	if _, err := netip.ParseAddr(s); err != nil {
		return nil, false
	}
	return s, true
}

// mapHash takes one digest from Sysmon's "SHA1=…,MD5=…,IMPHASH=…" list
// (the name in any case), lower-cased as ECS writes hashes.
func mapHash(v any, name string) (any, bool) {
	s, ok := mapString(v)
	if !ok {
		return nil, false
	}
	for _, part := range strings.Split(s, ",") {
		k, val, found := strings.Cut(strings.TrimSpace(part), "=")
		if found && strings.EqualFold(k, name) && val != "" {
			return strings.ToLower(val), true
		}
	}
	return nil, false
}

func mapLower(v any, _ string) (any, bool) {
	s, ok := mapString(v)
	if !ok {
		return nil, false
	}
	return strings.ToLower(s), true
}

// mapCN is the first element of an LDAP distinguished name without its
// attribute name (CN=ann,OU=Staff,DC=corp → ann); a value that is no
// distinguished name is copied as it is.
func mapCN(v any, _ string) (any, bool) {
	s, ok := mapString(v)
	if !ok {
		return nil, false
	}
	first, _, _ := strings.Cut(s, ",")
	if k, val, found := strings.Cut(first, "="); found && len(k) <= 3 && strings.EqualFold(k, "cn") {
		first = val
	}
	first = strings.TrimSpace(first)
	return first, first != ""
}

// mapRaw copies the value as it is, "-" included: for the pipelines that
// keep the "-" Windows writes for "none" (Elastic's Subject user).
func mapRaw(v any, _ string) (any, bool) { return v, v != nil }
