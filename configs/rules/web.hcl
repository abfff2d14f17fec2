# Web servers: Apache httpd and nginx access and error logs.
#
# Access logs in the common, combined and vhost_combined formats (and
# Apache's ssl_request_log) share their rules between apache-access and
# nginx-access. The outcome follows the status: 4xx and 5xx are failures.
# The user and user agent are kept as written, "-" included (as Elastic
# and LogRhythm do: "-" is what the server logged); the referrer "-" is not.
#
# Test lines are made up.

log_source_type "apache-access" {
  header   = "none"
  timezone = "UTC"
}

log_source_type "nginx-access" {
  header   = "none"
  timezone = "UTC"
}

log_source_type "apache-error" {
  header   = "none"
  timezone = "UTC"
}

# Loghub's Apache data set is an Apache 2.0 error log.
log_source_type "loghub-apache" {
  header   = "none"
  timezone = "UTC"
}

log_source_type "nginx-error" {
  header   = "none"
  timezone = "UTC"
}

# [10/Oct/2000:13:55:36 -0700]
tag "httpdate" {
  pattern = <<-RE
    \d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "02/Jan/2006:15:04:05 -0700"
}

# [Wed Oct 11 14:32:52 2000] or with microseconds (Apache 2.4).
tag "apachetime" {
  pattern = <<-RE
    [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d+)? \d{4}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "Mon Jan _2 15:04:05 2006"
}

# 2016/10/25 14:49:34
tag "nginxtime" {
  pattern = <<-RE
    \d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "2006/01/02 15:04:05"
}

tag "httpbytes" {
  pattern = "\\d+"
  field   = "http.response.body.bytes"
  type    = "int"
}

tag "httpversion" {
  pattern = <<-RE
    \d+(?:\.\d+)?
  RE
  field   = "http.version"
}

tag "referrer" {
  pattern = "[^\"]*"
  field   = "http.request.referrer"
}

# ---------------------------------------------------------- access logs

rule "http-access" {
  description      = "common and combined log format; the client may be a list (X-Forwarded-For): the first is taken"
  log_source_types = ["apache-access", "nginx-access"]
  sort_order       = 100
  pattern          = <<-RE
    ^"?(?P<shost>[^\s,"]+)(?:,\s*[^\s,"]+)*"? (?:\S+) <login> \[<httpdate>\] "(?:<httpmethod> <url>(?: HTTP/<httpversion>)?|[^"]*)" <status> (?:<httpbytes>|-)(?: "(?:-|<referrer>)" "<useragent>")?
  RE
  classification   = "Access Success"
  common_event     = "Web Request"
  risk             = 0
  fields = {
    "event.category" = ["web"]
    "event.type"     = ["access"]
    "event.outcome"  = "success"
  }

  sub_rule "server-error" {
    when           = "event.status >= 500"
    classification = "Error"
    common_event   = "Web Request Server Error"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "denied" {
    when           = "event.status in [401, 403, 407]"
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
    log = "198.51.100.30 - carol [12/Mar/2024:10:11:12 +0100] \"GET /shop/cart?id=7 HTTP/1.1\" 200 5120 \"https://www.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) ExampleBrowser/1.0\""
    expect = {
      sip                        = "198.51.100.30"
      login                      = "carol"
      httpmethod                 = "GET"
      url                        = "/shop/cart?id=7"
      "url.path"                 = "/shop/cart"
      "url.query"                = "id=7"
      status                     = "200"
      "http.response.body.bytes" = "5120"
      useragent                  = "Mozilla/5.0 (X11; Linux x86_64) ExampleBrowser/1.0"
      "http.request.referrer"    = "https://www.example.com/"
      "@timestamp"               = "2024-03-12T09:11:12Z"
      "event.outcome"            = "success"
    }
  }
  test {
    log    = "2001:db8::5 - - [12/Mar/2024:10:11:13 +0000] \"-\" 408 -"
    expect = { sip = "2001:db8::5", status = "408", login = "-", "event.outcome" = "failure", classification = "Access Failure" }
  }
  test {
    log             = "192.0.2.90, 10.1.1.1 - - [12/Mar/2024:10:11:14 +0000] \"POST /admin HTTP/1.1\" 403 12 \"-\" \"curl/8.0\""
    expect          = { sip = "192.0.2.90", common_event = "Web Request Denied", referrer = "" }
    log_source_type = "nginx-access"
  }
}

