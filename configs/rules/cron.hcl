# Scheduled jobs: cron (Vixie cron and Debian's CRON[pid], cronie's
# crond/CROND[pid], SUSE's /usr/sbin/cron), crontab, anacron, run-parts
# and busybox crond. Debian writes them to /var/log/syslog, Red Hat to
# /var/log/cron; the PAM session lines cron also writes are in
# linux-auth.hcl.
#
# The patterns key on what the daemons write, "(user) CMD (command)", not
# on the program name, which every distribution spells its own way.
#
# Test lines are made up.

rule "cron-command" {
  description      = "cron ran a job: the crontab's owner and the command line"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1100
  pattern          = <<-RE
    \((?P<login>[^()\s]+)\) CMD \(<command>\)\s*$
  RE
  classification   = "Information"
  common_event     = "Scheduled Job Started"
  risk             = 1
  fields = {
    "event.action"   = "cron-command"
    "event.category" = ["process"]
    "event.type"     = ["start"]
  }

  sub_rule "as-root" {
    when         = "event.login == \"root\""
    common_event = "Scheduled Job Started As Root"
  }

  test {
    log = "Nov  4 06:25:01 app3 CRON[20114]: (root) CMD (test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily ))"
    expect = {
      login          = "root"
      command        = "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )"
      process        = "CRON"
      pid            = "20114"
      hostname       = "app3"
      common_event   = "Scheduled Job Started As Root"
      "event.action" = "cron-command"
    }
  }
  test {
    log    = "Nov  4 06:30:01 db-7 CROND[3391]: (postgres) CMD (/usr/local/bin/vacuum-nightly.sh > /dev/null 2>&1)"
    expect = { login = "postgres", command = "/usr/local/bin/vacuum-nightly.sh > /dev/null 2>&1", process = "CROND", common_event = "Scheduled Job Started" }
  }
  test {
    log    = "2024-11-04T06:45:01.118204+01:00 leap15 /usr/sbin/cron[4410]: (wwwrun) CMD (   php -f /srv/www/app/cron.php)"
    expect = { login = "wwwrun", command = "php -f /srv/www/app/cron.php", pid = "4410" }
  }
}

rule "cron-command-end" {
  description      = "cronie 1.5+ logs the end of a job and its output"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1101
  pattern          = <<-RE
    \((?P<login>[^()\s]+)\) (?P<cron_event>CMDEND|CMDOUT) \((?P<reason>.*)\)\s*$
  RE
  classification   = "Information"
  common_event     = "Scheduled Job Finished"
  risk             = 0
  fields           = { "event.action" = "cron-command-end", "event.category" = ["process"], "event.type" = ["end"] }

  sub_rule "output" {
    when         = "event.cron_event == \"CMDOUT\""
    common_event = "Scheduled Job Output"
    fields       = { "event.action" = "cron-command-output", "event.type" = ["info"] }
  }

  test {
    log    = "Nov  4 07:01:02 db-7 CROND[3501]: (root) CMDEND (run-parts /etc/cron.hourly)"
    expect = { login = "root", reason = "run-parts /etc/cron.hourly", common_event = "Scheduled Job Finished" }
  }
  test {
    log    = "Nov  4 07:01:02 db-7 CROND[3502]: (backup) CMDOUT (rsync: connection unexpectedly closed)"
    expect = { login = "backup", common_event = "Scheduled Job Output", "event.action" = "cron-command-output" }
  }
}

rule "busybox-cron-command" {
  description      = "busybox crond (Alpine) ran a job"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1102
  pattern          = <<-RE
    crond(?:\[\d+\])?: USER <login> pid (?P<job_pid>\d+) cmd <command>
  RE
  classification   = "Information"
  common_event     = "Scheduled Job Started"
  risk             = 1
  fields           = { "event.action" = "cron-command", "event.category" = ["process"], "event.type" = ["start"] }

  test {
    log    = "Nov  4 08:15:00 alpine-edge crond[2209]: USER root pid 7731 cmd run-parts /etc/periodic/15min"
    expect = { login = "root", job_pid = "7731", command = "run-parts /etc/periodic/15min", pid = "2209" }
  }
}

