package syslog_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/pki"
)

// Every transport and framing delivers the messages, without framing, to
// the spool under the source's id and type.
func TestReceive(t *testing.T) {
	p := newPKI(t)
	serverOnly := &pki.Files{Cert: p.server.Cert, Key: p.server.Key}
	tcpSend := func(payload string) func(t *testing.T, addr string) {
		return func(t *testing.T, addr string) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, payload); err != nil {
				t.Fatal(err)
			}
		}
	}
	tlsSend := func(cert *tls.Certificate, payload string) func(t *testing.T, addr string) {
		return func(t *testing.T, addr string) {
			c, err := tls.Dial("tcp", addr, p.clientConfig(cert))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, payload); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name    string
		scheme  string
		framing syslog.Framing
		tls     *pki.Files
		send    func(t *testing.T, addr string)
		want    []string
	}{
		{"udp", "udp", syslog.FramingAuto, nil, func(t *testing.T, addr string) {
			c, err := net.Dial("udp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for _, m := range []string{"<13>Jan  1 00:00:00 h app: one", "<13>Jan  1 00:00:00 h app: two\n", "<13>1 2024-01-01T00:00:00Z h app - - - three"} {
				if _, err := io.WriteString(c, m); err != nil {
					t.Fatal(err)
				}
			}
		}, []string{"<13>Jan  1 00:00:00 h app: one", "<13>Jan  1 00:00:00 h app: two", "<13>1 2024-01-01T00:00:00Z h app - - - three"}},
		{"tcp lf", "tcp", syslog.FramingAuto, nil, tcpSend("<13>one\n<13>two\r\n<13>three\x00<13>four"), []string{"<13>one", "<13>two", "<13>three", "<13>four"}},
		{"tcp lf forced", "tcp", syslog.FramingLF, nil, tcpSend("3 one\n<13>two\n"), []string{"3 one", "<13>two"}},
		{"tcp octet-counted auto", "tcp", syslog.FramingAuto, nil, tcpSend("7 <13>one9 <13>t\nwo\n7 <13>six"), []string{"<13>one", "<13>t\nwo", "<13>six"}},
		{"tcp octet-counted forced", "tcp", syslog.FramingOctetCounted, nil, tcpSend("7 <13>one7 <13>two"), []string{"<13>one", "<13>two"}},
		{"tls with client certificate", "tls", syslog.FramingAuto, &p.server, tlsSend(&p.client, "<13>secret one\n<13>secret two\n"), []string{"<13>secret one", "<13>secret two"}},
		{"tls octet-counted", "tls", syslog.FramingAuto, &p.server, tlsSend(&p.client, "4 <1>a4 <1>b"), []string{"<1>a", "<1>b"}},
		{"tls without ca_file takes any client", "tls", syslog.FramingAuto, serverOnly, tlsSend(nil, "<13>anon\n"), []string{"<13>anon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := openSpool(t)
			src := start(t, syslog.Config{Listen: tt.scheme + "://127.0.0.1:0", Framing: tt.framing, TLS: tt.tls}, sp)
			tt.send(t, src.Addr().String())
			es := spooled(t, sp, len(tt.want))
			got := raws(es)
			if tt.scheme == "udp" {
				got, tt.want = sorted(got), sorted(tt.want) // datagrams may pass each other
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
			for _, e := range es {
				if e.GetSourceId() != "net" || e.GetSourceType() != "syslog" || e.GetTruncated() || e.GetCollectedAt().AsTime().IsZero() {
					t.Fatalf("entry %v", e)
				}
			}
			if st := src.Stats(); st.Received != uint64(len(tt.want)) || st.Committed != uint64(len(tt.want)) {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// With a ca_file, a client without a certificate, or with one another CA
// signed, is refused and nothing it sends is kept.
func TestTLSRefusesClientsWithoutTrustedCertificate(t *testing.T) {
	p := newPKI(t)
	other := newPKI(t)
	tests := []struct {
		name string
		cert *tls.Certificate
	}{
		{"no certificate", nil},
		{"certificate of another CA", &other.client},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeStore{}
			src := start(t, syslog.Config{Listen: "tls://127.0.0.1:0", TLS: &p.server}, store)
			c, err := tls.Dial("tcp", src.Addr().String(), p.clientConfig(tt.cert))
			if err == nil {
				// TLS 1.3: the client learns of the refusal on its first read.
				defer c.Close()
				_, _ = io.WriteString(c, "<13>intruder\n")
				_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, err = c.Read(make([]byte, 1))
			}
			var alert tls.AlertError
			if err == nil || (!errors.As(err, &alert) && !strings.Contains(err.Error(), "certificate")) {
				t.Fatalf("client was not refused: %v", err)
			}
			time.Sleep(100 * time.Millisecond)
			if lines, _ := store.snapshot(); len(lines) != 0 || src.Stats().Received != 0 {
				t.Fatalf("kept %q from a refused client", lines)
			}
		})
	}
}

// A message over max_line_bytes keeps its first bytes, flagged truncated
// with its original length, and counted; the next message is intact.
func TestTruncation(t *testing.T) {
	long := strings.Repeat("x", 1000)
	tests := []struct {
		name    string
		scheme  string
		framing syslog.Framing
		payload []string // UDP: one datagram each
	}{
		{"udp", "udp", syslog.FramingAuto, []string{long, "ok"}},
		{"tcp lf", "tcp", syslog.FramingAuto, []string{long + "\nok\n"}},
		{"tcp octet count over max", "tcp", syslog.FramingOctetCounted, []string{"1000 " + long + "2 ok"}},
		{"tcp octet count over max, auto", "tcp", syslog.FramingAuto, []string{"1000 " + long, "2 ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := openSpool(t)
			src := start(t, syslog.Config{Listen: tt.scheme + "://127.0.0.1:0", Framing: tt.framing, MaxLineBytes: 256}, sp)
			c, err := net.Dial(tt.scheme, src.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for _, p := range tt.payload {
				if _, err := io.WriteString(c, p); err != nil {
					t.Fatal(err)
				}
				time.Sleep(10 * time.Millisecond) // keep the datagrams in order
			}
			es := spooled(t, sp, 2)
			if got := raws(es); got[0] != long[:256] || got[1] != "ok" {
				t.Fatalf("got %q", got)
			}
			if !es[0].GetTruncated() || es[0].GetOriginalLength() != 1000 || es[1].GetTruncated() {
				t.Fatalf("flags %v / %v", es[0], es[1])
			}
			if st := src.Stats(); st.Truncated != 1 || st.Received != 2 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// Cancelling Run with clients connected (one mid-line, one mid-TLS
// handshake, one idle) closes them and returns promptly, with what was
// read committed and no goroutine left behind.
func TestRunReturnsOnCancelWithOpenConnections(t *testing.T) {
	p := newPKI(t)
	for _, scheme := range []string{"tcp", "tls"} {
		t.Run(scheme, func(t *testing.T) {
			before := runtime.NumGoroutine()
			store := &fakeStore{}
			cfg := syslog.Config{SourceID: "s", LogSourceType: "t", Listen: scheme + "://127.0.0.1:0"}
			if scheme == "tls" {
				cfg.TLS = &p.server
			}
			src, err := syslog.New(cfg, store, testkit.Logger(t, "syslog"))
			if err != nil {
				t.Fatal(err)
			}
			if err := src.Listen(); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- src.Run(ctx) }()

			dial := func() net.Conn {
				if scheme == "tls" {
					c, err := tls.Dial("tcp", src.Addr().String(), p.clientConfig(&p.client))
					if err != nil {
						t.Fatal(err)
					}
					return c
				}
				c, err := net.Dial("tcp", src.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			sender, partial, idle := dial(), dial(), dial()
			raw, err := net.Dial("tcp", src.Addr().String()) // says nothing: in a TLS handshake, for tls
			if err != nil {
				t.Fatal(err)
			}
			conns := []net.Conn{sender, partial, idle, raw}
			defer func() {
				for _, c := range conns {
					_ = c.Close()
				}
			}()
			_, _ = io.WriteString(sender, "<13>before cancel\n")
			_, _ = io.WriteString(partial, "<13>no newline yet")
			testkit.Eventually(t, 10*time.Second, "4 connections", func() bool { return src.Stats().Connections == 4 })
			testkit.Eventually(t, 10*time.Second, "a line committed", func() bool { l, _ := store.snapshot(); return len(l) == 1 })

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("Run did not return within 2s of cancel")
			}
			for _, c := range conns {
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
				if _, err := c.Read(make([]byte, 1)); err == nil || isTimeout(err) {
					t.Fatalf("connection still open after Run returned: %v", err)
				}
			}
			if st := src.Stats(); st.Connections != 0 {
				t.Fatalf("stats %+v", st)
			}
			for _, c := range conns {
				_ = c.Close()
			}
			testkit.Eventually(t, 10*time.Second, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
		})
	}
}

// A connection that sends nothing for idle_timeout is closed, and frees
// its slot.
func TestIdleTimeout(t *testing.T) {
	src := start(t, syslog.Config{Listen: "tcp://127.0.0.1:0", IdleTimeout: 200 * time.Millisecond}, &fakeStore{})
	c, err := net.Dial("tcp", src.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	began := time.Now()
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("read: %v", err)
	}
	if d := time.Since(began); d < 150*time.Millisecond {
		t.Fatalf("closed after %s, before the idle timeout", d)
	}
	testkit.Eventually(t, 10*time.Second, "no connection", func() bool { return src.Stats().Connections == 0 })
}

// Connections over max_connections are closed at once and counted when
// every open one is a sender; the ones within the limit carry on.
func TestMaxConnections(t *testing.T) {
	store := &fakeStore{}
	src := start(t, syslog.Config{Listen: "tcp://127.0.0.1:0", MaxConnections: 2}, store)
	var conns []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", src.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := fmt.Fprintf(c, "<13>sender %d\n", i); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	testkit.Eventually(t, 10*time.Second, "2 senders", func() bool { l, _ := store.snapshot(); return len(l) == 2 })
	extra, err := net.Dial("tcp", src.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	_ = extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := extra.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("third connection: %v", err)
	}
	if st := src.Stats(); st.Rejected != 1 || st.Connections != 2 {
		t.Fatalf("stats %+v", st)
	}
	_, _ = io.WriteString(conns[1], "<13>still served\n")
	testkit.Eventually(t, 10*time.Second, "the line", func() bool { l, _ := store.snapshot(); return len(l) == 3 })
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  syslog.Config
		want string
	}{
		{"no scheme", syslog.Config{Listen: "127.0.0.1:514"}, "must be udp://host:port"},
		{"bad scheme", syslog.Config{Listen: "http://127.0.0.1:514"}, `scheme "http"`},
		{"no port", syslog.Config{Listen: "udp://127.0.0.1"}, "not host:port"},
		{"bad port", syslog.Config{Listen: "tcp://127.0.0.1:99999"}, "between 0 and 65535"},
		{"tls without files", syslog.Config{Listen: "tls://127.0.0.1:0"}, "needs a certificate"},
		{"tls files on tcp", syslog.Config{Listen: "tcp://127.0.0.1:0", TLS: &pki.Files{Cert: "c", Key: "k"}}, "use tls://"},
		{"missing cert file", syslog.Config{Listen: "tls://127.0.0.1:0", TLS: &pki.Files{Cert: "/nonexistent.pem", Key: "/nonexistent-key.pem"}}, "nonexistent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := syslog.New(tt.cfg, &fakeStore{}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
