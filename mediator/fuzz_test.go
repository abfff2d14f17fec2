package mediator

import (
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// FuzzDecodeEntry feeds arbitrary bytes where the mediator decodes what
// agents send: a stream message, and a state record going through the MPE
// into events. Nothing may panic, and every event must be valid JSON (an
// undecodable record is kept as an error event).
func FuzzDecodeEntry(f *testing.F) {
	rs, err := mpe.Load([]string{"../configs/rules"})
	if err != nil {
		f.Fatal(err)
	}
	var rules atomic.Pointer[mpe.RuleSet]
	rules.Store(rs)
	p := &pipeline{mediatorID: "dp-fuzz", rules: &rules, logger: hclog.NewNullLogger()}
	packed, _ := proto.Marshal(&sluicev1.LogBatch{Entries: []*sluicev1.LogEntry{{Seq: 7, SourceType: "linux-auth", Raw: []byte("Nov 20 08:15:02 web-01 sshd[31]: Failed password for root from 203.0.113.9 port 4122 ssh2")}}})
	seed, _ := proto.Marshal(&sluicev1.StoredBatch{AgentId: "a", Organization: "o", Packed: packed})
	f.Add(seed)
	msg, _ := proto.Marshal(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: []*sluicev1.LogEntry{{Seq: 1, Raw: []byte("x\xff")}}}}})
	f.Add(msg)
	f.Add([]byte{0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var req sluicev1.ConnectRequest
		_ = proto.Unmarshal(b, &req)
		c := &chunk{records: []queue.Record{{First: 1, Last: 1, Value: b}}}
		p.parse(c, nil)
		for _, ev := range c.events {
			if !json.Valid(ev.AppendJSON(nil)) {
				t.Fatalf("invalid event JSON for %q", b)
			}
		}
	})
}
