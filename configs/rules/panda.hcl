# Panda Adaptive Defense / Panda Advanced Protection Service (PAPS), as
# its SIEM feeder sends events: LEEF 1.0 with tab-separated keys,
# "LEEF:1.0|Panda Security|paps|<version>|<event>|sev=…<TAB>devTime=…
# <TAB>usrName=…<TAB>domain=…<TAB>src=…<TAB>…<TAB>Op=…". The event names
# the kind of operation (exec, registrym, createdir, download, …).
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "panda" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Panda Security"
  product  = "Adaptive Defense"
  module   = "panda"
}

rule "panda-leef" {
  description      = "a Panda endpoint event in LEEF: who did what on which computer (process execution, registry, files, downloads, detections)"
  log_source_types = ["panda"]
  sort_order       = 100
  pattern          = <<-RE
    LEEF:[\d.]+\|Panda Security\|(?P<labels__product>[^|]*)\|(?P<observer__version>[^|]*)\|(?P<event__code>[^|]*)\|(?:.*?\bsev=(?P<labels__sev>\d+))?(?:.*?\busrName=(?P<login>[^\t]*))?(?:.*?\tdomain=(?P<user__domain>[^\t]*))?(?:.*?\tsrc=(?:<sip>|[^\t]*))?(?:.*?\tHostName=(?P<host__name>[^\t]*))?(?:.*?\tOp=(?P<event__action>[^\t]*))?(?:.*?\t(?:Parent)?Hash=(?P<file__hash__md5>[0-9A-Fa-f]{32}))?(?:.*?\t(?:Parent)?Path=(?P<file__path>[^\t]*))?(?:.*?\tChildPath=(?P<process__executable>[^\t]*))?
  RE
  classification   = "Information"
  common_event     = "Endpoint Activity"
  risk             = 1
  fields           = { "event.category" = ["host"], "event.type" = ["info"] }

  sub_rule "detection" {
    when           = <<-CEL
      event.event.code in ["malware", "pup", "exploit", "hacktool", "detection", "MalwareDetection"]
    CEL
    classification = "Malware"
    common_event   = "Endpoint Detection"
    risk           = 7
    fields         = { "event.kind" = "alert", "event.category" = ["malware"] }
  }
  sub_rule "exec" {
    when         = "event.event.code == \"exec\""
    common_event = "Process Executed"
    fields       = { "event.category" = ["process"], "event.type" = ["start"] }
  }
  sub_rule "registry" {
    when         = "event.event.code.startsWith(\"registry\")"
    common_event = "Registry Changed"
    fields       = { "event.category" = ["registry"], "event.type" = ["change"] }
  }

  test {
    log             = "LEEF:1.0|Panda Security|paps|02.50.00.0000|exec|sev=1\tdevTime=2024-03-10 12:05:00.000000\tdevTimeFormat=yyyy-MM-dd HH:mm:ss.SSS\tusrName=dana\tdomain=EXAMPLE\tsrc=192.0.2.110\tidentSrc=192.0.2.110\tidentHostName=WS-0110\tHostName=WS-0110\tMUID=00112233445566778899AABBCCDDEEFF\tOp=Exec\tParentHash=0123456789ABCDEF0123456789ABCDEF\tParentDriveType=Fixed\tParentPath=SYSTEM|\\explorer.exe\tChildPath=PROGRAM_FILES|\\Editor\\editor.exe"
    log_source_type = "syslog"
    expect          = { login = "dana", "user.domain" = "EXAMPLE", sip = "192.0.2.110", "host.name" = "WS-0110", "event.action" = "Exec", sub_rule = "exec", "event.dataset" = "panda" }
  }
}
