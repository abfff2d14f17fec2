package mediator

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/event"
)

// orgRules holds the organizations' own rule sets: one ruleKeeper per
// organization whose block names rules, each loading, testing, reloading
// and refusing a broken set on its own, exactly as the global keeper
// does. An organization's set is tried before the global one for its
// entries only (mpe.RuleSet.ProcessWithFallback).
//
// While no organization has rules of its own, process is the global
// set's Process behind one nil check (of the keepers' map), so a mediator
// without organization rules pays nothing for them.
type orgRules struct {
	webhooks *mpe.WebhookRunner
	logger   hclog.Logger

	// keepers maps an organization to its keeper, nil when none has
	// rules. The map is never changed once stored: replace builds a new
	// one, so the pipeline reads it without a lock.
	keepers atomic.Pointer[map[string]*ruleKeeper]
	mu      sync.Mutex // serialises replace
}

// newOrgRules loads the rules of every organization in orgs that has
// some. Any set that does not load, or whose tests fail, fails it with
// the organization named: the mediator does not start without them.
func newOrgRules(orgs []OrgConfig, webhooks *mpe.WebhookRunner, logger hclog.Logger) (*orgRules, error) {
	o := &orgRules{webhooks: webhooks, logger: logger}
	keepers := map[string]*ruleKeeper{}
	var errs []error
	for _, oc := range orgs {
		if len(oc.Rules) == 0 {
			continue
		}
		k, err := o.newKeeper(oc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		keepers[oc.Name] = k
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	o.store(keepers)
	return o, nil
}

// newKeeper loads the rules of one organization.
func (o *orgRules) newKeeper(oc OrgConfig) (*ruleKeeper, error) {
	return o.newKeeperFrom(oc, nil)
}

// newKeeperFrom loads the rules of one organization whose previous set
// was prev: rules of the same name keep counting into its statistics.
func (o *orgRules) newKeeperFrom(oc OrgConfig, prev *mpe.RuleSet) (*ruleKeeper, error) {
	k, err := newRuleKeeperFrom(slices.Clone(oc.Rules), o.webhooks, o.logger.With("organization", oc.Name), prev)
	if err != nil {
		return nil, fmt.Errorf("organization %q: %w", oc.Name, err)
	}
	return k, nil
}

// process parses an entry: with its organization's own set first when it
// has one, else with global alone. It is the pipeline's per-entry call.
func (o *orgRules) process(global *mpe.RuleSet, in *mpe.Entry, out []*event.Event) []*event.Event {
	if o != nil {
		if m := o.keepers.Load(); m != nil {
			if k := (*m)[in.Organization]; k != nil {
				return k.current.Load().ProcessWithFallback(global, in, out)
			}
		}
	}
	return global.Process(in, out)
}

// store puts keepers in force: nil when empty, which process skips.
func (o *orgRules) store(keepers map[string]*ruleKeeper) {
	if len(keepers) == 0 {
		o.keepers.Store(nil)
		return
	}
	o.keepers.Store(&keepers)
}

// keeper returns org's keeper, nil when it has no rules of its own.
func (o *orgRules) keeper(org string) *ruleKeeper {
	if o == nil {
		return nil
	}
	if m := o.keepers.Load(); m != nil {
		return (*m)[org]
	}
	return nil
}

// orgs returns the organizations with rules of their own, sorted.
func (o *orgRules) orgs() []string {
	if o == nil {
		return nil
	}
	m := o.keepers.Load()
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(*m))
	for org := range *m {
		out = append(out, org)
	}
	sort.Strings(out)
	return out
}

// reload reloads every organization's set, each on its own: a broken set
// is refused and that organization keeps its previous one while the
// others reload. The error names each organization refused.
func (o *orgRules) reload(why string) error {
	var errs []error
	for _, org := range o.orgs() {
		k := o.keeper(org)
		if k == nil {
			continue // removed meanwhile
		}
		if err := k.reload(why); err != nil {
			errs = append(errs, fmt.Errorf("organization %q: %w", org, err))
		}
	}
	return errors.Join(errs...)
}

// replace puts the rules of orgs in force, for a reload of the
// organizations' configuration: organizations that gained rules get a
// keeper, those whose rules were removed (or whose block was) lose
// theirs, those whose paths changed load the new paths. Each
// organization is atomic: one whose new rules fail keeps its previous set
// (or, new, gets none) and is named in the error; the others are applied.
// Keepers whose paths did not change are kept as they are, statistics
// and all.
func (o *orgRules) replace(orgs []OrgConfig) error {
	var errs []error
	want := map[string]bool{}
	for _, oc := range orgs {
		want[oc.Name] = true
		if err := o.set(oc.Name, oc.Rules); err != nil {
			errs = append(errs, err)
		}
	}
	for _, org := range o.orgs() {
		if !want[org] {
			_ = o.set(org, nil) // removing cannot fail
		}
	}
	return errors.Join(errs...)
}

// set puts one organization's rules in force (none: paths empty), leaving
// the others alone. New rules that fail are refused, the organization
// keeps its previous set (or, new, gets none), and the error names it.
func (o *orgRules) set(org string, paths []string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	next := map[string]*ruleKeeper{}
	if m := o.keepers.Load(); m != nil {
		next = maps.Clone(*m)
	}
	prev := next[org]
	switch {
	case len(paths) == 0:
		if prev != nil {
			delete(next, org)
			o.logger.Info("organization rules removed; its entries get the global rules", "organization", org)
		}
	case prev != nil && slices.Equal(prev.paths, paths):
		return nil
	default:
		var prevSet *mpe.RuleSet
		if prev != nil {
			prevSet = prev.current.Load()
		}
		k, err := o.newKeeperFrom(OrgConfig{Name: org, Rules: paths}, prevSet)
		if err != nil {
			o.logger.Error("organization rules refused; its previous rules stay in force", "organization", org, "error", err)
			return err
		}
		next[org] = k
		o.logger.Info("organization rules in force", "organization", org, "rules", k.current.Load().Len(), "paths", paths)
	}
	o.store(next)
	return nil
}

// watch reloads each organization's set when its files change, checking
// every interval until ctx ends. Keepers added by replace are watched
// from their first check after.
func (o *orgRules) watch(ctx context.Context, every time.Duration) {
	if o == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, org := range o.orgs() {
			if k := o.keeper(org); k != nil {
				k.reloadIfChanged()
			}
		}
	}
}
