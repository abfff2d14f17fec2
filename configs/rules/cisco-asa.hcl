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
    [^\\(),\s@]+
  RE
  field   = "source.user.name"
}

tag "asa_duser" {
  pattern = <<-RE
    [^\\(),\s@]+
  RE
  field   = "destination.user.name"
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>30201[357]):? Built inbound <protocol> connection (?P<labels__connection_id>\d+) for <asa_iniface>:<shost>/<sport> \([^)]*\)(?:\((?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+)?\))? to <asa_outiface>:<dhost>/<dport> \([^)]*\)(?:\((?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+)?\))?
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>30201[357]):? Built outbound <protocol> connection (?P<labels__connection_id>\d+) for <asa_outiface>:<dhost>/<dport> \([^)]*\)(?:\((?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+)?\))? to <asa_iniface>:<shost>/<sport> \([^)]*\)(?:\((?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+)?\))?
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>30201[468]):? Teardown <protocol> connection (?P<labels__connection_id>\d+) for <asa_iniface>:<shost>/<sport>(?:\((?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+)?\))?(?: <asa_suser>)? to <asa_outiface>:<dhost>/<dport>(?:\((?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+)?\))?(?: <asa_duser>)? duration (?P<labels__duration>\S+) bytes <bytes>(?: (?P<event__reason>[^(]*[^(\s]))?
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>30202[01]):? (?P<labels__state>Built (?:inbound|outbound)|Teardown) (?P<labels__icmp_kind>ICMP|ICMPv6) connection for faddr <dhost>/\d+(?:\((?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+)?\))? gaddr (?P<labels__global_address>\S+?)/\d+ laddr <shost>/\d+(?: \((?:[^\\()]*\\)*(?P<login>[^\\(),\s@]+)(?:@[^()\s,]*)?\))?
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>30501[12]):? (?P<labels__state>Built|Teardown) (?P<labels__nat_type>dynamic|static)(?: <protocol>)? translation from <asa_iniface>:<shost>(?:/<sport>)?(?:\((?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+)?\))? to <asa_outiface>:<dhost>(?:/<dport>)?
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>1061\d\d):? access-list (?P<rule__name>\S+) (?P<labels__acl_action>permitted|denied|est-allowed) <protocol> (?:for user '?(?P<login>[^'\s]+)'? )?<asa_iniface>/<shost>\(<sport>\)(?:\((?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+)?\))? -> <asa_outiface>/<dhost>\(<dport>\)(?:\((?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+)?\))? hit-cnt (?P<labels__hit_count>\d+)
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>106023):? Deny <protocol> src <asa_iniface>:<shost>(?:/<sport>)?(?:\((?:[^\\()]*\\)*<asa_suser>(?:@[^()\s,]*)?(?:, ?\d+)?\))? dst <asa_outiface>:<dhost>(?:/<dport>)?(?:\((?:[^\\()]*\\)*<asa_duser>(?:@[^()\s,]*)?(?:, ?\d+)?\))?.*? by access-group "(?P<rule__name>[^"]*)"
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
}

