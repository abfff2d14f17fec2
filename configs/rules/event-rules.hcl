# Intel lists and event rules of the starter set.
#
# Intel lists tag events whose fields hold a listed value (sluice.intel,
# threat.indicator.*) and raise their priority; event rules run on every
# parsed event, whatever rule parsed it, and raise alarms. Tests never read
# the live lists (a feed update must not be refused for a test): each test
# says what the lists hold for it with `intel = { … }`.
#
# Test lines are made up.

intel_list "threat-ips" {
  description = "addresses of known attackers and command-and-control servers"
  file        = "../intel/threat-ips.txt"
  type        = "ip"
  fields      = ["source.ip", "destination.ip"]
}

intel_list "bad-domains" {
  description = "domains of malware and phishing sites"
  file        = "../intel/bad-domains.txt"
  type        = "domain"
  fields      = ["source.domain", "destination.domain", "url.domain", "threat.indicator.name"]
}

intel_list "watched-users" {
  description = "shared, service and break-glass accounts"
  file        = "../intel/watched-users.txt"
  type        = "string"
  fields      = ["user.name", "user.target.name"]
}

event_rule "threat-intel-hit" {
  description = "an event involving a listed address or domain"
  sort_order  = 10
  when        = <<-CEL
    has(event.intel) && ("threat-ips" in event.intel || "bad-domains" in event.intel)
  CEL
  set         = { "event.kind" = "alert" }

  alarm {
    name     = "Threat Intelligence Match"
    severity = "high"
    message  = "${event.common_event} involving ${event.threat.indicator.name} (${event.threat.feed.name}) on ${event.host.hostname}"
  }

  test {
    log             = "Apr 01 2024 08:00:02 fw2 : %ASA-4-106023: Deny tcp src outside:203.0.113.66/4444 dst inside:192.0.2.10/22 by access-group \"outside_in\" [0x0, 0x0]"
    log_source_type = "cisco-asa"
    intel           = { "threat-ips" = ["203.0.113.66"] }
    alarm           = true
    expect          = { "threat.indicator.name" = "203.0.113.66", "threat.feed.name" = "threat-ips", "event.kind" = "alert" }
  }
  test {
    log             = "Apr 01 2024 08:00:03 fw2 : %ASA-4-106023: Deny tcp src outside:198.51.100.7/4444 dst inside:192.0.2.10/22 by access-group \"outside_in\" [0x0, 0x0]"
    log_source_type = "cisco-asa"
    intel           = { "threat-ips" = ["203.0.113.66"] }
    alarm           = false
  }
}

event_rule "watched-account-activity" {
  description = "a watched account logged on, or was changed"
  sort_order  = 20
  when        = <<-CEL
    has(event.intel) && "watched-users" in event.intel && event.classification in ["Authentication Success", "Account Modified", "Account Deleted", "Access Granted"]
  CEL

  alarm {
    name     = "Watched Account Activity"
    severity = "medium"
    message  = "${event.common_event}: ${event.user.name} on ${event.host.hostname}"
  }

  test {
    log             = "Mar  3 08:15:02 bastion1 sshd[4117]: Accepted password for breakglass from 192.0.2.44 port 50122 ssh2"
    log_source_type = "linux-auth"
    intel           = { "watched-users" = "breakglass" }
    alarm           = true
    expect          = { intel = "watched-users" }
  }
}

event_rule "root-logon" {
  description = "someone logged on as root over the network"
  sort_order  = 30
  when        = "event.common_event == \"Root Logon\" && has(event.source.ip)"

  alarm {
    name     = "Root Logon"
    severity = "medium"
    message  = "root logon on ${event.host.hostname} from ${event.source.ip}"
  }

  test {
    log             = "Mar  3 08:20:41 bastion1 sshd[4188]: Accepted password for root from 198.51.100.7 port 40022 ssh2"
    log_source_type = "linux-auth"
    alarm           = true
  }
}

event_rule "audit-log-cleared" {
  description      = "the Windows security log was cleared: evidence may be gone"
  sort_order       = 30
  log_source_types = ["windows-security"]
  when             = "event.common_event == \"Audit Log Cleared\""

  alarm {
    name     = "Audit Log Cleared"
    severity = "high"
    message  = "security log cleared on ${event.host.name} by ${event.user.name}"
  }

  test {
    log             = <<-LOG
      {"host":{"name":"DC1"},"winlog":{"event_id":1102,"user_data":{"SubjectUserName":"mallory"}}}
    LOG
    log_source_type = "windows-security"
    alarm           = true
  }
}

event_rule "drop-asa-chatter" {
  description      = "ASA messages above debug level (8, 9) are test chatter: not indexed"
  sort_order       = 1000
  log_source_types = ["cisco-asa"]
  when             = "event.rule == \"asa-message-debug\""
  drop             = true

  test {
    log             = "Apr 01 2024 08:00:38 fw3 : %ASA-8-999999: Chatter"
    log_source_type = "cisco-asa"
    dropped         = true
  }
}
