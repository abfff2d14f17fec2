# Example mediator configuration. Every setting, with its default:
mediator {
  id     = "dp-01"
  listen = "127.0.0.1:7400" # gRPC for agents
  http   = "127.0.0.1:7480" # JSON API: search, count, status
  # With a token file, every read needs a token (Authorization: Bearer …);
  # without one, the API answers loopback callers only.
  # admin_token_file = "/etc/sluice/admin.token"  # admin endpoints; reads everything too
  # read_token_file  = "/etc/sluice/read.tokens"  # lines: TOKEN | TOKEN * | TOKEN acme,globex
  # http_hosts       = ["dp-01.example.net"]      # more names the API is reached by (DNS, proxies)
  data_dir    = "/var/lib/sluice/mediator" # state (Badger) and the embedded index
  rules       = ["configs/rules"]          # files or folders of *.hcl rules
  insecure    = true
  max_agents  = 2000
  workers     = 2       # MPE workers; default: number of CPUs
  index_batch = 20000   # events per index write
  index_flush = "250ms" # longest wait before a write

  # What one search or count of the API may cost:
  search_timeout   = "10s"   # then the index is interrupted: 503
  max_query_bytes  = "16KiB" # longer query strings: 400
  max_query_terms  = 256     # every word of a phrase counts: 400
  max_result_bytes = "32MiB" # a search's documents stop there ("truncated": true)

  # Events dated more than this before now, or ahead of it, are filed under
  # their collection time, flagged timestamp_out_of_range; their own time
  # stays in sluice.original_timestamp. "0" turns a side off.
  max_past_age    = "720h"
  max_future_skew = "1h"

  # Where and how the mediator logs (docs/operations.md, "Logs"). SIGHUP
  # re-reads level; PUT /v1/log/level sets it. log_level = "…" is its shorthand.
  log {
    level = "info" # trace, debug, info, warn, error
    # json        = true                             # one JSON object per line
    # file        = "/var/log/sluice/mediator.log"   # default: stderr (journald)
    # max_size    = "100MiB"                         # rotate the file at this size,
    # max_backups = 5                                # keeping this many old ones
    # files       = { pipeline = "/var/log/sluice/pipeline.log" } # a component's own file
  }
}

indexer "embedded" { # default dir: <data_dir>/index
  # How long events stay searchable, by the UTC day of their @timestamp
  # (default: forever). The pruner drops whole day files, at start and
  # hourly; `sluice index prune` does it by hand (docs/data-lifecycle.md).
  retention = "30d"
  # organization "acme" {
  #   retention = "90d"
  # }
  # disk_warning_free = "2GiB" # warn (log, metric, ARM) under this much free space
}

# Every raw entry as the agents sent it, before parsing: hourly zstd files
# per organization, each closed file's SHA-256 in a hash chain.
# `sluice archive verify|list|replay` (docs/data-lifecycle.md).
# archive {
#   dir       = "/var/lib/sluice/archive"
#   retention = "365d" # default: forever
#   organization "acme" {
#     retention = "2555d"
#   }
# }

# Or, instead of the embedded index, an Elasticsearch cluster:
# indexer "elasticsearch" {
#   addresses      = ["https://es-1.example.net:9200"]
#   username       = "sluice"               # or api_key = "…"; SLUICE_ES_PASSWORD keeps it out of the file
#   password       = "…"
#   ca_file        = "/etc/sluice/pki/es-ca.pem"
#   index_prefix   = "sluice"               # <prefix>-<org>-YYYY.MM.DD
#   bulk_actions   = 5000
#   bulk_bytes     = "10MiB"
#   flush_interval = "1s"
#   workers        = 2
# }
