# General Linux system messages (/var/log/messages, /var/log/syslog):
# service start and stop, syslog daemons, DHCP clients, time daemons,
# logrotate, udev, the kernel (OOM killer, crashes, netfilter, AppArmor,
# SELinux, USB, disks), D-Bus. The auth rules in linux-auth.hcl apply to
# the "syslog" type too; cron.hcl and systemd.hcl cover cron and systemd.
#
# Test lines are made up.

# logrotate and init scripts report an exit status; ECS wants a number.
tag "exitcode" {
  pattern = "-?\\d+"
  field   = "process.exit_code"
  type    = "int"
}

rule "service-start-stop" {
  log_source_types = ["syslog", "loghub-linux"]
  sort_order       = 1000
  pattern          = "(?P<service__name>[\\w.-]+) (?P<action>startup|shutdown) succeeded"
  classification   = "Startup and Shutdown"
  common_event     = "Service Started"
  risk             = 1

  sub_rule "stopped" {
    when         = "event.action == \"shutdown\""
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
  pattern          = ": (?P<reason>[A-Z][^:]*?): +succeeded"
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
  pattern          = "syslogd(?: [\\d.]+)?: restart"
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
  pattern          = "logrotate: ALERT exited abnormally with \\[<exitcode>\\]"
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
  pattern          = "(?P<action>creating|removing) device node '(?P<object>[^']+)'"
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
  pattern          = "Received SNMP packet\\(s\\) from <sip>"
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
  pattern          = <<-RE
    (?:can't get client address|getpeername \(\w+\)): (?P<reason>.+?)\s*$
  RE
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
  pattern          = "named(?:\\[<pid>\\])?: notify question section contains no SOA"
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
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 8000
  pattern          = <<-RE
    kernel: (?:BIOS-e820:|BIOS-provided physical RAM map|\d+MB (?:HIGH|LOW)MEM available|zapping low mappings|On node \d+ totalpages|(?:DMA|DMA32|Normal|HighMem) zone:|DMI [\d.]+ present|ACPI[: ]|You can enable it with acpi|Built \d+ zonelists|Kernel command line:|mapped \S+ trampoline|Initializing CPU#|CPU[\d ]*:|CPU \d+ irqstacks|PID hash table entries|Detected [\d.]+ MHz processor|Using \w+ for high-res timesource|Console: |Memory: |Calibrating delay loop|Security Scaffold|SELinux: |There is already a security framework|Failure registering capabilities|selinux_register_security|Capability LSM|(?:Dentry|Inode|Mount|Dquot)-cache hash table entries|Intel machine check|Enabling (?:fast FPU|unmasked SIMD)|Checking '\w+' instruction|POSIX conformance testing|NET: Registered protocol family|PCI: |mtrr: |Linux (?:version|Plug and Play Support|agpgart interface)|usbcore: registered new (?:driver|interface driver)|Transparent bridge|apm: BIOS version|audit(?:: initializing|\(\d)|Total HugeTLB memory|VFS: Disk quotas|Initializing Cryptographic API|pci_hotplug: |isapnp: |Real Time Clock Driver|klogd [\d.]+, log source|Freeing unused kernel memory|Serial: |RAMDISK: |Uniform Multi-Platform E-IDE|ide\d: |hd[a-z]: |SCSI subsystem|Dentry cache|smpboot|Brought up \d+ CPUs)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Kernel Boot Message"
  risk             = 0

  sub_rule "problem" {
    when           = <<-CEL
      event.message.contains("ailure") || event.message.contains("failed") || event.message.contains("Invalid") || event.message.contains("disabled because")
    CEL
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
  pattern          = <<-RE
    : (?:[\w.-]+ ){0,3}(?:[Vv]ersion|ver|v) ?(?P<service__version>\d+(?:\.\d+)+)(?:\S*)? (?:[Ss]tarting|started)
  RE
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
  pattern          = <<-RE
    gpm\[\d+\]: (?:\*\*\* (?:info|warning|err)|imps2: |Detected )
  RE
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
  pattern          = <<-RE
    sysctl(?:\[\d+\])?: (?P<labels__key>[a-z][\w.]+) = (?P<labels__value>.+)
  RE
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
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9000
  pattern          = "kernel: "
  classification   = "Information"
  common_event     = "Kernel Message"
  risk             = 0

  test {
    log    = "Oct  2 03:28:00 fileserver kernel: random: crng init done"
    expect = { process = "kernel" }
  }
  test {
    log             = "Oct  2 03:28:01 fileserver kernel: [ 2.201143] nvme nvme0: 8/0/0 default/read/poll queues"
    log_source_type = "linux-auth"
    expect          = { process = "kernel", common_event = "Kernel Message" }
  }
}

# ---------------------------------------------------------------- syslog daemons

rule "rsyslogd-lifecycle" {
  description      = "rsyslogd starting, reopening its files (HUP, after logrotate) or exiting"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1500
  pattern          = <<-RE
    \[origin software="(?P<service__name>[^"]+)" swVersion="(?P<service__version>[^"]+)" x-pid="<pid>"[^\]]*\] (?:(?P<syslog_event>start)|(?P<syslog_event>exiting) on signal (?P<signal>\d+)|\S+ was (?P<syslog_event>HUPed)|(?P<syslog_event>restart))
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Syslog Started"
  risk             = 1
  fields           = { "event.category" = ["process"], "event.type" = ["start"] }

  sub_rule "hup" {
    when           = "event.syslog_event == \"HUPed\""
    classification = "Information"
    common_event   = "Syslog Reloaded"
    risk           = 0
    fields         = { "event.type" = ["change"] }
  }
  sub_rule "exiting" {
    when         = "event.syslog_event == \"exiting\""
    common_event = "Syslog Stopped"
    risk         = 2
    fields       = { "event.type" = ["end"] }
  }

  test {
    log    = "Dec  2 00:00:02 web1 rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"655\" x-info=\"https://www.rsyslog.com\"] start"
    expect = { "service.name" = "rsyslogd", "service.version" = "8.2302.0", pid = "655", process = "rsyslogd", common_event = "Syslog Started" }
  }
  test {
    log    = "Dec  3 00:00:01 web1 rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"655\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed"
    expect = { syslog_event = "HUPed", common_event = "Syslog Reloaded", classification = "Information" }
  }
  test {
    log    = "Dec  3 23:59:59 web1 rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.24.0-57.el7_9\" x-pid=\"1020\" x-info=\"http://www.rsyslog.com\"] exiting on signal 15."
    expect = { signal = "15", common_event = "Syslog Stopped", "service.version" = "8.24.0-57.el7_9" }
  }
}

rule "syslog-rate-limited" {
  description      = "rsyslog dropping a process's messages because it logs too fast"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1501
  pattern          = <<-RE
    (?:imuxsock(?:\[pid \d+\])?:? (?:begins to drop messages|lost (?P<suppressed>\d+) messages) from pid (?P<source_pid>\d+) due to rate-limiting|imjournal: (?P<suppressed>\d+) messages lost due to rate-limiting)
  RE
  classification   = "Warning"
  common_event     = "Log Messages Suppressed"
  risk             = 2

  test {
    log    = "Dec  2 12:00:00 web1 rsyslogd-2177: imuxsock begins to drop messages from pid 4410 due to rate-limiting"
    expect = { source_pid = "4410", process = "rsyslogd-2177" }
  }
  test {
    log    = "Dec  2 12:00:10 web1 rsyslogd: imuxsock[pid 4410]: lost 912 messages from pid 4410 due to rate-limiting"
    expect = { source_pid = "4410", suppressed = "912" }
  }
  test {
    log    = "Dec  2 12:00:20 rhel8 rsyslogd[1188]: imjournal: 3021 messages lost due to rate-limiting (20000 allowed within 600 seconds)"
    expect = { suppressed = "3021" }
  }
}

rule "syslog-ng-lifecycle" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1502
  pattern          = <<-RE
    syslog-ng(?:\[\d+\])?: (?:syslog-ng (?P<syslog_event>starting up|shutting down)|(?P<syslog_event>Configuration reload (?:request received|finished)))(?:.*?version='(?P<service__version>[^']+)')?
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Syslog Started"
  risk             = 1

  sub_rule "stopped" {
    when         = "event.syslog_event == \"shutting down\""
    common_event = "Syslog Stopped"
    risk         = 2
  }
  sub_rule "reload" {
    when           = "event.syslog_event.startsWith(\"Configuration reload\")"
    classification = "Information"
    common_event   = "Syslog Reloaded"
    risk           = 0
  }

  test {
    log    = "Dec  2 00:00:02 gw2 syslog-ng[702]: syslog-ng starting up; version='3.38.1'"
    expect = { "service.version" = "3.38.1", common_event = "Syslog Started" }
  }
  test {
    log    = "Dec  3 00:00:01 gw2 syslog-ng[702]: Configuration reload request received, reloading configuration;"
    expect = { common_event = "Syslog Reloaded" }
  }
}

rule "rsyslogd-message" {
  description      = "any other rsyslogd message (modules, actions, queues)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9020
  pattern          = "rsyslogd(?:-\\d+)?(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "Syslog Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.message.contains("error") || event.message.contains("could not") || event.message.contains("cannot")
    CEL
    classification = "Warning"
    common_event   = "Syslog Warning"
    risk           = 1
  }

  test {
    log    = "Dec  2 00:00:02 web1 rsyslogd: imuxsock: Acquired UNIX socket '/run/systemd/journal/syslog' (fd 3) from systemd.  [v8.2302.0]"
    expect = { process = "rsyslogd", common_event = "Syslog Message" }
  }
  test {
    log    = "Dec  2 00:00:02 web1 rsyslogd: action 'action-8-builtin:omfwd' suspended (module 'builtin:omfwd'), retry 0. There should be messages before this one giving the reason for suspension. [v8.2302.0 try https://www.rsyslog.com/e/2007 ]"
    expect = { common_event = "Syslog Message" }
  }
}

