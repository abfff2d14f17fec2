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
# the message of the events a SOC hunts with into the same ECS fields as
# the winlogbeat JSON packs (windows-security.hcl, windows-sysmon.hcl):
# Sysmon 1, 3, 5, 7, 8, 10, 11, 12-14, 22; Security logons and logoffs (4624, 4625, 4634,
# 4647, 4672), process creation (4688), account management (4720-4767),
# group membership (4728-4757), NTLM and Kerberos (4776, 4768, 4769,
# 4771), the audit log cleared (1102); System 7045 (service installed).
# Windows' English message texts are matched; the field names in them
# ("Account Name:") are the same in every Windows version since 2008.
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

rule "winevtlog-sysmon-image-access-registry" {
  description      = "Sysmon 7 (Image loaded), 8 (CreateRemoteThread detected), 10 (Process accessed), 12-14 (Registry object added or deleted, value set, renamed)"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Microsoft-Windows-Sysmon/Operational): <winevt_level>\((?P<event__code>7|8|10|12|13|14)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): (?P<labels__sysmon_event>Image loaded|CreateRemoteThread detected|Process accessed|Registry object added or deleted|Registry value set|Registry object renamed):.*?  (?:Source)?ProcessId: <pid>\s+(?:SourceThreadId: (?P<process__thread__id>\d+)\s+)?(?:Source)?Image: (?P<process__executable>.+?)(?:  |$)(?:.*?ImageLoaded: (?P<file__path>.+?)(?:  |$))?(?:.*?TargetImage: (?P<labels__target_process>.+?)(?:  |$))?(?:.*?GrantedAccess: (?P<labels__granted_access>0x[0-9A-Fa-f]+))?(?:.*?TargetObject: (?P<registry__path>.+?)(?:  |$))?(?:.*?Details: (?P<registry__data__strings>.+?)(?:  |$))?
  RE
  classification   = "Other Audit Success"
  common_event     = "Image Loaded"
  risk             = 0
  map = {
    "process.name"   = "basename(process.executable)"
    "file.name"      = "basename(file.path)"
    "registry.value" = "basename(registry.path)"
  }
  fields = { "event.action" = "Image loaded", "event.category" = ["process"], "event.type" = ["change"] }

  sub_rule "remote-thread" {
    when           = "event.event.code == \"8\""
    classification = "Suspicious"
    common_event   = "Remote Thread Created"
    risk           = 5
    fields         = { "event.action" = "CreateRemoteThread" }
  }
  sub_rule "lsass" {
    when           = "event.event.code == \"10\" && has(event.labels.target_process) && event.labels.target_process.lowerAscii().endsWith(\"\\\\lsass.exe\")"
    classification = "Suspicious"
    common_event   = "LSASS Memory Accessed"
    risk           = 7
    fields         = { "event.action" = "ProcessAccess", "event.type" = ["access"] }
  }
  sub_rule "access" {
    when         = "event.event.code == \"10\""
    common_event = "Process Accessed"
    risk         = 2
    fields       = { "event.action" = "ProcessAccess", "event.type" = ["access"] }
  }
  sub_rule "registry" {
    when           = "event.event.code in [\"12\", \"13\", \"14\"]"
    classification = "Object Modified"
    common_event   = "Registry Changed"
    risk           = 1
    fields         = { "event.action" = "RegistryEvent (Value Set)", "event.category" = ["configuration", "registry"], "event.type" = ["change"] }
  }

  test {
    log             = "2024 Jun 03 10:16:00 WinEvtLog: Microsoft-Windows-Sysmon/Operational: INFORMATION(10): Microsoft-Windows-Sysmon: SYSTEM: NT AUTHORITY: WS-21: Process accessed:  RuleName: -  UtcTime: 2024-06-03 10:16:00.400  SourceProcessGUID: {0b1c2d3e-0000-1111-2222-3333444400aa}  SourceProcessId: 6400  SourceThreadId: 6404  SourceImage: C:\\Users\\Public\\tool.exe  TargetProcessGUID: {0b1c2d3e-0000-1111-2222-333344440002}  TargetProcessId: 712  TargetImage: C:\\Windows\\system32\\lsass.exe  GrantedAccess: 0x1010  CallTrace: C:\\Windows\\SYSTEM32\\ntdll.dll+9d204"
    log_source_type = "syslog"
    expect          = { pid = "6400", "process.thread.id" = "6404", process = "tool.exe", "labels.target_process" = "C:\\Windows\\system32\\lsass.exe", "labels.granted_access" = "0x1010", sub_rule = "lsass", risk = "7" }
  }
  test {
    log    = "2024 Jun 03 10:17:00 WinEvtLog: Microsoft-Windows-Sysmon/Operational: INFORMATION(13): Microsoft-Windows-Sysmon: SYSTEM: NT AUTHORITY: WS-21: Registry value set:  RuleName: -  EventType: SetValue  UtcTime: 2024-06-03 10:17:00.500  ProcessGuid: {0b1c2d3e-0000-1111-2222-333344445555}  ProcessId: 5120  Image: C:\\Users\\Public\\tool.exe  TargetObject: HKU\\S-1-5-21-1-2-3-1121\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater  Details: C:\\Users\\Public\\tool.exe -q"
    expect = { pid = "5120", process = "tool.exe", "registry.value" = "Updater", "registry.data.strings" = "C:\\Users\\Public\\tool.exe -q", sub_rule = "registry" }
  }
  test {
    log    = "2024 Jun 03 10:18:00 WinEvtLog: Microsoft-Windows-Sysmon/Operational: INFORMATION(7): Microsoft-Windows-Sysmon: SYSTEM: NT AUTHORITY: WS-21: Image loaded:  RuleName: -  UtcTime: 2024-06-03 10:18:00.600  ProcessGuid: {0b1c2d3e-0000-1111-2222-333344445555}  ProcessId: 5120  Image: C:\\Program Files\\Example\\app.exe  ImageLoaded: C:\\Users\\nadia\\AppData\\Local\\Temp\\helper.dll  Hashes: SHA256=ABCDEF  Signed: false  Signature: -"
    expect = { pid = "5120", process = "app.exe", "file.path" = "C:\\Users\\nadia\\AppData\\Local\\Temp\\helper.dll", "file.name" = "helper.dll", common_event = "Image Loaded" }
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

rule "winevtlog-logoff" {
  description      = "4634 (an account was logged off), 4647 (user initiated logoff)"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4634|4647)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): (?:An account was logged off|User initiated logoff)\.?\s+Subject:\s+Security ID:\s+(?P<user__id>\S+)\s+Account Name:\s+<login>\s+(?:Account Domain|Domain Name):\s+<domain>(?:.*?Logon Type:\s+(?P<winlog__logon__type>\d+))?
  RE
  classification   = "Other Audit Success"
  common_event     = "User Logoff"
  risk             = 1
  fields           = { "event.action" = "logged-out", "event.category" = ["authentication"], "event.type" = ["end"] }

  test {
    log             = "2024 Jun 03 11:00:00 WinEvtLog: Security: AUDIT_SUCCESS(4634): Microsoft-Windows-Security-Auditing: (no user): no domain: WS-21.corp.example: An account was logged off. Subject: Security ID: S-1-5-21-1-2-3-1121 Account Name: nadia Account Domain: CORP Logon ID: 0x8F2A1 Logon Type: 3 This event is generated when a logon session is destroyed."
    log_source_type = "syslog"
    expect          = { login = "nadia", domain = "CORP", "winlog.logon.type" = "3", "event.action" = "logged-out" }
  }
}

