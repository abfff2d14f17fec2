// Package arm is ARM, Sluice's heartbeat service (LogRhythm's Missing
// Heartbeat Detection; docs/architecture.md, "ARM", and docs/arm.md).
//
// # What it does
//
// Mediators call ArmService.Report every few seconds (mediator/armlink does
// it)
// with their own heartbeat and the latest heartbeat of each of their agents.
// ARM keeps the last heartbeat of every component (agent or mediator) and
// its status:
//
//   - green: heard from within its warning interval;
//   - yellow: one full warning interval without a heartbeat;
//   - red: two or more.
//
// Each full interval without a heartbeat raises a Missing Heartbeat Warning;
// the first heartbeat after one raises Heartbeat Returned. The warning
// interval is per kind (agent_warning_interval, mediator_warning_interval)
// and per component (override blocks, by id or glob).
//
// # Stalls
//
// A heartbeat's stalled field is the component's own word that its
// pipeline cannot make progress, and why (a mediator whose state holds
// entries nothing indexes, an agent whose spool grows unacknowledged). When
// it becomes set (after "" or in a first heartbeat), ARM raises Data
// Processor Stalled (a mediator) or Agent Stalled; when it clears, Data
// Processor Resumed or Agent Resumed. Repeats and rewordings raise nothing.
// As for liveness, only a heartbeat newer than the one held counts; a late
// one counts too, dated when it was sent (a stall is a fact about that
// moment, and skipping it would leave a Resumed without its Stalled). The
// stall is saved with its event, so a restart raises no second one.
//
// # Warnings
//
// A mediator's heartbeat also carries its warnings: what someone should
// look at although its pipeline may move (index disk low, archive or
// retention failing), each a stable kind and a text, the whole set every
// time. When a kind appears (in a first heartbeat too), ARM raises Data
// Processor Warning; when it disappears, Data Processor Warning Cleared.
// A kind still held raises nothing, even with a new text (a disk's free
// space measured again): the text shown follows, its since stays. As for
// stalls, late heartbeats count, dated when sent, and the warnings are
// saved with their events, so a restart of ARM raises nothing again for
// those that stayed. Agents' heartbeats carry none (an agent's trouble is
// its stall).
//
// # Duplicate agent identities
//
// Agents' heartbeats, as their mediator forwards them, carry the tag of the
// agent's spool and, when that mediator refused another spool presenting
// the same agent id in the last minutes, duplicate_identity. Either that,
// or heartbeats of one spool, another, then the first again within a
// warning interval (two processes, each on its own mediator), raises
// Duplicate Agent Identity, once: the identity stays duplicate, shown on
// the dashboard, until a warning interval passes without either sign.
//
// # Time
//
// A heartbeat is dated by ARM's clock: the report's arrival minus the age
// the mediator measured for it. Components' clocks are never compared with
// ARM's, except to refuse a heartbeat whose own time is more than
// max_clock_skew ahead (a broken clock). A heartbeat delivered late (the
// mediator could not reach ARM) says when the component was last alive but
// does not bring it back. Missed intervals are counted only while ARM runs:
// after a restart, the next one ends one interval after the restart at the
// earliest, and statuses and counts from before are kept.
//
// # Events
//
// Warnings, returns, stalls, resumptions, mediators' warnings and their
// clearing, and duplicate identities become
// ECS events (event.kind "alert",
// sluice.common_event, sluice.classification, sluice.risk, observer.* and
// host.* naming the component, sluice.arm.*) in a durable outbox, written in
// the same Badger transaction as the component's new status or stall. A Report's
// response leases the oldest pending events to that mediator, which stores
// them in its state as log entries of agent EventAgentID(arm id), log source
// type "sluice-arm", seq = outbox sequence, and acknowledges them in its next
// Report (ack_through). A lease not acknowledged within a minute passes to
// the next mediator that reports. Outbox sequences start at the creation
// time in microseconds, so document ids (agent id, seq) are never reused,
// and a redelivered event is the same document.
//
// # Files
//
// One job each: config.go (arm.hcl), component.go (what ARM knows of a
// component), tracker.go (the state machine, with an injected clock),
// events.go (ECS events), store.go (Badger), outbox.go (leases), service.go
// (the gRPC Report handler), security.go (who may report over mutual TLS,
// and the admin bearer token of the write endpoints), http.go and page.go (the dashboard: JSON API
// and the embedded web page ui/index.html), arm.go (the daemon) and
// client.go (the dashboard client behind `sluice heartbeats`). The client a
// mediator runs is mediator/armlink.
package arm
