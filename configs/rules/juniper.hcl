# Juniper devices over syslog: Junos OS (SRX firewalls, EX switches, MX
# routers) and the older ScreenOS (NetScreen/SSG).
#
# (RT_FLOW session logs, text and structured, are read by juniper-srx.hcl.)
# Junos writes "<process>[pid]: TAG: text" (RT_FLOW_SESSION_CREATE,
# UI_LOGIN_EVENT, SSHD_LOGIN_FAILED, …) in its default text format, or the
# same tag with [junos@2636.… key="value" …] structured data in
# "structured-data" mode; both are read. Session logs give the flow
# before NAT as source/destination and the translated one as
# source.nat/destination.nat.
#
# ScreenOS writes "NetScreen device_id=… [Root]system-<level>-<id>(<kind>): "
# and key=value pairs in a fixed order.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "juniper-junos" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Juniper"
  product  = "Junos"
  module   = "juniper"
}

log_source_type "juniper-screenos" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Juniper"
  product  = "ScreenOS"
  module   = "juniper"
}

# ------------------------------------------------------------ SRX sessions

rule "junos-screen" {
  description      = "RT_SCREEN_TCP, _UDP, _ICMP, _IP: a screen (flood, scan, malformed packet) fired"
  log_source_types = ["juniper-junos"]
  sort_order       = 100
  pattern          = <<-RE
    RT_SCREEN_(?P<labels__screen>TCP|UDP|ICMP|IP|SESSION_LIMIT)(?:_SRC_IP|_DST_IP)?: (?P<rule__name>.+?)! source: <sip>(?::<sport>)?, destination: <dip>(?::<dport>)?, (?:protocol-id: (?P<network__iana_number>\d+), )?zone name: (?P<observer__ingress__zone>[^,]+), interface name: (?P<observer__ingress__interface__name>[^,]+), action: (?P<event__action>\w+)
  RE
  classification   = "Attack"
  common_event     = "Screen Triggered"
  risk             = 6
  fields           = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"], "observer.type" = "firewall" }

  test {
    log    = "Mar  6 11:08:00 srx-edge RT_IDS: RT_SCREEN_TCP: SYN flood! source: 198.51.100.83:40000, destination: 192.0.2.53:80, zone name: untrust, interface name: ge-0/0/0.0, action: drop"
    expect = { sip = "198.51.100.83", dport = "80", "rule.name" = "SYN flood", "event.action" = "drop" }
  }
}

rule "junos-idp-utm" {
  description      = "IDP_ATTACK_LOG_EVENT, WEBFILTER_URL_BLOCKED/PERMITTED, AV_VIRUS_DETECTED_MT, AAMW: security services"
  log_source_types = ["juniper-junos"]
  sort_order       = 100
  pattern          = <<-RE
    (?P<event__code>IDP_ATTACK_LOG_EVENT|IDP_APPDDOS_APP_ATTACK_EVENT|WEBFILTER_URL_BLOCKED|WEBFILTER_URL_PERMITTED|AV_VIRUS_DETECTED_MT|ANTISPAM_SPAM_DETECTED_MT|CONTENT_FILTERING_BLOCKED_MT|AAMW_ACTION_LOG)(?:_LS)?: (?:.*?<?<sip>[(/]<sport>\)?\s?->\s?<dip>[(/]<dport>\)?)?(?:.*?\b(?:URL|url)[=:] ?(?P<url__domain>[\w.-]+))?(?:.*?\b(?:name|virus|threat-name)[=:] ?"?(?P<rule__name>[^",]+))?
  RE
  classification   = "Attack"
  common_event     = "Security Service Event"
  risk             = 6
  fields           = { "event.category" = ["intrusion_detection", "network"], "observer.type" = "firewall" }

  sub_rule "web-blocked" {
    when           = "event.event.code == \"WEBFILTER_URL_BLOCKED\""
    classification = "Access Failure"
    common_event   = "URL Blocked"
    risk           = 3
    fields         = { "event.category" = ["network", "web"], "event.outcome" = "failure" }
  }
  sub_rule "web-permitted" {
    when           = "event.event.code == \"WEBFILTER_URL_PERMITTED\""
    classification = "Access Success"
    common_event   = "URL Permitted"
    risk           = 0
    fields         = { "event.category" = ["network", "web"], "event.outcome" = "success" }
  }

  test {
    log    = "Mar  6 11:09:00 srx-edge RT_UTM: WEBFILTER_URL_BLOCKED: WebFilter: ACTION=\"URL Blocked\" 192.0.2.54(50500)->198.51.100.84(80) CATEGORY=\"Enhanced_Gambling\" REASON=\"BY_PRE_DEFINED\" PROFILE=\"wf-default\" URL=casino.example.com OBJ=/ username N/A roles N/A"
    expect = { "event.code" = "WEBFILTER_URL_BLOCKED", classification = "Access Failure", sip = "192.0.2.54", sport = "50500", dip = "198.51.100.84", dport = "80", "url.domain" = "casino.example.com" }
  }
  test {
    log    = "Mar  6 11:09:30 srx-edge RT_IDP: IDP_ATTACK_LOG_EVENT: IDP: at 1709723370, SIG Attack log <198.51.100.85/40001->192.0.2.55/80> for TCP protocol and service HTTP application HTTP by rule 3 of rulebase IPS in policy Recommended. attack: id=1000, repeat=0, action=DROP, threat-severity=HIGH, name=HTTP:SQL:INJ:GENERIC, NAT <0.0.0.0:0->0.0.0.0:0>, time-elapsed=0, inbytes=0, outbytes=0, inpackets=0, outpackets=0, intf:untrust:ge-0/0/0.0->trust:ge-0/0/1.0"
    expect = { sip = "198.51.100.85", dport = "80", "rule.name" = "HTTP:SQL:INJ:GENERIC", classification = "Attack" }
  }
}

