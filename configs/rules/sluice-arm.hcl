# Sluice's own ARM events (Missing Heartbeat Warning, Heartbeat Returned):
# ARM writes each as one ECS JSON object. Their fields are kept as they
# are; these rules set classification, common event and risk from them, so
# they can be searched, prioritised and alarmed on like any other event.
#
# Test lines are made up.

log_source_type "sluice-arm" {
  format = "json"
}

rule "arm-missing-heartbeat" {
  description      = "a component (agent or mediator) sent no heartbeat for one more warning interval"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = `event.action == "heartbeat-missing"`
  classification   = "Warning"
  common_event     = "Missing Heartbeat Warning"
  risk             = 4
  fields           = { "event.outcome" = "failure" }

  sub_rule "mediator-red" {
    when   = `event.sluice.arm.component_kind == "mediator" && event.sluice.arm.status == "red"`
    risk   = 8
  }
  sub_rule "mediator" {
    when   = `event.sluice.arm.component_kind == "mediator"`
    risk   = 6
  }
  sub_rule "agent-red" {
    when   = `event.sluice.arm.status == "red"`
    risk   = 6
  }

  test {
    log    = `{"@timestamp":"2024-03-12T10:11:12.000Z","message":"Missing Heartbeat Warning: agent web-7 has sent no heartbeat for 10m0s (2 warning interval(s) of 5m0s); status red","event":{"action":"heartbeat-missing","kind":"alert","severity":6},"host":{"hostname":"web-7"},"sluice":{"arm":{"component_id":"web-7","component_kind":"agent","status":"red"},"classification":"Warning","risk":6}}`
    expect = { common_event = "Missing Heartbeat Warning", risk = "6", hostname = "web-7", "sluice.arm.status" = "red", "@timestamp" = "2024-03-12T10:11:12Z", "event.original" = "" }
  }
}

rule "arm-heartbeat-returned" {
  description      = "a component is sending heartbeats again"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = `event.action == "heartbeat-returned"`
  classification   = "Information"
  common_event     = "Heartbeat Returned"
  risk             = 1
  fields           = { "event.outcome" = "success" }

  test {
    log    = `{"@timestamp":"2024-03-12T10:21:12.000Z","message":"Heartbeat Returned: agent web-7 is sending heartbeats again after 20m0s without","event":{"action":"heartbeat-returned","kind":"alert"},"sluice":{"arm":{"component_kind":"agent","status":"green"}}}`
    expect = { common_event = "Heartbeat Returned", classification = "Information", "sluice.arm.status" = "green" }
  }
}

rule "arm-event" {
  description      = "catch-all: any other ARM event"
  log_source_types = ["sluice-arm"]
  sort_order       = 9000
  when             = `has(event.sluice.arm)`
  classification   = "Information"
  common_event     = "ARM Event"
  risk             = 0

  test {
    log    = `{"event":{"action":"something-new"},"sluice":{"arm":{"component_kind":"agent"}}}`
    expect = { common_event = "ARM Event" }
  }
}
