# HAProxy: the HTTP log format (option httplog), the TCP log format
# (option tcplog), the default "Connect from" line, and the process's own
# messages (proxies started, servers up and down, backends without
# servers). Timers, connection counts and queues are kept in labels as
# HAProxy writes them; the termination state's first letter says who
# ended the session (C client, S server, P proxy, R resource, …; "-"
# normal).
#
# HAProxy logs through syslog only, so its traffic lines are recognised
# by the program tag (haproxy[pid]:, hapee-lb[pid]:) before the client.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "haproxy" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "HAProxy"
  product  = "HAProxy"
  module   = "haproxy"
}

# [12/Mar/2024:10:11:12.345] (the accept date, the proxy's local time)
tag "haproxy_date" {
  pattern = <<-RE
    \d{2}/(?:Jan|Feb|Mar|Apr|May|Jun|Aug|Jul|Sep|Oct|Nov|Dec)/\d{4}:\d{2}:\d{2}:\d{2}\.\d{3}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "02/Jan/2006:15:04:05.000"
}

rule "haproxy-http" {
  description      = "option httplog: client:port [date] frontend backend/server timers status bytes cookies termination_state conns queues {headers} \"request\""
  log_source_types = ["haproxy"]
  sort_order       = 400
  pattern          = <<-RE
    (?:haproxy|hapee-lb|hapee)[\w.-]*(?:\[\d+\])?: <sip>:<sport> \[<haproxy_date>\] (?P<labels__frontend>[^\s~]+)~? (?P<labels__backend>[^\s/]+)/(?P<labels__server>\S+) (?P<labels__timers>-?\d+/-?\d+/-?\d+/-?\d+/\+?-?\d+) (?:<status>|-1) \+?(?P<http__response__bytes>\d+) (?P<labels__request_cookie>\S+) (?P<labels__response_cookie>\S+) (?P<labels__termination_state>\S{4}) (?P<labels__connections>\d+/\d+/\d+/\d+/\+?\d+) (?P<labels__queues>\d+/\d+)(?: \{(?P<labels__request_headers>[^}]*)\})?(?: \{(?P<labels__response_headers>[^}]*)\})? "(?:<httpmethod> <url>(?: HTTP/<httpversion>)?|[^"]*)"
  RE
  classification   = "Access Success"
  common_event     = "Load Balancer HTTP Request"
  risk             = 0
  fields = {
    "event.category" = ["web", "network"]
    "event.type"     = ["access", "connection"]
    "event.outcome"  = "success"
  }

  sub_rule "server-error" {
    when           = "has(event.status) && event.status >= 500"
    classification = "Error"
    common_event   = "Load Balancer Server Error"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "denied" {
    when           = <<-CEL
      (has(event.status) && event.status in [401, 403, 407]) || event.labels.termination_state.startsWith("PR")
    CEL
    classification = "Access Failure"
    common_event   = "Load Balancer Request Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "client-error" {
    when           = "has(event.status) && event.status >= 400"
    classification = "Access Failure"
    common_event   = "Load Balancer Request Failed"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "aborted" {
    when           = "!event.labels.termination_state.startsWith(\"-\")"
    classification = "Warning"
    common_event   = "Load Balancer Session Aborted"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:12 lb1 haproxy[14389]: 198.51.100.44:51234 [12/Mar/2024:10:11:12.345] www-in~ www-back/web2 0/0/1/23/24 200 4096 - - ---- 12/12/3/1/0 0/0 {www.example.com} \"GET /shop/item?id=9 HTTP/1.1\""
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.44", sport = "51234", "labels.frontend" = "www-in", "labels.backend" = "www-back", "labels.server" = "web2", status = "200", httpmethod = "GET", url = "/shop/item?id=9", "labels.termination_state" = "----", "observer.vendor" = "HAProxy", "@timestamp" = "2024-03-12T10:11:12.345Z" }
  }
  test {
    log    = "Mar 12 10:11:13 lb1 haproxy[14389]: 198.51.100.45:51235 [12/Mar/2024:10:11:13.001] www-in www-back/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\""
    expect = { status = "503", "labels.server" = "<NOSRV>", sub_rule = "server-error" }
  }
}

rule "haproxy-http-raw" {
  description      = "option httplog written without a syslog tag (log stdout format raw, a container's output): read by its request line"
  log_source_types = ["haproxy"]
  sort_order       = 5200
  pattern          = <<-RE
    (?:^|\s)<sip>:<sport> \[<haproxy_date>\] (?P<labels__frontend>[^\s~]+)~? (?P<labels__backend>[^\s/]+)/(?P<labels__server>\S+) (?P<labels__timers>-?\d+/-?\d+/-?\d+/-?\d+/\+?-?\d+) (?:<status>|-1) \+?(?P<http__response__bytes>\d+) (?P<labels__request_cookie>\S+) (?P<labels__response_cookie>\S+) (?P<labels__termination_state>\S{4}) (?P<labels__connections>\d+/\d+/\d+/\d+/\+?\d+) (?P<labels__queues>\d+/\d+)(?: \{(?P<labels__request_headers>[^}]*)\})?(?: \{(?P<labels__response_headers>[^}]*)\})? "<httpmethod> <url> HTTP/<httpversion>"
  RE
  classification   = "Access Success"
  common_event     = "Load Balancer HTTP Request"
  risk             = 0
  fields = {
    "event.category" = ["web", "network"]
    "event.type"     = ["access", "connection"]
    "event.outcome"  = "success"
  }

  sub_rule "server-error" {
    when           = "has(event.status) && event.status >= 500"
    classification = "Error"
    common_event   = "Load Balancer Server Error"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "client-error" {
    when           = "has(event.status) && event.status >= 400"
    classification = "Access Failure"
    common_event   = "Load Balancer Request Failed"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "198.51.100.48:51236 [12/Mar/2024:10:11:13.500] www-in www-back/web1 0/0/1/20/21 404 310 - - ---- 3/3/0/0/0 0/0 \"GET /missing HTTP/1.1\""
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.48", status = "404", "labels.server" = "web1", sub_rule = "client-error" }
  }
}

