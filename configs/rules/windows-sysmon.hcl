# Sysmon (System Monitor) events, one JSON object per line in the shape
# winlogbeat ships them: {"winlog":{"channel":"Microsoft-Windows-Sysmon/
# Operational","event_id":1,"event_data":{"Image":…}}, "event":{…}}.
#
# The rules select on the channel and the event id, and map the event data
# to ECS as Elastic's windows/sysmon_operational pipeline does: the acting
# process (Image, ProcessId, ProcessGuid; SourceImage for 8 and 10) to
# process.*, its parent to process.parent.*, User (DOMAIN\name) to
# user.domain and user.name, Hashes to process.hash.* (event 1) or
# file.hash.* (event 7), files to file.*, registry keys to registry.*,
# connections to source.*, destination.* and network.*, DNS queries to
# dns.question.name. event.action is the name Sysmon gives the event.
#
# The same rules also read Sysmon documents that arrive under
# windows-security (one winlogbeat input for both channels): they list both
# types, and the channel tells them apart.
#
# Test lines are made up: documentation addresses and invented hosts.

log_source_type "windows-sysmon" {
  format           = "json"
  timestamp_fields = ["winlog.time_created", "@timestamp"]
  vendor           = "Microsoft"
  product          = "Sysmon"
  module           = "windows"
}

# ---------------------------------------------------------- processes

