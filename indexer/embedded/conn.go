package embedded

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/sluicehq/sluice/indexer/embedded/rowpack"
)

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

// truncateWAL copies the whole WAL into the database and truncates it to
// nothing, before the connection closes. Closing deletes the WAL only
// when it is the file's last connection; with searches holding read-only
// connections open (they cannot delete it) a closed day file kept its
// WAL, up to WALAutocheckpoint pages, on disk for good. It never waits:
// with busy_timeout 0 a search in the middle of a read makes it return
// SQLITE_BUSY (as a result row, not an error), and the WAL stays as
// before; the day's next writer or last connection deals with it.
func (c *conn) truncateWAL() error {
	err := c.exec("PRAGMA busy_timeout = 0")
	if err == nil {
		err = c.exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	var serr sqlite3.Error
	if err != nil && !(errors.As(err, &serr) && (serr.Code == sqlite3.ErrBusy || serr.Code == sqlite3.ErrLocked)) {
		return fmt.Errorf("truncate the WAL of %s: %w", c.path, err)
	}
	return nil
}
