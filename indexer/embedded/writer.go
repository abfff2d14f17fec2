package embedded

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer/embedded/rowpack"
)

const (
	// rowsPerInsert is how many rows one INSERT statement into events or
	// docs carries: with one statement per row most of the time goes to
	// per-statement overhead, while much larger statements gain nothing
	// more.
	rowsPerInsert = 50
	// rowsPerChunk is how many events are inserted before their messages
	// are handed to the full-text connection, which indexes them while the
	// next chunk is inserted. Its INSERT carries the whole chunk: every
	// statement on a virtual table opens a savepoint, and FTS5 writes its
	// pending entries out as a new segment at each one, so 50-row
	// statements made segments of 50 messages and most of FTS5's work
	// was merging them (cachegrind, 200k messages: 45.2k instructions per
	// message with 50-row statements, 27.8k with 1,000-row ones).
	rowsPerChunk = 1000
)

// writer owns the read-write connections to one day file and its
// full-text file. It is used by one goroutine at a time (Index.mu).
type writer struct {
	path    string
	ev, fts *conn
	ckpts   []*checkpointer
	ins     *batchStmt
	docIns  *batchStmt
	ftsIns  *batchStmt
	// counts aggregates the transaction's new rows for the rollup
	// tables.
	counts   *counter
	lastUsed time.Time
	// busy is set while a write uses it, doomed once it is forgotten and
	// to be closed when that write is over (both under Index.mu).
	busy, doomed bool
}

type ftsRow struct {
	rowid   int64
	message string
	doc     string
}

// ftsValues adds the values of rows[i] to a full-text insert.
func ftsValues(rows []ftsRow) func(int, *rowpack.Pack) error {
	return func(i int, p *rowpack.Pack) error {
		p.Int(rows[i].rowid)
		p.Text(rows[i].message)
		return nil
	}
}

// openWriter opens (creating if needed) the day file at path and its
// full-text file, and indexes any events a crash left out of the latter.
func openWriter(path string, cfg *Config, logger hclog.Logger) (_ *writer, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create directory for %s: %w", path, err)
	}
	w := &writer{path: path, lastUsed: time.Now()}
	defer func() {
		if err != nil {
			_ = w.close() // what was opened so far
		}
	}()
	// The full-text file comes first: searches find day files by their
	// events file, and a read connection attaches the full-text file when
	// it opens, so it must exist, schema included, by then.
	if w.fts, err = openConn(ftsPathOf(path), cfg); err != nil {
		return nil, err
	}
	if err = w.fts.migrate(ftsMigrations()); err != nil {
		if strings.Contains(err.Error(), "no such module: fts5") {
			err = fmt.Errorf("%w (this binary was built without the sqlite_fts5 build tag)", err)
		}
		return nil, err
	}
	if w.ev, err = openConn(path, cfg); err != nil {
		return nil, err
	}
	if err = w.ev.migrate(eventsMigrations()); err != nil {
		return nil, err
	}
	if w.ins, err = w.ev.prepareBatch(eventsInsertHead(), numCols, rowsPerInsert); err != nil {
		return nil, err
	}
	if w.docIns, err = w.ev.prepareBatch("INSERT INTO docs (rowid, doc) ", 2, rowsPerInsert); err != nil {
		return nil, err
	}
	if w.ftsIns, err = w.fts.prepareBatch("INSERT INTO fts (rowid, message) ", 2, rowsPerChunk); err != nil {
		return nil, err
	}
	if w.counts, err = newCounter(w.ev); err != nil {
		return nil, err
	}
	if err = w.catchUp(logger); err != nil {
		return nil, err
	}
	for _, c := range []*conn{w.fts, w.ev} {
		cp, err := startCheckpointer(c.path, cfg)
		if err != nil {
			return nil, err
		}
		w.ckpts = append(w.ckpts, cp)
	}
	return w, nil
}

