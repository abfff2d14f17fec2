package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// statusReport is what `sluice status` shows: the daemon's own /v1/status
// (two samples, for rates), its readiness, and for a mediator its agents.
type statusReport struct {
	Kind     string   `json:"kind"`
	URL      string   `json:"url"`
	Ready    bool     `json:"ready"`
	NotReady []string `json:"not_ready,omitempty"`
	// Rates are per second over Interval, from two samples of the status
	// counters (absent with -interval 0).
	Rates    map[string]float64 `json:"rates,omitempty"`
	Interval string             `json:"interval,omitempty"`
	Status   json.RawMessage    `json:"status"`
	// Agents are a mediator's connected agents.
	Agents []mediator.AgentInfo `json:"agents,omitempty"`
}

// statusClient reads a daemon's HTTP API with the command's token.
type statusClient struct {
	base  string
	token string
	http  *http.Client
}

// get reads path: its HTTP status code and body. 401/403, and any other
// code but 2xx and 503 (a probe's "not ready"), are errors.
func (c *statusClient) get(ctx context.Context, path string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("cannot reach %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("GET %s: %w", path, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return resp.StatusCode, body, fmt.Errorf("GET %s: %s: give a read token (-token-file or SLUICE_TOKEN)", path, resp.Status)
	case resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusServiceUnavailable:
		return resp.StatusCode, body, fmt.Errorf("GET %s: %s: %s", path, resp.Status, bytes.TrimSpace(body))
	}
	return resp.StatusCode, body, nil
}

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defAddr := "http://127.0.0.1:7480"
	if v := os.Getenv("SLUICE_ADDR"); v != "" {
		defAddr = v
	}
	addr := fs.String("addr", defAddr, "HTTP address of a mediator, an agent (its http setting) or ARM (env SLUICE_ADDR)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	interval := fs.Duration("interval", time.Second, "time between the two status samples the rates come from (0: no rates)")
	caFile := fs.String("ca", "", "CA certificate (PEM) to verify an https:// address with, beside the system's")
	tokenFile := fs.String("token-file", "", tokenFlagHelp)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sluice status [-addr URL] [-json] [-token-file F] [-interval D]")
		fmt.Fprintln(stderr, "\nOne screen for a running mediator, agent or ARM: version, uptime, readiness, its mediator or agents, backlog, rates, errors.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *interval < 0 {
		fs.Usage()
		return 2
	}
	tok, err := apiToken(*tokenFile)
	if err != nil {
		fmt.Fprintln(stderr, "sluice status:", err)
		return 2
	}
	c := &statusClient{base: strings.TrimRight(*addr, "/"), token: tok, http: &http.Client{Timeout: 10 * time.Second}}
	if *caFile != "" {
		tc, err := caTrust(*caFile)
		if err != nil {
			fmt.Fprintln(stderr, "sluice status:", err)
			return 2
		}
		c.http.Transport = &http.Transport{TLSClientConfig: tc, Proxy: http.ProxyFromEnvironment}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second+*interval)
	defer cancel()
	rep, err := readStatus(ctx, c, *interval)
	if err != nil {
		fmt.Fprintln(stderr, "sluice status:", err)
		return 1
	}
	if *asJSON {
		return printJSON(stdout, stderr, rep)
	}
	if err := writeStatus(stdout, rep); err != nil {
		fmt.Fprintln(stderr, "sluice status:", err)
		return 1
	}
	return 0
}

