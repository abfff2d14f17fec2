# Blue Gene/L supercomputer RAS logs (Loghub's BGL data set):
#
#   - 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected
#
# The first field is the data set's alert label ("-" for none, else the
# alert category); then the epoch time, date, node, time, node again, the
# message type (RAS), component (KERNEL, APP, MMCS, DISCOVERY, HARDWARE)
# and level. Rules group the messages by what failed or was reported.
#
# Test lines are made up.

log_source_type "loghub-bgl" {
  header_format = "<labels__alert_category> <labels__epoch> <_> <host__name> <bgltime> <_> <labels__message_type> <logger> <severity> "
  timezone      = "UTC"
}

# 2005-06-03-15.42.50.675872
tag "bgltime" {
  pattern = <<-RE
    \d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.\d+
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "2006-01-02-15.04.05.000000"
}

rule "bgl-core-dump" {
  description      = "a program crashed and core files were written"
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?:generating core\\.(?P<labels__core>\\d+)|ciod: generated (?P<labels__core_files>\\d+) core files for program (?P<process__executable>\\S+))"
  classification   = "Error"
  common_event     = "Core Dump Generated"
  risk             = 2

  test {
    log    = "- 1710238272 2024.03.12 R01-M0-N1-C:J02-U01 2024-03-12-10.11.12.123456 R01-M0-N1-C:J02-U01 RAS KERNEL INFO generating core.1234"
    expect = { "labels.core" = "1234", "host.name" = "R01-M0-N1-C:J02-U01", severity = "INFO", "log.logger" = "KERNEL", "labels.alert_category" = "-", "@timestamp" = "2024-03-12T10:11:12.123456Z" }
  }
}

rule "bgl-kernel-interrupt" {
  description      = "a fatal processor interrupt or machine check"
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?:data TLB error interrupt|data storage interrupt$|instruction TLB error interrupt|program interrupt(?:: (?P<labels__interrupt>[a-z ]+?)\\.*\\d*)?$|MACHINE CHECK DCR read timeout|machine check interrupt|critical input interrupt \\(unit=\\S+ bit=\\S+\\): (?P<labels__interrupt>[^,]+)|suppressing further interrupts of same type)"
  classification   = "Critical"
  common_event     = "Processor Interrupt"
  risk             = 5

  sub_rule "warning" {
    when           = <<-CEL
      event.severity in ["INFO", "WARNING"]
    CEL
    classification = "Warning"
    risk           = 2
  }

  test {
    log    = "KERNDTLB 1710238273 2024.03.12 R01-M0-N2-C:J03-U11 2024-03-12-10.11.13.000001 R01-M0-N2-C:J03-U11 RAS KERNEL FATAL data TLB error interrupt"
    expect = { classification = "Critical", "labels.alert_category" = "KERNDTLB" }
  }
  test {
    log    = "- 1710238274 2024.03.12 R01-M0-N2-C:J03-U11 2024-03-12-10.11.14.000002 R01-M0-N2-C:J03-U11 RAS KERNEL FATAL program interrupt: illegal instruction......0"
    expect = { "labels.interrupt" = "illegal instruction" }
  }
}

rule "bgl-register-dump" {
  description      = "processor state printed after a fatal interrupt: registers, addresses, mode bits"
  log_source_types = ["loghub-bgl"]
  sort_order       = 110
  pattern          = <<-RE
    RAS KERNEL \w+ (?:iar [0-9a-f]+ dear [0-9a-f]+|instruction address: |data address: |[A-Za-z][\w ()/=,:+.-]*?\.+\s*(?:0x)?[0-9a-fA-F]+(?: \(\S+\))?$|(?:core configuration|exception syndrome|[Mm]achine [Ss]tate) [Rr]egister: |special purpose registers:|(?:r\d+|fpr\d+|dbcr0)=|lr:[0-9a-f]+ )
  RE
  classification   = "Information"
  common_event     = "Processor State Dump"
  risk             = 0

  test {
    log    = "- 1710238275 2024.03.12 R01-M0-N3-C:J04-U01 2024-03-12-10.11.15.000003 R01-M0-N3-C:J04-U01 RAS KERNEL INFO iar 00106570 dear 0245e7a4"
    expect = { common_event = "Processor State Dump" }
  }
  test {
    log    = "- 1710238276 2024.03.12 R01-M0-N3-C:J04-U01 2024-03-12-10.11.16.000004 R01-M0-N3-C:J04-U01 RAS KERNEL FATAL floating pt ex mode 0 enable......0"
    expect = { common_event = "Processor State Dump" }
  }
}

rule "bgl-alignment-exceptions" {
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?:(?P<labels__count>\\d+) (?:floating point|double-hummer) alignment exceptions|Kernel detected (?P<labels__count>\\d+) integer alignment exceptions)"
  classification   = "Warning"
  common_event     = "Alignment Exceptions"
  risk             = 1

  test {
    log    = "- 1710238277 2024.03.12 R01-M0-N4-C:J05-U01 2024-03-12-10.11.17.000005 R01-M0-N4-C:J05-U01 RAS KERNEL INFO 12 double-hummer alignment exceptions"
    expect = { "labels.count" = "12" }
  }
}