// catchUp makes the full-text file cover exactly the committed events. The
// events commit comes first, so a crash in between leaves events without
// full-text entries: they are indexed now. A power failure can in theory
// keep the full-text commit and lose the events one (the files sync
// separately); stale entries would then point at rowids that new events
// reuse, so the full-text index is rebuilt from the documents.
func (w *writer) catchUp(logger hclog.Logger) error {
	var through, maxRowid int64
	if err := w.fts.queryInt("SELECT through FROM fts_state WHERE id = 1", &through); err != nil {
		return err
	}
	if err := w.ev.queryInt("SELECT max(rowid) FROM events", &maxRowid); err != nil {
		return err
	}
	if through == maxRowid {
		return nil
	}
	logger.Warn("full-text index does not match the events, repairing it",
		"file", w.fts.path, "indexed_through", through, "last_event", maxRowid)
	if through > maxRowid {
		if err := w.fts.exec("BEGIN IMMEDIATE; INSERT INTO fts(fts) VALUES('delete-all'); UPDATE fts_state SET through = 0; COMMIT"); err != nil {
			_ = w.fts.rollback()
			return fmt.Errorf("reset full-text index %s: %w", w.fts.path, err)
		}
		through = 0
	}
	// In batches, one transaction each: a whole day of events (a deleted
	// full-text file is rebuilt this way) need not fit in memory.
	const batchSize = 10_000
	for through < maxRowid {
		batch, err := w.unindexed(through, batchSize)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		through = batch[len(batch)-1].rowid
		if err := w.fts.exec("BEGIN IMMEDIATE"); err != nil {
			return fmt.Errorf("begin on %s: %w", w.fts.path, err)
		}
		if err := w.indexFTS(batch, through); err != nil {
			_ = w.fts.rollback()
			return err
		}
		if err := w.fts.exec("COMMIT"); err != nil {
			_ = w.fts.rollback()
			return fmt.Errorf("commit %s: %w", w.fts.path, err)
		}
	}
	logger.Info("full-text index repaired", "file", w.fts.path, "indexed_through", through)
	return nil
}

// unindexed reads the messages of up to limit events after rowid after.
func (w *writer) unindexed(after int64, limit int) ([]ftsRow, error) {
	rows, err := w.ev.c.QueryContext(context.Background(),
		"SELECT rowid, doc ->> '$.message' FROM docs WHERE rowid > ? ORDER BY rowid LIMIT ?",
		[]driver.NamedValue{{Ordinal: 1, Value: after}, {Ordinal: 2, Value: int64(limit)}})
	if err != nil {
		return nil, fmt.Errorf("read unindexed events of %s: %w", w.path, err)
	}
	defer rows.Close()
	var batch []ftsRow
	vals := make([]driver.Value, 2)
	for {
		if err := rows.Next(vals); err != nil {
			if err == io.EOF {
				return batch, nil
			}
			return nil, fmt.Errorf("read unindexed events of %s: %w", w.path, err)
		}
		r := ftsRow{rowid: vals[0].(int64)}
		switch m := vals[1].(type) {
		case string:
			r.message = m
		case []byte:
			r.message = string(m)
		default:
			r.message = ""
		}
		batch = append(batch, r)
	}
}

// indexFTS inserts full-text entries and records through; the full-text
// transaction is open.
func (w *writer) indexFTS(rows []ftsRow, through int64) error {
	_, err := w.ftsIns.run(len(rows), ftsValues(rows))
	if err != nil {
		return fmt.Errorf("index messages in %s: %w", w.fts.path, err)
	}
	return w.indexFTSState(through)
}

