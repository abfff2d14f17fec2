# Microsoft SQL Server's ERRORLOG (and the same lines relayed over
# syslog): "<yyyy-mm-dd hh:mm:ss.cc> <source> <message>", the source a
# fixed-width column (Logon, Server, Backup, spid52, spid7s). Logon
# auditing writes "Login succeeded/failed for user '<name>'. … [CLIENT: <address>]".
#
# Test lines are made up: documentation addresses, invented logins.

log_source_type "mssql" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Microsoft"
  product  = "SQL Server"
  module   = "microsoft_sqlserver"
}

tag "mssql_time" {
  pattern = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d\\d"
  field   = "@timestamp"
  type    = "time"
  layout  = "2006-01-02 15:04:05.00"
}

rule "mssql-login-failed" {
  description      = "SQL Server refused a login (error 18456 and friends); the reason names wrong passwords, unknown logins, disabled accounts"
  log_source_types = ["mssql"]
  sort_order       = 1850
  pattern          = <<-RE
    (?:<mssql_time> +Logon +)?Login failed for user '(?P<login>[^']*)'\.(?: Reason: (?P<reason>.*?)\.?)?(?: \[CLIENT: (?:<sip>|[^\]]*)\])?\s*$
  RE
  classification   = "Authentication Failure"
  common_event     = "Database Logon Failure"
  risk             = 4
  fields           = { "event.category" = ["authentication", "database"], "event.outcome" = "failure", "event.action" = "database-login" }

  sub_rule "sa" {
    when         = "event.login == \"sa\""
    common_event = "Database Admin Logon Failure"
    risk         = 5
  }

  test {
    log             = "2024-06-05 08:00:00.12 Logon       Login failed for user 'sa'. Reason: Password did not match that for the login provided. [CLIENT: 203.0.113.101]"
    log_source_type = "syslog"
    expect          = { login = "sa", reason = "Password did not match that for the login provided", sip = "203.0.113.101", common_event = "Database Admin Logon Failure", "observer.product" = "SQL Server", "@timestamp" = "2024-06-05T08:00:00.12Z" }
  }
  test {
    log    = "2024-06-05 08:00:01.50 Logon       Login failed for user 'EXAMPLE\\svc_report'. Reason: Failed to open the explicitly specified database 'Sales'. [CLIENT: <local machine>]"
    expect = { login = "EXAMPLE\\svc_report", common_event = "Database Logon Failure" }
  }
}

rule "mssql-login-succeeded" {
  log_source_types = ["mssql"]
  sort_order       = 1851
  pattern          = <<-RE
    (?:<mssql_time> +Logon +)?Login succeeded for user '(?P<login>[^']*)'\.(?: Connection made using (?P<mssql_auth>.+?) authentication\.)?(?: \[CLIENT: (?:<sip>|[^\]]*)\])?
  RE
  classification   = "Authentication Success"
  common_event     = "Database Logon"
  risk             = 2
  fields           = { "event.category" = ["authentication", "database"], "event.outcome" = "success", "event.action" = "database-login" }

  test {
    log             = "2024-06-05 08:01:00.37 Logon       Login succeeded for user 'EXAMPLE\\dana'. Connection made using Windows authentication. [CLIENT: 192.0.2.45]"
    log_source_type = "syslog"
    expect          = { login = "EXAMPLE\\dana", mssql_auth = "Windows", sip = "192.0.2.45", "observer.vendor" = "Microsoft" }
  }
}

rule "mssql-error-line" {
  description      = "the numbered error that accompanies a message (\"Error: 18456, Severity: 14, State: 8.\")"
  log_source_types = ["mssql"]
  sort_order       = 1852
  pattern          = <<-RE
    <mssql_time> +(?P<mssql_source>Logon|Server|Backup|spid\d+s?) +Error: (?P<event__code>\d+), Severity: (?P<mssql_severity>\d+), State: (?P<mssql_state>\d+)\.
  RE
  classification   = "Error"
  common_event     = "Database Error"
  risk             = 2
  fields           = { "event.category" = ["database"] }

  sub_rule "login" {
    when           = "event.event.code == \"18456\""
    classification = "Authentication Failure"
    common_event   = "Database Logon Failure"
    risk           = 3
    fields         = { "event.outcome" = "failure", "event.category" = ["authentication", "database"] }
  }

  test {
    log    = "2024-06-05 08:00:00.12 Logon       Error: 18456, Severity: 14, State: 8."
    expect = { "event.code" = "18456", mssql_severity = "14", mssql_state = "8", common_event = "Database Logon Failure" }
  }
}
