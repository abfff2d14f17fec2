# OpenSMTPD (smtpd): the session log of OpenSMTPD 6.x and later, one
# line per event of a session, "<session id> smtp|mta|mda <event>
# key=value …" (connected, authentication, failed-command, message,
# envelope, delivery, disconnected, tls), and the older 5.x
# "smtp-in:"/"delivery:" lines.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "opensmtpd" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "OpenBSD"
  product  = "OpenSMTPD"
  module   = "opensmtpd"
}

rule "opensmtpd-connected" {
  description      = "smtp connected address=… host=…"
  log_source_types = ["opensmtpd"]
  sort_order       = 400
  pattern          = <<-RE
    (?P<labels__session_id>[0-9a-f]{16}) smtp connected address=(?:<sip>|local) host=(?P<source__domain>\S+)
  RE
  classification   = "Network Allow"
  common_event     = "Mail Connection"
  risk             = 0
  fields           = { "event.category" = ["email", "network"], "event.type" = ["connection", "start"] }

  test {
    log             = "Mar 12 10:11:12 mx2 smtpd[7070]: 1a2b3c4d5e6f7a8b smtp connected address=198.51.100.131 host=mail.example.org"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.131", "source.domain" = "mail.example.org", "labels.session_id" = "1a2b3c4d5e6f7a8b", "observer.product" = "OpenSMTPD" }
  }
}

rule "opensmtpd-authentication" {
  description      = "smtp authentication user=… result=ok|permfail|tempfail"
  log_source_types = ["opensmtpd"]
  sort_order       = 410
  pattern          = <<-RE
    (?P<labels__session_id>[0-9a-f]{16}) smtp authentication user=(?P<user__name>\S*) result=(?P<event__action>\w+)
  RE
  classification   = "Authentication Failure"
  common_event     = "Mail Authentication Failure"
  risk             = 5
  fields           = { "event.category" = ["authentication", "email"], "event.outcome" = "failure" }

  sub_rule "ok" {
    when           = "event.event.action == \"ok\""
    classification = "Authentication Success"
    common_event   = "Mail Authentication Success"
    risk           = 1
    fields         = { "event.outcome" = "success" }
  }

  test {
    log             = "Mar 12 10:11:13 mx2 smtpd[7070]: 1a2b3c4d5e6f7a8b smtp authentication user=erin result=permfail"
    log_source_type = "syslog"
    expect          = { login = "erin", "event.action" = "permfail", classification = "Authentication Failure" }
  }
}

rule "opensmtpd-failed-command" {
  description      = "smtp failed-command command=\"…\" result=\"code …\""
  log_source_types = ["opensmtpd"]
  sort_order       = 420
  pattern          = <<-RE
    (?P<labels__session_id>[0-9a-f]{16}) smtp failed-command command="(?P<labels__smtp_command>[^"]*)" result="(?P<event__reason>[^"]*)"
  RE
  classification   = "Network Deny"
  common_event     = "Mail Command Rejected"
  risk             = 3
  fields           = { "event.category" = ["email"], "event.outcome" = "failure" }

  sub_rule "relay" {
    when           = "event.event.reason.contains(\"Relay denied\") || event.event.reason.contains(\"Invalid recipient\")"
    classification = "Misuse"
    common_event   = "Mail Relay Denied"
    risk           = 4
  }

  test {
    log             = "Mar 12 10:11:14 mx2 smtpd[7070]: 1a2b3c4d5e6f7a8b smtp failed-command command=\"RCPT TO:<victim@example.net>\" result=\"550 Invalid recipient: <victim@example.net>\""
    log_source_type = "syslog"
    expect          = { "labels.smtp_command" = "RCPT TO:<victim@example.net>", sub_rule = "relay" }
  }
}

rule "opensmtpd-delivery" {
  description      = "mta/mda delivery evpid=… from=<…> to=<…> … result=\"Ok|TempFail|PermFail\" stat=\"…\""
  log_source_types = ["opensmtpd"]
  sort_order       = 430
  pattern          = <<-RE
    (?P<labels__session_id>[0-9a-f]{16}) (?P<labels__agent>mta|mda) delivery evpid=(?P<labels__evpid>[0-9a-f]+) from=<(?P<email__from__address>[^>]*)> to=<(?P<email__to__address>[^>]*)>(?:.*? relay="(?:<dip>|[^"]*?)(?: \([^)]*\))?")?(?:.*? delay=(?P<labels__delay>\S+))? result="(?P<event__action>[^"]*)"(?: stat="(?P<event__reason>[^"]*)")?
  RE
  classification   = "Information"
  common_event     = "Mail Delivered"
  risk             = 0
  fields           = { "event.category" = ["email"], "event.outcome" = "success" }

  sub_rule "failed" {
    when           = "event.event.action != \"Ok\""
    classification = "Error"
    common_event   = "Mail Delivery Failed"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "Mar 12 10:11:15 mx2 smtpd[7070]: 2b3c4d5e6f7a8b9c mta delivery evpid=0a1b2c3d4e5f6a7b from=<erin@example.com> to=<frank@example.net> rcpt=<-> source=\"192.0.2.27\" relay=\"203.0.113.160 (mx.example.net)\" delay=2s result=\"Ok\" stat=\"250 2.0.0 Ok: queued\""
    log_source_type = "syslog"
    expect          = { "email.to.address" = "frank@example.net", dip = "203.0.113.160", "event.action" = "Ok" }
  }
}

