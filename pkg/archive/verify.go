package archive

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ProblemKind classifies what Verify found.
type ProblemKind string

// The problems Verify reports.
const (
	// ProblemChecksum: a closed file's SHA-256 is not the manifest's (a
	// changed byte, or files swapped or renamed over each other).
	ProblemChecksum ProblemKind = "checksum"
	// ProblemMissing: a file of the manifest is gone and was not pruned.
	ProblemMissing ProblemKind = "missing"
	// ProblemOrder: the manifest's files are not in hour order, or one is
	// listed twice.
	ProblemOrder ProblemKind = "order"
	// ProblemChain: a manifest line does not parse, does not hold the
	// previous line's hash, or does not hash to its own hash (edited).
	ProblemChain ProblemKind = "chain"
	// ProblemUnlisted: a closed file is not in the manifest.
	ProblemUnlisted ProblemKind = "unlisted"
	// ProblemDecode: a closed file does not decode, or holds other records
	// than the manifest says.
	ProblemDecode ProblemKind = "decode"
)

// Problem is one thing wrong with one file.
type Problem struct {
	Organization string
	// Path is the archive file concerned; for a manifest line naming no
	// file, the manifest.
	Path   string
	Kind   ProblemKind
	Detail string

	hour time.Time
	part int
}

// String formats the problem for a log line or the command line.
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s", p.Path, p.Kind, p.Detail)
}

// Report is the result of Verify.
type Report struct {
	// Files is the number of closed files checked.
	Files int
	// Problems per organization (sorted by directory name), each
	// organization's in hour order.
	Problems []Problem
	// FirstBroken is the path of the oldest file with a problem in the
	// first organization that has one; "" when OK.
	FirstBroken string
}

// OK reports whether Verify found nothing wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verify checks the archive in dir: each organization's manifest chain,
// that its files are in hour order, that every closed file it lists exists
// (or was pruned), has its SHA-256 and decodes to the records listed, and
// that no closed file is missing from it. Open files are not checked: they
// are being written. It only reads, so it runs while a mediator writes; a
// problem that a concurrent rotation can cause for an instant (a file
// renamed but not yet chained) is checked a second time before being
// reported (the archive chains a file, then renames it from its .open
// name). The error is for I/O failures that stop the verification.
//
// The chain makes edits evident to anyone holding a later hash; someone
// able to rewrite the whole manifest can recompute it, so keep the newest
// hash elsewhere for that threat.
func Verify(dir string) (*Report, error) {
	dirs, err := orgDirs(dir)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	for _, d := range dirs {
		n, probs, err := verifyOrg(filepath.Join(dir, d), orgName(d))
		if err != nil {
			return nil, err
		}
		if racy(probs) {
			time.Sleep(200 * time.Millisecond)
			if n, probs, err = verifyOrg(filepath.Join(dir, d), orgName(d)); err != nil {
				return nil, err
			}
		}
		rep.Files += n
		rep.Problems = append(rep.Problems, probs...)
	}
	if len(rep.Problems) > 0 {
		rep.FirstBroken = rep.Problems[0].Path
	}
	return rep, nil
}

func racy(probs []Problem) bool {
	for _, p := range probs {
		if p.Kind == ProblemMissing || p.Kind == ProblemUnlisted {
			return true
		}
	}
	return false
}