rule "http-access-vhost" {
  description      = "vhost_combined: the virtual host first"
  log_source_types = ["apache-access", "nginx-access"]
  sort_order       = 110
  pattern          = <<-RE
    ^(?P<url__domain>[^\s,"]+) (?P<shost>[^\s,"]+) (?:\S+) <login> \[<httpdate>\] "(?:<httpmethod> <url>(?: HTTP/<httpversion>)?|[^"]*)" <status> (?:<httpbytes>|-)(?: "(?:-|<referrer>)" "<useragent>")?
  RE
  classification   = "Access Success"
  common_event     = "Web Request"
  risk             = 0
  fields = {
    "event.category" = ["web"]
    "event.type"     = ["access"]
    "event.outcome"  = "success"
  }

  sub_rule "server-error" {
    when           = "event.status >= 500"
    classification = "Error"
    common_event   = "Web Request Server Error"
    risk           = 2
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
    log    = "shop.example.com 192.0.2.91 - - [12/Mar/2024:10:11:15 +0000] \"GET /a%20b.txt HTTP/1.1\" 206 100 \"-\" \"Wget/1.21\""
    expect = { "url.domain" = "shop.example.com", sip = "192.0.2.91", url = "/a%20b.txt", "url.path" = "/a b.txt", status = "206" }
  }
}

rule "http-access-forwarded" {
  description      = "a quoted X-Forwarded-For list, then the client"
  log_source_types = ["nginx-access", "apache-access"]
  sort_order       = 120
  pattern          = <<-RE
    ^"(?P<labels__forwarded_for>[^"]*)" (?P<shost>[^\s,"]+) (?:\S+) <login> \[<httpdate>\] "(?:<httpmethod> <url>(?: HTTP/<httpversion>)?|[^"]*)" <status> (?:<httpbytes>|-)(?: "(?:-|<referrer>)" "<useragent>")?
  RE
  classification   = "Access Success"
  common_event     = "Web Request"
  risk             = 0
  fields = {
    "event.category" = ["web"]
    "event.type"     = ["access"]
    "event.outcome"  = "success"
  }

  sub_rule "failed" {
    when           = "event.status >= 400"
    classification = "Access Failure"
    common_event   = "Web Request Failed"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "\"203.0.113.5, 198.51.100.1\" 10.0.0.5 - - [12/Mar/2024:10:11:16 +0000] \"GET /img.png HTTP/1.1\" 200 2048 \"-\" \"Amazon CloudFront\""
    expect          = { sip = "10.0.0.5", "labels.forwarded_for" = "203.0.113.5, 198.51.100.1", url = "/img.png" }
    log_source_type = "nginx-access"
  }
}

rule "apache-ssl-request" {
  description      = "Apache's ssl_request_log: time, client, TLS protocol and cipher, request, bytes"
  log_source_types = ["apache-access"]
  sort_order       = 130
  pattern          = <<-RE
    ^\[<httpdate>\] <shost> (?P<tls__version_protocol>[A-Za-z]+)v?(?P<tls__version>[\d.]+) (?P<tls__cipher>\S+) "(?:<httpmethod> <url>(?: HTTP/<httpversion>)?|[^"]*)" (?:<httpbytes>|-)
  RE
  classification   = "Access Success"
  common_event     = "Web Request"
  risk             = 0
  fields           = { "event.category" = ["web"], "event.type" = ["access"] }

  test {
    log    = "[12/Mar/2024:10:11:17 +0100] 192.0.2.92 TLSv1.3 TLS_AES_256_GCM_SHA384 \"GET /login HTTP/1.1\" 3100"
    expect = { sip = "192.0.2.92", "tls.version" = "1.3", "tls.cipher" = "TLS_AES_256_GCM_SHA384", url = "/login", "http.response.body.bytes" = "3100" }
  }
}

# ----------------------------------------------------------- error logs

