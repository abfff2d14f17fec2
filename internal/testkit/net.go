package testkit

import (
	"net"
	"testing"
)

// FreeAddr is a loopback address ("127.0.0.1:port") whose port was free a
// moment ago: for a daemon configured with an address that the test has
// to know before the daemon binds it. Another process may take the port
// in between; prefer listening on ":0" and asking the listener where it
// can.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// FreePort is the port of FreeAddr.
func FreePort(t testing.TB) int {
	t.Helper()
	addr, err := net.ResolveTCPAddr("tcp", FreeAddr(t))
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	return addr.Port
}

// CanBind reports whether addr can be listened on now: for tests that
// check a daemon released its listeners.
func CanBind(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
