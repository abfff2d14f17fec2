# Windows Security events, one JSON object per line in the shape winlogbeat
# ships them ({"winlog":{"event_id":4624,"event_data":{…}}, "event":{…}}).
# The document's fields are kept as they are; the rules select on
# winlog.event_id and map the event data to ECS: the subject (who did it)
# to user.*, the target (the account acted on) to user.target.*.
#
# string(event.winlog.event_id) accepts the id as a number or a string, as
# shippers differ.
#
# Who is user.* follows Elastic's system/security pipeline: for logons,
# logoffs, Kerberos and NTLM (4624, 4625, 4634, 4647, 4768-4771, 4776) the
# account that logged on (Target*); for everything else the subject
# (Subject*), with the account acted on in user.target.* and a group in
# group.*. Map functions convert as the pipeline does: int() reads Windows'
# hex process ids (0x1a2c), basename() names a process from its path,
# user() drops the realm of ann@CORP.EXAMPLE, ip() the ::ffff: of an IPv4
# address on a dual-stack socket, cn() takes the name out of a member's
# distinguished name.
#
# Sysmon events (channel Microsoft-Windows-Sysmon/Operational) arriving
# under this type are read by the rules of windows-sysmon.hcl, which list
# both types.
#
# Test lines are made up.

log_source_type "windows-security" {
  format = "json"
  # The time Windows recorded the event; @timestamp is the shipper's.
  timestamp_fields = ["winlog.time_created", "@timestamp"]
}

# ------------------------------------------------------------- logons

rule "win-4624-logon" {
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4624\""
  classification   = "Authentication Success"
  common_event     = "User Logon"
  risk             = 3
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "user.name"          = ["user(winlog.event_data.TargetUserName)", "raw(winlog.event_data.TargetUserName)"]
    "user.domain"        = "winlog.event_data.TargetDomainName"
    "user.id"            = "winlog.event_data.TargetUserSid"
    "source.ip"          = "ip(winlog.event_data.IpAddress)"
    "source.port"        = "int(winlog.event_data.IpPort)"
    "source.domain"      = "winlog.event_data.WorkstationName"
    "winlog.logon.type"  = "winlog.event_data.LogonType"
    "winlog.logon.id"    = "winlog.event_data.TargetLogonId"
    "process.executable" = "raw(winlog.event_data.ProcessName)"
    "process.name"       = ["basename(winlog.event_data.ProcessName)", "raw(winlog.event_data.ProcessName)"]
    "process.pid"        = "int(winlog.event_data.ProcessId)"
  }
  fields = {
    "event.action"   = "logged-in"
    "event.category" = ["authentication"]
    "event.type"     = ["start"]
    "event.outcome"  = "success"
  }

  sub_rule "remote-interactive" {
    when         = "has(event.winlog.event_data.LogonType) && string(event.winlog.event_data.LogonType) == \"10\""
    common_event = "Remote Desktop Logon"
    risk         = 5
  }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-05-01T09:00:02Z","winlog":{"channel":"Security","event_id":4624,"time_created":"2024-05-01T09:00:01.5Z","event_data":{"TargetUserName":"quinn","TargetDomainName":"CORP","LogonType":"10","IpAddress":"192.0.2.70","IpPort":"51000","WorkstationName":"WS-7"}},"event":{"code":"4624","outcome":"success"},"log":{"level":"information"}}
    LOG
    expect = { login = "quinn", "user.domain" = "CORP", sip = "192.0.2.70", "source.port" = "51000", common_event = "Remote Desktop Logon", "@timestamp" = "2024-05-01T09:00:01.5Z", "event.code" = "4624", "log.level" = "information" }
  }
}

rule "win-4625-logon-failed" {
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4625\""
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 4
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "user.name"          = ["user(winlog.event_data.TargetUserName)", "raw(winlog.event_data.TargetUserName)"]
    "user.domain"        = "winlog.event_data.TargetDomainName"
    "user.id"            = "winlog.event_data.TargetUserSid"
    "source.ip"          = "ip(winlog.event_data.IpAddress)"
    "source.port"        = "int(winlog.event_data.IpPort)"
    "source.domain"      = "winlog.event_data.WorkstationName"
    "winlog.logon.type"  = "winlog.event_data.LogonType"
    "event.reason"       = ["winlog.event_data.FailureReason", "winlog.event_data.Status"]
    "process.executable" = "raw(winlog.event_data.ProcessName)"
    "process.name"       = ["basename(winlog.event_data.ProcessName)", "raw(winlog.event_data.ProcessName)"]
    "process.pid"        = "int(winlog.event_data.ProcessId)"
  }
  fields = {
    "event.action"   = "logon-failed"
    "event.category" = ["authentication"]
    "event.type"     = ["start"]
    "event.outcome"  = "failure"
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":"4625","event_data":{"TargetUserName":"admin","TargetDomainName":"CORP","LogonType":"3","IpAddress":"203.0.113.71","IpPort":"0","FailureReason":"%%2313","Status":"0xc000006d"}}}
    LOG
    expect = { login = "admin", sip = "203.0.113.71", "event.outcome" = "failure", reason = "%%2313" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"event_id":4625,"event_data":{"SubjectUserSid":"S-1-0-0","SubjectUserName":"-","TargetUserSid":"S-1-0-0","TargetUserName":"backup","TargetDomainName":"CORP","Status":"0xc000006d","SubStatus":"0xc0000064","LogonType":"3","ProcessId":"0x0","ProcessName":"-","WorkstationName":"-","IpAddress":"198.51.100.77","IpPort":"0"}}}
    LOG
    expect = { login = "backup", sip = "198.51.100.77", sport = "0", pid = "0", process = "-", "process.executable" = "-" }
  }
}