// write inserts rows in one transaction per file and returns how many
// were new. Rows whose id is already in the file are skipped, and so is
// their full-text entry: a re-sent batch adds nothing.
//
// The events connection inserts chunk after chunk and passes the new
// rows' messages to a goroutine that indexes them on the full-text
// connection at the same time, so the two halves of the work use two
// cores. The events commit comes first; the full-text one follows only if
// it succeeded.
//
// With replace, the ids of the rows (every one of them) whose stored
// events they overwrite: see displace. The full-text commit then comes
// first, so that a crash between the two commits leaves the full-text
// file ahead of the events (catchUp rebuilds it) rather than holding the
// new rows' entries without the old ones' deletions undone.
func (w *writer) write(ctx context.Context, rows <-chan []row, replace []string) (inserted int, err error) {
	w.counts.reset() // what a failed transaction left
	if err := w.ev.exec("BEGIN IMMEDIATE"); err != nil {
		return 0, fmt.Errorf("begin on %s: %w", w.ev.path, err)
	}
	if err := w.fts.exec("BEGIN IMMEDIATE"); err != nil {
		_ = w.ev.rollback()
		return 0, fmt.Errorf("begin on %s: %w", w.fts.path, err)
	}
	var displaced []int64
	if len(replace) > 0 {
		if displaced, err = w.displace(replace); err != nil {
			return 0, errors.Join(err, w.ev.rollback(), w.fts.rollback())
		}
	}

	chunks := make(chan []ftsRow, 4)
	commit := make(chan bool, 1)
	ftsDone := make(chan error, 1)
	var through int64
	go func() {
		var err error
		for c := range chunks {
			if err != nil {
				continue // drain, so that the events side never blocks
			}
			_, err = w.ftsIns.run(len(c), ftsValues(c))
			if err != nil {
				err = fmt.Errorf("index messages in %s: %w", w.fts.path, err)
			}
		}
		// Commit only once the events are committed; roll back when
		// they were not, or when indexing failed.
		if <-commit && err == nil {
			if err = w.indexFTSState(through); err == nil {
				if err = w.fts.exec("COMMIT"); err != nil {
					err = fmt.Errorf("commit %s: %w", w.fts.path, err)
				}
			}
			if err != nil {
				err = errors.Join(err, w.fts.rollback())
			}
		} else if rbErr := w.fts.rollback(); rbErr != nil {
			err = errors.Join(err, rbErr)
		}
		ftsDone <- err
	}()

	n, evErr := w.insertEvents(ctx, rows, chunks, &through)
	close(chunks)
	if evErr == nil && len(displaced) > 0 {
		evErr = w.dropDisplaced(displaced)
	}
	var ftsErr error
	if replace != nil {
		commit <- evErr == nil
		if ftsErr = <-ftsDone; ftsErr != nil && evErr == nil {
			// The old entries are still there: the events must
			// not change either.
			evErr = ftsErr
		}
	}
	if evErr == nil {
		if err := w.ev.exec("COMMIT"); err != nil {
			evErr = fmt.Errorf("commit %s: %w", w.ev.path, err)
		}
	}
	if evErr != nil {
		evErr = errors.Join(evErr, w.ev.rollback())
	}
	if replace == nil {
		commit <- evErr == nil
		ftsErr = <-ftsDone
	}
	if evErr != nil {
		return 0, evErr
	}
	for _, cp := range w.ckpts {
		cp.kickIfNeeded()
	}
	if ftsErr != nil {
		// The events are stored; the full-text entries are indexed again
		// when the file is reopened (catchUp).
		return 0, ftsErr
	}
	return n, nil
}

// indexFTSState records how far the full-text file goes.
func (w *writer) indexFTSState(through int64) error {
	_, err := w.fts.c.ExecContext(context.Background(), "UPDATE fts_state SET through = max(through, ?) WHERE id = 1",
		[]driver.NamedValue{{Ordinal: 1, Value: through}})
	if err != nil {
		return fmt.Errorf("record indexed rows in %s: %w", w.fts.path, err)
	}
	return nil
}