# ------------------------------------------------------------- management

rule "junos-ui-login" {
  description      = "UI_LOGIN_EVENT, UI_LOGOUT_EVENT, UI_AUTH_EVENT: a user logged in to, or out of, the CLI or J-Web"
  log_source_types = ["juniper-junos"]
  sort_order       = 100
  pattern          = <<-RE
    (?P<event__code>UI_LOGIN_EVENT|UI_LOGOUT_EVENT|UI_AUTH_EVENT|UI_JSAWEB_LOGIN|WEB_AUTH_SUCCESS): (?:User '<login>' (?P<labels__what>login|logout)(?:, class '(?P<user__roles>[^']*)')?(?: \[\d+\])?(?:, (?:ssh|telnet)-connection '(?:<sip> <sport> <dip> <dport>)?')?|Authenticated user '<login>' (?:assigned to|at permission level) '?(?P<user__roles2>[^'\s]*)'?|.*?[Uu]ser '?(?P<login>[^'\s]+)'?.*?(?:from|host)[: ]'?<sip>'?)
  RE
  classification   = "Authentication Success"
  common_event     = "Device Login"
  risk             = 3
  fields           = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success", "observer.type" = "firewall" }

  sub_rule "logout" {
    when           = "event.event.code == \"UI_LOGOUT_EVENT\""
    classification = "Other Audit Success"
    common_event   = "Device Logout"
    risk           = 1
    fields         = { "event.type" = ["end"] }
  }

  test {
    log             = "Mar  6 11:10:00 srx-edge mgd[3021]: UI_LOGIN_EVENT: User 'netops' login, class 'j-super-user' [3021], ssh-connection '198.51.100.85 50123 192.0.2.1 22', client-mode 'cli'"
    log_source_type = "syslog"
    expect          = { login = "netops", sip = "198.51.100.85", sport = "50123", dip = "192.0.2.1", dport = "22", "event.dataset" = "juniper-junos" }
  }
  test {
    log    = "Mar  6 11:20:00 srx-edge mgd[3021]: UI_LOGOUT_EVENT: User 'netops' logout"
    expect = { login = "netops", sub_rule = "logout" }
  }
}

rule "junos-login-failed" {
  description      = "SSHD_LOGIN_FAILED, LOGIN_FAILED, UI_AUTH_INVALID_CHALLENGE, LOGIN_ABORTED: a login to the device failed"
  log_source_types = ["juniper-junos"]
  sort_order       = 100
  pattern          = <<-RE
    (?:^|[ :])(?P<event__code>SSHD_LOGIN_FAILED|LOGIN_FAILED|LOGIN_ABORTED|UI_AUTH_INVALID_CHALLENGE|LOGIN_PAM_AUTHENTICATION_ERROR|WEB_AUTH_FAIL)(?:_LIMIT)?: (?:.*?[Ff]or user '?(?P<login>[^'\s]+)'?)?(?:.*? from host '?<sip>'?)?
  RE
  classification   = "Authentication Failure"
  common_event     = "Device Login Failed"
  risk             = 5
  fields           = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "failure", "observer.type" = "firewall" }

  test {
    log             = "Mar  6 11:11:00 srx-edge sshd[4410]: SSHD_LOGIN_FAILED: Login failed for user 'root' from host '198.51.100.86'"
    log_source_type = "syslog"
    expect          = { login = "root", sip = "198.51.100.86", "event.outcome" = "failure", "event.dataset" = "juniper-junos" }
  }
}

