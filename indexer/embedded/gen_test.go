package embedded

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

var (
	genHosts = []string{"web1", "web2", "db1", "bastion", "mail", "vpn-gw", "build-07", "k8s-node-3"}
	genUsers = []string{"alice", "bob", "carol", "root", "admin", "deploy", "postgres", "www-data", "mallory", "svc-backup"}
	genIPs   = []string{"10.0.0.5", "10.0.0.17", "10.1.2.3", "192.168.1.20", "192.168.1.77", "172.16.4.9", "203.0.113.7", "198.51.100.23", "100.64.12.1", "10.0.9.254"}
	genPaths = []string{"/index.html", "/api/v1/orders", "/login", "/static/app.js", "/admin/users", "/healthz", "/api/v1/search?q=shoes", "/wp-login.php"}
	genCmds  = []string{"/usr/bin/systemctl restart nginx", "/usr/bin/apt-get upgrade -y", "/bin/cat /etc/shadow", "/usr/bin/journalctl -u sshd", "/usr/sbin/reboot"}
)

// genEvents returns n ECS-like events of org, one every step from start,
// with ids agent-<16 hex seq> starting at seq. The mix: sshd accepted and
// failed logons, sudo commands, apache access lines; documents are about
// 500 bytes of JSON.
func genEvents(org string, seq uint64, n int, start time.Time, step time.Duration) []*event.Event {
	rng := rand.New(rand.NewPCG(seq, 42))
	out := make([]*event.Event, n)
	for i := range out {
		ts := start.Add(time.Duration(i) * step)
		host := genHosts[rng.IntN(len(genHosts))]
		user := genUsers[rng.IntN(len(genUsers))]
		ip := genIPs[rng.IntN(len(genIPs))]
		port := int64(1024 + rng.IntN(64000))
		pid := int64(100 + rng.IntN(60000))
		syslogTS := ts.Format(time.Stamp)
		e := &event.Event{
			ID:           event.DocID("agent", seq+uint64(i)),
			Organization: org,
			Timestamp:    ts,
		}
		e.Set(event.FieldAgent, "agent-"+host)
		e.Set(event.FieldSeq, int64(seq)+int64(i))
		e.Set(event.FieldCollected, ts.Add(150*time.Millisecond))
		e.Set(event.FieldHostname, host)
		switch k := rng.IntN(10); {
		case k < 3:
			e.Message = fmt.Sprintf("%s %s sshd[%d]: Accepted publickey for %s from %s port %d ssh2", syslogTS, host, pid, user, ip, port)
			e.Set(event.FieldLogSourceType, "linux-auth")
			e.Set(event.FieldRule, "sshd-accepted")
			e.Set(event.FieldClassification, "Authentication Success")
			e.Set(event.FieldCommonEvent, "User Logon")
			e.Set(event.FieldRisk, int64(3))
			e.Set(event.FieldOutcome, "success")
			e.Set("process.name", "sshd")
			e.Set("process.pid", pid)
			e.Set("user.name", user)
			e.Set("source.ip", ip)
			e.Set("source.port", port)
		case k < 6:
			e.Message = fmt.Sprintf("%s %s sshd[%d]: Failed password for invalid user %s from %s port %d ssh2", syslogTS, host, pid, user, ip, port)
			e.Set(event.FieldLogSourceType, "linux-auth")
			e.Set(event.FieldRule, "sshd-failed")
			e.Set(event.FieldClassification, "Authentication Failure")
			e.Set(event.FieldCommonEvent, "User Logon Failure")
			e.Set(event.FieldRisk, int64(5))
			e.Set(event.FieldOutcome, "failure")
			e.Set("process.name", "sshd")
			e.Set("process.pid", pid)
			e.Set("user.name", user)
			e.Set("source.ip", ip)
			e.Set("source.port", port)
		case k < 7:
			cmd := genCmds[rng.IntN(len(genCmds))]
			e.Message = fmt.Sprintf("%s %s sudo:    %s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=%s", syslogTS, host, user, rng.IntN(8), user, cmd)
			e.Set(event.FieldLogSourceType, "linux-auth")
			e.Set(event.FieldRule, "sudo-command")
			e.Set(event.FieldClassification, "Privilege Escalation")
			e.Set(event.FieldCommonEvent, "Sudo Command")
			e.Set(event.FieldRisk, int64(6))
			e.Set(event.FieldOutcome, "success")
			e.Set("process.name", "sudo")
			e.Set("user.name", user)
			e.Set("user.target.name", "root")
			e.Set("process.command_line", cmd)
		default:
			path := genPaths[rng.IntN(len(genPaths))]
			status := []int64{200, 200, 200, 304, 404, 500, 401}[rng.IntN(7)]
			size := int64(rng.IntN(50000))
			e.Message = fmt.Sprintf(`%s - - [%s] "GET %s HTTP/1.1" %d %d "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"`, ip, ts.Format("02/Jan/2006:15:04:05 -0700"), path, status, size)
			e.Set(event.FieldLogSourceType, "apache-access")
			e.Set(event.FieldRule, "apache-combined")
			e.Set(event.FieldClassification, "Web Activity")
			e.Set(event.FieldCommonEvent, "HTTP Request")
			e.Set(event.FieldRisk, int64(1))
			if status >= 400 {
				e.Set(event.FieldOutcome, "failure")
			} else {
				e.Set(event.FieldOutcome, "success")
			}
			e.Set("source.ip", ip)
			e.Set("destination.ip", "10.0.0.80")
			e.Set("destination.port", int64(443))
			e.Set("url.path", path)
			e.Set("http.request.method", "GET")
			e.Set("http.response.status_code", status)
			e.Set("http.response.body.bytes", size)
		}
		out[i] = e
	}
	return out
}

// varyEvents spreads events over many more hosts (and their agents), user
// names and source addresses, drawn at random: a larger site than
// genEvents', and one where minute_counts holds many more combinations
// per minute.
func varyEvents(events []*event.Event, hosts, users, ips int) []*event.Event {
	rng := rand.New(rand.NewPCG(7, 42))
	for _, e := range events {
		host := fmt.Sprintf("host-%04d", rng.IntN(hosts))
		e.Set(event.FieldHostname, host)
		e.Set(event.FieldAgent, "agent-"+host)
		if _, ok := e.Get("user.name"); ok {
			e.Set("user.name", fmt.Sprintf("user%05d", rng.IntN(users)))
		}
		if _, ok := e.Get("source.ip"); ok {
			n := rng.IntN(ips)
			e.Set("source.ip", fmt.Sprintf("198.%d.%d.%d", n>>16&255, n>>8&255, n&255))
		}
	}
	return events
}
