# Sluice agent, as installed by the package (sluice-agent.service). Every
# setting and its default: /usr/share/doc/sluice/examples/agent.hcl. Check
# a change with `sluice config validate /etc/sluice/agent.hcl`.
#
# Out of the box it sends to a mediator on this host, in plaintext over
# loopback, so it starts without certificates. For a mediator on another
# host, use mutual TLS (docs/security.md): on the CA's host
#   sluice tls cert -dir /etc/sluice/pki -agent web-01
# copy ca.pem and the agent's files to /etc/sluice/pki here (readable by
# the group sluice), then name the mediators, drop insecure and add the
# tls block below.
agent {
  # id         = "web-01"          # default: the TLS certificate's, else the hostname
  data_dir     = "/var/lib/sluice/agent" # the spool (the unit's StateDirectory)
  mediators    = ["127.0.0.1:7400"]      # ordered: failover goes down the list
  insecure     = true                    # plaintext gRPC: loopback only

  # tls {
  #   ca_file   = "/etc/sluice/pki/ca.pem"
  #   cert_file = "/etc/sluice/pki/web-01.pem"
  #   key_file  = "/etc/sluice/pki/web-01-key.pem"
  # }
}

# The unit adds the agent to the group adm, which can read these on Debian
# and Ubuntu (with rsyslog). Other logs may need a drop-in: see the
# comments in /lib/systemd/system/sluice-agent.service.
source "file" "auth" {
  paths           = ["/var/log/auth.log*"]
  exclude         = ["*.gz"]
  log_source_type = "linux-auth"
  start_at        = "end" # files seen the first time: from now on
}

source "file" "syslog" {
  paths           = ["/var/log/syslog*"]
  exclude         = ["*.gz"]
  log_source_type = "syslog"
  start_at        = "end"
}

# Syslog over the network (a port below 1024 needs a drop-in: see the unit).
# source "syslog" "net" {
#   log_source_type = "syslog"
#   listen          = "udp://0.0.0.0:5514"
# }

# Hosts without rsyslog keep their logs in the systemd journal only: read
# it instead of the files above (adm reads the journal on Debian and
# Ubuntu; elsewhere see docs/operations.md).
# (units = ["ssh.service"] would keep sshd's entries only: sudo and su log
# from the user's session scope.)
# source "journald" "journal" {
#   log_source_type = "linux-auth"
#   priority        = "info"
#   start_at        = "end"
# }
