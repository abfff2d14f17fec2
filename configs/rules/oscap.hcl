# OpenSCAP: the oscap scanner's own syslog lines ("Evaluation started.",
# "Evaluation finished.") and the results Wazuh's OpenSCAP wodle reports
# for it ("oscap: msg: "xccdf-result", scan-id: …, result: "fail", …",
# and "oscap: ERROR: …" when a scan cannot run).
#
# The wodle writes every value quoted, "key: "value"" pairs separated by
# ", "; the rules read the pairs a SOC sorts on (scan id, content, rule
# title and id, result, severity, profile, score) in their documented
# order and keep the rest in the message.
#
# Test lines are made up (invented scan ids, hosts and rule titles).

log_source_type "openscap" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Red Hat"
  product  = "OpenSCAP"
  module   = "oscap"
}

rule "oscap-evaluation-started" {
  log_source_types = ["openscap"]
  sort_order       = 1600
  pattern          = <<-RE
    oscap(?:\[<pid>\])?: Evaluation started\. Content: (?P<oscap_content>[^,]+), Profile: (?P<oscap_profile>.*?)\.?\s*$
  RE
  classification   = "Information"
  common_event     = "Compliance Scan Started"
  risk             = 1
  fields           = { "event.category" = ["configuration"], "event.type" = ["start"] }

  test {
    log             = "Apr 12 10:50:32 rhel8-a oscap: Evaluation started. Content: /usr/share/xml/scap/ssg/content/ssg-rhel8-ds.xml, Profile: xccdf_org.ssgproject.content_profile_cis."
    log_source_type = "syslog"
    expect          = { oscap_content = "/usr/share/xml/scap/ssg/content/ssg-rhel8-ds.xml", oscap_profile = "xccdf_org.ssgproject.content_profile_cis", hostname = "rhel8-a", "observer.vendor" = "Red Hat", "event.module" = "oscap" }
  }
}

rule "oscap-evaluation-finished" {
  description      = "return code 0: every rule passed; 2: at least one failed; 1: the scan failed"
  log_source_types = ["openscap"]
  sort_order       = 1601
  pattern          = <<-RE
    oscap(?:\[<pid>\])?: Evaluation finished\. Return code: (?P<oscap_return_code>\d+), Base score (?P<oscap_score>\d+(?:\.\d+)?)
  RE
  classification   = "Information"
  common_event     = "Compliance Scan Finished"
  risk             = 1
  fields           = { "event.category" = ["configuration"], "event.type" = ["end"], "event.outcome" = "success" }

  sub_rule "failed-rules" {
    when           = "event.oscap_return_code == \"2\""
    classification = "Policy"
    common_event   = "Compliance Scan Found Failures"
    risk           = 3
  }
  sub_rule "error" {
    when           = "event.oscap_return_code == \"1\""
    classification = "Error"
    common_event   = "Compliance Scan Error"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "Apr 12 10:50:42 rhel8-a oscap: Evaluation finished. Return code: 2, Base score 87.500000."
    log_source_type = "syslog"
    expect          = { oscap_return_code = "2", oscap_score = "87.500000", common_event = "Compliance Scan Found Failures", "observer.vendor" = "Red Hat", "event.module" = "oscap" }
  }
  test {
    log    = "Apr 12 10:50:43 rhel8-b oscap: Evaluation finished. Return code: 0, Base score 100.000000."
    expect = { common_event = "Compliance Scan Finished" }
  }
}

rule "oscap-xccdf-result" {
  description      = "one XCCDF rule's result, from the Wazuh OpenSCAP wodle"
  log_source_types = ["openscap"]
  sort_order       = 1610
  pattern          = <<-RE
    oscap: msg: "xccdf-result", scan-id: "(?P<oscap_scan_id>[^"]*)", content: "(?P<oscap_content>[^"]*)", title: "(?P<rule__name>[^"]*)", id: "(?P<rule__id>[^"]*)", result: "(?P<oscap_result>[^"]*)"(?:, severity: "(?P<oscap_severity>[^"]*)")?(?:.*? benchmark-id: "(?P<oscap_benchmark_id>[^"]*)")?(?:.*? profile-id: "(?P<oscap_profile>[^"]*)")?(?:.*? profile-title: "(?P<oscap_profile_title>[^"]*)")?
  RE
  classification   = "Other Audit"
  common_event     = "Compliance Check Result"
  risk             = 1
  fields           = { "event.category" = ["configuration"], "event.type" = ["info"], "event.kind" = "state" }

  sub_rule "fail" {
    when           = "event.oscap_result == \"fail\""
    classification = "Policy"
    common_event   = "Compliance Check Failed"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "pass" {
    when           = "event.oscap_result == \"pass\""
    classification = "Other Audit Success"
    common_event   = "Compliance Check Passed"
    risk           = 0
    fields         = { "event.outcome" = "success" }
  }

  test {
    log             = "oscap: msg: \"xccdf-result\", scan-id: \"0021700000001\", content: \"ssg-rhel8-ds.xml\", title: \"Disable SSH Root Login\", id: \"xccdf_org.ssgproject.content_rule_sshd_disable_root_login\", result: \"fail\", severity: \"medium\", description: \"Root logins over SSH should be disabled.\", rationale: \"Shared root logons hide who acted.\", references: \"AC-6(2)\", identifiers: \"CCE-80901-2\", oval-id: \"oval:ssg-sshd_disable_root_login:def:1\", benchmark-id: \"xccdf_org.ssgproject.content_benchmark_RHEL-8\", profile-id: \"xccdf_org.ssgproject.content_profile_cis\", profile-title: \"CIS Benchmark\"."
    log_source_type = "syslog"
    expect = {
      oscap_scan_id       = "0021700000001"
      "rule.name"         = "Disable SSH Root Login"
      "rule.id"           = "xccdf_org.ssgproject.content_rule_sshd_disable_root_login"
      oscap_result        = "fail"
      oscap_severity      = "medium"
      oscap_profile       = "xccdf_org.ssgproject.content_profile_cis"
      oscap_profile_title = "CIS Benchmark"
      common_event        = "Compliance Check Failed"
      "observer.vendor"   = "Red Hat"
      "event.module"      = "oscap"
    }
  }
}

