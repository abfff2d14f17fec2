# General Linux system messages (/var/log/messages, /var/log/syslog):
# service start and stop, syslogd, logrotate, udev, kernel. The auth
# rules in linux-auth.hcl apply to the "syslog" type too.
#
# Test lines are made up.

# logrotate and init scripts report an exit status; ECS wants a number.
tag "exitcode" {
  pattern = `-?\d+`
  field   = "process.exit_code"
  type    = "int"
}

rule "service-start-stop" {
  log_source_types = ["syslog"]
  sort_order       = 1000
  pattern          = `(?P<service__name>[\w.-]+) (?P<action>startup|shutdown) succeeded`
  classification   = "Startup and Shutdown"
  common_event     = "Service Started"
  risk             = 1

  sub_rule "stopped" {
    when         = `event.action == "shutdown"`
    common_event = "Service Stopped"
  }

  test {
    log    = "Oct  2 03:30:12 fileserver atd: atd startup succeeded"
    expect = { "service.name" = "atd", action = "startup", common_event = "Service Started", process = "atd" }
  }
  test {
    log    = "Oct  2 03:30:05 fileserver atd: atd shutdown succeeded"
    expect = { common_event = "Service Stopped" }
  }
}

rule "init-step-succeeded" {
  log_source_types = ["syslog"]
  sort_order       = 1010
  pattern          = `: (?P<reason>[A-Z][^:]*?): +succeeded`
  classification   = "Startup and Shutdown"
  common_event     = "Boot Step Succeeded"
  risk             = 0

  test {
    log    = "Oct  2 03:31:40 fileserver httpd: Starting httpd:  succeeded"
    expect = { reason = "Starting httpd", process = "httpd" }
  }
}

rule "syslogd-restart" {
  log_source_types = ["syslog"]
  sort_order       = 1020
  pattern          = `syslogd(?: [\d.]+)?: restart`
  classification   = "Startup and Shutdown"
  common_event     = "Syslog Restarted"
  risk             = 1

  test {
    log    = "Oct  2 03:29:58 fileserver syslogd 1.4.2: restart."
    expect = { hostname = "fileserver" }
  }
}

rule "logrotate-failed" {
  log_source_types = ["syslog"]
  sort_order       = 1030
  pattern          = `logrotate: ALERT exited abnormally with \[<exitcode>\]`
  classification   = "Error"
  common_event     = "Log Rotation Failed"
  risk             = 2

  test {
    log    = "Oct  3 04:02:11 fileserver logrotate: ALERT exited abnormally with [3]"
    expect = { exitcode = "3", process = "logrotate" }
  }
}

rule "udev-device-node" {
  log_source_types = ["syslog"]
  sort_order       = 1040
  pattern          = `(?P<action>creating|removing) device node '(?P<object>[^']+)'`
  classification   = "Information"
  common_event     = "Device Node Changed"
  risk             = 0

  test {
    log    = "Oct  3 11:20:31 fileserver udev[9120]: creating device node '/udev/ttyUSB0'"
    expect = { object = "/udev/ttyUSB0", action = "creating" }
  }
}

rule "snmp-packet" {
  log_source_types = ["syslog"]
  sort_order       = 1050
  pattern          = `Received SNMP packet\(s\) from <sip>`
  classification   = "Network Traffic"
  common_event     = "SNMP Request"
  risk             = 1

  test {
    log    = "Oct  3 12:00:07 fileserver snmpd[2115]: Received SNMP packet(s) from 192.0.2.61"
    expect = { sip = "192.0.2.61" }
  }
}

rule "client-address-lost" {
  log_source_types = ["syslog"]
  sort_order       = 1060
  pattern          = `(?:can't get client address|getpeername \(\w+\)): (?P<reason>.+?)\s*$`
  classification   = "Warning"
  common_event     = "Network Connection Reset"
  risk             = 1

  test {
    log    = "Oct  4 17:45:02 fileserver xinetd[3301]: warning: can't get client address: Connection reset by peer"
    expect = { reason = "Connection reset by peer" }
  }
  test {
    log    = "Oct  4 17:45:02 fileserver ftpd[3302]: getpeername (ftpd): Transport endpoint is not connected"
    expect = { reason = "Transport endpoint is not connected" }
  }
}

rule "named-notify-no-soa" {
  log_source_types = ["syslog"]
  sort_order       = 1070
  pattern          = `named(?:\[<pid>\])?: notify question section contains no SOA`
  classification   = "Warning"
  common_event     = "DNS Notify Without SOA"
  risk             = 1

  test {
    log    = "Oct  5 08:00:41 ns1 named[1873]: notify question section contains no SOA"
    expect = { pid = "1873" }
  }
}

rule "kernel-message" {
  description      = "any other kernel message: kept as an operations event rather than Unknown"
  log_source_types = ["syslog"]
  sort_order       = 9000
  pattern          = `kernel: `
  classification   = "Information"
  common_event     = "Kernel Message"
  risk             = 0

  test {
    log    = "Oct  2 03:28:00 fileserver kernel: e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex"
    expect = { process = "kernel" }
  }
}
