package embedded

import (
	"errors"
	"fmt"
	"os"

	"github.com/mattn/go-sqlite3"
)

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
