# systemd as it writes to syslog: the service manager (systemd[1], and
# systemd[pid] for a user's manager; "systemd:" without a pid on older Red
# Hat), systemd-logind beyond the sessions of linux-auth.hcl, and
# systemd-journald.
#
# ECS: the unit, when the line names one ("nginx.service"), is
# service.name; the description systemd prints instead ("The nginx HTTP
# server") is labels.unit_description. event.action says what happened
# (service-started, service-failed, …). systemd 250 and later write both:
# "Started nginx.service - A high performance web server …".
#
# Test lines are made up.

# A unit name: name.type, with systemd's escapes (\x2d) and instances (@).
tag "unit" {
  pattern = <<-RE
    [\w@:.\\-]+\.(?:service|socket|target|timer|mount|automount|scope|slice|path|swap|device)
  RE
  field   = "service.name"
}

# ---------------------------------------------------------------- units starting and stopping

rule "systemd-session-scope-started" {
  description      = "the scope systemd makes for a logon session (logind's New session has the logon itself)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1200
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Start(?:ed|ing) (?:<unit> - )?Session (?P<session_id>\S+) of [Uu]ser (?P<login>\S+?)\.{0,3}\s*$
  RE
  classification   = "Information"
  common_event     = "Session Scope Started"
  risk             = 0
  fields           = { "event.action" = "session-scope-started", "event.category" = ["session"], "event.type" = ["start"] }

  test {
    log    = "Dec  2 10:00:00 web1 systemd[1]: Started Session 42 of user bob."
    expect = { login = "bob", session_id = "42", process = "systemd", pid = "1", common_event = "Session Scope Started", "event.action" = "session-scope-started" }
  }
  test {
    log    = "Dec  2 10:00:00 web1 systemd[1]: Started session-7.scope - Session 7 of User jane.doe."
    expect = { login = "jane.doe", session_id = "7", "service.name" = "session-7.scope" }
  }
}

rule "systemd-session-scope-stopped" {
  description      = "the scope of a logon session stopped (older systemd)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1200
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Stopp(?:ed|ing) (?:<unit> - )?Session (?P<session_id>\S+) of [Uu]ser (?P<login>\S+?)\.{0,3}\s*$
  RE
  classification   = "Information"
  common_event     = "Session Scope Stopped"
  risk             = 0
  fields           = { "event.action" = "session-scope-stopped", "event.category" = ["session"], "event.type" = ["end"] }

  test {
    log    = "Dec  2 10:30:00 web1 systemd: Stopped Session c2 of user gdm."
    expect = { login = "gdm", session_id = "c2", common_event = "Session Scope Stopped" }
  }
}

rule "systemd-user-manager-started" {
  description      = "a user's own service manager (user@UID.service) starting"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1201
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Start(?:ed|ing) (?:<unit> - )?User Manager for UID <uid>
  RE
  classification   = "Information"
  common_event     = "User Service Manager Started"
  risk             = 0
  fields           = { "event.action" = "user-manager-started", "event.category" = ["session"], "event.type" = ["start"] }

  test {
    log    = "Dec  2 10:00:01 web1 systemd[1]: Started User Manager for UID 1001."
    expect = { uid = "1001", common_event = "User Service Manager Started" }
  }
}

rule "systemd-user-manager-stopped" {
  description      = "a user's own service manager (user@UID.service) stopping"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1201
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Stopp(?:ed|ing) (?:<unit> - )?User Manager for UID <uid>
  RE
  classification   = "Information"
  common_event     = "User Service Manager Stopped"
  risk             = 0
  fields           = { "event.action" = "user-manager-stopped", "event.category" = ["session"], "event.type" = ["end"] }

  test {
    log    = "Dec  2 10:40:12 web1 systemd[1]: Stopping user@1001.service - User Manager for UID 1001..."
    expect = { uid = "1001", "service.name" = "user@1001.service", common_event = "User Service Manager Stopped" }
  }
}

