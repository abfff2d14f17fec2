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

	"github.com/mattn/go-sqlite3"
)

// rowsPerInsert is how many events one INSERT statement carries: one
// statement per row spends most of its time in per-statement overhead,
// while much larger statements gain nothing more.
const rowsPerInsert = 50

// writer owns the one read-write connection to a day file. It is used by
// one goroutine at a time (Index.mu).
type writer struct {
	path     string
	conn     *sqlite3.SQLiteConn
	insMany  driver.Stmt // insertSQL(rowsPerInsert)
	insOne   driver.Stmt // insertSQL(1)
	ftsMany  driver.Stmt
	ftsOne   driver.Stmt
	lastUsed time.Time

	args    []driver.NamedValue
	ftsArgs []driver.NamedValue
}

// sqliteURI returns a file: URI for path with the given query parameters.
// The path is percent-encoded where URIs need it: organization directory
// names may contain '%'.
func sqliteURI(path, params string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path) + "?" + params
}

// openWriter opens (creating if needed) the day file at path for writing.
func openWriter(path string, cfg *Config) (w *writer, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create directory for %s: %w", path, err)
	}
	drv := &sqlite3.SQLiteDriver{}
	c, err := drv.Open(sqliteURI(path, "_busy_timeout=10000"))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	conn := c.(*sqlite3.SQLiteConn)
	w = &writer{path: path, conn: conn, lastUsed: time.Now()}
	defer func() {
		if err != nil {
			_ = w.close()
			err = fmt.Errorf("open %s: %w", path, err)
		}
	}()

	sync := "NORMAL"
	if cfg.SyncFull {
		sync = "FULL"
	}
	// page_size only takes effect before the first table exists and
	// before the switch to WAL, so it comes first.
	pragmas := []string{
		fmt.Sprintf("PRAGMA page_size = %d", cfg.PageSize),
		"PRAGMA journal_mode = WAL",
		"PRAGMA synchronous = " + sync,
		fmt.Sprintf("PRAGMA cache_size = %d", -cfg.CacheSizeKiB),
		fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", cfg.WALAutocheckpoint),
		fmt.Sprintf("PRAGMA journal_size_limit = %d", cfg.JournalSizeLimit),
		"PRAGMA temp_store = MEMORY",
	}
	for _, p := range pragmas {
		if _, err := conn.ExecContext(context.Background(), p, nil); err != nil {
			return w, fmt.Errorf("%s: %w", p, err)
		}
	}
	var version int64
	if err := w.queryInt("PRAGMA user_version", &version); err != nil {
		return w, err
	}
	if version > schemaVersion {
		return w, fmt.Errorf("schema version %d is newer than this Sluice knows (%d)", version, schemaVersion)
	}
	if version < schemaVersion {
		if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE;\n"+schemaSQL()+fmt.Sprintf("PRAGMA user_version = %d;\nCOMMIT;", schemaVersion), nil); err != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK", nil)
			return w, fmt.Errorf("create schema: %w", err)
		}
	}
	for _, s := range []struct {
		dst *driver.Stmt
		sql string
	}{
		{&w.insMany, insertSQL(rowsPerInsert)},
		{&w.insOne, insertSQL(1)},
		{&w.ftsMany, ftsInsertSQL(rowsPerInsert)},
		{&w.ftsOne, ftsInsertSQL(1)},
	} {
		if *s.dst, err = conn.Prepare(s.sql); err != nil {
			return w, fmt.Errorf("prepare: %w", err)
		}
	}
	w.args = make([]driver.NamedValue, rowsPerInsert*numCols)
	for i := range w.args {
		w.args[i].Ordinal = i + 1
	}
	w.ftsArgs = make([]driver.NamedValue, rowsPerInsert*2)
	for i := range w.ftsArgs {
		w.ftsArgs[i].Ordinal = i + 1
	}
	return w, nil
}

func (w *writer) exec(query string) error {
	_, err := w.conn.ExecContext(context.Background(), query, nil)
	return err
}

