package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

const (
	// webhookToken is the intake's bearer token (at least 24 characters).
	webhookToken = "chaos-webhook-token-5f2c9a71d4e8b036"
	// webhookBase numbers the webhook lines apart from the file lines.
	webhookBase = 100_000_000
	// linesPerRequest is how many unique lines one POST carries.
	linesPerRequest = 50
	// webhookSenders is how many requests are in flight at once, so kills
	// find some mid-way.
	webhookSenders = 4
	// keylessEvery: every so many requests one goes without an
	// Idempotency-Key, so the old promise (a duplicate only after an
	// ambiguous answer) stays tested too.
	keylessEvery = 5
)

// webhookLine is the i-th line the sender POSTs: unique, and parsed by the
// starter rules like the file lines.
func webhookLine(i int) string { return line(webhookBase + i) }

// whRequest is one request of the sender and what its attempts met.
type whRequest struct {
	first, n int // its lines: webhookLine(first) .. webhookLine(first+n-1)
	// key is the Idempotency-Key every attempt sends ("": none).
	key string
	// ambiguous counts attempts that failed after the whole request was
	// written (reset, EOF, timeout): the agent may have committed it and
	// died before its 200 reached us, so each may have added one copy.
	ambiguous int
	// refused counts attempts that clearly kept nothing: connection
	// refused, a write that failed before the body was out, 503, 500.
	refused  int
	accepted bool
	// replayed is set when the 200 came from the key: an earlier attempt
	// had been committed.
	replayed bool
}

// outcome is how one attempt ended.
type outcome int

const (
	accepted outcome = iota
	replayed         // 200 from the Idempotency-Key: an earlier attempt was committed
	refused
	ambiguous
)

