# Windows event log records as the OSSEC / Wazuh agent forwards them in
# its text format ("eventlog" and "eventchannel" sources of old agents),
# one record per line, its message's line breaks and tabs folded:
#
#   2024 Jun 03 10:11:12 WinEvtLog: Security: AUDIT_SUCCESS(4624):
#     Microsoft-Windows-Security-Auditing: (no user): no domain: DC1:
#     An account was successfully logged on. Subject: Security ID: …
#
# WinEvtLog: <channel>: <level>(<event id>): <provider>: <user>: <domain>:
# <computer>: <message>. The rules read that frame for any record, and
# the message of the Security and Sysmon events a SOC hunts with (logons,
# process creation, Sysmon process, network, file and DNS events) into the
# same ECS fields as the winlogbeat JSON packs (windows-security.hcl,
# windows-sysmon.hcl).
#
# Test lines are made up: documentation addresses and invented hosts.

log_source_type "windows-eventlog" {
  header  = "syslog"
  vendor  = "Microsoft"
  product = "Windows"
  module  = "windows"
}

# INFORMATION(1), AUDIT_SUCCESS(4624): the level Windows recorded.
tag "winevt_level" {
  pattern = "[A-Z_]+"
  field   = "log.level"
  values = {
    "INFORMATION"   = "information"
    "AUDIT_SUCCESS" = "information"
    "AUDIT_FAILURE" = "information"
    "WARNING"       = "warning"
    "ERROR"         = "error"
    "CRITICAL"      = "critical"
    "VERBOSE"       = "verbose"
  }
}

# ------------------------------------------------------------- Sysmon

rule "winevtlog-sysmon-process-create" {
  description      = "Sysmon 1: Process Create"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Microsoft-Windows-Sysmon/Operational): <winevt_level>\((?P<event__code>1)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): Process Create:.*?  ProcessGuid: (?P<process__entity_id>\{[^}]*\})\s+ProcessId: <pid>\s+Image: (?P<process__executable>.+?)  (?:.*?  )?CommandLine: (?P<command>.+?)  .*?User: (?P<sysmon_user>.+?)  (?:.*?(?:Hashes: (?P<sysmon_hashes>[^\s]+)|Hash: (?P<sysmon_hash>[0-9A-Fa-f]+))  )?.*?ParentProcessId: <ppid>\s+ParentImage: (?P<process__parent__executable>.+?)  ParentCommandLine: (?P<process__parent__command_line>.*)
  RE
  classification   = "Other Audit Success"
  common_event     = "Process Created"
  risk             = 1
  map = {
    "process.name"        = "basename(process.executable)"
    "process.parent.name" = "basename(process.parent.executable)"
    "user.name"           = "user(labels.sysmon_user)"
    "user.domain"         = "domain(labels.sysmon_user)"
    "process.hash.sha1"   = ["hash(labels.sysmon_hashes, SHA1)", "lower(labels.sysmon_hash)"]
    "process.hash.md5"    = "hash(labels.sysmon_hashes, MD5)"
    "process.hash.sha256" = "hash(labels.sysmon_hashes, SHA256)"
  }
  fields = { "event.action" = "Process creation", "event.category" = ["process"], "event.type" = ["start"], "winlog.event_id" = "1" }

  sub_rule "script-host" {
    when         = <<-CEL
      has(event.process.name) && event.process.name.lowerAscii() in ["cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe", "mshta.exe"]
    CEL
    common_event = "Shell Or Script Host Started"
    risk         = 3
  }

  test {
    log             = "2024 Jun 03 10:11:12 WinEvtLog: Microsoft-Windows-Sysmon/Operational: INFORMATION(1): Microsoft-Windows-Sysmon: SYSTEM: NT AUTHORITY: WS-21.corp.example: Process Create:  RuleName: -  UtcTime: 2024-06-03 10:11:12.345  ProcessGuid: {0b1c2d3e-0000-1111-2222-333344445555}  ProcessId: 5120  Image: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe  FileVersion: 10.0.19041.1  CommandLine: powershell.exe -NoProfile -File C:\\Scripts\\inventory.ps1  CurrentDirectory: C:\\Scripts\\  User: CORP\\nadia  LogonGuid: {0b1c2d3e-0000-1111-2222-333344449999}  LogonId: 0x5A21F  TerminalSessionId: 1  IntegrityLevel: Medium  Hashes: SHA1=1F2E3D4C5B6A79881726354453627181920A0B0C,MD5=0A1B2C3D4E5F60718293A4B5C6D7E8F9  ParentProcessGuid: {0b1c2d3e-0000-1111-2222-333344440001}  ParentProcessId: 4096  ParentImage: C:\\Windows\\explorer.exe  ParentCommandLine: C:\\Windows\\Explorer.EXE"
    log_source_type = "syslog"
    expect          = { pid = "5120", process = "powershell.exe", command = "powershell.exe -NoProfile -File C:\\Scripts\\inventory.ps1", login = "nadia", domain = "CORP", ppid = "4096", "process.parent.name" = "explorer.exe", "process.hash.md5" = "0a1b2c3d4e5f60718293a4b5c6d7e8f9", sub_rule = "script-host", "observer.vendor" = "Microsoft", "event.dataset" = "windows-eventlog" }
  }
  test {
    log    = "2024 Jun 03 10:12:00 WinEvtLog: Microsoft-Windows-Sysmon/Operational: INFORMATION(1): Microsoft-Windows-Sysmon: SYSTEM: NT AUTHORITY: WS-22: Process Create:  UtcTime: 6/3/2024 10:12 AM  ProcessGuid: {00000000-0000-0000-0000-00000000AB01}  ProcessId: 2200  Image: C:\\Windows\\system32\\notepad.exe  CommandLine: \"C:\\Windows\\system32\\notepad.exe\" C:\\Users\\olek\\notes.txt  User: WS-22\\olek  LogonGuid: {00000000-0000-0000-0000-00000000AB02}  LogonId: 0x1A2B3  TerminalSessionId: 1  IntegrityLevel: Medium  HashType: SHA1  Hash: 00AA11BB22CC33DD44EE55FF66007711228833AA  ParentProcessGuid: {00000000-0000-0000-0000-00000000AB03}  ParentProcessId: 1888  ParentImage: C:\\Windows\\Explorer.EXE  ParentCommandLine: C:\\Windows\\Explorer.EXE"
    expect = { pid = "2200", process = "notepad.exe", login = "olek", "process.hash.sha1" = "00aa11bb22cc33dd44ee55ff66007711228833aa", ppid = "1888", "log.level" = "information" }
  }
}