rule "junos-commands" {
  description      = "UI_CMDLINE_READ_LINE, UI_COMMIT, UI_COMMIT_COMPLETED, UI_CFG_AUDIT_*: commands and configuration commits"
  log_source_types = ["juniper-junos"]
  sort_order       = 100
  pattern          = <<-RE
    (?P<event__code>UI_CMDLINE_READ_LINE|UI_COMMIT|UI_COMMIT_COMPLETED|UI_COMMIT_PROGRESS|UI_CFG_AUDIT_NEW|UI_CFG_AUDIT_SET|UI_CFG_AUDIT_OTHER|UI_CFG_AUDIT_SET_SECRET|UI_LOAD_EVENT|UI_REBOOT_EVENT): (?:User '<login>'(?:,? (?:command '(?P<command>[^']*?) ?'|requested '(?P<labels__operation>[^']*)' operation|set: \[(?P<labels__path>[^\]]*)\]).*)?|.*)
  RE
  classification   = "Policy"
  common_event     = "Device Configuration"
  risk             = 3
  fields           = { "event.category" = ["configuration"], "event.outcome" = "success", "observer.type" = "firewall" }

  test {
    log    = "Mar  6 11:12:00 srx-edge mgd[3021]: UI_CMDLINE_READ_LINE: User 'netops', command 'show security policies '"
    expect = { login = "netops", command = "show security policies" }
  }
  test {
    log    = "Mar  6 11:13:00 srx-edge mgd[3021]: UI_COMMIT: User 'netops' requested 'commit' operation (comment: none)"
    expect = { login = "netops", "labels.operation" = "commit" }
  }
}

rule "junos-interface" {
  description      = "SNMP_TRAP_LINK_UP/DOWN: an interface went up or down"
  log_source_types = ["juniper-junos"]
  sort_order       = 100
  pattern          = <<-RE
    SNMP_TRAP_LINK_(?P<labels__state>UP|DOWN): ifIndex (?P<labels__if_index>\d+), ifAdminStatus (?P<labels__admin_status>\w+)\(\d+\), ifOperStatus (?P<labels__oper_status>\w+)\(\d+\), ifName (?P<observer__ingress__interface__name>\S+)
  RE
  classification   = "Information"
  common_event     = "Interface State Changed"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["change"], "observer.type" = "router" }

  test {
    log    = "Mar  6 11:14:00 ex-core mib2d[1500]: SNMP_TRAP_LINK_DOWN: ifIndex 512, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/7"
    expect = { "observer.ingress.interface.name" = "ge-0/0/7", "labels.state" = "DOWN" }
  }
}

# ---------------------------------------------------------------- ScreenOS

rule "screenos-traffic" {
  description      = "ScreenOS traffic log (system-notification-00257(traffic)): a session's policy, action, bytes and addresses"
  log_source_types = ["juniper-screenos"]
  sort_order       = 100
  pattern          = <<-RE
    NetScreen device_id=(?P<observer__name>\S+)\s+\[[^\]]*\]system-(?P<labels__level>\w+)-(?P<event__code>\d{5})\(traffic\): .*?(?:duration=(?P<labels__duration>\d+) )?(?:policy_id=(?P<rule__id>\d+) )?(?:service=(?P<labels__service>\S+) )?(?:proto=(?P<network__iana_number>\d+) )?(?:src zone=(?P<observer__ingress__zone>\S+) )?(?:dst zone=(?P<observer__egress__zone>\S+) )?action=(?P<event__action>\w+) (?:sent=(?P<source__bytes>\d+) rcvd=(?P<destination__bytes>\d+) )?src=<sip> dst=<dip>(?: icmp type=\d+)?(?: src_port=<sport> dst_port=<dport>)?(?: src-xlated ip=(?P<source__nat__ip>[\d.]+) port=(?P<source__nat__port>\d+))?(?: dst-xlated ip=(?P<destination__nat__ip>[\d.]+) port=(?P<destination__nat__port>\d+))?(?: session_id=(?P<labels__session_id>\d+))?(?: reason=(?P<event__reason>.+))?
  RE
  classification   = "Network Allow"
  common_event     = "Traffic Permitted"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "allowed"], "event.outcome" = "success", "observer.type" = "firewall" }

  sub_rule "denied" {
    when           = "event.event.action in [\"Deny\", \"Reject\", \"Drop\"]"
    classification = "Network Deny"
    common_event   = "Traffic Denied"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  test {
    log             = "Mar  6 11:15:00 198.51.100.1 ssg-branch: NetScreen device_id=ssg-branch  [Root]system-notification-00257(traffic): start_time=\"2024-03-06 11:14:58\" duration=2 policy_id=4 service=http proto=6 src zone=Trust dst zone=Untrust action=Permit sent=640 rcvd=1800 src=192.0.2.60 dst=198.51.100.90 src_port=52000 dst_port=80 src-xlated ip=203.0.113.20 port=3300 dst-xlated ip=198.51.100.90 port=80 session_id=9001 reason=Close - TCP FIN"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.60", sport = "52000", dip = "198.51.100.90", dport = "80", "rule.id" = "4", "event.action" = "Permit", "source.nat.ip" = "203.0.113.20", reason = "Close - TCP FIN", "event.dataset" = "juniper-screenos" }
  }
  test {
    log    = "Mar  6 11:16:00 198.51.100.1 ssg-branch: NetScreen device_id=ssg-branch  [Root]system-notification-00257(traffic): start_time=\"2024-03-06 11:16:00\" duration=0 policy_id=320001 service=tcp/port:3389 proto=6 src zone=Untrust dst zone=Trust action=Deny sent=0 rcvd=40 src=198.51.100.91 dst=192.0.2.61 src_port=4000 dst_port=3389 session_id=0"
    expect = { sip = "198.51.100.91", dport = "3389", classification = "Network Deny" }
  }
  test {
    log    = "Mar  6 11:17:40 198.51.100.1 ns5gt: NetScreen device_id=ns5gt  [No Name]system-notification-00257(traffic): start_time=\\\"2024-03-06 11:17:40\\\" duration=0 policy_id=310001 service=tcp/port:120 proto=6 src zone=Null dst zone=self action=Deny sent=0 rcvd=60 src=198.51.100.94 dst=192.0.2.63 src_port=32047 dst_port=22"
    expect = { sip = "198.51.100.94", dport = "22", "rule.id" = "310001", classification = "Network Deny" }
  }
}

