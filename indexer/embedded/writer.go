package embedded

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mattn/go-sqlite3"

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

// ftsSuffix names the full-text file of a day file: 2026-01-10.fts.db.
const ftsSuffix = ".fts.db"

// ftsPathOf returns the full-text file of the day file path.
func ftsPathOf(path string) string {
	return strings.TrimSuffix(path, fileExt) + ftsSuffix
}

// conn is one SQLite connection used through the driver directly: it skips
// database/sql's per-argument conversions and per-call bookkeeping, which
// matter at hundreds of thousands of rows per second.
type conn struct {
	path string
	c    *sqlite3.SQLiteConn
}

// sqliteURI returns a file: URI for path with the given query parameters.
// The path is percent-encoded where URIs need it: organization directory
// names may contain '%'.
func sqliteURI(path, params string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path) + "?" + params
}

// openConn opens path read-write, creating it, in WAL mode with cfg's
// tuning.
func openConn(path string, cfg *Config) (*conn, error) {
	if err := rowpack.Register(); err != nil {
		return nil, err
	}
	c, err := (&sqlite3.SQLiteDriver{}).Open(sqliteURI(path, "_busy_timeout=10000"))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	cn := &conn{path: path, c: c.(*sqlite3.SQLiteConn)}
	sync := "NORMAL"
	if cfg.SyncFull {
		sync = "FULL"
	}
	// page_size only takes effect before the first table exists and
	// before the switch to WAL, so it comes first. synchronous=NORMAL in
	// WAL mode syncs at checkpoints only: a commit survives a crash of the
	// process, not necessarily of the machine. wal_autocheckpoint is off:
	// a checkpointer goroutine copies the WAL back into the database, so
	// that commits never wait for it.
	pragmas := []string{
		fmt.Sprintf("PRAGMA page_size = %d", cfg.PageSize),
		"PRAGMA journal_mode = WAL",
		"PRAGMA synchronous = " + sync,
		fmt.Sprintf("PRAGMA cache_size = %d", -cfg.CacheSizeKiB),
		"PRAGMA wal_autocheckpoint = 0",
		fmt.Sprintf("PRAGMA journal_size_limit = %d", cfg.JournalSizeLimit),
		"PRAGMA temp_store = MEMORY",
	}
	for _, p := range pragmas {
		if err := cn.exec(p); err != nil {
			_ = cn.c.Close()
			return nil, fmt.Errorf("open %s: %s: %w", path, p, err)
		}
	}
	return cn, nil
}

// exec runs SQL without arguments. Statements run with
// context.Background(): with a cancellable context the driver starts a
// goroutine per statement. Callers check their context between statements.
func (c *conn) exec(query string) error {
	_, err := c.c.ExecContext(context.Background(), query, nil)
	return err
}

// migrate brings the file's schema to version len(steps): it runs, in one
// transaction, the steps after the version in user_version (steps[0]
// makes version 1 from an empty file). A file of a newer version than
// steps know is refused rather than written with the wrong schema.
func (c *conn) migrate(steps []string) error {
	var version int64
	if err := c.queryInt("PRAGMA user_version", &version); err != nil {
		return err
	}
	latest := int64(len(steps))
	if version > latest {
		return fmt.Errorf("%s: schema version %d is newer than this Sluice knows (%d)", c.path, version, latest)
	}
	if version == latest {
		return nil
	}
	err := c.exec("BEGIN IMMEDIATE")
	for _, sql := range steps[version:] {
		if err == nil {
			err = c.exec(sql)
		}
	}
	if err == nil {
		err = c.exec(fmt.Sprintf("PRAGMA user_version = %d; COMMIT", latest))
	}
	if err != nil {
		_ = c.rollback()
		return fmt.Errorf("migrate %s from schema version %d to %d: %w", c.path, version, latest, err)
	}
	return nil
}

// queryInt reads one integer (NULL reads as 0).
func (c *conn) queryInt(query string, dst *int64) error {
	rows, err := c.c.QueryContext(context.Background(), query, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", query, err)
	}
	defer rows.Close()
	vals := make([]driver.Value, 1)
	if err := rows.Next(vals); err != nil {
		return fmt.Errorf("%s: %w", query, err)
	}
	switch v := vals[0].(type) {
	case int64:
		*dst = v
	case nil:
		*dst = 0
	default:
		return fmt.Errorf("%s: unexpected %T", query, v)
	}
	return nil
}

// rollback ends a transaction that failed; "no transaction is active"
// (SQLite already rolled back) is not an error.
func (c *conn) rollback() error {
	if err := c.exec("ROLLBACK"); err != nil && !strings.Contains(err.Error(), "no transaction") {
		return fmt.Errorf("rollback %s: %w", c.path, err)
	}
	return nil
}

// batchStmt is a multi-row INSERT prepared for a ladder of row counts:
// n rows go in as few statements as the ladder allows (a chunk of
// rowsPerChunk in one). Each statement takes its rows' values in one pack
// (see rowpack), bound as one blob: one cgo call per statement instead of
// one per value.
type batchStmt struct {
	conn   *conn
	head   string
	perRow int
	sizes  []int // descending, ending with 1
	stmts  map[int]driver.StmtExecContext
	all    []driver.Stmt
	pack   rowpack.Pack
	args   []driver.NamedValue
}

