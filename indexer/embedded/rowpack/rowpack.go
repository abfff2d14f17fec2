// Package rowpack hands SQLite many values in one bound parameter.
//
// Binding a value through database/sql/driver costs a cgo call and a copy
// into SQLite's memory; a 50-row insert of 17 columns made 850 of them,
// about 3 µs of CPU per event in the embedded index. A Pack holds the
// values of many rows in one byte slice, bound once as a blob, and the
// statement reads them back with the SQL function sluice_unpack(pack, row,
// col), written in C, which returns each value without copying it
// (ValuesSQL writes such a statement).
//
// The function is registered on every SQLite connection opened after
// Register, through sqlite3_auto_extension. It is DIRECTONLY: views,
// triggers and schema cannot call it.
package rowpack

/*
#include <stdint.h>
#include <string.h>

// The few SQLite entry points used here, declared by hand: the functions
// are those of the SQLite that github.com/mattn/go-sqlite3 compiles into
// the binary.
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;
typedef long long sqlite3_int64;
typedef unsigned long long sqlite3_uint64;

extern int sqlite3_auto_extension(void (*)(void));
extern int sqlite3_create_function_v2(sqlite3 *, const char *, int, int, void *,
	void (*)(sqlite3_context *, int, sqlite3_value **),
	void (*)(sqlite3_context *, int, sqlite3_value **),
	void (*)(sqlite3_context *), void (*)(void *));
extern const void *sqlite3_value_blob(sqlite3_value *);
extern int sqlite3_value_bytes(sqlite3_value *);
extern sqlite3_int64 sqlite3_value_int64(sqlite3_value *);
extern void sqlite3_result_int64(sqlite3_context *, sqlite3_int64);
extern void sqlite3_result_double(sqlite3_context *, double);
extern void sqlite3_result_null(sqlite3_context *);
extern void sqlite3_result_text64(sqlite3_context *, const char *, sqlite3_uint64, void (*)(void *), unsigned char);
extern void sqlite3_result_blob64(sqlite3_context *, const void *, sqlite3_uint64, void (*)(void *));
extern void sqlite3_result_error(sqlite3_context *, const char *, int);

#define RP_SQLITE_UTF8 1
#define RP_SQLITE_DETERMINISTIC 0x000000800
#define RP_SQLITE_DIRECTONLY 0x000080000

// Tags of packed values; keep in step with the Go constants below.
#define RP_NULL 0
#define RP_INT 1
#define RP_REAL 2
#define RP_TEXT 3
#define RP_BLOB 4

static uint32_t rp_u32(const unsigned char *p) {
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

// sluice_unpack(pack, row, col): the value at (row, col) of a pack. Text
// and blobs are returned in place (SQLITE_STATIC): they point into the
// bound parameter, which outlives every use of the result within the
// statement's step.
static void rp_unpack(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	const unsigned char *p = sqlite3_value_blob(argv[0]);
	sqlite3_int64 n = sqlite3_value_bytes(argv[0]);
	sqlite3_int64 row = sqlite3_value_int64(argv[1]);
	sqlite3_int64 col = sqlite3_value_int64(argv[2]);
	if (p == 0 || n < 8) {
		sqlite3_result_error(ctx, "sluice_unpack: not a pack", -1);
		return;
	}
	sqlite3_int64 rows = rp_u32(p), cols = rp_u32(p + 4);
	// The offsets must fit in the blob; checked by division, since
	// rows * cols can overflow.
	if (row < 0 || row >= rows || col < 0 || col >= cols || rows > (n - 8) / 4 / cols) {
		sqlite3_result_error(ctx, "sluice_unpack: no such value", -1);
		return;
	}
	sqlite3_int64 off = rp_u32(p + 8 + (row * cols + col) * 4);
	if (off >= n) {
		sqlite3_result_error(ctx, "sluice_unpack: damaged pack", -1);
		return;
	}
	const unsigned char *v = p + off + 1;
	sqlite3_int64 left = n - off - 1;
	switch (p[off]) {
	case RP_NULL:
		sqlite3_result_null(ctx);
		return;
	case RP_INT:
	case RP_REAL:
		if (left < 8) break;
		if (p[off] == RP_INT) {
			sqlite3_int64 i;
			memcpy(&i, v, 8);
			sqlite3_result_int64(ctx, i);
		} else {
			double d;
			memcpy(&d, v, 8);
			sqlite3_result_double(ctx, d);
		}
		return;
	case RP_TEXT:
	case RP_BLOB: {
		if (left < 4) break;
		sqlite3_int64 len = rp_u32(v);
		if (len > left - 4) break;
		if (p[off] == RP_TEXT) {
			sqlite3_result_text64(ctx, (const char *)v + 4, (sqlite3_uint64)len, 0, RP_SQLITE_UTF8);
		} else {
			sqlite3_result_blob64(ctx, v + 4, (sqlite3_uint64)len, 0);
		}
		return;
	}
	}
	sqlite3_result_error(ctx, "sluice_unpack: damaged pack", -1);
}

static int rp_init(sqlite3 *db, char **err, const void *api) {
	return sqlite3_create_function_v2(db, "sluice_unpack", 3,
		RP_SQLITE_UTF8 | RP_SQLITE_DETERMINISTIC | RP_SQLITE_DIRECTONLY, 0, rp_unpack, 0, 0, 0);
}

static int rp_register(void) {
	return sqlite3_auto_extension((void (*)(void))rp_init);
}
*/
import "C"

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	// The SQLite that sluice_unpack is linked against.
	_ "github.com/mattn/go-sqlite3"
)

