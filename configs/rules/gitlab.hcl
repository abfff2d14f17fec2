# GitLab audit events, one JSON object per line as GitLab writes
# log/audit_events.log (and streams audit events):
# {"severity":"INFO","time":"2024-06-03T10:00:00.000Z","author_id":12,
#  "author_name":"Dana Admin","entity_id":34,"entity_type":"Project",
#  "change":"visibility","from":"Private","to":"Public",
#  "target_details":"example-group/app","ip_address":"192.0.2.9",…}
#
# The document's fields go under gitlab.audit.* (json_prefix), as in
# Elastic's gitlab/audit pipeline, which the rules follow: the author to
# user.name and user.id, the client address (meta.remote_ip, ip_address) to
# source.ip and client.ip, correlation_id to event.id; the entity and
# target stay in gitlab.audit.*. event.action is event_name when GitLab
# gives one (newer versions), else what the older shape says (change, add,
# remove, with for sign-ins, failed_login).
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "gitlab" {
  format           = "json"
  json_prefix      = "gitlab.audit"
  timestamp_fields = ["gitlab.audit.time", "gitlab.audit.created_at"]
  vendor           = "GitLab"
  product          = "GitLab"
  module           = "gitlab"
}

# ------------------------------------------------------------ sign-ins

rule "gitlab-sign-in" {
  description      = "a sign-in: \"with\" names the method (standard, two-factor, saml, ldapmain, …)"
  log_source_types = ["gitlab"]
  sort_order       = 100
  when             = "has(event.gitlab.audit.with)"
  classification   = "Authentication Success"
  common_event     = "GitLab User Signed In"
  risk             = 1
  map = {
    "user.name"    = ["gitlab.audit.author_name", "gitlab.audit.details.author_name", "gitlab.audit.target_details"]
    "user.id"      = "gitlab.audit.author_id"
    "source.ip"    = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)", "ip(gitlab.audit.details.ip_address)"]
    "client.ip"    = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)", "ip(gitlab.audit.details.ip_address)"]
    "event.id"     = "gitlab.audit.correlation_id"
    "event.reason" = "gitlab.audit.with"
  }
  fields = { "event.action" = "user-signed-in", "event.category" = ["authentication", "web"], "event.type" = ["start"], "event.outcome" = "success" }

  test {
    log    = <<-LOG
      {"severity":"INFO","time":"2024-06-03T10:00:00.000Z","correlation_id":"01HZX0EXAMPLE0000000000001","meta.remote_ip":"192.0.2.9","meta.user":"dana","meta.client_id":"user/12","author_id":12,"author_name":"dana","entity_id":12,"entity_type":"User","with":"standard","target_id":12,"target_type":"User","target_details":"dana","ip_address":"192.0.2.9"}
    LOG
    expect = { login = "dana", "user.id" = "12", sip = "192.0.2.9", "client.ip" = "192.0.2.9", "event.id" = "01HZX0EXAMPLE0000000000001", "gitlab.audit.entity_type" = "User", reason = "standard", "event.outcome" = "success", "@timestamp" = "2024-06-03T10:00:00Z", "observer.vendor" = "GitLab" }
  }
}

rule "gitlab-failed-login" {
  log_source_types = ["gitlab"]
  sort_order       = 100
  when             = "has(event.gitlab.audit.failed_login)"
  classification   = "Authentication Failure"
  common_event     = "GitLab Sign-In Failed"
  risk             = 4
  map = {
    "user.name"    = ["gitlab.audit.author_name", "gitlab.audit.target_details"]
    "source.ip"    = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)"]
    "client.ip"    = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)"]
    "event.id"     = "gitlab.audit.correlation_id"
    "event.reason" = "gitlab.audit.failed_login"
  }
  fields = { "event.action" = "user-sign-in-failed", "event.category" = ["authentication", "web"], "event.type" = ["start"], "event.outcome" = "failure" }

  test {
    log    = <<-LOG
      {"severity":"INFO","time":"2024-06-03T10:01:00.000Z","author_id":-1,"author_name":"eve","entity_id":-1,"entity_type":"User","failed_login":"STANDARD","target_details":"eve","ip_address":"203.0.113.66"}
    LOG
    expect = { login = "eve", sip = "203.0.113.66", classification = "Authentication Failure", "event.outcome" = "failure" }
  }
}

# ------------------------------------------------- members and settings

