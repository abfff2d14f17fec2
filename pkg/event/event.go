// Package event defines the parsed event that flows from the MPE to the
// indexers: Elastic Common Schema fields addressed by dotted paths, plus the
// LogRhythm metadata Sluice keeps under "sluice.*".
package event

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Well-known field paths. ECS names where ECS has one (agent.id,
// organization.id, host.hostname, …); sluice.* for what is Sluice's own:
// the LogRhythm metadata (classification, common event, risk, rule) and
// the facts of collection ECS has no field for (log source and its type,
// mediator, spool sequence, collection time, flags). The mediator is not
// ECS observer.*: that names the device that saw the event (a firewall's
// rules set it), not the relay that parsed it. The collection time is not
// event.created: JSON sources keep a document's own unused @timestamp
// there.
const (
	FieldTimestamp      = "@timestamp"
	FieldMessage        = "message"
	FieldClassification = "sluice.classification"
	FieldCommonEvent    = "sluice.common_event"
	FieldRisk           = "sluice.risk"
	FieldRule           = "sluice.rule"
	FieldLogSourceType  = "sluice.log_source_type"
	FieldLogSource      = "sluice.log_source"
	// FieldAgent is the id of the agent that collected the entry (ECS
	// agent.id; sluice.agent before).
	FieldAgent    = "agent.id"
	FieldMediator = "sluice.mediator"
	// FieldOrganization is the organization (tenant) the entry was
	// collected for (ECS organization.id; sluice.organization before).
	FieldOrganization   = "organization.id"
	FieldSeq            = "sluice.seq"
	FieldFlags          = "sluice.flags"
	FieldCollected      = "sluice.collected"
	FieldOriginalLength = "sluice.original_length"
	FieldHostname       = "host.hostname"
	FieldOutcome        = "event.outcome"
	FieldKind           = "event.kind"
)

// Flags recorded in sluice.flags when a line needed care.
const (
	FlagTruncated   = "truncated"
	FlagInvalidUTF8 = "invalid_utf8"
	FlagError       = "processing_error"
)

// An event whose time is too far in the past or the future for the index
// to file it under is filed under its collection time instead (the
// mediator's max_past_age, max_future_skew): FlagTimestampOutOfRange
// marks it and FieldOriginalTimestamp keeps its own time.
const (
	FieldOriginalTimestamp  = "sluice.original_timestamp"
	FlagTimestampOutOfRange = "timestamp_out_of_range"
)

// ClassificationUnknown is the classification of a line no rule matched.
const ClassificationUnknown = "Unknown"

// DefaultOrganization is used when an agent does not name one.
const DefaultOrganization = "default"

// Field is one dotted-path field of an event. Value is one of string, int64,
// float64, bool or []string.
type Field struct {
	Key   string
	Value any
}

// Event is one parsed log entry, ready to be indexed.
type Event struct {
	// ID is the deterministic document id (see DocID): a resend of the same
	// entry produces the same id, so indexing is idempotent.
	ID string
	// Organization selects the index partition.
	Organization string
	// Timestamp is @timestamp: parsed from the line where possible, the
	// collection time otherwise.
	Timestamp time.Time
	// Message is the raw line (valid UTF-8; see FlagInvalidUTF8).
	Message string

	fields []Field
	// keys has the bit keyBit(k) set for the key k of every field (and of
	// fields since deleted): a key whose bit is clear is not there, so a
	// new field is appended and a missing one reported without comparing
	// keys. An event gets ~20 fields, each set after searching those
	// before it, and the searches were most of the cost of setting them.
	keys uint64
}

// keyBit returns the bit of keys that stands for key: a mix of its length
// and its last and middle byte, two loads. The factors are those that
// best tell apart the fields of the corpus's events, so that the fields
// nearly every event has (sluice.*, host, process, log) get bits of
// their own: one new key in 40 finds its bit taken (one in 10 with the
// first factors tried).
func keyBit(key string) uint64 {
	n := len(key)
	if n == 0 {
		return 1
	}
	return 1 << ((uint(n)*15 + uint(key[n-1])*6 + uint(key[n/2])*13) & 63)
}

// DocID is the document id of the entry seq of agentID, from a spool
// without an incarnation (see SpoolDocID). It sorts by sequence within an
// agent, which keeps index B-tree inserts local.
func DocID(agentID string, seq uint64) string {
	return SpoolDocID(agentID, "", seq)
}

// SpoolDocID is the document id of the entry seq of agentID's spool with
// tag spool (SpoolTag): "AGENT:SPOOL-SEQ" (the sequence in 16 hex
// digits), or DocID's "AGENT-SEQ" when spool is "" (entries spooled before
// incarnations existed keep the id they always had, so re-indexing them
// stays idempotent). Two spools of one agent id number their entries from
// their creation times, which can overlap (two hosts set up in the same
// second); the spool keeps their documents apart. ':' never occurs in an
// agent id, so the two forms cannot produce the same id.
func SpoolDocID(agentID, spool string, seq uint64) string {
	var b strings.Builder
	b.Grow(len(agentID) + len(spool) + 18)
	b.WriteString(agentID)
	if spool != "" {
		b.WriteByte(':')
		b.WriteString(spool)
	}
	b.WriteByte('-')
	h := strconv.FormatUint(seq, 16)
	for i := len(h); i < 16; i++ {
		b.WriteByte('0')
	}
	b.WriteString(h)
	return b.String()
}

// IncarnationLen is the length of a spool incarnation id: 16 lowercase
// hex digits, 64 random bits.
const IncarnationLen = 16

// NewIncarnation returns a new random spool incarnation id.
func NewIncarnation() (string, error) {
	var b [IncarnationLen / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("spool incarnation: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// SpoolTag is the public name of a spool incarnation ("" for none): what
// document ids, logs, refusals, heartbeats and ARM show, 16 hex digits of
// a hash of it. The incarnation itself is never shown: whoever presents
// an agent id with its incarnation shares that spool's resend high-water
// mark at the mediator, and could have its entries acknowledged and
// dropped, so it stays in the spool, the hello and the mediator's state.
func SpoolTag(incarnation string) string {
	if incarnation == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("sluice spool " + incarnation))
	return hex.EncodeToString(sum[:IncarnationLen/2])
}

// ValidIncarnation reports whether s is a spool incarnation id as
// NewIncarnation makes them.
func ValidIncarnation(s string) bool {
	if len(s) != IncarnationLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Grow makes room for n more fields without reallocating: the MPE calls it
// once per event instead of growing the slice field by field.
func (e *Event) Grow(n int) {
	if cap(e.fields)-len(e.fields) < n {
		f := make([]Field, len(e.fields), len(e.fields)+n)
		copy(f, e.fields)
		e.fields = f
	}
}

// Set sets the field key to v, replacing an existing value. A nil v, an
// empty string or an empty slice removes the field.
func (e *Event) Set(key string, v any) {
	if isEmpty(v) {
		e.Delete(key)
		return
	}
	bit := keyBit(key)
	if e.keys&bit != 0 {
		for i := range e.fields {
			if e.fields[i].Key == key {
				e.fields[i].Value = v
				return
			}
		}
	}
	e.keys |= bit
	e.fields = append(e.fields, Field{Key: key, Value: v})
}

// SetDefault sets key to v only if the event has no value for it yet.
func (e *Event) SetDefault(key string, v any) {
	if _, ok := e.Get(key); !ok {
		e.Set(key, v)
	}
}

// Delete removes the field key.
func (e *Event) Delete(key string) {
	if e.keys&keyBit(key) == 0 {
		return
	}
	for i := range e.fields {
		if e.fields[i].Key == key {
			e.fields = append(e.fields[:i], e.fields[i+1:]...)
			return
		}
	}
}

// Get returns the value of key. @timestamp and message are served from the
// struct fields.
func (e *Event) Get(key string) (any, bool) {
	switch key {
	case FieldTimestamp:
		if e.Timestamp.IsZero() {
			return nil, false
		}
		return e.Timestamp, true
	case FieldMessage:
		return e.Message, true
	}
	if e.keys&keyBit(key) == 0 {
		return nil, false
	}
	for i := range e.fields {
		if e.fields[i].Key == key {
			return e.fields[i].Value, true
		}
	}
	return nil, false
}

// GetString returns the value of key formatted as a string ("" if unset).
func (e *Event) GetString(key string) string {
	v, ok := e.Get(key)
	if !ok {
		return ""
	}
	return FormatValue(v)
}

// AddFlag appends flag to sluice.flags once.
func (e *Event) AddFlag(flag string) {
	v, _ := e.Get(FieldFlags)
	flags, _ := v.([]string)
	for _, f := range flags {
		if f == flag {
			return
		}
	}
	e.Set(FieldFlags, append(append([]string(nil), flags...), flag))
}

// Fields returns the event's fields other than @timestamp and message, in
// the order they were set. The slice must not be modified.
func (e *Event) Fields() []Field { return e.fields }

// Clone returns a deep-enough copy: the field slice is copied, values are
// immutable by convention.
func (e *Event) Clone() *Event {
	c := *e
	c.fields = append([]Field(nil), e.fields...)
	return &c
}

// FormatValue renders a field value as a string, the way conditions and
// templates see it.
func FormatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []string:
		return strings.Join(x, ",")
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case nil:
		return ""
	default:
		return ""
	}
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	}
	return false
}
