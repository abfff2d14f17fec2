package mediator

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// chunkEntries is about how many state entries a worker takes at a time:
// state records (one per received batch) are handed out whole.
const chunkEntries = 2000

// Observer is told about events once they are indexed (the all-in-one
// demo prints them). It must not block for long.
type Observer func(events []*event.Event)

// pipeline moves entries from state through the MPE into the index, and
// removes them from state once the index confirmed them.
type pipeline struct {
	mediatorID string
	state      *state
	rules      *atomic.Pointer[mpe.RuleSet]
	sink       indexer.Sink
	workers    int
	batch      int
	flush      time.Duration
	observers  []Observer
	dead       *deadLetters
	logger     hclog.Logger
	// gate parks an organization whose writes keep failing; parkAfter is
	// how long one write is retried before its organization is parked.
	gate      *orgGate
	parkAfter time.Duration
	// maxLine cuts longer lines (the agent's own limit can be raised or
	// bypassed by a hostile sender); 0 = no limit.
	maxLine int
	// orgRules are the organizations' own rule sets, tried before rules
	// for their entries (nil: none).
	orgRules *orgRules
	// window is the range of event times the index files events under;
	// clock is the time it is measured from (time.Now; tests set it).
	window timeWindow
	clock  func() time.Time
	// outOfRange counts events filed under their collection time;
	// outOfRangeLog limits the log of them.
	outOfRange    atomic.Uint64
	outOfRangeLog logging.Limiter
	// archive keeps every record read from state, before parsing (nil:
	// no archive); archiveTrouble is set while it fails.
	archive        archiver
	archiveTrouble archiveTrouble

	indexed   atomic.Uint64
	errors    atomic.Uint64
	rejected  atomic.Uint64
	retrying  atomic.Bool
	lastError atomic.Value // string
	// retried counts events whose index write failed and was tried
	// again (once per failed attempt).
	retried atomic.Uint64
	// writeSeconds observes each index write attempt's duration (nil:
	// none; the metrics set it).
	writeSeconds prometheus.Observer
	// removed counts entries taken out of state once indexed (or kept
	// as dead letters): the pipeline's progress, which the stall watch
	// follows.
	removed atomic.Uint64

	// poolStatus is what the shared pool is doing, for the stall watch's
	// report; each dedicated pool has its own.
	poolStatus

	// orgs are the organization settings in force: weights and
	// dedicated workers (nil: every organization shares, weight 1).
	orgs *orgTable
	// readTag and tags read state for the dispatchers, one
	// organization's records at a time (state.q.ReadTag and Tags; tests
	// put a failing read in place).
	readTag func(tag string, from uint64, max int, maxBytes int) ([]queue.Record, error)
	tags    func() map[string]queue.TagStats
	// dedicated are the running dedicated pools by organization; the
	// shared pool serves every organization not in it.
	dedicatedMu sync.RWMutex
	dedicated   map[string]*dedicatedPool
	// reconfigure tells the pool supervisor that the organization
	// settings changed.
	reconfigure chan struct{}
	// stored wakes every pool's dispatcher when state commits records.
	stored broadcast
}

// Where the dispatcher and the writer wait.
var (
	phaseRoom     = "waiting for room in the pipeline (slots full)"
	phaseRead     = "reading state"
	phaseNew      = "waiting for new entries in state"
	phaseHand     = "handing a chunk to the workers"
	phaseCollect  = "collecting parsed chunks"
	phaseIndex    = "writing to the index"
	phaseRemove   = "removing indexed entries from state"
	phaseDeadLtrs = "storing dead letters"
	phaseArchive  = "archiving (waiting for the archive to take entries)"
)

// chunk is state records on their way to the index.
type chunk struct {
	records []queue.Record
	// entries is how many entries the records hold: what the chunk
	// takes of the pipeline's bound.
	entries int
	// orgs[i] is the organization of records[i]; ends[i] is the end of
	// its events in events.
	orgs   []string
	ends   []int
	events []*event.Event
	// from[i] is the entry events[i] came from (for dead letters).
	from []origin
}

// origin is the entry behind an event.
type origin struct {
	// spool is the tag in the entry's document id ("" for none).
	agent, org, spool string
	entry             *sluicev1.LogEntry
	// collector is what the agent said of itself and its host (nil:
	// nothing), the same for every entry of a record.
	collector *mpe.Collector
}

