package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/archive"
	"github.com/sluicehq/sluice/pkg/progress"
)

// cmdArchive lists and verifies raw archives offline, and has a running
// mediator replay its archive into the index.
func cmdArchive(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "verify" && args[0] != "replay") {
		fmt.Fprintln(stderr, "usage: sluice archive list   -dir PATH [-org O] [-json]")
		fmt.Fprintln(stderr, "       sluice archive verify -dir PATH")
		fmt.Fprintln(stderr, "       sluice archive replay -addr URL [-token-file F] [-org O] [-from T] [-to T] [-replace]")
		fmt.Fprintln(stderr, "\nArchives hold every raw entry a mediator received, in hourly compressed files")
		fmt.Fprintln(stderr, "chained by SHA-256 per organization. verify checks every file and the chain")
		fmt.Fprintln(stderr, "and names the first broken file. replay has the mediator parse the archived")
		fmt.Fprintln(stderr, "entries with its current rules into its index (times: 2026-01-10, RFC 3339 or 7d).")
		return 2
	}
	switch args[0] {
	case "list":
		return archiveList(args[1:], stdout, stderr)
	case "verify":
		return archiveVerify(args[1:], stdout, stderr)
	default:
		return archiveReplay(ctx, args[1:], stdout, stderr)
	}
}

func archiveList(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice archive list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "the archive directory (archive { dir } of the mediator); required")
	org := fs.String("org", "", "one organization (default: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "sluice archive list: -dir is required")
		return 2
	}
	files, err := archive.List(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "sluice archive list:", err)
		return 1
	}
	var shown []archive.FileInfo
	for _, f := range files {
		if *org == "" || f.Organization == *org {
			shown = append(shown, f)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(shown)
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORGANIZATION\tHOUR\tRECORDS\tBYTES\tRAW BYTES\tSTATE\tSHA-256")
	var bytes, raw int64
	for _, f := range shown {
		state, sum := "closed", f.SHA256
		if f.Open {
			state, sum = "open", "-"
		}
		if len(sum) > 16 {
			sum = sum[:16] + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", f.Organization, f.Hour.UTC().Format("2006-01-02T15"), f.Records, f.Bytes, f.RawBytes, state, sum)
		bytes += f.Bytes
		raw += f.RawBytes
	}
	_ = tw.Flush()
	ratio := 0.0
	if bytes > 0 {
		ratio = float64(raw) / float64(bytes)
	}
	fmt.Fprintf(stdout, "%d file(s), %d bytes (%d raw, %.1f:1)\n", len(shown), bytes, raw, ratio)
	return 0
}

func archiveVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice archive verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "the archive directory; required")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "sluice archive verify: -dir is required")
		return 2
	}
	rep, err := archive.Verify(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "sluice archive verify:", err)
		return 1
	}
	if rep.OK() {
		fmt.Fprintf(stdout, "archive OK: %d closed file(s), every hash and the chain of each organization intact\n", rep.Files)
		return 0
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, p.String())
	}
	fmt.Fprintf(stdout, "archive BROKEN: %d problem(s) in %d closed file(s); first broken file: %s\n", len(rep.Problems), rep.Files, rep.FirstBroken)
	return 1
}

func archiveReplay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice archive replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "http://127.0.0.1:7480", "the mediator's HTTP API address")
	tokenFile := fs.String("token-file", "", tokenFlagHelp)
	org := fs.String("org", "", "one organization (default: all)")
	from := fs.String("from", "", "entries collected at or after (2026-01-10, RFC 3339, or 7d back)")
	to := fs.String("to", "", "entries collected before")
	replace := fs.Bool("replace", false, "overwrite stored events with the same ids (after a rule fix); default: add only what is missing")
	every := fs.Duration("progress-every", progress.DefaultEvery, "when stderr is not a terminal, write a progress line this often")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	token, err := apiToken(*tokenFile)
	if err != nil {
		fmt.Fprintln(stderr, "sluice archive replay:", err)
		return 2
	}
	q := url.Values{}
	for k, v := range map[string]string{"org": *org, "from": *from, "to": *to} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if *replace {
		q.Set("replace", "true")
	}
	last, err := streamReplay(ctx, strings.TrimRight(*addr, "/")+"/v1/archive/replay?"+q.Encode(), token, *every, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sluice archive replay:", err)
		return 1
	}
	fmt.Fprintf(stdout, "replayed %d file(s): %d entries, %d events written in %.1fs\n", last.FilesDone, last.Entries, last.Events, last.Seconds)
	for _, b := range last.BadFiles {
		fmt.Fprintln(stderr, "skipped:", b)
	}
	if last.Error != "" {
		fmt.Fprintln(stderr, "sluice archive replay:", last.Error)
		return 1
	}
	if len(last.BadFiles) > 0 {
		return 1
	}
	return 0
}

// streamReplay posts the replay and follows its progress lines to the
// last one.
func streamReplay(ctx context.Context, u, token string, every time.Duration, stderr io.Writer) (mediator.ArchiveReplayProgress, error) {
	var last mediator.ArchiveReplayProgress
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return last, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return last, fmt.Errorf("cannot reach the mediator: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return last, responseError(resp.Status, body)
	}
	var bar *progress.Progress
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var p mediator.ArchiveReplayProgress
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return last, fmt.Errorf("unreadable progress line: %w", err)
		}
		last = p
		if bar == nil && every > 0 && p.FilesTotal > 0 {
			bar = progress.Start(stderr, progress.Options{Description: "replay", Total: int64(p.FilesTotal), Unit: "files", Every: every})
		}
		if bar != nil {
			bar.Set(int64(p.FilesDone))
		}
	}
	if bar != nil {
		bar.Finish()
	}
	if err := sc.Err(); err != nil {
		return last, fmt.Errorf("reading the replay's progress: %w", err)
	}
	if !last.Done {
		return last, fmt.Errorf("the mediator ended the replay without a final answer (stopped?)")
	}
	return last, nil
}