// TestChaosWebhook runs the agent with a `source "webhook"` intake and
// POSTs requests of unique lines to it while kill -9'ing the agent and the
// mediator. Each request is retried, same lines and same Idempotency-Key,
// until it gets 200. Then every line of every accepted request must be
// indexed exactly once; a line of a request sent without a key (one in
// keylessEvery) may be there more than once only if its request had
// attempts with an ambiguous outcome (the agent committed and died before
// answering), at most once per such attempt on top of the accepted one;
// nothing else may appear.
func TestChaosWebhook(t *testing.T) {
	bin := sluiceBin(t)
	listen := testkit.FreeAddr(t)
	r := newRun(t, bin, scenario{name: "webhook"}, runOpts{agentSources: fmt.Sprintf(`
source "webhook" "hook" {
  log_source_type = "linux-auth"
  listen          = %q
  tokens          = [%q]
}
`, listen, webhookToken)})
	url := "http://" + listen + "/v1/logs"
	total, kills := *flagLines, *flagKills

	start := time.Now()
	reqs := make([]*whRequest, 0, total/linesPerRequest+1)
	for i := 0; i < total; i += linesPerRequest {
		req := &whRequest{first: i, n: min(linesPerRequest, total-i)}
		if len(reqs)%keylessEvery != keylessEvery-1 {
			req.key = fmt.Sprintf("chaos-%d-%d", start.UnixNano(), i)
		}
		reqs = append(reqs, req)
	}

	r.mediator.start(t, r.bin)
	r.agent.start(t, r.bin)

	// A fresh connection per attempt: the transport then never retries a
	// POST on its own, so every attempt is one we see and classify.
	client := &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true},
		Timeout:   15 * time.Second,
	}
	// 3 minutes, or more for long runs on a loaded machine: the 1,000,000
	// lines took 1m44s alone and over 3 minutes beside other builds.
	budget := max(3*time.Minute, time.Duration(total/2000)*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()

	// Pace the senders so requests keep flowing through all the kills
	// (the kill loop takes about a second per kill).
	pause := time.Duration(kills) * time.Second * webhookSenders / time.Duration(len(reqs)+1)
	jobs := make(chan *whRequest)
	errc := make(chan error, webhookSenders)
	var inFlight sync.WaitGroup
	var attempts atomic.Int64
	for range webhookSenders {
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			for req := range jobs {
				if err := sendUntilAccepted(ctx, client, url, req, &attempts); err != nil {
					errc <- err
					cancel()
					return
				}
				select {
				case <-ctx.Done():
				case <-time.After(pause/2 + rand.N(pause+1)):
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, req := range reqs {
			select {
			case jobs <- req:
			case <-ctx.Done():
				return
			}
		}
	}()

	r.killLoop(kills)
	inFlight.Wait()
	close(errc)
	for err := range errc {
		t.Fatalf("sender: %v", err)
	}

	var linesAccepted, ambiguousAttempts, refusedAttempts, keyed, replayed, keyedAmbiguous int
	for _, req := range reqs {
		if !req.accepted {
			t.Fatalf("request of lines %d..%d was never accepted", req.first, req.first+req.n-1)
		}
		linesAccepted += req.n
		ambiguousAttempts += req.ambiguous
		refusedAttempts += req.refused
		if req.key != "" {
			keyed++
			keyedAmbiguous += req.ambiguous
			if req.replayed {
				replayed++
			}
		}
	}

	// Let everything arrive: the count includes any duplicates, so it is
	// only a floor; then wait until it stops moving for a while.
	n := r.waitIndexed(int64(linesAccepted), budget)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		time.Sleep(time.Second)
		c, err := r.count()
		if err == nil && c == n {
			break
		}
		n = c
	}
	r.agent.stop()
	r.mediator.stop()

	v := r.verifyWebhook(reqs, linesAccepted)
	summary := fmt.Sprintf("scenario=webhook requests=%d keyed=%d lines_accepted=%d lines_indexed=%d lost=%d duplicated_keyed=%d duplicated_keyless_ambiguous=%d duplicated_other=%d invented=%d torn=%d attempts=%d ambiguous_attempts=%d (keyed %d) replayed=%d refused_attempts=%d agent_kills=%d mediator_kills=%d wall=%s",
		len(reqs), keyed, linesAccepted, v.indexed, v.lost, v.dupKeyed, v.dupAmbiguous, v.dupOther, v.invented, v.torn,
		attempts.Load(), ambiguousAttempts, keyedAmbiguous, replayed, refusedAttempts, r.agent.kills, r.mediator.kills, time.Since(start).Round(time.Millisecond))
	t.Log(summary)
	fmt.Println("chaos: " + summary)
	if v.lost != 0 || v.invented != 0 || v.dupKeyed != 0 || v.dupOther != 0 || v.torn != 0 {
		t.Fatalf("lost %d, invented %d, duplicated with an Idempotency-Key %d, duplicated without a key and without an ambiguous attempt (or more often than those) %d, torn requests %d", v.lost, v.invented, v.dupKeyed, v.dupOther, v.torn)
	}
}

// sendUntilAccepted POSTs req until the intake answers 200, counting the
// attempts that failed clearly and those whose outcome is unknown.
func sendUntilAccepted(ctx context.Context, client *http.Client, url string, req *whRequest, attempts *atomic.Int64) error {
	var body strings.Builder
	for i := req.first; i < req.first+req.n; i++ {
		body.WriteString(webhookLine(i))
		body.WriteByte('\n')
	}
	for {
		attempts.Add(1)
		out, wait, err := postOnce(ctx, client, url, body.String(), req)
		if err != nil {
			return fmt.Errorf("lines %d..%d: %w", req.first, req.first+req.n-1, err)
		}
		switch out {
		case accepted, replayed:
			req.accepted = true
			req.replayed = out == replayed
			return nil
		case ambiguous:
			req.ambiguous++
		case refused:
			req.refused++
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("lines %d..%d not accepted after %d ambiguous and %d refused attempts: %w", req.first, req.first+req.n-1, req.ambiguous, req.refused, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// postOnce makes one attempt. An error is an answer no retry can fix (the
// harness or the intake is wrong), not a failed attempt.
func postOnce(ctx context.Context, client *http.Client, url, body string, req *whRequest) (outcome, time.Duration, error) {
	const retry = 50 * time.Millisecond
	// wrote is set once the whole request is out: only from then on can
	// the agent have committed it.
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			wrote.Store(true)
		}
	}}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	hreq.Header.Set("Authorization", "Bearer "+webhookToken)
	hreq.Header.Set("Content-Type", "text/plain")
	if req.key != "" {
		hreq.Header.Set("Idempotency-Key", req.key)
	}
	resp, err := client.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		if wrote.Load() {
			return ambiguous, retry, nil
		}
		return refused, retry, nil
	}
	b, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		// The status line is the commit's answer; a body cut off after it
		// changes nothing.
		if rerr == nil {
			var a struct {
				Accepted int `json:"accepted"`
			}
			if err := json.Unmarshal(b, &a); err != nil {
				return 0, 0, fmt.Errorf("200 with body %q: %v", b, err)
			}
			if a.Accepted != req.n {
				return 0, 0, fmt.Errorf("200 accepted %d of %d lines", a.Accepted, req.n)
			}
		}
		if resp.Header.Get("Idempotent-Replayed") == "true" {
			if req.key == "" {
				return 0, 0, errors.New("a request without a key answered as replayed")
			}
			return replayed, 0, nil
		}
		return accepted, 0, nil
	case http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusConflict:
		// Nothing was kept (README); 409: an earlier attempt with the key
		// is still being committed. Retry-After is whole seconds; the
		// harness retries sooner to keep the run short.
		return refused, 2 * retry, nil
	}
	return 0, 0, errors.New("unexpected answer " + resp.Status + ": " + strings.TrimSpace(string(b)))
}

