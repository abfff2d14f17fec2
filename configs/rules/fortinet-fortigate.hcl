# Fortinet FortiGate (FortiOS) logs over syslog: one line of key=value
# pairs per log, `date=… time=… devname="…" devid="FG…" logid="0000000013"
# type="traffic" subtype="forward" level="notice" vd="root" …`, as the
# FortiOS Log Reference describes (FortiOS 5.x wrote log_id=, device_id=
# and pri= instead). The rules select on the log id and type, read the
# pairs with extract = "kv" and map them as Elastic's fortinet_fortigate
# integration does: srcip/srcport → source.*, dstip/dstport → destination.*,
# proto → network.transport, service → network.protocol, policyid →
# rule.id, sentbyte/rcvdbyte → source/destination.bytes, devname/devid →
# observer.name/serial_number, type/subtype → fortinet.firewall.*.
#
# FortiMail and FortiAuthenticator write the same header
# (fortinet-fortimail.hcl, fortinet-fortiauthenticator.hcl); their rules
# come first (sort_order 100–199), so these start at 200.
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "fortinet-fortigate" {
  header  = "syslog"
  vendor  = "Fortinet"
  product = "FortiGate"
  module  = "fortinet"
}

# "date=2024-03-01 time=10:15:02": the device's time (in the timezone of
# the log source type: FortiOS writes its offset apart, in tz=).
tag "fortinet_time" {
  pattern = "date=\\d{4}-\\d{2}-\\d{2} time=\\d{2}:\\d{2}:\\d{2}"
  field   = "@timestamp"
  type    = "time"
  layout  = "date=2006-01-02 time=15:04:05"
}

# ----------------------------------------------------------------- traffic