# ---------------------------------------------------------------- DHCP clients

# The address a DHCP client holds or asks for is the host's: client.ip.
tag "clientip" {
  pattern = <<-RE
    \d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}
  RE
  field   = "client.ip"
  type    = "ip"
}

rule "dhcp-client-request" {
  description      = "ISC dhclient sending a DHCP request (discover, request, release, …)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1400
  pattern          = "(?P<dhcp_message>DHCPDISCOVER|DHCPREQUEST|DHCPINFORM|DHCPRELEASE|DHCPDECLINE)(?: (?:for|of) <clientip>)? on (?P<interface>[\\w.:-]+) to <dip> port <dport>"
  classification   = "Network Traffic"
  common_event     = "DHCP Request"
  risk             = 0
  fields           = { "event.category" = ["network"], "network.protocol" = "dhcp" }

  test {
    log    = "Dec  2 10:00:00 web1 dhclient[900]: DHCPREQUEST for 192.0.2.45 on ens3 to 192.0.2.1 port 67"
    expect = { dhcp_message = "DHCPREQUEST", "client.ip" = "192.0.2.45", interface = "ens3", dip = "192.0.2.1", dport = "67", process = "dhclient" }
  }
  test {
    log    = "Dec  2 10:00:00 web1 dhclient[900]: DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 7 (xid=0x5e3a21c4)"
    expect = { dhcp_message = "DHCPDISCOVER", dip = "255.255.255.255", "client.ip" = "" }
  }
}