rule "win-logoff" {
  description      = "4634 (logged off), 4647 (logoff requested)"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4634", "4647"]
  CEL
  classification   = "Other Audit Success"
  common_event     = "User Logoff"
  risk             = 1
  map = {
    "event.code"        = ["event.code", "winlog.event_id"]
    "user.name"         = ["user(winlog.event_data.TargetUserName)", "raw(winlog.event_data.TargetUserName)"]
    "user.domain"       = "winlog.event_data.TargetDomainName"
    "user.id"           = "winlog.event_data.TargetUserSid"
    "winlog.logon.type" = "winlog.event_data.LogonType"
    "winlog.logon.id"   = "winlog.event_data.TargetLogonId"
  }
  fields = { "event.action" = "logged-out", "event.category" = ["authentication"], "event.type" = ["end"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4634,"event_data":{"TargetUserName":"quinn","TargetDomainName":"CORP","LogonType":"3"}}}
    LOG
    expect = { login = "quinn", common_event = "User Logoff" }
  }
}

rule "win-4648-explicit-credentials" {
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4648\""
  classification   = "Authentication Success"
  common_event     = "Logon With Explicit Credentials"
  risk             = 4
  map = {
    "event.code"            = ["event.code", "winlog.event_id"]
    "user.name"             = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"           = "winlog.event_data.SubjectDomainName"
    "user.id"               = "winlog.event_data.SubjectUserSid"
    "user.effective.name"   = "user(winlog.event_data.TargetUserName)"
    "user.effective.domain" = "winlog.event_data.TargetDomainName"
    "destination.domain"    = "winlog.event_data.TargetServerName"
    "source.ip"             = "ip(winlog.event_data.IpAddress)"
    "source.port"           = "int(winlog.event_data.IpPort)"
    "process.executable"    = "raw(winlog.event_data.ProcessName)"
    "process.name"          = ["basename(winlog.event_data.ProcessName)", "raw(winlog.event_data.ProcessName)"]
    "process.pid"           = "int(winlog.event_data.ProcessId)"
  }
  fields = { "event.action" = "logged-in-explicit", "event.category" = ["authentication"], "event.type" = ["start"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4648,"event_data":{"SubjectUserName":"svc-backup","TargetUserName":"admin@corp.example","TargetServerName":"db1.corp.example","IpAddress":"-","ProcessId":"0x2a8","ProcessName":"C:\\Windows\\System32\\svchost.exe"}}}
    LOG
    expect = { login = "svc-backup", "user.effective.name" = "admin", sip = "", pid = "680", process = "svchost.exe" }
  }
}

rule "win-4672-special-privileges" {
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4672\""
  classification   = "Access Granted"
  common_event     = "Special Privileges Assigned To Logon"
  risk             = 3
  map = {
    "event.code"  = ["event.code", "winlog.event_id"]
    "user.name"   = "raw(winlog.event_data.SubjectUserName)"
    "user.domain" = "winlog.event_data.SubjectDomainName"
    "user.id"     = "winlog.event_data.SubjectUserSid"
  }
  fields = { "event.action" = "logged-in-special", "event.category" = ["iam"], "event.type" = ["admin"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4672,"event_data":{"SubjectUserName":"quinn","SubjectDomainName":"CORP","PrivilegeList":"SeDebugPrivilege"}}}
    LOG
    expect = { login = "quinn", classification = "Access Granted" }
  }
}

# ------------------------------------------------- account management

rule "win-account-created" {
  description      = "4720: a user account was created"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4720\""
  classification   = "Account Created"
  common_event     = "User Account Created"
  risk             = 5
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "user.name"          = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"        = "winlog.event_data.SubjectDomainName"
    "user.id"            = "winlog.event_data.SubjectUserSid"
    "user.target.name"   = "winlog.event_data.TargetUserName"
    "user.target.domain" = "winlog.event_data.TargetDomainName"
    "user.target.id"     = "winlog.event_data.TargetSid"
  }
  fields = { "event.action" = "added-user-account", "event.category" = ["iam"], "event.type" = ["user", "creation"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4720,"event_data":{"SubjectUserName":"Administrator","SubjectDomainName":"CORP","TargetUserName":"newhire","TargetDomainName":"CORP","TargetSid":"S-1-5-21-1-2-3-1104"}}}
    LOG
    expect = { login = "Administrator", account = "newhire", "user.target.id" = "S-1-5-21-1-2-3-1104", classification = "Account Created" }
  }
}

rule "win-account-changed" {
  description      = "4722 enabled, 4723 password change, 4724 password reset, 4725 disabled, 4738 changed, 4740 locked out, 4767 unlocked, 4781 renamed"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4722", "4723", "4724", "4725", "4738", "4740", "4767", "4781"]
  CEL
  classification   = "Account Modified"
  common_event     = "User Account Changed"
  risk             = 3
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "user.name"          = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"        = "winlog.event_data.SubjectDomainName"
    "user.id"            = "winlog.event_data.SubjectUserSid"
    "user.target.name"   = ["winlog.event_data.OldTargetUserName", "user(winlog.event_data.TargetUserName)"]
    "user.target.domain" = "winlog.event_data.TargetDomainName"
    "user.target.id"     = "winlog.event_data.TargetSid"
    "user.changes.name"  = "winlog.event_data.NewTargetUserName"
  }
  fields = { "event.category" = ["iam"], "event.type" = ["user", "change"] }

  sub_rule "enabled" {
    when         = "string(event.winlog.event_id) == \"4722\""
    common_event = "User Account Enabled"
    fields       = { "event.action" = "enabled-user-account" }
  }
  sub_rule "password-changed" {
    when         = "string(event.winlog.event_id) == \"4723\""
    common_event = "User Password Changed"
    fields       = { "event.action" = "changed-password" }
  }
  sub_rule "password-reset" {
    when         = "string(event.winlog.event_id) == \"4724\""
    common_event = "User Password Reset"
    risk         = 4
    fields       = { "event.action" = "reset-password" }
  }
  sub_rule "disabled" {
    when         = "string(event.winlog.event_id) == \"4725\""
    common_event = "User Account Disabled"
    fields       = { "event.action" = "disabled-user-account", "event.type" = ["user", "deletion"] }
  }
  sub_rule "locked-out" {
    when           = "string(event.winlog.event_id) == \"4740\""
    classification = "Authentication Failure"
    common_event   = "User Account Locked Out"
    risk           = 5
    fields         = { "event.action" = "locked-out-user-account" }
  }
  sub_rule "unlocked" {
    when         = "string(event.winlog.event_id) == \"4767\""
    common_event = "User Account Unlocked"
    fields       = { "event.action" = "unlocked-user-account" }
  }
  sub_rule "renamed" {
    when         = "string(event.winlog.event_id) == \"4781\""
    common_event = "User Account Renamed"
    fields       = { "event.action" = "renamed-user-account" }
  }
  sub_rule "modified" {
    when   = "string(event.winlog.event_id) == \"4738\""
    fields = { "event.action" = "modified-user-account" }
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4724,"event_data":{"SubjectUserName":"helpdesk","SubjectDomainName":"CORP","TargetUserName":"rita","TargetDomainName":"CORP"}},"event":{"outcome":"success"}}
    LOG
    expect = { login = "helpdesk", account = "rita", common_event = "User Password Reset", "event.action" = "reset-password" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"event_id":4740,"event_data":{"SubjectUserName":"DC1$","TargetUserName":"sam","TargetDomainName":"WS-9"}}}
    LOG
    expect = { account = "sam", classification = "Authentication Failure", sub_rule = "locked-out" }
  }
}

