package connlimit

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// harness is a limited listener on 127.0.0.1:0 whose accepted
// connections are collected by their client's address.
type harness struct {
	t *testing.T
	l *Listener

	mu       sync.Mutex
	accepted map[string]net.Conn
	arrived  chan struct{}
}

// tick is a clock that moves one second per call, so "the oldest" is
// never a tie.
func tick() func() time.Time {
	var mu sync.Mutex
	t := time.Unix(1_000_000, 0)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Now = tick()
	h := &harness{t: t, l: New(raw, cfg), accepted: map[string]net.Conn{}, arrived: make(chan struct{}, 1024)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := h.l.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			h.accepted[c.RemoteAddr().String()] = c
			h.mu.Unlock()
			h.arrived <- struct{}{}
		}
	}()
	t.Cleanup(func() {
		_ = h.l.Close()
		<-done
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, c := range h.accepted {
			_ = c.Close()
		}
	})
	return h
}

// dial connects from the loopback address from (Linux routes all of
// 127/8 to lo) and reports the server side, or nil when the listener
// closed the connection at once.
func (h *harness) dial(from string) (client, server net.Conn) {
	h.t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	c, err := d.Dial("tcp", h.l.Addr().String())
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = c.Close() })
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		s := h.accepted[c.LocalAddr().String()]
		h.mu.Unlock()
		if s != nil {
			return c, s
		}
		if closedByPeer(c, 20*time.Millisecond) {
			return c, nil
		}
	}
	h.t.Fatalf("connection from %s neither accepted nor closed", from)
	return nil, nil
}

// closedByPeer reports whether c reads EOF (or a reset) within wait.
func closedByPeer(c net.Conn, wait time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	defer func() { _ = c.SetReadDeadline(time.Time{}) }()
	var b [1]byte
	_, err := c.Read(b[:])
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return err != nil
}

// step is one connection of a scenario: who dials, whether the server
// marks it busy once accepted, and whether it is expected in.
type step struct {
	from  string
	busy  bool
	admit bool
	// closes names an earlier step (by index) the new connection
	// reclaims, -1 for none.
	closes int
}

func TestLimits(t *testing.T) {
	cases := []struct {
		name  string
		cfg   Config
		steps []step
		stats Stats
	}{
		{
			name: "under the limits everything is admitted",
			cfg:  Config{Max: 3, PerAddress: 2},
			steps: []step{
				{"127.0.0.2", true, true, -1},
				{"127.0.0.3", true, true, -1},
				{"127.0.0.2", true, true, -1},
			},
			stats: Stats{Open: 3},
		},
		{
			name: "max reached, all busy: the new connection is refused",
			cfg:  Config{Max: 2},
			steps: []step{
				{"127.0.0.2", true, true, -1},
				{"127.0.0.3", true, true, -1},
				{"127.0.0.4", true, false, -1},
			},
			stats: Stats{Open: 2, Refused: 1},
		},
		{
			name: "max reached: the oldest connection that sent nothing makes room",
			cfg:  Config{Max: 3},
			steps: []step{
				{"127.0.0.2", false, true, -1},
				{"127.0.0.3", true, true, -1},
				{"127.0.0.4", false, true, -1},
				{"127.0.0.5", false, true, 0},
				{"127.0.0.6", false, true, 2},
				{"127.0.0.7", false, true, 3},
			},
			stats: Stats{Open: 3, Reclaimed: 3},
		},
		{
			name: "per address reached, busy: refused from that address, others still in",
			cfg:  Config{Max: 10, PerAddress: 2},
			steps: []step{
				{"127.0.0.2", true, true, -1},
				{"127.0.0.2", true, true, -1},
				{"127.0.0.2", true, false, -1},
				{"127.0.0.3", true, true, -1},
			},
			stats: Stats{Open: 3, Refused: 1},
		},
		{
			name: "per address reached: only that address's silent connections are reclaimed",
			cfg:  Config{Max: 10, PerAddress: 2},
			steps: []step{
				{"127.0.0.3", false, true, -1}, // older, but another address
				{"127.0.0.2", true, true, -1},
				{"127.0.0.2", false, true, -1},
				{"127.0.0.2", false, true, 2},
				{"127.0.0.2", false, true, 3},
			},
			stats: Stats{Open: 3, Reclaimed: 2},
		},
		{
			name: "no limits",
			cfg:  Config{},
			steps: []step{
				{"127.0.0.2", false, true, -1},
				{"127.0.0.2", false, true, -1},
				{"127.0.0.2", false, true, -1},
			},
			stats: Stats{Open: 3},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.cfg)
			clients := make([]net.Conn, len(tc.steps))
			for i, s := range tc.steps {
				c, srv := h.dial(s.from)
				clients[i] = c
				if (srv != nil) != s.admit {
					t.Fatalf("step %d from %s: admitted %v, want %v", i, s.from, srv != nil, s.admit)
				}
				if srv != nil && s.busy {
					h.l.Busy(srv)
				}
				if s.closes >= 0 && !closedByPeer(clients[s.closes], time.Second) {
					t.Fatalf("step %d: connection %d was not reclaimed", i, s.closes)
				}
				// Nothing else was closed.
				for j := 0; j < i; j++ {
					if !tc.steps[j].admit || reclaimedBy(tc.steps, j, i) {
						continue
					}
					if closedByPeer(clients[j], time.Millisecond) {
						t.Fatalf("step %d: connection %d was closed", i, j)
					}
				}
			}
			if got := h.l.Stats(); got != tc.stats {
				t.Fatalf("stats %+v, want %+v", got, tc.stats)
			}
		})
	}
}

