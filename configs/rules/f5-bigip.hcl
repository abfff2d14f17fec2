# F5 BIG-IP over syslog: LTM (pool members and nodes up and down, pools
# without members, SSL handshakes, iRule logs), the audit trail (mcpd and
# tmsh AUDIT), APM access sessions (new, logon, policy result, ended) and
# ASM (Advanced WAF) violation records in the remote logger's
# key="value" format. BIG-IP messages carry an id of 8 hex digits and a
# severity (01070638:5:); the id goes to event.code.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "f5-bigip" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "F5"
  product  = "BIG-IP"
  module   = "f5_bigip"
}

rule "bigip-pool-member-status" {
  description      = "01070638, 01070727: a pool member's monitor status changed"
  log_source_types = ["f5-bigip"]
  sort_order       = 400
  pattern          = <<-RE
    (?:(?P<event__code>[0-9a-f]{8}):(?P<labels__f5_severity>\d): )?Pool (?P<labels__pool>\S+) member (?P<labels__member>\S+?)(?::<dport>)? (?:session )?monitor status (?P<labels__status>[\w-]+(?: [\w-]+)*?)\.?(?: \[ (?P<labels__monitor>[^\]]*) \])?(?: +\[ (?P<labels__was>[^\]]*) \])?
  RE
  classification   = "Warning"
  common_event     = "Load Balancer Pool Member Status"
  risk             = 2
  fields           = { "event.category" = ["network"], "event.type" = ["change"] }

  sub_rule "up" {
    when           = <<-CEL
      event.labels.status in ["up", "enabled", "checking", "unchecked"]
    CEL
    classification = "Information"
    common_event   = "Load Balancer Pool Member Up"
    risk           = 0
  }

  test {
    log             = "Mar 12 10:11:12 bigip1 notice mcpd[6130]: 01070638:5: Pool /Common/web_pool member /Common/192.0.2.31:80 monitor status down. [ /Common/http: down; last error: ]  [ was up for 0hr:5mins:2sec ]"
    log_source_type = "syslog"
    expect          = { "event.code" = "01070638", "labels.pool" = "/Common/web_pool", "labels.member" = "/Common/192.0.2.31", dport = "80", "labels.status" = "down", "observer.vendor" = "F5" }
  }
}

rule "bigip-node-status" {
  description      = "01070640: a node's monitor status changed"
  log_source_types = ["f5-bigip"]
  sort_order       = 410
  pattern          = <<-RE
    (?:(?P<event__code>[0-9a-f]{8}):(?P<labels__f5_severity>\d): )?Node (?P<labels__node>\S+) address <dip> (?:session )?monitor status (?P<labels__status>[\w-]+)
  RE
  classification   = "Warning"
  common_event     = "Load Balancer Node Status"
  risk             = 2
  fields           = { "event.category" = ["network"], "event.type" = ["change"] }

  sub_rule "up" {
    when           = "event.labels.status == \"up\""
    classification = "Information"
    common_event   = "Load Balancer Node Up"
    risk           = 0
  }

  test {
    log             = "Mar 12 10:11:13 bigip1 notice mcpd[6130]: 01070640:5: Node /Common/192.0.2.32 address 192.0.2.32 monitor status up. [ /Common/icmp: up ]  [ was down for 0hr:1min:0sec ]"
    log_source_type = "syslog"
    expect          = { dip = "192.0.2.32", sub_rule = "up" }
  }
}

rule "bigip-pool-availability" {
  description      = "01010028 no members available; 01010221 members available again"
  log_source_types = ["f5-bigip"]
  sort_order       = 420
  pattern          = <<-RE
    (?P<event__code>[0-9a-f]{8}):(?P<labels__f5_severity>\d): (?:No members available for pool (?P<labels__pool>\S+)|Pool (?P<labels__pool_up>\S+) now has available members)
  RE
  classification   = "Error"
  common_event     = "Load Balancer Pool Down"
  risk             = 5
  fields           = { "event.category" = ["network"] }

  sub_rule "up" {
    when           = "has(event.labels.pool_up)"
    classification = "Information"
    common_event   = "Load Balancer Pool Up"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:14 bigip1 err tmm1[17070]: 01010028:3: No members available for pool /Common/web_pool"
    log_source_type = "syslog"
    expect          = { "event.code" = "01010028", "labels.pool" = "/Common/web_pool", classification = "Error" }
  }
}

rule "bigip-ssl-handshake-failed" {
  description      = "01260013 and friends: a TLS handshake failed"
  log_source_types = ["f5-bigip"]
  sort_order       = 430
  pattern          = <<-RE
    (?P<event__code>[0-9a-f]{8}):(?P<labels__f5_severity>\d): (?:SSL Handshake failed|Connection error: [^:]+: [^ ]+ (?:handshake|alert)[^:]*:?)(?: for (?P<network__transport>TCP|UDP) <sip>:<sport> -> <dip>:<dport>)?
  RE
  classification   = "Failed Activity"
  common_event     = "TLS Handshake Failed"
  risk             = 2
  fields           = { "event.category" = ["network"], "event.outcome" = "failure" }

  test {
    log             = "Mar 12 10:11:15 bigip1 warning tmm[17070]: 01260013:4: SSL Handshake failed for TCP 198.51.100.90:51515 -> 192.0.2.40:443"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.90", dip = "192.0.2.40", dport = "443", "event.code" = "01260013" }
  }
}