rule "sysmon-1-process-create" {
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) == "1"
  CEL
  classification   = "Other Audit Success"
  common_event     = "Process Created"
  risk             = 1
  map = {
    "event.code"                    = ["event.code", "winlog.event_id"]
    "rule.name"                     = "winlog.event_data.RuleName"
    "process.entity_id"             = "winlog.event_data.ProcessGuid"
    "process.pid"                   = "int(winlog.event_data.ProcessId)"
    "process.executable"            = "winlog.event_data.Image"
    "process.name"                  = "basename(winlog.event_data.Image)"
    "process.command_line"          = "winlog.event_data.CommandLine"
    "process.working_directory"     = "winlog.event_data.CurrentDirectory"
    "process.pe.original_file_name" = "winlog.event_data.OriginalFileName"
    "process.pe.company"            = "winlog.event_data.Company"
    "process.pe.description"        = "winlog.event_data.Description"
    "process.pe.file_version"       = "winlog.event_data.FileVersion"
    "process.pe.product"            = "winlog.event_data.Product"
    "process.pe.imphash"            = "hash(winlog.event_data.Hashes, IMPHASH)"
    "process.hash.md5"              = "hash(winlog.event_data.Hashes, MD5)"
    "process.hash.sha1"             = "hash(winlog.event_data.Hashes, SHA1)"
    "process.hash.sha256"           = "hash(winlog.event_data.Hashes, SHA256)"
    "process.parent.entity_id"      = "winlog.event_data.ParentProcessGuid"
    "process.parent.pid"            = "int(winlog.event_data.ParentProcessId)"
    "process.parent.executable"     = "winlog.event_data.ParentImage"
    "process.parent.name"           = "basename(winlog.event_data.ParentImage)"
    "process.parent.command_line"   = "winlog.event_data.ParentCommandLine"
    "user.name"                     = "user(winlog.event_data.User)"
    "user.domain"                   = "domain(winlog.event_data.User)"
    "user.id"                       = "winlog.user.identifier"
    "winlog.logon.id"               = "winlog.event_data.LogonId"
  }
  fields = { "event.action" = "Process creation", "event.category" = ["process"], "event.type" = ["start"] }

  sub_rule "shell-from-office" {
    when           = <<-CEL
      has(event.process.parent.name) && event.process.parent.name.lowerAscii() in ["winword.exe", "excel.exe", "powerpnt.exe", "outlook.exe"] && has(event.process.name) && event.process.name.lowerAscii() in ["cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe", "mshta.exe", "rundll32.exe", "regsvr32.exe"]
    CEL
    classification = "Suspicious"
    common_event   = "Office Application Started A Shell"
    risk           = 7
  }
  sub_rule "script-host" {
    when         = <<-CEL
      has(event.process.name) && event.process.name.lowerAscii() in ["cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe", "mshta.exe"]
    CEL
    common_event = "Shell Or Script Host Started"
    risk         = 3
  }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-06-03T08:15:02.120Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","provider_name":"Microsoft-Windows-Sysmon","event_id":1,"computer_name":"WS-21.corp.example","time_created":"2024-06-03T08:15:02.1Z","user":{"identifier":"S-1-5-21-1-2-3-1121"},"event_data":{"RuleName":"-","UtcTime":"2024-06-03 08:15:02.098","ProcessGuid":"{0b1c2d3e-0000-1111-2222-333344445555}","ProcessId":"5120","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","FileVersion":"10.0.19041.1","Description":"Windows PowerShell","Product":"Microsoft Windows Operating System","Company":"Microsoft Corporation","OriginalFileName":"PowerShell.EXE","CommandLine":"powershell.exe -NoProfile -File C:\\Scripts\\inventory.ps1","CurrentDirectory":"C:\\Scripts\\","User":"CORP\\nadia","LogonId":"0x5a21f","IntegrityLevel":"Medium","Hashes":"SHA1=1F2E3D4C5B6A79881726354453627181920A0B0C,MD5=0A1B2C3D4E5F60718293A4B5C6D7E8F9,SHA256=00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF,IMPHASH=FFEEDDCCBBAA99887766554433221100","ParentProcessGuid":"{0b1c2d3e-0000-1111-2222-333344440001}","ParentProcessId":"4096","ParentImage":"C:\\Windows\\explorer.exe","ParentCommandLine":"C:\\Windows\\Explorer.EXE"}},"event":{"code":"1"},"log":{"level":"information"}}
    LOG
    expect = { login = "nadia", domain = "CORP", pid = "5120", process = "powershell.exe", "process.parent.pid" = "4096", "process.parent.name" = "explorer.exe", "process.hash.sha256" = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "process.pe.imphash" = "ffeeddccbbaa99887766554433221100", "event.code" = "1", sub_rule = "script-host", "@timestamp" = "2024-06-03T08:15:02.1Z", "observer.product" = "Sysmon" }
  }
  test {
    log             = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":1,"event_data":{"ProcessId":"7788","Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd.exe /c whoami","User":"CORP\\olek","ParentProcessId":"7001","ParentImage":"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE"}}}
    LOG
    log_source_type = "windows-security"
    expect          = { login = "olek", process = "cmd.exe", classification = "Suspicious", sub_rule = "shell-from-office", rule = "sysmon-1-process-create" }
  }
}

rule "sysmon-5-process-terminated" {
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) == "5"
  CEL
  classification   = "Other Audit Success"
  common_event     = "Process Terminated"
  risk             = 0
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "process.entity_id"  = "winlog.event_data.ProcessGuid"
    "process.pid"        = "int(winlog.event_data.ProcessId)"
    "process.executable" = "winlog.event_data.Image"
    "process.name"       = "basename(winlog.event_data.Image)"
    "user.name"          = "user(winlog.event_data.User)"
    "user.domain"        = "domain(winlog.event_data.User)"
    "user.id"            = "winlog.user.identifier"
  }
  fields = { "event.action" = "Process terminated", "event.category" = ["process"], "event.type" = ["end"] }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":5,"event_data":{"UtcTime":"2024-06-03 08:20:00.001","ProcessGuid":"{0b1c2d3e-0000-1111-2222-333344445555}","ProcessId":"5120","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","User":"CORP\\nadia"}}}
    LOG
    expect = { pid = "5120", process = "powershell.exe", login = "nadia", "event.type" = "end" }
  }
}

