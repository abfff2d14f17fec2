# Cisco IOS, IOS XE and NX-OS routers and switches, as they send syslog.
# Every message carries "%FACILITY-SEVERITY-MNEMONIC:" (%SEC-6-IPACCESSLOGP,
# %LINK-3-UPDOWN), often after a sequence number and the device's own
# clock: "000123: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: …".
#
# The rules read access-list logging, logins (SEC_LOGIN, SSH, vty), the
# configuration log, interface state, 802.1X/MAB, port security, the IPS
# and routing neighbours; the ios-message-NN rules keep any other message
# of some 200 common IOS/IOS XE/NX-OS facilities with its facility,
# severity and mnemonic. (They are split so that each alternation of
# facilities stays short and gives the prefilter literals of three
# characters or more: a line arriving as plain syslog is matched only
# against the rules its literals select.)
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "cisco-ios" {
  header   = "cisco"
  timezone = "UTC"
  vendor   = "Cisco"
  product  = "IOS"
  module   = "cisco_ios"
}

# "%SYS-5-CONFIG_I": the severity, as a syslog level name.
tag "ios_level" {
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

# ------------------------------------------------------------ access lists

rule "ios-acl-log-ports" {
  description      = "SEC-6-IPACCESSLOGP, IPACCESSLOGDP, IPACCESSLOGRP, IPV6_ACL-6-ACCESSLOGP: an access list entry permitted or denied packets (with ports, ICMP types or neither)"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %(?P<labels__facility>SEC|IPV6_ACL|IPACL)-<ios_level>-(?P<event__code>IPACCESSLOGP|IPACCESSLOGDP|IPACCESSLOGRP|IPACCESSLOGSP|IPACCESSLOGNP|ACCESSLOGP|ACCESSLOGDP|ACCESSLOGNP):(?: list)? (?P<rule__name>\S+) (?P<labels__acl_action>permitted|denied) <protocol> (?:<sip>|\S+?)(?:\(<sport>\))?(?: \((?P<observer__ingress__interface__name>[^\s)]+)(?: (?P<source__mac>[0-9a-fA-F.]+))? ?\))? -> (?:<dip>|\S+?)(?:\(<dport>\))?(?: \((?P<labels__icmp_type>\d+)/(?P<labels__icmp_code>\d+)\))?, (?P<network__packets>\d+) packets?
  RE
  classification   = "Network Allow"
  common_event     = "Access List Permitted Traffic"
  risk             = 1
  fields = {
    "event.action"   = "permit"
    "event.category" = ["network"]
    "event.type"     = ["connection", "allowed"]
    "event.outcome"  = "success"
    "observer.type"  = "router"
  }

  sub_rule "denied" {
    when           = "event.labels.acl_action == \"denied\""
    classification = "Network Deny"
    common_event   = "Access List Denied Traffic"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.action" = "deny", "event.outcome" = "failure" }
  }

  test {
    log    = "Mar  1 18:46:11 rtr-edge1 1234: *Mar  1 18:46:11.123 UTC: %SEC-6-IPACCESSLOGP: list 102 denied tcp 198.51.100.23(40123) -> 192.0.2.10(445), 1 packet"
    expect = { sip = "198.51.100.23", sport = "40123", dip = "192.0.2.10", dport = "445", "rule.name" = "102", classification = "Network Deny", "event.outcome" = "failure", "network.packets" = "1", "log.level" = "informational" }
  }
  test {
    log    = "Mar  1 18:46:12 rtr-edge1 1235: Mar  1 18:46:12: %SEC-6-IPACCESSLOGP: list INBOUND permitted udp 198.51.100.24(53) (GigabitEthernet0/1 0000.5e00.5301) -> 192.0.2.11(51000), 12 packets"
    expect = { sip = "198.51.100.24", dport = "51000", "observer.ingress.interface.name" = "GigabitEthernet0/1", "source.mac" = "0000.5e00.5301", "network.packets" = "12", classification = "Network Allow" }
  }
  test {
    log    = "Mar  1 18:46:13 rtr-edge1 88: %SEC-6-IPACCESSLOGDP: list 110 denied icmp 198.51.100.25 -> 192.0.2.12 (8/0), 3 packets"
    expect = { sip = "198.51.100.25", dip = "192.0.2.12", "labels.icmp_type" = "8", "network.transport" = "icmp" }
  }
  test {
    log             = "Mar  1 18:46:14 rtr-edge1 89: *Mar  1 18:46:14.002 UTC: %SEC-6-IPACCESSLOGP: list OUT-FILTER denied tcp 192.0.2.13(50150) (Serial0/0/0 ) -> 203.0.113.5(443), 1 packet"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.13", dport = "443", "event.dataset" = "cisco-ios", "observer.vendor" = "Cisco", "observer.ingress.interface.name" = "Serial0/0/0" }
  }
}

