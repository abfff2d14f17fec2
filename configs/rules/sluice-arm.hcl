# Sluice's own ARM events (Missing Heartbeat Warning, Heartbeat Returned,
# Data Processor / Agent Stalled and Resumed, Data Processor Warning and
# Warning Cleared, Duplicate Agent Identity):
# ARM writes each as one ECS JSON object. Their fields are kept as they
# are; these rules set classification, common event and risk from them, so
# they can be searched, prioritised and alarmed on like any other event.
# The event rule "component-silent" at the end raises an alarm when a
# mediator misses a heartbeat warning interval or any component turns red.
#
# Test lines are made up.

log_source_type "sluice-arm" {
  format = "json"
}

rule "arm-missing-heartbeat" {
  description      = "a component (agent or mediator) sent no heartbeat for one more warning interval"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = "event.action == \"heartbeat-missing\""
  classification   = "Warning"
  common_event     = "Missing Heartbeat Warning"
  risk             = 4
  fields           = { "event.outcome" = "failure" }

  sub_rule "mediator-red" {
    when = <<-CEL
      event.sluice.arm.component_kind == "mediator" && event.sluice.arm.status == "red"
    CEL
    risk = 8
  }
  sub_rule "mediator" {
    when = "event.sluice.arm.component_kind == \"mediator\""
    risk = 6
  }
  sub_rule "agent-red" {
    when = "event.sluice.arm.status == \"red\""
    risk = 6
  }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:11:12.000Z","message":"Missing Heartbeat Warning: agent web-7 has sent no heartbeat for 10m0s (2 warning interval(s) of 5m0s); status red","event":{"action":"heartbeat-missing","kind":"alert","severity":6},"host":{"hostname":"web-7"},"sluice":{"arm":{"component_id":"web-7","component_kind":"agent","status":"red"},"classification":"Warning","risk":6}}
    LOG
    expect = { common_event = "Missing Heartbeat Warning", risk = "6", hostname = "web-7", "sluice.arm.status" = "red", "@timestamp" = "2024-03-12T10:11:12Z", "event.original" = "" }
  }
}

rule "arm-heartbeat-returned" {
  description      = "a component is sending heartbeats again"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = "event.action == \"heartbeat-returned\""
  classification   = "Information"
  common_event     = "Heartbeat Returned"
  risk             = 1
  fields           = { "event.outcome" = "success" }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:21:12.000Z","message":"Heartbeat Returned: agent web-7 is sending heartbeats again after 20m0s without","event":{"action":"heartbeat-returned","kind":"alert"},"sluice":{"arm":{"component_kind":"agent","status":"green"}}}
    LOG
    expect = { common_event = "Heartbeat Returned", classification = "Information", "sluice.arm.status" = "green" }
  }
}

rule "arm-pipeline-stalled" {
  description      = "a component's pipeline stopped: a mediator's state holds entries nothing indexes, or an agent's spool holds entries its mediator acknowledges none of"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = "event.action == \"pipeline-stalled\""
  classification   = "Warning"
  common_event     = "Agent Stalled"
  risk             = 6
  fields           = { "event.outcome" = "failure" }

  # A stalled mediator strands every agent that sends to it.
  sub_rule "mediator" {
    when         = "event.sluice.arm.component_kind == \"mediator\""
    common_event = "Data Processor Stalled"
    risk         = 8
  }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:11:12.000Z","message":"Data Processor Stalled: mediator dp-2 (host dp-2.example.net): state holds 120 entries and none has been indexed for 1m0s, with the index healthy","event":{"action":"pipeline-stalled","kind":"alert","severity":8},"host":{"hostname":"dp-2.example.net","name":"dp-2"},"observer":{"name":"dp-2","type":"mediator"},"sluice":{"arm":{"component_id":"dp-2","component_kind":"mediator","status":"green","stalled_reason":"state holds 120 entries and none has been indexed for 1m0s, with the index healthy"}}}
    LOG
    expect = { common_event = "Data Processor Stalled", classification = "Warning", risk = "8", "sluice.arm.component_kind" = "mediator" }
  }
  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:11:12.000Z","message":"Agent Stalled: agent web-7: spool holds 40 entries and mediator dp-1 has acknowledged none for 1m0s","event":{"action":"pipeline-stalled","kind":"alert","severity":6},"host":{"hostname":"web-7","name":"web-7"},"sluice":{"arm":{"component_id":"web-7","component_kind":"agent","status":"green","stalled_reason":"spool holds 40 entries and mediator dp-1 has acknowledged none for 1m0s"}}}
    LOG
    expect = { common_event = "Agent Stalled", risk = "6", hostname = "web-7" }
  }
}

