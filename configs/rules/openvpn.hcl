# OpenVPN server (community edition, and as pfSense/OPNsense run it), as it
# logs to syslog under the program "openvpn". A client's messages start
# with its real address ("198.51.100.7:51234 ") or, once its certificate is
# known, "common-name/198.51.100.7:51234 ".
#
# Test lines are made up: documentation addresses and invented names.

log_source_type "openvpn" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "OpenVPN"
  product  = "OpenVPN"
  module   = "openvpn"
}

rule "openvpn-peer-connected" {
  description      = "a client's TLS session came up: Peer Connection Initiated"
  log_source_types = ["openvpn"]
  sort_order       = 100
  pattern          = <<-RE
    (?:openvpn|ovpn-server|ovpn-client)(?:\[\d+\])?: (?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} )?(?:[^/\s]+/)?(?:\[AF_INET6?\])?<sip>(?::<sport>)? \[(?P<login>[^\]]*)\] Peer Connection Initiated with (?:\[AF_INET6?\])?<dip>?
  RE
  classification   = "Authentication Success"
  common_event     = "VPN Client Connected"
  risk             = 3
  fields           = { "event.action" = "client-vpn-connected", "event.category" = ["network", "session"], "event.type" = ["start"], "event.outcome" = "success", "observer.type" = "vpn" }

  test {
    log             = "Mar  5 07:00:01 vpn-gw openvpn[1802]: 198.51.100.7:51234 [alice] Peer Connection Initiated with [AF_INET]198.51.100.7:51234"
    log_source_type = "syslog"
    expect          = { login = "alice", sip = "198.51.100.7", sport = "51234", "event.dataset" = "openvpn" }
  }
  test {
    log    = "Mar  5 07:00:01 auth openvpn: Tue Mar  5 07:00:01 2024 198.51.100.9:1194 [dave] Peer Connection Initiated with [AF_INET]198.51.100.9:53230"
    expect = { login = "dave", sip = "198.51.100.9", sport = "1194" }
  }
}

rule "openvpn-auth" {
  description      = "user/password or certificate verification of a client, its outcome"
  log_source_types = ["openvpn"]
  sort_order       = 100
  pattern          = <<-RE
    (?:openvpn|ovpn-server|ovpn-client)(?:\[\d+\])?: (?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} )?(?:(?P<labels__common_name>[^/\s]+)/)?(?:\[AF_INET6?\])?<sip>:<sport> (?P<labels__check>TLS Auth Error: Auth Username/Password verification failed|VERIFY OK|VERIFY ERROR|VERIFY EKU OK|VERIFY KU OK|TLS: Username/Password authentication (?P<labels__result>succeeded|deferred|failed)|WARNING: Failed running command \(--auth-user-pass-verify\)|PLUGIN_CALL: POST \S+ status=\d+)(?:.*?(?:CN=(?P<login>[^,\s]+)|for username '(?P<labels__user>[^']*)'))?
  RE
  classification   = "Authentication Success"
  common_event     = "VPN Client Authenticated"
  risk             = 2
  map              = { "user.name" = "labels.user" }
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success", "observer.type" = "vpn" }

  sub_rule "failed" {
    when           = <<-CEL
      event.labels.check.matches("Error|ERROR|Failed|status=1") || (has(event.labels.result) && event.labels.result == "failed")
    CEL
    classification = "Authentication Failure"
    common_event   = "VPN Client Authentication Failed"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Mar  5 07:00:00 vpn-gw openvpn[1802]: 198.51.100.7:51234 VERIFY OK: depth=0, CN=alice"
    expect = { login = "alice", sip = "198.51.100.7", "event.outcome" = "success" }
  }
  test {
    log    = "Mar  5 07:02:00 vpn-gw openvpn[1802]: 198.51.100.8:40001 TLS Auth Error: Auth Username/Password verification failed for peer"
    expect = { sip = "198.51.100.8", "event.outcome" = "failure", classification = "Authentication Failure" }
  }
  test {
    log    = "Mar  5 07:02:01 vpn-gw openvpn[1802]: 198.51.100.8:40001 TLS: Username/Password authentication succeeded for username 'bob'"
    expect = { "user.name" = "bob", "event.outcome" = "success" }
  }
}