rule "win-account-deleted" {
  description      = "4726: a user account was deleted"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4726\""
  classification   = "Account Deleted"
  common_event     = "User Account Deleted"
  risk             = 5
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "user.name"          = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"        = "winlog.event_data.SubjectDomainName"
    "user.id"            = "winlog.event_data.SubjectUserSid"
    "user.target.name"   = "winlog.event_data.TargetUserName"
    "user.target.domain" = "winlog.event_data.TargetDomainName"
    "user.target.id"     = "winlog.event_data.TargetSid"
  }
  fields = { "event.action" = "deleted-user-account", "event.category" = ["iam"], "event.type" = ["user", "deletion"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4726,"event_data":{"SubjectUserName":"Administrator","TargetUserName":"leaver"}}}
    LOG
    expect = { login = "Administrator", account = "leaver", classification = "Account Deleted" }
  }
}

rule "win-group-membership" {
  description      = "4728, 4732, 4756 (member added to a global, local, universal security group); 4729, 4733, 4757 (removed); 4751, 4746, 4761 and 4752, 4747, 4762 (the same for distribution groups)"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4728", "4732", "4756", "4729", "4733", "4757", "4746", "4751", "4761", "4747", "4752", "4762"]
  CEL
  classification   = "Account Modified"
  common_event     = "Member Added To Group"
  risk             = 5
  map = {
    "event.code"       = ["event.code", "winlog.event_id"]
    "user.name"        = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"      = "winlog.event_data.SubjectDomainName"
    "user.id"          = "winlog.event_data.SubjectUserSid"
    "user.target.name" = ["cn(winlog.event_data.MemberName)", "raw(winlog.event_data.MemberName)"]
    "user.target.id"   = "winlog.event_data.MemberSid"
    "group.name"       = "winlog.event_data.TargetUserName"
    "group.domain"     = "winlog.event_data.TargetDomainName"
    "group.id"         = ["winlog.event_data.TargetSid", "winlog.event_data.TargetUserSid"]
  }
  fields = { "event.action" = "added-member-to-group", "event.category" = ["iam"], "event.type" = ["group", "change"] }

  sub_rule "removed" {
    when         = <<-CEL
      string(event.winlog.event_id) in ["4729", "4733", "4757"]
    CEL
    common_event = "Member Removed From Group"
    risk         = 3
    fields       = { "event.action" = "removed-member-from-group" }
  }
  sub_rule "distribution-added" {
    when         = <<-CEL
      string(event.winlog.event_id) in ["4746", "4751", "4761"]
    CEL
    common_event = "Member Added To Distribution Group"
    risk         = 2
    fields       = { "event.action" = "added-member-to-distribution-group" }
  }
  sub_rule "distribution-removed" {
    when         = <<-CEL
      string(event.winlog.event_id) in ["4747", "4752", "4762"]
    CEL
    common_event = "Member Removed From Distribution Group"
    risk         = 2
    fields       = { "event.action" = "removed-member-from-distribution-group" }
  }
  sub_rule "admins" {
    when         = <<-CEL
      event.group.name in ["Administrators", "Domain Admins", "Enterprise Admins", "Schema Admins"]
    CEL
    common_event = "Member Added To Admin Group"
    risk         = 8
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4732,"event_data":{"SubjectUserName":"Administrator","MemberName":"CN=tom,OU=Staff,DC=corp,DC=example","TargetUserName":"Administrators","TargetDomainName":"Builtin"}}}
    LOG
    expect = { login = "Administrator", "group.name" = "Administrators", account = "tom", common_event = "Member Added To Admin Group", risk = "8" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"event_id":"4757","event_data":{"SubjectUserName":"Administrator","SubjectDomainName":"CORP","MemberName":"CN=Ula Voss,OU=Staff,DC=corp,DC=example","MemberSid":"S-1-5-21-1-2-3-1107","TargetUserName":"VPN Users","TargetSid":"S-1-5-21-1-2-3-1200"}}}
    LOG
    expect = { login = "Administrator", account = "Ula Voss", "group.id" = "S-1-5-21-1-2-3-1200", "event.action" = "removed-member-from-group" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"event_id":4732,"event_data":{"SubjectUserName":"WS-7$","MemberName":"-","MemberSid":"S-1-5-21-1-2-3-1121","TargetUserName":"Remote Desktop Users","TargetDomainName":"Builtin","TargetSid":"S-1-5-32-555"}}}
    LOG
    expect = { account = "-", "user.target.id" = "S-1-5-21-1-2-3-1121", "group.name" = "Remote Desktop Users" }
  }
}

