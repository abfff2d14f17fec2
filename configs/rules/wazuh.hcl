# Wazuh (and OSSEC) about themselves: the manager's and agents' daemon log
# (ossec.log: "2024/06/01 10:00:00 wazuh-agentd: ERROR: (1216): …"), the
# active-response log (the legacy one-line form and the Wazuh 4.2+ form
# "… active-response/bin/firewall-drop: Starting" / its JSON input), and
# the Wazuh API's access log in plain text
# ("2024/06/01 10:00:00 INFO: alice 192.0.2.5 "GET /agents" with parameters {} and body {} done in 0.012s: 200").
#
# Test lines are made up: documentation addresses, invented users and ids.

log_source_type "wazuh" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Wazuh"
  product  = "Wazuh"
  module   = "wazuh"
}

log_source_type "wazuh-api" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Wazuh"
  product  = "Wazuh API"
  module   = "wazuh"
}

# "2024/06/01 10:00:00", the time Wazuh's daemons and API write (local
# time of the manager: the type's timezone).
tag "wazuh_time" {
  pattern = "\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d"
  field   = "@timestamp"
  type    = "time"
  layout  = "2006/01/02 15:04:05"
}

# ------------------------------------------------------------ active response

rule "wazuh-active-response-legacy" {
  description      = "OSSEC / Wazuh < 4.2 active-response.log: <date> <script> add|delete <user> <srcip> <alert id> <rule id>"
  log_source_types = ["wazuh"]
  sort_order       = 1700
  pattern          = <<-RE
    (?P<process__executable>\S*/active-response/bin/(?P<wazuh_ar_command>[\w.-]+?)(?:\.sh|\.py|\.cmd|\.exe)?) (?P<wazuh_ar_action>add|delete) (?P<wazuh_ar_user>\S+) (?:<sip>|-|\S+)(?: (?P<wazuh_alert_id>\d+\.\d+))?(?: (?P<rule__id>\d+))?
  RE
  classification   = "Other Security"
  common_event     = "Active Response"
  risk             = 4
  fields           = { "event.category" = ["intrusion_detection"], "event.kind" = "event" }

  sub_rule "block" {
    when         = "event.wazuh_ar_action == \"add\""
    common_event = "Active Response: Block Added"
    risk         = 5
    fields       = { "event.type" = ["denied"], "event.action" = "block-added" }
  }
  sub_rule "unblock" {
    when         = "event.wazuh_ar_action == \"delete\""
    common_event = "Active Response: Block Removed"
    risk         = 2
    fields       = { "event.type" = ["allowed"], "event.action" = "block-removed" }
  }

  test {
    log             = "Mon Jun  3 10:15:20 UTC 2024 /var/ossec/active-response/bin/firewall-drop.sh add - 203.0.113.66 1717409720.12345 5712"
    log_source_type = "syslog"
    expect          = { wazuh_ar_command = "firewall-drop", wazuh_ar_action = "add", sip = "203.0.113.66", wazuh_alert_id = "1717409720.12345", "rule.id" = "5712", common_event = "Active Response: Block Added", "observer.vendor" = "Wazuh", "event.module" = "wazuh" }
  }
  test {
    log    = "Mon Jun  3 10:25:20 UTC 2024 /var/ossec/active-response/bin/host-deny.sh delete - 203.0.113.66 1717409720.12345 5712"
    expect = { wazuh_ar_command = "host-deny", common_event = "Active Response: Block Removed" }
  }
}