rule "dhcp-client-reply" {
  description      = "a DHCP server's offer, acknowledgement or refusal, as dhclient logs it"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1401
  pattern          = "(?P<dhcp_message>DHCPOFFER|DHCPACK|DHCPNAK)(?: of <clientip>)? from <sip>"
  classification   = "Network Traffic"
  common_event     = "DHCP Reply"
  risk             = 0
  fields           = { "event.category" = ["network"], "network.protocol" = "dhcp" }

  sub_rule "nak" {
    when           = "event.dhcp_message == \"DHCPNAK\""
    classification = "Warning"
    common_event   = "DHCP Request Refused"
    risk           = 1
  }

  test {
    log    = "Dec  2 10:00:00 web1 dhclient[900]: DHCPACK of 192.0.2.45 from 192.0.2.1"
    expect = { dhcp_message = "DHCPACK", "client.ip" = "192.0.2.45", sip = "192.0.2.1" }
  }
  test {
    log    = "Dec  2 10:00:00 web1 dhclient[900]: DHCPNAK from 192.0.2.1 (xid=0x5e3a21c4)"
    expect = { sip = "192.0.2.1", common_event = "DHCP Request Refused" }
  }
}

rule "dhcp-lease-bound" {
  description      = "the host took a DHCP lease (dhclient, dhcpcd)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1402
  pattern          = <<-RE
    (?:bound to <clientip> -- renewal in (?P<renewal_seconds>\d+) seconds|dhcpcd(?:\[\d+\])?: (?P<interface>[\w.:-]+): leased <clientip> for (?P<lease_seconds>\d+|infinite) seconds)
  RE
  classification   = "Information"
  common_event     = "DHCP Lease Obtained"
  risk             = 0
  fields           = { "event.category" = ["network"], "network.protocol" = "dhcp" }

  test {
    log    = "Dec  2 10:00:00 web1 dhclient[900]: bound to 192.0.2.45 -- renewal in 41562 seconds."
    expect = { "client.ip" = "192.0.2.45", renewal_seconds = "41562" }
  }
  test {
    log    = "Dec  2 10:00:00 pi4 dhcpcd[512]: wlan0: leased 198.51.100.23 for 86400 seconds"
    expect = { "client.ip" = "198.51.100.23", interface = "wlan0", lease_seconds = "86400" }
  }
}

rule "dhcp-client-message" {
  description      = "any other dhclient or dhcpcd message"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9021
  pattern          = "(?:dhclient|dhcpcd)(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "DHCP Client Message"
  risk             = 0

  test {
    log    = "Dec  2 10:00:00 web1 dhclient[900]: No DHCPOFFERS received."
    expect = { process = "dhclient" }
  }
}

rule "networkmanager-message" {
  description      = "NetworkManager, by the level it gives"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9022
  pattern          = <<-RE
    NetworkManager(?:\[\d+\])?: <(?P<severity>info|warn|error|debug|trace)>
  RE
  classification   = "Information"
  common_event     = "Network Manager Message"
  risk             = 0

  sub_rule "warning" {
    when           = "event.severity == \"warn\""
    classification = "Warning"
    common_event   = "Network Manager Warning"
    risk           = 1
  }
  sub_rule "error" {
    when           = "event.severity == \"error\""
    classification = "Error"
    common_event   = "Network Manager Error"
    risk           = 2
  }

  test {
    log    = "Dec  2 10:00:00 laptop NetworkManager[811]: <info>  [1733133600.1234] dhcp4 (wlp2s0): state changed new lease, address=192.0.2.77"
    expect = { severity = "info", common_event = "Network Manager Message" }
  }
  test {
    log    = "Dec  2 10:00:01 laptop NetworkManager[811]: <warn>  [1733133601.0001] device (wlp2s0): Activation: failed for connection 'Office'"
    expect = { severity = "warn", classification = "Warning" }
  }
}

# ---------------------------------------------------------------- time synchronisation

rule "time-sync-source" {
  description      = "ntpd, chronyd or systemd-timesyncd synchronised to a server"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1600
  pattern          = <<-RE
    (?:synchronized to|Selected source|Synchronized to time server|Initial synchronization to time server|Contacted time server) <dip>(?::<dport>)?(?: \((?P<dname>[^)\s]+)\))?(?:, stratum (?P<stratum>\d+))?
  RE
  classification   = "Information"
  common_event     = "Time Synchronized"
  risk             = 0
  fields           = { "network.protocol" = "ntp" }

  test {
    log    = "Dec  2 10:00:00 web1 ntpd[600]: synchronized to 192.0.2.10, stratum 2"
    expect = { dip = "192.0.2.10", stratum = "2", process = "ntpd" }
  }
  test {
    log    = "Dec  2 10:00:00 rhel9 chronyd[620]: Selected source 198.51.100.123 (2.rhel.pool.ntp.org)"
    expect = { dip = "198.51.100.123", dname = "2.rhel.pool.ntp.org" }
  }
  test {
    log    = "Dec  2 10:00:00 ubu systemd-timesyncd[540]: Initial synchronization to time server 203.0.113.123:123 (ntp.ubuntu.com)."
    expect = { dip = "203.0.113.123", dport = "123", dname = "ntp.ubuntu.com", process = "systemd-timesyncd" }
  }
}

