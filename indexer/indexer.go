// Package indexer defines where parsed events go: a Sink that stores them
// durably and idempotently, and a Searcher that answers the query string
// language of `sluice search`. Backends live in sub-packages (embedded/,
// elastic/).
package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// ErrBadQuery is wrapped by Search and Count when the query string does not
// parse; HTTP handlers answer it with 400.
var ErrBadQuery = errors.New("bad query")

// Sink stores events. Write returns nil only once every event is durable in
// the index, or was already there: events carry deterministic ids, so writing
// the same event twice stores it once.
type Sink interface {
	Write(ctx context.Context, events []*event.Event) error
	Close() error
}

// SearchRequest selects events.
type SearchRequest struct {
	// Query is the query string: field:value, AND/OR/NOT, "quoted
	// phrases", bare words as full-text, ranges; "*" or "" matches all.
	Query string
	// Since and Until bound @timestamp; zero values leave that side open.
	Since, Until time.Time
	// Organization restricts the search to one organization; "" searches all.
	Organization string
	// Limit caps the number of events returned by Search (newest first).
	Limit int
	// MaxBytes caps the documents Search returns, in bytes: it stops
	// after the document that reaches it (0: no cap), so one search
	// holds about that much, whatever Limit and the documents' sizes.
	MaxBytes int64
	// Limits bound the query string; zero fields take the parser's
	// defaults.
	Limits QueryLimits
}

// QueryLimits bound what parsing and running one query string may cost.
// A query over them is refused before any index work with a
// *query.LimitError, which wraps ErrBadQuery.
type QueryLimits struct {
	// MaxBytes is the longest query string accepted.
	MaxBytes int
	// MaxTerms is the most terms a query may have. Every word of a
	// phrase or full-text term counts (the full-text index looks each
	// one up, and a phrase's cost grows faster than its length), as
	// does every wildcard character; a field term or a range is one.
	MaxTerms int
}

// Searcher answers queries over stored events. Both methods stop when ctx
// ends: the work in the index is abandoned, not left running, and an
// expired deadline is returned as an error that wraps
// context.DeadlineExceeded (the caller's deadline, or the backend's own
// timeout derived from it), so that callers answer "too slow" rather
// than "failed".
type Searcher interface {
	// Search returns matching events as their JSON documents, newest first.
	Search(ctx context.Context, req SearchRequest) ([]json.RawMessage, error)
	// Count returns the number of matching events.
	Count(ctx context.Context, req SearchRequest) (int64, error)
}

// Index is a backend that both stores and searches.
type Index interface {
	Sink
	Searcher
}

// RejectedError is returned by Write when the index refused some events
// permanently (a mapping conflict, a document too large): retrying cannot
// help, so the caller moves them to its dead-letter store. Every event not
// listed was stored.
type RejectedError struct {
	// Reasons maps an event's position in the written slice to why the
	// index refused it.
	Reasons map[int]string
}

func (e *RejectedError) Error() string {
	for _, r := range e.Reasons {
		return fmt.Sprintf("index rejected %d event(s) permanently, e.g.: %s", len(e.Reasons), r)
	}
	return "index rejected events permanently"
}
