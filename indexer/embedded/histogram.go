package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/indexer"
)

// Histogram counts the events matching req per time bucket, in one pass
// over each day file: bucket i holds the matches with @timestamp in
// [base+i·width, base+(i+1)·width), the first and last buckets also what
// lies before and after them within [req.Since, req.Until), so the
// buckets add up to Count of the same request. req.Since and req.Until
// must be set, base must not be after req.Since, and n be positive.
//
// When the query reads only counted columns and base and width are whole
// minutes, every whole minute of the range lies in one bucket and is
// summed from the rollup tables (as Count does); the partial minutes at
// the ends, and every other query, are counted from the events grouped
// by bucket.
func (x *Index) Histogram(ctx context.Context, req indexer.SearchRequest, base int64, width time.Duration, n int) ([]int64, error) {
	if req.Since.IsZero() || req.Until.IsZero() || n <= 0 || width <= 0 || base > req.Since.UnixNano() {
		return nil, fmt.Errorf("histogram: want a closed range, base ≤ since, width and buckets > 0")
	}
	p, err := x.plan(req)
	if err != nil {
		return nil, err
	}
	w := int64(width)
	rollupsFit := !x.noCounts && w%nanosPerMinute == 0 && minuteOf(base) == base
	if rollupsFit {
		if p.wCounts, err = translateCounts(p.ast); err != nil {
			return nil, err
		}
	}
	out := make([]int64, n)
	// The bucket expression holds only numbers computed here (never
	// user text), so they are written into the SQL; SQLite's integer
	// division truncates, and ts ≥ base, so it floors.
	bucket := func(col string) string {
		return "min(max((" + col + " - " + strconv.FormatInt(base, 10) + ") / " + strconv.FormatInt(w, 10) + ", 0), " + strconv.Itoa(n-1) + ")"
	}
	scan := func(rows *sql.Rows) error {
		var b, c int64
		if err := rows.Scan(&b, &c); err != nil {
			return err
		}
		if b >= 0 && b < int64(n) {
			out[b] += c
		}
		return nil
	}
	for _, part := range p.parts {
		dayStart := part.day * nanosPerDay
		lo, hi := max(p.from, dayStart), min(p.to, dayStart+nanosPerDay)
		if lo >= hi {
			continue
		}
		first, last := minuteOf(lo), minuteOf(hi) // whole minutes: [first, last)
		if first < lo {
			first += nanosPerMinute
		}
		if p.wCounts == nil || first >= last {
			if err := x.histEvents(ctx, p, part, bucket, lo, hi, scan); err != nil {
				return nil, err
			}
			continue
		}
		var r *rollup
		for _, r = range rollups {
			if p.wCounts.cols&^r.mask == 0 {
				break
			}
		}
		q := "SELECT " + bucket("minute") + " AS b, sum(n) FROM " + r.table + " WHERE " + p.wCounts.sql +
			" AND minute >= ? AND minute < ? GROUP BY b"
		args := append(append([]any{}, p.wCounts.args...), first, last)
		if err := x.query(ctx, part, q, args, scan); err != nil {
			return nil, err
		}
		if lo < first {
			if err := x.histEvents(ctx, p, part, bucket, lo, first, scan); err != nil {
				return nil, err
			}
		}
		if last < hi {
			if err := x.histEvents(ctx, p, part, bucket, last, hi, scan); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// histEvents counts the matches of p in part with ts in [from, to) per
// bucket, from the events table.
func (x *Index) histEvents(ctx context.Context, p *plan, part partition, bucket func(string) string, from, to int64, scan func(*sql.Rows) error) error {
	var b strings.Builder
	b.WriteString("SELECT " + bucket("ts") + " AS b, count(*) FROM events")
	if p.w.usesDoc {
		b.WriteString(" JOIN docs ON docs.rowid = events.rowid")
	}
	b.WriteString(" WHERE " + p.w.sql + " AND ts >= ? AND ts < ? GROUP BY b")
	args := append(append([]any{}, p.w.args...), from, to)
	return x.query(ctx, part, b.String(), args, scan)
}