rule "apache-error" {
  description      = "Apache 2.2 and 2.4 error log: [time] [module:level] [pid n:tid m] [client ip:port] AHnnnnn: message"
  log_source_types = ["apache-error", "loghub-apache"]
  sort_order       = 1000
  pattern          = <<-RE
    ^\[<apachetime>\] \[(?:(?P<labels__module>[^:\]]+):)?<severity>\](?: \[pid <pid>(?::tid (?P<process__thread__id>\d+))?\])?(?: \[client <sip>(?::<sport>)?\])?(?: (?P<error__code>AH\d+):)? (?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "Web Server Message"
  risk             = 0
  fields           = { "event.category" = ["web"], "event.kind" = "event" }

  sub_rule "error" {
    when           = <<-CEL
      event.severity in ["error", "crit", "alert", "emerg"]
    CEL
    classification = "Error"
    common_event   = "Web Server Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.severity == \"warn\""
    classification = "Warning"
    common_event   = "Web Server Warning"
    risk           = 1
  }

  test {
    log    = "[Tue Mar 12 10:11:18.123456 2024] [core:error] [pid 4242:tid 140000] [client 192.0.2.93:51515] AH01630: client denied by server configuration: /var/www/private"
    expect = { severity = "error", pid = "4242", sip = "192.0.2.93", sport = "51515", "error.code" = "AH01630", "error.message" = "client denied by server configuration: /var/www/private", classification = "Error", "@timestamp" = "2024-03-12T10:11:18.123456Z" }
  }
  test {
    log    = "[Tue Mar 12 10:11:19 2024] [notice] Apache/2.4.58 (Unix) configured -- resuming normal operations"
    expect = { severity = "notice", classification = "Information", "error.message" = "Apache/2.4.58 (Unix) configured -- resuming normal operations" }
  }
}

rule "apache-file-not-found" {
  description      = "a request for a file that does not exist"
  log_source_types = ["apache-error", "loghub-apache"]
  sort_order       = 900
  pattern          = <<-RE
    ^\[<apachetime>\] \[(?:(?P<labels__module>[^:\]]+):)?<severity>\](?: \[pid <pid>(?::tid (?P<process__thread__id>\d+))?\])?(?: \[client <sip>(?::<sport>)?\])?(?: (?P<error__code>AH\d+):)? (?P<error__message>File does not exist: (?P<file__path>[^,]+))(?:, referer: <referrer>)?
  RE
  classification   = "Access Failure"
  common_event     = "Web File Not Found"
  risk             = 1
  fields           = { "event.category" = ["web"], "event.outcome" = "failure" }

  test {
    log    = "[Tue Mar 12 10:11:20 2024] [error] [client 192.0.2.94] File does not exist: /var/www/favicon.ico, referer: http://www.example.com/"
    expect = { sip = "192.0.2.94", object = "/var/www/favicon.ico", referrer = "http://www.example.com/", severity = "error" }
  }
}

rule "apache-directory-forbidden" {
  description      = "a directory listing refused by configuration"
  log_source_types = ["apache-error", "loghub-apache"]
  sort_order       = 900
  pattern          = <<-RE
    ^\[<apachetime>\] \[(?:[^:\]]+:)?<severity>\](?: \[pid <pid>[^\]]*\])? \[client <sip>(?::<sport>)?\](?: AH\d+:)? (?P<error__message>Directory index forbidden by (?:rule|Options directive): (?P<file__path>\S+))
  RE
  classification   = "Access Failure"
  common_event     = "Web Directory Listing Refused"
  risk             = 2
  fields           = { "event.category" = ["web"], "event.outcome" = "failure" }

  test {
    log    = "[Tue Mar 12 10:11:21 2024] [error] [client 198.51.100.95] Directory index forbidden by rule: /var/www/html/"
    expect = { sip = "198.51.100.95", object = "/var/www/html/", classification = "Access Failure" }
  }
}