rule "systemd-unit-starting" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1210
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Starting (?:<unit> - )?(?P<unit_description>.+?)(?:\.\.\.|…)?\s*$
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Service Starting"
  risk             = 0
  fields           = { "event.action" = "service-starting", "event.category" = ["process"], "event.type" = ["start"] }

  test {
    log    = "Dec  2 10:05:00 web1 systemd[1]: Starting The nginx HTTP server..."
    expect = { unit_description = "The nginx HTTP server", process = "systemd", "event.action" = "service-starting", "service.name" = "" }
  }
  test {
    log    = "Dec  2 10:05:00 web1 systemd[1]: Starting nginx.service - A high performance web server and a reverse proxy server..."
    expect = { "service.name" = "nginx.service", unit_description = "A high performance web server and a reverse proxy server" }
  }
  test {
    log    = "Dec  2 10:05:00 web1 systemd[2210]: Starting Daily Cleanup of User's Temporary Directories..."
    expect = { unit_description = "Daily Cleanup of User's Temporary Directories", pid = "2210" }
  }
}

rule "systemd-unit-started" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1211
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Started (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Service Started"
  risk             = 1
  fields           = { "event.action" = "service-started", "event.category" = ["process"], "event.type" = ["start"], "event.outcome" = "success" }

  test {
    log    = "Dec  2 10:05:01 web1 systemd[1]: Started The nginx HTTP server."
    expect = { unit_description = "The nginx HTTP server", common_event = "Service Started", "event.outcome" = "success" }
  }
  test {
    log    = "Dec  2 10:05:01 web1 systemd[1]: Started ssh.service - OpenBSD Secure Shell server."
    expect = { "service.name" = "ssh.service", unit_description = "OpenBSD Secure Shell server" }
  }
  test {
    log    = "2024-12-02T10:05:01.201346+00:00 rhel9 systemd[1]: Started dbus-:1.2-org.freedesktop.problems@0.service."
    expect = { unit_description = "dbus-:1.2-org.freedesktop.problems@0.service", hostname = "rhel9" }
  }
}

rule "systemd-unit-stopping" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1212
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Stopping (?:<unit> - )?(?P<unit_description>.+?)(?:\.\.\.|…)?\s*$
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Service Stopping"
  risk             = 1
  fields           = { "event.action" = "service-stopping", "event.category" = ["process"], "event.type" = ["end"] }

  test {
    log    = "Dec  2 10:20:00 web1 systemd[1]: Stopping The nginx HTTP server..."
    expect = { unit_description = "The nginx HTTP server", common_event = "Service Stopping" }
  }
}

rule "systemd-unit-stopped" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1213
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Stopped (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Service Stopped"
  risk             = 1
  fields           = { "event.action" = "service-stopped", "event.category" = ["process"], "event.type" = ["end"] }

  test {
    log    = "Dec  2 10:20:01 web1 systemd[1]: Stopped The nginx HTTP server."
    expect = { unit_description = "The nginx HTTP server", "event.action" = "service-stopped" }
  }
  test {
    log    = "Dec  2 10:20:01 web1 systemd[1]: Stopped postgresql@16-main.service - PostgreSQL Cluster 16-main."
    expect = { "service.name" = "postgresql@16-main.service", unit_description = "PostgreSQL Cluster 16-main" }
  }
}

rule "systemd-unit-reloading" {
  description      = "a unit reloading its configuration (systemctl reload)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1214
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Reloading (?:<unit> - )?(?P<unit_description>.+?)(?:\.\.\.|…|\.)?\s*$
  RE
  classification   = "Information"
  common_event     = "Service Reloading"
  risk             = 1
  fields           = { "event.action" = "service-reloading", "event.category" = ["process", "configuration"], "event.type" = ["change"] }

  test {
    log    = "Dec  2 10:25:00 web1 systemd[1]: Reloading The nginx HTTP server."
    expect = { unit_description = "The nginx HTTP server", common_event = "Service Reloading", "event.action" = "service-reloading" }
  }
  test {
    log    = "Dec  2 10:25:00 web1 systemd[1]: Reloading haproxy.service - HAProxy Load Balancer..."
    expect = { "service.name" = "haproxy.service", unit_description = "HAProxy Load Balancer" }
  }
}

rule "systemd-unit-reloaded" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1214
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Reloaded (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Information"
  common_event     = "Service Reloaded"
  risk             = 1
  fields           = { "event.action" = "service-reloaded", "event.category" = ["process", "configuration"], "event.type" = ["change"], "event.outcome" = "success" }

  test {
    log    = "Dec  2 10:25:00 web1 systemd[1]: Reloaded haproxy.service - HAProxy Load Balancer."
    expect = { "service.name" = "haproxy.service", common_event = "Service Reloaded", "event.outcome" = "success" }
  }
}

