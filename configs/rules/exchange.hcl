# Microsoft Exchange Server logs written as CSV: the HttpProxy logs
# (every request the Client Access front end proxies: OWA, ECP, EWS,
# Autodiscover, …), the ECP server log, and message tracking (MSGTRK).
# The columns follow Microsoft's documented order. A proxied request
# whose anchor mailbox is "ServerInfo~…" without an authenticated user
# is the ProxyLogon pattern (CVE-2021-26855); an ECP command setting a
# virtual directory's URL to code is its follow-up (CVE-2021-27065).
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "ms-exchange" {
  header   = "none"
  timezone = "UTC"
  vendor   = "Microsoft"
  product  = "Exchange Server"
  module   = "microsoft_exchange"
}

# 2024-03-12T10:11:12.345Z
tag "exchange_time" {
  pattern = <<-RE
    \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "2006-01-02T15:04:05Z07:00"
}

rule "exchange-httpproxy" {
  description      = "HttpProxy log: DateTime, RequestId, version (4), ClientRequestId, Protocol, UrlHost, UrlStem, ProtocolAction, AuthenticationType, IsAuthenticated, AuthenticatedUser, Organization, AnchorMailbox, UserAgent, ClientIpAddress, ServerHostName, HttpStatus, BackEndStatus, ErrorCode, Method, ProxyAction, …"
  log_source_types = ["ms-exchange"]
  sort_order       = 400
  pattern          = <<-RE
    (?:^|\s)<exchange_time>,(?P<labels__request_id>[0-9a-fA-F-]{36}),\d*,\d*,\d*,\d*,[^,]*,(?P<labels__protocol>Autodiscover|Ecp|Mapi|Ews|OwaCalendar|PowerShell|Owa|RpcHttp|Oab|Eas|PushNotifications|Rest|Xrop|ReportingWebService|O365SuiteService|E4e),(?P<url__domain>[^,]*),(?P<url__path>[^,]*),(?P<labels__protocol_action>[^,]*),(?P<labels__authentication_type>[^,]*),(?P<labels__is_authenticated>[^,]*),(?P<user__name>[^,]*),(?P<labels__organization>[^,]*),(?P<anchor_mailbox>[^,]*),(?P<user_agent__original>[^,]*),(?:<sip>|[^,]*),(?P<labels__server_hostname>[^,]*),(?:<status>)?,(?P<labels__backend_status>[^,]*),(?P<labels__error_code>[^,]*),(?P<http__request__method>[A-Z]*),
  RE
  classification   = "Access Success"
  common_event     = "Exchange Web Request"
  risk             = 0
  fields           = { "event.category" = ["web"], "event.type" = ["access"] }

  sub_rule "proxylogon" {
    when           = <<-CEL
      event.anchor_mailbox.startsWith("ServerInfo~") || event.anchor_mailbox.contains("localhost~")
    CEL
    classification = "Attack"
    common_event   = "Exchange SSRF Attempt (ProxyLogon)"
    risk           = 9
    fields         = { "event.category" = ["web", "intrusion_detection"], "vulnerability.id" = "CVE-2021-26855" }
  }
  sub_rule "denied" {
    when           = "has(event.status) && event.status in [401, 403]"
    classification = "Access Failure"
    common_event   = "Exchange Web Request Denied"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "2024-03-12T10:11:12.345Z,0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d,15,2,1118,7,,Owa,mail.example.com,/owa/service.svc,GetItem,Negotiate,True,CORP\\erin,,erin@example.com,Mozilla/5.0,198.51.100.40,EXCH01,200,200,,POST,Proxy,exch02.example.com,15.02.1118.007,"
    expect = { "labels.protocol" = "Owa", "url.path" = "/owa/service.svc", login = "CORP\\erin", sip = "198.51.100.40", status = "200", httpmethod = "POST", "@timestamp" = "2024-03-12T10:11:12.345Z" }
  }
  test {
    log             = "2024-03-12T10:11:13.000Z,1b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d,15,2,1118,7,,Ecp,192.0.2.20,/ecp/y.js,,FBA,False,,,ServerInfo~a]@exch01.example.com:444/autodiscover/autodiscover.xml?#,ExampleAgent/1.0,203.0.113.66,EXCH01,241,241,,POST,Proxy,,,"
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.66", sub_rule = "proxylogon", classification = "Attack", "observer.product" = "Exchange Server" }
  }
}

