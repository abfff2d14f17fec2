# The all-in-one demo's ARM (make run): short warning intervals so a
# stopped component turns yellow within a minute. The mediator reports to
# it over mutual TLS with its own certificate; `sluice run` issues ARM's
# certificate from the demo CA on first start.
arm {
  id                        = "arm-demo"
  listen                    = "127.0.0.1:7500"
  http                      = "127.0.0.1:7580"
  data_dir                  = ".sluice/demo/arm"
  agent_warning_interval    = "1m"
  mediator_warning_interval = "1m"

  tls {
    ca_file   = ".sluice/demo/tls/ca.pem"
    cert_file = ".sluice/demo/tls/arm-demo.pem"
    key_file  = ".sluice/demo/tls/arm-demo-key.pem"
  }
}