// insertEvents inserts the chunks of rows, sends each chunk's new rows to
// chunks and counts them in the rollup tables. *through ends as the
// largest rowid in the table.
func (w *writer) insertEvents(ctx context.Context, rows <-chan []row, chunks chan<- []ftsRow, through *int64) (int, error) {
	var last int64
	if err := w.ev.queryInt("SELECT max(rowid) FROM events", &last); err != nil {
		return 0, err
	}
	total := 0
	for chunk := range rows {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		changes, err := w.ins.run(len(chunk), func(i int, p *rowpack.Pack) error {
			return chunk[i].pack(p)
		})
		if err != nil {
			return 0, fmt.Errorf("insert events into %s: %w", w.ev.path, err)
		}
		// New rows get the rowids after the largest one: when every row
		// was new they are last+1, last+2, … in order; otherwise ask
		// which ids the new rowids hold.
		var fts []ftsRow
		switch {
		case changes == int64(len(chunk)):
			fts = make([]ftsRow, len(chunk))
			for i := range chunk {
				fts[i] = ftsRow{rowid: last + 1 + int64(i), message: chunk[i].message, doc: chunk[i].doc}
				w.counts.add(&chunk[i])
			}
		case changes > 0:
			if fts, err = w.newRows(chunk, last); err != nil {
				return 0, err
			}
		}
		if len(fts) > 0 {
			if _, err := w.docIns.run(len(fts), func(i int, p *rowpack.Pack) error {
				p.Int(fts[i].rowid)
				p.Text(fts[i].doc)
				return nil
			}); err != nil {
				return 0, fmt.Errorf("insert documents into %s: %w", w.ev.path, err)
			}
			last = fts[len(fts)-1].rowid
			chunks <- fts
		}
		total += int(changes)
	}
	if err := w.counts.flush(); err != nil {
		return 0, err
	}
	*through = last
	return total, nil
}

// displace prepares the replacement of the stored events with the given
// ids, in the open transactions: it deletes their full-text entries,
// takes them out of the rollup counts, and renames their ids out of the
// way (a NUL byte before them), so that the new rows insert as new ones,
// after every existing rowid. It returns the rowids of the displaced
// rows, which dropDisplaced deletes once the new rows are in: the new
// rowids thus stay above every old one, and a full-text file that
// committed without its events is ahead of them, which catchUp detects.
func (w *writer) displace(ids []string) ([]int64, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("SELECT events.rowid, ts, docs.doc ->> '$.message'")
	for _, i := range countedCols {
		b.WriteString(", " + columns[i].name)
	}
	b.WriteString(" FROM events JOIN docs ON docs.rowid = events.rowid WHERE id IN (SELECT value FROM json_each(?))")
	rs, err := w.ev.c.QueryContext(context.Background(), b.String(), []driver.NamedValue{{Ordinal: 1, Value: string(list)}})
	if err != nil {
		return nil, fmt.Errorf("read replaced events of %s: %w", w.path, err)
	}
	var old []ftsRow
	vals := make([]driver.Value, 3+numCounted)
	for {
		err := rs.Next(vals)
		if err == io.EOF {
			break
		}
		if err != nil {
			rs.Close()
			return nil, fmt.Errorf("read replaced events of %s: %w", w.path, err)
		}
		var r row
		r.vals[1] = vals[1]
		for j, i := range countedCols {
			v := vals[3+j]
			if b, ok := v.([]byte); ok {
				v = string(b) // map keys must be comparable
			}
			r.vals[2+i] = v
		}
		// Counted with the values as stored, which may hash to
		// another key than the one they were added at (a number sent
		// as a string): the -1 then gets a row of its own with the
		// same values, and sums stay right (see rollup).
		w.counts.remove(&r)
		f := ftsRow{rowid: vals[0].(int64)}
		switch m := vals[2].(type) {
		case string:
			f.message = m
		case []byte:
			f.message = string(m)
		}
		old = append(old, f)
	}
	rs.Close()
	if len(old) == 0 {
		return nil, nil
	}
	// A contentless FTS5 table forgets an entry when given the text it
	// indexed (see storedMessage).
	del, err := w.fts.c.Prepare("INSERT INTO fts(fts, rowid, message) VALUES('delete', ?, ?)")
	if err != nil {
		return nil, fmt.Errorf("prepare statement on %s: %w", w.fts.path, err)
	}
	defer del.Close()
	for _, f := range old {
		if _, err := del.(driver.StmtExecContext).ExecContext(context.Background(),
			[]driver.NamedValue{{Ordinal: 1, Value: f.rowid}, {Ordinal: 2, Value: f.message}}); err != nil {
			return nil, fmt.Errorf("delete replaced messages from %s: %w", w.fts.path, err)
		}
	}
	if _, err := w.ev.c.ExecContext(context.Background(), "UPDATE events SET id = char(0) || id WHERE id IN (SELECT value FROM json_each(?))",
		[]driver.NamedValue{{Ordinal: 1, Value: string(list)}}); err != nil {
		return nil, fmt.Errorf("set replaced events aside in %s: %w", w.path, err)
	}
	rowids := make([]int64, len(old))
	for i, f := range old {
		rowids[i] = f.rowid
	}
	return rowids, nil
}

