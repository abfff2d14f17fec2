package mediator

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// OrgConfig is one top-level `organization "NAME" {}` block: how the
// mediator shares its work with that organization, what it may use, and
// its own rules (docs/tenancy.md). A block may name an organization no
// agent uses yet (pre-provisioning).
type OrgConfig struct {
	Name string
	// DedicatedWorkers gives the organization its own MPE workers and
	// index writer (0: it uses the shared pool).
	DedicatedWorkers int
	// Weight is its share of the shared pool against the others'
	// (default 1).
	Weight int
	// MaxEventsPerSecond is the entries per second all its agents
	// together may send (0: no limit).
	MaxEventsPerSecond int
	// MaxBacklogBytes bounds its entries waiting in state (0: no limit
	// but the mediator's own suspense).
	MaxBacklogBytes int64
	// MaxAgents is how many of its agents may be connected at once (-1:
	// no limit but the mediator's max_agents; 0 refuses all).
	MaxAgents int
	// Rules are its own rule folders and files, tried before the global
	// rules of the same log source type; its events only.
	Rules []string

	// DefRange is where the block is (for messages).
	DefRange hcl.Range
}

// DefaultOrgConfig is what an organization without a block gets.
func DefaultOrgConfig(name string) OrgConfig {
	return OrgConfig{Name: name, Weight: 1, MaxAgents: -1}
}

// Bounds of the organization settings: beyond them a value is a typo.
const (
	maxOrgWeight  = 1000
	maxOrgWorkers = 256
)

type organizationBlock struct {
	Name               string   `hcl:"name,label"`
	DedicatedWorkers   *int     `hcl:"dedicated_workers,optional"`
	Weight             *int     `hcl:"weight,optional"`
	MaxEventsPerSecond *int     `hcl:"max_events_per_second,optional"`
	MaxBacklogBytes    string   `hcl:"max_backlog_bytes,optional"`
	MaxAgents          *int     `hcl:"max_agents,optional"`
	Rules              []string `hcl:"rules,optional"`

	DefRange  hcl.Range `hcl:",def_range"`
	NameRange hcl.Range `hcl:"name,label_range"`
	Body      hcl.Body  `hcl:",body"`
}

// organizations reads the top-level organization blocks, in file order.
func (schema *fileSchema) organizations(cfg *Config) hclconf.Errors {
	var errs hclconf.Errors
	seen := map[string]bool{}
	for i := range schema.Organizations {
		ob := &schema.Organizations[i]
		set := hclconf.NewSettings(ob.Body, ob.DefRange)
		name := ob.Name
		switch {
		case strings.TrimSpace(name) == "" || strings.ContainsAny(name, "/\x00"):
			set.Add(hclconf.Errorf(ob.NameRange, "organization %q: a name must not be empty or hold '/'", name))
		case seen[name]:
			set.Add(hclconf.Errorf(ob.NameRange, "organization %q appears twice", name))
		}
		seen[name] = true
		oc := DefaultOrgConfig(name)
		oc.DefRange, oc.Rules = ob.DefRange, ob.Rules
		set.Int("dedicated_workers", ob.DedicatedWorkers, &oc.DedicatedWorkers, hclconf.Between(0, maxOrgWorkers))
		set.Int("weight", ob.Weight, &oc.Weight, hclconf.Between(1, maxOrgWeight))
		set.Int("max_events_per_second", ob.MaxEventsPerSecond, &oc.MaxEventsPerSecond, hclconf.Positive[int]().OrZero("no limit"))
		set.Size("max_backlog_bytes", ob.MaxBacklogBytes, &oc.MaxBacklogBytes, hclconf.Between[int64](1<<20, maxDiskBytes).OrZero("no limit"))
		set.Int("max_agents", ob.MaxAgents, &oc.MaxAgents, hclconf.Between(0, 1000000))
		for _, r := range ob.Rules {
			if strings.TrimSpace(r) == "" {
				set.Errorf("rules", "rules: an empty path")
			}
		}
		errs = append(errs, set.Errors()...)
		cfg.Organizations = append(cfg.Organizations, oc)
	}
	return errs
}

// Organization returns the settings of org: its block's, or the defaults.
func (c *Config) Organization(org string) OrgConfig {
	if o, ok := c.organizationBlock(org); ok {
		return o
	}
	return DefaultOrgConfig(org)
}

// organizationBlock returns org's block, if the file has one.
func (c *Config) organizationBlock(org string) (OrgConfig, bool) {
	if i := slices.IndexFunc(c.Organizations, func(o OrgConfig) bool { return o.Name == org }); i >= 0 {
		return c.Organizations[i], true
	}
	return OrgConfig{}, false
}
