package httpauth

import (
	"context"
	"net"
	"net/http"
	"testing"
)

func TestHostAllowList(t *testing.T) {
	type check struct {
		host string
		ok   bool
	}
	for _, tc := range []struct {
		name   string
		listen string
		extra  []string
		local  string // the address the connection arrived on ("" = unknown)
		checks []check
	}{
		{"loopback listen", "127.0.0.1:7480", nil, "", []check{
			{"127.0.0.1:7480", true}, {"127.0.0.1", true}, {"127.0.0.1:1", true},
			{"localhost:7480", true}, {"LOCALHOST", true}, {"localhost.", true},
			{"[::1]:7480", true}, {"[::1]", true}, {"127.0.0.2:7480", true},
			{"", true}, // HTTP/1.0 without Host: no browser sends that
			{"evil.example", false}, {"evil.example:7480", false},
			{"127.0.0.1.evil.example", false}, {"localhost.evil.example:7480", false},
			{"::1", false}, {"[::1", false}, {"[::1]7480", false}, {"[127.0.0.1]:7480", false},
			{"127.0.0.1:", false}, {"127.0.0.1:abc", false}, {"127.0.0.1:7480:80", false},
			{"127.0.0.1:123456", false}, {":7480", false}, {"evil_example!", false},
			{"10.0.0.5:7480", false},
		}},
		{"IPv6 loopback listen", "[::1]:7480", nil, "", []check{
			{"[::1]:7480", true}, {"localhost", true}, {"127.0.0.1", true}, {"[::2]", false},
		}},
		{"network listen with names", "10.0.0.5:7480", []string{"sluice.example.net", "Proxy.Example.NET.", "192.0.2.9"}, "", []check{
			{"10.0.0.5:7480", true}, {"sluice.example.net", true}, {"SLUICE.example.NET:443", true},
			{"proxy.example.net", true}, {"192.0.2.9:80", true},
			{"localhost", false}, {"127.0.0.1", false}, {"[::1]:7480", false},
			{"evil.example", false}, {"sluice.example.net.evil.example", false}, {"10.0.0.6", false},
		}},
		{"named listen", "sluice.example.net:7480", nil, "", []check{
			{"sluice.example.net:7480", true}, {"other.example.net", false},
		}},
		{"wildcard listen, network connection", "0.0.0.0:7480", nil, "192.0.2.7:7480", []check{
			{"192.0.2.7:7480", true}, {"192.0.2.7", true}, {"192.0.2.8", false},
			{"localhost", false}, {"127.0.0.1", false}, {"0.0.0.0:7480", false}, {"evil.example", false},
		}},
		{"wildcard listen, loopback connection", "[::]:7480", nil, "127.0.0.1:7480", []check{
			{"localhost:7480", true}, {"127.0.0.1", true}, {"evil.example", false},
		}},
		{"any host", "10.0.0.5:7480", []string{"*"}, "", []check{
			{"evil.example", true}, {"127.0.0.1", true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := newHostList(tc.listen, tc.extra)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tc.checks {
				r, _ := http.NewRequest(http.MethodGet, "http://placeholder/", nil)
				r.Host = c.host
				if tc.local != "" {
					addr, err := net.ResolveTCPAddr("tcp", tc.local)
					if err != nil {
						t.Fatal(err)
					}
					r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, addr))
				}
				if got := h.allowed(r); got != c.ok {
					t.Errorf("Host %q: allowed %v, want %v", c.host, got, c.ok)
				}
			}
		})
	}
}

func TestCheckHostName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"sluice.example.net", true}, {"sluice", true}, {"sluice.example.net.", true}, {"10.0.0.5", true},
		{"::1", true}, {"[::1]", true}, {"*", true}, {"_sluice._tcp.example", true},
		{"", false}, {"http://sluice.example.net", false}, {"sluice.example.net:7480", false},
		{"sluice.example.net/", false}, {"-sluice.example.net", false}, {"sluice..example", false},
		{"*.example.net", false}, {"evil example", false},
	} {
		if err := CheckHostName(tc.name); (err == nil) != tc.ok {
			t.Errorf("CheckHostName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
	if _, err := newHostList("127.0.0.1:7480", []string{"http://x"}); err == nil {
		t.Error("a URL in the host list was accepted")
	}
	if _, err := newHostList("127.0.0.1", nil); err == nil {
		t.Error("a listen address without port was accepted")
	}
}