rule "systemd-unit-finished" {
  description      = "a one-shot unit ran to completion (systemd 245 and later)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1215
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Finished (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Information"
  common_event     = "Service Finished"
  risk             = 0
  fields           = { "event.action" = "service-finished", "event.category" = ["process"], "event.type" = ["end"], "event.outcome" = "success" }

  test {
    log    = "Dec  2 00:00:03 web1 systemd[1]: Finished logrotate.service - Rotate log files."
    expect = { "service.name" = "logrotate.service", unit_description = "Rotate log files" }
  }
  test {
    log    = "Dec  2 00:00:03 web1 systemd[1]: Finished Daily man-db regeneration."
    expect = { unit_description = "Daily man-db regeneration" }
  }
}

rule "systemd-target-reached" {
  description      = "a target (a group of units: boot stages, shutdown) reached"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1205
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Reached target (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Target Reached"
  risk             = 0
  fields           = { "event.action" = "target-reached", "event.category" = ["host"] }

  sub_rule "shutdown" {
    when         = <<-CEL
      event.unit_description in ["Shutdown", "System Shutdown", "Reboot", "System Reboot", "Power-Off", "System Power Off", "Halt", "System Halt", "Final Step", "Kexec", "System Reboot via kexec"]
    CEL
    common_event = "System Shutdown"
    risk         = 2
    fields       = { "event.type" = ["end"] }
  }

  test {
    log    = "Dec  2 09:59:00 web1 systemd[1]: Reached target Multi-User System."
    expect = { unit_description = "Multi-User System", common_event = "Target Reached" }
  }
  test {
    log    = "Dec  2 23:59:40 web1 systemd[1]: Reached target shutdown.target - System Shutdown."
    expect = { "service.name" = "shutdown.target", common_event = "System Shutdown", risk = 2 }
  }
}

rule "systemd-target-stopped" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1205
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Stopped target (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Target Stopped"
  risk             = 0
  fields           = { "event.action" = "target-stopped", "event.category" = ["host"] }

  test {
    log    = "2024-12-02T23:59:38.102214+01:00 tumbleweed systemd[3012]: Stopped target Default."
    expect = { unit_description = "Default", common_event = "Target Stopped", pid = "3012" }
  }
}

rule "systemd-socket-listening" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1206
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Listening on (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Information"
  common_event     = "Socket Listening"
  risk             = 0
  fields           = { "event.action" = "socket-listening" }

  test {
    log    = "Dec  2 09:58:59 web1 systemd[1]: Listening on D-Bus System Message Bus Socket."
    expect = { unit_description = "D-Bus System Message Bus Socket", common_event = "Socket Listening" }
  }
}

rule "systemd-socket-closed" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1206
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Closed (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Information"
  common_event     = "Socket Closed"
  risk             = 0
  fields           = { "event.action" = "socket-closed" }

  test {
    log    = "Dec  2 23:59:41 web1 systemd[1]: Closed docker.socket - Docker Socket for the API."
    expect = { "service.name" = "docker.socket", common_event = "Socket Closed" }
  }
}

rule "systemd-mount" {
  description      = "a file system mounted by systemd"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1207
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Mount(?:ing|ed) (?:<unit> - )?(?P<unit_description>.+?)(?:\.\.\.|…|\.)?\s*$
  RE
  classification   = "Information"
  common_event     = "File System Mounted"
  risk             = 0
  fields           = { "event.action" = "mounted", "event.category" = ["host"] }

  test {
    log    = "Dec  2 09:58:58 web1 systemd[1]: Mounted boot-efi.mount - /boot/efi."
    expect = { "service.name" = "boot-efi.mount", unit_description = "/boot/efi", common_event = "File System Mounted" }
  }
}

rule "systemd-unmount" {
  description      = "a file system unmounted by systemd"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1207
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Unmount(?:ing|ed) (?:<unit> - )?(?P<unit_description>.+?)(?:\.\.\.|…|\.)?\s*$
  RE
  classification   = "Information"
  common_event     = "File System Unmounted"
  risk             = 0
  fields           = { "event.action" = "unmounted", "event.category" = ["host"] }

  test {
    log    = "Dec  2 23:59:45 web1 systemd[1]: Unmounting /srv/data..."
    expect = { unit_description = "/srv/data", common_event = "File System Unmounted" }
  }
}

rule "systemd-slice-created" {
  description      = "a slice (a cgroup for a user or a set of services) created"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1208
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Created slice (?:<unit> - )?(?P<unit_description>User Slice of (?:UID <uid>|(?P<login>\S+?))|.+?)\.?\s*$
  RE
  classification   = "Information"
  common_event     = "Slice Created"
  risk             = 0
  fields           = { "event.action" = "slice-created" }

  test {
    log    = "Dec  2 10:00:00 web1 systemd[1]: Created slice User Slice of UID 1001."
    expect = { uid = "1001", common_event = "Slice Created" }
  }
  test {
    log    = "Dec  2 10:00:00 oldcentos systemd: Created slice User Slice of carol."
    expect = { login = "carol", unit_description = "User Slice of carol" }
  }
}

rule "systemd-slice-removed" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1208
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Removed slice (?:<unit> - )?(?P<unit_description>User Slice of (?:UID <uid>|(?P<login>\S+?))|.+?)\.?\s*$
  RE
  classification   = "Information"
  common_event     = "Slice Removed"
  risk             = 0
  fields           = { "event.action" = "slice-removed" }

  test {
    log    = "Dec  2 10:45:00 web1 systemd[1]: Removed slice user-1001.slice - User Slice of UID 1001."
    expect = { "service.name" = "user-1001.slice", uid = "1001", common_event = "Slice Removed" }
  }
}

# ---------------------------------------------------------------- failures

rule "systemd-unit-start-failed" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1220
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Failed to start (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Error"
  common_event     = "Service Start Failed"
  risk             = 3
  fields           = { "event.action" = "service-start-failed", "event.category" = ["process"], "event.type" = ["start"], "event.outcome" = "failure" }

  test {
    log    = "Dec  2 10:06:00 web1 systemd[1]: Failed to start The nginx HTTP server."
    expect = { unit_description = "The nginx HTTP server", "event.outcome" = "failure", classification = "Error" }
  }
  test {
    log    = "Dec  2 10:06:00 web1 systemd[1]: Failed to start mariadb.service - MariaDB 10.11.6 database server."
    expect = { "service.name" = "mariadb.service", unit_description = "MariaDB 10.11.6 database server" }
  }
}

rule "systemd-unit-dependency-failed" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1221
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Dependency failed for (?:<unit> - )?(?P<unit_description>.+?)\.?\s*$
  RE
  classification   = "Error"
  common_event     = "Service Dependency Failed"
  risk             = 2
  fields           = { "event.action" = "service-dependency-failed", "event.category" = ["process"], "event.outcome" = "failure" }

  test {
    log    = "Dec  2 09:58:50 web1 systemd[1]: Dependency failed for /srv/backup."
    expect = { unit_description = "/srv/backup" }
  }
}

