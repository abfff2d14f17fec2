# Sluice mediator, as installed by the package (sluice-mediator.service).
# Every setting and its default: /usr/share/doc/sluice/examples/mediator.hcl.
# Check a change with `sluice config validate /etc/sluice/mediator.hcl`
# before `systemctl restart sluice-mediator` (rules alone: `systemctl
# reload sluice-mediator`).
#
# Out of the box it listens on loopback only, in plaintext, so it starts
# without certificates: fit for an agent on the same host. Before agents
# on other hosts connect, turn on mutual TLS (docs/security.md):
#   sluice tls ca   -dir /etc/sluice/pki
#   sluice tls cert -dir /etc/sluice/pki -mediator dp-01 -host dp-01.example.net
# then listen on the network, drop insecure and add the tls block below.
mediator {
  # id     = "dp-01"            # default: the TLS certificate's, else the hostname
  listen   = "127.0.0.1:7400"   # gRPC for agents
  http     = "127.0.0.1:7480"   # JSON API: search, count, status (loopback callers only without token files)
  data_dir = "/var/lib/sluice/mediator" # state and the embedded index (the unit's StateDirectory)
  rules    = ["/etc/sluice/rules"]
  insecure = true # plaintext gRPC: loopback only

  # Report heartbeats to ARM (sluice-arm.service on this host):
  # arm = "127.0.0.1:7500"

  # With a token file, every read of the API needs a token:
  # admin_token_file = "/etc/sluice/admin.token"
  # read_token_file  = "/etc/sluice/read.tokens"

  # tls {
  #   ca_file   = "/etc/sluice/pki/ca.pem"
  #   cert_file = "/etc/sluice/pki/dp-01.pem"
  #   key_file  = "/etc/sluice/pki/dp-01-key.pem"
  # }
}

indexer "embedded" { # in <data_dir>/index
  retention = "30d" # whole days past it are dropped hourly (docs/data-lifecycle.md)
}

# Raw archives: every entry as received, compressed, hash-chained.
# archive {
#   dir       = "/var/lib/sluice/archive"
#   retention = "365d"
# }