rule "winevtlog-sysmon-network" {
  description      = "Sysmon 3: Network connection detected"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Microsoft-Windows-Sysmon/Operational): <winevt_level>\((?P<event__code>3)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): Network connection detected:.*?  ProcessId: <pid>\s+Image: (?P<process__executable>.+?)  (?:.*?User: (?P<sysmon_user>.+?)  )?.*?Protocol: <protocol>  .*?SourceIp: <sip>  .*?SourcePort: <sport>  .*?DestinationIp: <dip>  .*?DestinationPort: <dport>
  RE
  classification   = "Network Traffic"
  common_event     = "Network Connection"
  risk             = 1
  map = {
    "process.name" = "basename(process.executable)"
    "user.name"    = "user(labels.sysmon_user)"
    "user.domain"  = "domain(labels.sysmon_user)"
  }
  fields = { "event.action" = "Network connection", "event.category" = ["network"], "event.type" = ["start", "connection", "protocol"], "winlog.event_id" = "3" }

  test {
    log             = "2024 Jun 03 10:13:00 WinEvtLog: Microsoft-Windows-Sysmon/Operational: INFORMATION(3): Microsoft-Windows-Sysmon: SYSTEM: NT AUTHORITY: WS-21: Network connection detected:  RuleName: -  UtcTime: 2024-06-03 10:13:00.100  ProcessGuid: {0b1c2d3e-0000-1111-2222-333344445555}  ProcessId: 5120  Image: C:\\Users\\Public\\tool.exe  User: CORP\\nadia  Protocol: tcp  Initiated: true  SourceIsIpv6: false  SourceIp: 192.0.2.21  SourceHostname: WS-21  SourcePort: 50433  SourcePortName: -  DestinationIsIpv6: false  DestinationIp: 203.0.113.80  DestinationHostname: -  DestinationPort: 443  DestinationPortName: https"
    log_source_type = "syslog"
    expect          = { pid = "5120", process = "tool.exe", protocol = "tcp", sip = "192.0.2.21", sport = "50433", dip = "203.0.113.80", dport = "443", login = "nadia" }
  }
}

