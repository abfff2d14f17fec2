package arm

import (
	"fmt"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// What ARM events are called and how they are classified, LogRhythm style.
const (
	CommonEventMissing  = "Missing Heartbeat Warning"
	CommonEventReturned = "Heartbeat Returned"

	// LogSourceType is the log source type of ARM events in mediator
	// state: the MPE policy that parses them selects on it.
	LogSourceType = "sluice-arm"
	// SourceID is the log source id of ARM events.
	SourceID = "arm"

	classificationMissing  = "Warning"
	classificationReturned = "Information"
	defaultOrganization    = event.DefaultOrganization
)

// Risk of the events: a silent mediator strands every agent it serves, so
// it weighs more than a silent agent; red weighs more than yellow.
const (
	riskAgentYellow    = 4
	riskAgentRed       = 6
	riskMediatorYellow = 6
	riskMediatorRed    = 8
	riskReturned       = 1
)

// EventAgentID is the agent id under which mediators store the events of
// the ARM with id armID; with the outbox sequence it makes the document id.
func EventAgentID(armID string) string { return "arm-" + armID }

// buildEvent turns a transition into the ECS event mediators index.
// Everything in it derives from the transition, so a redelivered event is
// the same document.
func buildEvent(armID string, tr Transition) *event.Event {
	c := &tr.Component
	iv := time.Duration(c.WarningInterval)
	ev := &event.Event{Timestamp: tr.Time, Organization: c.Organization}
	name := c.ID
	if c.Hostname != "" && c.Hostname != c.ID {
		name = fmt.Sprintf("%s (host %s)", c.ID, c.Hostname)
	}
	switch tr.Kind {
	case TransitionMissing:
		ev.Message = fmt.Sprintf("%s: %s %s has sent no heartbeat for %s (%d warning interval(s) of %s); status %s",
			CommonEventMissing, c.Kind, name, roundDuration(tr.Silence), c.MissedIntervals, iv, c.Status)
		ev.Set(event.FieldCommonEvent, CommonEventMissing)
		ev.Set(event.FieldClassification, classificationMissing)
		ev.Set(event.FieldRisk, int64(missingRisk(c)))
		ev.Set("event.action", "heartbeat-missing")
		ev.Set("event.severity", int64(missingRisk(c)))
	case TransitionReturned:
		ev.Message = fmt.Sprintf("%s: %s %s is sending heartbeats again after %s without",
			CommonEventReturned, c.Kind, name, roundDuration(tr.Silence))
		ev.Set(event.FieldCommonEvent, CommonEventReturned)
		ev.Set(event.FieldClassification, classificationReturned)
		ev.Set(event.FieldRisk, int64(riskReturned))
		ev.Set("event.action", "heartbeat-returned")
		ev.Set("event.severity", int64(riskReturned))
	}
	ev.Set(event.FieldKind, "alert")
	ev.Set("event.category", []string{"host"})
	ev.Set("event.module", "sluice")
	ev.Set("event.dataset", "sluice.arm")
	ev.Set("event.provider", EventAgentID(armID))
	ev.Set(event.FieldOrganization, c.Organization)
	ev.Set(event.FieldLogSourceType, LogSourceType)
	ev.Set(event.FieldHostname, c.Hostname)
	ev.Set("host.name", c.ID)
	ev.Set("observer.name", c.ID)
	ev.Set("observer.hostname", c.Hostname)
	ev.Set("observer.type", string(c.Kind))
	ev.Set("observer.version", c.Version)
	ev.Set("sluice.arm.id", armID)
	ev.Set("sluice.arm.component_id", c.ID)
	ev.Set("sluice.arm.component_kind", string(c.Kind))
	ev.Set("sluice.arm.status", string(c.Status))
	ev.Set("sluice.arm.missed_intervals", int64(c.MissedIntervals))
	ev.Set("sluice.arm.warning_interval_seconds", int64(iv/time.Second))
	ev.Set("sluice.arm.silence_seconds", int64(tr.Silence/time.Second))
	ev.Set("sluice.arm.last_heartbeat", c.LastHeartbeat)
	ev.Set("sluice.arm.last_mediator", c.LastMediator)
	return ev
}

func missingRisk(c *Component) int {
	red := c.Status == StatusRed
	switch {
	case c.Kind == KindMediator && red:
		return riskMediatorRed
	case c.Kind == KindMediator:
		return riskMediatorYellow
	case red:
		return riskAgentRed
	default:
		return riskAgentYellow
	}
}
