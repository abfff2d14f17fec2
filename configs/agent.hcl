# Example agent configuration. Every setting, with its default:
agent {
  id                 = "web-01"                # default: the TLS certificate's, else the hostname
  organization       = "default"               # tenant of its events; default: the certificate's, else "default"
  data_dir           = "/var/lib/sluice/agent" # the spool (Badger) lives here
  mediators          = ["127.0.0.1:7400"]      # ordered: mediator1, mediator2, mediator3
  insecure           = true                    # plaintext gRPC (loopback demo)
  heartbeat_interval = "30s"
  failback_delay     = 60    # minutes; 0 disables failback
  load_balance_delay = 4320  # minutes; 0 disables load balancing
  max_line_bytes     = 65536 # longer lines are cut and flagged
  batch_entries      = 8000
  batch_bytes        = 4194304
  window             = 8 # unacknowledged batches in flight

  # Where and how the agent logs (docs/operations.md, "Logs"). SIGHUP
  # re-reads level. log_level = "…" is its shorthand.
  log {
    level = "info" # trace, debug, info, warn, error
    # json        = true                             # one JSON object per line
    # file        = "/var/log/sluice/agent.log"      # default: stderr (journald)
    # max_size    = "100MiB"                         # rotate the file at this size,
    # max_backups = 5                                # keeping this many old ones
    # files       = { uplink = "/var/log/sluice/uplink.log" } # a component's own file
  }
  # http             = "127.0.0.1:7401" # /healthz, /readyz, /metrics, /v1/status; default: off
  #                                     # (read_token_file, http_hosts, http_tls as the mediator's)
}

source "file" "auth" {
  paths           = ["/var/log/auth.log*"] # globs
  exclude         = ["*.gz"]
  log_source_type = "linux-auth"
  start_at        = "beginning" # or "end" for files seen the first time
  poll_interval   = "250ms"
}

# Syslog over the network (RFC 3164 and 5424; LF or octet-counted framing).
# source "syslog" "net" {
#   log_source_type = "syslog"
#   listen          = "tcp://0.0.0.0:514"          # udp://, tcp:// or tls:// (with a tls block)
# }

# HTTP intake: POST lines with a bearer token; 200 once they are spooled.
# source "webhook" "hooks" {
#   log_source_type = "webhook"
#   listen          = "0.0.0.0:8514"
#   tokens_file     = "/etc/sluice/webhook-tokens"  # one token per line
# }
