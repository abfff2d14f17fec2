# Cisco ASA (and FTD) firewall messages, as the device sends them over
# syslog. Every message carries "%ASA-<severity>-<message id>:"; the rules
# below read the common message ids, and asa-message keeps any other one
# with its id and severity.
#
# Source and destination follow Cisco's meaning of each message: for a
# connection built "outbound", the initiator is the inside host named
# second. Interfaces go to observer.ingress/egress.interface.name, users
# (LOCAL\alice, 123) to source/destination.user.name.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "cisco-asa" {
  header   = "cisco"
  timezone = "UTC"
  vendor   = "Cisco"
  product  = "ASA"
  module   = "cisco"
}

# "%ASA-6-302013": the severity, as a syslog level name.
tag "asa_level" {
  pattern = "[0-7]"
  field   = "log.level"
  values = {
    "0" = "emergency"
    "1" = "alert"
    "2" = "critical"
    "3" = "error"
    "4" = "warning"
    "5" = "notification"
    "6" = "informational"
    "7" = "debug"
  }
}

# A user in parentheses: (LOCAL\alice), (LOCAL\dom\alice, 123), (alice).
tag "asa_suser" {
  pattern = <<-RE
    [^\\(),\s@:]+
  RE
  field   = "source.user.name"
}

tag "asa_duser" {
  pattern = <<-RE
    [^\\(),\s@:]+
  RE
  field   = "destination.user.name"
}

# An address after "interface:" (IPv4, IPv6 or a host name): unlike the
# built-in shost it never takes "inside:192.0.2.1" whole, so a context
# prefix ("ctx1:inside:192.0.2.1") is told from the interface.
tag "asa_shost" {
  pattern = "[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+|[\\w.-]*\\w"
  field   = "source.address"
  type    = "address"
}

tag "asa_dhost" {
  pattern = "[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+|[\\w.-]*\\w"
  field   = "destination.address"
  type    = "address"
}

# Interface names may hold spaces ("NP Identity Ifc").
tag "asa_iniface" {
  pattern = "[^:/()\\s](?:[^:/()]*[^:/()\\s])?"
  field   = "observer.ingress.interface.name"
}

tag "asa_outiface" {
  pattern = "[^:/()\\s](?:[^:/()]*[^:/()\\s])?"
  field   = "observer.egress.interface.name"
}

# ------------------------------------------------------------ connections