rule "opensmtpd-session" {
  description      = "the session's other events: message, envelope, disconnected, tls, cancelled, protocol, filter, link"
  log_source_types = ["opensmtpd"]
  sort_order       = 440
  pattern          = <<-RE
    (?P<labels__session_id>[0-9a-f]{16})(?: smtp | mta | mda )(?P<event__action>message|envelope|disconnected|tls|cancelled|protocol-client|protocol-server|filter-response|link-connect|link-disconnect|link-greeting|link-identify|link-tls|report|connecting|error)(?: (?P<labels__details>.*))?$
  RE
  classification   = "Information"
  common_event     = "Mail Session Event"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  test {
    log             = "Mar 12 10:11:16 mx2 smtpd[7070]: 1a2b3c4d5e6f7a8b smtp disconnected reason=quit"
    log_source_type = "syslog"
    expect          = { "event.action" = "disconnected", "labels.details" = "reason=quit" }
  }
}

rule "opensmtpd-legacy" {
  description      = "OpenSMTPD 5.x: smtp-in: New session / Failed command / Closing session; delivery: Ok|TempFail|PermFail for …"
  log_source_types = ["opensmtpd"]
  sort_order       = 450
  pattern          = <<-RE
    (?:smtp-in: (?P<event__action>New session|Failed command|Closing session|Accepted message|Authentication (?:succeeded|failed)|Disconnecting session)(?: [0-9a-f]+)?(?:.*?\[<sip>\])?(?P<error__message>.*)|(?P<labels__agent>delivery|relay): (?P<labels__result>Ok|TempFail|PermFail|Loop) for (?P<labels__evpid>[0-9a-f]+): from=<(?P<email__from__address>[^>]*)>, to=<(?P<email__to__address>[^>]*)>)
  RE
  classification   = "Information"
  common_event     = "Mail Session Event"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  sub_rule "auth-failed" {
    when           = "has(event.event.action) && event.event.action == \"Authentication failed\""
    classification = "Authentication Failure"
    common_event   = "Mail Authentication Failure"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "delivery-failed" {
    when           = <<-CEL
      has(event.labels.result) && event.labels.result != "Ok"
    CEL
    classification = "Error"
    common_event   = "Mail Delivery Failed"
    risk           = 2
  }

  test {
    log             = "Mar 12 10:11:17 mx2 smtpd[7070]: smtp-in: New session 3c4d5e6f7a8b from host mail.example.org [198.51.100.132]"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.132", "event.action" = "New session" }
  }
}

# ------------------------------------------------------------ any other line
# The program is OpenSMTPD's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "opensmtpd-message" {
  description      = "any other OpenSMTPD message"
  log_source_types = ["opensmtpd"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)smtpd(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "OpenSMTPD Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "OpenSMTPD Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "OpenSMTPD Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 mx2 smtpd[7071]: warn: table-api: imsg_read error"
    log_source_type = "syslog"
    expect          = { sub_rule = "warning" }
  }
}