rule "ios-acl-log-standard" {
  description      = "SEC-6-IPACCESSLOGS, IPACCESSLOGNP: a standard access list (source address only) or another protocol"
  log_source_types = ["cisco-ios"]
  sort_order       = 110
  pattern          = <<-RE
    %SEC-<ios_level>-(?P<event__code>IPACCESSLOGS|IPACCESSLOGNP):(?: list)? (?P<rule__name>\S+) (?P<labels__acl_action>permitted|denied) (?:(?P<network__iana_number>\d+) )?(?:<sip>|\S+?)(?: \((?P<observer__ingress__interface__name>[^\s)]+)(?: [0-9a-fA-F.]+)? ?\))?(?: -> (?:<dip>|\S+?))?,? (?P<network__packets>\d+) packets?
  RE
  classification   = "Network Allow"
  common_event     = "Access List Permitted Traffic"
  risk             = 1
  fields           = { "event.action" = "permit", "event.category" = ["network"], "event.type" = ["connection", "allowed"], "event.outcome" = "success", "observer.type" = "router" }

  sub_rule "denied" {
    when           = "event.labels.acl_action == \"denied\""
    classification = "Network Deny"
    common_event   = "Access List Denied Traffic"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.action" = "deny", "event.outcome" = "failure" }
  }

  test {
    log    = "Mar  1 18:47:00 sw-core 501: %SEC-6-IPACCESSLOGS: list 10 denied 198.51.100.30 4 packets"
    expect = { sip = "198.51.100.30", "rule.name" = "10", "network.packets" = "4", classification = "Network Deny" }
  }
  test {
    log    = "Mar  1 18:47:00 sw-core 501: %SEC-6-IPACCESSLOGS: list 10 denied 198.51.100.30, 4 packets"
    expect = { sip = "198.51.100.30", "rule.name" = "10", "network.packets" = "4", classification = "Network Deny" }
  }
}

# ------------------------------------------------------------------ logins

