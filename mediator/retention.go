package mediator

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
)

// retentionEvery is how often the pruner runs after its run at start: an
// hour, since it drops whole days (index) and hours (archive).
const retentionEvery = time.Hour

// retention drops what is past its horizon: whole index days of each
// organization (indexer.Pruner) and archive files. It runs at start and
// hourly. The index prunes a day file under its own lock only, so writes
// and searches of the other days go on (indexer/embedded, Prune).
type retention struct {
	index indexer.Pruner // nil: the index cannot expire data
	// def and orgs are the index retention (0: forever) and its
	// per-organization overrides.
	def  time.Duration
	orgs map[string]time.Duration
	// pruneArchive removes archive files past the archive's own
	// retention (nil: no archive).
	pruneArchive func() (files int, bytes int64, err error)
	clock        func() time.Time
	logger       hclog.Logger
	// problem is told the error of a run that failed ("" once one
	// succeeds): the mediator's warnings, carried to ARM.
	problem func(text string)

	mu    sync.Mutex
	stats RetentionStatus
}

// RetentionStatus is what the pruner did, for /v1/status and metrics.
type RetentionStatus struct {
	// Enabled is whether anything expires (an index or archive
	// retention is set).
	Enabled bool `json:"enabled"`
	// LastRun is when the pruner last finished (zero: not yet).
	LastRun time.Time `json:"last_run,omitzero"`
	// DaysRemoved and BytesRemoved count index days dropped since start.
	DaysRemoved  uint64 `json:"days_removed"`
	BytesRemoved uint64 `json:"bytes_removed"`
	// ArchiveFilesRemoved and ArchiveBytesRemoved count archive files.
	ArchiveFilesRemoved uint64 `json:"archive_files_removed"`
	ArchiveBytesRemoved uint64 `json:"archive_bytes_removed"`
	// Runs and Failures count runs; LastError is the last failure's ("" once
	// a run succeeds).
	Runs      uint64 `json:"runs"`
	Failures  uint64 `json:"failures"`
	LastError string `json:"last_error,omitempty"`
}

// horizon is the time before which org's index days go; ok is false when
// org's events are kept forever.
func (r *retention) horizon(org string, now time.Time) (before time.Time, ok bool) {
	d := r.def
	if org == "" {
		org = event.DefaultOrganization
	}
	if o, set := r.orgs[org]; set {
		d = o
	}
	if d <= 0 {
		return time.Time{}, false
	}
	return now.Add(-d), true
}

func (r *retention) enabled() bool {
	if r.pruneArchive != nil {
		return true
	}
	if r.index == nil {
		return false
	}
	if r.def > 0 {
		return true
	}
	for _, d := range r.orgs {
		if d > 0 {
			return true
		}
	}
	return false
}

// run prunes at once and then every `every` until ctx ends.
func (r *retention) run(ctx context.Context, every time.Duration) {
	if !r.enabled() {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		r.once(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// once runs the pruner one time.
func (r *retention) once(ctx context.Context) {
	now := r.clock()
	var errs []error
	var days, bytes uint64
	if r.index != nil {
		removed, err := r.pruneIndex(ctx, now)
		if err != nil {
			errs = append(errs, err)
		}
		for _, d := range removed {
			days++
			bytes += uint64(max(d.Bytes, 0))
			r.logger.Info("retention: index day removed", "organization", d.Organization, "day", d.Day, "name", d.Name, "bytes", d.Bytes)
		}
	}
	var files int
	var fileBytes int64
	if r.pruneArchive != nil {
		var err error
		if files, fileBytes, err = r.pruneArchive(); err != nil {
			errs = append(errs, fmt.Errorf("archive: %w", err))
		} else if files > 0 {
			r.logger.Info("retention: archive files removed", "files", files, "bytes", fileBytes)
		}
	}
	err := errors.Join(errs...)
	r.mu.Lock()
	r.stats.Runs++
	r.stats.LastRun = r.clock()
	r.stats.DaysRemoved += days
	r.stats.BytesRemoved += bytes
	r.stats.ArchiveFilesRemoved += uint64(files)
	r.stats.ArchiveBytesRemoved += uint64(max(fileBytes, 0))
	if err != nil {
		r.stats.Failures++
		r.stats.LastError = err.Error()
	} else {
		r.stats.LastError = ""
	}
	r.mu.Unlock()
	if err != nil {
		r.logger.Error("retention: pruning failed; retried at the next run", "error", err)
		if r.problem != nil {
			r.problem("retention: pruning failed: " + err.Error())
		}
		return
	}
	if r.problem != nil {
		r.problem("")
	}
}

// pruneIndex drops each organization's days past its horizon.
func (r *retention) pruneIndex(ctx context.Context, now time.Time) ([]indexer.PrunedDay, error) {
	orgs, err := r.index.Organizations(ctx)
	if err != nil {
		return nil, fmt.Errorf("index: list organizations: %w", err)
	}
	sort.Strings(orgs)
	var all []indexer.PrunedDay
	var errs []error
	for _, org := range orgs {
		before, ok := r.horizon(org, now)
		if !ok {
			continue
		}
		removed, err := r.index.Prune(ctx, org, before, false)
		all = append(all, removed...)
		if err != nil {
			errs = append(errs, fmt.Errorf("index: organization %q: %w", org, err))
		}
	}
	return all, errors.Join(errs...)
}

// status returns what the pruner did so far.
func (r *retention) status() RetentionStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	s.Enabled = r.enabled()
	return s
}
