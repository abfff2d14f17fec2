# The all-in-one demo's agent (make run): tails the sample auth log.
agent {
  id        = "demo-agent"
  data_dir  = ".sluice/demo/agent"
  mediators = ["127.0.0.1:7400"]
  insecure  = true
}

source "file" "auth" {
  paths           = ["configs/samples/auth.log"]
  log_source_type = "linux-auth"
}
