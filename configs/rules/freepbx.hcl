# FreePBX and the Asterisk PBX under it. Asterisk's full log writes
# "[2024-03-11 08:00:00] LEVEL[pid][C-callid] file.c: message" (levels
# VERBOSE, NOTICE, WARNING, ERROR, DEBUG, DTMF, SECURITY); its security log
# writes SecurityEvent="…",…,AccountID="…",RemoteAddress="IPV4/UDP/ip/port".
# FreePBX's own log writes "[2024-Mar-11 08:00:00] [freepbx.LEVEL]: …" or
# "[…] [LEVEL] (file.php:line) - …"; fwconsole's npm cache lines and the
# HA cluster's pacemaker lines are read too.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "freepbx" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Sangoma"
  product  = "FreePBX"
  module   = "freepbx"
}

rule "asterisk-registration-failed" {
  description      = "chan_sip/chan_pjsip: a SIP registration or request failed (wrong password, no such peer or endpoint): the classic brute-force signal"
  log_source_types = ["freepbx"]
  sort_order       = 100
  pattern          = <<-RE
    (?P<log__level>NOTICE|WARNING|SECURITY)\[\d+\](?:\[C-[0-9a-f]+\])?:? (?P<labels__source_file>chan_sip\.c|chan_pjsip\.c|chan_iax2\.c|res_pjsip_registrar\.c|res_pjsip/pjsip_distributor\.c|pjsip_distributor\.c)(?::\d+)?(?: in \w+)?: (?:Registration from '(?:"[^"]*" ?)?<?sip:(?P<login>[^@>]*)@[^']*' failed for '<sip>(?::<sport>)?' - (?P<event__reason>.+)|Request '(?P<labels__sip_method>\w+)' from '(?:"[^"]*" ?)?<?sip:(?P<labels__user>[^@>]*)@[^']*' failed for '<sip>(?::<sport>)?' \(callid: [^)]*\) - (?P<labels__reason2>.+)|Host <sip> failed MD5 authentication for '?(?P<labels__iax_user>[^'\s]+)'?(?: \((?P<labels__reason3>[^)]*)\))?)
  RE
  classification   = "Authentication Failure"
  common_event     = "SIP Registration Failed"
  risk             = 5
  map              = { "user.name" = ["labels.user", "labels.iax_user"], "event.reason" = ["labels.reason2", "labels.reason3"] }
  fields           = { "event.category" = ["authentication", "network"], "event.outcome" = "failure", "network.protocol" = "sip" }

  test {
    log             = "[2024-03-11 08:00:00] NOTICE[2101] chan_sip.c: Registration from '\"301\" <sip:301@192.0.2.5:5060>' failed for '198.51.100.130:5070' - Wrong password"
    log_source_type = "syslog"
    expect          = { login = "301", sip = "198.51.100.130", sport = "5070", reason = "Wrong password", "event.dataset" = "freepbx" }
  }
  test {
    log    = "[2024-03-11 08:00:01] NOTICE[2102] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:admin@192.0.2.5>' failed for '198.51.100.131:5060' (callid: abc123) - No matching endpoint found"
    expect = { "user.name" = "admin", sip = "198.51.100.131", "labels.sip_method" = "REGISTER" }
  }
  test {
    log    = "Mar 11 08:00:05 pbx-b asterisk[3100]: NOTICE[3111]: chan_sip.c:11242 in handle_request_register: Registration from '\"303\"<sip:303@192.0.2.6>' failed for '198.51.100.133' - Wrong password"
    expect = { login = "303", sip = "198.51.100.133", reason = "Wrong password" }
  }
  test {
    log    = "Mar 11 08:00:06 pbx-b asterisk[3100]: NOTICE[3111]: chan_iax2.c:9000 in authenticate_reply: Host 198.51.100.134 failed MD5 authentication for 'trunk1' (hash mismatch)"
    expect = { "user.name" = "trunk1", sip = "198.51.100.134", reason = "hash mismatch" }
  }
}

