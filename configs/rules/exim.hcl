# Exim: the main log's message lines, by their flag after the message
# id (<= arrival, => delivery, -> extra address, *> suppressed, **
# failed, == deferred, Completed, Frozen), and the reject log's lines
# (rejected RCPT/MAIL/EHLO/connection, authenticator failed). The date
# is left out when Exim logs to syslog; both are read. Message ids are
# the classic 6-6-2 form and Exim 4.97's 6-11-4.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "exim" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Exim"
  product  = "Exim"
  module   = "exim"
}

tag "exim_id" {
  pattern = "[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}"
  field   = "labels.exim_message_id"
}

rule "exim-arrival" {
  description      = "<= a message arrived: sender, H=host [ip], P=protocol, A=authenticator:user, S=size"
  log_source_types = ["exim"]
  sort_order       = 400
  pattern          = <<-RE
    <exim_id> <= (?:<>|(?P<email__from__address>\S+))(?:.*? H=(?:(?P<source__domain>[^\s(\[]+) )?(?:\((?P<labels__helo>[^)]*)\) )?\[<sip>\](?::<sport>)?)?(?:.*? P=(?P<labels__protocol>\S+))?(?:.*? A=(?P<labels__authenticator>[^:\s]+):(?P<user__name>\S+))?(?:.*? S=(?P<labels__size>\d+))?
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
    fields         = { "event.outcome" = "success" }
  }

  test {
    log             = "2024-03-12 10:11:12 1rk2AB-000123-Cd <= erin@example.com H=laptop.example.com (laptop) [198.51.100.121]:51234 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:erin S=2345 id=abc@example.com"
    log_source_type = "syslog"
    expect          = { "labels.exim_message_id" = "1rk2AB-000123-Cd", "email.from.address" = "erin@example.com", sip = "198.51.100.121", sport = "51234", login = "erin", sub_rule = "authenticated", "observer.vendor" = "Exim" }
  }
}

