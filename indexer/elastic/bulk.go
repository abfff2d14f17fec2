package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
)

// Bulk actions. create stores a document only if its id is new (409
// otherwise), which makes Write idempotent; index stores it whatever is
// there, which is what Replace means.
const (
	actionCreate = "create"
	actionIndex  = "index"
)

// item is one event as a bulk action and its document.
type item struct {
	pos  int    // position in the slice given to Write
	id   string // document id (for messages)
	body []byte // action line + document line, both ending in \n
}

// outcome of one bulk request for its items.
type outcome struct {
	retry    []item
	rejected map[int]string
	// err is why items are retried (the last one seen).
	err error
	// down is set when the cluster itself failed (connection, 5xx or auth
	// on the whole request): Write returns at once so the mediator reports
	// the outage and retries on its own schedule, instead of waiting here.
	down bool
}

// Write creates the events' documents, each under its deterministic id, in
// the daily index of its organization. It returns nil once every event is
// stored (created now, or 409: already there), a *indexer.RejectedError for
// events the cluster refused permanently (the rest are stored), or an error
// when the cluster is down or its push-back (429) outlasted RetryFor.
//
// Organizations are written concurrently and retried independently: a
// failing one does not hold back what the others send.
func (x *Index) Write(ctx context.Context, events []*event.Event) error {
	return x.write(ctx, events, actionCreate)
}

// Replace stores the events' documents under their ids like Write, but with
// the bulk action index instead of create: a stored document with the same
// id is overwritten rather than kept. Outcomes, retries and errors are
// Write's.
func (x *Index) Replace(ctx context.Context, events []*event.Event) error {
	return x.write(ctx, events, actionIndex)
}

// write is Write and Replace: one code path, the bulk action (create or
// index) chosen per call.
func (x *Index) write(ctx context.Context, events []*event.Event, action string) error {
	if len(events) == 0 {
		return nil
	}
	if err := x.isReady(ctx); err != nil {
		return err
	}
	// One buffer for every body: items slice into it.
	var buf []byte
	ends := make([]int, len(events))
	for i, ev := range events {
		buf = x.appendAction(buf, action, ev)
		ends[i] = len(buf)
	}
	byOrg := map[string][]item{}
	start := 0
	for i, ev := range events {
		org := ev.Organization
		byOrg[org] = append(byOrg[org], item{pos: i, id: ev.ID, body: buf[start:ends[i]:ends[i]]})
		start = ends[i]
	}
	orgs := make([]string, 0, len(byOrg))
	for org := range byOrg {
		orgs = append(orgs, org)
	}
	sort.Strings(orgs)

	type result struct {
		rejected map[int]string
		err      error
	}
	results := make([]result, len(orgs))
	var wg sync.WaitGroup
	for i, org := range orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rej, err := x.writeOrg(ctx, action, byOrg[org])
			if err != nil {
				err = fmt.Errorf("organization %q: %w", org, err)
			}
			results[i] = result{rej, err}
		}()
	}
	wg.Wait()

	rejected := map[int]string{}
	var errs []error
	for _, r := range results {
		for p, why := range r.rejected {
			rejected[p] = why
		}
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if len(rejected) > 0 {
		return &indexer.RejectedError{Reasons: rejected}
	}
	return nil
}

// appendAction appends the bulk lines that create or index ev.
func (x *Index) appendAction(buf []byte, action string, ev *event.Event) []byte {
	buf = append(buf, `{"`...)
	buf = append(buf, action...)
	buf = append(buf, `":{"_index":`...)
	buf = event.AppendJSONString(buf, x.indexName(ev.Organization, ev.Timestamp))
	buf = append(buf, `,"_id":`...)
	buf = event.AppendJSONString(buf, ev.ID)
	buf = append(buf, "}}\n"...)
	buf = ev.AppendJSON(buf)
	return append(buf, '\n')
}

// writeOrg sends one organization's items until each is stored or refused,
// retrying what failed with backoff for up to RetryFor.
func (x *Index) writeOrg(ctx context.Context, action string, items []item) (map[int]string, error) {
	rejected := map[int]string{}
	deadline := time.Now().Add(x.cfg.RetryFor)
	for attempt := 0; ; attempt++ {
		out := x.sendAll(ctx, action, items)
		for p, why := range out.rejected {
			rejected[p] = why
		}
		if len(out.retry) == 0 {
			return rejected, nil
		}
		items = out.retry
		d := x.cfg.Backoff.Delay(attempt)
		if out.down || ctx.Err() != nil || time.Now().Add(d).After(deadline) {
			return rejected, fmt.Errorf("%d document(s) not stored after %d attempt(s): %w", len(items), attempt+1, out.err)
		}
		x.logger.Debug("bulk write incomplete; retrying", "documents", len(items), "retry_in", d, "error", out.err)
		select {
		case <-ctx.Done():
			return rejected, ctx.Err()
		case <-time.After(d):
		}
	}
}

