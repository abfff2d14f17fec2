# Sophos firewalls over syslog, both key=value formats:
# - Sophos Firewall / XG (SFOS): `device="SFW" date=… time=… device_name=…
#   log_id=010101600001 log_type="Firewall" log_component="Firewall Rule"
#   log_subtype="Allowed" status="Allow" … src_ip=… dst_ip=… protocol="TCP"`
#   (SFOS 18+ writes timestamp=, device_serial_id=, severity=): the fields
#   of Sophos's "Sophos Firewall log file details" reference;
# - Sophos UTM (Astaro): `ulogd[…]: id="2002" severity="info"
#   sys="SecureNet" sub="packetfilter" name="Packet accepted"
#   action="accept" fwrule="7" … srcip="…" dstip="…"`, and the same shape
#   from the web proxy (sys="SecureWeb"), IPS (sub="ips"), AV and
#   authentication daemons.
# Both are read with extract = "kv" and mapped as Elastic's sophos
# integration does.
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "sophos" {
  header  = "syslog"
  vendor  = "Sophos"
  product = "Sophos Firewall"
  module  = "sophos"
}

rule "sophos-xg" {
  description      = "Sophos Firewall (XG, SFOS): firewall, IPS, ATP, anti-virus, web and application filter, event logs"
  log_source_types = ["sophos"]
  sort_order       = 700
  pattern          = <<-RE
    log_id="?\d+"? log_type="?(?P<sophos__xg__log_type>[\w -]+?)"? log_component=
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "Firewall Event"
  risk             = 1
  map = {
    "observer.name"                   = ["kv.device_name"]
    "observer.serial_number"          = ["kv.device_serial_id", "kv.device_id"]
    "event.code"                      = ["kv.log_id"]
    "sophos.xg.log_component"         = ["kv.log_component"]
    "sophos.xg.log_subtype"           = ["kv.log_subtype"]
    "log.level"                       = ["kv.severity", "kv.priority"]
    "event.action"                    = ["kv.status", "kv.log_subtype"]
    "rule.id"                         = ["kv.fw_rule_id"]
    "rule.name"                       = ["kv.fw_rule_name"]
    login                             = ["kv.user_name", "kv.user"]
    "source.user.group.name"          = ["kv.user_gp", "kv.user_group"]
    sip                               = ["kv.src_ip"]
    dip                               = ["kv.dst_ip"]
    sport                             = ["kv.src_port"]
    dport                             = ["kv.dst_port"]
    snatip                            = ["kv.tran_src_ip"]
    snatport                          = ["kv.tran_src_port"]
    dnatip                            = ["kv.tran_dst_ip"]
    dnatport                          = ["kv.tran_dst_port"]
    iana_transport                    = ["kv.protocol"]
    smac                              = ["kv.src_mac"]
    dmac                              = ["kv.dst_mac"]
    src_bytes                         = ["kv.sent_bytes"]
    dst_bytes                         = ["kv.recv_bytes"]
    src_packets                       = ["kv.sent_pkts"]
    dst_packets                       = ["kv.recv_pkts"]
    "observer.ingress.interface.name" = ["kv.in_interface", "kv.in_display_interface"]
    "observer.egress.interface.name"  = ["kv.out_interface", "kv.out_display_interface"]
    "observer.ingress.zone"           = ["kv.srczone", "kv.src_zone"]
    "observer.egress.zone"            = ["kv.dstzone", "kv.dst_zone"]
    "network.application"             = ["kv.application", "kv.app_name"]
    url                               = ["kv.url"]
    "url.domain"                      = ["kv.domain"]
    "rule.category"                   = ["kv.category"]
    "sophos.xg.signature"             = ["kv.signature_msg", "kv.signature_id"]
    "sophos.xg.virus"                 = ["kv.virus", "kv.malware"]
    "event.reason"                    = ["kv.message", "kv.reason"]
  }
  fields = { "event.kind" = "event", "observer.type" = "firewall" }

  sub_rule "ips" {
    when           = "event.sophos.xg.log_type in [\"IDP\", \"IPS\"]"
    classification = "Attack"
    common_event   = "Intrusion Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }

  sub_rule "malware" {
    when           = "event.sophos.xg.log_type in [\"Anti-Virus\", \"ATP\", \"Sandbox\", \"Anti-Malware\"]"
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware", "network"] }
  }

  sub_rule "spam" {
    when           = "event.sophos.xg.log_type == \"Anti-Spam\""
    classification = "Suspicious"
    common_event   = "Spam Detected"
    risk           = 3
    fields         = { "event.category" = ["email"] }
  }

  sub_rule "auth-failed" {
    when           = "(event.kv.log_component.matches(\"(?i)auth|admin|login|vpn\") || event.kv.log_subtype.matches(\"(?i)auth|admin\")) && event.kv.status.matches(\"(?i)fail|denied\")"
    classification = "Authentication Failure"
    common_event   = "Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "auth" {
    when           = "(event.kv.log_component.matches(\"(?i)auth|admin|login|vpn\") || event.kv.log_subtype.matches(\"(?i)auth|admin\")) && event.kv.status.matches(\"(?i)success\")"
    classification = "Authentication Success"
    common_event   = "User Logon"
    risk           = 2
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }

  sub_rule "web-denied" {
    when           = "event.sophos.xg.log_type in [\"Content Filtering\", \"Web Filter\", \"Application Filter\"] && event.kv.log_subtype.matches(\"(?i)denied|blocked\")"
    classification = "Access Failure"
    common_event   = "Web Access Blocked"
    risk           = 3
    fields         = { "event.category" = ["network", "web"], "event.outcome" = "failure" }
  }

  sub_rule "denied" {
    when           = "event.kv.log_subtype.matches(\"(?i)denied|drop|blocked|reject\") || event.kv.status.matches(\"(?i)^(deny|drop|reject)\")"
    classification = "Network Deny"
    common_event   = "Firewall Connection Denied"
    risk           = 3
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "allowed" {
    when           = "event.kv.log_subtype.matches(\"(?i)allowed\")"
    classification = "Network Allow"
    common_event   = "Firewall Connection Allowed"
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log = "<30>device=\"SFW\" date=2024-03-01 time=10:15:02 timezone=\"CET\" device_name=\"XG230\" device_id=C01001K2HB0001 log_id=010101600001 log_type=\"Firewall\" log_component=\"Firewall Rule\" log_subtype=\"Allowed\" status=\"Allow\" priority=Information duration=0 fw_rule_id=2 policy_type=1 user_name=\"alice\" user_gp=\"staff\" iap=0 in_interface=\"Port1\" out_interface=\"Port2\" src_mac=00:00:5e:00:53:01 src_ip=192.0.2.10 src_country_code= dst_ip=198.51.100.20 dst_country_code=USA protocol=\"TCP\" src_port=51514 dst_port=443 sent_pkts=14 recv_pkts=12 sent_bytes=2120 recv_bytes=8421 tran_src_ip=203.0.113.5 tran_src_port=61514 tran_dst_ip= tran_dst_port=0 srczonetype=\"LAN\" srczone=\"LAN\" dstzonetype=\"WAN\" dstzone=\"WAN\" dir_disp=\"\" connevent=\"Stop\" connid=\"1234\" vconnid=\"\""
    expect = {
      sub_rule = "allowed", classification = "Network Allow", sip = "192.0.2.10", dport = "443", snatip = "203.0.113.5", "network.transport" = "tcp"
      login    = "alice", "source.bytes" = "2120", "rule.id" = "2", "observer.ingress.zone" = "LAN", "observer.serial_number" = "C01001K2HB0001", dnatip = ""
    }
  }

  test {
    log             = "<30>device_name=\"SFW\" timestamp=\"2024-03-01T10:16:00+0100\" device_model=\"XGS2100\" device_serial_id=\"X21000000001\" log_id=\"020804419001\" log_type=\"IDP\" log_component=\"Signatures\" log_subtype=\"Drop\" severity=\"Critical\" fw_rule_id=\"5\" src_ip=\"203.0.113.66\" dst_ip=\"192.0.2.80\" protocol=\"TCP\" src_port=41000 dst_port=8080 signature_id=58722 signature_msg=\"SERVER-APACHE Apache Log4j logging remote code execution attempt\" classification=\"Attempted User Privilege Gain\" rule_priority=1"
    log_source_type = "syslog"
    expect          = { sub_rule = "ips", classification = "Attack", "sophos.xg.signature" = "SERVER-APACHE Apache Log4j logging remote code execution attempt", "observer.vendor" = "Sophos", "event.dataset" = "sophos" }
  }

  test {
    log    = "<30>device=\"SFW\" date=2024-03-01 time=10:17:00 timezone=\"CET\" device_name=\"XG230\" device_id=C01001K2HB0001 log_id=062910617703 log_type=\"Event\" log_component=\"Admin\" log_subtype=\"Admin\" status=\"Failed\" priority=Notice user_name=\"admin\" src_ip=192.0.2.99 message=\"User admin failed to login to Web Admin Console because of wrong credentials\""
    expect = { sub_rule = "auth-failed", classification = "Authentication Failure", login = "admin", sip = "192.0.2.99" }
  }
}

rule "sophos-utm" {
  description      = "Sophos UTM (Astaro): packet filter, web proxy, IPS, AV, authentication daemons"
  log_source_types = ["sophos"]
  sort_order       = 710
  pattern          = <<-RE
    (?:id="\d+" )?severity="\w+" sys="(?P<sophos__utm__sys>[\w-]+)" sub="(?P<sophos__utm__sub>[\w-]+)" name="
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "Firewall Event"
  risk             = 1
  map = {
    "event.code"                      = ["kv.id"]
    "log.level"                       = ["kv.severity"]
    "sophos.utm.name"                 = ["kv.name"]
    "event.action"                    = ["kv.action"]
    "rule.id"                         = ["kv.fwrule"]
    "observer.ingress.interface.name" = ["kv.initf"]
    "observer.egress.interface.name"  = ["kv.outitf"]
    smac                              = ["kv.srcmac"]
    dmac                              = ["kv.dstmac"]
    sip                               = ["kv.srcip"]
    dip                               = ["kv.dstip"]
    sport                             = ["kv.srcport"]
    dport                             = ["kv.dstport"]
    iana_transport                    = ["kv.proto"]
    login                             = ["kv.user", "kv.username"]
    httpmethod                        = ["kv.method"]
    status                            = ["kv.statuscode"]
    url                               = ["kv.url"]
    useragent                         = ["kv.ua"]
    "http.request.referrer"           = ["kv.referer"]
    "rule.category"                   = ["kv.categoryname", "kv.category"]
    "sophos.utm.reason"               = ["kv.reason", "kv.error"]
    "sophos.utm.virus"                = ["kv.virus"]
  }
  fields = { "event.kind" = "event", "observer.type" = "firewall", "observer.product" = "Sophos UTM" }

  sub_rule "ips" {
    when           = "event.sophos.utm.sub == \"ips\" || event.sophos.utm.sys == \"SecureNet\" && event.kv.name.matches(\"(?i)intrusion|portscan|flood\")"
    classification = "Attack"
    common_event   = "Intrusion Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }

  sub_rule "malware" {
    when           = "event.kv.name.matches(\"(?i)virus|malware\") || has(event.kv.virus) && event.kv.virus != \"\""
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware"] }
  }

  sub_rule "auth-failed" {
    when           = "event.kv.name.matches(\"(?i)auth.*fail|login fail|failed login\")"
    classification = "Authentication Failure"
    common_event   = "Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "auth" {
    when           = "event.kv.name.matches(\"(?i)auth.*succe|login succe|successful login\")"
    classification = "Authentication Success"
    common_event   = "User Logon"
    risk           = 2
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }

  sub_rule "web-blocked" {
    when           = "event.sophos.utm.sys == \"SecureWeb\" && event.kv.action.matches(\"(?i)block|deny\")"
    classification = "Access Failure"
    common_event   = "Web Access Blocked"
    risk           = 3
    fields         = { "event.category" = ["network", "web"], "event.outcome" = "failure" }
  }

  sub_rule "web" {
    when           = "event.sophos.utm.sys == \"SecureWeb\""
    classification = "Network Traffic"
    common_event   = "Web Access"
    fields         = { "event.category" = ["network", "web"], "event.type" = ["access"] }
  }

  sub_rule "denied" {
    when           = "event.kv.action in [\"drop\", \"reject\", \"block\", \"deny\"]"
    classification = "Network Deny"
    common_event   = "Firewall Connection Denied"
    risk           = 3
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "allowed" {
    when           = "event.kv.action in [\"accept\", \"pass\", \"allow\"]"
    classification = "Network Allow"
    common_event   = "Firewall Connection Allowed"
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log    = "<30>2024:03:01-10:18:00 utm1 ulogd[5120]: id=\"2001\" severity=\"info\" sys=\"SecureNet\" sub=\"packetfilter\" name=\"Packet dropped\" action=\"drop\" fwrule=\"60001\" initf=\"eth1\" srcmac=\"00:00:5e:00:53:03\" dstmac=\"00:00:5e:00:53:04\" srcip=\"203.0.113.66\" dstip=\"192.0.2.80\" proto=\"6\" length=\"60\" tos=\"0x00\" prec=\"0x00\" ttl=\"52\" srcport=\"40000\" dstport=\"23\" tcpflags=\"SYN\""
    expect = { sub_rule = "denied", classification = "Network Deny", sip = "203.0.113.66", dport = "23", "network.transport" = "tcp", "rule.id" = "60001", "observer.product" = "Sophos UTM" }
  }

  test {
    log    = "<28>2024:03:01-10:21:00 utm1 epsecd[10158]: W main::_log:435() =>  severity=\"warn\" sys=\"System\" sub=\"eplog\" name=\"Listing failed with return code 58\""
    expect = { "sophos.utm.sys" = "System", "log.level" = "warn", "sophos.utm.name" = "Listing failed with return code 58" }
  }

  test {
    log             = "<30>2024:03:01-10:19:00 utm1 httpproxy[3210]: id=\"0060\" severity=\"info\" sys=\"SecureWeb\" sub=\"http\" name=\"web request blocked\" action=\"block\" method=\"GET\" srcip=\"192.0.2.31\" dstip=\"198.51.100.41\" user=\"bob\" statuscode=\"403\" cached=\"0\" profile=\"REF_DefaultHTTPProfile (Default Web Filter Profile)\" size=\"0\" url=\"http://games.example.net/play\" referer=\"\" error=\"\" ua=\"Mozilla/5.0 (X11; Linux x86_64)\" category=\"178\" categoryname=\"Games\""
    log_source_type = "syslog"
    expect          = { sub_rule = "web-blocked", "url.domain" = "games.example.net", status = "403", login = "bob", "observer.vendor" = "Sophos" }
  }
}

rule "sophos-utm-waf" {
  description      = "Sophos UTM web application firewall (reverse proxy) access log: httpd: id=\"0299\" srcip=… localip=… method=… statuscode=… url=…"
  log_source_types = ["sophos"]
  sort_order       = 720
  pattern          = <<-RE
    id="\d+" srcip="[^"]*" localip="[^"]*" size="
  RE
  extract          = "kv"
  classification   = "Network Traffic"
  common_event     = "Web Request"
  risk             = 1
  map = {
    "event.code"            = ["kv.id"]
    sip                     = ["kv.srcip"]
    dip                     = ["kv.localip"]
    login                   = ["kv.user"]
    httpmethod              = ["kv.method"]
    status                  = ["kv.statuscode"]
    "url.path"              = ["kv.url"]
    "url.query"             = ["kv.query"]
    "url.domain"            = ["kv.server"]
    dport                   = ["kv.port"]
    "http.request.referrer" = ["kv.referer"]
    "http.response.bytes"   = ["kv.size"]
    "sophos.utm.exceptions" = ["kv.exceptions"]
    "sophos.utm.reason"     = ["kv.reason"]
  }
  fields = { "event.kind" = "event", "event.category" = ["network", "web"], "event.type" = ["access"], "observer.type" = "waf", "observer.product" = "Sophos UTM" }

  sub_rule "blocked" {
    when           = "event.kv.statuscode in [\"403\", \"406\"] || event.kv.reason.matches(\"(?i)block|deny|reject\")"
    classification = "Access Failure"
    common_event   = "Web Request Blocked"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "<142>2024:03:01-10:20:00 utm1 httpd: id=\"0299\" srcip=\"203.0.113.70\" localip=\"192.0.2.90\" size=\"341\" user=\"-\" host=\"203.0.113.70\" method=\"POST\" statuscode=\"502\" reason=\"-\" extra=\"-\" exceptions=\"-\" time=\"300135\" url=\"/Microsoft-Server-ActiveSync\" server=\"mail.example.com\" port=\"443\" query=\"?Cmd=Ping\" referer=\"-\" cookie=\"-\""
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.70", httpmethod = "POST", status = "502", "url.domain" = "mail.example.com", dport = "443", login = "", "observer.vendor" = "Sophos" }
  }
}

rule "sophos-av-xml" {
  description      = "Sophos Anti-Virus for Linux/UNIX (SAV) XML log records: savscan, savupdate"
  log_source_types = ["sophos"]
  sort_order       = 730
  pattern          = <<-RE
    \<log>\<category>(?P<sophos__av__category>[^<]*)</category>\<level>(?P<log__level>[^<]*)</level>\<domain>(?P<sophos__av__domain>[^<]*)</domain>\<msg>(?P<sophos__av__msg>[^<]*)</msg>
  RE
  classification   = "Information"
  common_event     = "Anti-Virus Event"
  risk             = 1
  fields           = { "event.kind" = "event", "observer.product" = "Sophos Anti-Virus" }

  sub_rule "threat" {
    when           = "event.sophos.av.msg.matches(\"THREAT|INFECTED|VIRUS\")"
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware"] }
  }

  sub_rule "scanner-failed" {
    when           = "event.sophos.av.msg.matches(\"DIED|KILLED|FAIL|NO_UPDATED\")"
    classification = "Error"
    common_event   = "Anti-Virus Failure"
    risk           = 4
  }

  test {
    log             = "<log><category>savscan.log</category><level>INFO</level><domain>savscan</domain><msg>NOTIFY_ONDEMANDTHREAT_INFECTED %s</msg><time>1709287200</time><arg>/home/erin/invoice.exe</arg></log>"
    log_source_type = "syslog"
    expect          = { sub_rule = "threat", classification = "Malware", "sophos.av.domain" = "savscan", "observer.product" = "Sophos Anti-Virus" }
  }
}
