# Fortinet FortiMail logs over syslog: key=value pairs, separated by spaces
# (the default) or by commas (the "CSV" log format Elastic's
# fortinet_fortimail integration reads): `date=… time=…
# device_id=FE… log_id=0003000001 type=statistics subtype=n/a
# pri=information …`, types statistics (history), event (system, admin,
# update…), antispam, antivirus and encrypt. A FortiMail's serial number
# (device_id=FE…) starts with FE, which tells its lines from a
# FortiGate's (a line with another device id is recognised by the types
# only FortiMail writes: statistics, kevent, spam, encrypt): these rules
# come before the FortiGate ones (sort_order 100–149).
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "fortinet-fortimail" {
  header  = "syslog"
  vendor  = "Fortinet"
  product = "FortiMail"
  module  = "fortinet"
}

rule "fortimail-log" {
  description      = "every FortiMail log (history, event, antispam, antivirus, encrypt), space-separated"
  log_source_types = ["fortinet-fortimail"]
  sort_order       = 100
  pattern          = <<-RE
    (?:<fortinet_time>(?:\.\d+)? .*?)?device_id=FE\w+ .*?(?:logid|log_id)="?\d+"? type="?(?P<fortimail__type>[\w-]+)
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "Mail Event"
  risk             = 1
  map = {
    "event.code"             = ["kv.log_id", "kv.logid"]
    "observer.serial_number" = ["kv.device_id", "kv.devid"]
    "observer.name"          = ["kv.devname"]
    "log.level"              = ["kv.pri", "kv.level"]
    "fortimail.subtype"      = ["kv.subtype"]
    "fortimail.session_id"   = ["kv.session_id"]
    sip                      = ["kv.client_ip", "kv.srcip"]
    "source.domain"          = ["kv.client_name"]
    dip                      = ["kv.dst_ip", "kv.dstip"]
    "email.from.address"     = ["kv.from", "kv.hfrom"]
    "email.to.address"       = ["kv.to"]
    "email.subject"          = ["kv.subject"]
    "email.direction"        = ["kv.direction"]
    "fortimail.disposition"  = ["kv.disposition"]
    "fortimail.classifier"   = ["kv.classifier"]
    "fortimail.virus"        = ["kv.virus"]
    "event.action"           = ["kv.action", "kv.disposition"]
    "event.reason"           = ["kv.reason", "kv.msg"]
    login                    = ["kv.user"]
    "fortimail.ui"           = ["kv.ui"]
    "fortimail.status"       = ["kv.status"]
  }
  fields = { "event.kind" = "event", "observer.type" = "mail-gateway", "event.category" = ["email"] }

  sub_rule "admin-login-failed" {
    when           = "event.kv.action == \"login\" && event.kv.status in [\"failure\", \"failed\"]"
    classification = "Authentication Failure"
    common_event   = "Admin Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "admin-login" {
    when           = "event.kv.action == \"login\" && event.kv.status == \"success\""
    classification = "Authentication Success"
    common_event   = "Admin Logon"
    risk           = 3
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }

  sub_rule "virus" {
    when           = "event.fortimail.type == \"virus\" || event.fortimail.type == \"antivirus\" || (has(event.kv.virus) && event.kv.virus != \"\")"
    classification = "Malware"
    common_event   = "Malware in Mail"
    risk           = 7
    fields         = { "event.category" = ["email", "malware"] }
  }

  sub_rule "spam" {
    when           = "event.fortimail.type in [\"spam\", \"antispam\"] || event.kv.classifier.lowerAscii().contains(\"spam\") && !event.kv.classifier.lowerAscii().contains(\"not spam\")"
    classification = "Suspicious"
    common_event   = "Spam Detected"
    risk           = 3
  }

  sub_rule "delivered" {
    when         = "event.fortimail.type == \"statistics\""
    common_event = "Mail Processed"
    fields       = { "event.type" = ["info"] }
  }

  test {
    log    = "<22>date=2024-03-01 time=09:30:12 device_id=FEVM0000000001 log_id=0003000001 type=statistics subtype=n/a pri=information session_id=\"41U9UCa1000001-41U9UCa2000001\" client_name=\"mx.example.org\" dst_ip=\"192.0.2.25\" from=\"carol@example.org\" to=\"dave@example.com\" polid=\"0:1:0\" domain=\"example.com\" subject=\"Quarterly numbers\" mailer=\"mta\" resolved=\"OK\" direction=\"in\" virus=\"\" disposition=\"Accept\" classifier=\"Not Spam\" message_length=\"4051\""
    expect = { sub_rule = "delivered", "email.from.address" = "carol@example.org", "email.to.address" = "dave@example.com", dip = "192.0.2.25", "fortimail.disposition" = "Accept", "observer.product" = "FortiMail", "@timestamp" = "2024-03-01T09:30:12Z" }
  }

  test {
    log             = "date=2024-03-01 time=09:31:00 device_id=FEVM0000000001 log_id=0001001623 type=event subtype=admin pri=information user=admin ui=GUI(192.0.2.99) action=login status=failure reason=\"passwd_invalid\" msg=\"User admin login failed from GUI(192.0.2.99)\""
    log_source_type = "syslog"
    expect          = { sub_rule = "admin-login-failed", login = "admin", "observer.product" = "FortiMail", "event.dataset" = "fortinet-fortimail" }
  }

  test {
    log    = "date=2024-03-01 time=09:32:00 device_id=FEVM0000000001 log_id=0101008000 type=spam subtype=default pri=information session_id=\"41U9UCa3000001\" client_name=\"bulk.example.net\" client_ip=\"203.0.113.77\" from=\"promo@example.net\" to=\"dave@example.com\" subject=\"You won\" msg=\"Detected by BannedWord test\""
    expect = { sub_rule = "spam", sip = "203.0.113.77", "email.subject" = "You won" }
  }
}