rule "systemd-unit-process-exited" {
  description      = "a unit's main or control process exited: with a code, or killed by a signal"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1222
  pattern          = <<-RE
    systemd(?:\[\d+\])?: <unit>: (?P<process_role>[Mm]ain|[Cc]ontrol) process exited, code=(?:(?P<exit_reason>exited),? status=<exitcode>(?:/(?P<exit_status>\w+))?|(?P<exit_reason>killed|dumped),? status=(?P<signal>\d+)(?:/(?P<exit_status>\w+))?)
  RE
  classification   = "Error"
  common_event     = "Service Process Failed"
  risk             = 2
  fields           = { "event.action" = "service-process-exited", "event.category" = ["process"], "event.type" = ["end"], "event.outcome" = "failure" }

  sub_rule "success" {
    when           = "has(event.exitcode) && event.exitcode == 0"
    classification = "Information"
    common_event   = "Service Process Exited"
    risk           = 0
    fields         = { "event.outcome" = "success" }
  }
  sub_rule "crashed" {
    when         = "event.exit_reason == \"dumped\""
    common_event = "Service Process Crashed"
    risk         = 3
  }
  sub_rule "killed" {
    when           = "event.exit_reason == \"killed\""
    classification = "Warning"
    common_event   = "Service Process Killed"
  }

  test {
    log = "Dec  2 10:06:00 web1 systemd[1]: nginx.service: Main process exited, code=exited, status=1/FAILURE"
    expect = {
      "service.name"  = "nginx.service"
      exitcode        = "1"
      exit_status     = "FAILURE"
      exit_reason     = "exited"
      process_role    = "Main"
      common_event    = "Service Process Failed"
      "event.outcome" = "failure"
      process         = "systemd"
    }
  }
  test {
    log    = "Dec  2 10:07:00 web1 systemd[1]: backup.service: Main process exited, code=exited, status=0/SUCCESS"
    expect = { exitcode = "0", common_event = "Service Process Exited", "event.outcome" = "success" }
  }
  test {
    log    = "Dec  2 10:08:00 web1 systemd[1]: worker@3.service: Main process exited, code=killed, status=9/KILL"
    expect = { "service.name" = "worker@3.service", signal = "9", exit_status = "KILL", exitcode = "", common_event = "Service Process Killed" }
  }
  test {
    log    = "Dec  2 10:09:00 web1 systemd[1]: app.service: Main process exited, code=dumped, status=11/SEGV"
    expect = { signal = "11", common_event = "Service Process Crashed" }
  }
  test {
    log    = "Dec  2 10:09:30 oldcentos systemd: httpd.service: main process exited, code=exited, status=203/EXEC"
    expect = { exitcode = "203", exit_status = "EXEC", "service.name" = "httpd.service" }
  }
  test {
    log    = "Dec  2 10:09:40 web1 systemd[1]: php-fpm.service: Control process exited, code=exited, status=78/CONFIG"
    expect = { process_role = "Control", exitcode = "78" }
  }
}

