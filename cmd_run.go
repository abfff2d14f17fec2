package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/event"
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
	logger := logging.New("sluice", firstNonEmpty(mcfg.LogLevel, "warn"), stderr)
	tuneGC()
	if err := demoCertificates(mcfg, acfg, stdout); err != nil {
		fmt.Fprintln(stderr, "cannot create the demo's certificates:", err)
		return 1
	}

	var a *arm.ARM
	if *armPath != "" {
		acfg, err := arm.LoadConfig(*armPath)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if a, err = arm.New(acfg, arm.Deps{Logger: logger.Named("arm"), Version: version}); err != nil {
			fmt.Fprintln(stderr, "cannot start ARM:", err)
			return 1
		}
		if mcfg.ARM == "" {
			mcfg.ARM = a.Addr()
		}
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
	m, err := mediator.New(mcfg, mediator.Deps{Logger: logger.Named("mediator"), Version: version, Observers: observers})
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
	fmt.Fprintf(stdout, "Search from another terminal:  bin/sluice search -addr http://%s 'sluice.common_event:\"User Logon\"'\n", m.HTTPAddr())
	if a != nil {
		fmt.Fprintf(stdout, "Heartbeat dashboard:           http://%s/   (or: bin/sluice heartbeats -addr http://%s)\n", a.HTTPAddr(), a.HTTPAddr())
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	fmt.Fprintln(stdout)

	stopHUP := reloadOnHUP(ctx, m)
	defer stopHUP()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = m.Run(ctx) }()
	go func() { defer wg.Done(); errs[1] = ag.Run(ctx) }()
	if a != nil {
		wg.Add(2)
		go func() { defer wg.Done(); errs[2] = a.Run(ctx) }()
		go func() { defer wg.Done(); printGrid(ctx, a, *gridEvery, stdout) }()
	}
	wg.Wait()
	code := 0
	for _, err := range errs {
		if err != nil {
			fmt.Fprintln(stderr, err)
			code = 1
		}
	}
	return code
}

// demoCertificates creates, on first start, the CA and certificates the
// all-in-one configs name when none of their files exist yet: the CA in
// the directory of the mediator's ca_file, certificates named after the
// mediator and agent ids. Existing files are never touched.
func demoCertificates(m *mediator.Config, a *agent.Config, stdout io.Writer) error {
	if m.TLS == nil || a.TLS == nil {
		return nil
	}
	dir := filepath.Dir(m.TLS.CA)
	want := []string{m.TLS.CA, m.TLS.Cert, m.TLS.Key, a.TLS.CA, a.TLS.Cert, a.TLS.Key}
	for _, p := range want {
		if _, err := os.Stat(p); err == nil {
			return nil // someone made them: use what is there
		}
	}
	if err := pki.NewCA(dir, "Sluice demo CA", time.Now()); err != nil {
		return err
	}
	if err := pki.Issue(dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindMediator, ID: m.ID}, Hosts: []string{"localhost", "127.0.0.1", "::1"}}); err != nil {
		return err
	}
	if err := pki.Issue(dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindAgent, ID: a.ID, Organization: a.Organization}}); err != nil {
		return err
	}
	for _, p := range want {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("the demo configs name %s, which the generated set does not have", p)
		}
	}
	fmt.Fprintf(stdout, "Created a CA and certificates for mutual TLS in %s\n", dir)
	return nil
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
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %-14s %-34s", e.Timestamp.UTC().Format("Jan 02 15:04:05"), clip(e.GetString(event.FieldHostname), 14), clip(ce, 34))
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