rule "fortimail-log-typed" {
  description      = "FortiMail logs whose serial number is not FE… (masked, relayed): the types only FortiMail writes"
  log_source_types = ["fortinet-fortimail"]
  sort_order       = 102
  pattern          = <<-RE
    device_id=\S+ log_id=\d+ type=(?P<fortimail__type>statistics|kevent|encrypt|spam)\b
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "Mail Event"
  risk             = 1
  map = {
    "event.code"             = ["kv.log_id", "kv.logid"]
    "observer.serial_number" = ["kv.device_id", "kv.devid"]
    "observer.name"          = ["kv.devname"]
    "log.level"              = ["kv.pri", "kv.level"]
    "fortimail.subtype"      = ["kv.subtype"]
    "fortimail.session_id"   = ["kv.session_id"]
    sip                      = ["kv.client_ip", "kv.srcip"]
    "source.domain"          = ["kv.client_name"]
    dip                      = ["kv.dst_ip", "kv.dstip"]
    "email.from.address"     = ["kv.from", "kv.hfrom"]
    "email.to.address"       = ["kv.to"]
    "email.subject"          = ["kv.subject"]
    "email.direction"        = ["kv.direction"]
    "fortimail.disposition"  = ["kv.disposition"]
    "fortimail.classifier"   = ["kv.classifier"]
    "fortimail.virus"        = ["kv.virus"]
    "event.action"           = ["kv.action", "kv.disposition"]
    "event.reason"           = ["kv.reason", "kv.msg"]
    login                    = ["kv.user"]
    "fortimail.ui"           = ["kv.ui"]
    "fortimail.status"       = ["kv.status"]
  }
  fields = { "event.kind" = "event", "observer.type" = "mail-gateway", "event.category" = ["email"] }

  sub_rule "admin-login-failed" {
    when           = "event.kv.action == \"login\" && event.kv.status in [\"failure\", \"failed\"]"
    classification = "Authentication Failure"
    common_event   = "Admin Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  sub_rule "admin-login" {
    when           = "event.kv.action == \"login\" && event.kv.status == \"success\""
    classification = "Authentication Success"
    common_event   = "Admin Logon"
    risk           = 3
    fields         = { "event.category" = ["authentication"], "event.outcome" = "success" }
  }

  sub_rule "virus" {
    when           = "event.fortimail.type == \"virus\" || event.fortimail.type == \"antivirus\" || (has(event.kv.virus) && event.kv.virus != \"\")"
    classification = "Malware"
    common_event   = "Malware in Mail"
    risk           = 7
    fields         = { "event.category" = ["email", "malware"] }
  }

  sub_rule "spam" {
    when           = "event.fortimail.type in [\"spam\", \"antispam\"] || event.kv.classifier.lowerAscii().contains(\"spam\") && !event.kv.classifier.lowerAscii().contains(\"not spam\")"
    classification = "Suspicious"
    common_event   = "Spam Detected"
    risk           = 3
  }

  sub_rule "delivered" {
    when         = "event.fortimail.type == \"statistics\""
    common_event = "Mail Processed"
    fields       = { "event.type" = ["info"] }
  }

  test {
    log    = "date=2024-03-01 time=09:33:00.120 device_id=XXXXXXXX log_id=0200027993 type=statistics pri=information  session_id=\"41U9UCa5000001\" client_name=\"\" client_ip=\"198.51.100.26\" dst_ip=\"192.0.2.25\" from=\"carol@example.org\" to=\"dave@example.com\" direction=\"in\" disposition=\"Accept\" classifier=\"Not Spam\" subject=\"Minutes\""
    expect = { sub_rule = "delivered", sip = "198.51.100.26", "email.subject" = "Minutes", "observer.product" = "FortiMail" }
  }

  test {
    log             = "date=2024-03-01 time=09:34:00 device_id=XXXXXXXX log_id=0001001623 type=kevent subtype=admin pri=information user=admin ui=GUI(192.0.2.99) action=login status=success reason=none msg=\"User admin login successfully from GUI (192.0.2.99)\""
    log_source_type = "syslog"
    expect          = { sub_rule = "admin-login", login = "admin", "observer.product" = "FortiMail" }
  }
}