func verifyOrg(odir, org string) (int, []Problem, error) {
	// The directory is listed before the manifest is read: a writer chains
	// a file before renaming it, so a file listed as closed here is in the
	// manifest read after.
	files, _, err := listDir(odir)
	if err != nil {
		return 0, nil, err
	}
	mpath := filepath.Join(odir, manifestName)
	lines, _, _, err := readManifest(mpath)
	if err != nil {
		return 0, nil, err
	}
	var probs []Problem
	add := func(path string, kind ProblemKind, hour time.Time, part int, format string, args ...any) {
		probs = append(probs, Problem{Organization: org, Path: path, Kind: kind, Detail: fmt.Sprintf(format, args...), hour: hour, part: part})
	}

	prev, seq, resync := "", uint64(0), false
	var lastFile *diskFile
	listed := map[string]manifestRecord{}
	var order []string
	pruned := map[string]bool{}
	for _, l := range lines {
		if l.err != nil {
			add(mpath, ProblemChain, time.Time{}, 0, "line %d does not parse: %v", l.n, l.err)
			resync = true
			continue
		}
		r := l.rec
		path, hour, part := mpath, time.Time{}, 0
		var fileOK bool
		if r.File != "" {
			path = filepath.Join(odir, r.File)
			var open bool
			hour, part, open, fileOK = parseFileName(r.File)
			fileOK = fileOK && !open && filepath.Base(r.File) == r.File
		}
		if r.Hash != r.computeHash() {
			add(path, ProblemChain, hour, part, "manifest line %d was edited: its hash does not match its content", l.n)
		}
		if !resync && (r.Prev != prev || r.Seq != seq+1) {
			add(path, ProblemChain, hour, part, "manifest line %d does not follow line %d: previous hash or sequence differs (line removed, inserted or re-ordered)", l.n, l.n-1)
		}
		resync = false
		prev, seq = r.Hash, r.Seq
		for _, p := range r.PrunedFiles {
			pruned[p] = true
		}
		if r.File == "" {
			continue
		}
		if !fileOK {
			add(path, ProblemOrder, hour, part, "manifest line %d names %q, not an archive file name", l.n, r.File)
			continue
		}
		if r.Hour != "" && !r.hour().Equal(hour) {
			add(path, ProblemOrder, hour, part, "manifest line %d: file name and hour %s differ", l.n, r.Hour)
		}
		d := diskFile{name: r.File, hour: hour, part: part}
		if _, dup := listed[r.File]; dup {
			add(path, ProblemOrder, hour, part, "manifest line %d lists the file a second time", l.n)
			continue
		}
		if lastFile != nil && !lastFile.before(d) {
			add(path, ProblemOrder, hour, part, "manifest line %d: file comes after %s in the chain but is not newer", l.n, lastFile.name)
		}
		lastFile = &d
		listed[r.File] = r
		order = append(order, r.File)
	}

	onDisk := map[string]bool{}
	openNow := map[string]bool{}
	for _, f := range files {
		if f.open {
			openNow[fileName(f.hour, f.part)] = true
			continue
		}
		onDisk[f.name] = true
		if _, ok := listed[f.name]; !ok && !pruned[f.name] {
			add(f.path, ProblemUnlisted, f.hour, f.part, "closed file is not in the manifest")
		}
	}
	checked := 0
	for _, name := range order {
		r := listed[name]
		path := filepath.Join(odir, name)
		hour, part, _, _ := parseFileName(name)
		if !onDisk[name] {
			switch {
			case pruned[name]:
			case openNow[name]:
				add(path, ProblemMissing, hour, part, "file of the manifest is still under its .open name: a crash while closing it (the next Open completes the rename)")
			default:
				add(path, ProblemMissing, hour, part, "file of the manifest is missing and was not pruned")
			}
			continue
		}
		checked++
		sum, _, err := hashFile(path)
		if err != nil {
			if os.IsNotExist(err) && pruned[name] {
				continue
			}
			return 0, nil, fmt.Errorf("verify %s: %w", path, err)
		}
		if sum != r.SHA256 {
			add(path, ProblemChecksum, hour, part, "SHA-256 %s, manifest has %s", sum, r.SHA256)
			continue
		}
		st, err := readFile(path, 0, nil)
		if err != nil {
			return 0, nil, fmt.Errorf("verify %s: %w", path, err)
		}
		switch {
		case st.decompressErr != nil:
			add(path, ProblemDecode, hour, part, "does not decode after %d records: %v", st.records, st.decompressErr)
		case st.records != r.Records || st.last != r.LastSeq || st.first != r.FirstSeq || st.raw != r.RawBytes:
			add(path, ProblemDecode, hour, part, "holds %d records %d-%d, manifest says %d records %d-%d", st.records, st.first, st.last, r.Records, r.FirstSeq, r.LastSeq)
		}
	}
	slices.SortStableFunc(probs, func(a, b Problem) int {
		if c := a.hour.Compare(b.hour); c != 0 {
			return c
		}
		if a.part != b.part {
			return a.part - b.part
		}
		return strings.Compare(a.Path, b.Path)
	})
	return checked, probs, nil
}
