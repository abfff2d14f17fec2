# Unbound: query and reply logging (log-queries, log-replies), local
# zone actions (log-local-actions), validation failures, and the
# server's own messages. Unbound writes "[pid:thread] level: message",
# after "unbound: " in syslog or "[time] unbound[pid:thread]" in its own
# log file.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "unbound" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "NLnet Labs"
  product  = "Unbound"
  module   = "unbound"
}

rule "unbound-reply" {
  description      = "log-replies: reply: client name type class rcode time cached size"
  log_source_types = ["unbound"]
  sort_order       = 400
  pattern          = <<-RE
    unbound(?:\[\d+:\d+\]|: \[\d+:\d+\]) reply: <sip>(?:@<sport>)? (?P<dns__question__name>\S+) (?P<dns__question__type>[A-Z0-9]+) (?P<dns__question__class>[A-Z0-9]+) (?P<dns__response_code>[A-Z]+) (?P<labels__duration>[\d.]+) (?P<labels__cached>[01]) (?P<labels__size>\d+)
  RE
  classification   = "Information"
  common_event     = "DNS Reply"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["protocol"], "network.protocol" = "dns", "dns.type" = "answer" }

  sub_rule "failed" {
    when           = <<-CEL
      event.dns.response_code in ["SERVFAIL", "REFUSED", "FORMERR"]
    CEL
    classification = "Warning"
    common_event   = "DNS Reply Failure"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:12 res1 unbound: [1414:0] reply: 198.51.100.171 www.example.com. A IN NOERROR 0.000123 0 61"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.171", "dns.question.name" = "www.example.com.", "dns.question.type" = "A", "dns.response_code" = "NOERROR", "observer.product" = "Unbound" }
  }
}

rule "unbound-query" {
  description      = "log-queries: info: client name type class"
  log_source_types = ["unbound"]
  sort_order       = 410
  pattern          = <<-RE
    unbound(?:\[\d+:\d+\]|: \[\d+:\d+\]) (?:info|query): <sip>(?:@<sport>)? (?P<dns__question__name>\S+\.) (?P<dns__question__type>[A-Z0-9]+) (?P<dns__question__class>IN|CH|HS|ANY|CLASS\d+)$
  RE
  classification   = "Information"
  common_event     = "DNS Query"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["protocol"], "network.protocol" = "dns", "dns.type" = "query" }

  test {
    log             = "Mar 12 10:11:13 res1 unbound: [1414:1] info: 198.51.100.172 mail.example.com. MX IN"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.172", "dns.question.name" = "mail.example.com.", "dns.question.type" = "MX" }
  }
}

rule "unbound-local-action" {
  description      = "log-local-actions: info: zone. action client@port name type class"
  log_source_types = ["unbound"]
  sort_order       = 420
  pattern          = <<-RE
    unbound(?:\[\d+:\d+\]|: \[\d+:\d+\]) info: (?P<labels__local_zone>\S+) (?P<event__action>refuse|always_refuse|deny|always_deny|static|redirect|inform|inform_deny|inform_redirect|always_nxdomain|always_nodata|always_null|transparent|typetransparent|noview|nodefault) <sip>@<sport> (?P<dns__question__name>\S+) (?P<dns__question__type>[A-Z0-9]+) (?P<dns__question__class>[A-Z0-9]+)
  RE
  classification   = "Information"
  common_event     = "DNS Local Zone Answer"
  risk             = 0
  fields           = { "event.category" = ["network"], "network.protocol" = "dns" }

  sub_rule "blocked" {
    when           = <<-CEL
      event.event.action in ["refuse", "always_refuse", "deny", "always_deny", "inform_deny", "always_nxdomain", "always_null"]
    CEL
    classification = "Network Deny"
    common_event   = "DNS Query Blocked"
    risk           = 3
    fields         = { "event.type" = ["denied"], "event.outcome" = "failure" }
  }

  test {
    log             = "Mar 12 10:11:14 res1 unbound: [1414:0] info: ads.example.net. always_nxdomain 198.51.100.173@40123 ads.example.net. A IN"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.173", sport = "40123", "event.action" = "always_nxdomain", sub_rule = "blocked" }
  }
}

rule "unbound-validation-failure" {
  description      = "DNSSEC validation failure <name type class>: reason"
  log_source_types = ["unbound"]
  sort_order       = 430
  pattern          = <<-RE
    validation failure <(?P<dns__question__name>\S+) (?P<dns__question__type>[A-Z0-9]+) (?P<dns__question__class>[A-Z0-9]+)>: (?P<event__reason>.*?)(?: from <dip>)?(?: for \S+ .*)?$
  RE
  classification   = "Warning"
  common_event     = "DNSSEC Validation Failure"
  risk             = 3
  fields           = { "event.category" = ["network"], "network.protocol" = "dns", "event.outcome" = "failure" }

  test {
    log             = "Mar 12 10:11:15 res1 unbound: [1414:0] info: validation failure <bad.example.org. A IN>: signature expired from 203.0.113.200 for key example.org. while building chain of trust"
    log_source_type = "syslog"
    expect          = { "dns.question.name" = "bad.example.org.", dip = "203.0.113.200", "event.reason" = "signature expired" }
  }
}

rule "unbound-message" {
  description      = "any other message: start and stop of service, notices, errors"
  log_source_types = ["unbound"]
  sort_order       = 8500
  pattern          = <<-RE
    unbound(?:\[\d+:\d+\]|: \[\d+:\d+\]) (?P<log__level>info|notice|warning|error|debug|fatal error|operational|detail|query|algo|cache|client): (?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "DNS Server Message"
  risk             = 0

  sub_rule "state" {
    when           = <<-CEL
      event.error.message.matches("^(start of service|service stopped|init module|restart of service)")
    CEL
    classification = "Startup and Shutdown"
    common_event   = "DNS Server State Change"
    risk           = 1
  }
  sub_rule "error" {
    when           = <<-CEL
      event.log.level in ["error", "fatal error"]
    CEL
    classification = "Error"
    common_event   = "DNS Server Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.log.level == \"warning\""
    classification = "Warning"
    common_event   = "DNS Server Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:16 res1 unbound: [1414:0] info: start of service (unbound 1.19.1)."
    log_source_type = "syslog"
    expect          = { "log.level" = "info", sub_rule = "state" }
  }
  test {
    log    = "[1710238277] unbound[1414:0] error: could not open autotrust file for writing, /var/lib/unbound/root.key.1414-0: Permission denied"
    expect = { sub_rule = "error" }
  }
}
