# Juniper SRX (Junos) security logs. In structured-data mode (`set system
# syslog … structured-data`, RFC 5424) every field is a parameter of
# [junos@2636.… source-address="…" …], which extract = "kv" reads; the
# MSGID names the event: RT_FLOW_SESSION_CREATE / CLOSE / DENY (the
# "RT_FLOW" tag of the Junos System Log Explorer), RT_IDP, RT_UTM,
# RT_SCREEN, RT_AAMW, RT_SECINTEL, APPTRACK … In the default (BSD) mode the
# same events are text: `RT_FLOW: RT_FLOW_SESSION_CREATE: session created
# 192.0.2.10/51514->198.51.100.20/443 junos-https …`, read by a pattern.
# Fields are mapped as Elastic's juniper_srx integration does.
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "juniper-srx" {
  header  = "syslog"
  vendor  = "Juniper"
  product = "SRX"
  module  = "juniper"
}

rule "srx-flow-session" {
  description      = "RT_FLOW_SESSION_CREATE, _CLOSE, _DENY in structured-data mode"
  log_source_types = ["juniper-srx"]
  sort_order       = 600
  pattern          = <<-RE
    RT_FLOW_SESSION_(?P<juniper__srx__tag>CREATE|CLOSE|DENY)\w* \[junos@
  RE
  extract          = "kv"
  classification   = "Network Traffic"
  common_event     = "Firewall Session"
  risk             = 1
  map = {
    sip                               = ["kv.source-address"]
    sport                             = ["kv.source-port"]
    dip                               = ["kv.destination-address"]
    dport                             = ["kv.destination-port"]
    snatip                            = ["kv.nat-source-address"]
    snatport                          = ["kv.nat-source-port"]
    dnatip                            = ["kv.nat-destination-address"]
    dnatport                          = ["kv.nat-destination-port"]
    iana_transport                    = ["kv.protocol-id"]
    "juniper.srx.service_name"        = ["kv.service-name"]
    "rule.name"                       = ["kv.policy-name"]
    "observer.ingress.zone"           = ["kv.source-zone-name"]
    "observer.egress.zone"            = ["kv.destination-zone-name"]
    "observer.ingress.interface.name" = ["kv.packet-incoming-interface"]
    "juniper.srx.session_id_32"       = ["kv.session-id-32", "kv.session-id"]
    "network.application"             = ["kv.application"]
    "juniper.srx.nested_application"  = ["kv.nested-application"]
    login                             = ["kv.username"]
    "event.reason"                    = ["kv.reason"]
    src_bytes                         = ["kv.bytes-from-client"]
    dst_bytes                         = ["kv.bytes-from-server"]
    src_packets                       = ["kv.packets-from-client"]
    dst_packets                       = ["kv.packets-from-server"]
    "juniper.srx.elapsed_time"        = ["kv.elapsed-time"]
    "juniper.srx.src_nat_rule_name"   = ["kv.src-nat-rule-name"]
    "juniper.srx.dst_nat_rule_name"   = ["kv.dst-nat-rule-name"]
  }
  fields = { "event.kind" = "event", "event.category" = ["network"], "observer.type" = "firewall" }

  sub_rule "deny" {
    when           = "event.juniper.srx.tag == \"DENY\""
    classification = "Network Deny"
    common_event   = "Firewall Session Denied"
    risk           = 3
    fields         = { "event.action" = "flow_deny", "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "close" {
    when           = "event.juniper.srx.tag == \"CLOSE\""
    classification = "Network Allow"
    common_event   = "Firewall Session Ended"
    fields         = { "event.action" = "flow_close", "event.type" = ["connection", "end", "allowed"], "event.outcome" = "success" }
  }

  sub_rule "create" {
    when           = "event.juniper.srx.tag == \"CREATE\""
    classification = "Network Allow"
    fields         = { "event.action" = "flow_started", "event.type" = ["connection", "start", "allowed"], "event.outcome" = "success" }
  }

  test {
    log = <<-LOG
      <14>1 2024-03-01T10:15:02.123+01:00 srx1 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.129 source-address="192.0.2.10" source-port="51514" destination-address="198.51.100.20" destination-port="443" connection-tag="0" service-name="junos-https" nat-source-address="203.0.113.5" nat-source-port="61514" nat-destination-address="198.51.100.20" nat-destination-port="443" nat-connection-tag="0" src-nat-rule-type="source rule" src-nat-rule-name="snat-out" dst-nat-rule-type="N/A" dst-nat-rule-name="N/A" protocol-id="6" policy-name="trust-to-untrust" source-zone-name="trust" destination-zone-name="untrust" session-id-32="220001" username="N/A" roles="N/A" packet-incoming-interface="ge-0/0/1.0" application="UNKNOWN" nested-application="UNKNOWN" encrypted="UNKNOWN"] session created 192.0.2.10/51514->198.51.100.20/443 0x0 junos-https 203.0.113.5/61514->198.51.100.20/443 0x0 snat-out N/A 6 trust-to-untrust trust untrust 220001 N/A(N/A) ge-0/0/1.0 UNKNOWN UNKNOWN UNKNOWN
    LOG
    expect = {
      sub_rule                    = "create", "event.action" = "flow_started", sip = "192.0.2.10", sport = "51514", dip = "198.51.100.20", dport = "443"
      snatip                      = "203.0.113.5", snatport = "61514", "network.transport" = "tcp", "rule.name" = "trust-to-untrust", "observer.ingress.zone" = "trust"
      "juniper.srx.session_id_32" = "220001", "host.hostname" = "srx1", "kv.connection-tag" = "0"
    }
  }

  test {
    log             = <<-LOG
      <14>1 2024-03-01T10:16:00.000+01:00 srx1 RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.129 reason="TCP FIN" source-address="192.0.2.10" source-port="51514" destination-address="198.51.100.20" destination-port="443" connection-tag="0" service-name="junos-https" nat-source-address="203.0.113.5" nat-source-port="61514" nat-destination-address="198.51.100.20" nat-destination-port="443" protocol-id="6" policy-name="trust-to-untrust" source-zone-name="trust" destination-zone-name="untrust" session-id-32="220001" packets-from-client="14" bytes-from-client="2120" packets-from-server="12" bytes-from-server="8421" elapsed-time="58" application="SSL" nested-application="UNKNOWN" username="N/A" roles="N/A" packet-incoming-interface="ge-0/0/1.0" encrypted="No"] session closed TCP FIN: 192.0.2.10/51514->198.51.100.20/443
    LOG
    log_source_type = "syslog"
    expect          = { sub_rule = "close", "event.reason" = "TCP FIN", "source.bytes" = "2120", "destination.packets" = "12", "observer.vendor" = "Juniper", "event.dataset" = "juniper-srx" }
  }

  test {
    log    = <<-LOG
      <14>1 2024-03-01T10:17:00.000+01:00 srx1 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.129 source-address="203.0.113.66" source-port="40000" destination-address="192.0.2.80" destination-port="23" connection-tag="0" service-name="junos-telnet" protocol-id="6" icmp-type="0" policy-name="deny-all" source-zone-name="untrust" destination-zone-name="dmz" application="UNKNOWN" nested-application="UNKNOWN" username="N/A" roles="N/A" packet-incoming-interface="ge-0/0/0.0" encrypted="UNKNOWN" reason="policy deny"] session denied 203.0.113.66/40000->192.0.2.80/23 0x0 junos-telnet 6(0) deny-all untrust dmz
    LOG
    expect = { sub_rule = "deny", classification = "Network Deny", sip = "203.0.113.66", dport = "23", "rule.name" = "deny-all" }
  }
}

