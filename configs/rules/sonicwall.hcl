# SonicWall firewalls (SonicOS) over syslog, in the default "enhanced"
# format: key=value pairs, `id=firewall sn=0017C5000001 time="2024-03-01
# 10:15:02 UTC" fw=198.51.100.1 pri=6 c=262144 m=98 msg="Connection
# Opened" … src=192.0.2.10:51514:X0 dst=198.51.100.20:443:X1 proto=tcp/https
# sent=… rcvd=…`, as SonicWall's "SonicOS Log Events Reference Guide"
# describes. The pairs are read with extract = "kv"; the pattern splits
# src/dst (address:port:interface[:name]) and reads the device time. The
# message id (m=) and text (msg=) say what happened.
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "sonicwall" {
  header  = "syslog"
  vendor  = "SonicWall"
  product = "SonicOS"
  module  = "sonicwall"
}

tag "sonicwall_time" {
  pattern = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}"
  field   = "@timestamp"
  type    = "time"
  layout  = "2006-01-02 15:04:05"
}

rule "sonicwall-log" {
  description      = "every SonicOS log: connections, drops, IPS/GAV/ASW alerts, logins, VPN, system"
  log_source_types = ["sonicwall"]
  sort_order       = 500
  pattern          = <<-RE
    id="?[\w-]+"?\s+sn="?\w+"?\s+time="<sonicwall_time>(?: \w+)?"\s(?:.*? src=<sip>(?::<sport>)?(?::(?P<observer__ingress__interface__name>[\w/.-]+))?)?(?:.*? dst=<dip>(?::<dport>)?(?::(?P<observer__egress__interface__name>[\w/.-]+))?)?
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "Firewall Event"
  risk             = 1
  map = {
    "observer.serial_number" = ["kv.sn"]
    "observer.ip"            = ["kv.fw"]
    "event.code"             = ["kv.m"]
    "sonicwall.category"     = ["kv.c"]
    "sonicwall.gcat"         = ["kv.gcat"]
    "sonicwall.pri"          = ["kv.pri"]
    "event.reason"           = ["kv.msg"]
    "sonicwall.note"         = ["kv.note"]
    "network.application"    = ["kv.appName", "kv.appcat"]
    smac                     = ["kv.srcMac", "kv.srcmac"]
    dmac                     = ["kv.dstMac", "kv.dstmac"]
    "destination.domain"     = ["kv.dstname"]
    iana_transport           = ["kv.ipProto"]
    "sonicwall.proto"        = ["kv.proto"]
    src_bytes                = ["kv.sent"]
    dst_bytes                = ["kv.rcvd"]
    src_packets              = ["kv.spkt"]
    dst_packets              = ["kv.rpkt"]
    login                    = ["kv.usr", "kv.user"]
    "rule.name"              = ["kv.rule"]
    "observer.ingress.zone"  = ["kv.srcZone"]
    "observer.egress.zone"   = ["kv.dstZone"]
    "event.action"           = ["kv.fw_action"]
    "url.path"               = ["kv.arg"]
    "sonicwall.web_category" = ["kv.Category"]
  }
  fields = { "event.kind" = "event", "observer.type" = "firewall" }

  sub_rule "login-failed" {
    when           = "event.kv.msg.matches(\"(?i)login (denied|failed|failure)|bad credentials|authentication fail|invalid (user|password)\")"
    classification = "Authentication Failure"
    common_event   = "Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "login" {
    when           = "event.kv.msg.matches(\"(?i)log(ged)? ?in (allowed|success)|successfully logged in|login allowed|user logged in\")"
    classification = "Authentication Success"
    common_event   = "User Logon"
    risk           = 2
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }

  sub_rule "logout" {
    when           = "event.kv.msg.matches(\"(?i)log(ged)? ?out\")"
    classification = "Authentication Success"
    common_event   = "User Logoff"
    fields         = { "event.category" = ["authentication"], "event.type" = ["end"] }
  }

  sub_rule "malware" {
    when           = "event.kv.msg.matches(\"(?i)(gateway )?anti-?virus alert|anti-?spyware (detection|prevention) alert|capture atp|malware\")"
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware", "network"] }
  }

  sub_rule "intrusion" {
    when           = "event.kv.msg.matches(\"(?i)ips (detection|prevention) alert|intrusion\")"
    classification = "Attack"
    common_event   = "Intrusion Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }

  sub_rule "scan" {
    when           = "event.kv.msg.matches(\"(?i)port ?scan|probe\")"
    classification = "Reconnaissance"
    common_event   = "Scan Detected"
    risk           = 5
  }

  sub_rule "flood" {
    when           = "event.kv.msg.matches(\"(?i)flood|smurf|ping of death|land attack\")"
    classification = "Denial Of Service"
    common_event   = "Flood Detected"
    risk           = 6
  }

  sub_rule "web-blocked" {
    when           = "event.kv.msg.matches(\"(?i)web site (access )?(blocked|denied)|content filter.*block\")"
    classification = "Access Failure"
    common_event   = "Web Access Blocked"
    risk           = 3
    fields         = { "event.category" = ["network", "web"], "event.outcome" = "failure" }
  }

  sub_rule "dropped" {
    when           = "event.kv.msg.matches(\"(?i)dropped|denied|blocked|rejected|discarded\")"
    classification = "Network Deny"
    common_event   = "Firewall Connection Denied"
    risk           = 3
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "closed" {
    when           = "event.kv.msg.matches(\"(?i)connection closed\")"
    classification = "Network Allow"
    common_event   = "Firewall Session Ended"
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "end"] }
  }

  sub_rule "opened" {
    when           = "event.kv.msg.matches(\"(?i)connection opened|web site (hit|access)\")"
    classification = "Network Allow"
    common_event   = "Firewall Session"
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "start"] }
  }

  test {
    log = "<134>id=firewall sn=0017C5000001 time=\"2024-03-01 10:15:02 UTC\" fw=198.51.100.1 pri=6 c=262144 m=98 msg=\"Connection Opened\" app=49175 appName='General HTTPS' n=12345 src=192.0.2.10:51514:X0 dst=198.51.100.20:443:X1 srcMac=00:00:5e:00:53:01 dstMac=00:00:5e:00:53:02 proto=tcp/https fw_action=\"NA\""
    expect = {
      sub_rule                          = "opened", classification = "Network Allow", sip = "192.0.2.10", sport = "51514", dip = "198.51.100.20", dport = "443"
      "observer.ingress.interface.name" = "X0", "observer.egress.interface.name" = "X1", "network.application" = "General HTTPS"
      "event.code"                      = "98", "@timestamp" = "2024-03-01T10:15:02Z", smac = "00:00:5e:00:53:01"
    }
  }

  test {
    log             = "Mar  1 10:16:00 198.51.100.1 id=firewall sn=0017C5000001 time=\"2024-03-01 10:16:00\" fw=198.51.100.1 pri=1 c=32 m=82 msg=\"Possible port scan detected\" n=77 src=203.0.113.66:40000:X1 dst=192.0.2.80:23:X0 note=\"TCP scanned port list, 23, 22, 21\""
    log_source_type = "syslog"
    expect          = { sub_rule = "scan", classification = "Reconnaissance", sip = "203.0.113.66", "observer.vendor" = "SonicWall", "event.dataset" = "sonicwall" }
  }

  test {
    log    = "<129>id=firewall sn=0017C5000001 time=\"2024-03-01 10:17:00 UTC\" fw=198.51.100.1 pri=1 c=32 m=608 msg=\"IPS Prevention Alert: WEB-ATTACKS Apache Log4j RCE\" sid=15000 ipscat=WEB-ATTACKS ipspri=1 n=4 src=203.0.113.66:41000:X1 dst=192.0.2.80:8080:X0 fw_action=\"drop\""
    expect = { sub_rule = "intrusion", classification = "Attack", "event.action" = "drop", dport = "8080" }
  }

  test {
    log    = "id=NSA2700  sn=0017C5000002 time=\"2024-03-01 10:19:00 UTC\" fw=198.51.100.1 pri=3 c=4 m=14 msg=\"Web site access denied\" app=49177 appName=\"General HTTPS\" n=8 src=192.0.2.62:54993:X0:pc48.example.com dst=198.51.100.49:443:X1 proto=tcp/https dstname=games.example.net arg=/ code=49 Category=\"Games\""
    expect = { sub_rule = "web-blocked", sip = "192.0.2.62", "observer.ingress.interface.name" = "X0", "destination.domain" = "games.example.net", "sonicwall.web_category" = "Games" }
  }

  test {
    log    = "<134>id=firewall sn=0017C5000001 time=\"2024-03-01 10:18:00 UTC\" fw=198.51.100.1 pri=1 c=32 m=30 msg=\"Administrator login denied due to bad credentials\" n=9 src=192.0.2.99::X0 dst=192.0.2.1::X0 usr=\"admin\""
    expect = { sub_rule = "login-failed", login = "admin", sip = "192.0.2.99", sport = "" }
  }
}
