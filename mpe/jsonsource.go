package mpe

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// JSON log sources (format = "json"): each line is one JSON object, such
// as a Windows event as winlogbeat ships it or an ARM event. Its fields
// become the event's fields as they are (nested objects flattened to
// dotted paths: {"winlog":{"event_id":4624}} is winlog.event_id), so ECS
// documents keep their ECS fields; rules then select on conditions over
// them and map the source's own fields to ECS.
//
//   - "message", when a string, is the event's message (and the raw line
//     is kept in event.original if the type says keep_original = true);
//     otherwise the message is the line.
//   - The first of the type's timestamp_fields that holds an RFC 3339
//     time is @timestamp (default ["@timestamp"]); a JSON @timestamp that
//     is not chosen is kept as event.created.
//   - Numbers are integers (int64) when integral, else floats; arrays of
//     scalars are string lists; arrays of objects are kept as JSON text.
//   - sluice.* fields the engine owns (classification, rule, seq, …) and
//     organization.id are ignored: a document cannot classify itself nor
//     claim another organization. Its own agent.* is kept (a Beat's
//     event forwarded through a webhook: that agent collected it first).
//
// A line that is not a JSON object is kept as is, flagged invalid_json;
// no rule of the type matches it.

// FlagInvalidJSON is added to sluice.flags when a line of a JSON log
// source type is not a JSON object.
const FlagInvalidJSON = "invalid_json"

// Fields JSON decoding may set besides the document's own.
const (
	fieldOriginal = "event.original"
	fieldCreated  = "event.created"
)

// engineOwned are the sluice.* fields a JSON document may not set.
var engineOwned = map[string]bool{
	event.FieldClassification: true, event.FieldCommonEvent: true, event.FieldRisk: true,
	event.FieldRule: true, FieldSubRule: true, FieldPriority: true, FieldIntel: true,
	event.FieldLogSourceType: true, event.FieldLogSource: true,
	event.FieldMediator: true, event.FieldOrganization: true, event.FieldSeq: true,
	event.FieldFlags: true, event.FieldCollected: true, event.FieldOriginalLength: true,
	FieldPanicRule: true, event.FieldOriginalTimestamp: true,
}

// decodeJSON reads line as a JSON object into ev.
func decodeJSON(ev *event.Event, line string, t *logSourceType) {
	d := json.NewDecoder(strings.NewReader(line))
	d.UseNumber()
	var doc map[string]any
	if err := d.Decode(&doc); err != nil || doc == nil {
		ev.AddFlag(FlagInvalidJSON)
		return
	}
	if m, ok := doc[event.FieldMessage].(string); ok {
		ev.Message = m
		if t.keepOriginal {
			ev.Set(fieldOriginal, line)
		}
	}
	tsField := ""
	for _, f := range t.tsFields {
		path := f
		if t.jsonPrefix != "" && strings.HasPrefix(f, t.jsonPrefix+".") {
			path = f[len(t.jsonPrefix)+1:]
		}
		if v, ok := lookupJSON(doc, path); ok {
			if ts, ok := jsonTime(v, t.loc); ok {
				ev.Timestamp = ts
				tsField = path
				break
			}
		}
	}
	for k, v := range doc {
		switch k {
		case event.FieldMessage:
			if _, ok := v.(string); ok {
				continue
			}
		case event.FieldTimestamp:
			if tsField != event.FieldTimestamp {
				if s, ok := v.(string); ok {
					ev.Set(fieldCreated, s)
				}
			}
			continue
		}
		if t.jsonPrefix != "" {
			k = t.jsonPrefix + "." + k
		}
		flatten(ev, k, v)
	}
}

// jsonTime reads a JSON time: an RFC 3339 string, or a number of Unix
// milliseconds (GitHub's audit log) or seconds.
func jsonTime(v any, loc *time.Location) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		ts, err := parseRFC3339(x, loc)
		return ts, err == nil
	case json.Number:
		n, err := x.Int64()
		switch {
		case err != nil || n <= 0:
		case n >= 1e11: // milliseconds: after 1973 as ms, after 5138 as seconds
			return time.UnixMilli(n).UTC(), true
		default:
			return time.Unix(n, 0).UTC(), true
		}
	}
	return time.Time{}, false
}

// lookupJSON finds a dotted path in a decoded document, either nested or
// as a key with dots.
func lookupJSON(doc map[string]any, path string) (any, bool) {
	if v, ok := doc[path]; ok {
		return v, true
	}
	var cur any = doc
	for seg := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// flatten sets the fields of a JSON value at path.
func flatten(ev *event.Event, path string, v any) {
	if engineOwned[path] || path == event.FieldMessage || path == event.FieldTimestamp {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			flatten(ev, path+"."+k, sub)
		}
	case string:
		ev.Set(path, x)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			ev.Set(path, n)
		} else if f, err := x.Float64(); err == nil {
			ev.Set(path, f)
		}
	case bool:
		ev.Set(path, x)
	case []any:
		list := make([]string, 0, len(x))
		for _, el := range x {
			switch y := el.(type) {
			case string:
				list = append(list, y)
			case json.Number:
				list = append(list, y.String())
			case bool:
				list = append(list, event.FormatValue(y))
			case nil:
			default:
				// Objects in an array have no flat form: keep the JSON.
				var b bytes.Buffer
				enc := json.NewEncoder(&b)
				enc.SetEscapeHTML(false)
				if enc.Encode(x) == nil {
					ev.Set(path, strings.TrimSpace(b.String()))
				}
				return
			}
		}
		ev.Set(path, list)
	}
}

// jsonTimestampDefault is the timestamp field of JSON types that name none.
var jsonTimestampDefault = []string{event.FieldTimestamp}
