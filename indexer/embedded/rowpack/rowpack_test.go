package rowpack

import (
	"database/sql"
	"math"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	if err := Register(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestRoundTrip(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec("CREATE TABLE t (a, b INTEGER, c TEXT)"); err != nil {
		t.Fatal(err)
	}
	rows := [][3]any{
		{nil, int64(-7), "plain"},
		{3.5, int64(math.MaxInt64), ""},
		{true, "22", "ünïcode \x00 nul"},
		{[]byte{0, 1, 2}, int64(math.MinInt64), strings.Repeat("x", 70000)},
	}
	var p Pack
	p.Reset(len(rows), 3)
	for _, r := range rows {
		for _, v := range r {
			if err := p.Add(v); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := db.Exec("INSERT INTO t (a, b, c) "+ValuesSQL(len(rows), 3, "?1"), p.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(rows)) {
		t.Fatalf("inserted %d rows, want %d", n, len(rows))
	}
	got, err := db.Query("SELECT typeof(a), quote(a), typeof(b), b, typeof(c), c FROM t ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	want := []struct {
		ta, qa, tb string
		b          any
		tc, c      string
	}{
		{"null", "NULL", "integer", int64(-7), "text", "plain"},
		{"real", "3.5", "integer", int64(math.MaxInt64), "text", ""},
		{"integer", "1", "integer", int64(22), "text", "ünïcode \x00 nul"}, // INTEGER affinity turns "22" into 22
		{"blob", "X'000102'", "integer", int64(math.MinInt64), "text", strings.Repeat("x", 70000)},
	}
	i := 0
	for got.Next() {
		var ta, qa, tb, tc, c string
		var b any
		if err := got.Scan(&ta, &qa, &tb, &b, &tc, &c); err != nil {
			t.Fatal(err)
		}
		w := want[i]
		if ta != w.ta || qa != w.qa || tb != w.tb || b != w.b || tc != w.tc || c != w.c {
			t.Errorf("row %d: got (%s %s %s %v %s %.20q), want (%s %s %s %v %s %.20q)", i, ta, qa, tb, b, tc, c, w.ta, w.qa, w.tb, w.b, w.tc, w.c)
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("%d rows, want %d", i, len(want))
	}
}

func TestReuse(t *testing.T) {
	var p Pack
	p.Reset(2, 1)
	p.Text("a much longer first value")
	p.Int(1)
	first := len(p.Bytes())
	p.Reset(1, 1)
	p.Int(2)
	if got := len(p.Bytes()); got >= first || got != 8+4+9 {
		t.Fatalf("reset pack is %d bytes, want %d", got, 8+4+9)
	}
}

func TestMisuse(t *testing.T) {
	var p Pack
	p.Reset(1, 1)
	if err := p.Add(struct{}{}); err == nil {
		t.Error("packing a struct: no error")
	}
	p.Reset(1, 2)
	p.Int(1)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Bytes of an incomplete pack did not panic")
			}
		}()
		p.Bytes()
	}()
}

// TestBadPacks checks that sluice_unpack answers a malformed pack or an
// index outside it with an error, not a crash or a wrong value.
func TestBadPacks(t *testing.T) {
	db := openDB(t)
	var p Pack
	p.Reset(1, 2)
	p.Text("abc")
	p.Int(5)
	good := p.Bytes()
	cases := []struct {
		name     string
		pack     any
		row, col int
	}{
		{"not a blob", "text", 0, 0},
		{"short", []byte{1, 0, 0}, 0, 0},
		{"row out of range", good, 1, 0},
		{"col out of range", good, 0, 2},
		{"negative", good, -1, 0},
		{"truncated value", good[:len(good)-3], 0, 1},
		{"truncated text", good[:len(good)-10], 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v any
			err := db.QueryRow("SELECT sluice_unpack(?, ?, ?)", c.pack, c.row, c.col).Scan(&v)
			if err == nil || !strings.Contains(err.Error(), "sluice_unpack") {
				t.Fatalf("got %v, %v; want a sluice_unpack error", v, err)
			}
		})
	}
	var s string
	var n int64
	if err := db.QueryRow("SELECT sluice_unpack(?1, 0, 0), sluice_unpack(?1, 0, 1)", good).Scan(&s, &n); err != nil || s != "abc" || n != 5 {
		t.Fatalf("good pack: %q %d %v", s, n, err)
	}
}

// TestDirectOnly checks that the schema cannot call sluice_unpack: a view
// or trigger that did would read memory the statement does not own.
func TestDirectOnly(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec("CREATE VIEW v AS SELECT sluice_unpack(x'00', 0, 0)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Query("SELECT * FROM v"); err == nil || !strings.Contains(err.Error(), "unsafe use") {
		t.Fatalf("selecting from a view that calls sluice_unpack: %v, want an unsafe-use error", err)
	}
}

// FuzzUnpack feeds sluice_unpack arbitrary bytes and indexes: it must
// answer with a value or an error, never crash or read outside the blob.
func FuzzUnpack(f *testing.F) {
	var p Pack
	p.Reset(2, 2)
	p.Text("x")
	p.Int(1)
	_ = p.Add(2.5)
	_ = p.Add([]byte("y"))
	f.Add(p.Bytes(), 1, 1)
	f.Add([]byte{}, 0, 0)
	f.Add([]byte{1, 0, 0, 0, 1, 0, 0, 0, 12, 0, 0, 0, 3, 255, 255, 255, 255}, 0, 0)
	if err := Register(); err != nil {
		f.Fatal(err)
	}
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = db.Close() })
	f.Fuzz(func(t *testing.T, pack []byte, row, col int) {
		var v any
		_ = db.QueryRow("SELECT sluice_unpack(?, ?, ?)", pack, row, col).Scan(&v)
	})
}
