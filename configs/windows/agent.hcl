# The Sluice agent on a Windows host (bin/sluice-agent-windows-amd64.exe
# from make cross; docs/platforms.md). Windows event logs reach it as
# winlogbeat-style JSON ({"winlog":{"event_id":4624,"event_data":{…}}}),
# the shape the windows-security rules (configs/rules) read, by either of
# two paths:
#   - winlogbeat writes them to files (output.file), which the file source
#     below follows;
#   - a shipper that can POST (NXLog's om_http, Fluent Bit's http output)
#     sends them to the webhook source below, one JSON object per line.
# Forward slashes work in Windows paths and need no escaping in HCL.
#
#   sluice-agent.exe config validate C:\ProgramData\Sluice\agent.hcl
#   sluice-agent.exe agent -config C:\ProgramData\Sluice\agent.hcl

agent {
  id        = "win-dc-01" # default: the certificate's, else the hostname
  data_dir  = "C:/ProgramData/Sluice/agent"
  mediators = ["192.0.2.10:7400", "192.0.2.11:7400"] # or host names (they must resolve)
  tls {
    ca_file   = "C:/ProgramData/Sluice/pki/ca.pem"
    cert_file = "C:/ProgramData/Sluice/pki/win-dc-01.pem"
    key_file  = "C:/ProgramData/Sluice/pki/win-dc-01-key.pem"
  }
  log {
    level = "info"
    file  = "C:/ProgramData/Sluice/log/agent.log" # no journald on Windows
  }
}

# winlogbeat.yml:
#   winlogbeat.event_logs:
#     - name: Security
#   output.file:
#     path: "C:/ProgramData/Sluice/winlogbeat"
#     filename: security   # security-<date>.ndjson, -1, … (8.x; 7.x: security, .1, …)
source "file" "windows-security" {
  paths           = ["C:/ProgramData/Sluice/winlogbeat/security*"]
  log_source_type = "windows-security"
  start_at        = "beginning"
}

# Shippers that POST: to http://127.0.0.1:8514/v1/logs with
# "Authorization: Bearer <token>" and Content-Type application/x-ndjson
# (one event per line) or application/json (an array of objects). Listen
# on loopback when the shipper runs on the same host; on another address
# add a tls { } block (README, "HTTP intake").
source "webhook" "windows-events" {
  log_source_type = "windows-security"
  listen          = "127.0.0.1:8514"
  tokens_file     = "C:/ProgramData/Sluice/webhook-tokens" # one token per line
}
