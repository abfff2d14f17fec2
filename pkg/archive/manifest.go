package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// manifestRecord is one line of an organization's MANIFEST: a closed file
// or a prune. Hash is the SHA-256 of the record's JSON encoding without
// Hash (the field order below is the canonical order), and Prev the Hash of
// the line before, so editing, dropping or re-ordering lines breaks the
// chain.
type manifestRecord struct {
	Seq  uint64 `json:"seq"`
	File string `json:"file,omitempty"`
	// Hour is the hour of the file, RFC 3339 in UTC.
	Hour     string `json:"hour,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Bytes    int64  `json:"bytes,omitempty"`
	RawBytes int64  `json:"raw_bytes,omitempty"`
	Records  int64  `json:"records,omitempty"`
	FirstSeq uint64 `json:"first_seq,omitempty"`
	LastSeq  uint64 `json:"last_seq,omitempty"`
	// PrunedThrough is the hour of the newest file a prune removed;
	// PrunedFiles names every file it removed.
	PrunedThrough string   `json:"pruned_through,omitempty"`
	PrunedFiles   []string `json:"pruned_files,omitempty"`
	Prev          string   `json:"prev"`
	Hash          string   `json:"hash,omitempty"`
}

// computeHash returns the hash the record should carry.
func (m manifestRecord) computeHash() string {
	m.Hash = ""
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // a struct of strings and integers always marshals
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (m manifestRecord) hour() time.Time {
	t, _ := time.Parse(time.RFC3339, m.Hour)
	return t
}

// manifestLine is one complete line of a manifest as read.
type manifestLine struct {
	n   int // 1-based line number
	rec manifestRecord
	err error // the line does not parse
}

// readManifest reads the manifest at path. A last line without its newline
// is a write in progress or torn by a crash: it is not returned, and
// complete is the length of the complete lines. A missing manifest is
// empty.
func readManifest(path string) (lines []manifestLine, complete int64, torn bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, 0, false, nil
		}
		return nil, 0, false, fmt.Errorf("read manifest %s: %w", path, err)
	}
	n := 0
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return lines, complete, true, nil
		}
		line := data[:i]
		data = data[i+1:]
		complete += int64(i + 1)
		n++
		ml := manifestLine{n: n}
		if err := json.Unmarshal(line, &ml.rec); err != nil {
			ml.err = err
		}
		lines = append(lines, ml)
	}
	return lines, complete, false, nil
}

// appendManifest appends rec (Seq, Prev and Hash set here from seq and
// prev) to the manifest in dir and fsyncs it.
func appendManifest(dir string, rec manifestRecord, seq uint64, prev string) (manifestRecord, error) {
	rec.Seq = seq
	rec.Prev = prev
	rec.Hash = rec.computeHash()
	b, err := json.Marshal(rec)
	if err != nil {
		return rec, err
	}
	b = append(b, '\n')
	path := filepath.Join(dir, manifestName)
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return rec, fmt.Errorf("open manifest %s: %w", path, err)
	}
	if _, err = f.Write(b); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rec, fmt.Errorf("append to manifest %s: %w", path, err)
	}
	if os.IsNotExist(statErr) {
		if err := syncDir(dir); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// hashFile returns the SHA-256 (hex) and size of the file at path.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
