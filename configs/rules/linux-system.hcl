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
  log_source_types = ["syslog", "loghub-linux"]
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
  log_source_types = ["syslog", "loghub-linux"]
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
  log_source_types = ["syslog", "loghub-linux"]
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
  log_source_types = ["syslog", "loghub-linux"]
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
  log_source_types = ["syslog", "loghub-linux"]
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
  log_source_types = ["syslog", "loghub-linux"]
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
  log_source_types = ["syslog", "loghub-linux"]
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
  log_source_types = ["syslog", "loghub-linux"]
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

rule "kernel-boot" {
  description      = "the kernel describing the machine as it boots: memory map, CPU, buses, subsystems"
  log_source_types = ["syslog", "loghub-linux"]
  sort_order       = 8000
  pattern          = `kernel: (?:BIOS-e820:|BIOS-provided physical RAM map|\d+MB (?:HIGH|LOW)MEM available|zapping low mappings|On node \d+ totalpages|(?:DMA|DMA32|Normal|HighMem) zone:|DMI [\d.]+ present|ACPI[: ]|You can enable it with acpi|Built \d+ zonelists|Kernel command line:|mapped \S+ trampoline|Initializing CPU#|CPU[\d ]*:|CPU \d+ irqstacks|PID hash table entries|Detected [\d.]+ MHz processor|Using \w+ for high-res timesource|Console: |Memory: |Calibrating delay loop|Security Scaffold|SELinux: |There is already a security framework|Failure registering capabilities|selinux_register_security|Capability LSM|(?:Dentry|Inode|Mount|Dquot)-cache hash table entries|Intel machine check|Enabling (?:fast FPU|unmasked SIMD)|Checking '\w+' instruction|POSIX conformance testing|NET: Registered protocol family|PCI: |mtrr: |Linux (?:version|Plug and Play Support|agpgart interface)|usbcore: registered new (?:driver|interface driver)|Transparent bridge|apm: BIOS version|audit(?:: initializing|\(\d)|Total HugeTLB memory|VFS: Disk quotas|Initializing Cryptographic API|pci_hotplug: |isapnp: |Real Time Clock Driver|klogd [\d.]+, log source|Freeing unused kernel memory|Serial: |RAMDISK: |Uniform Multi-Platform E-IDE|ide\d: |hd[a-z]: |SCSI subsystem|Dentry cache|smpboot|Brought up \d+ CPUs)`
  classification   = "Startup and Shutdown"
  common_event     = "Kernel Boot Message"
  risk             = 0

  sub_rule "problem" {
    when           = `event.message.contains("ailure") || event.message.contains("failed") || event.message.contains("Invalid") || event.message.contains("disabled because")`
    classification = "Warning"
    common_event   = "Kernel Boot Warning"
    risk           = 1
  }

  test {
    log    = "Oct  2 03:28:00 fileserver kernel: Calibrating delay loop... 1445.88 BogoMIPS"
    expect = { common_event = "Kernel Boot Message", process = "kernel" }
  }
  test {
    log    = "Oct  2 03:28:00 fileserver kernel: PCI: Invalid ACPI-PCI IRQ routing table"
    expect = { common_event = "Kernel Boot Warning" }
  }
}

rule "daemon-version-started" {
  description      = "a daemon announcing its version as it starts"
  log_source_types = ["syslog", "loghub-linux"]
  sort_order       = 1080
  pattern          = `: (?:[\w.-]+ ){0,3}(?:[Vv]ersion|ver|v) ?(?P<service__version>\d+(?:\.\d+)+)(?:\S*)? (?:[Ss]tarting|started)`
  classification   = "Startup and Shutdown"
  common_event     = "Service Started"
  risk             = 1

  test {
    log    = "Oct  2 03:30:00 fileserver rpc.statd[1636]: Version 1.0.6 Starting"
    expect = { "service.version" = "1.0.6", process = "rpc.statd" }
  }
  test {
    log    = "Oct  2 03:30:01 fileserver hcid[1690]: HCI daemon ver 2.4 started"
    expect = { "service.version" = "2.4" }
  }
}

rule "gpm-mouse" {
  description      = "the console mouse server detecting its device"
  log_source_types = ["syslog", "loghub-linux"]
  sort_order       = 1090
  pattern          = `gpm\[\d+\]: (?:\*\*\* (?:info|warning|err)|imps2: |Detected )`
  classification   = "Information"
  common_event     = "Mouse Device Detected"
  risk             = 0

  test {
    log    = "Oct  2 03:30:02 fileserver gpm[1722]: imps2: Auto-detected intellimouse PS/2"
    expect = { process = "gpm" }
  }
}

rule "sysctl-setting" {
  description      = "a kernel parameter set at boot"
  log_source_types = ["syslog", "loghub-linux"]
  sort_order       = 1095
  pattern          = `sysctl(?:\[\d+\])?: (?P<labels__key>[a-z][\w.]+) = (?P<labels__value>.+)`
  classification   = "Policy"
  common_event     = "Kernel Parameter Set"
  risk             = 1

  test {
    log    = "Oct  2 03:30:03 fileserver sysctl: kernel.core_uses_pid = 1"
    expect = { "labels.key" = "kernel.core_uses_pid", "labels.value" = "1" }
  }
}

rule "kernel-message" {
  description      = "any other kernel message: kept as an operations event rather than Unknown"
  log_source_types = ["syslog", "loghub-linux"]
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