rule "wazuh-active-response" {
  description      = "Wazuh 4.2+ active-response.log: a script's start, its JSON input (command add/delete, the alert's srcip) and its end"
  log_source_types = ["wazuh"]
  sort_order       = 1701
  pattern          = <<-RE
    (?:<wazuh_time> )?(?P<process__executable>\S*active-response/bin/(?P<wazuh_ar_command>[\w.-]+?)(?:\.sh|\.py|\.cmd|\.exe)?): (?:(?P<wazuh_ar_status>Starting|Ended|Aborted)|.*?"command":"(?P<wazuh_ar_action>add|delete|continue|abort)"(?:.*?"rule":\{.*?"id":"(?P<rule__id>\d+)")?(?:.*?"srcip":"<sip>")?.*?|(?P<reason>.*?))\s*$
  RE
  classification   = "Other Security"
  common_event     = "Active Response"
  risk             = 3
  fields           = { "event.category" = ["intrusion_detection"], "event.kind" = "event" }

  sub_rule "block" {
    when         = "has(event.wazuh_ar_action) && event.wazuh_ar_action == \"add\""
    common_event = "Active Response: Block Added"
    risk         = 5
    fields       = { "event.type" = ["denied"], "event.action" = "block-added" }
  }
  sub_rule "unblock" {
    when         = "has(event.wazuh_ar_action) && event.wazuh_ar_action == \"delete\""
    common_event = "Active Response: Block Removed"
    risk         = 2
    fields       = { "event.type" = ["allowed"], "event.action" = "block-removed" }
  }

  test {
    log             = "2024/06/03 10:15:20 active-response/bin/firewall-drop: Starting"
    log_source_type = "syslog"
    expect          = { wazuh_ar_command = "firewall-drop", wazuh_ar_status = "Starting", common_event = "Active Response", "observer.vendor" = "Wazuh", "event.module" = "wazuh" }
  }
  test {
    log    = "2024/06/03 10:15:20 active-response/bin/firewall-drop: {\"version\":1,\"origin\":{\"name\":\"node01\",\"module\":\"wazuh-execd\"},\"command\":\"add\",\"parameters\":{\"extra_args\":[],\"alert\":{\"timestamp\":\"2024-06-03T10:15:20.000+0000\",\"rule\":{\"level\":10,\"description\":\"sshd: brute force trying to get access to the system.\",\"id\":\"5712\"},\"data\":{\"srcip\":\"203.0.113.67\"}},\"program\":\"active-response/bin/firewall-drop\"}}"
    expect = { wazuh_ar_action = "add", "rule.id" = "5712", sip = "203.0.113.67", common_event = "Active Response: Block Added" }
  }
}

# ------------------------------------------------------------ daemons (ossec.log)

rule "wazuh-daemon-log" {
  description      = "a line of ossec.log from any Wazuh/OSSEC daemon (analysisd, remoted, agentd, logcollector, modulesd:<module>, syscheckd, …)"
  log_source_types = ["wazuh"]
  sort_order       = 1710
  pattern          = <<-RE
    (?:<wazuh_time> )?(?P<process__name>(?:ossec|wazuh)-[a-z]+)(?::(?P<wazuh_module>[\w-]+))?(?:\((?P<event__code>\d+)\))?: (?P<log__level>INFO|WARNING|ERROR|CRITICAL|DEBUG): (?:\((?P<event__code>\d{4})\): )?(?P<reason>.*?)\s*$
  RE
  classification   = "Information"
  common_event     = "Wazuh Daemon Message"
  risk             = 0
  fields           = { "event.category" = ["process"] }

  sub_rule "error" {
    when           = "event.log.level in [\"ERROR\", \"CRITICAL\"]"
    classification = "Error"
    common_event   = "Wazuh Daemon Error"
    risk           = 3
  }
  sub_rule "warning" {
    when           = "event.log.level == \"WARNING\""
    classification = "Warning"
    common_event   = "Wazuh Daemon Warning"
    risk           = 1
  }

  test {
    log             = "2024/06/03 09:00:00 ossec-logcollector(1950): INFO: Analyzing file: '/var/log/nginx/error.log'."
    log_source_type = "syslog"
    expect          = { "process.name" = "ossec-logcollector", "event.code" = "1950", "log.level" = "INFO", reason = "Analyzing file: '/var/log/nginx/error.log'.", "@timestamp" = "2024-06-03T09:00:00Z", "observer.vendor" = "Wazuh", "event.module" = "wazuh" }
  }
  test {
    log    = "2024/06/03 09:00:01 wazuh-agentd: ERROR: (1216): Unable to connect to '[203.0.113.5]:1514/tcp': 'Connection refused'."
    expect = { "process.name" = "wazuh-agentd", "event.code" = "1216", common_event = "Wazuh Daemon Error" }
  }
  test {
    log    = "2024/06/03 09:00:02 wazuh-modulesd:syscollector: WARNING: Evaluation of the packages took longer than expected."
    expect = { wazuh_module = "syscollector", common_event = "Wazuh Daemon Warning" }
  }
}

# ------------------------------------------------------------ the manager's own events (location "ossec")

rule "wazuh-agent-state" {
  description      = "an agent (or the manager) started, stopped or disconnected"
  log_source_types = ["wazuh"]
  sort_order       = 1711
  pattern          = <<-RE
    (?:ossec|wazuh): (?P<reason>Agent started|Agent stopped|Agent disconnected|Agent removed|Ossec started|Ossec is shutting down|Manager started|Wazuh started|Wazuh stopped)(?:: '(?P<wazuh_agent>[^']*)')?
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Wazuh Agent State Change"
  risk             = 1
  fields           = { "event.category" = ["host"] }

  sub_rule "lost" {
    when           = "event.reason in [\"Agent disconnected\", \"Agent removed\", \"Agent stopped\", \"Ossec is shutting down\", \"Wazuh stopped\"]"
    classification = "Warning"
    common_event   = "Wazuh Agent Stopped or Disconnected"
    risk           = 3
  }

  test {
    log             = "ossec: Agent started: 'web-07->any'."
    log_source_type = "syslog"
    expect          = { reason = "Agent started", wazuh_agent = "web-07->any", common_event = "Wazuh Agent State Change", "observer.vendor" = "Wazuh" }
  }
  test {
    log    = "ossec: Agent disconnected: 'web-07-192.0.2.70'."
    expect = { common_event = "Wazuh Agent Stopped or Disconnected" }
  }
}

