package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	oklog "github.com/oklog/run"
	"google.golang.org/grpc"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/internal/daemon"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/gctune"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/pki"
)

// cmdRun runs a mediator and an agent in one process: the demo of `make
// run`, and a small single-host deployment.
func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	medPath := fs.String("mediator", "configs/demo/mediator.hcl", "mediator config file")
	agentPath := fs.String("agent", "configs/demo/agent.hcl", "agent config file")
	armPath := fs.String("arm", "configs/demo/arm.hcl", "ARM config file (\"\" runs without ARM)")
	gridEvery := fs.Duration("grid", 30*time.Second, "how often to print the heartbeat grid (0: never)")
	quiet := fs.Bool("quiet", false, "do not print events as they are indexed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	mcfg, err := mediator.LoadConfig(*medPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	acfg, err := agent.LoadConfig(*agentPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var rcfg *arm.Config
	if *armPath != "" {
		if rcfg, err = arm.LoadConfig(*armPath); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	logger := logging.New("sluice", firstNonEmpty(mcfg.Log.Level, "warn"), stderr)
	gctune.Tune()
	gctune.Limit(mcfg.MemoryLimit)
	if err := demoCertificates(mcfg, acfg, rcfg, stdout); err != nil {
		fmt.Fprintln(stderr, "cannot create the demo's certificates:", err)
		return 1
	}

	var a *arm.ARM
	if rcfg != nil {
		if a, err = arm.New(rcfg, arm.Deps{Logger: logger.Named("arm"), Version: version}); err != nil {
			fmt.Fprintln(stderr, "cannot start ARM:", err)
			return 1
		}
	}
	armDial, err := embeddedARMDialOptions(mcfg, rcfg, a, logger.Named("mediator.arm"))
	if err != nil {
		fmt.Fprintln(stderr, "cannot report to ARM:", err)
		return 1
	}

	var observers []mediator.Observer
	if !*quiet {
		var mu sync.Mutex
		observers = append(observers, func(events []*event.Event) {
			mu.Lock()
			defer mu.Unlock()
			for _, e := range events {
				fmt.Fprintln(stdout, eventLine(e))
			}
		})
	}
	m, err := mediator.New(mcfg, mediator.Deps{Logger: logger.Named("mediator"), Version: version, Observers: observers, ARMDialOptions: armDial})
	if err != nil {
		fmt.Fprintln(stderr, "cannot start mediator:", err)
		return 1
	}
	ag, err := agent.New(acfg, agent.Deps{Logger: logger.Named("agent"), Version: version})
	if err != nil {
		fmt.Fprintln(stderr, "cannot start agent:", err)
		return 1
	}
	var paths []string
	for _, s := range acfg.Sources {
		paths = append(paths, s.Paths...)
	}
	fmt.Fprintf(stdout, "Sluice %s all-in-one: mediator %s on %s, agent %s tailing %s\n", version, mcfg.ID, m.Addr(), acfg.ID, strings.Join(paths, ", "))
	api := "http://" + m.HTTPAddr()
	if mcfg.HTTPTLS != nil {
		api = "https://" + m.HTTPAddr()
	}
	fmt.Fprintf(stdout, "Search from another terminal:  bin/sluice search -addr %s 'sluice.common_event:\"User Logon\"'\n", api)
	fmt.Fprintf(stdout, "Search page:                   %s/\n", api)
	if a != nil {
		dash := "http://" + a.HTTPAddr()
		if rcfg.HTTPTLS != nil {
			dash = "https://" + a.HTTPAddr()
		}
		fmt.Fprintf(stdout, "Heartbeat dashboard:           %s/   (or: bin/sluice heartbeats -addr %s)\n", dash, dash)
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	fmt.Fprintln(stdout)

	stopHUP := daemon.OnHUP(ctx, func() { _ = m.Reload() }) // logged by the mediator either way
	defer stopHUP()
	defer daemon.NotifySystemd(ctx, logger)()
	parts := []part{
		{"mediator", m.Run},
		{"agent", ag.Run},
	}
	if a != nil {
		parts = append(parts, part{"ARM", a.Run}, part{"heartbeat grid", func(ctx context.Context) error {
			printGrid(ctx, a, *gridEvery, stdout)
			<-ctx.Done() // no grid (-grid 0) is no reason to stop the rest
			return nil
		}})
	}
	if err := runParts(ctx, parts); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// part is one of the things `sluice run` runs side by side.
type part struct {
	name string
	run  func(context.Context) error
}

// runParts runs the parts until ctx is done or the first of them
// returns: the first to fail stops the others, and its error, named by
// its part, leads the result; errors of the others as they stop follow
// it. On ctx's end it returns nil unless a part fails.
func runParts(ctx context.Context, parts []part) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var g oklog.Group
	var mu sync.Mutex
	var errs []error // in the order the parts stopped
	for _, p := range parts {
		g.Add(func() error {
			err := p.run(ctx)
			if err != nil {
				err = fmt.Errorf("%s: %w", p.name, err)
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			return err
		}, func(error) { cancel() })
	}
	_ = g.Run() // the first part's error is errs[0]
	mu.Lock()
	defer mu.Unlock()
	return errors.Join(errs...)
}

// demoCertificates creates, on first start, the CA and certificates the
// all-in-one configs name when none of their files exist yet: the CA in
// the directory of the mediator's ca_file, certificates named after the
// mediator, agent and ARM ids. Existing files are never touched; an ARM
// or agent certificate missing beside an existing demo CA (a state folder
// from before ARM had TLS, or before agents' files were named by
// organization) is issued from that CA.
func demoCertificates(m *mediator.Config, a *agent.Config, r *arm.Config, stdout io.Writer) error {
	if m.TLS == nil || a.TLS == nil {
		return nil
	}
	dir := filepath.Dir(m.TLS.CA)
	localhost := []string{"localhost", "127.0.0.1", "::1"}
	want := []string{m.TLS.CA, m.TLS.Cert, m.TLS.Key, a.TLS.CA, a.TLS.Cert, a.TLS.Key}
	var made []string
	if noneExist(want) {
		if err := pki.NewCA(dir, "Sluice demo CA", time.Now()); err != nil {
			return err
		}
		if err := pki.Issue(dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindMediator, ID: m.ID}, Hosts: localhost}); err != nil {
			return err
		}
		if err := pki.Issue(dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindAgent, ID: a.ID, Organization: a.Organization}}); err != nil {
			return err
		}
		made = append(made, "a CA", "certificates for mediator "+m.ID, "agent "+a.ID)
	} else if _, err := os.Stat(filepath.Join(dir, "ca-key.pem")); err == nil && noneExist([]string{a.TLS.Cert, a.TLS.Key}) {
		// A state folder from before agents' files were named by
		// organization: issue the agent's where the config names it.
		if err := pki.Issue(dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindAgent, ID: a.ID, Organization: a.Organization}}); err != nil {
			return err
		}
		made = append(made, "a certificate for agent "+a.ID)
	}
	if r != nil && r.TLS != nil {
		armFiles := []string{r.TLS.Cert, r.TLS.Key}
		if _, err := os.Stat(filepath.Join(dir, "ca-key.pem")); err == nil && noneExist(armFiles) {
			if err := pki.Issue(dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindARM, ID: r.ID}, Hosts: localhost}); err != nil {
				return err
			}
			if len(made) == 0 {
				made = append(made, "a certificate for ARM "+r.ID)
			} else {
				made = append(made, "ARM "+r.ID)
			}
		}
		want = append(want, r.TLS.CA, r.TLS.Cert, r.TLS.Key)
	}
	if len(made) == 0 {
		return nil // someone made them: use what is there
	}
	for _, p := range want {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("the demo configs name %s, which the generated set does not have", p)
		}
	}
	fmt.Fprintf(stdout, "Created %s for mutual TLS in %s\n", strings.Join(made, ", "), dir)
	return nil
}

