# Example ARM configuration (sluice arm -config configs/arm.hcl). ARM is the
# heartbeat service: mediators report their own heartbeat and their agents'
# to it; it shows the grid and raises Missing Heartbeat Warning / Heartbeat
# Returned events. Every setting, with its default:
arm {
  id       = "arm-01"              # default: the hostname; events are stored as agent "arm-<id>"
  listen   = "127.0.0.1:7500"      # gRPC, from mediators (mediator { arm = "127.0.0.1:7500" })
  http     = "127.0.0.1:7580"      # dashboard page and JSON API
  data_dir = "/var/lib/sluice/arm" # Badger: components, history, event outbox

  # Heartbeat warning interval per kind: yellow after one full interval
  # without a heartbeat, red after two, a Missing Heartbeat Warning at each.
  # Minimum 10s (for tests and demos; in production keep it several times
  # the agents' heartbeat_interval of 30s), maximum 168h.
  agent_warning_interval    = "10m"
  mediator_warning_interval = "5m"

  # Known organizations: heartbeats of agents naming another are counted
  # and ignored. Empty (the default) accepts any.
  # organizations = ["default", "acme"]

  # A heartbeat whose own time is further ahead of ARM's clock is counted
  # and ignored (the component's clock is wrong).
  max_clock_skew = "5m"

  # Where and how ARM logs (docs/operations.md, "Logs"). SIGHUP
  # re-reads level; PUT /v1/log/level sets it. log_level = "…" is its shorthand.
  log {
    level = "info" # trace, debug, info, warn, error
    # json        = true                             # one JSON object per line
    # file        = "/var/log/sluice/arm.log"        # default: stderr (journald)
    # max_size    = "100MiB"                         # rotate the file at this size,
    # max_backups = 5                                # keeping this many old ones
    # files       = { http = "/var/log/sluice/http.log" } # a component's own file
  }

  # Security (docs/security.md). A listen address that is not loopback
  # needs a tls block, or insecure = true (plaintext, with a loud warning).
  # tls is mutual TLS 1.3: mediators present their `sluice tls cert
  # -mediator ID` certificate (signed by ca_file) and report as that id.
  # tls {
  #   ca_file   = "/etc/sluice/pki/ca.pem"
  #   cert_file = "/etc/sluice/pki/arm-01.pem"       # sluice tls cert -arm arm-01 -host arm.example.net
  #   key_file  = "/etc/sluice/pki/arm-01-key.pem"
  # }
  # insecure = false
  #
  # HTTPS for the dashboard and JSON API, and the bearer tokens: with a
  # token file every read needs a token (the page asks for one), and the
  # write endpoint (DELETE /v1/heartbeats/ID) the admin token; without
  # token files both answer loopback callers only.
  # http_tls {
  #   cert_file = "/etc/sluice/pki/arm-01.pem"
  #   key_file  = "/etc/sluice/pki/arm-01-key.pem"
  # }
  # admin_token_file = "/etc/sluice/arm.token"       # at least 16 bytes a token; reads everything too
  # read_token_file  = "/etc/sluice/arm-read.tokens" # lines: TOKEN | TOKEN * | TOKEN acme,globex
  # http_hosts       = ["arm.example.net"]           # more names the dashboard is reached by
}

# Per-component warning intervals, by id or glob (* ? [a-z]). An exact id
# wins over a glob; among globs the first in the file wins. kind is
# optional ("agent" or "mediator").
override "web-*" {
  warning_interval = "2m"
}

override "dp-01" {
  kind             = "mediator"
  warning_interval = "1m"
}

# Environment overrides: SLUICE_ARM_ID, SLUICE_ARM_LISTEN, SLUICE_ARM_HTTP,
# SLUICE_ARM_DATA_DIR, SLUICE_ARM_AGENT_WARNING_INTERVAL,
# SLUICE_ARM_MEDIATOR_WARNING_INTERVAL, SLUICE_LOG_LEVEL.