rule "arm-pipeline-resumed" {
  description      = "a stalled component's pipeline moves again"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = "event.action == \"pipeline-resumed\""
  classification   = "Information"
  common_event     = "Agent Resumed"
  risk             = 1
  fields           = { "event.outcome" = "success" }

  sub_rule "mediator" {
    when         = "event.sluice.arm.component_kind == \"mediator\""
    common_event = "Data Processor Resumed"
  }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:18:12.000Z","message":"Data Processor Resumed: mediator dp-2 moves again after 7m0s stalled","event":{"action":"pipeline-resumed","kind":"alert","severity":1},"sluice":{"arm":{"component_id":"dp-2","component_kind":"mediator","status":"green","stalled_seconds":420}}}
    LOG
    expect = { common_event = "Data Processor Resumed", classification = "Information", risk = "1" }
  }
}

rule "arm-warning-raised" {
  description      = "a mediator warns of something that needs someone although its pipeline may move: index disk low, archive or retention failing (sluice.arm.warning_kind says which)"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = "event.action == \"warning-raised\""
  classification   = "Warning"
  common_event     = "Data Processor Warning"
  risk             = 5
  fields           = { "event.outcome" = "failure" }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:11:12.000Z","message":"Data Processor Warning: mediator dp-2 (host dp-2.example.net) warns (index_disk_low): index disk low: 1.2 GiB free on /var/lib/sluice/mediator/index (floor 2 GiB; suspense at 512 MiB); status green","event":{"action":"warning-raised","kind":"alert","severity":5},"host":{"hostname":"dp-2.example.net","name":"dp-2"},"observer":{"name":"dp-2","type":"mediator"},"sluice":{"arm":{"component_id":"dp-2","component_kind":"mediator","status":"green","warning_kind":"index_disk_low","warning_text":"index disk low: 1.2 GiB free on /var/lib/sluice/mediator/index (floor 2 GiB; suspense at 512 MiB)"}}}
    LOG
    expect = { common_event = "Data Processor Warning", classification = "Warning", risk = "5", "sluice.arm.warning_kind" = "index_disk_low" }
  }
}

rule "arm-warning-cleared" {
  description      = "a mediator's warning cleared"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = "event.action == \"warning-cleared\""
  classification   = "Information"
  common_event     = "Data Processor Warning Cleared"
  risk             = 1
  fields           = { "event.outcome" = "success" }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:18:12.000Z","message":"Data Processor Warning Cleared: mediator dp-2 no longer warns (index_disk_low) after 7m0s (index disk low: 1.2 GiB free)","event":{"action":"warning-cleared","kind":"alert","severity":1},"sluice":{"arm":{"component_id":"dp-2","component_kind":"mediator","status":"green","warning_kind":"index_disk_low","warning_seconds":420}}}
    LOG
    expect = { common_event = "Data Processor Warning Cleared", classification = "Information", risk = "1" }
  }
}

rule "arm-duplicate-identity" {
  description      = "two agent processes (two spools) present one agent id: a cloned host or certificate, or a second install beside the first; nothing is lost, but one of them may be an impostor"
  log_source_types = ["sluice-arm"]
  sort_order       = 100
  when             = "event.action == \"duplicate-identity\""
  classification   = "Suspicious"
  common_event     = "Duplicate Agent Identity"
  risk             = 7
  fields           = { "event.outcome" = "failure" }

  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:11:12.000Z","message":"Duplicate Agent Identity: two agent processes present the id of agent web-7 (host web-7.example.net): spool 5d41402abc4b2a76 from 10.0.0.9:51234 was refused 3 time(s) since 2024-03-12T10:10:40Z: spool 9e107d9d372bb682 from 10.0.0.7:40112 held the agent id's stream; nothing is lost (the one refused keeps its spool), but give each its own id","event":{"action":"duplicate-identity","kind":"alert","severity":7},"host":{"hostname":"web-7.example.net","name":"web-7"},"observer":{"name":"web-7","type":"agent"},"sluice":{"arm":{"component_id":"web-7","component_kind":"agent","status":"green","spool":"9e107d9d372bb682","duplicate_identity":"spool 5d41402abc4b2a76 from 10.0.0.9:51234 was refused 3 time(s) since 2024-03-12T10:10:40Z: spool 9e107d9d372bb682 from 10.0.0.7:40112 held the agent id's stream"}}}
    LOG
    expect = { common_event = "Duplicate Agent Identity", classification = "Suspicious", risk = "7", hostname = "web-7.example.net", "sluice.arm.spool" = "9e107d9d372bb682" }
  }
  test {
    log    = <<-LOG
      {"@timestamp":"2024-03-12T10:11:12.000Z","message":"Duplicate Agent Identity: two agent processes present the id of agent app-3: heartbeats alternate between spool 5d41402abc4b2a76 (via dp-2) and spool 9e107d9d372bb682 (within 10s)","event":{"action":"duplicate-identity","kind":"alert","severity":7},"sluice":{"arm":{"component_id":"app-3","component_kind":"agent","status":"green","duplicate_identity":"heartbeats alternate between spool 5d41402abc4b2a76 (via dp-2) and spool 9e107d9d372bb682 (within 10s)"}}}
    LOG
    expect = { common_event = "Duplicate Agent Identity", risk = "7" }
  }
}

