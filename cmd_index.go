package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// cmdIndex removes whole index days: offline on a stopped mediator's
// index (-config), or through a running mediator's admin API (-addr).
func cmdIndex(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "prune" {
		fmt.Fprintln(stderr, "usage: sluice index prune -config MEDIATOR.hcl -before YYYY-MM-DD [-org O] [-dry-run] [-json]")
		fmt.Fprintln(stderr, "       sluice index prune -addr URL [-token-file F] -before YYYY-MM-DD [-org O] [-dry-run] [-json]")
		fmt.Fprintln(stderr, "\nRemoves the index's whole days before the date (UTC), of one organization or all:")
		fmt.Fprintln(stderr, "files of the embedded index, daily indices of Elasticsearch. With -config the")
		fmt.Fprintln(stderr, "mediator must be stopped; with -addr a running mediator does it.")
		return 2
	}
	fs := flag.NewFlagSet("sluice index prune", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "the mediator's config file (offline: the mediator must be stopped)")
	addr := fs.String("addr", "", "a running mediator's HTTP API address")
	tokenFile := fs.String("token-file", "", tokenFlagHelp)
	beforeFlag := fs.String("before", "", "remove the days before this one (YYYY-MM-DD, UTC); required")
	org := fs.String("org", "", "one organization (default: all)")
	dry := fs.Bool("dry-run", false, "list what would be removed, remove nothing")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	before, err := time.Parse(time.DateOnly, *beforeFlag)
	if err != nil {
		fmt.Fprintf(stderr, "sluice index prune: -before %q: want a day such as 2026-01-10\n", *beforeFlag)
		return 2
	}
	if (*config == "") == (*addr == "") {
		fmt.Fprintln(stderr, "sluice index prune: give either -config (offline) or -addr (a running mediator)")
		return 2
	}
	var resp mediator.PruneResponse
	if *addr != "" {
		token, err := apiToken(*tokenFile)
		if err != nil {
			fmt.Fprintln(stderr, "sluice index prune:", err)
			return 2
		}
		q := url.Values{"before": {before.Format(time.DateOnly)}, "org": {*org}, "dry_run": {fmt.Sprint(*dry)}}
		if err := callJSON(ctx, http.MethodPost, strings.TrimRight(*addr, "/")+"/v1/index/prune?"+q.Encode(), token, &resp); err != nil {
			fmt.Fprintln(stderr, "sluice index prune:", err)
			return 1
		}
	} else {
		removed, err := pruneOffline(ctx, *config, *org, before, *dry)
		resp = mediator.PruneResponse{DryRun: *dry, Removed: removed}
		for _, d := range removed {
			resp.Bytes += d.Bytes
		}
		if err != nil {
			printPruned(stdout, resp, *asJSON)
			fmt.Fprintln(stderr, "sluice index prune:", err)
			return 1
		}
	}
	printPruned(stdout, resp, *asJSON)
	return 0
}

// pruneOffline prunes the index of a stopped mediator.
func pruneOffline(ctx context.Context, config, org string, before time.Time, dry bool) ([]indexer.PrunedDay, error) {
	cfg, err := mediator.LoadConfig(config)
	if err != nil {
		return nil, err
	}
	if cfg.Indexer.Kind == "embedded" {
		// The embedded index has one writer: the mediator. Its state's
		// lock says whether it runs.
		unlock, err := lockState(filepath.Join(cfg.DataDir, "state"))
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	idx, err := mediator.OpenIndex(cfg.Indexer, hclog.NewNullLogger())
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	p, ok := idx.(indexer.Pruner)
	if !ok {
		return nil, errors.New("this index cannot prune")
	}
	return p.Prune(ctx, org, before, dry)
}

// lockState takes the lock of the Badger directory dir, which the
// running mediator holds (Badger takes an exclusive flock on the
// directory itself for as long as it is open): it fails while the
// mediator runs, and a mediator started meanwhile fails to open its state
// until unlock.
func lockState(dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return func() {}, nil // never started
		}
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("the mediator of %s is running (its state is locked): stop it, or prune through its API with -addr", filepath.Dir(dir))
	}
	return func() { _ = f.Close() }, nil // closing releases the lock
}

func printPruned(w io.Writer, resp mediator.PruneResponse, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(resp)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORGANIZATION\tDAY\tBYTES\tNAME")
	for _, d := range resp.Removed {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", d.Organization, d.Day, d.Bytes, d.Name)
	}
	_ = tw.Flush()
	verb := "removed"
	if resp.DryRun {
		verb = "would remove (dry run)"
	}
	fmt.Fprintf(w, "%s %d day(s), %s\n", verb, len(resp.Removed), hclconf.SizeText(resp.Bytes>>10<<10))
}
