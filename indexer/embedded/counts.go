package embedded

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// rollup is a table of counts of events per minute, which makes counts
// fast without indexes on the events table.
//
// A rollup table holds, for each minute and each combination of values
// of some of the counted columns that occurs in it, the number of events
// n: the events table grouped by minute and by those columns. The rollup
// tables are updated in the transaction that inserts the events, by
// upserts aggregated in Go first: a map update per event, and one upsert
// per minute and combination of the batch. This costs far less than
// indexes on the same columns (see columns): on BenchmarkWrite about
// 0.5 µs of CPU per event (+3%, within the noise of a shared machine); on
// BenchmarkWriteVaried, whose 200 hosts at 50 events/s make a row of
// minute_counts per 3 events, about 3.5 µs (+20%); with the same hosts at
// 50,000 events/s, about 1 µs.
//
// A count whose filter reads only counted columns, with any time range,
// is then the sum of n over the rows of the whole minutes of its range,
// in the smallest table that has the columns, plus a count of the events
// in the partial minutes at its ends (plan.countSQL):
//
//	minute_totals         no columns: counts of all events in a time range
//	minute_counts_nohost  the counted columns but host and agent
//	minute_counts         every counted column; an index on the host
//	                      leads filters on it to its rows
//
// The counted columns are correlated (rule, classification, common event,
// outcome and risk come together; agent follows host), so a minute holds
// few combinations: on genEvents' 300k events over 100 minutes and 8
// hosts, 4,000 rows in minute_counts and 500 in minute_counts_nohost
// (0.7 MB in a 260 MB file); with 200 hosts, 90,000 and 500 (16 MB). A
// table has at most one row per event, in the worst case.
//
// The values copy the events columns with the same types, so the
// translated filter reads the same on both tables. The primary key is
// the minute and key, a 64-bit hash of the values (which may be NULL, and
// make a long key); two combinations of a minute with the same hash take
// key, key+1, … (see counter.upsert). Sums are right whatever the keys:
// each event is counted once, in a row with its values.
type rollup struct {
	table string
	cols  []int  // positions in columns
	proj  []int  // positions of cols in countedCols (and countKey.vals)
	mask  uint32 // column.bit of cols
	// index is the columns of an index on the table, if any.
	index []string
}

// rollups are the rollup tables, smallest first; the last one has every
// counted column.
var rollups []*rollup

// initRollups fills rollups; the columns' names must be set.
func initRollups() {
	host, agent := columnIndex[event.FieldHostname], columnIndex[event.FieldAgent]
	var nohost []int
	for _, i := range countedCols {
		if i != host && i != agent {
			nohost = append(nohost, i)
		}
	}
	rollups = []*rollup{
		{table: "minute_totals"},
		{table: "minute_counts_nohost", cols: nohost},
		{table: "minute_counts", cols: countedCols, index: []string{columns[host].name, "minute"}},
	}
	for _, r := range rollups {
		for _, i := range r.cols {
			r.mask |= columns[i].bit
			r.proj = append(r.proj, slices.Index(countedCols, i))
		}
	}
}

// nanosPerMinute is the width of a rollup bucket.
const nanosPerMinute = int64(time.Minute)

// minuteOf returns the start of the minute of ts.
func minuteOf(ts int64) int64 {
	r := ts % nanosPerMinute
	if r < 0 {
		r += nanosPerMinute
	}
	return ts - r
}

// minuteSQL is minuteOf in SQL, of the column ts.
var minuteSQL = fmt.Sprintf("ts - ((ts %% %[1]d) + %[1]d) %% %[1]d", nanosPerMinute)

func (r *rollup) names() []string {
	names := make([]string, len(r.cols))
	for j, i := range r.cols {
		names[j] = columns[i].name
	}
	return names
}

