# ISC BIND named: query logging (client … query: name class type flags
# (server)), denied queries, zone transfers and dynamic updates, lame
# servers and resolver errors, zone loads and transfers, and the
# server's start, reload and stop. Lines may carry a category and
# severity ("queries: info: ") and a date when written to a file
# channel with print-time.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "bind" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "ISC"
  product  = "BIND"
  module   = "bind"
}

rule "named-query" {
  description      = "a query: client [@0x…] ip#port [(name)][ view v]: query: name class type flags (server)"
  log_source_types = ["bind"]
  sort_order       = 400
  pattern          = <<-RE
    client (?:@0x[0-9a-f]+ )?<sip>#<sport>(?:/key \S+)?(?: \([^)]*\))?(?:: view (?P<labels__view>[^:]+))?: query: (?P<dns__question__name>\S+) (?P<dns__question__class>[A-Z0-9]+) (?P<dns__question__type>[A-Z0-9]+) (?P<labels__flags>[-+]\S*)(?: \(<dip>\))?
  RE
  classification   = "Information"
  common_event     = "DNS Query"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["protocol"], "network.protocol" = "dns", "dns.type" = "query" }

  sub_rule "zone-transfer" {
    when         = <<-CEL
      event.dns.question.type in ["AXFR", "IXFR"]
    CEL
    common_event = "DNS Zone Transfer Query"
    risk         = 2
  }

  test {
    log             = "Mar 12 10:11:12 ns1 named[1313]: client @0x7f2a3c004e10 198.51.100.161#53211 (www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.161", sport = "53211", "dns.question.name" = "www.example.com", "dns.question.type" = "A", "dns.question.class" = "IN", dip = "192.0.2.53", "observer.vendor" = "ISC" }
  }
  test {
    log    = "Mar 12 10:11:12 ns1 named[1313]: client @0x7f2a3c004e10 198.51.100.164#53212 (www.example.com): view internal: query: www.example.com IN AAAA + (192.0.2.53)"
    expect = { sip = "198.51.100.164", "labels.view" = "internal", "dns.question.type" = "AAAA" }
  }
  test {
    log    = "12-Mar-2024 10:11:13.456 queries: info: client 198.51.100.162#40001: query: example.com IN AXFR -T (192.0.2.53)"
    expect = { sip = "198.51.100.162", sub_rule = "zone-transfer" }
  }
}

rule "named-denied" {
  description      = "a refused request: query (cache) 'name/type/class' denied, zone transfer 'zone/AXFR/IN' denied, update 'zone/IN' denied, notify denied"
  log_source_types = ["bind"]
  sort_order       = 410
  pattern          = <<-RE
    client (?:@0x[0-9a-f]+ )?<sip>#<sport>(?:/key (?P<labels__key>[^\s:]+))?(?: \([^)]*\))?(?:: view (?P<labels__view>[^:]+))?: (?:(?P<event__action>query(?: \(cache\))?|zone transfer|update|update forwarding|notify|recursion|transfer of) '(?P<dns__question__name>[^'/]+)(?:/(?P<dns__question__type>[^'/]+))?(?:/(?P<dns__question__class>[^'/]+))?' (?:denied|approved)|(?P<labels__refused>received notify for zone '[^']*': not authoritative|refused notify from non-primary|refused notify from non-master)(?P<error__message>.*))
  RE
  classification   = "Access Failure"
  common_event     = "DNS Request Denied"
  risk             = 3
  fields           = { "event.category" = ["network"], "event.type" = ["denied"], "event.outcome" = "failure", "network.protocol" = "dns" }

  sub_rule "zone-transfer" {
    when           = <<-CEL
      has(event.event.action) && event.event.action == "zone transfer"
    CEL
    classification = "Reconnaissance"
    common_event   = "DNS Zone Transfer Denied"
    risk           = 5
  }
  sub_rule "update" {
    when           = <<-CEL
      has(event.event.action) && event.event.action.startsWith("update")
    CEL
    classification = "Failed Misuse"
    common_event   = "DNS Update Denied"
    risk           = 4
  }

  test {
    log             = "Mar 12 10:11:14 ns1 named[1313]: client @0x7f2a3c004e10 203.0.113.190#40002 (example.com): zone transfer 'example.com/AXFR/IN' denied"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.190", "dns.question.name" = "example.com", "dns.question.type" = "AXFR", sub_rule = "zone-transfer", classification = "Reconnaissance" }
  }
  test {
    log             = "Mar 12 10:11:15 ns1 named[1313]: client 203.0.113.191#40003/key upd-key: view internal: update 'example.com/IN' denied"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.191", "labels.key" = "upd-key", sub_rule = "update" }
  }
  test {
    log    = "Mar 12 10:11:16 ns1 named[1313]: client @0x7f2a3c004e10 203.0.113.192#40004 (www.example.org): query (cache) 'www.example.org/A/IN' denied"
    expect = { "dns.question.name" = "www.example.org", "event.action" = "query (cache)", classification = "Access Failure" }
  }
}

