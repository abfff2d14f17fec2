package webhook

// Idempotency keys (draft-ietf-httpapi-idempotency-key-header). A sender
// that got no answer cannot tell whether its request was committed: the
// agent may have died between the spool commit and the 200. Retrying
// then duplicates its lines, unless the request carries an
// Idempotency-Key: the agent stores the key in the same spool
// transaction as the lines, so after any crash either both are there
// (the retry is answered from the key) or neither is (the retry is
// committed as new).

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sluicehq/sluice/agent/source"
)

// Idempotency settings and headers.
const (
	// IdempotencyKeyHeader is the request header carrying the key.
	IdempotencyKeyHeader = "Idempotency-Key"
	// ReplayedHeader marks an answer given from a key's memory: the
	// request was committed before, and nothing was stored this time.
	ReplayedHeader = "Idempotent-Replayed"
	// MaxIdempotencyKeyBytes is the longest key accepted.
	MaxIdempotencyKeyBytes = 255
	// DefaultIdempotencyWindow is how long a committed key is remembered.
	DefaultIdempotencyWindow = 24 * time.Hour
	// DefaultMaxIdempotencyKeys bounds the keys remembered (about 200
	// bytes of memory and 130 of spool each); past it the oldest go first.
	DefaultMaxIdempotencyKeys = 100_000
	// MaxIdempotencyWindow and MaxIdempotencyKeysLimit bound the settings.
	MaxIdempotencyWindow    = 30 * 24 * time.Hour
	MaxIdempotencyKeysLimit = 10_000_000

	// keySweepInterval is how often Run drops expired keys when no
	// request does it on the way.
	keySweepInterval = time.Minute
	// maxDropsPerCommit bounds the deletions of expired or evicted keys
	// that ride along with one request's commit.
	maxDropsPerCommit = 256
	// keyRecordVersion is the first byte of a key's spool record.
	keyRecordVersion = 1
)

// errKeyInvalid is wrapped by ParseIdempotencyKey's errors.
var errKeyInvalid = errors.New("invalid " + IdempotencyKeyHeader)

// ParseIdempotencyKey reads the header's value: a Structured Fields
// string as the draft specifies ("\"8e03978e-…\"", with \" and \\
// escapes), or the bare token most clients send (8e03978e-…). The key is
// 1 to MaxIdempotencyKeyBytes printable ASCII characters.
func ParseIdempotencyKey(v string) (string, error) {
	v = strings.Trim(v, " \t")
	if len(v) >= 2 && v[0] == '"' {
		if v[len(v)-1] != '"' {
			return "", fmt.Errorf("%w: unterminated quoted string", errKeyInvalid)
		}
		var b strings.Builder
		in := v[1 : len(v)-1]
		for i := 0; i < len(in); i++ {
			c := in[i]
			switch {
			case c == '\\':
				i++
				if i == len(in) || (in[i] != '"' && in[i] != '\\') {
					return "", fmt.Errorf("%w: only \\\" and \\\\ may be escaped", errKeyInvalid)
				}
				c = in[i]
			case c == '"':
				return "", fmt.Errorf("%w: unescaped quote inside the string", errKeyInvalid)
			}
			b.WriteByte(c)
		}
		v = b.String()
	}
	if v == "" {
		return "", fmt.Errorf("%w: empty", errKeyInvalid)
	}
	if len(v) > MaxIdempotencyKeyBytes {
		return "", fmt.Errorf("%w: %d bytes, at most %d", errKeyInvalid, len(v), MaxIdempotencyKeyBytes)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return "", fmt.Errorf("%w: byte %d is not printable ASCII", errKeyInvalid, i)
		}
	}
	return v, nil
}

// keyID is a key's SHA-256: what is held and stored, whatever the key's
// length or characters.
type keyID [sha256.Size]byte

// fingerprint identifies a request's content: same key and same
// fingerprint is a retry, same key and another fingerprint a mistake.
type fingerprint [sha256.Size]byte

func requestFingerprint(mediaType string, body []byte) fingerprint {
	h := sha256.New()
	h.Write([]byte(mediaType))
	h.Write([]byte{0})
	h.Write(body)
	return fingerprint(h.Sum(nil))
}

// keyEntry is a committed key.
type keyEntry struct {
	id     keyID
	at     time.Time // when its request was committed (the source's clock)
	fp     fingerprint
	answer acceptedBody
}

// stateKey is the entry's spool record key: its commit time first, so a
// later commit of the same key (after this one expired) is another
// record, and deleting this one never deletes that.
func (e *keyEntry) stateKey() string {
	return fmt.Sprintf("%016x/%x", uint64(e.at.UnixNano()), e.id[:])
}

func (e *keyEntry) record() source.StateRecord {
	v := make([]byte, 0, 1+len(e.fp)+2*binary.MaxVarintLen64)
	v = append(v, keyRecordVersion)
	v = append(v, e.fp[:]...)
	v = binary.AppendUvarint(v, uint64(e.answer.Accepted))
	v = binary.AppendUvarint(v, uint64(e.answer.Truncated))
	return source.StateRecord{Key: e.stateKey(), Value: v}
}