// dropDisplaced deletes the rows that displace set aside.
func (w *writer) dropDisplaced(rowids []int64) error {
	list, err := json.Marshal(rowids)
	if err != nil {
		return err
	}
	for _, table := range []string{"events", "docs"} {
		if _, err := w.ev.c.ExecContext(context.Background(), "DELETE FROM "+table+" WHERE rowid IN (SELECT value FROM json_each(?))",
			[]driver.NamedValue{{Ordinal: 1, Value: string(list)}}); err != nil {
			return fmt.Errorf("delete replaced events from %s: %w", w.path, err)
		}
	}
	return nil
}

// newRows returns the (rowid, message) of the rows after rowid last, which
// this transaction added from chunk.
func (w *writer) newRows(chunk []row, last int64) ([]ftsRow, error) {
	byID := make(map[string]int, len(chunk))
	for i := range chunk {
		if _, ok := byID[chunk[i].id]; !ok {
			byID[chunk[i].id] = i
		}
	}
	rs, err := w.ev.c.QueryContext(context.Background(), "SELECT rowid, id FROM events WHERE rowid > ? ORDER BY rowid",
		[]driver.NamedValue{{Ordinal: 1, Value: last}})
	if err != nil {
		return nil, fmt.Errorf("list new rows of %s: %w", w.ev.path, err)
	}
	defer rs.Close()
	var out []ftsRow
	vals := make([]driver.Value, 2)
	for {
		if err := rs.Next(vals); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, fmt.Errorf("list new rows of %s: %w", w.ev.path, err)
		}
		rowid, _ := vals[0].(int64)
		var id string
		switch v := vals[1].(type) {
		case string:
			id = v
		case []byte:
			id = string(v)
		}
		i := byID[id]
		out = append(out, ftsRow{rowid: rowid, message: chunk[i].message, doc: chunk[i].doc})
		w.counts.add(&chunk[i])
	}
}

// close finalizes the statements and closes both connections; SQLite then
// checkpoints each WAL into its database file.
func (w *writer) close() error {
	var errs []error
	for _, cp := range w.ckpts {
		if err := cp.close(); err != nil {
			errs = append(errs, err)
		}
	}
	for _, b := range []*batchStmt{w.ins, w.docIns, w.ftsIns} {
		if b != nil {
			b.close()
		}
	}
	if w.counts != nil {
		w.counts.close()
	}
	for _, c := range []*conn{w.ev, w.fts} {
		if c != nil {
			if err := c.truncateWAL(); err != nil {
				errs = append(errs, err)
			}
			if err := c.c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close %s: %w", c.path, err))
			}
		}
	}
	return errors.Join(errs...)
}