rule "asa-connection-built-inbound" {
  description      = "302013, 302015, 302017: a connection from a lower- to a higher-security interface"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30201[357]):? Built inbound <protocol> connection (?P<labels__connection_id>\d+) for <asa_iniface>:<shost>/<sport> \([^)]*\)(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? to <asa_outiface>:<dhost>/<dport> \([^)]*\)(?:\((?:(?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))?
  RE
  classification   = "Network Allow"
  common_event     = "Connection Built"
  risk             = 1
  # Elastic's convention: the user of a connection is its destination user.
  map = { "user.name" = "destination.user.name" }
  fields = {
    "event.action"      = "firewall-rule"
    "event.category"    = ["network"]
    "event.type"        = ["connection", "start"]
    "network.direction" = "inbound"
    "observer.vendor"   = "Cisco"
    "observer.product"  = "asa"
    "observer.type"     = "firewall"
  }

  test {
    log    = "Mar 02 2024 10:00:01 fw-edge : %ASA-6-302013: Built inbound TCP connection 4711 for outside:198.51.100.20/51234 (198.51.100.20/51234)(LOCAL\\corp\\erin, 12) to dmz:192.0.2.10/443 (203.0.113.10/443)"
    expect = { sip = "198.51.100.20", sport = "51234", dip = "192.0.2.10", dport = "443", protocol = "tcp", "source.user.name" = "erin", "log.level" = "informational", "event.code" = "302013", hostname = "fw-edge", "observer.ingress.interface.name" = "outside" }
  }
}

rule "asa-connection-built-outbound" {
  description      = "302013, 302015, 302017: a connection from a higher- to a lower-security interface; the initiator is named second"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30201[357]):? Built outbound <protocol> connection (?P<labels__connection_id>\d+) for <asa_outiface>:<dhost>/<dport> \([^)]*\)(?:\((?:(?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? to <asa_iniface>:<shost>/<sport> \([^)]*\)(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))?
  RE
  classification   = "Network Allow"
  common_event     = "Connection Built"
  risk             = 1
  # Elastic's convention: the user of a connection is its destination user.
  map = { "user.name" = "destination.user.name" }
  fields = {
    "event.action"      = "firewall-rule"
    "event.category"    = ["network"]
    "event.type"        = ["connection", "start"]
    "network.direction" = "outbound"
    "observer.vendor"   = "Cisco"
    "observer.product"  = "asa"
    "observer.type"     = "firewall"
  }

  test {
    log    = "Mar 02 2024 10:00:02 fw-edge CiscoASA[31]: %ASA-6-302015: Built outbound UDP connection 88 for outside:203.0.113.53/53 (203.0.113.53/53) to inside:192.0.2.77/40001 (198.51.100.9/40001)"
    expect = { sip = "192.0.2.77", sport = "40001", dip = "203.0.113.53", dport = "53", protocol = "udp", process = "CiscoASA", pid = "31", "network.direction" = "outbound" }
  }
}

rule "asa-connection-teardown" {
  description      = "302014, 302016, 302018: a connection ended"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30201[468]):? Teardown <protocol> connection (?P<labels__connection_id>\d+) for <asa_iniface>:<shost>/<sport>(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))?(?: <asa_suser>)? to <asa_outiface>:<dhost>/<dport>(?:\((?:(?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))?(?: <asa_duser>)? duration (?P<labels__duration>\S+) bytes <bytes>(?: (?P<event__reason>[^(]*[^(\s]))?
  RE
  classification   = "Network Traffic"
  common_event     = "Connection Closed"
  risk             = 1
  # Elastic's convention: the user of a connection is its destination user.
  map = { "user.name" = "destination.user.name" }
  fields = {
    "event.action"     = "firewall-rule"
    "event.category"   = ["network"]
    "event.type"       = ["connection", "end"]
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  test {
    log    = "Mar 02 2024 10:00:03 fw-edge : %ASA-6-302014: Teardown TCP connection 4711 for outside:198.51.100.20/51234(LOCAL\\erin) to dmz:192.0.2.10/443 duration 0:00:12 bytes 5120 TCP FINs from outside (erin)"
    expect = { sip = "198.51.100.20", sport = "51234", dip = "192.0.2.10", dport = "443", bytes = "5120", reason = "TCP FINs from outside", "source.user.name" = "erin" }
  }
  test {
    log    = "Mar 02 2024 10:00:04 fw-edge : %ASA-6-302016 Teardown UDP connection 5 for outside:203.0.113.53/53 alice to inside:192.0.2.77/40001 bob duration 0:00:00 bytes 120"
    expect = { sport = "53", dport = "40001", "source.user.name" = "alice", "destination.user.name" = "bob", reason = "" }
  }
}

rule "asa-icmp-connection" {
  description      = "302020, 302021: an ICMP connection built or torn down; faddr is the far end, laddr the local host"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30202[01]):? (?P<labels__state>Built (?:inbound|outbound)|Teardown) (?P<labels__icmp_kind>ICMP|ICMPv6) connection for faddr <dhost>/\d+(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? gaddr (?P<labels__global_address>\S+?)/\d+ laddr <shost>/\d+(?: \((?:[^\\()]*\\)*(?P<login>[^\\(),\s@]+)(?:@[^()\s,]*)?\))?
  RE
  classification   = "Network Traffic"
  common_event     = "ICMP Connection"
  risk             = 1
  fields = {
    "event.action"      = "firewall-rule"
    "event.category"    = ["network"]
    "network.transport" = "icmp"
    "observer.vendor"   = "Cisco"
    "observer.product"  = "asa"
    "observer.type"     = "firewall"
  }

  test {
    log    = "Mar 02 2024 10:00:05: %ASA-6-302021: Teardown ICMP connection for faddr 203.0.113.1/0 gaddr 192.0.2.5/3321 laddr 192.0.2.5/3321 type 8 code 0"
    expect = { sip = "192.0.2.5", dip = "203.0.113.1", "network.transport" = "icmp", "event.code" = "302021", hostname = "" }
  }
  test {
    log    = "Mar 02 2024 10:00:06: %ASA-6-302020: Built inbound ICMP connection for faddr 203.0.113.9/0(LOCAL\\dana) gaddr 192.0.2.6/0 laddr 192.0.2.6/0 (dana) type 3 code 3"
    expect = { sip = "192.0.2.6", dip = "203.0.113.9", login = "dana" }
  }
}

rule "asa-translation" {
  description      = "305011, 305012: an address translation built or torn down"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30501[12]):? (?P<labels__state>Built|Teardown) (?P<labels__nat_type>dynamic|static)(?: <protocol>)? translation from <asa_iniface>:<shost>(?:/<sport>)?(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? to <asa_outiface>:<dhost>(?:/<dport>)?
  RE
  classification   = "Network Traffic"
  common_event     = "Address Translation"
  risk             = 0
  fields = {
    "event.action"     = "firewall-rule"
    "event.category"   = ["network"]
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  test {
    log    = "Mar 02 2024 10:00:07 fw-edge : %ASA-6-305011: Built dynamic TCP translation from inside:192.0.2.77/40002 to outside:203.0.113.2/61002"
    expect = { sip = "192.0.2.77", sport = "40002", dip = "203.0.113.2", dport = "61002", protocol = "tcp", "labels.state" = "Built" }
  }
}

# ------------------------------------------------------- access decisions

rule "asa-access-list" {
  description      = "106100, 106102, 106103: an access list entry permitted or denied a flow"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>1061\d\d):? access-list (?P<rule__name>\S+) (?P<labels__acl_action>permitted|denied|est-allowed) <protocol> (?:for user '?(?P<login>[^'\s]+)'? )?<asa_iniface>/<shost>\(<sport>\)(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? -> <asa_outiface>/<dhost>\(<dport>\)(?:\((?:(?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? hit-cnt (?P<labels__hit_count>\d+)
  RE
  classification   = "Network Allow"
  common_event     = "Access List Permitted Traffic"
  risk             = 1
  fields = {
    "event.action"     = "firewall-rule"
    "event.category"   = ["network"]
    "event.type"       = ["connection", "allowed"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  sub_rule "denied" {
    when           = "event.labels.acl_action == \"denied\""
    classification = "Network Deny"
    common_event   = "Access List Denied Traffic"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"] }
  }

  test {
    log    = "Apr 01 2024 08:00:00: %ASA-4-106100: access-list outside_in denied tcp outside/198.51.100.7(40123) -> inside/192.0.2.15(22) hit-cnt 1 first hit [0x1a2b3c4d, 0x0]"
    expect = { sip = "198.51.100.7", sport = "40123", dip = "192.0.2.15", dport = "22", "rule.name" = "outside_in", classification = "Network Deny", "log.level" = "warning", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 01 2024 08:00:01: %ASA-3-106102: access-list vpn_in permitted udp for user frank outside/198.51.100.8(5353) -> inside/192.0.2.16(53) hit-cnt 2 300-second interval [0x1, 0x2]"
    expect = { login = "frank", protocol = "udp", classification = "Network Allow", "log.level" = "error" }
  }
}

rule "asa-deny-acl" {
  description      = "106023: an access group denied a packet"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>106023):? Deny (?:<protocol>|protocol (?P<network__iana_number>\d+)) src (?:[^\s:]+:)??<asa_iniface>:<asa_shost>(?:/<sport>)?(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? dst (?:[^\s:]+:)??<asa_outiface>:<asa_dhost>(?:/<dport>)?(?:\((?:(?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))?(?:[ (][^"]*?)? by access-group "(?P<rule__name>[^"]*)"
  RE
  classification   = "Network Deny"
  common_event     = "Access Group Denied Traffic"
  risk             = 3
  fields = {
    "event.action"     = "firewall-rule"
    "event.category"   = ["network"]
    "event.type"       = ["connection", "denied"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  test {
    log    = "Apr 01 2024 08:00:02 fw2 : %ASA-4-106023: Deny udp src dmz:192.0.2.33/5555(LOCAL\\gina) dst outside:203.0.113.12/53 by access-group \"dmz_in\" [0x1, 0x2]"
    expect = { sip = "192.0.2.33", sport = "5555", dip = "203.0.113.12", dport = "53", "rule.name" = "dmz_in", "source.user.name" = "gina" }
  }
  test {
    log    = "Apr 01 2024 08:00:03 fw2 : %ASA-4-106023: Deny icmp src inside:192.0.2.34 dst outside:203.0.113.13 (type 8, code 0) by access-group \"in\" [0x0, 0x0]"
    expect = { sip = "192.0.2.34", dip = "203.0.113.13", protocol = "icmp", sport = "" }
  }
  test {
    log    = "LOCAL4.WARNING: fw2 %ASA-4-106023: Deny udp src ctx1:outside:198.51.100.35/5353 dst ctx2:inside:192.0.2.35/53 by access-group \"outside_acl\" [0x0, 0x0]"
    expect = { sip = "198.51.100.35", sport = "5353", dip = "192.0.2.35", dport = "53", "observer.egress.interface.name" = "inside" }
  }
  test {
    log    = "Apr 01 2024 08:00:03 fw2 : %ASA-4-106023: Deny tcp src outside:198.51.100.36/40000(8001:Contractors) dst inside:2001:db8::36/443 by access-group \"in\" [0x0, 0x0]"
    expect = { sip = "198.51.100.36", dip = "2001:db8::36", "source.user.name" = "" }
  }
}

rule "asa-deny-flow" {
  description      = "106001, 106006, 106007, 106015: a packet denied (inbound, no connection, DNS)"
  log_source_types = ["cisco-asa"]
  sort_order       = 110
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>10600[1-7]|106015):? (?:message repeated \d+ times: \[ ?)?(?:Inbound <protocol> connection denied|Deny (?:inbound |outbound )?<protocol>(?: \(no connection\))?) from <shost>/<sport> to <dhost>/<dport>(?: flags (?P<labels__tcp_flags>.*?))?(?: +on interface (?P<observer__ingress__interface__name>[^\s\]]+)| due to (?P<event__reason>[^\]]+))?\]?$
  RE
  classification   = "Network Deny"
  common_event     = "Packet Denied"
  risk             = 3
  fields = {
    "event.action"     = "firewall-rule"
    "event.category"   = ["network"]
    "event.type"       = ["connection", "denied"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  test {
    log    = "Apr 01 2024 08:00:04: %ASA-6-106015: Deny TCP (no connection) from 198.51.100.2/443 to 192.0.2.8/50000 flags RST  on interface outside"
    expect = { sip = "198.51.100.2", sport = "443", dip = "192.0.2.8", dport = "50000", protocol = "tcp", "labels.tcp_flags" = "RST", "observer.ingress.interface.name" = "outside" }
  }
  test {
    log    = "Apr 01 2024 08:00:05: %ASA-2-106007: Deny inbound UDP from 198.51.100.3/1234 to 192.0.2.9/53 due to DNS Query"
    expect = { protocol = "udp", dport = "53", reason = "DNS Query", "log.level" = "critical" }
  }
  test {
    log    = "Apr 01 2024 08:00:06: %ASA-2-106001: Inbound TCP connection denied from 198.51.100.4/4444 to 192.0.2.10/25 flags SYN on interface outside"
    expect = { sip = "198.51.100.4", dport = "25", "event.code" = "106001" }
  }
}

rule "asa-deny-icmp" {
  description      = "106014: an ICMP packet denied"
  log_source_types = ["cisco-asa"]
  sort_order       = 110
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>106014):? Deny (?:inbound|outbound) <protocol> src <asa_iniface>:<shost> dst <asa_outiface>:<dhost> ?\(type (?P<labels__icmp_type>\d+), code (?P<labels__icmp_code>\d+)\)
  RE
  classification   = "Network Deny"
  common_event     = "ICMP Denied"
  risk             = 2
  fields = {
    "event.action"     = "firewall-rule"
    "event.category"   = ["network"]
    "event.type"       = ["connection", "denied"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  test {
    log    = "Apr 01 2024 08:00:07: %ASA-3-106014: Deny inbound icmp src outside:198.51.100.5 dst inside:192.0.2.11 (type 8, code 0)"
    expect = { sip = "198.51.100.5", dip = "192.0.2.11", protocol = "icmp", "labels.icmp_type" = "8" }
  }
}

rule "asa-deny-spoof" {
  description      = "106016, 106017, 106021: spoofed, land-attack or reverse-path-failing packets"
  log_source_types = ["cisco-asa"]
  sort_order       = 110
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>10601[67]|106021):? Deny (?:IP spoof|IP due to Land Attack|<protocol> reverse path check) from \(?<shost>\)? to <dhost>(?: on interface (?P<observer__ingress__interface__name>\S+))?
  RE
  classification   = "Attack"
  common_event     = "Spoofed Packet Denied"
  risk             = 5
  fields = {
    "event.action"     = "firewall-rule"
    "event.category"   = ["network", "intrusion_detection"]
    "event.type"       = ["denied"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  test {
    log    = "Apr 01 2024 08:00:08: %ASA-2-106016: Deny IP spoof from (0.0.0.0) to 192.0.2.255 on interface guest"
    expect = { sip = "0.0.0.0", dip = "192.0.2.255", "observer.ingress.interface.name" = "guest" }
  }
  test {
    log    = "Apr 01 2024 08:00:09: %ASA-2-106017: Deny IP due to Land Attack from 192.0.2.12 to 192.0.2.12"
    expect = { sip = "192.0.2.12", dip = "192.0.2.12", "event.code" = "106017" }
  }
}

rule "asa-denied-icmp-type" {
  description      = "313001, 313004, 313008: ICMP (or ICMPv6) packets the device refused"
  log_source_types = ["cisco-asa"]
  sort_order       = 110
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>31300[148]):? Denied (?P<protocol>ICMP|IPv6-ICMP) type=(?P<labels__icmp_type>\d+), (?:code=(?P<labels__icmp_code>\d+) )?from (?:laddr )?<shost> on interface (?P<observer__ingress__interface__name>\S+)(?: to <dhost>)?
  RE
  classification   = "Network Deny"
  common_event     = "ICMP Denied"
  risk             = 2
  fields = {
    "event.action"     = "firewall-rule"
    "event.category"   = ["network"]
    "event.type"       = ["denied"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  test {
    log    = "Apr 01 2024 08:00:10: %ASA-3-313001: Denied ICMP type=3, code=3 from 198.51.100.6 on interface outside"
    expect = { sip = "198.51.100.6", "network.transport" = "icmp", "labels.icmp_code" = "3" }
  }
  test {
    log    = "Apr 01 2024 08:00:11: %ASA-4-313004: Denied ICMP type=0, from laddr 192.0.2.13 on interface inside to 198.51.100.7: no matching session"
    expect = { sip = "192.0.2.13", dip = "198.51.100.7" }
  }
  test {
    log    = "Apr 01 2024 08:00:12: %ASA-3-313008: Denied IPv6-ICMP type=134, code=0 from 2001:db8::1 on interface isp"
    expect = { sip = "2001:db8::1", "network.transport" = "ipv6-icmp" }
  }
}

rule "asa-invalid-icmp" {
  description      = "313009: an ICMP packet with an invalid code"
  log_source_types = ["cisco-asa"]
  sort_order       = 110
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>313009):? Denied invalid ICMP code (?P<labels__icmp_code>\d+), for <asa_iniface>:<shost>/<sport> \([^)]*\) to <asa_outiface>:<dhost>/<dport> \([^)]*\)
  RE
  classification   = "Network Deny"
  common_event     = "ICMP Denied"
  risk             = 2
  fields = {
    "event.action"      = "firewall-rule"
    "event.category"    = ["network"]
    "event.type"        = ["denied"]
    "event.outcome"     = "success"
    "network.transport" = "icmp"
    "observer.vendor"   = "Cisco"
    "observer.product"  = "asa"
    "observer.type"     = "firewall"
  }

  test {
    log    = "Apr 01 2024 08:00:13: %ASA-4-313009: Denied invalid ICMP code 9, for inside:192.0.2.14/512 (192.0.2.14/512) to identity:192.0.2.1/0 (192.0.2.1/0), ICMP id 7, ICMP type 8"
    expect = { sip = "192.0.2.14", sport = "512", dip = "192.0.2.1", dport = "0" }
  }
}

rule "asa-icmp-no-session" {
  description      = "313005: an ICMP error for which there is no connection"
  log_source_types = ["cisco-asa"]
  sort_order       = 110
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>313005):? No matching connection for ICMP error message: icmp src <asa_iniface>:(?P<labels__icmp_src>[^\s(]+)(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? dst <asa_outiface>:(?P<labels__icmp_dst>[^\s(]+)(?:\([^)]*\))? \(type (?P<labels__icmp_type>\d+), code (?P<labels__icmp_code>\d+)\) on .*? interface\.\s*Original IP payload: (?:(?:protocol (?P<labels__payload_iana_number>\d+)|(?P<labels__payload_protocol>[a-z]+)) src <shost>(?:/<sport>)? dst <dhost>(?:/<dport>)?(?: \(type \d+, code \d+\))?\.?|[<]unknown[>]\.?)
  RE
  classification   = "Network Deny"
  common_event     = "ICMP Error Without Connection"
  risk             = 1
  fields = {
    "event.action"      = "firewall-rule"
    "event.category"    = ["network"]
    "event.outcome"     = "success"
    "network.transport" = "icmp"
    "observer.vendor"   = "Cisco"
    "observer.product"  = "asa"
    "observer.type"     = "firewall"
  }

  test {
    log    = "Apr 01 2024 08:00:14: %ASA-4-313005: No matching connection for ICMP error message: icmp src outside:198.51.100.8 dst inside:192.0.2.15 (type 3, code 3) on outside interface.  Original IP payload: udp src 192.0.2.15/53 dst 198.51.100.8/4000."
    expect = { sip = "192.0.2.15", sport = "53", dip = "198.51.100.8", dport = "4000", "labels.icmp_type" = "3", "labels.icmp_src" = "198.51.100.8" }
  }
  test {
    log    = "Apr 01 2024 08:00:14: %FTD-4-313005: No matching connection for ICMP error message: icmp src outside:198.51.100.8(LOCAL\\corp\\ann) dst inside:192.0.2.15 (type 3, code 2) on outside interface. Original IP payload: protocol 50 src 192.0.2.15 dst 198.51.100.8."
    expect = { sip = "192.0.2.15", dip = "198.51.100.8", "labels.payload_iana_number" = "50", "source.user.name" = "ann" }
  }
}

rule "asa-dynamic-filter" {
  description      = "338001-338204: the botnet traffic filter saw traffic to or from a listed address"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>338\d\d\d):? Dynamic [Ff]ilter (?P<labels__filter_action>permitted|monitored|dropped|allowed) (?P<labels__list>black|white|grey)[ -]?listed <protocol> traffic from <asa_iniface>:<shost>/<sport> \([^)]*\) to <asa_outiface>:<dhost>/<dport> \([^)]*\)(?:, (?:source|destination) \S+ resolved from (?:dynamic|local) list: (?P<threat__indicator__name>[^,]+))?
  RE
  classification   = "Suspicious"
  common_event     = "Traffic With Listed Address"
  risk             = 6
  fields = {
    "event.category"   = ["network", "threat"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  sub_rule "dropped" {
    when           = "event.labels.filter_action == \"dropped\""
    classification = "Failed Suspicious"
    common_event   = "Traffic With Listed Address Dropped"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Apr 01 2024 08:00:15: %ASA-4-338002: Dynamic Filter permitted black listed TCP traffic from inside:192.0.2.16/6798 (203.0.113.16/7890) to outside:198.51.100.9/80 (198.51.100.9/80), destination 198.51.100.9 resolved from dynamic list: bad.example.com"
    expect = { sip = "192.0.2.16", dport = "80", "event.outcome" = "success", "threat.indicator.name" = "bad.example.com" }
  }
  test {
    log    = "Apr 01 2024 08:00:16: %ASA-4-338008: Dynamic Filter dropped blacklisted TCP traffic from inside:192.0.2.17/33340 (203.0.113.17/33340) to outside:198.51.100.10/80 (198.51.100.10/80), destination 198.51.100.10 resolved from dynamic list: 198.51.100.10/255.255.255.255, threat-level: high"
    expect = { "event.outcome" = "failure", classification = "Failed Suspicious" }
  }
}

rule "asa-url" {
  description      = "304001, 304002: a URL a host accessed, or one the URL filter denied"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30400[12]):? (?:(?:(?P<source__user__name>[^@\s(]+)@)?<shost>(?:\((?:[^\\()]*\\)*[^\\(),\s]+\))? Accessed (?:JAVA )?URL (?:[^@\s]+@)?<dip>:<url>|Access denied URL <url> SRC <shost> DEST <dhost>)
  RE
  classification   = "Access Success"
  common_event     = "URL Accessed"
  risk             = 1
  fields = {
    "event.category"   = ["network", "web"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  sub_rule "denied" {
    when           = "event.event.code == \"304002\""
    classification = "Access Failure"
    common_event   = "URL Denied"
    risk           = 3
  }

  test {
    log    = "Apr 01 2024 08:00:17: %ASA-5-304001: hank@192.0.2.18(LOCAL\\hank) Accessed URL 198.51.100.11:http://www.example.com/index.html"
    expect = { sip = "192.0.2.18", dip = "198.51.100.11", url = "http://www.example.com/index.html", "source.user.name" = "hank" }
  }
  test {
    log    = "Apr 01 2024 08:00:18: %ASA-5-304002: Access denied URL http://www.example.net/x.exe SRC 192.0.2.19 DEST 198.51.100.12 on interface inside"
    expect = { url = "http://www.example.net/x.exe", sip = "192.0.2.19", dip = "198.51.100.12", common_event = "URL Denied" }
  }
}

# --------------------------------------------------------- device access

rule "asa-device-access" {
  description      = "710001-710005: a request to the device itself (management, VPN) requested, permitted or denied"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = "%(?:ASA|FTD|PIX)(?:-\\w+)?-<asa_level>-(?P<event__code>71000[1-6]):? <protocol> (?:access|request) (?P<labels__decision>requested|permitted|denied by ACL|discarded) from <shost>(?:/<sport>)? to <asa_outiface>:<dhost>(?:/(?P<labels__service>\\S+))?"
  classification   = "Access Success"
  common_event     = "Device Access Permitted"
  risk             = 1
  fields = {
    "event.category"   = ["network"]
    "event.outcome"    = "success"
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  sub_rule "denied" {
    when           = <<-CEL
      event.labels.decision in ["denied by ACL", "discarded"]
    CEL
    classification = "Access Failure"
    common_event   = "Device Access Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Apr 01 2024 08:00:19: %ASA-7-710005: UDP request discarded from 198.51.100.13/137 to outside:192.0.2.1/137"
    expect = { sip = "198.51.100.13", sport = "137", dip = "192.0.2.1", common_event = "Device Access Denied", "labels.service" = "137" }
  }
  test {
    log    = "Apr 01 2024 08:00:20: %ASA-7-710002: TCP access permitted from 192.0.2.20/50123 to inside:192.0.2.1/https"
    expect = { sip = "192.0.2.20", "labels.service" = "https", classification = "Access Success" }
  }
}

rule "asa-local-host" {
  description      = "609001, 609002: a host known to the device appeared or went"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = "%(?:ASA|FTD|PIX)(?:-\\w+)?-<asa_level>-(?P<event__code>60900[12]):? (?P<labels__state>Built|Teardown) local-host <asa_iniface>:<shost>"
  classification   = "Information"
  common_event     = "Local Host Tracked"
  risk             = 0
  fields           = { "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:21: %ASA-7-609001: Built local-host inside:192.0.2.21"
    expect = { sip = "192.0.2.21", "labels.state" = "Built" }
  }
}

rule "asa-duplicate-syn" {
  description      = "419002: a duplicate TCP SYN with another initial sequence number"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = "%(?:ASA|FTD|PIX)(?:-\\w+)?-<asa_level>-(?P<event__code>419002):? Duplicate TCP SYN from <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport>"
  classification   = "Suspicious"
  common_event     = "Duplicate TCP SYN"
  risk             = 3
  fields           = { "network.transport" = "tcp", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:22: %ASA-4-419002: Duplicate TCP SYN from inside:192.0.2.22/51000 to outside:198.51.100.14/443 with different initial sequence number"
    expect = { sip = "192.0.2.22", dport = "443" }
  }
}

# ------------------------------------------------- users, VPN, management

rule "asa-vpn-session-disconnected" {
  description      = "113019: a VPN session ended"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>113019):? Group = (?P<group__name>[^,]+), Username = (?P<source__user__name>[^,]*), IP = <dhost>, Session disconnected\. Session Type: (?P<labels__session_type>[^,]+), Duration: (?P<labels__duration>[^,]+), Bytes xmt: (?P<source__bytes>\d+), Bytes rcv: (?P<destination__bytes>\d+), Reason: <reason>
  RE
  classification   = "Information"
  common_event     = "VPN Session Disconnected"
  risk             = 1
  fields = {
    "event.action"     = "client-vpn-disconnected"
    "event.category"   = ["network", "session"]
    "event.type"       = ["end"]
    "observer.vendor"  = "Cisco"
    "observer.product" = "asa"
    "observer.type"    = "firewall"
  }

  test {
    log    = "Apr 01 2024 08:00:23: %ASA-4-113019: Group = staff, Username = ivy, IP = 198.51.100.15, Session disconnected. Session Type: SSL, Duration: 1h:02m:03s, Bytes xmt: 1000, Bytes rcv: 2000, Reason: Idle Timeout"
    expect = { "source.user.name" = "ivy", dip = "198.51.100.15", reason = "Idle Timeout", "group.name" = "staff" }
  }
}

rule "asa-vpn-svc" {
  description      = "113029-113039, 716xxx: AnyConnect and WebVPN session events: Group <g> User <u> IP <ip> … (the brackets are optional)"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>1130[23]\d|7160\d\d):? Group <?(?P<source__user__group__name>[^<>]+?)>? User(?: <?(?P<source__user__name>[^<>]*?)>?)? IP <?<shost>>?(?: (?:(?:First|New) <protocol> SVC connection)?(?P<labels__detail>.*))?$
  RE
  classification   = "Information"
  common_event     = "VPN Session Event"
  risk             = 1
  map              = { "group.name" = "source.user.group.name" }
  fields           = { "event.category" = ["network", "session"], "event.type" = ["connection", "info"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  sub_rule "started" {
    when         = <<-CEL
      event.event.code in ["113039", "722022", "722032", "722033", "716001", "716038"]
    CEL
    common_event = "VPN Session Started"
    fields       = { "event.outcome" = "success", "event.type" = ["connection", "start"], "event.action" = "client-vpn-connected" }
  }
  sub_rule "ended" {
    when         = <<-CEL
      event.event.code in ["716002", "716058", "722023", "722028", "722037", "722030", "722031"]
    CEL
    common_event = "VPN Session Ended"
    fields       = { "event.outcome" = "success", "event.type" = ["connection", "end"], "event.action" = "client-vpn-disconnected" }
  }
  sub_rule "refused" {
    when           = <<-CEL
      event.event.code in ["113029", "113030", "113031", "113032", "113033", "113034", "113035", "113036", "113038"]
    CEL
    classification = "Failed Activity"
    common_event   = "VPN Session Refused"
    risk           = 3
    fields         = { "event.outcome" = "failure", "event.type" = ["connection", "denied"], "event.action" = "client-vpn-error" }
  }
  sub_rule "auth-rejected" {
    when           = "event.event.code == \"716039\""
    classification = "Authentication Failure"
    common_event   = "VPN Authentication Rejected"
    risk           = 4
    fields         = { "event.outcome" = "failure", "event.category" = ["authentication", "network"], "event.type" = ["denied", "info"], "event.action" = "logon-failed" }
  }
  sub_rule "granted" {
    when   = "event.event.code in [\"716003\", \"722051\", \"722022\", \"722034\", \"722055\"]"
    fields = { "event.outcome" = "success" }
  }

  test {
    log    = "Apr 01 2024 08:00:25 vpn1 : %ASA-6-716002: Group staff User lena IP 203.0.113.71 WebVPN session terminated: Idle timeout."
    expect = { "source.user.name" = "lena", sip = "203.0.113.71", "source.user.group.name" = "staff", "event.type" = ["connection", "end"] }
  }
  test {
    log    = "Apr 01 2024 08:00:25 vpn1 : %ASA-4-113029: Group Remote User corp\\mia IP 203.0.113.72 Session could not be established: session limit of 2 reached"
    expect = { "source.user.name" = "corp\\mia", sip = "203.0.113.72", "event.outcome" = "failure" }
  }
  test {
    log             = "Apr 01 2024 08:00:25 vpn1 : %ASA-6-113039: Group <Remote> User <mia> IP <203.0.113.72> AnyConnect parent session started."
    log_source_type = "syslog"
    expect          = { "source.user.name" = "mia", sip = "203.0.113.72", "event.outcome" = "success", "observer.vendor" = "Cisco", "event.dataset" = "cisco-asa" }
  }
  test {
    log    = "Apr 01 2024 08:00:25 vpn1 : %ASA-6-716039: Group <Remote> User <mia> IP <203.0.113.72> Authentication: rejected, Session Type: WebVPN."
    expect = { "source.user.name" = "mia", classification = "Authentication Failure", "event.outcome" = "failure" }
  }
}

rule "asa-vpn-svc-722" {
  description      = "722xxx: SVC (AnyConnect tunnel) session events; as Elastic, user@domain gives the user alone: Group <g> User <u> IP <ip> … (the brackets are optional)"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>722\d\d\d):? (?:TunnelGroup <[^<>]*> GroupPolicy|Group) <?(?P<source__user__group__name>[^<>]+?)>? User(?: <?(?P<source__user__name>[^<>@]*?)(?:@(?P<source__user__domain>[^<>\s]*))?>?)? IP <?<shost>>?(?: (?:(?:First|New) <protocol> SVC connection)?(?P<labels__detail>.*))?$
  RE
  classification   = "Information"
  common_event     = "VPN Session Event"
  risk             = 1
  map              = { "group.name" = "source.user.group.name" }
  fields           = { "event.category" = ["network", "session"], "event.type" = ["connection", "info"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  sub_rule "started" {
    when         = <<-CEL
      event.event.code in ["113039", "722022", "722032", "722033", "716001", "716038"]
    CEL
    common_event = "VPN Session Started"
    fields       = { "event.outcome" = "success", "event.type" = ["connection", "start"], "event.action" = "client-vpn-connected" }
  }
  sub_rule "ended" {
    when         = <<-CEL
      event.event.code in ["716002", "716058", "722023", "722028", "722037", "722030", "722031"]
    CEL
    common_event = "VPN Session Ended"
    fields       = { "event.outcome" = "success", "event.type" = ["connection", "end"], "event.action" = "client-vpn-disconnected" }
  }
  sub_rule "refused" {
    when           = <<-CEL
      event.event.code in ["113029", "113030", "113031", "113032", "113033", "113034", "113035", "113036", "113038"]
    CEL
    classification = "Failed Activity"
    common_event   = "VPN Session Refused"
    risk           = 3
    fields         = { "event.outcome" = "failure", "event.type" = ["connection", "denied"], "event.action" = "client-vpn-error" }
  }
  sub_rule "auth-rejected" {
    when           = "event.event.code == \"716039\""
    classification = "Authentication Failure"
    common_event   = "VPN Authentication Rejected"
    risk           = 4
    fields         = { "event.outcome" = "failure", "event.category" = ["authentication", "network"], "event.type" = ["denied", "info"], "event.action" = "logon-failed" }
  }
  sub_rule "granted" {
    when   = "event.event.code in [\"716003\", \"722051\", \"722022\", \"722034\", \"722055\"]"
    fields = { "event.outcome" = "success" }
  }

  test {
    log    = "Apr 01 2024 08:00:24: %ASA-4-722033: Group <GP_Staff> User <jack@example.com> IP <198.51.100.16> First UDP SVC connection established for SVC session."
    expect = { "source.user.name" = "jack", "source.user.domain" = "example.com", sip = "198.51.100.16", protocol = "udp", "source.user.group.name" = "GP_Staff", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 01 2024 08:00:25: %ASA-4-722037: Group <GP Staff> User <kim lee> IP <198.51.100.17> SVC closing connection: DPD failure."
    expect = { "source.user.name" = "kim lee", sip = "198.51.100.17", protocol = "", "source.user.group.name" = "GP Staff", sub_rule = "ended" }
  }
}

rule "asa-ike-group" {
  description      = "713xxx and others: IKE and VPN messages that begin Group = g, [Username = u,] IP = ip"
  log_source_types = ["cisco-asa"]
  sort_order       = 150
  pattern          = "%(?:ASA|FTD|PIX)(?:-\\w+)?-<asa_level>-(?P<event__code>\\d{6}):? Group = (?P<group__name>[^,]+), (?:Username = (?P<source__user__name>[^,]*), )?IP = <shost>, (?P<labels__detail>.*)"
  map              = { "user.name" = "source.user.name" }
  classification   = "Information"
  common_event     = "VPN Negotiation"
  risk             = 1
  fields           = { "event.category" = ["network"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:26: %ASA-5-713120: Group = 203.0.113.30, IP = 203.0.113.30, PHASE 2 COMPLETED (msgid=1a2b3c4d)"
    expect = { sip = "203.0.113.30", "group.name" = "203.0.113.30", "event.code" = "713120" }
  }
}

rule "asa-ipsec-sa" {
  description      = "602303, 602304: an IPsec security association created or deleted"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>60230[34]):? IPSEC: An? (?P<network__direction>inbound|outbound) (?P<labels__tunnel_type>.+?) SA \(SPI= ?(?P<labels__spi>[^)\s]+)\) between <shost> and <dhost> \(user= ?<login>\) has been (?P<labels__state>created|deleted)
  RE
  classification   = "Information"
  common_event     = "IPsec SA Changed"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:27: %ASA-6-602304: IPSEC: An outbound LAN-to-LAN SA (SPI= 0xDEADBEEF) between 192.0.2.40 and 203.0.113.40 (user= 203.0.113.40) has been deleted."
    expect = { sip = "192.0.2.40", dip = "203.0.113.40", login = "203.0.113.40", "labels.state" = "deleted" }
  }
}

rule "asa-aaa-auth" {
  description      = "113004, 113005, 113012, 113015: AAA authentication of a user"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>11300[45]|11301[25]):? AAA user (?P<labels__aaa_type>authentication|authorization|accounting) (?P<labels__result>Successful|Rejected)\s*:(?:\s*reason = (?P<event__reason>[^:]+?)\s*:)?(?:\s*(?:server =\s*<dhost>|local database)\s*[:,])?\s*[Uu]ser = ?(?P<source__user__name>[^:]*?)(?:\s*:\s*[Uu]ser IP = (?:<shost>|None))?\s*$
  RE
  map              = { "user.name" = "source.user.name" }
  classification   = "Authentication Success"
  common_event     = "User Authenticated"
  risk             = 2
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  sub_rule "rejected" {
    when           = "event.labels.result == \"Rejected\""
    classification = "Authentication Failure"
    common_event   = "User Authentication Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Apr 01 2024 08:00:28: %ASA-6-113004: AAA user authentication Successful : server =  192.0.2.50 : user = lena"
    expect = { login = "lena", dip = "192.0.2.50", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 01 2024 08:00:29: %ASA-2-113005: AAA user authentication Rejected : reason = AAA failure : server = 192.0.2.50 : user = mo : user IP = 198.51.100.50"
    expect = { login = "mo", sip = "198.51.100.50", reason = "AAA failure", "event.outcome" = "failure" }
  }
}

rule "asa-login" {
  description      = "605004, 605005: a login to the device denied or permitted"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>60500[45]):? Login (?P<labels__result>denied|permitted) from <shost>/<sport> to <asa_outiface>:<dhost>/(?P<labels__service>\S+) for user "(?P<source__user__name>[^"]*)"
  RE
  map              = { "user.name" = "source.user.name" }
  classification   = "Authentication Success"
  common_event     = "Device Login"
  risk             = 3
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  sub_rule "denied" {
    when           = "event.labels.result == \"denied\""
    classification = "Authentication Failure"
    common_event   = "Device Login Denied"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Apr 01 2024 08:00:30: %ASA-6-605005: Login permitted from 192.0.2.60/51515 to inside:192.0.2.1/ssh for user \"nina\""
    expect = { login = "nina", sip = "192.0.2.60", "labels.service" = "ssh", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 01 2024 08:00:31: %ASA-6-605004: Login denied from 198.51.100.60/40000 to outside:192.0.2.1/ssh for user \"admin\""
    expect = { login = "admin", "event.outcome" = "failure", classification = "Authentication Failure" }
  }
}

rule "asa-command" {
  description      = "111008, 111009, 111010: a user ran a command on the device"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = "%(?:ASA|FTD|PIX)(?:-\\w+)?-<asa_level>-(?P<event__code>11100[89]|111010):? User '(?P<login>[^']*)'(?:, running '[^']*' from IP <shost>,)? executed (?:the )?'(?P<command>[^']*)'"
  classification   = "Policy"
  common_event     = "Device Command Executed"
  risk             = 3
  fields           = { "event.category" = ["configuration"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:32: %ASA-5-111008: User 'olga' executed the 'write memory' command."
    expect = { login = "olga", command = "write memory" }
  }
  test {
    log    = "Apr 01 2024 08:00:33: %ASA-5-111010: User 'olga', running 'CLI' from IP 192.0.2.61, executed 'clear xlate'"
    expect = { login = "olga", sip = "192.0.2.61", command = "clear xlate" }
  }
}

rule "asa-user-auth" {
  description      = "611101-611103: a user authenticated to, or logged out of, the device"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = "%(?:ASA|FTD|PIX)(?:-\\w+)?-<asa_level>-(?P<event__code>61110[1-3]):? User (?P<labels__result>authentication succeeded|authentication failed|logged out):(?: IP address: <shost>,)? Uname: (?P<login>\\S+)"
  classification   = "Authentication Success"
  common_event     = "Device User Authenticated"
  risk             = 2
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  sub_rule "failed" {
    when           = "event.labels.result == \"authentication failed\""
    classification = "Authentication Failure"
    common_event   = "Device User Authentication Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "logout" {
    when           = "event.labels.result == \"logged out\""
    classification = "Other Audit Success"
    common_event   = "Device User Logged Out"
    risk           = 1
  }

  test {
    log    = "Apr 01 2024 08:00:34: %ASA-6-611101: User authentication succeeded: IP address: 192.0.2.62, Uname: pat"
    expect = { login = "pat", sip = "192.0.2.62", common_event = "Device User Authenticated" }
  }
}

rule "asa-threat-detection" {
  description      = "733100: threat detection saw a rate exceeded (scanning, SYN attack, …)"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>733100):? \[\s*(?P<labels__threat>[^\]]*?)\s*\] drop rate-(?P<labels__rate_id>\d+) exceeded
  RE
  classification   = "Attack"
  common_event     = "Threat Rate Exceeded"
  risk             = 6
  fields           = { "event.category" = ["intrusion_detection"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:35: %ASA-4-733100: [ Scanning] drop rate-1 exceeded. Current burst rate is 10 per second, max configured rate is 5"
    expect = { "labels.threat" = "Scanning", "event.code" = "733100" }
  }
}

# ------------------------------------------------------- more message families
#
# As in the rules above (and Elastic's pipeline of the same vintage), a
# packet the device denied is a successful firewall decision:
# event.type says "denied", event.outcome stays "success".
#
# Cluster stubs, offload, inspection engines (SIP, DNS, IDS), SSL, IKEv2,
# AnyConnect/WebVPN, DAP, IPAA and AAA details, as Elastic's cisco_asa
# pipeline reads them.

rule "asa-stub-connection-built" {
  description      = "302022, 302024, 302026: a cluster director, backup or forwarder stub connection built"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30202[246]):? Built (?P<labels__stub_role>\w+) +stub <protocol> connection for <asa_iniface>:<shost>/<sport> \(.*?\)? to <asa_outiface>:<dhost>/<dport>
  RE
  classification   = "Network Traffic"
  common_event     = "Stub Connection Built"
  risk             = 0
  fields           = { "event.action" = "flow-creation", "event.category" = ["network"], "event.type" = ["connection", "start"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:00 fw-c1 : %ASA-6-302022: Built director stub TCP connection for inside:192.0.2.80/40100 (192.0.2.80/40100) to dmz:198.51.100.80/8080 (198.51.100.80/8080)"
    expect = { sip = "192.0.2.80", sport = "40100", dip = "198.51.100.80", dport = "8080", protocol = "tcp", "labels.stub_role" = "director" }
  }
  test {
    log    = "Apr 02 2024 09:00:01 fw-c1 : %ASA-6-302026: Built backup stub ICMP connection for inside:192.0.2.81/512 (192.0.2.81) to outside:198.51.100.81/0 (198.51.100.81)"
    expect = { sip = "192.0.2.81", dport = "0", protocol = "icmp" }
  }
}

rule "asa-stub-connection-teardown" {
  description      = "302023, 302025, 302027: a cluster stub connection torn down"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30202[357]):? Teardown stub <protocol> connection for <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport> duration (?P<labels__duration>\S+) forwarded bytes (?P<network__bytes>\d+)(?: (?P<event__reason>.+))?
  RE
  classification   = "Network Traffic"
  common_event     = "Stub Connection Closed"
  risk             = 0
  fields           = { "event.action" = "flow-expiration", "event.category" = ["network"], "event.type" = ["connection", "end"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:02 fw-c1 : %ASA-6-302023: Teardown stub TCP connection for inside:192.0.2.80/40100 to dmz:198.51.100.80/8080 duration 0:00:03 forwarded bytes 900 Cluster flow with CLU closed on owner"
    expect = { sip = "192.0.2.80", dport = "8080", reason = "Cluster flow with CLU closed on owner", "network.bytes" = "900" }
  }
}

rule "asa-connection-teardown-from" {
  description      = "302036, 302304, 302306: a state-bypass (or SCTP) connection torn down"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>302036|30230[46]):? Teardown <protocol> (?:state-bypass )?connection (?P<labels__connection_id>\d+) (?:for|from) <asa_iniface>:<shost>/<sport>(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? to <asa_outiface>:<dhost>/<dport>(?:\((?:(?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? duration (?P<labels__duration>\S+) bytes <bytes>(?: (?P<event__reason>.+))?
  RE
  classification   = "Network Traffic"
  common_event     = "Connection Closed"
  risk             = 1
  fields           = { "event.action" = "flow-expiration", "event.category" = ["network"], "event.type" = ["connection", "end"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:03 fw1 : %ASA-6-302304: Teardown TCP state-bypass connection 4242 from inside:192.0.2.82/50001 to dmz:198.51.100.82/9101 duration 0:10:00 bytes 512 Connection timeout"
    expect = { sip = "192.0.2.82", sport = "50001", dip = "198.51.100.82", dport = "9101", bytes = "512", reason = "Connection timeout", protocol = "tcp" }
  }
}

rule "asa-flow-offload" {
  description      = "805001, 805002: a flow offloaded to (or taken back from) the fast path"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>80500[12]):? (?:Offloaded <protocol> Flow|<protocol> Flow is no longer offloaded) for connection (?P<labels__connection_id>\d+) from <asa_iniface>:<shost>/<sport> \([^)]*\) to <asa_outiface>:<dhost>/<dport>
  RE
  classification   = "Network Traffic"
  common_event     = "Flow Offload"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["connection"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:04 fw1 : %ASA-6-805001: Offloaded TCP Flow for connection 777 from inside:192.0.2.83/41000 (203.0.113.83/41000) to outside:198.51.100.83/443 (198.51.100.83/443)"
    expect = { sip = "192.0.2.83", sport = "41000", dip = "198.51.100.83", dport = "443", protocol = "tcp" }
  }
  test {
    log    = "Apr 02 2024 09:00:05 fw1 : %ASA-6-805002: UDP Flow is no longer offloaded for connection 778 from inside:192.0.2.84/41001 (203.0.113.84/41001) to outside:198.51.100.84/53 (198.51.100.84/53)"
    expect = { sip = "192.0.2.84", dport = "53", protocol = "udp" }
  }
}

rule "asa-ftp-file" {
  description      = "303002: a file stored or retrieved over an inspected FTP connection"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>303002):? (?P<network__protocol>\S+) connection from <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport>, user (?P<client__user__name>\S+) (?P<labels__ftp_action>Stored|Retrieved) file (?P<file__path>.+)
  RE
  classification   = "Other Audit Success"
  common_event     = "FTP File Transfer"
  risk             = 1
  fields           = { "event.action" = "ftp", "event.category" = ["network", "file"], "event.type" = ["access"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  map              = { "user.name" = "client.user.name" }
  test {
    log    = "Apr 02 2024 09:00:06 fw1 : %ASA-6-303002: FTP connection from inside:192.0.2.85/50100 to dmz:198.51.100.85/21, user rita Retrieved file /pub/report.csv"
    expect = { sip = "192.0.2.85", dport = "21", "client.user.name" = "rita", "file.path" = "/pub/report.csv" }
  }
}

rule "asa-sfr" {
  description      = "434002, 434004: the FirePOWER (SFR) module asked to drop or bypass a flow"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>43400[24]):? SFR requested (?:ASA )?(?P<labels__sfr_action>to drop|to bypass further packet redirection and process) <protocol> (?:packet|flow) from <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport>
  RE
  classification   = "Network Deny"
  common_event     = "SFR Drop"
  risk             = 2
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  sub_rule "bypass" {
    when           = "event.event.code == \"434004\""
    classification = "Network Allow"
    common_event   = "SFR Bypass"
    risk           = 1
    fields         = { "event.type" = ["info"], "event.action" = "bypass", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 02 2024 09:00:07 fw1 : %ASA-4-434002: SFR requested to drop TCP packet from outside:198.51.100.86/5555 to inside:192.0.2.86/445"
    expect = { sip = "198.51.100.86", dport = "445", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 02 2024 09:00:08 fw1 : %ASA-5-434004: SFR requested ASA to bypass further packet redirection and process TCP flow from inside:192.0.2.87/5000 to outside:198.51.100.87/443 locally"
    expect = { sip = "192.0.2.87", dport = "443", classification = "Network Allow" }
  }
}

rule "asa-no-egress" {
  description      = "110002, 110003: no route or egress interface for a packet"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>11000[23]):? (?P<event__reason>Failed to locate egress interface|Routing failed to locate next hop) for <protocol> from <asa_iniface>:<shost>/<sport> to (?:<asa_outiface>:)?<dhost>/<dport>
  RE
  classification   = "Network Deny"
  common_event     = "No Route To Destination"
  risk             = 2
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "info"], "event.outcome" = "failure", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:09 fw1 : %ASA-6-110002: Failed to locate egress interface for UDP from inside:192.0.2.88/5353 to 198.51.100.88/5353"
    expect = { sip = "192.0.2.88", dip = "198.51.100.88", dport = "5353", protocol = "udp" }
  }
}

rule "asa-inspection-terminated" {
  description      = "507003: an inspection engine terminated a flow"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>507003):? <protocol> flow from <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport> terminated by inspection engine, reason - (?P<event__reason>.+)
  RE
  classification   = "Network Deny"
  common_event     = "Flow Terminated By Inspection"
  risk             = 3
  fields           = { "event.action" = "flow-termination", "event.category" = ["network"], "event.type" = ["connection", "end"], "event.outcome" = "failure", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:10 fw1 : %ASA-4-507003: tcp flow from outside:198.51.100.89/40000 to dmz:192.0.2.89/80 terminated by inspection engine, reason - invalid HTTP header, dropped packet."
    expect = { sip = "198.51.100.89", dport = "80", protocol = "tcp", reason = "invalid HTTP header, dropped packet." }
  }
}

rule "asa-deny-protocol" {
  description      = "106010, 106011: an inbound or outbound packet of some protocol denied"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>10601[01]):? Deny (?P<network__direction>inbound|outbound) (?:protocol (?P<network__iana_number>\d+)|<protocol>) src <asa_iniface>:<shost>(?:/<sport>)?(?:\((?:(?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+(?::[^()\s]*)?)?|\d+:[^()\s]*)\))? ?dst <asa_outiface>:<dhost>(?:/<dport>)?
  RE
  classification   = "Network Deny"
  common_event     = "Packet Denied"
  risk             = 3
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:11 fw1 : %ASA-3-106010: Deny inbound sctp src outside:198.51.100.90/5000 dst dmz:192.0.2.90/2905"
    expect = { sip = "198.51.100.90", sport = "5000", dip = "192.0.2.90", dport = "2905", protocol = "sctp", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 02 2024 09:00:12 fw1 : %ASA-3-106010: Deny inbound protocol 103 src outside:198.51.100.91 dst dmz:192.0.2.91"
    expect = { sip = "198.51.100.91", "network.iana_number" = "103" }
  }
}

rule "asa-deny-ip" {
  description      = "106012, 106013, 106020, 106022, 106027, 106002, 106018: IP packets denied (options, PAT echo, teardrop, spoofing, lists)"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>10601[238]|10602[027]|106002):? (?:Deny IP from <shost> to <dhost>, (?P<event__reason>.+)|Dropping echo request from <shost> to PAT address <dhost>|Deny IP teardrop fragment \([^)]*\) from <shost> to <dhost>|Deny <protocol> connection spoof from <shost> to <dhost> on interface (?P<observer__ingress__interface__name>\S+)|.*?Deny src <shost> dst <dhost> by access-group \"(?P<rule__name>[^\"]*)\"|<protocol> (?:Connection denied|packet type \d+ denied) by (?P<network__direction>inbound|outbound) list (?P<labels__list_id>\S+) src <shost> dest <dhost>)
  RE
  classification   = "Network Deny"
  common_event     = "Packet Denied"
  risk             = 3
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:13 fw1 : %ASA-4-106012: Deny IP from 198.51.100.92 to 192.0.2.92, IP options: \"Router Alert\""
    expect = { sip = "198.51.100.92", dip = "192.0.2.92", reason = "IP options: \"Router Alert\"" }
  }
  test {
    log    = "Apr 02 2024 09:00:14 fw1 : %ASA-4-106013: Dropping echo request from 198.51.100.93 to PAT address 192.0.2.93"
    expect = { sip = "198.51.100.93", dip = "192.0.2.93" }
  }
  test {
    log    = "Apr 02 2024 09:00:15 fw1 : %ASA-2-106027: acl_id 4 Deny src 198.51.100.94 dst 192.0.2.94 by access-group \"outside_l2\""
    expect = { sip = "198.51.100.94", "rule.name" = "outside_l2" }
  }
}

rule "asa-ssh-session" {
  description      = "315011: an SSH session to the device ended"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>315011):? SSH session from (?:<shost> )?on interface (?P<observer__ingress__interface__name>\S+) for user \"?(?P<source__user__name>[^\"]*?)\"? (?:disconnected by SSH server, reason: \"?(?P<event__reason>[^\"]*?)\"?(?: \(0x[0-9a-fA-F]+\))?|terminated normally)\.?$
  RE
  classification   = "Other Audit Success"
  common_event     = "Device SSH Session Ended"
  risk             = 1
  fields           = { "event.action" = "ssh-session-ended", "event.category" = ["network", "session"], "event.type" = ["connection", "end"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:16 fw1 : %ASA-6-315011: SSH session from 192.0.2.95 on interface inside for user \"nora\" disconnected by SSH server, reason: \"Time-out activated\" (0x91)"
    expect = { sip = "192.0.2.95", "source.user.name" = "nora", reason = "Time-out activated" }
  }
  test {
    log    = "Apr 02 2024 09:00:17 fw1 : %ASA-6-315011: SSH session from 192.0.2.95 on interface inside for user nora terminated normally"
    expect = { "source.user.name" = "nora", reason = "" }
  }
}

rule "asa-mac-spoof" {
  description      = "322001, 322002, 322003: a MAC address denied as a possible spoof"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>32200[1-3]):? (?:Deny MAC address <smac>, possible spoof attempt on interface (?P<observer__ingress__interface__name>\S+)|ARP inspection check failed for arp (?:request|response) received from host <smac> on interface (?P<labels__arp_interface>\S+)(?:\. This host is advertising MAC Address <dmac> for IP Address <shost>)?)
  RE
  classification   = "Suspicious"
  common_event     = "MAC Spoof Denied"
  risk             = 4
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:18 fw1 : %ASA-3-322001: Deny MAC address 00:00:5e:00:53:01, possible spoof attempt on interface inside"
    expect = { "source.mac" = "00:00:5e:00:53:01" }
  }
}

rule "asa-dns-snoop" {
  description      = "338301: the botnet filter intercepted a DNS reply"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>338301):? Intercepted DNS reply for domain (?P<source__domain>\S+) from <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport>, matched (?P<rule__name>\S+)
  RE
  classification   = "Information"
  common_event     = "DNS Reply Intercepted"
  risk             = 1
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "info"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:19 fw1 : %ASA-5-338301: Intercepted DNS reply for domain bad.example.net from outside:198.51.100.96/53 to inside:192.0.2.96/40000, matched blacklist"
    expect = { sip = "198.51.100.96", sport = "53", dip = "192.0.2.96", "source.domain" = "bad.example.net", "rule.name" = "blacklist" }
  }
}

rule "asa-priv-level" {
  description      = "502103: a user's privilege level changed"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>502103):? User priv level changed: Uname: (?P<server__user__name>\S+) From: (?P<labels__privilege_old>\d+) To: (?P<labels__privilege_new>\d+)
  RE
  classification   = "Account Modified"
  common_event     = "Privilege Level Changed"
  risk             = 3
  fields           = { "event.action" = "privilege-level-changed", "event.category" = ["iam"], "event.type" = ["user", "change"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  map              = { "user.name" = "server.user.name" }
  test {
    log    = "Apr 02 2024 09:00:20 fw1 : %ASA-5-502103: User priv level changed: Uname: enable_15 From: 1 To: 15"
    expect = { "server.user.name" = "enable_15", "labels.privilege_new" = "15" }
  }
}

rule "asa-sip-preallocate" {
  description      = "607001: SIP inspection pre-allocated a secondary channel"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>607001):? Pre-allocate SIP (?P<labels__sip_channel>.+?) (?:<protocol> )?secondary channel for <asa_outiface>:<dhost>/<dport> to <asa_iniface>:<shost>(?:/<sport>)? from (?P<labels__sip_message>\S+) message
  RE
  classification   = "Network Allow"
  common_event     = "SIP Channel Pre-allocated"
  risk             = 1
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["info"], "event.outcome" = "success", "network.protocol" = "sip", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:21 fw1 : %ASA-6-607001: Pre-allocate SIP Via UDP secondary channel for outside:198.51.100.97/5060 to voice:192.0.2.97 from INVITE message"
    expect = { dip = "198.51.100.97", dport = "5060", sip = "192.0.2.97", protocol = "udp", "labels.sip_message" = "INVITE" }
  }
}

rule "asa-sip-inspect" {
  description      = "607002, 607003: SIP inspection dropped or reset a SIP message"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>60700[23]):? (?P<labels__sip_action>Drop|Reset|Reset-Drop|Mask|Log|Drop-Connection)?\s*(?:action .*?)?SIP.*?(?:from|for) <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport>
  RE
  classification   = "Network Deny"
  common_event     = "SIP Message Refused"
  risk             = 3
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "success", "network.protocol" = "sip", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:22 fw1 : %ASA-4-607002: Drop action applied for SIP Request from outside:198.51.100.98/5060 to voice:192.0.2.98/5060; max-forwards 0"
    expect = { sip = "198.51.100.98", dport = "5060" }
  }
}

rule "asa-inspect-drop" {
  description      = "4xxxxx: an inspection engine (DNS, HTTP, ESMTP, SIP, H.323, IP audit) dropped a packet between two hosts"
  log_source_types = ["cisco-asa"]
  sort_order       = 120
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>40\d{4}|41[05]\d{3}):? (?P<labels__detail>.*?)(?:\bfrom|\bsrc|\bfor) (?:<asa_iniface>:)?<shost>(?:/<sport>)? (?:to|dst) (?:<asa_outiface>:)?<dhost>(?:/<dport>)?\b
  RE
  classification   = "Suspicious"
  common_event     = "Inspection Drop"
  risk             = 3
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:23 fw1 : %ASA-4-400013: IDS:2003 ICMP redirect from 198.51.100.99 to 192.0.2.99 on interface outside"
    expect = { sip = "198.51.100.99", dip = "192.0.2.99", "event.code" = "400013" }
  }
  test {
    log    = "Apr 02 2024 09:00:24 fw1 : %ASA-4-410001: Dropped UDP DNS request from inside:192.0.2.100/53000 to outside:198.51.100.100/53; label length 70 bytes exceeds protocol limit of 63 bytes"
    expect = { sip = "192.0.2.100", sport = "53000", dport = "53" }
  }
  test {
    log             = "Apr 02 2024 09:00:24 fw1 : %ASA-4-410001: Dropped UDP DNS request from inside:192.0.2.100/53000 to outside:198.51.100.100/53; label length 70 bytes exceeds protocol limit of 63 bytes"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.100", "event.dataset" = "cisco-asa" }
  }
}

rule "asa-ssl-session" {
  description      = "725001, 725002, 725007, 725016: an SSL/TLS session with a client or server of the device"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>72500[127]|725016):? (?:Starting SSL handshake|Device completed SSL handshake|SSL session|Device selects trust-point (?P<labels__trustpoint>\S+)) (?:with|for) (?P<labels__peer_type>client|server) <asa_iniface>:<shost>/<sport>(?: to <dhost>/<dport>)?(?: for (?P<labels__tls_version>\S+?) session)?
  RE
  classification   = "Information"
  common_event     = "SSL Session"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "info"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  sub_rule "terminated" {
    when   = "event.event.code == \"725007\""
    fields = { "event.type" = ["connection", "end"], "event.outcome" = "failure" }
  }
  test {
    log    = "Apr 02 2024 09:00:25 vpn1 : %ASA-6-725001: Starting SSL handshake with client outside:198.51.100.101/50500 to 192.0.2.101/443 for TLSv1.2 session"
    expect = { sip = "198.51.100.101", sport = "50500", dip = "192.0.2.101", dport = "443" }
  }
  test {
    log    = "Apr 02 2024 09:00:26 vpn1 : %ASA-6-725007: SSL session with client outside:198.51.100.101/50500 to 192.0.2.101/443 terminated."
    expect = { sip = "198.51.100.101", "event.outcome" = "failure" }
  }
}

rule "asa-ikev2-peer" {
  description      = "750001-750015, 751xxx: IKEv2 messages that name the local and remote peer and the user"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>75[01]\d\d\d):? Local:<shost>:<sport> Remote:<dhost>:<dport> Username:(?P<login>\S*) (?:IKEv2 Group:(?P<source__user__group__name>\S+) )?(?P<event__reason>.+)
  RE
  classification   = "Information"
  common_event     = "IKEv2 Negotiation"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "start"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  sub_rule "aborted" {
    when           = "event.event.code in [\"750003\", \"750014\"]"
    classification = "Failed Activity"
    common_event   = "IKEv2 Negotiation Aborted"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "ok" {
    when   = "event.event.code in [\"750001\", \"750002\", \"750006\", \"751025\"]"
    fields = { "event.outcome" = "success" }
  }
  test {
    log    = "Apr 02 2024 09:00:27 vpn1 : %ASA-5-750002: Local:192.0.2.102:500 Remote:198.51.100.102:500 Username:Unknown Received a IKE_INIT_SA request"
    expect = { sip = "192.0.2.102", sport = "500", dip = "198.51.100.102", dport = "500", login = "Unknown", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 02 2024 09:00:28 vpn1 : %ASA-4-750003: Local:192.0.2.102:500 Remote:198.51.100.102:500 Username:omar Negotiation aborted due to ERROR: Auth exchange failed"
    expect = { login = "omar", "event.outcome" = "failure", reason = "Negotiation aborted due to ERROR: Auth exchange failed" }
  }
}

rule "asa-vpn-address-assigned" {
  description      = "751025: an IKEv2 (or SSL) session got its addresses: Local, Remote, Username, group policy, IPv4 and IPv6 address"
  log_source_types = ["cisco-asa"]
  sort_order       = 90
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>751025):? Local:<shost>:<sport> Remote:<dhost>:<dport> Username:(?P<source__user__name>[^@\s]*)(?:@(?P<source__user__domain>\S+))? (?:IKEv2 )?Group:(?P<labels__group_policy>\S+) IPv4 Address=(?P<labels__assigned_ip>\S+) IPv6 address=(?P<labels__assigned_ipv6>\S+) assigned to session
  RE
  classification   = "Information"
  common_event     = "VPN Address Assigned"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "start"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:27 vpn1 : %ASA-6-751025: Local:2001:db8::1:4500 Remote:2001:db8::2:50470 Username:gus@example.com IKEv2 Group:GP_Remote IPv4 Address=192.0.2.150 IPv6 address=2001:db8::150 assigned to session"
    expect = { sip = "2001:db8::1", sport = "4500", dip = "2001:db8::2", dport = "50470", "source.user.name" = "gus", "source.user.domain" = "example.com", "labels.assigned_ip" = "192.0.2.150" }
  }
}

rule "asa-vpn-reboot-pending" {
  description      = "113037: a reboot is pending, new VPN sessions are refused"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = "%(?:ASA|FTD|PIX)(?:-\\w+)?-<asa_level>-(?P<event__code>113037):? Reboot pending, new sessions disabled\\. Denied user login"
  classification   = "Failed Activity"
  common_event     = "VPN Session Refused"
  risk             = 2
  fields           = { "event.action" = "client-vpn-error", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "failure", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:28 vpn1 : %ASA-6-113037: Reboot pending, new sessions disabled. Denied user login."
    expect = { "event.code" = "113037", "event.outcome" = "failure" }
  }
}

rule "asa-ike-ip" {
  description      = "713xxx without a group: IKE messages that begin IP = ip"
  log_source_types = ["cisco-asa"]
  sort_order       = 150
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>713\d\d\d):? IP = <shost>, (?P<event__reason>.+?)\.?$
  RE
  classification   = "Information"
  common_event     = "VPN Negotiation"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "info"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:29 vpn1 : %ASA-5-713202: IP = 198.51.100.103, Duplicate first packet detected. Ignoring packet."
    expect = { sip = "198.51.100.103", reason = "Duplicate first packet detected. Ignoring packet" }
  }
}