// countsSchema creates the rollup tables (part of the events schema).
func countsSchema() string {
	var b strings.Builder
	for _, r := range rollups {
		if len(r.cols) == 0 {
			fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (minute INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n", r.table)
			continue
		}
		defs := []string{"minute INTEGER NOT NULL", "key INTEGER NOT NULL", "n INTEGER NOT NULL"}
		for _, i := range r.cols {
			defs = append(defs, columns[i].name+" "+columns[i].sqlType())
		}
		defs = append(defs, "PRIMARY KEY (minute, key)")
		fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (\n\t%s\n) WITHOUT ROWID;\n", r.table, strings.Join(defs, ",\n\t"))
		if r.index != nil {
			fmt.Fprintf(&b, "CREATE INDEX IF NOT EXISTS %s_%s ON %s(%s);\n", r.table, r.index[0], r.table, strings.Join(r.index, ", "))
		}
	}
	return b.String()
}

// countKey is a row of the finest rollup table: a minute and the values
// of the counted columns, as bound to the events columns: strings, int64,
// float64 (not NaN, see columnValue) or nil, all comparable.
type countKey struct {
	minute int64
	vals   [numCounted]driver.Value
}

// hash returns the key of the first n values of k: FNV-1a of their types
// and bytes.
func (k *countKey) hash(n int) int64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	byte8 := func(tag byte, v uint64) {
		h = (h ^ uint64(tag)) * prime
		for range 8 {
			h = (h ^ (v & 0xff)) * prime
			v >>= 8
		}
	}
	for _, v := range k.vals[:n] {
		switch v := v.(type) {
		case nil:
			h *= prime // a zero byte
		case int64:
			byte8(1, uint64(v))
		case float64:
			byte8(2, math.Float64bits(v))
		case string:
			byte8(3, uint64(len(v)))
			for i := 0; i < len(v); i++ {
				h = (h ^ uint64(v[i])) * prime
			}
		default:
			// Not bound by columnValue; any key will do.
			byte8(4, 0)
		}
	}
	return int64(h)
}

// countHash is countKey.hash; tests replace it to make keys collide.
var countHash = (*countKey).hash

// upsertRows is how many rows one upsert statement adds: with one
// statement per row, BenchmarkWriteVaried cost 0.9 µs more CPU per event.
const upsertRows = 32

// counter aggregates the new rows of a transaction and adds them to the
// rollup tables before the commit. It belongs to a writer.
type counter struct {
	path string
	rows map[countKey]int64 // of the finest rollup
	// Per rollup: the upsert of upsertRows rows, of one row, and the
	// query that tells whether a row is in the table.
	many, one, find []driver.Stmt
	args            []driver.NamedValue
	ups             []countUpsert
	// coarse is scratch for the coarser rollups' rows, reused per flush.
	coarse map[countKey]int64
}

func newCounter(c *conn) (*counter, error) {
	ct := &counter{path: c.path, rows: map[countKey]int64{}, args: make([]driver.NamedValue, upsertRows*(3+numCounted))}
	for i := range ct.args {
		ct.args[i].Ordinal = i + 1
	}
	for _, r := range rollups {
		for _, p := range []struct {
			dst *[]driver.Stmt
			sql string
		}{{&ct.many, r.upsertSQL(upsertRows)}, {&ct.one, r.upsertSQL(1)}, {&ct.find, r.hasSQL()}} {
			st, err := c.c.Prepare(p.sql)
			if err != nil {
				ct.close()
				return nil, fmt.Errorf("prepare statement on %s: %w", c.path, err)
			}
			*p.dst = append(*p.dst, st)
		}
	}
	return ct, nil
}

// width is the number of values bound per row of r: minute, key, n and
// the values of r.cols.
func (r *rollup) width() int { return 3 + len(r.cols) }

// upsertSQL adds events to k rows of r, each bound as the minute, the
// key, the number of events and the values of r.cols. A row is updated
// only if it holds the same values (IS compares the values after the
// columns' type conversions, as stored); otherwise nothing changes.
func (r *rollup) upsertSQL(k int) string {
	names := r.names()
	row := "(?" + strings.Repeat(", ?", r.width()-1) + ")"
	if len(r.cols) == 0 {
		row = "(?, ?, ?)" // the key is bound and left out
	}
	rows := row + strings.Repeat(", "+row, k-1)
	if len(r.cols) == 0 {
		return "INSERT INTO " + r.table + " (minute, n) SELECT column1, column3 FROM (VALUES " + rows + ") WHERE true" +
			" ON CONFLICT (minute) DO UPDATE SET n = n + excluded.n"
	}
	same := make([]string, len(names))
	for j, name := range names {
		same[j] = name + " IS excluded." + name
	}
	return "INSERT INTO " + r.table + " (minute, key, n, " + strings.Join(names, ", ") + ") VALUES " + rows +
		" ON CONFLICT (minute, key) DO UPDATE SET n = n + excluded.n WHERE " + strings.Join(same, " AND ")
}

