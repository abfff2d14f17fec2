package serve

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/connlimit"
)

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

func get(t *testing.T, client *http.Client, url string) *http.Response {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// An HTTP-only server (an agent's metrics endpoint) serves with the
// shared timeouts and caps, and stops when its context ends.
func TestHTTPOnly(t *testing.T) {
	s, err := Listen(Config{HTTP: &HTTPConfig{Addr: "127.0.0.1:0", Handler: okHandler(), Limits: connlimit.Config{Max: 8, PerAddress: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	if s.GRPCAddr() != "" || s.HTTPAddr() == "" {
		t.Fatalf("addresses %q, %q", s.GRPCAddr(), s.HTTPAddr())
	}
	hs := s.HTTPServer()
	if hs.ReadHeaderTimeout != connlimit.DefaultReadHeaderTimeout || hs.IdleTimeout != connlimit.DefaultIdleTimeout || hs.ConnState == nil || hs.ErrorLog == nil {
		t.Fatalf("server %+v", hs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	resp := get(t, client, "http://"+s.HTTPAddr()+"/")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("%s %v", resp.Status, resp.Header)
	}
	if s.HTTPListener().Stats().Open != 1 {
		t.Fatalf("stats %+v", s.HTTPListener().Stats())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if !testkit.CanBind(s.HTTPAddr()) {
		t.Fatal("HTTP address still bound")
	}
}

// Both halves: gRPC answers, and a failing half stops the other and is
// named in Serve's error.
func TestServeStopsOnFailure(t *testing.T) {
	g := grpc.NewServer()
	healthpb.RegisterHealthServer(g, health.NewServer())
	s, err := Listen(Config{GRPC: g, GRPCAddr: "127.0.0.1:0", HTTP: &HTTPConfig{Addr: "127.0.0.1:0", Handler: okHandler()}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(context.Background()) }()

	conn, err := grpc.NewClient(s.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("gRPC: %v", err)
	}
	_ = s.HTTPListener().Close() // the HTTP half fails
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "http server:") {
			t.Fatalf("Serve = %v, want the http server's error", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return")
	}
	if !testkit.CanBind(s.GRPCAddr()) {
		t.Fatal("gRPC address still bound")
	}
}

// A Listen that fails on its second address closes the first, and a
// Server never served is released by Stop.
func TestListenReleases(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	grpcAddr := testkit.FreeAddr(t)
	_, err = Listen(Config{GRPC: grpc.NewServer(), GRPCAddr: grpcAddr, GRPCClients: "agents",
		HTTP: &HTTPConfig{Addr: taken.Addr().String(), Handler: okHandler()}})
	if err == nil || !strings.Contains(err.Error(), "listen for HTTP on "+taken.Addr().String()) {
		t.Fatalf("Listen = %v", err)
	}
	if !testkit.CanBind(grpcAddr) {
		t.Fatal("gRPC address left bound after a failed Listen")
	}
	if _, err := Listen(Config{GRPC: grpc.NewServer(), GRPCAddr: taken.Addr().String(), GRPCClients: "agents"}); err == nil || !strings.Contains(err.Error(), "listen for agents on") {
		t.Fatalf("Listen = %v", err)
	}

	s, err := Listen(Config{GRPC: grpc.NewServer(), GRPCAddr: "127.0.0.1:0", HTTP: &HTTPConfig{Addr: "127.0.0.1:0", Handler: okHandler()}})
	if err != nil {
		t.Fatal(err)
	}
	s.Stop()
	s.Shutdown() // a second stop does nothing
	if !testkit.CanBind(s.GRPCAddr()) || !testkit.CanBind(s.HTTPAddr()) {
		t.Fatal("Stop left an address bound")
	}
	// Served after the stop (a supervisor that started its parts late):
	// both return at once, without error.
	if err := s.RunGRPC(); err != nil {
		t.Fatalf("RunGRPC after Stop = %v", err)
	}
	if err := s.RunHTTP(); err != nil {
		t.Fatalf("RunHTTP after Stop = %v", err)
	}
}

// Shutdown lets a running request finish; HTTP errors (a failed TLS
// handshake) go to the daemon's log under "http".
func TestShutdownAndErrorLog(t *testing.T) {
	var logs syncBuffer
	logger := hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})
	entered, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		WriteJSON(w, http.StatusOK, "done")
	})
	s, err := Listen(Config{Logger: logger, HTTP: &HTTPConfig{Addr: "127.0.0.1:0", Handler: slow, TLS: selfSigned(t)}})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.RunHTTP() }()

	// A plaintext client on the TLS port fails its handshake.
	c, err := net.Dial("tcp", s.HTTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	_, _ = c.Read(make([]byte, 512))
	_ = c.Close()

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 10 * time.Second}
	got := make(chan int, 1)
	go func() {
		resp, err := client.Get("https://" + s.HTTPAddr() + "/")
		if err != nil {
			got <- 0
			return
		}
		_ = resp.Body.Close()
		got <- resp.StatusCode
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the request did not arrive")
	}
	stopped := make(chan struct{})
	go func() { s.Shutdown(); close(stopped) }()
	time.Sleep(50 * time.Millisecond)
	close(release)
	if code := <-got; code != http.StatusOK {
		t.Fatalf("request during Shutdown: %d", code)
	}
	<-stopped
	if !strings.Contains(logs.String(), "http: TLS handshake error") || !strings.Contains(logs.String(), " http: ") {
		t.Fatalf("log:\n%s", logs.String())
	}
}

func TestWriteJSON(t *testing.T) {
	w := httptest.NewRecorder()
	WriteJSON(w, http.StatusTeapot, map[string]int{"n": 1})
	if w.Code != http.StatusTeapot || w.Body.String() != "{\"n\":1}\n" || w.Header().Get("Content-Type") != "application/json" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %q %v", w.Code, w.Body.String(), w.Header())
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}
