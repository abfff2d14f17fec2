package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sluicehq/sluice/pkg/osfile"
)

// Record values are kept out of Badger, in segment files: append-only
// files of concatenated values, and Badger holds a small pointer to each.
//
// Why not Badger's own value log: it reclaims space only for files whose
// discard statistics say they are mostly garbage, and those statistics
// come from compacting the LSM tree. A queue's tree holds only keys and
// pointers, its memtable seldom fills, so the statistics never come and a
// drained queue keeps every byte it ever held. Values kept in the tree
// instead (Badger's default below 1 MiB) were copied into the memtable,
// flushed, compressed, compacted and decompressed again on every read:
// three quarters of the agent's and mediator's CPU (docs/performance.md).
//
// A FIFO needs neither: a segment whose records are all deleted is
// removed whole. Durability: a value is written and fsynced in its segment
// before the Badger transaction that points to it commits, so a durable
// pointer never points at bytes that a power loss could take back.

const (
	// segmentMin: smaller values (metadata, single entries) stay in Badger.
	segmentMin = 4 << 10
	// segmentMax is the size at which a new segment file is started.
	segmentMax = 64 << 20
	// pointerLen is the size of a pointer value: marker, segment, offset,
	// length, CRC-32C of the value.
	pointerLen = 2 + 4 + 8 + 4 + 4
	segmentDir = "records"
	segmentExt = ".seg"
)

// pointerMarker starts every pointer value. Values under segmentMin are
// stored in Badger itself, and the marker keeps one of 22 bytes from being
// taken for a pointer: callers store protobuf messages, and a protobuf
// message never starts with a zero byte (field number 0 is invalid).
var pointerMarker = [2]byte{0, 'S'}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// pointer locates a value in a segment.
type pointer struct {
	seg    uint32
	off    int64
	length uint32
	crc    uint32
}

func (p pointer) encode() []byte {
	b := make([]byte, pointerLen)
	copy(b, pointerMarker[:])
	binary.BigEndian.PutUint32(b[2:], p.seg)
	binary.BigEndian.PutUint64(b[6:], uint64(p.off))
	binary.BigEndian.PutUint32(b[14:], p.length)
	binary.BigEndian.PutUint32(b[18:], p.crc)
	return b
}

// decodePointer reports whether v is a pointer, and which.
func decodePointer(v []byte) (pointer, bool) {
	if len(v) != pointerLen || v[0] != pointerMarker[0] || v[1] != pointerMarker[1] {
		return pointer{}, false
	}
	return pointer{
		seg:    binary.BigEndian.Uint32(v[2:]),
		off:    int64(binary.BigEndian.Uint64(v[6:])),
		length: binary.BigEndian.Uint32(v[14:]),
		crc:    binary.BigEndian.Uint32(v[18:]),
	}, true
}

// errSegmentGone means a record's segment was removed: every record in it
// was deleted after the reader's snapshot was taken.
var errSegmentGone = errors.New("segment removed")

// segments is the set of segment files of one queue.
type segments struct {
	dir    string
	noSync bool

	mu      sync.RWMutex // writers hold it exclusively; readers share it
	files   map[uint32]*os.File
	live    map[uint32]int // records pointing into each segment
	cur     uint32         // the segment appended to
	size    int64          // its size
	written uint64         // writes so far

	syncMu sync.Mutex // one fsync at a time
	synced uint64     // writes known durable
}

