package mpe

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// Rule tests never read the live intel lists. A feed downloader replaces
// a list's file at any time, and the mediator reloads the set only when
// every test passes: were tests run against the live lists, a feed that
// started listing an address a test uses would be refused, and the
// mediator would keep yesterday's indicators. So in a test every intel
// list holds only the values the test declares:
//
//	test {
//	  log    = "…203.0.113.66…"
//	  intel  = { "threat-ips" = ["203.0.113.66"] }
//	  expect = { "threat.feed.name" = "threat-ips" }
//	}
//
// and a test that declares none sees every list empty.

// intelFixture is a test's intel values: list name → values.
type intelFixture struct {
	lists map[string][]string
	rng   hcl.Range
}

// compileIntelFixture reads a test's intel attribute: a map from list
// names to a value or a list of values. Names and values are checked
// against the lists at load (RuleSet.checkFixture).
func compileIntelFixture(src *source, expr hcl.Expression, n int) (*intelFixture, hclconf.Errors) {
	if !present(expr) {
		return nil, nil
	}
	pairs, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		return nil, src.diags(diags)
	}
	var errs hclconf.Errors
	fx := &intelFixture{lists: map[string][]string{}, rng: expr.Range()}
	for _, kv := range pairs {
		name, ok := keyString(kv.Key)
		if !ok {
			errs = append(errs, src.errorf(kv.Key.Range(), "test %d: an intel key must be an intel list's name", n))
			continue
		}
		v, diags := kv.Value.Value(nil)
		if diags.HasErrors() {
			errs = append(errs, src.diags(diags)...)
			continue
		}
		x, err := staticValue(v)
		switch x := x.(type) {
		case string:
			fx.lists[name] = append(fx.lists[name], x)
		case []string:
			fx.lists[name] = append(fx.lists[name], x...)
		default:
			if err == nil {
				err = fmt.Errorf("must be a value or a list of values")
			}
			errs = append(errs, src.errorf(kv.Value.Range(), "test %d: intel %q: %v", n, name, err))
		}
	}
	return fx, errs
}

// checkFixture reports fixture names that are not intel lists of rs and
// values their list cannot hold.
func (rs *RuleSet) checkFixture(fx *intelFixture, n int) hclconf.Errors {
	if fx == nil {
		return nil
	}
	var errs hclconf.Errors
	for _, name := range sortedKeys(fx.lists) {
		l := rs.intelNamed(name)
		if l == nil {
			errs = append(errs, hclconf.Errorf(fx.rng, "test %d: intel: no intel_list %q", n, name))
			continue
		}
		probe := l.empty()
		for _, v := range fx.lists[name] {
			if err := probe.add(v); err != nil {
				errs = append(errs, hclconf.Errorf(fx.rng, "test %d: intel %q: %v", n, name, err))
			}
		}
	}
	return errs
}

func (rs *RuleSet) intelNamed(name string) *intelList {
	for _, l := range rs.intel {
		if l.name == name {
			return l
		}
	}
	return nil
}

// withFixture returns a view of rs for a test: the same types, rules and
// event rules, with every intel list holding only fx's values (none when
// fx is nil), and no webhook runner.
func (rs *RuleSet) withFixture(fx *intelFixture) *RuleSet {
	v := &RuleSet{types: rs.types, rules: rs.rules, eventRules: rs.eventRules, files: rs.files, onPanic: rs.onPanic}
	for _, l := range rs.intel {
		fl := l.empty()
		if fx != nil {
			for _, val := range fx.lists[l.name] {
				_ = fl.add(val) // checked at load
			}
		}
		v.intel = append(v.intel, fl)
	}
	return v
}
