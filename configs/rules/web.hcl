# Web servers: Apache httpd and nginx access and error logs.
#
# Access logs in the common, combined and vhost_combined formats (and
# Apache's ssl_request_log) share their rules between apache-access and
# nginx-access. The outcome follows the status: 4xx and 5xx are failures.
# The user and user agent are kept as written, "-" included (as Elastic
# and LogRhythm do: "-" is what the server logged); the referrer "-" is not.
#
# The four types name their vendor (Apache, nginx): the rules of the
# "over syslog" section below are written to be selected by literals
# (a month in the date, a bracketed level), so that a line relayed by
# syslog (`nginx: 192.0.2.1 - - [...] "GET ..."`, with or without the
# header) is identified on a plain syslog listener too.
#
# Test lines are made up.

log_source_type "apache-access" {
  header   = "none"
  timezone = "UTC"
  vendor   = "Apache"
  product  = "HTTP Server"
  module   = "apache"
}

log_source_type "nginx-access" {
  header   = "none"
  timezone = "UTC"
  vendor   = "nginx"
  product  = "nginx"
  module   = "nginx"
}

log_source_type "apache-error" {
  header   = "none"
  timezone = "UTC"
  vendor   = "Apache"
  product  = "HTTP Server"
  module   = "apache"
}

# Loghub's Apache data set is an Apache 2.0 error log.
log_source_type "loghub-apache" {
  header   = "none"
  timezone = "UTC"
}

