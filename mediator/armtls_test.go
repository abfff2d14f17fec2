package mediator

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/pki"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

const testTLSBlock = "  tls {\n    ca_file   = \"ca.pem\"\n    cert_file = \"dp.pem\"\n    key_file  = \"dp-key.pem\"\n  }\n"

// TestARMAddressNeedsTLS: a non-loopback arm address needs the mediator's
// tls block (ARM is dialed with it) or insecure = true.
func TestARMAddressNeedsTLS(t *testing.T) {
	bad := []struct{ name, src, want string }{
		{"network ARM without tls", "mediator {\n  arm = \"10.0.0.9:7500\"\n}\n",
			`m.hcl:2:3: arm "10.0.0.9:7500" is not a loopback address: configure a tls { ca_file, cert_file, key_file } block`},
		{"named ARM without tls", "mediator {\n  id  = \"dp-01\"\n  arm = \"arm.example.net:7500\"\n}\n",
			`m.hcl:3:3: arm "arm.example.net:7500" is not a loopback address`},
		{"bad ARM address", "mediator {\n  arm = \"arm\"\n}\n", `m.hcl:2:3: arm: "arm": not host:port`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.src), "m.hcl")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant %q", err, tt.want)
			}
			if tt.name == "bad ARM address" && strings.Contains(err.Error(), "loopback") {
				t.Fatalf("a malformed address is reported twice: %v", err)
			}
		})
	}
	good := map[string]string{
		"loopback ARM":          "mediator {\n  arm = \"127.0.0.1:7500\"\n}\n",
		"localhost ARM":         "mediator {\n  arm = \"localhost:7500\"\n}\n",
		"network ARM, tls":      "mediator {\n  arm = \"10.0.0.9:7500\"\n" + testTLSBlock + "}\n",
		"network ARM, insecure": "mediator {\n  arm = \"10.0.0.9:7500\"\n  insecure = true\n}\n",
	}
	for name, src := range good {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseConfig([]byte(src), "m.hcl"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestARMDialOptions(t *testing.T) {
	f := newPKI(t)
	cert, key := pki.CertPaths(f.dir, "dp-sec")
	files := &pki.Files{CA: filepath.Join(f.dir, "ca.pem"), Cert: cert, Key: key}
	logs := &logBuffer{}
	logger := hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info})
	for _, tc := range []struct {
		name    string
		cfg     Config
		wantLen int
		wantErr string
		wantLog string
	}{
		{"no ARM", Config{}, 0, "", ""},
		{"loopback plaintext", Config{ARM: "127.0.0.1:7500"}, 0, "", ""},
		{"tls", Config{ARM: "10.0.0.9:7500", TLS: files}, 1, "", "reporting to ARM over mutual TLS"},
		{"tls on loopback too", Config{ARM: "127.0.0.1:7500", TLS: files}, 1, "", ""},
		// What SLUICE_MEDIATOR_ARM can do behind the file's back.
		{"network plaintext", Config{ARM: "10.0.0.9:7500"}, 0, `arm "10.0.0.9:7500" is not a loopback address`, ""},
		{"network insecure", Config{ARM: "10.0.0.9:7500", Insecure: true}, 0, "", "INSECURE: heartbeats go to ARM over plaintext"},
		{"unreadable tls files", Config{ARM: "127.0.0.1:7500", TLS: &pki.Files{CA: "/nonexistent/ca.pem", Cert: "/nonexistent/c.pem", Key: "/nonexistent/k.pem"}}, 0, "mediator tls (for ARM)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := ARMDialOptions(&tc.cfg, logger)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(opts) != tc.wantLen {
				t.Fatalf("%d options, %v; want %d", len(opts), err, tc.wantLen)
			}
			if tc.wantLog != "" && !strings.Contains(logs.String(), tc.wantLog) {
				t.Fatalf("no %q in:\n%s", tc.wantLog, logs.String())
			}
		})
	}
}

// tlsArmStub is an ArmService behind mutual TLS that records who
// reported: the mediator id of each report and the certificate's.
type tlsArmStub struct {
	sluicev1.UnimplementedArmServiceServer
	mu      sync.Mutex
	reports []string
}

func (s *tlsArmStub) Report(ctx context.Context, req *sluicev1.ReportRequest) (*sluicev1.ReportResponse, error) {
	id, _, err := peerIdentity(ctx)
	s.mu.Lock()
	s.reports = append(s.reports, fmt.Sprintf("%s/%s/%v", req.GetMediator().GetComponentId(), id.ID, err))
	s.mu.Unlock()
	return &sluicev1.ReportResponse{ArmId: "stub", EventAgentId: "arm-stub", Time: timestamppb.Now()}, nil
}

func (s *tlsArmStub) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reports...)
}

// TestMediatorReportsToTLSARM: a mediator with a tls block, given
// ARMDialOptions as the CLI gives them, reports to an ARM that requires
// mediator certificates, as the id in its certificate (real gRPC on
// 127.0.0.1:0).
func TestMediatorReportsToTLSARM(t *testing.T) {
	f := newPKI(t)
	armFiles := f.issue(t, f.dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindARM, ID: "arm-stub"}, Hosts: []string{"127.0.0.1"}})
	tc, err := pki.ServerConfig(armFiles, pki.ServerOptions{Check: func(id pki.Identity) error {
		if id.Kind != pki.KindMediator {
			return fmt.Errorf("not a mediator: %s", id.Kind)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(tc)))
	stub := &tlsArmStub{}
	sluicev1.RegisterArmServiceServer(srv, stub)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	cert, key := pki.CertPaths(f.dir, "dp-sec")
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id           = "dp-sec"
  listen       = "127.0.0.1:0"
  http         = "127.0.0.1:0"
  data_dir     = %q
  arm          = %q
  arm_interval = "100ms"
  tls {
    ca_file   = %q
    cert_file = %q
    key_file  = %q
  }
}`, t.TempDir(), lis.Addr().String(), filepath.Join(f.dir, "ca.pem"), cert, key)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	logger := hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info})
	opts, err := ARMDialOptions(cfg, logger.Named("arm"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: logger, ARMDialOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)

	deadline := time.Now().Add(10 * time.Second)
	for len(stub.seen()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no report reached the TLS ARM; log:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := stub.seen()[0]; got != "dp-sec/dp-sec/<nil>" {
		t.Fatalf("report (claimed id/certificate id/error) %q", got)
	}
	logs.waitLog(t, "ARM answered", "arm_id=stub")
}
