# PHP's own messages: "PHP Warning: …" lines as PHP writes them to its
# error_log, to the web server's error log ([client …] PHP Notice: … in
# Apache; FastCGI stderr in nginx) or to syslog, and PHP-FPM's master
# log. The level names are PHP's (E_WARNING is "Warning", E_ERROR is
# "Fatal error").
#
# Test lines are made up.

log_source_type "php" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "PHP"
  product  = "PHP"
  module   = "php"
}

rule "php-error" {
  description      = "PHP <level>: <message> [in <file> on line <n>]"
  log_source_types = ["php"]
  sort_order       = 300
  pattern          = <<-RE
    (?:\[client <sip>(?::<sport>)?\] )?PHP (?P<log__level>Warning|Notice|Fatal error|Parse error|Deprecated|Strict Standards|Catchable fatal error|Recoverable fatal error|Core Warning|Core Error|Compile Warning|Compile Error|User Error|User Warning|User Notice|Stack trace):\s*(?P<error__message>.*?)(?: in (?P<file__path>\S+?)(?::| on line )(?P<labels__line>\d+))?(?:, referer: <url>)?$
  RE
  classification   = "Warning"
  common_event     = "PHP Warning"
  risk             = 1
  fields           = { "event.category" = ["web"], "event.kind" = "event" }

  sub_rule "fatal" {
    when           = <<-CEL
      event.log.level.contains("rror")
    CEL
    classification = "Error"
    common_event   = "PHP Error"
    risk           = 3
  }
  sub_rule "notice" {
    when           = <<-CEL
      event.log.level in ["Notice", "Deprecated", "Strict Standards", "User Notice", "Stack trace"]
    CEL
    classification = "Information"
    common_event   = "PHP Notice"
    risk           = 0
  }

  test {
    log    = "[12-Mar-2024 10:11:12 UTC] PHP Fatal error:  Uncaught Error: Call to undefined function foo() in /srv/www/index.php:12"
    expect = { "log.level" = "Fatal error", "file.path" = "/srv/www/index.php", "labels.line" = "12", sub_rule = "fatal", classification = "Error" }
  }
  test {
    log             = "Mar 12 10:11:13 www1 php: PHP Warning:  include(/srv/lib.php): Failed to open stream: No such file or directory in /srv/www/a.php on line 3"
    log_source_type = "syslog"
    expect          = { "log.level" = "Warning", "file.path" = "/srv/www/a.php", "labels.line" = "3", classification = "Warning", "observer.vendor" = "PHP" }
  }
  test {
    log             = "[Tue Mar 12 10:11:14.123456 2024] [php:notice] [pid 2121] [client 192.0.2.71:50505] PHP Notice:  Undefined index: id in /srv/www/b.php on line 9"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.71", sport = "50505", sub_rule = "notice" }
  }
}

# "] WARNING:" after PHP-FPM's date: the bracket makes it a literal
# worth selecting on.
tag "php_fpm_level" {
  pattern = "\\] NOTICE:|\\] WARNING:|\\] ERROR:|\\] ALERT:|\\] DEBUG:"
  field   = "log.level"
  values = {
    "] NOTICE:"  = "NOTICE"
    "] WARNING:" = "WARNING"
    "] ERROR:"   = "ERROR"
    "] ALERT:"   = "ALERT"
    "] DEBUG:"   = "DEBUG"
  }
}

rule "php-fpm" {
  description      = "PHP-FPM master log: [date] LEVEL: [pool name] message"
  log_source_types = ["php"]
  sort_order       = 310
  pattern          = <<-RE
    \[\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2}(?:\.\d+)?<php_fpm_level> (?:\[pool (?P<labels__pool>[^\]]+)\] )?(?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "PHP-FPM Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.log.level in ["ERROR", "ALERT"]
    CEL
    classification = "Error"
    common_event   = "PHP-FPM Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.log.level == \"WARNING\""
    classification = "Warning"
    common_event   = "PHP-FPM Warning"
    risk           = 1
  }

  test {
    log             = "[12-Mar-2024 10:11:15] WARNING: [pool www] server reached pm.max_children setting (5), consider raising it"
    log_source_type = "syslog"
    expect          = { "log.level" = "WARNING", "labels.pool" = "www", sub_rule = "warning" }
  }
}
