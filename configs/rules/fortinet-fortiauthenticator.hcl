# Fortinet FortiAuthenticator logs over syslog: key=value pairs with a
# category, a subcategory and a numeric type id, `date=… time=…
# category="Event" subcategory="Authentication" typeid=20002
# level="information" user="bob" nas="…" userip=… msg="…"`, as the
# FortiAuthenticator administration guide's log reference lists them
# (authentication, administration, system events). Newer releases add
# devid="FAC…"/logid=/type= as FortiOS does; those lines are read here too
# (sort_order 150, before the FortiGate rules).
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "fortinet-fortiauthenticator" {
  header  = "syslog"
  vendor  = "Fortinet"
  product = "FortiAuthenticator"
  module  = "fortinet"
}

rule "fortiauthenticator-log" {
  description      = "every FortiAuthenticator log: authentication, administration and system events"
  log_source_types = ["fortinet-fortiauthenticator"]
  sort_order       = 150
  pattern          = <<-RE
    (?:<fortinet_time> .*?)?(?:category="?[\w ]+"? subcategory=.*?typeid=|devid="FAC[\w-]*" )(?:.*? status="[^"]*" (?P<fortiauthenticator__message>[^"=]+)$)?
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "Authentication Server Event"
  risk             = 1
  map = {
    "event.code"                     = ["kv.typeid", "kv.logid"]
    "observer.serial_number"         = ["kv.devid"]
    "observer.name"                  = ["kv.devname"]
    "log.level"                      = ["kv.level"]
    "fortiauthenticator.category"    = ["kv.category", "kv.type"]
    "fortiauthenticator.subcategory" = ["kv.subcategory", "kv.subtype"]
    login                            = ["kv.user"]
    "fortiauthenticator.nas"         = ["kv.nas"]
    sip                              = ["kv.userip", "kv.srcip"]
    "event.reason"                   = ["kv.msg", "fortiauthenticator.message"]
    "event.action"                   = ["kv.action"]
    "fortiauthenticator.status"      = ["kv.status"]
  }
  fields = { "event.kind" = "event", "observer.type" = "authentication-server" }

  sub_rule "auth-failed" {
    when           = "event.kv.status.matches(\"(?i)^(fail|denied|reject)\") || event.kv.msg.matches(\"(?i)(authentication|login|logon).*(fail|denied|reject|invalid)|(fail|denied|reject|invalid).*(authentication|login|logon)\")"
    classification = "Authentication Failure"
    common_event   = "User Authentication Failed"
    risk           = 5
    fields         = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "failure" }
  }

  sub_rule "auth-success" {
    when           = "event.kv.status.matches(\"(?i)^succe\") || event.kv.msg.matches(\"(?i)(authentication|login|logon).*(succe|accept)\")"
    classification = "Authentication Success"
    common_event   = "User Authentication"
    risk           = 2
    fields         = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }
  }

  sub_rule "logout" {
    when           = "event.kv.msg.matches(\"(?i)log(ged)? ?out\")"
    classification = "Authentication Success"
    common_event   = "User Logoff"
    fields         = { "event.category" = ["authentication"], "event.type" = ["end"] }
  }

  test {
    log    = "<134>date=2024-03-01 time=08:00:05 category=\"Event\" subcategory=\"Authentication\" typeid=20002 level=\"information\" user=\"bob\" nas=\"vpn-gw1\" userip=192.0.2.44 userdesc=\"\" msg=\"RADIUS authentication failure for user bob: invalid token code\""
    expect = { sub_rule = "auth-failed", login = "bob", sip = "192.0.2.44", "fortiauthenticator.nas" = "vpn-gw1", "event.code" = "20002" }
  }

  test {
    log             = "date=2024-03-01 time=08:01:00 category=\"Event\" subcategory=\"Admin Configuration\" typeid=10001 level=\"information\" user=\"admin\" nas=\"\" userip=192.0.2.99 msg=\"Administrator admin logged in successfully from 192.0.2.99: Local administrator authentication succeeded\""
    log_source_type = "syslog"
    expect          = { sub_rule = "auth-success", "observer.product" = "FortiAuthenticator", "fortiauthenticator.subcategory" = "Admin Configuration" }
  }

  test {
    log    = "2024-03-01T08:03:00-03:00 fac1 db[31013]:  category=\"Event\" subcategory=\"Authentication\" typeid=20001 level=\"information\" user=\"frank\" nas=\"192.0.2.1\" action=\"Authentication\" status=\"Failed\" Remote RADIUS user authentication with invalid token"
    expect = { sub_rule = "auth-failed", login = "frank", "event.action" = "Authentication", "event.reason" = "Remote RADIUS user authentication with invalid token" }
  }

  test {
    log    = "date=2024-03-01 time=08:02:00 devid=\"FAC-VM0000000001\" devname=\"fac1\" logid=\"20003\" type=\"event\" subtype=\"Authentication\" level=\"information\" user=\"erin\" nas=\"192.0.2.1\" userip=192.0.2.45 msg=\"Local user authentication with FortiToken successful\""
    expect = { sub_rule = "auth-success", "observer.serial_number" = "FAC-VM0000000001", login = "erin" }
  }
}