rule "win-group-changed" {
  description      = "4727, 4731, 4754 (security group created); 4730, 4734, 4758 (deleted); 4735, 4737, 4755 (changed); 4744, 4749, 4759, 4748, 4753, 4763, 4745, 4750, 4760 (the same for distribution groups); 4764 (type changed)"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4727", "4731", "4754", "4730", "4734", "4758", "4735", "4737", "4755", "4744", "4749", "4759", "4748", "4753", "4763", "4745", "4750", "4760", "4764"]
  CEL
  classification   = "Account Modified"
  common_event     = "Group Changed"
  risk             = 3
  map = {
    "event.code"   = ["event.code", "winlog.event_id"]
    "user.name"    = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"  = "winlog.event_data.SubjectDomainName"
    "user.id"      = "winlog.event_data.SubjectUserSid"
    "group.name"   = "winlog.event_data.TargetUserName"
    "group.domain" = "winlog.event_data.TargetDomainName"
    "group.id"     = "winlog.event_data.TargetSid"
  }
  fields = { "event.action" = "modified-group-account", "event.category" = ["iam"], "event.type" = ["group", "change"] }

  sub_rule "created" {
    when           = <<-CEL
      string(event.winlog.event_id) in ["4727", "4731", "4754"]
    CEL
    classification = "Account Created"
    common_event   = "Group Created"
    fields         = { "event.action" = "added-group-account", "event.type" = ["group", "creation"] }
  }
  sub_rule "deleted" {
    when           = <<-CEL
      string(event.winlog.event_id) in ["4730", "4734", "4758"]
    CEL
    classification = "Account Deleted"
    common_event   = "Group Deleted"
    fields         = { "event.action" = "deleted-group-account", "event.type" = ["group", "deletion"] }
  }
  sub_rule "distribution-created" {
    when           = <<-CEL
      string(event.winlog.event_id) in ["4744", "4749", "4759"]
    CEL
    classification = "Account Created"
    common_event   = "Distribution Group Created"
    fields         = { "event.action" = "added-distribution-group-account", "event.type" = ["group", "creation"] }
  }
  sub_rule "distribution-deleted" {
    when           = <<-CEL
      string(event.winlog.event_id) in ["4748", "4753", "4763"]
    CEL
    classification = "Account Deleted"
    common_event   = "Distribution Group Deleted"
    fields         = { "event.action" = "deleted-distribution-group-account", "event.type" = ["group", "deletion"] }
  }
  sub_rule "distribution-changed" {
    when         = <<-CEL
      string(event.winlog.event_id) in ["4745", "4750", "4760"]
    CEL
    common_event = "Distribution Group Changed"
    fields       = { "event.action" = "changed-distribution-group-account" }
  }
  sub_rule "type-changed" {
    when         = "string(event.winlog.event_id) == \"4764\""
    common_event = "Group Type Changed"
    fields       = { "event.action" = "type-changed-group-account" }
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4731,"event_data":{"SubjectUserName":"Administrator","TargetUserName":"Auditors","TargetDomainName":"CORP"}}}
    LOG
    expect = { login = "Administrator", "group.name" = "Auditors", classification = "Account Created" }
  }
}

rule "win-computer-account" {
  description      = "4741 (computer account created), 4742 (changed), 4743 (deleted)"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4741", "4742", "4743"]
  CEL
  classification   = "Account Modified"
  common_event     = "Computer Account Changed"
  risk             = 2
  map = {
    "event.code"                   = ["event.code", "winlog.event_id"]
    "user.name"                    = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"                  = "winlog.event_data.SubjectDomainName"
    "user.id"                      = "winlog.event_data.SubjectUserSid"
    "winlog.computerObject.name"   = "winlog.event_data.TargetUserName"
    "winlog.computerObject.domain" = "winlog.event_data.TargetDomainName"
    "winlog.computerObject.id"     = "winlog.event_data.TargetSid"
  }
  fields = { "event.action" = "changed-computer-account", "event.category" = ["iam"], "event.type" = ["change", "admin"] }

  sub_rule "created" {
    when           = "string(event.winlog.event_id) == \"4741\""
    classification = "Account Created"
    common_event   = "Computer Account Created"
    risk           = 3
    fields         = { "event.action" = "added-computer-account", "event.type" = ["creation", "admin"] }
  }
  sub_rule "deleted" {
    when           = "string(event.winlog.event_id) == \"4743\""
    classification = "Account Deleted"
    common_event   = "Computer Account Deleted"
    risk           = 3
    fields         = { "event.action" = "deleted-computer-account", "event.type" = ["deletion", "admin"] }
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4741,"event_data":{"SubjectUserName":"Administrator","SubjectDomainName":"CORP","TargetUserName":"WS-40$","TargetDomainName":"CORP","TargetSid":"S-1-5-21-1-2-3-2101"}}}
    LOG
    expect = { login = "Administrator", "winlog.computerObject.name" = "WS-40$", "event.action" = "added-computer-account", classification = "Account Created" }
  }
}

rule "win-membership-enumerated" {
  description      = "4798: a user's local group membership was enumerated"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4798\""
  classification   = "Other Audit Success"
  common_event     = "Group Membership Enumerated"
  risk             = 1
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "user.name"          = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"        = "winlog.event_data.SubjectDomainName"
    "user.id"            = "winlog.event_data.SubjectUserSid"
    "user.target.name"   = "user(winlog.event_data.TargetUserName)"
    "user.target.domain" = "winlog.event_data.TargetDomainName"
    "user.target.id"     = "winlog.event_data.TargetSid"
    "process.pid"        = "int(winlog.event_data.CallerProcessId)"
    "process.executable" = "winlog.event_data.CallerProcessName"
    "process.name"       = "basename(winlog.event_data.CallerProcessName)"
  }
  fields = { "event.action" = "group-membership-enumerated", "event.category" = ["iam"], "event.type" = ["user", "info"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4798,"event_data":{"SubjectUserName":"WS-7$","SubjectDomainName":"CORP","TargetUserName":"quinn","TargetDomainName":"WS-7","CallerProcessId":"0x1f4","CallerProcessName":"C:\\Windows\\System32\\net1.exe"}}}
    LOG
    expect = { login = "WS-7$", account = "quinn", pid = "500", process = "net1.exe" }
  }
}

