package webhook

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// Connections that never send a request (a slowloris) cannot keep
// senders out: with every slot held by them, a POST still gets in and is
// accepted, and one address cannot hold more than its share.
func TestConnectionLimits(t *testing.T) {
	store := &fakeStore{}
	srv := startServer(t, Config{MaxConnections: 8, MaxConnectionsPerAddress: 4}, store)
	addr := srv.src.Addr().String()
	dialFrom := func(from string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		// Half a request line, never finished.
		if _, err := c.Write([]byte("POST /v1/lo")); err != nil {
			t.Fatal(err)
		}
		return c
	}
	var slow []net.Conn
	for i := range 8 {
		slow = append(slow, dialFrom([]string{"127.0.0.2", "127.0.0.3"}[i%2]))
	}
	testkit.Eventually(t, 5*time.Second, "8 open", func() bool { return srv.src.ln.Stats().Open == 8 })

	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	r := do(t, client, srv.url, request{ct: TypeNDJSON, body: strings.NewReader("a\nb\n"), auth: "Bearer " + token})
	if r.status != http.StatusOK {
		t.Fatalf("status %d %s", r.status, r.raw)
	}
	if !closed(slow[0], time.Second) {
		t.Fatal("the oldest silent connection was not reclaimed")
	}

	// 127.0.0.3 holds its four: a new silent connection from it takes
	// the place of its own oldest, not of 127.0.0.2's older one.
	before := srv.src.Stats().ConnectionsReclaimed
	dialFrom("127.0.0.3")
	testkit.Eventually(t, 5*time.Second, "reclaimed", func() bool { return srv.src.Stats().ConnectionsReclaimed == before+1 })
	if !closed(slow[1], time.Second) || closed(slow[2], 10*time.Millisecond) {
		t.Fatal("per-address reclaim took the wrong connection")
	}
	if st := srv.src.Stats(); st.ConnectionsRefused != 0 || st.Accepted != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func closed(c net.Conn, wait time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	defer func() { _ = c.SetReadDeadline(time.Time{}) }()
	_, err := c.Read(make([]byte, 512))
	var ne net.Error
	if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
		return true
	}
	return false
}
