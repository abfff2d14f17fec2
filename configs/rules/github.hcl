# GitHub audit log (enterprise and organization), one JSON object per line
# as the audit log streaming and the REST API deliver it:
# {"action":"org.add_member","actor":"octo-admin","user":"new-dev",
#  "org":"example-org","repo":"example-org/app","actor_ip":"192.0.2.7",
#  "created_at":1717400000000,"@timestamp":1717400000000,…}
#
# The document's fields go under github.* (json_prefix), and the rules map
# them to ECS as Elastic's github/audit pipeline does: action to
# event.action, actor to user.name, user (the account acted on) to
# user.target.name, the team or organization to group.name, actor_ip to
# source.ip (and github.actor_ip), the actor's country to
# client.geo.country_iso_code. Times are Unix milliseconds.
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "github" {
  format           = "json"
  json_prefix      = "github"
  timestamp_fields = ["github.@timestamp", "github.created_at"]
  vendor           = "GitHub"
  product          = "GitHub"
  module           = "github"
}

# ------------------------------------------- organizations and teams

rule "github-org-team" {
  description      = "org.* and team.*: members, roles, teams and organization settings"
  log_source_types = ["github"]
  sort_order       = 100
  when             = <<-CEL
    event.github.action.startsWith("org.") || event.github.action.startsWith("team.")
  CEL
  classification   = "Account Modified"
  common_event     = "GitHub Organization Changed"
  risk             = 2
  map = {
    "event.action"                = "github.action"
    "event.id"                    = "github._document_id"
    "user.name"                   = "github.actor"
    "user.target.name"            = "github.user"
    "group.name"                  = ["github.team", "github.data.team", "github.org"]
    "source.ip"                   = "ip(github.actor_ip)"
    "client.geo.country_iso_code" = "github.actor_location.country_code"
    "user_agent.original"         = "github.user_agent"
  }
  fields = { "event.category" = ["configuration", "web", "iam"], "event.type" = ["group", "user", "change"] }

  sub_rule "two-factor-disabled" {
    when           = <<-CEL
      event.github.action in ["org.disable_two_factor_requirement", "org.disable_saml", "org.disable_oauth_app_restrictions"]
    CEL
    classification = "Policy"
    common_event   = "GitHub Organization Security Setting Disabled"
    risk           = 7
  }
  sub_rule "member-added" {
    when         = <<-CEL
      event.github.action.contains("add") || event.github.action.contains("create") || event.github.action.endsWith(".invite_member")
    CEL
    common_event = "GitHub Member Or Team Added"
    risk         = 3
    fields       = { "event.type" = ["group", "user", "creation"] }
  }
  sub_rule "member-removed" {
    when         = <<-CEL
      event.github.action.contains("remove") || event.github.action.contains("delete") || event.github.action.contains("destroy")
    CEL
    common_event = "GitHub Member Or Team Removed"
    risk         = 3
    fields       = { "event.type" = ["group", "user", "deletion"] }
  }

  test {
    log    = <<-LOG
      {"@timestamp":1717400000123,"_document_id":"Zm9vYmFyYmF6MTIz","action":"org.add_member","actor":"octo-admin","actor_ip":"192.0.2.7","actor_location":{"country_code":"DE"},"created_at":1717400000123,"org":"example-org","user":"new-dev","permission":"read","business":"example-corp"}
    LOG
    expect = { login = "octo-admin", account = "new-dev", "group.name" = "example-org", sip = "192.0.2.7", "event.action" = "org.add_member", "client.geo.country_iso_code" = "DE", sub_rule = "member-added", "@timestamp" = "2024-06-03T07:33:20.123Z", "observer.vendor" = "GitHub", "event.dataset" = "github" }
  }
  test {
    log    = <<-LOG
      {"action":"team.remove_member","actor":"lead-dev","org":"example-org","team":"example-org/platform","user":"former-dev","created_at":1717400100000}
    LOG
    expect = { "group.name" = "example-org/platform", account = "former-dev", sub_rule = "member-removed" }
  }
  test {
    log    = <<-LOG
      {"action":"org.disable_two_factor_requirement","actor":"octo-admin","actor_ip":"2001:db8::17","org":"example-org","created_at":1717400200000}
    LOG
    expect = { sip = "2001:db8::17", classification = "Policy", risk = "7" }
  }
}

