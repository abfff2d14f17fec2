package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/archive"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// ArchiveFigures are the archive stage's: end to end with and without
// the raw archive (A/B/A/B in one process), the archive's compression
// and a replay of it into an empty index.
type ArchiveFigures struct {
	// Medians of the rounds.
	PlainEventsPerSec    float64 `json:"plain_events_per_s"`
	ArchiveEventsPerSec  float64 `json:"archive_events_per_s"`
	PlainCPUPerMillion   float64 `json:"plain_cpu_s_per_million"`
	ArchiveCPUPerMillion float64 `json:"archive_cpu_s_per_million"`
	// CPUOverheadPct is the archive's share: (archive - plain) / plain.
	CPUOverheadPct float64 `json:"cpu_overhead_pct"`
	// RatioBench and RatioCorpus are raw bytes over compressed bytes:
	// the generated lines, and the corpus's real logs (each file once).
	RatioBench  float64 `json:"ratio_bench"`
	RatioCorpus float64 `json:"ratio_corpus"`
	// Bytes on disk per event, for sizing (docs/data-lifecycle.md).
	ArchiveBytesPerEvent float64 `json:"archive_bytes_per_event"`
	IndexBytesPerEvent   float64 `json:"index_bytes_per_event"`
	// AppendCPUPerMillion is the archive's own work, measured alone:
	// the run's records appended again to a new archive, synced every
	// 20 records (an index batch) — CPU-s per million entries; and
	// AppendSharePct that as a share of the end-to-end CPU without it.
	// The A/B difference above is within the machine's noise.
	AppendCPUPerMillion float64 `json:"append_cpu_s_per_million"`
	AppendSharePct      float64 `json:"append_share_pct"`
	// ReplayEventsPerSec is a replay of the whole archive into an empty
	// index, through the API.
	ReplayEventsPerSec   float64 `json:"replay_events_per_s"`
	ReplayCPUPerMillion  float64 `json:"replay_cpu_s_per_million"`
	CorpusLines          int     `json:"corpus_lines"`
	CorpusArchiveBytes   int64   `json:"corpus_archive_bytes"`
	CorpusRawRecordBytes int64   `json:"corpus_raw_bytes"`
}

// stageArchive measures what archiving costs end to end, how well it
// compresses, and how fast a replay restores an index.
func stageArchive(e *stageEnv) Result {
	n := *flagLines / 2
	var plainRate, archRate, plainCPU, archCPU []float64
	var last *stageEnv
	// A B then B A: the order within a round does not favour either.
	for round, order := range [][]bool{{false, true}, {true, false}} {
		for _, withArchive := range order {
			sub := e.sub(fmt.Sprintf("r%d-%v", round, withArchive))
			r := ingestOnce(sub, n, withArchive)
			if withArchive {
				archRate, archCPU = append(archRate, r.EventsPerSec), append(archCPU, r.CPUPerMillion)
				last = sub
			} else {
				plainRate, plainCPU = append(plainRate, r.EventsPerSec), append(plainCPU, r.CPUPerMillion)
			}
		}
	}
	f := &ArchiveFigures{
		PlainEventsPerSec: median(plainRate), ArchiveEventsPerSec: median(archRate),
		PlainCPUPerMillion: median(plainCPU), ArchiveCPUPerMillion: median(archCPU),
	}
	f.CPUOverheadPct = 100 * (f.ArchiveCPUPerMillion - f.PlainCPUPerMillion) / f.PlainCPUPerMillion
	var raw, packed int64
	files, err := archive.List(last.path("archive"))
	if err != nil {
		fatalf("%v", err)
	}
	for _, fi := range files {
		raw += fi.RawBytes
		packed += fi.Bytes
	}
	f.RatioBench = float64(raw) / float64(max(packed, 1))
	f.ArchiveBytesPerEvent = float64(packed) / float64(n)
	f.IndexBytesPerEvent = float64(dirSize(last.path("mediator/index"))) / float64(n)
	f.AppendCPUPerMillion = appendCost(last, e.sub("append"), n)
	f.AppendSharePct = 100 * f.AppendCPUPerMillion / f.PlainCPUPerMillion
	f.ReplayEventsPerSec, f.ReplayCPUPerMillion = replayOnce(last, n)
	f.RatioCorpus, f.CorpusLines, f.CorpusArchiveBytes, f.CorpusRawRecordBytes = corpusRatio(e.sub("corpus"))

	r := Result{Events: int64(n), EventsPerSec: f.ArchiveEventsPerSec, CPUPerMillion: f.ArchiveCPUPerMillion, Archive: f}
	r.Note = fmt.Sprintf("end to end with archive %.0f/s at %.1f CPU-s/M vs without %.0f/s at %.1f (A/B %+.1f%% CPU; the archive alone %.2f CPU-s/M, %.1f%% of the pipeline's); ratio %.1f:1 generated, %.1f:1 corpus; replay %.0f events/s; %.0f B/event archive, %.0f B/event index",
		f.ArchiveEventsPerSec, f.ArchiveCPUPerMillion, f.PlainEventsPerSec, f.PlainCPUPerMillion, f.CPUOverheadPct, f.AppendCPUPerMillion, f.AppendSharePct, f.RatioBench, f.RatioCorpus, f.ReplayEventsPerSec, f.ArchiveBytesPerEvent, f.IndexBytesPerEvent)
	return r
}

