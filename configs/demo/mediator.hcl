# The all-in-one demo's mediator (make run). State and index live under
# .sluice/demo, which make run empties first.
mediator {
  id       = "dp-demo"
  listen   = "127.0.0.1:7400"
  http     = "127.0.0.1:7480"
  data_dir = ".sluice/demo/mediator"
  rules    = ["configs/rules"]
  insecure = true
}

indexer "embedded" {}