// readStatus samples /v1/status (twice, interval apart, for the rates),
// /readyz and, for a mediator, /v1/agents.
func readStatus(ctx context.Context, c *statusClient, interval time.Duration) (*statusReport, error) {
	_, first, err := c.get(ctx, "/v1/status")
	if err != nil {
		return nil, err
	}
	kind, err := statusKind(first)
	if err != nil {
		return nil, fmt.Errorf("%s/v1/status: %w", c.base, err)
	}
	rep := &statusReport{Kind: kind, URL: c.base, Status: first}
	code, ready, err := c.get(ctx, "/readyz")
	if err != nil {
		return nil, err
	}
	var rr struct {
		Ready   bool     `json:"ready"`
		Reasons []string `json:"reasons"`
	}
	_ = json.Unmarshal(ready, &rr)
	rep.Ready = code == http.StatusOK
	if !rep.Ready {
		rep.NotReady = rr.Reasons
		if len(rep.NotReady) == 0 {
			rep.NotReady = []string{strings.TrimSpace(string(ready))}
		}
	}
	if kind == "mediator" {
		_, body, err := c.get(ctx, "/v1/agents")
		if err != nil {
			return nil, err
		}
		var ar mediator.AgentsResponse
		if err := json.Unmarshal(body, &ar); err != nil {
			return nil, fmt.Errorf("/v1/agents: %w", err)
		}
		rep.Agents = ar.Connected
	}
	if interval == 0 {
		return rep, nil
	}
	select {
	case <-time.After(interval):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	_, second, err := c.get(ctx, "/v1/status")
	if err != nil {
		return nil, err
	}
	rep.Status, rep.Interval = second, interval.String()
	rep.Rates = statusRates(kind, first, second, interval)
	return rep, nil
}

// statusKind tells the daemons apart by their status's "kind".
func statusKind(body []byte) (string, error) {
	var probe struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return "", fmt.Errorf("not a Sluice status: %w", err)
	}
	switch probe.Kind {
	case "mediator", "agent", "arm":
		return probe.Kind, nil
	}
	return "", errors.New("not a Sluice mediator, agent or ARM status")
}

// statusRates are the per-second rates of a daemon's main counters.
func statusRates(kind string, first, second []byte, d time.Duration) map[string]float64 {
	rate := func(a, b uint64) float64 {
		if b < a {
			return 0 // restarted in between
		}
		return float64(b-a) / d.Seconds()
	}
	switch kind {
	case "mediator":
		var a, b mediator.StatusResponse
		if json.Unmarshal(first, &a) != nil || json.Unmarshal(second, &b) != nil {
			return nil
		}
		return map[string]float64{"received": rate(a.Received, b.Received), "indexed": rate(a.Indexed, b.Indexed)}
	case "agent":
		var a, b agent.Status
		if json.Unmarshal(first, &a) != nil || json.Unmarshal(second, &b) != nil {
			return nil
		}
		return map[string]float64{"read": rate(linesRead(a), linesRead(b)), "acknowledged_batches": rate(a.Uplink.BatchesAcked, b.Uplink.BatchesAcked)}
	case "arm":
		var a, b arm.StatusResponse
		if json.Unmarshal(first, &a) != nil || json.Unmarshal(second, &b) != nil {
			return nil
		}
		return map[string]float64{"heartbeats": rate(a.Heartbeats, b.Heartbeats), "reports": rate(a.Reports, b.Reports)}
	}
	return nil
}

func linesRead(s agent.Status) uint64 {
	var n uint64
	for _, src := range s.Sources {
		n += src.Lines
	}
	return n
}

