# Dovecot IMAP/POP3: login processes (imap-login, pop3-login,
# submission-login, managesieve-login: Login, Disconnected or Aborted
# login with "auth failed"), authentication back ends (pam, passwd-file,
# sql, ldap: unknown user, password mismatch), mail processes'
# disconnections and the master's start and stop. Dovecot writes to
# syslog as "dovecot: imap-login: …" or to its own log with a level
# ("imap-login: Info: …"); both are read.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "dovecot" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Dovecot"
  product  = "Dovecot"
  module   = "dovecot"
}

rule "dovecot-login" {
  description      = "a login process's record: Login, Disconnected, Aborted login, Login aborted, with user, method, rip, lip"
  log_source_types = ["dovecot"]
  sort_order       = 400
  pattern          = <<-RE
    (?P<labels__service>imap|pop3|submission|managesieve|lmtp)-login: (?:(?P<log__level>Info|Warning|Error): )?(?P<event__action>Login|Disconnected|Aborted login|Login aborted|Maximum number of connections from user\+IP exceeded)(?P<event__reason>(?:: [^:(]*)?(?: ?\([^)]*\))*)?: user=<(?P<user__name>[^>]*)>(?:, method=(?P<labels__auth_method>[^,]+))?, rip=<sip>, lip=<dip>(?:, mpid=\d+)?(?P<labels__details>.*)
  RE
  classification   = "Information"
  common_event     = "Mail Client Disconnected"
  risk             = 0
  fields           = { "event.category" = ["email", "network"] }

  sub_rule "success" {
    when           = "event.event.action == \"Login\""
    classification = "Authentication Success"
    common_event   = "Mail Login"
    risk           = 1
    fields         = { "event.category" = ["authentication", "email"], "event.outcome" = "success" }
  }
  sub_rule "failed" {
    when           = <<-CEL
      event.event.reason.contains("auth failed") || event.event.reason.contains("auth_failed") || event.event.reason.contains("tried to use disallowed")
    CEL
    classification = "Authentication Failure"
    common_event   = "Mail Login Failure"
    risk           = 5
    fields         = { "event.category" = ["authentication", "email"], "event.outcome" = "failure" }
  }
  sub_rule "limit" {
    when           = "event.event.action.startsWith(\"Maximum\")"
    classification = "Warning"
    common_event   = "Mail Connection Limit"
    risk           = 2
  }

  test {
    log             = "Mar 12 10:11:12 mx1 dovecot: imap-login: Login: user=<erin>, method=PLAIN, rip=198.51.100.111, lip=192.0.2.25, mpid=4321, TLS, session=<abcDEF123>"
    log_source_type = "syslog"
    expect          = { login = "erin", sip = "198.51.100.111", dip = "192.0.2.25", "labels.service" = "imap", sub_rule = "success", "observer.vendor" = "Dovecot" }
  }
  test {
    log             = "Mar 12 10:11:13 mx1 dovecot: pop3-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<frank>, method=PLAIN, rip=203.0.113.140, lip=192.0.2.25, TLS, session=<xyz987>"
    log_source_type = "syslog"
    expect          = { login = "frank", sip = "203.0.113.140", sub_rule = "failed", classification = "Authentication Failure" }
  }
  test {
    log    = "Mar 12 10:11:14 mx1 imap-login: Info: Login aborted: Connection closed (auth failed, 1 attempts in 2 secs) (auth_failed): user=<grace>, method=PLAIN, rip=203.0.113.141, lip=192.0.2.25, TLS, session=<q1w2e3>"
    expect = { login = "grace", sub_rule = "failed" }
  }
}