rule "ios-login" {
  description      = "SEC_LOGIN-5-LOGIN_SUCCESS, SEC_LOGIN-4-LOGIN_FAILED: a login to the device succeeded or failed"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %SEC_LOGIN-<ios_level>-(?P<event__code>LOGIN_SUCCESS|LOGIN_FAILED):\s*Login (?:Success|failed) \[user: ?<login>\] \[Source: ?(?:<sip>|[^\]]*)\] \[localport: ?(?P<destination__port>\d+)\](?: \[Reason: ?<reason>\])?
  RE
  classification   = "Authentication Success"
  common_event     = "Device Login"
  risk             = 3
  fields           = { "event.action" = "logged-in", "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success", "observer.type" = "router" }

  sub_rule "failed" {
    when           = "event.event.code == \"LOGIN_FAILED\""
    classification = "Authentication Failure"
    common_event   = "Device Login Failed"
    risk           = 5
    fields         = { "event.action" = "logon-failed", "event.outcome" = "failure", "event.type" = ["info"] }
  }

  test {
    log    = "Mar  1 18:50:00 rtr-edge1 77: *Mar  1 18:50:00.411 UTC: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netops] [Source: 192.0.2.40] [localport: 22] at 18:50:00 UTC Fri Mar 1 2024"
    expect = { login = "netops", sip = "192.0.2.40", "destination.port" = "22", "event.outcome" = "success" }
  }
  test {
    log             = "Mar  1 18:50:05 rtr-edge1 78: %SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: admin] [Source: 198.51.100.41] [localport: 23] [Reason: Login Authentication Failed] at 18:50:05 UTC Fri Mar 1 2024"
    log_source_type = "syslog"
    expect          = { login = "admin", sip = "198.51.100.41", reason = "Login Authentication Failed", "event.outcome" = "failure", classification = "Authentication Failure", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-login-quiet-mode" {
  description      = "SEC_LOGIN-1-QUIET_MODE_ON, QUIET_MODE_OFF: too many failed logins block new ones for a while"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %SEC_LOGIN-<ios_level>-(?P<event__code>QUIET_MODE_ON|QUIET_MODE_OFF):\s*(?:.*?\[user: ?<login>\] \[Source: ?<sip>\])?
  RE
  classification   = "Suspicious"
  common_event     = "Login Quiet Mode"
  risk             = 5
  fields           = { "event.category" = ["authentication"], "observer.type" = "router" }

  test {
    log    = "Mar  1 18:51:00 rtr-edge1 79: %SEC_LOGIN-1-QUIET_MODE_ON: Still timeleft for watching failures is 120 secs, [user: admin] [Source: 198.51.100.42] [localport: 22] [Reason: Login Authentication Failed] [ACL: sl_def_acl] at 18:51:00 UTC Fri Mar 1 2024"
    expect = { login = "admin", sip = "198.51.100.42", "event.code" = "QUIET_MODE_ON" }
  }
}

rule "ios-ssh-session" {
  description      = "SSH-5-SSH2_SESSION, SSH2_USERAUTH, SSH2_CLOSE: SSH sessions to the device and their authentication"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %SSH-<ios_level>-(?P<event__code>SSH2_SESSION|SSH2_USERAUTH|SSH2_CLOSE|SSH_SESSION|SSH_USERAUTH|SSH_CLOSE):\s*(?:User '(?P<login>[^']*)' authentication for )?SSH2? Session (?:request )?from (?:<sip>|\S+)(?: \(tty = (?P<process__tty__name>\d+)\))?(?: (?:using crypto cipher '(?P<tls__cipher>[^']*)', hmac '(?P<labels__hmac>[^']*)'|for user '(?P<labels__user>[^']*)'(?: using crypto cipher '[^']*', hmac '[^']*')?))?(?: (?P<labels__result>Succeeded|Failed|closed))?
  RE
  classification   = "Other Audit Success"
  common_event     = "Device SSH Session"
  risk             = 2
  map              = { "user.name" = "labels.user" }
  fields           = { "event.category" = ["network", "session"], "network.protocol" = "ssh", "observer.type" = "router" }

  sub_rule "auth-ok" {
    when           = "event.event.code in [\"SSH2_USERAUTH\", \"SSH_USERAUTH\"] && event.labels.result == \"Succeeded\""
    classification = "Authentication Success"
    common_event   = "Device SSH Authentication"
    risk           = 3
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }
  sub_rule "failed" {
    when           = "event.labels.result == \"Failed\""
    classification = "Authentication Failure"
    common_event   = "Device SSH Authentication Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }
  sub_rule "ok" {
    when   = "event.labels.result == \"Succeeded\""
    fields = { "event.outcome" = "success" }
  }

  test {
    log    = "Mar  1 18:52:00 rtr-edge1 4425: Mar  1 18:52:00.356: %SSH-5-SSH2_SESSION: SSH2 Session request from 192.0.2.43 (tty = 0) using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' Succeeded"
    expect = { sip = "192.0.2.43", "tls.cipher" = "aes256-ctr", "event.outcome" = "success" }
  }
  test {
    log    = "Mar  1 18:52:01 rtr-edge1 4426: %SSH-5-SSH2_USERAUTH: User 'netops' authentication for SSH2 Session from 192.0.2.43 (tty = 0) using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' Failed"
    expect = { login = "netops", sip = "192.0.2.43", classification = "Authentication Failure" }
  }
  test {
    log    = "Mar  1 18:52:30 rtr-edge1 4427: %SSH-5-SSH2_CLOSE: SSH2 Session from 192.0.2.43 (tty = 0) for user 'netops' using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' closed"
    expect = { sip = "192.0.2.43", "user.name" = "netops", "labels.result" = "closed" }
  }
}

rule "ios-logout" {
  description      = "SYS-6-LOGOUT, SYS-6-TTY_EXPIRE_TIMER: a user left a terminal session"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %SYS-<ios_level>-(?P<event__code>LOGOUT|TTY_EXPIRE_TIMER):\s*(?:User <login> has exited tty session (?P<process__tty__name>\d+)(?:\((?:<sip>|[^)]*)\))?|\(exec timer expired, tty (?P<labels__tty>\d+) \((?:<sip>|[^)]*)\)\), user <login>)
  RE
  classification   = "Other Audit Success"
  common_event     = "Device Logout"
  risk             = 1
  fields           = { "event.action" = "logged-out", "event.category" = ["authentication", "session"], "event.type" = ["end"], "event.outcome" = "success", "observer.type" = "router" }

  test {
    log    = "Mar  1 18:53:00 rtr-edge1 90: %SYS-6-LOGOUT: User netops has exited tty session 2(192.0.2.43)"
    expect = { login = "netops", sip = "192.0.2.43", "process.tty.name" = "2" }
  }
}