rule "winevtlog-special-logon" {
  description      = "4672: special privileges assigned to a new logon"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4672)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): Special privileges assigned to new logon\.\s+Subject:\s+Security ID:\s+(?P<user__id>\S+)\s+Account Name:\s+<login>\s+(?:Account Domain|Domain Name):\s+<domain>
  RE
  classification   = "Access Granted"
  common_event     = "Special Privileges Assigned To Logon"
  risk             = 3
  fields           = { "event.action" = "logged-in-special", "event.category" = ["iam"], "event.type" = ["admin"] }

  test {
    log    = "2024 Jun 03 11:01:00 WinEvtLog: Security: AUDIT_SUCCESS(4672): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: Special privileges assigned to new logon. Subject: Security ID: S-1-5-21-1-2-3-500 Account Name: Administrator Account Domain: CORP Logon ID: 0x9A1B2 Privileges: SeSecurityPrivilege SeBackupPrivilege SeDebugPrivilege"
    expect = { login = "Administrator", domain = "CORP", classification = "Access Granted" }
  }
}

rule "winevtlog-account-management" {
  description      = "4720 created, 4722 enabled, 4723 password change, 4724 password reset, 4725 disabled, 4726 deleted, 4738 changed, 4740 locked out, 4767 unlocked"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4720|4722|4723|4724|4725|4726|4738|4740|4767)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): (?:A user account was \w+(?: \w+)?|An attempt was made to (?:change|reset) an account's password)\.\s+Subject:\s+Security ID:\s+(?P<user__id>\S+)\s+Account Name:\s+<login>\s+(?:Account Domain|Domain Name):\s+<domain>.*?(?:New Account|Target Account|Account That Was Locked Out|Account That Was Unlocked):\s+Security ID:\s+(?P<user__target__id>\S+)\s+Account Name:\s+<account>(?:\s+Account Domain:\s+(?P<user__target__domain>\S+))?
  RE
  classification   = "Account Modified"
  common_event     = "User Account Changed"
  risk             = 3
  fields           = { "event.action" = "modified-user-account", "event.category" = ["iam"], "event.type" = ["user", "change"] }

  sub_rule "created" {
    when           = "event.event.code == \"4720\""
    classification = "Account Created"
    common_event   = "User Account Created"
    risk           = 5
    fields         = { "event.action" = "added-user-account", "event.type" = ["user", "creation"] }
  }
  sub_rule "deleted" {
    when           = "event.event.code == \"4726\""
    classification = "Account Deleted"
    common_event   = "User Account Deleted"
    risk           = 5
    fields         = { "event.action" = "deleted-user-account", "event.type" = ["user", "deletion"] }
  }
  sub_rule "enabled" {
    when         = "event.event.code == \"4722\""
    common_event = "User Account Enabled"
    fields       = { "event.action" = "enabled-user-account" }
  }
  sub_rule "password-changed" {
    when         = "event.event.code == \"4723\""
    common_event = "User Password Changed"
    fields       = { "event.action" = "changed-password" }
  }
  sub_rule "password-reset" {
    when         = "event.event.code == \"4724\""
    common_event = "User Password Reset"
    risk         = 4
    fields       = { "event.action" = "reset-password" }
  }
  sub_rule "disabled" {
    when         = "event.event.code == \"4725\""
    common_event = "User Account Disabled"
    fields       = { "event.action" = "disabled-user-account", "event.type" = ["user", "deletion"] }
  }
  sub_rule "locked-out" {
    when           = "event.event.code == \"4740\""
    classification = "Authentication Failure"
    common_event   = "User Account Locked Out"
    risk           = 5
    fields         = { "event.action" = "locked-out-user-account" }
  }
  sub_rule "unlocked" {
    when         = "event.event.code == \"4767\""
    common_event = "User Account Unlocked"
    fields       = { "event.action" = "unlocked-user-account" }
  }

  test {
    log             = "2024 Jun 03 11:02:00 WinEvtLog: Security: AUDIT_SUCCESS(4720): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: A user account was created. Subject: Security ID: S-1-5-21-1-2-3-500 Account Name: Administrator Account Domain: CORP Logon ID: 0x9A1B2 New Account: Security ID: S-1-5-21-1-2-3-1130 Account Name: newhire Account Domain: CORP Attributes: SAM Account Name: newhire"
    log_source_type = "syslog"
    expect          = { login = "Administrator", account = "newhire", "user.target.id" = "S-1-5-21-1-2-3-1130", classification = "Account Created", "event.action" = "added-user-account" }
  }
  test {
    log    = "2024 Jun 03 11:03:00 WinEvtLog: Security: AUDIT_SUCCESS(4740): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: A user account was locked out. Subject: Security ID: S-1-5-18 Account Name: DC1$ Account Domain: CORP Logon ID: 0x3E7 Account That Was Locked Out: Security ID: S-1-5-21-1-2-3-1121 Account Name: nadia Additional Information: Caller Computer Name: WS-21"
    expect = { login = "DC1$", account = "nadia", sub_rule = "locked-out", classification = "Authentication Failure" }
  }
  test {
    log    = "2024 Jun 03 11:04:00 WinEvtLog: Security: AUDIT_SUCCESS(4724): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: An attempt was made to reset an account's password. Subject: Security ID: S-1-5-21-1-2-3-1140 Account Name: helpdesk Account Domain: CORP Logon ID: 0x7C1 Target Account: Security ID: S-1-5-21-1-2-3-1121 Account Name: nadia Account Domain: CORP"
    expect = { login = "helpdesk", account = "nadia", "event.action" = "reset-password" }
  }
}

