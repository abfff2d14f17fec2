package mediator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/query"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/serve"
)

// What one search or count of the API may cost (search_timeout,
// max_query_bytes, max_query_terms, max_result_bytes). The limits on the
// query string are checked by the parser before the index does anything;
// the deadline interrupts the index (SQLite, or the cluster's own search
// timeout) rather than leaving it to run after the caller is answered;
// the byte budget bounds what a search holds, whatever its limit and the
// size of the documents.

// boundSearch sets the configured bounds on req.
// readySearch readies a read of events for the caller's grant: its
// organization scope (answering 403 itself and returning ok false when the
// request asks for another), the query and result limits, and the search
// deadline. Every endpoint that reads events goes through it, so none
// reads with less than /v1/search's checks. The caller defers cancel.
func (m *Mediator) readySearch(w http.ResponseWriter, r *http.Request, req *indexer.SearchRequest) (ctx context.Context, cancel context.CancelFunc, ok bool) {
	if !scopeSearch(w, r, req) {
		return nil, nil, false
	}
	m.boundSearch(req)
	ctx, cancel = m.searchContext(r)
	return ctx, cancel, true
}

func (m *Mediator) boundSearch(req *indexer.SearchRequest) {
	req.Limits = indexer.QueryLimits{MaxBytes: m.cfg.MaxQueryBytes, MaxTerms: m.cfg.MaxQueryTerms}
	req.MaxBytes = m.cfg.MaxResultBytes
}

// searchContext is the request's context ending at the search deadline.
func (m *Mediator) searchContext(r *http.Request) (context.Context, context.CancelFunc) {
	if m.cfg.SearchTimeout <= 0 {
		return context.WithCancel(r.Context())
	}
	return context.WithTimeout(r.Context(), m.cfg.SearchTimeout)
}

// truncated reports whether a search stopped at its byte budget rather
// than at its limit or the last match: its documents reach the budget.
// (A search whose last match happens to reach it is reported too.)
func truncated(req indexer.SearchRequest, docs int, bytes int64) bool {
	return req.MaxBytes > 0 && docs < req.Limit && bytes >= req.MaxBytes
}

// writeSearchError answers a search or count that failed: 400 for a
// query that does not parse or is over its limits (naming the setting
// that raises them), 503 for one that ran out of time, 500 otherwise.
func (m *Mediator) writeSearchError(w http.ResponseWriter, r *http.Request, err error) {
	var le *query.LimitError
	switch {
	case errors.As(err, &le):
		setting, limit := "max_query_terms", fmt.Sprint(le.Max)
		if le.Limit == query.LimitBytes {
			setting, limit = "max_query_bytes", hclconf.SizeText(int64(le.Max))
		}
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{fmt.Sprintf("%v (%s = %s)", err, setting, limit)})
	case errors.Is(err, indexer.ErrBadQuery):
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{err.Error()})
	case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil:
		if n := m.slowSearches.Allow(time.Now()); n >= 0 {
			m.logger.Warn("search stopped at search_timeout", logging.Suppressed([]any{"timeout", m.cfg.SearchTimeout, "query_bytes", len(r.URL.Query().Get("q")), "remote", r.RemoteAddr}, n)...)
		}
		serve.WriteJSON(w, http.StatusServiceUnavailable, errorResponse{fmt.Sprintf(
			"the search was stopped after %v (search_timeout): narrow the query or its time range", m.cfg.SearchTimeout)})
	default:
		serve.WriteJSON(w, http.StatusInternalServerError, errorResponse{err.Error()})
	}
}
