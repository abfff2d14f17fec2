package spool

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/agent/source"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

func TestEncodeBatchMatchesProto(t *testing.T) {
	for _, collected := range []time.Time{time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC), time.Unix(0, 0), time.Unix(1700000000, 0)} {
		b := source.Batch{
			SourceID:      "auth",
			LogSourceType: "linux-auth",
			Collected:     collected,
			Lines: []source.Line{
				{Raw: []byte("first line")},
				{Raw: []byte(strings.Repeat("x", 300)), Truncated: true, Length: 100000},
				{Raw: []byte("\xff\x00 bytes")},
				{Raw: []byte("Accepted publickey for alice"), Fields: map[string]string{"process.name": "sshd", "host.hostname": "bastion1", "process.pid": "42", "empty": ""}},
			},
		}
		got := encodeBatch(b, 1<<40)
		var batch sluicev1.LogBatch
		if err := proto.Unmarshal(got, &batch); err != nil {
			t.Fatal(err)
		}
		want := &sluicev1.LogBatch{}
		for i, l := range b.Lines {
			e := &sluicev1.LogEntry{Seq: 1<<40 + uint64(i), SourceId: "auth", SourceType: "linux-auth", CollectedAt: timestamppb.New(collected), Raw: l.Raw, Truncated: l.Truncated, Fields: l.Fields}
			if l.Truncated {
				e.OriginalLength = uint32(l.Length)
			}
			want.Entries = append(want.Entries, e)
		}
		if !proto.Equal(&batch, want) {
			t.Fatalf("decoded %v\nwant %v", &batch, want)
		}
	}
}

func BenchmarkEncodeBatch(b *testing.B) {
	lines := make([]source.Line, 2000)
	for i := range lines {
		lines[i] = source.Line{Raw: []byte("Nov 20 08:15:02 web-01 sshd[3107]: Failed password for invalid user admin from 203.0.113.77 port 41230 ssh2")}
	}
	batch := source.Batch{SourceID: "auth", LogSourceType: "linux-auth", Collected: time.Now(), Lines: lines}
	b.ResetTimer()
	for range b.N {
		encodeBatch(batch, 1)
	}
	b.ReportMetric(float64(len(lines)*b.N)/b.Elapsed().Seconds(), "lines/s")
}
