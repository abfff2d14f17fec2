package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/mediator"
)

func cmdSearch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "http://127.0.0.1:7480", "mediator HTTP API address")
	count := fs.Bool("count", false, "print only the number of matching events")
	since := fs.String("since", "", "only events newer than this (duration such as 15m, or RFC 3339)")
	until := fs.String("until", "", "only events older than this (duration or RFC 3339)")
	org := fs.String("org", "", "only this organization")
	limit := fs.Int("limit", 100, "maximum number of events printed")
	tokenFile := fs.String("token-file", "", tokenFlagHelp)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sluice search [flags] QUERY")
		fmt.Fprintln(stderr, "\nQUERY: field:value, AND/OR/NOT, \"quoted phrases\", bare words (full text),")
		fmt.Fprintln(stderr, "ranges such as source.port:[1024 TO 2048] or @timestamp:>=2026-01-01; * matches all.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	token, err := apiToken(*tokenFile)
	if err != nil {
		fmt.Fprintln(stderr, "sluice search:", err)
		return 2
	}
	query := strings.Join(fs.Args(), " ")
	if query == "" {
		query = "*"
	}
	v := url.Values{"q": {query}}
	for k, val := range map[string]string{"since": *since, "until": *until, "org": *org} {
		if val != "" {
			v.Set(k, val)
		}
	}
	path := "/v1/search"
	if *count {
		path = "/v1/count"
	} else {
		v.Set("limit", strconv.Itoa(*limit))
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*addr, "/")+path+"?"+v.Encode(), nil)
	if err != nil {
		fmt.Fprintln(stderr, "sluice search:", err)
		return 2
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "sluice search: cannot reach the mediator at %s: %v\n", *addr, err)
		return 1
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fmt.Fprintln(stderr, "sluice search:", err)
		return 1
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			fmt.Fprintln(stderr, "sluice search:", e.Error)
		} else {
			fmt.Fprintf(stderr, "sluice search: %s: %s\n", resp.Status, strings.TrimSpace(string(body)))
		}
		return 1
	}
	if *count {
		var c mediator.CountResponse
		if err := json.Unmarshal(body, &c); err != nil {
			fmt.Fprintln(stderr, "sluice search: bad answer:", err)
			return 1
		}
		fmt.Fprintln(stdout, c.Count)
		return 0
	}
	var s mediator.SearchResponse
	if err := json.Unmarshal(body, &s); err != nil {
		fmt.Fprintln(stderr, "sluice search: bad answer:", err)
		return 1
	}
	for _, e := range s.Events {
		fmt.Fprintln(stdout, string(e))
	}
	if s.Truncated {
		fmt.Fprintf(stderr, "sluice search: %d events; more may match, but the mediator stops a search's results at max_result_bytes: narrow the query or lower -limit\n", len(s.Events))
	}
	return 0
}
