package mediator

import (
	"sync/atomic"
)

// orgTable is the organization settings in force. A reload swaps the
// whole table at once, so every reader sees each organization's settings
// either all old or all new.
type orgTable struct {
	m atomic.Pointer[map[string]OrgConfig]
}

func newOrgTable(orgs []OrgConfig) *orgTable {
	t := &orgTable{}
	t.replace(orgs)
	return t
}

// replace puts orgs in force.
func (t *orgTable) replace(orgs []OrgConfig) {
	m := make(map[string]OrgConfig, len(orgs))
	for _, o := range orgs {
		m[o.Name] = o
	}
	t.m.Store(&m)
}

// get returns org's settings: its block's, or the defaults.
func (t *orgTable) get(org string) OrgConfig {
	if o, ok := (*t.m.Load())[org]; ok {
		return o
	}
	return DefaultOrgConfig(org)
}

// configured returns the organizations that have a block.
func (t *orgTable) configured() map[string]OrgConfig {
	return *t.m.Load()
}