rule "systemd-unit-failed" {
  description      = "a unit entered the failed state"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1223
  pattern          = <<-RE
    systemd(?:\[\d+\])?: (?:<unit>: Failed with result '(?P<reason>[^']+)'|Unit <unit> entered failed state|<unit>: Unit entered failed state|<unit> failed)\.?\s*$
  RE
  classification   = "Error"
  common_event     = "Service Failed"
  risk             = 3
  fields           = { "event.action" = "service-failed", "event.category" = ["process"], "event.outcome" = "failure" }

  test {
    log    = "Dec  2 10:06:00 web1 systemd[1]: nginx.service: Failed with result 'exit-code'."
    expect = { "service.name" = "nginx.service", reason = "exit-code", common_event = "Service Failed", "event.outcome" = "failure" }
  }
  test {
    log    = "Dec  2 10:06:00 oldcentos systemd: Unit httpd.service entered failed state."
    expect = { "service.name" = "httpd.service" }
  }
  test {
    log    = "Dec  2 10:06:00 oldcentos systemd: httpd.service failed."
    expect = { "service.name" = "httpd.service", reason = "" }
  }
}

rule "systemd-unit-restart" {
  description      = "systemd restarting a unit that stopped (Restart=)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1224
  pattern          = <<-RE
    systemd(?:\[\d+\])?: <unit>: (?:Scheduled restart job, restart counter is at (?P<restart_count>\d+)|Service (?:RestartSec=\S+ expired|hold-off time over), scheduling restart)|systemd(?:\[\d+\])?: <unit> holdoff time over, scheduling restart
  RE
  classification   = "Warning"
  common_event     = "Service Restart Scheduled"
  risk             = 2
  fields           = { "event.action" = "service-restart-scheduled", "event.category" = ["process"] }

  test {
    log    = "Dec  2 10:06:05 web1 systemd[1]: nginx.service: Scheduled restart job, restart counter is at 3."
    expect = { "service.name" = "nginx.service", restart_count = "3" }
  }
  test {
    log    = "Dec  2 10:06:05 oldcentos systemd: httpd.service holdoff time over, scheduling restart."
    expect = { common_event = "Service Restart Scheduled" }
  }
}

rule "systemd-unit-start-limit" {
  description      = "a unit restarted too often and was given up on"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1225
  pattern          = <<-RE
    systemd(?:\[\d+\])?: (?:<unit>: Start request repeated too quickly|start request repeated too quickly for <unit>)
  RE
  classification   = "Error"
  common_event     = "Service Start Rate Limited"
  risk             = 3
  fields           = { "event.action" = "service-start-limit-hit", "event.category" = ["process"], "event.outcome" = "failure" }

  test {
    log    = "Dec  2 10:06:30 web1 systemd[1]: nginx.service: Start request repeated too quickly."
    expect = { "service.name" = "nginx.service" }
  }
  test {
    log    = "Dec  2 10:06:30 oldcentos systemd: start request repeated too quickly for httpd.service"
    expect = { "service.name" = "httpd.service" }
  }
}