rule "named-transfer" {
  description      = "zone transfers served or received: client … transfer of 'zone/IN': AXFR started/ended; zone …: Transfer started; transfer of 'zone' from ip#port: Transfer completed"
  log_source_types = ["bind"]
  sort_order       = 420
  pattern          = <<-RE
    (?:client (?:@0x[0-9a-f]+ )?<sip>#<sport>(?:/key \S+)?(?: \([^)]*\))?(?:: view [^:]+)?: )?transfer of '(?P<labels__zone>[^']+)'(?: from <dip>#<dport>)?: (?P<event__action>AXFR started|AXFR ended|IXFR started|IXFR ended|AXFR-style IXFR started|AXFR-style IXFR ended|Transfer completed|Transfer status: \w+|connected using \S+|failed while receiving responses: \w+)(?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "DNS Zone Transfer"
  risk             = 1
  fields           = { "event.category" = ["network"], "network.protocol" = "dns" }

  sub_rule "failed" {
    when           = <<-CEL
      event.event.action.startsWith("failed") || (event.event.action.startsWith("Transfer status") && !event.event.action.endsWith("success"))
    CEL
    classification = "Error"
    common_event   = "DNS Zone Transfer Failed"
    risk           = 2
  }

  test {
    log             = "Mar 12 10:11:17 ns1 named[1313]: client @0x7f2a3c004e10 198.51.100.163#40005 (example.com): transfer of 'example.com/IN': AXFR started (serial 2024031201)"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.163", "labels.zone" = "example.com/IN", "event.action" = "AXFR started" }
  }
}

rule "named-lame-server" {
  description      = "lame servers and resolver errors: lame server resolving 'x', connection refused / host unreachable / FORMERR / SERVFAIL / REFUSED unexpected RCODE resolving 'name/type/class': ip#port"
  log_source_types = ["bind"]
  sort_order       = 430
  pattern          = <<-RE
    (?P<event__action>lame server|connection refused|host unreachable|network unreachable|FORMERR|SERVFAIL unexpected RCODE|REFUSED unexpected RCODE|NOTAUTH unexpected RCODE|timed out|unexpected RCODE \(\w+\)|error \([^)]*\)|broken trust chain|insecurity proof failed|no valid RRSIG|DNSSEC validation failed) resolving '(?P<dns__question__name>[^'/]+)(?:/(?P<dns__question__type>[^'/]+))?(?:/(?P<dns__question__class>[^'/]+))?'(?: \(in '(?P<labels__zone>[^']*)'\?\))?: <dip>#<dport>
  RE
  classification   = "Warning"
  common_event     = "DNS Resolution Problem"
  risk             = 1
  fields           = { "event.category" = ["network"], "network.protocol" = "dns" }

  sub_rule "lame" {
    when         = "event.event.action == \"lame server\""
    common_event = "DNS Lame Server"
  }

  test {
    log             = "Mar 12 10:11:18 ns1 named[1313]: lame-servers: info: connection refused resolving 'example.net/A/IN': 203.0.113.193#53"
    log_source_type = "syslog"
    expect          = { "event.action" = "connection refused", "dns.question.name" = "example.net", dip = "203.0.113.193", dport = "53" }
  }
  test {
    log    = "Mar 12 10:11:19 ns1 named[1313]: lame server resolving 'www.example.net' (in 'example.net'?): 203.0.113.194#53"
    expect = { sub_rule = "lame", "labels.zone" = "example.net" }
  }
}

