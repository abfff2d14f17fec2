package mpe

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/pkg/event"
)

// FieldSubRule holds the name of the sub-rule that refined the event.
const FieldSubRule = "sluice.sub_rule"

// metaNames are the short names tests and conditions use for the LogRhythm
// metadata of an event.
var metaNames = map[string]string{
	"classification": event.FieldClassification,
	"common_event":   event.FieldCommonEvent,
	"risk":           event.FieldRisk,
	"rule":           event.FieldRule,
	"sub_rule":       FieldSubRule,
	"priority":       FieldPriority,
	"intel":          FieldIntel,
}

// engineFields are set by the engine on every event (or may be: flags and
// original length depend on the entry), with their CEL types.
var engineFields = map[string]*types.Type{
	event.FieldTimestamp:      types.TimestampType,
	event.FieldMessage:        types.StringType,
	event.FieldLogSourceType:  types.StringType,
	event.FieldLogSource:      types.StringType,
	event.FieldAgent:          types.StringType,
	FieldAgentName:            types.StringType,
	FieldAgentType:            types.StringType,
	FieldAgentVersion:         types.StringType,
	event.FieldMediator:       types.StringType,
	event.FieldOrganization:   types.StringType,
	event.FieldSeq:            types.IntType,
	event.FieldCollected:      types.TimestampType,
	event.FieldFlags:          types.NewListType(types.StringType),
	event.FieldOriginalLength: types.IntType,
	event.FieldClassification: types.StringType,
	FieldPriority:             types.IntType,
}

// matchedFields are set on every event a rule matched.
var matchedFields = map[string]*types.Type{
	event.FieldCommonEvent: types.StringType,
	event.FieldRisk:        types.IntType,
	event.FieldRule:        types.StringType,
}

// intelFieldTypes are what intel tagging sets.
var intelFieldTypes = map[string]*types.Type{
	FieldIntel:            types.NewListType(types.StringType),
	fieldIndicatorType:    types.StringType,
	fieldIndicatorValue:   types.StringType,
	fieldIndicatorField:   types.StringType,
	fieldIndicatorFeed:    types.StringType,
	fieldIndicatorMatched: types.StringType,
}

// jsonFields are what JSON decoding may set besides the document's fields.
var jsonFields = map[string]*types.Type{
	fieldOriginal: types.StringType,
	fieldCreated:  types.StringType,
}

// valueCELType is the CEL type of values a capture of type t stores.
func valueCELType(t valueType) *types.Type {
	switch t {
	case typeInt, typePort:
		return types.IntType
	case typeTime:
		return types.TimestampType
	}
	return types.StringType
}

// resolveName maps a name as a rule author writes it (a capture group, an
// expect key, a condition reference, a fields key) to a dotted field path:
//
//   - a name with a dot is a dotted path already ("source.ip");
//   - @timestamp and message are themselves;
//   - a tag name maps to the tag's field (login → user.name);
//   - a meta name maps to sluice.* (classification → sluice.classification);
//   - a name with "__" is a dotted path written the only way a regexp group
//     name allows (http__request__method → http.request.method);
//   - any other name is a custom field, labels.<name>.
//
// The tag is returned when the name is one, so callers can apply its type.
func resolveName(name string, lib tagLibrary) (string, *tag) {
	switch {
	case strings.Contains(name, "."):
		return name, nil
	case name == event.FieldTimestamp || name == event.FieldMessage:
		return name, nil
	}
	if t, ok := lib[name]; ok {
		return t.field, t
	}
	if m, ok := metaNames[name]; ok {
		return m, nil
	}
	if strings.Contains(name, "__") {
		return strings.ReplaceAll(name, "__", "."), nil
	}
	return "labels." + name, nil
}

// checkPath reports whether path is a well-formed dotted field path:
// segments of letters, digits, '_' and '-', starting with a letter,
// digit, '_' or '@'.
func checkPath(path string) error {
	if path == "" {
		return fmt.Errorf("empty field name")
	}
	for seg := range strings.SplitSeq(path, ".") {
		if seg == "" {
			return fmt.Errorf("field %q has an empty segment", path)
		}
		for i, c := range seg {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
			case c == '-' && i > 0:
			case c == '@' && i == 0:
			default:
				return fmt.Errorf("field %q: %q is not allowed in a field name (use letters, digits, '_' and '.')", path, c)
			}
		}
	}
	return nil
}

// reserved reports why a rule may not write path itself, or "".
func reserved(path string) string {
	switch {
	case path == event.FieldTimestamp || path == event.FieldMessage:
		return path + " is set by the engine"
	case path == event.FieldClassification:
		return "use the classification attribute"
	case path == event.FieldCommonEvent:
		return "use the common_event attribute"
	case path == event.FieldRisk:
		return "use the risk attribute"
	case strings.HasPrefix(path, "sluice."):
		return "sluice.* fields are set by the engine"
	}
	return ""
}

// outcomes are the values ECS allows for event.outcome.
var outcomes = map[string]bool{"success": true, "failure": true, "unknown": true}