rule "time-clock-stepped" {
  description      = "the system clock jumped (stepped) rather than being slewed"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1601
  pattern          = <<-RE
    (?:time reset (?P<offset_seconds>[+-]?[\d.]+) ?s|System clock wrong by (?P<offset_seconds>[+-]?[\d.]+) seconds|System clock was stepped by (?P<offset_seconds>[+-]?[\d.]+) seconds|step time server <dip> offset (?P<offset_seconds>[+-]?[\d.]+) sec|clock_step (?P<offset_seconds>[+-]?[\d.]+) s)
  RE
  classification   = "Warning"
  common_event     = "System Clock Stepped"
  risk             = 2
  fields           = { "event.category" = ["host"], "event.type" = ["change"] }

  test {
    log    = "Dec  2 10:00:00 web1 ntpd[600]: time reset +0.731221 s"
    expect = { offset_seconds = "+0.731221" }
  }
  test {
    log    = "Dec  2 10:00:00 rhel9 chronyd[620]: System clock wrong by -1.402187 seconds"
    expect = { offset_seconds = "-1.402187" }
  }
  test {
    log    = "Dec  2 10:00:00 old ntpdate[2211]: step time server 192.0.2.10 offset 12.508331 sec"
    expect = { offset_seconds = "12.508331", dip = "192.0.2.10" }
  }
}

rule "time-clock-adjusted" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1602
  pattern          = "adjust time server <dip> offset (?P<offset_seconds>[+-]?[\\d.]+) sec"
  classification   = "Information"
  common_event     = "System Clock Adjusted"
  risk             = 0

  test {
    log    = "Dec  2 10:00:00 old ntpdate[2212]: adjust time server 192.0.2.10 offset -0.002113 sec"
    expect = { offset_seconds = "-0.002113", dip = "192.0.2.10" }
  }
}

rule "time-sync-failed" {
  description      = "no usable time source: the clock runs free"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1603
  pattern          = <<-RE
    (?:Can't synchronise: no (?:selectable sources|majority)|no servers (?:can be used|reachable)|no server suitable for synchronization found|Timed out waiting for reply from <dip>(?::<dport>)?(?: \((?P<dname>[^)\s]+)\))?|kernel reports TIME_ERROR)
  RE
  classification   = "Warning"
  common_event     = "Time Synchronization Failure"
  risk             = 1
  fields           = { "network.protocol" = "ntp", "event.outcome" = "failure" }

  test {
    log    = "Dec  2 10:00:00 rhel9 chronyd[620]: Can't synchronise: no selectable sources"
    expect = { common_event = "Time Synchronization Failure" }
  }
  test {
    log    = "Dec  2 10:00:00 ubu systemd-timesyncd[540]: Timed out waiting for reply from 203.0.113.123:123 (ntp.ubuntu.com)."
    expect = { dip = "203.0.113.123", dname = "ntp.ubuntu.com" }
  }
}

rule "time-service-message" {
  description      = "any other message of a time daemon"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9023
  pattern          = "(?:ntpd|chronyd|ntpdate|sntp|systemd-timesyncd)(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "Time Service Message"
  risk             = 0

  test {
    log    = "Dec  2 10:00:00 web1 ntpd[600]: Listen normally on 3 ens3 192.0.2.45:123"
    expect = { process = "ntpd" }
  }
}

# ---------------------------------------------------------------- logrotate

rule "logrotate-error" {
  description      = "logrotate could not rotate a log: permissions, missing files, duplicates"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1031
  pattern          = <<-RE
    logrotate(?:\[\d+\])?: error: (?P<reason>(?:skipping "(?P<object>[^"]+)"|stat of (?P<object>\S+) failed|failed to rename (?P<object>\S+)|[^:]+:\d+ duplicate log entry for (?P<object>\S+))?.*?)\s*$
  RE
  classification   = "Error"
  common_event     = "Log Rotation Error"
  risk             = 2
  fields           = { "event.outcome" = "failure" }

  test {
    log    = "Dec  2 00:00:03 web1 logrotate[20911]: error: skipping \"/var/log/app/app.log\" because parent directory has insecure permissions (It's world writable or writable by group which is not \"root\") Set \"su\" directive in config file to tell logrotate which user/group should be used for rotation."
    expect = { object = "/var/log/app/app.log", process = "logrotate", common_event = "Log Rotation Error" }
  }
  test {
    log    = "Dec  2 00:00:03 web1 logrotate[20911]: error: app:4 duplicate log entry for /var/log/app/app.log"
    expect = { object = "/var/log/app/app.log", reason = "app:4 duplicate log entry for /var/log/app/app.log" }
  }
}

# ---------------------------------------------------------------- kernel

rule "kernel-oom-kill" {
  description      = "the out-of-memory killer killed a process"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1700
  pattern          = "(?:(?:Memory cgroup )?[Oo]ut of memory: Kill(?:ed)? process <pid> \\((?P<process>[^)]+)\\)|oom-kill:.*?,task=(?P<process>[^,]+),pid=<pid>)"
  classification   = "Error"
  common_event     = "Process Killed: Out Of Memory"
  risk             = 4
  fields           = { "event.category" = ["process"], "event.type" = ["end"] }

  test {
    log    = "Dec  2 10:00:00 web1 kernel: [82341.120044] Out of memory: Killed process 30122 (java) total-vm:8390412kB, anon-rss:6021104kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:12440kB oom_score_adj:0"
    expect = { pid = "30122", process = "java", common_event = "Process Killed: Out Of Memory" }
  }
  test {
    log    = "Dec  2 10:00:00 old kernel: Out of memory: Kill process 3011 (mysqld) score 911 or sacrifice child"
    expect = { pid = "3011", process = "mysqld" }
  }
  test {
    log    = "Dec  2 10:00:00 web1 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/app.service,task=node,pid=4110,uid=998"
    expect = { pid = "4110", process = "node" }
  }
}

rule "kernel-oom-invoked" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1701
  pattern          = "kernel: (?:\\[\\s*\\d+\\.\\d+\\] )?<process> invoked oom-killer: "
  classification   = "Warning"
  common_event     = "Out Of Memory"
  risk             = 3
  fields           = { "event.category" = ["host"] }

  test {
    log    = "Dec  2 10:00:00 web1 kernel: [82341.118002] java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"
    expect = { process = "java" }
  }
}