rule "asa-vpn-resumed" {
  description      = "716059: an AnyConnect session resumed from another address"
  log_source_types = ["cisco-asa"]
  sort_order       = 90
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>716059):? Group <?(?P<source__user__group__name>[^<>]+?)>? User(?: <?(?P<source__user__name>[^<>]*?)>?)? IP <?<dhost>>? AnyConnect session resumed[. ]+[Cc]onnection from(?: IP)? <?<shost>>?\.?$
  RE
  classification   = "Information"
  common_event     = "VPN Session Resumed"
  risk             = 1
  fields           = { "event.action" = "client-vpn-resumed", "event.category" = ["network", "session"], "event.type" = ["connection", "start"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:30 vpn1 : %ASA-6-716059: Group <Remote> User <pia> IP <192.0.2.104> AnyConnect session resumed connection from IP <198.51.100.104>."
    expect = { sip = "198.51.100.104", dip = "192.0.2.104", "source.user.name" = "pia" }
  }
  test {
    log    = "Apr 02 2024 09:00:31 vpn1 : %ASA-6-716059: Group Remote User pia IP 192.0.2.104 AnyConnect session resumed. Connection from 198.51.100.104."
    expect = { sip = "198.51.100.104", dip = "192.0.2.104" }
  }
}

rule "asa-webvpn-access" {
  description      = "716003: a WebVPN user was granted access to a URL"
  log_source_types = ["cisco-asa"]
  sort_order       = 90
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>716003):? Group <?(?P<source__user__group__name>[^<>]+?)>? User <?(?P<source__user__name>[^<>]*?)>? IP <?<shost>>? WebVPN access GRANTED: (?:"<url>"|<url>)$
  RE
  classification   = "Access Granted"
  common_event     = "WebVPN Access Granted"
  risk             = 1
  fields           = { "event.category" = ["authentication", "network"], "event.type" = ["allowed", "info"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:32 vpn1 : %ASA-6-716003: Group staff User quinn IP 198.51.100.105 WebVPN access GRANTED: \"https://intranet.example.com/wiki\""
    expect = { sip = "198.51.100.105", "source.user.name" = "quinn", url = "https://intranet.example.com/wiki" }
  }
}

