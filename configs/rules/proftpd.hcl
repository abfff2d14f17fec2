# ProFTPD: its syslog (or SystemLog) lines, "server (client[ip]) -
# message": logins and login failures, unknown users, session open and
# close, refused and timed-out connections, security violations, and the
# daemon's start and stop.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "proftpd" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "ProFTPD Project"
  product  = "ProFTPD"
  module   = "proftpd"
}

rule "proftpd-login" {
  description      = "USER name: Login successful / ANON name: Login successful"
  log_source_types = ["proftpd"]
  sort_order       = 400
  pattern          = <<-RE
    \((?P<source__domain>[^\[\s]*)\[(?:::ffff:)?<sip>\]\) - (?:USER|ANON) (?P<user__name>[^\s:]+): Login successful
  RE
  classification   = "Authentication Success"
  common_event     = "FTP Login"
  risk             = 1
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success" }

  test {
    log             = "Mar 12 10:11:12 ftp2 proftpd[5151]: ftp2.example.com (client.example.org[198.51.100.151]) - USER erin: Login successful."
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.151", login = "erin", "observer.product" = "ProFTPD" }
  }
}

rule "proftpd-login-failed" {
  description      = "USER name (Login failed): reason / USER name: no such user found / Maximum login attempts exceeded"
  log_source_types = ["proftpd"]
  sort_order       = 410
  pattern          = <<-RE
    \((?P<source__domain>[^\[\s]*)\[(?:::ffff:)?<sip>\]\) - (?:USER (?P<user__name>[^\s:]+)(?: \(Login failed\):|:) (?P<event__reason>Incorrect password|no such user found.*|.*(?:[Ll]ogin failed|denied|not allowed|refused).*)|(?P<labels__max>Maximum login attempts \(\d+\) exceeded.*))
  RE
  classification   = "Authentication Failure"
  common_event     = "FTP Login Failure"
  risk             = 5
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure" }

  sub_rule "unknown-user" {
    when         = <<-CEL
      has(event.event.reason) && event.event.reason.startsWith("no such user")
    CEL
    common_event = "FTP Login Unknown User"
  }
  sub_rule "max-attempts" {
    when         = "has(event.labels.max)"
    common_event = "FTP Login Attempts Exceeded"
    risk         = 6
  }

  test {
    log             = "Mar 12 10:11:13 ftp2 proftpd[5152]: ftp2.example.com (scanner.example.net[203.0.113.180]) - USER admin (Login failed): Incorrect password"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.180", login = "admin", "event.reason" = "Incorrect password" }
  }
  test {
    log    = "Mar 12 10:11:14 ftp2 proftpd[5153]: ftp2.example.com (scanner.example.net[203.0.113.180]) - USER oracle: no such user found from scanner.example.net [203.0.113.180] to 192.0.2.28:21"
    expect = { login = "oracle", sub_rule = "unknown-user" }
  }
}

rule "proftpd-session" {
  description      = "FTP/SSH2 session opened or closed; timeouts; refused connections; security violations"
  log_source_types = ["proftpd"]
  sort_order       = 420
  pattern          = <<-RE
    \((?P<source__domain>[^\[\s]*)\[(?:::ffff:)?<sip>\]\) - (?P<event__action>(?:FTP|SSH2|SFTP) session (?:opened|closed)|FTP (?:no transfer|login|session|idle|stalled) timeout|FTP (?:login|session) timed out|SECURITY VIOLATION|Refused (?:PORT|EPRT)|Connection refused|[^:.]*timed out)(?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "FTP Session"
  risk             = 0
  fields           = { "event.category" = ["network", "session"] }

  sub_rule "violation" {
    when           = <<-CEL
      event.event.action.startsWith("SECURITY VIOLATION") || event.event.action.startsWith("Refused")
    CEL
    classification = "Suspicious"
    common_event   = "FTP Security Violation"
    risk           = 6
  }
  sub_rule "refused" {
    when           = "event.event.action == \"Connection refused\""
    classification = "Network Deny"
    common_event   = "FTP Connection Refused"
    risk           = 3
  }

  test {
    log             = "Mar 12 10:11:15 ftp2 proftpd[5154]: ftp2.example.com (client.example.org[198.51.100.151]) - FTP session opened."
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.151", "event.action" = "FTP session opened" }
  }
  test {
    log    = "Mar 12 10:11:16 ftp2 proftpd[5155]: ftp2.example.com (scanner.example.net[203.0.113.181]) - SECURITY VIOLATION: Root login attempted"
    expect = { sub_rule = "violation" }
  }
}

rule "proftpd-daemon" {
  description      = "ProFTPD starting, shutting down, killed"
  log_source_types = ["proftpd"]
  sort_order       = 430
  pattern          = <<-RE
    - ProFTPD (?:(?P<labels__version>[\d.a-z]+) .*?(?P<event__action>STARTUP|SHUTDOWN)|(?P<labels__killed>killed|terminating) .*)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "FTP Server State Change"
  risk             = 1

  test {
    log             = "Mar 12 10:11:17 ftp2 proftpd[5000]: ftp2.example.com - ProFTPD 1.3.8b (stable) (built Mon Mar 4 2024) standalone mode STARTUP"
    log_source_type = "syslog"
    expect          = { "labels.version" = "1.3.8b", "event.action" = "STARTUP" }
  }
}

# ------------------------------------------------------------ any other line
# The program is ProFTPD's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "proftpd-message" {
  description      = "any other ProFTPD message"
  log_source_types = ["proftpd"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)proftpd(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "ProFTPD Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "ProFTPD Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "ProFTPD Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 ftp2 proftpd[5156]: ftp2.example.com - mod_tls/2.9.2: using default OpenSSL verification locations"
    log_source_type = "syslog"
    expect          = { classification = "Information" }
  }
}
