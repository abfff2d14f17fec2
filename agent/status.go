package agent

import (
	"slices"
	"time"

	"github.com/sluicehq/sluice/agent/journald"
	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/agent/webhook"
)

// Status is the body of the agent's GET /v1/status, and what its /metrics
// are made of: the two are views of the same counters.
type Status struct {
	// Kind is "agent", so that a client tells the daemons' statuses apart.
	Kind         string    `json:"kind"`
	ID           string    `json:"id"`
	Organization string    `json:"organization"`
	Hostname     string    `json:"hostname"`
	Version      string    `json:"version"`
	Started      time.Time `json:"started"`
	Uptime       float64   `json:"uptime_seconds"`
	// Mediators are the configured mediators, in priority order.
	Mediators []string `json:"mediators"`
	// Mediator is the mediator the agent sends to ("" between sessions),
	// MediatorID its id; LastMediator the one before it.
	Mediator       string    `json:"mediator"`
	MediatorID     string    `json:"mediator_id,omitempty"`
	LastMediator   string    `json:"last_mediator,omitempty"`
	LastMediatorID string    `json:"last_mediator_id,omitempty"`
	Connected      time.Time `json:"connected,omitzero"`
	LastAck        time.Time `json:"last_ack,omitzero"`
	// Stalled says why the uplink is stalled ("" while it moves).
	Stalled string          `json:"stalled,omitempty"`
	Spool   SpoolStatus     `json:"spool"`
	Uplink  uplink.Counters `json:"uplink"`
	Sources []SourceStatus  `json:"sources"`
}

// SpoolStatus is the spool's depth.
type SpoolStatus struct {
	// Entries and Bytes are unacknowledged.
	Entries int64 `json:"entries"`
	Bytes   int64 `json:"bytes"`
	// MaxBytes is max_spool_bytes (0: no cap).
	MaxBytes int64 `json:"max_bytes"`
	// Full says why the spool takes nothing now ("" while it does).
	Full string `json:"full,omitempty"`
}

// SourceStatus is one source's counters. Lines, Bytes and Truncated are
// what it committed to the spool (spool.SourceCount); the kind's own
// counters follow.
type SourceStatus struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	spool.SourceCount
	// Filtered is the lines include_lines / exclude_lines left out (not
	// in Lines).
	Filtered uint64          `json:"filtered"`
	Syslog   *syslog.Stats   `json:"syslog,omitempty"`
	Webhook  *webhook.Stats  `json:"webhook,omitempty"`
	Journal  *journald.Stats `json:"journal,omitempty"`
}

// sourceInfo is what the agent keeps of a source for its status.
type sourceInfo struct {
	id, kind string
	syslog   *syslog.Source
	webhook  *webhook.Source
	journal  *journald.Source
	// filter is the source's filtering store (nil without filters).
	filter *source.FilteredStore
}

// Status reports the agent's state and counters.
func (a *Agent) Status() Status {
	now := time.Now()
	us := a.uplink.Status()
	st := Status{
		Kind:           "agent",
		ID:             a.cfg.ID,
		Organization:   a.cfg.Organization,
		Hostname:       a.cfg.Hostname,
		Version:        a.version,
		Started:        a.started,
		Uptime:         now.Sub(a.started).Seconds(),
		Mediators:      slices.Clone(a.cfg.Mediators),
		Mediator:       us.Current,
		MediatorID:     us.CurrentID,
		LastMediator:   us.Last,
		LastMediatorID: us.LastID,
		Connected:      us.Connected,
		LastAck:        us.LastAck,
		Stalled:        a.uplink.Stalled(),
		Spool: SpoolStatus{
			Entries:  a.spool.Depth(),
			Bytes:    a.spool.Bytes(),
			MaxBytes: a.cfg.MaxSpoolBytes,
		},
		Uplink: a.uplink.Counters(),
	}
	if err := a.spool.Accepting(); err != nil {
		st.Spool.Full = err.Error()
	}
	if us.Current == "" {
		st.Connected = time.Time{}
	}
	counts := a.spool.Counts()
	for _, si := range a.info {
		ss := SourceStatus{ID: si.id, Kind: si.kind, SourceCount: counts[si.id]}
		if si.filter != nil {
			ss.Filtered = si.filter.Filtered()
		}
		if si.syslog != nil {
			s := si.syslog.Stats()
			ss.Syslog = &s
		}
		if si.webhook != nil {
			s := si.webhook.Stats()
			ss.Webhook = &s
		}
		if si.journal != nil {
			s := si.journal.Stats()
			ss.Journal = &s
		}
		st.Sources = append(st.Sources, ss)
	}
	return st
}