rule "asa-vpn-client-type" {
  description      = "722055: the client (user agent) of an AnyConnect session"
  log_source_types = ["cisco-asa"]
  sort_order       = 90
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>722055):? Group <?(?P<source__user__group__name>[^<>]+?)>? User <?(?P<source__user__name>[^<>]*?)>? IP <?<shost>>? Client Type: <useragent>$
  RE
  classification   = "Information"
  common_event     = "VPN Client Type"
  risk             = 0
  fields           = { "event.category" = ["network", "session"], "event.type" = ["connection", "info"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:33 vpn1 : %ASA-6-722055: Group <Remote> User <rosa> IP <198.51.100.106> Client Type: Cisco AnyConnect VPN Agent for Windows 4.10.01075"
    expect = { sip = "198.51.100.106", "source.user.name" = "rosa", useragent = "Cisco AnyConnect VPN Agent for Windows 4.10.01075" }
  }
}

rule "asa-webvpn-session" {
  description      = "721016, 721018: a WebVPN session for a client user created or deleted"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>72101[68]):? \((?P<labels__device_type>[^)]*)\) WebVPN session for client user (?P<source__user__name>[^,]+), IP(?:v4|v6)? <dip> has been (?P<labels__state>created|deleted)
  RE
  classification   = "Information"
  common_event     = "WebVPN Session"
  risk             = 1
  fields           = { "event.category" = ["network", "session"], "event.type" = ["connection", "start"], "event.action" = "client-vpn-connected", "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  sub_rule "deleted" {
    when   = "event.labels.state == \"deleted\""
    fields = { "event.type" = ["connection", "end"], "event.action" = "client-vpn-disconnected" }
  }
  test {
    log    = "Apr 02 2024 09:00:34 vpn1 : %ASA-6-721018: (WebVPN-Primary) WebVPN session for client user sam, IPv4 192.0.2.107 has been deleted."
    expect = { "source.user.name" = "sam", dip = "192.0.2.107", "event.action" = "client-vpn-disconnected" }
  }
}