rule "fortimail-log-csv" {
  description      = "every FortiMail log in the comma-separated key=value format"
  log_source_types = ["fortinet-fortimail"]
  sort_order       = 101
  pattern          = <<-RE
    device_id=FE\w+,.*?(?:logid|log_id)="?\d+"?,type="?(?P<fortimail__type>[\w-]+)
  RE
  extract          = "kv"
  kv_separator     = ","
  classification   = "Information"
  common_event     = "Mail Event"
  risk             = 1
  map = {
    "event.code"             = ["kv.log_id", "kv.logid"]
    "observer.serial_number" = ["kv.device_id", "kv.devid"]
    "log.level"              = ["kv.pri", "kv.level"]
    "fortimail.subtype"      = ["kv.subtype"]
    "fortimail.session_id"   = ["kv.session_id"]
    sip                      = ["kv.client_ip"]
    "source.domain"          = ["kv.client_name"]
    dip                      = ["kv.dst_ip"]
    "email.from.address"     = ["kv.from", "kv.hfrom"]
    "email.to.address"       = ["kv.to"]
    "email.subject"          = ["kv.subject"]
    "email.direction"        = ["kv.direction"]
    "fortimail.disposition"  = ["kv.disposition"]
    "fortimail.classifier"   = ["kv.classifier"]
    "event.action"           = ["kv.action", "kv.disposition"]
    "event.reason"           = ["kv.reason", "kv.msg"]
    login                    = ["kv.user"]
  }
  fields = { "event.kind" = "event", "observer.type" = "mail-gateway", "event.category" = ["email"] }

  sub_rule "admin-login-failed" {
    when           = "event.kv.action == \"login\" && event.kv.status in [\"failure\", \"failed\"]"
    classification = "Authentication Failure"
    common_event   = "Admin Logon Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.outcome" = "failure" }
  }

  test {
    log             = "<22>date=2024-03-01,time=09:40:00.120,device_id=FEVM0000000001,log_id=0003000001,type=statistics,subtype=n/a,pri=information,session_id=\"41U9UCa4000001\",client_name=\"mx.example.org\",client_ip=\"198.51.100.25\",dst_ip=\"192.0.2.25\",from=\"carol@example.org\",to=\"dave@example.com\",subject=\"Hello, again\",direction=\"in\",disposition=\"Accept\",classifier=\"Not Spam\""
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.25", "email.subject" = "Hello, again", "fortimail.type" = "statistics", "observer.product" = "FortiMail" }
  }
}
