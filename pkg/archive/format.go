package archive

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

const (
	// closedExt ends a closed (hashed, chained) archive file.
	closedExt = ".arc.zst"
	// openExt ends the file being written: the suffix makes an unclosed
	// file visible without reading the manifest, and the rename on close is
	// atomic.
	openExt = ".arc.zst.open"
	// tmpExt ends a recovery rewrite in progress; leftovers are removed.
	tmpExt       = ".tmp"
	manifestName = "MANIFEST"
	hourLayout   = "2006-01-02T15"
)

// MaxRecordSize bounds one record's value. It also bounds what a reader
// allocates for a corrupt length field.
const MaxRecordSize = 64 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt marks a chunk whose header, checksum or records are wrong.
var errCorrupt = errors.New("corrupt record")

// fileName names the archive file of an hour; part > 0 when the hour was
// already closed once (a restart within the hour).
func fileName(hour time.Time, part int) string {
	s := hour.UTC().Format(hourLayout)
	if part > 0 {
		s += "." + strconv.Itoa(part)
	}
	return s + closedExt
}

// parseFileName is the inverse of fileName, open files included.
func parseFileName(name string) (hour time.Time, part int, open, ok bool) {
	switch {
	case strings.HasSuffix(name, openExt):
		name, open = strings.TrimSuffix(name, openExt), true
	case strings.HasSuffix(name, closedExt):
		name = strings.TrimSuffix(name, closedExt)
	default:
		return time.Time{}, 0, false, false
	}
	if len(name) < len(hourLayout) {
		return time.Time{}, 0, false, false
	}
	hour, err := time.Parse(hourLayout, name[:len(hourLayout)])
	if err != nil {
		return time.Time{}, 0, false, false
	}
	if rest := name[len(hourLayout):]; rest != "" {
		if rest[0] != '.' {
			return time.Time{}, 0, false, false
		}
		part, err = strconv.Atoi(rest[1:])
		if err != nil || part <= 0 || strconv.Itoa(part) != rest[1:] {
			return time.Time{}, 0, false, false
		}
	}
	return hour, part, open, true
}

