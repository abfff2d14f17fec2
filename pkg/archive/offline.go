package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// FileInfo describes one archive file.
type FileInfo struct {
	Organization string
	Path         string
	// Hour is the hour of the archive clock the file holds; Part is 0 but
	// for further files of an hour closed once already (a restart).
	Hour time.Time
	Part int
	// Open is true for the file being written (or left by a crash).
	Open bool
	// Bytes is the compressed size, RawBytes the record values, Records
	// their number; FirstSeq and LastSeq the sequence range. For an open
	// file they count what is readable now.
	Bytes, RawBytes, Records int64
	FirstSeq, LastSeq        uint64
	// SHA256 is the hash the manifest holds for a closed file; for a closed
	// file missing from the manifest, its hash now; "" for an open file.
	SHA256 string
}

// Record is one archived record as Scan returns it.
type Record struct {
	Organization string
	First, Last  uint64
	Value        []byte
	Hour         time.Time
}

func recordInfo(org, dir string, r manifestRecord) FileInfo {
	hour, part, _, _ := parseFileName(r.File)
	return FileInfo{
		Organization: org, Path: filepath.Join(dir, r.File), Hour: hour, Part: part,
		Bytes: r.Bytes, RawBytes: r.RawBytes, Records: r.Records, FirstSeq: r.FirstSeq, LastSeq: r.LastSeq, SHA256: r.SHA256,
	}
}

// List returns every archive file under dir, per organization (sorted by
// directory name), oldest first. It only reads, so it is safe while a
// mediator writes.
func List(dir string) ([]FileInfo, error) {
	dirs, err := orgDirs(dir)
	if err != nil {
		return nil, err
	}
	var out []FileInfo
	for _, d := range dirs {
		odir := filepath.Join(dir, d)
		files, _, err := listDir(odir)
		if err != nil {
			return nil, err
		}
		lines, _, _, err := readManifest(filepath.Join(odir, manifestName))
		if err != nil {
			return nil, err
		}
		recs := map[string]manifestRecord{}
		for _, l := range lines {
			if l.err == nil && l.rec.File != "" {
				recs[l.rec.File] = l.rec
			}
		}
		for _, f := range files {
			if r, ok := recs[f.name]; ok && !f.open {
				out = append(out, recordInfo(orgName(d), odir, r))
				continue
			}
			fi := FileInfo{Organization: orgName(d), Path: f.path, Hour: f.hour, Part: f.part, Open: f.open}
			info, err := os.Stat(f.path)
			if err != nil {
				if os.IsNotExist(err) {
					continue // closed or pruned meanwhile
				}
				return nil, fmt.Errorf("stat %s: %w", f.path, err)
			}
			fi.Bytes = info.Size()
			st, err := readFile(f.path, fi.Bytes, nil)
			if err == nil {
				fi.RawBytes, fi.Records, fi.FirstSeq, fi.LastSeq = st.raw, st.records, st.first, st.last
			}
			if !f.open {
				fi.SHA256, _, _ = hashFile(f.path)
			}
			out = append(out, fi)
		}
	}
	return out, nil
}

// Scan calls fn for the records of org (every organization when org is "")
// in the files whose hour overlaps [from, to) (a zero time is an open
// bound; records carry no time of their own, so a file is all or nothing),
// oldest first, the open file included up to what is readable. A closed
// file is decoded once to check it before its records are passed: a
// corrupt or unreadable file is skipped, onBad (if not nil) is told, and
// the scan goes on. An open file is read up to its first incomplete or
// invalid record, which is where a writer or a crash left it. An error of
// fn stops the scan and is returned.
func Scan(dir, org string, from, to time.Time, fn func(Record) error, onBad func(path string, err error)) error {
	var dirs []string
	if org == "" {
		var err error
		if dirs, err = orgDirs(dir); err != nil {
			return err
		}
	} else {
		dirs = []string{event.OrgDirName(org)}
	}
	type scanFile struct {
		diskFile
		org string
	}
	var todo []scanFile
	for _, d := range dirs {
		files, _, err := listDir(filepath.Join(dir, d))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return err
		}
		for _, f := range files {
			if (!from.IsZero() && f.hour.Before(from.Truncate(time.Hour))) || (!to.IsZero() && !f.hour.Before(to)) {
				continue
			}
			todo = append(todo, scanFile{f, orgName(d)})
		}
	}
	slices.SortStableFunc(todo, func(a, b scanFile) int {
		switch {
		case a.before(b.diskFile):
			return -1
		case b.before(a.diskFile):
			return 1
		}
		return strings.Compare(a.org, b.org)
	})
	bad := func(path string, err error) {
		if onBad != nil {
			onBad(path, err)
		}
	}
	for _, f := range todo {
		deliver := func(first, last uint64, value []byte) error {
			return fn(Record{Organization: f.org, First: first, Last: last, Value: value, Hour: f.hour})
		}
		path := f.path
		if f.open {
			st, err := readOpenFile(path, deliver)
			if err == nil {
				var cb *callbackError
				if errors.As(st.decompressErr, &cb) {
					return cb.err
				}
				continue
			}
			if !os.IsNotExist(err) {
				bad(path, err)
				continue
			}
			// Closed since it was listed: read it under its closed name.
			path = filepath.Join(filepath.Dir(f.path), fileName(f.hour, f.part))
		}
		st, err := readFile(path, 0, nil)
		if err == nil {
			err = st.decompressErr
		}
		if err != nil {
			if !os.IsNotExist(err) {
				bad(path, err)
			}
			continue
		}
		st, err = readFile(path, 0, deliver)
		if err == nil {
			var cb *callbackError
			if errors.As(st.decompressErr, &cb) {
				return cb.err
			}
			err = st.decompressErr
		}
		if err != nil {
			// Changed between the two reads: what was passed stays passed.
			bad(path, err)
		}
	}
	return nil
}

// readOpenFile reads a file being written up to its size now: what a
// writer appends meanwhile is left for the next scan.
func readOpenFile(path string, fn func(first, last uint64, value []byte) error) (fileStats, error) {
	info, err := os.Stat(path)
	if err != nil {
		return fileStats{}, err
	}
	return readFile(path, info.Size(), fn)
}
