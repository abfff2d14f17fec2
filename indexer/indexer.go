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
}

// Searcher answers queries over stored events.
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