rule "exchange-ecp-server" {
  description      = "ECP server log: DateTime, ServerName, EventType (ECP.Request, …), then the request's S: fields"
  log_source_types = ["ms-exchange"]
  sort_order       = 410
  pattern          = <<-RE
    (?:^|\s)<exchange_time>,(?P<labels__server_name>[^,]*),(?P<event__action>ECP\.[\w.]+),"?(?P<data>(?:.*?S:CMD=(?P<process__command_line>.*?)(?:';|;S:|$))?.*)
  RE
  classification   = "Other Audit"
  common_event     = "Exchange Control Panel Request"
  risk             = 1

  sub_rule "code-in-url" {
    when           = <<-CEL
      has(event.process.command_line) && event.process.command_line.matches("(?i)(VirtualDirectory\\.\\w*Url=.*(<|%3c|script|http://)|Set-OabVirtualDirectory.*ExternalUrl)")
    CEL
    classification = "Attack"
    common_event   = "Exchange Arbitrary File Write Attempt"
    risk           = 9
    fields         = { "event.category" = ["web", "intrusion_detection"], "vulnerability.id" = "CVE-2021-27065" }
  }

  test {
    log             = "2024-03-12T10:11:14.000Z,EXCH01,ECP.Request,\"S:TIME=120;S:SID=0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d;'S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://x/#<script>evil</script>''.Identity=''abc''';S:REQID=;S:URL=/ecp/DDI/DDIService.svc/SetObject\""
    log_source_type = "syslog"
    expect          = { "event.action" = "ECP.Request", sub_rule = "code-in-url", "labels.server_name" = "EXCH01" }
  }
}

rule "exchange-message-tracking" {
  description      = "message tracking log: date-time, client-ip, client-hostname, server-ip, server-hostname, source-context, connector-id, source, event-id, internal-message-id, message-id, network-message-id, recipient-address, recipient-status, total-bytes, recipient-count, related-recipient-address, reference, message-subject, sender-address, …"
  log_source_types = ["ms-exchange"]
  sort_order       = 420
  pattern          = <<-RE
    (?:^|\s)<exchange_time>,(?:<sip>)?,(?P<labels__client_hostname>[^,]*),(?:<dip>)?,(?P<labels__server_hostname>[^,]*),(?:"[^"]*"|[^,]*),(?P<labels__connector_id>[^,]*),(?P<labels__source>SMTP|ROUTING|STOREDRIVER|AGENT|SAFETYNET|DSN|MAILBOXRULE|QUEUE|ADMIN|PICKUP|GATEWAY|POISONMESSAGE|REDUNDANCY|APPROVAL|MEETINGMESSAGEPROCESSOR|ORAR),(?P<event__action>[A-Z]+),(?P<labels__internal_message_id>\d*),(?P<email__message_id>[^,]*),(?P<labels__network_message_id>[^,]*),(?P<email__to__address>[^,]*),(?:"[^"]*"|[^,]*),(?P<labels__total_bytes>\d*),(?P<labels__recipient_count>\d*),[^,]*,(?:"[^"]*"|[^,]*),(?P<email__subject>"(?:[^"]|"")*"|[^,]*),(?P<email__from__address>[^,]*)
  RE
  classification   = "Information"
  common_event     = "Mail Message Tracked"
  risk             = 0
  fields           = { "event.category" = ["email"] }

  sub_rule "failed" {
    when           = <<-CEL
      event.event.action in ["FAIL", "BADMAIL", "POISONMESSAGE", "DROP"]
    CEL
    classification = "Error"
    common_event   = "Mail Delivery Failed"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "2024-03-12T10:11:15.000Z,198.51.100.41,mx.example.org,192.0.2.21,EXCH01,08DC1234ABCD;250 2.0.0 OK,EXCH01\\Default EXCH01,SMTP,RECEIVE,12345,<abc@example.org>,0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d,erin@example.com,,2048,1,,,Quarterly figures,frank@example.org,"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.41", "event.action" = "RECEIVE", "email.from.address" = "frank@example.org", "email.to.address" = "erin@example.com" }
  }
}