rule "bgl-memory-error-corrected" {
  description      = "memory and cache errors detected and corrected (ECC, parity, L3 EDRAM)"
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?:CE sym (?P<labels__symbol>\\d+), at (?P<labels__address>0x[0-9a-f]+)|(?:total of )?(?P<labels__count>\\d+) ddr errors?\\(s\\) detected and corrected|instruction cache parity error corrected|data cache (?:search )?parity error detected|(?P<labels__count>\\d+) L3 (?:EDRAM|directory) errors?\\(s\\) \\(dcr \\S+\\) detected and corrected|correctable errors exceeds threshold)"
  classification   = "Warning"
  common_event     = "Memory Error Corrected"
  risk             = 1

  test {
    log    = "- 1710238278 2024.03.12 R01-M0-N5-C:J06-U01 2024-03-12-10.11.18.000006 R01-M0-N5-C:J06-U01 RAS KERNEL INFO total of 3 ddr error(s) detected and corrected over 1200 seconds"
    expect = { "labels.count" = "3" }
  }
}

rule "bgl-interrupt-statistics" {
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?:(?P<labels__count>\\d+) total interrupts\\.|(?P<labels__microseconds>\\d+) microseconds spent in the rbs signal handler)"
  classification   = "Information"
  common_event     = "Interrupt Statistics"
  risk             = 0

  test {
    log    = "- 1710238279 2024.03.12 R01-M0-N6-C:J07-U01 2024-03-12-10.11.19.000007 R01-M0-N6-C:J07-U01 RAS KERNEL INFO 42 total interrupts. 0 critical input interrupts. 0 microseconds total spent on critical input interrupts, 0 microseconds max time in a critical input interrupt."
    expect = { "labels.count" = "42" }
  }
}

rule "bgl-program-load-failed" {
  description      = "the I/O node daemon (ciod) could not load or start a program"
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = "ciod: (?:Error loading (?P<process__executable>[^:]+): (?P<error__message>.+)|LOGIN chdir\\((?P<file__path>[^)]*)\\) failed: (?P<error__message>.+)|Error creating node map from file (?P<file__path>[^:]+): (?P<error__message>.+))"
  classification   = "Error"
  common_event     = "Program Load Failed"
  risk             = 3

  test {
    log    = "APPREAD 1710238280 2024.03.12 R01-M0-N7-I:J18-U01 2024-03-12-10.11.20.000008 R01-M0-N7-I:J18-U01 RAS APP FATAL ciod: Error loading /home/dana/bin/a.out: invalid or missing program image, Permission denied"
    expect = { "process.executable" = "/home/dana/bin/a.out", "error.message" = "invalid or missing program image, Permission denied" }
  }
}

rule "bgl-io-node-connection" {
  description      = "the I/O node daemon lost its control connection"
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = "ciod: (?:Error reading message prefix|failed to read message prefix)[^(]*?(?:\\(|after LOAD_MESSAGE )?(?:on )?(?:control stream \\()?CioStream socket to <dip>:<dport>(?:[:,] (?P<error__message>.+))?"
  classification   = "Error"
  common_event     = "I/O Node Connection Lost"
  risk             = 3

  test {
    log    = "APPREAD 1710238281 2024.03.12 R01-M0-N8-I:J18-U01 2024-03-12-10.11.21.000009 R01-M0-N8-I:J18-U01 RAS APP FATAL ciod: Error reading message prefix on CioStream socket to 192.0.2.80:33000, Connection reset by peer"
    expect = { dip = "192.0.2.80", dport = "33000", "error.message" = "Connection reset by peer" }
  }
}

rule "bgl-ciod-notice" {
  description      = "other I/O node daemon notices: signals, debugger, node map file problems, unexpected messages"
  log_source_types = ["loghub-bgl"]
  sort_order       = 120
  pattern          = <<-RE
    ciod: (?:Received signal (?P<labels__signal>\d+)|pollControlDescriptors|Missing or invalid fields on line|duplicate canonical-rank|[XYZ] coordinate \d+ exceeds|cpu \d+ at treeaddr|Message code \d+ is not|In packet from node)
  RE
  classification   = "Warning"
  common_event     = "I/O Node Daemon Notice"
  risk             = 1

  test {
    log    = "- 1710238282 2024.03.12 R01-M0-N9-I:J18-U01 2024-03-12-10.11.22.000010 R01-M0-N9-I:J18-U01 RAS KERNEL INFO ciod: Received signal 15, code=0, errno=0, address=0x00000000"
    expect = { "labels.signal" = "15" }
  }
}

