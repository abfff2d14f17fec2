package mediator

import (
	"encoding/json"
	"errors"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/serve"
)

// TailResponse is the body of GET /v1/tail: the matches newer than the
// cursor, newest first, and the cursor to ask with next.
type TailResponse struct {
	Events []json.RawMessage `json:"events"`
	Cursor string            `json:"cursor"`
	// More is set when more new matches than limit= arrived: the newest
	// are returned, the others skipped.
	More bool `json:"more,omitempty"`
}

// maxCursorSeen bounds the documents a cursor remembers at its time.
const maxCursorSeen = 256

// tailCursor is where a tail stands: the @timestamp of the newest match
// it returned, and a hash of each match at that very time (matches at a
// time are returned once, whether they were indexed before or after).
type tailCursor struct {
	ts   int64
	seen []uint64
}

// String encodes c as NANOS or NANOS~HASH.HASH… (hexadecimal hashes).
func (c tailCursor) String() string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(c.ts, 10))
	for i, h := range c.seen {
		if i == 0 {
			b.WriteByte('~')
		} else {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(h, 16))
	}
	return b.String()
}

// parseCursor reads a cursor of String's form: it comes from the caller,
// so anything else is refused.
func parseCursor(s string) (tailCursor, error) {
	var c tailCursor
	bad := errors.New("cursor: not a cursor of /v1/tail")
	if len(s) > 32+maxCursorSeen*17 {
		return c, bad
	}
	ts, rest, hasSeen := strings.Cut(s, "~")
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || n < 0 {
		return c, bad
	}
	c.ts = n
	if !hasSeen {
		return c, nil
	}
	for _, h := range strings.Split(rest, ".") {
		v, err := strconv.ParseUint(h, 16, 64)
		if err != nil || len(h) > 16 || len(c.seen) == maxCursorSeen {
			return c, bad
		}
		c.seen = append(c.seen, v)
	}
	return c, nil
}

func docHash(doc []byte) uint64 {
	h := fnv.New64a()
	_, _ = h.Write(doc)
	return h.Sum64()
}

// docTime reads a document's @timestamp in nanoseconds.
func docTime(doc []byte) (int64, bool) {
	var d struct {
		TS time.Time `json:"@timestamp"`
	}
	if json.Unmarshal(doc, &d) != nil || d.TS.IsZero() {
		return 0, false
	}
	return d.TS.UnixNano(), true
}

// handleTail answers a live tail by polling: without cursor= it returns
// no events and the cursor at the newest match (or now), with one the
// matches at or after its time that it has not returned yet (at most
// limit=, default 100), newest first. It is a search (same limits,
// deadline and scope as /v1/search) from the cursor's time: it follows
// @timestamp, so an event indexed late with a time before the cursor is
// not shown.
func (m *Mediator) handleTail(w http.ResponseWriter, r *http.Request) {
	req, err := searchRequest(r)
	if err != nil {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{err.Error()})
		return
	}
	if req.Limit > 1000 {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{"limit must be an integer between 1 and 1000"})
		return
	}
	var cur tailCursor
	start := r.URL.Query().Get("cursor") == ""
	if !start {
		if cur, err = parseCursor(r.URL.Query().Get("cursor")); err != nil {
			serve.WriteJSON(w, http.StatusBadRequest, errorResponse{err.Error()})
			return
		}
		req.Since = time.Unix(0, cur.ts)
	}
	ctx, cancel, ok := m.readySearch(w, r, &req)
	if !ok {
		return
	}
	defer cancel()
	want := req.Limit
	// The documents at the cursor's time that were returned already come
	// back too: ask for them on top.
	req.Limit += len(cur.seen)
	events, err := m.index.Search(ctx, req)
	if err != nil {
		m.writeSearchError(w, r, err)
		return
	}
	type match struct {
		doc  json.RawMessage
		ts   int64
		hash uint64
	}
	var fresh []match
	for _, doc := range events {
		ts, ok := docTime(doc)
		if !ok {
			continue
		}
		h := docHash(doc)
		if !start && ts == cur.ts && slices.Contains(cur.seen, h) {
			continue
		}
		fresh = append(fresh, match{doc, ts, h})
	}
	resp := TailResponse{Events: []json.RawMessage{}}
	if len(fresh) > want {
		fresh, resp.More = fresh[:want], !start
	}
	next := cur
	switch {
	case len(fresh) > 0:
		next = tailCursor{ts: fresh[0].ts}
		if next.ts == cur.ts {
			next.seen = slices.Clone(cur.seen)
		}
		for _, f := range fresh {
			if f.ts == next.ts && len(next.seen) < maxCursorSeen {
				next.seen = append(next.seen, f.hash)
			}
		}
	case start:
		next = tailCursor{ts: time.Now().UnixNano()}
	}
	if !start {
		for _, f := range fresh {
			resp.Events = append(resp.Events, f.doc)
		}
	}
	resp.Cursor = next.String()
	serve.WriteJSON(w, http.StatusOK, resp)
}
