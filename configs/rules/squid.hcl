# Squid proxy: access.log in Squid's native format (time.ms elapsed
# client code/status bytes method URL user hierarchy/peer type), as a
# file or relayed by syslog (access_log syslog:), and cache.log lines.
# Squid's result code (TCP_MISS, TCP_DENIED, …) goes to labels.squid_code;
# a denial (TCP_DENIED, NONE_NONE/4xx) is a refused request.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "squid" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Squid"
  product  = "Squid"
  module   = "squid"
}

rule "squid-access" {
  description      = "native access.log format"
  log_source_types = ["squid"]
  sort_order       = 400
  pattern          = <<-RE
    (?:^|\s)(?P<labels__squid_time>\d{9,10}\.\d{3})\s+(?P<labels__elapsed_ms>-?\d+) (?:<sip>|<shost>) (?P<labels__squid_code>(?:TCP_|UDP_|NONE|TAG_)[A-Z_]*)/(?:<status>|000|-) <bytes> (?:<httpmethod>|-) (?:<url>|error:\S+) (?:-|(?P<user__name>[^\s]+)) (?P<labels__hierarchy>[A-Z_]+)/(?:-|<dip>|(?P<destination__domain>\S+))(?: (?:-|(?P<http__response__mime_type>\S+)))?
  RE
  classification   = "Access Success"
  common_event     = "Proxy Request"
  risk             = 0
  fields = {
    "event.category" = ["web", "network"]
    "event.type"     = ["access"]
    "event.outcome"  = "success"
  }

  sub_rule "denied" {
    when           = <<-CEL
      event.labels.squid_code.contains("DENIED") || (has(event.status) && event.status in [403, 407])
    CEL
    classification = "Access Failure"
    common_event   = "Proxy Request Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure", "event.type" = ["access", "denied"] }
  }
  sub_rule "error" {
    when           = <<-CEL
      event.labels.squid_code.startsWith("NONE") || (has(event.status) && event.status >= 400)
    CEL
    classification = "Access Failure"
    common_event   = "Proxy Request Failed"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "1710238272.123    154 192.0.2.61 TCP_MISS/200 5120 GET http://www.example.com/index.html erin HIER_DIRECT/203.0.113.80 text/html"
    expect = { sip = "192.0.2.61", "labels.squid_code" = "TCP_MISS", status = "200", bytes = "5120", httpmethod = "GET", url = "http://www.example.com/index.html", login = "erin", dip = "203.0.113.80", "http.response.mime_type" = "text/html", "observer.vendor" = "Squid" }
  }
  test {
    log             = "Mar 12 10:11:13 proxy1 squid[712]: 1710238273.001      0 192.0.2.62 TCP_DENIED/403 3960 CONNECT badsite.example.net:443 - HIER_NONE/- text/html"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.62", status = "403", httpmethod = "CONNECT", sub_rule = "denied", classification = "Access Failure" }
  }
}

rule "squid-cache-log" {
  description      = "cache.log: date kidN| message"
  log_source_types = ["squid"]
  sort_order       = 8000
  pattern          = <<-RE
    \d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? kid\d+\| (?:(?P<log__level>ERROR|WARNING|FATAL): ?)?(?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "Proxy Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      has(event.log.level) && event.log.level in ["ERROR", "FATAL"]
    CEL
    classification = "Error"
    common_event   = "Proxy Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "has(event.log.level) && event.log.level == \"WARNING\""
    classification = "Warning"
    common_event   = "Proxy Warning"
    risk           = 1
  }

  test {
    log             = "2024/03/12 10:11:14 kid1| WARNING: Forwarding loop detected for:"
    log_source_type = "syslog"
    expect          = { "log.level" = "WARNING", sub_rule = "warning" }
  }
}

# ------------------------------------------------------------ any other line
# The program is Squid's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "squid-message" {
  description      = "any other Squid message"
  log_source_types = ["squid"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)squid(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "Squid Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "Squid Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "Squid Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 proxy1 squid[713]: Squid Parent: squid-1 process 714 started"
    log_source_type = "syslog"
    expect          = { classification = "Information" }
  }
}
