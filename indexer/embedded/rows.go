package embedded

import (
	"database/sql/driver"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// row is an event turned into the values of one events row.
type row struct {
	id      string
	ts      int64
	vals    [numTyped]driver.Value
	doc     string
	message string
	org     string // escaped directory name
	day     int64
}

const numTyped = 15

func init() {
	if len(columns) != numTyped {
		panic("embedded: numTyped does not match columns")
	}
}

func (r *row) bind(args []driver.NamedValue) {
	args[0].Value = r.id
	args[1].Value = r.ts
	for i := range r.vals {
		args[2+i].Value = r.vals[i]
	}
	args[numCols-1].Value = r.doc
}

// minParallelEncode is the batch size below which encoding in one
// goroutine is cheaper than starting more.
const minParallelEncode = 2000

// prepareRows encodes events into rows: the JSON document, the typed
// columns, the partition. Encoding is pure Go and runs on all CPUs, so that
// the single SQLite writer thread spends its time in SQLite.
func prepareRows(events []*event.Event, now time.Time) []row {
	rows := make([]row, len(events))
	workers := min(runtime.GOMAXPROCS(0), len(events)/minParallelEncode)
	if workers <= 1 {
		encodeRows(events, rows, now)
		return rows
	}
	var wg sync.WaitGroup
	per := (len(events) + workers - 1) / workers
	for lo := 0; lo < len(events); lo += per {
		hi := min(lo+per, len(events))
		wg.Go(func() { encodeRows(events[lo:hi], rows[lo:hi], now) })
	}
	wg.Wait()
	return rows
}

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
	docs := string(buf)
	orgs := map[string]string{}
	for i, ev := range events {
		r := &rows[i]
		r.id = ev.ID
		r.doc = docs[offs[i]:offs[i+1]]
		r.message = ev.Message
		r.ts = eventTime(ev.Timestamp, now)
		r.day = dayOf(r.ts)
		dir, ok := orgs[ev.Organization]
		if !ok {
			dir = orgDir(ev.Organization)
			orgs[ev.Organization] = dir
		}
		r.org = dir
		for _, f := range ev.Fields() {
			if c, ok := columnIndex[f.Key]; ok {
				r.vals[c] = columnValue(columns[c].kind, f.Value)
			}
		}
	}
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
			return x
		case int:
			return int64(x)
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
				return int64(x)
			}
			return x
		case bool:
			if x {
				return int64(1)
			}
			return int64(0)
		case string:
			return x
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case []string:
		return strings.Join(x, ",")
	case nil:
		return nil
	}
	return event.FormatValue(v)
}
