package mpe

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// TestEntryFieldsReplaceHeader checks an entry from a structured source
// (the journald source): its line is the bare message, the fields it
// carries take the header's place, and the log source type's rules run
// on the message.
func TestEntryFieldsReplaceHeader(t *testing.T) {
	rs, err := Load([]string{"../configs/rules"})
	if err != nil {
		t.Fatal(err)
	}
	collected := time.Date(2024, 3, 3, 8, 15, 3, 0, time.UTC)
	e := Entry{
		Raw:           []byte("Accepted publickey for alice from 192.0.2.44 port 50122 ssh2"),
		LogSourceType: "linux-auth", LogSource: "journal", Agent: "a", Seq: 1, Collected: collected,
		Fields: map[string]string{
			"@timestamp": "2024-03-03T08:15:02.123456Z", event.FieldHostname: "bastion1",
			"process.name": "sshd", "process.pid": "4117", "log.level": "info",
			"log.syslog.severity.code": "6", "systemd.unit": "ssh.service", "process.pid.bad": "",
		},
	}
	ev := rs.Parse(&e)
	want := map[string]any{
		"host.hostname": "bastion1", "process.name": "sshd", "process.pid": int64(4117),
		"log.level": "info", "log.syslog.severity.code": int64(6), "systemd.unit": "ssh.service",
		"user.name": "alice", "sluice.rule": "sshd-accepted",
	}
	for k, w := range want {
		if g, _ := ev.Get(k); g != w {
			t.Errorf("%s = %#v, want %#v (event %s)", k, g, w, ev.AppendJSON(nil))
		}
	}
	if w := time.Date(2024, 3, 3, 8, 15, 2, 123456000, time.UTC); !ev.Timestamp.Equal(w) {
		t.Errorf("@timestamp = %v, want %v", ev.Timestamp, w)
	}
	// The same message without fields is read with the header parser,
	// which finds no header in it: no host, no program.
	e.Fields = nil
	ev = rs.Parse(&e)
	if g, ok := ev.Get("host.hostname"); ok {
		t.Errorf("without fields host.hostname = %v", g)
	}
}

// TestEntryFieldsInConditions: event rules may refer to the fields a
// structured source sends, with their types, whatever the header.
func TestEntryFieldsInConditions(t *testing.T) {
	dir := t.TempDir()
	src := `
log_source_type "app" {
  header = "none"
}
event_rule "ssh-unit" {
  when = "event.systemd.unit == 'ssh.service' && event.log.level == 'info' && event.process.pid > 100 && event.host.hostname == 'h1'"
  set  = { "event.kind" = "alert" }
}
`
	if err := os.WriteFile(filepath.Join(dir, "r.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := Load([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		unit string
		want any
	}{{"ssh.service", "alert"}, {"cron.service", nil}} {
		e := Entry{Raw: []byte("hello"), LogSourceType: "app", Agent: "a", Seq: 1,
			Fields: map[string]string{"systemd.unit": c.unit, "log.level": "info", "process.pid": "4117", "host.hostname": "h1"}}
		ev := rs.Parse(&e)
		if g, _ := ev.Get("event.kind"); g != c.want {
			t.Errorf("unit %s: event.kind = %v, want %v", c.unit, g, c.want)
		}
	}
}