rule "sysmon-7-image-loaded" {
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) == "7"
  CEL
  classification   = "Other Audit Success"
  common_event     = "Image Loaded"
  risk             = 0
  map = {
    "event.code"                       = ["event.code", "winlog.event_id"]
    "rule.name"                        = "winlog.event_data.RuleName"
    "process.entity_id"                = "winlog.event_data.ProcessGuid"
    "process.pid"                      = "int(winlog.event_data.ProcessId)"
    "process.executable"               = "winlog.event_data.Image"
    "process.name"                     = "basename(winlog.event_data.Image)"
    "file.path"                        = "winlog.event_data.ImageLoaded"
    "file.name"                        = "basename(winlog.event_data.ImageLoaded)"
    "file.pe.original_file_name"       = "winlog.event_data.OriginalFileName"
    "file.pe.company"                  = "winlog.event_data.Company"
    "file.pe.description"              = "winlog.event_data.Description"
    "file.pe.file_version"             = "winlog.event_data.FileVersion"
    "file.pe.product"                  = "winlog.event_data.Product"
    "file.pe.imphash"                  = "hash(winlog.event_data.Hashes, IMPHASH)"
    "file.hash.md5"                    = "hash(winlog.event_data.Hashes, MD5)"
    "file.hash.sha1"                   = "hash(winlog.event_data.Hashes, SHA1)"
    "file.hash.sha256"                 = "hash(winlog.event_data.Hashes, SHA256)"
    "file.code_signature.subject_name" = "winlog.event_data.Signature"
    "file.code_signature.status"       = "winlog.event_data.SignatureStatus"
    "user.name"                        = "user(winlog.event_data.User)"
    "user.domain"                      = "domain(winlog.event_data.User)"
    "user.id"                          = "winlog.user.identifier"
  }
  fields = { "event.action" = "Image loaded", "event.category" = ["process"], "event.type" = ["change"] }

  sub_rule "unsigned" {
    when         = "has(event.winlog.event_data.Signed) && string(event.winlog.event_data.Signed) == \"false\""
    common_event = "Unsigned Image Loaded"
    risk         = 3
  }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":7,"event_data":{"ProcessGuid":"{0b1c2d3e-0000-1111-2222-333344445555}","ProcessId":"5120","Image":"C:\\Program Files\\Example\\app.exe","ImageLoaded":"C:\\Users\\nadia\\AppData\\Local\\Temp\\helper.dll","Hashes":"SHA256=ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789","Signed":"false","Signature":"-","SignatureStatus":"Unavailable","User":"CORP\\nadia"}}}
    LOG
    expect = { "file.path" = "C:\\Users\\nadia\\AppData\\Local\\Temp\\helper.dll", "file.name" = "helper.dll", "file.hash.sha256" = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", process = "app.exe", sub_rule = "unsigned" }
  }
}

