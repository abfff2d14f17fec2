package mediator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/archive"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/event"
)

// ArchiveReplayRequest selects the archived entries a replay indexes
// again with the current rules.
type ArchiveReplayRequest struct {
	// Organization is the one organization replayed ("" = all).
	Organization string
	// From and To bound the entries' collection time (zero: open).
	From, To time.Time
	// Replace overwrites the stored events with the same ids (after a
	// rule fix); without it events already stored are kept as they are
	// (a restore adds only what is missing).
	Replace bool
}

// ArchiveReplayProgress is how far a replay got; the API streams it.
type ArchiveReplayProgress struct {
	// FilesTotal and FilesDone count archive hours (an organization's
	// file of one hour, or files if the mediator restarted in it).
	FilesTotal int `json:"files_total"`
	FilesDone  int `json:"files_done"`
	// Entries counts the archived entries in range; Events the events
	// written for them (an event rule may drop some or add alarms).
	Entries uint64 `json:"entries"`
	Events  uint64 `json:"events"`
	// BadFiles names the files skipped because they do not read back
	// (corrupt, truncated), each with its error.
	BadFiles []string `json:"bad_files,omitempty"`
	Done     bool     `json:"done"`
	Error    string   `json:"error,omitempty"`
	// Seconds is how long the replay has run.
	Seconds float64 `json:"seconds"`
}

// errReplayRunning refuses a second replay while one runs.
var errReplayRunning = errors.New("an archive replay is already running")

// errNoArchive is returned when the mediator keeps no archive.
var errNoArchive = errors.New("this mediator has no archive { dir } configured")

// errCannotReplace is returned for Replace on an index that cannot
// overwrite events.
var errCannotReplace = errors.New("the index cannot replace events")

// replayArchive reads the archive's records of req's organization and
// time range, parses their entries with the current rules on the
// pipeline's workers and writes the events to the index in index_batch
// batches. report is called with the progress after each file and
// batch. Events keep their deterministic ids, so a replay adds nothing
// that is stored already (or, with Replace, overwrites it).
func (m *Mediator) replayArchive(ctx context.Context, req ArchiveReplayRequest, report func(ArchiveReplayProgress)) (ArchiveReplayProgress, error) {
	var prog ArchiveReplayProgress
	if m.cfg.Archive.Dir == "" {
		return prog, errNoArchive
	}
	write := m.index.Write
	if req.Replace {
		r, ok := m.index.(indexer.Replacer)
		if !ok {
			return prog, errCannotReplace
		}
		write = r.Replace
	}
	if !m.replaying.CompareAndSwap(false, true) {
		return prog, errReplayRunning
	}
	defer m.replaying.Store(false)

	files, err := replayFiles(m.cfg.Archive.Dir, req)
	if err != nil {
		return prog, err
	}
	r := &replayer{m: m, req: req, write: write, rs: m.rules.current.Load(), report: report, start: time.Now()}
	r.prog.FilesTotal = len(files)
	m.logger.Info("archive replay started", "organization", req.Organization, "from", req.From, "to", req.To, "replace", req.Replace, "files", len(files))
	err = r.run(ctx, files)
	prog = r.snapshot()
	prog.Done = true
	if err != nil {
		prog.Error = err.Error()
		m.logger.Error("archive replay failed", "entries", prog.Entries, "events", prog.Events, "error", err)
	} else {
		m.logger.Info("archive replay done", "files", prog.FilesDone, "bad_files", len(prog.BadFiles), "entries", prog.Entries, "events", prog.Events, "seconds", prog.Seconds)
	}
	return prog, err
}

// replayHour is the archive files of one organization and hour.
type replayHour struct {
	org  string
	hour time.Time
}

// replayFiles lists the archive hours that may hold entries collected in
// req's range: an entry is archived when it arrives, after it was
// collected, so hours from one before From on (clocks drift), to the
// newest (an agent may deliver days late).
func replayFiles(dir string, req ArchiveReplayRequest) ([]replayHour, error) {
	all, err := archive.List(dir)
	if err != nil {
		return nil, fmt.Errorf("list archive: %w", err)
	}
	seen := map[replayHour]bool{}
	var hours []replayHour
	for _, f := range all {
		if req.Organization != "" && f.Organization != req.Organization {
			continue
		}
		if !req.From.IsZero() && f.Hour.Add(time.Hour).Before(req.From.Add(-time.Hour)) {
			continue
		}
		h := replayHour{org: f.Organization, hour: f.Hour}
		if !seen[h] {
			seen[h] = true
			hours = append(hours, h)
		}
	}
	return hours, nil
}

// replayer is one replay's work: a reader decoding archive records into
// chunks of entries, the pipeline's number of workers parsing them, and
// a writer batching events into the index.
type replayer struct {
	m      *Mediator
	req    ArchiveReplayRequest
	write  func(context.Context, []*event.Event) error
	rs     *mpe.RuleSet
	report func(ArchiveReplayProgress)
	start  time.Time

	mu       sync.Mutex
	prog     ArchiveReplayProgress
	entries  atomic.Uint64
	events   atomic.Uint64
	lastSent time.Time
}