rule "winevtlog-group-membership" {
  description      = "4728, 4732, 4756 (a member was added to a security-enabled global, local, universal group); 4729, 4733, 4757 (removed)"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4728|4729|4732|4733|4756|4757)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): A member was (?P<labels__membership>added to|removed from) a security-enabled \w+ group\.\s+Subject:\s+Security ID:\s+(?P<user__id>\S+)\s+Account Name:\s+<login>\s+(?:Account Domain|Domain Name):\s+<domain>.*?Member:\s+Security ID:\s+(?P<user__target__id>\S+)\s+Account Name:\s+(?:CN=)?(?P<account>[^,]+?)(?:,\S*)?\s+Group:\s+Security ID:\s+(?P<group__id>\S+)\s+(?:Group|Account) Name:\s+(?P<group__name>.+?)\s+(?:Group|Account) Domain:\s+(?P<group__domain>\S+)
  RE
  classification   = "Account Modified"
  common_event     = "Member Added To Group"
  risk             = 5
  fields           = { "event.action" = "added-member-to-group", "event.category" = ["iam"], "event.type" = ["group", "change"] }

  sub_rule "removed" {
    when         = "event.labels.membership == \"removed from\""
    common_event = "Member Removed From Group"
    risk         = 3
    fields       = { "event.action" = "removed-member-from-group" }
  }
  sub_rule "admins" {
    when         = <<-CEL
      event.group.name in ["Administrators", "Domain Admins", "Enterprise Admins", "Schema Admins"]
    CEL
    common_event = "Member Added To Admin Group"
    risk         = 8
  }

  test {
    log             = "2024 Jun 03 11:05:00 WinEvtLog: Security: AUDIT_SUCCESS(4728): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: A member was added to a security-enabled global group. Subject: Security ID: S-1-5-21-1-2-3-500 Account Name: Administrator Account Domain: CORP Logon ID: 0x9A1B2 Member: Security ID: S-1-5-21-1-2-3-1150 Account Name: CN=mallory,OU=Staff,DC=corp,DC=example Group: Security ID: S-1-5-21-1-2-3-512 Group Name: Domain Admins Group Domain: CORP Additional Information: Privileges: -"
    log_source_type = "syslog"
    expect          = { login = "Administrator", account = "mallory", "group.name" = "Domain Admins", common_event = "Member Added To Admin Group", risk = "8" }
  }
}

