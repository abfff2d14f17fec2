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
    when         = "has(event.event.reason) || has(event.labels.delete_reason)"
    common_event = "Access Session Ended"
    fields       = { "event.type" = ["end"] }
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

# ASM / Advanced WAF records: f5-asm-request below (extract = "kv").

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

# ------------------------------------------------ remote-logging key=value formats
#
# F5 BIG-IP security modules over remote syslog, in the key="value",
# comma-separated format of their logging profiles ("Remote Storage Type:
# Remote" / "Splunk"):
# - ASM / Advanced WAF: `ASM:unit_hostname="…",management_ip_address="…",
#   …,policy_name="…",violations="…",support_id="…",request_status="blocked",
#   response_code="0",ip_client="…",method="GET",…,attack_type="…",
#   sig_names="…",severity="Critical",src_port="…",dest_ip="…",dest_port=…`
#   (the fields of F5's "ASM remote logging" reference, K13021);
# - AFM (Network Firewall) and DoS: `acl_policy_name="…",action="Drop",…,
#   device_product="Advanced Firewall Module",…,src_ip="…",dest_ip="…"`.
# Both are read with extract = "kv" and kv_separator = ",".
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

rule "f5-asm-request" {
  description      = "ASM / Advanced WAF request log (remote syslog or Splunk format)"
  log_source_types = ["f5-bigip"]
  sort_order       = 800
  pattern          = <<-RE
    (?:support_id="\d+"|unit_hostname="[^"]*",management_ip_address=)
  RE
  extract          = "kv"
  kv_separator     = ","
  classification   = "Network Traffic"
  common_event     = "Web Application Firewall Request"
  risk             = 1
  map = {
    "observer.hostname"       = ["kv.unit_hostname"]
    "observer.ip"             = ["kv.management_ip_address"]
    "rule.name"               = ["kv.policy_name"]
    "f5.asm.web_application"  = ["kv.web_application_name", "kv.http_class_name"]
    "f5.asm.virtual_server"   = ["kv.vs_name"]
    "f5.asm.violations"       = ["kv.violations"]
    "f5.asm.sub_violations"   = ["kv.sub_violations"]
    "event.id"                = ["kv.support_id"]
    "event.action"            = ["kv.request_status"]
    status                    = ["kv.response_code"]
    sip                       = ["kv.ip_client"]
    sport                     = ["kv.src_port"]
    dip                       = ["kv.dest_ip"]
    dport                     = ["kv.dest_port"]
    httpmethod                = ["kv.method"]
    net_protocol              = ["kv.protocol"]
    "url.path"                = ["kv.uri"]
    "url.query"               = ["kv.query_string"]
    "http.request.id"         = ["kv.session_id"]
    "rule.category"           = ["kv.attack_type"]
    "f5.asm.sig_ids"          = ["kv.sig_ids"]
    "f5.asm.sig_names"        = ["kv.sig_names"]
    "vulnerability.id"        = ["kv.sig_cves"]
    "log.level"               = ["kv.severity"]
    "f5.asm.violation_rating" = ["kv.violation_rating"]
    login                     = ["kv.username"]
    "source.geo.country_name" = ["kv.geo_location"]
    "f5.asm.xff"              = ["kv.x_forwarded_for_header_value"]
    "f5.asm.virus_name"       = ["kv.virus_name"]
  }
  fields = { "event.kind" = "event", "event.category" = ["network", "web"], "observer.type" = "waf" }

  sub_rule "blocked" {
    when           = "event.kv.request_status == \"blocked\""
    classification = "Failed Attack"
    common_event   = "Web Attack Blocked"
    risk           = 5
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "web"], "event.type" = ["denied"], "event.outcome" = "failure" }
  }

  sub_rule "alerted" {
    when           = "event.kv.request_status in [\"alerted\", \"passed\"] && event.kv.violations != \"\" && event.kv.violations != \"N/A\""
    classification = "Attack"
    common_event   = "Web Attack Detected"
    risk           = 6
    fields         = { "event.kind" = "alert", "event.category" = ["intrusion_detection", "web"], "event.type" = ["allowed"] }
  }

  test {
    log = "<134>Mar  1 10:15:02 bigip1 ASM:unit_hostname=\"bigip1.example.com\",management_ip_address=\"192.0.2.5\",http_class_name=\"/Common/app1\",web_application_name=\"/Common/app1\",policy_name=\"/Common/app1\",policy_apply_date=\"2024-02-01 10:00:00\",violations=\"Attack signature detected\",support_id=\"1234567890123456789\",request_status=\"blocked\",response_code=\"0\",ip_client=\"203.0.113.66\",route_domain=\"0\",method=\"GET\",protocol=\"HTTPS\",query_string=\"x=1\",x_forwarded_for_header_value=\"N/A\",sig_ids=\"200004190\",sig_names=\"Log4j JNDI lookup, header\",date_time=\"2024-03-01 10:15:02\",severity=\"Critical\",attack_type=\"Server Side Code Injection\",geo_location=\"N/A\",ip_address_intelligence=\"N/A\",username=\"N/A\",session_id=\"a1b2c3d4e5f6\",src_port=\"41000\",dest_port=\"443\",dest_ip=\"192.0.2.80\",sub_violations=\"\",virus_name=\"N/A\",violation_rating=\"5\",vs_name=\"/Common/vs_app1\",sig_cves=\"CVE-2021-44228\",uri=\"/api\",request=\"GET /api?x=1 HTTP/1.1\\r\\nHost: app.example.com\\r\\n\""
    expect = {
      sub_rule           = "blocked", classification = "Failed Attack", sip = "203.0.113.66", sport = "41000", dip = "192.0.2.80", dport = "443"
      httpmethod         = "GET", "url.path" = "/api", "rule.category" = "Server Side Code Injection", "vulnerability.id" = "CVE-2021-44228"
      "f5.asm.sig_names" = "Log4j JNDI lookup, header", "event.id" = "1234567890123456789", "process.name" = "ASM", "network.protocol" = "https"
    }
  }

  test {
    log             = "Mar  1 10:16:00 bigip1 ASM:unit_hostname=\"bigip1.example.com\",management_ip_address=\"192.0.2.5\",policy_name=\"/Common/app1\",violations=\"Illegal URL\",support_id=\"1234567890123456790\",request_status=\"alerted\",response_code=\"404\",ip_client=\"192.0.2.31\",method=\"GET\",protocol=\"HTTP\",severity=\"Error\",attack_type=\"Forceful Browsing\",src_port=\"50999\",dest_port=\"80\",dest_ip=\"192.0.2.80\",uri=\"/admin\""
    log_source_type = "syslog"
    expect          = { sub_rule = "alerted", classification = "Attack", status = "404", "observer.vendor" = "F5", "event.dataset" = "f5-bigip" }
  }
}