rule "wazuh-command-output" {
  description      = "the output of a command the agent monitors (<localfile> full_command / command)"
  log_source_types = ["wazuh"]
  sort_order       = 1712
  pattern          = <<-RE
    (?:ossec|wazuh): output: '(?P<process__command_line>[^']*)':?\s?(?P<reason>.*)
  RE
  classification   = "Information"
  common_event     = "Wazuh Command Output"
  risk             = 0

  test {
    log             = "ossec: output: 'netstat -tulpn': tcp 0 0 0.0.0.0:22 0.0.0.0:* LISTEN 812/sshd"
    log_source_type = "syslog"
    expect          = { "process.command_line" = "netstat -tulpn", "event.module" = "wazuh" }
  }
}

rule "wazuh-syscheck-legacy" {
  description      = "OSSEC-style file integrity messages: a monitored file changed, appeared or was deleted"
  log_source_types = ["wazuh"]
  sort_order       = 1713
  pattern          = <<-RE
    (?:Integrity checksum changed for: '(?P<file__path>[^']+)'|File '(?P<file__path>[^']+)' was deleted|New file '(?P<file__path>[^']+)' added to the file system)
  RE
  classification   = "Object Modified"
  common_event     = "File Integrity Change"
  risk             = 4
  fields           = { "event.category" = ["file"], "event.type" = ["change"] }

  test {
    log             = "Integrity checksum changed for: '/etc/ssh/sshd_config'"
    log_source_type = "syslog"
    expect          = { "file.path" = "/etc/ssh/sshd_config", common_event = "File Integrity Change", "observer.vendor" = "Wazuh" }
  }
  test {
    log    = "New file '/usr/local/bin/helper' added to the file system."
    expect = { "file.path" = "/usr/local/bin/helper" }
  }
}