rule "asa-deny-flow" {
  description      = "106001, 106006, 106007, 106015: a packet denied (inbound, no connection, DNS)"
  log_source_types = ["cisco-asa"]
  sort_order       = 110
  pattern          = <<-RE
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>10600[1-7]|106015):? (?:Inbound <protocol> connection denied|Deny (?:inbound |outbound )?<protocol>(?: \(no connection\))?) from <shost>/<sport> to <dhost>/<dport>(?: flags (?P<labels__tcp_flags>.*?))?(?: +on interface (?P<observer__ingress__interface__name>\S+)| due to (?P<event__reason>.+))?$
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>106014):? Deny (?:inbound|outbound) <protocol> src <asa_iniface>:<shost> dst <asa_outiface>:<dhost> \(type (?P<labels__icmp_type>\d+), code (?P<labels__icmp_code>\d+)\)
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>10601[67]|106021):? Deny (?:IP spoof|IP due to Land Attack|<protocol> reverse path check) from \(?<shost>\)? to <dhost>(?: on interface (?P<observer__ingress__interface__name>\S+))?
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>31300[148]):? Denied (?P<protocol>ICMP|IPv6-ICMP) type=(?P<labels__icmp_type>\d+), (?:code=(?P<labels__icmp_code>\d+) )?from (?:laddr )?<shost> on interface (?P<observer__ingress__interface__name>\S+)(?: to <dhost>)?
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>313009):? Denied invalid ICMP code (?P<labels__icmp_code>\d+), for <asa_iniface>:<shost>/<sport> \([^)]*\) to <asa_outiface>:<dhost>/<dport> \([^)]*\)
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>313005):? No matching connection for ICMP error message: icmp src <asa_iniface>:<shost> dst <asa_outiface>:<dhost> \(type (?P<labels__icmp_type>\d+), code (?P<labels__icmp_code>\d+)\)
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
    expect = { sip = "198.51.100.8", dip = "192.0.2.15", "labels.icmp_type" = "3" }
  }
}

rule "asa-dynamic-filter" {
  description      = "338001-338204: the botnet traffic filter saw traffic to or from a listed address"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>338\d\d\d):? Dynamic [Ff]ilter (?P<labels__filter_action>permitted|monitored|dropped|allowed) (?P<labels__list>black|white|grey)[ -]?listed <protocol> traffic from <asa_iniface>:<shost>/<sport> \([^)]*\) to <asa_outiface>:<dhost>/<dport> \([^)]*\)(?:, (?:source|destination) \S+ resolved from (?:dynamic|local) list: (?P<threat__indicator__name>[^,]+))?
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>30400[12]):? (?:(?:(?P<source__user__name>[^@\s(]+)@)?<shost>(?:\((?:[^\\()]*\\)*[^\\(),\s]+\))? Accessed URL <dip>:<url>|Access denied URL <url> SRC <shost> DEST <dhost>)
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
  pattern          = "%(?:ASA|FTD)(?:-\\w+)?-<asa_level>-(?P<event__code>71000[1-5]):? <protocol> (?:access|request) (?P<labels__decision>requested|permitted|denied by ACL|discarded) from <shost>/<sport> to <asa_outiface>:<dhost>/(?P<labels__service>\\S+)"
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
  pattern          = "%(?:ASA|FTD)(?:-\\w+)?-<asa_level>-(?P<event__code>60900[12]):? (?P<labels__state>Built|Teardown) local-host <asa_iniface>:<shost>"
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
  pattern          = "%(?:ASA|FTD)(?:-\\w+)?-<asa_level>-(?P<event__code>419002):? Duplicate TCP SYN from <asa_iniface>:<shost>/<sport> to <asa_outiface>:<dhost>/<dport>"
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>113019):? Group = (?P<group__name>[^,]+), Username = (?P<source__user__name>[^,]*), IP = <dhost>, Session disconnected\. Session Type: (?P<labels__session_type>[^,]+), Duration: (?P<labels__duration>[^,]+), Bytes xmt: (?P<source__bytes>\d+), Bytes rcv: (?P<destination__bytes>\d+), Reason: <reason>
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
  description      = "722xxx: AnyConnect (SVC) session events: Group <g> User <u> IP <ip> …"
  log_source_types = ["cisco-asa"]
  sort_order       = 100
  pattern          = <<-RE
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>722\d\d\d):? Group <(?P<group__name>[^>]*)> User <(?P<source__user__name>[^>@]*)(?:@[^>]*)?> IP <<shost>>(?: (?:(?:First|New) <protocol> SVC connection)?(?P<labels__detail>.*))?
  RE
  classification   = "Information"
  common_event     = "VPN Session Event"
  risk             = 1
  fields           = { "event.category" = ["network", "session"], "observer.vendor" = "Cisco", "observer.product" = "asa", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:24: %ASA-4-722033: Group <GP_Staff> User <jack@example.com> IP <198.51.100.16> First UDP SVC connection established for SVC session."
    expect = { "source.user.name" = "jack", sip = "198.51.100.16", protocol = "udp", "group.name" = "GP_Staff" }
  }
  test {
    log    = "Apr 01 2024 08:00:25: %ASA-4-722037: Group <GP_Staff> User <kim> IP <198.51.100.17> SVC closing connection: DPD failure."
    expect = { "source.user.name" = "kim", sip = "198.51.100.17", protocol = "" }
  }
}