// sendAll splits items into bulk requests of at most BulkActions actions and
// BulkBytes bytes, sends them (Workers at a time) and merges the outcomes.
func (x *Index) sendAll(ctx context.Context, action string, items []item) outcome {
	var groups [][]item
	start, size := 0, 0
	for i, it := range items {
		if i > start && (i-start >= x.cfg.BulkActions || size+len(it.body) > x.cfg.BulkBytes) {
			groups = append(groups, items[start:i])
			start, size = i, 0
		}
		size += len(it.body)
	}
	groups = append(groups, items[start:])

	outs := make([]outcome, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		select {
		case x.sem <- struct{}{}:
		case <-ctx.Done():
			outs[i] = outcome{retry: g, err: ctx.Err()}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-x.sem }()
			outs[i] = x.send(ctx, action, g)
		}()
	}
	wg.Wait()
	all := outcome{rejected: map[int]string{}}
	for _, o := range outs {
		all.retry = append(all.retry, o.retry...)
		for p, why := range o.rejected {
			all.rejected[p] = why
		}
		if o.err != nil {
			all.err = o.err
		}
		all.down = all.down || o.down
	}
	return all
}

// bulkResponse is the part of a bulk answer we read.
type bulkResponse struct {
	Errors bool                         `json:"errors"`
	Items  []map[string]bulkItemOutcome `json:"items"`
}

type bulkItemOutcome struct {
	Status int `json:"status"`
	Error  *struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	} `json:"error"`
}

// send is one bulk request. A 413 splits it in halves; a request-level
// 400 is split too, to find the document at fault.
func (x *Index) send(ctx context.Context, action string, items []item) outcome {
	var body []byte
	for _, it := range items {
		body = append(body, it.body...)
	}
	status, resp, err := x.do(ctx, http.MethodPost, "/_bulk", body, nil)
	switch {
	case err != nil:
		return outcome{retry: items, err: fmt.Errorf("bulk request: %w", err), down: true}
	case status == http.StatusRequestEntityTooLarge || status == http.StatusBadRequest:
		if len(items) == 1 {
			why := fmt.Sprintf("HTTP %d: %s", status, errorReason(resp))
			if status == http.StatusRequestEntityTooLarge {
				why = "document too large for the cluster (HTTP 413)"
			}
			return outcome{rejected: map[int]string{items[0].pos: why}}
		}
		h := len(items) / 2
		a, b := x.send(ctx, action, items[:h]), x.send(ctx, action, items[h:])
		return merge(a, b)
	case status == http.StatusTooManyRequests:
		// The cluster is alive and pushes back: retried here, briefly.
		return outcome{retry: items, err: fmt.Errorf("bulk request: HTTP %d: %s", status, errorReason(resp))}
	case status >= 300:
		// 5xx, 401, 403, 404…: nothing about the documents themselves,
		// so they wait for the cluster or the operator to fix it.
		return outcome{retry: items, err: fmt.Errorf("bulk request: HTTP %d: %s", status, errorReason(resp)), down: true}
	}
	var br bulkResponse
	if err := json.Unmarshal(resp, &br); err != nil {
		return outcome{retry: items, err: fmt.Errorf("bulk response: %w", err)}
	}
	if len(br.Items) != len(items) {
		return outcome{retry: items, err: fmt.Errorf("bulk response holds %d items for %d actions", len(br.Items), len(items))}
	}
	out := outcome{rejected: map[int]string{}}
	for i, m := range br.Items {
		var r bulkItemOutcome
		for _, v := range m { // one key: the action (look-alikes may answer "index" to create)
			r = v
		}
		switch {
		case r.Status >= 200 && r.Status < 300:
			// Stored now.
		case r.Status == http.StatusConflict && action == actionCreate:
			// Already stored (an earlier attempt, a resend). index
			// answers 409 only to version conditions, which we do not
			// send: there it falls to the default below.
		case r.Status == http.StatusTooManyRequests || r.Status >= 500 || r.Status == 0:
			out.retry = append(out.retry, items[i])
			out.err = fmt.Errorf("document %s: HTTP %d: %s", items[i].id, r.Status, r.reason())
		default:
			out.rejected[items[i].pos] = fmt.Sprintf("HTTP %d: %s", r.Status, r.reason())
		}
	}
	return out
}

func (r bulkItemOutcome) reason() string {
	if r.Error == nil {
		return "no reason given"
	}
	return r.Error.Type + ": " + r.Error.Reason
}

func merge(a, b outcome) outcome {
	out := outcome{retry: append(a.retry, b.retry...), rejected: map[int]string{}, err: a.err, down: a.down || b.down}
	if b.err != nil {
		out.err = b.err
	}
	for p, why := range a.rejected {
		out.rejected[p] = why
	}
	for p, why := range b.rejected {
		out.rejected[p] = why
	}
	return out
}