rule "openvpn-address-assigned" {
  description      = "MULTI: a client got its tunnel address (pool, learned route)"
  log_source_types = ["openvpn"]
  sort_order       = 100
  pattern          = <<-RE
    (?:openvpn|ovpn-server|ovpn-client)(?:\[\d+\])?: (?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} )?(?P<login>[^/\s]+)/(?:\[AF_INET6?\])?<sip>:<sport> MULTI(?:_sva)?: (?:pool returned IPv4=(?P<labels__assigned_ip>[\d.]+)|Learn: (?P<labels__learned>\S+)|primary virtual IP for \S+: (?P<labels__virtual_ip>\S+))
  RE
  classification   = "Information"
  common_event     = "VPN Address Assigned"
  risk             = 1
  fields           = { "event.category" = ["network", "session"], "observer.type" = "vpn" }

  test {
    log    = "Mar  5 07:00:02 vpn-gw openvpn[1802]: alice/198.51.100.7:51234 MULTI_sva: pool returned IPv4=10.8.0.6, IPv6=(Not enabled)"
    expect = { login = "alice", sip = "198.51.100.7", "labels.assigned_ip" = "10.8.0.6" }
  }
}

rule "openvpn-client-disconnected" {
  description      = "a client left or was dropped: SIGTERM/SIGUSR1 client-instance, connection reset, inactivity timeout"
  log_source_types = ["openvpn"]
  sort_order       = 100
  pattern          = <<-RE
    (?:openvpn|ovpn-server|ovpn-client)(?:\[\d+\])?: (?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} )?(?:(?P<login>[^/\s]+)/)?(?:\[AF_INET6?\])?<sip>:<sport> (?P<event__reason>SIG\w+\[[^\]]*\] received, client-instance (?:exiting|restarting)|Connection reset, restarting(?: \[\d+\])?|Inactivity timeout \([^)]*\),? (?:restarting|exiting)|client-instance exiting|TLS Error: TLS key negotiation failed[^(]*|TLS Error: TLS handshake failed)
  RE
  classification   = "Information"
  common_event     = "VPN Client Disconnected"
  risk             = 1
  fields           = { "event.action" = "client-vpn-disconnected", "event.category" = ["network", "session"], "event.type" = ["end"], "observer.type" = "vpn" }

  sub_rule "tls-error" {
    when           = "event.event.reason.startsWith(\"TLS Error\")"
    classification = "Failed Activity"
    common_event   = "VPN TLS Handshake Failed"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Mar  5 08:00:00 vpn-gw openvpn[1802]: alice/198.51.100.7:51234 SIGTERM[soft,remote-exit] received, client-instance exiting"
    expect = { login = "alice", sip = "198.51.100.7", reason = "SIGTERM[soft,remote-exit] received, client-instance exiting" }
  }
  test {
    log    = "Mar  5 08:00:01 vpn-gw openvpn[1802]: 203.0.113.9:1194 TLS Error: TLS key negotiation failed to occur within 60 seconds (check your network connectivity)"
    expect = { sip = "203.0.113.9", sub_rule = "tls-error" }
  }
}

rule "openvpn-pfsense-user" {
  description      = "pfSense's OpenVPN authentication helper: user authenticated or could not authenticate"
  log_source_types = ["openvpn"]
  sort_order       = 100
  pattern          = <<-RE
    (?:openvpn|ovpn-server|ovpn-client)(?:\[\d+\])?: (?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} )?(?:user '<login>' (?P<labels__result>authenticated)|user '<login>' could not authenticate|(?P<labels__check>WARNING): '<login>' is not authorized)
  RE
  classification   = "Authentication Success"
  common_event     = "VPN User Authenticated"
  risk             = 2
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success", "observer.type" = "vpn" }

  sub_rule "failed" {
    when           = "!has(event.labels.result)"
    classification = "Authentication Failure"
    common_event   = "VPN User Authentication Failed"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Mar  5 08:01:00 fw-home openvpn[5510]: user 'carol' could not authenticate."
    expect = { login = "carol", "event.outcome" = "failure" }
  }
}