rule "apache-mod-jk-child" {
  description      = "mod_jk / jk2 worker processes (found in, or missing from, the scoreboard; init; error state)"
  log_source_types = ["apache-error", "loghub-apache"]
  sort_order       = 900
  pattern          = <<-RE
    ^\[<apachetime>\] \[<severity>\] (?P<error__message>(?:jk2_init\(\) (?:Found child <pid> in scoreboard slot (?P<labels__slot>\d+)|Can't find child <pid> in scoreboard)|mod_jk child (?:init (?P<labels__init_a>-?\d+) (?P<labels__init_b>-?\d+)|workerEnv in error state (?P<labels__state>\d+))))$
  RE
  classification   = "Information"
  common_event     = "Web Server Worker Status"
  risk             = 0
  fields           = { "event.category" = ["web"] }

  sub_rule "error" {
    when           = "event.severity == \"error\""
    classification = "Error"
    common_event   = "Web Server Worker Error"
    risk           = 1
  }

  test {
    log    = "[Tue Mar 12 10:11:22 2024] [notice] jk2_init() Found child 5151 in scoreboard slot 7"
    expect = { pid = "5151", "labels.slot" = "7", classification = "Information" }
  }
  test {
    log    = "[Tue Mar 12 10:11:23 2024] [error] mod_jk child workerEnv in error state 6"
    expect = { "labels.state" = "6", classification = "Error" }
  }
}

rule "apache-worker-env-init" {
  description      = "jk2 workerEnv initialised with its properties file"
  log_source_types = ["apache-error", "loghub-apache"]
  sort_order       = 900
  pattern          = <<-RE
    ^\[<apachetime>\] \[<severity>\] (?P<error__message>workerEnv\.init\(\) ok (?P<file__path>\S+))
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Web Server Worker Started"
  risk             = 0

  test {
    log    = "[Tue Mar 12 10:11:24 2024] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties"
    expect = { object = "/etc/httpd/conf/workers2.properties", severity = "notice" }
  }
}

rule "nginx-error" {
  description      = "nginx error log: time [level] pid#tid: *connection message, client: ip, server: name, request: \"…\""
  log_source_types = ["nginx-error"]
  sort_order       = 1000
  pattern          = <<-RE
    ^<nginxtime> \[<severity>\] <pid>#(?P<process__thread__id>\d+): (?:\*(?P<labels__connection_id>\d+) )?(?P<error__message>(?s:.*?))(?:, client: <sip>(?:, server: (?P<labels__server>[^,]*))?(?:, request: "<httpmethod> <url>(?: HTTP/<httpversion>)?")?(?:, upstream: "(?P<labels__upstream>[^"]*)")?(?:, host: "(?P<url__domain>[^":]*)(?::\d+)?")?(?:, referrer: "<referrer>")?(?s:.*))?$
  RE
  classification   = "Information"
  common_event     = "Web Server Message"
  risk             = 0
  fields           = { "event.category" = ["web"] }

  sub_rule "error" {
    when           = <<-CEL
      event.severity in ["error", "crit", "alert", "emerg"]
    CEL
    classification = "Error"
    common_event   = "Web Server Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.severity == \"warn\""
    classification = "Warning"
    common_event   = "Web Server Warning"
    risk           = 1
  }

  test {
    log    = "2024/03/12 10:11:25 [error] 3131#3131: *77 open() \"/srv/www/missing.html\" failed (2: No such file or directory), client: 192.0.2.96, server: www.example.com, request: \"GET /missing.html HTTP/2.0\", host: \"www.example.com\""
    expect = { severity = "error", pid = "3131", sip = "192.0.2.96", url = "/missing.html", httpmethod = "GET", "labels.server" = "www.example.com", "error.message" = "open() \"/srv/www/missing.html\" failed (2: No such file or directory)", "@timestamp" = "2024-03-12T10:11:25Z" }
  }
  test {
    log    = "2024/03/12 10:11:26 [notice] 1#1: signal process started"
    expect = { severity = "notice", pid = "1", "error.message" = "signal process started", classification = "Information" }
  }
  # A multi-line event (multiline { pattern = "^\\d{4}/\\d{2}/\\d{2} ", negate = true }):
  # PHP-FPM's messages continue on lines of their own.
  test {
    log    = "2024/03/12 10:11:27 [error] 2050#2050: *18 FastCGI sent in stderr: \"PHP message: PHP Warning:  Undefined variable $x in /srv/a.php on line 3\nPHP message: PHP Warning:  Undefined variable $y in /srv/a.php on line 4\" while reading response header from upstream, client: 192.0.2.7, server: www.example.com, request: \"GET /a.php HTTP/1.1\""
    expect = { severity = "error", pid = "2050", sip = "192.0.2.7", url = "/a.php", "error.message" = "FastCGI sent in stderr: \"PHP message: PHP Warning:  Undefined variable $x in /srv/a.php on line 3\nPHP message: PHP Warning:  Undefined variable $y in /srv/a.php on line 4\" while reading response header from upstream" }
  }
}