rule "bgl-control-system-assert" {
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?P<process__name>\\w+) hit ASSERT condition: ASSERT expression=(?P<labels__expression>\\S+) Source file=(?P<file__name>\\S+) Source line=(?P<labels__line>\\d+)"
  classification   = "Error"
  common_event     = "Control System Assertion Failed"
  risk             = 2

  test {
    log    = "- 1710238283 2024.03.12 NULL 2024-03-12-10.11.23.000011 NULL RAS MMCS ERROR idoproxydb hit ASSERT condition: ASSERT expression=0 Source file=idotransportmgr.cpp Source line=1043 Function=int IdoTransportMgr::SendPacket(IdoUdpMgr*, BglCtlPavTrace*)"
    expect = { process = "idoproxydb", "file.name" = "idotransportmgr.cpp", "labels.line" = "1043" }
  }
}

rule "bgl-hardware" {
  description      = "hardware discovery and service: node cards, ido chips, VPD checks"
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?:Node ?[Cc]ard (?:VPD check|is not fully functional|status: )|Can not get assembly information for node card|Ido chip status changed|New ido chip inserted|PrepareForService shutting down)"
  classification   = "Information"
  common_event     = "Hardware Status"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.severity in ["SEVERE", "ERROR", "FATAL", "FAILURE"]
    CEL
    classification = "Error"
    common_event   = "Hardware Failure"
    risk           = 3
  }
  sub_rule "warning" {
    when           = "event.severity == \"WARNING\""
    classification = "Warning"
    risk           = 1
  }

  test {
    log    = "- 1710238284 2024.03.12 NULL 2024-03-12-10.11.24.000012 NULL NULL DISCOVERY SEVERE Can not get assembly information for node card"
    expect = { classification = "Error", severity = "SEVERE" }
  }
}

rule "bgl-network-error" {
  description      = "errors on the tree and torus networks: receive errors, re-synch, retransmissions, link training"
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?:Error receiving packet on tree network|(?P<labels__count>\\d+) (?:tree|torus) (?:receiver|sender) \\S+ (?:in re-synch state|input pipe|retransmission)|rts tree/torus link training failed)"
  classification   = "Error"
  common_event     = "Interconnect Error"
  risk             = 2

  sub_rule "corrected" {
    when           = "event.severity == \"INFO\""
    classification = "Warning"
    risk           = 1
  }

  test {
    log    = "- 1710238285 2024.03.12 R01-M1-N0-C:J08-U01 2024-03-12-10.11.25.000013 R01-M1-N0-C:J08-U01 RAS KERNEL INFO 2 torus receiver z+ input pipe error(s) (dcr 0x02ec) detected and corrected"
    expect = { "labels.count" = "2", classification = "Warning" }
  }
}

rule "bgl-mount-failed" {
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " (?:Lustre mount FAILED : (?P<destination__domain>\\S+)|NFS Mount failed on (?P<destination__domain>\\S+?),)"
  classification   = "Error"
  common_event     = "File System Mount Failed"
  risk             = 3

  test {
    log    = "- 1710238286 2024.03.12 R01-M1-N1-I:J18-U01 2024-03-12-10.11.26.000014 R01-M1-N1-I:J18-U01 RAS KERNEL FATAL Lustre mount FAILED : bglio11 : point /p/gb1"
    expect = { "destination.domain" = "bglio11" }
  }
}

rule "bgl-kernel-terminated" {
  description      = "the compute node kernel (rts) panicked, terminated or shut down"
  log_source_types = ["loghub-bgl"]
  sort_order       = 100
  pattern          = " rts(?::? (?:kernel terminated for reason (?P<labels__reason>\\d+)|panic!|internal error|bad message header)| panic!)|RAS KERNEL \\w+ shutdown complete"
  classification   = "Critical"
  common_event     = "Compute Kernel Terminated"
  risk             = 5

  sub_rule "shutdown" {
    when           = "event.message.endsWith(\"shutdown complete\")"
    classification = "Startup and Shutdown"
    common_event   = "Compute Kernel Shut Down"
    risk           = 1
  }

  test {
    log    = "KERNRTSP 1710238287 2024.03.12 R01-M1-N2-C:J09-U01 2024-03-12-10.11.27.000015 R01-M1-N2-C:J09-U01 RAS KERNEL FATAL rts: kernel terminated for reason 1004"
    expect = { "labels.reason" = "1004", classification = "Critical" }
  }
}

rule "bgl-other" {
  description      = "catch-all: any other BGL message, kept with its header"
  log_source_types = ["loghub-bgl"]
  sort_order       = 9000
  pattern          = "^\\S+ \\d+ \\d{4}\\.\\d\\d\\.\\d\\d "
  classification   = "Information"
  common_event     = "BGL Message"
  risk             = 0

  sub_rule "fatal" {
    when           = <<-CEL
      event.severity in ["FATAL", "FAILURE", "SEVERE"]
    CEL
    classification = "Critical"
    risk           = 4
  }
  sub_rule "error" {
    when           = "event.severity == \"ERROR\""
    classification = "Error"
    risk           = 2
  }

  test {
    log    = "- 1710238288 2024.03.12 R01-M1-N3-C:J10-U01 2024-03-12-10.11.28.000016 R01-M1-N3-C:J10-U01 RAS KERNEL FATAL something new"
    expect = { classification = "Critical" }
  }
}
