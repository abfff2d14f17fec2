# Huawei USG / HiSecEngine firewalls and VRP devices, as they send syslog:
# "%%01MODULE/level/DIGEST(type):text" (type l = log, s = security,
# d = diagnostic, t = trap). Policy and session logs carry
# "key=value, key=value" pairs in the order the product documentation
# lists them.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "huawei-usg" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Huawei"
  product  = "USG"
  module   = "huawei"
}

# "%%01POLICY/6/POLICYPERMIT": the severity, as a syslog level name.
tag "hw_level" {
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

rule "huawei-policy" {
  description      = "POLICY/6/POLICYPERMIT, POLICYDENY (and SEC/…): a security policy permitted or denied a flow"
  log_source_types = ["huawei-usg"]
  sort_order       = 100
  pattern          = <<-RE
    %%01(?P<labels__module>POLICY|SEC|FWLIB)/<hw_level>/(?P<event__code>POLICYPERMIT|POLICYDENY|POLICY_PERMIT|POLICY_DENY)(?:\([a-z]+\))?(?:\[\d+\])?:\s*(?:vsys=(?P<labels__vsys>[^,]*), )?protocol=(?P<network__iana_number>\d+), source-ip=<sip>, source-port=<sport>, destination-ip=<dip>, destination-port=<dport>, time=(?P<labels__time>[^,]*), source-zone=(?P<observer__ingress__zone>[^,]*), destination-zone=(?P<observer__egress__zone>[^,]*)(?:, (?:application-name|application)=(?P<network__application>[^,]*))?, rule-name=(?P<rule__name>[^,.]*)
  RE
  classification   = "Network Allow"
  common_event     = "Policy Permitted Traffic"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "allowed"], "event.outcome" = "success", "observer.type" = "firewall" }

  sub_rule "denied" {
    when           = "event.event.code in [\"POLICYDENY\", \"POLICY_DENY\"]"
    classification = "Network Deny"
    common_event   = "Policy Denied Traffic"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  test {
    log             = "Mar  7 10:00:00 usg-dc %%01POLICY/6/POLICYDENY(l):vsys=public, protocol=6, source-ip=198.51.100.70, source-port=40100, destination-ip=192.0.2.70, destination-port=3389, time=2024/3/7 10:00:00, source-zone=untrust, destination-zone=trust, rule-name=deny-rdp."
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.70", sport = "40100", dip = "192.0.2.70", dport = "3389", "rule.name" = "deny-rdp", classification = "Network Deny", "observer.ingress.zone" = "untrust", "event.dataset" = "huawei-usg" }
  }
  test {
    log    = "Mar  7 10:00:01 usg-dc %%01POLICY/6/POLICYPERMIT(l):vsys=public, protocol=17, source-ip=192.0.2.71, source-port=5353, destination-ip=203.0.113.53, destination-port=53, time=2024/3/7 10:00:01, source-zone=trust, destination-zone=untrust, application-name=DNS, rule-name=allow-dns."
    expect = { sip = "192.0.2.71", dport = "53", "network.application" = "DNS", classification = "Network Allow" }
  }
}

rule "huawei-session" {
  description      = "SESSIONLOG/6/SESSION_TEARDOWN (and others): a session's addresses, NAT, bytes and packets"
  log_source_types = ["huawei-usg"]
  sort_order       = 100
  pattern          = <<-RE
    %%01SESSIONLOG/<hw_level>/(?P<event__code>\w+)(?:\([a-z]+\))?(?:\[\d+\])?:\s*IPVer=(?P<labels__ip_version>\d),Protocol=<protocol>,SourceIP=<sip>,DestinationIP=<dip>,SourcePort=<sport>,DestinationPort=<dport>(?:,SourceNatIP=(?P<source__nat__ip>[^,]*),SourceNatPort=(?P<source__nat__port>[^,]*))?(?:,DestinationNatIP=(?P<destination__nat__ip>[^,]*),DestinationNatPort=(?P<destination__nat__port>[^,]*))?(?:.*?,BeginTime=(?P<labels__begin>\d+),EndTime=(?P<labels__end>\d+))?(?:.*?,SendPkts=(?P<source__packets>\d+),SendBytes=(?P<source__bytes>\d+),RcvPkts=(?P<destination__packets>\d+),RcvBytes=(?P<destination__bytes>\d+))?(?:.*?,SourceVpnID=\d+,DestinationVpnID=\d+,SourceZone=(?P<observer__ingress__zone>[^,]*),DestinationZone=(?P<observer__egress__zone>[^,]*))?(?:.*?,PolicyName=(?P<rule__name>[^,.]*))?
  RE
  classification   = "Network Traffic"
  common_event     = "Session Log"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "end"], "observer.type" = "firewall" }

  test {
    log    = "Mar  7 10:01:00 usg-dc %%01SESSIONLOG/6/SESSION_TEARDOWN(l):IPVer=4,Protocol=tcp,SourceIP=192.0.2.72,DestinationIP=198.51.100.72,SourcePort=51000,DestinationPort=443,SourceNatIP=203.0.113.72,SourceNatPort=2100,BeginTime=1709805600,EndTime=1709805660,SendPkts=12,SendBytes=2400,RcvPkts=10,RcvBytes=9800,SourceVpnID=0,DestinationVpnID=0,SourceZone=trust,DestinationZone=untrust,PolicyName=allow-web,CloseReason=tcp-fin."
    expect = { sip = "192.0.2.72", dport = "443", protocol = "tcp", "source.nat.ip" = "203.0.113.72", "source.bytes" = "2400", "rule.name" = "allow-web" }
  }
}