rule "gitlab-member-access" {
  description      = "add / remove of user_access: a member joined or left a group or project"
  log_source_types = ["gitlab"]
  sort_order       = 100
  when             = "has(event.gitlab.audit.add) || has(event.gitlab.audit.remove)"
  classification   = "Account Modified"
  common_event     = "GitLab Member Added"
  risk             = 3
  map = {
    "user.name"        = ["gitlab.audit.author_name", "gitlab.audit.details.author_name"]
    "user.id"          = "gitlab.audit.author_id"
    "user.target.name" = "gitlab.audit.target_details"
    "source.ip"        = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)", "ip(gitlab.audit.details.ip_address)"]
    "client.ip"        = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)", "ip(gitlab.audit.details.ip_address)"]
    "event.id"         = "gitlab.audit.correlation_id"
    "labels.role"      = "gitlab.audit.as"
  }
  fields = { "event.action" = "member-added", "event.category" = ["iam", "web"], "event.type" = ["group", "user", "creation"] }

  sub_rule "removed" {
    when         = "has(event.gitlab.audit.remove)"
    common_event = "GitLab Member Removed"
    fields       = { "event.action" = "member-removed", "event.type" = ["group", "user", "deletion"] }
  }
  sub_rule "owner" {
    when         = "has(event.gitlab.audit.as) && event.gitlab.audit.as in [\"Owner\", \"Maintainer\"]"
    common_event = "GitLab Privileged Member Added"
    risk         = 5
  }

  test {
    log    = <<-LOG
      {"severity":"INFO","time":"2024-06-03T10:02:00.000Z","author_id":12,"author_name":"dana","entity_id":34,"entity_type":"Group","add":"user_access","as":"Owner","target_id":56,"target_type":"User","target_details":"frank","ip_address":"192.0.2.9"}
    LOG
    expect = { login = "dana", account = "frank", "labels.role" = "Owner", common_event = "GitLab Privileged Member Added", risk = "5" }
  }
  test {
    log    = <<-LOG
      {"severity":"INFO","time":"2024-06-03T10:03:00.000Z","author_id":12,"author_name":"dana","entity_id":34,"entity_type":"Project","remove":"user_access","target_id":57,"target_type":"User","target_details":"gina"}
    LOG
    expect = { account = "gina", "event.action" = "member-removed", sub_rule = "removed" }
  }
}

rule "gitlab-setting-change" {
  description      = "change/from/to: a setting of a project, group or user changed (visibility, access level, protected branch, …)"
  log_source_types = ["gitlab"]
  sort_order       = 100
  when             = "has(event.gitlab.audit.change)"
  classification   = "Object Modified"
  common_event     = "GitLab Setting Changed"
  risk             = 2
  map = {
    "user.name"    = ["gitlab.audit.author_name", "gitlab.audit.details.author_name"]
    "user.id"      = "gitlab.audit.author_id"
    "source.ip"    = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)", "ip(gitlab.audit.details.ip_address)"]
    "client.ip"    = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)", "ip(gitlab.audit.details.ip_address)"]
    "event.id"     = "gitlab.audit.correlation_id"
    "event.action" = ["gitlab.audit.event_name", "gitlab.audit.change"]
  }
  fields = { "event.category" = ["configuration", "web"], "event.type" = ["change"] }

  sub_rule "made-public" {
    when         = "event.gitlab.audit.change == \"visibility\" && has(event.gitlab.audit.to) && event.gitlab.audit.to == \"Public\""
    common_event = "GitLab Project Made Public"
    risk         = 6
  }

  test {
    log    = <<-LOG
      {"severity":"INFO","time":"2024-06-03T10:04:00.000Z","author_id":12,"author_name":"dana","entity_id":34,"entity_type":"Project","change":"visibility","from":"Private","to":"Public","target_id":34,"target_type":"Project","target_details":"example-group/app","ip_address":"192.0.2.9"}
    LOG
    expect = { login = "dana", "event.action" = "visibility", "gitlab.audit.to" = "Public", common_event = "GitLab Project Made Public" }
  }
}

# ------------------------------------------------------------- the rest

rule "gitlab-audit-event" {
  description      = "any other audit event (custom_message, event_name): kept with its author and address"
  log_source_types = ["gitlab"]
  sort_order       = 9000
  when             = "has(event.gitlab.audit.author_id) || has(event.gitlab.audit.author_name) || has(event.gitlab.audit.event_name)"
  classification   = "Other Audit"
  common_event     = "GitLab Audit Event"
  risk             = 0
  map = {
    "user.name"    = ["gitlab.audit.author_name", "gitlab.audit.details.author_name"]
    "user.id"      = "gitlab.audit.author_id"
    "source.ip"    = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)", "ip(gitlab.audit.details.ip_address)"]
    "client.ip"    = ["ip(gitlab.audit.meta.remote_ip)", "ip(gitlab.audit.ip_address)", "ip(gitlab.audit.details.ip_address)"]
    "event.id"     = "gitlab.audit.correlation_id"
    "event.action" = ["gitlab.audit.event_name", "gitlab.audit.details.event_name", "gitlab.audit.custom_message", "gitlab.audit.details.custom_message"]
  }
  fields = { "event.category" = ["configuration", "web"] }

  test {
    log    = <<-LOG
      {"id":901,"author_id":12,"entity_id":34,"entity_type":"Project","details":{"author_name":"dana","target_id":34,"target_type":"Project","target_details":"example-group/app","custom_message":"Project archived","ip_address":"198.51.100.30","entity_path":"example-group/app"},"ip_address":"198.51.100.30","author_name":"dana","entity_path":"example-group/app","target_details":"example-group/app","created_at":"2024-06-03T10:05:00.000Z","target_type":"Project","target_id":34,"event_name":"project_archived"}
    LOG
    expect = { login = "dana", sip = "198.51.100.30", "event.action" = "project_archived", "@timestamp" = "2024-06-03T10:05:00Z" }
  }
}
