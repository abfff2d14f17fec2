package embedded

import (
	"strings"

	"github.com/sluicehq/sluice/pkg/event"
)

// The schema of each file is versioned in PRAGMA user_version, one step
// of eventsMigrations (ftsMigrations) per version: a file is brought up to
// date, in one transaction, when it is opened for writing. Read-only
// connections never migrate. A release that changes the schema adds a
// step; one that a version cannot read refuses the file (see migrate).
//
// Events file versions:
//
//	1  events, docs, the indexes on id and ts, and the rollup tables
//	   minute_totals, minute_counts_nohost, minute_counts (see
//	   countsSchema)
//
// Full-text file versions:
//
//	1  fts with crisismerge 32 (see ftsMergeSQL), fts_state
func eventsMigrations() []string { return []string{eventsSchema() + countsSchema()} }

func ftsMigrations() []string { return []string{ftsSchema + ftsMergeSQL} }

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
	// counted columns are also columns of the rollup tables (see
	// rollup); bit is their bit in a column mask.
	counted bool
	bit     uint32
}

// columns are the typed columns, in table order after id and ts.
//
// Only events.ts and events.id are indexed. Every secondary index is
// updated on each insert. Measured on 300k events: an index on (column,
// ts) of a low-cardinality column added 0.5–1.5 µs of CPU per event,
// eight of them 8–10 µs (+45%; ingest fell to ~30k events/s); one on
// user.name or source.ip, with 2,000 users and 20,000 addresses
// (BenchmarkWriteVaried), 3.5–5 µs, both 10 µs (+48%): their pages are
// rewritten all over the B-tree on every commit, more so as the table
// grows. Counts are made fast by the rollup tables instead (see rollup),
// for the counted columns: low-cardinality fields that dashboards filter
// on. Other filters scan the typed columns: about 25 ms for 300k events.
var columns = []column{
	{field: event.FieldHostname, kind: colText, counted: true},
	{field: "source.ip", kind: colText},
	{field: "source.port", kind: colInt},
	{field: "destination.ip", kind: colText},
	{field: "destination.port", kind: colInt},
	{field: "user.name", kind: colText},
	{field: "process.name", kind: colText, counted: true},
	{field: "process.pid", kind: colInt},
	{field: event.FieldOutcome, kind: colText, counted: true},
	{field: event.FieldClassification, kind: colText, counted: true},
	{field: event.FieldCommonEvent, kind: colText, counted: true},
	{field: event.FieldRisk, kind: colInt, counted: true},
	{field: event.FieldRule, kind: colText, counted: true},
	{field: event.FieldLogSourceType, kind: colText, counted: true},
	// The column keeps the name it had when the field was sluice.agent:
	// day files written then have it, and read-only connections (past
	// days) never migrate.
	{field: event.FieldAgent, name: "sluice_agent", kind: colText, counted: true},
}

// columnIndex maps a field path to its position in columns.
var columnIndex = map[string]int{}

// countedCols are the positions in columns of the counted columns, in
// table order.
var countedCols []int

func init() {
	for i := range columns {
		if columns[i].name == "" {
			columns[i].name = strings.ReplaceAll(columns[i].field, ".", "_")
		}
		columnIndex[columns[i].field] = i
		if columns[i].counted {
			columns[i].bit = 1 << len(countedCols)
			countedCols = append(countedCols, i)
		}
	}
	if len(countedCols) != numCounted {
		panic("embedded: numCounted does not match columns")
	}
	initRollups()
}

// numCounted is the number of counted columns.
const numCounted = 9

func (c *column) sqlType() string {
	if c.kind == colInt {
		return "INTEGER"
	}
	return "TEXT"
}

// numCols is the number of values bound per inserted events row: id, ts
// and the typed columns.
const numCols = numTyped + 2

// eventsSchema creates the tables of a day file.
//
// events is a rowid table: rows are appended in arrival order and the
// rowid links a row to its document and its full-text entry. The UNIQUE
// index on id is what makes INSERT OR IGNORE idempotent; ids sort by agent
// and sequence, so its inserts stay local in the B-tree.
//
// docs holds each event's JSON document under the same rowid, written in
// the same transaction. Kept out of events, the ~600-byte documents do not
// spread the typed columns over 3× more pages: counts that scan the
// columns ran 4× faster (108 → 26 ms on 300k events) for about 4% more
// CPU per ingested event.
func eventsSchema() string {
	var b strings.Builder
	defs := []string{"id TEXT NOT NULL", "ts INTEGER NOT NULL"}
	for _, c := range columns {
		defs = append(defs, c.name+" "+c.sqlType())
	}
	b.WriteString("CREATE TABLE IF NOT EXISTS events (\n\t" + strings.Join(defs, ",\n\t") + "\n);\n")
	b.WriteString("CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, doc TEXT NOT NULL);\n")
	b.WriteString("CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);\n")
	b.WriteString("CREATE INDEX IF NOT EXISTS events_ts ON events(ts);\n")
	return b.String()
}

// ftsSchema creates the full-text index of a day file, which lives in its
// own file (<day>.fts.db) so that a second connection, on a second core,
// fills it while the first one inserts the events.
//
// fts is a contentless FTS5 table (the message is in docs.doc already)
// without the per-row size table (columnsize=0: results are sorted by
// time, not by bm25), so indexing a message adds its tokens and nothing
// else. automerge=0 leaves segment merging to crisismerge (see
// ftsMergeSQL), which merges less often and in larger steps: it cut the
// CPU time of ingest by about 10%.
//
// fts_state.through is the largest events rowid whose message is indexed,
// committed with the entries; after a crash between the two commits, the
// writer indexes the rows after it again (see writer.catchUp).
const ftsSchema = `
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(message, content='', columnsize=0, detail=full);
INSERT INTO fts(fts, rank) VALUES('automerge', 0);
CREATE TABLE IF NOT EXISTS fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), through INTEGER NOT NULL);
INSERT OR IGNORE INTO fts_state (id, through) VALUES (1, 0);
`

// ftsMergeSQL merges a level's segments once it holds 32 of them instead
// of FTS5's 16. Each merge rewrites every entry of the level, so a message
// is rewritten about log32 instead of log16 (segments in the file) times.
// Counted with cachegrind over 1M messages when every 50 messages made a
// segment (see rowsPerChunk): 56.3k instructions per message → 46.6k (64
// gave 45.2k). With 1,000-message segments merges matter less (200k
// messages: no difference). A search looks a term up in up to 32
// segments per level.
const ftsMergeSQL = `INSERT INTO fts(fts, rank) VALUES('crisismerge', 32);`

// eventsInsertHead is the INSERT OR IGNORE of events rows, up to its
// VALUES.
func eventsInsertHead() string {
	var b strings.Builder
	b.WriteString("INSERT OR IGNORE INTO events (id, ts")
	for _, c := range columns {
		b.WriteString(", " + c.name)
	}
	b.WriteString(") ")
	return b.String()
}