rule "cron-reload" {
  description      = "cron noticed a changed crontab and read it again"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1110
  # (CRON) and (*system*…) are the daemon and the system crontabs, not users.
  pattern        = <<-RE
    \((?:CRON|\*system\*[^)]*|(?P<login>[^()\s]+))\) RELOAD \(<object>\)
  RE
  classification = "Other Audit"
  common_event   = "Crontab Reloaded"
  risk           = 2
  fields         = { "event.action" = "crontab-reloaded", "event.category" = ["configuration"], "event.type" = ["change"] }

  test {
    log    = "Nov  4 09:00:01 db-7 crond[812]: (CRON) RELOAD (/etc/crontab)"
    expect = { object = "/etc/crontab", login = "", process = "crond", common_event = "Crontab Reloaded" }
  }
  test {
    log    = "Nov  4 09:10:01 db-7 crond[812]: (deploy) RELOAD (/var/spool/cron/deploy)"
    expect = { object = "/var/spool/cron/deploy", login = "deploy" }
  }
  test {
    log    = "Nov  4 09:17:01 web-2 cron[640]: (*system*certbot) RELOAD (/etc/cron.d/certbot)"
    expect = { object = "/etc/cron.d/certbot", login = "" }
  }
}

rule "cron-crontab-rejected" {
  description      = "cron refused a crontab: wrong owner, unsafe mode, too many links"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1111
  pattern          = <<-RE
    \((?:\*system\*[^)]*|(?P<login>[^()\s]+))\) (?P<reason>WRONG FILE OWNER|INSECURE MODE|BAD FILE MODE|WRONG INODE INFO|NUMBER OF HARD LINKS > 1)(?: \([^)]*\))*? \(<object>\)
  RE
  classification   = "Warning"
  common_event     = "Crontab Rejected"
  risk             = 3
  fields           = { "event.action" = "crontab-rejected", "event.category" = ["configuration"], "event.outcome" = "failure" }

  test {
    log    = "Nov  4 09:20:01 web-2 cron[640]: (*system*backup) WRONG FILE OWNER (/etc/cron.d/backup)"
    expect = { reason = "WRONG FILE OWNER", object = "/etc/cron.d/backup", login = "" }
  }
  test {
    log    = "Nov  4 09:21:01 web-2 cron[640]: (*system*) INSECURE MODE (mode 0600 expected) (/etc/crontab)"
    expect = { reason = "INSECURE MODE", object = "/etc/crontab" }
  }
}

rule "cron-mail" {
  description      = "cron mailed a job's output (or failed to)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1112
  pattern          = <<-RE
    \((?P<login>[^()\s]+)\) MAIL \((?P<reason>.*)\)\s*$
  RE
  classification   = "Information"
  common_event     = "Scheduled Job Output Mailed"
  risk             = 0

  sub_rule "failed" {
    when           = <<-CEL
      event.reason.contains("status") && !event.reason.contains("status 0)")
    CEL
    classification = "Warning"
    common_event   = "Scheduled Job Mail Failed"
    risk           = 1
  }

  test {
    log    = "Nov  4 10:00:02 web-2 CRON[9920]: (www-data) MAIL (mailed 214 bytes of output but got status 0x004b from MTA#012)"
    expect = { login = "www-data", common_event = "Scheduled Job Mail Failed" }
  }
  test {
    log    = "Nov  4 10:05:02 web-2 CRON[9931]: (root) MAIL (mailed 88 bytes of output)"
    expect = { login = "root", common_event = "Scheduled Job Output Mailed", reason = "mailed 88 bytes of output" }
  }
}