func noneExist(paths []string) bool {
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return false
		}
	}
	return true
}

// embeddedARMDialOptions are the mediator's dial options to ARM in `sluice
// run`. When it reports to the embedded ARM (arm unset in its config, or
// set to the embedded ARM's listen address), the embedded ARM's config
// decides: mutual TLS with the mediator's certificate if ARM has a tls
// block, plaintext on loopback otherwise. Any other ARM is dialed as
// `sluice mediator` would.
func embeddedARMDialOptions(m *mediator.Config, r *arm.Config, a *arm.ARM, logger hclog.Logger) ([]grpc.DialOption, error) {
	if a == nil || (m.ARM != "" && m.ARM != r.Listen && m.ARM != a.Addr()) {
		return mediator.ARMDialOptions(m, logger)
	}
	m.ARM = a.Addr()
	if r.TLS == nil {
		return nil, nil // in-process, on loopback (ARM refuses a plaintext network listen)
	}
	if m.TLS == nil {
		return nil, fmt.Errorf("the embedded ARM takes mutual TLS only (its tls block), and the mediator has no tls block: no certificate to present")
	}
	return mediator.ARMDialOptions(m, logger)
}

// printGrid prints ARM's heartbeat grid a few seconds after start, once
// the first heartbeats are in, and then every `every`.
func printGrid(ctx context.Context, a *arm.ARM, every time.Duration, w io.Writer) {
	if every <= 0 {
		return
	}
	wait := 7 * time.Second
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		var b strings.Builder
		fmt.Fprintln(&b, "\nHeartbeat grid (System Monitors and Data Processors):")
		_ = arm.WriteTable(&b, a.Components(arm.Filter{}), time.Now())
		fmt.Fprintln(w, b.String())
		wait = every
	}
}

// eventLine is the one-line, human-readable form of an event.
func eventLine(e *event.Event) string {
	ce := e.GetString(event.FieldCommonEvent)
	if ce == "" {
		ce = e.GetString(event.FieldClassification)
	}
	ts := e.Timestamp
	if t, ok := e.Get(event.FieldOriginalTimestamp); ok {
		// Filed under its collection time (the sample's lines are
		// older than max_past_age): show the line's own time.
		if t, ok := t.(time.Time); ok {
			ts = t
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %-14s %-34s", ts.UTC().Format("Jan 02 15:04:05"), clip(e.GetString(event.FieldHostname), 14), clip(ce, 34))
	if u := e.GetString("user.name"); u != "" {
		fmt.Fprintf(&b, " user=%s", u)
	}
	if ip := e.GetString("source.ip"); ip != "" {
		fmt.Fprintf(&b, " src=%s", ip)
	}
	return strings.TrimRight(b.String(), " ")
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