// openSegments opens dir/records, keeping the segments live (records
// point into them) and removing the rest: leftovers of values whose
// transaction never committed, or of segments emptied before a crash.
func openSegments(dir string, noSync bool, live map[uint32]int) (*segments, error) {
	s := &segments{dir: filepath.Join(dir, segmentDir), noSync: noSync, files: map[uint32]*os.File{}, live: live}
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return nil, fmt.Errorf("create %s: %w", s.dir, err)
	}
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	found := map[uint32]bool{}
	for _, e := range ents {
		id, ok := segmentID(e.Name())
		if !ok {
			continue
		}
		found[id] = true
		s.cur = max(s.cur, id)
		if live[id] == 0 {
			if err := os.Remove(filepath.Join(s.dir, e.Name())); err != nil {
				return nil, err
			}
			continue
		}
		f, err := os.OpenFile(filepath.Join(s.dir, e.Name()), os.O_RDWR, 0)
		if err != nil {
			return nil, err
		}
		s.files[id] = f
	}
	var missing []string
	for id := range live {
		if !found[id] {
			missing = append(missing, segmentName(id))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		s.close()
		return nil, fmt.Errorf("records point into segment files that are missing from %s: %s", s.dir, strings.Join(missing, ", "))
	}
	// Appends go to a new segment: the newest one may end in bytes of
	// an append that never committed.
	if err := s.rotate(); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func segmentName(id uint32) string { return fmt.Sprintf("%08d%s", id, segmentExt) }

func segmentID(name string) (uint32, bool) {
	if !strings.HasSuffix(name, segmentExt) {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(name, segmentExt), 10, 32)
	return uint32(n), err == nil
}

// rotate starts a new segment; the caller holds mu (or is opening).
func (s *segments) rotate() error {
	if err := s.syncLocked(); err != nil {
		return err
	}
	id := s.cur + 1
	f, err := os.OpenFile(filepath.Join(s.dir, segmentName(id)), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("create segment: %w", err)
	}
	if !s.noSync {
		// The new name must survive a crash with the data in it.
		if err := osfile.SyncDir(s.dir); err != nil {
			_ = f.Close()
			return err
		}
	}
	old := s.cur
	s.files[id], s.cur, s.size = f, id, 0
	if s.live[old] == 0 {
		s.removeLocked(old)
	}
	return nil
}

// write appends v; syncThrough(p) then makes it durable, after which the
// pointer may be committed. The caller orders writes (the queue's lock).
func (s *segments) write(v []byte) (pointer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.size > 0 && s.size+int64(len(v)) > segmentMax {
		if err := s.rotate(); err != nil {
			return pointer{}, err
		}
	}
	f := s.files[s.cur]
	if _, err := f.WriteAt(v, s.size); err != nil {
		return pointer{}, fmt.Errorf("write segment %s: %w", segmentName(s.cur), err)
	}
	p := pointer{seg: s.cur, off: s.size, length: uint32(len(v)), crc: crc32.Checksum(v, crcTable)}
	s.size += int64(len(v))
	s.written++
	s.live[s.cur]++ // counted now: the segment must not go while the commit is pending
	return p, nil
}

// syncThrough makes every write up to and including number n durable.
// Concurrent callers share one fsync: whoever syncs covers every write
// made before it started (group commit).
func (s *segments) syncThrough(n uint64) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if s.synced >= n || s.noSync {
		return nil
	}
	s.mu.RLock()
	f, upto := s.files[s.cur], s.written
	s.mu.RUnlock()
	// Writes before a rotation were synced by it: only the current
	// segment can hold unsynced bytes.
	if err := osfile.SyncData(f); err != nil {
		return fmt.Errorf("sync segment: %w", err)
	}
	s.synced = upto
	return nil
}

// writes is the number of writes so far (what syncThrough takes).
func (s *segments) writes() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.written
}

// unwrite forgets a write whose transaction did not commit.
func (s *segments) unwrite(p pointer) { s.release([]pointer{p}) }

// syncLocked fsyncs the current segment; the caller holds mu.
func (s *segments) syncLocked() error {
	f := s.files[s.cur]
	if f == nil || s.noSync {
		return nil
	}
	if err := osfile.SyncData(f); err != nil {
		return fmt.Errorf("sync segment %s: %w", segmentName(s.cur), err)
	}
	return nil
}

// read returns a copy of the value p points to.
func (s *segments) read(p pointer) ([]byte, error) {
	s.mu.RLock()
	f := s.files[p.seg]
	s.mu.RUnlock()
	if f == nil {
		return nil, errSegmentGone
	}
	v := make([]byte, p.length)
	if _, err := f.ReadAt(v, p.off); err != nil {
		if errors.Is(err, os.ErrClosed) {
			return nil, errSegmentGone
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read segment %s at %d: %w", segmentName(p.seg), p.off, err)
	}
	if crc32.Checksum(v, crcTable) != p.crc {
		return nil, fmt.Errorf("segment %s at %d: checksum mismatch (the file was damaged)", segmentName(p.seg), p.off)
	}
	return v, nil
}

// release drops deleted records' references, removing segments that no
// record points into any more (never the one appended to).
func (s *segments) release(ps []pointer) {
	if len(ps) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range ps {
		s.live[p.seg]--
		if s.live[p.seg] <= 0 && p.seg != s.cur {
			s.removeLocked(p.seg)
		}
	}
}

func (s *segments) removeLocked(id uint32) {
	delete(s.live, id)
	if f := s.files[id]; f != nil {
		_ = f.Close()
		delete(s.files, id)
	}
	// A failed remove leaves a file the next open removes.
	_ = os.Remove(filepath.Join(s.dir, segmentName(id)))
}

// diskSize is the size of the segment files.
func (s *segments) diskSize() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var n int64
	for _, f := range s.files {
		if fi, err := f.Stat(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func (s *segments) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.syncLocked()
	for id, f := range s.files {
		err = errors.Join(err, f.Close())
		delete(s.files, id)
	}
	return err
}
