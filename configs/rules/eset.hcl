# ESET PROTECT / ESET Security Management Center (formerly ERA) server,
# exporting its events to syslog as one JSON object per line after the
# program name "ERAServer" (ESET's "Export logs to Syslog", JSON format).
# Every object starts with event_type, ipv4, hostname, source_uuid,
# occured and severity; the keys that follow depend on the event type, in
# the order ESET documents them, which the rules follow.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "eset" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "ESET"
  product  = "ESET PROTECT"
  module   = "eset"
}

rule "eset-threat" {
  description      = "Threat_Event: a detection (virus, PUA, exploit) on a managed computer and what was done"
  log_source_types = ["eset"]
  sort_order       = 100
  pattern          = <<-RE
    ERAServer(?:\[\d+\])?: \{"event_type":"(?P<event__code>Threat_Event)"(?:,"ipv4":"(?:<sip>|[^"]*)")?(?:,"ipv6":"[^"]*")?(?:,"hostname":"(?P<host__name>[^"]*)")?(?:.*?"severity":"(?P<log__level>[^"]*)")?(?:.*?"threat_type":"(?P<threat__technique__name>[^"]*)")?(?:.*?"threat_name":"(?P<rule__name>[^"]*)")?(?:.*?"object_uri":"(?P<file__path>[^"]*)")?(?:.*?"action_taken":"(?P<event__action>[^"]*)")?(?:.*?"threat_handled":(?P<labels__handled>true|false))?(?:.*?"username":"(?P<login>[^"]*)")?(?:.*?"processname":"(?P<process__executable>[^"]*)")?(?:.*?"hash":"(?P<file__hash__sha1>[0-9A-Fa-f]*)")?
  RE
  classification   = "Malware"
  common_event     = "Threat Detected"
  risk             = 7
  fields           = { "event.kind" = "alert", "event.category" = ["malware"], "event.type" = ["info"] }

  sub_rule "handled" {
    when           = "event.labels.handled == \"true\""
    classification = "Failed Malware"
    common_event   = "Threat Cleaned"
    risk           = 4
  }

  test {
    log             = "Mar  9 10:00:00 era-srv ERAServer[5032]: {\"event_type\":\"Threat_Event\",\"ipv4\":\"192.0.2.90\",\"hostname\":\"ws-017.example.com\",\"source_uuid\":\"0f0e0d0c-0000-4000-8000-000000000001\",\"occured\":\"09-Mar-2024 10:00:00\",\"severity\":\"Warning\",\"threat_type\":\"Trojan\",\"threat_name\":\"Win32/Agent.XYZ\",\"scanner_id\":\"Real-time file system protection\",\"object_type\":\"file\",\"object_uri\":\"file:///C:/Users/ann/Downloads/setup.exe\",\"action_taken\":\"cleaned by deleting\",\"threat_handled\":true,\"need_restart\":false,\"username\":\"EXAMPLE\\\\ann\",\"processname\":\"C:\\\\Program Files\\\\Browser\\\\browser.exe\"}"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.90", "host.name" = "ws-017.example.com", "rule.name" = "Win32/Agent.XYZ", "event.action" = "cleaned by deleting", sub_rule = "handled", "event.dataset" = "eset" }
  }
}

rule "eset-firewall" {
  description      = "FirewallAggregated_Event: the ESET firewall blocked (or logged) traffic, with both ends and the process"
  log_source_types = ["eset"]
  sort_order       = 100
  pattern          = <<-RE
    ERAServer(?:\[\d+\])?: \{"event_type":"(?P<event__code>FirewallAggregated_Event)"(?:,"ipv4":"(?:<dhost>|[^"]*)")?(?:,"ipv6":"[^"]*")?(?:,"hostname":"(?P<host__name>[^"]*)")?(?:.*?"severity":"(?P<log__level>[^"]*)")?(?:.*?"event":"(?P<rule__name>[^"]*)")?(?:.*?"source_address":"(?:<sip>|[^"]*)")?(?:.*?"source_port":<sport>)?(?:.*?"target_address":"(?:<dip>|[^"]*)")?(?:.*?"target_port":<dport>)?(?:.*?"protocol":"<protocol>")?(?:.*?"action":"(?P<event__action>[^"]*)")?(?:.*?"process_name":"(?P<process__executable>[^"]*)")?(?:.*?"account":"(?P<login>[^"]*)")?
  RE
  classification   = "Network Deny"
  common_event     = "Firewall Event"
  risk             = 3
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "denied"] }

  test {
    log    = "Mar  9 10:01:00 era-srv ERAServer[5032]: {\"event_type\":\"FirewallAggregated_Event\",\"ipv4\":\"192.0.2.91\",\"hostname\":\"ws-018\",\"source_uuid\":\"0f0e0d0c-0000-4000-8000-000000000002\",\"occured\":\"09-Mar-2024 10:01:00\",\"severity\":\"Warning\",\"event\":\"Security vulnerability exploitation attempt\",\"source_address\":\"198.51.100.91\",\"source_address_type\":\"IPv4\",\"source_port\":51515,\"target_address\":\"192.0.2.91\",\"target_address_type\":\"IPv4\",\"target_port\":445,\"protocol\":\"TCP\",\"action\":\"Blocked\",\"handled\":true,\"process_name\":\"System\",\"aggregate_count\":3}"
    expect = { sip = "198.51.100.91", sport = "51515", dip = "192.0.2.91", dport = "445", protocol = "tcp", "event.action" = "Blocked", "rule.name" = "Security vulnerability exploitation attempt" }
  }
}

