# Huawei USG / HiSecEngine firewalls over syslog. Every message carries
# "%%01<MODULE>/<severity>/<MNEMONIC>(l):" (the format of Huawei's USG
# "Log Reference"), followed by its parameters as key=value parts,
# separated by commas: `%%01POLICY/6/POLICYPERMIT(l):vsys=public,
# protocol=6, source-ip=…, source-port=…, destination-ip=…, …` or, in the
# newer messages, a sentence and the parts in parentheses: `%%01IPS/4/
# DETECT(l):An intrusion was detected. (SyslogId=…, VSys="public",
# SrcIp=…, DstIp=…, …, Action=Block)`. The parts are read with extract =
# "kv" and kv_separator = ","; the module and mnemonic say what happened.
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "huawei-usg" {
  header  = "syslog"
  vendor  = "Huawei"
  product = "USG"
  module  = "huawei"
}

rule "huawei-usg-log" {
  description      = "every USG message with key=value parameters: POLICY, SECLOG, IPS, AV, URL, SHELL, SSH, VPN …"
  log_source_types = ["huawei-usg"]
  sort_order       = 850
  pattern          = <<-RE
    %%01(?P<huawei__module>[A-Z][A-Z0-9_-]*)/(?P<huawei__severity>[0-7])/(?P<event__code>[A-Z][A-Z0-9_]*)(?:\([a-z]+\))?(?:\[\d+\])?:\s?(?:.*?rule-name=(?P<rule__name>[^,]*?)\.?$)?
  RE
  extract          = "kv"
  kv_separator     = ","
  classification   = "Information"
  common_event     = "Firewall Event"
  risk             = 1
  map = {
    "huawei.vsys"                    = ["kv.vsys", "kv.VSys"]
    iana_transport                   = ["kv.protocol", "kv.Protocol"]
    sip                              = ["kv.source-ip", "kv.SrcIp", "kv.SourceIP", "kv.Ip", "kv.IP", "kv.UserIP"]
    sport                            = ["kv.source-port", "kv.SrcPort", "kv.SourcePort"]
    dip                              = ["kv.destination-ip", "kv.DstIp", "kv.DestinationIP"]
    dport                            = ["kv.destination-port", "kv.DstPort", "kv.DestinationPort"]
    snatip                           = ["kv.SourceNatIP", "kv.source-nat-ip"]
    snatport                         = ["kv.SourceNatPort"]
    dnatip                           = ["kv.DestinationNatIP"]
    dnatport                         = ["kv.DestinationNatPort"]
    "observer.ingress.zone"          = ["kv.source-zone", "kv.SrcZone", "kv.SourceZone"]
    "observer.egress.zone"           = ["kv.destination-zone", "kv.DstZone", "kv.DestinationZone"]
    "network.application"            = ["kv.application-name", "kv.Application"]
    "rule.ruleset"                   = ["kv.Policy", "kv.PolicyName"]
    login                            = ["kv.User", "kv.UserName", "kv.user-name"]
    src_bytes                        = ["kv.SendBytes"]
    dst_bytes                        = ["kv.RcvBytes"]
    src_packets                      = ["kv.SendPkts"]
    dst_packets                      = ["kv.RcvPkts"]
    "event.action"                   = ["kv.Action", "kv.action"]
    "event.reason"                   = ["kv.CloseReason", "kv.Reason", "kv.Result"]
    "huawei.sign_name"               = ["kv.SignName", "kv.AttackType"]
    "huawei.virus_name"              = ["kv.VirusName"]
    "file.name"                      = ["kv.FileName"]
    url                              = ["kv.Url", "kv.URL"]
    "rule.category"                  = ["kv.UrlCategory", "kv.Category"]
    "process.command_line"           = ["kv.Command"]
    "huawei.syslog_id"               = ["kv.SyslogId"]
  }
  fields = { "event.kind" = "event", "observer.type" = "firewall" }

  sub_rule "deny" {
    when           = "event.event.code in [\"POLICYDENY\", \"PACKET_DENY\", \"BLACKLIST\", \"SESSION_DENY\"] || event.kv.Action in [\"Block\", \"block\", \"Deny\", \"deny\", \"Drop\", \"drop\"] && event.huawei.module in [\"POLICY\", \"SECLOG\", \"FWLIB\"]"
    classification = "Network Deny"
    common_event   = "Firewall Session Denied"
    risk           = 3
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "ips" {
    when           = "event.huawei.module in [\"IPS\", \"ANTIATTACK\", \"ATK\"]"
    classification = "Attack"
    common_event   = "Intrusion Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "network"] }
  }

  sub_rule "malware" {
    when           = "event.huawei.module in [\"AV\", \"SANDBOX\", \"APT\"]"
    classification = "Malware"
    common_event   = "Malware Detected"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware", "network"] }
  }

  sub_rule "url-blocked" {
    when           = "event.huawei.module == \"URL\" && event.kv.Action in [\"Block\", \"block\"]"
    classification = "Access Failure"
    common_event   = "Web Access Blocked"
    risk           = 3
    fields         = { "event.category" = ["network", "web"], "event.outcome" = "failure" }
  }

  sub_rule "login-failed" {
    when           = "event.event.code.matches(\"FAIL\") && event.huawei.module in [\"SHELL\", \"SSH\", \"HTTPD\", \"AAA\", \"WEB\", \"TELNET\"]"
    classification = "Authentication Failure"
    common_event   = "Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "command" {
    when           = "event.event.code == \"CMDRECORD\""
    classification = "Other Audit"
    common_event   = "Command Run"
    risk           = 2
    fields         = { "event.category" = ["process"] }
  }

  sub_rule "permit" {
    when           = "event.event.code in [\"POLICYPERMIT\", \"SESSION_TEARDOWN\", \"SESSION_CREATE\"]"
    classification = "Network Allow"
    common_event   = "Firewall Session"
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log    = "<190>Mar  1 2024 10:15:02 USG6000-1 %%01POLICY/6/POLICYPERMIT(l):vsys=public, protocol=6, source-ip=192.0.2.10, source-port=51514, destination-ip=198.51.100.20, destination-port=443, time=2024/3/1 10:15:02, source-zone=trust, destination-zone=untrust, application-name=, rule-name=allow-web."
    expect = {
      sub_rule = "permit", classification = "Network Allow", sip = "192.0.2.10", sport = "51514", dip = "198.51.100.20", dport = "443"
      "network.transport" = "tcp", "observer.ingress.zone" = "trust", "rule.name" = "allow-web", "event.code" = "POLICYPERMIT", "huawei.module" = "POLICY"
    }
  }

  test {
    log             = "<188>Mar  1 2024 10:16:00 USG6000-1 %%01IPS/4/DETECT(l):An intrusion was detected. (SyslogId=1234, VSys=\"public\", Policy=\"dmz-in\", SrcIp=203.0.113.66, DstIp=192.0.2.80, SrcPort=41000, DstPort=8080, SrcZone=untrust, DstZone=dmz, User=\"unknown\", Protocol=TCP, Application=\"HTTP\", Profile=\"default\", SignName=\"Apache Log4j Remote Code Execution\", SignId=1000001, EventNum=1, Target=server, Severity=high, Os=all, Category=Code Execution, Reference=CVE-2021-44228, Action=Block)"
    log_source_type = "syslog"
    expect          = { sub_rule = "ips", classification = "Attack", sip = "203.0.113.66", dport = "8080", "event.action" = "Block", "huawei.sign_name" = "Apache Log4j Remote Code Execution", "observer.vendor" = "Huawei", "event.dataset" = "huawei-usg" }
  }

  test {
    log    = "<190>Mar  1 2024 10:17:00 USG6000-1 %%01SECLOG/6/SESSION_TEARDOWN(l):IPVer=4,Protocol=tcp,SourceIP=192.0.2.10,DestinationIP=198.51.100.20,SourcePort=51515,DestinationPort=443,SourceNatIP=203.0.113.5,SourceNatPort=61515,BeginTime=1709284560,EndTime=1709284620,SendPkts=14,SendBytes=2120,RcvPkts=12,RcvBytes=8421,SourceVpnID=0,DestinationVpnID=0,SourceZone=trust,DestinationZone=untrust,PolicyName=allow-web,CloseReason=tcp-fin"
    expect = { sub_rule = "permit", snatip = "203.0.113.5", "source.bytes" = "2120", "event.reason" = "tcp-fin", "rule.ruleset" = "allow-web" }
  }

  test {
    log    = "<189>Mar  1 2024 10:18:00 USG6000-1 %%01SHELL/5/CMDRECORD(s)[0]:Recorded command information. (Task=VT0, Ip=192.0.2.99, VpnName=, User=admin, AuthenticationMethod=\"Local-user\", Command=\"display current-configuration\", Result=Execution success)"
    expect = { sub_rule = "command", login = "admin", sip = "192.0.2.99", "process.command_line" = "display current-configuration", "event.reason" = "Execution success" }
  }
}
