package mediator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/event"
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

	indexed   atomic.Uint64
	errors    atomic.Uint64
	rejected  atomic.Uint64
	retrying  atomic.Bool
	lastError atomic.Value // string
}

// chunk is state records on their way to the index.
type chunk struct {
	records []queue.Record
	events  []*event.Event
	// from[i] is the entry events[i] came from (for dead letters).
	from []origin
}

// origin is the entry behind an event.
type origin struct {
	agent, org string
	entry      *sluicev1.LogEntry
}

// run processes until ctx is done. Entries read but not yet indexed when it
// stops stay in state and are processed after a restart.
func (p *pipeline) run(ctx context.Context) {
	// slots bounds how many chunks are between state and index, so a
	// slow index holds entries in state (on disk), not in memory.
	slots := make(chan struct{}, p.batch/chunkEntries+2*p.workers+2)
	work := make(chan *chunk, p.workers)
	done := make(chan *chunk, p.workers)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		p.dispatch(ctx, slots, work)
	}()
	var workers sync.WaitGroup
	for range p.workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			var buf []*event.Event
			for c := range work {
				buf = p.parse(c, buf)
				done <- c
			}
		}()
	}
	go func() {
		workers.Wait()
		close(done)
	}()
	p.feed(ctx, slots, done)
	wg.Wait()
}

// dispatch reads state in sequence order and hands chunks to workers.
func (p *pipeline) dispatch(ctx context.Context, slots chan struct{}, work chan<- *chunk) {
	var cursor uint64
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		recs, err := p.state.q.Read(cursor, 64, 8<<20)
		if err != nil {
			p.logger.Error("read state", "error", err)
		}
		// About chunkEntries per chunk, whole records.
		n := int64(0)
		for i, r := range recs {
			n += r.Entries()
			if n >= chunkEntries {
				recs = recs[:i+1]
				break
			}
		}
		if len(recs) == 0 {
			<-slots
			select {
			case <-ctx.Done():
				return
			case <-p.state.q.Notify():
			case <-time.After(time.Second):
			}
			continue
		}
		cursor = recs[len(recs)-1].Last + 1
		select {
		case work <- &chunk{records: recs}:
		case <-ctx.Done():
			return
		}
	}
}

// parse turns a chunk's entries into events with the current rule set:
// 0 events for an entry an event rule dropped, more for alarms. buf is
// scratch space the worker reuses.
func (p *pipeline) parse(c *chunk, buf []*event.Event) []*event.Event {
	rs := p.rules.Load()
	for _, r := range c.records {
		var sb sluicev1.StoredBatch
		var batch sluicev1.LogBatch
		err := proto.Unmarshal(r.Value, &sb)
		if err == nil {
			err = proto.Unmarshal(sb.GetPacked(), &batch)
		}
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
			continue
		}
		for _, e := range batch.GetEntries() {
			buf = p.process(rs, sb.GetAgentId(), sb.GetOrganization(), e, buf[:0])
			for _, ev := range buf {
				c.events = append(c.events, ev)
				c.from = append(c.from, origin{agent: sb.GetAgentId(), org: sb.GetOrganization(), entry: e})
			}
		}
	}
	return buf
}

