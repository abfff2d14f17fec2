# The all-in-one demo's ARM (make run): short warning intervals so a
# stopped component turns yellow within a minute.
arm {
  id       = "arm-demo"
  listen   = "127.0.0.1:7500"
  http     = "127.0.0.1:7580"
  data_dir = ".sluice/demo/arm"
  agent_warning_interval    = "1m"
  mediator_warning_interval = "1m"
}
