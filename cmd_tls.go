package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/pki"
)

// hostList collects repeated -host flags.
type hostList []string

func (h *hostList) String() string     { return strings.Join(*h, ",") }
func (h *hostList) Set(v string) error { *h = append(*h, v); return nil }

// cmdTLS makes a CA and certificates for mutual TLS between agents and
// mediators (and mediators and ARM).
func cmdTLS(_ context.Context, args []string, stdout, stderr io.Writer) int {
	usage := func() int {
		fmt.Fprintln(stderr, "usage: sluice tls ca   -dir D [-name NAME]")
		fmt.Fprintln(stderr, "       sluice tls cert -dir D -agent ID [-org ORG] [-days N] [-force]")
		fmt.Fprintln(stderr, "       sluice tls cert -dir D -mediator ID [-host NAME_OR_IP]... [-days N] [-force]")
		fmt.Fprintln(stderr, "       sluice tls cert -dir D -arm ID [-host NAME_OR_IP]... [-days N] [-force]")
		fmt.Fprintln(stderr, "\nWrites D/ca.pem and D/ca-key.pem; or, signed by D's CA, D/ORG/ID.pem and")
		fmt.Fprintln(stderr, "D/ORG/ID-key.pem for an agent, D/ID.pem and D/ID-key.pem for a mediator or ARM.")
		fmt.Fprintln(stderr, "An agent certificate carries the agent's id and organization: the mediator")
		fmt.Fprintln(stderr, "takes them from it and refuses a hello that claims another id. A mediator")
		fmt.Fprintln(stderr, "certificate is also its client certificate towards ARM; an ARM certificate")
		fmt.Fprintln(stderr, "only serves (mediators check it against the address they dial).")
		fmt.Fprintln(stderr, "\nThe ids ca and ca-key are refused (they are the CA's files). A certificate of")
		fmt.Fprintln(stderr, "the same identity is replaced (renewal); files holding anything else are not,")
		fmt.Fprintln(stderr, "unless -force. The CA's files never are.")
		return 2
	}
	if len(args) == 0 {
		return usage()
	}
	fs := flag.NewFlagSet("sluice tls "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "directory of the CA and certificates")
	switch args[0] {
	case "ca":
		name := fs.String("name", "Sluice CA", "the CA's common name")
		if err := fs.Parse(args[1:]); err != nil || *dir == "" {
			return usage()
		}
		if err := pki.NewCA(*dir, *name, time.Now()); err != nil {
			fmt.Fprintln(stderr, "sluice tls ca:", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s/ca.pem and %s/ca-key.pem (keep the key safe: it signs every identity)\n", *dir, *dir)
		return 0
	case "cert":
		agentID := fs.String("agent", "", "issue an agent certificate for this id")
		org := fs.String("org", event.DefaultOrganization, "the agent's organization")
		medID := fs.String("mediator", "", "issue a mediator certificate for this id")
		armID := fs.String("arm", "", "issue an ARM (heartbeat service) certificate for this id")
		days := fs.Int("days", int(pki.CertLifetime/(24*time.Hour)), "lifetime in days (at least 1)")
		force := fs.Bool("force", false, "replace files that hold another identity's certificate or key")
		var hosts hostList
		fs.Var(&hosts, "host", "a DNS name or IP the mediator or ARM is reached at (repeatable; default: localhost, 127.0.0.1, ::1 and the hostname)")
		if err := fs.Parse(args[1:]); err != nil || *dir == "" {
			return usage()
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "sluice tls cert: unexpected argument %q (it takes flags only)\n", fs.Arg(0))
			return 2
		}
		if *days < 1 {
			fmt.Fprintf(stderr, "sluice tls cert: -days must be at least 1, not %d\n", *days)
			return 2
		}
		kinds := 0
		for _, v := range []string{*agentID, *medID, *armID} {
			if v != "" {
				kinds++
			}
		}
		if kinds != 1 {
			return usage()
		}
		opts := pki.IssueOptions{Lifetime: time.Duration(*days) * 24 * time.Hour, Force: *force}
		if *agentID != "" {
			opts.Identity = pki.Identity{Kind: pki.KindAgent, ID: *agentID, Organization: *org}
		} else {
			opts.Identity = pki.Identity{Kind: pki.KindMediator, ID: *medID}
			if *armID != "" {
				opts.Identity = pki.Identity{Kind: pki.KindARM, ID: *armID}
			}
			if len(hosts) == 0 {
				hosts = hostList{"localhost", "127.0.0.1", "::1"}
				if h, err := os.Hostname(); err == nil {
					hosts = append(hosts, h)
				}
			}
			opts.Hosts = hosts
		}
		cert, key := pki.PathsFor(*dir, opts.Identity)
		_, statErr := os.Stat(cert)
		if err := pki.Issue(*dir, opts); err != nil {
			fmt.Fprintln(stderr, "sluice tls cert:", err)
			return 1
		}
		verb := "wrote"
		if statErr == nil {
			verb = "replaced"
		}
		fmt.Fprintf(stdout, "%s %s and %s\n", verb, cert, key)
		return 0
	}
	return usage()
}