rule "dovecot-auth-backend" {
  description      = "auth: pam/passwd-file/sql/ldap/shadow(user,ip,…): unknown user, Password mismatch, …"
  log_source_types = ["dovecot"]
  sort_order       = 410
  pattern          = <<-RE
    auth(?:-worker)?(?:\([^)]*\))?: (?:(?P<log__level>Info|Warning|Error): )?(?:[\w-]+\(\d+\): )?(?P<labels__passdb>pam|passwd-file|sql|ldap|shadow|passwd|checkpassword|static|bsdauth|oauth2|lua)\((?P<user__name>[^,)]*),<sip>(?:,[^)]*)?\): (?P<event__reason>unknown user|Password mismatch|User not known to the underlying authentication module|Authentication failure|Invalid password|pam_authenticate\(\) failed.*|.*)
  RE
  classification   = "Authentication Failure"
  common_event     = "Mail Authentication Failure"
  risk             = 4
  fields           = { "event.category" = ["authentication", "email"], "event.outcome" = "failure" }

  sub_rule "unknown-user" {
    when         = <<-CEL
      event.event.reason.matches("(?i)(unknown user|not known)")
    CEL
    common_event = "Mail Authentication Unknown User"
    risk         = 4
  }

  test {
    log             = "Mar 12 10:11:15 mx1 dovecot: auth-worker(1234): pam(frank,203.0.113.142,<sess1>): Password mismatch"
    log_source_type = "syslog"
    expect          = { login = "frank", sip = "203.0.113.142", "labels.passdb" = "pam", "event.reason" = "Password mismatch" }
  }
  test {
    log    = "Mar 12 10:11:16 mx1 dovecot: auth: passwd-file(mallory,203.0.113.143): unknown user"
    expect = { login = "mallory", sub_rule = "unknown-user" }
  }
  test {
    log    = "Mar 12 10:11:16 mx1 dovecot: auth-worker(default): sql(grace@example.com,203.0.113.144): Password mismatch"
    expect = { login = "grace@example.com", sip = "203.0.113.144", "labels.passdb" = "sql" }
  }
}

# "imap(" (the service, then the user in parentheses)
tag "dovecot_service" {
  pattern = <<-RE
    imap\(|lmtp\(|pop3\(|lda\(|submission\(|doveadm\(|managesieve\(|indexer-worker\(
  RE
  field   = "labels.service"
  values = {
    "imap("           = "imap"
    "lmtp("           = "lmtp"
    "pop3("           = "pop3"
    "lda("            = "lda"
    "submission("     = "submission"
    "doveadm("        = "doveadm"
    "managesieve("    = "managesieve"
    "indexer-worker(" = "indexer-worker"
  }
}

rule "dovecot-session" {
  description      = "a mail process ended or delivered: imap(user): Disconnected / Logged out; lmtp(user): saved mail"
  log_source_types = ["dovecot"]
  sort_order       = 420
  pattern          = <<-RE
    <dovecot_service>(?P<user__name>[^)]*)\)(?:<\d+>)?(?:<[^>]*>)?: (?:(?P<log__level>Info|Warning|Error|Fatal): )?(?P<event__action>Disconnected|Connection closed|Logged out|msgid=<[^>]*>: saved mail to|sieve: msgid=[^:]*:[^:]*|Mailbox \S+|[^:]+)(?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "Mail Session Event"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  sub_rule "error" {
    when           = <<-CEL
      has(event.log.level) && event.log.level in ["Error", "Fatal"]
    CEL
    classification = "Error"
    common_event   = "Mail Session Error"
    risk           = 2
  }

  test {
    log             = "Mar 12 10:11:17 mx1 dovecot: imap(erin)<4321><abcDEF123>: Disconnected: Logged out in=120 out=4567 deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0"
    log_source_type = "syslog"
    expect          = { login = "erin", "labels.service" = "imap", "event.action" = "Disconnected" }
  }
}

rule "dovecot-master" {
  description      = "master: Dovecot starting up, Warning: Killed with signal"
  log_source_types = ["dovecot"]
  sort_order       = 430
  pattern          = <<-RE
    master: (?:(?P<log__level>Info|Warning|Error|Fatal): )?(?P<error__message>Dovecot v\S+.*starting up.*|Killed with signal \d+.*|Dovecot is already running.*|SIGHUP received - reloading configuration|.*)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Mail Server State Change"
  risk             = 1

  test {
    log             = "Mar 12 10:11:18 mx1 dovecot: master: Dovecot v2.3.21 (47349e2482) starting up for imap, pop3, lmtp (core dumps disabled)"
    log_source_type = "syslog"
    expect          = { "error.message" = "Dovecot v2.3.21 (47349e2482) starting up for imap, pop3, lmtp (core dumps disabled)" }
  }
}

# ------------------------------------------------------------ any other line
# The program is Dovecot's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "dovecot-message" {
  description      = "any other Dovecot message"
  log_source_types = ["dovecot"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)dovecot(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "Dovecot Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "Dovecot Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "Dovecot Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 mx1 dovecot[1200]: config: Warning: please note that listen = * is deprecated"
    log_source_type = "syslog"
    expect          = { sub_rule = "warning", pid = "1200" }
  }
}
