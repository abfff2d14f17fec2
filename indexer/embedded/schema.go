package embedded

import (
	"strings"

	"github.com/sluicehq/sluice/pkg/event"
)

// schemaVersion is stored in PRAGMA user_version of every day file.
const schemaVersion = 1

// colKind is the SQLite type of a typed column.
type colKind int

const (
	colText colKind = iota
	colInt
)

// column is an ECS field copied out of the document into a typed column,
// so that the common filters need no JSON parsing.
type column struct {
	field string
	name  string
	kind  colKind
}

// columns are the typed columns, in table order after id and ts. Only
// events.ts and events.id are indexed: every secondary index is rewritten
// on each commit and costs ingest speed, more so on random keys such as
// IPs and user names, while a full scan of a day file's typed columns is
// a few milliseconds.
var columns = []column{
	{field: event.FieldHostname, kind: colText},
	{field: "source.ip", kind: colText},
	{field: "source.port", kind: colInt},
	{field: "destination.ip", kind: colText},
	{field: "destination.port", kind: colInt},
	{field: "user.name", kind: colText},
	{field: "process.name", kind: colText},
	{field: "process.pid", kind: colInt},
	{field: event.FieldOutcome, kind: colText},
	{field: event.FieldClassification, kind: colText},
	{field: event.FieldCommonEvent, kind: colText},
	{field: event.FieldRisk, kind: colInt},
	{field: event.FieldRule, kind: colText},
	{field: event.FieldLogSourceType, kind: colText},
	{field: event.FieldAgent, kind: colText},
}

// columnIndex maps a field path to its position in columns.
var columnIndex = map[string]int{}

func init() {
	for i := range columns {
		columns[i].name = strings.ReplaceAll(columns[i].field, ".", "_")
		columnIndex[columns[i].field] = i
	}
}

// numCols is the number of values bound per inserted row: id, ts, the
// typed columns and doc.
var numCols = len(columns) + 3

// schemaSQL creates the tables of a day file.
//
// events is a rowid table: rows are appended in arrival order and the
// rowid links a row to its full-text entry. The UNIQUE index on id is what
// makes INSERT OR IGNORE idempotent; ids sort by agent and sequence, so
// its inserts stay local in the B-tree.
//
// fts is a contentless FTS5 table (the message is in doc already) without
// the per-row size table (columnsize=0: we sort by time, not by bm25), so
// indexing a message adds tokens and nothing else.
func schemaSQL() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS events (\n\tid TEXT NOT NULL,\n\tts INTEGER NOT NULL,\n")
	for _, c := range columns {
		b.WriteString("\t" + c.name)
		if c.kind == colInt {
			b.WriteString(" INTEGER,\n")
		} else {
			b.WriteString(" TEXT,\n")
		}
	}
	b.WriteString("\tdoc TEXT NOT NULL\n);\n")
	b.WriteString("CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);\n")
	if !expNoTs {
		b.WriteString("CREATE INDEX IF NOT EXISTS events_ts ON events(ts);\n")
	}
	b.WriteString("CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(message, content=''" + expFTSOpts + ");\n")
	b.WriteString(expExtra)
	return b.String()
}

// insertSQL is a multi-row INSERT OR IGNORE of n events.
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT OR IGNORE INTO events (id, ts")
	for _, c := range columns {
		b.WriteString(", " + c.name)
	}
	b.WriteString(", doc) VALUES ")
	row := "(" + strings.Repeat("?,", numCols-1) + "?)"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

// ftsInsertSQL is a multi-row insert of n (rowid, message) pairs.
func ftsInsertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO fts (rowid, message) VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?)")
	}
	return b.String()
}

// EXPERIMENT knobs, removed after tuning.
var (
	expNoTs    bool
	expNoFTS   bool
	expFTSOpts = ", columnsize=0, detail=full"
	expExtra   string
)