// reclaimedBy reports whether step j was reclaimed by a step up to i.
func reclaimedBy(steps []step, j, i int) bool {
	for k := 0; k <= i; k++ {
		if steps[k].closes == j {
			return true
		}
	}
	return false
}

// Closing a connection gives its slot back, once, however often it is
// closed.
func TestCloseFreesSlot(t *testing.T) {
	h := newHarness(t, Config{Max: 1, PerAddress: 1})
	_, s1 := h.dial("127.0.0.2")
	h.l.Busy(s1)
	if _, s := h.dial("127.0.0.2"); s != nil {
		t.Fatal("second connection admitted over the limit")
	}
	_ = s1.Close()
	_ = s1.Close()
	if _, s := h.dial("127.0.0.2"); s == nil {
		t.Fatal("slot not given back")
	}
	if st := h.l.Stats(); st.Open != 1 || st.Refused != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// Behind an http.Server, idle keep-alives and connections that have not
// sent a request are reclaimed; a request in progress is not.
func TestHTTPConnState(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := New(raw, Config{Max: 2})
	release := make(chan struct{})
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				<-release
			}
			_, _ = io.WriteString(w, "ok")
		}),
		ConnState:         l.ConnState,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	url := "http://" + l.Addr().String()

	// A request in progress holds one slot.
	slowDone := make(chan error, 1)
	go func() {
		c := &http.Client{Transport: &http.Transport{}}
		resp, err := c.Get(url + "/slow")
		if err == nil {
			_, _ = io.ReadAll(resp.Body)
			_ = resp.Body.Close()
		}
		slowDone <- err
	}()
	testkit.Eventually(t, 5*time.Second, "slow request in progress", func() bool { return l.Stats().Open == 1 })

	// A client that connects and says nothing holds the other.
	silent, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	testkit.Eventually(t, 5*time.Second, "silent connection accepted", func() bool { return l.Stats().Open == 2 })

	// A new client gets in: the silent one is reclaimed, the request in
	// progress is not.
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	get := func() {
		t.Helper()
		resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(url + "/fast")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
	}
	get()
	if !closedByPeer(silent, time.Second) {
		t.Fatal("the silent connection was not reclaimed")
	}
	// The fast client's keep-alive now idles; another client reclaims it.
	testkit.Eventually(t, 5*time.Second, "keep-alive idle", func() bool { return idle(l) == 1 })
	other, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	testkit.Eventually(t, 5*time.Second, "idle keep-alive reclaimed", func() bool { return l.Stats().Reclaimed == 2 })

	close(release)
	if err := <-slowDone; err != nil {
		t.Fatalf("the request in progress failed: %v", err)
	}
	if st := l.Stats(); st.Refused != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// idle counts l's reclaimable connections.
func idle(l *Listener) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for c := range l.conns {
		if !c.busy {
			n++
		}
	}
	return n
}

func TestAddressKey(t *testing.T) {
	cases := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 1}, "192.0.2.7/32"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.7"), Port: 1}, "192.0.2.7/32"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:1:2:3:4:5:6"), Port: 1}, "2001:db8:1:2::/64"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:1:2:ffff::1"), Port: 1}, "2001:db8:1:2::/64"},
		{&net.UDPAddr{IP: net.ParseIP("198.51.100.1"), Port: 1}, "198.51.100.1/32"},
		{&net.UnixAddr{Name: "/tmp/x", Net: "unix"}, "invalid Prefix"},
	}
	for _, c := range cases {
		if got := addressKey(c.addr).String(); got != c.want {
			t.Errorf("addressKey(%v) = %s, want %s", c.addr, got, c.want)
		}
	}
	if addressKey(cases[2].addr) == addressKey(&net.TCPAddr{IP: net.ParseIP("2001:db8:1:3::1")}) {
		t.Error("two /64s share a key")
	}
}