rule "ios-snmp-authfail" {
  description      = "SNMP-3-AUTHFAIL: an SNMP request with a wrong community or user"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = "%SNMP-<ios_level>-(?P<event__code>AUTHFAIL):\\s*Authentication failure for SNMP req(?:uest)? from host <sip>"
  classification   = "Authentication Failure"
  common_event     = "SNMP Authentication Failed"
  risk             = 4
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure", "network.protocol" = "snmp", "observer.type" = "router" }

  test {
    log    = "Mar  1 18:54:00 rtr-edge1 91: %SNMP-3-AUTHFAIL: Authentication failure for SNMP req from host 198.51.100.44"
    expect = { sip = "198.51.100.44", "event.outcome" = "failure" }
  }
}

rule "ios-aaa-dot1x" {
  description      = "DOT1X, MAB, AUTHMGR, SESSION_MGR: port authentication of clients (802.1X, MAC bypass)"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %(?P<labels__facility>DOT1X|MAB|AUTHMGR|SESSION_MGR)-<ios_level>-(?P<event__code>\w+):\s*(?:(?P<labels__detail>.*?)\s*(?:for )?client \((?:(?P<source__mac>[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5})|[^)]*)\) on Interface (?P<observer__ingress__interface__name>\S+)(?:\s+AuditSessionID\s*(?P<labels__audit_session_id>\S*))?|.*)
  RE
  classification   = "Information"
  common_event     = "Port Authentication"
  risk             = 1
  fields           = { "event.category" = ["authentication", "network"], "observer.type" = "switch" }

  sub_rule "failed" {
    when           = "event.event.code in [\"FAIL\", \"AUTHFAIL\", \"FAIL_RESULT\", \"SECURITY_VIOLATION\", \"DEAD\", \"SERVERDEAD\"]"
    classification = "Authentication Failure"
    common_event   = "Port Authentication Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "success" {
    when           = "event.event.code in [\"SUCCESS\", \"AUTHC_SUCCESS\", \"AUTHZ_SUCCESS\"]"
    classification = "Authentication Success"
    common_event   = "Port Authentication Succeeded"
    fields         = { "event.outcome" = "success" }
  }

  test {
    log    = "Mar  1 18:55:00 sw-access2 120: Mar  1 18:55:00: %DOT1X-5-FAIL: Authentication failed for client (0000.5e00.5302) on Interface Gi1/0/7 AuditSessionID 0A0000010000001A"
    expect = { "source.mac" = "0000.5e00.5302", "observer.ingress.interface.name" = "Gi1/0/7", "event.outcome" = "failure", classification = "Authentication Failure" }
  }
  test {
    log    = "Mar  1 18:55:01 sw-access2 121: %DOT1X-5-FAIL: Authentication failed for client (Unknown MAC) on Interface Gi1/0/8 AuditSessionID"
    expect = { "observer.ingress.interface.name" = "Gi1/0/8", classification = "Authentication Failure" }
  }
}

rule "ios-port-security" {
  description      = "PORT_SECURITY-2-PSECURE_VIOLATION, SW_MATM-4-MACFLAP_NOTIF, DHCP_SNOOPING, ARP inspection: layer 2 security"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %(?P<labels__facility>PORT_SECURITY|SW_MATM|DHCP_SNOOPING|SW_DAI|STORM_CONTROL)-<ios_level>-(?P<event__code>\w+):\s*(?:Security violation occurred, caused by MAC address (?P<source__mac>[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}) on port (?P<observer__ingress__interface__name>[\w/.:-]*[\w/])|Host (?P<source__mac>[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}) in vlan (?P<network__vlan__id>\d+) is flapping between port (?P<labels__port_from>\S+) and port (?P<labels__port_to>[\w/.:-]*[\w/])|.*)
  RE
  classification   = "Suspicious"
  common_event     = "Layer 2 Security Event"
  risk             = 4
  fields           = { "event.category" = ["network", "intrusion_detection"], "observer.type" = "switch" }

  test {
    log    = "Mar  1 18:56:00 sw-access2 130: %PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address 0000.5e00.5303 on port GigabitEthernet1/0/9."
    expect = { "source.mac" = "0000.5e00.5303", "observer.ingress.interface.name" = "GigabitEthernet1/0/9" }
  }
}