rule "winevtlog-credential-validation" {
  description      = "4776: the computer attempted to validate the credentials for an account (NTLM); Error Code 0x0 is success"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4776)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): The (?:computer|domain controller) attempted to validate the credentials for an account\.\s+Authentication Package:\s+\S+\s+Logon Account:\s+<login>\s+Source Workstation:\s+(?P<source__domain>\S*)\s+Error Code:\s+(?P<event__reason>0x[0-9a-fA-F]+)
  RE
  classification   = "Authentication Success"
  common_event     = "Credentials Validated"
  risk             = 1
  fields           = { "event.action" = "credential-validated", "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }

  sub_rule "failed" {
    when           = "event.event.reason != \"0x0\""
    classification = "Authentication Failure"
    common_event   = "Credential Validation Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "2024 Jun 03 11:06:00 WinEvtLog: Security: AUDIT_FAILURE(4776): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: The computer attempted to validate the credentials for an account. Authentication Package: MICROSOFT_AUTHENTICATION_PACKAGE_V1_0 Logon Account: svc-scan Source Workstation: WS-40 Error Code: 0xc000006a"
    log_source_type = "syslog"
    expect          = { login = "svc-scan", "source.domain" = "WS-40", reason = "0xc000006a", "event.outcome" = "failure", sub_rule = "failed" }
  }
}