rule "named-zone" {
  description      = "zone name/class[/view]: loaded serial, refresh, notifies, journal, expiry"
  log_source_types = ["bind"]
  sort_order       = 440
  pattern          = <<-RE
    zone (?P<labels__zone>[^\s/]+/[A-Z]+(?:/\S+)?): (?P<event__action>loaded serial|refresh|sending notifies|notify from|Transfer started|transferred serial|expired|journal|zone serial|NS '[^']*' has no address records|not loaded due to errors|dump failed|could not refresh|removed)(?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "DNS Zone Event"
  risk             = 0
  fields           = { "event.category" = ["configuration"], "network.protocol" = "dns" }

  sub_rule "error" {
    when           = <<-CEL
      event.event.action in ["expired", "not loaded due to errors", "dump failed", "could not refresh"] || event.error.message.contains("failed") || event.error.message.contains("retry limit")
    CEL
    classification = "Error"
    common_event   = "DNS Zone Error"
    risk           = 2
  }

  test {
    log             = "Mar 12 10:11:20 ns1 named[1313]: zone example.com/IN: loaded serial 2024031201"
    log_source_type = "syslog"
    expect          = { "labels.zone" = "example.com/IN", "event.action" = "loaded serial" }
  }
}

rule "named-state" {
  description      = "starting BIND, running, reloading, shutting down, exiting"
  log_source_types = ["bind"]
  sort_order       = 450
  pattern          = <<-RE
    named(?:\[\d+\])?: (?:general: \w+: )?(?P<event__action>starting BIND \S+|running|exiting|shutting down|reloading configuration (?:succeeded|failed)|reloading zones (?:succeeded|failed)|received control channel command '[^']*'|loading configuration from '[^']*'|no longer listening on \S+|listening on \S+ interface \S+, \S+)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "DNS Server State Change"
  risk             = 1

  test {
    log             = "Mar 12 10:11:21 ns1 named[1313]: starting BIND 9.18.24 (Extended Support Version) <id:abc>"
    log_source_type = "syslog"
    expect          = { "event.action" = "starting BIND 9.18.24" }
  }
}

rule "named-rate-limit" {
  description      = "response rate limiting: client … rate limit drop|slip response to prefix for name"
  log_source_types = ["bind"]
  sort_order       = 460
  pattern          = <<-RE
    (?:client (?:@0x[0-9a-f]+ )?<sip>#<sport>(?: \([^)]*\))?: )?(?:view \S+: )?(?P<event__action>rate limit (?:drop|slip)|would rate limit (?:drop|slip)|limit (?:drop|slip)) (?P<labels__response>\S+ response|response) to (?P<labels__prefix>\S+) for (?P<dns__question__name>\S+)
  RE
  classification   = "Denial Of Service"
  common_event     = "DNS Rate Limited"
  risk             = 4
  fields           = { "event.category" = ["network"], "network.protocol" = "dns" }

  test {
    log             = "Mar 12 10:11:22 ns1 named[1313]: client @0x7f2a3c004e10 203.0.113.195#40006 (example.com): rate limit drop response to 203.0.113.0/24 for example.com IN ANY  (00000000)"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.195", "event.action" = "rate limit drop", "labels.prefix" = "203.0.113.0/24" }
  }
}

# ------------------------------------------------------------ any other line
# The program is BIND's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "named-message" {
  description      = "any other BIND message"
  log_source_types = ["bind"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)named(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "BIND Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "BIND Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "BIND Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 ns1 named[1313]: dnssec: warning: managed-keys-zone: Unable to fetch DNSKEY set '.': timed out"
    log_source_type = "syslog"
    expect          = { sub_rule = "warning" }
  }
}