rule "exim-delivery" {
  description      = "=> delivered, -> another address, >> cutthrough, *> suppressed: recipient R=router T=transport H=host [ip]"
  log_source_types = ["exim"]
  sort_order       = 410
  pattern          = <<-RE
    <exim_id>(?: => | -> | >> | \*> )(?P<email__to__address>\S+)(?: <[^>]*>)?(?:.*? R=(?P<labels__router>\S+))?(?:.*? T=(?P<labels__transport>\S+))?(?:.*? H=(?P<destination__domain>[^\s\[]+) \[<dip>\](?::<dport>)?)?
  RE
  classification   = "Information"
  common_event     = "Mail Delivered"
  risk             = 0
  fields           = { "event.category" = ["email"], "event.outcome" = "success" }

  test {
    log             = "exim[3030]: 1rk2AB-000123-Cd => frank@example.net R=dnslookup T=remote_smtp H=mx.example.net [203.0.113.150] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 C=\"250 OK\""
    log_source_type = "syslog"
    expect          = { "email.to.address" = "frank@example.net", dip = "203.0.113.150", "labels.router" = "dnslookup" }
  }
}

rule "exim-failed" {
  description      = "** delivery failed (bounce), == deferred"
  log_source_types = ["exim"]
  sort_order       = 420
  pattern          = <<-RE
    <exim_id>(?P<labels__flag> \*\* | == )(?P<email__to__address>\S+)(?: <[^>]*>)?(?: R=(?P<labels__router>\S+))?(?: T=(?P<labels__transport>\S+))?(?: H=(?P<destination__domain>[^\s\[]+) \[<dip>\](?::<dport>)?)?(?:.*?: (?P<event__reason>.*))?
  RE
  classification   = "Error"
  common_event     = "Mail Bounced"
  risk             = 2
  fields           = { "event.category" = ["email"], "event.outcome" = "failure" }

  sub_rule "deferred" {
    when           = "event.labels.flag.contains(\"==\")"
    classification = "Warning"
    common_event   = "Mail Deferred"
    risk           = 1
  }

  test {
    log             = "2024-03-12 10:11:13 1rk2AC-000124-De ** nobody@example.net R=dnslookup T=remote_smtp H=mx.example.net [203.0.113.151]: SMTP error from remote mail server after RCPT TO:<nobody@example.net>: 550 5.1.1 User unknown"
    log_source_type = "syslog"
    expect          = { "email.to.address" = "nobody@example.net", classification = "Error" }
  }
  test {
    log    = "2024-03-12 10:11:14 1rk2AD-000125-Ef == slow@example.org R=dnslookup T=remote_smtp defer (-44) H=mx.example.org [203.0.113.152]: SMTP error from remote mail server after RCPT TO:<slow@example.org>: 451 4.7.1 Greylisted"
    expect = { sub_rule = "deferred" }
  }
}

rule "exim-completed" {
  description      = "Completed, Frozen, unfrozen, message removed"
  log_source_types = ["exim"]
  sort_order       = 430
  pattern          = <<-RE
    <exim_id> (?P<event__action>Completed|Frozen|Message is frozen|unfrozen by \S+|removed by \S+|Spool file is locked|error ignored|SMTP data timeout|SMTP connection lost)(?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "Mail Processed"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  sub_rule "frozen" {
    when           = "event.event.action.startsWith(\"Frozen\") || event.event.action.contains(\"frozen\")"
    classification = "Warning"
    common_event   = "Mail Frozen"
    risk           = 2
  }

  test {
    log             = "2024-03-12 10:11:15 1rk2AB-000123-Cd Completed"
    log_source_type = "syslog"
    expect          = { "event.action" = "Completed" }
  }
}

rule "exim-rejected" {
  description      = "H=host [ip] (F=<sender>) rejected RCPT/MAIL/EHLO/after DATA: reason"
  log_source_types = ["exim"]
  sort_order       = 440
  pattern          = <<-RE
    H=(?:(?P<source__domain>[^\s(\[]+) )?(?:\((?P<labels__helo>[^)]*)\) )?\[<sip>\](?::<sport>)?(?: I=\[[^\]]*\](?::\d+)?)?(?: X=\S+)?(?: CV=\S+)?(?: F=<(?P<email__from__address>[^>]*)>)?(?: A=\S+)? (?:temporarily )?rejected (?P<labels__smtp_stage>RCPT|MAIL|EHLO|HELO|after DATA|connection|VRFY|EXPN|ETRN|AUTH)(?: <?(?P<email__to__address>[^>:\s]*)>?)?(?:: (?P<event__reason>.*))?
  RE
  classification   = "Network Deny"
  common_event     = "Mail Rejected"
  risk             = 3
  fields           = { "event.category" = ["email"], "event.type" = ["denied"], "event.outcome" = "failure" }

  sub_rule "relay" {
    when           = <<-CEL
      has(event.event.reason) && event.event.reason.contains("relay not permitted")
    CEL
    classification = "Misuse"
    common_event   = "Mail Relay Denied"
    risk           = 5
  }
  sub_rule "rbl" {
    when           = <<-CEL
      has(event.event.reason) && event.event.reason.matches("(?i)(blacklist|blocklist|listed in|RBL)")
    CEL
    classification = "Suspicious"
    common_event   = "Mail Rejected by Blocklist"
    risk           = 4
  }

  test {
    log             = "2024-03-12 10:11:16 H=(spammer) [203.0.113.153]:40000 F=<spam@example.org> rejected RCPT <victim@example.net>: relay not permitted"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.153", "labels.helo" = "spammer", "email.from.address" = "spam@example.org", "email.to.address" = "victim@example.net", sub_rule = "relay" }
  }
}

rule "exim-auth-failed" {
  description      = "an SMTP AUTH attempt failed: <authenticator> authenticator failed for host [ip]: 535 … (set_id=user)"
  log_source_types = ["exim"]
  sort_order       = 450
  pattern          = <<-RE
    (?P<labels__authenticator>\S+) authenticator failed for (?:(?P<source__domain>[^\s(\[]+) )?(?:\((?P<labels__helo>[^)]*)\) )?\[<sip>\](?::<sport>)?(?: I=\[[^\]]*\](?::\d+)?)?: (?P<event__reason>\d{3}[^(]*?)(?: \(set_id=(?P<user__name>[^)]*)\))?$
  RE
  classification   = "Authentication Failure"
  common_event     = "Mail Authentication Failure"
  risk             = 5
  fields           = { "event.category" = ["authentication", "email"], "event.outcome" = "failure" }

  test {
    log             = "2024-03-12 10:11:17 dovecot_login authenticator failed for (User) [203.0.113.154]:50001: 535 Incorrect authentication data (set_id=admin@example.com)"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.154", login = "admin@example.com", "labels.authenticator" = "dovecot_login" }
  }
}

rule "exim-connection" {
  description      = "SMTP connection from / closed / lost / timeout; protocol synchronization errors; unexpected disconnection"
  log_source_types = ["exim"]
  sort_order       = 460
  pattern          = <<-RE
    (?P<event__action>SMTP connection from|no host name found for IP address|no IP address found for host \S+|SMTP protocol synchronization error|SMTP command timeout on connection from|SMTP call from|unexpected disconnection while reading SMTP command from|no MAIL in SMTP connection from|SMTP protocol error in "[^"]*"|TLS error on connection from)(?:.*?)(?:(?P<source__domain>[^\s(\[]+) )?(?:\((?P<labels__helo>[^)]*)\) )?(?:\[<sip>\](?::<sport>)?| \(?<sip>\)?)(?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "Mail Connection"
  risk             = 0
  fields           = { "event.category" = ["email", "network"] }

  sub_rule "problem" {
    when           = "!event.event.action.startsWith(\"SMTP connection from\")"
    classification = "Warning"
    common_event   = "Mail Session Problem"
    risk           = 2
  }

  test {
    log             = "2024-03-12 10:11:18 SMTP connection from (scanner) [203.0.113.155]:40001 I=[192.0.2.26]:25 closed by QUIT"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.155", "event.action" = "SMTP connection from" }
  }
  test {
    log    = "2024-03-12 10:11:19 no host name found for IP address 203.0.113.156"
    expect = { sip = "203.0.113.156", sub_rule = "problem" }
  }
}

# ------------------------------------------------------------ any other line
# The program is Exim's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "exim-message" {
  description      = "any other Exim message"
  log_source_types = ["exim"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)exim\d*(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "Exim Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "Exim Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "Exim Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 mx1 exim[3040]: 2024-03-12 10:11:30 Start queue run: pid=3040"
    log_source_type = "syslog"
    expect          = { classification = "Information" }
  }
}