rule "srx-flow-session-text" {
  description      = "RT_FLOW_SESSION_CREATE, _CLOSE, _DENY as text (BSD syslog)"
  log_source_types = ["juniper-srx"]
  sort_order       = 610
  pattern          = <<-RE
    RT_FLOW_SESSION_(?P<juniper__srx__tag>CREATE|CLOSE|DENY)\w*: session (?:created|closed|denied) (?:(?P<event__reason>[^:/>]+): )?<sip>/<sport>-><dip>/<dport> (?:0x\w+ )?(?P<juniper__srx__service_name>\S+)(?: <snatip>/<snatport>->[^/\s]+/\d+)?
  RE
  classification   = "Network Traffic"
  common_event     = "Firewall Session"
  risk             = 1
  fields           = { "event.kind" = "event", "event.category" = ["network"], "observer.type" = "firewall" }

  sub_rule "deny" {
    when           = "event.juniper.srx.tag == \"DENY\""
    classification = "Network Deny"
    common_event   = "Firewall Session Denied"
    risk           = 3
    fields         = { "event.action" = "flow_deny", "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "close" {
    when           = "event.juniper.srx.tag == \"CLOSE\""
    classification = "Network Allow"
    common_event   = "Firewall Session Ended"
    fields         = { "event.action" = "flow_close", "event.type" = ["connection", "end", "allowed"], "event.outcome" = "success" }
  }

  sub_rule "create" {
    when           = "event.juniper.srx.tag == \"CREATE\""
    classification = "Network Allow"
    fields         = { "event.action" = "flow_started", "event.type" = ["connection", "start", "allowed"], "event.outcome" = "success" }
  }

  test {
    log    = "Mar  1 10:18:00 srx1 RT_FLOW: RT_FLOW_SESSION_CREATE: session created 192.0.2.10/51514->198.51.100.20/443 0x0 junos-https 203.0.113.5/61514->198.51.100.20/443 0x0 snat-out N/A 6 trust-to-untrust trust untrust 220002 N/A(N/A) ge-0/0/1.0 UNKNOWN UNKNOWN UNKNOWN"
    expect = { sub_rule = "create", sip = "192.0.2.10", dport = "443", "juniper.srx.service_name" = "junos-https", snatip = "203.0.113.5", "process.name" = "RT_FLOW" }
  }

  test {
    log             = "Mar  1 10:19:00 srx1 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP RST: 192.0.2.10/51515->198.51.100.20/443 0x0 junos-https 203.0.113.5/61515->198.51.100.20/443 0x0 snat-out N/A 6 trust-to-untrust trust untrust 220003 3(180) 2(120) 1 SSL UNKNOWN N/A(N/A) ge-0/0/1.0 No"
    log_source_type = "syslog"
    expect          = { sub_rule = "close", "event.reason" = "TCP RST", sport = "51515", "observer.product" = "SRX" }
  }
}

rule "srx-security-event" {
  description      = "other structured Junos security events: RT_IDP, RT_UTM, RT_SCREEN, RT_AAMW, RT_SECINTEL, APPTRACK …"
  log_source_types = ["juniper-srx"]
  sort_order       = 620
  pattern          = <<-RE
    \s(?P<event__code>(?:RT_|IDP_|AV_|WEBFILTER_|ANTISPAM_|CONTENT_|APPTRACK_|AAMW_|SECINTEL_|FLOW_|UTM_)[A-Z0-9_]+) \[junos@\d
  RE
  extract          = "kv"
  classification   = "Other Security"
  common_event     = "Security Event"
  risk             = 3
  map = {
    sip                               = ["kv.source-address"]
    sport                             = ["kv.source-port"]
    dip                               = ["kv.destination-address"]
    dport                             = ["kv.destination-port"]
    snatip                            = ["kv.nat-source-address"]
    snatport                          = ["kv.nat-source-port"]
    dnatip                            = ["kv.nat-destination-address"]
    dnatport                          = ["kv.nat-destination-port"]
    iana_transport                    = ["kv.protocol-id"]
    "juniper.srx.service_name"        = ["kv.service-name"]
    "rule.name"                       = ["kv.policy-name"]
    "observer.ingress.zone"           = ["kv.source-zone-name"]
    "observer.egress.zone"            = ["kv.destination-zone-name"]
    "observer.ingress.interface.name" = ["kv.packet-incoming-interface"]
    "juniper.srx.session_id_32"       = ["kv.session-id-32", "kv.session-id"]
    "network.application"             = ["kv.application"]
    "juniper.srx.nested_application"  = ["kv.nested-application"]
    login                             = ["kv.username"]
    "event.reason"                    = ["kv.reason"]
    src_bytes                         = ["kv.bytes-from-client"]
    dst_bytes                         = ["kv.bytes-from-server"]
    src_packets                       = ["kv.packets-from-client"]
    dst_packets                       = ["kv.packets-from-server"]
    "juniper.srx.elapsed_time"        = ["kv.elapsed-time"]
    "juniper.srx.src_nat_rule_name"   = ["kv.src-nat-rule-name"]
    "juniper.srx.dst_nat_rule_name"   = ["kv.dst-nat-rule-name"]
    "juniper.srx.attack_name"         = ["kv.attack-name", "kv.name"]
    "juniper.srx.threat_severity"     = ["kv.threat-severity", "kv.severity"]
    "event.action"                    = ["kv.action"]
    "url.domain"                      = ["kv.url"]
    "url.path"                        = ["kv.obj"]
    "rule.category"                   = ["kv.category"]
    "juniper.srx.profile_name"        = ["kv.profile-name", "kv.profile"]
    "file.name"                       = ["kv.file-name", "kv.filename"]
    "file.hash.sha256"                = ["kv.hash", "kv.sample-sha256"]
    "juniper.srx.message"             = ["kv.message"]
  }
  fields = { "event.kind" = "event", "event.category" = ["network"], "observer.type" = "firewall" }

  sub_rule "idp" {
    when           = "event.event.code.startsWith(\"IDP_\") || event.event.code.startsWith(\"RT_IDP\")"
    classification = "Attack"
    common_event   = "Intrusion Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }

  sub_rule "screen" {
    when           = "event.event.code.startsWith(\"RT_SCREEN\")"
    classification = "Attack"
    common_event   = "Screen Alarm"
    risk           = 6
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }

  sub_rule "malware" {
    when           = "event.event.code.contains(\"VIRUS\") || event.event.code.startsWith(\"AAMW_\") || event.event.code.startsWith(\"RT_AAMW\")"
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware", "network"] }
  }

  sub_rule "web-blocked" {
    when           = "event.event.code.contains(\"BLOCKED\")"
    classification = "Access Failure"
    common_event   = "Web Access Blocked"
    fields         = { "event.category" = ["network", "web"], "event.outcome" = "failure" }
  }

  sub_rule "apptrack" {
    when           = "event.event.code.startsWith(\"APPTRACK_\")"
    classification = "Network Traffic"
    common_event   = "Application Session"
    risk           = 1
  }

  test {
    log             = <<-LOG
      <14>1 2024-03-01T10:20:00.000+01:00 srx1 RT_IDP - IDP_ATTACK_LOG_EVENT [junos@2636.1.1.1.2.129 epoch-time="1709284800" message-type="SIG" source-address="203.0.113.66" source-port="41000" destination-address="192.0.2.80" destination-port="8080" protocol-name="TCP" service-name="SERVICE_IDP" application-name="HTTP" rule-name="1" rulebase-name="IPS" policy-name="idp-pol" export-id="0" repeat-count="0" action="DROP" threat-severity="CRITICAL" attack-name="HTTP:CTS:LOG4J-RCE" nat-source-address="0.0.0.0" nat-source-port="0" nat-destination-address="0.0.0.0" nat-destination-port="0" elapsed-time="0" inbound-bytes="0" outbound-bytes="0" inbound-packets="0" outbound-packets="0" source-zone-name="untrust" source-interface-name="ge-0/0/0.0" destination-zone-name="dmz" destination-interface-name="ge-0/0/2.0" packet-log-id="0" alert="no" username="N/A" roles="N/A" message="-"] IDP: at 1709284800, SIG Attack log
    LOG
    log_source_type = "syslog"
    expect          = { sub_rule = "idp", classification = "Attack", "event.code" = "IDP_ATTACK_LOG_EVENT", "juniper.srx.attack_name" = "HTTP:CTS:LOG4J-RCE", sip = "203.0.113.66", "event.action" = "DROP", "observer.vendor" = "Juniper" }
  }

  test {
    log    = <<-LOG
      Mar  1 10:22:00 198.51.100.1 junos-ids: 2024-03-01T10:22:00.000Z srx1 RT_IDS - RT_SCREEN_IP [junos@2636.1.1.1.2.40 attack-name="IP spoofing!" source-address="203.0.113.68" destination-address="192.0.2.80" protocol-id="17" source-zone-name="untrust" interface-name="ge-0/0/0.0" action="drop"]
    LOG
    expect = { sub_rule = "screen", "event.code" = "RT_SCREEN_IP", "juniper.srx.attack_name" = "IP spoofing!", sip = "203.0.113.68", "network.transport" = "udp" }
  }

  test {
    log    = <<-LOG
      <12>1 2024-03-01T10:21:00.000+01:00 srx1 RT_UTM - WEBFILTER_URL_BLOCKED [junos@2636.1.1.1.2.129 source-address="192.0.2.31" source-port="50999" destination-address="198.51.100.41" destination-port="80" category="Enhanced_Games" reason="BY_PRE_DEFINED" profile="wf-profile" url="games.example.net" obj="/play" username="N/A" roles="N/A"] WebFilter: ACTION="URL Blocked" 192.0.2.31(50999)->198.51.100.41(80) CATEGORY="Enhanced_Games" REASON="BY_PRE_DEFINED" PROFILE="wf-profile" URL=games.example.net OBJ=/play
    LOG
    expect = { sub_rule = "web-blocked", "url.domain" = "games.example.net", "rule.category" = "Enhanced_Games", dport = "80" }
  }
}