rule "sysmon-process-access" {
  description      = "8 (CreateRemoteThread), 10 (ProcessAccess): the source process acts on a target process"
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) in ["8", "10"]
  CEL
  classification   = "Other Audit Success"
  common_event     = "Process Accessed"
  risk             = 2
  map = {
    "event.code"                = ["event.code", "winlog.event_id"]
    "rule.name"                 = "winlog.event_data.RuleName"
    "process.entity_id"         = ["winlog.event_data.SourceProcessGuid", "winlog.event_data.SourceProcessGUID"]
    "process.pid"               = "int(winlog.event_data.SourceProcessId)"
    "process.thread.id"         = "int(winlog.event_data.SourceThreadId)"
    "process.executable"        = "winlog.event_data.SourceImage"
    "process.name"              = "basename(winlog.event_data.SourceImage)"
    "labels.target_process_pid" = "winlog.event_data.TargetProcessId"
    "labels.target_process"     = "winlog.event_data.TargetImage"
    "labels.granted_access"     = "winlog.event_data.GrantedAccess"
    "user.name"                 = ["user(winlog.event_data.SourceUser)", "user(winlog.event_data.User)"]
    "user.domain"               = ["domain(winlog.event_data.SourceUser)", "domain(winlog.event_data.User)"]
    "user.id"                   = "winlog.user.identifier"
  }
  fields = { "event.action" = "ProcessAccess", "event.category" = ["process"], "event.type" = ["access"] }

  sub_rule "remote-thread" {
    when           = "string(event.winlog.event_id) == \"8\""
    classification = "Suspicious"
    common_event   = "Remote Thread Created"
    risk           = 5
    fields         = { "event.action" = "CreateRemoteThread", "event.type" = ["change"] }
  }
  sub_rule "lsass" {
    when           = "has(event.labels.target_process) && event.labels.target_process.lowerAscii().endsWith(\"\\\\lsass.exe\")"
    classification = "Suspicious"
    common_event   = "LSASS Memory Accessed"
    risk           = 7
  }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":10,"event_data":{"SourceProcessGUID":"{0b1c2d3e-0000-1111-2222-3333444400aa}","SourceProcessId":"6400","SourceThreadId":"6404","SourceImage":"C:\\Users\\Public\\tool.exe","TargetProcessGUID":"{0b1c2d3e-0000-1111-2222-333344440002}","TargetProcessId":"712","TargetImage":"C:\\Windows\\system32\\lsass.exe","GrantedAccess":"0x1010","SourceUser":"CORP\\mallory","TargetUser":"NT AUTHORITY\\SYSTEM"}}}
    LOG
    expect = { pid = "6400", "process.thread.id" = "6404", process = "tool.exe", login = "mallory", "labels.target_process" = "C:\\Windows\\system32\\lsass.exe", sub_rule = "lsass", classification = "Suspicious" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":8,"event_data":{"SourceProcessGuid":"{0b1c2d3e-0000-1111-2222-3333444400bb}","SourceProcessId":"3300","SourceImage":"C:\\Temp\\inj.exe","TargetProcessId":"4100","TargetImage":"C:\\Windows\\System32\\notepad.exe","NewThreadId":"4410","StartAddress":"0x00007FF6A1B20000"}}}
    LOG
    expect = { pid = "3300", process = "inj.exe", "event.action" = "CreateRemoteThread", sub_rule = "remote-thread" }
  }
}

# --------------------------------------------------------------- files

rule "sysmon-11-file-create" {
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) == "11"
  CEL
  classification   = "Object Created"
  common_event     = "File Created"
  risk             = 1
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "rule.name"          = "winlog.event_data.RuleName"
    "process.entity_id"  = "winlog.event_data.ProcessGuid"
    "process.pid"        = "int(winlog.event_data.ProcessId)"
    "process.executable" = "winlog.event_data.Image"
    "process.name"       = "basename(winlog.event_data.Image)"
    "file.path"          = "winlog.event_data.TargetFilename"
    "file.name"          = "basename(winlog.event_data.TargetFilename)"
    "user.name"          = "user(winlog.event_data.User)"
    "user.domain"        = "domain(winlog.event_data.User)"
    "user.id"            = "winlog.user.identifier"
  }
  fields = { "event.action" = "FileCreate", "event.category" = ["file"], "event.type" = ["creation"] }

  sub_rule "startup-folder" {
    when         = "has(event.file.path) && event.file.path.lowerAscii().contains(\"\\\\start menu\\\\programs\\\\startup\\\\\")"
    common_event = "File Created In Startup Folder"
    risk         = 6
  }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":11,"event_data":{"RuleName":"-","UtcTime":"2024-06-03 09:01:12.400","ProcessGuid":"{0b1c2d3e-0000-1111-2222-333344445555}","ProcessId":"5120","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","TargetFilename":"C:\\Users\\nadia\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\update.lnk","CreationUtcTime":"2024-06-03 09:01:12.400","User":"CORP\\nadia"}}}
    LOG
    expect = { "file.name" = "update.lnk", pid = "5120", process = "powershell.exe", login = "nadia", sub_rule = "startup-folder", risk = "6" }
  }
}