rule "win-group-members-enumerated" {
  description      = "4799: a local group's members were enumerated"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4799\""
  classification   = "Other Audit Success"
  common_event     = "Group Members Enumerated"
  risk             = 1
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "user.name"          = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"        = "winlog.event_data.SubjectDomainName"
    "user.id"            = "winlog.event_data.SubjectUserSid"
    "group.name"         = "winlog.event_data.TargetUserName"
    "group.domain"       = "winlog.event_data.TargetDomainName"
    "group.id"           = "winlog.event_data.TargetSid"
    "process.pid"        = "int(winlog.event_data.CallerProcessId)"
    "process.executable" = "winlog.event_data.CallerProcessName"
    "process.name"       = "basename(winlog.event_data.CallerProcessName)"
  }
  fields = { "event.action" = "user-member-enumerated", "event.category" = ["iam"], "event.type" = ["group", "info"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4799,"event_data":{"SubjectUserName":"WS-7$","SubjectDomainName":"CORP","TargetUserName":"Administrators","TargetDomainName":"Builtin","CallerProcessId":"0x1f4","CallerProcessName":"C:\\Windows\\System32\\net1.exe"}}}
    LOG
    expect = { login = "WS-7$", "group.name" = "Administrators", pid = "500", process = "net1.exe", "event.action" = "user-member-enumerated" }
  }
}

rule "win-session-reconnect" {
  description      = "4778 (a session was reconnected to a window station), 4779 (disconnected)"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4778", "4779"]
  CEL
  classification   = "Authentication Success"
  common_event     = "Session Reconnected"
  risk             = 2
  map = {
    "event.code"      = ["event.code", "winlog.event_id"]
    "user.name"       = "winlog.event_data.AccountName"
    "user.domain"     = "winlog.event_data.AccountDomain"
    "source.ip"       = "ip(winlog.event_data.ClientAddress)"
    "source.domain"   = "winlog.event_data.ClientName"
    "winlog.logon.id" = "winlog.event_data.LogonID"
  }
  fields = { "event.action" = "session-reconnected", "event.category" = ["authentication", "session"], "event.type" = ["start"] }

  sub_rule "disconnected" {
    when           = "string(event.winlog.event_id) == \"4779\""
    classification = "Other Audit Success"
    common_event   = "Session Disconnected"
    risk           = 1
    fields         = { "event.action" = "session-disconnected", "event.type" = ["end"] }
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4779,"event_data":{"AccountName":"quinn","AccountDomain":"CORP","LogonID":"0x5d2e1","SessionName":"RDP-Tcp#3","ClientName":"LAPTOP-9","ClientAddress":"203.0.113.40"}}}
    LOG
    expect = { login = "quinn", sip = "203.0.113.40", "event.action" = "session-disconnected", common_event = "Session Disconnected" }
  }
}

rule "win-event-logging" {
  description      = "1100 (the event logging service shut down), 1104 (the security log is full), 1105 (the log was archived), 1108 (the logging service hit an error)"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["1100", "1104", "1105", "1108"]
  CEL
  classification   = "Policy"
  common_event     = "Event Logging Service Stopped"
  risk             = 6
  map = {
    "event.code"  = ["event.code", "winlog.event_id"]
    "user.name"   = ["winlog.user_data.SubjectUserName", "winlog.event_data.SubjectUserName"]
    "user.domain" = ["winlog.user_data.SubjectDomainName", "winlog.event_data.SubjectDomainName"]
    "user.id"     = ["winlog.user_data.SubjectUserSid", "winlog.event_data.SubjectUserSid"]
  }
  fields = { "event.action" = "logging-service-shutdown", "event.category" = ["process"], "event.type" = ["end"] }

  sub_rule "full" {
    when           = "string(event.winlog.event_id) == \"1104\""
    classification = "Warning"
    common_event   = "Security Log Full"
    risk           = 5
    fields         = { "event.action" = "logging-full", "event.category" = ["iam"], "event.type" = ["admin"] }
  }
  sub_rule "archived" {
    when           = "string(event.winlog.event_id) == \"1105\""
    classification = "Information"
    common_event   = "Security Log Archived"
    risk           = 1
    fields         = { "event.action" = "auditlog-archieved", "event.category" = ["iam"], "event.type" = ["admin"] }
  }
  sub_rule "error" {
    when           = "string(event.winlog.event_id) == \"1108\""
    classification = "Error"
    common_event   = "Event Logging Error"
    risk           = 4
    fields         = { "event.action" = "logging-processing-error", "event.category" = ["iam"], "event.type" = ["admin"] }
  }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Eventlog","event_id":1100,"user_data":{"xml_name":"ServiceShutdown"}},"event":{"code":"1100"}}
    LOG
    expect = { "event.action" = "logging-service-shutdown", classification = "Policy" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"event_id":1105,"user_data":{"Channel":"Security","BackupPath":"C:\\Windows\\System32\\Winevt\\Logs\\Archive-Security-2024-05-01.evtx","SubjectUserName":"-"}}}
    LOG
    expect = { "event.action" = "auditlog-archieved", login = "" }
  }
}

# -------------------------------------------------- Kerberos and NTLM