rule "eset-hips" {
  description      = "HipsAggregated_Event: host intrusion prevention blocked or logged an operation of an application"
  log_source_types = ["eset"]
  sort_order       = 100
  pattern          = <<-RE
    ERAServer(?:\[\d+\])?: \{"event_type":"(?P<event__code>HipsAggregated_Event)"(?:,"ipv4":"(?:<sip>|[^"]*)")?(?:,"ipv6":"[^"]*")?(?:,"hostname":"(?P<host__name>[^"]*)")?(?:.*?"severity":"(?P<log__level>[^"]*)")?(?:.*?"application":"(?P<process__executable>[^"]*)")?(?:.*?"operation":"(?P<labels__operation>[^"]*)")?(?:.*?"target":"(?P<labels__target>[^"]*)")?(?:.*?"action":"(?P<event__action>[^"]*)")?(?:.*?"rule_name":"(?P<rule__name>[^"]*)")?
  RE
  classification   = "Suspicious"
  common_event     = "HIPS Event"
  risk             = 4
  fields           = { "event.category" = ["intrusion_detection", "host"], "event.type" = ["info"] }

  sub_rule "critical" {
    when           = "event.log.level in [\"Critical\", \"Error\"]"
    classification = "Attack"
    risk           = 6
  }

  test {
    log    = "Mar  9 10:02:00 era-srv ERAServer[5032]: {\"event_type\":\"HipsAggregated_Event\",\"ipv4\":\"192.0.2.92\",\"hostname\":\"ws-019\",\"source_uuid\":\"0f0e0d0c-0000-4000-8000-000000000003\",\"occured\":\"09-Mar-2024 10:02:00\",\"severity\":\"Critical\",\"application\":\"C:\\\\Tools\\\\inject.exe\",\"operation\":\"Attempt to modify another application\",\"target\":\"C:\\\\Windows\\\\explorer.exe\",\"action\":\"blocked\",\"action_type\":\"ask\",\"rule_id\":\"7\",\"rule_name\":\"Block injection\",\"aggregate_count\":1}"
    expect = { sip = "192.0.2.92", "labels.operation" = "Attempt to modify another application", "event.action" = "blocked", "rule.name" = "Block injection", sub_rule = "critical" }
  }
}

