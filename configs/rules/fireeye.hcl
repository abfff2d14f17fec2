# FireEye (Trellix) appliances over syslog in CEF: NX/MPS network
# security, EX email, HX endpoint and CMS/MC. Every line carries
# "CEF:0|FireEye|<product>|<version>|<signature id>|<name>|<severity>|"
# then key=value extensions; FireEye writes src, dst, spt, dpt in that
# relative order, and the rule reads them (and the usual hosts, user and
# URL) where present.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "fireeye" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "FireEye"
  module   = "fireeye"
}

rule "fireeye-cef" {
  description      = "a FireEye alert in CEF: malware callbacks, object and web infections, IOC hits, domain matches"
  log_source_types = ["fireeye"]
  sort_order       = 100
  pattern          = <<-RE
    CEF:\d+\|(?i:FireEye|Trellix)\|(?P<observer__product>[^|]*)\|(?P<observer__version>[^|]*)\|(?P<event__code>[^|]*)\|(?P<rule__name>[^|]*)\|(?P<labels__cef_severity>[^|]*)\|(?:.*?\bsrc=(?:<sip>|\S*))?(?:.*?\bdst=(?:<dip>|\S*))?(?:.*?\bspt=(?:<sport>|\S*))?(?:.*?\bduser=(?P<labels__duser>[^=]+?)(?: \w+=|$))?(?:.*?\bdpt=(?:<dport>|\S*))?(?:.*?\b(?:dhost|shost)=(?P<labels__host>\S+))?
  RE
  classification   = "Malware"
  common_event     = "FireEye Alert"
  risk             = 7
  fields           = { "event.kind" = "alert", "event.category" = ["malware", "intrusion_detection"], "event.type" = ["info"] }

  test {
    log             = "Mar 10 12:00:00 198.51.100.1 cef: CEF:0|FireEye|MPS|9.0.3.939|MC|malware-callback|7|rt=Mar 10 2024 12:00:10 UTC src=192.0.2.101 cn3Label=cncPort cn3=443 cn2Label=sid cn2=84000001 requestMethod=GET proto=tcp dst=203.0.113.66 cs5Label=cncHost cs5=cnc.example.net spt=50505 dvc=198.51.100.1 smac=00:00:5e:00:53:10 cn1Label=vlan cn1=0 dmac=00:00:5e:00:53:11 dpt=443 act=notified"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.101", dip = "203.0.113.66", sport = "50505", dport = "443", "rule.name" = "malware-callback", "observer.product" = "MPS", "event.code" = "MC", "event.dataset" = "fireeye" }
  }
  test {
    log    = "Mar 10 12:01:00 hx-01 cef: CEF:0|fireeye|hx|5.0.0|IOC Hit Found|IOC Hit Found|10|rt=Mar 10 2024 12:01:00 UTC dvchost=hx-01 categoryDeviceGroup=/IDS categoryDeviceType=Forensic Investigation categoryObject=/Host cs1Label=Host Agent Cert Hash cs1=AbCdEf dst=192.0.2.102 dmac=00-00-5e-00-53-12 dhost=WS-0042 dntdom=EXAMPLE"
    expect = { dip = "192.0.2.102", "rule.name" = "IOC Hit Found", "observer.product" = "hx" }
  }
}

rule "fireeye-leef" {
  description      = "a FireEye alert in LEEF (LEEF:1.0|FireEye|<product>|<version>|<event>|…, tab-separated keys)"
  log_source_types = ["fireeye"]
  sort_order       = 100
  pattern          = <<-RE
    LEEF:[\d.]+\|(?i:FireEye|Trellix)\|(?P<observer__product>[^|]*)\|(?P<observer__version>[^|]*)\|(?P<event__code>[^|]*)\|(?:.*?\bsrc=(?:<sip>|\S*))?(?:.*?\bdst=(?:<dip>|\S*))?(?:.*?\bsrcPort=(?:<sport>|\S*))?(?:.*?\bdstPort=(?:<dport>|\S*))?(?:.*?\bsev=(?P<labels__leef_severity>\d+))?
  RE
  classification   = "Malware"
  common_event     = "FireEye Alert"
  risk             = 7
  fields           = { "event.kind" = "alert", "event.category" = ["malware", "intrusion_detection"], "event.type" = ["info"] }

  test {
    log    = "Mar 10 12:02:00 198.51.100.1 LEEF:1.0|FireEye|NX|9.0.3|web-infection|devTime=Mar 10 2024 12:02:00 UTC\tsrc=192.0.2.103\tdst=203.0.113.67\tsrcPort=50600\tdstPort=80\tsev=4\tproto=tcp"
    expect = { sip = "192.0.2.103", dip = "203.0.113.67", sport = "50600", dport = "80", "event.code" = "web-infection" }
  }
}
