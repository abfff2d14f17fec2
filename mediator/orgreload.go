package mediator

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"

	"github.com/sluicehq/sluice/pkg/serve"
)

// OrgReloadResult is what a reload of the organization blocks did (the
// body of POST /v1/config/reload).
type OrgReloadResult struct {
	// Applied are the organizations whose settings changed and are in
	// force now; Unchanged those whose block did not change.
	Applied   []string `json:"applied"`
	Unchanged []string `json:"unchanged"`
	// Refused are organizations whose new settings did not take (their
	// rules do not load or their tests fail), with why: their previous
	// settings stay in force, whole.
	Refused map[string]string `json:"refused,omitempty"`
}

// errNoConfigFile is returned by a reload of a mediator not started from
// a file.
var errNoConfigFile = errors.New("the mediator was not started from a configuration file: nothing to read again")

// ReloadOrganizations reads the configuration file again and puts its
// organization blocks in force without a restart (SIGHUP and POST
// /v1/config/reload do this): weights, quotas, dedicated workers and own
// rules. Each organization changes whole or not at all: one whose new
// rules are refused keeps all its previous settings, and the others
// change. A file that does not load changes nothing. Settings outside
// the organization blocks take a restart.
func (m *Mediator) ReloadOrganizations() (OrgReloadResult, error) {
	res := OrgReloadResult{Refused: map[string]string{}}
	if m.cfg.Path == "" {
		return res, errNoConfigFile
	}
	m.orgReload.Lock()
	defer m.orgReload.Unlock()
	cfg, err := LoadConfig(m.cfg.Path)
	if err != nil {
		m.logger.Error("configuration reload: the file does not load; organization settings unchanged", "error", err)
		return res, fmt.Errorf("reload %s: %w", m.cfg.Path, err)
	}
	old := m.orgs.configured()
	next := make([]OrgConfig, 0, len(cfg.Organizations))
	names := map[string]bool{}
	for _, o := range cfg.Organizations {
		names[o.Name] = true
	}
	for name := range old {
		names[name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		was, had := old[name]
		now := cfg.Organization(name)
		_, has := cfg.organizationBlock(name)
		if !had {
			was = DefaultOrgConfig(name)
		}
		if sameOrgConfig(was, now) {
			res.Unchanged = append(res.Unchanged, name)
			if had {
				next = append(next, was)
			}
			continue
		}
		if err := m.applyOrgRules(name, was, now); err != nil {
			res.Refused[name] = err.Error()
			m.logger.Error("configuration reload: organization settings refused; its previous settings stay in force", "organization", name, "error", err)
			if had {
				next = append(next, was)
			}
			continue
		}
		res.Applied = append(res.Applied, name)
		m.logger.Info("configuration reload: organization settings changed", "organization", name,
			"weight", now.Weight, "dedicated_workers", now.DedicatedWorkers, "max_events_per_second", now.MaxEventsPerSecond,
			"max_backlog_bytes", now.MaxBacklogBytes, "max_agents", now.MaxAgents, "rules", now.Rules)
		if has {
			next = append(next, now)
		}
	}
	m.orgs.replace(next)
	m.pipeline.reconfigured()
	if len(res.Refused) == 0 {
		res.Refused = nil
	}
	return res, nil
}

// applyOrgRules puts org's new rules in force when they changed (nil: they
// load and pass their tests, or did not change).
func (m *Mediator) applyOrgRules(org string, was, now OrgConfig) error {
	if slices.Equal(was.Rules, now.Rules) {
		return nil
	}
	return m.orgRules.set(org, now.Rules)
}

// sameOrgConfig compares two organizations' settings, not where they were
// written.
func sameOrgConfig(a, b OrgConfig) bool {
	a.DefRange = b.DefRange
	if len(a.Rules) == 0 && len(b.Rules) == 0 {
		a.Rules, b.Rules = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

func (m *Mediator) handleConfigReload(w http.ResponseWriter, _ *http.Request) {
	res, err := m.ReloadOrganizations()
	if err != nil {
		serve.WriteJSON(w, http.StatusUnprocessableEntity, errorResponse{err.Error()})
		return
	}
	code := http.StatusOK
	if len(res.Refused) > 0 {
		code = http.StatusUnprocessableEntity
	}
	serve.WriteJSON(w, code, res)
}