rule "cron-job-failed" {
  description      = "Debian's cron reporting a job that exited with an error"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1113
  pattern          = <<-RE
    \(CRON\) error \(grandchild #(?P<job_pid>\d+) failed with exit status <exitcode>\)
  RE
  classification   = "Error"
  common_event     = "Scheduled Job Failed"
  risk             = 2
  fields           = { "event.action" = "cron-job-failed", "event.category" = ["process"], "event.type" = ["end"], "event.outcome" = "failure" }

  test {
    log    = "Nov  4 10:10:01 web-2 CRON[9940]: (CRON) error (grandchild #9943 failed with exit status 127)"
    expect = { job_pid = "9943", exitcode = "127", "event.outcome" = "failure" }
  }
}

rule "cron-daemon" {
  description      = "the cron daemon about itself: start, pid file, @reboot jobs, no MTA, errors"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1114
  pattern          = <<-RE
    \(CRON\) (?P<cron_event>[A-Za-z]+)(?: \((?P<reason>.*)\))?\s*$
  RE
  classification   = "Information"
  common_event     = "Cron Daemon Message"
  risk             = 0

  sub_rule "startup" {
    when           = <<-CEL
      event.cron_event == "STARTUP" || (has(event.reason) && event.reason.startsWith("Running @reboot"))
    CEL
    classification = "Startup and Shutdown"
    common_event   = "Cron Daemon Started"
    risk           = 1
  }
  sub_rule "error" {
    when           = <<-CEL
      event.cron_event in ["DEATH", "ERROR", "error", "ORPHAN", "CAN'T"]
    CEL
    classification = "Error"
    common_event   = "Cron Daemon Error"
    risk           = 2
  }

  test {
    log    = "Nov  4 00:00:05 db-7 crond[812]: (CRON) STARTUP (1.5.7)"
    expect = { cron_event = "STARTUP", reason = "1.5.7", common_event = "Cron Daemon Started" }
  }
  test {
    log    = "Nov  4 00:00:05 web-2 cron[640]: (CRON) INFO (pidfile fd = 3)"
    expect = { cron_event = "INFO", common_event = "Cron Daemon Message" }
  }
  test {
    log    = "Nov  4 00:00:06 web-2 cron[640]: (CRON) INFO (Running @reboot jobs)"
    expect = { common_event = "Cron Daemon Started" }
  }
  test {
    log    = "Nov  4 10:15:01 web-2 CRON[9950]: (CRON) info (No MTA installed, discarding output)"
    expect = { reason = "No MTA installed, discarding output", classification = "Information" }
  }
  test {
    log    = "Nov  4 00:00:07 db-7 crond[815]: (CRON) DEATH (can't lock /var/run/crond.pid, otherpid may be 812: Resource temporarily unavailable)"
    expect = { common_event = "Cron Daemon Error", classification = "Error" }
  }
}

rule "crontab-edit" {
  description      = "crontab(1): a user listing, editing, replacing or deleting a crontab"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1120
  pattern          = <<-RE
    crontab(?:\[\d+\])?: \(<login>\) (?P<cron_event>BEGIN EDIT|END EDIT|REPLACE|LIST|DELETE|AUTH|PAM) \((?P<account>[^()\s]+)\)
  RE
  classification   = "Other Audit"
  common_event     = "Crontab Accessed"
  risk             = 1
  fields           = { "event.action" = "crontab-accessed", "event.category" = ["configuration"], "event.type" = ["access"] }

  sub_rule "replaced" {
    when           = "event.cron_event == \"REPLACE\""
    classification = "Object Modified"
    common_event   = "Crontab Replaced"
    risk           = 3
    fields         = { "event.action" = "crontab-replaced", "event.type" = ["change"] }
  }
  sub_rule "deleted" {
    when           = "event.cron_event == \"DELETE\""
    classification = "Object Disposed"
    common_event   = "Crontab Deleted"
    risk           = 3
    fields         = { "event.action" = "crontab-deleted", "event.type" = ["deletion"] }
  }

  test {
    log    = "Nov  4 11:02:40 web-2 crontab[12001]: (root) REPLACE (deploy)"
    expect = { login = "root", account = "deploy", common_event = "Crontab Replaced", classification = "Object Modified", "event.action" = "crontab-replaced" }
  }
  test {
    log    = "Nov  4 11:02:10 web-2 crontab[12000]: (deploy) BEGIN EDIT (deploy)"
    expect = { login = "deploy", cron_event = "BEGIN EDIT", common_event = "Crontab Accessed" }
  }
  test {
    log    = "Nov  4 11:05:00 web-2 crontab[12010]: (deploy) DELETE (deploy)"
    expect = { common_event = "Crontab Deleted" }
  }
}

rule "anacron-job" {
  description      = "anacron starting or finishing a daily, weekly or monthly job"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1130
  pattern          = "anacron(?:\\[\\d+\\])?: Job [`'](?P<job>[^'`]+)' (?P<cron_event>started|terminated)(?: \\((?P<reason>[^)]*)\\))?"
  classification   = "Information"
  common_event     = "Scheduled Job Started"
  risk             = 1
  fields           = { "event.action" = "anacron-job-started", "event.category" = ["process"], "event.type" = ["start"] }

  sub_rule "terminated" {
    when         = "event.cron_event == \"terminated\""
    common_event = "Scheduled Job Finished"
    fields       = { "event.action" = "anacron-job-terminated", "event.type" = ["end"] }
  }

  test {
    log    = "Nov  4 07:35:01 laptop anacron[1102]: Job `cron.daily' started"
    expect = { job = "cron.daily", common_event = "Scheduled Job Started", process = "anacron" }
  }
  test {
    log    = "Nov  4 07:35:44 laptop anacron[1102]: Job `cron.daily' terminated (produced output)"
    expect = { job = "cron.daily", reason = "produced output", common_event = "Scheduled Job Finished" }
  }
}

rule "anacron-status" {
  description      = "anacron about its own run: start, schedule, exit"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1131
  pattern          = <<-RE
    anacron(?:\[\d+\])?: (?:Anacron (?P<service__version>[\w.-]+) started|Will run job|Jobs will be executed sequentially|Normal exit|Updated timestamp for job|Job .* locked by another anacron|Can't find sendmail)
  RE
  classification   = "Information"
  common_event     = "Anacron Status"
  risk             = 0

  test {
    log    = "Nov  4 07:30:01 laptop anacron[1102]: Anacron 2.3 started on 2024-11-04"
    expect = { "service.version" = "2.3" }
  }
  test {
    log    = "Nov  4 07:30:01 laptop anacron[1102]: Will run job `cron.daily' in 5 min."
    expect = { common_event = "Anacron Status" }
  }
  test {
    log    = "Nov  4 07:36:02 laptop anacron[1102]: Normal exit (1 job run)"
    expect = { process = "anacron" }
  }
}

rule "run-parts" {
  description      = "run-parts (Red Hat's cron.hourly and friends) starting or finishing a script"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1140
  pattern          = <<-RE
    run-parts\((?P<file__directory>[^)]+)\)(?:\[\d+\])?: (?P<cron_event>starting|finished) (?P<file__name>\S+)
  RE
  classification   = "Information"
  common_event     = "Scheduled Script Started"
  risk             = 0
  fields           = { "event.category" = ["process"], "event.type" = ["start"] }

  sub_rule "finished" {
    when         = "event.cron_event == \"finished\""
    common_event = "Scheduled Script Finished"
    fields       = { "event.type" = ["end"] }
  }

  test {
    log    = "Nov  4 08:01:01 db-7 run-parts(/etc/cron.hourly)[4021]: starting 0anacron"
    expect = { "file.directory" = "/etc/cron.hourly", "file.name" = "0anacron", process = "run-parts", common_event = "Scheduled Script Started" }
  }
  test {
    log    = "Nov  4 08:01:01 db-7 run-parts(/etc/cron.hourly)[4027]: finished 0anacron"
    expect = { common_event = "Scheduled Script Finished" }
  }
}