# ------------------------------------------------------------ configuration

rule "ios-config" {
  description      = "SYS-5-CONFIG_I, CONFIG: the running configuration changed"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %SYS-<ios_level>-(?P<event__code>CONFIG_I|CONFIG|CONFIG_NV_I|CONFIG_R):\s*Configured from (?P<labels__config_source>\S+)(?: by (?:(?P<labels__method>console|vty\d+|tty\d+) ?)?<login>?(?: on (?P<process__tty__name>\S+))?(?: \((?:<sip>|[^)]*)\))?)?
  RE
  classification   = "Policy"
  common_event     = "Device Configuration Changed"
  risk             = 4
  fields           = { "event.action" = "configuration-change", "event.category" = ["configuration"], "event.type" = ["change"], "event.outcome" = "success", "observer.type" = "router" }

  test {
    log    = "Mar  1 18:57:00 rtr-edge1 140: *Mar  1 18:57:00.900 UTC: %SYS-5-CONFIG_I: Configured from console by netops on vty0 (192.0.2.43)"
    expect = { login = "netops", sip = "192.0.2.43", "process.tty.name" = "vty0", "labels.config_source" = "console" }
  }
  test {
    log             = "Mar  1 18:57:01 rtr-edge1 141: %SYS-5-CONFIG_I: Configured from console by console"
    log_source_type = "syslog"
    expect          = { "labels.config_source" = "console", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-config-logged-command" {
  description      = "PARSER-5-CFGLOG_LOGGEDCMD: the configuration archive logged a command"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %PARSER-<ios_level>-(?P<event__code>CFGLOG_LOGGEDCMD):\s*User: ?<login>\s+logged command: ?<command>
  RE
  classification   = "Policy"
  common_event     = "Device Command Logged"
  risk             = 3
  fields           = { "event.category" = ["configuration"], "event.type" = ["change"], "event.outcome" = "success", "observer.type" = "router" }

  test {
    log    = "Mar  1 18:58:00 rtr-edge1 150: %PARSER-5-CFGLOG_LOGGEDCMD: User:netops  logged command:no shutdown"
    expect = { login = "netops", command = "no shutdown" }
  }
}

rule "ios-restart" {
  description      = "SYS-5-RESTART, SYS-5-RELOAD, SYS-6-BOOTTIME: the device (re)started"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = "%SYS-<ios_level>-(?P<event__code>RESTART|RELOAD|BOOTTIME|SCHEDULED_RELOAD):\\s*(?P<labels__detail>.*)"
  classification   = "Startup and Shutdown"
  common_event     = "Device Restart"
  risk             = 3
  fields           = { "event.category" = ["host"], "event.type" = ["start"], "observer.type" = "router" }

  test {
    log    = "Mar  1 18:59:00 rtr-edge1 1: %SYS-5-RESTART: System restarted --"
    expect = { "event.code" = "RESTART", "log.level" = "notification" }
  }
}

# ------------------------------------------------------------- interfaces

rule "ios-interface-state" {
  description      = "LINK-3-UPDOWN, LINK-5-CHANGED, LINEPROTO-5-UPDOWN: an interface or its line protocol went up or down"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %(?P<labels__facility>LINK|LINEPROTO)-<ios_level>-(?P<event__code>UPDOWN|CHANGED):\s*(?:Line protocol on )?Interface (?P<observer__ingress__interface__name>[^,\s]+), changed state to (?P<labels__state>administratively down|up|down|deleted|reset)
  RE
  classification   = "Information"
  common_event     = "Interface State Changed"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["change"], "observer.type" = "router" }

  sub_rule "down" {
    when           = "event.labels.state == \"down\""
    classification = "Warning"
    common_event   = "Interface Down"
    risk           = 3
  }

  test {
    log    = "Mar  1 19:00:00 sw-core 00:00:46: %LINK-3-UPDOWN: Interface Port-channel2, changed state to up"
    expect = { "observer.ingress.interface.name" = "Port-channel2", "labels.state" = "up", "log.level" = "error" }
  }
  test {
    log             = "Mar  1 19:00:01 sw-core 201: %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/3, changed state to down"
    log_source_type = "syslog"
    expect          = { "observer.ingress.interface.name" = "GigabitEthernet0/3", sub_rule = "down", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-neighbor-change" {
  description      = "OSPF-5-ADJCHG, BGP-5-ADJCHANGE, DUAL-5-NBRCHANGE, CDP-4-DUPLEX_MISMATCH: routing and discovery neighbours"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %(?P<labels__facility>OSPF|OSPFV3|BGP|DUAL|EIGRP|CDP|LLDP|HSRP|VRRP|STANDBY)-<ios_level>-(?P<event__code>ADJCHG|ADJCHANGE|NBRCHANGE|DUPLEX_MISMATCH|NATIVE_VLAN_MISMATCH|STATECHANGE):\s*(?P<labels__detail>(?:.*?(?:[Nn]eighbou?r|Nbr) <dip>)?.*)$
  RE
  classification   = "Information"
  common_event     = "Neighbor State Changed"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["change"], "observer.type" = "router" }

  test {
    log    = "Mar  1 19:01:00 rtr-edge1 300: %BGP-5-ADJCHANGE: neighbor 203.0.113.1 Down BGP Notification sent"
    expect = { dip = "203.0.113.1", "event.code" = "ADJCHANGE" }
  }
}

# ------------------------------------------------- zone-based firewall

rule "ios-zbf-session" {
  description      = "FW-6-SESS_AUDIT_TRAIL_START, SESS_AUDIT_TRAIL, DROP_PKT: the zone-based firewall started, ended or dropped a session"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %FW-<ios_level>-(?P<event__code>SESS_AUDIT_TRAIL_START|SESS_AUDIT_TRAIL|DROP_PKT|LOG_SUMMARY):\s*(?:\((?P<labels__zone_pair>[^)]*)\)-\((?P<labels__class>[^)]*)\):?\s*)?(?:(?P<labels__state>Start|Stop) (?P<network__protocol>\w+) session: initiator \(<sip>:<sport>\)(?: sent (?P<source__bytes>\d+) bytes)? -- responder \(<dip>:<dport>\)(?: sent (?P<destination__bytes>\d+) bytes)?|Dropping (?P<network__protocol2>\w+) (?:session|packet) (?:from \S+ )?<sip>:<sport> <dip>:<dport>(?: on zone-pair (?P<labels__zone_pair2>\S+))?(?: class (?P<labels__class2>\S+))?(?: with (?P<event__reason>.+))?)
  RE
  classification   = "Network Allow"
  common_event     = "Firewall Session"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection"], "observer.type" = "firewall" }

  sub_rule "dropped" {
    when           = "event.event.code == \"DROP_PKT\""
    classification = "Network Deny"
    common_event   = "Firewall Dropped Packet"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }
  sub_rule "stop" {
    when           = "event.event.code == \"SESS_AUDIT_TRAIL\""
    classification = "Network Traffic"
    fields         = { "event.type" = ["connection", "end"] }
  }

  test {
    log    = "Mar  1 19:04:00 rtr-edge1 501: %FW-6-SESS_AUDIT_TRAIL: (target:class)-(in-out:cm-web):Stop http session: initiator (192.0.2.60:51000) sent 420 bytes -- responder (198.51.100.60:80) sent 8800 bytes"
    expect = { sip = "192.0.2.60", sport = "51000", dip = "198.51.100.60", dport = "80", "source.bytes" = "420", "destination.bytes" = "8800", classification = "Network Traffic" }
  }
  test {
    log             = "Mar  1 19:04:01 rtr-edge1 502: %FW-6-DROP_PKT: Dropping tcp session 198.51.100.61:40000 192.0.2.61:23 on zone-pair out-in class class-default with ip ident 0"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.61", dport = "23", classification = "Network Deny", "event.dataset" = "cisco-ios" }
  }
}

