# OpenPegasus CIM server (cimserver): its messages carry an id PGSnnnnn.
# PGS17200 is a refused logon.
#
# Test lines are made up.

log_source_type "openpegasus" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "The Open Group"
  product  = "OpenPegasus"
  module   = "openpegasus"
}

rule "cimserver-auth-failed" {
  log_source_types = ["openpegasus"]
  sort_order       = 100
  pattern          = <<-RE
    (?P<event__code>PGS\d{5}): Authentication failed for user (?P<user__name>\S+?)\.?$
  RE
  classification   = "Authentication Failure"
  common_event     = "CIM Server Authentication Failure"
  risk             = 5
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure" }

  test {
    log             = "Mar 12 10:11:12 srv4 cimserver[18575]: PGS17200: Authentication failed for user grace."
    log_source_type = "syslog"
    expect          = { login = "grace", "event.code" = "PGS17200", "observer.product" = "OpenPegasus" }
  }
}

rule "cimserver-message" {
  log_source_types = ["openpegasus"]
  sort_order       = 8000
  pattern          = <<-RE
    cimserver(?:\[\d+\])?: (?P<event__code>PGS\d{5}): (?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "CIM Server Message"
  risk             = 0

  test {
    log             = "Mar 12 10:11:13 srv4 cimserver[18575]: PGS10028: The CIM server is listening on HTTPS port 5989."
    log_source_type = "syslog"
    expect          = { "event.code" = "PGS10028" }
  }
}
