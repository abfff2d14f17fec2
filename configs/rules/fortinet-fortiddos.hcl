# Fortinet FortiDDoS logs over syslog: key=value pairs, `devid=FI… date=…
# time=… tz=… type=attack spp=4 evecode=2 evesubcode=27 description="…"
# dir=1 protocol=6 sip=… dip=… dropcount=30 …`, the fields of the
# FortiDDoS log reference (attack, event and traffic-statistics logs). The
# service protection profile (spp) and event codes are FortiDDoS's own.
#
# Test lines are made up from the documented fields: documentation
# addresses and invented names.

log_source_type "fortinet-fortiddos" {
  header  = "syslog"
  vendor  = "Fortinet"
  product = "FortiDDoS"
  module  = "fortinet"
}

rule "fortiddos-log" {
  description      = "every FortiDDoS log with a protection profile and event code"
  log_source_types = ["fortinet-fortiddos"]
  sort_order       = 160
  pattern          = <<-RE
    type="?(?P<fortiddos__type>[\w-]+)"? spp="?\d+"? evecode="?\d+"?
  RE
  extract          = "kv"
  classification   = "Information"
  common_event     = "DDoS Protection Event"
  risk             = 2
  map = {
    "observer.serial_number" = ["kv.devid"]
    "fortiddos.spp"          = ["kv.spp"]
    "fortiddos.spp_name"     = ["kv.spp_name"]
    "event.code"             = ["kv.evecode"]
    "fortiddos.evesubcode"   = ["kv.evesubcode"]
    "event.reason"           = ["kv.description"]
    iana_transport           = ["kv.protocol"]
    sip                      = ["kv.sip"]
    dip                      = ["kv.dip"]
    sport                    = ["kv.sport"]
    dport                    = ["kv.dport"]
    "fortiddos.dropcount"    = ["kv.dropcount"]
    "network.direction"      = ["kv.direction"]
    "log.level"              = ["kv.level"]
    "fortiddos.subnet_name"  = ["kv.subnet_name"]
    "fortiddos.mode"         = ["kv.sppoperatingmode"]
  }
  fields = { "event.kind" = "event", "observer.type" = "ddos-mitigation" }

  sub_rule "attack" {
    when           = "event.fortiddos.type == \"attack\""
    classification = "Denial Of Service"
    common_event   = "DDoS Attack"
    risk           = 6
    fields         = { "event.kind" = "alert", "event.category" = ["network", "intrusion_detection"] }
  }

  test {
    log             = "2024-03-01T10:00:00.120-03:00 198.51.100.3 devid=FI800B0000000001 date=2024-03-01 time=10:00:00 tz=ART type=attack spp=4 evecode=2 evesubcode=27 description=\"TCP invalid flag combination \" dir=1 protocol=6 sip=0.0.0.0 dip=192.0.2.80 dropcount=30 subnetid=95 facility=Local0 level=Notice direction=inbound spp_name=\"web-farm\" subnet_name=\"dmz\" sppoperatingmode=detection"
    log_source_type = "syslog"
    expect          = { sub_rule = "attack", classification = "Denial Of Service", dip = "192.0.2.80", "event.reason" = "TCP invalid flag combination", "fortiddos.dropcount" = "30", "observer.product" = "FortiDDoS" }
  }
}
