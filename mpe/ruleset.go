package mpe

import (
	"regexp"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/mpe/rematch"
)

// RuleSet is a loaded, validated set of rules, event rules and intel
// lists. It is immutable apart from its statistics: Parse, Process and
// RunTests may be called from any number of goroutines. To change rules,
// Load a new RuleSet and swap it in (an atomic.Pointer); a load that fails
// leaves the previous set in force.
type RuleSet struct {
	types      map[string]*logSourceType
	rules      []*rule      // in load order
	eventRules []*eventRule // in load order
	intel      []*intelList
	// intelFields are the event fields intel lists check, with the lists
	// that check each (see intelFieldIndex), built once: tagging then
	// walks the event's fields once instead of looking each list's
	// fields up.
	intelOnce   sync.Once
	intelFields intelFieldIndex
	// files is every file the set was read from: rule files and intel
	// lists, for the mediator's change detection.
	files []string

	webhooks *WebhookRunner
	onPanic  func(PanicInfo)
	panics   atomic.Uint64
	dropped  atomic.Uint64
	alarms   atomic.Uint64
	hooks    atomic.Uint64
}

// formatKind is how the lines of a log source type are read.
type formatKind uint8

const (
	formatText formatKind = iota // a line: header parser, then rules' patterns
	formatJSON                   // one JSON object per line: rules' conditions over its fields
)

var formatKinds = map[string]formatKind{"text": formatText, "json": formatJSON}

// logSourceType is a declared log source type and its policy.
type logSourceType struct {
	name      string
	boxedName any // name as an interface value, for event.Set
	format    formatKind
	header    headerKind
	// headerRE, when set, is the type's header_pattern: read before the
	// rules, its groups set header fields.
	headerRE   *regexp.Regexp
	headerM    *rematch.Regexp // headerRE, as the engine runs it
	headerCaps []capture
	// dissect, when set, is the type's header_format.
	dissect *dissectHeader
	loc     *time.Location
	// tsFields are the JSON fields that may hold the event time, in
	// order of preference (JSON types only).
	tsFields []string
	// keepOriginal keeps a JSON line in event.original when the
	// document's own message becomes the event's message.
	keepOriginal bool
	// jsonPrefix, when set, is where a JSON document's fields go
	// ({"action":…} is github.action with json_prefix = "github").
	jsonPrefix string
	// vendor, when set, names the device the type reads: its rules join
	// identification (see identify) and their events say what they read.
	vendor *vendorMeta
	// identify makes the policy also hold every vendor type's text rules
	// that can be selected by literals: one syslog listener serves many
	// devices (docs/rules.md, "Identifying devices").
	identify bool
	// policy is the rules listing this type, by sort order then name.
	policy []*rule
	// selector picks the rules of policy worth trying on a line.
	selector *selector
	// events are the event rules that apply to this type, in order.
	events []*eventRule
	// auto, when set, re-sorts rules of equal sort_order by how often
	// they match (LogRhythm's automatic sort).
	auto *autoSort
	// fields is the most fields an event of the type has had (see
	// fieldsHint).
	fields atomic.Int32
	stats  typeCounters
}

// Sizes of an event's field slice: a first guess, and a cap on what is
// reserved whatever one event had.
const (
	minFields = 16
	maxFields = 64
)

// fieldsHint is how many fields to make room for in a new event of the
// type: as many as its events have had, so that the slice is allocated
// once at the size it will reach. Reserving a fixed 32 was most of the
// bytes the engine allocated per line (a field is 32 bytes), and
// collecting them a good part of its time.
func (t *logSourceType) fieldsHint() int { return max(int(t.fields.Load()), minFields) }

// sawFields records that an event of the type got n fields.
func (t *logSourceType) sawFields(n int) {
	n = min(n, maxFields)
	for {
		cur := t.fields.Load()
		if int(cur) >= n || t.fields.CompareAndSwap(cur, int32(n)) {
			return
		}
	}
}

// vendorMeta is what a vendor log source type writes into the events of
// its rules, boxed once.
type vendorMeta struct {
	vendor, product, module, dataset any
}

// The fields a vendor type's rules set (ECS).
const (
	fieldObserverVendor  = "observer.vendor"
	fieldObserverProduct = "observer.product"
	fieldEventModule     = "event.module"
	fieldEventDataset    = "event.dataset"
)

var vendorFields = []string{fieldObserverVendor, fieldObserverProduct, fieldEventModule, fieldEventDataset}