rule "huawei-attack" {
  description      = "ATK, ANTIATTACK, IPS, AV and URL filtering logs: attacks, intrusions, viruses and blocked URLs between two hosts"
  log_source_types = ["huawei-usg"]
  sort_order       = 100
  pattern          = <<-RE
    %%01(?P<labels__module>ATK|ANTIATTACK|IPS|AV|URL|UM|FWD|SA|NBA)/<hw_level>/(?P<event__code>\w+)(?:\([a-z]+\))?(?:\[\d+\])?:\s*(?P<labels__detail>(?:.*?(?:[Ss]ource-?[Ii][Pp]|SrcIp|source-ip)=<sip>)?(?:.*?(?:[Dd]estination-?[Ii][Pp]|DstIp|destination-ip)=<dip>)?(?:.*?(?:[Ss]ource-?[Pp]ort|SrcPort|source-port)=<sport>)?(?:.*?(?:[Dd]estination-?[Pp]ort|DstPort|destination-port)=<dport>)?.*)$
  RE
  classification   = "Attack"
  common_event     = "Threat Detected"
  risk             = 6
  fields           = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"], "observer.type" = "firewall" }

  test {
    log    = "Mar  7 10:02:00 usg-dc %%01IPS/4/DETECT(l):An intrusion was detected. (SyslogId=1, VSys=\"public\", Policy=\"ips-p\", SrcIp=198.51.100.73, DstIp=192.0.2.73, SrcPort=4000, DstPort=80, SrcZone=untrust, DstZone=dmz, User=\"unknown\", Protocol=TCP, Application=\"HTTP\", Profile=\"default\", SignName=\"SQL Injection Attempt\", SignId=100000, EventNum=1, Target=server, Severity=high, Os=all, Category=Injection, Action=Block)"
    expect = { sip = "198.51.100.73", dip = "192.0.2.73", sport = "4000", dport = "80", "event.code" = "DETECT" }
  }
}