rule "haproxy-tcp" {
  description      = "option tcplog: client:port [date] frontend backend/server Tw/Tc/Tt bytes termination_state conns queues"
  log_source_types = ["haproxy"]
  sort_order       = 410
  pattern          = <<-RE
    (?:haproxy|hapee-lb|hapee)[\w.-]*(?:\[\d+\])?: <sip>:<sport> \[<haproxy_date>\] (?P<labels__frontend>[^\s~]+)~? (?P<labels__backend>[^\s/]+)/(?P<labels__server>\S+) (?P<labels__timers>-?\d+/-?\d+/\+?-?\d+) \+?<bytes> (?P<labels__termination_state>\S{2}) (?P<labels__connections>\d+/\d+/\d+/\d+/\+?\d+) (?P<labels__queues>\d+/\d+)
  RE
  classification   = "Network Traffic"
  common_event     = "Load Balancer TCP Session"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["connection"], "network.transport" = "tcp" }

  sub_rule "aborted" {
    when           = "!event.labels.termination_state.startsWith(\"-\")"
    classification = "Warning"
    common_event   = "Load Balancer Session Aborted"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:14 lb1 haproxy[14390]: 198.51.100.46:40000 [12/Mar/2024:10:11:14.500] db-in db-back/db1 1/0/5007 212 -- 0/0/0/0/3 0/0"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.46", "labels.backend" = "db-back", bytes = "212", "labels.termination_state" = "--", classification = "Network Traffic" }
  }
}

rule "haproxy-frontend-error" {
  description      = "a connection a frontend dropped before any request: client:port [date] frontend/bind: SSL handshake failure, …"
  log_source_types = ["haproxy"]
  sort_order       = 415
  pattern          = <<-RE
    (?:haproxy|hapee-lb|hapee)[\w.-]*(?:\[\d+\])?: <sip>:<sport> \[<haproxy_date>\] (?P<labels__frontend>[^\s/~]+)/(?P<labels__bind>[^\s:]+): (?P<error__message>.*)
  RE
  classification   = "Failed Activity"
  common_event     = "Load Balancer Connection Error"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.outcome" = "failure" }

  test {
    log             = "Mar 12 10:11:14 lb1 haproxy[14390]: 203.0.113.47:40000 [12/Mar/2024:10:11:14.600] www-in/1: SSL handshake failure"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.47", "labels.frontend" = "www-in", "error.message" = "SSL handshake failure" }
  }
}

