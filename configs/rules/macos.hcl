# macOS unified log lines as `log show`/`log stream` print them (and as
# forwarders send them): "2024-03-08 09:00:00.123456-0800  localhost
# tccd[1030]: [subsystem:category] message". The rules read privacy
# (TCC) decisions, screen lock and login sessions, Screen Sharing logins,
# security sessions, authorization rights and Open Directory failures.
#
# Test lines are made up: invented hosts, users and applications.

log_source_type "macos" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Apple"
  product  = "macOS"
  module   = "macos"
}

rule "macos-tcc-access" {
  description      = "tccd: a privacy permission (camera, microphone, screen capture, full disk…) granted or denied to an application"
  log_source_types = ["macos"]
  sort_order       = 100
  pattern          = <<-RE
    tccd\[\d+\]: (?:\[com\.apple\.TCC:[^\]]*\] )?(?:Update Access Record|UPDATE ACCESS RECORD|Handling access request|AUTHREQ_RESULT): (?P<labels__tcc_service>kTCCService\w+) for (?P<labels__app>\S+?) to (?P<labels__decision>Allowed|Denied|Unknown|Limited)
  RE
  classification   = "Policy"
  common_event     = "Privacy Permission Changed"
  risk             = 2
  fields           = { "event.category" = ["configuration", "host"], "event.type" = ["change"], "event.outcome" = "success" }

  sub_rule "denied" {
    when   = "event.labels.decision == \"Denied\""
    fields = { "event.type" = ["change", "denied"] }
  }

  test {
    log             = "2024-03-08 09:00:00.123456-0800  localhost tccd[1030]: [com.apple.TCC:access] Update Access Record: kTCCServiceCamera for com.example.meet to Allowed at 1709917200 (2024-03-08 17:00:00 +0000)"
    log_source_type = "syslog"
    expect          = { "labels.tcc_service" = "kTCCServiceCamera", "labels.app" = "com.example.meet", "labels.decision" = "Allowed", "event.dataset" = "macos" }
  }
}

rule "macos-screen-lock" {
  description      = "loginwindow: the screen was locked or unlocked, a session logged in or out (session agent notifications)"
  log_source_types = ["macos"]
  sort_order       = 100
  pattern          = <<-RE
    loginwindow\[\d+\]: .*?send(?:BSD|Distributed)Notification: com\.apple\.(?:sessionagent\.)?(?P<event__action>screenIsLocked|screenIsUnlocked|sessionDidLogin|sessionDidLogout|sessionDidMoveOnConsole|sessionDidMoveOffConsole|shutdownInitiated|restartInitiated|logoutInitiated)(?:, with userID:(?P<user__id>\d+))?
  RE
  classification   = "Other Audit Success"
  common_event     = "Session State Changed"
  risk             = 1
  fields           = { "event.category" = ["session"], "event.type" = ["info"], "event.outcome" = "success" }

  sub_rule "login" {
    when           = "event.event.action == \"sessionDidLogin\""
    classification = "Authentication Success"
    common_event   = "User Logon"
    risk           = 3
    fields         = { "event.category" = ["authentication", "session"], "event.type" = ["start"] }
  }
  sub_rule "logout" {
    when         = "event.event.action == \"sessionDidLogout\""
    common_event = "User Logoff"
    fields       = { "event.type" = ["end"] }
  }
  sub_rule "unlocked" {
    when           = "event.event.action == \"screenIsUnlocked\""
    classification = "Authentication Success"
    common_event   = "Screen Unlocked"
    risk           = 2
    fields         = { "event.category" = ["authentication", "session"], "event.type" = ["start"] }
  }
  sub_rule "locked" {
    when         = "event.event.action == \"screenIsLocked\""
    common_event = "Screen Locked"
    fields       = { "event.type" = ["end"] }
  }

  test {
    log    = "2024-03-08 09:05:00.200000-0800  localhost loginwindow[160]: [com.apple.loginwindow.logging:Standard] -[SessionAgentNotificationCenter sendBSDNotification:forUserID:] | sendBSDNotification: com.apple.sessionagent.screenIsUnlocked, with userID:502"
    expect = { "event.action" = "screenIsUnlocked", "user.id" = "502", common_event = "Screen Unlocked" }
  }
  test {
    log             = "2024-03-08 09:06:00.200000-0800  localhost loginwindow[160]: [com.apple.loginwindow.logging:Standard] -[SessionAgentNotificationCenter sendDistributedNotification:forUserID:] | sendDistributedNotification: com.apple.sessionDidLogin, with userID:502"
    log_source_type = "syslog"
    expect          = { "event.action" = "sessionDidLogin", common_event = "User Logon", "event.dataset" = "macos" }
  }
}

rule "macos-logout-complete" {
  description      = "sessionlogoutd: a logout finished"
  log_source_types = ["macos"]
  sort_order       = 100
  pattern          = <<-RE
    sessionlogoutd\[\d+\]: .*?(?P<labels__detail>logout is complete|logout cancelled|Logout failed)
  RE
  classification   = "Other Audit Success"
  common_event     = "User Logoff"
  risk             = 1
  fields           = { "event.category" = ["session"], "event.type" = ["end"], "event.action" = "logout" }

  test {
    log    = "2024-03-08 18:00:00.000001+0100  localhost sessionlogoutd[6200]: (loginsupport) [com.apple.sessionlogoutd:SLOD_General] -[SessionLogoutd continueLogoutAfterDelayOptionsComplete]:456:      sessionlogoutd telling session agent, logout is complete."
    expect = { "labels.detail" = "logout is complete" }
  }
}