# ------------------------------------------------------------ registry

rule "sysmon-registry" {
  description      = "12 (key or value created or deleted), 13 (value set), 14 (key or value renamed)"
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) in ["12", "13", "14"]
  CEL
  classification   = "Object Modified"
  common_event     = "Registry Changed"
  risk             = 1
  map = {
    "event.code"               = ["event.code", "winlog.event_id"]
    "rule.name"                = "winlog.event_data.RuleName"
    "process.entity_id"        = "winlog.event_data.ProcessGuid"
    "process.pid"              = "int(winlog.event_data.ProcessId)"
    "process.executable"       = "winlog.event_data.Image"
    "process.name"             = "basename(winlog.event_data.Image)"
    "registry.path"            = "winlog.event_data.TargetObject"
    "registry.value"           = "basename(winlog.event_data.TargetObject)"
    "registry.data.strings"    = "winlog.event_data.Details"
    "labels.registry_new_name" = "winlog.event_data.NewName"
    "user.name"                = "user(winlog.event_data.User)"
    "user.domain"              = "domain(winlog.event_data.User)"
    "user.id"                  = "winlog.user.identifier"
  }
  fields = { "event.action" = "RegistryEvent (Object create and delete)", "event.category" = ["configuration", "registry"], "event.type" = ["change"] }

  sub_rule "run-key" {
    when         = <<-CEL
      has(event.registry.path) && event.registry.path.matches("(?i)\\\\(Software\\\\(WOW6432Node\\\\)?Microsoft\\\\Windows\\\\CurrentVersion\\\\(Run|RunOnce|RunServices)|CurrentControlSet\\\\Services)\\\\")
    CEL
    common_event = "Autostart Registry Key Changed"
    risk         = 5
  }
  sub_rule "value-set" {
    when         = "string(event.winlog.event_id) == \"13\""
    common_event = "Registry Value Set"
    fields       = { "event.action" = "RegistryEvent (Value Set)" }
  }
  sub_rule "renamed" {
    when         = "string(event.winlog.event_id) == \"14\""
    common_event = "Registry Key Renamed"
    fields       = { "event.action" = "RegistryEvent (Key and Value Rename)" }
  }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":13,"event_data":{"EventType":"SetValue","ProcessGuid":"{0b1c2d3e-0000-1111-2222-333344445555}","ProcessId":"5120","Image":"C:\\Users\\Public\\tool.exe","TargetObject":"HKU\\S-1-5-21-1-2-3-1121\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater","Details":"C:\\Users\\Public\\tool.exe -q","User":"CORP\\nadia"}}}
    LOG
    expect = { "registry.value" = "Updater", "registry.data.strings" = "C:\\Users\\Public\\tool.exe -q", pid = "5120", common_event = "Autostart Registry Key Changed", risk = "5" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":"13","event_data":{"EventType":"SetValue","ProcessId":"912","Image":"C:\\Windows\\system32\\svchost.exe","TargetObject":"HKLM\\SOFTWARE\\Example\\Settings\\LastCheck","Details":"DWORD (0x00000001)"}}}
    LOG
    expect = { "registry.path" = "HKLM\\SOFTWARE\\Example\\Settings\\LastCheck", "event.action" = "RegistryEvent (Value Set)", sub_rule = "value-set" }
  }
}

# ------------------------------------------------------------- network