rule "fortigate-traffic" {
  description      = "type=traffic: forward, local, multicast and sniffer sessions"
  log_source_types = ["fortinet-fortigate"]
  sort_order       = 200
  pattern          = <<-RE
    (?:<fortinet_time> .*?)?(?:logid|log_id)="?\d+"? type="?traffic"?
  RE
  extract          = "kv"
  classification   = "Network Traffic"
  common_event     = "Firewall Session"
  risk             = 1
  map = {
    "event.code"                      = ["kv.logid", "kv.log_id"]
    "observer.name"                   = ["kv.devname"]
    "observer.serial_number"          = ["kv.devid", "kv.device_id"]
    "log.level"                       = ["kv.level", "kv.pri"]
    "fortinet.firewall.type"          = ["kv.type"]
    "fortinet.firewall.subtype"       = ["kv.subtype"]
    "fortinet.firewall.vd"            = ["kv.vd"]
    "fortinet.firewall.sessionid"     = ["kv.sessionid"]
    sip                               = ["kv.srcip", "kv.src"]
    sport                             = ["kv.srcport", "kv.src_port"]
    dip                               = ["kv.dstip", "kv.dst"]
    dport                             = ["kv.dstport", "kv.dst_port"]
    snatip                            = ["kv.transip"]
    snatport                          = ["kv.transport"]
    dnatip                            = ["kv.tranip"]
    dnatport                          = ["kv.tranport"]
    iana_transport                    = ["kv.proto"]
    net_protocol                      = ["kv.service"]
    "network.application"             = ["kv.app"]
    "event.action"                    = ["kv.action", "kv.status"]
    "rule.id"                         = ["kv.policyid"]
    "rule.name"                       = ["kv.policyname"]
    "rule.uuid"                       = ["kv.poluuid"]
    "observer.ingress.interface.name" = ["kv.srcintf", "kv.src_int"]
    "observer.egress.interface.name"  = ["kv.dstintf", "kv.dst_int"]
    login                             = ["kv.user", "kv.unauthuser"]
    "source.user.group.name"          = ["kv.group"]
    src_bytes                         = ["kv.sentbyte", "kv.sent"]
    dst_bytes                         = ["kv.rcvdbyte", "kv.rcvd"]
    src_packets                       = ["kv.sentpkt"]
    dst_packets                       = ["kv.rcvdpkt"]
    smac                              = ["kv.srcmac", "kv.mastersrcmac"]
    dmac                              = ["kv.dstmac", "kv.masterdstmac"]
    "source.domain"                   = ["kv.srcname"]
    "source.geo.country_name"         = ["kv.srccountry"]
    "destination.geo.country_name"    = ["kv.dstcountry"]
    "event.timezone"                  = ["kv.tz"]
  }
  fields = {
    "event.kind"     = "event"
    "event.category" = ["network"]
    "event.type"     = ["connection"]
    "observer.type"  = "firewall"
  }

  sub_rule "denied" {
    when           = "event.kv.action in [\"deny\", \"blocked\", \"block\", \"dropped\", \"drop\", \"reject\", \"ip-conn\"] || event.kv.status in [\"deny\", \"blocked\", \"dropped\", \"reject\"]"
    classification = "Network Deny"
    common_event   = "Firewall Session Denied"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "closed" {
    when         = "event.kv.action in [\"close\", \"timeout\", \"server-rst\", \"client-rst\"]"
    common_event = "Firewall Session Ended"
    fields       = { "event.type" = ["connection", "end", "allowed"], "event.outcome" = "success" }
  }

  sub_rule "allowed" {
    when           = "event.kv.action in [\"accept\", \"start\", \"allowed\", \"passthrough\"] || event.kv.status in [\"accept\", \"allowed\", \"start\"]"
    classification = "Network Allow"
    fields         = { "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log = <<-LOG
      <189>date=2024-03-01 time=10:15:02 devname="FGT-EDGE1" devid="FG100FTK00000001" eventtime=1709288102000000000 tz="+0100" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=192.0.2.10 srcport=51514 srcintf="port2" srcintfrole="lan" dstip=198.51.100.20 dstport=443 dstintf="wan1" dstintfrole="wan" srccountry="Reserved" dstcountry="United States" sessionid=1234567 proto=6 action="close" policyid=12 policytype="policy" poluuid="1f0a5c3e-0000-0000-0000-000000000001" policyname="LAN-to-WAN" service="HTTPS" trandisp="snat" transip=203.0.113.5 transport=61514 duration=12 sentbyte=2120 rcvdbyte=8421 sentpkt=14 rcvdpkt=12 appcat="unscanned" user="alice"
    LOG
    expect = {
      sip = "192.0.2.10", sport = "51514", dip = "198.51.100.20", dport = "443", snatip = "203.0.113.5", snatport = "61514", "network.transport" = "tcp", "network.protocol" = "https", "source.bytes" = "2120", "destination.packets" = "12", "rule.id" = "12", "observer.name" = "FGT-EDGE1", sub_rule = "closed", login = "alice", "kv.appcat" = "unscanned"
    }
  }

  test {
    log             = "<189>date=2024-03-01 time=10:16:00 devname=\"FGT-EDGE1\" devid=\"FG100FTK00000001\" logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=192.0.2.11 srcport=40000 dstip=198.51.100.21 dstport=23 proto=6 action=\"deny\" policyid=0 service=\"TELNET\""
    log_source_type = "syslog"
    expect = {
      sub_rule       = "denied", classification = "Network Deny", "observer.vendor" = "Fortinet", "observer.product" = "FortiGate"
      "event.module" = "fortinet", "event.dataset" = "fortinet-fortigate", "network.protocol" = "telnet", "event.outcome" = "failure"
    }
  }

  test {
    log    = "Mar  1 10:17:00 198.51.100.1 date=2024-03-01 time=10:17:00 devname=FGT60 device_id=FGT60C0000000002 log_id=0021000002 type=traffic subtype=allowed pri=notice vd=root src=192.0.2.12 src_port=1025 src_int=\"internal\" dst=203.0.113.9 dst_port=80 dst_int=\"wan1\" SN=99 status=accept policyid=3 sent=100 rcvd=200 proto=6 service=HTTP"
    expect = { sub_rule = "allowed", sip = "192.0.2.12", dport = "80", "event.action" = "accept", "source.bytes" = "100", "event.code" = "0021000002", "observer.serial_number" = "FGT60C0000000002", "log.level" = "notice" }
  }
}

# ------------------------------------------------------- security profiles

rule "fortigate-utm" {
  description      = "type=utm (FortiOS 5.2+) and the security types of older releases: virus, webfilter, ips, anomaly, app-ctrl, emailfilter, dlp, waf, dns, voip, ssh, ssl, file-filter"
  log_source_types = ["fortinet-fortigate"]
  sort_order       = 210
  pattern          = <<-RE
    (?:<fortinet_time> .*?)?(?:logid|log_id)="?\d+"? type="?(?:utm|virus|webfilter|ips|attack|anomaly|app-ctrl|emailfilter|spam|dlp|waf|dns|voip|ssh|ssl|file-filter|cifs|icap|gtp|netscan)"?
  RE
  extract          = "kv"
  classification   = "Other Security"
  common_event     = "Security Profile Event"
  risk             = 3
  map = {
    "event.code"                      = ["kv.logid", "kv.log_id"]
    "observer.name"                   = ["kv.devname"]
    "observer.serial_number"          = ["kv.devid", "kv.device_id"]
    "log.level"                       = ["kv.level", "kv.pri"]
    "fortinet.firewall.type"          = ["kv.type"]
    "fortinet.firewall.subtype"       = ["kv.subtype"]
    "fortinet.firewall.eventtype"     = ["kv.eventtype"]
    "fortinet.firewall.vd"            = ["kv.vd"]
    "fortinet.firewall.sessionid"     = ["kv.sessionid"]
    sip                               = ["kv.srcip", "kv.src"]
    sport                             = ["kv.srcport", "kv.src_port"]
    dip                               = ["kv.dstip", "kv.dst"]
    dport                             = ["kv.dstport", "kv.dst_port"]
    iana_transport                    = ["kv.proto"]
    net_protocol                      = ["kv.service"]
    "network.application"             = ["kv.app"]
    "event.action"                    = ["kv.action"]
    "rule.id"                         = ["kv.policyid"]
    "rule.uuid"                       = ["kv.poluuid"]
    "rule.category"                   = ["kv.catdesc", "kv.cat"]
    "rule.ruleset"                    = ["kv.profile"]
    "observer.ingress.interface.name" = ["kv.srcintf", "kv.src_int"]
    "observer.egress.interface.name"  = ["kv.dstintf", "kv.dst_int"]
    login                             = ["kv.user"]
    "source.user.group.name"          = ["kv.group"]
    "url.domain"                      = ["kv.hostname"]
    "url.path"                        = ["kv.url"]
    httpmethod                        = ["kv.reqtype"]
    "file.name"                       = ["kv.filename"]
    "file.size"                       = ["kv.filesize"]
    "file.hash.sha256"                = ["kv.analyticscksum"]
    "fortinet.firewall.virus"         = ["kv.virus"]
    "fortinet.firewall.attack"        = ["kv.attack"]
    "vulnerability.id"                = ["kv.cve"]
    "dns.question.name"               = ["kv.qname"]
    "dns.question.type"               = ["kv.qtype"]
    "event.reason"                    = ["kv.msg"]
    "event.timezone"                  = ["kv.tz"]
  }
  fields = {
    "event.kind"     = "event"
    "event.category" = ["network"]
    "event.type"     = ["info"]
    "observer.type"  = "firewall"
  }

  sub_rule "virus" {
    when           = "event.kv.subtype == \"virus\" || event.kv.type == \"virus\""
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.category" = ["malware", "network"], "event.type" = ["info", "denied"] }
  }

  sub_rule "ips" {
    when           = "event.kv.subtype in [\"ips\", \"anomaly\"] || event.kv.type in [\"ips\", \"attack\", \"anomaly\"]"
    classification = "Attack"
    common_event   = "Intrusion Detected"
    risk           = 7
    fields         = { "event.category" = ["intrusion_detection", "network"], "event.kind" = "alert" }
  }

  sub_rule "web-blocked" {
    when           = "(event.kv.subtype == \"webfilter\" || event.kv.type == \"webfilter\") && event.kv.action in [\"blocked\", \"block\"]"
    classification = "Access Failure"
    common_event   = "Web Access Blocked"
    risk           = 3
    fields         = { "event.category" = ["network", "web"], "event.type" = ["denied"], "event.outcome" = "failure" }
  }

  sub_rule "web" {
    when           = "event.kv.subtype == \"webfilter\" || event.kv.type == \"webfilter\""
    classification = "Network Traffic"
    common_event   = "Web Access"
    risk           = 1
    fields         = { "event.category" = ["network", "web"], "event.type" = ["access"] }
  }

  sub_rule "app-pass" {
    when           = "(event.kv.subtype == \"app-ctrl\" || event.kv.type == \"app-ctrl\") && event.kv.action in [\"pass\", \"monitor\"]"
    classification = "Network Allow"
    common_event   = "Application Allowed"
    risk           = 1
    fields         = { "event.type" = ["allowed"], "event.outcome" = "success" }
  }

  sub_rule "blocked" {
    when   = "event.kv.action in [\"blocked\", \"block\", \"deny\", \"dropped\", \"reset\", \"detected\"]"
    fields = { "event.type" = ["denied"], "event.outcome" = "failure" }
  }

  test {
    log = <<-LOG
      date=2024-03-01 time=11:02:13 devname="FGT-EDGE1" devid="FG100FTK00000001" logid="0211008192" type="utm" subtype="virus" eventtype="infected" level="warning" vd="root" msg="File is infected." action="blocked" service="HTTP" sessionid=4521 srcip=192.0.2.30 dstip=198.51.100.40 srcport=50110 dstport=80 srcintf="port2" dstintf="wan1" policyid=4 proto=6 direction="incoming" filename="invoice.exe" virus="EICAR_TEST_FILE" dtype="Virus" ref="http://www.fortinet.com/ve?vn=EICAR_TEST_FILE" virusid=2172 url="http://files.example.com/invoice.exe" profile="default" user="bob" analyticscksum="275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
    LOG
    expect = {
      sub_rule = "virus", classification = "Malware", "fortinet.firewall.virus" = "EICAR_TEST_FILE", "file.name" = "invoice.exe"
      sip      = "192.0.2.30", dport = "80", "event.action" = "blocked", "event.timezone" = "", "@timestamp" = "2024-03-01T11:02:13Z"
    }
  }

  test {
    log             = "<185>date=2024-03-01 time=11:05:00 devname=\"FGT-EDGE1\" devid=\"FG100FTK00000001\" logid=\"0419016384\" type=\"utm\" subtype=\"ips\" eventtype=\"signature\" level=\"alert\" vd=\"root\" severity=\"critical\" srcip=203.0.113.66 srccountry=\"Reserved\" dstip=192.0.2.80 srcintf=\"wan1\" dstintf=\"dmz\" sessionid=99 action=\"dropped\" proto=6 service=\"HTTP\" policyid=7 attack=\"Apache.Log4j.Error.Log.Remote.Code.Execution\" srcport=41000 dstport=8080 hostname=\"app.example.com\" url=\"/api\" direction=\"outgoing\" attackid=51006 profile=\"default\" ref=\"http://www.fortinet.com/ids/VID51006\" incidentserialno=12 msg=\"applications3: Apache.Log4j.Error.Log.Remote.Code.Execution,\" cve=\"CVE-2021-44228\""
    log_source_type = "syslog"
    expect          = { sub_rule = "ips", classification = "Attack", "vulnerability.id" = "CVE-2021-44228", "url.domain" = "app.example.com", "event.dataset" = "fortinet-fortigate" }
  }

  test {
    log    = "date=2024-03-01 time=11:06:00 devname=\"FGT-EDGE1\" devid=\"FG100FTK00000001\" logid=\"0316013056\" type=\"utm\" subtype=\"webfilter\" eventtype=\"ftgd_blk\" level=\"warning\" vd=\"root\" policyid=4 sessionid=77 srcip=192.0.2.31 srcport=50999 dstip=198.51.100.41 dstport=443 service=\"HTTPS\" hostname=\"games.example.net\" profile=\"default\" action=\"blocked\" reqtype=\"direct\" url=\"/\" sentbyte=0 rcvdbyte=0 direction=\"outgoing\" msg=\"URL belongs to a denied category in policy\" method=\"domain\" cat=20 catdesc=\"Games\""
    expect = { sub_rule = "web-blocked", "rule.category" = "Games", "url.domain" = "games.example.net", "event.outcome" = "failure" }
  }
}

# ------------------------------------------------------------------ events

rule "fortigate-event" {
  description      = "type=event: system, user, vpn, ha, router, wireless, endpoint, sdwan … events"
  log_source_types = ["fortinet-fortigate"]
  sort_order       = 205
  pattern          = <<-RE
    (?:<fortinet_time> .*?)?(?:logid|log_id)="?\d+"? type="?event"?
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "Device Event"
  risk             = 1
  map = {
    "event.code"                   = ["kv.logid", "kv.log_id"]
    "observer.name"                = ["kv.devname"]
    "observer.serial_number"       = ["kv.devid", "kv.device_id"]
    "log.level"                    = ["kv.level", "kv.pri"]
    "fortinet.firewall.type"       = ["kv.type"]
    "fortinet.firewall.subtype"    = ["kv.subtype"]
    "fortinet.firewall.vd"         = ["kv.vd"]
    "fortinet.firewall.logdesc"    = ["kv.logdesc"]
    "fortinet.firewall.cfgpath"    = ["kv.cfgpath"]
    "fortinet.firewall.tunneltype" = ["kv.tunneltype"]
    sip                            = ["kv.srcip", "kv.remip"]
    sport                          = ["kv.srcport", "kv.remport"]
    dip                            = ["kv.dstip", "kv.locip"]
    dport                          = ["kv.dstport", "kv.locport"]
    "event.action"                 = ["kv.action"]
    "event.reason"                 = ["kv.reason", "kv.msg"]
    login                          = ["kv.user", "kv.xauthuser"]
    "source.user.group.name"       = ["kv.group", "kv.xauthgroup"]
    "fortinet.firewall.ui"         = ["kv.ui"]
    "fortinet.firewall.status"     = ["kv.status"]
    "event.timezone"               = ["kv.tz"]
  }
  fields = {
    "event.kind"    = "event"
    "observer.type" = "firewall"
  }

  sub_rule "admin-login-failed" {
    when           = "event.kv.action == \"login\" && event.kv.status in [\"failed\", \"failure\"]"
    classification = "Authentication Failure"
    common_event   = "Admin Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "failure" }
  }

  sub_rule "admin-login" {
    when           = "event.kv.action == \"login\" && event.kv.status == \"success\""
    classification = "Authentication Success"
    common_event   = "Admin Logon"
    risk           = 3
    fields         = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }
  }

  sub_rule "logout" {
    when           = "event.kv.action == \"logout\""
    classification = "Authentication Success"
    common_event   = "User Logoff"
    fields         = { "event.category" = ["authentication"], "event.type" = ["end"], "event.outcome" = "success" }
  }

  sub_rule "auth-failed" {
    when           = "event.kv.subtype == \"user\" && event.kv.status in [\"failure\", \"failed\", \"fail\"]"
    classification = "Authentication Failure"
    common_event   = "User Authentication Failed"
    risk           = 4
    fields         = { "event.category" = ["authentication"], "event.type" = ["info"], "event.outcome" = "failure" }
  }

  sub_rule "config" {
    when           = "has(event.kv.cfgpath) || event.kv.action in [\"Add\", \"Edit\", \"Delete\"]"
    classification = "Policy"
    common_event   = "Configuration Changed"
    risk           = 4
    fields         = { "event.category" = ["configuration"], "event.type" = ["change"] }
  }

  sub_rule "vpn-tunnel-up" {
    when         = "event.kv.subtype == \"vpn\" && event.kv.action in [\"tunnel-up\", \"phase2-up\", \"ssl-login-success\"]"
    common_event = "VPN Tunnel Up"
    fields       = { "event.category" = ["network"], "event.type" = ["connection", "start"], "event.outcome" = "success" }
  }

  sub_rule "vpn-tunnel-down" {
    when         = "event.kv.subtype == \"vpn\" && event.kv.action in [\"tunnel-down\", \"phase2-down\", \"ssl-logout\"]"
    common_event = "VPN Tunnel Down"
    fields       = { "event.category" = ["network"], "event.type" = ["connection", "end"] }
  }

  test {
    log    = "<189>date=2024-03-01 time=12:00:01 devname=\"FGT-EDGE1\" devid=\"FG100FTK00000001\" logid=\"0100032002\" type=\"event\" subtype=\"system\" level=\"alert\" vd=\"root\" logdesc=\"Admin login failed\" sn=\"0\" user=\"admin\" ui=\"https(192.0.2.99)\" method=\"https\" srcip=192.0.2.99 dstip=192.0.2.1 action=\"login\" status=\"failed\" reason=\"passwd_invalid\" msg=\"Administrator admin login failed from https(192.0.2.99) because of invalid password\""
    expect = { sub_rule = "admin-login-failed", classification = "Authentication Failure", login = "admin", sip = "192.0.2.99", "event.reason" = "passwd_invalid", "event.code" = "0100032002" }
  }

  test {
    log             = "date=2024-03-01 time=12:01:00 devname=\"FGT-EDGE1\" devid=\"FG100FTK00000001\" logid=\"0100044547\" type=\"event\" subtype=\"system\" level=\"information\" vd=\"root\" logdesc=\"Object attribute configured\" user=\"admin\" ui=\"GUI(192.0.2.99)\" action=\"Edit\" cfgtid=1 cfgpath=\"firewall.policy\" cfgobj=\"12\" cfgattr=\"status[enable->disable]\" msg=\"Edit firewall.policy 12\""
    log_source_type = "syslog"
    expect          = { sub_rule = "config", classification = "Policy", "fortinet.firewall.cfgpath" = "firewall.policy", "observer.vendor" = "Fortinet" }
  }

  test {
    log    = "date=2024-03-01 time=12:02:00 devname=\"FGT-EDGE1\" devid=\"FG100FTK00000001\" logid=\"0101037138\" type=\"event\" subtype=\"vpn\" level=\"notice\" vd=\"root\" logdesc=\"IPsec connection status changed\" msg=\"IPsec connection status change\" action=\"tunnel-up\" remip=203.0.113.70 locip=198.51.100.1 remport=500 locport=500 outintf=\"wan1\" cookies=\"aa/bb\" user=\"203.0.113.70\" group=\"N/A\" xauthuser=\"N/A\" xauthgroup=\"N/A\" assignip=N/A vpntunnel=\"branch-7\" tunnelip=N/A tunnelid=1 tunneltype=\"ipsec\" duration=0 sentbyte=0 rcvdbyte=0 nextstat=0"
    expect = { sub_rule = "vpn-tunnel-up", sip = "203.0.113.70", sport = "500", dip = "198.51.100.1", "event.action" = "tunnel-up" }
  }
}

# ------------------------------------------------------------- other types

rule "fortigate-log" {
  description      = "any other FortiGate log: the header fields"
  log_source_types = ["fortinet-fortigate"]
  sort_order       = 290
  pattern          = <<-RE
    (?:<fortinet_time> .*?)?(?:devname|devid|device_id)=\S+ .*?(?:logid|log_id)="?\d+"? type="?[\w-]+"?
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "Device Event"
  map = {
    "event.code"                = ["kv.logid", "kv.log_id"]
    "observer.name"             = ["kv.devname"]
    "observer.serial_number"    = ["kv.devid", "kv.device_id"]
    "log.level"                 = ["kv.level", "kv.pri"]
    "fortinet.firewall.type"    = ["kv.type"]
    "fortinet.firewall.subtype" = ["kv.subtype"]
    "fortinet.firewall.vd"      = ["kv.vd"]
    sip                         = ["kv.srcip"]
    dip                         = ["kv.dstip"]
    "event.action"              = ["kv.action"]
    login                       = ["kv.user"]
  }
  fields = { "event.kind" = "event", "observer.type" = "firewall" }

  test {
    log             = "date=2024-03-01 time=12:10:00 devname=\"FGT-EDGE1\" devid=\"FG100FTK00000001\" logid=\"1700000000\" type=\"future-type\" subtype=\"x\" level=\"notice\" vd=\"root\""
    log_source_type = "syslog"
    expect          = { "fortinet.firewall.type" = "future-type", "observer.product" = "FortiGate" }
  }
}
