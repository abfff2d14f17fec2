// Package archive keeps tamper-evident raw archives, like LogRhythm's: the
// mediator writes every raw record it receives, before parsing, into
// per-organization hourly files, and each closed file's SHA-256 goes into
// a per-organization hash chain. The package does not look at the payload:
// a record is opaque bytes, its organization and the mediator-state
// sequence range it came from.
//
// # Layout
//
//	<Dir>/<orgdir>/2026-12-07T17.arc.zst        closed hour
//	<Dir>/<orgdir>/2026-12-07T17.1.arc.zst      a later part of the hour (restart after Close)
//	<Dir>/<orgdir>/2026-12-07T18.arc.zst.open   being written
//	<Dir>/<orgdir>/MANIFEST                     the chain
//
// <orgdir> is event.OrgDirName, as in the embedded index. The hour is the
// archive clock's, in UTC. An open file carries ".open" so that a reader
// tells it from a closed one without the manifest. Closing ends the zstd
// frame, fsyncs, appends the file to the manifest, and only then renames
// it (atomic) to its closed name: every closed file is in the manifest, so
// one that is not was put there by someone else, and Verify says so. A
// crash between the manifest append and the rename leaves a chained file
// under its .open name: Open renames it if its SHA-256 is the manifest's.
//
// # File format
//
// A file is one or more concatenated zstd frames (each process lifetime or
// recovery starts one; readers decode them as one stream). The stream is a
// sequence of chunks of records, each chunk with one CRC32C; each record
// is its value length, its first and last sequence as varint deltas, and
// its value (details and the reason — a CRC and fixed sequences per record
// cost half the compression — at chunk in format.go). Sync ends the chunk
// and flushes the zstd block without ending the frame, so the window keeps
// its history and frequent syncs still compress well.
//
// # Manifest
//
// MANIFEST holds JSON lines, one per closed file:
//
//	{"seq":1,"file":"2026-12-07T17.arc.zst","hour":"2026-12-07T17:00:00Z","sha256":"…","bytes":…,"raw_bytes":…,"records":…,"first_seq":…,"last_seq":…,"prev":"","hash":"…"}
//
// and one per prune: {"seq":9,"pruned_through":"…","pruned_files":[…],"prev":"…","hash":"…"}.
// hash is the SHA-256 of the line's JSON without "hash" (fields in the
// order above), prev the hash of the line before. Each line is appended
// and fsynced. A torn last line (crash mid-append) is cut off at Open.
//
// # Durability and dedupe
//
// Each organization has a mark, the highest last sequence appended; Append
// skips records at or below it, which drops what a restarted mediator
// appends again. Open restores the mark from the manifest (last_seq per
// file) and the recovered open file. Recovery reads an open file's
// complete records whose CRC holds, rewrites the file with exactly those
// (temporary file, fsync, rename) and appends after them. A file whose
// hour has passed is then closed and chained.
//
// On a write error the organization's open file is dropped, its mark falls
// back to what is known durable, and the next call recovers it from disk
// the way Open does; the caller appends again what it had not synced.
// Append and Sync return such errors; when Rotate, Prune or Close hit one
// that dropped unsynced records, the next Sync fails too, because the
// caller deletes its records only after a Sync that succeeded.
//
// # Compression
//
// DefaultLevel is zstd level 1 (the encoder's fastest), a 1 MiB window
// (the memory of an open file), one goroutine per encoder.
// BenchmarkAppend on the loghub sample logs (22k real lines of 11
// systems, 129 bytes on average; 2 CPUs, idle machine; records of 0
// allocations):
//
//	level  ratio  CPU ns/record, MB/s   sync every 500   no sync
//	1       9.98                         800, 122         510, 235
//	3       9.67                         870, 113         620, 200
//	7      10.72                        1260,  81
//	11     11.55                        3000-3750, 34-39
//
// Level 1 compresses these lines better than level 3 at less CPU, and
// above the 8:1 target; the higher levels buy 7-16% for 1.6-4 times the
// CPU. For reference, the zstd command line reaches 11.0:1 (-1) and 10.4:1
// (-3) on the bare concatenated lines; the record framing costs the rest.
package archive