log_source_type "nginx-error" {
  header   = "none"
  timezone = "UTC"
  vendor   = "nginx"
  product  = "nginx"
  module   = "nginx"
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

  # Attacks written into the request (Wazuh's web_appsec and web_rules
  # families); the first that holds wins, whatever the status.
  sub_rule "shellshock" {
    when           = <<-CEL
      (has(event.useragent) && event.useragent.contains("() {")) || (has(event.referrer) && event.referrer.contains("() {")) || (has(event.url) && event.url.matches("\\(\\)(\\s|%20)*\\{"))
    CEL
    classification = "Attack"
    common_event   = "Shellshock Attempt"
    risk           = 8
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "shellshock" }
  }
  sub_rule "sql-injection" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(union(\\s|\\+|%20|/\\*.*?\\*/)+(all(\\s|\\+|%20)+)?select|select(\\s|\\+|%20)+.+(\\s|\\+|%20)from(\\s|\\+|%20)|(pg_)?sleep\\(\\s*\\d|benchmark\\(|waitfor(\\s|\\+|%20)+delay|information_schema|declare(\\s|\\+|%20)+@|%27(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)|'(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)+['\\d]|(;|%3b)(\\s|\\+|%20)*(drop|insert|update|delete)(\\s|\\+|%20)|xp_cmdshell|sysdate\\(\\))")
    CEL
    classification = "Attack"
    common_event   = "SQL Injection Attempt"
    risk           = 7
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "sql_injection" }
  }
  sub_rule "xss" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)((<|%3c)(\\s|%20)*/?(script|iframe|img|svg|body|object|embed)|javascript:|vbscript:|on(error|load|mouseover|focus)(\\s|%20)*=|document\\.(cookie|location)|alert\\(|String\\.fromCharCode)")
    CEL
    classification = "Attack"
    common_event   = "Cross-Site Scripting Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "xss" }
  }
  sub_rule "path-traversal" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(\\.\\./|\\.\\.%2f|%2e%2e(/|%2f)|\\.\\.\\\\|\\.\\.%5c|/etc/(passwd|shadow|hosts)|win\\.ini|boot\\.ini|/proc/self/)")
    CEL
    classification = "Attack"
    common_event   = "Path Traversal Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "path_traversal" }
  }
  sub_rule "injection" {
    # remote file inclusion, command injection, CRLF (response splitting), PHP code
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(=(https?|ftp)(://|%3a%2f%2f)|[?&](cmd|exec|command)=|%0d%0a|phpinfo\\(|base64_decode\\(|eval\\(|system\\(|passthru\\(|/bin/(ba)?sh|wget(\\s|\\+|%20)+http)")
    CEL
    classification = "Attack"
    common_event   = "Web Injection Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "injection" }
  }
  sub_rule "scanner" {
    when           = <<-CEL
      has(event.useragent) && event.useragent.matches("(?i)(nikto|sqlmap|nmap|w3af|zmeu|morfeus|libwww-perl|masscan|dirbuster|gobuster|acunetix|nessus|openvas|wpscan|the beast|paros|webinspect|havij|jorgee|nuclei|zgrab|fimap|python-requests|fingerprinter)")
    CEL
    classification = "Reconnaissance"
    common_event   = "Web Scanner"
    risk           = 4
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "scanner" }
  }
  sub_rule "probe" {
    # requests for files a site should not serve: backups, dot files, admin pages, known exploit paths
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(/\\.(git|svn|hg|ssh|env|htaccess|htpasswd|history|bash_history|ds_store)|\\.(bak|swp|old|orig|sql|save)$|phpmyadmin|php-my-admin|/server-status|/wp-login\\.php|/xmlrpc\\.php|/wp-comments-post\\.php|/administrator|/cgi-bin/|timthumb|thumb\\.php\\?src=|uploadify|/setup\\.php|\\?cPath=|login\\.php\\?|\\.php/)")
    CEL
    classification = "Suspicious"
    common_event   = "Web Probe"
    risk           = 3
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "probe" }
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

  # Attacks written into the request (Wazuh's web_appsec and web_rules
  # families); the first that holds wins, whatever the status.
  sub_rule "shellshock" {
    when           = <<-CEL
      (has(event.useragent) && event.useragent.contains("() {")) || (has(event.referrer) && event.referrer.contains("() {")) || (has(event.url) && event.url.matches("\\(\\)(\\s|%20)*\\{"))
    CEL
    classification = "Attack"
    common_event   = "Shellshock Attempt"
    risk           = 8
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "shellshock" }
  }
  sub_rule "sql-injection" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(union(\\s|\\+|%20|/\\*.*?\\*/)+(all(\\s|\\+|%20)+)?select|select(\\s|\\+|%20)+.+(\\s|\\+|%20)from(\\s|\\+|%20)|(pg_)?sleep\\(\\s*\\d|benchmark\\(|waitfor(\\s|\\+|%20)+delay|information_schema|declare(\\s|\\+|%20)+@|%27(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)|'(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)+['\\d]|(;|%3b)(\\s|\\+|%20)*(drop|insert|update|delete)(\\s|\\+|%20)|xp_cmdshell|sysdate\\(\\))")
    CEL
    classification = "Attack"
    common_event   = "SQL Injection Attempt"
    risk           = 7
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "sql_injection" }
  }
  sub_rule "xss" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)((<|%3c)(\\s|%20)*/?(script|iframe|img|svg|body|object|embed)|javascript:|vbscript:|on(error|load|mouseover|focus)(\\s|%20)*=|document\\.(cookie|location)|alert\\(|String\\.fromCharCode)")
    CEL
    classification = "Attack"
    common_event   = "Cross-Site Scripting Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "xss" }
  }
  sub_rule "path-traversal" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(\\.\\./|\\.\\.%2f|%2e%2e(/|%2f)|\\.\\.\\\\|\\.\\.%5c|/etc/(passwd|shadow|hosts)|win\\.ini|boot\\.ini|/proc/self/)")
    CEL
    classification = "Attack"
    common_event   = "Path Traversal Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "path_traversal" }
  }
  sub_rule "injection" {
    # remote file inclusion, command injection, CRLF (response splitting), PHP code
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(=(https?|ftp)(://|%3a%2f%2f)|[?&](cmd|exec|command)=|%0d%0a|phpinfo\\(|base64_decode\\(|eval\\(|system\\(|passthru\\(|/bin/(ba)?sh|wget(\\s|\\+|%20)+http)")
    CEL
    classification = "Attack"
    common_event   = "Web Injection Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "injection" }
  }
  sub_rule "scanner" {
    when           = <<-CEL
      has(event.useragent) && event.useragent.matches("(?i)(nikto|sqlmap|nmap|w3af|zmeu|morfeus|libwww-perl|masscan|dirbuster|gobuster|acunetix|nessus|openvas|wpscan|the beast|paros|webinspect|havij|jorgee|nuclei|zgrab|fimap|python-requests|fingerprinter)")
    CEL
    classification = "Reconnaissance"
    common_event   = "Web Scanner"
    risk           = 4
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "scanner" }
  }
  sub_rule "probe" {
    # requests for files a site should not serve: backups, dot files, admin pages, known exploit paths
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(/\\.(git|svn|hg|ssh|env|htaccess|htpasswd|history|bash_history|ds_store)|\\.(bak|swp|old|orig|sql|save)$|phpmyadmin|php-my-admin|/server-status|/wp-login\\.php|/xmlrpc\\.php|/wp-comments-post\\.php|/administrator|/cgi-bin/|timthumb|thumb\\.php\\?src=|uploadify|/setup\\.php|\\?cPath=|login\\.php\\?|\\.php/)")
    CEL
    classification = "Suspicious"
    common_event   = "Web Probe"
    risk           = 3
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "probe" }
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

  # Attacks written into the request (Wazuh's web_appsec and web_rules
  # families); the first that holds wins, whatever the status.
  sub_rule "shellshock" {
    when           = <<-CEL
      (has(event.useragent) && event.useragent.contains("() {")) || (has(event.referrer) && event.referrer.contains("() {")) || (has(event.url) && event.url.matches("\\(\\)(\\s|%20)*\\{"))
    CEL
    classification = "Attack"
    common_event   = "Shellshock Attempt"
    risk           = 8
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "shellshock" }
  }
  sub_rule "sql-injection" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(union(\\s|\\+|%20|/\\*.*?\\*/)+(all(\\s|\\+|%20)+)?select|select(\\s|\\+|%20)+.+(\\s|\\+|%20)from(\\s|\\+|%20)|(pg_)?sleep\\(\\s*\\d|benchmark\\(|waitfor(\\s|\\+|%20)+delay|information_schema|declare(\\s|\\+|%20)+@|%27(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)|'(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)+['\\d]|(;|%3b)(\\s|\\+|%20)*(drop|insert|update|delete)(\\s|\\+|%20)|xp_cmdshell|sysdate\\(\\))")
    CEL
    classification = "Attack"
    common_event   = "SQL Injection Attempt"
    risk           = 7
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "sql_injection" }
  }
  sub_rule "xss" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)((<|%3c)(\\s|%20)*/?(script|iframe|img|svg|body|object|embed)|javascript:|vbscript:|on(error|load|mouseover|focus)(\\s|%20)*=|document\\.(cookie|location)|alert\\(|String\\.fromCharCode)")
    CEL
    classification = "Attack"
    common_event   = "Cross-Site Scripting Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "xss" }
  }
  sub_rule "path-traversal" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(\\.\\./|\\.\\.%2f|%2e%2e(/|%2f)|\\.\\.\\\\|\\.\\.%5c|/etc/(passwd|shadow|hosts)|win\\.ini|boot\\.ini|/proc/self/)")
    CEL
    classification = "Attack"
    common_event   = "Path Traversal Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "path_traversal" }
  }
  sub_rule "injection" {
    # remote file inclusion, command injection, CRLF (response splitting), PHP code
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(=(https?|ftp)(://|%3a%2f%2f)|[?&](cmd|exec|command)=|%0d%0a|phpinfo\\(|base64_decode\\(|eval\\(|system\\(|passthru\\(|/bin/(ba)?sh|wget(\\s|\\+|%20)+http)")
    CEL
    classification = "Attack"
    common_event   = "Web Injection Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "injection" }
  }
  sub_rule "scanner" {
    when           = <<-CEL
      has(event.useragent) && event.useragent.matches("(?i)(nikto|sqlmap|nmap|w3af|zmeu|morfeus|libwww-perl|masscan|dirbuster|gobuster|acunetix|nessus|openvas|wpscan|the beast|paros|webinspect|havij|jorgee|nuclei|zgrab|fimap|python-requests|fingerprinter)")
    CEL
    classification = "Reconnaissance"
    common_event   = "Web Scanner"
    risk           = 4
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "scanner" }
  }
  sub_rule "probe" {
    # requests for files a site should not serve: backups, dot files, admin pages, known exploit paths
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(/\\.(git|svn|hg|ssh|env|htaccess|htpasswd|history|bash_history|ds_store)|\\.(bak|swp|old|orig|sql|save)$|phpmyadmin|php-my-admin|/server-status|/wp-login\\.php|/xmlrpc\\.php|/wp-comments-post\\.php|/administrator|/cgi-bin/|timthumb|thumb\\.php\\?src=|uploadify|/setup\\.php|\\?cPath=|login\\.php\\?|\\.php/)")
    CEL
    classification = "Suspicious"
    common_event   = "Web Probe"
    risk           = 3
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "probe" }
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

# ---------------------------------------------------------- over syslog
#
# Access and error lines relayed by syslog (rsyslog's imfile, nginx's
# access_log syslog:, Apache's ErrorLog syslog: or a piped logger), or
# copied without their header, arrive on a syslog listener. These rules
# match anywhere in the line and carry literals the selector picks them
# by: the month of the access log's date, the error log's level in
# brackets. They come after the rules of the native types (sort_order
# 5000+), so a line read as apache-access or nginx-error is read as
# before.

# [1/Apr/2024:00:00:01 -0500]: some servers write the day unpadded. The
# months are spelt out so that the selector has a literal to pick by.
tag "web_httpdate" {
  pattern = <<-RE
    \d{1,2}/(?:Jan|Feb|Mar|Apr|May|Jun|Aug|Jul|Sep|Oct|Nov|Dec)/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "2/Jan/2006:15:04:05 -0700"
}

# The level with its closing bracket ("error]"): a literal the selector
# can pick lines by, where "error" alone is in too many lines.
tag "web_level" {
  pattern = <<-RE
    emerg\]|alert\]|crit\]|error\]|warn\]|notice\]|info\]|debug\]
  RE
  field   = "log.level"
  values = {
    "emerg]"  = "emerg"
    "alert]"  = "alert"
    "crit]"   = "crit"
    "error]"  = "error"
    "warn]"   = "warn"
    "notice]" = "notice"
    "info]"   = "info"
    "debug]"  = "debug"
  }
}

