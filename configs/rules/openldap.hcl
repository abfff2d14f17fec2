# OpenLDAP slapd: the connection and operation lines of its stats log
# level (conn=<n> fd=<n> ACCEPT, op=<n> BIND/SRCH/MOD/ADD/DEL/RESULT,
# UNBIND, closed) and its start and stop. A BIND's outcome is in the
# RESULT with tag=97 of the same conn and op: err=49 is invalid
# credentials.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "openldap" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "OpenLDAP"
  product  = "slapd"
  module   = "openldap"
}

rule "slapd-accept" {
  description      = "a client connected"
  log_source_types = ["openldap"]
  sort_order       = 100
  pattern          = <<-RE
    conn=(?P<labels__conn>\d+) fd=(?P<labels__fd>\d+) ACCEPT from (?:IP=\[?<sip>\]?:<sport>|PATH=(?P<labels__path>\S+)) \((?:IP=\[?<dip>\]?:<dport>|PATH=[^)]*)\)
  RE
  classification   = "Network Allow"
  common_event     = "LDAP Connection Accepted"
  risk             = 0
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "start"], "event.action" = "ldap-accept" }

  test {
    log             = "Mar 12 10:11:12 ldap1 slapd[2020]: conn=1042 fd=17 ACCEPT from IP=198.51.100.12:51234 (IP=0.0.0.0:389)"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.12", sport = "51234", dport = "389", "labels.conn" = "1042", "observer.vendor" = "OpenLDAP" }
  }
  test {
    log    = "Mar 12 10:11:12 ldap1 slapd[2020]: conn=1043 fd=18 ACCEPT from IP=[2001:db8::12]:51235 (IP=[::]:636)"
    expect = { sip = "2001:db8::12", sport = "51235", dport = "636" }
  }
}

rule "slapd-bind" {
  description      = "a BIND request: the DN and method (128 is simple) or SASL mechanism"
  log_source_types = ["openldap"]
  sort_order       = 110
  pattern          = <<-RE
    conn=(?P<labels__conn>\d+) op=(?P<labels__op>\d+) BIND (?:anonymous )?(?:dn="(?P<user__name>[^"]*)")?(?: method=(?P<labels__method>\d+)| mech=(?P<labels__mech>\S+))?
  RE
  classification   = "Other Audit"
  common_event     = "LDAP Bind Request"
  risk             = 1
  fields           = { "event.category" = ["authentication"], "event.action" = "ldap-bind" }

  test {
    log             = "Mar 12 10:11:13 ldap1 slapd[2020]: conn=1042 op=0 BIND dn=\"uid=erin,ou=People,dc=example,dc=com\" method=128"
    log_source_type = "syslog"
    expect          = { login = "uid=erin,ou=People,dc=example,dc=com", "labels.method" = "128", "labels.op" = "0" }
  }
}

rule "slapd-result" {
  description      = "an operation's result: tag 97 answers a BIND, 101 a search; err is the LDAP result code (0 success, 49 invalid credentials, 50 insufficient access)"
  log_source_types = ["openldap"]
  sort_order       = 120
  pattern          = <<-RE
    conn=(?P<labels__conn>\d+) op=(?P<labels__op>\d+) (?:SEARCH )?RESULT (?:oid=\S* )?tag=(?P<ldap_tag>\d+) err=(?P<ldap_err>\d+)(?: qtime=\S+ etime=\S+)?(?: nentries=(?P<labels__nentries>\d+))?(?: text=(?P<error__message>.*))?
  RE
  classification   = "Other Audit Success"
  common_event     = "LDAP Operation Result"
  risk             = 0
  fields           = { "event.outcome" = "success" }

  sub_rule "bind-invalid-credentials" {
    when           = <<-CEL
      event.ldap_tag == "97" && event.ldap_err == "49"
    CEL
    classification = "Authentication Failure"
    common_event   = "LDAP Bind Failed: Invalid Credentials"
    risk           = 5
    fields         = { "event.outcome" = "failure", "event.category" = ["authentication"] }
  }
  sub_rule "bind-failed" {
    when           = <<-CEL
      event.ldap_tag == "97" && event.ldap_err != "0"
    CEL
    classification = "Authentication Failure"
    common_event   = "LDAP Bind Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure", "event.category" = ["authentication"] }
  }
  sub_rule "bind-success" {
    when           = "event.ldap_tag == \"97\""
    classification = "Authentication Success"
    common_event   = "LDAP Bind Succeeded"
    risk           = 1
    fields         = { "event.category" = ["authentication"] }
  }
  sub_rule "access-denied" {
    when           = <<-CEL
      event.ldap_err == "50"
    CEL
    classification = "Access Failure"
    common_event   = "LDAP Insufficient Access"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "failed" {
    when           = "event.ldap_err != \"0\""
    classification = "Other Audit Failure"
    common_event   = "LDAP Operation Failed"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "Mar 12 10:11:13 ldap1 slapd[2020]: conn=1042 op=0 RESULT tag=97 err=49 text="
    log_source_type = "syslog"
    expect          = { "labels.ldap_err" = "49", sub_rule = "bind-invalid-credentials", classification = "Authentication Failure" }
  }
  test {
    log    = "Mar 12 10:11:14 ldap1 slapd[2020]: conn=1042 op=2 SEARCH RESULT tag=101 err=0 qtime=0.000012 etime=0.000321 nentries=3 text="
    expect = { "labels.nentries" = "3", classification = "Other Audit Success" }
  }
}

