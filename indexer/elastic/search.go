package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/query"
)

// Search returns the matching events' documents, newest first.
func (x *Index) Search(ctx context.Context, req indexer.SearchRequest) ([]json.RawMessage, error) {
	limit := req.Limit
	if limit <= 0 || limit > x.cfg.MaxLimit {
		limit = x.cfg.MaxLimit
	}
	var res struct {
		Hits struct {
			Hits []struct {
				Source json.RawMessage `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := x.search(ctx, req, map[string]any{
		"size": limit,
		"sort": []any{map[string]any{"@timestamp": map[string]any{"order": "desc"}}},
	}, &res); err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, 0, len(res.Hits.Hits))
	var size int64
	for _, h := range res.Hits.Hits {
		if req.MaxBytes > 0 && size >= req.MaxBytes {
			// As the embedded index: the document that reaches the
			// budget is the last. The response itself was read whole.
			break
		}
		out = append(out, h.Source)
		size += int64(len(h.Source))
	}
	return out, nil
}

// Count returns the number of matching events. It asks _search for the
// exact total rather than _count, which some Elasticsearch-API servers
// lack; Elasticsearch answers both the same.
func (x *Index) Count(ctx context.Context, req indexer.SearchRequest) (int64, error) {
	var res struct {
		Hits struct {
			Total struct {
				Value int64 `json:"value"`
			} `json:"total"`
		} `json:"hits"`
	}
	if err := x.search(ctx, req, map[string]any{"size": 0, "track_total_hits": true}, &res); err != nil {
		return 0, err
	}
	return res.Hits.Total.Value, nil
}

func (x *Index) search(ctx context.Context, req indexer.SearchRequest, body map[string]any, into any) error {
	q, err := Query(req)
	if err != nil {
		return err
	}
	if err := x.isReady(ctx); err != nil {
		return err
	}
	body["query"] = q
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	pattern := x.cfg.IndexPrefix + "-*"
	if req.Organization != "" {
		pattern = x.orgPrefix(req.Organization) + "*"
	}
	params := map[string]string{"ignore_unavailable": "true", "allow_no_indices": "true"}
	if dl, ok := ctx.Deadline(); ok {
		// The caller's deadline becomes the cluster's own search timeout,
		// so the shards stop working on it too instead of only this
		// client giving up. A URL parameter: servers that speak the API
		// differ on the body's "timeout" (ZincSearch wants a number).
		params["timeout"] = fmt.Sprintf("%dms", max(1, time.Until(dl).Milliseconds()))
	}
	status, resp, err := x.do(ctx, http.MethodPost, "/"+pattern+"/_search", b, params)
	if err != nil {
		return fmt.Errorf("elasticsearch search: %w", err)
	}
	if status >= 300 {
		if reason := errorReason(resp); status == http.StatusNotFound && strings.Contains(reason, "index_not_found") ||
			strings.Contains(reason, "no index found") {
			// No index yet (nothing written for that organization):
			// Elasticsearch honors allow_no_indices, look-alikes answer
			// this instead. Either way nothing matches.
			return json.Unmarshal([]byte(`{"hits":{"total":{"value":0},"hits":[]}}`), into)
		}
		if status == http.StatusBadRequest {
			return fmt.Errorf("%w: elasticsearch: %s", indexer.ErrBadQuery, errorReason(resp))
		}
		return fmt.Errorf("elasticsearch search: HTTP %d: %s", status, errorReason(resp))
	}
	var timedOut struct {
		TimedOut bool `json:"timed_out"`
	}
	if err := json.Unmarshal(resp, &timedOut); err == nil && timedOut.TimedOut {
		// Elasticsearch answers with what the shards found in time:
		// an incomplete answer, reported as the deadline it is.
		return fmt.Errorf("elasticsearch search: the cluster stopped at its timeout (%s): %w", params["timeout"], context.DeadlineExceeded)
	}
	if err := json.Unmarshal(resp, into); err != nil {
		return fmt.Errorf("elasticsearch search response: %w", err)
	}
	return nil
}

// Query translates a search request to the query DSL. The query string is
// parsed by the same parser as the embedded index, so a query means the
// same on both backends and a bad one fails the same way, before anything
// is sent: bare words and phrases are match_phrase on message, field:value
// is an exact term, wildcards are wildcard queries, ranges are range
// queries, and Since/Until filter @timestamp.
func Query(req indexer.SearchRequest) (map[string]any, error) {
	n, err := query.ParseLimits(req.Query, req.Limits)
	if err != nil {
		return nil, err
	}
	var filter []any
	if !req.Since.IsZero() || !req.Until.IsZero() {
		r := map[string]any{}
		if !req.Since.IsZero() {
			r["gte"] = req.Since.UTC().Format(time.RFC3339Nano)
		}
		if !req.Until.IsZero() {
			r["lt"] = req.Until.UTC().Format(time.RFC3339Nano)
		}
		filter = append(filter, map[string]any{"range": map[string]any{query.FieldTimestamp: r}})
	}
	q := dsl(n)
	if len(filter) == 0 {
		return q, nil
	}
	return map[string]any{"bool": map[string]any{"must": []any{q}, "filter": filter}}, nil
}

func dsl(n query.Node) map[string]any {
	switch n := n.(type) {
	case query.MatchAll:
		return map[string]any{"match_all": map[string]any{}}
	case *query.And:
		return map[string]any{"bool": map[string]any{"must": dslAll(n.Nodes)}}
	case *query.Or:
		return map[string]any{"bool": map[string]any{"should": dslAll(n.Nodes), "minimum_should_match": 1}}
	case *query.Not:
		return map[string]any{"bool": map[string]any{"must_not": []any{dsl(n.Node)}}}
	case *query.Term:
		if query.IsFullText(n.Field) {
			return map[string]any{"match_phrase": map[string]any{query.FieldMessage: n.Value}}
		}
		return map[string]any{"term": map[string]any{n.Field: map[string]any{"value": n.Value}}}
	case *query.Wildcard:
		field := n.Field
		if query.IsFullText(field) {
			// Full-text wildcards match analyzed words of the message.
			field = query.FieldMessage
			return map[string]any{"wildcard": map[string]any{field: map[string]any{"value": strings.ToLower(n.Pattern)}}}
		}
		if n.Pattern == "*" {
			return map[string]any{"exists": map[string]any{"field": field}}
		}
		return map[string]any{"wildcard": map[string]any{field: map[string]any{"value": n.Pattern}}}
	case *query.Range:
		r := map[string]any{}
		if from, to, ok := n.Nanos(); ok {
			// Time bounds as the half-open interval the parser defines
			// (a day covers the whole day).
			if from != math.MinInt64 {
				r["gte"] = time.Unix(0, from).UTC().Format(time.RFC3339Nano)
			}
			if to != math.MaxInt64 {
				r["lt"] = time.Unix(0, to).UTC().Format(time.RFC3339Nano)
			}
		} else {
			if b := n.From; b != nil {
				r[map[bool]string{true: "gte", false: "gt"}[b.Inclusive]] = b.Number
			}
			if b := n.To; b != nil {
				r[map[bool]string{true: "lte", false: "lt"}[b.Inclusive]] = b.Number
			}
		}
		return map[string]any{"range": map[string]any{n.Field: r}}
	}
	return map[string]any{"match_none": map[string]any{}}
}

func dslAll(nodes []query.Node) []any {
	out := make([]any, len(nodes))
	for i, n := range nodes {
		out[i] = dsl(n)
	}
	return out
}