// prepareBatch prepares head (an INSERT up to its VALUES) for rows of
// perRow values, at most most rows per statement. Statements for smaller
// counts are prepared when first needed.
func (c *conn) prepareBatch(head string, perRow, most int) (*batchStmt, error) {
	b := &batchStmt{conn: c, head: head, perRow: perRow, stmts: map[int]driver.StmtExecContext{}, args: []driver.NamedValue{{Ordinal: 1}}}
	for n := most; n > 1; n /= 4 {
		b.sizes = append(b.sizes, n)
	}
	b.sizes = append(b.sizes, 1)
	if _, err := b.stmt(most); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *batchStmt) stmt(n int) (driver.StmtExecContext, error) {
	if s, ok := b.stmts[n]; ok {
		return s, nil
	}
	s, err := b.conn.c.Prepare(b.head + rowpack.ValuesSQL(n, b.perRow, "?1"))
	if err != nil {
		return nil, fmt.Errorf("prepare statement on %s: %w", b.conn.path, err)
	}
	b.all = append(b.all, s)
	b.stmts[n] = s.(driver.StmtExecContext)
	return b.stmts[n], nil
}

// run inserts n rows, calling fill for each to add its perRow values to
// the pack, and returns the number of rows SQLite actually inserted.
func (b *batchStmt) run(n int, fill func(i int, p *rowpack.Pack) error) (int64, error) {
	var changes int64
	for i := 0; i < n; {
		k := b.sizes[len(b.sizes)-1]
		for _, size := range b.sizes {
			if size <= n-i {
				k = size
				break
			}
		}
		stmt, err := b.stmt(k)
		if err != nil {
			return changes, err
		}
		b.pack.Reset(k, b.perRow)
		for j := range k {
			if err := fill(i+j, &b.pack); err != nil {
				return changes, err
			}
		}
		b.args[0].Value = b.pack.Bytes()
		res, err := stmt.ExecContext(context.Background(), b.args)
		b.args[0].Value = nil
		if err != nil {
			return changes, err
		}
		c, _ := res.RowsAffected()
		changes += c
		i += k
	}
	return changes, nil
}

func (b *batchStmt) close() {
	for _, s := range b.all {
		_ = s.Close()
	}
}

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
func (w *writer) write(ctx context.Context, rows <-chan []row) (inserted int, err error) {
	w.lastUsed = time.Now()
	if err := w.ev.exec("BEGIN IMMEDIATE"); err != nil {
		return 0, fmt.Errorf("begin on %s: %w", w.ev.path, err)
	}
	if err := w.fts.exec("BEGIN IMMEDIATE"); err != nil {
		_ = w.ev.rollback()
		return 0, fmt.Errorf("begin on %s: %w", w.fts.path, err)
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
	if evErr == nil {
		if err := w.ev.exec("COMMIT"); err != nil {
			evErr = fmt.Errorf("commit %s: %w", w.ev.path, err)
		}
	}
	if evErr != nil {
		evErr = errors.Join(evErr, w.ev.rollback())
	}
	commit <- evErr == nil
	ftsErr := <-ftsDone
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
	w.counts.reset() // what a failed transaction left
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
			if err := c.c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close %s: %w", c.path, err))
			}
		}
	}
	return errors.Join(errs...)
}

// checkpointer copies a file's WAL back into the database on its own
// connection and goroutine. Left to the writer (wal_autocheckpoint), the
// copy and its fsync ran inside every tenth commit or so and took a
// quarter of the ingest time; a PASSIVE checkpoint on another connection
// runs alongside the writer and never blocks it.
type checkpointer struct {
	path     string
	walPath  string
	limit    int64
	conn     *conn
	kick     chan struct{}
	done     chan struct{}
	lastErr  error
	failures int
}

func startCheckpointer(path string, cfg *Config) (*checkpointer, error) {
	c, err := openConn(path, cfg)
	if err != nil {
		return nil, err
	}
	cp := &checkpointer{
		path:    path,
		walPath: path + "-wal",
		limit:   int64(cfg.WALAutocheckpoint) * int64(cfg.PageSize),
		conn:    c,
		kick:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	go cp.run()
	return cp, nil
}

// kickIfNeeded starts a checkpoint when the WAL has grown past the limit.
// It never waits.
func (cp *checkpointer) kickIfNeeded() {
	fi, err := os.Stat(cp.walPath)
	if err != nil || fi.Size() < cp.limit {
		return
	}
	select {
	case cp.kick <- struct{}{}:
	default: // one is running or queued already
	}
}

func (cp *checkpointer) run() {
	defer close(cp.done)
	for range cp.kick {
		// PASSIVE copies what no reader still needs and never waits
		// for locks; the writer restarts the WAL from its beginning once
		// everything has been copied.
		if err := cp.conn.exec("PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			var serr sqlite3.Error
			if errors.As(err, &serr) && serr.Code == sqlite3.ErrBusy {
				continue // another checkpoint is running; the next kick retries
			}
			cp.lastErr = err
			cp.failures++
		}
	}
}

// close stops the goroutine and closes its connection.
func (cp *checkpointer) close() error {
	close(cp.kick)
	<-cp.done
	var errs []error
	if cp.lastErr != nil {
		errs = append(errs, fmt.Errorf("checkpoint %s failed %d times, last: %w", cp.path, cp.failures, cp.lastErr))
	}
	if err := cp.conn.c.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close %s: %w", cp.path, err))
	}
	return errors.Join(errs...)
}