var (
	registerOnce sync.Once
	registerErr  error
)

// Register makes sluice_unpack available on every SQLite connection opened
// from now on. It is safe to call more than once.
func Register() error {
	registerOnce.Do(func() {
		if rc := C.rp_register(); rc != 0 {
			registerErr = fmt.Errorf("rowpack: sqlite3_auto_extension failed with code %d", int(rc))
		}
	})
	return registerErr
}

// Tags of packed values (see the C side).
const (
	tagNull = iota
	tagInt
	tagReal
	tagText
	tagBlob
)

// Pack is the values of rows × cols cells, row by row, in one byte slice:
// a header (rows, cols as little-endian uint32), the offset of each value,
// then the values, each a tag byte and its bytes (8 for numbers, a uint32
// length and the bytes for text and blobs). A Pack is reused: Reset starts
// a new one in the same memory.
type Pack struct {
	buf        []byte
	rows, cols int
	next       int // cells added so far
}

// Reset starts a pack of rows × cols values.
func (p *Pack) Reset(rows, cols int) {
	p.rows, p.cols, p.next = rows, cols, 0
	head := 8 + 4*rows*cols
	if cap(p.buf) < head {
		p.buf = make([]byte, head, head+rows*cols*16)
	}
	p.buf = p.buf[:head]
	binary.LittleEndian.PutUint32(p.buf[0:], uint32(rows))
	binary.LittleEndian.PutUint32(p.buf[4:], uint32(cols))
}

// cell records where the next value starts and appends its tag.
func (p *Pack) cell(tag byte) {
	if p.next >= p.rows*p.cols {
		panic("rowpack: more values than Reset made room for")
	}
	binary.LittleEndian.PutUint32(p.buf[8+4*p.next:], uint32(len(p.buf)))
	p.next++
	p.buf = append(p.buf, tag)
}

// Add appends the next value in row order. It takes the types a
// driver.Value holds after database/sql's conversions (nil, int64,
// float64, bool, []byte, string) and errors on others.
func (p *Pack) Add(v driver.Value) error {
	switch x := v.(type) {
	case nil:
		p.cell(tagNull)
	case int64:
		p.Int(x)
	case float64:
		p.cell(tagReal)
		p.buf = binary.LittleEndian.AppendUint64(p.buf, math.Float64bits(x))
	case bool:
		if x {
			p.Int(1)
		} else {
			p.Int(0)
		}
	case string:
		p.Text(x)
	case []byte:
		p.cell(tagBlob)
		p.buf = binary.LittleEndian.AppendUint32(p.buf, uint32(len(x)))
		p.buf = append(p.buf, x...)
	default:
		return fmt.Errorf("rowpack: cannot pack a %T", v)
	}
	return nil
}

// Int appends an integer.
func (p *Pack) Int(v int64) {
	p.cell(tagInt)
	p.buf = binary.LittleEndian.AppendUint64(p.buf, uint64(v))
}

// Text appends a string.
func (p *Pack) Text(s string) {
	if len(s) > math.MaxUint32 {
		panic("rowpack: text longer than 4 GiB")
	}
	p.cell(tagText)
	p.buf = binary.LittleEndian.AppendUint32(p.buf, uint32(len(s)))
	p.buf = append(p.buf, s...)
}

// Bytes returns the pack, to be bound as a blob. It is valid until the
// next Reset; every cell must have been added.
func (p *Pack) Bytes() []byte {
	if p.next != p.rows*p.cols {
		panic(fmt.Sprintf("rowpack: %d of %d values added", p.next, p.rows*p.cols))
	}
	return p.buf
}

// ValuesSQL returns a VALUES list of rows × cols cells read from the pack
// bound to param (e.g. "?1"): "(sluice_unpack(?1,0,0),…),(…)".
func ValuesSQL(rows, cols int, param string) string {
	var b strings.Builder
	b.WriteString("VALUES ")
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteString("sluice_unpack(" + param + "," + strconv.Itoa(r) + "," + strconv.Itoa(c) + ")")
		}
		b.WriteByte(')')
	}
	return b.String()
}