rule "openvpn-server-state" {
  description      = "the server itself: started, sequence completed, restarting, exiting"
  log_source_types = ["openvpn"]
  sort_order       = 110
  pattern          = <<-RE
    (?:openvpn|ovpn-server|ovpn-client)(?:\[\d+\])?: (?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} )?(?P<event__action>Initialization Sequence Completed|OpenVPN \d[\w.]* \S+ .*built on .*|SIG\w+\[[^\]]*\] received, process (?:exiting|restarting)|Exiting due to fatal error)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "VPN Server State"
  risk             = 1
  fields           = { "event.category" = ["process"], "observer.type" = "vpn" }

  test {
    log    = "Mar  5 06:59:00 vpn-gw openvpn[1802]: Initialization Sequence Completed"
    expect = { "event.action" = "Initialization Sequence Completed" }
  }
}

rule "openvpn-client-message" {
  description      = "any other message about a client (TLS: Initial packet, peer info, data channel…): kept with the client's address and common name"
  log_source_types = ["openvpn"]
  sort_order       = 8990
  pattern          = <<-RE
    (?:openvpn|ovpn-server|ovpn-client)(?:\[\d+\])?: (?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} )?(?:(?P<login>[^/\s]+)/)?(?:\[AF_INET6?\])?<sip>:<sport> (?P<labels__detail>.+)
  RE
  classification   = "Information"
  common_event     = "VPN Client Message"
  risk             = 0
  fields           = { "event.category" = ["network"], "observer.type" = "vpn" }

  test {
    log    = "Mar  5 07:00:00 vpn-gw openvpn[1802]: 198.51.100.7:51234 TLS: Initial packet from [AF_INET]198.51.100.7:51234, sid=01234567 89abcdef"
    expect = { sip = "198.51.100.7", sport = "51234", "labels.detail" = "TLS: Initial packet from [AF_INET]198.51.100.7:51234, sid=01234567 89abcdef" }
  }
}

rule "openvpn-tls-refused" {
  description      = "packets refused before any session: no or bad HMAC (tls-auth/tls-crypt), from an address"
  log_source_types = ["openvpn"]
  sort_order       = 100
  pattern          = <<-RE
    (?:openvpn|ovpn-server|ovpn-client)(?:\[\d+\])?: .*?(?P<event__reason>TLS Error: cannot locate HMAC in incoming packet|TLS Error: incoming packet authentication failed|tls-crypt unwrap error: [^\[]*?|TLS Error: tls-crypt unwrapping failed) from (?:\[AF_INET6?\])?<sip>:<sport>
  RE
  classification   = "Failed Activity"
  common_event     = "VPN Packet Refused"
  risk             = 3
  fields           = { "event.category" = ["network"], "event.outcome" = "failure", "observer.type" = "vpn" }

  test {
    log    = "Mar  5 08:02:00 fw-home ovpn-server[145]: TLS Error: cannot locate HMAC in incoming packet from [AF_INET]203.0.113.90:50165"
    expect = { sip = "203.0.113.90", sport = "50165", reason = "TLS Error: cannot locate HMAC in incoming packet" }
  }
}

rule "openvpn-ldap-auth" {
  description      = "the LDAP authentication plugin: bind failed or wrong password for a DN"
  log_source_types = ["openvpn"]
  sort_order       = 100
  pattern          = <<-RE
    (?:openvpn|ovpn-server)(?:\[\d+\])?: (?:LDAP bind failed: (?P<event__reason>[^(]*[^(\s])|Incorrect password supplied for LDAP DN "CN=(?P<login>[^,"]+)[^"]*")
  RE
  classification   = "Authentication Failure"
  common_event     = "VPN LDAP Authentication Failed"
  risk             = 5
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure", "observer.type" = "vpn" }

  test {
    log    = "Mar  5 08:03:00 vpn-gw openvpn: Incorrect password supplied for LDAP DN \"CN=Erin Example,OU=Staff,DC=example,DC=com\"."
    expect = { login = "Erin Example", "event.outcome" = "failure" }
  }
}