// sub is a fresh environment in a folder of e.
func (e *stageEnv) sub(name string) *stageEnv {
	s := &stageEnv{dir: e.path(name)}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		fatalf("%v", err)
	}
	return s
}

// archiveBlock is the mediator's archive block in env e.
func archiveBlock(e *stageEnv) string {
	return fmt.Sprintf("archive {\n  dir = %q\n}\n", e.path("archive"))
}

// ingestOnce runs file → searchable for n lines in env e, with or
// without the archive, and stops the mediator (closing its archive).
func ingestOnce(e *stageEnv, n int, withArchive bool) Result {
	_, size := e.genFile("gen.log", n)
	blocks := ""
	if withArchive {
		blocks = archiveBlock(e)
	}
	m, stopM := startMediator(e, "", mediator.Deps{}, blocks)
	t0, c0 := time.Now(), cpuSeconds()
	stopA := startAgent(e, m.Addr(), filepath.Join(e.dir, "*.log"))
	waitProgress("indexed", func() int64 { return int64(m.Status().Indexed) }, int64(n), 15*time.Minute, func() string { return e.dir })
	var r Result
	measure(&r, int64(n), size, t0, c0)
	stopA()
	stopM()
	return r
}

// appendCost reads the archive of env from and appends its records to a
// new archive in env to, syncing every 20 records: the archive's CPU per
// million entries (n of them), without the rest of the pipeline.
func appendCost(from, to *stageEnv, n int) float64 {
	var recs []archive.Record
	err := archive.Scan(from.path("archive"), "", time.Time{}, time.Time{}, func(r archive.Record) error {
		r.Value = append([]byte(nil), r.Value...)
		recs = append(recs, r)
		return nil
	}, func(path string, err error) { fatalf("archive %s: %v", path, err) })
	if err != nil {
		fatalf("%v", err)
	}
	a, err := archive.Open(archive.Config{Dir: to.path("archive")})
	if err != nil {
		fatalf("%v", err)
	}
	c0 := cpuSeconds()
	for i, r := range recs {
		if _, err := a.Append(r.Organization, r.First, r.Last, r.Value); err != nil {
			fatalf("%v", err)
		}
		if i%20 == 19 {
			if err := a.Sync(); err != nil {
				fatalf("%v", err)
			}
		}
	}
	if err := a.Close(); err != nil {
		fatalf("%v", err)
	}
	return (cpuSeconds() - c0) / (float64(n) / 1e6)
}

// replayOnce deletes env e's index, starts a mediator on it and replays
// the archive through the API: events/s and CPU-s per million.
func replayOnce(e *stageEnv, n int) (float64, float64) {
	if err := os.RemoveAll(e.path("mediator/index")); err != nil {
		fatalf("%v", err)
	}
	m, stopM := startMediator(e, "", mediator.Deps{}, archiveBlock(e))
	defer stopM()
	t0, c0 := time.Now(), cpuSeconds()
	resp, err := http.Post("http://"+m.HTTPAddr()+"/v1/archive/replay", "", nil)
	if err != nil {
		fatalf("replay: %v", err)
	}
	defer resp.Body.Close()
	var last mediator.ArchiveReplayProgress
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
			fatalf("replay progress: %v", err)
		}
	}
	secs, cpu := time.Since(t0).Seconds(), cpuSeconds()-c0
	if !last.Done || last.Error != "" || last.Events < uint64(n) {
		fatalf("replay: %+v (want %d events)", last, n)
	}
	// n lines and what else the mediator indexed (the agent's own
	// entries): exactly what the replay wrote.
	if got := count(m.Index()); got != int64(last.Events) || got < int64(n) {
		fatalf("after the replay the index holds %d events, want the %d replayed (of %d lines)", got, last.Events, n)
	}
	return float64(last.Events) / secs, cpu / (float64(last.Events) / 1e6)
}

// corpusRatio archives the corpus's lines, each file once, as agents'
// batches of 500 entries, and returns raw bytes over compressed bytes.
func corpusRatio(e *stageEnv) (ratio float64, lines int, packed, raw int64) {
	a, err := archive.Open(archive.Config{Dir: e.path("archive")})
	if err != nil {
		fatalf("%v", err)
	}
	entries, _ := corpusEntries()
	var seq uint64 = 1
	for i := 0; i < len(entries); i += 500 {
		var b sluicev1.LogBatch
		for _, en := range entries[i:min(i+500, len(entries))] {
			b.Entries = append(b.Entries, &sluicev1.LogEntry{Seq: seq, SourceId: "file:/var/log/app.log", SourceType: en.LogSourceType, Raw: en.Raw, CollectedAt: timestamppb.New(en.Collected.Add(time.Duration(seq) * time.Millisecond))})
			seq++
		}
		packedBatch, _ := proto.Marshal(&b)
		v, _ := proto.Marshal(&sluicev1.StoredBatch{AgentId: "bench-agent", Organization: "default", Packed: packedBatch, Spool: "0123456789abcdef"})
		if _, err := a.Append("default", uint64(i+1), uint64(i+500), v); err != nil {
			fatalf("%v", err)
		}
	}
	if err := a.Close(); err != nil {
		fatalf("%v", err)
	}
	files, err := archive.List(e.path("archive"))
	if err != nil {
		fatalf("%v", err)
	}
	for _, f := range files {
		raw += f.RawBytes
		packed += f.Bytes
	}
	return float64(raw) / float64(max(packed, 1)), len(entries), packed, raw
}

// dirSize is the bytes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