rule "asterisk-security-event" {
  description      = "res_security_log: an Asterisk security event (InvalidPassword, ChallengeResponseFailed, FailedACL, InvalidAccountID, SuccessfulAuth, …)"
  log_source_types = ["freepbx"]
  sort_order       = 100
  pattern          = <<-RE
    SecurityEvent="(?P<event__action>\w+)",EventTV="[^"]*",Severity="(?P<labels__severity>\w+)",Service="(?P<network__protocol>\w+)"(?:.*?,AccountID="(?P<login>[^"]*)")?(?:.*?,LocalAddress="IPV[46]/\w+/<dip>/<dport>")?(?:.*?,RemoteAddress="IPV[46]/(?P<labels__transport>\w+)/<sip>/<sport>")?
  RE
  classification   = "Authentication Failure"
  common_event     = "PBX Security Event"
  risk             = 5
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure" }

  sub_rule "success" {
    when           = "event.event.action == \"SuccessfulAuth\""
    classification = "Authentication Success"
    common_event   = "PBX Authentication"
    risk           = 2
    fields         = { "event.outcome" = "success" }
  }

  test {
    log    = "[2024-03-11 08:00:02] SECURITY[2103] res_security_log.c: SecurityEvent=\"InvalidPassword\",EventTV=\"2024-03-11T08:00:02.000+0000\",Severity=\"Error\",Service=\"SIP\",EventVersion=\"2\",AccountID=\"302\",SessionID=\"0x7f0000000000\",LocalAddress=\"IPV4/UDP/192.0.2.5/5060\",RemoteAddress=\"IPV4/UDP/198.51.100.132/5061\",Challenge=\"1a2b3c4d\",ReceivedChallenge=\"1a2b3c4d\",ReceivedHash=\"00112233445566778899aabbccddeeff\""
    expect = { login = "302", sip = "198.51.100.132", sport = "5061", dip = "192.0.2.5", "event.action" = "InvalidPassword", "event.outcome" = "failure" }
  }
}

rule "asterisk-log" {
  description      = "any other line of Asterisk's full log: kept with level, process id, call id and source file"
  log_source_types = ["freepbx"]
  sort_order       = 200
  pattern          = <<-RE
    (?:^\[(?:\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2} {1,2}\d{1,2}) \d{2}:\d{2}:\d{2}(?:\.\d+)?\] |asterisk(?:\[\d+\])?: )(?P<log__level>VERBOSE|NOTICE|WARNING|ERROR|DEBUG|DTMF|SECURITY)\[(?P<process__pid>\d+)\](?:\[(?P<labels__call_id>C-[0-9a-f]+)\])?:? (?P<labels__source_file>[\w./-]+\.c)(?::\d+)?(?: in (?P<labels__function>\w+))?: (?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "PBX Message"
  risk             = 0
  fields           = { "process.name" = "asterisk" }

  sub_rule "error" {
    when           = "event.log.level == \"ERROR\""
    classification = "Error"
    risk           = 3
  }
  sub_rule "warning" {
    when           = "event.log.level == \"WARNING\""
    classification = "Warning"
    risk           = 2
  }

  test {
    log    = "[2024-03-11 08:00:03] ERROR[2104] config_options.c: Unable to load config file 'example.conf'"
    expect = { "log.level" = "ERROR", pid = "2104", classification = "Error", "labels.source_file" = "config_options.c" }
  }
  test {
    log    = "Mar 11 08:00:07 pbx-b asterisk[3100]: WARNING[3112]: chan_sip.c:4000 in check_via: Don't know how to respond via 'SIP/2.0/XYZ'"
    expect = { "log.level" = "WARNING", "labels.function" = "check_via", classification = "Warning" }
  }
}