rule "bigip-audit" {
  description      = "configuration audit: AUDIT - user <u> - RAW: … / AUDIT - client <c>, user <u> - transaction …"
  log_source_types = ["f5-bigip"]
  sort_order       = 440
  pattern          = <<-RE
    (?:(?P<event__code>[0-9a-f]{8}):(?P<labels__f5_severity>\d): )?AUDIT - (?:client (?P<labels__client>[^,]+), )?user (?P<user__name>[^\s,]+)(?: - (?P<error__message>.*))?
  RE
  classification   = "Other Audit"
  common_event     = "Configuration Change"
  risk             = 2
  fields           = { "event.category" = ["configuration"], "event.type" = ["change"] }

  test {
    log             = "Mar 12 10:11:16 bigip1 notice mcpd[6130]: 01070417:5: AUDIT - client tmsh-pid-4242, user admin - transaction #123-1 - object 0 - modify { ltm pool /Common/web_pool { } } [Status=Command OK]"
    log_source_type = "syslog"
    expect          = { login = "admin", "labels.client" = "tmsh-pid-4242", "event.code" = "01070417" }
  }
}

rule "bigip-apm-session" {
  description      = "APM (access policy) session records: new session, user name, policy result, session deleted or statistics"
  log_source_types = ["f5-bigip"]
  sort_order       = 450
  pattern          = <<-RE
    (?P<event__code>0149[0-9a-f]{4}):(?P<labels__f5_severity>\d): (?P<labels__access_profile>/[^:]+):(?P<labels__partition>[^:]+):(?P<labels__session_id>[0-9a-f]{8}): (?:New session from client IP <sip> \([^)]*\) at VIP <dip>(?: Listener (?P<labels__listener>\S+))?|Username '(?P<user__name>[^']*)'|Access policy result: (?P<labels__policy_result>\S+)|Session deleted (?:due to (?P<event__reason>.*?)|\((?P<labels__delete_reason>[^)]*)\))\.?$|Following rule '(?P<labels__rule>[^']*)' from item '(?P<labels__from_item>[^']*)' to (?:ending|item) '(?P<labels__to_item>[^']*)'|(?P<error__message>.*))
  RE
  classification   = "Information"
  common_event     = "Access Session Event"
  risk             = 0
  fields           = { "event.category" = ["session"] }

  sub_rule "new-session" {
    when           = "has(event.source.ip)"
    classification = "Access Success"
    common_event   = "Access Session Started"
    risk           = 1
    fields         = { "event.type" = ["start"] }
  }
  sub_rule "denied" {
    when           = <<-CEL
      (has(event.labels.to_item) && event.labels.to_item == "Deny") || (has(event.error.message) && event.error.message.matches("(?i)(authenticate with .* failed|logon attempt.*failed|Auth.* failed)"))
    CEL
    classification = "Authentication Failure"
    common_event   = "Access Session Denied"
    risk           = 5
    fields         = { "event.category" = ["authentication", "session"], "event.outcome" = "failure" }
  }
  sub_rule "ended" {
    when           = "has(event.event.reason) || has(event.labels.delete_reason)"
    common_event   = "Access Session Ended"
    fields         = { "event.type" = ["end"] }
  }
  sub_rule "granted" {
    when           = "has(event.labels.policy_result)"
    classification = "Authentication Success"
    common_event   = "Access Policy Allowed"
    risk           = 1
    fields         = { "event.category" = ["authentication", "session"], "event.outcome" = "success" }
  }

  test {
    log             = "Mar 12 10:11:17 bigip1 notice apmd[8080]: 01490500:5: /Common/vpn_ap:Common:1a2b3c4d: New session from client IP 198.51.100.91 (ST=/CC=/C=) at VIP 192.0.2.50 Listener /Common/vs_vpn (Reputation=Unknown)"
    log_source_type = "syslog"
    expect          = { sip = "198.51.100.91", dip = "192.0.2.50", "labels.session_id" = "1a2b3c4d", sub_rule = "new-session" }
  }
  test {
    log             = "Mar 12 10:11:18 bigip1 notice apmd[8080]: 01490005:5: /Common/vpn_ap:Common:1a2b3c4d: Following rule 'fallback' from item 'AD Auth' to ending 'Deny'"
    log_source_type = "syslog"
    expect          = { "labels.to_item" = "Deny", sub_rule = "denied" }
  }
}