rule "screenos-admin" {
  description      = "ScreenOS admin logins (system-warning-00515/00518/00519/00528 and friends)"
  log_source_types = ["juniper-screenos"]
  sort_order       = 100
  pattern          = <<-RE
    NetScreen device_id=(?P<observer__name>\S+)\s+\[[^\]]*\]system-(?P<labels__level>\w+)-(?P<event__code>\d{5})(?:\(\w+\))?: (?:(?:Admin )?[Uu]ser "?(?P<login>[^"\s]+)"? (?P<labels__result>logged in|logged out|has logged on|login attempt|failed|was locked)|Login attempt by admin "?(?P<login>[^"\s]+)"?|(?P<labels__failures>Multiple) login failures occurred for user "?(?P<login>[^"\s]+)"?)(?:.*? from (?:IP address )?<sip>(?::<sport>)?)?
  RE
  classification   = "Authentication Success"
  common_event     = "Device Login"
  risk             = 3
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success", "observer.type" = "firewall" }

  sub_rule "failed" {
    when           = <<-CEL
      !has(event.labels.result) || event.labels.result in ["login attempt", "failed", "was locked"] || has(event.labels.failures)
    CEL
    classification = "Authentication Failure"
    common_event   = "Device Login Failed"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Mar  6 11:17:00 198.51.100.1 ssg-branch: NetScreen device_id=ssg-branch  [Root]system-warning-00515: Admin user \"netscreen\" logged in for Web(https) management (port 443) from 198.51.100.92:51515"
    expect = { login = "netscreen", sip = "198.51.100.92", "event.outcome" = "success" }
  }
  test {
    log    = "Mar  6 11:17:30 198.51.100.1 ssg-branch: NetScreen device_id=ssg-branch  [Root]system-critical-00027: Multiple login failures occurred for user admin from IP address 198.51.100.93:1567 (2024-03-06 11:17:30)"
    expect = { login = "admin", sip = "198.51.100.93", "event.outcome" = "failure" }
  }
}

rule "screenos-message" {
  description      = "any other ScreenOS message: kept with its level and id"
  log_source_types = ["juniper-screenos"]
  sort_order       = 8990
  pattern          = "NetScreen device_id=(?P<observer__name>\\S+)\\s+\\[[^\\]]*\\]system-(?P<labels__level>\\w+)-(?P<event__code>\\d{5})(?:\\((?P<labels__kind>\\w+)\\))?: (?P<labels__detail>.*)"
  classification   = "Information"
  common_event     = "Firewall Message"
  risk             = 0
  fields           = { "observer.type" = "firewall" }

  test {
    log    = "Mar  6 11:18:00 198.51.100.1 ssg-branch: NetScreen device_id=ssg-branch  [Root]system-critical-00436: Large ICMP packet! From 198.51.100.93 to 192.0.2.62, proto 1 (zone Untrust, int ethernet0/0). Occurred 1 times."
    expect = { "event.code" = "00436", "labels.level" = "critical" }
  }
}