rule "asa-ike-group" {
  description      = "713xxx and others: IKE and VPN messages that begin Group = g, [Username = u,] IP = ip"
  log_source_types = ["cisco-asa"]
  sort_order       = 150
  pattern          = "%(?:ASA|FTD)(?:-\\w+)?-<asa_level>-(?P<event__code>\\d{6}):? Group = (?P<group__name>[^,]+), (?:Username = (?P<source__user__name>[^,]*), )?IP = <shost>, (?P<labels__detail>.*)"
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>60230[34]):? IPSEC: An? (?P<network__direction>inbound|outbound) (?P<labels__tunnel_type>.+?) SA \(SPI= ?(?P<labels__spi>[^)\s]+)\) between <shost> and <dhost> \(user= ?<login>\) has been (?P<labels__state>created|deleted)
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>11300[45]|11301[25]):? AAA user (?:authentication|authorization) (?P<labels__result>Successful|Rejected)\s*:(?:\s*reason = (?P<event__reason>[^:]+?)\s*:)?(?:\s*(?:server =\s*<dhost>|local database)\s*:)?\s*user = (?P<login>[^:]+?)(?:\s*:\s*user IP = <shost>)?\s*$
  RE
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>60500[45]):? Login (?P<labels__result>denied|permitted) from <shost>/<sport> to <asa_outiface>:<dhost>/(?P<labels__service>\S+) for user "(?P<login>[^"]*)"
  RE
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
  pattern          = "%(?:ASA|FTD)(?:-\\w+)?-<asa_level>-(?P<event__code>11100[89]|111010):? User '(?P<login>[^']*)'(?:, running '[^']*' from IP <shost>,)? executed (?:the )?'(?P<command>[^']*)'"
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
  pattern          = "%(?:ASA|FTD)(?:-\\w+)?-<asa_level>-(?P<event__code>61110[1-3]):? User (?P<labels__result>authentication succeeded|authentication failed|logged out):(?: IP address: <shost>,)? Uname: (?P<login>\\S+)"
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
    %(?:ASA|FTD)(?:-\w+)?-<asa_level>-(?P<event__code>733100):? \[\s*(?P<labels__threat>[^\]]*?)\s*\] drop rate-(?P<labels__rate_id>\d+) exceeded
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

# ------------------------------------------------------------- the rest

rule "asa-message" {
  description      = "any other ASA/FTD message: kept with its id and severity (log.level)"
  log_source_types = ["cisco-asa"]
  sort_order       = 8990
  pattern          = "%(?P<observer__product>ASA|FTD)(?:-\\w+)?-<asa_level>-(?P<event__code>\\d+):? ?(?P<labels__detail>.*)"
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
  pattern          = "%(?P<observer__product>ASA|FTD)(?:-\\w+)?-(?P<labels__severity>[89])-(?P<event__code>\\d+):? ?(?P<labels__detail>.*)"
  classification   = "Information"
  common_event     = "Firewall Message"
  risk             = 0
  fields           = { "observer.vendor" = "Cisco", "observer.type" = "firewall" }

  test {
    log    = "Apr 01 2024 08:00:38 fw3 : %ASA-8-999999: Chatter"
    expect = { "event.code" = "999999", "log.level" = "", "labels.severity" = "8" }
  }
}