// writeStatus prints the report for a person.
func writeStatus(w io.Writer, rep *statusReport) error {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	ready := "yes"
	if !rep.Ready {
		ready = "NO: " + strings.Join(rep.NotReady, "; ")
	}
	rates := func(names ...string) string {
		if rep.Rates == nil {
			return "(-interval 0: none)"
		}
		parts := make([]string, 0, len(names))
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%s %.0f/s", strings.ReplaceAll(n, "_", " "), rep.Rates[n]))
		}
		return strings.Join(parts, ", ") + " (over " + rep.Interval + ")"
	}
	switch rep.Kind {
	case "mediator":
		var s mediator.StatusResponse
		if err := json.Unmarshal(rep.Status, &s); err != nil {
			return err
		}
		p("mediator %s  version %s  up %s  %s", s.ID, s.Version, uptime(s.Uptime), rep.URL)
		p("ready:    %s", ready)
		p("agents:   %d connected (max %d)", len(rep.Agents), s.MaxAgents)
		for i, a := range rep.Agents {
			if i == 10 {
				p("          … and %d more (sluice agents list)", len(rep.Agents)-10)
				break
			}
			p("          %-24s %-12s %-15s spool %d, since %s", a.ID, a.Organization, a.Hostname, a.SpoolDepth, a.Connected.UTC().Format(time.RFC3339))
		}
		p("backlog:  state %d entries, dead letters %d", s.StateDepth, s.DeadLetter)
		p("rates:    %s", rates("received", "indexed"))
		p("rules:    %d", s.Rules)
		if s.Retention.Enabled {
			last := "not yet"
			if !s.Retention.LastRun.IsZero() {
				last = s.Retention.LastRun.UTC().Format(time.RFC3339)
			}
			p("prune:    last %s, %d index days (%s) and %d archive files removed", last, s.Retention.DaysRemoved, hclconf.SizeText(int64(s.Retention.BytesRemoved)>>20<<20), s.Retention.ArchiveFilesRemoved)
		}
		if a := s.Archive; a != nil {
			ratio := 0.0
			if a.Stats.Bytes > 0 {
				ratio = float64(a.Stats.RawBytes) / float64(a.Stats.Bytes)
			}
			p("archive:  %s, %d records, %.1f:1, %d files closed", a.Dir, a.Stats.Records, ratio, a.Stats.FilesClosed)
		}
		for _, w := range s.Warnings {
			p("warning:  %s: %s", w.Kind, w.Text)
		}
		errs := []string{}
		for _, e := range []struct{ name, v string }{{"suspense", s.Suspense}, {"stalled", s.StalledReason}, {"archive", archiveFailing(s.Archive)}, {"retention", s.Retention.LastError}, {"last index error", s.LastError}, {"rules", s.RulesError}} {
			if e.v != "" {
				errs = append(errs, e.name+": "+e.v)
			}
		}
		p("errors:   %d index errors%s", s.Errors, joinErrs(errs))
	case "agent":
		var s agent.Status
		if err := json.Unmarshal(rep.Status, &s); err != nil {
			return err
		}
		p("agent %s (%s)  version %s  up %s  %s", s.ID, s.Organization, s.Version, uptime(s.Uptime), rep.URL)
		p("ready:    %s", ready)
		med := s.Mediator
		if med == "" {
			med = "none (last: " + orNone(s.LastMediator) + ")"
		}
		p("mediator: %s of %s", med, strings.Join(s.Mediators, ", "))
		p("backlog:  spool %d entries, %d bytes", s.Spool.Entries, s.Spool.Bytes)
		p("rates:    %s", rates("read", "acknowledged_batches"))
		for _, src := range s.Sources {
			p("source:   %-16s %-8s %d lines, %d bytes", src.ID, src.Kind, src.Lines, src.Bytes)
		}
		errs := []string{}
		for _, e := range []struct{ name, v string }{{"spool", s.Spool.Full}, {"stalled", s.Stalled}, {"last error", s.Uplink.LastError}} {
			if e.v != "" {
				errs = append(errs, e.name+": "+e.v)
			}
		}
		p("errors:   %d%s", len(errs), joinErrs(errs))
	case "arm":
		var s arm.StatusResponse
		if err := json.Unmarshal(rep.Status, &s); err != nil {
			return err
		}
		p("ARM %s  version %s  up %s  %s", s.ID, s.Version, uptime(s.Time.Sub(s.Started).Seconds()), rep.URL)
		p("ready:    %s", ready)
		p("components: %d (green %d, yellow %d, red %d), stalled %d, duplicate identities %d",
			s.Components, s.Counts[arm.StatusGreen], s.Counts[arm.StatusYellow], s.Counts[arm.StatusRed], s.Stalled, s.Duplicates)
		p("backlog:  outbox %d events", s.OutboxDepth)
		p("rates:    %s", rates("heartbeats", "reports"))
		p("errors:   %d save errors, %d events dropped", s.SaveErrors, s.EventsDropped)
	default:
		return fmt.Errorf("unknown daemon kind %q", rep.Kind)
	}
	return nil
}

func uptime(seconds float64) string {
	return (time.Duration(seconds) * time.Second).String()
}

func joinErrs(errs []string) string {
	if len(errs) == 0 {
		return ""
	}
	return "; " + strings.Join(errs, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// archiveFailing is the archive's failure, "" when it works or there is
// none.
func archiveFailing(a *mediator.ArchiveStatus) string {
	if a == nil {
		return ""
	}
	return a.Failing
}