rule "sysmon-3-network-connection" {
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) == "3"
  CEL
  classification   = "Network Traffic"
  common_event     = "Network Connection"
  risk             = 1
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "rule.name"          = "winlog.event_data.RuleName"
    "process.entity_id"  = "winlog.event_data.ProcessGuid"
    "process.pid"        = "int(winlog.event_data.ProcessId)"
    "process.executable" = "winlog.event_data.Image"
    "process.name"       = "basename(winlog.event_data.Image)"
    "network.transport"  = "lower(winlog.event_data.Protocol)"
    "network.protocol"   = ["winlog.event_data.DestinationPortName", "winlog.event_data.SourcePortName"]
    "source.ip"          = "ip(winlog.event_data.SourceIp)"
    "source.port"        = "int(winlog.event_data.SourcePort)"
    "source.domain"      = "winlog.event_data.SourceHostname"
    "destination.ip"     = "ip(winlog.event_data.DestinationIp)"
    "destination.port"   = "int(winlog.event_data.DestinationPort)"
    "destination.domain" = "winlog.event_data.DestinationHostname"
    "user.name"          = "user(winlog.event_data.User)"
    "user.domain"        = "domain(winlog.event_data.User)"
    "user.id"            = "winlog.user.identifier"
  }
  fields = { "event.action" = "Network connection", "event.category" = ["network"], "event.type" = ["start", "connection", "protocol"] }

  sub_rule "outbound" {
    when   = "has(event.winlog.event_data.Initiated) && string(event.winlog.event_data.Initiated) == \"true\""
    fields = { "network.direction" = "egress" }
  }
  sub_rule "inbound" {
    when   = "has(event.winlog.event_data.Initiated) && string(event.winlog.event_data.Initiated) == \"false\""
    fields = { "network.direction" = "ingress" }
  }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":3,"event_data":{"RuleName":"-","ProcessGuid":"{0b1c2d3e-0000-1111-2222-333344445555}","ProcessId":"5120","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","User":"CORP\\nadia","Protocol":"tcp","Initiated":"true","SourceIsIpv6":"false","SourceIp":"192.0.2.21","SourceHostname":"WS-21.corp.example","SourcePort":"50433","DestinationIsIpv6":"false","DestinationIp":"203.0.113.80","DestinationHostname":"-","DestinationPort":"443","DestinationPortName":"https"}}}
    LOG
    expect = { sip = "192.0.2.21", sport = "50433", dip = "203.0.113.80", dport = "443", protocol = "tcp", "network.protocol" = "https", "network.direction" = "egress", process = "powershell.exe", login = "nadia" }
  }
}

rule "sysmon-22-dns-query" {
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) == "22"
  CEL
  classification   = "Network Traffic"
  common_event     = "DNS Query"
  risk             = 0
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "rule.name"          = "winlog.event_data.RuleName"
    "process.entity_id"  = "winlog.event_data.ProcessGuid"
    "process.pid"        = "int(winlog.event_data.ProcessId)"
    "process.executable" = "winlog.event_data.Image"
    "process.name"       = "basename(winlog.event_data.Image)"
    "dns.question.name"  = "winlog.event_data.QueryName"
    "sysmon.dns.status"  = "winlog.event_data.QueryStatus"
    "labels.dns_results" = "winlog.event_data.QueryResults"
    "user.name"          = "user(winlog.event_data.User)"
    "user.domain"        = "domain(winlog.event_data.User)"
    "user.id"            = "winlog.user.identifier"
  }
  fields = { "event.action" = "DNSEvent (DNS query)", "event.category" = ["network"], "event.type" = ["connection", "protocol", "info"], "network.protocol" = "dns" }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":22,"event_data":{"RuleName":"-","UtcTime":"2024-06-03 09:10:00.250","ProcessGuid":"{0b1c2d3e-0000-1111-2222-333344445555}","ProcessId":"5120","QueryName":"updates.example.com","QueryStatus":"0","QueryResults":"type:  5 cdn.example.net;::ffff:198.51.100.14;","Image":"C:\\Program Files\\Example\\app.exe","User":"CORP\\nadia"}}}
    LOG
    expect = { "dns.question.name" = "updates.example.com", "network.protocol" = "dns", pid = "5120", process = "app.exe", "sysmon.dns.status" = "0" }
  }
}

# ----------------------------------------------------------------- WMI

