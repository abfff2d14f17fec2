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

// Pruner is an index whose data expires by whole days: the embedded
// index's day files, Elasticsearch's daily indices. Dropping a day is
// cheap (a file or an index removed, no row deletes) and never blocks
// writes or searches of other days for long.
type Pruner interface {
	// Organizations lists the organizations the index holds days of, by
	// their names (not escaped), the default organization included.
	Organizations(ctx context.Context) ([]string, error)
	// Prune removes the days of org (of every organization when org is
	// "") that end at or before before: with before at midnight UTC of
	// 2026-03-10, 2026-03-09 and earlier go. dryRun only lists them.
	// Events written later for a removed day make it again.
	Prune(ctx context.Context, org string, before time.Time, dryRun bool) ([]PrunedDay, error)
}

// PrunedDay is one day of one organization that Prune removed (or, dry
// run, would remove).
type PrunedDay struct {
	Organization string `json:"organization"`
	// Day is the UTC day, YYYY-MM-DD.
	Day string `json:"day"`
	// Name is what held it: a file path or an index name.
	Name string `json:"name"`
	// Bytes is its size on disk when known (0 otherwise).
	Bytes int64 `json:"bytes"`
}

// Replacer is an index that can overwrite stored events by id: a replay
// of archived entries after a rule fix replaces the events the old rules
// made, where Write would keep them (it skips ids already stored).
type Replacer interface {
	// Replace stores events, overwriting any stored event with the same
	// id. Like Write, it returns nil only once every event is durable.
	Replace(ctx context.Context, events []*event.Event) error
}