// webhookVerdict is what verifyWebhook found in the index.
type webhookVerdict struct {
	indexed int
	// lost is accepted lines not indexed; invented is indexed lines never
	// sent (or indexed under an id seen before).
	lost, invented int
	// dupKeyed is extra copies of lines of requests with an
	// Idempotency-Key (none allowed); dupAmbiguous is extra copies of
	// keyless requests allowed by their ambiguous attempts; dupOther is
	// any other extra copy.
	dupKeyed, dupAmbiguous, dupOther int
	// torn is requests whose lines are not all indexed equally often: a
	// request is one spool commit, all of it or nothing.
	torn int
}

// verifyWebhook reads the index files and checks every request's lines.
func (r *run) verifyWebhook(reqs []*whRequest, lines int) webhookVerdict {
	t := r.t
	num := make(map[string]int, lines)
	for _, req := range reqs {
		for i := req.first; i < req.first+req.n; i++ {
			num[webhookLine(i)] = i
		}
	}
	counts := make([]int, lines)
	var v webhookVerdict
	ids := map[string]bool{}
	r.scanIndex(func(id, msg string) {
		v.indexed++
		if ids[id] {
			// One event indexed twice is the pipeline's duplicate, not a
			// second commit of the sender's lines (that has new ids).
			v.dupOther++
			return
		}
		ids[id] = true
		i, ok := num[msg]
		if !ok {
			v.invented++
			return
		}
		counts[i]++
	})
	var missing []int
	for _, req := range reqs {
		first := counts[req.first]
		for i := req.first; i < req.first+req.n; i++ {
			c := counts[i]
			if c != first {
				v.torn++
				t.Logf("request of lines %d..%d is torn: line %d indexed %d times, line %d %d times", req.first, req.first+req.n-1, req.first, first, i, c)
				break
			}
		}
		for i := req.first; i < req.first+req.n; i++ {
			switch c := counts[i]; {
			case c == 0:
				v.lost++
				if len(missing) < 10 {
					missing = append(missing, i)
				}
			case c > 1 && req.key != "":
				v.dupKeyed += c - 1
				if v.dupKeyed <= 10 {
					t.Logf("line %d of a request with a key indexed %d times; the request had %d ambiguous attempts", i, c, req.ambiguous)
				}
			case c > 1 && req.ambiguous > 0 && c <= req.ambiguous+1:
				v.dupAmbiguous += c - 1
			case c > 1:
				v.dupOther += c - 1
				if v.dupOther <= 10 {
					t.Logf("line %d indexed %d times; its request had %d ambiguous attempts", i, c, req.ambiguous)
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Logf("first missing lines: %v", missing)
	}
	return v
}
