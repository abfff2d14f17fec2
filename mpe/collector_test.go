package mpe

import (
	"slices"
	"testing"

	"github.com/sluicehq/sluice/pkg/event"
)

// agent.* comes from the entry's agent (unless a JSON document names its
// own), host.* from the collecting agent's host only when the log did not
// say its host and did not come from another host.
func TestCollectorFields(t *testing.T) {
	rs, _ := loadProcessRules(t, LoadOptions{})
	col := NewCollector(CollectorInfo{
		Version: "1.2.3", Hostname: "agent-host", IPs: []string{"192.0.2.7", "2001:db8::7"},
		OSType: "linux", OSFamily: "debian", OSName: "Debian GNU/Linux", OSVersion: "12 (bookworm)",
		OSPlatform: "debian", OSKernel: "6.1.0", Architecture: "x86_64", Forwarded: []string{"net"},
	})
	hostOfAgent := map[string]any{
		"host.name": "agent-host", "host.hostname": "agent-host", "host.ip": []string{"192.0.2.7", "2001:db8::7"},
		"host.os.type": "linux", "host.os.family": "debian", "host.os.name": "Debian GNU/Linux",
		"host.os.version": "12 (bookworm)", "host.os.platform": "debian", "host.os.kernel": "6.1.0", "host.architecture": "x86_64",
	}
	sluiceAgent := map[string]any{"agent.id": "ag-1", "agent.name": "ag-1", "agent.type": "sluice", "agent.version": "1.2.3"}
	tests := []struct {
		name      string
		entry     Entry
		want      []map[string]any
		wantUnset []string
	}{
		{
			name:      "syslog header names the host",
			entry:     Entry{Raw: []byte("Mar 10 11:59:58 web1 sshd[9]: Accepted password for bob from 192.0.2.1 port 22 ssh2"), LogSourceType: "auth", LogSource: "auth"},
			want:      []map[string]any{sluiceAgent, {"host.hostname": "web1"}},
			wantUnset: []string{"host.name", "host.ip", "host.os.type"},
		},
		{
			name:  "log without host",
			entry: Entry{Raw: []byte(`{"message":"started"}`), LogSourceType: "json", LogSource: "app"},
			want:  []map[string]any{sluiceAgent, hostOfAgent},
		},
		{
			name:      "JSON host.name",
			entry:     Entry{Raw: []byte(`{"message":"started","host":{"name":"db-2"}}`), LogSourceType: "json", LogSource: "app"},
			want:      []map[string]any{sluiceAgent, {"host.name": "db-2"}},
			wantUnset: []string{"host.hostname", "host.ip"},
		},
		{
			name:      "forwarded source",
			entry:     Entry{Raw: []byte(`{"message":"started"}`), LogSourceType: "json", LogSource: "net"},
			want:      []map[string]any{sluiceAgent},
			wantUnset: []string{"host.name", "host.hostname", "host.ip", "host.os.type"},
		},
		{
			name:      "a Beat's own agent",
			entry:     Entry{Raw: []byte(`{"message":"logon","agent":{"id":"beat-9","type":"winlogbeat","version":"8.12.0"}}`), LogSourceType: "json", LogSource: "net"},
			want:      []map[string]any{{"agent.id": "beat-9", "agent.type": "winlogbeat", "agent.version": "8.12.0"}},
			wantUnset: []string{"agent.name", "host.name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.entry
			e.Agent, e.Collector, e.Seq, e.Collected = "ag-1", col, 1, collectedAt
			out := rs.Process(&e, nil)
			if len(out) != 1 {
				t.Fatalf("%d events", len(out))
			}
			ev := out[0]
			for _, want := range tt.want {
				for k, v := range want {
					got, ok := ev.Get(k)
					if !ok || event.FormatValue(got) != event.FormatValue(v) {
						t.Errorf("%s = %#v (%v), want %#v", k, got, ok, v)
					}
				}
			}
			for _, k := range tt.wantUnset {
				if v, ok := ev.Get(k); ok {
					t.Errorf("%s = %#v, want unset", k, v)
				}
			}
		})
	}
	// Without a collector: agent.* from the entry alone, no host.*.
	out := rs.Process(&Entry{Raw: []byte(`{"message":"x"}`), LogSourceType: "json", LogSource: "app", Agent: "ag-1", Seq: 2, Collected: collectedAt}, nil)
	if id := out[0].GetString("agent.id"); id != "ag-1" {
		t.Fatalf("agent.id %q", id)
	}
	for _, k := range []string{"agent.version", "host.name", "host.ip"} {
		if _, ok := out[0].Get(k); ok {
			t.Fatalf("%s set without a collector", k)
		}
	}
	// The events share the collector's address list: nothing writes to it.
	if v, _ := rs.Process(&Entry{Raw: []byte(`{"message":"x"}`), LogSourceType: "json", LogSource: "app", Agent: "ag-1", Collector: col}, nil)[0].Get("host.ip"); !slices.Equal(v.([]string), []string{"192.0.2.7", "2001:db8::7"}) {
		t.Fatalf("host.ip %v", v)
	}
	if NewCollector(CollectorInfo{}) != nil {
		t.Fatal("an empty collector is not nil")
	}
}