rule "haproxy-connect" {
  description      = "the default log line without httplog/tcplog"
  log_source_types = ["haproxy"]
  sort_order       = 420
  pattern          = <<-RE
    Connect from <sip>:<sport> to <dip>:<dport> \((?P<labels__frontend>[^/)]+)/(?P<labels__mode>[A-Z]+)\)
  RE
  classification   = "Network Allow"
  common_event     = "Load Balancer Connection"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "start"] }

  test {
    log             = "Mar 12 10:11:15 lb1 haproxy[14390]: Connect from 198.51.100.47:40001 to 192.0.2.5:443 (www-in/HTTP)"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.47", dip = "192.0.2.5", dport = "443", "labels.mode" = "HTTP" }
  }
}

rule "haproxy-server-state" {
  description      = "a server or backend changed state (health checks, maintenance)"
  log_source_types = ["haproxy"]
  sort_order       = 430
  pattern          = <<-RE
    (?:(?:Health check for )?(?:backup )?[Ss]erver (?P<labels__backend>[^/\s]+)/(?P<labels__server>[^\s,]+) (?:is (?:going )?(?P<labels__state>UP|DOWN|NOLB|DRAIN|MAINT|back UP|READY)|(?P<labels__check>succeeded|failed))|(?:backend|proxy) (?P<labels__proxy>\S+) has no server available!)(?P<error__message>.*)
  RE
  classification   = "Warning"
  common_event     = "Load Balancer Server State Change"
  risk             = 2
  fields           = { "event.category" = ["network"], "event.type" = ["change"] }

  sub_rule "up" {
    when           = <<-CEL
      (has(event.labels.state) && event.labels.state in ["UP", "back UP", "READY"]) || (has(event.labels.check) && event.labels.check == "succeeded")
    CEL
    classification = "Information"
    common_event   = "Load Balancer Server Up"
    risk           = 0
  }
  sub_rule "no-server" {
    when           = "has(event.labels.proxy)"
    classification = "Error"
    common_event   = "Load Balancer Backend Down"
    risk           = 5
  }

  test {
    log             = "Mar 12 10:11:16 lb1 haproxy[14390]: Server www-back/web2 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue."
    log_source_type = "syslog"
    expect          = { "labels.backend" = "www-back", "labels.server" = "web2", "labels.state" = "DOWN", classification = "Warning" }
  }
  test {
    log    = "Mar 12 10:11:16 lb1 haproxy[14390]: Health check for server www-back/web3 failed, reason: Layer4 timeout, check duration: 2001ms, status: 0/2 DOWN."
    expect = { "labels.server" = "web3", "labels.check" = "failed", classification = "Warning" }
  }
  test {
    log    = "Mar 12 10:11:17 lb1 haproxy[14390]: backend www-back has no server available!"
    expect = { "labels.proxy" = "www-back", sub_rule = "no-server" }
  }
}

rule "haproxy-proxy-state" {
  description      = "HAProxy starting, a proxy started or stopped, a reload"
  log_source_types = ["haproxy"]
  sort_order       = 440
  pattern          = <<-RE
    (?:Proxy (?P<labels__proxy>\S+) (?P<labels__state>started|stopped|paused|resumed)|(?P<labels__event>Loading success|Reexecuting Master process|Stopping (?:frontend|backend) \S+ in \d+ ms|Exiting Master process|Starting frontend \S+))
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Load Balancer State Change"
  risk             = 1

  test {
    log             = "Mar 12 10:11:18 lb1 haproxy[14388]: Proxy www-in started."
    log_source_type = "syslog"
    expect          = { "labels.proxy" = "www-in", "labels.state" = "started" }
  }
}

# ------------------------------------------------------------ any other line
# The program is HAProxy's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "haproxy-message" {
  description      = "any other HAProxy message"
  log_source_types = ["haproxy"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)haproxy(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "HAProxy Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "HAProxy Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "HAProxy Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 lb1 haproxy[14391]: [WARNING]  (14391) : config : missing timeouts for proxy 'stats'."
    log_source_type = "syslog"
    expect          = { sub_rule = "warning" }
  }
}