rule "macos-screensharing-auth" {
  description      = "screensharingd: a Screen Sharing (VNC) login succeeded or failed, with the viewer's address"
  log_source_types = ["macos"]
  sort_order       = 100
  pattern          = <<-RE
    screensharingd\[\d+\]: Authentication: (?P<labels__result>SUCCEEDED|FAILED) :: User Name: (?P<login>.*?) :: Viewer Address: <sip>(?: :: Type: (?P<labels__auth_type>\S+))?
  RE
  classification   = "Authentication Success"
  common_event     = "Screen Sharing Logon"
  risk             = 4
  fields           = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "success" }

  sub_rule "failed" {
    when           = "event.labels.result == \"FAILED\""
    classification = "Authentication Failure"
    common_event   = "Screen Sharing Logon Failed"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log             = "2024-03-08 09:10:00.300000-0800  localhost screensharingd[3600]: Authentication: FAILED :: User Name: jdoe :: Viewer Address: 192.0.2.44 :: Type: DH"
    log_source_type = "syslog"
    expect          = { login = "jdoe", sip = "192.0.2.44", "event.outcome" = "failure", "event.dataset" = "macos" }
  }
}

rule "macos-securityd-session" {
  description      = "securityd: a security session created or destroyed"
  log_source_types = ["macos"]
  sort_order       = 100
  pattern          = <<-RE
    securityd\[\d+\]: (?:\[com\.apple\.securityd:[^\]]*\] )?(?:0x[0-9a-f]+ )?Session (?P<labels__session_id>\d+) (?P<event__action>created|destroyed)(?:, uid:(?P<user__id>\d+))?
  RE
  classification   = "Information"
  common_event     = "Security Session"
  risk             = 0
  fields           = { "event.category" = ["session"], "event.type" = ["start"] }

  sub_rule "destroyed" {
    when   = "event.event.action == \"destroyed\""
    fields = { "event.type" = ["end"] }
  }

  test {
    log    = "2024-03-08 09:11:00.400000-0300  localhost securityd[122]: [com.apple.securityd:SecServer] 0x7f00aa000000 Session 80001 created, uid:502 sessionId:80001"
    expect = { "labels.session_id" = "80001", "user.id" = "502", "event.action" = "created" }
  }
}

rule "macos-authd-right" {
  description      = "authd: an authorization right granted or refused (admin prompts, system preferences)"
  log_source_types = ["macos"]
  sort_order       = 100
  pattern          = <<-RE
    authd\[\d+\]: .*?(?P<labels__result>Succeeded|Failed) authorizing right '(?P<labels__right>[^']*)' by client '(?P<process__executable>[^']*)' \[(?P<process__pid>\d+)\](?: for authorization created by '(?P<labels__creator>[^']*)' \[\d+\])?
  RE
  classification   = "Access Granted"
  common_event     = "Authorization Right Granted"
  risk             = 2
  fields           = { "event.category" = ["iam"], "event.outcome" = "success" }

  sub_rule "failed" {
    when           = "event.labels.result == \"Failed\""
    classification = "Access Failure"
    common_event   = "Authorization Right Refused"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "2024-03-08 09:12:00.500000-0800  localhost authd[180]: [com.apple.Authorization:authd] Succeeded authorizing right 'system.preferences' by client '/System/Applications/System Settings.app' [900] for authorization created by '/System/Applications/System Settings.app' [900] (3,0) (engine 77)"
    expect = { "labels.right" = "system.preferences", "process.pid" = "900", "event.outcome" = "success" }
  }
}

rule "macos-opendirectory-auth" {
  description      = "opendirectoryd, authorizationhost, SecurityAgent: a local account authentication failed"
  log_source_types = ["macos"]
  sort_order       = 100
  pattern          = <<-RE
    (?:opendirectoryd|authorizationhost|SecurityAgent)\[\d+\]: .*?(?:Authentication failed for user '?(?P<login>[^'\s]+)'?|Failed to authenticate user <(?P<labels__user>[^>]*)>)
  RE
  classification   = "Authentication Failure"
  common_event     = "Local Authentication Failed"
  risk             = 4
  map              = { "user.name" = "labels.user" }
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure" }

  test {
    log    = "2024-03-08 09:13:00.600000-0800  localhost opendirectoryd[110]: [com.apple.opendirectoryd:auth] Failed to authenticate user <jdoe> (error: 5000)."
    expect = { "user.name" = "jdoe" }
  }
}

rule "macos-sandbox-deny" {
  description      = "kernel Sandbox: an application's sandbox denied an operation (file, network, mach lookup)"
  log_source_types = ["macos"]
  sort_order       = 100
  pattern          = <<-RE
    kernel(?:\[0\])?: (?:\(Sandbox\) )?Sandbox: (?P<process__name>[^()]+?)\((?P<process__pid>\d+)\) (?P<event__action>deny|allow)\(\d+\) (?P<labels__operation>\S+)(?: (?P<labels__target>.+))?
  RE
  classification   = "Access Failure"
  common_event     = "Sandbox Denied Operation"
  risk             = 2
  fields           = { "event.category" = ["process"], "event.type" = ["denied"], "event.outcome" = "failure" }

  sub_rule "allowed" {
    when           = "event.event.action == \"allow\""
    classification = "Access Success"
    common_event   = "Sandbox Allowed Operation"
    risk           = 0
    fields         = { "event.type" = ["allowed"], "event.outcome" = "success" }
  }

  test {
    log             = "2024-03-08 09:14:00.700000-0800  localhost kernel[0]: Sandbox: ExampleHelper(4321) deny(1) file-read-data /Users/jdoe/Documents/notes.txt"
    log_source_type = "syslog"
    expect          = { process = "ExampleHelper", pid = "4321", "labels.operation" = "file-read-data", "labels.target" = "/Users/jdoe/Documents/notes.txt", "event.dataset" = "macos" }
  }
}