rule "arm-event" {
  description      = "catch-all: any other ARM event"
  log_source_types = ["sluice-arm"]
  sort_order       = 9000
  when             = "has(event.sluice.arm)"
  classification   = "Information"
  common_event     = "ARM Event"
  risk             = 0

  test {
    log    = <<-LOG
      {"event":{"action":"something-new"},"sluice":{"arm":{"component_kind":"agent"}}}
    LOG
    expect = { common_event = "ARM Event" }
  }
}

# A silent mediator strands every agent that sends to it, so its first
# missed interval is worth an alarm; an agent is alarmed on once it is red
# (two intervals: one missed heartbeat window can be a reboot). Add a
# webhook block here to page someone; the fields of the ARM event
# (sluice.arm.*, host.hostname, observer.type) are there for its payload.
event_rule "component-silent" {
  description      = "a mediator missed a heartbeat warning interval, or an agent or mediator turned red"
  log_source_types = ["sluice-arm"]
  sort_order       = 40
  when             = <<-CEL
    event.common_event == "Missing Heartbeat Warning" && (event.sluice.arm.component_kind == "mediator" || event.sluice.arm.status == "red")
  CEL

  alarm {
    name     = "Component Silent"
    severity = "high"
    message  = "${event.sluice.arm.component_kind} ${event.sluice.arm.component_id} (host ${event.host.hostname}) sent no heartbeat for ${event.sluice.arm.silence_seconds}s, ${event.sluice.arm.missed_intervals} warning interval(s); status ${event.sluice.arm.status}"
  }

  # A mediator's first missed interval (yellow).
  test {
    log             = <<-LOG
      {"@timestamp":"2024-03-12T10:05:00.000Z","message":"Missing Heartbeat Warning: mediator dp-2 (host dp-2.example.net) has sent no heartbeat for 5m0s (1 warning interval(s) of 5m0s); status yellow","event":{"action":"heartbeat-missing","kind":"alert","severity":6,"category":["host"],"module":"sluice","dataset":"sluice.arm","provider":"arm-arm-1"},"host":{"hostname":"dp-2.example.net","name":"dp-2"},"observer":{"name":"dp-2","hostname":"dp-2.example.net","type":"mediator","version":"1.0.0"},"sluice":{"organization":"default","log_source_type":"sluice-arm","common_event":"Missing Heartbeat Warning","classification":"Warning","risk":6,"arm":{"id":"arm-1","component_id":"dp-2","component_kind":"mediator","status":"yellow","missed_intervals":1,"warning_interval_seconds":300,"silence_seconds":300,"last_heartbeat":"2024-03-12T10:00:00Z","last_mediator":""}}}
    LOG
    log_source_type = "sluice-arm"
    alarm           = true
    expect          = { common_event = "Missing Heartbeat Warning", "sluice.arm.component_kind" = "mediator", risk = "6" }
  }
  # An agent that turned red.
  test {
    log             = <<-LOG
      {"@timestamp":"2024-03-12T10:20:00.000Z","message":"Missing Heartbeat Warning: agent web-7 (host web-7.example.net) has sent no heartbeat for 20m0s (2 warning interval(s) of 10m0s); status red","event":{"action":"heartbeat-missing","category":["host"],"dataset":"sluice.arm","kind":"alert","module":"sluice","provider":"arm-arm-1","severity":6},"host":{"hostname":"web-7.example.net","name":"web-7"},"observer":{"hostname":"web-7.example.net","name":"web-7","type":"agent","version":"1.0.0"},"sluice":{"arm":{"component_id":"web-7","component_kind":"agent","id":"arm-1","last_heartbeat":"2024-03-12T10:00:00.000Z","last_mediator":"dp-1","missed_intervals":2,"silence_seconds":1200,"status":"red","warning_interval_seconds":600},"classification":"Warning","common_event":"Missing Heartbeat Warning","log_source_type":"sluice-arm","organization":"acme","risk":6}}
    LOG
    log_source_type = "sluice-arm"
    alarm           = true
    expect          = { "sluice.arm.status" = "red", risk = "6", hostname = "web-7.example.net" }
  }
  # An agent's first missed interval: a warning event, no alarm yet.
  test {
    log             = <<-LOG
      {"@timestamp":"2024-03-12T10:10:00.000Z","message":"Missing Heartbeat Warning: agent web-7 has sent no heartbeat for 10m0s (1 warning interval(s) of 10m0s); status yellow","event":{"action":"heartbeat-missing","kind":"alert","severity":4},"host":{"hostname":"web-7","name":"web-7"},"observer":{"name":"web-7","type":"agent"},"sluice":{"arm":{"component_id":"web-7","component_kind":"agent","status":"yellow","missed_intervals":1}}}
    LOG
    log_source_type = "sluice-arm"
    alarm           = false
  }
  # The mediator is back: no alarm.
  test {
    log             = <<-LOG
      {"@timestamp":"2024-03-12T10:07:00.000Z","message":"Heartbeat Returned: mediator dp-2 (host dp-2.example.net) is sending heartbeats again after 7m0s without","event":{"action":"heartbeat-returned","kind":"alert","severity":1},"host":{"hostname":"dp-2.example.net","name":"dp-2"},"observer":{"name":"dp-2","type":"mediator"},"sluice":{"arm":{"component_id":"dp-2","component_kind":"mediator","status":"green","missed_intervals":0}}}
    LOG
    log_source_type = "sluice-arm"
    alarm           = false
  }
}