rule "slapd-operation" {
  description      = "an operation request: SRCH, MOD, ADD, DEL, MODRDN, CMP, EXT, STARTTLS, ABANDON, UNBIND"
  log_source_types = ["openldap"]
  sort_order       = 130
  pattern          = <<-RE
    conn=(?P<labels__conn>\d+) op=(?P<labels__op>\d+) (?P<event__action>SRCH|MOD|ADD|DEL|MODRDN|CMP|EXT|STARTTLS|ABANDON|UNBIND|PASSMOD|WHOAMI)(?: (?:base|dn)="(?P<labels__dn>[^"]*)")?(?: (?P<labels__detail>.*))?$
  RE
  classification   = "Other Audit"
  common_event     = "LDAP Operation"
  risk             = 0

  sub_rule "modify" {
    when           = <<-CEL
      event.event.action in ["MOD", "ADD", "DEL", "MODRDN", "PASSMOD"]
    CEL
    classification = "Object Modified"
    common_event   = "LDAP Entry Changed"
    risk           = 2
  }
  sub_rule "unbind" {
    when         = "event.event.action == \"UNBIND\""
    common_event = "LDAP Unbind"
  }

  test {
    log             = "Mar 12 10:11:15 ldap1 slapd[2020]: conn=1042 op=3 MOD dn=\"uid=erin,ou=People,dc=example,dc=com\""
    log_source_type = "syslog"
    expect          = { "event.action" = "MOD", "labels.dn" = "uid=erin,ou=People,dc=example,dc=com", sub_rule = "modify" }
  }
  test {
    log    = "Mar 12 10:11:16 ldap1 slapd[2020]: conn=1042 op=4 UNBIND"
    expect = { "event.action" = "UNBIND", sub_rule = "unbind" }
  }
}

rule "slapd-connection" {
  description      = "a connection's other lines: closed, TLS established, a bare fd"
  log_source_types = ["openldap"]
  sort_order       = 140
  pattern          = <<-RE
    conn=(?P<labels__conn>\d+) fd=(?P<labels__fd>\d+)(?: (?P<labels__detail>closed.*|TLS established.*|.*))?$
  RE
  classification   = "Information"
  common_event     = "LDAP Connection Status"
  risk             = 0
  fields           = { "event.category" = ["network"] }

  test {
    log             = "Mar 12 10:11:17 ldap1 slapd[2020]: conn=1042 fd=17 closed (connection lost)"
    log_source_type = "syslog"
    expect          = { "labels.detail" = "closed (connection lost)", "labels.fd" = "17" }
  }
}

rule "slapd-state" {
  description      = "slapd starting, stopping, shut down"
  log_source_types = ["openldap"]
  sort_order       = 150
  pattern          = <<-RE
    (?P<error__message>@\(#\) \$OpenLDAP: slapd.*|slapd starting|slapd stopped\.?|slapd shutdown: .*|daemon: shutdown requested and initiated\.?)$
  RE
  classification   = "Startup and Shutdown"
  common_event     = "LDAP Server State Change"
  risk             = 1

  test {
    log             = "Mar 12 10:11:18 ldap1 slapd[2020]: slapd starting"
    log_source_type = "syslog"
    expect          = { "error.message" = "slapd starting" }
  }
}

# ------------------------------------------------------------ any other line
# The program is OpenLDAP's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "slapd-message" {
  description      = "any other OpenLDAP message"
  log_source_types = ["openldap"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)slapd(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "OpenLDAP Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "OpenLDAP Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "OpenLDAP Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 ldap1 slapd[2020]: <= mdb_equality_candidates: (uid) not indexed"
    log_source_type = "syslog"
    expect          = { classification = "Information" }
  }
}