rule "huawei-login" {
  description      = "SHELL, SSH, HTTPD, UM, AAA, FTPS: administrator logins, logouts and failures"
  log_source_types = ["huawei-usg"]
  sort_order       = 100
  pattern          = <<-RE
    %%01(?P<labels__module>SHELL|SSH|SSHS|HTTPD|UM|AAA|FTPS|TELNETS|VTY|WEB)/<hw_level>/(?P<event__code>LOGIN|LOGOUT|LOGIN_FAIL|LOGINFAILED|LOGINFAIL|LOGIN_FAILED|LOGINOK|LOGIN_SUCCESS|USERLOGIN|USERLOGOUT|USER_LOGIN|USER_LOGOUT|SSH_FAIL|SSHS_LOGIN_FAIL|LOGINFAIL_WITH_REASON|AUTHFAIL|USER_OFFLINE_RESULT|ADMINLOGINSUCCESS|ADMINLOGINFAIL|ADMINLOGOUT)(?:\([a-z]+\))?(?:\[\d+\])?:\s*(?P<labels__detail>(?:.*?\b(?:User|UserName|user|username|Username|USER|Admin)\s*[=:]\s*"?(?P<login>[^",)\s]+)"?.*?\b(?:Ip|IP|IpAddress|UserAddress|ip|IPAddr|Ip-address)\s*[=:]\s*<sip>|.*?\b(?:Ip|IP|IpAddress|UserAddress|ip|IPAddr|Ip-address)\s*[=:]\s*<sip>.*?\b(?:User|UserName|user|username|Username|USER|Admin)\s*[=:]\s*"?(?P<login>[^",)\s]+)"?|.*?\b(?:User|UserName|user|username|Username|USER|Admin)\s*[=:]\s*"?(?P<login>[^",)\s]+)"?|.*?\b(?:Ip|IP|IpAddress|UserAddress|ip|IPAddr|Ip-address)\s*[=:]\s*<sip>)?.*)$
  RE
  classification   = "Authentication Success"
  common_event     = "Device Login"
  risk             = 3
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success", "observer.type" = "firewall" }

  sub_rule "failed" {
    when           = <<-CEL
      event.event.code.matches("FAIL")
    CEL
    classification = "Authentication Failure"
    common_event   = "Device Login Failed"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "logout" {
    when           = <<-CEL
      event.event.code.matches("LOGOUT|OFFLINE")
    CEL
    classification = "Other Audit Success"
    common_event   = "Device Logout"
    risk           = 1
  }

  test {
    log             = "Mar  7 10:03:00 usg-dc %%01SSH/4/SSH_FAIL(s)[3]:Failed to login through SSH. (Ip=198.51.100.74, UserName=admin, Times=3)"
    log_source_type = "syslog"
    expect          = { login = "admin", sip = "198.51.100.74", "event.outcome" = "failure", "event.dataset" = "huawei-usg" }
  }
  test {
    log    = "Mar  7 10:04:00 usg-dc %%01SHELL/5/LOGIN(s):admin login from 192.0.2.75. (UserName=admin, IPAddr=192.0.2.75)"
    expect = { login = "admin", sip = "192.0.2.75", "event.outcome" = "success" }
  }
}

rule "huawei-command" {
  description      = "SHELL/5/CMDRECORD and friends: a command an administrator ran"
  log_source_types = ["huawei-usg"]
  sort_order       = 100
  pattern          = <<-RE
    %%01(?P<labels__module>SHELL|CLI|UM)/<hw_level>/(?P<event__code>CMDRECORD|CMDRECORDFAILED|CLI_EXEC_CMD|CMD|CONFIGCHANGE|CFGCHANGE)(?:\([a-z]+\))?(?:\[\d+\])?:\s*(?:.*?Task=(?P<process__tty__name>[^,]*))?(?:.*?Ip=(?:<sip>|\*\*|[^,]*))?(?:.*?User=(?P<login>[^,)]*))?(?:.*?Command="(?P<command>[^"]*)")?
  RE
  classification   = "Policy"
  common_event     = "Device Command"
  risk             = 3
  fields           = { "event.category" = ["configuration"], "event.outcome" = "success", "observer.type" = "firewall" }

  test {
    log    = "Mar  7 10:05:00 usg-dc %%01SHELL/5/CMDRECORD(s)[4]:Recorded command information. (Task=VT0, Ip=192.0.2.75, VpnName=, User=admin, AuthenticationMethod=\"Local-user\", Command=\"display current-configuration\")"
    expect = { login = "admin", sip = "192.0.2.75", command = "display current-configuration", "process.tty.name" = "VT0" }
  }
}

rule "huawei-message" {
  description      = "any other %%01MODULE/level/DIGEST message: kept with module, severity (log.level) and digest"
  log_source_types = ["huawei-usg"]
  sort_order       = 8990
  pattern          = <<-RE
    %%01(?P<labels__module>[A-Z][A-Z0-9_]+)/<hw_level>/(?P<event__code>[A-Za-z][A-Za-z0-9_]+)(?:\([a-z]+\))?(?:\[\d+\])?:\s*(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Firewall Message"
  risk             = 0
  fields           = { "observer.type" = "firewall" }

  sub_rule "error" {
    when           = <<-CEL
      event.log.level in ["emergency", "alert", "critical", "error"]
    CEL
    classification = "Error"
    risk           = 3
  }
  sub_rule "warning" {
    when           = "event.log.level == \"warning\""
    classification = "Warning"
    risk           = 2
  }

  test {
    log    = "Mar  7 10:06:00 usg-dc %%01HRPI/4/CORE_STATE(l)[0]:The HRP core state changed due to an interface. (old_state=normal, new_state=abnormal)"
    expect = { "event.code" = "CORE_STATE", "labels.module" = "HRPI", classification = "Warning" }
  }
}
