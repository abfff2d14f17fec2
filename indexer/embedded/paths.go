package embedded

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// fileExt ends the name of every day file: <Dir>/<org>/<YYYY-MM-DD>.db.
const fileExt = ".db"

// ftsSuffix names the full-text file of a day file: 2026-01-10.fts.db.
const ftsSuffix = ".fts.db"

// ftsPathOf returns the full-text file of the day file path.
func ftsPathOf(path string) string {
	return strings.TrimSuffix(path, fileExt) + ftsSuffix
}

const dayLayout = time.DateOnly

const nanosPerDay = int64(24 * time.Hour)

// orgDir is the directory name of an organization (event.OrgDirName,
// shared with the archive).
func orgDir(org string) string { return event.OrgDirName(org) }

// dayOf returns the UTC day number (days since the Unix epoch) of ts.
func dayOf(ts int64) int64 {
	d := ts / nanosPerDay
	if ts < 0 && ts%nanosPerDay != 0 {
		d--
	}
	return d
}

func dayName(day int64) string {
	return time.Unix(day*86400, 0).UTC().Format(dayLayout)
}

// partition is one day file of one organization.
type partition struct {
	org  string // directory name (escaped)
	day  int64
	path string
}

// listPartitions returns the day files of the given organization
// directories (all of them when orgs is nil) whose day intersects
// [from, to), newest day first.
func listPartitions(dir string, orgs []string, from, to int64) ([]partition, error) {
	if orgs == nil {
		entries, err := os.ReadDir(dir)
		if err != nil {
			if os.IsNotExist(err) {
				return nil, nil
			}
			return nil, fmt.Errorf("list organizations in %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() {
				orgs = append(orgs, e.Name())
			}
		}
	}
	if to <= from {
		return nil, nil
	}
	fromDay, toDay := dayOf(from), dayOf(to-1)
	var parts []partition
	for _, org := range orgs {
		entries, err := os.ReadDir(filepath.Join(dir, org))
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, fmt.Errorf("list day files of %s: %w", org, err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || len(name) != len(dayLayout)+len(fileExt) || !strings.HasSuffix(name, fileExt) {
				continue
			}
			t, err := time.Parse(dayLayout, strings.TrimSuffix(name, fileExt))
			if err != nil {
				continue
			}
			day := t.Unix() / 86400
			if day < fromDay || day > toDay {
				continue
			}
			parts = append(parts, partition{org: org, day: day, path: filepath.Join(dir, org, name)})
		}
	}
	slices.SortFunc(parts, func(a, b partition) int {
		if a.day != b.day {
			if a.day > b.day {
				return -1
			}
			return 1
		}
		return strings.Compare(a.org, b.org)
	})
	return parts, nil
}

// orgName is the inverse of orgDir: it returns the organization name of
// an organization directory, and false for a name that orgDir does not
// make (a stray directory, a bad or needless %XX escape): such a
// directory is not an organization's and is left alone.
func orgName(dir string) (string, bool) {
	if dir == "" {
		return "", false
	}
	b := make([]byte, 0, len(dir))
	for i := 0; i < len(dir); i++ {
		c := dir[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		if i+2 >= len(dir) {
			return "", false
		}
		hi, ok1 := unhex(dir[i+1])
		lo, ok2 := unhex(dir[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b = append(b, hi<<4|lo)
		i += 2
	}
	name := string(b)
	// orgDir writes one spelling of each name: anything else (a
	// lower-case escape, an escaped letter, a raw byte it escapes) is not
	// its output.
	if orgDir(name) != dir {
		return "", false
	}
	return name, true
}

// unhex returns the value of a hexadecimal digit as orgDir writes them
// (upper case).
func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// dayFileSuffixes are the files that hold one day, in the order Prune
// removes them: the events WAL before the events file, so that a crash
// never leaves a WAL without its database (SQLite would apply it to a
// new file of the same name); the events file before the full-text file,
// so that once a day's events file is gone nothing reads or writes its
// full-text file (searches find days by their events file, and a search
// that cannot attach it checks the events file is gone). A crash in
// between leaves a full-text file alone, which Prune still finds and a
// new events file for the day resets (writer.catchUp: it is ahead of
// the events).
var dayFileSuffixes = []string{
	fileExt + "-wal", fileExt, fileExt + "-shm",
	ftsSuffix + "-wal", ftsSuffix, ftsSuffix + "-shm",
}

// dayFiles is what one day of one organization holds on disk.
type dayFiles struct {
	org   string // directory name (escaped)
	day   int64
	base  string // path without the suffix: <Dir>/<org>/<YYYY-MM-DD>
	bytes int64  // size of its files
}

// path is the events file of the day, the name of the day elsewhere.
func (d *dayFiles) path() string { return d.base + fileExt }

// listDays returns the days that the organization directory org has any
// file of (a crash during Prune can leave a day without its events
// file), oldest first, with the total size of their files.
func listDays(dir, org string) ([]dayFiles, error) {
	entries, err := os.ReadDir(filepath.Join(dir, org))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list day files of %s: %w", org, err)
	}
	byDay := map[int64]*dayFiles{}
	for _, e := range entries {
		day, ok := dayOfFile(e.Name())
		if !ok || e.IsDir() {
			continue
		}
		d := byDay[day]
		if d == nil {
			d = &dayFiles{org: org, day: day, base: filepath.Join(dir, org, dayName(day))}
			byDay[day] = d
		}
		if fi, err := e.Info(); err == nil { // else removed since ReadDir
			d.bytes += fi.Size()
		}
	}
	days := make([]dayFiles, 0, len(byDay))
	for _, d := range byDay {
		days = append(days, *d)
	}
	slices.SortFunc(days, func(a, b dayFiles) int { return cmp.Compare(a.day, b.day) })
	return days, nil
}

// dayOfFile returns the day of a file named as one of dayFileSuffixes
// after the day.
func dayOfFile(name string) (int64, bool) {
	if len(name) < len(dayLayout) {
		return 0, false
	}
	if !slices.Contains(dayFileSuffixes, name[len(dayLayout):]) {
		return 0, false
	}
	t, err := time.Parse(dayLayout, name[:len(dayLayout)])
	if err != nil {
		return 0, false
	}
	return t.Unix() / 86400, true
}
