# pfSense (and OPNsense) packet filter log: the "filterlog" program writes
# one comma-separated record per logged packet, in the order Netgate
# documents ("Raw Filter Log Format"):
#
#   rule, sub-rule, anchor, tracker, interface, reason, action, direction,
#   IP version, then for IPv4: TOS, ECN, TTL, id, offset, flags, protocol
#   id, protocol, length, source, destination; for IPv6: class, flow label,
#   hop limit, protocol, protocol id, length, source, destination; then for
#   TCP and UDP: source port, destination port, data length (TCP goes on
#   with flags, sequence, ack, window, urg, options).
#
# A regular expression reads the columns (no CSV extractor needed).
# Other pfSense programs (sshd, php-fpm's web GUI logins, charon, openvpn)
# are read by their own packs; the web GUI's logins are here.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "pfsense" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Netgate"
  product  = "pfSense"
  module   = "pfsense"
}

rule "pfsense-filterlog" {
  description      = "filterlog: a packet the filter passed, blocked or rejected (IPv4 and IPv6; ports for TCP and UDP)"
  log_source_types = ["pfsense"]
  sort_order       = 100
  pattern          = <<-RE
    filterlog(?:\[\d+\])?: (?P<labels__rule_number>\d*),(?P<labels__sub_rule>[^,]*),(?P<labels__anchor>[^,]*),(?P<rule__id>[^,]*),(?P<observer__ingress__interface__name>[^,]*),(?P<event__reason>[^,]*),(?P<event__action>pass|block|reject|[a-z-]*),(?P<labels__direction>in|out),(?:4,(?P<labels__tos>[^,]*),(?P<labels__ecn>[^,]*),(?P<labels__ttl>\d*),(?P<labels__ip_id>\d*),(?P<labels__offset>\d*),(?P<labels__ip_flags>[^,]*),(?P<network__iana_number>\d*),(?P<labels__proto4>[\w-]*),(?P<labels__length>\d*),(?P<source__ip>[\d.]+),(?P<destination__ip>[\d.]+)|6,(?P<labels__class>[^,]*),(?P<labels__flow_label>[^,]*),(?P<labels__hop_limit>\d*),(?P<labels__proto6>[\w-]*),(?P<labels__iana6>\d*),(?P<labels__length6>\d*),(?P<labels__src6>[0-9a-fA-F:.]+),(?P<labels__dst6>[0-9a-fA-F:.]+))(?:,<sport>,<dport>,(?P<labels__data_length>\d*)(?:,(?P<labels__tcp_flags>[A-Z]*))?)?
  RE
  classification   = "Network Allow"
  common_event     = "Packet Passed"
  risk             = 1
  map = {
    "network.transport" = ["labels.proto4", "labels.proto6"]
    "source.ip"         = "labels.src6"
    "destination.ip"    = "labels.dst6"
  }
  fields = {
    "event.category"    = ["network"]
    "event.type"        = ["connection", "allowed"]
    "event.outcome"     = "success"
    "network.direction" = "inbound"
    "observer.type"     = "firewall"
  }

  sub_rule "blocked-in" {
    when           = "event.event.action in [\"block\", \"reject\"] && event.labels.direction == \"in\""
    classification = "Network Deny"
    common_event   = "Packet Blocked"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure", "network.direction" = "inbound" }
  }
  sub_rule "blocked-out" {
    when           = "event.event.action in [\"block\", \"reject\"]"
    classification = "Network Deny"
    common_event   = "Packet Blocked"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure", "network.direction" = "outbound" }
  }
  sub_rule "passed-out" {
    when   = "event.labels.direction == \"out\""
    fields = { "network.direction" = "outbound" }
  }

  test {
    log    = "Mar  4 09:10:11 fw-home filterlog[4120]: 5,,,1000000103,igb0,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.14,192.0.2.20,48120,22,0,S,2216031441,,64240,,mss;sackOK;TS;nop;wscale"
    expect = { sip = "198.51.100.14", dip = "192.0.2.20", sport = "48120", dport = "22", "network.transport" = "tcp", "rule.id" = "1000000103", "event.action" = "block", classification = "Network Deny", "network.direction" = "inbound", "observer.ingress.interface.name" = "igb0", "labels.tcp_flags" = "S" }
  }
  test {
    log    = "Mar  4 09:10:12 fw-home filterlog[4120]: 70,,,1700000001,igb1,match,pass,out,4,0x0,,63,4242,0,none,17,udp,76,192.0.2.21,203.0.113.53,5353,53,56"
    expect = { sip = "192.0.2.21", dport = "53", "network.transport" = "udp", classification = "Network Allow", "network.direction" = "outbound" }
  }
  test {
    log    = "Mar  4 09:10:13 fw-home filterlog[4120]: 9,,,1000000004,igb0,match,block,in,6,0x00,0x00000,255,ipv6-icmp,58,32,2001:db8::1,2001:db8::2,datalength=24"
    expect = { sip = "2001:db8::1", dip = "2001:db8::2", "network.transport" = "ipv6-icmp", classification = "Network Deny" }
  }
  test {
    log             = "Mar  4 09:10:14 filterlog: 65,,,0,vmx1,match,pass,out,4,0x0,,63,21011,0,none,1,icmp,56,192.0.2.22,192.0.2.1,datalength=36"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.22", dip = "192.0.2.1", "network.transport" = "icmp", "event.dataset" = "pfsense", "observer.vendor" = "Netgate" }
  }
}