# -------------------------------------------------------------------- IPS

rule "ios-ips-signature" {
  description      = "IPS-4-SIGNATURE: the IOS IPS matched a signature: Sig:N Subsig:N Sev:N name [src:port -> dst:port]"
  log_source_types = ["cisco-ios"]
  sort_order       = 100
  pattern          = <<-RE
    %IPS-<ios_level>-(?P<event__code>SIGNATURE):\s*Sig:(?P<rule__id>\d+) Subsig:(?P<labels__subsig>\d+) Sev:(?P<labels__ips_severity>\d+) (?P<rule__name>.*?) \[(?:<sip>|[^\]:]+):<sport> -> (?:<dip>|[^\]:]+):<dport>\]
  RE
  classification   = "Attack"
  common_event     = "IPS Signature Matched"
  risk             = 7
  fields           = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"], "observer.type" = "ids" }

  test {
    log             = "Mar  1 19:02:00 198.51.100.1 %IPS-4-SIGNATURE: Sig:3051 Subsig:1 Sev:4 TCP Connection Window Size DoS [203.0.113.50:51654 -> 192.0.2.50:4444]"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.50", sport = "51654", dip = "192.0.2.50", dport = "4444", "rule.id" = "3051", "rule.name" = "TCP Connection Window Size DoS", "event.dataset" = "cisco-ios" }
  }
}