func (w *writer) queryInt(query string, dst *int64) error {
	rows, err := w.conn.QueryContext(context.Background(), query, nil)
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

// write inserts rows in one transaction and returns how many were new.
// Rows whose id is already in the file are skipped, and so is their
// full-text entry: a re-sent batch adds nothing.
func (w *writer) write(ctx context.Context, rows []row) (inserted int, err error) {
	w.lastUsed = time.Now()
	if err := w.exec("BEGIN IMMEDIATE"); err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			if rbErr := w.exec("ROLLBACK"); rbErr != nil && !strings.Contains(rbErr.Error(), "no transaction") {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
		}
	}()
	var before int64
	if err := w.queryInt("SELECT max(rowid) FROM events", &before); err != nil {
		return 0, err
	}
	// Statements run with context.Background(): a cancellable context
	// makes the driver start a goroutine per statement. ctx is checked
	// between statements instead.
	bg := context.Background()
	var changes int64
	for i := 0; i < len(rows); {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		n, stmt := rowsPerInsert, w.insMany
		if len(rows)-i < rowsPerInsert {
			n, stmt = 1, w.insOne
		}
		args := w.args[:n*numCols]
		for j := range n {
			rows[i+j].bind(args[j*numCols : (j+1)*numCols])
		}
		res, err := stmt.(driver.StmtExecContext).ExecContext(bg, args)
		if err != nil {
			return 0, fmt.Errorf("insert events: %w", err)
		}
		c, _ := res.RowsAffected()
		changes += c
		i += n
	}
	clearValues(w.args) // drop references to this batch's strings

	// The rowids of new rows follow the largest rowid that existed before.
	// When every row was new they are before+1, before+2, … in order;
	// otherwise ask which ids the new rowids hold.
	var fts []ftsRow
	if changes == int64(len(rows)) {
		fts = make([]ftsRow, len(rows))
		for i := range rows {
			fts[i] = ftsRow{rowid: before + 1 + int64(i), message: rows[i].message}
		}
	} else if changes > 0 {
		if fts, err = w.newRows(rows, before); err != nil {
			return 0, err
		}
	}
	if expNoFTS {
		fts = nil
	}
	if err := w.writeFTS(ctx, fts); err != nil {
		return 0, err
	}
	if err := w.exec("COMMIT"); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return int(changes), nil
}

type ftsRow struct {
	rowid   int64
	message string
}

// newRows returns the (rowid, message) of the rows this transaction added.
func (w *writer) newRows(rows []row, before int64) ([]ftsRow, error) {
	msgs := make(map[string]string, len(rows))
	for i := range rows {
		if _, ok := msgs[rows[i].id]; !ok {
			msgs[rows[i].id] = rows[i].message
		}
	}
	rs, err := w.conn.QueryContext(context.Background(), "SELECT rowid, id FROM events WHERE rowid > ? ORDER BY rowid",
		[]driver.NamedValue{{Ordinal: 1, Value: before}})
	if err != nil {
		return nil, fmt.Errorf("list new rows: %w", err)
	}
	defer rs.Close()
	var out []ftsRow
	vals := make([]driver.Value, 2)
	for {
		if err := rs.Next(vals); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, fmt.Errorf("list new rows: %w", err)
		}
		rowid, _ := vals[0].(int64)
		var id string
		switch v := vals[1].(type) {
		case string:
			id = v
		case []byte:
			id = string(v)
		}
		out = append(out, ftsRow{rowid: rowid, message: msgs[id]})
	}
}

func (w *writer) writeFTS(ctx context.Context, fts []ftsRow) error {
	bg := context.Background()
	for i := 0; i < len(fts); {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, stmt := rowsPerInsert, w.ftsMany
		if len(fts)-i < rowsPerInsert {
			n, stmt = 1, w.ftsOne
		}
		args := w.ftsArgs[:n*2]
		for j := range n {
			args[2*j].Value = fts[i+j].rowid
			args[2*j+1].Value = fts[i+j].message
		}
		if _, err := stmt.(driver.StmtExecContext).ExecContext(bg, args); err != nil {
			return fmt.Errorf("insert full-text entries: %w", err)
		}
		i += n
	}
	clearValues(w.ftsArgs)
	return nil
}

// close finalizes the statements and closes the connection; SQLite then
// checkpoints the WAL into the database file.
func (w *writer) close() error {
	var errs []error
	for _, s := range []driver.Stmt{w.insMany, w.insOne, w.ftsMany, w.ftsOne} {
		if s != nil {
			if err := s.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := w.conn.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close %s: %w", w.path, err)
	}
	return nil
}

func clearValues(args []driver.NamedValue) {
	for i := range args {
		args[i].Value = nil
	}
}
