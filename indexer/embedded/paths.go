package embedded

import (
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