rule "winevtlog-sysmon-file-process" {
  description      = "Sysmon 5 (Process terminated), 11 (File created), 22 (Dns query)"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Microsoft-Windows-Sysmon/Operational): <winevt_level>\((?P<event__code>5|11|22)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): (?P<labels__sysmon_event>Process terminated|File created|Dns query):.*?  ProcessId: <pid>\s+(?:Image: (?P<process__executable>.+?)  )?(?:.*?TargetFilename: (?P<file__path>.+?)(?:  |$))?(?:.*?QueryName: (?P<dns__question__name>[^\s]+))?(?:.*?  Image: (?P<sysmon_image>.+?)(?:  |$))?
  RE
  classification   = "Other Audit Success"
  common_event     = "Process Terminated"
  risk             = 0
  map = {
    "process.executable" = ["process.executable", "labels.sysmon_image"]
    "process.name"       = ["basename(process.executable)", "basename(labels.sysmon_image)"]
    "file.name"          = "basename(file.path)"
  }
  fields = { "event.action" = "Process terminated", "event.category" = ["process"], "event.type" = ["end"] }

  sub_rule "file-created" {
    when           = "event.event.code == \"11\""
    classification = "Object Created"
    common_event   = "File Created"
    risk           = 1
    fields         = { "event.action" = "FileCreate", "event.category" = ["file"], "event.type" = ["creation"] }
  }
  sub_rule "dns-query" {
    when           = "event.event.code == \"22\""
    classification = "Network Traffic"
    common_event   = "DNS Query"
    fields         = { "event.action" = "DNSEvent (DNS query)", "event.category" = ["network"], "event.type" = ["connection", "protocol", "info"], "network.protocol" = "dns" }
  }

  test {
    log    = "2024 Jun 03 10:14:00 WinEvtLog: Microsoft-Windows-Sysmon/Operational: INFORMATION(11): Microsoft-Windows-Sysmon: SYSTEM: NT AUTHORITY: WS-21: File created:  RuleName: -  UtcTime: 2024-06-03 10:14:00.200  ProcessGuid: {0b1c2d3e-0000-1111-2222-333344445555}  ProcessId: 5120  Image: C:\\Users\\Public\\tool.exe  TargetFilename: C:\\Users\\Public\\drop\\payload.dll  CreationUtcTime: 2024-06-03 10:14:00.200"
    expect = { pid = "5120", process = "tool.exe", "file.path" = "C:\\Users\\Public\\drop\\payload.dll", "file.name" = "payload.dll", sub_rule = "file-created" }
  }
  test {
    log             = "2024 Jun 03 10:15:00 WinEvtLog: Microsoft-Windows-Sysmon/Operational: INFORMATION(22): Microsoft-Windows-Sysmon: SYSTEM: NT AUTHORITY: WS-21: Dns query:  RuleName: -  UtcTime: 2024-06-03 10:15:00.300  ProcessGuid: {0b1c2d3e-0000-1111-2222-333344445555}  ProcessId: 5120  QueryName: updates.example.com  QueryStatus: 0  QueryResults: ::ffff:198.51.100.14;  Image: C:\\Program Files\\Example\\app.exe"
    log_source_type = "syslog"
    expect          = { pid = "5120", "dns.question.name" = "updates.example.com", process = "app.exe", sub_rule = "dns-query" }
  }
}

# ----------------------------------------------------------- Security

rule "winevtlog-4624-logon" {
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4624)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): An account was successfully logged on\..*?Logon Type:\s+(?P<winlog__logon__type>\d+).*?New Logon:\s+Security ID:\s+(?P<user__id>\S+)\s+Account Name:\s+<login>\s+Account Domain:\s+<domain>(?:.*?Process Name:\s+(?P<process__executable>\S.*?)\s+Network Information:)?(?:.*?Workstation Name:\s+(?P<source__domain>[^\s-][^\s]*))?(?:.*?Source Network Address:\s+<sip>)?(?:\s+Source Port:\s+<sport>)?
  RE
  classification   = "Authentication Success"
  common_event     = "User Logon"
  risk             = 3
  map              = { "process.name" = "basename(process.executable)" }
  fields           = { "event.action" = "logged-in", "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }

  sub_rule "remote-interactive" {
    when         = "has(event.winlog.logon.type) && event.winlog.logon.type == \"10\""
    common_event = "Remote Desktop Logon"
    risk         = 5
  }

  test {
    log             = "2024 Jun 03 10:20:00 WinEvtLog: Security: AUDIT_SUCCESS(4624): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: An account was successfully logged on. Subject: Security ID: S-1-5-18 Account Name: DC1$ Account Domain: CORP Logon ID: 0x3E7 Logon Type: 10 New Logon: Security ID: S-1-5-21-1-2-3-1121 Account Name: nadia Account Domain: CORP Logon ID: 0x8F2A1 Logon GUID: {00000000-0000-0000-0000-000000000000} Process Information: Process ID: 0x2c4 Process Name: C:\\Windows\\System32\\svchost.exe Network Information: Workstation Name: WS-21 Source Network Address: 192.0.2.21 Source Port: 50122 Detailed Authentication Information: Logon Process: User32"
    log_source_type = "syslog"
    expect          = { login = "nadia", domain = "CORP", "user.id" = "S-1-5-21-1-2-3-1121", sip = "192.0.2.21", sport = "50122", process = "svchost.exe", common_event = "Remote Desktop Logon", "event.code" = "4624" }
  }
}

