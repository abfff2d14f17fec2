package mpe

// Sequential returns a view of rs that evaluates rules naively: every rule
// of a policy runs, in sort order, on every line, until one matches; no
// literal scan selects candidates and no automatic sort reorders them.
// Everything else (headers, captures, sub-rules, intel lists, event
// rules) is the same, and so is every event it makes: only the work done
// to find the rule differs.
//
// It is the baseline candidate selection is measured against (the MPE
// benchmarks of `go test -bench` and `make bench` report both and their
// ratio) and checked against (TestEngineMatchesNaive); the mediator never
// uses it. The view shares rs's rules and their statistics, and, like rs,
// is safe for concurrent use.
func (rs *RuleSet) Sequential() *RuleSet {
	if rs == nil {
		return nil
	}
	n := &RuleSet{
		rules: rs.rules, eventRules: rs.eventRules, intel: rs.intel, files: rs.files,
		webhooks: rs.webhooks, onPanic: rs.onPanic,
		types: make(map[string]*logSourceType, len(rs.types)),
	}
	for name, t := range rs.types {
		n.types[name] = &logSourceType{
			name: t.name, boxedName: t.boxedName, format: t.format, header: t.header,
			headerRE: t.headerRE, headerM: t.headerM, headerCaps: t.headerCaps, dissect: t.dissect, loc: t.loc,
			tsFields: t.tsFields, keepOriginal: t.keepOriginal, jsonPrefix: t.jsonPrefix, vendor: t.vendor, identify: t.identify,
			policy: t.policy, events: t.events,
			selector: newSequentialSelector(len(t.policy)),
		}
	}
	return n
}
