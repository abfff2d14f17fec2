package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/internal/daemon"
	"github.com/sluicehq/sluice/pkg/logging"
)

// cmdArm runs ARM, the heartbeat service. It lives here, not in
// cmd_arm.go: a file name ending in _arm.go only builds for GOARCH=arm.
func cmdArm(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice arm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "/etc/sluice/arm.hcl", "ARM config file (HCL)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := arm.LoadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	logs, err := logging.Open("arm", cfg.Log, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer logs.Close()
	logger := logs.Logger
	defer daemon.OnHUP(ctx, daemon.ReloadLogLevel(logs, armLog(*cfgPath)))()
	a, err := arm.New(cfg, arm.Deps{Logger: logger, Logs: logs, Version: version})
	if err != nil {
		logger.Error("cannot start ARM", "error", err)
		return 1
	}
	defer daemon.NotifySystemd(ctx, logger)()
	if err := a.Run(ctx); err != nil {
		logger.Error("ARM failed", "error", err)
		return 1
	}
	return 0
}

// cmdHeartbeats prints ARM's heartbeat grid, or one component's history.
func cmdHeartbeats(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice heartbeats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defAddr := "http://127.0.0.1:7580"
	if v := os.Getenv("SLUICE_ARM_ADDR"); v != "" {
		defAddr = v
	}
	addr := fs.String("addr", defAddr, "ARM dashboard address (env SLUICE_ARM_ADDR)")
	status := fs.String("status", "", "only these statuses: green, yellow, red (comma-separated)")
	kind := fs.String("kind", "", "only agent or mediator")
	org := fs.String("organization", "", "only this organization's agents (a token limited to organizations may name only its own)")
	fs.StringVar(org, "org", "", "short for -organization")
	mediator := fs.String("mediator", "", "only this mediator and the agents it serves")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	caFile := fs.String("ca", "", "CA certificate (PEM) to verify an https:// ARM with, beside the system's")
	forget := fs.Bool("forget", false, "forget component ID (decommissioned): an admin request")
	tokenFile := fs.String("token-file", "", tokenFlagHelp+"; -forget needs the admin token")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sluice heartbeats [-token-file F] [flags] [ID]")
		fmt.Fprintln(stderr, "       sluice heartbeats -forget [-token-file F] [-kind K] ID")
		fmt.Fprintln(stderr, "\nWithout ID: the heartbeat grid. With ID: that component and its recent status changes, stalls and duplicate identities.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	tok, err := apiToken(*tokenFile)
	if err != nil {
		fmt.Fprintln(stderr, "sluice heartbeats:", err)
		return 2
	}
	c := arm.NewClient(*addr)
	c.Token = tok
	if *caFile != "" {
		tc, err := caTrust(*caFile)
		if err != nil {
			fmt.Fprintln(stderr, "sluice heartbeats:", err)
			return 2
		}
		c.HTTP.Transport = &http.Transport{TLSClientConfig: tc, Proxy: http.ProxyFromEnvironment}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	if *forget {
		if fs.NArg() != 1 {
			fs.Usage()
			return 2
		}
		if err := c.Forget(ctx, fs.Arg(0), arm.Kind(*kind)); err != nil {
			fmt.Fprintln(stderr, "sluice heartbeats -forget:", err)
			return 1
		}
		fmt.Fprintf(stdout, "forgot %s\n", fs.Arg(0))
		return 0
	}

	if fs.NArg() > 0 {
		comp, err := c.Get(ctx, fs.Arg(0), arm.Kind(*kind))
		if err != nil {
			fmt.Fprintln(stderr, "sluice heartbeats:", err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, comp)
		}
		now := time.Now()
		_ = arm.WriteTable(stdout, []arm.Component{*comp}, now)
		fmt.Fprintf(stdout, "\nwarning interval %s, missed intervals %d, status since %s\n",
			time.Duration(comp.WarningInterval), comp.MissedIntervals, comp.StatusSince.UTC().Format(time.RFC3339))
		if comp.Stalled != "" {
			fmt.Fprintf(stdout, "STALLED since %s: %s\n", comp.StalledSince.UTC().Format(time.RFC3339), comp.Stalled)
		}
		for _, w := range comp.Warnings {
			fmt.Fprintf(stdout, "WARNING %s since %s: %s\n", w.Kind, w.Since.UTC().Format(time.RFC3339), w.Text)
		}
		if comp.DuplicateIdentity != "" {
			fmt.Fprintf(stdout, "DUPLICATE AGENT IDENTITY since %s: %s\n", comp.DuplicateSince.UTC().Format(time.RFC3339), comp.DuplicateIdentity)
		}
		if comp.Spool != "" {
			fmt.Fprintf(stdout, "spool %s\n", comp.Spool)
		}
		for _, h := range comp.History {
			fmt.Fprintf(stdout, "  %s  %-6s -> %-6s  %s\n", h.Time.UTC().Format(time.RFC3339), h.From, h.To, h.Reason)
		}
		return 0
	}

	var f arm.Filter
	for _, s := range strings.Split(*status, ",") {
		if s = strings.TrimSpace(s); s != "" {
			f.Statuses = append(f.Statuses, arm.Status(s))
		}
	}
	if *kind != "" {
		f.Kinds = []arm.Kind{arm.Kind(*kind)}
	}
	f.Organization, f.Mediator = *org, *mediator
	list, err := c.List(ctx, f)
	if err != nil {
		fmt.Fprintln(stderr, "sluice heartbeats:", err)
		return 1
	}
	if *asJSON {
		return printJSON(stdout, stderr, list.Heartbeats)
	}
	if err := arm.WriteTable(stdout, list.Heartbeats, list.Time); err != nil {
		fmt.Fprintln(stderr, "sluice heartbeats:", err)
		return 1
	}
	return 0
}

// caTrust is a TLS client config that trusts the system's CAs and the
// one in file (Sluice's private CA, which signs http_tls certificates).
func caTrust(file string) (*tls.Config, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}, nil
}

func printJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(stderr, "sluice heartbeats:", err)
		return 1
	}
	return 0
}
