# McAfee (Trellix) ePolicy Orchestrator forwarding threat events to a
# syslog server: an RFC 5424 line from "EPOEvents - EventFwd" whose message
# is the event as XML (<EPOevent><MachineInfo>…<SoftwareInfo>…<Event>…).
# The rule reads the machine, the user, the event id and the threat.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "mcafee-epo" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "McAfee"
  product  = "ePolicy Orchestrator"
  module   = "mcafee_epo"
}

rule "mcafee-epo-event" {
  description      = "an ePO threat event (detections, blocks, policy events) as EventFwd XML"
  log_source_types = ["mcafee-epo"]
  sort_order       = 100
  pattern          = <<-RE
    (?i:\<EPOevent>)\<MachineInfo>(?:\<MachineName>(?P<host__name>[^<]*)</MachineName>)?(?:.*?\<IPAddress>(?:<sip>|[^<]*)</IPAddress>)?(?:.*?\<UserName>(?P<login>[^<]*)</UserName>)?(?:.*?<SoftwareInfo ProductName="(?P<observer__product>[^"]*)")?(?:.*?\<EventID>(?P<event__code>\d+)</EventID>)?(?:.*?\<Severity>(?P<labels__severity>\d+)</Severity>)?(?:.*?\<ThreatCategory>(?P<labels__threat_category>[^<]*)</ThreatCategory>)?(?:.*?\<ThreatName>(?P<rule__name>[^<]*)</ThreatName>)?(?:.*?\<ThreatType>(?P<labels__threat_type>[^<]*)</ThreatType>)?(?:.*?\<SourceIPV4>(?:<dip>|[^<]*)</SourceIPV4>)?(?:.*?\<TargetUserName>(?P<labels__target_user>[^<]*)</TargetUserName>)?(?:.*?\<TargetFileName>(?P<file__path>[^<]*)</TargetFileName>)?(?:.*?\<ThreatActionTaken>(?P<event__action>[^<]*)</ThreatActionTaken>)?
  RE
  classification   = "Malware"
  common_event     = "ePO Threat Event"
  risk             = 6
  fields           = { "event.kind" = "alert", "event.category" = ["malware"], "event.type" = ["info"] }

  sub_rule "blocked" {
    when           = <<-CEL
      has(event.event.action) && event.event.action.matches("(?i)blocked|deleted|cleaned|denied|quarantined")
    CEL
    classification = "Failed Malware"
    common_event   = "ePO Threat Blocked"
    risk           = 4
  }

  test {
    log             = "2024-03-10T12:10:00.0Z epo-01 EPOEvents - EventFwd [agentInfo@3401 tenantId=\"1\" bpsId=\"1\" tenantGUID=\"{00000000-0000-0000-0000-000000000000}\" tenantNodePath=\"1\\2\"] <?xml version=\"1.0\" encoding=\"UTF-8\"?><EPOevent><MachineInfo><MachineName>WS-0120</MachineName><AgentGUID>{00000000-1111-2222-3333-444444444444}</AgentGUID><IPAddress>192.0.2.120</IPAddress><OSName>Windows 10 Workstation</OSName><UserName>erin</UserName><TimeZoneBias>0</TimeZoneBias><RawMACAddress>00005e005320</RawMACAddress></MachineInfo><SoftwareInfo ProductName=\"McAfee Endpoint Security\" ProductVersion=\"10.7.0\" ProductFamily=\"TVD\"><CommonFields><Analyzer>ENDP_AM_1070</Analyzer></CommonFields><Event><EventID>1027</EventID><Severity>3</Severity><GMTTime>2024-03-10T12:09:58</GMTTime><CommonFields><ThreatCategory>av.detect</ThreatCategory><ThreatName>EICAR test file</ThreatName><ThreatType>test</ThreatType><SourceIPV4>198.51.100.120</SourceIPV4><TargetUserName>EXAMPLE\\erin</TargetUserName><TargetFileName>C:\\Users\\erin\\Downloads\\eicar.com</TargetFileName><ThreatActionTaken>deleted</ThreatActionTaken></CommonFields></Event></SoftwareInfo></EPOevent>"
    log_source_type = "syslog"
    expect          = { "host.name" = "WS-0120", sip = "192.0.2.120", login = "erin", "event.code" = "1027", "rule.name" = "EICAR test file", "event.action" = "deleted", sub_rule = "blocked", "event.dataset" = "mcafee-epo" }
  }
}