rule "systemd-unit-killing" {
  description      = "systemd killing what is left of a unit, or a unit that would not stop"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1226
  pattern          = <<-RE
    systemd(?:\[\d+\])?: <unit>: (?:Killing process (?P<target_pid>\d+) \((?P<target_process>[^)]*)\) with signal (?P<signal>SIG\w+)|State '(?P<state>[^']+)' timed out\. (?:Killing|Terminating|Aborting)|Found left-over process (?P<target_pid>\d+) \((?P<target_process>[^)]*)\))
  RE
  classification   = "Warning"
  common_event     = "Service Process Killed"
  risk             = 2
  fields           = { "event.category" = ["process"] }

  test {
    log    = "Dec  2 10:21:30 web1 systemd[1]: java-app.service: State 'stop-sigterm' timed out. Killing."
    expect = { "service.name" = "java-app.service", state = "stop-sigterm" }
  }
  test {
    log    = "Dec  2 10:21:30 web1 systemd[1]: java-app.service: Killing process 4471 (java) with signal SIGKILL."
    expect = { target_pid = "4471", target_process = "java", signal = "SIGKILL", pid = "1" }
  }
}

rule "systemd-unit-deactivated" {
  description      = "a unit finished cleanly and went inactive"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1230
  pattern          = <<-RE
    systemd(?:\[\d+\])?: <unit>: (?:Succeeded|Deactivated successfully)\.?\s*$
  RE
  classification   = "Information"
  common_event     = "Service Deactivated"
  risk             = 0
  fields           = { "event.action" = "service-deactivated", "event.category" = ["process"], "event.type" = ["end"], "event.outcome" = "success" }

  test {
    log    = "Dec  2 00:00:03 web1 systemd[1]: logrotate.service: Deactivated successfully."
    expect = { "service.name" = "logrotate.service", "event.outcome" = "success" }
  }
  test {
    log    = "Dec  2 10:45:00 web1 systemd[1]: session-42.scope: Succeeded."
    expect = { "service.name" = "session-42.scope" }
  }
}

rule "systemd-unit-skipped" {
  description      = "a unit not started because a condition did not hold"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1231
  pattern          = <<-RE
    systemd(?:\[\d+\])?: (?:Condition check resulted in (?:<unit> - )?(?P<unit_description>.+?) being skipped|(?:<unit> - )?(?P<unit_description>.+?) was skipped because (?:of an unmet condition check|no trigger condition checks were met|all trigger condition checks failed))
  RE
  classification   = "Information"
  common_event     = "Service Skipped"
  risk             = 0

  test {
    log    = "Dec  2 09:58:57 web1 systemd[1]: Condition check resulted in Set Up Additional Binary Formats being skipped."
    expect = { unit_description = "Set Up Additional Binary Formats" }
  }
  test {
    log    = "Dec  2 09:58:57 web1 systemd[1]: plymouth-quit.service - Terminate Plymouth Boot Screen was skipped because of an unmet condition check (ConditionPathExists=/run/plymouth/pid)."
    expect = { "service.name" = "plymouth-quit.service", unit_description = "Terminate Plymouth Boot Screen" }
  }
}

# ---------------------------------------------------------------- the manager

rule "systemd-manager-started" {
  description      = "systemd starting as the system's (PID 1) or a user's manager"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1240
  pattern          = <<-RE
    systemd(?:\[\d+\])?: systemd (?P<service__version>\S+) running in (?P<manager_mode>system|user) mode
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Service Manager Started"
  risk             = 1
  fields           = { "event.category" = ["host"], "event.type" = ["start"] }

  test {
    log    = "Dec  2 09:58:50 web1 systemd[1]: systemd 252.22-1~deb12u1 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP)"
    expect = { "service.version" = "252.22-1~deb12u1", manager_mode = "system" }
  }
}

rule "systemd-startup-finished" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1241
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Startup finished in (?P<startup_time>.+?)\.?\s*$
  RE
  classification   = "Startup and Shutdown"
  common_event     = "System Startup Finished"
  risk             = 0
  fields           = { "event.category" = ["host"] }

  test {
    log    = "Dec  2 09:59:10 web1 systemd[1]: Startup finished in 2.113s (kernel) + 6.402s (userspace) = 8.515s."
    expect = { startup_time = "2.113s (kernel) + 6.402s (userspace) = 8.515s" }
  }
}

