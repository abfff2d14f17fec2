# The all-in-one demo's agent (make run): tails the sample auth log over
# mutual TLS (sluice run creates the certificates on first start).
agent {
  id        = "demo-agent"
  data_dir  = ".sluice/demo/agent"
  mediators = ["127.0.0.1:7400"]

  tls {
    ca_file   = ".sluice/demo/tls/ca.pem"
    cert_file = ".sluice/demo/tls/default/demo-agent.pem"     # sluice tls cert writes an agent's
    key_file  = ".sluice/demo/tls/default/demo-agent-key.pem" # files in a folder of its organization
  }
}

source "file" "auth" {
  paths           = ["configs/samples/auth.log"]
  log_source_type = "linux-auth"
}