rule "asa-webvpn-auth-rejected" {
  description      = "716039 (older form): WebVPN or admin authentication rejected"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>716039):? Authentication: rejected, group = (?P<source__user__group__name>\S+) user = (?P<source__user__name>\S+) , Session Type: (?P<labels__session_type>\S+)
  RE
  classification   = "Authentication Failure"
  common_event     = "VPN Authentication Rejected"
  risk             = 4
  fields           = { "event.action" = "logon-failed", "event.category" = ["authentication", "network"], "event.type" = ["denied", "info"], "event.outcome" = "failure", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:35 vpn1 : %ASA-6-716039: Authentication: rejected, group = staff user = tim , Session Type: WebVPN"
    expect = { "source.user.name" = "tim", "event.outcome" = "failure" }
  }
}

rule "asa-dap" {
  description      = "734001, 734002, 734003: Dynamic Access Policy records selected for a connection"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>73400[1-3]):? DAP: User (?P<user__email>[^,]+), Addr <shost>(?:, Connection (?P<labels__connection_type>[^:]+))?: (?P<labels__detail>.+)
  RE
  classification   = "Access Granted"
  common_event     = "DAP Records Selected"
  risk             = 1
  fields           = { "event.action" = "logged-in", "event.category" = ["authentication", "network"], "event.type" = ["allowed", "info"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  map              = { "user.name" = "user.email" }
  test {
    log    = "Apr 02 2024 09:00:36 vpn1 : %ASA-6-734001: DAP: User uma@example.com, Addr 198.51.100.108, Connection AnyConnect: The following DAP records were selected for this connection: dap_staff, dap_posture"
    expect = { sip = "198.51.100.108", "user.email" = "uma@example.com", "labels.connection_type" = "AnyConnect" }
  }
  test {
    log             = "Apr 02 2024 09:00:36 vpn1 : %ASA-6-734001: DAP: User uma@example.com, Addr 198.51.100.108, Connection AnyConnect: The following DAP records were selected for this connection: dap_staff"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.108", "event.dataset" = "cisco-asa" }
  }
}

rule "asa-ipaa" {
  description      = "737xxx: IP address assignment (local pools, DHCP) for VPN sessions"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>737\d\d\d):? IPAA: (?:Session=(?P<labels__session_id>[^,\s]+), )?(?P<event__reason>.+)
  RE
  classification   = "Information"
  common_event     = "VPN Address Assignment"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "info"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  sub_rule "failed" {
    when           = "event.event.code in [\"737003\", \"737034\"]"
    classification = "Warning"
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "ok" {
    when   = "event.event.code in [\"737006\", \"737016\", \"737026\"]"
    fields = { "event.outcome" = "success" }
  }
  test {
    log    = "Apr 02 2024 09:00:37 vpn1 : %ASA-6-737026: IPAA: Session=0x00a1b2c3, Client assigned 192.0.2.109 from local pool POOL_A"
    expect = { "labels.session_id" = "0x00a1b2c3", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 02 2024 09:00:38 vpn1 : %ASA-5-737003: IPAA: DHCP configured, no viable servers found for tunnel-group Remote"
    expect = { "event.outcome" = "failure" }
  }
}

rule "asa-aaa-misc" {
  description      = "113008, 113009, 113021, 113022, 113023: AAA transactions, group policies, console admin rights and AAA server state"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>11300[89]|11302[123]):? (?:AAA transaction status ACCEPT\s*: user = (?P<source__user__name>.+)|AAA retrieved default group policy (?P<labels__group_policy>\S+) for user (?P<labels__user2>.+)|Attempted console login failed\. User (?P<labels__user3>\S+) did NOT have appropriate Admin Rights\.?|AAA Marking (?P<network__protocol>\S+) server <dhost> in aaa-server group (?P<labels__aaa_group>\S+) as (?P<labels__state>\S+))
  RE
  classification   = "Authentication Success"
  common_event     = "AAA Transaction"
  risk             = 2
  fields           = { "event.category" = ["authentication", "network"], "event.type" = ["allowed", "info"], "event.outcome" = "success", "event.action" = "logged-in", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  map              = { "source.user.name" = ["labels.user2", "labels.user3"] }
  sub_rule "console-denied" {
    when           = "event.event.code == \"113021\""
    classification = "Authentication Failure"
    common_event   = "Console Login Refused"
    risk           = 4
    fields         = { "event.outcome" = "failure", "event.type" = ["denied", "info"], "event.action" = "logon-failed" }
  }
  sub_rule "server-failed" {
    when           = "event.event.code == \"113022\""
    classification = "Error"
    common_event   = "AAA Server Failed"
    fields         = { "event.outcome" = "failure", "event.category" = ["network"], "event.type" = ["info"], "event.action" = "server-failed" }
  }
  sub_rule "server-active" {
    when           = "event.event.code == \"113023\""
    classification = "Information"
    common_event   = "AAA Server Active"
    fields         = { "event.category" = ["network"], "event.type" = ["info"], "event.action" = "server-active" }
  }
  test {
    log    = "Apr 02 2024 09:00:39 fw1 : %ASA-6-113008: AAA transaction status ACCEPT : user = vera"
    expect = { "source.user.name" = "vera", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 02 2024 09:00:40 fw1 : %ASA-3-113021: Attempted console login failed. User walt did NOT have appropriate Admin Rights."
    expect = { "source.user.name" = "walt", "event.outcome" = "failure", classification = "Authentication Failure" }
  }
  test {
    log    = "Apr 02 2024 09:00:41 fw1 : %ASA-2-113022: AAA Marking RADIUS server 192.0.2.110 in aaa-server group RAD as FAILED"
    expect = { dip = "192.0.2.110", "event.outcome" = "failure" }
  }
}

rule "asa-vpn-group-locked" {
  description      = "113040: a VPN connection attempt refused by a group lock"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>113040):? (?:Group <(?P<source__user__group__name>[^<>]*)> User <(?P<source__user__name>[^<>]*)> IP <<shost>> )?Terminating the VPN connection attempt from <?(?P<labels__tunnel_group>[^<>]+?)>?\. Reason: (?P<event__reason>.+)
  RE
  classification   = "Failed Activity"
  common_event     = "VPN Group Locked"
  risk             = 3
  fields           = { "event.action" = "client-vpn-error", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "failure", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 02 2024 09:00:42 vpn1 : %ASA-4-113040: Terminating the VPN connection attempt from Contractors. Reason: This connection is group locked to Staff."
    expect = { "labels.tunnel_group" = "Contractors", "event.outcome" = "failure" }
  }
}

rule "asa-config-session" {
  description      = "111001, 111004, 111005, 111007, 111008-111010 (cmd: form): configuration sessions and commands"
  log_source_types = ["cisco-asa"]
  sort_order       = 110
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>11100[1-9]|111010):? (?:(?P<labels__config_source>\S+) end configuration: (?P<labels__result>OK|FAILED)|Begin configuration: (?P<labels__config_source2>\S+) (?:reading|writing) from (?P<labels__target>.+)|User '(?P<server__user__name>[^']*)' executed cmd: (?P<command>.+))
  RE
  classification   = "Policy"
  common_event     = "Device Configuration"
  risk             = 3
  fields           = { "event.category" = ["configuration"], "event.type" = ["info"], "event.outcome" = "success", "event.action" = "configuration", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }
  map              = { "user.name" = "server.user.name" }
  sub_rule "failed" {
    when   = "event.labels.result == \"FAILED\""
    fields = { "event.outcome" = "failure" }
  }
  sub_rule "changed" {
    when   = "event.labels.result == \"OK\""
    fields = { "event.type" = ["change"] }
  }
  test {
    log    = "Apr 02 2024 09:00:43 fw1 : %ASA-7-111009: User 'xena' executed cmd: show running-config"
    expect = { "server.user.name" = "xena", command = "show running-config" }
  }
  test {
    log    = "Apr 02 2024 09:00:44 fw1 : %ASA-5-111004: console end configuration: FAILED"
    expect = { "event.outcome" = "failure" }
  }
}