rule "kernel-process-crash" {
  description      = "a process killed by the kernel for a bad memory access or instruction"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1702
  pattern          = <<-RE
    (?:<process>\[<pid>\]: segfault at (?P<fault_address>[0-9a-f]+) ip (?P<instruction_pointer>[0-9a-f]+) sp [0-9a-f]+ error (?P<fault_error>\d+)(?: in (?P<file__name>[^\[\s]+))?|traps: <process>\[<pid>\] (?P<reason>general protection(?: fault)?|trap [\w ]+?) ip:?(?P<instruction_pointer>[0-9a-f]+))
  RE
  classification   = "Error"
  common_event     = "Process Crashed"
  risk             = 3
  fields           = { "event.category" = ["process"], "event.type" = ["end"] }

  test {
    log    = "Dec  2 10:00:00 web1 kernel: [ 5011.332710] php-fpm8.2[22101]: segfault at 18 ip 00007f3a9c2b1e55 sp 00007ffd4e1a6a90 error 4 in libphp.so[7f3a9c000000+600000]"
    expect = { process = "php-fpm8.2", pid = "22101", fault_address = "18", "file.name" = "libphp.so", fault_error = "4" }
  }
  test {
    log    = "Dec  2 10:00:00 web1 kernel: traps: worker[4410] general protection fault ip:55d0c1e2a3b4 sp:7ffc2a1b0c98 error:0 in worker[55d0c1e00000+40000]"
    expect = { process = "worker", pid = "4410", reason = "general protection fault" }
  }
}

rule "kernel-firewall-log" {
  description      = "a packet logged by netfilter (iptables, nftables, ufw, firewalld LOG rules)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1710
  pattern          = <<-RE
    (?:kernel: (?:\[\s*\d+\.\d+\] )?(?P<log_prefix>[^=]*?) ?)?IN=(?P<observer__ingress__interface__name>\S*) OUT=(?P<observer__egress__interface__name>\S*) (?:PHYSIN=\S* )?(?:PHYSOUT=\S* )?(?:MAC=\S* )?SRC=<sip> DST=<dip> .*?PROTO=<protocol>(?: SPT=<sport> DPT=<dport>)?
  RE
  classification   = "Network Traffic"
  common_event     = "Firewall Packet Logged"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection"] }

  sub_rule "denied" {
    when           = "event.log_prefix.matches(\"(?i)block|drop|reject|deny|denied\")"
    classification = "Network Deny"
    common_event   = "Firewall Packet Denied"
    risk           = 2
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }
  sub_rule "allowed" {
    when           = "event.log_prefix.matches(\"(?i)allow|accept|pass\")"
    classification = "Network Allow"
    common_event   = "Firewall Packet Allowed"
    fields         = { "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log = "Dec  2 10:00:00 web1 kernel: [61234.221904] [UFW BLOCK] IN=ens3 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.50 DST=192.0.2.45 LEN=44 TOS=0x00 PREC=0x00 TTL=243 ID=54321 PROTO=TCP SPT=48211 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0"
    expect = {
      log_prefix                        = "[UFW BLOCK]"
      "observer.ingress.interface.name" = "ens3"
      sip                               = "203.0.113.50"
      dip                               = "192.0.2.45"
      sport                             = "48211"
      dport                             = "3389"
      protocol                          = "tcp"
      common_event                      = "Firewall Packet Denied"
      classification                    = "Network Deny"
    }
  }
  test {
    log    = "Dec  2 10:00:00 fw kernel: IPTables-Accepted: IN=eth1 OUT=eth0 SRC=198.51.100.7 DST=203.0.113.80 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=UDP SPT=5353 DPT=53 LEN=40"
    expect = { log_prefix = "IPTables-Accepted:", "observer.egress.interface.name" = "eth0", protocol = "udp", classification = "Network Allow" }
  }
  test {
    log    = "Dec  2 10:00:00 fw kernel: IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc:00:16:3e:dd:ee:ff:08:00 SRC=192.0.2.9 DST=192.0.2.45 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1"
    expect = { protocol = "icmp", sport = "", classification = "Network Traffic" }
  }
}

rule "kernel-apparmor" {
  description      = "an AppArmor decision: a denial, a complain-mode allow, a profile load"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1720
  pattern          = <<-RE
    apparmor="(?P<apparmor_status>DENIED|ALLOWED|AUDIT|STATUS)" operation="(?P<apparmor_operation>[^"]+)"(?:.*? profile="(?P<apparmor_profile>[^"]+)")?(?:.*? name="(?P<object>[^"]*)")?(?:.*? pid=<pid>)?(?:.*? comm="(?P<process>[^"]*)")?
  RE
  classification   = "Access Failure"
  common_event     = "AppArmor Denied"
  risk             = 4
  fields           = { "event.category" = ["intrusion_detection"], "event.outcome" = "failure" }

  sub_rule "allowed" {
    when           = <<-CEL
      event.apparmor_status in ["ALLOWED", "AUDIT"]
    CEL
    classification = "Other Audit"
    common_event   = "AppArmor Audit"
    risk           = 2
    fields         = { "event.outcome" = "success" }
  }
  sub_rule "status" {
    when           = "event.apparmor_status == \"STATUS\""
    classification = "Policy"
    common_event   = "AppArmor Profile Changed"
    risk           = 1
    fields         = { "event.outcome" = "success" }
  }

  test {
    log = "Dec  2 10:00:00 ubu kernel: [ 812.431102] audit: type=1400 audit(1733133600.512:88): apparmor=\"DENIED\" operation=\"open\" class=\"file\" profile=\"/usr/sbin/named\" name=\"/srv/zones/internal.db\" pid=1410 comm=\"named\" requested_mask=\"r\" denied_mask=\"r\" fsuid=113 ouid=0"
    expect = {
      apparmor_status    = "DENIED"
      apparmor_operation = "open"
      apparmor_profile   = "/usr/sbin/named"
      object             = "/srv/zones/internal.db"
      pid                = "1410"
      process            = "named"
      common_event       = "AppArmor Denied"
    }
  }
  test {
    log    = "Dec  2 10:00:00 ubu kernel: audit: type=1400 audit(1733133601.001:89): apparmor=\"STATUS\" operation=\"profile_replace\" profile=\"unconfined\" name=\"/usr/bin/man\" pid=2210 comm=\"apparmor_parser\""
    expect = { common_event = "AppArmor Profile Changed", classification = "Policy", process = "apparmor_parser" }
  }
}

rule "kernel-selinux-avc" {
  description      = "an SELinux access vector decision (denied, or granted when audited)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1721
  pattern          = <<-RE
    avc: +(?P<selinux_result>denied|granted) +\{ (?P<selinux_permission>[^}]+?) \} for +pid=<pid> comm="(?P<process>[^"]*)"(?: (?:path="<object>"|name="(?P<file__name>[^"]*)"))?.*? scontext=(?P<selinux_scontext>\S+) tcontext=(?P<selinux_tcontext>\S+) tclass=(?P<selinux_tclass>\S+)(?: permissive=(?P<selinux_permissive>\d))?
  RE
  classification   = "Access Failure"
  common_event     = "SELinux Denied"
  risk             = 4
  fields           = { "event.category" = ["intrusion_detection"], "event.outcome" = "failure" }

  sub_rule "granted" {
    when           = "event.selinux_result == \"granted\""
    classification = "Other Audit"
    common_event   = "SELinux Granted"
    risk           = 1
    fields         = { "event.outcome" = "success" }
  }

  test {
    log = "Dec  2 10:00:00 rhel9 kernel: audit: type=1400 audit(1733133600.120:301): avc:  denied  { read } for  pid=3120 comm=\"httpd\" name=\"report.html\" dev=\"dm-0\" ino=1840331 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0"
    expect = {
      selinux_result     = "denied"
      selinux_permission = "read"
      pid                = "3120"
      process            = "httpd"
      "file.name"        = "report.html"
      selinux_scontext   = "system_u:system_r:httpd_t:s0"
      selinux_tclass     = "file"
      common_event       = "SELinux Denied"
    }
  }
}