rule "win-kerberos-ticket" {
  description      = "4768 (TGT requested), 4769 (service ticket requested), 4770 (service ticket renewed); Status 0x0 is success"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4768", "4769", "4770"]
  CEL
  classification   = "Authentication Success"
  common_event     = "Kerberos Ticket Granted"
  risk             = 1
  map = {
    "event.code"   = ["event.code", "winlog.event_id"]
    "user.name"    = ["user(winlog.event_data.TargetUserName)", "raw(winlog.event_data.TargetUserName)"]
    "user.domain"  = "winlog.event_data.TargetDomainName"
    "user.id"      = ["winlog.event_data.TargetUserSid", "winlog.event_data.TargetSid"]
    "service.name" = "winlog.event_data.ServiceName"
    "service.id"   = "winlog.event_data.ServiceSid"
    "source.ip"    = "ip(winlog.event_data.IpAddress)"
    "source.port"  = "int(winlog.event_data.IpPort)"
    "event.reason" = "winlog.event_data.Status"
  }
  fields = { "event.action" = "kerberos-authentication-ticket-requested", "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }

  sub_rule "failed" {
    when           = "has(event.winlog.event_data.Status) && string(event.winlog.event_data.Status) != \"0x0\""
    classification = "Authentication Failure"
    common_event   = "Kerberos Ticket Refused"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "service-ticket" {
    when   = "string(event.winlog.event_id) == \"4769\""
    fields = { "event.action" = "kerberos-service-ticket-requested" }
  }
  sub_rule "renewed" {
    when   = "string(event.winlog.event_id) == \"4770\""
    fields = { "event.action" = "kerberos-service-ticket-renewed" }
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4768,"event_data":{"TargetUserName":"uma","TargetDomainName":"CORP.EXAMPLE","ServiceName":"krbtgt","IpAddress":"::ffff:192.0.2.80","Status":"0x6"}}}
    LOG
    expect = { login = "uma", "service.name" = "krbtgt", sip = "192.0.2.80", classification = "Authentication Failure", "event.outcome" = "failure" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"channel":"Security","event_id":4769,"event_data":{"TargetUserName":"vera@CORP.EXAMPLE","TargetDomainName":"CORP.EXAMPLE","ServiceName":"FS1$","ServiceSid":"S-1-5-21-1-2-3-1110","TicketOptions":"0x40810000","TicketEncryptionType":"0x12","IpAddress":"::ffff:198.51.100.23","IpPort":"50912","Status":"0x0"}},"event":{"code":"4769","outcome":"success"}}
    LOG
    expect = { login = "vera", "user.domain" = "CORP.EXAMPLE", sip = "198.51.100.23", sport = "50912", "event.action" = "kerberos-service-ticket-requested", "event.outcome" = "success" }
  }
}

rule "win-kerberos-preauth-failed" {
  description      = "4771: Kerberos pre-authentication failed (a wrong password)"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4771\""
  classification   = "Authentication Failure"
  common_event     = "Kerberos Pre-Authentication Failed"
  risk             = 4
  map = {
    "event.code"   = ["event.code", "winlog.event_id"]
    "user.name"    = ["user(winlog.event_data.TargetUserName)", "raw(winlog.event_data.TargetUserName)"]
    "user.id"      = "winlog.event_data.TargetSid"
    "service.name" = "winlog.event_data.ServiceName"
    "source.ip"    = "ip(winlog.event_data.IpAddress)"
    "source.port"  = "int(winlog.event_data.IpPort)"
    "event.reason" = "winlog.event_data.Status"
  }
  fields = { "event.action" = "kerberos-preauth-failed", "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "failure" }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4771,"event_data":{"TargetUserName":"vic","IpAddress":"192.0.2.81","Status":"0x18"}}}
    LOG
    expect = { login = "vic", sip = "192.0.2.81", reason = "0x18" }
  }
}

rule "win-4776-credential-validation" {
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4776\""
  classification   = "Authentication Success"
  common_event     = "Credentials Validated"
  risk             = 1
  map = {
    "event.code"    = ["event.code", "winlog.event_id"]
    "user.name"     = ["user(winlog.event_data.TargetUserName)", "raw(winlog.event_data.TargetUserName)"]
    "source.domain" = "winlog.event_data.Workstation"
    "event.reason"  = "winlog.event_data.Status"
  }
  fields = { "event.action" = "credential-validated", "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }

  sub_rule "failed" {
    when           = "has(event.winlog.event_data.Status) && string(event.winlog.event_data.Status) != \"0x0\""
    classification = "Authentication Failure"
    common_event   = "Credential Validation Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4776,"event_data":{"TargetUserName":"wes","Workstation":"WS-3","Status":"0x0"}}}
    LOG
    expect = { login = "wes", classification = "Authentication Success", "event.outcome" = "success" }
  }
}

# ------------------------------------------------- processes, policy, tasks

rule "win-4688-process-created" {
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4688\""
  classification   = "Other Audit Success"
  common_event     = "Process Created"
  risk             = 1
  map = {
    "event.code"                = ["event.code", "winlog.event_id"]
    "user.name"                 = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"               = "winlog.event_data.SubjectDomainName"
    "user.id"                   = "winlog.event_data.SubjectUserSid"
    "user.effective.name"       = "winlog.event_data.TargetUserName"
    "user.effective.domain"     = "winlog.event_data.TargetDomainName"
    "user.effective.id"         = "winlog.event_data.TargetUserSid"
    "winlog.logon.id"           = "winlog.event_data.SubjectLogonId"
    "process.pid"               = "int(winlog.event_data.NewProcessId)"
    "process.executable"        = "winlog.event_data.NewProcessName"
    "process.name"              = "basename(winlog.event_data.NewProcessName)"
    "process.command_line"      = "winlog.event_data.CommandLine"
    "process.parent.pid"        = "int(winlog.event_data.ProcessId)"
    "process.parent.executable" = "winlog.event_data.ParentProcessName"
    "process.parent.name"       = "basename(winlog.event_data.ParentProcessName)"
  }
  fields = { "event.action" = "created-process", "event.category" = ["process"], "event.type" = ["start"] }

  sub_rule "shell" {
    when         = <<-CEL
      has(event.process.name) && event.process.name.lowerAscii() in ["cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe", "mshta.exe"]
    CEL
    common_event = "Shell Or Script Host Started"
    risk         = 3
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4688,"event_data":{"SubjectUserName":"xena","NewProcessName":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd.exe /c whoami"}}}
    LOG
    expect = { login = "xena", command = "cmd.exe /c whoami", "process.executable" = "C:\\Windows\\System32\\cmd.exe", process = "cmd.exe", sub_rule = "shell" }
  }
  test {
    log    = <<-LOG
      {"@timestamp":"2024-05-02T10:11:12.345Z","winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","event_id":4688,"computer_name":"WS-12.corp.example","time_created":"2024-05-02T10:11:12.3Z","process":{"pid":4,"thread":{"id":88}},"event_data":{"SubjectUserSid":"S-1-5-21-1-2-3-1109","SubjectUserName":"yusuf","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7a1","NewProcessId":"0x1a2c","NewProcessName":"C:\\Program Files\\Example\\agent.exe","TokenElevationType":"%%1938","ProcessId":"0x9f0","CommandLine":"\"C:\\Program Files\\Example\\agent.exe\" --sync","TargetUserSid":"S-1-0-0","TargetUserName":"-","TargetDomainName":"-","TargetLogonId":"0x0","ParentProcessName":"C:\\Windows\\explorer.exe","MandatoryLabel":"S-1-16-8192"}},"event":{"code":"4688","outcome":"success"},"log":{"level":"information"}}
    LOG
    expect = { login = "yusuf", "user.domain" = "CORP", pid = "6700", process = "agent.exe", "process.parent.pid" = "2544", "process.parent.name" = "explorer.exe", "process.executable" = "C:\\Program Files\\Example\\agent.exe", "event.code" = "4688", "user.effective.name" = "" }
  }
}

rule "win-4689-process-exited" {
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4689\""
  classification   = "Other Audit Success"
  common_event     = "Process Exited"
  risk             = 0
  map = {
    "event.code"         = ["event.code", "winlog.event_id"]
    "user.name"          = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"        = "winlog.event_data.SubjectDomainName"
    "user.id"            = "winlog.event_data.SubjectUserSid"
    "winlog.logon.id"    = "winlog.event_data.SubjectLogonId"
    "process.pid"        = "int(winlog.event_data.ProcessId)"
    "process.executable" = "raw(winlog.event_data.ProcessName)"
    "process.name"       = ["basename(winlog.event_data.ProcessName)", "raw(winlog.event_data.ProcessName)"]
    "process.exit_code"  = "int(winlog.event_data.Status)"
  }
  fields = { "event.action" = "exited-process", "event.category" = ["process"], "event.type" = ["end"] }

  test {
    log    = <<-LOG
      {"winlog":{"channel":"Security","event_id":4689,"event_data":{"SubjectUserSid":"S-1-5-21-1-2-3-1109","SubjectUserName":"yusuf","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7a1","Status":"0x0","ProcessId":"0x1a2c","ProcessName":"C:\\Program Files\\Example\\agent.exe"}},"event":{"code":"4689"}}
    LOG
    expect = { login = "yusuf", pid = "6700", process = "agent.exe", "process.exit_code" = "0", "event.action" = "exited-process" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"channel":"Security","event_id":4689,"event_data":{"SubjectUserSid":"S-1-5-18","SubjectUserName":"-","SubjectDomainName":"-","SubjectLogonId":"0x3e7","Status":"0x0","ProcessId":"0x3c4","ProcessName":"C:\\Windows\\System32\\smss.exe"}}}
    LOG
    expect = { login = "-", pid = "964", process = "smss.exe" }
  }
}