rule "winevtlog-4625-logon-failed" {
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4625)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): An account failed to log on\..*?Logon Type:\s+(?P<winlog__logon__type>\d+).*?Account For Which Logon Failed:\s+Security ID:\s+\S+\s+Account Name:\s+<login>\s+Account Domain:\s+(?P<user__domain>\S*)(?:.*?Failure Reason:\s+(?P<event__reason>.+?)\s+Status:)?(?:.*?Source Network Address:\s+<sip>)?(?:\s+Source Port:\s+<sport>)?
  RE
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 4
  fields           = { "event.action" = "logon-failed", "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "failure" }

  test {
    log             = "2024 Jun 03 10:21:00 WinEvtLog: Security: AUDIT_FAILURE(4625): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: An account failed to log on. Subject: Security ID: S-1-0-0 Account Name: - Account Domain: - Logon ID: 0x0 Logon Type: 3 Account For Which Logon Failed: Security ID: S-1-0-0 Account Name: administrator Account Domain: CORP Failure Information: Failure Reason: Unknown user name or bad password. Status: 0xC000006D Sub Status: 0xC000006A Process Information: Caller Process ID: 0x0 Caller Process Name: - Network Information: Workstation Name: - Source Network Address: 203.0.113.66 Source Port: 0"
    log_source_type = "syslog"
    expect          = { login = "administrator", sip = "203.0.113.66", sport = "0", reason = "Unknown user name or bad password.", "event.outcome" = "failure", classification = "Authentication Failure" }
  }
}

rule "winevtlog-4688-process-created" {
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4688)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): A new process has been created\..*?Subject:\s+Security ID:\s+\S+\s+Account Name:\s+<login>\s+Account Domain:\s+<domain>.*?New Process ID:\s+(?P<new_pid>0x[0-9a-fA-F]+)\s+New Process Name:\s+(?P<process__executable>\S.*?)\s+Token Elevation Type:(?:.*?Creator Process ID:\s+(?P<creator_pid>0x[0-9a-fA-F]+))?(?:.*?Process Command Line:\s+<command>$)?
  RE
  classification   = "Other Audit Success"
  common_event     = "Process Created"
  risk             = 1
  map = {
    "process.pid"        = "int(labels.new_pid)"
    "process.parent.pid" = "int(labels.creator_pid)"
    "process.name"       = "basename(process.executable)"
  }
  fields = { "event.action" = "created-process", "event.category" = ["process"], "event.type" = ["start"] }

  test {
    log             = "2024 Jun 03 10:22:00 WinEvtLog: Security: AUDIT_SUCCESS(4688): Microsoft-Windows-Security-Auditing: (no user): no domain: WS-12.corp.example: A new process has been created. Subject: Security ID: S-1-5-21-1-2-3-1109 Account Name: yusuf Account Domain: CORP Logon ID: 0x3E7A1 Process Information: New Process ID: 0x1a2c New Process Name: C:\\Program Files\\Example\\agent.exe Token Elevation Type: %%1938 Creator Process ID: 0x9f0 Process Command Line: \"C:\\Program Files\\Example\\agent.exe\" --sync"
    log_source_type = "syslog"
    expect          = { login = "yusuf", pid = "6700", "process.parent.pid" = "2544", process = "agent.exe", command = "\"C:\\Program Files\\Example\\agent.exe\" --sync" }
  }
}

# ------------------------------------------------------------- the rest

rule "winevtlog-event" {
  description      = "any other record: its channel, level, event id, provider, user and computer"
  log_source_types = ["windows-eventlog"]
  sort_order       = 8000
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>[^:]+): <winevt_level>\((?P<event__code>\d+)\): (?P<winlog__provider_name>[^:]+): (?:\(no user\)|<login>): (?:no domain|(?P<user__domain>[^:]+)): (?P<winlog__computer_name>[^:\s]+):
  RE
  classification   = "Other Audit"
  common_event     = "Windows Event"
  risk             = 0

  sub_rule "failure" {
    when           = "event.log.level == \"information\" && event.message.contains(\"AUDIT_FAILURE(\")"
    classification = "Other Audit Failure"
  }

  test {
    log             = "2024 Jun 03 10:30:00 WinEvtLog: Application: INFORMATION(1000): Example Updater: (no user): no domain: ws-30.corp.example: update check finished"
    log_source_type = "syslog"
    expect          = { "winlog.channel" = "Application", "event.code" = "1000", "winlog.provider_name" = "Example Updater", login = "", "winlog.computer_name" = "ws-30.corp.example", "log.level" = "information" }
  }
}