rule "winevtlog-kerberos" {
  description      = "4768 (TGT requested), 4769 (service ticket requested), 4771 (pre-authentication failed); Result/Failure Code 0x0 is success"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>4768|4769|4771)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): (?:A Kerberos authentication ticket \(TGT\) was requested|A Kerberos service ticket was requested|Kerberos pre-authentication failed)\.\s+Account Information:\s+(?:Security ID:\s+\S+\s+)?Account Name:\s+(?P<login>[^\s@]+)(?:@\S+)?.*?Service Name:\s+(?P<service__name>\S+).*?Client Address:\s+(?:::ffff:)?<sip>(?:\s+Client Port:\s+<sport>)?(?:.*?(?:Result|Failure) Code:\s+(?P<event__reason>0x[0-9a-fA-F]+))?
  RE
  classification   = "Authentication Success"
  common_event     = "Kerberos Ticket Granted"
  risk             = 1
  fields           = { "event.action" = "kerberos-authentication-ticket-requested", "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }

  sub_rule "preauth-failed" {
    when           = "event.event.code == \"4771\""
    classification = "Authentication Failure"
    common_event   = "Kerberos Pre-Authentication Failed"
    risk           = 4
    fields         = { "event.action" = "kerberos-preauth-failed", "event.outcome" = "failure" }
  }
  sub_rule "failed" {
    when           = "has(event.event.reason) && event.event.reason != \"0x0\""
    classification = "Authentication Failure"
    common_event   = "Kerberos Ticket Refused"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "service-ticket" {
    when   = "event.event.code == \"4769\""
    fields = { "event.action" = "kerberos-service-ticket-requested" }
  }

  test {
    log             = "2024 Jun 03 11:07:00 WinEvtLog: Security: AUDIT_FAILURE(4771): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: Kerberos pre-authentication failed. Account Information: Security ID: S-1-5-21-1-2-3-1121 Account Name: nadia Service Information: Service Name: krbtgt/CORP.EXAMPLE Network Information: Client Address: ::ffff:192.0.2.21 Client Port: 50911 Additional Information: Ticket Options: 0x40810010 Failure Code: 0x18 Pre-Authentication Type: 2"
    log_source_type = "syslog"
    expect          = { login = "nadia", "service.name" = "krbtgt/CORP.EXAMPLE", sip = "192.0.2.21", sport = "50911", reason = "0x18", sub_rule = "preauth-failed", "event.outcome" = "failure" }
  }
  test {
    log    = "2024 Jun 03 11:08:00 WinEvtLog: Security: AUDIT_SUCCESS(4769): Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example: A Kerberos service ticket was requested. Account Information: Account Name: vera@CORP.EXAMPLE Account Domain: CORP.EXAMPLE Logon GUID: {00000000-0000-0000-0000-000000000000} Service Information: Service Name: FS1$ Service ID: S-1-5-21-1-2-3-1110 Network Information: Client Address: ::ffff:198.51.100.23 Client Port: 50912 Additional Information: Ticket Options: 0x40810000 Ticket Encryption Type: 0x12 Failure Code: 0x0 Transited Services: -"
    expect = { login = "vera", sip = "198.51.100.23", "event.action" = "kerberos-service-ticket-requested", "event.outcome" = "success" }
  }
}

rule "winevtlog-audit-log-cleared" {
  description      = "1102: the audit log was cleared"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>Security): <winevt_level>\((?P<event__code>1102)\): [^:]+: .*?: (?P<winlog__computer_name>[^:\s]+): The audit log was cleared\.\s+Subject:\s+Security ID:\s+(?P<user__id>\S+)\s+Account Name:\s+<login>\s+(?:Account Domain|Domain Name):\s+<domain>
  RE
  classification   = "Policy"
  common_event     = "Audit Log Cleared"
  risk             = 8
  fields           = { "event.action" = "audit-log-cleared", "event.category" = ["iam"], "event.type" = ["admin", "change"] }

  test {
    log             = "2024 Jun 03 11:09:00 WinEvtLog: Security: INFORMATION(1102): Microsoft-Windows-Eventlog: (no user): no domain: DC1.corp.example: The audit log was cleared. Subject: Security ID: S-1-5-21-1-2-3-1150 Account Name: mallory Domain Name: CORP Logon ID: 0x7D2E1"
    log_source_type = "syslog"
    expect          = { login = "mallory", domain = "CORP", risk = "8", "event.action" = "audit-log-cleared" }
  }
}

rule "winevtlog-service-installed" {
  description      = "7045 (System): a service was installed in the system"
  log_source_types = ["windows-eventlog"]
  sort_order       = 100
  pattern          = <<-RE
    WinEvtLog: (?P<winlog__channel>System): <winevt_level>\((?P<event__code>7045)\): [^:]+: (?:\(no user\)|<login>): (?:no domain|(?P<domain>[^:]+)): (?P<winlog__computer_name>[^:\s]+): A service was installed in the system\.\s+Service Name:\s+(?P<service__name>.+?)\s+Service File Name:\s+(?P<labels__service_file>.+?)\s+Service Type:
  RE
  classification   = "Object Created"
  common_event     = "Service Installed"
  risk             = 6
  fields           = { "event.action" = "service-installed", "event.category" = ["iam", "configuration"], "event.type" = ["admin", "change"] }

  test {
    log             = "2024 Jun 03 11:10:00 WinEvtLog: System: INFORMATION(7045): Service Control Manager: SYSTEM: NT AUTHORITY: WS-40.corp.example: A service was installed in the system. Service Name: ExampleRemoteSvc Service File Name: %SystemRoot%\\ExampleRemoteSvc.exe Service Type: user mode service Service Start Type: demand start Service Account: LocalSystem"
    log_source_type = "syslog"
    expect          = { "service.name" = "ExampleRemoteSvc", "labels.service_file" = "%SystemRoot%\\ExampleRemoteSvc.exe", login = "SYSTEM", common_event = "Service Installed" }
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
