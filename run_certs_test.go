package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/mediator"
)

// sluice run makes the demo's CA and certificates on first start, and an
// agent certificate missing beside an existing CA (a state folder from
// before agents' files were named by organization) is issued from it.
func TestDemoCertificates(t *testing.T) {
	state := t.TempDir()
	load := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("configs", "demo", name))
		if err != nil {
			t.Fatal(err)
		}
		return []byte(strings.ReplaceAll(string(b), ".sluice/demo", state))
	}
	m, err := mediator.ParseConfig(load("mediator.hcl"), "mediator.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a, err := agent.ParseConfig(load("agent.hcl"), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	r, err := arm.ParseConfig(load("arm.hcl"), "arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if err := demoCertificates(m, a, r, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{m.TLS.Cert, m.TLS.Key, a.TLS.Cert, a.TLS.Key, r.TLS.Cert, r.TLS.Key} {
		if _, err := os.Stat(p); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.Remove(a.TLS.Cert)
	_ = os.Remove(a.TLS.Key)
	if err := demoCertificates(m, a, r, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a.TLS.Cert); err != nil {
		t.Fatal("the agent's certificate was not issued again beside the CA")
	}
}