rule "ftd-security-event" {
  description      = "430001-430005: FTD security events (intrusion, connection start/end, file, malware) as Key: value pairs in Cisco's order"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:FTD|ASA)(?:-\w+)?-<asa_level>-(?P<event__code>43000[1-5]):? (?:.*?\bAccessControlRuleAction: (?P<event__action>[^,]+),)?(?:.*?\bSrcIP: <shost>,)?(?:.*?\bDstIP: <dhost>,)?(?:.*?\bSrcPort: <sport>,)?(?:.*?\bDstPort: <dport>,)?(?:.*?\bProtocol: <protocol>,)?(?:.*?\bIngressInterface: <asa_iniface>,)?(?:.*?\bEgressInterface: <asa_outiface>,)?(?:.*?\bIngressZone: (?P<observer__ingress__zone>[^,]+),)?(?:.*?\bEgressZone: (?P<observer__egress__zone>[^,]+),)?(?:.*?\bAccessControlRuleName: (?P<rule__name>[^,]+))?(?:.*?\bUser: (?P<labels__user>[^,]+))?(?:.*?\bMessage: (?P<labels__ips_message>[^,]+))?(?:.*?\bFileName: (?P<file__name>[^,]+))?(?:.*?\bThreatName: (?P<labels__threat_name>[^,]+))?
  RE
  classification   = "Network Traffic"
  common_event     = "FTD Connection Event"
  risk             = 1
  map              = { "user.name" = "labels.user" }
  fields           = { "event.category" = ["network"], "event.type" = ["connection"], "observer.vendor" = "Cisco", "observer.product" = "ftd", "observer.type" = "firewall" }

  sub_rule "intrusion" {
    when           = "event.event.code == \"430001\""
    classification = "Attack"
    common_event   = "FTD Intrusion Event"
    risk           = 6
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }
  sub_rule "malware" {
    when           = "event.event.code == \"430005\""
    classification = "Malware"
    common_event   = "FTD Malware Event"
    risk           = 7
    fields         = { "event.category" = ["malware", "file"] }
  }
  sub_rule "file" {
    when         = "event.event.code == \"430004\""
    common_event = "FTD File Event"
    fields       = { "event.category" = ["file", "network"] }
  }
  sub_rule "blocked" {
    when           = "has(event.event.action) && event.event.action in [\"Block\", \"Block with reset\", \"Interactive Block\"]"
    classification = "Network Deny"
    common_event   = "FTD Connection Blocked"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }
  sub_rule "allowed" {
    when   = "has(event.event.action) && event.event.action in [\"Allow\", \"Trust\"]"
    fields = { "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log             = "Mar 12 2024 10:00:00 ftd-01 : %FTD-6-430003: DeviceUUID: 00000000-0000-4000-8000-000000000001, InstanceID: 1, FirstPacketSecond: 2024-03-12T09:59:50Z, ConnectionID: 4242, AccessControlRuleAction: Block, SrcIP: 192.0.2.140, DstIP: 198.51.100.140, SrcPort: 50123, DstPort: 443, Protocol: tcp, IngressInterface: inside, EgressInterface: outside, IngressZone: in-zone, EgressZone: out-zone, ACPolicy: Corporate, AccessControlRuleName: block-gambling, Prefilter Policy: Default, User: EXAMPLE\\zoe, Client: SSL client, ApplicationProtocol: HTTPS, InitiatorPackets: 3, ResponderPackets: 1, InitiatorBytes: 517, ResponderBytes: 60"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.140", dip = "198.51.100.140", sport = "50123", dport = "443", protocol = "tcp", "rule.name" = "block-gambling", "event.outcome" = "failure", "observer.ingress.interface.name" = "inside", "event.dataset" = "cisco-asa" }
  }
}

