# Sluice ARM, the heartbeat service, as installed by the package
# (sluice-arm.service). Every setting and its default:
# /usr/share/doc/sluice/examples/arm.hcl. Check a change with
# `sluice config validate /etc/sluice/arm.hcl`.
#
# Out of the box it listens on loopback only, in plaintext, so it starts
# without certificates: fit for a mediator on the same host (mediator
# { arm = "127.0.0.1:7500" }). Mediators on other hosts need mutual TLS
# (docs/security.md):
#   sluice tls cert -dir /etc/sluice/pki -arm arm-01 -host arm.example.net
# then listen on the network and add the tls block below.
arm {
  # id     = "arm-01"           # default: the hostname
  listen   = "127.0.0.1:7500"   # gRPC, from mediators
  http     = "127.0.0.1:7580"   # dashboard and JSON API (loopback callers only without token files)
  data_dir = "/var/lib/sluice/arm" # the unit's StateDirectory

  # tls {
  #   ca_file   = "/etc/sluice/pki/ca.pem"
  #   cert_file = "/etc/sluice/pki/arm-01.pem"
  #   key_file  = "/etc/sluice/pki/arm-01-key.pem"
  # }
  # admin_token_file = "/etc/sluice/arm.token"
  # read_token_file  = "/etc/sluice/arm-read.tokens"
}
