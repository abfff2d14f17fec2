package embedded

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/sluicehq/sluice/indexer/embedded/rowpack"
)

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