rule "f5-afm" {
  description      = "AFM network firewall, DoS and IP intelligence logs (remote syslog or Splunk format)"
  log_source_types = ["f5-bigip"]
  sort_order       = 810
  pattern          = <<-RE
    (?:acl_policy_name="[^"]*",|device_product="(?:Advanced Firewall Module|Network Firewall|DoS Protection|Network Protocol Security)")
  RE
  extract          = "kv"
  kv_separator     = ","
  classification   = "Network Traffic"
  common_event     = "Firewall Log"
  risk             = 1
  map = {
    "observer.hostname"            = ["kv.hostname", "kv.unit_hostname"]
    "observer.ip"                  = ["kv.management_ip_address"]
    "rule.name"                    = ["kv.acl_rule_name"]
    "rule.ruleset"                 = ["kv.acl_policy_name"]
    "event.action"                 = ["kv.action"]
    "f5.afm.context_name"          = ["kv.context_name"]
    "f5.afm.dos_attack_name"       = ["kv.dos_attack_name"]
    "f5.afm.drop_reason"           = ["kv.drop_reason"]
    sip                            = ["kv.src_ip"]
    sport                          = ["kv.src_port"]
    dip                            = ["kv.dest_ip"]
    dport                          = ["kv.dest_port"]
    snatip                         = ["kv.translated_src_ip"]
    dnatip                         = ["kv.translated_dest_ip"]
    iana_transport                 = ["kv.ip_protocol", "kv.protocol"]
    "observer.ingress.vlan.name"   = ["kv.vlan"]
    "source.geo.country_name"      = ["kv.src_geo"]
    "destination.geo.country_name" = ["kv.dest_geo"]
  }
  fields = { "event.kind" = "event", "event.category" = ["network"], "observer.type" = "firewall" }

  sub_rule "dos" {
    when           = "has(event.kv.dos_attack_name) && event.kv.dos_attack_name != \"\""
    classification = "Denial Of Service"
    common_event   = "DoS Attack"
    risk           = 6
    fields         = { "event.kind" = "alert" }
  }

  sub_rule "denied" {
    when           = "event.kv.action.matches(\"(?i)^(drop|reject|deny|blocked)\")"
    classification = "Network Deny"
    common_event   = "Firewall Connection Denied"
    risk           = 3
    fields         = { "event.type" = ["connection", "denied"], "event.outcome" = "failure" }
  }

  sub_rule "allowed" {
    when           = "event.kv.action.matches(\"(?i)^(accept|allow|established)\")"
    classification = "Network Allow"
    common_event   = "Firewall Connection Allowed"
    fields         = { "event.type" = ["connection", "allowed"], "event.outcome" = "success" }
  }

  test {
    log             = "<134>Mar  1 10:17:00 bigip1 tmm[12345]: acl_policy_name=\"/Common/edge\",acl_policy_type=\"Enforced\",acl_rule_name=\"deny-telnet\",action=\"Drop\",hostname=\"bigip1.example.com\",bigip_mgmt_ip=\"192.0.2.5\",context_name=\"/Common/vs_edge\",context_type=\"Virtual Server\",date_time=\"Mar 01 2024 10:17:00\",dest_fqdn=\"unknown\",dest_geo=\"Unknown\",dest_ip=\"192.0.2.80\",dest_port=\"23\",device_product=\"Advanced Firewall Module\",device_vendor=\"F5\",device_version=\"17.1.0\",drop_reason=\"Policy\",errdefs_msgno=\"23003137\",errdefs_msg_name=\"Network Event\",flow_id=\"0000000000000000\",ip_protocol=\"TCP\",severity=\"8\",partition_name=\"Common\",route_domain=\"0\",sa_translation_pool=\"\",sa_translation_type=\"\",source_fqdn=\"unknown\",source_user=\"\",src_geo=\"Unknown\",src_ip=\"203.0.113.66\",src_port=\"40000\",translated_dest_ip=\"\",translated_dest_port=\"\",translated_ip_protocol=\"\",translated_route_domain=\"\",translated_src_ip=\"\",translated_src_port=\"\",translated_vlan=\"\",vlan=\"/Common/external\""
    log_source_type = "syslog"
    expect          = { sub_rule = "denied", classification = "Network Deny", sip = "203.0.113.66", dport = "23", "rule.name" = "deny-telnet", "network.transport" = "tcp", "observer.product" = "BIG-IP" }
  }
}