rule "wazuh-rootcheck" {
  description      = "rootcheck findings: trojaned binaries, hidden processes or ports, rootkit files, world-writable root files, policy audits"
  log_source_types = ["wazuh"]
  sort_order       = 1714
  pattern          = <<-RE
    (?:Trojaned version of file '(?P<file__path>[^']+)' detected|Rootkit '(?P<wazuh_rootkit>[^']+)' detected by the presence of file '(?P<file__path>[^']+)'|Process '(?P<process__pid>\d+)' hidden from (?:/proc|kill \(\) or getsid \(\))|Port '(?P<destination__port>\d+)'\((?P<network__transport>tcp|udp)\) hidden|Possible kernel level rootkit|Files hidden inside directory '(?P<file__path>[^']+)'|File '(?P<file__path>[^']+)' is owned by root and has written permissions to anyone|Anomaly detected in file '(?P<file__path>[^']+)'|System Audit: (?P<reason>.*?)(?: \{PCI_DSS: [^}]*\})?\.?\s*$)
  RE
  classification   = "Suspicious"
  common_event     = "Rootcheck Finding"
  risk             = 6
  fields           = { "event.category" = ["malware", "intrusion_detection"], "event.kind" = "alert" }

  sub_rule "audit" {
    when           = "has(event.reason)"
    classification = "Policy"
    common_event   = "Rootcheck Policy Finding"
    risk           = 3
    fields         = { "event.category" = ["configuration"] }
  }

  test {
    log             = "Trojaned version of file '/usr/bin/ls' detected. Signature used: 'bash|^/bin/sh|file\\.h|proc\\.h' (Generic)."
    log_source_type = "syslog"
    expect          = { "file.path" = "/usr/bin/ls", common_event = "Rootcheck Finding", "observer.vendor" = "Wazuh" }
  }
  test {
    log    = "System Audit: SSH Hardening - 3: Root can log in. File: /etc/ssh/sshd_config. Reference: 3 ."
    expect = { common_event = "Rootcheck Policy Finding" }
  }
}

# ------------------------------------------------------------ API (api.log, plain format)

rule "wazuh-api-request" {
  description      = "one API request: user, client address, method and path, parameters, body, time taken and status"
  log_source_types = ["wazuh-api"]
  sort_order       = 1720
  pattern          = <<-RE
    <wazuh_time> (?P<log__level>INFO|WARNING|ERROR|DEBUG2?): (?P<login>\S+)(?: \((?P<wazuh_api_run_as>[0-9a-f]+)\))? <sip> "<httpmethod> (?P<url__path>/[^"\s]*)" with parameters (?P<wazuh_api_parameters>.*?) and body (?P<wazuh_api_body>.*?) done in (?P<wazuh_api_seconds>[\d.]+)s:(?: <status>)?
  RE
  classification   = "Other Audit Success"
  common_event     = "Wazuh API Request"
  risk             = 1
  fields           = { "event.category" = ["web"], "event.type" = ["access"], "event.outcome" = "success" }

  sub_rule "login-failed" {
    when           = "event.url.path.startsWith(\"/security/user/authenticate\") && has(event.http.response.status_code) && event.http.response.status_code >= 400"
    classification = "Authentication Failure"
    common_event   = "Wazuh API Logon Failure"
    risk           = 4
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }
  sub_rule "login" {
    when           = "event.url.path.startsWith(\"/security/user/authenticate\")"
    classification = "Authentication Success"
    common_event   = "Wazuh API Logon"
    risk           = 2
    fields         = { "event.category" = ["authentication"] }
  }
  sub_rule "denied" {
    when           = "has(event.http.response.status_code) && (event.http.response.status_code == 401 || event.http.response.status_code == 403)"
    classification = "Access Failure"
    common_event   = "Wazuh API Access Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "error" {
    when           = "has(event.http.response.status_code) && event.http.response.status_code >= 400"
    classification = "Other Audit Failure"
    common_event   = "Wazuh API Request Failed"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "change" {
    when         = "event.http.request.method in [\"POST\", \"PUT\", \"DELETE\", \"PATCH\"]"
    common_event = "Wazuh API Change"
    risk         = 2
  }

  test {
    log             = "2024/06/03 11:00:00 INFO: alice 192.0.2.55 \"GET /agents\" with parameters {\"status\": \"active\"} and body {} done in 0.012s: 200"
    log_source_type = "syslog"
    expect          = { login = "alice", sip = "192.0.2.55", httpmethod = "GET", "url.path" = "/agents", status = "200", wazuh_api_seconds = "0.012", common_event = "Wazuh API Request", "@timestamp" = "2024-06-03T11:00:00Z", "observer.vendor" = "Wazuh", "event.module" = "wazuh" }
  }
  test {
    log    = "2024/06/03 11:00:01 INFO: unknown_user 198.51.100.56 \"POST /security/user/authenticate\" with parameters {} and body {} done in 0.350s: 401"
    expect = { login = "unknown_user", common_event = "Wazuh API Logon Failure", "event.outcome" = "failure" }
  }
  test {
    log    = "2024/06/03 11:00:02 INFO: bob (3f2a9c0d1e) 192.0.2.57 \"POST /security/user/authenticate/run_as\" with parameters {\"raw\": \"true\"} and body {\"team\": \"soc\"} done in 0.200s: 200"
    expect = { login = "bob", wazuh_api_run_as = "3f2a9c0d1e", common_event = "Wazuh API Logon" }
  }
  test {
    log    = "2024/06/03 11:00:03 INFO: wazuh-wui 192.0.2.58 \"DELETE /agents\" with parameters {\"agents_list\": \"004\"} and body {} done in 0.040s: 200"
    expect = { common_event = "Wazuh API Change" }
  }
  test {
    log    = "2024/06/03 11:00:04 INFO: carol 192.0.2.59 \"GET /agents/upgrade_result\" with parameters {\"agents_list\": \"x\"} and body {} done in 0.006s: 403"
    expect = { common_event = "Wazuh API Access Denied" }
  }
}

