# ModSecurity (v2 in Apache, v3/libmodsecurity in nginx): the lines it
# writes into the web server's error log ("ModSecurity: Access denied
# with code 403 (phase 2). … [id "949110"] [msg "…"] …"), its startup
# line, and the A section of the native audit log (joined as one
# multi-line event, or its first lines alone). The rule that fired goes
# to rule.id / rule.name, the request's host and URI to url.domain /
# url.path.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "modsecurity" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "OWASP"
  product  = "ModSecurity"
  module   = "modsecurity"
}

rule "modsecurity-alert" {
  description      = "ModSecurity: Access denied / Warning / Access allowed … [file] [line] [id] [msg] [data] [severity] … [hostname] [uri] [unique_id]"
  log_source_types = ["modsecurity"]
  sort_order       = 300
  pattern          = <<-RE
    (?:\[client <sip>(?::<sport>)?\] (?:\[client [^\]]*\] )?)?ModSecurity: (?P<event__action>Access denied|Warning|Access allowed|Rule processing failed|Audit log)(?: with (?:code (?:<status>|\d+)|connection close|redirection to (?P<labels__redirect>\S+)))?(?: \(phase (?P<labels__phase>\d)\))?\.? (?P<error__message>[^\[]*?)(?:.*?\[id "(?P<rule__id>\d+)"\])?(?:.*?\[msg "(?P<rule__name>[^"]*)"\])?(?:.*?\[data "(?P<labels__data>(?:[^"\\]|\\.)*)"\])?(?:.*?\[severity "(?P<labels__modsec_severity>[^"]*)"\])?(?:.*?\[hostname "(?P<url__domain>[^"]*)"\])?(?:.*?\[uri "(?P<url__path>[^"]*)"\])?(?:.*?\[unique_id "(?P<labels__unique_id>[^"]*)"\])?(?:.*?, client: <sip>)?(?:.*?, request: "<httpmethod> <url>(?: HTTP/[\d.]+)?")?
  RE
  classification   = "Failed Attack"
  common_event     = "Web Application Firewall Block"
  risk             = 5
  fields           = { "event.category" = ["intrusion_detection", "web"], "event.type" = ["denied"], "event.outcome" = "failure", "observer.type" = "waf" }

  sub_rule "warning" {
    when           = "event.event.action == \"Warning\""
    classification = "Suspicious"
    common_event   = "Web Application Firewall Alert"
    risk           = 4
    fields         = { "event.type" = ["info"], "event.outcome" = "unknown" }
  }
  sub_rule "allowed" {
    when           = "event.event.action == \"Access allowed\""
    classification = "Information"
    common_event   = "Web Application Firewall Allow"
    risk           = 1
    fields         = { "event.type" = ["allowed"], "event.outcome" = "success" }
  }
  sub_rule "failed" {
    when           = "event.event.action == \"Rule processing failed\""
    classification = "Error"
    common_event   = "Web Application Firewall Error"
    risk           = 2
  }

  test {
    log             = "[Tue Mar 12 10:11:12.123456 2024] [:error] [pid 3030] [client 203.0.113.120:40404] [client 203.0.113.120] ModSecurity: Access denied with code 403 (phase 2). Matched \"Operator `Ge' with parameter `5' against variable `TX:ANOMALY_SCORE' (Value: `5' )\" at TX:anomaly_score. [file \"/etc/modsecurity/crs/REQUEST-949-BLOCKING-EVALUATION.conf\"] [line \"80\"] [id \"949110\"] [msg \"Inbound Anomaly Score Exceeded (Total Score: 5)\"] [severity \"CRITICAL\"] [ver \"OWASP_CRS/3.3.5\"] [tag \"application-multi\"] [hostname \"www.example.com\"] [uri \"/login.php\"] [unique_id \"ZfA1bC0AAAEAAAAA\"]"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.120", sport = "40404", "event.action" = "Access denied", status = "403", "labels.phase" = "2", "rule.id" = "949110", "rule.name" = "Inbound Anomaly Score Exceeded (Total Score: 5)", "url.domain" = "www.example.com", "url.path" = "/login.php", "observer.product" = "ModSecurity" }
  }
  test {
    log             = "2024/03/12 10:11:13 [error] 4040#4040: *9 [client 203.0.113.121] ModSecurity: Warning. Matched \"Operator `Rx' with parameter `(?i)<script' against variable `ARGS:q' (Value: `<script>' ) [file \"/etc/nginx/crs/REQUEST-941-APPLICATION-ATTACK-XSS.conf\"] [line \"55\"] [id \"941100\"] [rev \"\"] [msg \"XSS Attack Detected via libinjection\"] [data \"Matched Data: XSS data found within ARGS:q: <script>\"] [severity \"2\"] [ver \"OWASP_CRS/3.3.5\"] [hostname \"192.0.2.70\"] [uri \"/search\"] [unique_id \"171023827311.000001\"] [ref \"v9,8t:utf8toUnicode\"], client: 203.0.113.121, server: www.example.com, request: \"GET /search?q=<script> HTTP/1.1\", host: \"www.example.com\""
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.121", "rule.id" = "941100", sub_rule = "warning", "url.path" = "/search", httpmethod = "GET" }
  }
}

rule "modsecurity-audit-a" {
  description      = "audit log section A: --id-A-- then [date] unique_id client_ip client_port server_ip server_port"
  log_source_types = ["modsecurity"]
  sort_order       = 310
  pattern          = <<-RE
    --(?P<labels__transaction_id>[0-9A-Za-z]{8})-A--(?:\s+\[<web_httpdate>\] (?P<labels__unique_id>\S+) <sip> <sport> <dip> <dport>)?
  RE
  classification   = "Information"
  common_event     = "Web Application Firewall Audit Record"
  risk             = 1
  fields           = { "event.category" = ["web"] }

  sub_rule "denied" {
    when           = <<-CEL
      event.message.contains("Action: Intercepted")
    CEL
    classification = "Failed Attack"
    common_event   = "Web Application Firewall Block"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "--5f8a2c1e-A--\n[12/Mar/2024:10:11:14 +0000] ZfA1bC0AAAEAAAAB 203.0.113.122 40405 192.0.2.70 443\n--5f8a2c1e-B--\nGET /admin HTTP/1.1\n--5f8a2c1e-H--\nMessage: Access denied with code 403 (phase 1).\nAction: Intercepted (phase 1)\n--5f8a2c1e-Z--"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.122", dport = "443", "labels.transaction_id" = "5f8a2c1e", sub_rule = "denied" }
  }
}

rule "modsecurity-started" {
  log_source_types = ["modsecurity"]
  sort_order       = 320
  pattern          = <<-RE
    ModSecurity(?: for (?P<labels__server>\S+))?(?:/| v)(?P<labels__version>[\d.]+)(?: \([^)]*\))? (?:configured|is enabled|started)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Web Application Firewall Started"
  risk             = 0

  test {
    log             = "[Tue Mar 12 10:11:15.000000 2024] [:notice] [pid 3000] ModSecurity for Apache/2.9.7 (http://www.modsecurity.org/) configured."
    log_source_type = "syslog"
    expect          = { "labels.server" = "Apache", "labels.version" = "2.9.7" }
  }
}
