package mediator

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/archive"
)

// The data lifecycle's parts of the mediator (docs/data-lifecycle.md):
// the raw archive, the retention pruner and the index disk watch.

// archiveRotateEvery is how often open archive files whose hour ended are
// closed and chained when no entry arrives to do it.
const archiveRotateEvery = time.Minute

// problemFor returns a function that raises the warning kind with a text,
// or clears it with "".
func (m *Mediator) problemFor(kind string) func(text string) {
	return func(text string) {
		if text == "" {
			m.warnings.clear(kind)
			return
		}
		m.warnings.set(kind, text)
	}
}

// openArchive opens the raw archive, if one is configured.
func (m *Mediator) openArchive() error {
	ac := m.cfg.Archive
	if ac.Dir == "" {
		return nil
	}
	a, err := archive.Open(archive.Config{
		Dir:          ac.Dir,
		Retention:    ac.Retention,
		OrgRetention: ac.OrgRetention,
		Logger:       m.logger.Named("archive"),
	})
	if err != nil {
		return fmt.Errorf("open archive: %w", err)
	}
	m.archive = a
	return nil
}

// buildLifecycle builds the pruner and the disk watch, and gives the
// pipeline the archive.
func (m *Mediator) buildLifecycle() {
	cfg := m.cfg
	m.retention = &retention{
		def:     cfg.Indexer.Retention,
		orgs:    cfg.Indexer.OrgRetention,
		clock:   time.Now,
		logger:  m.logger.Named("retention"),
		problem: m.problemFor(WarningRetentionFailing),
	}
	if p, ok := m.index.(indexer.Pruner); ok {
		m.retention.index = p
	}
	if m.archive != nil {
		a := m.archive
		m.pipeline.archive = a
		m.pipeline.archiveTrouble.problem = m.problemFor(WarningArchiveFailing)
		m.pipeline.archiveTrouble.log.Every = time.Minute
		m.retention.pruneArchive = func() (int, int64, error) {
			files, err := a.Prune()
			var bytes int64
			for _, f := range files {
				bytes += f.Bytes
			}
			return len(files), bytes, err
		}
	}
	if cfg.Indexer.Kind == "embedded" && cfg.Indexer.DiskWarningFree > 0 {
		m.disk = newDiskWatch(cfg.Indexer.Dir, cfg.Indexer.DiskWarningFree, cfg.SuspenseMinFree, m.problemFor(WarningIndexDiskLow))
	}
}

// runLifecycle adds the lifecycle's loops to Run's group.
func (m *Mediator) runLifecycle(ctx context.Context, add func(name string, execute func() error)) {
	if m.retention.enabled() {
		add("", func() error { m.retention.run(ctx, retentionEvery); return nil })
	}
	if m.disk != nil {
		add("", func() error { m.disk.run(ctx, 10*time.Second); return nil })
	}
	if m.archive != nil {
		add("", func() error { m.rotateArchive(ctx); return nil })
	}
}

// rotateArchive closes archive files at the end of their hour.
func (m *Mediator) rotateArchive(ctx context.Context) {
	t := time.NewTicker(archiveRotateEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := m.archive.Rotate(); err != nil {
			m.pipeline.archiveFailed(fmt.Errorf("rotate: %w", err))
		}
	}
}

// PruneIndex removes the index's days of org ("" = all) that end at or
// before before (`sluice index prune` through the API).
func (m *Mediator) PruneIndex(ctx context.Context, org string, before time.Time, dryRun bool) ([]indexer.PrunedDay, error) {
	p, ok := m.index.(indexer.Pruner)
	if !ok {
		return nil, fmt.Errorf("the index cannot prune")
	}
	return p.Prune(ctx, org, before, dryRun)
}

// ArchiveStatus is the archive's part of /v1/status.
type ArchiveStatus struct {
	Dir string `json:"dir"`
	// Failing is the current failure ("" when healthy); Failures counts
	// failed appends and syncs since start.
	Failing  string        `json:"failing,omitempty"`
	Failures uint64        `json:"failures"`
	Stats    archive.Stats `json:"stats"`
}

