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

log_source_type "f5-bigip" {
  header  = "syslog"
  vendor  = "F5"
  product = "BIG-IP"
  module  = "f5_bigip"
}

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
    log    = "<134>Mar  1 10:15:02 bigip1 ASM:unit_hostname=\"bigip1.example.com\",management_ip_address=\"192.0.2.5\",http_class_name=\"/Common/app1\",web_application_name=\"/Common/app1\",policy_name=\"/Common/app1\",policy_apply_date=\"2024-02-01 10:00:00\",violations=\"Attack signature detected\",support_id=\"1234567890123456789\",request_status=\"blocked\",response_code=\"0\",ip_client=\"203.0.113.66\",route_domain=\"0\",method=\"GET\",protocol=\"HTTPS\",query_string=\"x=1\",x_forwarded_for_header_value=\"N/A\",sig_ids=\"200004190\",sig_names=\"Log4j JNDI lookup, header\",date_time=\"2024-03-01 10:15:02\",severity=\"Critical\",attack_type=\"Server Side Code Injection\",geo_location=\"N/A\",ip_address_intelligence=\"N/A\",username=\"N/A\",session_id=\"a1b2c3d4e5f6\",src_port=\"41000\",dest_port=\"443\",dest_ip=\"192.0.2.80\",sub_violations=\"\",virus_name=\"N/A\",violation_rating=\"5\",vs_name=\"/Common/vs_app1\",sig_cves=\"CVE-2021-44228\",uri=\"/api\",request=\"GET /api?x=1 HTTP/1.1\\r\\nHost: app.example.com\\r\\n\""
    expect = {
      sub_rule = "blocked", classification = "Failed Attack", sip = "203.0.113.66", sport = "41000", dip = "192.0.2.80", dport = "443"
      httpmethod = "GET", "url.path" = "/api", "rule.category" = "Server Side Code Injection", "vulnerability.id" = "CVE-2021-44228"
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
    "observer.hostname"               = ["kv.hostname", "kv.unit_hostname"]
    "observer.ip"                     = ["kv.management_ip_address"]
    "rule.name"                       = ["kv.acl_rule_name"]
    "rule.ruleset"                    = ["kv.acl_policy_name"]
    "event.action"                    = ["kv.action"]
    "f5.afm.context_name"             = ["kv.context_name"]
    "f5.afm.dos_attack_name"          = ["kv.dos_attack_name"]
    "f5.afm.drop_reason"              = ["kv.drop_reason"]
    sip                               = ["kv.src_ip"]
    sport                             = ["kv.src_port"]
    dip                               = ["kv.dest_ip"]
    dport                             = ["kv.dest_port"]
    snatip                            = ["kv.translated_src_ip"]
    dnatip                            = ["kv.translated_dest_ip"]
    iana_transport                    = ["kv.ip_protocol", "kv.protocol"]
    "observer.ingress.vlan.name"      = ["kv.vlan"]
    "source.geo.country_name"         = ["kv.src_geo"]
    "destination.geo.country_name"    = ["kv.dest_geo"]
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