// poolStatus is what one pool is doing, for the stall watch's report: set
// at each place a stage waits, so a stalled pipeline says where.
type poolStatus struct {
	slots       atomic.Pointer[slots]
	dispatching atomic.Pointer[string]
	cursor      atomic.Uint64
	writing     atomic.Pointer[string]
	writeSince  atomic.Int64 // unix nanos the current index write began; 0 when none
	idleWorkers atomic.Int64
}

// pool is MPE workers and an index writer serving some organizations: the
// shared pool serves every organization without dedicated workers, and an
// organization with dedicated_workers gets a pool of its own
// (docs/tenancy.md).
type pool struct {
	// org is the organization of a dedicated pool ("" for the shared one).
	org     string
	workers int
	st      *poolStatus
}

// serves reports whether the pool takes org's records now.
func (p *pipeline) serves(pl *pool, org string) bool {
	if pl.org != "" {
		return org == pl.org
	}
	p.dedicatedMu.RLock()
	_, ded := p.dedicated[org]
	p.dedicatedMu.RUnlock()
	return !ded
}

// run processes until ctx is done: the shared pool, and a pool per
// organization with dedicated workers, started and stopped as the
// organization settings change. Entries read but not yet indexed when it
// stops stay in state and are processed after a restart.
func (p *pipeline) run(ctx context.Context) {
	if p.reconfigure == nil {
		p.reconfigure = make(chan struct{}, 1)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		// State's commit signal has one receiver: it is passed on to
		// every pool's dispatcher.
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-p.state.q.Notify():
				p.stored.signal()
			}
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.runPool(ctx, &pool{workers: p.workers, st: &p.poolStatus})
	}()
	p.supervise(ctx)
	wg.Wait()
}

// runPool runs one pool's dispatcher, workers and writer until ctx is done.
func (p *pipeline) runPool(ctx context.Context, pl *pool) {
	// slots bounds the entries between state and index, so a slow index
	// holds entries in state (on disk), not in memory: the index batch
	// being written, the next one being parsed, and a chunk per worker
	// waiting and in work. Counted in entries, not chunks: a chunk is
	// whole records, and with the agents' 8,000-entry batches a bound of
	// nine chunks was 72,000 entries in memory.
	slots := newSlots(2*p.batch + (2*pl.workers+2)*chunkEntries)
	pl.st.slots.Store(slots)
	work := make(chan *chunk, pl.workers)
	done := make(chan *chunk, pl.workers)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		p.dispatch(ctx, pl, slots, work)
	}()
	var workers sync.WaitGroup
	for range pl.workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			var buf []*event.Event
			for {
				pl.st.idleWorkers.Add(1)
				c, ok := <-work
				pl.st.idleWorkers.Add(-1)
				if !ok {
					return
				}
				buf = p.parse(c, buf)
				done <- c
			}
		}()
	}
	go func() {
		workers.Wait()
		close(done)
	}()
	p.feed(ctx, pl, slots, done)
	wg.Wait()
}

// slots bounds the entries in the pipeline. The dispatcher (its only
// taker) waits until the count is under the limit and then takes a whole
// chunk, so it goes over by at most one chunk: a record larger than the
// bound still passes, and a chunk can be parsed while the previous index
// batch is written.
type slots struct {
	limit int
	mu    sync.Mutex
	used  int
	freed chan struct{} // signalled when entries are given back
}

func newSlots(limit int) *slots {
	return &slots{limit: limit, freed: make(chan struct{}, 1)}
}

// wait reports, once the pipeline holds fewer entries than its limit,
// true; false if ctx ended first.
func (s *slots) wait(ctx context.Context) bool {
	for {
		s.mu.Lock()
		room := s.used < s.limit
		s.mu.Unlock()
		if room {
			return true
		}
		select {
		case <-s.freed:
		case <-ctx.Done():
			return false
		}
	}
}