rule "pfsense-webgui-login" {
  description      = "php-fpm: a web GUI login succeeded or failed; sshguard and the lockout table"
  log_source_types = ["pfsense"]
  sort_order       = 100
  pattern          = <<-RE
    php(?:-fpm|-cgi)?(?:\[\d+\])?: /index\.php: (?:(?P<labels__result>Successful) login for user '<login>' from: <sip>|webConfigurator authentication error for user '<login>' from: <sip>|(?P<labels__result2>authentication error) for user '<login>' from <sip>)
  RE
  classification   = "Authentication Success"
  common_event     = "Web GUI Login"
  risk             = 3
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success", "observer.type" = "firewall" }

  sub_rule "failed" {
    when           = "!has(event.labels.result)"
    classification = "Authentication Failure"
    common_event   = "Web GUI Login Failed"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Mar  4 09:11:00 fw-home php-fpm[380]: /index.php: Successful login for user 'admin' from: 192.0.2.30 (Local Database)"
    expect = { login = "admin", sip = "192.0.2.30", "event.outcome" = "success" }
  }
  test {
    log             = "Mar  4 09:11:05 fw-home php-fpm[380]: /index.php: webConfigurator authentication error for user 'admin' from: 198.51.100.31"
    log_source_type = "syslog"
    expect          = { login = "admin", sip = "198.51.100.31", "event.outcome" = "failure", "event.dataset" = "pfsense" }
  }
}

rule "pfsense-sshguard" {
  description      = "sshguard (pfSense's login protection for SSH and the web GUI): an attack seen, an address blocked or released"
  log_source_types = ["pfsense"]
  sort_order       = 100
  pattern          = <<-RE
    sshguard(?:\[\d+\])?: (?:Attack from "<sip>" on service (?P<labels__service>\S+) with danger (?P<labels__danger>\d+)|(?P<event__action>Blocking) "<sip>(?:/\d+)?" (?:for (?P<labels__block_seconds>\d+) secs|forever)(?: \((?P<labels__attacks>\d+) attacks? in \d+ secs?)?|(?P<labels__release>Releasing|Unblocking) <sip>(?:/\d+)? after (?P<labels__after_seconds>\d+) seconds?)
  RE
  classification   = "Suspicious"
  common_event     = "Login Attack Detected"
  risk             = 5
  fields           = { "event.category" = ["intrusion_detection", "authentication"], "observer.type" = "firewall" }

  sub_rule "blocked" {
    when           = "has(event.event.action) && event.event.action == \"Blocking\""
    classification = "Failed Attack"
    common_event   = "Attacker Blocked"
    risk           = 4
    fields         = { "event.type" = ["denied"] }
  }
  sub_rule "released" {
    when           = "has(event.labels.release)"
    classification = "Information"
    common_event   = "Attacker Released"
    risk           = 1
  }

  test {
    log             = "Mar  4 09:12:00 fw-home sshguard[51000]: Attack from \"198.51.100.32\" on service 100 with danger 10."
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.32", "labels.danger" = "10", "event.dataset" = "pfsense" }
  }
  test {
    log    = "Mar  4 09:12:05 fw-home sshguard[51000]: Blocking \"198.51.100.32/32\" for 120 secs (3 attacks in 5 secs, after 1 abuses over 5 secs.)"
    expect = { sip = "198.51.100.32", sub_rule = "blocked", "labels.block_seconds" = "120" }
  }
}
