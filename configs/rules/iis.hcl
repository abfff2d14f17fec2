# Microsoft IIS: the W3C extended log format, as IIS writes it by default
# (date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username
# c-ip cs(User-Agent) [cs(Referer)] sc-status sc-substatus
# sc-win32-status time-taken), with or without s-sitename and
# s-computername first, as a file or relayed by syslog (nxlog, Snare).
# The request line is matched by its method, which the selector picks it
# by; a line cut short (very long query strings) still reads up to its
# query. Attacks in the query (SQL injection, traversal) are flagged.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "iis" {
  header   = "none"
  timezone = "UTC"
  vendor   = "Microsoft"
  product  = "IIS"
  module   = "iis"
}

# 2024-03-12 10:11:12 (W3C logs are in UTC)
tag "iis_time" {
  pattern = <<-RE
    \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "2006-01-02 15:04:05"
}

rule "iis-w3c-access" {
  description      = "one request in W3C extended format"
  log_source_types = ["iis"]
  sort_order       = 400
  pattern          = <<-RE
    (?:^|\s)<iis_time> (?:(?P<labels__site_name>W3SVC\d+|[\w.-]+) (?P<labels__server_name>[\w.-]+) )?<dip> (?P<http__request__method>GET|POST|HEAD|PUT|DELETE|PATCH|OPTIONS|PROPFIND|TRACE|MKCOL|COPY|MOVE|LOCK|UNLOCK|SEARCH|RPC_IN_DATA) (?P<url__path>\S+) (?:-|(?P<url__query>\S+))(?: <dport> (?:-|<login>) <sip> (?:-|(?P<user_agent__original>\S+))(?: (?:-|(?P<http__request__referrer>\S+)))? <status> (?P<labels__substatus>\d+) (?P<labels__win32_status>\d+) (?P<labels__time_taken>\d+))?
  RE
  classification   = "Access Success"
  common_event     = "Web Request"
  risk             = 0
  fields = {
    "event.category" = ["web"]
    "event.type"     = ["access"]
    "event.outcome"  = "success"
  }

  sub_rule "sql-injection" {
    when           = <<-CEL
      has(event.url.query) && event.url.query.matches("(?i)(union(\\s|\\+|%20)+(all(\\s|\\+|%20)+)?select|declare(\\s|\\+|%20)+@|cast\\(|exec(\\s|\\+|%20)*\\(|xp_cmdshell|waitfor(\\s|\\+|%20)+delay|sleep\\(|information_schema|sysobjects|'(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)+['\\d])")
    CEL
    classification = "Attack"
    common_event   = "SQL Injection Attempt"
    risk           = 7
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "sql_injection" }
  }
  sub_rule "path-traversal" {
    when           = <<-CEL
      (has(event.url.query) && event.url.query.matches("(?i)(\\.\\./|\\.\\.%2f|%2e%2e|\\.\\.\\\\)")) || event.url.path.contains("../")
    CEL
    classification = "Attack"
    common_event   = "Path Traversal Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "path_traversal" }
  }
  sub_rule "scanner" {
    when           = <<-CEL
      has(event.user_agent.original) && event.user_agent.original.matches("(?i)(nikto|sqlmap|nmap|w3af|zmeu|masscan|acunetix|nessus|openvas|fingerprinter|dirbuster|havij)")
    CEL
    classification = "Reconnaissance"
    common_event   = "Web Scanner"
    risk           = 4
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "scanner" }
  }
  sub_rule "server-error" {
    when           = "event.status >= 500"
    classification = "Error"
    common_event   = "Web Request Server Error"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "denied" {
    when           = "event.status in [401, 403]"
    classification = "Access Failure"
    common_event   = "Web Request Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "client-error" {
    when           = "event.status >= 400"
    classification = "Access Failure"
    common_event   = "Web Request Failed"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "2024-03-12 10:11:12 192.0.2.10 GET /default.aspx id=7 443 CORP\\erin 198.51.100.23 Mozilla/5.0+(Windows+NT+10.0) https://www.example.com/ 200 0 0 46"
    expect = { dip = "192.0.2.10", httpmethod = "GET", "url.path" = "/default.aspx", "url.query" = "id=7", dport = "443", login = "CORP\\erin", sip = "198.51.100.23", status = "200", "labels.time_taken" = "46", "@timestamp" = "2024-03-12T10:11:12Z", "observer.product" = "IIS" }
  }
  test {
    log             = "Mar 12 10:11:13 web3 nxlog: 2024-03-12 10:11:13 W3SVC1 WEB3 192.0.2.10 GET /item.asp id=1'%20or%20'1'='1 80 - 203.0.113.50 sqlmap/1.7 - 500 0 0 15"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.50", "labels.site_name" = "W3SVC1", sub_rule = "sql-injection", status = "500" }
  }
}