rule "eset-audit" {
  description      = "Audit_Event: an action in the ESET console (login attempts, policy and task changes) and its result"
  log_source_types = ["eset"]
  sort_order       = 100
  pattern          = <<-RE
    ERAServer(?:\[\d+\])?: \{"event_type":"(?P<event__code>Audit_Event)"(?:,"ipv4":"(?:<sip>|[^"]*)")?(?:,"ipv6":"[^"]*")?(?:,"hostname":"(?P<host__name>[^"]*)")?(?:.*?"severity":"(?P<log__level>[^"]*)")?(?:.*?"domain":"(?P<labels__domain>[^"]*)")?(?:.*?"action":"(?P<event__action>[^"]*)")?(?:.*?"target":"(?P<labels__target>[^"]*)")?(?:.*?"detail":"(?P<labels__detail>(?:[^"\\]|\\.)*)")?(?:.*?"user":"(?P<labels__user>[^"]*)")?(?:.*?"result":"(?P<labels__result>[^"]*)")?
  RE
  classification   = "Other Audit"
  common_event     = "Console Audit Event"
  risk             = 2
  map              = { "user.name" = "labels.user" }
  fields           = { "event.category" = ["configuration"], "event.type" = ["info"] }

  sub_rule "login-failed" {
    when           = "event.event.action == \"Login attempt\" && has(event.labels.result) && event.labels.result == \"Failed\""
    classification = "Authentication Failure"
    common_event   = "Console Login Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }
  sub_rule "login" {
    when           = "event.event.action == \"Login attempt\""
    classification = "Authentication Success"
    common_event   = "Console Login"
    risk           = 3
    fields         = { "event.category" = ["authentication"] }
  }

  test {
    log    = "Mar  9 10:03:00 era-srv ERAServer[5032]: {\"event_type\":\"Audit_Event\",\"ipv4\":\"192.0.2.93\",\"hostname\":\"era-srv\",\"source_uuid\":\"0f0e0d0c-0000-4000-8000-000000000004\",\"occured\":\"09-Mar-2024 10:03:00\",\"severity\":\"Information\",\"domain\":\"Domain group\",\"action\":\"Login attempt\",\"target\":\"0f0e0d0c-0000-4000-8000-000000000005\",\"detail\":\"Authenticating domain user 'EXAMPLE\\\\bob'.\",\"user\":\"\",\"result\":\"Failed\"}"
    expect = { sip = "192.0.2.93", "event.action" = "Login attempt", sub_rule = "login-failed", "labels.domain" = "Domain group" }
  }
}

rule "eset-event" {
  description      = "other ESET event types (EnterpriseInspectorAlert_Event, FilteredWebsites_Event, BlockedFiles_Event, …): kept with type, host and severity"
  log_source_types = ["eset"]
  sort_order       = 200
  pattern          = <<-RE
    ERAServer(?:\[\d+\])?: \{"event_type":"(?P<event__code>\w+_Event)"(?:,"ipv4":"(?:<sip>|[^"]*)")?(?:,"ipv6":"[^"]*")?(?:,"hostname":"(?P<host__name>[^"]*)")?(?:.*?"severity":"(?P<log__level>[^"]*)")?(?:.*?"(?:processname|process_name)":"(?P<process__executable>[^"]*)")?(?:.*?"(?:username|user)":"(?P<labels__user>[^"]*)")?(?:.*?"(?:rulename|rule_name|name|threat_name)":"(?P<rule__name>[^"]*)")?(?:.*?"(?:object_uri|target_address)":"(?P<labels__object>[^"]*)")?(?:.*?"action(?:_taken)?":"(?P<event__action>[^"]*)")?
  RE
  classification   = "Suspicious"
  common_event     = "Endpoint Security Event"
  risk             = 4
  map              = { "user.name" = "labels.user" }
  fields           = { "event.category" = ["host"], "event.type" = ["info"] }

  sub_rule "info" {
    when           = "event.log.level == \"Information\""
    classification = "Information"
    risk           = 1
  }

  test {
    log    = "Mar  9 10:04:00 era-srv ERAServer[5032]: {\"event_type\":\"EnterpriseInspectorAlert_Event\",\"ipv4\":\"192.0.2.94\",\"hostname\":\"ws-020\",\"source_uuid\":\"0f0e0d0c-0000-4000-8000-000000000006\",\"occured\":\"09-Mar-2024 10:04:00\",\"severity\":\"Warning\",\"processname\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\",\"username\":\"EXAMPLE\\\\carl\",\"rulename\":\"Suspicious shell spawned by Office\"}"
    expect = { sip = "192.0.2.94", "event.code" = "EnterpriseInspectorAlert_Event", "rule.name" = "Suspicious shell spawned by Office", classification = "Suspicious" }
  }
}

rule "eset-leef" {
  description      = "ESET events exported in LEEF instead of JSON: LEEF:1.0|ESET|<product>|<version>|<event type>|…"
  log_source_types = ["eset"]
  sort_order       = 100
  pattern          = <<-RE
    LEEF:[\d.]+\|ESET\|(?P<labels__product>[^|]*)\|(?P<labels__product_version>[^|]*)\|(?P<event__code>[^|]*)\|(?:.*?\bsrc=(?:<sip>|[^\t]*))?(?:.*?\bdst=(?:<dip>|[^\t]*))?(?:.*?\bsrcPort=(?:<sport>|[^\t]*))?(?:.*?\bdstPort=(?:<dport>|[^\t]*))?(?:.*?\busrName=(?P<labels__user>[^\t]*))?
  RE
  classification   = "Suspicious"
  common_event     = "Endpoint Security Event"
  risk             = 4
  map              = { "user.name" = "labels.user" }
  fields           = { "event.category" = ["host"], "event.type" = ["info"] }

  test {
    log    = "Mar  9 10:05:00 era-srv ERAServer[5032]: LEEF:1.0|ESET|PROTECT|10.1|FirewallAggregated_Event|cat=ESET Firewall Event\tsev=5\tsrc=198.51.100.95\tdst=192.0.2.95\tsrcPort=40404\tdstPort=3389\tproto=TCP\tusrName=EXAMPLE\\fred"
    expect = { sip = "198.51.100.95", dport = "3389", "event.code" = "FirewallAggregated_Event", "user.name" = "EXAMPLE\\fred" }
  }
}
