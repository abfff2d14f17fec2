# Tags for the numbers and names vendor packs read with extract = "kv" or
# "csv" (fortinet-*.hcl, paloalto-panos.hcl, checkpoint.hcl, sonicwall.hcl,
# juniper-srx.hcl, sophos.hcl, f5-bigip.hcl, huawei-usg.hcl). A map key
# naming one of these tags stores the value as the tag types it: byte and
# packet counts as numbers, an IANA protocol number as its name.

tag "src_bytes" {
  pattern = "\\d+"
  field   = "source.bytes"
  type    = "int"
}

tag "dst_bytes" {
  pattern = "\\d+"
  field   = "destination.bytes"
  type    = "int"
}

tag "src_packets" {
  pattern = "\\d+"
  field   = "source.packets"
  type    = "int"
}

tag "dst_packets" {
  pattern = "\\d+"
  field   = "destination.packets"
  type    = "int"
}

tag "net_packets" {
  pattern = "\\d+"
  field   = "network.packets"
  type    = "int"
}

# network.transport from an IANA protocol number (FortiGate proto=6) or
# name (tcp, UDP), lowercased.
tag "iana_transport" {
  pattern   = "\\w+"
  field     = "network.transport"
  lowercase = true
  values = {
    "1"   = "icmp"
    "2"   = "igmp"
    "6"   = "tcp"
    "17"  = "udp"
    "41"  = "ipv6"
    "47"  = "gre"
    "50"  = "esp"
    "51"  = "ah"
    "58"  = "ipv6-icmp"
    "89"  = "ospf"
    "112" = "vrrp"
    "132" = "sctp"
  }
}

# network.protocol: the application protocol (FortiGate service=HTTPS,
# PAN-OS application), lowercased as ECS writes it.
tag "net_protocol" {
  pattern   = "[\\w.-]+"
  field     = "network.protocol"
  lowercase = true
}
