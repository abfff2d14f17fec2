# Postfix: smtpd (connect, disconnect, client, SASL failures, lost
# connections), rejects (NOQUEUE or queued, from smtpd, cleanup's header
# and body checks, milters), qmgr, delivery agents (smtp, lmtp, local,
# virtual, pipe, error: status=sent/bounced/deferred/expired), cleanup,
# pickup, postscreen and master. Program names are postfix/<daemon>,
# with any service prefix (postfix/submission/smtpd, postfix-out/smtp).
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "postfix" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Postfix"
  product  = "Postfix"
  module   = "postfix"
}

# postfix/smtpd[123]: , postfix/submission/smtpd[123]: , postfix-out/smtp[9]:
tag "postfix_prog" {
  pattern = <<-RE
    postfix[\w.-]*/(?:[\w.-]+/)*[\w.-]+(?:\[\d+\])?:
  RE
  field   = "labels.postfix_program"
}

# A queue id: short (hex) or long (base 52) form.
tag "postfix_qid" {
  pattern = "[0-9A-F]{6,12}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,16}"
  field   = "labels.queue_id"
}

rule "postfix-connect" {
  description      = "smtpd or postscreen: a client connected or disconnected"
  log_source_types = ["postfix"]
  sort_order       = 400
  pattern          = <<-RE
    <postfix_prog> (?P<event__action>connect|disconnect|CONNECT|DISCONNECT) (?:from )?(?P<source__domain>[^\[\s]*)\[<sip>\](?::<sport>)?(?: to \[<dip>\]:<dport>)?(?: (?P<labels__commands>.*))?$
  RE
  classification   = "Network Allow"
  common_event     = "Mail Connection"
  risk             = 0
  fields           = { "event.category" = ["network", "email"], "event.type" = ["connection"] }

  sub_rule "disconnect" {
    when         = <<-CEL
      event.event.action in ["disconnect", "DISCONNECT"]
    CEL
    common_event = "Mail Disconnection"
    fields       = { "event.type" = ["connection", "end"] }
  }

  test {
    log             = "Mar 12 10:11:12 mx1 postfix/smtpd[2101]: connect from mail.example.org[198.51.100.101]"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.101", "source.domain" = "mail.example.org", "event.action" = "connect", "observer.vendor" = "Postfix" }
  }
  test {
    log    = "Mar 12 10:11:13 mx1 postfix/submission/smtpd[2102]: disconnect from unknown[198.51.100.102] ehlo=1 auth=0/1 quit=1 commands=2/3"
    expect = { sip = "198.51.100.102", sub_rule = "disconnect", "labels.commands" = "ehlo=1 auth=0/1 quit=1 commands=2/3" }
  }
}

rule "postfix-reject" {
  description      = "NOQUEUE or queued reject / reject_warning / milter-reject / discard / hold by smtpd, cleanup or postscreen"
  log_source_types = ["postfix"]
  sort_order       = 410
  pattern          = <<-RE
    <postfix_prog> (?:NOQUEUE|<postfix_qid>): (?P<event__action>reject|reject_warning|milter-reject|discard|hold|redirect|filter): (?P<labels__smtp_stage>RCPT|MAIL|DATA|END-OF-MESSAGE|CONNECT|HELO|EHLO|VRFY|ETRN|STARTTLS|AUTH|UNKNOWN|BDAT|header|body)(?: from (?P<source__domain>[^\[\s]*)\[<sip>\](?::<sport>)?)?(?:;|:)? ?(?P<event__reason>.*?)(?:; from=<(?P<email__from__address>[^>]*)>)?(?: to=<(?P<email__to__address>[^>]*)>)?(?: proto=(?P<labels__proto>\S+))?(?: helo=<(?P<labels__helo>[^>]*)>)?$
  RE
  classification   = "Network Deny"
  common_event     = "Mail Rejected"
  risk             = 3
  fields           = { "event.category" = ["email"], "event.type" = ["denied"], "event.outcome" = "failure" }

  sub_rule "rbl" {
    when           = "event.event.reason.contains(\"blocked using\")"
    classification = "Suspicious"
    common_event   = "Mail Rejected by Blocklist"
    risk           = 4
  }
  sub_rule "relay" {
    when           = "event.event.reason.contains(\"Relay access denied\")"
    classification = "Misuse"
    common_event   = "Mail Relay Denied"
    risk           = 5
  }
  sub_rule "unknown-user" {
    when           = <<-CEL
      event.event.reason.matches("(?i)(user unknown|Recipient address rejected)")
    CEL
    classification = "Failed Activity"
    common_event   = "Mail Recipient Rejected"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.event.action == \"reject_warning\""
    classification = "Warning"
    common_event   = "Mail Reject Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:14 mx1 postfix/smtpd[2103]: NOQUEUE: reject: RCPT from unknown[203.0.113.130]: 554 5.7.1 <victim@example.net>: Relay access denied; from=<spam@example.org> to=<victim@example.net> proto=ESMTP helo=<spammer>"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.130", "labels.smtp_stage" = "RCPT", "email.from.address" = "spam@example.org", "email.to.address" = "victim@example.net", sub_rule = "relay", "labels.helo" = "spammer" }
  }
  test {
    log    = "Mar 12 10:11:15 mx1 postfix/cleanup[2104]: 4F1A2B3C4D: reject: header Subject: You won from unknown[203.0.113.131]; from=<a@example.org> to=<b@example.com> proto=ESMTP helo=<x>: 5.7.1 Spam"
    expect = { "labels.queue_id" = "4F1A2B3C4D", "labels.smtp_stage" = "header", "event.action" = "reject" }
  }
}

rule "postfix-sasl-failed" {
  description      = "SASL authentication failed"
  log_source_types = ["postfix"]
  sort_order       = 420
  pattern          = <<-RE
    <postfix_prog> warning: (?P<source__domain>[^\[\s]*)\[<sip>\]: SASL (?P<labels__sasl_method>[\w-]+) authentication failed(?:: (?P<event__reason>.*))?
  RE
  classification   = "Authentication Failure"
  common_event     = "Mail Authentication Failure"
  risk             = 5
  fields           = { "event.category" = ["authentication", "email"], "event.outcome" = "failure" }

  test {
    log             = "Mar 12 10:11:16 mx1 postfix/smtpd[2105]: warning: unknown[203.0.113.132]: SASL LOGIN authentication failed: authentication failure"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.132", "labels.sasl_method" = "LOGIN", classification = "Authentication Failure" }
  }
}

rule "postfix-client" {
  description      = "smtpd accepted a message from a client (with its SASL login)"
  log_source_types = ["postfix"]
  sort_order       = 430
  pattern          = <<-RE
    <postfix_prog> <postfix_qid>: client=(?P<source__domain>[^\[\s]*)\[<sip>\](?::<sport>)?(?:, sasl_method=(?P<labels__sasl_method>[^,\s]+))?(?:, sasl_username=(?P<user__name>[^,\s]+))?
  RE
  classification   = "Information"
  common_event     = "Mail Received"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  sub_rule "authenticated" {
    when           = "has(event.user.name)"
    classification = "Authentication Success"
    common_event   = "Mail Authenticated Submission"
    risk           = 1
    fields         = { "event.category" = ["authentication", "email"], "event.outcome" = "success" }
  }

  test {
    log             = "Mar 12 10:11:17 mx1 postfix/submission/smtpd[2106]: 5A6B7C8D9E: client=laptop.example.com[198.51.100.103], sasl_method=PLAIN, sasl_username=erin@example.com"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.103", login = "erin@example.com", sub_rule = "authenticated", "labels.queue_id" = "5A6B7C8D9E" }
  }
}

rule "postfix-delivery" {
  description      = "smtp, lmtp, local, virtual, pipe, error: to=<…>, relay=…, delay=…, dsn=…, status=sent|bounced|deferred|expired|undeliverable (reply)"
  log_source_types = ["postfix"]
  sort_order       = 440
  pattern          = <<-RE
    <postfix_prog> <postfix_qid>: to=<(?P<email__to__address>[^>]*)>,(?: orig_to=<[^>]*>,)? relay=(?P<labels__relay>[^,\s]+?)(?:\[<dip>\](?::<dport>)?)?, (?:conn_use=\d+, )?delay=(?P<labels__delay>[\d.]+), delays=(?P<labels__delays>[\d./]+), dsn=(?P<labels__dsn>[\d.]+), status=(?P<event__action>sent|bounced|deferred|expired|undeliverable|deliverable|softbounce)(?: \((?P<event__reason>.*)\))?
  RE
  classification   = "Information"
  common_event     = "Mail Delivered"
  risk             = 0
  fields           = { "event.category" = ["email"], "event.outcome" = "success" }

  sub_rule "bounced" {
    when           = <<-CEL
      event.event.action in ["bounced", "expired", "undeliverable"]
    CEL
    classification = "Error"
    common_event   = "Mail Bounced"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "deferred" {
    when           = <<-CEL
      event.event.action in ["deferred", "softbounce"]
    CEL
    classification = "Warning"
    common_event   = "Mail Deferred"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "Mar 12 10:11:18 mx1 postfix/smtp[2107]: 5A6B7C8D9E: to=<frank@example.net>, relay=mx.example.net[203.0.113.133]:25, delay=1.4, delays=0.1/0/0.6/0.7, dsn=2.0.0, status=sent (250 2.0.0 OK 1710238278 queued)"
    log_source_type = "syslog"
    expect          = { "email.to.address" = "frank@example.net", dip = "203.0.113.133", dport = "25", "event.action" = "sent", "labels.dsn" = "2.0.0" }
  }
  test {
    log    = "Mar 12 10:11:19 mx1 postfix/local[2108]: 6B7C8D9E0F: to=<nobody@mx1.example.com>, relay=local, delay=0.02, delays=0.01/0/0/0.01, dsn=5.1.1, status=bounced (unknown user: \"nobody\")"
    expect = { "labels.relay" = "local", sub_rule = "bounced", "event.reason" = "unknown user: \"nobody\"" }
  }
}

rule "postfix-qmgr" {
  description      = "qmgr: from=<…>, size=…, nrcpt=… (queue active); removed; expired"
  log_source_types = ["postfix"]
  sort_order       = 450
  pattern          = <<-RE
    <postfix_prog> <postfix_qid>: (?:from=<(?P<email__from__address>[^>]*)>, (?:size=(?P<labels__size>\d+), nrcpt=(?P<labels__nrcpt>\d+) \((?P<labels__queue>[^)]*)\)|status=(?P<event__action>expired, returned to sender|[\w ]+))|(?P<labels__removed>removed)$)
  RE
  classification   = "Information"
  common_event     = "Mail Queued"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  sub_rule "removed" {
    when         = "has(event.labels.removed)"
    common_event = "Mail Removed From Queue"
  }
  sub_rule "expired" {
    when           = "has(event.event.action)"
    classification = "Error"
    common_event   = "Mail Expired"
    risk           = 2
  }

  test {
    log             = "Mar 12 10:11:20 mx1 postfix/qmgr[900]: 5A6B7C8D9E: from=<erin@example.com>, size=2345, nrcpt=1 (queue active)"
    log_source_type = "syslog"
    expect          = { "email.from.address" = "erin@example.com", "labels.size" = "2345", "labels.nrcpt" = "1" }
  }
  test {
    log    = "Mar 12 10:11:21 mx1 postfix/qmgr[900]: 5A6B7C8D9E: removed"
    expect = { sub_rule = "removed" }
  }
}

rule "postfix-cleanup" {
  description      = "cleanup: message-id; pickup: uid and sender; bounce: notification"
  log_source_types = ["postfix"]
  sort_order       = 460
  pattern          = <<-RE
    <postfix_prog> <postfix_qid>: (?:(?:resent-)?message-id=<?(?P<email__message_id>[^>\s]*)>?|uid=<uid> from=<(?P<email__from__address>[^>]*)>|sender (?P<labels__notification>non-delivery|delay|delivery status|success) notification: (?P<labels__notification_qid>\w+))
  RE
  classification   = "Information"
  common_event     = "Mail Processed"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  test {
    log             = "Mar 12 10:11:22 mx1 postfix/cleanup[2109]: 5A6B7C8D9E: message-id=<20240312101122.abc@example.com>"
    log_source_type = "syslog"
    expect          = { "email.message_id" = "20240312101122.abc@example.com" }
  }
}

rule "postfix-smtpd-problem" {
  description      = "smtpd and postscreen: lost connection, timeout, too many errors, pipelining, pregreet, DNSBL, hostname checks"
  log_source_types = ["postfix"]
  sort_order       = 470
  pattern          = <<-RE
    <postfix_prog> (?:warning: )?(?P<event__action>lost connection|timeout|too many errors|improper command pipelining|PREGREET \d+|DNSBL rank \d+|HANGUP|COMMAND PIPELINING|NON-SMTP COMMAND|BARE NEWLINE|non-SMTP command|hostname \S+ does not resolve to address|Illegal address syntax)(?: after [A-Z-]+(?: \(\d+ bytes\))?)?(?: (?:after [\d.]+ )?(?:from|for|in tarpit)?)? ?(?P<source__domain>[^\[\s]*)\[?<sip>\]?(?::<sport>)?
  RE
  classification   = "Warning"
  common_event     = "Mail Session Problem"
  risk             = 2
  fields           = { "event.category" = ["email", "network"] }

  test {
    log             = "Mar 12 10:11:23 mx1 postfix/smtpd[2110]: lost connection after AUTH from unknown[203.0.113.134]"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.134", "event.action" = "lost connection" }
  }
  test {
    log    = "Mar 12 10:11:24 mx1 postfix/postscreen[2111]: DNSBL rank 4 for [203.0.113.135]:51000"
    expect = { sip = "203.0.113.135", sport = "51000" }
  }
}

rule "postfix-master" {
  description      = "master: started, reloaded, stopped"
  log_source_types = ["postfix"]
  sort_order       = 480
  pattern          = <<-RE
    <postfix_prog> (?P<event__action>daemon started|reload|terminating on signal \d+)(?: -- version (?P<labels__version>[\w.]+))?
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Mail Server State Change"
  risk             = 1

  test {
    log             = "Mar 12 10:11:25 mx1 postfix/master[880]: daemon started -- version 3.8.4, configuration /etc/postfix"
    log_source_type = "syslog"
    expect          = { "event.action" = "daemon started", "labels.version" = "3.8.4" }
  }
}

rule "postfix-message" {
  description      = "any other postfix line: warnings, errors, fatal, panic, or a queue id's note"
  log_source_types = ["postfix"]
  sort_order       = 8600
  pattern          = <<-RE
    <postfix_prog> (?:(?P<log__level>warning|error|fatal|panic): )?(?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "Mail Server Message"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  sub_rule "error" {
    when           = <<-CEL
      has(event.log.level) && event.log.level in ["error", "fatal", "panic"]
    CEL
    classification = "Error"
    common_event   = "Mail Server Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "has(event.log.level)"
    classification = "Warning"
    common_event   = "Mail Server Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:26 mx1 postfix/smtpd[2112]: warning: TLS library problem: error:0A000126:SSL routines::unexpected eof while reading"
    log_source_type = "syslog"
    expect          = { "log.level" = "warning", sub_rule = "warning" }
  }
}