// orgName maps an organization directory name back to the organization
// (the inverse of event.OrgDirName; "default" stays "default").
func orgName(dir string) string {
	if !strings.Contains(dir, "%") {
		return dir
	}
	var b strings.Builder
	for i := 0; i < len(dir); i++ {
		if dir[i] == '%' && i+2 < len(dir) {
			if v, err := strconv.ParseUint(dir[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(dir[i])
	}
	return b.String()
}

// The decompressed stream is a sequence of chunks, each a group of
// records with one CRC:
//
//	magic (1 byte, 0xA7) | records (uvarint) | payload length (uvarint) |
//	CRC32C (4 bytes, little endian) over the two uvarints and the payload |
//	payload
//
// and the payload holds the records, each
//
//	value length (uvarint) | first - previous record's last (zigzag varint;
//	the previous is 0 for a chunk's first record) | last - first (uvarint) |
//	value
//
// Why chunks and not a CRC per record: a CRC is 4 random bytes that do not
// compress, and sequences written whole are 16 bytes that compress poorly;
// on the loghub lines (129 bytes on average, 12 compressed) a fixed
// 24-byte record header with its own CRC held the ratio to 5.4:1. A chunk
// ends at every Sync and at chunkTarget bytes, so what Sync made durable
// is always whole chunks, and a reader never returns a record of a chunk
// whose CRC fails.
const (
	chunkMagic = 0xA7
	// chunkTarget ends a chunk: bounds the memory held per open file and
	// what a damaged chunk takes with it.
	chunkTarget = 64 << 10
	// maxChunkRecords and maxChunkPayload bound what a reader accepts (and
	// allocates) for a corrupt header.
	maxChunkRecords = 1 << 16
	maxChunkPayload = MaxRecordSize + chunkTarget + 3*binary.MaxVarintLen64
)

// chunk collects records until written.
type chunk struct {
	payload []byte
	n       int
	prev    uint64
}

func (c *chunk) add(first, last uint64, value []byte) {
	c.payload = binary.AppendUvarint(c.payload, uint64(len(value)))
	c.payload = binary.AppendVarint(c.payload, int64(first-c.prev))
	c.payload = binary.AppendUvarint(c.payload, last-first)
	c.payload = append(c.payload, value...)
	c.prev = last
	c.n++
}

func (c *chunk) full() bool {
	return len(c.payload) >= chunkTarget || c.n >= maxChunkRecords
}

// header returns the chunk's header.
func (c *chunk) header() []byte {
	h := make([]byte, 1, 1+2*binary.MaxVarintLen64+4)
	h[0] = chunkMagic
	h = binary.AppendUvarint(h, uint64(c.n))
	h = binary.AppendUvarint(h, uint64(len(c.payload)))
	crc := crc32.Update(crc32.Checksum(h[1:], castagnoli), castagnoli, c.payload)
	return binary.LittleEndian.AppendUint32(h, crc)
}

func (c *chunk) reset() {
	c.payload = c.payload[:0]
	c.n = 0
	c.prev = 0
}

// writeTo writes the chunk (if it holds records) and empties it.
func (c *chunk) writeTo(w io.Writer) error {
	if c.n == 0 {
		return nil
	}
	if _, err := w.Write(c.header()); err != nil {
		return err
	}
	if _, err := w.Write(c.payload); err != nil {
		return err
	}
	c.reset()
	return nil
}

type record struct {
	first, last uint64
	value       []byte
}

// recordReader reads records from a decompressed stream, a chunk at a
// time.
type recordReader struct {
	r    *bufio.Reader
	recs []record
}

// next returns the next record. io.EOF means the stream ended on a chunk
// boundary; io.ErrUnexpectedEOF a chunk cut short (or a zstd stream that
// ends without its frame end: the normal state of an open file); any other
// error is corruption. The value is the caller's to keep.
func (rr *recordReader) next() (first, last uint64, value []byte, err error) {
	for len(rr.recs) == 0 {
		if err := rr.readChunk(); err != nil {
			return 0, 0, nil, err
		}
	}
	r := rr.recs[0]
	rr.recs = rr.recs[1:]
	return r.first, r.last, r.value, nil
}

// readChunk reads and checks a whole chunk before any record of it is
// returned.
func (rr *recordReader) readChunk() error {
	m, err := rr.r.ReadByte()
	if err != nil {
		return err // io.EOF: clean end
	}
	if m != chunkMagic {
		return fmt.Errorf("%w: bad chunk magic %#x", errCorrupt, m)
	}
	n, err := binary.ReadUvarint(rr.r)
	if err != nil {
		return unexpected(err)
	}
	size, err := binary.ReadUvarint(rr.r)
	if err != nil {
		return unexpected(err)
	}
	if n == 0 || n > maxChunkRecords || size > maxChunkPayload {
		return fmt.Errorf("%w: chunk of %d records, %d bytes", errCorrupt, n, size)
	}
	var crcb [4]byte
	if _, err := io.ReadFull(rr.r, crcb[:]); err != nil {
		return unexpected(err)
	}
	payload := make([]byte, size)
	if _, err := io.ReadFull(rr.r, payload); err != nil {
		return unexpected(err)
	}
	h := binary.AppendUvarint(nil, n)
	h = binary.AppendUvarint(h, size)
	if crc32.Update(crc32.Checksum(h, castagnoli), castagnoli, payload) != binary.LittleEndian.Uint32(crcb[:]) {
		return fmt.Errorf("%w: chunk checksum mismatch", errCorrupt)
	}
	recs := make([]record, 0, n)
	prev := uint64(0)
	p := payload
	for range n {
		l, k := binary.Uvarint(p)
		if k <= 0 {
			return fmt.Errorf("%w: record length", errCorrupt)
		}
		p = p[k:]
		d, k := binary.Varint(p)
		if k <= 0 {
			return fmt.Errorf("%w: record sequence", errCorrupt)
		}
		p = p[k:]
		span, k := binary.Uvarint(p)
		if k <= 0 {
			return fmt.Errorf("%w: record sequence", errCorrupt)
		}
		p = p[k:]
		if l > uint64(len(p)) {
			return fmt.Errorf("%w: record longer than its chunk", errCorrupt)
		}
		first := prev + uint64(d)
		recs = append(recs, record{first: first, last: first + span, value: p[:l:l]})
		prev = first + span
		p = p[l:]
	}
	if len(p) != 0 {
		return fmt.Errorf("%w: %d bytes after the chunk's records", errCorrupt, len(p))
	}
	rr.recs = recs
	return nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// newDecoder returns a single-goroutine zstd decoder: archives are read
// sequentially, and concurrency would only add memory. The memory cap
// bounds what a corrupt frame header can make the decoder allocate.
//
// Decoders are pooled: each holds a window-sized history buffer, and
// allocating (and zeroing) it per file dominated the cost of scanning
// small files.
func newDecoder(r io.Reader) (*zstd.Decoder, error) {
	if d, ok := decoders.Get().(*zstd.Decoder); ok {
		if err := d.Reset(r); err == nil {
			return d, nil
		}
		d.Close()
	}
	return zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30), zstd.WithDecoderMaxWindow(64<<20))
}

var decoders sync.Pool

// releaseDecoder returns d to the pool, dropping its reference to the
// reader.
func releaseDecoder(d *zstd.Decoder) {
	if err := d.Reset(nil); err != nil {
		d.Close()
		return
	}
	decoders.Put(d)
}

// fileStats is what decoding a file tells.
type fileStats struct {
	records, raw  int64
	first, last   uint64
	decompressErr error // the error that ended the stream; nil at a clean end
}

// readFile decodes the records of the archive file at path (at most limit
// compressed bytes when limit > 0), calling fn for each. It stops at the
// first error; fileStats counts the records read before it. A stream that
// ends cleanly leaves st.decompressErr nil.
func readFile(path string, limit int64, fn func(first, last uint64, value []byte) error) (st fileStats, err error) {
	f, err := os.Open(path)
	if err != nil {
		return st, err
	}
	defer f.Close()
	var r io.Reader = f
	if limit > 0 {
		r = io.LimitReader(f, limit)
	}
	st.decompressErr = readStream(r, &st, fn)
	return st, nil
}

// readStream is readFile on a reader. It returns the error that ended the
// stream (nil at a clean end) or fn's error.
func readStream(r io.Reader, st *fileStats, fn func(first, last uint64, value []byte) error) error {
	dec, err := newDecoder(r)
	if err != nil {
		return err
	}
	defer releaseDecoder(dec)
	rr := recordReader{r: bufio.NewReaderSize(dec, 64<<10)}
	for {
		first, last, value, err := rr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		st.records++
		st.raw += int64(len(value))
		if st.records == 1 {
			st.first = first
		}
		st.last = max(st.last, last)
		if fn != nil {
			if err := fn(first, last, value); err != nil {
				return &callbackError{err}
			}
		}
	}
}

// callbackError carries an error of the caller's function through readStream.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }
func (e *callbackError) Unwrap() error { return e.err }

// syncDir fsyncs a directory so that a create, rename or remove in it is
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// orgDirs lists the organization directories under dir.
func orgDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list organizations in %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// diskFile is one archive file found in an organization directory.
type diskFile struct {
	name string
	path string
	hour time.Time
	part int
	open bool
}

func (d diskFile) before(o diskFile) bool {
	if !d.hour.Equal(o.hour) {
		return d.hour.Before(o.hour)
	}
	return d.part < o.part
}

// listDir returns the archive files of one organization directory, oldest
// first, and the leftover temporary files.
func listDir(dir string) (files []diskFile, tmps []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("list archive files in %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		if strings.HasSuffix(name, tmpExt) {
			tmps = append(tmps, filepath.Join(dir, name))
			continue
		}
		hour, part, open, ok := parseFileName(name)
		if !ok {
			continue
		}
		files = append(files, diskFile{name: name, path: filepath.Join(dir, name), hour: hour, part: part, open: open})
	}
	sortFiles(files)
	return files, tmps, nil
}

func sortFiles(files []diskFile) {
	slices.SortStableFunc(files, func(a, b diskFile) int {
		switch {
		case a.before(b):
			return -1
		case b.before(a):
			return 1
		}
		return 0
	})
}
