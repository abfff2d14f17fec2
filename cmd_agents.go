package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/event"
)

// cmdAgents lists the agents a mediator knows and accepts or rejects
// pending ones (LogRhythm's agent acceptance).
func cmdAgents(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "accept" && args[0] != "reject") {
		fmt.Fprintln(stderr, "usage: sluice agents list   [-addr URL] [-token-file F]")
		fmt.Fprintln(stderr, "       sluice agents accept [-addr URL] [-org ORG] [-token-file F] ID")
		fmt.Fprintln(stderr, "       sluice agents reject [-addr URL] [-org ORG] [-token-file F] ID")
		fmt.Fprintln(stderr, "\nWith accept = \"manual\" a new agent waits as pending, sending nothing, until accepted.")
		return 2
	}
	fs := flag.NewFlagSet("sluice agents "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "http://127.0.0.1:7480", "mediator HTTP API address")
	org := fs.String("org", event.DefaultOrganization, "the agent's organization")
	tokenFile := fs.String("token-file", "", tokenFlagHelp)
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	token, err := apiToken(*tokenFile)
	if err != nil {
		fmt.Fprintln(stderr, "sluice agents:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	base := strings.TrimRight(*addr, "/")
	if args[0] == "list" {
		var resp mediator.AgentsResponse
		if err := callJSON(ctx, http.MethodGet, base+"/v1/agents", token, &resp); err != nil {
			fmt.Fprintln(stderr, "sluice agents list:", err)
			return 1
		}
		connected := map[string]bool{}
		for _, a := range resp.Connected {
			connected[a.Organization+"/"+a.ID] = true
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tORGANIZATION\tSTATE\tCONNECTED\tHOST\tLAST SEEN")
		for _, k := range resp.Known {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\t%s\n", k.ID, k.Organization, k.State, connected[k.Organization+"/"+k.ID], k.Hostname, k.LastSeen.UTC().Format(time.RFC3339))
		}
		_ = tw.Flush()
		fmt.Fprintf(stdout, "acceptance: %s\n", resp.Accept)
		return 0
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "usage: sluice agents %s [-addr URL] [-org ORG] [-token-file F] ID\n", args[0])
		return 2
	}
	id := fs.Arg(0)
	var rec mediator.Acceptance
	u := fmt.Sprintf("%s/v1/agents/%s/%s?org=%s", base, url.PathEscape(id), args[0], url.QueryEscape(*org))
	if err := callJSON(ctx, http.MethodPost, u, token, &rec); err != nil {
		fmt.Fprintf(stderr, "sluice agents %s: %v\n", args[0], err)
		return 1
	}
	fmt.Fprintf(stdout, "agent %s/%s is %s\n", rec.Organization, rec.ID, rec.State)
	return 0
}