rule "oscap-oval-result" {
  description      = "one OVAL definition's result (often a CVE check), from the Wazuh OpenSCAP wodle"
  log_source_types = ["openscap"]
  sort_order       = 1611
  pattern          = <<-RE
    oscap: msg: "oval-result", scan-id: "(?P<oscap_scan_id>[^"]*)", content: "(?P<oscap_content>[^"]*)", title: "(?P<rule__name>[^"]*)", id: "(?P<rule__id>[^"]*)", result: "(?P<oscap_result>[^"]*)"(?:.*? profile-title: "(?P<oscap_profile_title>[^"]*)")?(?:.*? reference: "(?P<vulnerability__id>CVE-\d+-\d+)?)?
  RE
  classification   = "Other Audit"
  common_event     = "OVAL Check Result"
  risk             = 1
  fields           = { "event.category" = ["configuration"], "event.type" = ["info"], "event.kind" = "state" }

  sub_rule "vulnerable" {
    when           = "event.oscap_result == \"fail\" || event.oscap_result == \"true\""
    classification = "Vulnerability"
    common_event   = "OVAL Check Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure", "event.category" = ["vulnerability"] }
  }

  test {
    log             = "oscap: msg: \"oval-result\", scan-id: \"0021700000002\", content: \"com.example.jammy.cve.oval.xml\", title: \"CVE-2099-0001 on Example Linux 22.04 - medium.\", id: \"oval:com.example.jammy:def:209900010000\", result: \"fail\", description: \"An invented flaw.\", profile-title: \"vulnerability\", reference: \"CVE-2099-0001 (https://cve.example.org/CVE-2099-0001)\"."
    log_source_type = "syslog"
    expect          = { oscap_result = "fail", "vulnerability.id" = "CVE-2099-0001", common_event = "OVAL Check Failed", "observer.vendor" = "Red Hat", "event.module" = "oscap" }
  }
}

rule "oscap-overview" {
  description      = "a scan's summary score, from the Wazuh OpenSCAP wodle"
  log_source_types = ["openscap"]
  sort_order       = 1612
  pattern          = <<-RE
    oscap: msg: "(?P<oscap_kind>xccdf|oval)-overview", scan-id: "(?P<oscap_scan_id>[^"]*)", content: "(?P<oscap_content>[^"]*)"(?:, benchmark-id: "(?P<oscap_benchmark_id>[^"]*)")?(?:, profile-id: "(?P<oscap_profile>[^"]*)")?(?:, profile-title: "(?P<oscap_profile_title>[^"]*)")?, score: "(?P<oscap_score>[\d.]+)"
  RE
  classification   = "Information"
  common_event     = "Compliance Scan Score"
  risk             = 1
  fields           = { "event.category" = ["configuration"], "event.type" = ["info"], "event.kind" = "metric" }

  test {
    log             = "oscap: msg: \"xccdf-overview\", scan-id: \"0021700000001\", content: \"ssg-rhel8-ds.xml\", benchmark-id: \"xccdf_org.ssgproject.content_benchmark_RHEL-8\", profile-id: \"xccdf_org.ssgproject.content_profile_cis\", profile-title: \"CIS Benchmark\", score: \"81.25\"."
    log_source_type = "syslog"
    expect          = { oscap_kind = "xccdf", oscap_score = "81.25", oscap_profile_title = "CIS Benchmark", "observer.vendor" = "Red Hat", "event.module" = "oscap" }
  }
  test {
    log    = "oscap: msg: \"oval-overview\", scan-id: \"0021700000002\", content: \"com.example.jammy.cve.oval.xml\", score: \"92.10\"."
    expect = { oscap_kind = "oval", oscap_score = "92.10" }
  }
}

rule "oscap-error" {
  description      = "the wodle could not run a scan (OpenSCAP missing, bad content or profile, timeout)"
  log_source_types = ["openscap"]
  sort_order       = 1620
  pattern          = <<-RE
    oscap(?:\[<pid>\])?: (?P<log__level>ERROR|WARNING|INFO): (?P<reason>.*?)\s*$
  RE
  classification   = "Error"
  common_event     = "Compliance Scan Error"
  risk             = 2
  fields           = { "event.category" = ["configuration"], "event.outcome" = "failure" }

  sub_rule "info" {
    when           = "event.log.level != \"ERROR\""
    classification = "Information"
    common_event   = "Compliance Scan Message"
    risk           = 1
    fields         = { "event.outcome" = "success" }
  }

  test {
    log             = "oscap: ERROR: Profile \"hardened\" does not exist at \"policies/ssg-rhel8-ds.xml\"."
    log_source_type = "syslog"
    expect          = { reason = "Profile \"hardened\" does not exist at \"policies/ssg-rhel8-ds.xml\".", "observer.vendor" = "Red Hat", "event.module" = "oscap" }
  }
}