# -------------------------------------------------------- repositories

rule "github-repo" {
  description      = "repo.*: created, deleted, renamed, transferred, visibility (repo.access) changed, archived"
  log_source_types = ["github"]
  sort_order       = 100
  when             = "event.github.action.startsWith(\"repo.\")"
  classification   = "Object Modified"
  common_event     = "GitHub Repository Changed"
  risk             = 2
  map = {
    "event.action"                = "github.action"
    "event.id"                    = "github._document_id"
    "user.name"                   = "github.actor"
    "user.target.name"            = "github.user"
    "source.ip"                   = "ip(github.actor_ip)"
    "client.geo.country_iso_code" = "github.actor_location.country_code"
    "user_agent.original"         = "github.user_agent"
  }
  fields = { "event.category" = ["configuration", "web"], "event.type" = ["change"] }

  sub_rule "visibility" {
    when         = "event.github.action == \"repo.access\""
    common_event = "GitHub Repository Visibility Changed"
    risk         = 5
  }
  sub_rule "deleted" {
    when           = "event.github.action == \"repo.destroy\""
    classification = "Object Disposed"
    common_event   = "GitHub Repository Deleted"
    risk           = 6
    fields         = { "event.type" = ["deletion"] }
  }
  sub_rule "created" {
    when           = "event.github.action == \"repo.create\""
    classification = "Object Created"
    common_event   = "GitHub Repository Created"
    risk           = 1
    fields         = { "event.type" = ["creation"] }
  }
  sub_rule "transferred" {
    when         = "event.github.action.startsWith(\"repo.transfer\")"
    common_event = "GitHub Repository Transferred"
    risk         = 5
  }

  test {
    log    = <<-LOG
      {"action":"repo.access","actor":"octo-admin","actor_ip":"198.51.100.12","org":"example-org","repo":"example-org/internal-tools","visibility":"public","previous_visibility":"private","created_at":1717400300000}
    LOG
    expect = { login = "octo-admin", sip = "198.51.100.12", "github.repo" = "example-org/internal-tools", common_event = "GitHub Repository Visibility Changed", risk = "5" }
  }
  test {
    log    = <<-LOG
      {"action":"repo.destroy","actor":"cleanup-bot","org":"example-org","repo":"example-org/old-site","created_at":1717400400000}
    LOG
    expect = { login = "cleanup-bot", classification = "Object Disposed", "event.type" = "deletion" }
  }
}

# ------------------------------------------------- branches and code

rule "github-protected-branch" {
  description      = "protected_branch.*: branch protection created, changed, removed or overridden"
  log_source_types = ["github"]
  sort_order       = 100
  when             = "event.github.action.startsWith(\"protected_branch.\")"
  classification   = "Policy"
  common_event     = "GitHub Branch Protection Changed"
  risk             = 4
  map = {
    "event.action"        = "github.action"
    "event.id"            = "github._document_id"
    "user.name"           = "github.actor"
    "source.ip"           = "ip(github.actor_ip)"
    "user_agent.original" = "github.user_agent"
  }
  fields = { "event.category" = ["configuration", "web"], "event.type" = ["change"] }

  sub_rule "override" {
    when         = "event.github.action == \"protected_branch.policy_override\""
    common_event = "GitHub Branch Protection Overridden"
    risk         = 6
  }
  sub_rule "removed" {
    when         = "event.github.action == \"protected_branch.destroy\""
    common_event = "GitHub Branch Protection Removed"
    risk         = 6
    fields       = { "event.type" = ["deletion"] }
  }

  test {
    log    = <<-LOG
      {"action":"protected_branch.policy_override","actor":"hotfix-dev","org":"example-org","repo":"example-org/app","branch":"refs/heads/main","name":"main","created_at":1717400500000}
    LOG
    expect = { login = "hotfix-dev", "github.branch" = "refs/heads/main", common_event = "GitHub Branch Protection Overridden" }
  }
}