rule "win-audit-log-cleared" {
  description      = "1102: the security log was cleared"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"1102\""
  classification   = "Policy"
  common_event     = "Audit Log Cleared"
  risk             = 8
  map = {
    "event.code"      = ["event.code", "winlog.event_id"]
    "user.name"       = ["winlog.user_data.SubjectUserName", "winlog.event_data.SubjectUserName"]
    "user.domain"     = ["winlog.user_data.SubjectDomainName", "winlog.event_data.SubjectDomainName"]
    "user.id"         = ["winlog.user_data.SubjectUserSid", "winlog.event_data.SubjectUserSid"]
    "winlog.logon.id" = ["winlog.user_data.SubjectLogonId", "winlog.event_data.SubjectLogonId"]
  }
  fields = { "event.action" = "audit-log-cleared", "event.category" = ["iam"], "event.type" = ["admin", "change"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":1102,"user_data":{"SubjectUserName":"yann","SubjectDomainName":"CORP"}}}
    LOG
    expect = { login = "yann", risk = "8", "sluice.priority" = "53" }
  }
}

rule "win-audit-policy-changed" {
  description      = "4719: the system audit policy was changed"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = "string(event.winlog.event_id) == \"4719\""
  classification   = "Policy"
  common_event     = "Audit Policy Changed"
  risk             = 6
  map              = { "event.code" = ["event.code", "winlog.event_id"], "user.name" = "raw(winlog.event_data.SubjectUserName)", "user.domain" = "winlog.event_data.SubjectDomainName" }
  fields           = { "event.action" = "changed-audit-config", "event.category" = ["configuration"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4719,"event_data":{"SubjectUserName":"zoe","CategoryId":"%%8274"}}}
    LOG
    expect = { login = "zoe", classification = "Policy" }
  }
}

rule "win-scheduled-task" {
  description      = "4698 created, 4699 deleted, 4700 enabled, 4701 disabled, 4702 updated"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4698", "4699", "4700", "4701", "4702"]
  CEL
  classification   = "Object Modified"
  common_event     = "Scheduled Task Changed"
  risk             = 4
  map = {
    "event.code"       = ["event.code", "winlog.event_id"]
    "user.name"        = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"      = "winlog.event_data.SubjectDomainName"
    "user.id"          = "winlog.event_data.SubjectUserSid"
    "winlog.logon.id"  = "winlog.event_data.SubjectLogonId"
    "labels.task_name" = "winlog.event_data.TaskName"
  }
  fields = { "event.action" = "scheduled-task-updated", "event.category" = ["iam", "configuration"], "event.type" = ["change", "admin"] }

  sub_rule "created" {
    when           = "string(event.winlog.event_id) == \"4698\""
    classification = "Object Created"
    common_event   = "Scheduled Task Created"
    risk           = 5
    fields         = { "event.action" = "scheduled-task-created", "event.type" = ["creation", "admin"] }
  }
  sub_rule "deleted" {
    when           = "string(event.winlog.event_id) == \"4699\""
    classification = "Object Disposed"
    common_event   = "Scheduled Task Deleted"
    fields         = { "event.action" = "scheduled-task-deleted", "event.type" = ["deletion", "admin"] }
  }
  sub_rule "enabled" {
    when         = "string(event.winlog.event_id) == \"4700\""
    common_event = "Scheduled Task Enabled"
    fields       = { "event.action" = "scheduled-task-enabled" }
  }
  sub_rule "disabled" {
    when         = "string(event.winlog.event_id) == \"4701\""
    common_event = "Scheduled Task Disabled"
    fields       = { "event.action" = "scheduled-task-disabled" }
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4698,"event_data":{"SubjectUserName":"adam","TaskName":"\\Updater"}}}
    LOG
    expect = { login = "adam", "labels.task_name" = "\\Updater", common_event = "Scheduled Task Created" }
  }
}

