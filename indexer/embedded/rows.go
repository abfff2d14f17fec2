package embedded

import (
	"cmp"
	"database/sql/driver"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/sluicehq/sluice/indexer/embedded/rowpack"
	"github.com/sluicehq/sluice/pkg/event"
)

// row is an event turned into the values of one events row, one docs row
// and one full-text entry. The typed columns are driver.Values: the
// rollup counts key on them too.
type row struct {
	id string
	// vals are the events columns: id, ts and the typed columns.
	vals    [numCols]driver.Value
	doc     string
	message string
}

const numTyped = 15

func init() {
	if len(columns) != numTyped || numCols != numTyped+2 {
		panic("embedded: numTyped does not match columns")
	}
}

// pack adds the events row's values to p.
func (r *row) pack(p *rowpack.Pack) error {
	for _, v := range r.vals {
		if err := p.Add(v); err != nil {
			return err
		}
	}
	return nil
}

// eventGroup is the events of one (organization, day) file, in batch
// order.
type eventGroup struct {
	org    string // escaped directory name
	day    int64
	events []*event.Event
}

// groupEvents splits a batch by organization and day of @timestamp,
// keeping the order of events within each group. Groups are sorted by day
// and organization.
func groupEvents(events []*event.Event, now time.Time) []eventGroup {
	type key struct {
		org string
		day int64
	}
	dirs := map[string]string{}
	keyOf := func(e *event.Event) key {
		dir, ok := dirs[e.Organization]
		if !ok {
			dir = orgDir(e.Organization)
			dirs[e.Organization] = dir
		}
		return key{dir, dayOf(eventTime(e.Timestamp, now))}
	}
	first := keyOf(events[0])
	same := true
	for _, e := range events[1:] {
		if keyOf(e) != first {
			same = false
			break
		}
	}
	if same {
		return []eventGroup{{org: first.org, day: first.day, events: events}}
	}
	idx := map[key]int{}
	var groups []eventGroup
	for _, e := range events {
		k := keyOf(e)
		g, ok := idx[k]
		if !ok {
			g = len(groups)
			idx[k] = g
			groups = append(groups, eventGroup{org: k.org, day: k.day})
		}
		groups[g].events = append(groups[g].events, e)
	}
	slices.SortFunc(groups, func(a, b eventGroup) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.org, b.org))
	})
	return groups
}

// encodeAsync encodes events into chunks of rows on another goroutine,
// a few chunks ahead of the consumer, so that the JSON encoding of the
// next chunk overlaps the SQLite inserts of this one. stop ends the
// goroutine early and waits for it; call it in every case.
func encodeAsync(events []*event.Event, now time.Time) (chunks <-chan []row, stop func()) {
	ch := make(chan []row, 2)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		for lo := 0; lo < len(events); lo += rowsPerChunk {
			part := events[lo:min(lo+rowsPerChunk, len(events))]
			rows := make([]row, len(part))
			encodeRows(part, rows, now)
			select {
			case ch <- rows:
			case <-quit:
				return
			}
		}
	}()
	var once sync.Once
	return ch, func() {
		once.Do(func() { close(quit) })
		<-done
	}
}

// encodeRows fills rows from events: the JSON document, the typed columns
// and the id, time and message.
func encodeRows(events []*event.Event, rows []row, now time.Time) {
	// All documents of the chunk share one buffer and one string: one
	// allocation instead of one per event.
	offs := make([]int, len(events)+1)
	var buf []byte
	for i, ev := range events {
		buf = ev.AppendJSON(buf)
		offs[i+1] = len(buf)
		if i == 0 {
			// Size the buffer from the first document, with room to
			// spare, so that it is not copied while it grows.
			grown := make([]byte, len(buf), len(buf)*len(events)*5/4+1024)
			copy(grown, buf)
			buf = grown
		}
	}
	// buf is not written after this point, so the string can share its
	// memory instead of copying 600 bytes per event.
	docs := unsafe.String(unsafe.SliceData(buf), len(buf))
	for i, ev := range events {
		r := &rows[i]
		r.id = ev.ID
		r.vals[0] = ev.ID
		r.vals[1] = eventTime(ev.Timestamp, now)
		r.doc = docs[offs[i]:offs[i+1]]
		r.message = storedMessage(ev.Message)
		for _, f := range ev.Fields() {
			if c, ok := columnIndex[f.Key]; ok {
				r.vals[2+c] = columnValue(columns[c].kind, f.Value)
			}
		}
	}
}

// storedMessage returns the message as the document stores it, which is
// what the full-text index must be given: AppendJSONString writes each
// byte of invalid UTF-8 as U+FFFD. Replace deletes an event's full-text
// entry with the message read back from its document, and FTS5 promises
// to remove a contentless entry only when given the text it indexed
// (other text may corrupt the index); catchUp indexes from the documents
// too. SQLite's tokenizer reads the invalid bytes tried in TestReplace
// as separators either way, but that is not documented.
func storedMessage(m string) string {
	if utf8.ValidString(m) {
		return m
	}
	var b strings.Builder
	for i := 0; i < len(m); {
		r, size := utf8.DecodeRuneInString(m[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(m[i : i+size])
		}
		i += size
	}
	return b.String()
}

// eventTime returns the event's @timestamp in Unix nanoseconds. An event
// without one, or with one outside what nanoseconds can hold (years
// 1678–2261), is filed at now: it must land somewhere searchable.
func eventTime(t time.Time, now time.Time) int64 {
	if t.IsZero() || t.Year() < 1678 || t.Year() > 2261 {
		t = now
	}
	return t.UnixNano()
}

// columnValue converts a field value for a typed column. Strings go to
// integer columns as they are: SQLite's column affinity stores "22" as 22
// and keeps a non-number as text, so nothing is lost.
func columnValue(kind colKind, v any) driver.Value {
	if kind == colInt {
		switch x := v.(type) {
		case int64:
			return v // already boxed: no new allocation
		case int:
			return int64(x)
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
				return int64(x)
			}
			if math.IsNaN(x) {
				// SQLite stores NaN as NULL; nil also keeps NaN out of
				// the keys of counter's maps, where it never equals
				// itself.
				return nil
			}
			return x
		case bool:
			if x {
				return int64(1)
			}
			return int64(0)
		case string:
			return v
		}
	}
	switch x := v.(type) {
	case string:
		return v
	case []string:
		return strings.Join(x, ",")
	case nil:
		return nil
	}
	return event.FormatValue(v)
}