// process runs one entry through the MPE.
func (p *pipeline) process(rs *mpe.RuleSet, agent, org string, e *sluicev1.LogEntry, out []*event.Event) (res []*event.Event) {
	in := &mpe.Entry{
		Raw:            e.GetRaw(),
		LogSourceType:  e.GetSourceType(),
		LogSource:      e.GetSourceId(),
		Agent:          agent,
		Organization:   org,
		Mediator:       p.mediatorID,
		Seq:            e.GetSeq(),
		Collected:      e.GetCollectedAt().AsTime(),
		Truncated:      e.GetTruncated(),
		OriginalLength: int(e.GetOriginalLength()),
	}
	defer func() {
		// The MPE recovers its own panics; this is the backstop, so an
		// entry is never lost or retried forever.
		if r := recover(); r != nil {
			p.errors.Add(1)
			p.logger.Error("MPE panicked on an entry; keeping it as an error event", "agent", in.Agent, "seq", in.Seq, "panic", r)
			ev := &event.Event{
				ID:           event.DocID(in.Agent, in.Seq),
				Organization: in.Organization,
				Timestamp:    in.Collected,
				Message:      string(in.Raw),
			}
			ev.Set(event.FieldClassification, event.ClassificationUnknown)
			ev.Set(event.FieldAgent, in.Agent)
			ev.AddFlag(event.FlagError)
			ev.Set("error.message", fmt.Sprint("panic: ", r))
			res = append(out[:0], ev)
		}
	}()
	return rs.Process(in, out)
}

// feed collects parsed chunks into index batches, writes them, and then
// deletes their records from state.
func (p *pipeline) feed(ctx context.Context, slots chan struct{}, done <-chan *chunk) {
	var pending []*chunk
	n := 0
	timer := time.NewTimer(p.flush)
	defer timer.Stop()
	flush := func() {
		if len(pending) == 0 {
			return
		}
		p.write(ctx, pending, n)
		for range pending {
			<-slots
		}
		pending, n = nil, 0
	}
	for {
		select {
		case c, ok := <-done:
			if !ok {
				flush()
				return
			}
			if len(pending) == 0 {
				timer.Reset(p.flush)
			}
			pending = append(pending, c)
			n += len(c.events)
			if n >= p.batch {
				flush()
			}
		case <-timer.C:
			flush()
		}
	}
}

// write indexes the chunks' events, retrying with backoff until the index
// takes them or ctx ends, then removes their records from state. Events
// the index refuses permanently go to the dead-letter store first.
func (p *pipeline) write(ctx context.Context, chunks []*chunk, n int) {
	events := make([]*event.Event, 0, n)
	var from []origin
	var records []queue.Record
	for _, c := range chunks {
		events = append(events, c.events...)
		from = append(from, c.from...)
		records = append(records, c.records...)
	}
	var rejected *indexer.RejectedError
	for attempt := 0; len(events) > 0; attempt++ {
		err := p.sink.Write(ctx, events)
		if err == nil {
			break
		}
		if errors.As(err, &rejected) {
			break
		}
		if ctx.Err() != nil {
			return // still in state; indexed after restart
		}
		p.retrying.Store(true)
		p.lastError.Store(err.Error())
		d := backoff.Default.Delay(attempt)
		p.logger.Error("index write failed; entries stay in state and are retried", "events", len(events), "retry_in", d, "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
	}
	p.retrying.Store(false)
	stored := events
	if rejected != nil && len(rejected.Reasons) > 0 {
		if err := p.deadLetter(from, rejected); err != nil {
			// Leave everything in state: it is indexed again (the stored
			// part idempotently) until the dead letters can be kept.
			p.logger.Error("cannot store dead letters; entries stay in state", "error", err)
			return
		}
		stored = make([]*event.Event, 0, len(events))
		for i, e := range events {
			if _, bad := rejected.Reasons[i]; !bad {
				stored = append(stored, e)
			}
		}
	}
	if err := p.state.q.Delete(records); err != nil {
		// They are indexed; leaving them in state only means they are
		// indexed again (idempotently) after a restart.
		p.logger.Error("cannot remove indexed entries from state", "error", err)
	}
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
		v, err := proto.Marshal(&sluicev1.StoredEntry{AgentId: from[i].agent, Organization: from[i].org, Entry: from[i].entry})
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
			for _, ev := range p.process(rs, se.GetAgentId(), se.GetOrganization(), se.GetEntry(), nil) {
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

// drain waits until state is empty or ctx ends.
func (p *pipeline) drain(ctx context.Context) {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for p.state.q.Len() > 0 {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