# ------------------------------------------------------------- the rest

rule "ios-message-01" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>SNMP|AAA|BOOTVAR|CLOCK|DOT1Q_TUNNELLING|EXPRESS_SETUP|HWIC|IPPHONE|LDP|MLS|OSPFV3|QOS|SYS|VQPCLIENT)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:01 rtr-edge1 601: *Mar  1 19:05:01.100 UTC: %AAA-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "AAA", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-02" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>IDBMAN|SNMP_MGR|AAAA|BRIDGE|CMTS|DOT1X|FAN|IPRT|LICENSE|MODULE|PAGP|RADIUS|SYSMGR|VRRP)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:03:01 nx-core1 2024 Mar  1 19:03:01 nx-core1 %MODULE-5-MOD_OK: Module 1 is online (Serial number: ABC1234)"
    log_source_type = "syslog"
    expect          = { "event.code" = "MOD_OK", "labels.facility" = "MODULE", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-03" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>IDS|ACLLOG|BSR|COMMON_FIB|DTP|FEX|IPS|LICMGR|MPLS|PARSER|RIP|SPA|TACACS|VSHD)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:02 rtr-edge1 602: *Mar  1 19:05:02.100 UTC: %IDS-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "IDS", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-04" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>IGMP|ACLMGR|BUFCAP|CONST_DIAG|DUAL|FIB|IPSEC|LINECARD|MROUTE|PFMA|RTD|SPANTREE|TCP|VTP)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log    = "Mar  1 19:03:00 sw-core 400: %SPANTREE-2-BLOCK_BPDUGUARD: Received BPDU on port Gi1/0/5 with BPDU Guard enabled. Disabling port."
    expect = { "event.code" = "BLOCK_BPDUGUARD", "labels.facility" = "SPANTREE", classification = "Critical" }
  }
}