rule "kernel-audit-record" {
  description      = "another audit record the kernel passed to syslog (no auditd running)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1722
  pattern          = <<-RE
    (?:audit: type=(?P<audit_type>\d+) audit\(\d+\.\d+:\d+\): |audit(?:\[\d+\])?: (?P<audit_type>[A-Z][A-Z_]+) )
  RE
  classification   = "Other Audit"
  common_event     = "Kernel Audit Record"
  risk             = 1

  test {
    log    = "Dec  2 10:00:00 fedora kernel: audit: type=1130 audit(1733133600.331:210): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:init_t:s0 msg='unit=nginx comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'"
    expect = { audit_type = "1130" }
  }
  test {
    log    = "Dec  2 10:00:00 fedora audit: BPF prog-id=75 op=LOAD"
    expect = { audit_type = "BPF", process = "audit" }
  }
}

rule "kernel-usb-device" {
  description      = "a USB device plugged in or removed"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1730
  pattern          = <<-RE
    usb (?P<usb_port>\d+-[\d.]+): (?:new (?P<usb_speed>[\w-]+(?: [\w-]+)?) USB device number (?P<usb_device>\d+)|New USB device found, idVendor=(?P<usb_vendor_id>[0-9a-fA-F]{4}), idProduct=(?P<usb_product_id>[0-9a-fA-F]{4})|(?P<usb_attribute>Product|Manufacturer|SerialNumber): (?P<usb_value>.+?)\s*$|USB disconnect, device number (?P<usb_device>\d+))
  RE
  classification   = "Information"
  common_event     = "USB Device Connected"
  risk             = 1
  fields           = { "event.category" = ["host"] }

  sub_rule "removed" {
    when         = "event.message.contains(\"USB disconnect\")"
    common_event = "USB Device Removed"
  }

  test {
    log    = "Dec  2 10:00:00 ws3 kernel: [ 9120.004213] usb 1-2: new high-speed USB device number 7 using xhci_hcd"
    expect = { usb_port = "1-2", usb_speed = "high-speed", usb_device = "7", common_event = "USB Device Connected" }
  }
  test {
    log    = "Dec  2 10:00:00 ws3 kernel: usb 1-2: New USB device found, idVendor=0951, idProduct=1666, bcdDevice= 1.10"
    expect = { usb_vendor_id = "0951", usb_product_id = "1666" }
  }
  test {
    log    = "Dec  2 10:00:01 ws3 kernel: usb 1-2: SerialNumber: 60A44C42AB12"
    expect = { usb_attribute = "SerialNumber", usb_value = "60A44C42AB12" }
  }
  test {
    log    = "Dec  2 10:30:00 ws3 kernel: usb 1-2.1: USB disconnect, device number 7"
    expect = { usb_port = "1-2.1", common_event = "USB Device Removed" }
  }
}

