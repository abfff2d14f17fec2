package mediator

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/mediator/armlink"
)

// Warning kinds the mediator's parts raise: stable keys, since ARM tracks
// warnings by kind and operators' alerts select on it.
const (
	// WarningIndexDiskLow: the index's disk is under its floor, on the
	// way to suspense.
	WarningIndexDiskLow = "index_disk_low"
	// WarningArchiveFailing: the archive cannot be written.
	WarningArchiveFailing = "archive_failing"
	// WarningRetentionFailing: pruning expired days failed.
	WarningRetentionFailing = "retention_failing"
)

// warnings is the set of the mediator's warnings: what someone should look
// at although the pipeline may still move (a disk filling, an archive
// that cannot be written, retention failing). It is neither a stall nor
// unreadiness: /readyz ignores it, since a load balancer that sent agents
// elsewhere for a disk at 1.2 GiB of a 2 GiB floor would only move the
// problem; suspense, at its own threshold, is what refuses agents.
//
// The mediator's parts set a warning of their kind while the condition
// holds (again at each check, with the current figures) and clear it when
// it passes; the set goes in every heartbeat to ARM (Data Processor
// Warning and Warning Cleared), /v1/status and the sluice_mediator_warning
// metric. Safe for concurrent use; the zero value is not (newWarnings).
type warnings struct {
	logger hclog.Logger
	now    func() time.Time

	mu     sync.Mutex
	active map[string]*activeWarning
}

type activeWarning struct {
	armlink.Warning
	// logged is the shape of the text last logged (shapeOf): a text that
	// changes only in its figures is not logged again.
	logged string
}

func newWarnings(logger hclog.Logger, now func() time.Time) *warnings {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if now == nil {
		now = time.Now
	}
	return &warnings{logger: logger, now: now, active: map[string]*activeWarning{}}
}

// set raises the warning of kind with text, or updates its text. It logs
// at WARN when the warning is new, or when its text changed materially:
// a check that repeats every few seconds with the free space it measured
// logs once, not at every check, but a new cause ("permission denied"
// becoming "no space left") is logged. An empty kind is ignored.
func (w *warnings) set(kind, text string) {
	if kind == "" {
		return
	}
	w.mu.Lock()
	a := w.active[kind]
	switch {
	case a == nil:
		a = &activeWarning{Warning: armlink.Warning{Kind: kind, Text: text, Since: w.now()}, logged: shapeOf(text)}
		w.active[kind] = a
		w.mu.Unlock()
		w.logger.Warn("warning raised", "kind", kind, "text", text)
		return
	case shapeOf(text) != a.logged:
		a.Text, a.logged = text, shapeOf(text)
		w.mu.Unlock()
		w.logger.Warn("warning changed", "kind", kind, "text", text)
		return
	}
	a.Text = text
	w.mu.Unlock()
}

// clear ends the warning of kind, if raised, and logs it at INFO with how
// long it lasted.
func (w *warnings) clear(kind string) {
	w.mu.Lock()
	a := w.active[kind]
	delete(w.active, kind)
	w.mu.Unlock()
	if a != nil {
		w.logger.Info("warning cleared", "kind", kind, "after", w.now().Sub(a.Since).Round(time.Second), "text", a.Text)
	}
}

// list returns the warnings raised, sorted by kind: a copy, never nil (the
// status JSON says "warnings": [] when there are none). It does not
// block for long: the heartbeat asks at every report.
func (w *warnings) list() []armlink.Warning {
	w.mu.Lock()
	out := make([]armlink.Warning, 0, len(w.active))
	for _, a := range w.active {
		out = append(out, a.Warning)
	}
	w.mu.Unlock()
	slices.SortFunc(out, func(a, b armlink.Warning) int { return strings.Compare(a.Kind, b.Kind) })
	return out
}

// figures are the numbers in a warning's text.
var figures = regexp.MustCompile(`[0-9]+([.,][0-9]+)*`)

// shapeOf is a text without its figures: two texts of one shape say the
// same thing with other measurements ("1.2 GiB free" and "1.1 GiB free").
func shapeOf(text string) string { return figures.ReplaceAllString(text, "#") }

// SetWarning raises the mediator's warning of kind (a stable short key
// such as WarningIndexDiskLow) with text, or updates its text: for parts
// of the mediator built outside this package, and tests. Within it, the
// parts call m.warnings.set.
func (m *Mediator) SetWarning(kind, text string) { m.warnings.set(kind, text) }

// ClearWarning ends the mediator's warning of kind, if raised.
func (m *Mediator) ClearWarning(kind string) { m.warnings.clear(kind) }

// Warnings returns the mediator's warnings, sorted by kind.
func (m *Mediator) Warnings() []armlink.Warning { return m.warnings.list() }