// hasSQL counts the rows of r at a minute and key with the given values
// (bound as for upsertSQL, n ignored): 1 if the row is there, else 0.
func (r *rollup) hasSQL() string {
	q := "SELECT count(*) FROM " + r.table + " WHERE minute = ?1 AND ?2 = ?2 AND ?3 = ?3"
	if len(r.cols) > 0 {
		q = "SELECT count(*) FROM " + r.table + " WHERE minute = ?1 AND key = ?2 AND ?3 = ?3"
		for j, name := range r.names() {
			q += fmt.Sprintf(" AND %s IS ?%d", name, j+4)
		}
	}
	return q
}

// add counts an inserted events row.
func (ct *counter) add(r *row) {
	k := countKey{minute: minuteOf(r.vals[1].(int64))}
	for j, i := range countedCols {
		k.vals[j] = r.vals[2+i]
	}
	ct.rows[k]++
}

// remove uncounts a row that the transaction deletes.
func (ct *counter) remove(r *row) {
	k := countKey{minute: minuteOf(r.vals[1].(int64))}
	for j, i := range countedCols {
		k.vals[j] = r.vals[2+i]
	}
	ct.rows[k]--
}

// reset forgets what was added since the last flush.
func (ct *counter) reset() { clear(ct.rows) }

// flush adds the aggregated rows to the rollup tables, the coarser ones
// summed from the finest; the events transaction is open.
func (ct *counter) flush() error {
	finest := len(rollups) - 1
	for n, r := range rollups {
		rows := ct.rows
		if n != finest {
			if ct.coarse == nil {
				ct.coarse = map[countKey]int64{}
			}
			clear(ct.coarse)
			rows = ct.coarse
			for k, c := range ct.rows {
				p := countKey{minute: k.minute}
				for j, i := range r.proj {
					p.vals[j] = k.vals[i]
				}
				rows[p] += c
			}
		}
		// In key order: the B-tree is then written page after page.
		ups := ct.ups[:0]
		for k, c := range rows {
			if c == 0 {
				continue // a replaced event counted as before
			}
			ups = append(ups, countUpsert{k: k, key: countHash(&k, len(r.cols)), n: c})
		}
		slices.SortFunc(ups, func(a, b countUpsert) int {
			return cmp.Or(cmp.Compare(a.k.minute, b.k.minute), cmp.Compare(a.key, b.key))
		})
		if err := ct.upsertAll(n, ups); err != nil {
			return err
		}
		clear(ups)
		ct.ups = ups[:0]
	}
	for i := range ct.args {
		ct.args[i].Value = nil
	}
	ct.reset()
	return nil
}

// countUpsert is a row to add to a rollup table.
type countUpsert struct {
	k   countKey
	key int64
	n   int64
}

func (ct *counter) bind(r *rollup, args []driver.NamedValue, u *countUpsert, key int64) {
	args[0].Value = u.k.minute
	args[1].Value = key
	args[2].Value = u.n
	for j := range r.cols {
		args[3+j].Value = u.k.vals[j]
	}
}

// upsertAll adds ups, sorted by minute and key, to rollup n: upsertRows
// at a time, each at its key. When a statement changes fewer rows than it
// has, some keys held other values (two combinations with the same hash):
// those rows are added one by one at the keys after theirs.
func (ct *counter) upsertAll(n int, ups []countUpsert) error {
	r := rollups[n]
	w := r.width()
	for len(ups) >= upsertRows {
		chunk := ups[:upsertRows]
		ups = ups[upsertRows:]
		distinct := true
		for i := 1; i < len(chunk); i++ {
			if chunk[i].k.minute == chunk[i-1].k.minute && chunk[i].key == chunk[i-1].key {
				distinct = false
			}
		}
		if !distinct {
			// Two rows at one key: the second would be left out.
			for i := range chunk {
				if err := ct.upsert(n, &chunk[i]); err != nil {
					return err
				}
			}
			continue
		}
		args := ct.args[:upsertRows*w]
		for i := range chunk {
			ct.bind(r, args[i*w:(i+1)*w], &chunk[i], chunk[i].key)
		}
		res, err := ct.many[n].(driver.StmtExecContext).ExecContext(context.Background(), args)
		if err != nil {
			return fmt.Errorf("update %s of %s: %w", r.table, ct.path, err)
		}
		if changed, _ := res.RowsAffected(); changed == upsertRows {
			continue
		}
		for i := range chunk {
			ok, err := ct.has(n, &chunk[i])
			if err != nil {
				return err
			}
			if !ok {
				chunk[i].key++
				if err := ct.upsert(n, &chunk[i]); err != nil {
					return err
				}
			}
		}
	}
	for i := range ups {
		if err := ct.upsert(n, &ups[i]); err != nil {
			return err
		}
	}
	return nil
}

