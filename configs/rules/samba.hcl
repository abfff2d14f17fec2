# Samba smbd and its audit module: refused hosts (hosts allow/deny),
# NTLM authentication failures, share connections and full_audit lines
# (user|ip|share|operation|ok/fail|arguments).
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "samba" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Samba"
  product  = "Samba"
  module   = "samba"
}

rule "smbd-connection-denied" {
  description      = "a host refused by hosts allow / hosts deny"
  log_source_types = ["samba"]
  sort_order       = 100
  pattern          = <<-RE
    (?:Denied connection from|Connection denied from) (?:\S+ )?\(?<sip>\)?
  RE
  classification   = "Network Deny"
  common_event     = "SMB Connection Denied"
  risk             = 4
  fields           = { "event.category" = ["network"], "event.type" = ["denied"], "event.outcome" = "failure" }

  test {
    log             = "Mar 12 10:11:12 files1 smbd[832]: Denied connection from (198.51.100.77)"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.77", "observer.vendor" = "Samba", classification = "Network Deny" }
  }
}

rule "smbd-auth-failed" {
  description      = "check_ntlm_password / auth_check_ntlm_password: Authentication for user [a] -> [b] FAILED with error NT_STATUS_…"
  log_source_types = ["samba"]
  sort_order       = 110
  pattern          = <<-RE
    Authentication for user \[<login>\] -> \[(?P<user__target__name>[^\]]*)\] FAILED with error (?P<error__code>NT_STATUS_\w+)
  RE
  classification   = "Authentication Failure"
  common_event     = "SMB Authentication Failure"
  risk             = 5
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure" }

  test {
    log             = "Mar 12 10:11:13 files1 smbd[833]:   check_ntlm_password:  Authentication for user [frank] -> [frank] FAILED with error NT_STATUS_WRONG_PASSWORD"
    log_source_type = "syslog"
    expect          = { login = "frank", "error.code" = "NT_STATUS_WRONG_PASSWORD" }
  }
}

rule "smbd-auth-audit" {
  description      = "Samba 4 authentication audit: Auth: [service,method] user [DOM]\\[name] … status [NT_STATUS_…] … remote host [ipv4:a:p]"
  log_source_types = ["samba"]
  sort_order       = 120
  pattern          = <<-RE
    Auth(?:entication)?: \[(?P<labels__service>[^,\]]*),(?P<labels__auth_method>[^\]]*)\] user \[(?P<user__domain>[^\]]*)\]\\\[<login>\] at \[[^\]]*\] with \[(?P<labels__password_type>[^\]]*)\] status \[(?P<error__code>NT_STATUS_\w+)\](?: workstation \[(?P<labels__workstation>[^\]]*)\])? remote host \[ipv[46]:<sip>:<sport>\]
  RE
  classification   = "Authentication Failure"
  common_event     = "SMB Authentication Failure"
  risk             = 5
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure" }

  sub_rule "success" {
    when           = "event.error.code == \"NT_STATUS_OK\""
    classification = "Authentication Success"
    common_event   = "SMB Authentication Success"
    risk           = 1
    fields         = { "event.outcome" = "success" }
  }

  test {
    log             = "Mar 12 10:11:14 dc1 samba[900]: Auth: [SMB2,(null)] user [CORP]\\[erin] at [Tue, 12 Mar 2024 10:11:14.123456 UTC] with [NTLMv2] status [NT_STATUS_OK] workstation [WS7] remote host [ipv4:192.0.2.81:50122] became [CORP]\\[erin] [S-1-5-21-1-2-3-1104]. local host [ipv4:192.0.2.2:445]"
    log_source_type = "syslog"
    expect          = { login = "erin", "user.domain" = "CORP", sip = "192.0.2.81", sub_rule = "success" }
  }
}

rule "smbd-service-connect" {
  description      = "a client connected to or closed a share"
  log_source_types = ["samba"]
  sort_order       = 130
  pattern          = <<-RE
    (?:<shost> \(ipv[46]:<sip>:<sport>\) )?(?P<event__action>connect to service|closed connection to service) (?P<labels__share>\S+)(?: initially as user <login> \(uid=<uid>, gid=<gid>\))?
  RE
  classification   = "Access Success"
  common_event     = "SMB Share Connection"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  test {
    log             = "Mar 12 10:11:15 files1 smbd[834]:   ws7 (ipv4:192.0.2.82:50123) connect to service projects initially as user erin (uid=1104, gid=100) (pid 834)"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.82", login = "erin", "labels.share" = "projects", uid = "1104" }
  }
}

rule "smbd-full-audit" {
  description      = "vfs full_audit: user|ip|[machine|]share|operation|ok or fail|arguments"
  log_source_types = ["samba"]
  sort_order       = 140
  pattern          = <<-RE
    (?:smbd_audit|smbd-audit|full_audit)(?:\[\d+\])?: <login>\|<sip>\|(?:[^|]*\|)?(?P<labels__share>[^|]*)\|(?P<event__action>[a-z_]+)\|(?P<labels__result>ok|fail)(?: \([^)]*\))?\|(?P<file__path>.*)
  RE
  classification   = "Access Success"
  common_event     = "SMB File Operation"
  risk             = 1

  sub_rule "failed" {
    when           = "event.labels.result == \"fail\""
    classification = "Access Failure"
    common_event   = "SMB File Operation Failed"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "delete" {
    when           = <<-CEL
      event.event.action in ["unlink", "unlinkat", "rmdir"]
    CEL
    classification = "Object Disposed"
    common_event   = "SMB File Deleted"
    risk           = 2
  }

  test {
    log             = "Mar 12 10:11:16 files1 smbd_audit: erin|192.0.2.83|projects|unlinkat|ok|plan.docx"
    log_source_type = "syslog"
    expect          = { login = "erin", sip = "192.0.2.83", "event.action" = "unlinkat", sub_rule = "delete" }
  }
}

# ------------------------------------------------------------ any other line
# The program is Samba's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "samba-message" {
  description      = "any other Samba message"
  log_source_types = ["samba"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)(?:smbd|nmbd|winbindd|samba)(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "Samba Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "Samba Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "Samba Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 files1 nmbd[700]: Samba name server FILES1 is now a local master browser for workgroup CORP on subnet 192.0.2.10"
    log_source_type = "syslog"
    expect          = { classification = "Information" }
  }
}