rule "kernel-disk-error" {
  description      = "a block device failing reads or writes"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1740
  pattern          = <<-RE
    (?:(?:critical |critical medium |medium )?I/O error, dev (?P<device>\w+), sector (?P<sector>\d+)|Buffer I/O error on (?:dev(?:ice)? )?(?P<device>\w+), logical block (?P<sector>\d+))
  RE
  classification   = "Error"
  common_event     = "Disk I/O Error"
  risk             = 3
  fields           = { "event.category" = ["host"] }

  test {
    log    = "Dec  2 10:00:00 db2 kernel: [301220.41] blk_update_request: I/O error, dev sdb, sector 1953525160 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0"
    expect = { device = "sdb", sector = "1953525160" }
  }
  test {
    log    = "Dec  2 10:00:00 db2 kernel: Buffer I/O error on dev sdb1, logical block 244190636, async page read"
    expect = { device = "sdb1", sector = "244190636" }
  }
}

rule "kernel-filesystem-error" {
  description      = "a file system reporting corruption or going read-only"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1741
  pattern          = <<-RE
    (?:EXT[234]-fs error \(device (?P<device>[^)]+)\)|EXT[234]-fs \((?P<device>[^)]+)\): (?:error|Remounting filesystem read-only)|XFS \((?P<device>[^)]+)\): (?:Corruption|[Mm]etadata I/O error|Internal error|[Ll]og I/O error|Filesystem has been shut down)|BTRFS (?:error|critical) \(device (?P<device>[^)]+)\))
  RE
  classification   = "Error"
  common_event     = "File System Error"
  risk             = 4
  fields           = { "event.category" = ["host"] }

  test {
    log    = "Dec  2 10:00:00 db2 kernel: EXT4-fs error (device sda2): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0"
    expect = { device = "sda2" }
  }
  test {
    log    = "Dec  2 10:00:00 db2 kernel: XFS (dm-2): Metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x2 len 1 error 5"
    expect = { device = "dm-2" }
  }
}

rule "kernel-link-state" {
  description      = "a network interface's link going up or down"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1750
  pattern          = "(?P<interface>[\\w.-]+):? NIC Link is (?P<link_state>Up|Down)"
  classification   = "Information"
  common_event     = "Network Link Up"
  risk             = 0
  fields           = { "event.category" = ["network"] }

  sub_rule "down" {
    when           = "event.link_state == \"Down\""
    classification = "Warning"
    common_event   = "Network Link Down"
    risk           = 2
  }

  test {
    log    = "Dec  2 10:00:00 web1 kernel: [   12.804311] e1000e: eno1 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx"
    expect = { interface = "eno1", link_state = "Up", common_event = "Network Link Up" }
  }
  test {
    log    = "Dec  2 10:05:00 web1 kernel: igb 0000:02:00.1 enp2s0f1: igb: enp2s0f1 NIC Link is Down"
    expect = { interface = "enp2s0f1", common_event = "Network Link Down" }
  }
}

# ---------------------------------------------------------------- D-Bus

rule "dbus-service-activation" {
  description      = "the D-Bus daemon starting a service on demand"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1800
  pattern          = <<-RE
    \[(?:system|session uid=\d+ pid=\d+)\] (?:Activating (?:via systemd: )?service name='(?P<dbus_service>[^']+)'(?: unit='<unit>')?(?: requested by '(?P<dbus_sender>[^']+)' \(uid=<uid> pid=(?P<requester_pid>\d+) comm="(?P<requester_process>[^"]*)")?|Successfully activated service '(?P<dbus_service>[^']+)')
  RE
  classification   = "Information"
  common_event     = "D-Bus Service Activating"
  risk             = 0

  sub_rule "activated" {
    when         = "event.message.contains(\"Successfully activated\")"
    common_event = "D-Bus Service Activated"
  }

  test {
    log    = "Dec  2 10:00:00 ubu dbus-daemon[733]: [system] Activating via systemd: service name='org.freedesktop.hostname1' unit='dbus-org.freedesktop.hostname1.service' requested by ':1.52' (uid=0 pid=2210 comm=\"hostnamectl\" label=\"unconfined\")"
    expect = { dbus_service = "org.freedesktop.hostname1", "service.name" = "dbus-org.freedesktop.hostname1.service", uid = "0", requester_process = "hostnamectl", common_event = "D-Bus Service Activating" }
  }
  test {
    log    = "Dec  2 10:00:00 ubu dbus-daemon[733]: [system] Successfully activated service 'org.freedesktop.hostname1'"
    expect = { dbus_service = "org.freedesktop.hostname1", common_event = "D-Bus Service Activated" }
  }
}

# ---------------------------------------------------------------- polkit