rule "systemd-manager-reload" {
  description      = "systemctl daemon-reload: unit files read again"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1209
  pattern          = <<-RE
    systemd(?:\[\d+\])?: (?:Reloading(?:\.\.\.|…|\.)\s*$|Reloading requested from client PID (?P<client_pid>\d+)(?: \('(?P<client_process>[^']*)'\))?|Reloading finished in (?P<duration_ms>\d+) ms)
  RE
  classification   = "Information"
  common_event     = "Service Manager Reloaded"
  risk             = 1
  fields           = { "event.action" = "daemon-reload", "event.category" = ["configuration"], "event.type" = ["change"] }

  test {
    log    = "Dec  2 11:00:00 web1 systemd[1]: Reloading."
    expect = { "event.action" = "daemon-reload" }
  }
  test {
    log    = "Dec  2 11:00:00 web1 systemd[1]: Reloading..."
    expect = { "event.action" = "daemon-reload" }
  }
  test {
    log    = "Dec  2 11:00:00 web1 systemd[1]: Reloading requested from client PID 8812 ('systemctl') (unit session-42.scope)..."
    expect = { client_pid = "8812", client_process = "systemctl" }
  }
  test {
    log    = "Dec  2 11:00:01 web1 systemd[1]: Reloading finished in 312 ms."
    expect = { duration_ms = "312" }
  }
}

rule "systemd-time-changed" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1243
  pattern          = <<-RE
    systemd(?:\[\d+\])?: Time has been changed
  RE
  classification   = "Warning"
  common_event     = "System Time Changed"
  risk             = 2
  fields           = { "event.category" = ["host"], "event.type" = ["change"] }

  test {
    log    = "Dec  2 11:30:00 web1 systemd[1]: Time has been changed"
    expect = { process = "systemd" }
  }
}

rule "systemd-shutting-down" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1244
  pattern          = <<-RE
    systemd(?:-shutdown)?(?:\[\d+\])?: (?:Shutting down\.|Syncing filesystems and block devices|Sending SIGTERM to remaining processes|All filesystems unmounted)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "System Shutdown"
  risk             = 2
  fields           = { "event.category" = ["host"], "event.type" = ["end"] }

  test {
    log    = "Dec  2 23:59:50 web1 systemd[1]: Shutting down."
    expect = { common_event = "System Shutdown" }
  }
  test {
    log    = "Dec  2 23:59:51 web1 systemd-shutdown[1]: Syncing filesystems and block devices."
    expect = { process = "systemd-shutdown" }
  }
}

# ---------------------------------------------------------------- logind and journald

rule "logind-session-logged-out" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1250
  pattern          = "Session (?P<session_id>\\S+) logged out\\. Waiting for processes to exit"
  classification   = "Information"
  common_event     = "Session Logged Out"
  risk             = 0
  fields           = { "event.category" = ["session"] }

  test {
    log    = "Dec  2 10:44:58 web1 systemd-logind[701]: Session 42 logged out. Waiting for processes to exit."
    expect = { session_id = "42", process = "systemd-logind" }
  }
}

