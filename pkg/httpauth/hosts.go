package httpauth

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// AnyHost in http_hosts turns the Host check off (a server behind a proxy
// that rewrites Host to names nobody can list).
const AnyHost = "*"

// hostList is the Host allow-list of one server. DNS rebinding points a
// name the attacker controls at the server's address, so a victim's
// browser sends the attacker's name as Host: a request is served only
// when its Host is a name the server is known by. An IP literal cannot
// be rebound, so the address a connection arrived on is always a valid
// Host for it.
type hostList struct {
	any bool
	// names are lower-case names and canonical IP literals.
	names map[string]bool
	// loopback is set when the server listens on loopback: "localhost"
	// and loopback addresses name it.
	loopback bool
}

// newHostList is the allow-list of a server listening on listen
// (host:port), known by extra names besides.
func newHostList(listen string, extra []string) (hostList, error) {
	h := hostList{names: map[string]bool{}}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return h, fmt.Errorf("http address %q: %w", listen, err)
	}
	h.loopback = hclconf.IsLoopback(host)
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsUnspecified() {
			h.names[ip.String()] = true
		}
	} else if host != "" {
		h.names[normalHost(host)] = true
	}
	for _, e := range extra {
		if e == AnyHost {
			h.any = true
			continue
		}
		if err := CheckHostName(e); err != nil {
			return h, err
		}
		if ip := net.ParseIP(strings.Trim(e, "[]")); ip != nil {
			h.names[ip.String()] = true
		} else {
			h.names[normalHost(e)] = true
		}
	}
	return h, nil
}

// CheckHostName checks one http_hosts entry: "*", a DNS name or an IP
// address, without scheme, port or path.
func CheckHostName(s string) error {
	if s == AnyHost {
		return nil
	}
	if ip := net.ParseIP(strings.Trim(s, "[]")); ip != nil {
		return nil
	}
	if !validName(s) {
		return fmt.Errorf("%q is not a host name or an IP address (no scheme, port or path: \"sluice.example.net\", \"10.0.0.5\")", s)
	}
	return nil
}

// validName reports whether s is a DNS name: dot-separated labels of
// letters, digits, '-' and '_', none empty or starting or ending with '-';
// one trailing dot allowed.
func validName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func normalHost(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }

var errBadHost = errors.New("malformed Host")

// splitHost takes the host out of a Host header value ("name",
// "name:port", "1.2.3.4:port", "[::1]:port"). A port, when written, is 1
// to 5 digits.
func splitHost(hostport string) (string, error) {
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "", errBadHost
		}
		host, port = hostport[1:end], hostport[end+1:]
		if port != "" && port[0] != ':' {
			return "", errBadHost
		}
		port = strings.TrimPrefix(port, ":")
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil && !strings.Contains(host, ":") {
			return "", errBadHost // brackets hold an IPv6 address only
		}
		if port == "" && strings.HasSuffix(hostport, ":") {
			return "", errBadHost
		}
	} else if i := strings.IndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
		if port == "" {
			return "", errBadHost
		}
	}
	if len(port) > 5 {
		return "", errBadHost
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return "", errBadHost
		}
	}
	if host == "" {
		return "", errBadHost
	}
	return host, nil
}

// allowed reports whether r's Host names this server.
func (h hostList) allowed(r *http.Request) bool {
	if h.any || r.Host == "" {
		// No browser sends a request without Host (HTTP/1.0 health
		// checks do): there is nothing to rebind.
		return true
	}
	host, err := splitHost(r.Host)
	if err != nil {
		return false
	}
	local := localIP(r)
	// A connection that arrived on a loopback address comes from this
	// machine, and so does "localhost".
	loopback := h.loopback || local != nil && local.IsLoopback()
	if ip := net.ParseIP(host); ip != nil {
		return loopback && ip.IsLoopback() || local != nil && ip.Equal(local) || h.names[ip.String()]
	}
	if !validName(host) {
		return false
	}
	name := normalHost(host)
	return loopback && name == "localhost" || h.names[name]
}

// localIP is the address the request's connection arrived on (nil when
// unknown, as in a test's handler call).
func localIP(r *http.Request) net.IP {
	a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return nil
	}
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return nil
	}
	return net.ParseIP(host)
}