rule "http-access-relayed" {
  description      = "an access log line (common, combined, vhost_combined, with X-Forwarded-For) anywhere in a syslog message"
  log_source_types = ["apache-access"]
  sort_order       = 5000
  pattern          = <<-RE
    (?:^|\s)(?:(?P<url__domain>[^\s:"\[]+):\d+ )?"?(?P<shost>[^\s,"\[]*[^\s,"\[:])"?(?:,\s*[^\s,"]+)*(?: \S+){0,2} <login> \[<web_httpdate>\] "(?:<httpmethod> <url>(?: HTTP/<httpversion>)?|[^"]*)" <status> (?:<httpbytes>|-)(?: "(?:-|<referrer>)" +"<useragent>")?
  RE
  classification   = "Access Success"
  common_event     = "Web Request"
  risk             = 0
  fields = {
    "event.category" = ["web"]
    "event.type"     = ["access"]
    "event.outcome"  = "success"
  }

  # Attacks written into the request (Wazuh's web_appsec and web_rules
  # families); the first that holds wins, whatever the status.
  sub_rule "shellshock" {
    when           = <<-CEL
      (has(event.useragent) && event.useragent.contains("() {")) || (has(event.referrer) && event.referrer.contains("() {")) || (has(event.url) && event.url.matches("\\(\\)(\\s|%20)*\\{"))
    CEL
    classification = "Attack"
    common_event   = "Shellshock Attempt"
    risk           = 8
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "shellshock" }
  }
  sub_rule "sql-injection" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(union(\\s|\\+|%20|/\\*.*?\\*/)+(all(\\s|\\+|%20)+)?select|select(\\s|\\+|%20)+.+(\\s|\\+|%20)from(\\s|\\+|%20)|(pg_)?sleep\\(\\s*\\d|benchmark\\(|waitfor(\\s|\\+|%20)+delay|information_schema|declare(\\s|\\+|%20)+@|%27(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)|'(\\s|\\+|%20)*(or|and)(\\s|\\+|%20)+['\\d]|(;|%3b)(\\s|\\+|%20)*(drop|insert|update|delete)(\\s|\\+|%20)|xp_cmdshell|sysdate\\(\\))")
    CEL
    classification = "Attack"
    common_event   = "SQL Injection Attempt"
    risk           = 7
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "sql_injection" }
  }
  sub_rule "xss" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)((<|%3c)(\\s|%20)*/?(script|iframe|img|svg|body|object|embed)|javascript:|vbscript:|on(error|load|mouseover|focus)(\\s|%20)*=|document\\.(cookie|location)|alert\\(|String\\.fromCharCode)")
    CEL
    classification = "Attack"
    common_event   = "Cross-Site Scripting Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "xss" }
  }
  sub_rule "path-traversal" {
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(\\.\\./|\\.\\.%2f|%2e%2e(/|%2f)|\\.\\.\\\\|\\.\\.%5c|/etc/(passwd|shadow|hosts)|win\\.ini|boot\\.ini|/proc/self/)")
    CEL
    classification = "Attack"
    common_event   = "Path Traversal Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "path_traversal" }
  }
  sub_rule "injection" {
    # remote file inclusion, command injection, CRLF (response splitting), PHP code
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(=(https?|ftp)(://|%3a%2f%2f)|[?&](cmd|exec|command)=|%0d%0a|phpinfo\\(|base64_decode\\(|eval\\(|system\\(|passthru\\(|/bin/(ba)?sh|wget(\\s|\\+|%20)+http)")
    CEL
    classification = "Attack"
    common_event   = "Web Injection Attempt"
    risk           = 6
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "injection" }
  }
  sub_rule "scanner" {
    when           = <<-CEL
      has(event.useragent) && event.useragent.matches("(?i)(nikto|sqlmap|nmap|w3af|zmeu|morfeus|libwww-perl|masscan|dirbuster|gobuster|acunetix|nessus|openvas|wpscan|the beast|paros|webinspect|havij|jorgee|nuclei|zgrab|fimap|python-requests|fingerprinter)")
    CEL
    classification = "Reconnaissance"
    common_event   = "Web Scanner"
    risk           = 4
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "scanner" }
  }
  sub_rule "probe" {
    # requests for files a site should not serve: backups, dot files, admin pages, known exploit paths
    when           = <<-CEL
      has(event.url) && event.url.matches("(?i)(/\\.(git|svn|hg|ssh|env|htaccess|htpasswd|history|bash_history|ds_store)|\\.(bak|swp|old|orig|sql|save)$|phpmyadmin|php-my-admin|/server-status|/wp-login\\.php|/xmlrpc\\.php|/wp-comments-post\\.php|/administrator|/cgi-bin/|timthumb|thumb\\.php\\?src=|uploadify|/setup\\.php|\\?cPath=|login\\.php\\?|\\.php/)")
    CEL
    classification = "Suspicious"
    common_event   = "Web Probe"
    risk           = 3
    fields         = { "event.category" = ["web", "intrusion_detection"], "labels.attack" = "probe" }
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
    log             = "Mar 12 10:11:12 www1 nginx: 198.51.100.31 - dave [12/Mar/2024:10:11:12 +0100] \"GET /docs/index.html HTTP/1.1\" 200 812 \"-\" \"ExampleBrowser/2.0\""
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.31", login = "dave", url = "/docs/index.html", status = "200", "observer.vendor" = "Apache", common_event = "Web Request", "@timestamp" = "2024-03-12T09:11:12Z", process = "nginx" }
  }
  test {
    log             = "<190>Mar 12 10:11:12 www1 httpd[812]: 203.0.113.7 - - [2/Mar/2024:10:11:12 +0000] \"GET /cat.php?id=1%20UNION%20SELECT%20user,pass%20FROM%20users HTTP/1.1\" 200 431 \"-\" \"sqlmap/1.7\""
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.7", sub_rule = "sql-injection", classification = "Attack", "labels.attack" = "sql_injection" }
  }
  test {
    log             = "<134>1 2024-03-12T10:11:13Z www2 apache2 - - - shop.example.com:443 192.0.2.44 - - [12/Mar/2024:10:11:13 +0000] \"GET /../../etc/passwd HTTP/1.1\" 400 226 \"-\" \"curl/8.0\""
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.44", "url.domain" = "shop.example.com", sub_rule = "path-traversal" }
  }
  test {
    log             = "Mar 12 10:11:14 www1 apache2[77]: 192.0.2.45 - - [12/Mar/2024:10:11:14 +0000] \"GET /cgi-bin/status HTTP/1.1\" 200 99 \"-\" \"() { :; }; /bin/bash -c 'id'\""
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.45", sub_rule = "shellshock", risk = 8 }
  }
  test {
    log             = "Mar 12 10:11:15 www1 nginx[78]: 192.0.2.46 - - [12/Mar/2024:10:11:15 +0000] \"GET /search?q=%3Cscript%3Ealert(1)%3C/script%3E HTTP/1.1\" 200 99 \"-\" \"ExampleBrowser/2.0\""
    log_source_type = "syslog"
    expect          = { sub_rule = "xss" }
  }
  test {
    log             = "Mar 12 10:11:16 www1 nginx[78]: 192.0.2.47 - - [12/Mar/2024:10:11:16 +0000] \"GET / HTTP/1.1\" 404 99 \"-\" \"Nikto/2.5.0\""
    log_source_type = "syslog"
    expect          = { sub_rule = "scanner", classification = "Reconnaissance" }
  }
  test {
    log             = "Mar 12 10:11:17 www1 nginx[78]: 192.0.2.48 - - [12/Mar/2024:10:11:17 +0000] \"\\x16\\x03\\x01\\x02\\x00\\x01\" 400 157 \"-\" \"-\""
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.48", status = "400", sub_rule = "client-error" }
  }
}