rule "bigip-asm-violation" {
  description      = "ASM / Advanced WAF remote logging record: ASM:unit_hostname=\"…\",…,request_status=\"blocked\",…,ip_client=\"…\",…"
  log_source_types = ["f5-bigip"]
  sort_order       = 460
  pattern          = <<-RE
    ASM:(?:.*?unit_hostname="(?P<observer__name>[^"]*)")?(?:.*?policy_name="(?P<rule__ruleset>[^"]*)")?(?:.*?violations="(?P<rule__name>[^"]*)")?(?:.*?support_id="(?P<event__id>[^"]*)")?(?:.*?request_status="(?P<event__action>[^"]*)")?(?:.*?response_code="(?:<status>|[^"]*)")?(?:.*?ip_client="<sip>")?(?:.*?method="<httpmethod>")?(?:.*?(?:^|[,\s])severity="(?P<log__level>[^"]*)")?(?:.*?attack_type="(?P<labels__attack_type>[^"]*)")?(?:.*?src_port="<sport>")?(?:.*?dest_port="<dport>")?(?:.*?dest_ip="<dip>")?(?:.*?uri="(?P<url__path>[^"]*)")?
  RE
  classification   = "Attack"
  common_event     = "Web Application Firewall Violation"
  risk             = 6
  fields           = { "event.category" = ["intrusion_detection", "web"], "observer.type" = "waf" }

  sub_rule "blocked" {
    when           = <<-CEL
      has(event.event.action) && event.event.action == "blocked"
    CEL
    classification = "Failed Attack"
    common_event   = "Web Application Firewall Block"
    risk           = 5
    fields         = { "event.type" = ["denied"], "event.outcome" = "failure" }
  }
  sub_rule "legal" {
    when           = <<-CEL
      has(event.event.action) && event.event.action == "passed" && (!has(event.rule.name) || event.rule.name == "")
    CEL
    classification = "Information"
    common_event   = "Web Application Firewall Request"
    risk           = 0
  }

  test {
    log             = "Mar 12 10:11:19 bigip1 ASM:unit_hostname=\"bigip1.example.com\",management_ip_address=\"192.0.2.1\",http_class_name=\"/Common/shop\",web_application_name=\"/Common/shop\",policy_name=\"/Common/shop\",policy_apply_date=\"2024-03-01 09:00:00\",violations=\"Attack signature detected\",support_id=\"1234567890123456789\",request_status=\"blocked\",response_code=\"0\",ip_client=\"203.0.113.99\",route_domain=\"0\",method=\"GET\",protocol=\"HTTPS\",query_string=\"q=%3Cscript%3E\",x_forwarded_for_header_value=\"N/A\",sig_ids=\"200000098\",sig_names=\"XSS script tag (URI)\",date_time=\"2024-03-12 10:11:19\",severity=\"Critical\",attack_type=\"Cross Site Scripting (XSS)\",geo_location=\"N/A\",ip_address_intelligence=\"N/A\",username=\"N/A\",session_id=\"0\",src_port=\"51000\",dest_port=\"443\",dest_ip=\"192.0.2.60\",sub_violations=\"\",virus_name=\"N/A\",uri=\"/search\",request=\"GET /search?q=%3Cscript%3E HTTP/1.1\""
    log_source_type = "syslog"
    expect          = { sip = "203.0.113.99", dip = "192.0.2.60", dport = "443", sport = "51000", "rule.name" = "Attack signature detected", "event.action" = "blocked", "labels.attack_type" = "Cross Site Scripting (XSS)", "url.path" = "/search", sub_rule = "blocked", "log.level" = "Critical" }
  }
}

rule "bigip-irule-log" {
  description      = "a message an iRule logged: Rule /Partition/name <EVENT>: text"
  log_source_types = ["f5-bigip"]
  sort_order       = 470
  pattern          = <<-RE
    Rule (?P<rule__name>/\S+) <(?P<labels__irule_event>[A-Z_]+)>: (?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "iRule Message"
  risk             = 0

  test {
    log             = "Mar 12 10:11:20 bigip1 info tmm[17070]: Rule /Common/log_clients <HTTP_REQUEST>: client 198.51.100.92 asked for /login"
    log_source_type = "syslog"
    expect          = { "rule.name" = "/Common/log_clients", "labels.irule_event" = "HTTP_REQUEST" }
  }
}

rule "bigip-message" {
  description      = "any other BIG-IP message with its id, from a BIG-IP daemon"
  log_source_types = ["f5-bigip"]
  sort_order       = 8500
  pattern          = <<-RE
    (?:^|\s)(?:emerg|alert|crit|err|warning|notice|info|debug) (?P<process__name>mcpd|tmm\d*|apmd|bigd|sod|alertd|gtmd|lacpd|tmsh|chmand|big3d|zxfrd|scriptd|tamd|websso|icrd_child)\[<pid>\]: (?P<event__code>[0-9a-f]{8}):(?P<labels__f5_severity>[0-7]): (?P<error__message>.*)
  RE
  classification   = "Information"
  common_event     = "BIG-IP Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.labels.f5_severity in ["0", "1", "2", "3"]
    CEL
    classification = "Error"
    common_event   = "BIG-IP Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.labels.f5_severity == \"4\""
    classification = "Warning"
    common_event   = "BIG-IP Warning"
    risk           = 1
  }

  test {
    log             = "Mar 12 10:11:21 bigip1 err mcpd[6130]: 01070734:3: Configuration error: Invalid mcpd context, folder not found (/Common/x)"
    log_source_type = "syslog"
    expect          = { "event.code" = "01070734", sub_rule = "error", process = "mcpd" }
  }
}
