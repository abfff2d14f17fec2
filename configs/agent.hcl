# Example agent configuration. Every setting, with its default:
agent {
  id                 = "web-01"                  # default: the hostname
  organization       = "default"                 # tenant the agent's events belong to
  data_dir           = "/var/lib/sluice/agent"   # the spool (Badger) lives here
  mediators          = ["127.0.0.1:7400"]        # ordered: mediator1, mediator2, mediator3
  insecure           = true                      # plaintext gRPC (loopback demo)
  heartbeat_interval = "30s"
  failback_delay     = 60                        # minutes; 0 disables failback
  load_balance_delay = 4320                      # minutes; 0 disables load balancing
  max_line_bytes     = 65536                     # longer lines are cut and flagged
  batch_entries      = 2000
  batch_bytes        = 1048576
  window             = 8                         # unacknowledged batches in flight
}

source "file" "auth" {
  paths           = ["/var/log/auth.log*"]       # globs
  exclude         = ["*.gz"]
  log_source_type = "linux-auth"
  start_at        = "beginning"                  # or "end" for files seen the first time
  poll_interval   = "250ms"
}
