# The all-in-one demo's mediator (make run). State and index live under
# .sluice/demo, which make run empties first; `sluice run` creates the
# demo's CA and certificates there on first start, so agents and mediator
# talk mutual TLS even in the demo.
mediator {
  id       = "dp-demo"
  listen   = "127.0.0.1:7400"
  http     = "127.0.0.1:7480"
  data_dir = ".sluice/demo/mediator"
  rules    = ["configs/rules"]

  tls {
    ca_file   = ".sluice/demo/tls/ca.pem"
    cert_file = ".sluice/demo/tls/dp-demo.pem"
    key_file  = ".sluice/demo/tls/dp-demo-key.pem"
  }
}

indexer "embedded" {}
