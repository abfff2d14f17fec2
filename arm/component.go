package arm

import (
	"regexp"
	"time"
)

// Kind is the kind of a component.
type Kind string

// Component kinds.
const (
	KindAgent    Kind = "agent"
	KindMediator Kind = "mediator"
)

// Status is a component's heartbeat status.
type Status string

// Statuses, in increasing severity.
const (
	StatusGreen  Status = "green"
	StatusYellow Status = "yellow"
	StatusRed    Status = "red"
)

// statusFor maps the number of missed warning intervals to a status.
func statusFor(missed int) Status {
	switch {
	case missed <= 0:
		return StatusGreen
	case missed == 1:
		return StatusYellow
	default:
		return StatusRed
	}
}

// severity orders statuses for sorting: red first.
func (s Status) severity() int {
	switch s {
	case StatusRed:
		return 2
	case StatusYellow:
		return 1
	}
	return 0
}

// validID is what component and ARM ids may look like (as the mediator
// accepts agent ids).
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)

// Component is what ARM knows of one agent or mediator: the JSON of the
// dashboard API and the record kept on disk.
type Component struct {
	ID           string `json:"id"`
	Kind         Kind   `json:"kind"`
	Hostname     string `json:"host"`
	Organization string `json:"organization"`
	Version      string `json:"version,omitempty"`
	Status       Status `json:"status"`
	// LastHeartbeat is when the latest heartbeat was sent, by ARM's clock
	// (the report's time minus the heartbeat's age at the mediator).
	LastHeartbeat time.Time `json:"last_heartbeat"`
	// HeartbeatTime is the time the component itself wrote in its latest
	// heartbeat; a large difference to LastHeartbeat means a skewed clock.
	HeartbeatTime time.Time `json:"heartbeat_time,omitzero"`
	// LastMediator is the Last Data Processor: the mediator the agent last
	// sent data to. Empty for mediators.
	LastMediator string `json:"last_mediator"`
	// CurrentMediator is the mediator the agent is connected to, as the
	// agent reported it ("" when it was between mediators).
	CurrentMediator string `json:"current_mediator,omitempty"`
	// PreviousMediator is the mediator the agent was on before its
	// current one ("" until it has moved).
	PreviousMediator string `json:"previous_mediator,omitempty"`
	// ReportedBy is the mediator that forwarded the latest heartbeat.
	ReportedBy string `json:"reported_by,omitempty"`
	SpoolDepth uint64 `json:"spool_depth,omitempty"`
	// Stalled is why the component's pipeline cannot make progress, as
	// its latest heartbeat says ("" while it moves): a mediator holding
	// entries nothing indexes, an agent whose spool grows unacknowledged.
	// Unlike Status it is the component's own verdict, not ARM's.
	Stalled string `json:"stalled,omitempty"`
	// StalledSince is when the heartbeat that first said so was sent (by
	// ARM's clock); a new wording of the reason keeps it.
	StalledSince time.Time `json:"stalled_since,omitzero"`
	// Warnings are what a mediator asks someone to look at although its
	// pipeline may move (index disk low, archive or retention failing),
	// as its latest heartbeat says, sorted by kind; none for agents. Like
	// Stalled, they are the component's own word, not ARM's.
	Warnings []Warning `json:"warnings,omitempty"`
	// Spool is the tag of the agent's spool incarnation, as its mediator
	// forwarded it ("" for mediators and hellos without one).
	Spool string `json:"spool,omitempty"`
	// DuplicateIdentity says that two agent processes (two spools)
	// present this agent id: a mediator refused one while the other was
	// connected, or their heartbeats alternate ("" when not).
	DuplicateIdentity string `json:"duplicate_identity,omitempty"`
	// DuplicateSince is when the heartbeat that first said so was sent,
	// DuplicateSeen the latest that did (both by ARM's clock): the
	// duplicate identity clears a warning interval after DuplicateSeen.
	DuplicateSince time.Time `json:"duplicate_since,omitzero"`
	DuplicateSeen  time.Time `json:"duplicate_seen,omitzero"`
	// WarningInterval is the component's heartbeat warning interval.
	WarningInterval Duration `json:"warning_interval"`
	// MissedIntervals counts full warning intervals without a heartbeat
	// (while ARM was running).
	MissedIntervals int       `json:"missed_intervals"`
	StatusSince     time.Time `json:"status_since"`
	FirstSeen       time.Time `json:"first_seen"`
	// History is the recent status changes and stalls, oldest first.
	// Only the single-component API returns it.
	History []Change `json:"history,omitempty"`
}

// Warning is one of a component's warnings. Kind is the component's
// stable key for it ("index_disk_low"), by which ARM tells a warning
// raised from one reworded; Text says what is wrong; Since is when the
// heartbeat that first carried it was sent (by ARM's clock), kept while
// the text changes.
type Warning struct {
	Kind  string    `json:"kind"`
	Text  string    `json:"text"`
	Since time.Time `json:"since"`
}

// Change is one status change of a component, or its pipeline stalling
// or resuming (then From and To are both the status it kept).
type Change struct {
	Time   time.Time `json:"time"`
	From   Status    `json:"from,omitempty"`
	To     Status    `json:"to"`
	Reason string    `json:"reason"`
}

// key identifies a component: an agent and a mediator may share an id.
func key(kind Kind, id string) string { return string(kind) + "/" + id }

// Key returns the component's identity within ARM.
func (c *Component) Key() string { return key(c.Kind, c.ID) }

// LastDataProcessor returns what the grid shows in that column.
func (c *Component) LastDataProcessor() string {
	if c.LastMediator != "" {
		return c.LastMediator
	}
	return c.CurrentMediator
}
