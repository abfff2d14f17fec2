# Check Point Security Gateway and management logs over syslog, in the
# two shapes Check Point documents: the Log Exporter's syslog format (RFC
# 5424 with every field in one bracket, `[action:"Accept"; ifdir:"inbound";
# loguid:"{0x…}"; origin:"192.0.2.1"; product:"VPN-1 & FireWall-1"; …]`,
# sk122323) and the older "key: value;" lines of fw1-loggrabber and
# CPLogToSyslog (`… accept 192.0.2.1 >eth1 rule: 4; src: …; product:
# VPN-1 & FireWall-1; …`). Both are read with extract = "kv", kv_pair = ":"
# and kv_separator = ";". Fields are mapped as Elastic's checkpoint
# integration does: src/dst/s_port/service → source/destination, xlate* →
# nat, proto → network.transport, rule_name/rule_uid → rule.*, the
# *_outbound_bytes counters → source/destination.bytes, the rest under
# checkpoint.*.
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "checkpoint" {
  header  = "syslog"
  vendor  = "Check Point"
  product = "Security Gateway"
  module  = "checkpoint"
}

rule "checkpoint-log-exporter" {
  description      = "Log Exporter, syslog format: every blade's logs"
  log_source_types = ["checkpoint"]
  sort_order       = 400
  pattern          = <<-RE
    (?:loguid:"\{0x|CheckPoint \d+ - \[\w+:")
  RE
  extract          = "kv"
  kv_pair          = ":"
  kv_separator     = ";"
  classification   = "Network Traffic"
  common_event     = "Firewall Log"
  risk             = 1
  map = {
    sip                           = ["kv.src"]
    dip                           = ["kv.dst"]
    sport                         = ["kv.s_port"]
    dport                         = ["kv.service"]
    snatip                        = ["kv.xlatesrc"]
    dnatip                        = ["kv.xlatedst"]
    snatport                      = ["kv.xlatesport"]
    dnatport                      = ["kv.xlatedport"]
    iana_transport                = ["kv.proto"]
    "network.application"         = ["kv.service_id", "kv.appi_name"]
    "network.direction"           = ["kv.ifdir", "kv.i/f_dir"]
    "checkpoint.ifname"           = ["kv.ifname", "kv.i/f_name"]
    "event.action"                = ["kv.action"]
    "checkpoint.product"          = ["kv.product"]
    "checkpoint.blade"            = ["kv.product_family", "kv.ProductFamily"]
    "rule.name"                   = ["kv.rule_name"]
    "rule.id"                     = ["kv.rule", "kv.match_id"]
    "rule.uuid"                   = ["kv.rule_uid"]
    "rule.ruleset"                = ["kv.layer_name", "kv.policy_name"]
    "observer.name"               = ["kv.originsicname", "kv.origin_sic_name"]
    "checkpoint.origin"           = ["kv.origin", "kv.orig"]
    "checkpoint.loguid"           = ["kv.loguid"]
    "observer.ingress.zone"       = ["kv.inzone"]
    "observer.egress.zone"        = ["kv.outzone"]
    login                         = ["kv.user", "kv.src_user_name", "kv.administrator"]
    "source.user.name"            = ["kv.src_user_name", "kv.user"]
    "destination.user.name"       = ["kv.dst_user_name"]
    "source.domain"               = ["kv.src_machine_name"]
    src_bytes                     = ["kv.client_outbound_bytes"]
    dst_bytes                     = ["kv.server_outbound_bytes"]
    src_packets                   = ["kv.client_outbound_packets"]
    dst_packets                   = ["kv.server_outbound_packets"]
    "url.original"                = ["kv.resource"]
    "rule.category"               = ["kv.protection_type", "kv.malware_family"]
    "checkpoint.protection_name"  = ["kv.protection_name", "kv.attack"]
    "checkpoint.severity"         = ["kv.severity"]
    "checkpoint.confidence_level" = ["kv.confidence_level"]
    "checkpoint.operation"        = ["kv.operation"]
    "event.reason"                = ["kv.reason", "kv.message_info", "kv.description"]
    "file.name"                   = ["kv.file_name"]
    "file.hash.md5"               = ["kv.file_md5"]
    "file.hash.sha256"            = ["kv.file_sha256"]
  }
  fields = { "event.kind" = "event", "event.category" = ["network"], "event.type" = ["connection"], "observer.type" = "firewall" }

  sub_rule "login-failed" {
    when           = "event.kv.operation.matches(\"(?i)fail.*log ?in|log ?in.*fail\")"
    classification = "Authentication Failure"
    common_event   = "Admin Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "login" {
    when           = "event.kv.operation.matches(\"(?i)^log ?in\")"
    classification = "Authentication Success"
    common_event   = "Admin Logon"
    risk           = 3
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }

  sub_rule "malware" {
    when           = "event.kv.product in [\"Anti-Bot\", \"Anti-Virus\", \"New Anti Virus\", \"Anti Malware\", \"Threat Emulation\", \"Threat Extraction\"] && event.kv.action.lowerAscii() in [\"prevent\", \"detect\", \"block\", \"drop\"]"
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware", "network"] }
  }

  sub_rule "intrusion" {
    when           = "event.kv.product in [\"SmartDefense\", \"IPS\"] && event.kv.action.lowerAscii() in [\"prevent\", \"detect\", \"drop\", \"reject\", \"block\"]"
    classification = "Attack"
    common_event   = "Intrusion Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }

  sub_rule "authorize" {
    when           = "event.kv.action.lowerAscii() in [\"login\", \"authorize\"]"
    classification = "Authentication Success"
    common_event   = "User Logon"
    risk           = 2
    fields         = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }
  }

  sub_rule "deauthorize" {
    when           = "event.kv.action.lowerAscii() in [\"logout\", \"deauthorize\"]"
    classification = "Authentication Success"
    common_event   = "User Logoff"
    fields         = { "event.category" = ["authentication"], "event.type" = ["end"] }
  }

  sub_rule "quarantine" {
    when           = "event.kv.action.lowerAscii() == \"quarantine\""
    classification = "Suspicious"
    common_event   = "Host Quarantined"
    risk           = 6
    fields         = { "event.kind" = "alert" }
  }

  sub_rule "denied" {
    when           = "event.kv.action.lowerAscii() in [\"drop\", \"reject\", \"block\", \"prevent\", \"deny\"]"
    classification = "Network Deny"
    common_event   = "Firewall Connection Denied"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "allowed" {
    when           = "event.kv.action.lowerAscii() in [\"accept\", \"allow\", \"encrypt\", \"decrypt\", \"bypass\"]"
    classification = "Network Allow"
    common_event   = "Firewall Connection Allowed"
    fields         = { "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log = <<-LOG
      <134>1 2024-03-01T10:15:02Z gw-edge1 CheckPoint 2850 - [action:"Accept"; flags:"411908"; ifdir:"outbound"; ifname:"eth1"; logid:"0"; loguid:"{0x65e1a7a6,0x0,0x201a8c0,0x3fffffff}"; origin:"192.0.2.1"; originsicname:"CN=gw-edge1,O=mgmt.example.com.abcd12"; sequencenum:"3"; time:"1709288102"; version:"5"; __policy_id_tag:"product=VPN-1 & FireWall-1[db_tag={AA11BB22-0000-0000-0000-000000000001};mgmt=mgmt1;date=1709200000;policy_name=Standard\]"; dst:"198.51.100.20"; inzone:"Internal"; layer_name:"Network"; layer_uuid:"11111111-0000-0000-0000-000000000001"; match_id:"4"; parent_rule:"0"; rule_action:"Accept"; rule_name:"Web out"; rule_uid:"22222222-0000-0000-0000-000000000002"; outzone:"External"; product:"VPN-1 & FireWall-1"; proto:"6"; s_port:"51514"; service:"443"; service_id:"https"; src:"192.0.2.10"; xlatesrc:"203.0.113.5"; xlatesport:"61514"; client_outbound_bytes:"2120"; server_outbound_bytes:"8421"]
    LOG
    expect = {
      sub_rule            = "allowed", classification = "Network Allow", sip = "192.0.2.10", dip = "198.51.100.20", sport = "51514", dport = "443"
      "network.transport" = "tcp", "rule.name" = "Web out", snatip = "203.0.113.5", "source.bytes" = "2120", "network.direction" = "outbound"
      "observer.name"     = "CN=gw-edge1,O=mgmt.example.com.abcd12", "checkpoint.product" = "VPN-1 & FireWall-1", "kv.version" = "5"
    }
  }

  test {
    log             = <<-LOG
      <134>1 2024-03-01T10:16:00Z gw-edge1 CheckPoint 2850 - [action:"Drop"; ifdir:"inbound"; ifname:"eth0"; loguid:"{0x65e1a7a7,0x0,0x201a8c0,0x3fffffff}"; origin:"192.0.2.1"; time:"1709288160"; version:"5"; dst:"192.0.2.80"; product:"VPN-1 & FireWall-1"; proto:"17"; s_port:"5353"; service:"161"; service_id:"snmp"; src:"203.0.113.66"; rule_name:"Cleanup"; message_info:"Implied rule"]
    LOG
    log_source_type = "syslog"
    expect          = { sub_rule = "denied", classification = "Network Deny", "network.transport" = "udp", "event.reason" = "Implied rule", "observer.vendor" = "Check Point", "event.module" = "checkpoint", "event.dataset" = "checkpoint" }
  }

  test {
    log    = <<-LOG
      <134>1 2024-03-01T10:17:00Z gw-edge1 CheckPoint 2850 - [action:"Prevent"; loguid:"{0x65e1a7a8,0x0,0x201a8c0,0x3fffffff}"; origin:"192.0.2.1"; version:"5"; attack:"Malicious Code Execution"; confidence_level:"High"; dst:"192.0.2.80"; product:"SmartDefense"; protection_name:"Apache Log4j Remote Code Execution (CVE-2021-44228)"; protection_type:"IPS"; severity:"Critical"; src:"203.0.113.66"; s_port:"41000"; service:"8080"; proto:"6"]
    LOG
    expect = { sub_rule = "intrusion", classification = "Attack", "checkpoint.protection_name" = "Apache Log4j Remote Code Execution (CVE-2021-44228)", "rule.category" = "IPS" }
  }

  test {
    log    = <<-LOG
      1 2024-03-01T10:19:00Z gw-edge1 CheckPoint 2850 - [action:"Drop"; flags:"400644"; ifdir:"inbound"; ifname:"eth2"; origin:"192.0.2.1"; dst:"192.0.2.80"; product:"VPN-1 & FireWall-1"; proto:"17"; s_port:"55036"; service:"1514"; src:"203.0.113.67"; ]
    LOG
    expect = { sub_rule = "denied", sip = "203.0.113.67", dport = "1514", "network.transport" = "udp", "checkpoint.ifname" = "eth2" }
  }

  test {
    log    = <<-LOG
      <134>1 2024-03-01T10:18:00Z mgmt1 CheckPoint 3001 - [action:"Accept"; loguid:"{0x65e1a7a9,0x0,0x301a8c0,0x3fffffff}"; origin:"192.0.2.2"; version:"5"; administrator:"admin"; client_ip:"192.0.2.99"; operation:"Failed Log In"; product:"SmartConsole"; reason:"Wrong password"; subject:"Administrator Login"]
    LOG
    expect = { sub_rule = "login-failed", classification = "Authentication Failure", login = "admin", "event.reason" = "Wrong password" }
  }
}

rule "checkpoint-legacy" {
  description      = "\"key: value;\" lines (fw1-loggrabber, CPLogToSyslog, OPSEC LEA relays)"
  log_source_types = ["checkpoint"]
  sort_order       = 410
  pattern          = <<-RE
    (?:product: [^;]+;.*?(?:rule|src|dst|service|proto|origin|i/f_dir|i/f_name|s_port|service_id|rule_uid|has_accounting|uuid|attack|ProductFamily|fw_subproduct|operation|administrator): |(?:rule|src|dst|service|proto|origin|i/f_dir|i/f_name|s_port|service_id|rule_uid|has_accounting|uuid|attack|ProductFamily|fw_subproduct|operation|administrator): [^;]*;.*?product: [^;]+;)
  RE
  extract          = "kv"
  kv_pair          = ":"
  kv_separator     = ";"
  classification   = "Network Traffic"
  common_event     = "Firewall Log"
  risk             = 1
  map = {
    sip                           = ["kv.src"]
    dip                           = ["kv.dst"]
    sport                         = ["kv.s_port"]
    dport                         = ["kv.service"]
    snatip                        = ["kv.xlatesrc"]
    dnatip                        = ["kv.xlatedst"]
    snatport                      = ["kv.xlatesport"]
    dnatport                      = ["kv.xlatedport"]
    iana_transport                = ["kv.proto"]
    "network.application"         = ["kv.service_id", "kv.appi_name"]
    "network.direction"           = ["kv.ifdir", "kv.i/f_dir"]
    "checkpoint.ifname"           = ["kv.ifname", "kv.i/f_name"]
    "event.action"                = ["kv.action"]
    "checkpoint.product"          = ["kv.product"]
    "checkpoint.blade"            = ["kv.product_family", "kv.ProductFamily"]
    "rule.name"                   = ["kv.rule_name"]
    "rule.id"                     = ["kv.rule", "kv.match_id"]
    "rule.uuid"                   = ["kv.rule_uid"]
    "rule.ruleset"                = ["kv.layer_name", "kv.policy_name"]
    "observer.name"               = ["kv.originsicname", "kv.origin_sic_name"]
    "checkpoint.origin"           = ["kv.origin", "kv.orig"]
    "checkpoint.loguid"           = ["kv.loguid"]
    "observer.ingress.zone"       = ["kv.inzone"]
    "observer.egress.zone"        = ["kv.outzone"]
    login                         = ["kv.user", "kv.src_user_name", "kv.administrator"]
    "source.user.name"            = ["kv.src_user_name", "kv.user"]
    "destination.user.name"       = ["kv.dst_user_name"]
    "source.domain"               = ["kv.src_machine_name"]
    src_bytes                     = ["kv.client_outbound_bytes"]
    dst_bytes                     = ["kv.server_outbound_bytes"]
    src_packets                   = ["kv.client_outbound_packets"]
    dst_packets                   = ["kv.server_outbound_packets"]
    "url.original"                = ["kv.resource"]
    "rule.category"               = ["kv.protection_type", "kv.malware_family"]
    "checkpoint.protection_name"  = ["kv.protection_name", "kv.attack"]
    "checkpoint.severity"         = ["kv.severity"]
    "checkpoint.confidence_level" = ["kv.confidence_level"]
    "checkpoint.operation"        = ["kv.operation"]
    "event.reason"                = ["kv.reason", "kv.message_info", "kv.description"]
    "file.name"                   = ["kv.file_name"]
    "file.hash.md5"               = ["kv.file_md5"]
    "file.hash.sha256"            = ["kv.file_sha256"]
  }
  fields = { "event.kind" = "event", "event.category" = ["network"], "event.type" = ["connection"], "observer.type" = "firewall" }

  sub_rule "login-failed" {
    when           = "event.kv.operation.matches(\"(?i)fail.*log ?in|log ?in.*fail\")"
    classification = "Authentication Failure"
    common_event   = "Admin Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "login" {
    when           = "event.kv.operation.matches(\"(?i)^log ?in\")"
    classification = "Authentication Success"
    common_event   = "Admin Logon"
    risk           = 3
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }

  sub_rule "malware" {
    when           = "event.kv.product in [\"Anti-Bot\", \"Anti-Virus\", \"New Anti Virus\", \"Anti Malware\", \"Threat Emulation\", \"Threat Extraction\"] && event.kv.action.lowerAscii() in [\"prevent\", \"detect\", \"block\", \"drop\"]"
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware", "network"] }
  }

  sub_rule "intrusion" {
    when           = "event.kv.product in [\"SmartDefense\", \"IPS\"] && event.kv.action.lowerAscii() in [\"prevent\", \"detect\", \"drop\", \"reject\", \"block\"]"
    classification = "Attack"
    common_event   = "Intrusion Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }

  sub_rule "authorize" {
    when           = "event.kv.action.lowerAscii() in [\"login\", \"authorize\"]"
    classification = "Authentication Success"
    common_event   = "User Logon"
    risk           = 2
    fields         = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }
  }

  sub_rule "deauthorize" {
    when           = "event.kv.action.lowerAscii() in [\"logout\", \"deauthorize\"]"
    classification = "Authentication Success"
    common_event   = "User Logoff"
    fields         = { "event.category" = ["authentication"], "event.type" = ["end"] }
  }

  sub_rule "quarantine" {
    when           = "event.kv.action.lowerAscii() == \"quarantine\""
    classification = "Suspicious"
    common_event   = "Host Quarantined"
    risk           = 6
    fields         = { "event.kind" = "alert" }
  }

  sub_rule "denied" {
    when           = "event.kv.action.lowerAscii() in [\"drop\", \"reject\", \"block\", \"prevent\", \"deny\"]"
    classification = "Network Deny"
    common_event   = "Firewall Connection Denied"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "allowed" {
    when           = "event.kv.action.lowerAscii() in [\"accept\", \"allow\", \"encrypt\", \"decrypt\", \"bypass\"]"
    classification = "Network Allow"
    common_event   = "Firewall Connection Allowed"
    fields         = { "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  sub_rule "legacy-action" {
    when           = "event.message.matches(\" (drop|reject|block) [0-9a-fA-F.:]+ [<>]\")"
    classification = "Network Deny"
    common_event   = "Firewall Connection Denied"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "legacy-accept" {
    when           = "event.message.matches(\" accept [0-9a-fA-F.:]+ [<>]\")"
    classification = "Network Allow"
    common_event   = "Firewall Connection Allowed"
    fields         = { "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log    = "Mar  1 10:20:00 mgmt1 Checkpoint: 1Mar2024 10:20:00 accept 192.0.2.1 >eth1 rule: 4; rule_uid: {22222222-0000-0000-0000-000000000002}; service_id: https; src: 192.0.2.10; dst: 198.51.100.20; proto: tcp; product: VPN-1 & FireWall-1; service: 443; s_port: 51514;"
    expect = { sub_rule = "legacy-accept", sip = "192.0.2.10", dport = "443", "network.transport" = "tcp", "rule.id" = "4", "checkpoint.product" = "VPN-1 & FireWall-1" }
  }

  test {
    log             = "Mar  1 10:21:00 mgmt1 Checkpoint: 1Mar2024 10:21:00 drop 192.0.2.1 <eth0 rule: 9; src: 203.0.113.66; dst: 192.0.2.80; proto: udp; product: VPN-1 & FireWall-1; service: 161; s_port: 5353; message_info: Implied rule;"
    log_source_type = "syslog"
    expect          = { sub_rule = "legacy-action", classification = "Network Deny", sip = "203.0.113.66", "observer.vendor" = "Check Point" }
  }

  test {
    log    = "Mar  1 10:22:00 mgmt1 Checkpoint: 1Mar2024 10:22:00 drop 192.0.2.1 >eth1 action: Drop; product: VPN-1 & FireWall-1; src: 192.0.2.10; dst: 198.51.100.20; proto: tcp; service: 25;"
    expect = { sub_rule = "denied", "event.action" = "Drop", dport = "25" }
  }
}