// archiveStatus is nil without an archive.
func (m *Mediator) archiveStatus() *ArchiveStatus {
	if m.archive == nil {
		return nil
	}
	failing, failures := m.pipeline.archiveTrouble.status()
	return &ArchiveStatus{Dir: m.cfg.Archive.Dir, Failing: failing, Failures: failures, Stats: m.archive.Stats()}
}

// indexDiskFree is the last measure of the index volume's free space (-1:
// not watched).
func (m *Mediator) indexDiskFree() int64 {
	if m.disk == nil {
		return -1
	}
	return m.disk.freeBytes.Load()
}

// lifecycleMetrics are the pruner's, the archive's and the disk watch's
// metrics, reading what /v1/status reads.
func (m *Mediator) lifecycleMetrics() []prometheus.Collector {
	ret := func(f func(RetentionStatus) uint64) func() uint64 {
		return func() uint64 { return f(m.retention.status()) }
	}
	cs := []prometheus.Collector{
		counterFunc("sluice_mediator_retention_runs_total", "Runs of the retention pruner (at start and hourly).", ret(func(s RetentionStatus) uint64 { return s.Runs })),
		counterFunc("sluice_mediator_retention_failures_total", "Runs of the retention pruner that failed (retried at the next run).", ret(func(s RetentionStatus) uint64 { return s.Failures })),
		counterFunc("sluice_mediator_retention_index_partitions_removed_total", "Index days of one organization (a day file or daily index) removed past their retention.", ret(func(s RetentionStatus) uint64 { return s.DaysRemoved })),
		counterFunc("sluice_mediator_retention_index_bytes_removed_total", "Bytes of index days removed past their retention.", ret(func(s RetentionStatus) uint64 { return s.BytesRemoved })),
		counterFunc("sluice_mediator_retention_archive_files_removed_total", "Archive files removed past their retention.", ret(func(s RetentionStatus) uint64 { return s.ArchiveFilesRemoved })),
		gaugeFunc("sluice_mediator_retention_last_run_timestamp_seconds", "When the retention pruner last finished (0: not yet).", func() float64 {
			if t := m.retention.status().LastRun; !t.IsZero() {
				return float64(t.UnixNano()) / 1e9
			}
			return 0
		}),
	}
	if m.disk != nil {
		cs = append(cs, gaugeFunc("sluice_mediator_index_disk_free_bytes", "Free bytes on the embedded index's volume (the disk watch's last measure).", func() float64 { return float64(m.disk.freeBytes.Load()) }))
	}
	if m.archive != nil {
		stats := func(f func(archive.Stats) int64) func() uint64 {
			return func() uint64 { return uint64(max(f(m.archive.Stats()), 0)) }
		}
		cs = append(cs,
			counterFunc("sluice_mediator_archive_records_total", "State records (agents' batches) archived.", stats(func(s archive.Stats) int64 { return s.Records })),
			counterFunc("sluice_mediator_archive_raw_bytes_total", "Bytes of the records archived, before compression.", stats(func(s archive.Stats) int64 { return s.RawBytes })),
			counterFunc("sluice_mediator_archive_bytes_total", "Compressed bytes written to archive files.", stats(func(s archive.Stats) int64 { return s.Bytes })),
			counterFunc("sluice_mediator_archive_files_closed_total", "Archive files closed and chained.", stats(func(s archive.Stats) int64 { return s.FilesClosed })),
			counterFunc("sluice_mediator_archive_failures_total", "Failed archive appends and syncs (entries wait in state).", func() uint64 { _, n := m.pipeline.archiveTrouble.status(); return n }),
			gaugeFunc("sluice_mediator_archive_failing", "1 while the archive does not take entries (they wait in state).", func() float64 { f, _ := m.pipeline.archiveTrouble.status(); return boolValue(f != "") }),
		)
	}
	return cs
}