rule "github-git" {
  description      = "git.clone, git.fetch, git.push (enterprise audit log with Git events)"
  log_source_types = ["github"]
  sort_order       = 100
  when             = "event.github.action.startsWith(\"git.\")"
  classification   = "Access Success"
  common_event     = "GitHub Repository Accessed"
  risk             = 0
  map = {
    "event.action"                = "github.action"
    "user.name"                   = "github.actor"
    "source.ip"                   = "ip(github.actor_ip)"
    "client.geo.country_iso_code" = "github.actor_location.country_code"
  }
  fields = { "event.category" = ["web"], "event.type" = ["access"] }

  sub_rule "push" {
    when         = "event.github.action == \"git.push\""
    common_event = "GitHub Repository Pushed"
    risk         = 1
    fields       = { "event.type" = ["change"] }
  }

  test {
    log    = <<-LOG
      {"action":"git.clone","actor":"ci-runner","actor_ip":"203.0.113.45","repo":"example-org/app","repository_public":false,"transport_protocol_name":"http","created_at":1717400600000}
    LOG
    expect = { login = "ci-runner", sip = "203.0.113.45", "event.action" = "git.clone", "event.type" = "access" }
  }
}

# -------------------------------------------------- credentials and apps

rule "github-credentials" {
  description      = "tokens, keys, OAuth and GitHub Apps, webhooks: what can act for a user or reach outside"
  log_source_types = ["github"]
  sort_order       = 100
  when             = <<-CEL
    event.github.action.startsWith("personal_access_token.") || event.github.action.startsWith("oauth_") || event.github.action.startsWith("public_key.") || event.github.action.startsWith("deploy_key.") || event.github.action.startsWith("integration_installation") || event.github.action.startsWith("hook.") || event.github.action.startsWith("two_factor_authentication.")
  CEL
  classification   = "Other Audit Success"
  common_event     = "GitHub Credential Or Integration Changed"
  risk             = 3
  map = {
    "event.action"                = "github.action"
    "event.id"                    = "github._document_id"
    "user.name"                   = "github.actor"
    "user.target.name"            = "github.user"
    "source.ip"                   = "ip(github.actor_ip)"
    "client.geo.country_iso_code" = "github.actor_location.country_code"
    "user_agent.original"         = "github.user_agent"
  }
  fields = { "event.category" = ["configuration", "web"], "event.type" = ["change"] }

  sub_rule "two-factor-disabled" {
    when           = "event.github.action == \"two_factor_authentication.disabled\""
    classification = "Policy"
    common_event   = "GitHub Two-Factor Authentication Disabled"
    risk           = 6
  }
  sub_rule "created" {
    when         = "event.github.action.endsWith(\".create\") || event.github.action.endsWith(\".access_granted\")"
    common_event = "GitHub Credential Or Integration Added"
    fields       = { "event.type" = ["creation"] }
  }

  test {
    log    = <<-LOG
      {"action":"deploy_key.create","actor":"octo-admin","actor_ip":"192.0.2.7","org":"example-org","repo":"example-org/app","fingerprint":"SHA256:ZXhhbXBsZWZpbmdlcnByaW50","read_only":false,"created_at":1717400700000}
    LOG
    expect = { login = "octo-admin", "event.action" = "deploy_key.create", common_event = "GitHub Credential Or Integration Added", "event.type" = "creation" }
  }
}

# ------------------------------------------------------------- the rest

rule "github-audit-event" {
  description      = "any other GitHub audit event: kept with its action, actor and address"
  log_source_types = ["github"]
  sort_order       = 9000
  when             = "has(event.github.action)"
  classification   = "Other Audit"
  common_event     = "GitHub Audit Event"
  risk             = 0
  map = {
    "event.action"                = "github.action"
    "event.id"                    = "github._document_id"
    "user.name"                   = "github.actor"
    "user.target.name"            = "github.user"
    "source.ip"                   = "ip(github.actor_ip)"
    "client.geo.country_iso_code" = "github.actor_location.country_code"
    "user_agent.original"         = "github.user_agent"
  }
  fields = { "event.category" = ["configuration", "web"], "event.type" = ["change"] }

  test {
    log    = <<-LOG
      {"action":"workflows.completed_workflow_run","actor":"ci-runner","org":"example-org","repo":"example-org/app","conclusion":"success","created_at":1717400800000}
    LOG
    expect = { login = "ci-runner", "event.action" = "workflows.completed_workflow_run", rule = "github-audit-event" }
  }
}