// rule is a compiled rule.
type rule struct {
	name  string
	file  string
	line  int
	types []string
	order int

	re       *regexp.Regexp  // text types
	m        *rematch.Regexp // re, as the engine runs it
	starts   []string        // strings one of which every match of re starts with (see leadingLiterals)
	when     *condition      // JSON types: the condition that selects the rule
	literals [][]string      // every line the rule matches has a member of each group
	caps     []capture

	// vendor is the vendor of the first of types that has one.
	vendor *vendorMeta

	classification string
	commonEvent    string
	risk           int64
	weight         float64 // classification weight, for the priority
	fields         []staticField
	maps           []fieldMap
	subs           []*subRule
	tests          []*ruleTest

	// ext reads the rule's structured payload (extract = "kv" or "csv");
	// condX are the extracted fields (kv.<key>, csv.<column>) its
	// sub-rules' conditions read.
	ext   *extractor
	condX []string

	// meta holds name, classification and common event as interface
	// values, boxed once here rather than on every event.
	meta ruleMeta

	// canSet is every field an event this rule matched may have; it
	// catches expect keys and conditions that can never hold.
	canSet map[string]bool
	// schema types those fields for sub-rule conditions.
	schema *schema

	stats *counters
}

// capture says where one capture group's value goes.
type capture struct {
	group  int    // submatch index
	name   string // group name, for the labels.<name> fallback
	field  string
	typ    valueType
	lower  bool
	layout string         // typeTime
	values map[string]any // a lookup table, from the tag
	// shadow lists earlier groups writing the same field: when one of
	// them took part in the match, this one is ignored (a tag used
	// twice, typically in alternatives, takes its leftmost value).
	shadow []int
	// siblings names the other fields an address or url value sets.
	siblings *siblingFields
	// numeric reads times of a fixed-width numeric layout quickly.
	numeric *numericLayout
	// label is labels.<name>, where a value that does not fit the type
	// goes.
	label string
}

// newCapture describes group (of a pattern; 0 for a header_format value)
// named name, which writes path with the type of tag t (nil: a string).
func newCapture(group int, name, path string, t *tag) capture {
	c := capture{group: group, name: name, field: path, label: "labels." + name}
	if t != nil {
		c.typ, c.lower, c.layout, c.values = t.typ, t.lower, t.layout, t.values
	}
	c.siblings = newSiblingFields(path, c.typ)
	if c.typ == typeTime {
		c.numeric = compileNumericLayout(c.layout)
	}
	return c
}

// staticField is a field a rule or sub-rule sets to a constant.
type staticField struct {
	path  string
	value any // string, int64, float64, bool or []string
}

// fieldMap copies the first present of from to the field to.
type fieldMap struct {
	to   string
	from []string
	// xkey[i], for a rule with an extractor, is the key (kv) or column
	// (csv) from[i] reads, or "" when from[i] is a field of the event;
	// typed says how such a value is stored: as the tag of to types it.
	xkey  []string
	typed capture
	fns   []mapFunc // per source: nil copies, else converts (see mapfunc.go)
	args  []string
	typ   *types.Type // the functions' type, when one is used
}

// ruleMeta is a rule's or sub-rule's metadata, ready for event.Set.
type ruleMeta struct {
	name, classification, commonEvent any
}

func newRuleMeta(name, classification, commonEvent string) ruleMeta {
	return ruleMeta{name: name, classification: classification, commonEvent: commonEvent}
}

// subRule refines an event its rule matched.
type subRule struct {
	name           string
	when           *condition
	classification string // "" keeps the rule's
	commonEvent    string
	risk           int64   // -1 keeps the rule's
	weight         float64 // of classification, when set
	fields         []staticField
	meta           ruleMeta
}

// Types returns the log source types that have a policy (at least one
// rule), sorted.
func (rs *RuleSet) Types() []string {
	if rs == nil {
		return nil
	}
	var out []string
	for name, t := range rs.types {
		if len(t.policy) > 0 {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// SelectionLiterals returns the literals candidate selection looks for in
// every line of log source type typ: the patterns of that policy's
// Aho–Corasick automaton (package acscan), in the order it numbers them.
// It is nil for a type without a policy, or whose rules have no literal
// worth selecting on. The acscan benchmarks scan corpus lines for these
// sets; the engine does not call it.
func (rs *RuleSet) SelectionLiterals(typ string) []string {
	if rs == nil || rs.types[typ] == nil || rs.types[typ].selector == nil {
		return nil
	}
	return slices.Clone(rs.types[typ].selector.lits)
}

// Len returns the number of rules (not counting event rules).
func (rs *RuleSet) Len() int {
	if rs == nil {
		return 0
	}
	return len(rs.rules)
}

// EventRules returns the number of event rules.
func (rs *RuleSet) EventRules() int {
	if rs == nil {
		return 0
	}
	return len(rs.eventRules)
}

// Files returns every file the set was loaded from, rule files and intel
// lists, sorted: the mediator watches them and reloads when one changes.
func (rs *RuleSet) Files() []string {
	if rs == nil {
		return nil
	}
	return slices.Clone(rs.files)
}