rule "wazuh-api-blocked" {
  description      = "the API blocked a client after too many failed logons"
  log_source_types = ["wazuh-api"]
  sort_order       = 1721
  pattern          = "IP blocked due to exceeded number of logins attempts: <sip>"
  classification   = "Failed Attack"
  common_event     = "Wazuh API Client Blocked"
  risk             = 6
  fields           = { "event.category" = ["authentication"], "event.type" = ["denied"], "event.outcome" = "failure" }

  test {
    log             = "2024/06/03 11:05:00 ERROR: IP blocked due to exceeded number of logins attempts: 203.0.113.70"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.70", common_event = "Wazuh API Client Blocked", "observer.vendor" = "Wazuh", "event.module" = "wazuh" }
  }
}

# The API's other lines carry nothing but a time and a Python logging
# level. The form is narrow (slashed date, upper-case level, colon) but not
# unique to Wazuh: the rule comes last.
rule "wazuh-api-message" {
  log_source_types = ["wazuh-api"]
  sort_order       = 9100
  pattern          = <<-RE
    ^\s*<wazuh_time> (?P<log__level>INFO|WARNING|ERROR|CRITICAL|DEBUG2?): (?P<reason>.*?)\s*$
  RE
  classification   = "Information"
  common_event     = "Wazuh API Message"
  risk             = 0

  sub_rule "error" {
    when           = "event.log.level in [\"ERROR\", \"CRITICAL\"]"
    classification = "Error"
    common_event   = "Wazuh API Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.log.level == \"WARNING\""
    classification = "Warning"
    common_event   = "Wazuh API Warning"
    risk           = 1
  }

  test {
    log             = "2024/06/03 11:10:00 INFO: Generated private key file in WAZUH_PATH/api/configuration/ssl/server.key"
    log_source_type = "syslog"
    expect          = { "log.level" = "INFO", common_event = "Wazuh API Message", "observer.vendor" = "Wazuh", "event.module" = "wazuh" }
  }
  test {
    log    = "2024/06/03 11:10:01 CRITICAL: Could not open the configuration file"
    expect = { common_event = "Wazuh API Error" }
  }
}