rule "win-share-access" {
  description      = "5140 (a network share was accessed), 5145 (a share object was checked)"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["5140", "5145"]
  CEL
  classification   = "Access Success"
  common_event     = "Network Share Accessed"
  risk             = 1
  map = {
    "event.code"     = ["event.code", "winlog.event_id"]
    "user.name"      = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"    = "winlog.event_data.SubjectDomainName"
    "user.id"        = "winlog.event_data.SubjectUserSid"
    "source.ip"      = "ip(winlog.event_data.IpAddress)"
    "source.port"    = "int(winlog.event_data.IpPort)"
    "file.path"      = ["winlog.event_data.RelativeTargetName", "winlog.event_data.ShareName"]
    "file.name"      = "basename(winlog.event_data.RelativeTargetName)"
    "file.directory" = "winlog.event_data.ShareLocalPath"
  }
  fields = { "event.action" = "network-share-object-accessed", "event.category" = ["network", "file"], "event.type" = ["info", "access"] }

  sub_rule "checked" {
    when   = "string(event.winlog.event_id) == \"5145\""
    fields = { "event.action" = "network-share-object-access-checked" }
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":5140,"event_data":{"SubjectUserName":"bea","IpAddress":"::ffff:192.0.2.82","IpPort":"49811","ShareName":"\\\\*\\IPC$"}}}
    LOG
    expect = { login = "bea", sip = "192.0.2.82", sport = "49811", object = "\\\\*\\IPC$", "event.action" = "network-share-object-accessed" }
  }
}

rule "win-service-installed" {
  description      = "4697 (Security) and 7045 (System): a service was installed"
  log_source_types = ["windows-security"]
  sort_order       = 100
  when             = <<-CEL
    string(event.winlog.event_id) in ["4697", "7045"]
  CEL
  classification   = "Object Created"
  common_event     = "Service Installed"
  risk             = 6
  map = {
    "event.code"                = ["event.code", "winlog.event_id"]
    "user.name"                 = "raw(winlog.event_data.SubjectUserName)"
    "user.domain"               = "winlog.event_data.SubjectDomainName"
    "user.id"                   = "winlog.event_data.SubjectUserSid"
    "service.name"              = "winlog.event_data.ServiceName"
    "labels.service_file"       = ["winlog.event_data.ServiceFileName", "winlog.event_data.ImagePath"]
    "labels.service_account"    = ["winlog.event_data.ServiceAccount", "winlog.event_data.AccountName"]
    "labels.service_start_type" = ["winlog.event_data.ServiceStartType", "winlog.event_data.StartType"]
  }
  fields = { "event.action" = "service-installed", "event.category" = ["iam", "configuration"], "event.type" = ["admin", "change"] }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":7045,"channel":"System","event_data":{"ServiceName":"PSEXESVC","ImagePath":"%SystemRoot%\\PSEXESVC.exe"}}}
    LOG
    expect = { "service.name" = "PSEXESVC", common_event = "Service Installed", "labels.service_file" = "%SystemRoot%\\PSEXESVC.exe" }
  }
  test {
    log    = <<-LOG
      {"winlog":{"event_id":4697,"channel":"Security","event_data":{"SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"Administrator","SubjectDomainName":"CORP","ServiceName":"ExampleUpdater","ServiceFileName":"C:\\Program Files\\Example\\upd.exe","ServiceType":"0x10","ServiceStartType":"2","ServiceAccount":"LocalSystem"}}}
    LOG
    expect = { login = "Administrator", "service.name" = "ExampleUpdater", "labels.service_file" = "C:\\Program Files\\Example\\upd.exe", "event.action" = "service-installed" }
  }
}

# ------------------------------------------------------------- the rest

rule "win-security-event" {
  description      = "any other Windows event: kept with its id, subject and target"
  log_source_types = ["windows-security"]
  sort_order       = 9000
  when             = "has(event.winlog.event_id)"
  classification   = "Other Audit"
  common_event     = "Windows Event"
  risk             = 0
  map = {
    "user.name"          = ["raw(winlog.event_data.SubjectUserName)", "winlog.user_data.SubjectUserName", "winlog.user.name"]
    "user.domain"        = ["winlog.event_data.SubjectDomainName", "winlog.user_data.SubjectDomainName", "winlog.user.domain"]
    "user.id"            = ["winlog.event_data.SubjectUserSid", "winlog.user_data.SubjectUserSid"]
    "user.target.name"   = "winlog.event_data.TargetUserName"
    "winlog.logon.id"    = ["winlog.event_data.SubjectLogonId", "winlog.user_data.SubjectLogonId"]
    "process.pid"        = "int(winlog.event_data.ProcessId)"
    "process.executable" = "raw(winlog.event_data.ProcessName)"
    "process.name"       = ["basename(winlog.event_data.ProcessName)", "raw(winlog.event_data.ProcessName)"]
    "source.ip"          = "ip(winlog.event_data.IpAddress)"
    "source.port"        = "int(winlog.event_data.IpPort)"
    "event.code"         = ["event.code", "winlog.event_id"]
  }

  sub_rule "failure" {
    when           = "has(event.event.outcome) && event.event.outcome == \"failure\""
    classification = "Other Audit Failure"
  }

  test {
    log    = <<-LOG
      {"winlog":{"event_id":4907,"event_data":{"SubjectUserName":"cal","ObjectName":"C:\\x"}},"event":{"outcome":"success"}}
    LOG
    expect = { login = "cal", "event.code" = "4907", classification = "Other Audit" }
  }
}