rule "ios-message-05" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>C4K_[A-Z]+|IGMP_QUERIER|ACLQOS|CONTROLLER|EEM|FLASH|IPV6|LINEPROTO|MSDP|PIM|RTT|SSH|TFTP|WCCP)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:03 rtr-edge1 603: *Mar  1 19:05:03.100 UTC: %IGMP_QUERIER-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "IGMP_QUERIER", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-06" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>CALLHOME|IKE|SATMGR|ADJ|CPUHOG|EIGRP|FMANRP|IPV6_ACL|LINK|NAT|PKI|SSL|TRACKING|WLCLIENT)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:04 rtr-edge1 604: *Mar  1 19:05:04.100 UTC: %CALLHOME-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "CALLHOME", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-07" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>CALLTREAT|IKEV2|SCP|ADJMGR|CRYPTO|ENT_API|FPD_MGMT|IP_SNMP|LLDP|NBAR|PLATFORM|STACKMGR|TRANSCEIVER|X25)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:05 rtr-edge1 605: *Mar  1 19:05:05.100 UTC: %CALLTREAT-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "CALLTREAT", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-08" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>CAPWAP|ILPOWER|SEC|ALIGN|CRYPTO_ENGINE|ENVIRONMENT|FRAMERELAY|IP_VFR|LOGGER|NETCONF|PLATFORM_ENV|STANDBY|TRUNK|XDR)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:06 rtr-edge1 606: *Mar  1 19:05:06.100 UTC: %CAPWAP-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "CAPWAP", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-09" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>CDP|IMAGE|SECURITYD|APPFW|CTS|ENVMON|GBIC|ISAKMP|LOGIN|NGWC_[A-Z_]+|PLATFORM_STACKPOWER|STORM_CONTROL|UBR7200)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:07 rtr-edge1 607: *Mar  1 19:05:07.100 UTC: %IMAGE-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "IMAGE", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-10" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>INTERFACE_API|SEC_LOGIN|ARP|CELLULAR|DHCPD|EPM|GLBP|ISDN|LWAPP|NHRP|PNP|STP|UDLD)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:08 rtr-edge1 608: *Mar  1 19:05:08.100 UTC: %INTERFACE_API-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "INTERFACE_API", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-11" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>SERVICE_MODULE|AUTHMGR|CELLWAN|DHCP_SNOOP|ETHCNTR|HARDWARE|IOSD|KERN|MAB|NOHMS|PORT_PROFILE|SUPERVISOR|USER)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:09 rtr-edge1 609: *Mar  1 19:05:09.100 UTC: %SERVICE_MODULE-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "SERVICE_MODULE", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-12" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>SFF8472|AUTHPRIV|CFGARCHIVE|DHCP_SNOOPING|ETHER|HA_EM|IOSXE_[A-Z_]+|KEYSTORE|MAC_LIMIT|NTP|PORT_SECURITY|SW_DAI|VDC_MGR)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:10 rtr-edge1 610: *Mar  1 19:05:10.100 UTC: %SFF8472-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "SFF8472", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-13" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>SFP|AUTOSTATE|CFGMGR|DIALER|ETHPORT|HDLC|IPACCESS|L2FM|MCAST|NTPD|POWER|SW_MACAUTH|VLAN_MGR)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:03:02 nx-core1 2024 Mar  1 19:03:02 nx-core1 %ETHPORT-5-IF_UP: Interface Ethernet1/7 is up in mode access"
    log_source_type = "syslog"
    expect          = { "event.code" = "IF_UP", "labels.facility" = "ETHPORT", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-14" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>SISF|BFD|CHASSIS|DMI|ETH_PORT_CHANNEL|HSRP|IPACL|L2TP|MFIB|OIR|PPP|SW_MATM|VPC)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:11 rtr-edge1 611: *Mar  1 19:05:11.100 UTC: %SISF-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "SISF", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-15" {
  description      = "any other message of a common IOS facility: kept with facility, severity (log.level) and mnemonic"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>SMART_LIC|BGP|CLEAR|DOT11|EVENTLIB|HSRP_ENGINE|IPNAT|LACP|MKA|OSPF|PRIVATE_VLAN|SW_VLAN|VPDN)-<ios_level>-(?P<event__code>[A-Z][A-Z0-9_]*):\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Network Device Message"
  risk             = 0
  fields           = { "observer.type" = "router" }

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
    log             = "Mar  1 19:05:12 rtr-edge1 612: *Mar  1 19:05:12.100 UTC: %SMART_LIC-5-STATE_CHANGE: made-up state change for the catch rule"
    log_source_type = "syslog"
    expect          = { "labels.facility" = "SMART_LIC", "event.code" = "STATE_CHANGE", "log.level" = "notification", "event.dataset" = "cisco-ios" }
  }
}

rule "ios-message-short-facility" {
  description      = "common messages of the two-letter facilities (PM err-disable, IP duplicate address, FW)"
  log_source_types = ["cisco-ios"]
  sort_order       = 8990
  pattern          = <<-RE
    %(?P<labels__facility>PM|IP|FW)-<ios_level>-(?P<event__code>ERR_DISABLE|ERR_RECOVER|DUPADDR|DUPADDR_VRRP|SOURCEGUARD|BADPKT|DROP_PKT|ALERT_ON|ALERT_OFF|INTERNAL_ERROR|SESS_AUDIT_TRAIL_START|SESS_AUDIT_TRAIL):\s*(?P<labels__detail>.*)
  RE
  classification   = "Warning"
  common_event     = "Network Device Message"
  risk             = 2
  fields           = { "observer.type" = "router" }

  test {
    log             = "Mar  1 19:03:03 sw-access2 141: %PM-4-ERR_DISABLE: bpduguard error detected on Gi1/0/5, putting Gi1/0/5 in err-disable state"
    log_source_type = "syslog"
    expect          = { "event.code" = "ERR_DISABLE", "labels.facility" = "PM", "event.dataset" = "cisco-ios" }
  }
}