rule "asa-aaa-cut-through" {
  description      = "109001-109008, 109010-109013: cut-through proxy (uauth) authentication and authorization of a user's connection"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>109\d\d\d):? (?P<labels__aaa_event>Auth(?:entication|orization)? (?:start|succeeded|failed|permitted|denied|from)|Auth start|User from|Auth from)(?: for user '(?P<source__user__name>[^']*)')?(?: from| )?\s*<shost>/<sport> to <dhost>/<dport>(?: (?:on interface|,) (?P<observer__ingress__interface__name>\S+))?
  RE
  classification   = "Authentication Success"
  common_event     = "Cut-through Authentication"
  risk             = 2
  map              = { "user.name" = "source.user.name" }
  fields           = { "event.category" = ["authentication", "network"], "event.type" = ["info"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  sub_rule "failed" {
    when           = "event.labels.aaa_event in [\"Authentication failed\", \"Authorization denied\"]"
    classification = "Authentication Failure"
    common_event   = "Cut-through Authentication Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure", "event.type" = ["denied", "info"] }
  }
  sub_rule "ok" {
    when   = "event.labels.aaa_event in [\"Authentication succeeded\", \"Authorization permitted\"]"
    fields = { "event.outcome" = "success", "event.type" = ["allowed", "info"] }
  }

  test {
    log    = "Apr 03 2024 10:00:00 fw1 : %ASA-6-109005: Authentication succeeded for user 'yara' from 192.0.2.160/50000 to 198.51.100.160/80 on interface inside"
    expect = { "source.user.name" = "yara", sip = "192.0.2.160", sport = "50000", dip = "198.51.100.160", dport = "80", "event.outcome" = "success" }
  }
  test {
    log    = "Apr 03 2024 10:00:01 fw1 : %ASA-2-109008: Authorization denied for user 'yara' from 192.0.2.160/50001 to 198.51.100.160/23 on interface inside"
    expect = { "source.user.name" = "yara", classification = "Authentication Failure", "event.outcome" = "failure" }
  }
  test {
    log    = "Apr 03 2024 10:00:02 fw1 : %ASA-6-109001: Auth start for user 'yara' from 192.0.2.160/50002 to 198.51.100.160/80"
    expect = { "source.user.name" = "yara", dport = "80" }
  }
}

