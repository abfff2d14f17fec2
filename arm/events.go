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
	// A component's pipeline stalled, or moves again: mediators are
	// Data Processors, as LogRhythm calls them.
	CommonEventMediatorStalled = "Data Processor Stalled"
	CommonEventMediatorResumed = "Data Processor Resumed"
	CommonEventAgentStalled    = "Agent Stalled"
	CommonEventAgentResumed    = "Agent Resumed"
	// A mediator warns of something that needs someone although its
	// pipeline may move (index disk low, archive or retention failing),
	// or no longer does.
	CommonEventMediatorWarning        = "Data Processor Warning"
	CommonEventMediatorWarningCleared = "Data Processor Warning Cleared"
	// Two agent processes (two spools) present one agent id: a cloned
	// host or certificate, or a second install beside the first.
	CommonEventDuplicate = "Duplicate Agent Identity"

	// LogSourceType is the log source type of ARM events in mediator
	// state: the MPE policy that parses them selects on it.
	LogSourceType = "sluice-arm"
	// SourceID is the log source id of ARM events.
	SourceID = "arm"

	classificationMissing  = "Warning"
	classificationReturned = "Information"
	classificationStalled  = "Warning"
	classificationResumed  = "Information"
	classificationWarning  = "Warning"
	classificationCleared  = "Information"
	// A second process presenting an agent's identity may be a stolen
	// certificate as well as a cloned host: a security matter.
	classificationDuplicate = "Suspicious"
	defaultOrganization     = event.DefaultOrganization
)

// Risk of the events: a silent mediator strands every agent it serves, so
// it weighs more than a silent agent; red weighs more than yellow.
const (
	riskAgentYellow    = 4
	riskAgentRed       = 6
	riskMediatorYellow = 6
	riskMediatorRed    = 8
	riskReturned       = 1
	// A stalled mediator strands every agent it serves, as a red one
	// does; a stalled agent loses its host's logs once its spool is full,
	// as a red one may.
	riskMediatorStalled = riskMediatorRed
	riskAgentStalled    = riskAgentRed
	riskResumed         = 1
	// A warning needs someone before it becomes a stall or suspense
	// (a disk filling) or is a partial loss of service (an archive not
	// written while indexing goes on): less than a silent or stalled
	// mediator.
	riskMediatorWarning = 5
	riskWarningCleared  = 1
	// Nothing is lost (the refused process keeps its spool), but logs of
	// two hosts arrive under one name, and one of them may be an
	// impostor.
	riskDuplicate = 7
)

// CommonEvent is the name of the event tr raises.
func (tr *Transition) CommonEvent() string {
	med := tr.Component.Kind == KindMediator
	switch tr.Kind {
	case TransitionMissing:
		return CommonEventMissing
	case TransitionReturned:
		return CommonEventReturned
	case TransitionStalled:
		if med {
			return CommonEventMediatorStalled
		}
		return CommonEventAgentStalled
	case TransitionResumed:
		if med {
			return CommonEventMediatorResumed
		}
		return CommonEventAgentResumed
	case TransitionDuplicate:
		return CommonEventDuplicate
	case TransitionWarning:
		return CommonEventMediatorWarning
	case TransitionWarningCleared:
		return CommonEventMediatorWarningCleared
	}
	return ""
}

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
		ev.Set("sluice.arm.silence_seconds", int64(tr.Silence/time.Second))
	case TransitionReturned:
		ev.Message = fmt.Sprintf("%s: %s %s is sending heartbeats again after %s without",
			CommonEventReturned, c.Kind, name, roundDuration(tr.Silence))
		ev.Set(event.FieldCommonEvent, CommonEventReturned)
		ev.Set(event.FieldClassification, classificationReturned)
		ev.Set(event.FieldRisk, int64(riskReturned))
		ev.Set("event.action", "heartbeat-returned")
		ev.Set("event.severity", int64(riskReturned))
		ev.Set("sluice.arm.silence_seconds", int64(tr.Silence/time.Second))
	case TransitionStalled:
		risk := riskAgentStalled
		if c.Kind == KindMediator {
			risk = riskMediatorStalled
		}
		ce := tr.CommonEvent()
		ev.Message = fmt.Sprintf("%s: %s %s cannot make progress: %s; status %s", ce, c.Kind, name, tr.Reason, c.Status)
		ev.Set(event.FieldCommonEvent, ce)
		ev.Set(event.FieldClassification, classificationStalled)
		ev.Set(event.FieldRisk, int64(risk))
		ev.Set("event.action", "pipeline-stalled")
		ev.Set("event.severity", int64(risk))
		ev.Set("sluice.arm.stalled_reason", tr.Reason)
	case TransitionResumed:
		ce := tr.CommonEvent()
		ev.Message = fmt.Sprintf("%s: %s %s is making progress again after %s stalled (%s)",
			ce, c.Kind, name, roundDuration(tr.StalledFor), tr.Reason)
		ev.Set(event.FieldCommonEvent, ce)
		ev.Set(event.FieldClassification, classificationResumed)
		ev.Set(event.FieldRisk, int64(riskResumed))
		ev.Set("event.action", "pipeline-resumed")
		ev.Set("event.severity", int64(riskResumed))
		ev.Set("sluice.arm.stalled_reason", tr.Reason)
		ev.Set("sluice.arm.stalled_seconds", int64(tr.StalledFor/time.Second))
	case TransitionWarning:
		ev.Message = fmt.Sprintf("%s: %s %s warns (%s): %s; status %s",
			CommonEventMediatorWarning, c.Kind, name, tr.WarningKind, tr.Reason, c.Status)
		ev.Set(event.FieldCommonEvent, CommonEventMediatorWarning)
		ev.Set(event.FieldClassification, classificationWarning)
		ev.Set(event.FieldRisk, int64(riskMediatorWarning))
		ev.Set("event.action", "warning-raised")
		ev.Set("event.severity", int64(riskMediatorWarning))
		ev.Set("sluice.arm.warning_kind", tr.WarningKind)
		ev.Set("sluice.arm.warning_text", tr.Reason)
	case TransitionWarningCleared:
		ev.Message = fmt.Sprintf("%s: %s %s no longer warns (%s) after %s (%s)",
			CommonEventMediatorWarningCleared, c.Kind, name, tr.WarningKind, roundDuration(tr.WarningFor), tr.Reason)
		ev.Set(event.FieldCommonEvent, CommonEventMediatorWarningCleared)
		ev.Set(event.FieldClassification, classificationCleared)
		ev.Set(event.FieldRisk, int64(riskWarningCleared))
		ev.Set("event.action", "warning-cleared")
		ev.Set("event.severity", int64(riskWarningCleared))
		ev.Set("sluice.arm.warning_kind", tr.WarningKind)
		ev.Set("sluice.arm.warning_text", tr.Reason)
		ev.Set("sluice.arm.warning_seconds", int64(tr.WarningFor/time.Second))
	case TransitionDuplicate:
		ev.Message = fmt.Sprintf("%s: two agent processes present the id of %s %s: %s; nothing is lost (the one refused keeps its spool), but give each its own id",
			CommonEventDuplicate, c.Kind, name, tr.Reason)
		ev.Set(event.FieldCommonEvent, CommonEventDuplicate)
		ev.Set(event.FieldClassification, classificationDuplicate)
		ev.Set(event.FieldRisk, int64(riskDuplicate))
		ev.Set("event.action", "duplicate-identity")
		ev.Set("event.severity", int64(riskDuplicate))
		ev.Set("sluice.arm.duplicate_identity", tr.Reason)
		ev.Set("sluice.arm.spool", c.Spool)
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