func (r *replayer) snapshot() ArchiveReplayProgress {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.prog
	p.BadFiles = append([]string(nil), r.prog.BadFiles...)
	p.Entries, p.Events = r.entries.Load(), r.events.Load()
	p.Seconds = time.Since(r.start).Seconds()
	return p
}

// tell reports progress, at most every 200 ms unless force.
func (r *replayer) tell(force bool) {
	if r.report == nil {
		return
	}
	r.mu.Lock()
	now := time.Now()
	due := force || now.Sub(r.lastSent) >= 200*time.Millisecond
	if due {
		r.lastSent = now
	}
	r.mu.Unlock()
	if due {
		r.report(r.snapshot())
	}
}

func (r *replayer) run(ctx context.Context, files []replayHour) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan []origin, r.m.cfg.Workers+1)
	parsed := make(chan []*event.Event, r.m.cfg.Workers+1)
	readDone := make(chan error, 1)
	go func() {
		defer close(work)
		readDone <- r.read(ctx, files, work)
	}()
	var workers sync.WaitGroup
	for range max(r.m.cfg.Workers, 1) {
		workers.Add(1)
		go func() {
			defer workers.Done()
			p := r.m.pipeline
			for chunk := range work {
				var evs []*event.Event
				for _, o := range chunk {
					evs = append(evs, p.process(r.rs, o, nil, collectedOrNow(o))...)
				}
				select {
				case parsed <- evs:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		workers.Wait()
		close(parsed)
	}()
	writeErr := r.writeAll(ctx, parsed)
	if writeErr != nil {
		cancel()
	}
	for range parsed { // let the workers end
	}
	readErr := <-readDone
	if writeErr != nil {
		return writeErr // the reader stopped because of it
	}
	return readErr
}

// collectedOrNow is the time an entry's window is measured from in a
// replay: its collection time, so that it is filed as it was when it
// arrived, not refiled under today.
func collectedOrNow(o origin) time.Time {
	if t := collectedAt(o.entry); !t.IsZero() {
		return t
	}
	return time.Now()
}

// read decodes the archive hours' records into chunks of entries in
// range. A file that does not read back is skipped and named.
func (r *replayer) read(ctx context.Context, hours []replayHour, work chan<- []origin) error {
	var chunk []origin
	send := func() bool {
		if len(chunk) == 0 {
			return true
		}
		select {
		case work <- chunk:
			chunk = nil
			return true
		case <-ctx.Done():
			return false
		}
	}
	dir := r.m.cfg.Archive.Dir
	for _, h := range hours {
		err := archive.Scan(dir, h.org, h.hour, h.hour.Add(time.Hour), func(rec archive.Record) error {
			sb, batch, err := decodeRecord(rec.Value)
			if err != nil {
				// Archived as received, and as undecodable then: the
				// pipeline kept it as an error event. Say so, go on.
				r.m.logger.Error("archive replay: skipping a record that does not decode", "organization", h.org, "hour", h.hour, "record", rec.First, "error", err)
				return nil
			}
			for _, e := range batch.GetEntries() {
				if t := collectedAt(e); !inRange(t, r.req.From, r.req.To) {
					continue
				}
				chunk = append(chunk, origin{agent: sb.GetAgentId(), org: sb.GetOrganization(), spool: sb.GetSpool(), entry: e})
				r.entries.Add(1)
			}
			if len(chunk) >= chunkEntries && !send() {
				return ctx.Err()
			}
			return nil
		}, func(path string, err error) {
			r.mu.Lock()
			r.prog.BadFiles = append(r.prog.BadFiles, fmt.Sprintf("%s: %v", path, err))
			r.mu.Unlock()
			r.m.logger.Error("archive replay: skipping a file that does not read back", "file", path, "error", err)
		})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.prog.FilesDone++
		r.mu.Unlock()
		r.tell(false)
	}
	if !send() {
		return ctx.Err()
	}
	return nil
}

// inRange reports whether t is in [from, to) (zero bounds open; an entry
// without collection time is always in).
func inRange(t, from, to time.Time) bool {
	if t.IsZero() {
		return true
	}
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

// writeAll writes the parsed events in index_batch batches.
func (r *replayer) writeAll(ctx context.Context, parsed <-chan []*event.Event) error {
	var batch []*event.Event
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := r.writeBatch(ctx, batch); err != nil {
			return err
		}
		r.events.Add(uint64(len(batch)))
		batch = batch[:0]
		r.tell(false)
		return nil
	}
	for evs := range parsed {
		batch = append(batch, evs...)
		if len(batch) >= r.m.cfg.IndexBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// writeBatch writes one batch, retrying a failing index a few times.
// Events the index refuses permanently are logged and counted as written:
// their entries stay in the archive, and the pipeline's dead letters
// hold them from when they first arrived.
func (r *replayer) writeBatch(ctx context.Context, events []*event.Event) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = r.write(ctx, events)
		var rejected *indexer.RejectedError
		if errors.As(err, &rejected) {
			r.m.logger.Warn("archive replay: the index refused events permanently", "count", len(rejected.Reasons), "error", err)
			return nil
		}
		if err == nil || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff.Default.Delay(attempt)):
		}
	}
	return fmt.Errorf("index write: %w", err)
}