rule "asa-nat-static" {
  description      = "305009, 305010: a static (or identity) translation built or torn down"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>305009|305010):? (?P<labels__state>Built|Teardown) (?P<labels__nat_type>static|identity|dynamic) translation from <asa_iniface>:<shost>(?:\([^)]*\))? to <asa_outiface>:<dhost>(?: duration (?P<labels__duration>\S+))?
  RE
  classification   = "Network Traffic"
  common_event     = "Address Translation"
  risk             = 0
  fields           = { "event.action" = "nat-slot", "event.category" = ["network", "configuration"], "event.type" = ["creation"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  sub_rule "teardown" {
    when   = "event.labels.state == \"Teardown\""
    fields = { "event.type" = ["deletion"] }
  }

  test {
    log    = "Apr 03 2024 10:00:03 fw1 : %ASA-6-305009: Built static translation from inside:192.0.2.161 to outside:203.0.113.161"
    expect = { sip = "192.0.2.161", dip = "203.0.113.161", "labels.nat_type" = "static" }
  }
}

rule "asa-nat-failed" {
  description      = "305005, 305006, 305013, 305016: no translation group, translation creation failed, NAT reverse path failure, port block exhausted"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>30500[56]|305013|305016):? (?:(?P<labels__detail>No translation group found|(?:regular|portmap|static|dynamic) translation creation failed|Asymmetric NAT rules matched for forward and reverse flows; Connection|Unable to create port block)[^:]*? for (?:protocol )?<protocol> src <asa_iniface>:<shost>(?:/<sport>)? dst <asa_outiface>:<dhost>(?:/<dport>)?)
  RE
  classification   = "Network Deny"
  common_event     = "Translation Failed"
  risk             = 2
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 03 2024 10:00:04 fw1 : %ASA-3-305006: regular translation creation failed for icmp src inside:192.0.2.162 dst outside:198.51.100.162 (type 8, code 0)"
    expect = { sip = "192.0.2.162", dip = "198.51.100.162", protocol = "icmp" }
  }
  test {
    log    = "Apr 03 2024 10:00:05 fw1 : %ASA-5-305013: Asymmetric NAT rules matched for forward and reverse flows; Connection for tcp src outside:198.51.100.163/40000 dst inside:192.0.2.163/443 denied due to NAT reverse path failure."
    expect = { sip = "198.51.100.163", sport = "40000", dip = "192.0.2.163", dport = "443" }
  }
}

rule "asa-tcp-drop" {
  description      = "419001, 500004: a TCP packet dropped (bad MSS, window, options) or an invalid transport field"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>419001|500004):? (?:Dropping <protocol> packet from <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport>, reason: (?P<event__reason>.+)|Invalid transport field for protocol=<protocol>, from <shost>/<sport> to <dhost>/<dport>)
  RE
  classification   = "Suspicious"
  common_event     = "Malformed Packet Dropped"
  risk             = 3
  fields           = { "event.action" = "firewall-rule", "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "success", "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 03 2024 10:00:06 fw1 : %ASA-4-419001: Dropping TCP packet from outside:198.51.100.164/443 to inside:192.0.2.164/50500, reason: MSS exceeded, MSS 1380, data 1460"
    expect = { sip = "198.51.100.164", dport = "50500", reason = "MSS exceeded, MSS 1380, data 1460" }
  }
}

rule "asa-threat-host" {
  description      = "733101-733105: threat detection says a host is attacking or targeted, or adds/removes it from the shun list; 401004: a shunned packet"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD|PIX)(?:-\w+)?-<asa_level>-(?P<event__code>73310[1-5]|401004):? (?:(?:Host|Subnet) <shost>(?:/\S+)? is (?P<labels__threat_role>attacking|targeted)|Threat-detection (?P<labels__shun_action>adds|removes) host <shost> (?:to|from) shun list|Shunned packet: <shost> ==> <dhost> on interface (?P<observer__ingress__interface__name>\S+))
  RE
  classification   = "Attack"
  common_event     = "Threat Detected"
  risk             = 6
  fields           = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"], "event.type" = ["info"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  sub_rule "shunned" {
    when           = "event.event.code == \"401004\""
    classification = "Failed Attack"
    common_event   = "Shunned Packet Dropped"
    risk           = 4
    fields         = { "event.type" = ["connection", "denied"] }
  }

  test {
    log    = "Apr 03 2024 10:00:07 fw1 : %ASA-4-733101: Host 198.51.100.165 is attacking. Current burst rate is 200 per second, max configured rate is 100; Current average rate is 90 per second, max configured rate is 50; Cumulative total count is 5400"
    expect = { sip = "198.51.100.165", "labels.threat_role" = "attacking" }
  }
  test {
    log    = "Apr 03 2024 10:00:08 fw1 : %ASA-4-401004: Shunned packet: 198.51.100.165 ==> 192.0.2.165 on interface outside"
    expect = { sip = "198.51.100.165", dip = "192.0.2.165", sub_rule = "shunned" }
  }
}

# ------------------------------------------------------------- the rest

rule "asa-message" {
  description      = "any other ASA/FTD message: kept with its id and severity (log.level)"
  log_source_types = ["cisco-asa"]
  sort_order       = 8990
  pattern          = "%(?P<observer__product>ASA|FTD|PIX)(?:-\\w+)?-<asa_level>-(?P<event__code>\\d+):? ?(?P<labels__detail>.*)"
  classification   = "Information"
  common_event     = "Firewall Message"
  risk             = 0
  fields           = { "observer.vendor" = "Cisco", "observer.type" = "firewall" }

  sub_rule "critical" {
    when           = <<-CEL
      event.log.level in ["emergency", "alert", "critical"]
    CEL
    classification = "Critical"
    risk           = 5
  }
  sub_rule "error" {
    when           = "event.log.level == \"error\""
    classification = "Error"
    risk           = 3
  }
  sub_rule "warning" {
    when           = "event.log.level == \"warning\""
    classification = "Warning"
    risk           = 2
  }

  test {
    log    = "Apr 01 2024 08:00:37 fw3 : %ASA-7-999999: A message no other rule reads"
    expect = { "event.code" = "999999", "log.level" = "debug", classification = "Information" }
  }
  test {
    log    = "Apr 01 2024 08:00:36 fw3 : %ASA-1-105005: (Primary) Lost Failover communications with mate on interface inside"
    expect = { "event.code" = "105005", classification = "Critical", hostname = "fw3", "log.level" = "alert" }
  }
}

rule "asa-message-debug" {
  description      = "messages logged above debug (8, 9): kept with their id"
  log_source_types = ["cisco-asa"]
  sort_order       = 9000
  pattern          = "%(?P<observer__product>ASA|FTD|PIX)(?:-\\w+)?-(?P<labels__severity>[89])-(?P<event__code>\\d+):? ?(?P<labels__detail>.*)"
  classification   = "Information"
  common_event     = "Firewall Message"
  risk             = 0
  fields           = { "observer.vendor" = "Cisco", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:38 fw3 : %ASA-8-999999: Chatter"
    expect = { "event.code" = "999999", "log.level" = "", "labels.severity" = "8" }
  }
}