// usage reports the entries in the pipeline and its limit.
func (s *slots) usage() (used, limit int) {
	if s == nil {
		return 0, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used, s.limit
}

func (s *slots) take(n int) {
	s.mu.Lock()
	s.used += n
	s.mu.Unlock()
}

func (s *slots) give(n int) {
	s.mu.Lock()
	s.used -= n
	s.mu.Unlock()
	select {
	case s.freed <- struct{}{}:
	default:
	}
}

// broadcast wakes every waiter at once: wait returns a channel that the
// next signal closes.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *broadcast) signal() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}

// legacyTag is the tag of records stored before state kept each record's
// organization in its tag: their organization is read from the record.
const legacyTag = ""

// dispatcher is one pool's dispatcher: where it is in each organization's
// records, and whose turn it is.
type dispatcher struct {
	// cursor is, per organization the pool serves, the sequence its next
	// read starts at.
	cursor map[string]uint64
	fair   *fairShare
	// work and cands are reused between rounds.
	work, cands []string
}

// dispatch hands chunks of the organizations' records to the workers,
// one organization's records per chunk, organizations taking turns by
// weighted fair queueing (fairShare): a flood from one organization waits
// in state while another's few entries go next. An organization whose
// index writes keep failing is parked and passed over; when the park
// expires and nothing of it is in flight, its records are read again from
// its oldest.
func (p *pipeline) dispatch(ctx context.Context, pl *pool, slots *slots, work chan<- *chunk) {
	d := &dispatcher{cursor: map[string]uint64{}, fair: newFairShare()}
	for ctx.Err() == nil {
		pl.st.dispatching.Store(&phaseRead)
		// Taken before looking, so a record committed meanwhile wakes
		// the wait below.
		stored := p.stored.wait()
		org, c, read, waitRoom, err := p.next(pl, d, slots)
		switch {
		case errors.Is(err, errArchiving):
			pl.st.dispatching.Store(&phaseArchive)
			sleep(ctx, archiveRetry)
			continue
		case err != nil:
			// Nothing is passed over on a failed read: the cursor stays,
			// and the same records are read again after a pause.
			p.logger.Error("cannot read state; reading again in 1s", "organization", org, "error", err)
			sleep(ctx, time.Second)
			continue
		case c == nil && waitRoom:
			// The organizations with work have no room; one without work
			// until now may get some (its share is its own).
			pl.st.dispatching.Store(&phaseRoom)
			select {
			case <-ctx.Done():
			case <-slots.freed:
			case <-stored:
			case <-time.After(time.Second):
			}
			continue
		case c == nil:
			if read {
				continue // passed over parked records; read on
			}
			pl.st.dispatching.Store(&phaseNew)
			select {
			case <-ctx.Done():
			case <-stored:
			case <-slots.freed:
			case <-time.After(time.Second):
			}
			continue
		}
		for i, r := range c.records {
			p.gate.dispatched(c.orgs[i], int(r.Entries()))
			c.entries += int(r.Entries())
		}
		slots.take(c.entries)
		pl.st.dispatching.Store(&phaseHand)
		select {
		case work <- c:
		case <-ctx.Done():
			// Not handed out: it stays in state, and is no longer in
			// flight (a pool stopped on a reload hands its organization
			// to another, which waits for nothing in flight).
			for i, r := range c.records {
				p.gate.finished(c.orgs[i], int(r.Entries()))
			}
			slots.give(c.entries)
			return
		}
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// next picks the organization whose turn it is among those with records
// to read and room in the pipeline, and reads a chunk of its records. It
// returns the chunk (nil: none), whether it read records (passing over a
// parked organization's), whether it found work but no room, or the
// read's error (cursor untouched).
func (p *pipeline) next(pl *pool, d *dispatcher, slots *slots) (string, *chunk, bool, bool, error) {
	tags := p.tags()
	// Records stored before state kept organizations in tags go first,
	// in state order, as they went before: the archive takes each
	// organization's records in order.
	if st, ok := tags[legacyTag]; ok && pl.org == "" {
		if st.Last >= d.cursor[legacyTag] {
			c := &chunk{}
			from := d.cursor[legacyTag]
			read, err := p.fill(c, legacyTag, &from)
			if err != nil {
				return legacyTag, nil, false, false, err
			}
			d.cursor[legacyTag] = from
			if len(c.records) > 0 {
				return legacyTag, c, true, false, nil
			}
			if read > 0 {
				return legacyTag, nil, true, false, nil
			}
		}
	}
	d.work = d.work[:0]
	weights := 0
	for org, st := range tags {
		if org == legacyTag {
			continue
		}
		if !p.serves(pl, org) {
			delete(d.cursor, org)
			continue
		}
		if p.gate.isParked(org) {
			if !p.gate.unparkIfDue(org) {
				continue
			}
			p.logger.Info("retrying a parked organization's entries", "organization", org)
			d.cursor[org] = 0
			d.cursor[legacyTag] = 0
		}
		from, known := d.cursor[org]
		if !known {
			// Newly this pool's (at start, or handed over by a reload):
			// taken once nothing of it is in flight elsewhere, from its
			// oldest record.
			if p.gate.inflightOf(org) > 0 {
				continue
			}
			d.cursor[org] = 0
		}
		if st.Last < from {
			continue // everything dispatched
		}
		d.work = append(d.work, org)
		weights += p.weight(org)
	}
	if len(d.work) == 0 {
		return "", nil, false, false, nil
	}
	// Each organization with work may hold its weighted share of the
	// pipeline's bound whatever the others hold, so a quiet one never
	// waits for room behind a flood: the pipeline holds at most twice its
	// bound.
	used, limit := slots.usage()
	d.cands = d.cands[:0]
	for _, org := range d.work {
		share := limit * p.weight(org) / max(weights, 1)
		if used < limit || p.gate.inflightOf(org) < share {
			d.cands = append(d.cands, org)
		}
	}
	if len(d.cands) == 0 {
		return "", nil, false, true, nil
	}
	// An organization whose newest records are not committed yet (or
	// whose last append failed) has nothing to read now: the others are
	// tried in turn, so none waits behind it.
	for len(d.cands) > 0 {
		org, _ := d.fair.pick(d.cands)
		c := &chunk{}
		from := d.cursor[org]
		pl.st.cursor.Store(from)
		if _, err := p.fill(c, org, &from); err != nil {
			return org, nil, false, false, err
		}
		d.cursor[org] = from
		if len(c.records) > 0 {
			n := 0
			for _, r := range c.records {
				n += int(r.Entries())
			}
			d.fair.charge(org, n, p.weight(org))
			return org, c, true, false, nil
		}
		d.cands = slices.DeleteFunc(d.cands, func(o string) bool { return o == org })
	}
	return "", nil, false, false, nil
}

// weight is org's share of the shared pool.
func (p *pipeline) weight(org string) int {
	if p.orgs == nil {
		return 1
	}
	return p.orgs.get(org).Weight
}

// fill reads the records tagged tag from *from into c: about
// chunkEntries, whole records, archiving them first; for the legacy tag
// it passes over the records of parked organizations. It returns how
// many records it read, or the read's error (c and *from untouched).
func (p *pipeline) fill(c *chunk, tag string, from *uint64) (int, error) {
	recs, err := p.readTag(tag, *from, 64, 8<<20)
	if err != nil {
		return 0, fmt.Errorf("read state from %d: %w", *from, err)
	}
	next, read, n := *from, 0, int64(0)
	for _, r := range recs {
		read++
		next = r.Last + 1
		org := tag
		if tag == legacyTag {
			if org = recordOrg(r.Value); p.gate.isParked(org) {
				continue
			}
		}
		c.records = append(c.records, r)
		c.orgs = append(c.orgs, org)
		if n += r.Entries(); n >= chunkEntries {
			break
		}
	}
	if p.archive != nil {
		// Archived before they are parsed, each organization's records
		// in state order; one read again after a restart or a park is
		// skipped by the archive's mark.
		if err := p.archiveRecords(c.records); err != nil {
			c.records, c.orgs = nil, nil
			return 0, err
		}
	}
	*from = next
	return read, nil
}

// parse turns a chunk's entries into events with the current rule set:
// 0 events for an entry an event rule dropped, more for alarms. buf is
// scratch space the worker reuses.
func (p *pipeline) parse(c *chunk, buf []*event.Event) []*event.Event {
	rs := p.rules.Load()
	now := p.now()
	for i, r := range c.records {
		sb, batch, err := decodeRecord(r.Value)
		// Decoded: only the record's range is needed from here on (to
		// delete it), so its bytes need not wait for the index.
		c.records[i].Value = nil
		if err != nil {
			p.errors.Add(1)
			ev := &event.Event{
				ID:           fmt.Sprintf("%s-state-%016x", p.mediatorID, r.First),
				Organization: event.DefaultOrganization,
				Timestamp:    time.Now(),
				Message:      string(r.Value),
			}
			ev.Set(event.FieldClassification, event.ClassificationUnknown)
			ev.AddFlag(event.FlagError)
			ev.Set("error.message", "undecodable state record: "+err.Error())
			c.events = append(c.events, ev)
			c.from = append(c.from, origin{})
			c.ends = append(c.ends, len(c.events))
			continue
		}
		col := collectorOf(sb)
		for _, e := range batch.GetEntries() {
			o := origin{agent: sb.GetAgentId(), org: sb.GetOrganization(), spool: sb.GetSpool(), entry: e, collector: col}
			buf = p.process(rs, o, buf[:0], now)
			for _, ev := range buf {
				c.events = append(c.events, ev)
				c.from = append(c.from, o)
			}
		}
		c.ends = append(c.ends, len(c.events))
	}
	return buf
}

// collectorOf is the MPE's view of the sending agent's facts stored with
// a batch.
func collectorOf(sb *sluicev1.StoredBatch) *mpe.Collector {
	h := sb.GetHost()
	info := mpe.CollectorInfo{Version: sb.GetAgentVersion()}
	if h == nil {
		// An agent older than the host description does not say which of
		// its sources are forwarded: its hostname is no event's host.
		return mpe.NewCollector(info)
	}
	return mpe.NewCollector(mpe.CollectorInfo{
		Version:      info.Version,
		Hostname:     sb.GetHostname(),
		IPs:          h.GetIps(),
		OSType:       h.GetOsType(),
		OSFamily:     h.GetOsFamily(),
		OSName:       h.GetOsName(),
		OSVersion:    h.GetOsVersion(),
		OSPlatform:   h.GetOsPlatform(),
		OSKernel:     h.GetOsKernel(),
		Architecture: h.GetArchitecture(),
		Forwarded:    h.GetForwardedSources(),
	})
}

// decodeRecord decodes a state (or archive) record: the stored batch and
// the agent's batch packed in it.
func decodeRecord(v []byte) (*sluicev1.StoredBatch, *sluicev1.LogBatch, error) {
	var sb sluicev1.StoredBatch
	var batch sluicev1.LogBatch
	err := proto.Unmarshal(v, &sb)
	if err == nil {
		err = proto.Unmarshal(sb.GetPacked(), &batch)
	}
	return &sb, &batch, err
}

// now is the pipeline's clock.
func (p *pipeline) now() time.Time {
	if p.clock != nil {
		return p.clock()
	}
	return time.Now()
}

// process runs one entry through the MPE and files the events whose time
// is outside the window around now under their collection time.
func (p *pipeline) process(rs *mpe.RuleSet, o origin, out []*event.Event, now time.Time) []*event.Event {
	res := p.parseEntry(rs, o, out)
	if p.window == (timeWindow{}) {
		return res
	}
	collected := collectedAt(o.entry)
	for _, ev := range res {
		if !p.window.clamp(ev, collected, now) {
			continue
		}
		p.outOfRange.Add(1)
		if n := p.outOfRangeLog.Allow(now); n >= 0 {
			orig, _ := ev.Get(event.FieldOriginalTimestamp)
			p.logger.Warn("event time outside max_past_age / max_future_skew: filed under its collection time, flagged "+event.FlagTimestampOutOfRange,
				logging.Suppressed([]any{"agent", o.agent, "organization", o.org, "seq", o.entry.GetSeq(), "event_time", orig, "filed_at", ev.Timestamp}, n)...)
		}
	}
	return res
}

// collectedAt is the entry's collection time, zero when the sender left
// it out. (The protobuf's own AsTime makes that 1970, which the MPE would
// take for the line's time and the window would flag.)
func collectedAt(e *sluicev1.LogEntry) time.Time {
	if e.GetCollectedAt() == nil {
		return time.Time{}
	}
	return e.GetCollectedAt().AsTime()
}

// parseEntry runs one entry through the MPE.
func (p *pipeline) parseEntry(rs *mpe.RuleSet, o origin, out []*event.Event) (res []*event.Event) {
	e := o.entry
	raw, truncated, origLen := e.GetRaw(), e.GetTruncated(), int(e.GetOriginalLength())
	if p.maxLine > 0 && len(raw) > p.maxLine {
		if !truncated {
			origLen = len(raw)
		}
		raw, truncated = raw[:p.maxLine], true
	}
	in := &mpe.Entry{
		Raw:            raw,
		LogSourceType:  e.GetSourceType(),
		LogSource:      e.GetSourceId(),
		Agent:          o.agent,
		Spool:          o.spool,
		Organization:   o.org,
		Mediator:       p.mediatorID,
		Seq:            e.GetSeq(),
		Collected:      collectedAt(e),
		Truncated:      truncated,
		OriginalLength: origLen,
		Fields:         e.GetFields(),
		Collector:      o.collector,
	}
	defer func() {
		// The MPE recovers its own panics; this is the backstop, so an
		// entry is never lost or retried forever.
		if r := recover(); r != nil {
			p.errors.Add(1)
			p.logger.Error("MPE panicked on an entry; keeping it as an error event", "agent", in.Agent, "seq", in.Seq, "panic", r)
			ts := in.Collected
			if ts.IsZero() {
				ts = time.Now().UTC()
			}
			ev := &event.Event{
				ID:           event.SpoolDocID(in.Agent, in.Spool, in.Seq),
				Organization: in.Organization,
				Timestamp:    ts,
				Message:      string(in.Raw),
			}
			ev.Set(event.FieldClassification, event.ClassificationUnknown)
			ev.Set(event.FieldAgent, in.Agent)
			ev.AddFlag(event.FlagError)
			ev.Set("error.message", fmt.Sprint("panic: ", r))
			res = append(out[:0], ev)
		}
	}()
	return p.orgRules.process(rs, in, out)
}

// feed gathers parsed chunks into an index batch per organization and
// writes each organization's batch on its own, then deletes its records
// from state (writeLane). Each organization has at most one write in
// progress while its next batch gathers, and no organization's write
// waits for another's: a flood's long writes never hold a quiet
// organization's events back. A batch is written once it holds
// index_batch events, or index_flush after its first one came.
func (p *pipeline) feed(ctx context.Context, pl *pool, slots *slots, done <-chan *chunk) {
	type orgFeed struct {
		next    *lane     // gathering (nil: none)
		since   time.Time // when next's first chunk came
		writing time.Time // when its write began (zero: none)
	}
	feeds := map[string]*orgFeed{}
	finished := make(chan *lane)
	writes := 0
	tick := time.NewTicker(max(p.flush/5, time.Millisecond))
	defer tick.Stop()
	pl.st.writing.Store(&phaseCollect)
	status := func() {
		oldest := time.Time{}
		for _, f := range feeds {
			if !f.writing.IsZero() && (oldest.IsZero() || f.writing.Before(oldest)) {
				oldest = f.writing
			}
		}
		if oldest.IsZero() {
			pl.st.writeSince.Store(0)
			pl.st.writing.Store(&phaseCollect)
			return
		}
		pl.st.writeSince.Store(oldest.UnixNano())
		pl.st.writing.Store(&phaseIndex)
	}
	start := func(f *orgFeed) {
		l := f.next
		f.next, f.writing = nil, time.Now()
		writes++
		status()
		go func() {
			p.writeLane(ctx, pl, l)
			finished <- l
		}()
	}
	// ready starts the organizations' writes that are due (all of them,
	// when draining).
	ready := func(now time.Time, drain bool) {
		for _, f := range feeds {
			if f.next != nil && f.writing.IsZero() && (drain || len(f.next.events) >= p.batch || now.Sub(f.since) >= p.flush) {
				start(f)
			}
		}
	}
	for {
		select {
		case c, ok := <-done:
			if !ok {
				// Drain: write what is gathered, wait for every write.
				done = nil
				ready(time.Now(), true)
				break
			}
			now := time.Now()
			from := 0
			for i, r := range c.records {
				org := c.orgs[i]
				f := feeds[org]
				if f == nil {
					f = &orgFeed{}
					feeds[org] = f
				}
				if f.next == nil {
					f.next, f.since = &lane{org: org}, now
				}
				l, end := f.next, c.ends[i]
				l.events = append(l.events, c.events[from:end]...)
				l.from = append(l.from, c.from[from:end]...)
				l.records = append(l.records, r)
				l.entries += int(r.Entries())
				from = end
			}
			ready(now, false)
		case l := <-finished:
			writes--
			slots.give(l.entries)
			f := feeds[l.org]
			f.writing = time.Time{}
			if f.next == nil {
				delete(feeds, l.org)
			}
			status()
			ready(time.Now(), done == nil)
		case now := <-tick.C:
			ready(now, done == nil)
		}
		if done == nil && writes == 0 {
			pending := false
			for _, f := range feeds {
				pending = pending || f.next != nil
			}
			if !pending {
				return
			}
			ready(time.Now(), true)
		}
	}
}

// lane is one organization's index batch.
type lane struct {
	org     string
	events  []*event.Event
	from    []origin
	records []queue.Record
	entries int
}

// writeLane indexes one organization's events, retrying with backoff, then
// removes their records from state. Events the index refuses permanently
// go to the dead-letter store first. When the index keeps failing for
// longer than parkAfter, the organization is parked: its records stay in
// state and are retried later, and the other organizations go on.
func (p *pipeline) writeLane(ctx context.Context, pl *pool, l *lane) {
	defer p.gate.finished(l.org, l.entries)
	defer func() { p.retrying.Store(p.gate.trouble()) }()
	if p.gate.isParked(l.org) {
		// Dispatched before its organization was parked.
		p.gate.park(l.org)
		return
	}
	var rejected *indexer.RejectedError
	started := time.Now()
	for attempt := 0; len(l.events) > 0; attempt++ {
		began := time.Now()
		err := p.sink.Write(ctx, l.events)
		if p.writeSeconds != nil {
			p.writeSeconds.Observe(time.Since(began).Seconds())
		}
		if err == nil {
			break
		}
		if errors.As(err, &rejected) {
			break
		}
		if ctx.Err() != nil {
			return // still in state; indexed after restart
		}
		p.gate.failed(l.org)
		p.retried.Add(uint64(len(l.events)))
		p.retrying.Store(true)
		p.lastError.Store(err.Error())
		d := backoff.Default.Delay(attempt)
		if time.Since(started)+d > p.parkAfter {
			wait := p.gate.park(l.org)
			p.logger.Error("index write keeps failing; the organization's entries stay in state and are retried later, other organizations go on",
				"organization", l.org, "entries", l.entries, "retry_in", wait.Round(time.Millisecond), "error", err)
			return
		}
		p.logger.Error("index write failed; entries stay in state and are retried", "organization", l.org, "events", len(l.events), "retry_in", d, "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
	}
	p.gate.succeeded(l.org)
	stored := l.events
	if rejected != nil && len(rejected.Reasons) > 0 {
		pl.st.writing.Store(&phaseDeadLtrs)
		if err := p.deadLetter(l.from, rejected); err != nil {
			// Leave everything in state: it is indexed again (the stored
			// part idempotently) until the dead letters can be kept.
			p.logger.Error("cannot store dead letters; entries stay in state", "error", err)
			p.gate.park(l.org)
			return
		}
		stored = make([]*event.Event, 0, len(l.events))
		for i, e := range l.events {
			if _, bad := rejected.Reasons[i]; !bad {
				stored = append(stored, e)
			}
		}
	}
	if p.archive != nil {
		// An entry leaves state only once indexed and archived: the
		// dispatcher archived these records before parsing them, and
		// Sync makes that durable.
		pl.st.writing.Store(&phaseArchive)
		if err := p.archive.Sync(); err != nil {
			p.archiveFailed(err)
			p.gate.park(l.org)
			return
		}
	}
	pl.st.writing.Store(&phaseRemove)
	if err := p.state.q.Delete(l.records); err != nil {
		// They are indexed; leaving them in state only means they are
		// indexed again (idempotently) after a restart.
		p.logger.Error("cannot remove indexed entries from state", "error", err)
	}
	p.removed.Add(uint64(l.entries))
	p.indexed.Add(uint64(len(stored)))
	for _, o := range p.observers {
		o(stored)
	}
}

// deadLetter keeps the entries behind the rejected events (once per entry,
// whichever of its events the index refused).
func (p *pipeline) deadLetter(from []origin, rej *indexer.RejectedError) error {
	var vals [][]byte
	var reasons []string
	seen := map[*sluicev1.LogEntry]bool{}
	for i, reason := range rej.Reasons {
		if i < 0 || i >= len(from) || from[i].entry == nil || seen[from[i].entry] {
			continue
		}
		seen[from[i].entry] = true
		v, err := proto.Marshal(&sluicev1.StoredEntry{AgentId: from[i].agent, Organization: from[i].org, Spool: from[i].spool, Entry: from[i].entry})
		if err != nil {
			return err
		}
		vals = append(vals, v)
		reasons = append(reasons, reason)
	}
	if len(vals) == 0 {
		return nil
	}
	if err := p.dead.add(vals, reasons, time.Now()); err != nil {
		return err
	}
	p.rejected.Add(uint64(len(vals)))
	p.logger.Warn("index rejected events permanently; kept in the dead-letter store", "count", len(vals), "example_reason", reasons[0])
	return nil
}

// replay parses the dead letters again with the current rules and writes
// them to the index; those it takes leave the store, those it still
// refuses stay. It returns how many were indexed and how many remain.
func (p *pipeline) replay(ctx context.Context) (indexed, remaining int, err error) {
	var from uint64
	rs := p.rules.Load()
	for {
		recs, err := p.dead.q.Read(from, 1000, 32<<20)
		if err != nil {
			return indexed, remaining, err
		}
		if len(recs) == 0 {
			return indexed, remaining, nil
		}
		from = recs[len(recs)-1].Last + 1
		var events []*event.Event
		var owner []int // owner[i] is the record events[i] came from
		for i, r := range recs {
			_, se, derr := decodeDeadLetter(r.Value)
			if derr != nil {
				return indexed, remaining, fmt.Errorf("dead letter %d: %w", r.First, derr)
			}
			o := origin{agent: se.GetAgentId(), org: se.GetOrganization(), spool: se.GetSpool(), entry: se.GetEntry()}
			for _, ev := range p.process(rs, o, nil, p.now()) {
				events = append(events, ev)
				owner = append(owner, i)
			}
		}
		var rejected *indexer.RejectedError
		werr := p.sink.Write(ctx, events)
		if werr != nil && !errors.As(werr, &rejected) {
			return indexed, remaining, fmt.Errorf("replay: %w", werr)
		}
		refused := map[int]bool{}
		if rejected != nil {
			for i := range rejected.Reasons {
				if i >= 0 && i < len(owner) {
					refused[owner[i]] = true
				}
			}
		}
		var done []queue.Record
		for i, r := range recs {
			if refused[i] {
				remaining++
				continue
			}
			done = append(done, r)
		}
		if err := p.dead.q.Delete(done); err != nil {
			return indexed, remaining, err
		}
		indexed += len(done)
		p.indexed.Add(uint64(len(done)))
	}
}

// drainReportEvery is how often the backlog left is logged while state
// drains at shutdown.
const drainReportEvery = time.Second

// drain waits until state is empty or ctx ends.
func (p *pipeline) drain(ctx context.Context) {
	drainState(ctx, p.state.q.Len, p.logger, drainReportEvery)
}

// drainState waits until backlog is 0 or ctx ends, logging the backlog
// left every report, so that a slow stop shows it is making way (or not)
// rather than hanging silently.
func drainState(ctx context.Context, backlog func() int64, logger hclog.Logger, report time.Duration) {
	n := backlog()
	if n == 0 {
		return
	}
	start := time.Now()
	logger.Info("draining state before stopping", "backlog", n)
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	last := start
	for n > 0 {
		select {
		case <-ctx.Done():
			logger.Warn("state not drained in time: the rest is processed at the next start", "backlog", n, "waited", time.Since(start).Round(time.Millisecond))
			return
		case now := <-t.C:
			n = backlog()
			if n > 0 && now.Sub(last) >= report {
				last = now
				logger.Info("draining state", "backlog", n, "waited", now.Sub(start).Round(time.Second))
			}
		}
	}
	logger.Info("state drained", "took", time.Since(start).Round(time.Millisecond))
}
