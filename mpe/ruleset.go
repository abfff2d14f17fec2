package mpe

import (
	"regexp"
	"sort"
	"time"
)

// RuleSet is a loaded, validated set of rules. It is immutable: Parse and
// RunTests may be called from any number of goroutines. To change rules,
// Load a new RuleSet and swap it in (an atomic.Pointer); a load that fails
// leaves the previous set in force.
type RuleSet struct {
	types map[string]*logSourceType
	rules []*rule // in load order
}

// logSourceType is a declared log source type and its policy.
type logSourceType struct {
	name      string
	boxedName any // name as an interface value, for event.Set
	header    headerKind
	loc       *time.Location
	// policy is the rules listing this type, by sort order then name.
	policy []*rule
	// selector picks the rules of policy worth trying on a line.
	selector *selector
}

// rule is a compiled rule.
type rule struct {
	name  string
	file  string
	line  int
	types []string
	order int

	re       *regexp.Regexp
	literals []string // every match contains all of these
	caps     []capture

	classification string
	commonEvent    string
	risk           int64
	fields         []staticField
	subs           []*subRule
	tests          []*ruleTest

	// meta holds name, classification and common event as interface
	// values, boxed once here rather than on every event.
	meta ruleMeta

	// canSet is every field an event this rule matched may have; it
	// catches expect keys and conditions that can never hold.
	canSet map[string]bool
}

// capture says where one capture group's value goes.
type capture struct {
	group int    // submatch index
	name  string // group name, for the labels.<name> fallback
	field string
	typ   valueType
	lower bool
	// shadow lists earlier groups writing the same field: when one of
	// them took part in the match, this one is ignored (a tag used
	// twice, typically in alternatives, takes its leftmost value).
	shadow []int
}

// staticField is a field a rule or sub-rule sets to a constant.
type staticField struct {
	path  string
	value any // string, int64, float64, bool or []string
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
	when           condition
	classification string // "" keeps the rule's
	commonEvent    string
	risk           int64 // -1 keeps the rule's
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

// Len returns the number of rules.
func (rs *RuleSet) Len() int {
	if rs == nil {
		return 0
	}
	return len(rs.rules)
}