rule "polkit-authorized" {
  description      = "polkit: a user authenticated (as root or themselves) to be allowed an action"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1810
  pattern          = <<-RE
    Operator of (?P<polkit_subject>\S+) successfully authenticated as unix-user:<runas> to gain (?P<polkit_scope>[\w-]+) authorization for action (?P<polkit_action>\S+) for (?P<polkit_target>\S+) \[(?P<command>[^\]]*)\] \(owned by unix-user:<login>\)
  RE
  classification   = "Authentication Success"
  common_event     = "Polkit Authorization Granted"
  risk             = 3
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success" }

  test {
    log    = "Dec  2 10:00:00 rhel9 polkitd[800]: Operator of unix-session:4 successfully authenticated as unix-user:root to gain ONE-SHOT authorization for action org.freedesktop.systemd1.manage-units for system-bus-name::1.97 [systemctl restart nginx] (owned by unix-user:bob)"
    expect = { runas = "root", login = "bob", polkit_action = "org.freedesktop.systemd1.manage-units", command = "systemctl restart nginx", polkit_scope = "ONE-SHOT", process = "polkitd" }
  }
}

rule "polkit-auth-failed" {
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1811
  pattern          = <<-RE
    Operator of (?P<polkit_subject>\S+) FAILED to authenticate to gain authorization for action (?P<polkit_action>\S+) for (?P<polkit_target>\S+) \[(?P<command>[^\]]*)\] \(owned by unix-user:<login>\)
  RE
  classification   = "Authentication Failure"
  common_event     = "Polkit Authorization Failed"
  risk             = 4
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure" }

  test {
    log    = "Dec  2 10:00:00 rhel9 polkitd[800]: Operator of unix-session:4 FAILED to authenticate to gain authorization for action org.freedesktop.login1.reboot for system-bus-name::1.98 [systemctl reboot] (owned by unix-user:bob)"
    expect = { login = "bob", polkit_action = "org.freedesktop.login1.reboot", "event.outcome" = "failure" }
  }
}

rule "polkit-message" {
  description      = "any other polkitd message (agents registering, rules loading)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9024
  pattern          = "polkitd(?:\\(authority=\\w+\\))?(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "Polkit Message"
  risk             = 0

  test {
    log    = "Dec  2 10:00:00 rhel9 polkitd[800]: Registered Authentication Agent for unix-process:4411:9012 (system bus name :1.90 [/usr/bin/pkttyagent --notify-fd 5 --fallback], object path /org/freedesktop/PolicyKit1/AuthenticationAgent, locale en_US.UTF-8)"
    expect = { process = "polkitd" }
  }
}

# ---------------------------------------------------------------- packages

rule "rpm-package-change" {
  description      = "yum or dnf installed, updated or erased a package (name-version-release.arch)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 1820
  pattern          = <<-RE
    (?:yum|dnf)(?:\[\d+\])?: (?P<package_action>Installed|Updated|Erased|Upgraded|Removed|Downgraded|Reinstalled): (?:\d+:)?(?P<package__name>[\w+.-]+?)-(?P<package__version>\d[\w.+~^]*-[\w.+~^]+)\.(?P<package__architecture>x86_64|noarch|i686|i386|aarch64|ppc64le|s390x|armv7hl)
  RE
  classification   = "Object Modified"
  common_event     = "Package Updated"
  risk             = 2
  fields           = { "event.category" = ["package"], "event.type" = ["change"] }

  sub_rule "installed" {
    when           = <<-CEL
      event.package_action in ["Installed", "Reinstalled"]
    CEL
    classification = "Object Created"
    common_event   = "Package Installed"
    fields         = { "event.type" = ["installation"] }
  }
  sub_rule "removed" {
    when           = <<-CEL
      event.package_action in ["Erased", "Removed"]
    CEL
    classification = "Object Disposed"
    common_event   = "Package Removed"
    fields         = { "event.type" = ["deletion"] }
  }

  test {
    log    = "Dec  2 10:00:00 centos7 yum[5011]: Updated: openssl-libs-1.0.2k-26.el7_9.x86_64"
    expect = { "package.name" = "openssl-libs", "package.version" = "1.0.2k-26.el7_9", "package.architecture" = "x86_64", common_event = "Package Updated" }
  }
  test {
    log    = "Dec  2 10:00:00 centos7 yum[5012]: Installed: 1:nginx-1.20.1-10.el7.x86_64"
    expect = { "package.name" = "nginx", "package.version" = "1.20.1-10.el7", common_event = "Package Installed", classification = "Object Created" }
  }
  test {
    log    = "Dec  2 10:00:00 centos7 yum[5013]: Erased: python-requests-2.6.0-10.el7.noarch"
    expect = { "package.name" = "python-requests", common_event = "Package Removed" }
  }
}

rule "auditd-message" {
  description      = "the audit daemon about itself (rotation, start, disk space)"
  log_source_types = ["syslog", "linux-auth", "loghub-linux"]
  sort_order       = 9025
  pattern          = "auditd(?:\\[\\d+\\])?: "
  classification   = "Information"
  common_event     = "Audit Daemon Message"
  risk             = 0

  sub_rule "trouble" {
    when           = <<-CEL
      event.message.contains("low on disk") || event.message.contains("suspend") || event.message.contains("error")
    CEL
    classification = "Warning"
    common_event   = "Audit Daemon Warning"
    risk           = 3
  }

  test {
    log    = "Dec  2 10:00:00 centos7 auditd[600]: Audit daemon rotating log files"
    expect = { process = "auditd", common_event = "Audit Daemon Message" }
  }
  test {
    log    = "Dec  2 10:00:00 centos7 auditd[600]: Audit daemon is low on disk space for logging"
    expect = { common_event = "Audit Daemon Warning" }
  }
}