rule "sysmon-wmi" {
  description      = "19 (WMI event filter), 20 (WMI event consumer), 21 (consumer bound to a filter): WMI persistence"
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 100
  when             = <<-CEL
    event.winlog.channel == "Microsoft-Windows-Sysmon/Operational" && string(event.winlog.event_id) in ["19", "20", "21"]
  CEL
  classification   = "Suspicious"
  common_event     = "WMI Event Consumer Registered"
  risk             = 6
  map = {
    "event.code"           = ["event.code", "winlog.event_id"]
    "rule.name"            = "winlog.event_data.RuleName"
    "process.executable"   = "winlog.event_data.Destination"
    "labels.wmi_name"      = ["winlog.event_data.Name", "winlog.event_data.Consumer"]
    "labels.wmi_operation" = "winlog.event_data.Operation"
    "user.name"            = "user(winlog.event_data.User)"
    "user.domain"          = "domain(winlog.event_data.User)"
    "user.id"              = "winlog.user.identifier"
  }
  fields = { "event.action" = "WmiEvent (WmiEventConsumer activity detected)", "event.category" = ["process"], "event.type" = ["change"] }

  sub_rule "filter" {
    when         = "string(event.winlog.event_id) == \"19\""
    common_event = "WMI Event Filter Registered"
    fields       = { "event.action" = "WmiEvent (WmiEventFilter activity detected)", "event.type" = ["info"] }
  }
  sub_rule "binding" {
    when         = "string(event.winlog.event_id) == \"21\""
    common_event = "WMI Consumer Bound To Filter"
    fields       = { "event.action" = "WmiEvent (WmiEventConsumerToFilter activity detected)", "event.type" = ["access"] }
  }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":20,"event_data":{"EventType":"WmiConsumerEvent","Operation":"Created","User":"CORP\\mallory","Name":"\"Updater\"","Type":"Command Line","Destination":"C:\\Users\\Public\\tool.exe -q"}}}
    LOG
    expect = { login = "mallory", domain = "CORP", "labels.wmi_operation" = "Created", "process.executable" = "C:\\Users\\Public\\tool.exe -q", common_event = "WMI Event Consumer Registered" }
  }
}

# ------------------------------------------------------------- the rest

# Sort order 8900, under the 9000 of catch-alls: a Sysmon document that
# arrives under windows-security is still read as Sysmon, before that
# type's own catch-all (win-security-event) would take it.
rule "sysmon-event" {
  description      = "any other Sysmon event (2, 4, 6, 9, 15-18, 23-29, 255): kept with its process and user"
  log_source_types = ["windows-sysmon", "windows-security"]
  sort_order       = 8900
  when             = "event.winlog.channel == \"Microsoft-Windows-Sysmon/Operational\""
  classification   = "Other Audit"
  common_event     = "Sysmon Event"
  risk             = 0
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "rule.name"          = "winlog.event_data.RuleName"
    "process.entity_id"  = "winlog.event_data.ProcessGuid"
    "process.pid"        = "int(winlog.event_data.ProcessId)"
    "process.executable" = "winlog.event_data.Image"
    "process.name"       = "basename(winlog.event_data.Image)"
    "file.path"          = ["winlog.event_data.TargetFilename", "winlog.event_data.ImageLoaded", "winlog.event_data.Device"]
    "file.name"          = ["basename(winlog.event_data.TargetFilename)", "basename(winlog.event_data.ImageLoaded)", "winlog.event_data.PipeName"]
    "user.name"          = "user(winlog.event_data.User)"
    "user.domain"        = "domain(winlog.event_data.User)"
    "user.id"            = "winlog.user.identifier"
  }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":17,"event_data":{"EventType":"CreatePipe","ProcessId":"3320","PipeName":"\\example-pipe","Image":"C:\\Program Files\\Example\\svc.exe","User":"NT AUTHORITY\\SYSTEM"}}}
    LOG
    expect = { "file.name" = "\\example-pipe", login = "SYSTEM", domain = "NT AUTHORITY", "event.code" = "17" }
  }
}