// parseKeyRecord reads a record written by record.
func parseKeyRecord(key string, v []byte) (*keyEntry, error) {
	at, id, ok := strings.Cut(key, "/")
	if !ok || len(at) != 16 || len(id) != 2*sha256.Size {
		return nil, fmt.Errorf("key record %q: malformed key", key)
	}
	ns, err := strconv.ParseUint(at, 16, 64)
	if err != nil {
		return nil, fmt.Errorf("key record %q: %w", key, err)
	}
	e := &keyEntry{at: time.Unix(0, int64(ns))}
	if _, err := hex.Decode(e.id[:], []byte(id)); err != nil {
		return nil, fmt.Errorf("key record %q: %w", key, err)
	}
	if len(v) < 1+len(e.fp) || v[0] != keyRecordVersion {
		return nil, fmt.Errorf("key record %q: unknown format", key)
	}
	copy(e.fp[:], v[1:])
	rest := v[1+len(e.fp):]
	acc, n := binary.Uvarint(rest)
	if n <= 0 {
		return nil, fmt.Errorf("key record %q: bad accepted count", key)
	}
	tr, m := binary.Uvarint(rest[n:])
	if m <= 0 || n+m != len(rest) || acc > MaxLinesLimit || tr > acc {
		return nil, fmt.Errorf("key record %q: bad counts", key)
	}
	e.answer = acceptedBody{Accepted: int(acc), Truncated: int(tr)}
	return e, nil
}

// keyVerdict is what begin found for a key.
type keyVerdict int

const (
	keyNew      keyVerdict = iota // not seen: commit the request
	keyReplay                     // committed with the same body: answer again
	keyMismatch                   // committed with another body: 422
	keyBusy                       // its request is being committed: 409
)

// keyStats are the key table's counters.
type keyStats struct {
	Held, Expired, Evicted uint64
}

// keyTable holds the keys committed within the window, at most max of
// them, and the keys whose requests are being committed. Expired and
// evicted keys leave memory at once and the spool with a later commit
// (or the periodic sweep): until then a crash brings them back, and the
// load drops them again.
type keyTable struct {
	window time.Duration
	max    int

	mu    sync.Mutex
	done  map[keyID]*keyEntry
	order []*keyEntry // committed, about oldest first; may hold replaced entries
	busy  map[keyID]fingerprint
	drops []source.StateRecord // spool records to delete
	keyStats
}

func newKeyTable(window time.Duration, max int) *keyTable {
	return &keyTable{window: window, max: max, done: map[keyID]*keyEntry{}, busy: map[keyID]fingerprint{}}
}

// load adds the entries read from the spool, oldest first; those expired
// or over the cap, and unreadable records, are dropped.
func (t *keyTable) load(now time.Time, read func(fn func(key string, value []byte) error) error) (bad int, err error) {
	var es []*keyEntry
	err = read(func(key string, value []byte) error {
		e, perr := parseKeyRecord(key, value)
		if perr != nil {
			bad++
			t.drops = append(t.drops, source.StateRecord{Key: key})
			return nil
		}
		es = append(es, e)
		return nil
	})
	if err != nil {
		return bad, err
	}
	slices.SortStableFunc(es, func(a, b *keyEntry) int { return a.at.Compare(b.at) })
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range es {
		if old := t.done[e.id]; old != nil {
			// A record whose deletion a crash lost: the later one counts.
			t.drops = append(t.drops, source.StateRecord{Key: old.stateKey()})
		}
		t.done[e.id] = e
		t.order = append(t.order, e)
	}
	t.sweepLocked(now)
	return bad, nil
}

// begin looks the key up and, when it is new, marks it busy: the caller
// then calls committed or release.
func (t *keyTable) begin(id keyID, fp fingerprint, now time.Time) (keyVerdict, acceptedBody) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweepLocked(now)
	if _, ok := t.busy[id]; ok {
		return keyBusy, acceptedBody{}
	}
	if e := t.done[id]; e != nil && !t.expired(e, now) {
		if e.fp != fp {
			return keyMismatch, acceptedBody{}
		}
		return keyReplay, e.answer
	}
	t.busy[id] = fp
	return keyNew, acceptedBody{}
}

// records are what a request's commit stores besides its lines: its
// key's record, and deletions of expired and evicted keys due. Give
// them back with release if the commit fails.
func (t *keyTable) records(e *keyEntry) []source.StateRecord {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := min(len(t.drops), maxDropsPerCommit)
	out := make([]source.StateRecord, 0, 1+n)
	out = append(out, t.drops[:n]...)
	t.drops = t.drops[n:]
	if len(t.drops) == 0 {
		t.drops = nil
	}
	return append(out, e.record())
}

// committed records the key of a request whose commit succeeded.
func (t *keyTable) committed(e *keyEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.busy, e.id)
	t.done[e.id] = e
	t.order = append(t.order, e)
	t.sweepLocked(e.at)
}

// release forgets a key whose request was not committed, and takes back
// the deletions its commit was to carry.
func (t *keyTable) release(id keyID, recs []source.StateRecord) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.busy, id)
	for _, r := range recs {
		if r.Value == nil {
			t.drops = append(t.drops, r)
		}
	}
}

// takeDrops hands out the deletions due, for a commit of their own.
func (t *keyTable) takeDrops(now time.Time) []source.StateRecord {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweepLocked(now)
	out := t.drops
	t.drops = nil
	return out
}

func (t *keyTable) expired(e *keyEntry, now time.Time) bool {
	return !now.Before(e.at.Add(t.window))
}

// sweepLocked drops expired keys and, past max, the oldest ones. Entries
// are about in commit order (requests finish out of order by a commit's
// time at most), so both look at the front only.
func (t *keyTable) sweepLocked(now time.Time) {
	n := 0
	for n < len(t.order) {
		e := t.order[n]
		live := t.done[e.id] == e
		switch {
		case !live:
		case t.expired(e, now):
			delete(t.done, e.id)
			t.Expired++
		case len(t.done) > t.max:
			delete(t.done, e.id)
			t.Evicted++
		default:
			t.order = t.order[n:]
			t.Held = uint64(len(t.done))
			return
		}
		t.drops = append(t.drops, source.StateRecord{Key: e.stateKey()})
		t.order[n] = nil
		n++
	}
	t.order = nil
	t.Held = uint64(len(t.done))
}

func (t *keyTable) stats() keyStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.keyStats
}