rule "apache-error-relayed" {
  description      = "an Apache error log line with its date anywhere in a syslog message: [date] [level] or [module:level], then pid, client and message"
  log_source_types = ["apache-error"]
  sort_order       = 5100
  pattern          = <<-RE
    (?:^|\s)\[<apachetime>\] \[(?:(?P<labels__module>[\w]*):)?<web_level>(?: \[pid <pid>(?::tid (?P<process__thread__id>\d+))?\])?(?: \[client <sip>(?::<sport>)?\])?(?: (?P<error__code>AH\d+):)? (?P<error__message>[^\[].*?)(?:, referer: <referrer>)?$
  RE
  classification   = "Information"
  common_event     = "Web Server Message"
  risk             = 0
  fields           = { "event.category" = ["web"], "event.kind" = "event" }

  sub_rule "denied" {
    when           = <<-CEL
      event.error.message.matches("(?i)(client denied by server configuration|Directory index forbidden|Symbolic link not allowed|access to .* (denied|failed)|authentication failure|user .* not found|password mismatch|AH01797|AH01630)")
    CEL
    classification = "Access Failure"
    common_event   = "Web Access Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "not-found" {
    when           = "event.error.message.startsWith(\"File does not exist\")"
    classification = "Access Failure"
    common_event   = "Web File Not Found"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "invalid-request" {
    when           = <<-CEL
      event.error.message.matches("(?i)(malformed|invalid (uri|method|request)|request failed|SSL (library error|handshake)|speaking HTTP to HTTPS|Unescaped URL path)")
    CEL
    classification = "Failed Suspicious"
    common_event   = "Web Invalid Request"
    risk           = 2
  }
  sub_rule "started" {
    when           = <<-CEL
      event.error.message.matches("(configured -- resuming normal operations|Apache configured|caught SIG(TERM|WINCH)|shutting down|suEXEC mechanism enabled|Graceful restart requested)")
    CEL
    classification = "Startup and Shutdown"
    common_event   = "Web Server State Change"
    risk           = 1
  }
  sub_rule "error" {
    when           = <<-CEL
      event.log.level in ["error", "crit", "alert", "emerg"]
    CEL
    classification = "Error"
    common_event   = "Web Server Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.log.level == \"warn\""
    classification = "Warning"
    common_event   = "Web Server Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:19 www1 httpd: [Tue Mar 12 10:11:19.123456 2024] [ssl:info] [pid 2020] AH01964: Connection to child 3 established (server www.example.com:443)"
    log_source_type = "syslog"
    expect          = { "labels.module" = "ssl", "log.level" = "info", pid = "2020", classification = "Information" }
  }
}

rule "apache-error-relayed-client" {
  description      = "an Apache error line without its date, about a client: [level] [client ip] message (ErrorLog syslog:, or the date cut off)"
  log_source_types = ["apache-error"]
  sort_order       = 5110
  pattern          = <<-RE
    (?:^|: )\[(?:(?P<labels__module>[\w]*):)?<web_level>(?: \[pid <pid>(?::tid (?P<process__thread__id>\d+))?\])? \[client <sip>(?::<sport>)?\](?: (?P<error__code>AH\d+):)? (?P<error__message>[^\[].*?)(?:, referer: <referrer>)?$
  RE
  classification   = "Information"
  common_event     = "Web Server Message"
  risk             = 0
  fields           = { "event.category" = ["web"], "event.kind" = "event" }

  sub_rule "denied" {
    when           = <<-CEL
      event.error.message.matches("(?i)(client denied by server configuration|Directory index forbidden|Symbolic link not allowed|access to .* (denied|failed)|authentication failure|user .* not found|password mismatch|AH01797|AH01630)")
    CEL
    classification = "Access Failure"
    common_event   = "Web Access Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "not-found" {
    when           = "event.error.message.startsWith(\"File does not exist\")"
    classification = "Access Failure"
    common_event   = "Web File Not Found"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "invalid-request" {
    when           = <<-CEL
      event.error.message.matches("(?i)(malformed|invalid (uri|method|request)|request failed|SSL (library error|handshake)|speaking HTTP to HTTPS|Unescaped URL path)")
    CEL
    classification = "Failed Suspicious"
    common_event   = "Web Invalid Request"
    risk           = 2
  }
  sub_rule "started" {
    when           = <<-CEL
      event.error.message.matches("(configured -- resuming normal operations|Apache configured|caught SIG(TERM|WINCH)|shutting down|suEXEC mechanism enabled|Graceful restart requested)")
    CEL
    classification = "Startup and Shutdown"
    common_event   = "Web Server State Change"
    risk           = 1
  }
  sub_rule "error" {
    when           = <<-CEL
      event.log.level in ["error", "crit", "alert", "emerg"]
    CEL
    classification = "Error"
    common_event   = "Web Server Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.log.level == \"warn\""
    classification = "Warning"
    common_event   = "Web Server Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:18 www1 httpd[4242]: [authz_core:error] [pid 4242:tid 140000] [client 192.0.2.93:51515] AH01630: client denied by server configuration: /srv/private"
    log_source_type = "syslog"
    expect          = { "log.level" = "error", sip = "192.0.2.93", sport = "51515", "error.code" = "AH01630", sub_rule = "denied", "observer.vendor" = "Apache", "event.dataset" = "apache-error" }
  }
  test {
    log             = "[error] [client 198.51.100.96] File does not exist: /var/www/robots.txt"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.96", sub_rule = "not-found", "error.message" = "File does not exist: /var/www/robots.txt" }
  }
}

rule "apache-error-relayed-bare" {
  description      = "an Apache error line without its date or client, starting the line or after Apache's program tag (httpd:, apache2:)"
  log_source_types = ["apache-error"]
  sort_order       = 5120
  pattern          = <<-RE
    (?:^|(?:httpd|apache2|apache)(?:\[\d+\])?: )\[(?:(?P<labels__module>[\w]*):)?<web_level>(?: \[pid <pid>(?::tid (?P<process__thread__id>\d+))?\])?(?: \[client <sip>(?::<sport>)?\])?(?: (?P<error__code>AH\d+):)? (?P<error__message>[^\[].*?)(?:, referer: <referrer>)?$
  RE
  classification   = "Information"
  common_event     = "Web Server Message"
  risk             = 0
  fields           = { "event.category" = ["web"], "event.kind" = "event" }

  test {
    log             = "Mar 12 10:11:20 www1 httpd[4242]: [notice] Apache/2.4.58 (Unix) configured -- resuming normal operations"
    log_source_type = "syslog"
    expect          = { "log.level" = "notice", sub_rule = "started" }
  }

  sub_rule "denied" {
    when           = <<-CEL
      event.error.message.matches("(?i)(client denied by server configuration|Directory index forbidden|Symbolic link not allowed|access to .* (denied|failed)|authentication failure|user .* not found|password mismatch|AH01797|AH01630)")
    CEL
    classification = "Access Failure"
    common_event   = "Web Access Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "not-found" {
    when           = "event.error.message.startsWith(\"File does not exist\")"
    classification = "Access Failure"
    common_event   = "Web File Not Found"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "invalid-request" {
    when           = <<-CEL
      event.error.message.matches("(?i)(malformed|invalid (uri|method|request)|request failed|SSL (library error|handshake)|speaking HTTP to HTTPS|Unescaped URL path)")
    CEL
    classification = "Failed Suspicious"
    common_event   = "Web Invalid Request"
    risk           = 2
  }
  sub_rule "started" {
    when           = <<-CEL
      event.error.message.matches("(configured -- resuming normal operations|Apache configured|caught SIG(TERM|WINCH)|shutting down|suEXEC mechanism enabled|Graceful restart requested)")
    CEL
    classification = "Startup and Shutdown"
    common_event   = "Web Server State Change"
    risk           = 1
  }
  sub_rule "error" {
    when           = <<-CEL
      event.log.level in ["error", "crit", "alert", "emerg"]
    CEL
    classification = "Error"
    common_event   = "Web Server Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.log.level == \"warn\""
    classification = "Warning"
    common_event   = "Web Server Warning"
    risk           = 1
  }

}

rule "apache-error-syslog-client" {
  description      = "Apache's ErrorLog syslog: without a level: httpd[pid]: [client ip:port] AHnnnnn: message"
  log_source_types = ["apache-error"]
  sort_order       = 5130
  pattern          = <<-RE
    (?:httpd|apache2|apache)(?:\[<pid>\])?: \[client <sip>(?::<sport>)?\] (?:(?P<error__code>AH\d+): )?(?P<error__message>.*?)(?:, referer: <referrer>)?$
  RE
  classification   = "Information"
  common_event     = "Web Server Message"
  risk             = 0
  fields           = { "event.category" = ["web"], "event.kind" = "event" }

  sub_rule "denied" {
    when           = <<-CEL
      event.error.message.matches("(?i)(client denied by server configuration|Directory index forbidden|Symbolic link not allowed|access to .* (denied|failed)|authentication failure|user .* not found|password mismatch)")
    CEL
    classification = "Access Failure"
    common_event   = "Web Access Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "not-found" {
    when           = <<-CEL
      event.error.message.matches("^(File does not exist|script not found|AH00128)")
    CEL
    classification = "Access Failure"
    common_event   = "Web File Not Found"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "Mar 12 10:11:21 www1 httpd[4243]: [client 192.0.2.99:51516] AH01630: client denied by server configuration: /srv/private"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.99", "error.code" = "AH01630", sub_rule = "denied", "observer.vendor" = "Apache" }
  }
}

rule "nginx-error-relayed" {
  description      = "an nginx error log line anywhere in a syslog message: date [level] pid#tid: *connection message"
  log_source_types = ["nginx-error"]
  sort_order       = 5050
  pattern          = <<-RE
    (?:^|\s)(?:<nginxtime> )?\[<web_level> <pid>[#:](?P<process__thread__id>\d+):?(?: |$)(?:\*(?P<labels__connection_id>\d+) )?(?P<error__message>.*?)(?:, client: <sip>(?:, server: (?P<labels__server>[^,]*))?(?:, request: "<httpmethod> <url>(?: HTTP/<httpversion>)?")?(?:, upstream: "(?P<labels__upstream>[^"]*)")?(?:, host: "(?P<url__domain>[^":]*)(?::\d+)?")?(?:, referrer: "<referrer>")?.*)?$
  RE
  classification   = "Information"
  common_event     = "Web Server Message"
  risk             = 0
  fields           = { "event.category" = ["web"] }

  sub_rule "auth-failed" {
    when           = <<-CEL
      event.error.message.matches("(password mismatch|was not found in|no user/password was provided for basic authentication|user .* not found)")
    CEL
    classification = "Authentication Failure"
    common_event   = "Web Authentication Failure"
    risk           = 4
    fields         = { "event.outcome" = "failure", "event.category" = ["web", "authentication"] }
  }
  sub_rule "not-found" {
    when           = <<-CEL
      event.error.message.matches("(No such file or directory|is not found|File name too long)")
    CEL
    classification = "Access Failure"
    common_event   = "Web File Not Found"
    risk           = 1
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "denied" {
    when           = <<-CEL
      event.error.message.matches("(access forbidden by rule|directory index of .* is forbidden|limiting (requests|connections))")
    CEL
    classification = "Access Failure"
    common_event   = "Web Access Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "error" {
    when           = <<-CEL
      event.log.level in ["error", "crit", "alert", "emerg"]
    CEL
    classification = "Error"
    common_event   = "Web Server Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.log.level == \"warn\""
    classification = "Warning"
    common_event   = "Web Server Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:25 www1 nginx: 2024/03/12 10:11:25 [error] 3131#3131: *77 user \"mallory\": password mismatch, client: 192.0.2.97, server: www.example.com, request: \"GET /admin/ HTTP/1.1\", host: \"www.example.com\""
    log_source_type = "syslog"
    expect          = { "log.level" = "error", pid = "3131", sip = "192.0.2.97", url = "/admin/", sub_rule = "auth-failed", "observer.vendor" = "nginx" }
  }
  test {
    log             = "2024/03/12 10:11:26 [crit] 77#77: *3 open() \"/srv/www/x\" failed (13: Permission denied), client: 192.0.2.98, server: _, request: \"GET /x HTTP/1.1\""
    log_source_type = "syslog"
    expect          = { "log.level" = "crit", sip = "192.0.2.98", classification = "Error" }
  }
}