rule "asterisk-startup" {
  description      = "Asterisk's start banner: version, build host and platform"
  log_source_types = ["freepbx"]
  sort_order       = 100
  pattern          = <<-RE
    (?:Asterisk (?P<labels__state>Ready|is shutting down now|Dynamic Loader Starting)|Asterisk (?P<service__version>\d[\w.~-]*) built by (?P<labels__built_by>\S+) @ (?P<labels__build_host>\S+) on a (?P<host__architecture>\S+) running (?P<host__os__type>\S+))
  RE
  classification   = "Startup and Shutdown"
  common_event     = "PBX Started"
  risk             = 1
  fields           = { "event.category" = ["process"], "event.type" = ["start"], "process.name" = "asterisk" }

  test {
    log             = "[2024-03-11 07:59:00] Asterisk 18.20.0 built by mockbuild @ build-01 on a x86_64 running Linux on 2024-03-01 10:00:00 UTC"
    log_source_type = "syslog"
    expect          = { "service.version" = "18.20.0", "host.architecture" = "x86_64", "event.dataset" = "freepbx" }
  }
}

rule "freepbx-log" {
  description      = "FreePBX's own log (freepbx.log): [date] [freepbx.LEVEL]: … or [date] [LEVEL] (file.php:line) - …"
  log_source_types = ["freepbx"]
  sort_order       = 100
  pattern          = <<-RE
    ^\[\d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}\] \[(?:freepbx\.)?(?P<log__level>DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|ALERT|EMERGENCY)\](?::| \((?P<labels__source_file>[^):]+)(?::(?P<labels__source_line>\d+))?\) -) (?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "FreePBX Message"
  risk             = 0
  fields           = { "process.name" = "freepbx" }

  sub_rule "error" {
    when           = "event.log.level in [\"ERROR\", \"CRITICAL\", \"ALERT\", \"EMERGENCY\"]"
    classification = "Error"
    risk           = 3
  }
  sub_rule "warning" {
    when           = "event.log.level == \"WARNING\""
    classification = "Warning"
    risk           = 2
  }

  test {
    log    = "[2024-Mar-11 08:01:00] [INFO] (libraries/modulefunctions.class.php:2100) - Generating CSS...Done"
    expect = { "log.level" = "INFO", "labels.source_file" = "libraries/modulefunctions.class.php", "labels.source_line" = "2100" }
  }
  test {
    log             = "[2024-Mar-11 08:01:01] [freepbx.WARNING]: Module 'example' is not signed [] []"
    log_source_type = "syslog"
    expect          = { "log.level" = "WARNING", classification = "Warning", "event.dataset" = "freepbx" }
  }
}

rule "freepbx-npm-cache" {
  description      = "fwconsole's npm cache messages: [npm-cache] [LEVEL] [npm] …"
  log_source_types = ["freepbx"]
  sort_order       = 100
  pattern          = "^\\[npm-cache\\] \\[(?P<log__level>\\w+)\\] \\[npm\\] (?P<labels__detail>.*)"
  classification   = "Information"
  common_event     = "FreePBX Message"
  risk             = 0
  fields           = { "process.name" = "fwconsole" }

  test {
    log    = "[npm-cache] [INFO] [npm] hash of /var/www/html/admin/modules/example/node/package.json: 00112233445566778899aabbccddeeff"
    expect = { "log.level" = "INFO" }
  }
}

rule "freepbx-ha-pacemaker" {
  description      = "FreePBX HA: pacemaker and corosync cluster messages (notice/warning/error: function: text)"
  log_source_types = ["freepbx"]
  sort_order       = 100
  pattern          = <<-RE
    (?P<process__name>pacemakerd|pacemaker-\w+|crmd|cib|stonith-ng|lrmd|attrd|pengine|corosync)(?:\[(?P<process__pid>\d+)\])?:\s+(?:\[\w+\]\s+)?(?P<log__level>notice|info|warning|error|crit|debug):\s+(?:(?P<labels__function>\w+):\s+)?(?P<labels__detail>.*)
  RE
  classification   = "Information"
  common_event     = "Cluster Message"
  risk             = 0

  sub_rule "error" {
    when           = "event.log.level in [\"error\", \"crit\"]"
    classification = "Error"
    risk           = 3
  }

  test {
    log    = "Mar 11 08:02:00 pbx-a pacemakerd[1400]:   notice: crm_add_logfile: Additional logging available in /var/log/cluster/corosync.log"
    expect = { process = "pacemakerd", "log.level" = "notice", "labels.function" = "crm_add_logfile" }
  }
}
