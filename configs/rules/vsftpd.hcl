# vsftpd: its own log (vsftpd.log, or syslog with syslog_enable):
# "[pid N] [user] OK|FAIL LOGIN|UPLOAD|DOWNLOAD|…: Client "ip", …" and
# CONNECT lines, and the wu-ftpd "xferlog" transfer log vsftpd, ProFTPD
# and others can write.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "vsftpd" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "vsftpd"
  product  = "vsftpd"
  module   = "vsftpd"
}

rule "vsftpd-event" {
  description      = "[pid N] [user] OK|FAIL <ACTION>: Client \"ip\"[, \"path\"][, N bytes, rate]"
  log_source_types = ["vsftpd"]
  sort_order       = 400
  pattern          = <<-RE
    (?:\[pid <pid>\] )?(?:\[(?P<user__name>[^\]]*)\] )?(?:(?P<labels__result>OK|FAIL) )?(?P<event__action>LOGIN|UPLOAD|DOWNLOAD|MKDIR|RMDIR|DELETE|RENAME|CHMOD|CONNECT|SITE \w+): Client "(?:::ffff:)?<sip>"(?:, "(?P<file__path>[^"]*)")?(?:, (?P<labels__bytes>\d+) bytes)?(?:, (?P<labels__rate>[\d.]+\S*/sec))?
  RE
  classification   = "Access Success"
  common_event     = "FTP Activity"
  risk             = 0
  fields           = { "event.category" = ["network"] }

  sub_rule "login-failed" {
    when           = <<-CEL
      event.event.action == "LOGIN" && has(event.labels.result) && event.labels.result == "FAIL"
    CEL
    classification = "Authentication Failure"
    common_event   = "FTP Login Failure"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }
  sub_rule "login" {
    when           = "event.event.action == \"LOGIN\""
    classification = "Authentication Success"
    common_event   = "FTP Login"
    risk           = 1
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }
  sub_rule "failed" {
    when           = <<-CEL
      has(event.labels.result) && event.labels.result == "FAIL"
    CEL
    classification = "Access Failure"
    common_event   = "FTP Operation Failed"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "connect" {
    when           = "event.event.action == \"CONNECT\""
    classification = "Network Allow"
    common_event   = "FTP Connection"
  }
  sub_rule "upload" {
    when           = "event.event.action == \"UPLOAD\""
    classification = "Object Created"
    common_event   = "FTP Upload"
    risk           = 1
    fields         = { "event.category" = ["file"], "event.outcome" = "success" }
  }
  sub_rule "delete" {
    when           = <<-CEL
      event.event.action in ["DELETE", "RMDIR"]
    CEL
    classification = "Object Disposed"
    common_event   = "FTP Delete"
    risk           = 1
    fields         = { "event.category" = ["file"], "event.outcome" = "success" }
  }

  test {
    log             = "Tue Mar 12 10:11:12 2024 [pid 4242] [erin] OK LOGIN: Client \"198.51.100.141\""
    log_source_type = "syslog"
    expect          = { pid = "4242", login = "erin", sip = "198.51.100.141", sub_rule = "login", "observer.vendor" = "vsftpd" }
  }
  test {
    log             = "Mar 12 10:11:13 ftp1 vsftpd[4243]: [frank] FAIL LOGIN: Client \"::ffff:203.0.113.170\""
    log_source_type = "syslog"
    expect          = { login = "frank", sip = "203.0.113.170", sub_rule = "login-failed" }
  }
  test {
    log    = "Tue Mar 12 10:11:14 2024 [pid 4244] [erin] OK UPLOAD: Client \"198.51.100.141\", \"/home/erin/report.pdf\", 52410 bytes, 812.41Kbyte/sec"
    expect = { "file.path" = "/home/erin/report.pdf", "labels.bytes" = "52410", sub_rule = "upload" }
  }
}

rule "ftp-xferlog" {
  description      = "xferlog: date duration host bytes file type action direction access user service auth_method auth_user status"
  log_source_types = ["vsftpd"]
  sort_order       = 410
  pattern          = <<-RE
    (?:^|\s)[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} (?P<labels__duration>\d+) (?:<sip>|<shost>) <bytes> (?P<file__path>.+) (?P<labels__transfer_type>[ab]) (?P<labels__special_action>[CUT_]+) (?P<labels__direction>[oid]) (?P<labels__access_mode>[agr]) (?P<user__name>\S+) (?P<labels__service>ftp|sftp|ftps) (?P<labels__auth_method>[01]) (?P<labels__auth_user>\S+) (?P<labels__completion>[ci])
  RE
  classification   = "Access Success"
  common_event     = "FTP Transfer"
  risk             = 0
  fields           = { "event.category" = ["file", "network"] }

  sub_rule "incomplete" {
    when           = "event.labels.completion == \"i\""
    classification = "Access Failure"
    common_event   = "FTP Transfer Incomplete"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "upload" {
    when           = "event.labels.direction == \"i\""
    classification = "Object Created"
    common_event   = "FTP Upload"
    risk           = 1
  }

  test {
    log             = "Tue Mar 12 10:11:15 2024 2 198.51.100.142 10240 /srv/ftp/pub/notes.txt b _ o r erin ftp 0 * c"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.142", bytes = "10240", "file.path" = "/srv/ftp/pub/notes.txt", login = "erin", "labels.direction" = "o" }
  }
}

# ------------------------------------------------------------ any other line
# The program is vsftpd's own: a line of it no rule above reads is still
# identified, classified by the words it starts with.

rule "vsftpd-message" {
  description      = "any other vsftpd message"
  log_source_types = ["vsftpd"]
  sort_order       = 9100
  pattern          = <<-RE
    (?:^|\s)vsftpd(?:\[<pid>\])?: (?P<error__message>.+)
  RE
  classification   = "Information"
  common_event     = "vsftpd Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(error|fatal|panic|critical|crit|emerg|alert)\\b")
    CEL
    classification = "Error"
    common_event   = "vsftpd Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = <<-CEL
      event.error.message.matches("(?i)^(\\S+: )?\\[?(warning|warn)\\b")
    CEL
    classification = "Warning"
    common_event   = "vsftpd Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:30 ftp1 vsftpd[4245]: error: unable to set up secure anonymous FTP"
    log_source_type = "syslog"
    expect          = { sub_rule = "error" }
  }
}