// has reports whether rollup n has u's row at u.key.
func (ct *counter) has(n int, u *countUpsert) (bool, error) {
	r := rollups[n]
	args := ct.args[:r.width()]
	ct.bind(r, args, u, u.key)
	rows, err := ct.find[n].(driver.StmtQueryContext).QueryContext(context.Background(), args)
	if err != nil {
		return false, fmt.Errorf("read %s of %s: %w", r.table, ct.path, err)
	}
	defer rows.Close()
	vals := make([]driver.Value, 1)
	if err := rows.Next(vals); err != nil {
		return false, fmt.Errorf("read %s of %s: %w", r.table, ct.path, err)
	}
	return vals[0] == int64(1), nil
}

// upsert adds u.n events to the row of u.k in rollup n: at u.key, or at
// the first key after it that is free or holds the same values.
func (ct *counter) upsert(n int, u *countUpsert) error {
	r := rollups[n]
	args := ct.args[:r.width()]
	stmt := ct.one[n].(driver.StmtExecContext)
	for key := u.key; ; key++ {
		ct.bind(r, args, u, key)
		res, err := stmt.ExecContext(context.Background(), args)
		if err != nil {
			return fmt.Errorf("update %s of %s: %w", r.table, ct.path, err)
		}
		if changed, _ := res.RowsAffected(); changed > 0 {
			return nil
		}
		// Another combination has this key.
	}
}

func (ct *counter) close() {
	for _, st := range slices.Concat(ct.many, ct.one, ct.find) {
		_ = st.Close()
	}
}

// countSQL returns the statement that counts the matches of p in part
// with a rollup table: the sum of n over its rows for the whole minutes of
// the range, plus a count of the events in the partial minutes at its
// ends (through the ts index), in one statement so that all parts read
// the same snapshot. ok is false when the range holds no whole minute of
// the day. p.wCounts is set.
func (p *plan) countSQL(part partition) (q string, args []any, ok bool) {
	dayStart := part.day * nanosPerDay
	dayEnd := dayStart + nanosPerDay
	lo, hi := max(p.from, dayStart), min(p.to, dayEnd)
	first, last := minuteOf(lo), minuteOf(hi) // whole minutes: [first, last)
	if first < lo {
		first += nanosPerMinute
	}
	if first >= last {
		return "", nil, false
	}
	var r *rollup
	for _, r = range rollups {
		if p.wCounts.cols&^r.mask == 0 {
			break
		}
	}
	var b strings.Builder
	b.WriteString("SELECT (SELECT coalesce(sum(n), 0) FROM " + r.table + " WHERE ")
	b.WriteString(p.wCounts.sql)
	args = append(args, p.wCounts.args...)
	if first > dayStart {
		b.WriteString(" AND minute >= ?")
		args = append(args, first)
	}
	if last < dayEnd {
		b.WriteString(" AND minute < ?")
		args = append(args, last)
	}
	b.WriteByte(')')
	edge := func(from, to int64) {
		b.WriteString(" + (SELECT count(*) FROM events WHERE ")
		b.WriteString(p.w.sql)
		b.WriteString(" AND ts >= ? AND ts < ?)")
		args = append(args, p.w.args...)
		args = append(args, from, to)
	}
	if lo < first {
		edge(lo, first)
	}
	if last < hi {
		edge(last, hi)
	}
	return b.String(), args, true
}