# A stalled mediator holds every entry its agents sent it and indexes none:
# worth an alarm at once. A stalled agent too: its host's logs stop
# arriving while it looks connected.
event_rule "pipeline-stalled" {
  description      = "a mediator's or an agent's pipeline stopped"
  log_source_types = ["sluice-arm"]
  sort_order       = 41
  when             = "event.event.action == \"pipeline-stalled\""

  alarm {
    name     = "Pipeline Stalled"
    severity = "high"
    message  = "${event.sluice.arm.component_kind} ${event.sluice.arm.component_id} (host ${event.host.hostname}) stalled: ${event.sluice.arm.stalled_reason}"
  }

  test {
    log             = <<-LOG
      {"@timestamp":"2024-03-12T10:11:12.000Z","message":"Data Processor Stalled: mediator dp-2","event":{"action":"pipeline-stalled","kind":"alert","severity":8},"host":{"hostname":"dp-2.example.net","name":"dp-2"},"observer":{"name":"dp-2","type":"mediator"},"sluice":{"arm":{"component_id":"dp-2","component_kind":"mediator","status":"green","stalled_reason":"state holds 120 entries"}}}
    LOG
    log_source_type = "sluice-arm"
    alarm           = true
    expect          = { common_event = "Data Processor Stalled" }
  }
  test {
    log             = <<-LOG
      {"@timestamp":"2024-03-12T10:18:12.000Z","message":"Data Processor Resumed: mediator dp-2","event":{"action":"pipeline-resumed","kind":"alert","severity":1},"sluice":{"arm":{"component_id":"dp-2","component_kind":"mediator","status":"green"}}}
    LOG
    log_source_type = "sluice-arm"
    alarm           = false
  }
}

# Two processes present one agent id: a host cloned with its certificate,
# an agent reinstalled beside the old one, or someone else holding the
# agent's certificate. Nothing is lost (the refused one keeps its spool
# until the other is gone), but someone has to give each its own id, or
# find out who the second one is.
event_rule "duplicate-identity" {
  description      = "two agent processes present one agent id"
  log_source_types = ["sluice-arm"]
  sort_order       = 42
  when             = "event.event.action == \"duplicate-identity\""

  alarm {
    name     = "Duplicate Agent Identity"
    severity = "high"
    message  = "agent id ${event.sluice.arm.component_id} (host ${event.host.hostname}) is presented by two processes: ${event.sluice.arm.duplicate_identity}"
  }

  test {
    log             = <<-LOG
      {"@timestamp":"2024-03-12T10:11:12.000Z","message":"Duplicate Agent Identity: two agent processes present the id of agent web-7 (host web-7.example.net): spool 5d41402abc4b2a76 from 10.0.0.9:51234 was refused 3 time(s) since 2024-03-12T10:10:40Z: spool 9e107d9d372bb682 from 10.0.0.7:40112 held the agent id's stream; nothing is lost (the one refused keeps its spool), but give each its own id","event":{"action":"duplicate-identity","kind":"alert","severity":7},"host":{"hostname":"web-7.example.net","name":"web-7"},"observer":{"name":"web-7","type":"agent"},"sluice":{"arm":{"component_id":"web-7","component_kind":"agent","status":"green","spool":"9e107d9d372bb682","duplicate_identity":"spool 5d41402abc4b2a76 from 10.0.0.9:51234 was refused 3 time(s) since 2024-03-12T10:10:40Z: spool 9e107d9d372bb682 from 10.0.0.7:40112 held the agent id's stream"}}}
    LOG
    log_source_type = "sluice-arm"
    alarm           = true
    expect          = { common_event = "Duplicate Agent Identity" }
  }
}