rule "logind-power" {
  description      = "logind asked to reboot, power off or suspend, or seeing the power key"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1251
  pattern          = <<-RE
    systemd-logind(?:\[\d+\])?: (?:System is (?P<power_action>rebooting|powering down|halting|going down)|(?P<power_action>Power key|Suspend key|Hibernate key|Lid) (?:pressed|closed)|(?P<power_action>Suspending|Hibernating|Operation '[^']+' finished))
  RE
  classification   = "Startup and Shutdown"
  common_event     = "System Power Event"
  risk             = 1
  fields           = { "event.category" = ["host"] }

  sub_rule "shutdown" {
    when         = <<-CEL
      event.power_action in ["rebooting", "powering down", "halting", "going down"]
    CEL
    common_event = "System Shutdown"
    risk         = 2
  }

  test {
    log    = "Dec  2 23:59:40 web1 systemd-logind[701]: System is rebooting."
    expect = { power_action = "rebooting", common_event = "System Shutdown" }
  }
  test {
    log    = "Dec  2 18:01:00 laptop systemd-logind[690]: Lid closed."
    expect = { power_action = "Lid", common_event = "System Power Event" }
  }
}

rule "journald-suppressed" {
  description      = "journald rate-limiting a noisy unit: messages were dropped"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1260
  pattern          = <<-RE
    systemd-journald(?:\[\d+\])?: Suppressed (?P<suppressed>\d+) messages from (?:<unit>|(?P<service__name>/\S+))
  RE
  classification   = "Warning"
  common_event     = "Log Messages Suppressed"
  risk             = 2

  test {
    log    = "Dec  2 12:00:00 web1 systemd-journald[312]: Suppressed 1874 messages from chatty-app.service"
    expect = { suppressed = "1874", "service.name" = "chatty-app.service" }
  }
}

rule "journald-message" {
  description      = "systemd-journald about itself: journal started, sizes, rotation"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9010
  pattern          = "systemd-journald(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "Journal Message"
  risk             = 0

  test {
    log    = "Dec  2 09:58:51 web1 systemd-journald[312]: Runtime Journal (/run/log/journal/4f2c) is 8.0M, max 78.4M, 70.4M free."
    expect = { process = "systemd-journald" }
  }
}

rule "logind-message" {
  description      = "any other systemd-logind message (seats, buttons, watching devices)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9011
  pattern          = "systemd-logind(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "Login Manager Message"
  risk             = 0

  test {
    log    = "Dec  2 09:58:55 web1 systemd-logind[701]: Watching system buttons on /dev/input/event0 (Power Button)"
    expect = { process = "systemd-logind" }
  }
}

# ---------------------------------------------------------------- catch-alls

rule "systemd-unit-message" {
  description      = "any other message systemd writes about a unit"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9012
  pattern          = "systemd(?:\\[\\d+\\])?: <unit>: "
  classification   = "Information"
  common_event     = "Service Message"
  risk             = 0
  fields           = { "event.category" = ["process"] }

  test {
    log    = "Dec  2 10:09:00 web1 systemd[1]: nginx.service: Consumed 1.912s CPU time, 41.2M memory peak."
    expect = { "service.name" = "nginx.service", common_event = "Service Message" }
  }
}

rule "systemd-message" {
  description      = "any other message of the service manager"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9013
  pattern          = "systemd(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "Service Manager Message"
  risk             = 0

  test {
    log    = "Dec  2 09:58:50 web1 systemd[1]: Detected virtualization kvm."
    expect = { process = "systemd", common_event = "Service Manager Message" }
  }
}

rule "networkd-dhcp-lease" {
  description      = "systemd-networkd took a DHCPv4 lease"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1403
  pattern          = <<-RE
    systemd-networkd(?:\[\d+\])?: (?P<interface>[\w.:-]+): DHCPv4 address <clientip>/(?P<prefix_length>\d+)(?:,? (?:via|gateway) (?P<gateway>[\d.]+))? acquired from <sip>
  RE
  classification   = "Information"
  common_event     = "DHCP Lease Obtained"
  risk             = 0
  fields           = { "event.category" = ["network"], "network.protocol" = "dhcp" }

  test {
    log    = "Dec  2 10:00:00 ubu systemd-networkd[601]: ens3: DHCPv4 address 192.0.2.45/24, gateway 192.0.2.1 acquired from 192.0.2.1"
    expect = { interface = "ens3", "client.ip" = "192.0.2.45", prefix_length = "24", gateway = "192.0.2.1", sip = "192.0.2.1" }
  }
  test {
    log    = "Dec  2 10:00:00 ubu systemd-networkd[601]: eth0: DHCPv4 address 198.51.100.9/25 via 198.51.100.1 acquired from 198.51.100.2"
    expect = { gateway = "198.51.100.1", sip = "198.51.100.2" }
  }
}

rule "systemd-component-message" {
  description      = "any other systemd component (udevd, resolved, networkd, tmpfiles, fsck, …)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9030
  pattern          = "systemd-(?P<systemd_component>[a-z][\\w-]*)(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "systemd Component Message"
  risk             = 0

  test {
    log    = "Dec  2 10:00:00 ubu systemd-resolved[603]: Clock change detected. Flushing caches."
    expect = { systemd_component = "resolved", process = "systemd-resolved" }
  }
  test {
    log    = "Dec  2 10:00:00 ubu systemd-udevd[388]: Using default interface naming scheme 'v249'."
    expect = { systemd_component = "udevd" }
  }
}
