package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/progress"
)

// cmdDeadLetter lists and replays the events a mediator's index refused.
func cmdDeadLetter(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "replay") {
		fmt.Fprintln(stderr, "usage: sluice deadletter list [-addr URL] [-token-file F] [-json] [-limit N]")
		fmt.Fprintln(stderr, "       sluice deadletter replay [-addr URL] [-token-file F]")
		fmt.Fprintln(stderr, "\nDead letters are entries whose events the index refused permanently (e.g. a")
		fmt.Fprintln(stderr, "mapping conflict). replay parses them again with the current rules and indexes")
		fmt.Fprintln(stderr, "them; those still refused stay.")
		return 2
	}
	fs := flag.NewFlagSet("sluice deadletter "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "http://127.0.0.1:7480", "mediator HTTP API address")
	asJSON := fs.Bool("json", false, "print JSON")
	limit := fs.Int("limit", 1000, "at most this many (list; at most 10000)")
	tokenFile := fs.String("token-file", "", tokenFlagHelp)
	every := fs.Duration("progress-every", progress.DefaultEvery, "replay: when stderr is not a terminal, write a progress line this often (0: no progress)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	token, err := apiToken(*tokenFile)
	if err != nil {
		fmt.Fprintln(stderr, "sluice deadletter:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	base := strings.TrimRight(*addr, "/")
	if args[0] == "replay" {
		var rr mediator.ReplayResponse
		if err := replayWithProgress(ctx, base, token, *every, stderr, &rr); err != nil {
			fmt.Fprintln(stderr, "sluice deadletter replay:", err)
			return 1
		}
		fmt.Fprintf(stdout, "replayed: %d indexed, %d still refused\n", rr.Indexed, rr.Remaining)
		if rr.Remaining > 0 {
			return 1
		}
		return 0
	}
	var list []mediator.DeadLetter
	if err := callJSON(ctx, http.MethodGet, fmt.Sprintf("%s/v1/deadletter?limit=%d", base, *limit), token, &list); err != nil {
		fmt.Fprintln(stderr, "sluice deadletter list:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(list)
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME\tAGENT\tSEQ\tREASON\tMESSAGE")
	for _, d := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.Time.UTC().Format(time.RFC3339), d.Agent, d.Seq, clip(d.Reason, 60), clip(d.Message, 60))
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "%d dead letter(s)\n", len(list))
	return 0
}

// replayWithProgress asks the mediator to replay its dead letters. The
// mediator answers when it is done, so progress is read meanwhile from
// its status: the dead letters left against those at the start.
func replayWithProgress(ctx context.Context, base, token string, every time.Duration, stderr io.Writer, rr *mediator.ReplayResponse) error {
	var st mediator.StatusResponse
	if every <= 0 || callJSON(ctx, http.MethodGet, base+"/v1/status", token, &st) != nil || st.DeadLetter == 0 {
		// No progress to show; the replay itself says what is wrong.
		return callJSON(ctx, http.MethodPost, base+"/v1/deadletter/replay", token, rr)
	}
	total := st.DeadLetter
	p := progress.Start(stderr, progress.Options{Description: "replay", Total: total, Unit: "dead letters", Every: every})
	pollCtx, stopPoll := context.WithCancel(ctx)
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		t := time.NewTicker(min(every, time.Second))
		defer t.Stop()
		for {
			select {
			case <-pollCtx.Done():
				return
			case <-t.C:
			}
			var now mediator.StatusResponse
			if callJSON(pollCtx, http.MethodGet, base+"/v1/status", token, &now) == nil {
				p.Set(max(total-now.DeadLetter, 0))
			}
		}
	}()
	err := callJSON(ctx, http.MethodPost, base+"/v1/deadletter/replay", token, rr)
	stopPoll()
	<-polled
	if err == nil {
		p.Set(int64(rr.Indexed))
	}
	p.Finish()
	return err
}

// callJSON calls the mediator API and decodes its JSON answer; an error
// answer becomes an error with the server's message.
func callJSON(ctx context.Context, method, url, token string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the mediator: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return responseError(resp.Status, body)
	}
	return json.Unmarshal(body, out)
}

// responseError is an error answer of the API: its status and the
// server's message ({"error": "…"}, or the body as text).
func responseError(status string, body []byte) error {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return fmt.Errorf("%s: %s", status, e.Error)
	}
	return fmt.Errorf("%s: %s", status, strings.TrimSpace(string(body)))
}
