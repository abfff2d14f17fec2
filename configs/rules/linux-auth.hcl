# Linux authentication: sshd, PAM, sudo, su, shadow-utils (useradd and
# friends), systemd-logind and the older services that log to the auth
# facility (ftpd, klogind, login, gdm).
#
# Patterns match anywhere in the line, after the syslog header has been
# read (host.hostname, process.name, process.pid, @timestamp come from the
# header), so most rules match on the message alone and work for every
# program name a distribution uses (sshd[42]:, sshd(pam_unix)[42]:, …).
#
# Test lines are made up: documentation addresses (RFC 5737) and invented
# hosts and users.

log_source_type "linux-auth" {
  header   = "syslog"
  timezone = "UTC"
}

log_source_type "syslog" {
  header   = "syslog"
  timezone = "UTC"
}

# Loghub's Linux and OpenSSH data sets are syslog files: the same rules
# apply under these names.
log_source_type "loghub-linux" {
  header   = "syslog"
  timezone = "UTC"
}

log_source_type "loghub-openssh" {
  header   = "syslog"
  timezone = "UTC"
}

# ---------------------------------------------------------------- sshd logons

rule "sshd-accepted" {
  description      = "sshd accepted a logon (password, publickey, keyboard-interactive, …)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 100
  pattern          = "Accepted <method> for <login> from <sip> port <sport>"
  classification   = "Authentication Success"
  common_event     = "User Logon"
  risk             = 3
  fields = {
    "event.outcome"  = "success"
    "event.category" = ["authentication", "session"]
    "event.action"   = "ssh_login"
  }

  sub_rule "root" {
    when         = "event.login == \"root\""
    common_event = "Root Logon"
    risk         = 7
  }

  test {
    log       = "Mar  3 08:15:02 bastion1 sshd[4117]: Accepted publickey for alice from 192.0.2.44 port 50122 ssh2: ED25519 SHA256:q5WcPEXAMPLEKEYFINGERPRINT0000000000000000"
    collected = "2024-03-03T08:15:03Z"
    expect = {
      login           = "alice"
      sip             = "192.0.2.44"
      sport           = "50122"
      method          = "publickey"
      process         = "sshd"
      pid             = "4117"
      hostname        = "bastion1"
      common_event    = "User Logon"
      "event.outcome" = "success"
      "@timestamp"    = "2024-03-03T08:15:02Z"
    }
  }
  test {
    log    = "Mar  3 08:20:41 bastion1 sshd[4188]: Accepted password for root from 198.51.100.7 port 40022 ssh2"
    expect = { login = "root", common_event = "Root Logon", risk = 7, sub_rule = "root" }
  }
}

rule "sshd-failed-repeated" {
  description      = "syslog folded repeated failed logons into one line"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 105
  pattern          = "message repeated (?P<repeat_count>\\d+) times: \\[ Failed <method> for (?:invalid user )?<login> from <sip> port <sport>"
  classification   = "Authentication Failure"
  common_event     = "Repeated User Logon Failure"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login" }

  test {
    log    = "Apr 11 02:01:19 web-02 sshd[9921]: message repeated 4 times: [ Failed password for root from 203.0.113.90 port 58122 ssh2]"
    expect = { login = "root", sip = "203.0.113.90", sport = "58122", repeat_count = "4", classification = "Authentication Failure" }
  }
}

# The user name of an invalid user is whatever the client sent: it may be
# empty or hold spaces, so these rules take everything up to " from <sip>".
rule "sshd-failed-invalid-user" {
  description      = "failed logon for a user that does not exist"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 110
  pattern          = "Failed <method> for (?:invalid|illegal) user (?P<login>.*?) ?from <sip>(?: port <sport>)?"
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure: Invalid Account"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login" }

  test {
    log    = "Apr 11 02:03:55 web-02 sshd[9940]: Failed password for invalid user oracle from 203.0.113.91 port 33710 ssh2"
    expect = { login = "oracle", sip = "203.0.113.91", sport = "33710", method = "password", "event.outcome" = "failure" }
  }
  test {
    log    = "Apr 11 02:03:58 web-02 sshd[9941]: Failed none for invalid user 12345 from 203.0.113.91 port 33712 ssh2"
    expect = { login = "12345", method = "none" }
  }
  test {
    log    = "Apr 11 02:03:59 oldbox sshd[9943]: Failed password for illegal user test from 203.0.113.93 port 33713 ssh2"
    expect = { login = "test", sip = "203.0.113.93" }
  }
  test {
    log    = "Apr 11 02:04:01 web-02 sshd[9942]: Failed password for invalid user john doe from 203.0.113.91 port 33714 ssh2"
    expect = { login = "john doe", sport = "33714" }
  }
}

rule "sshd-failed" {
  description      = "failed logon (wrong password, rejected key, …)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 115
  pattern          = "Failed <method> for <login> from <sip> port <sport>"
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login" }

  sub_rule "root" {
    when         = "event.login == \"root\""
    common_event = "Root Logon Failure"
    risk         = 5
  }

  test {
    log       = "Dec 30 23:59:58 db3 sshd[2210]: Failed password for root from 198.51.100.23 port 61011 ssh2"
    collected = "2025-01-02T00:00:00Z"
    expect = {
      login        = "root"
      sip          = "198.51.100.23"
      sport        = "61011"
      common_event = "Root Logon Failure"
      "@timestamp" = "2024-12-30T23:59:58Z"
    }
  }
  test {
    log    = "Dec 30 23:59:59 db3 sshd[2211]: Failed publickey for deploy from 2001:db8::17 port 52000 ssh2"
    expect = { login = "deploy", sip = "2001:db8::17", common_event = "User Logon Failure" }
  }
}

rule "sshd-invalid-user" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 120
  pattern          = "(?:Invalid|Illegal) user (?P<login>.*?) ?from <sip>(?: port <sport>)?"
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure: Invalid Account"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login" }

  test {
    log    = "Jul  4 17:42:10 gw sshd[31337]: Invalid user ftpadmin from 192.0.2.201"
    expect = { login = "ftpadmin", sip = "192.0.2.201", pid = "31337" }
  }
  test {
    log    = "Jul  4 17:42:11 gw sshd[31338]: Invalid user  from 192.0.2.202 port 40400"
    expect = { sip = "192.0.2.202", sport = "40400", login = "" }
  }
  test {
    log    = "Jul  4 17:42:12 gw sshd[31339]: Invalid user  9999 from 192.0.2.203"
    expect = { sip = "192.0.2.203", login = "9999" }
  }
}

rule "sshd-userauth-invalid-user" {
  description      = "the preauth half of an invalid-user attempt"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 125
  pattern          = "input_userauth_request: invalid user <login>?(?: \\[preauth\\])?"
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure: Invalid Account"
  risk             = 3
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Jul  4 17:42:10 gw sshd[31337]: input_userauth_request: invalid user ftpadmin [preauth]"
    expect = { login = "ftpadmin" }
  }
}

rule "sshd-pam-user-not-known" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 130
  pattern          = "PAM: User not known to the underlying authentication module for (?:illegal |invalid )?user <login> from <shost>"
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure: Invalid Account"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Oct  9 12:00:01 mail-1 sshd[777]: error: PAM: User not known to the underlying authentication module for illegal user guest from scanner.example.net"
    expect = { login = "guest", "source.domain" = "scanner.example.net", "source.address" = "scanner.example.net" }
  }
  test {
    log    = "Oct  9 12:00:02 mail-1 sshd[778]: error: PAM: User not known to the underlying authentication module for illegal user guest from 203.0.113.5"
    expect = { "source.ip" = "203.0.113.5" }
  }
}

rule "sshd-too-many-failures" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 140
  pattern          = "Disconnecting(?: (?:authenticating|invalid) user <login> <sip> port <sport>)?: Too many authentication failures(?: for (?:invalid user )?<login>)?"
  classification   = "Authentication Failure"
  common_event     = "Too Many Authentication Failures"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Feb  2 04:44:44 gw sshd[5150]: Disconnecting: Too many authentication failures for admin [preauth]"
    expect = { login = "admin" }
  }
  test {
    log    = "Feb  2 04:45:10 gw sshd[5151]: Disconnecting authenticating user root 198.51.100.66 port 41234: Too many authentication failures [preauth]"
    expect = { login = "root", sip = "198.51.100.66", sport = "41234" }
  }
}

rule "sshd-max-auth-attempts" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 142
  pattern          = "maximum authentication attempts exceeded for (?:invalid user )?<login> from <shost> port <sport>"
  classification   = "Authentication Failure"
  common_event     = "Too Many Authentication Failures"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Feb  2 04:46:00 gw sshd[5160]: error: maximum authentication attempts exceeded for invalid user pi from 198.51.100.67 port 41300 ssh2 [preauth]"
    expect = { login = "pi", sip = "198.51.100.67", sport = "41300" }
  }
}

rule "sshd-max-retries" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 145
  pattern          = <<-RE
    PAM service\((?P<service__name>[\w-]+)\) ignoring max retries; (?P<attempts>\d+) > (?P<max_attempts>\d+)
  RE
  classification   = "Authentication Failure"
  common_event     = "Too Many Authentication Failures"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Feb  2 04:45:11 gw sshd[5151]: PAM service(sshd) ignoring max retries; 7 > 3"
    expect = { "service.name" = "sshd", attempts = "7", max_attempts = "3" }
  }
}

# ---------------------------------------------------------------- PAM

rule "pam-more-failures" {
  description      = "PAM summarising further failures of one attempt"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 150
  pattern          = <<-RE
    (?:PAM )?(?P<attempts>\d+) more authentication failures?; logname=\S* uid=\d* euid=\d* tty=\S* ruser=\S* rhost=<shost>?(?:\s+user=<login>)?
  RE
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Sep 19 21:10:05 web-02 sshd[1200]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.140  user=root"
    expect = { attempts = "2", login = "root", "source.ip" = "198.51.100.140" }
  }
  test {
    log    = "Sep 19 21:10:06 web-02 sshd[1201]: PAM 1 more authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=host-7.example.org"
    expect = { attempts = "1", "source.domain" = "host-7.example.org" }
  }
}

rule "pam-auth-failure" {
  description      = "pam_unix (or an older pam module) rejected a password; user= is the account tried"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 160
  pattern          = <<-RE
    authentication failure; logname=\S* uid=\d* euid=\d* tty=<tty>? ruser=\S* rhost=<shost>?(?:\s+user=<login>)?
  RE
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 3
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Sep 19 21:10:01 web-02 sshd[1200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.140  user=root"
    expect = { login = "root", "source.ip" = "198.51.100.140", tty = "ssh", process = "sshd" }
  }
  test {
    log    = "Jun  1 10:00:00 oldbox sshd(pam_unix)[811]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=dsl-203-0-113-9.example.com"
    expect = { "source.domain" = "dsl-203-0-113-9.example.com", process = "sshd", pid = "811" }
  }
  test {
    log    = "Jun  1 10:05:00 oldbox gdm(pam_unix)[900]: authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost= "
    expect = { tty = ":0", process = "gdm", "source.address" = "" }
  }
}

rule "pam-check-pass-user-unknown" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 170
  pattern          = "check pass; user unknown"
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure: Invalid Account"
  risk             = 3
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Jul  4 17:42:10 gw sshd[31337]: pam_unix(sshd:auth): check pass; user unknown"
    expect = { process = "sshd", classification = "Authentication Failure" }
  }
}

# ---------------------------------------------------------------- sshd connections

rule "sshd-received-disconnect" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 200
  pattern          = <<-RE
    Received disconnect from <sip>(?: port <sport>)?: ?(?P<disconnect_code>\d+): (?P<reason>.*?)(?: \[preauth\])?\s*$
  RE
  classification   = "Information"
  common_event     = "SSH Disconnect"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  sub_rule "logoff" {
    when           = "event.reason == \"disconnected by user\""
    classification = "Other Audit Success"
    common_event   = "User Logoff"
    fields         = { "event.outcome" = "success", "event.category" = ["session"] }
  }

  test {
    log    = "Aug 14 06:00:00 gw sshd[1312]: Received disconnect from 198.51.100.3: 11: Bye Bye [preauth]"
    expect = { sip = "198.51.100.3", disconnect_code = "11", reason = "Bye Bye", common_event = "SSH Disconnect" }
  }
  test {
    log    = "Aug 14 06:00:01 gw sshd[1313]: Received disconnect from 198.51.100.4 port 50500:11: disconnected by user"
    expect = { sport = "50500", reason = "disconnected by user", common_event = "User Logoff", "event.outcome" = "success" }
  }
  test {
    log    = "Aug 14 06:00:02 gw sshd[1314]: error: Received disconnect from 198.51.100.5: 14: No supported authentication methods available [preauth]"
    expect = { disconnect_code = "14", reason = "No supported authentication methods available" }
  }
}

rule "sshd-disconnected" {
  description      = "OpenSSH 7+ logs who a closed connection belonged to"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 205
  pattern          = "Disconnected from (?:(?:authenticating |invalid )?user <login> )?<sip> port <sport>"
  classification   = "Information"
  common_event     = "SSH Disconnect"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Aug 14 06:10:00 gw sshd[1400]: Disconnected from user alice 192.0.2.44 port 50122"
    expect = { login = "alice", sip = "192.0.2.44", sport = "50122" }
  }
  test {
    log    = "Aug 14 06:10:01 gw sshd[1401]: Disconnected from invalid user test 203.0.113.77 port 41000 [preauth]"
    expect = { login = "test", sip = "203.0.113.77" }
  }
}

rule "sshd-connection-closed" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 210
  pattern          = "Connection (?:closed|reset) by (?:(?:authenticating|invalid) user <login> )?<sip>(?: port <sport>)?"
  classification   = "Information"
  common_event     = "SSH Connection Closed"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Aug 14 06:20:00 gw sshd[1500]: Connection closed by 203.0.113.200 [preauth]"
    expect = { sip = "203.0.113.200" }
  }
  test {
    log    = "Aug 14 06:20:01 gw sshd[1501]: Connection closed by authenticating user root 203.0.113.201 port 60001 [preauth]"
    expect = { login = "root", sip = "203.0.113.201", sport = "60001" }
  }
}

rule "sshd-no-identification" {
  description      = "a client connected and sent nothing: typically a port scan"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 220
  pattern          = "Did not receive identification string from <sip>(?: port <sport>)?"
  classification   = "Reconnaissance"
  common_event     = "SSH Probe: No Identification"
  risk             = 3
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Nov 21 03:03:03 gw sshd[6001]: Did not receive identification string from 192.0.2.99"
    expect = { sip = "192.0.2.99", classification = "Reconnaissance" }
  }
}

rule "sshd-reverse-mapping" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 230
  pattern          = "reverse mapping checking getaddrinfo for <sname> \\[<sip>\\] failed"
  classification   = "Suspicious"
  common_event     = "Reverse DNS Mismatch"
  risk             = 3

  test {
    log    = "Nov 21 03:04:00 gw sshd[6002]: reverse mapping checking getaddrinfo for relay.example.com [198.51.100.250] failed - POSSIBLE BREAK-IN ATTEMPT!"
    expect = { sname = "relay.example.com", sip = "198.51.100.250" }
  }
}

rule "sshd-address-maps" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 231
  pattern          = "(?:Address <sip> maps to <sname>, but this does not map back to the address|Nasty PTR record \"<sname>\" is set up for <sip>, ignoring)"
  classification   = "Suspicious"
  common_event     = "Reverse DNS Mismatch"
  risk             = 3

  test {
    log    = "Nov 21 03:05:00 gw sshd[6003]: Address 198.51.100.251 maps to mx.example.com, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!"
    expect = { sname = "mx.example.com", sip = "198.51.100.251" }
  }
}

rule "sshd-fatal" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 240
  pattern          = <<-RE
    sshd(?:-session|-auth)?(?:\[<pid>\])?: fatal: (?P<reason>.*?)(?: \[preauth\])?\s*$
  RE
  classification   = "Error"
  common_event     = "SSH Error"
  risk             = 1

  test {
    log    = "Nov 21 03:06:00 gw sshd[6004]: fatal: Access denied for user alice by PAM account configuration [preauth]"
    expect = { reason = "Access denied for user alice by PAM account configuration", pid = "6004" }
  }
}

rule "sshd-listening" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 250
  pattern          = "Server listening on <dip> port <dport>"
  classification   = "Startup and Shutdown"
  common_event     = "SSH Server Started"
  risk             = 1

  test {
    log    = "Jan  5 00:00:01 gw sshd[600]: Server listening on 0.0.0.0 port 22."
    expect = { dip = "0.0.0.0", dport = "22" }
  }
}

rule "sshd-terminating" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 251
  pattern          = <<-RE
    sshd(?:\[<pid>\])?: Received signal (?P<signal>\d+); terminating
  RE
  classification   = "Startup and Shutdown"
  common_event     = "SSH Server Stopped"
  risk             = 1

  test {
    log    = "Jan  5 00:00:02 gw sshd[600]: Received signal 15; terminating."
    expect = { signal = "15" }
  }
}

# ---------------------------------------------------------------- sshd: more of what OpenSSH logs
#
# OpenSSH 9.8 and later log the session half as sshd-session (and
# sshd-auth): the rules below that name the program accept both.

rule "sshd-postponed" {
  description      = "a logon method needs another round (keyboard-interactive) or a second method (Partial publickey)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 117
  pattern          = "(?P<ssh_event>Postponed|Partial) <method> for (?:invalid user )?(?P<login>\\S*) ?from <sip> port <sport>"
  classification   = "Other Audit"
  common_event     = "SSH Authentication Continued"
  risk             = 1
  fields           = { "event.category" = ["authentication"], "event.action" = "ssh_login" }

  test {
    log    = "Apr 11 02:05:01 web-02 sshd[9950]: Postponed keyboard-interactive for invalid user admin from 203.0.113.92 port 40101 ssh2 [preauth]"
    expect = { ssh_event = "Postponed", method = "keyboard-interactive", login = "admin", sip = "203.0.113.92", sport = "40101" }
  }
  test {
    log    = "Apr 11 02:05:02 web-02 sshd[9951]: Partial publickey for erin from 192.0.2.60 port 50311 ssh2: ED25519 SHA256:AbCdEXAMPLE"
    expect = { ssh_event = "Partial", login = "erin", sip = "192.0.2.60" }
  }
}

rule "sshd-user-not-allowed" {
  description      = "AllowUsers, DenyUsers, AllowGroups, DenyGroups, a locked account or a missing shell refused the user"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 126
  pattern          = "User <login> (?:from <shost> )?not allowed because (?P<reason>.+?)\\s*$"
  classification   = "Authentication Failure"
  common_event     = "User Logon Denied by Policy"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login" }

  test {
    log    = "Mar 25 07:46:15 bastion1 sshd[6738]: User root from 192.0.2.31 not allowed because not listed in AllowUsers"
    expect = { login = "root", "source.ip" = "192.0.2.31", reason = "not listed in AllowUsers", "event.outcome" = "failure" }
  }
  test {
    log    = "Mar 25 07:46:16 bastion1 sshd[6739]: User backup from 198.51.100.9 not allowed because account is locked"
    expect = { login = "backup", reason = "account is locked" }
  }
  test {
    log    = "2024-03-25T07:46:17.000001+01:00 bastion1 sshd[6740]: User oracle from 198.51.100.10 not allowed because none of user's groups are listed in AllowGroups"
    expect = { login = "oracle", reason = "none of user's groups are listed in AllowGroups" }
  }
}

rule "sshd-root-login-refused" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 127
  pattern          = "ROOT LOGIN REFUSED (?:ON <tty> )?(?:FROM <shost>(?: port <sport>)?)?"
  classification   = "Authentication Failure"
  common_event     = "Root Logon Refused"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login", "user.name" = "root" }

  test {
    log    = "Mar 25 07:47:00 bastion1 sshd[6750]: ROOT LOGIN REFUSED FROM 203.0.113.14 port 51515"
    expect = { "source.ip" = "203.0.113.14", sport = "51515", "user.name" = "root" }
  }
}

rule "sshd-authentication-refused" {
  description      = "StrictModes: a key file or directory has unsafe ownership or modes"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 128
  pattern          = "(?:Authentication refused: (?P<reason>[^/\\n]*?)(?: for file <object>| for directory <object>)?|Authentication tried for <login> with (?P<reason>correct key but not from a permitted host) \\(host=<shost>, ip=<sip>\\))\\.?\\s*$"
  classification   = "Authentication Failure"
  common_event     = "SSH Key Refused"
  risk             = 3
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "May  4 18:30:04 app3 sshd[15191]: Authentication refused: bad ownership or modes for file /home/deploy/.ssh/authorized_keys"
    expect = { reason = "bad ownership or modes", object = "/home/deploy/.ssh/authorized_keys" }
  }
  test {
    log    = "May  4 18:30:05 app3 sshd[15192]: Authentication refused: bad ownership or modes for directory /home/deploy"
    expect = { object = "/home/deploy" }
  }
}

rule "sshd-pam-error" {
  description      = "sshd reporting what PAM said about an attempt"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 131
  pattern          = "PAM: (?P<reason>[Aa]uthentication (?:error|failure)|unknown user|[A-Z][\\w ']+?) for (?:illegal user |invalid user )?<login>? ?from <shost>"
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login" }

  test {
    log    = "Mar 23 06:47:42 bastion1 sshd[3186]: error: PAM: unknown user for illegal user scanner from 198.51.100.33"
    expect = { reason = "unknown user", login = "scanner", "source.ip" = "198.51.100.33" }
  }
  test {
    log    = "Mar 23 08:14:02 bastion1 sshd[8981]: error: PAM: Authentication failure for carol from client-9.example.net"
    expect = { reason = "Authentication failure", login = "carol", "source.domain" = "client-9.example.net" }
  }
}

rule "sshd-disconnecting-user" {
  description      = "sshd drops a connection during authentication (OpenSSH 7.6+ names the user)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 141
  pattern          = <<-RE
    Disconnecting (?:(?:authenticating|invalid) )?user <login> <sip> port <sport>(?:: (?P<reason>.*?))?(?: \[preauth\])?\s*$
  RE
  classification   = "Authentication Failure"
  common_event     = "SSH Disconnect During Authentication"
  risk             = 3
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Mar 24 08:38:47 bastion1 sshd[2531]: Disconnecting invalid user root 198.51.100.100 port 43042"
    expect = { login = "root", sip = "198.51.100.100", sport = "43042" }
  }
  test {
    log    = "Mar 24 08:38:48 bastion1 sshd[2532]: Disconnecting authenticating user bob 198.51.100.101 port 43043: Change of username or service not allowed: (bob,ssh-connection) -> (root,ssh-connection) [preauth]"
    expect = { login = "bob", reason = "Change of username or service not allowed: (bob,ssh-connection) -> (root,ssh-connection)" }
  }
}

rule "sshd-unable-to-negotiate" {
  description      = "client and server share no key exchange method, host key type, cipher or MAC"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 235
  pattern          = <<-RE
    (?:Unable to negotiate with <sip> port <sport>: no matching (?P<ssh_negotiation>[\w -]+?) found(?:\. Their offer: (?P<ssh_client_offer>\S+))?|Unable to negotiate a (?P<ssh_negotiation>key exchange method))
  RE
  classification   = "Failed Activity"
  common_event     = "SSH Negotiation Failed"
  risk             = 2
  fields           = { "event.category" = ["network"], "event.outcome" = "failure" }

  test {
    log    = "Feb  3 10:00:00 gw sshd[4400]: Unable to negotiate with 203.0.113.50 port 38000: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1,diffie-hellman-group14-sha1 [preauth]"
    expect = { sip = "203.0.113.50", sport = "38000", ssh_negotiation = "key exchange method", ssh_client_offer = "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1" }
  }
  test {
    log    = "Feb  3 10:00:01 gw sshd[4401]: fatal: Unable to negotiate with 203.0.113.51 port 38001: no matching host key type found. Their offer: ssh-dss [preauth]"
    expect = { ssh_negotiation = "host key type", rule = "sshd-unable-to-negotiate" }
  }
}

rule "sshd-dispatch-fatal" {
  description      = "a protocol error ended a connection (OpenSSH 7.3+)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 236
  pattern          = <<-RE
    ssh_dispatch_run_fatal: Connection from (?:(?:authenticating |invalid )?user <login> )?<sip> port <sport>: (?P<reason>.*?)(?: \[preauth\])?\s*$
  RE
  classification   = "Failed Activity"
  common_event     = "SSH Protocol Error"
  risk             = 2
  fields           = { "event.category" = ["network"], "event.outcome" = "failure" }

  test {
    log    = "Feb  3 10:01:00 gw sshd[4410]: ssh_dispatch_run_fatal: Connection from 203.0.113.52 port 38010: message authentication code incorrect [preauth]"
    expect = { sip = "203.0.113.52", reason = "message authentication code incorrect" }
  }
}

rule "sshd-bad-protocol-version" {
  description      = "the client's banner is not SSH: a scanner or another protocol on port 22"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 221
  pattern          = <<-RE
    (?:Bad protocol version identification '(?P<ssh_client_banner>.*)' from <sip>(?: port <sport>)?|Protocol major versions differ(?: for <sip>(?: port <sport>)?)?: (?P<ssh_client_banner>.*?)\s*$|Bad remote protocol version identification: '(?P<ssh_client_banner>.*)'|scanned from <sip> with (?P<ssh_client_banner>.*?)\.  Don't panic)
  RE
  classification   = "Reconnaissance"
  common_event     = "SSH Probe: Bad Protocol Version"
  risk             = 3
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Mar 25 06:37:50 gw sshd[852]: Bad protocol version identification 'GET / HTTP/1.1' from 198.51.100.71 port 59920"
    expect = { ssh_client_banner = "GET / HTTP/1.1", sip = "198.51.100.71", sport = "59920" }
  }
  test {
    log    = "Mar 25 06:37:51 gw sshd[853]: Protocol major versions differ for 198.51.100.72: SSH-2.0-OpenSSH_8.9 vs. SSH-1.5-Client"
    expect = { sip = "198.51.100.72" }
  }
}

rule "sshd-kex-identification" {
  description      = "the connection ended before or while banners were exchanged (OpenSSH 8+)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 222
  pattern          = <<-RE
    (?:kex_exchange_identification: (?P<reason>.*?)|banner exchange: Connection from <sip> port <sport>: (?P<reason>.*?))(?: \[preauth\])?\s*$
  RE
  classification   = "Reconnaissance"
  common_event     = "SSH Probe: Banner Exchange Failed"
  risk             = 2
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Mar 25 06:38:00 gw sshd[860]: error: kex_exchange_identification: Connection closed by remote host"
    expect = { reason = "Connection closed by remote host" }
  }
  test {
    log    = "Mar 25 06:38:01 gw sshd[861]: banner exchange: Connection from 198.51.100.73 port 59930: invalid format"
    expect = { sip = "198.51.100.73", sport = "59930", reason = "invalid format" }
  }
}

rule "sshd-packet-error" {
  description      = "a corrupt or forged packet: a broken client, a network fault or an attack on the transport"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 237
  pattern          = <<-RE
    sshd(?:-session|-auth)?(?:\[<pid>\])?: (?:error: |fatal: )?(?:Disconnecting: )?(?P<reason>Corrupted MAC on input|Corrupted check bytes on input|Local: crc32 compensation attack.*?|Bad packet length \d+|Corrupted padlen \d+ on input|[Pp]acket corrupt|padding error: .*?|bad client public DH value|Received ieee_\w+|Bad SSH2 cipher spec '[^']*')\.?(?: \[preauth\])?\s*$
  RE
  classification   = "Suspicious"
  common_event     = "SSH Corrupt Packet"
  risk             = 3
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Feb 14 14:34:15 gw sshd[1234]: Corrupted MAC on input. [preauth]"
    expect = { reason = "Corrupted MAC on input" }
  }
  test {
    log    = "Mar  4 13:34:59 gw sshd[5396]: Bad packet length 4081586742."
    expect = { reason = "Bad packet length 4081586742" }
  }
  test {
    log    = "Feb  4 23:05:57 gw sshd-session[1235]: Disconnecting: bad client public DH value [preauth]"
    expect = { reason = "bad client public DH value", rule = "sshd-packet-error" }
  }
}

rule "sshd-read-error" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 238
  pattern          = <<-RE
    (?:Read error from remote host <sip>(?: port <sport>)?|Read from socket failed|Write failed|Connection to <sip> port <sport>): (?P<reason>.*?)(?: \[preauth\])?\s*$
  RE
  classification   = "Information"
  common_event     = "SSH Connection Lost"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Feb 10 23:21:05 gw sshd[1240]: Read error from remote host 192.0.2.81: Connection reset by peer"
    expect = { sip = "192.0.2.81", reason = "Connection reset by peer" }
  }
  test {
    log    = "Feb 10 23:21:06 gw sshd[1241]: Read error from remote host 192.0.2.82 port 40000: Connection timed out"
    expect = { sport = "40000", reason = "Connection timed out" }
  }
}

rule "sshd-timeout" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 239
  pattern          = <<-RE
    (?:Timeout before authentication for <sip>(?: port <sport>)?|Timeout, client not responding(?: from (?:user <login> )?<sip> port <sport>)?)
  RE
  classification   = "Information"
  common_event     = "SSH Timeout"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Feb 10 23:30:00 gw sshd[1250]: fatal: Timeout before authentication for 192.0.2.83 port 40100"
    expect = { sip = "192.0.2.83", sport = "40100", rule = "sshd-timeout" }
  }
  test {
    log    = "Feb 10 23:30:01 gw sshd[1251]: Timeout, client not responding from user erin 192.0.2.84 port 40101."
    expect = { login = "erin", sip = "192.0.2.84" }
  }
}

rule "sshd-connection-from" {
  description      = "a new TCP connection to sshd (LogLevel VERBOSE)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 270
  pattern          = "Connection from <sip> port <sport> on <dip> port <dport>"
  classification   = "Network Allow"
  common_event     = "SSH Connection"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "start"], "network.transport" = "tcp" }

  test {
    log    = "Feb 11 06:00:00 gw sshd[1260]: Connection from 198.51.100.90 port 50990 on 192.0.2.10 port 22 rdomain \"\""
    expect = { sip = "198.51.100.90", sport = "50990", dip = "192.0.2.10", dport = "22" }
  }
}

rule "sshd-subsystem" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 275
  pattern          = "subsystem request for (?P<ssh_subsystem>\\S+?)(?: by user <login>)?(?P<ssh_subsystem_error> failed, subsystem not found)?\\s*$"
  classification   = "Other Audit Success"
  common_event     = "SSH Subsystem Request"
  risk             = 1
  fields           = { "event.category" = ["session"] }

  sub_rule "not-found" {
    when           = "has(event.ssh_subsystem_error)"
    classification = "Other Audit Failure"
    common_event   = "SSH Subsystem Not Found"
    risk           = 2
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "May  5 05:00:38 router-mgmt sshd[28395]: subsystem request for netconf by user checker failed, subsystem not found"
    expect = { ssh_subsystem = "netconf", login = "checker", common_event = "SSH Subsystem Not Found" }
  }
  test {
    log    = "May  5 05:00:39 files1 sshd[28396]: subsystem request for sftp by user alice"
    expect = { ssh_subsystem = "sftp", login = "alice", common_event = "SSH Subsystem Request" }
  }
}

rule "sshd-session-start" {
  description      = "the session a logon opened (LogLevel VERBOSE)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 276
  pattern          = <<-RE
    Starting session: (?P<ssh_session_type>shell|command|subsystem '[^']*'|forced-command \([^)]*\)(?: '[^']*')?|internal-sftp) (?:on <tty> )?for <login> from <sip> port <sport>
  RE
  classification   = "Other Audit Success"
  common_event     = "SSH Session Started"
  risk             = 1
  fields           = { "event.category" = ["session"], "event.type" = ["start"] }

  test {
    log    = "May  5 06:00:00 files1 sshd[28400]: Starting session: shell on pts/1 for alice from 192.0.2.44 port 50122 id 0"
    expect = { ssh_session_type = "shell", tty = "pts/1", login = "alice", sip = "192.0.2.44" }
  }
  test {
    log    = "May  5 06:00:01 files1 sshd[28401]: Starting session: subsystem 'sftp' for bob from 192.0.2.45 port 50123 id 0"
    expect = { ssh_session_type = "subsystem 'sftp'", login = "bob" }
  }
}

rule "sshd-session-close" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 277
  pattern          = "Close session: user <login> from <sip> port <sport>"
  classification   = "Other Audit Success"
  common_event     = "SSH Session Ended"
  risk             = 1
  fields           = { "event.category" = ["session"], "event.type" = ["end"] }

  test {
    log    = "May  5 06:10:00 files1 sshd[28400]: Close session: user alice from 192.0.2.44 port 50122 id 0"
    expect = { login = "alice", sip = "192.0.2.44", sport = "50122" }
  }
}

rule "sshd-accepted-key" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 278
  pattern          = "Accepted (?:key|certificate ID \"[^\"]*\" \\(serial \\d+\\) signed by) (?P<ssh_key_type>[\\w-]+) (?:CA )?(?P<ssh_key_fingerprint>\\S+) (?:found at|via) (?P<file__path>\\S+)"
  classification   = "Information"
  common_event     = "SSH Key Accepted"
  risk             = 1
  fields           = { "event.category" = ["authentication"] }

  test {
    log    = "May  5 06:00:00 files1 sshd[28400]: Accepted key ED25519 SHA256:q5WcPEXAMPLE found at /home/alice/.ssh/authorized_keys:3"
    expect = { ssh_key_type = "ED25519", "file.path" = "/home/alice/.ssh/authorized_keys:3" }
  }
}

rule "sshd-channel-open-failed" {
  description      = "a forwarded (direct-tcpip) channel could not be opened: port forwarding to a closed or unreachable port"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 279
  pattern          = <<-RE
    (?:channel (?P<ssh_channel>\d+): connection failed: (?P<reason>.*?)|server_input_channel_open: failure (?P<ssh_channel_type>\S+)|(?:error: )?connect_to (?P<destination__address>\S+) port (?P<destination__port>\d+): failed\.?|Received request to connect to host (?P<destination__address>\S+) port (?P<destination__port>\d+), but the request was denied\.?)\s*$
  RE
  classification   = "Failed Activity"
  common_event     = "SSH Forwarding Failed"
  risk             = 2
  fields           = { "event.category" = ["network"], "event.outcome" = "failure" }

  test {
    log    = "Feb 11 06:41:50 gw sshd[1270]: debug1: channel 5: connection failed: Connection refused"
    expect = { ssh_channel = "5", reason = "Connection refused" }
  }
  test {
    log    = "Feb 13 22:54:51 gw sshd[1271]: debug1: server_input_channel_open: failure direct-tcpip"
    expect = { ssh_channel_type = "direct-tcpip" }
  }
}

rule "sshd-maxstartups" {
  description      = "sshd drops unauthenticated connections beyond MaxStartups: a flood or a brute-force campaign"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 280
  pattern          = <<-RE
    (?:drop connection #(?P<ssh_connection_count>\d+) from \[<sip>\]:<sport> on \[<dip>\]:<dport> past MaxStartups|(?P<ssh_throttling>beginning|exited) MaxStartups throttling(?: after (?P<ssh_throttle_duration>\S+), (?P<ssh_dropped>\d+) connections dropped)?)
  RE
  classification   = "Denial Of Service"
  common_event     = "SSH MaxStartups Throttling"
  risk             = 5
  fields           = { "event.category" = ["network"], "event.type" = ["denied"] }

  test {
    log    = "Jun  1 10:00:00 gw sshd[700]: drop connection #10 from [203.0.113.90]:51515 on [192.0.2.10]:22 past MaxStartups"
    expect = { sip = "203.0.113.90", sport = "51515", dip = "192.0.2.10", dport = "22", ssh_connection_count = "10" }
  }
  test {
    log    = "Jun  1 10:00:10 gw sshd[700]: exited MaxStartups throttling after 00:00:10, 5 connections dropped"
    expect = { ssh_throttling = "exited", ssh_dropped = "5" }
  }
}

rule "sshd-penalty" {
  description      = "OpenSSH 9.8+ PerSourcePenalties: a source address penalised for failed logons or crashes"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 281
  pattern          = <<-RE
    srclimit_penalise: (?P<network__type>ipv4|ipv6): (?:new|extending|extended|active|deferred|[\w ]+?) ?<sip>(?:/\d+)?.*?penalty of (?P<ssh_penalty_seconds>\d+) seconds?(?: for (?:penalty: )?(?P<reason>.*?))?\s*$
  RE
  classification   = "Failed Attack"
  common_event     = "SSH Source Penalised"
  risk             = 5
  fields           = { "event.category" = ["network"], "event.type" = ["denied"] }

  test {
    log    = "Jun  1 10:01:00 gw sshd[700]: srclimit_penalise: ipv4: new 203.0.113.91/32 deferred penalty of 30 seconds for penalty: failed authentication"
    expect = { sip = "203.0.113.91", ssh_penalty_seconds = "30", reason = "failed authentication" }
  }
}

rule "sshd-key-type-refused" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 282
  pattern          = "userauth_(?:pubkey|hostbased): (?:key type|signature algorithm|certificate signature algorithm) (?P<ssh_key_type>\\S+) not in (?P<ssh_option>\\w+)"
  classification   = "Authentication Failure"
  common_event     = "SSH Key Type Refused"
  risk             = 2
  fields           = { "event.category" = ["authentication"], "event.outcome" = "failure" }

  test {
    log    = "Jun  1 10:02:00 gw sshd[701]: userauth_pubkey: key type ssh-rsa not in PubkeyAcceptedAlgorithms [preauth]"
    expect = { ssh_key_type = "ssh-rsa", ssh_option = "PubkeyAcceptedAlgorithms" }
  }
}

rule "tcpwrappers-refused" {
  description      = "libwrap (hosts.deny) refused a connection to sshd, vsftpd, … "
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 283
  pattern          = <<-RE
    refused connect from (?P<source__domain>\S+) \((?:::ffff:)?<sip>\)
  RE
  classification   = "Network Deny"
  common_event     = "Connection Refused by TCP Wrappers"
  risk             = 3
  fields           = { "event.category" = ["network"], "event.type" = ["denied"], "event.outcome" = "failure" }

  test {
    log    = "Jun  1 10:03:00 gw sshd[702]: refused connect from scanner.example.net (203.0.113.92)"
    expect = { "source.domain" = "scanner.example.net", sip = "203.0.113.92" }
  }
}

rule "tcpwrappers-connect" {
  description      = "tcpd / libwrap logged an accepted connection (in.telnetd, in.ftpd, …)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 284
  pattern          = <<-RE
    : connect from (?P<source__domain>\S+) \((?:::ffff:)?<sip>\)
  RE
  classification   = "Network Allow"
  common_event     = "Connection Accepted by TCP Wrappers"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "allowed"] }

  test {
    log    = "Jun  1 10:04:00 legacy1 in.telnetd[900]: connect from 192.0.2.93 (192.0.2.93)"
    expect = { sip = "192.0.2.93", common_event = "Connection Accepted by TCP Wrappers" }
  }
}

rule "xinetd-service" {
  description      = "xinetd started, ended or refused a service"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 285
  pattern          = <<-RE
    xinetd(?:\[<pid>\])?: (?P<xinetd_event>START|EXIT|FAIL|USERID|NOLOGIN): (?P<service__name>[\w.-]+)(?:.*? pid=(?P<xinetd_child_pid>\d+))?(?:.*? from=(?:::ffff:)?<sip>)?(?:.*? duration=(?P<xinetd_duration>\d+))?
  RE
  classification   = "Network Allow"
  common_event     = "Inetd Service Started"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  sub_rule "fail" {
    when           = "event.xinetd_event in [\"FAIL\", \"NOLOGIN\"]"
    classification = "Network Deny"
    common_event   = "Inetd Service Refused"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "exit" {
    when           = "event.xinetd_event == \"EXIT\""
    classification = "Information"
    common_event   = "Inetd Service Ended"
  }

  test {
    log    = "Jun  1 10:05:00 legacy1 xinetd[700]: START: telnet pid=3301 from=::ffff:192.0.2.94"
    expect = { xinetd_event = "START", "service.name" = "telnet", xinetd_child_pid = "3301", sip = "192.0.2.94" }
  }
  test {
    log    = "Jun  1 10:05:30 legacy1 xinetd[700]: FAIL: rsh address from=203.0.113.95"
    expect = { common_event = "Inetd Service Refused", sip = "203.0.113.95" }
  }
}

rule "sshd-error" {
  description      = "any other error sshd reports (host keys, AuthorizedKeysCommand, sockets, …)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 9040
  pattern          = <<-RE
    sshd(?:-session|-auth)?(?:\[<pid>\])?: error: (?P<reason>.*?)(?: \[preauth\])?\s*$
  RE
  classification   = "Error"
  common_event     = "SSH Error"
  risk             = 1

  test {
    log    = "Feb  9 11:44:56 gw sshd[1280]: error: Could not stat AuthorizedKeysCommand \"/usr/local/sbin/keys-lookup\": No such file or directory"
    expect = { reason = "Could not stat AuthorizedKeysCommand \"/usr/local/sbin/keys-lookup\": No such file or directory", common_event = "SSH Error" }
  }
}

rule "sshd-message" {
  description      = "anything else sshd logs (debug output, notices)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 9060
  pattern          = <<-RE
    sshd(?:-session|-auth)?(?:\[<pid>\])?: (?:(?P<log__level>debug\d): )?
  RE
  classification   = "Information"
  common_event     = "SSH Message"
  risk             = 0

  test {
    log    = "Feb  6 12:28:17 gw sshd[1290]: debug1: get_remote_port failed"
    expect = { "log.level" = "debug1", common_event = "SSH Message" }
  }
}

# ---------------------------------------------------------------- sessions

rule "su-session-opened" {
  description      = "su or sudo opened a session as another user: account is the target, login the caller"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 290
  pattern          = <<-RE
    (?:pam_unix\((?:su|su-l|sudo|sudo-i):session\)|su\(pam_unix\)\[\d+\]): session opened for user (?P<account>[^\s(]+)(?:\(uid=\d+\))? by <login>?\(uid=\d+\)
  RE
  classification   = "Authentication Success"
  common_event     = "Session Opened As Another User"
  risk             = 2
  fields           = { "event.outcome" = "success", "event.category" = ["session"] }

  sub_rule "root" {
    when         = "event.account == \"root\""
    common_event = "Session Opened As Root"
    risk         = 4
  }

  test {
    log    = "May  9 14:02:00 app1 su: pam_unix(su-l:session): session opened for user root(uid=0) by carol(uid=1001)"
    expect = { account = "root", login = "carol", common_event = "Session Opened As Root" }
  }
  test {
    log    = "May  9 04:02:00 oldbox su(pam_unix)[4242]: session opened for user backup by (uid=0)"
    expect = { account = "backup", login = "", process = "su", pid = "4242" }
  }
}

rule "su-session-closed" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 291
  pattern          = <<-RE
    (?:pam_unix\((?:su|su-l|sudo|sudo-i):session\)|su\(pam_unix\)\[\d+\]): session closed for user (?P<account>[^\s(]+)
  RE
  classification   = "Other Audit Success"
  common_event     = "Session Closed"
  risk             = 1
  fields           = { "event.category" = ["session"] }

  test {
    log    = "May  9 04:02:01 oldbox su(pam_unix)[4242]: session closed for user backup"
    expect = { account = "backup" }
  }
}

rule "pam-session-opened" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 300
  pattern          = <<-RE
    session opened for user (?P<login>[^\s(]+)(?:\(uid=\d+\))?(?: by \S*\(uid=\d+\))?
  RE
  classification   = "Other Audit Success"
  common_event     = "Session Opened"
  risk             = 1
  fields           = { "event.outcome" = "success", "event.category" = ["session"] }

  test {
    log    = "Mar  3 08:15:02 bastion1 sshd[4117]: pam_unix(sshd:session): session opened for user alice by (uid=0)"
    expect = { login = "alice", process = "sshd" }
  }
  test {
    log    = "Mar  3 08:17:00 bastion1 CRON[5001]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
    expect = { login = "root", process = "CRON" }
  }
  test {
    log    = "Jul  7 08:00:00 oldbox login(pam_unix)[300]: session opened for user root by LOGIN(uid=0)"
    expect = { login = "root", process = "login" }
  }
}

rule "pam-session-closed" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 310
  pattern          = "session closed for user (?P<login>[^\\s(]+)"
  classification   = "Other Audit Success"
  common_event     = "Session Closed"
  risk             = 1
  fields           = { "event.category" = ["session"] }

  test {
    log    = "Mar  3 09:00:00 bastion1 sshd[4117]: pam_unix(sshd:session): session closed for user alice"
    expect = { login = "alice" }
  }
}

rule "logind-new-session" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 320
  pattern          = "New session (?P<session_id>\\S+) of user (?P<login>[^\\s.]+)"
  classification   = "Other Audit Success"
  common_event     = "Session Opened"
  risk             = 1
  fields           = { "event.category" = ["session"] }

  test {
    log    = "Mar  3 08:15:02 bastion1 systemd-logind[512]: New session 42 of user alice."
    expect = { login = "alice", session_id = "42", process = "systemd-logind" }
  }
}

rule "logind-removed-session" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 321
  pattern          = "Removed session (?P<session_id>[^\\s.]+)"
  classification   = "Other Audit Success"
  common_event     = "Session Closed"
  risk             = 1
  fields           = { "event.category" = ["session"] }

  test {
    log    = "Mar  3 09:00:00 bastion1 systemd-logind[512]: Removed session 42."
    expect = { session_id = "42" }
  }
}

# ---------------------------------------------------------------- sudo

rule "sudo-denied" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 400
  pattern          = "sudo(?:\\[<pid>\\])?: +<login> : (?P<reason>user NOT in sudoers|user NOT authorized on host|command not allowed) ; TTY=<tty> ; PWD=<cwd> ; USER=<runas> ;(?: GROUP=<group> ;)?(?: (?:TSID|ENV)=[^;]*? ;)* COMMAND=<command>"
  classification   = "Access Failure"
  common_event     = "Sudo Denied"
  risk             = 6
  fields           = { "event.outcome" = "failure", "event.category" = ["process"] }

  test {
    log    = "Jan 15 16:30:00 app1 sudo:     dave : user NOT in sudoers ; TTY=pts/3 ; PWD=/home/dave ; USER=root ; COMMAND=/usr/bin/id"
    expect = { login = "dave", runas = "root", command = "/usr/bin/id", reason = "user NOT in sudoers", cwd = "/home/dave", tty = "pts/3" }
  }
}

rule "sudo-incorrect-password" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 405
  pattern          = <<-RE
    sudo(?:\[<pid>\])?: +<login> : (?P<attempts>\d+) incorrect password attempts? ; TTY=<tty> ; PWD=<cwd> ; USER=<runas> ;(?: GROUP=<group> ;)?(?: (?:TSID|ENV)=[^;]*? ;)* COMMAND=<command>
  RE
  classification   = "Authentication Failure"
  common_event     = "Sudo Authentication Failure"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Jan 15 16:31:00 app1 sudo:     dave : 3 incorrect password attempts ; TTY=pts/3 ; PWD=/home/dave ; USER=root ; COMMAND=/bin/bash"
    expect = { login = "dave", attempts = "3", command = "/bin/bash" }
  }
}

rule "sudo-command" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 410
  pattern          = "sudo(?:\\[<pid>\\])?: +<login> : TTY=<tty> ; PWD=<cwd> ; USER=<runas> ;(?: GROUP=<group> ;)?(?: (?:TSID|ENV)=[^;]*? ;)* COMMAND=<command>"
  classification   = "Other Audit Success"
  common_event     = "Sudo Command"
  risk             = 2
  fields           = { "event.outcome" = "success", "event.category" = ["process"] }

  sub_rule "as-root" {
    when         = "event.runas == \"root\""
    common_event = "Sudo Command As Root"
    risk         = 3
  }

  test {
    log    = "Jan 15 16:35:12 app1 sudo:    erin : TTY=pts/0 ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx"
    expect = { login = "erin", runas = "root", command = "/usr/bin/systemctl restart nginx", cwd = "/srv/app", common_event = "Sudo Command As Root" }
  }
  test {
    log    = "Jan 15 16:36:00 app1 sudo[7711]: erin : TTY=pts/0 ; PWD=/srv/app ; USER=www-data ; COMMAND=/usr/bin/touch /srv/app/.reload"
    expect = { runas = "www-data", pid = "7711", common_event = "Sudo Command" }
  }
}

rule "sudo-refused" {
  description      = "sudo refused for any other reason it names (a password is required, a terminal is required, …)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 415
  pattern          = "sudo(?:\\[<pid>\\])?: +<login> : (?P<reason>[^;]+?) ; TTY=<tty> ; PWD=<cwd> ; USER=<runas> ;(?: GROUP=<group> ;)?(?: (?:TSID|ENV)=[^;]*? ;)* COMMAND=<command>"
  classification   = "Access Failure"
  common_event     = "Sudo Denied"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["process"] }

  test {
    log    = "Jan 15 16:40:00 app1 sudo:    erin : a password is required ; TTY=unknown ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/id"
    expect = { login = "erin", reason = "a password is required", command = "/usr/bin/id", common_event = "Sudo Denied" }
  }
}

rule "sudo-message" {
  description      = "anything else sudo logs about a user (host name resolution, configuration errors)"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 9062
  pattern          = <<-RE
    sudo(?:\[<pid>\])?: +(?:<login> : )?(?P<reason>.*?)\s*$
  RE
  classification   = "Information"
  common_event     = "Sudo Message"
  risk             = 1

  test {
    log    = "Jan 15 16:41:00 app1 sudo:    erin : unable to resolve host app1: Name or service not known"
    expect = { login = "erin", reason = "unable to resolve host app1: Name or service not known" }
  }
}

# ---------------------------------------------------------------- su

rule "su-success" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 500
  pattern          = "Successful su for <account> by <login>"
  classification   = "Authentication Success"
  common_event     = "Su Success"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["authentication"] }

  test {
    log    = "May  9 14:01:59 app1 su[3030]: Successful su for root by carol"
    expect = { account = "root", login = "carol" }
  }
}

rule "su-to" {
  description      = "the RHEL form of a successful su"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 501
  pattern          = <<-RE
    su(?:\[<pid>\])?: \(to <account>\) <login> on <tty>
  RE
  classification   = "Authentication Success"
  common_event     = "Su Success"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["authentication"] }

  test {
    log    = "May  9 14:01:59 app1 su: (to root) carol on pts/2"
    expect = { account = "root", login = "carol", tty = "pts/2" }
  }
}

rule "su-failure" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 510
  pattern          = "FAILED (?:su for <account> by <login>|SU \\(to <account>\\) <login> on <tty>)"
  classification   = "Authentication Failure"
  common_event     = "Su Failure"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "May  9 14:03:10 app1 su[3044]: FAILED su for root by mallory"
    expect = { account = "root", login = "mallory" }
  }
  test {
    log    = "May  9 14:03:11 app1 su: FAILED SU (to root) mallory on pts/4"
    expect = { account = "root", login = "mallory", tty = "pts/4" }
  }
}

# ---------------------------------------------------------------- accounts

rule "useradd" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 600
  pattern          = <<-RE
    new user: name=(?P<account>[^\s,]+), UID=(?P<user__target__id>\d+), GID=<gid>(?:, home=(?P<home>[^,]*))?(?:, shell=(?P<shell>[^,\s]*))?
  RE
  classification   = "Account Created"
  common_event     = "User Account Created"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["iam"], "event.type" = ["user", "creation"] }

  test {
    log    = "Jun 20 11:00:00 app1 useradd[8001]: new user: name=svc-report, UID=997, GID=995, home=/var/lib/report, shell=/usr/sbin/nologin, from=/dev/pts/1"
    expect = { account = "svc-report", "user.target.id" = "997", gid = "995", home = "/var/lib/report", shell = "/usr/sbin/nologin", process = "useradd" }
  }
}

rule "groupadd" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 610
  pattern          = "(?:new group|group added to \\S+): name=(?P<group>[^\\s,]+)(?:, GID=<gid>)?"
  classification   = "Account Created"
  common_event     = "Group Created"
  risk             = 2
  fields           = { "event.outcome" = "success", "event.category" = ["iam"], "event.type" = ["group", "creation"] }

  test {
    log    = "Jun 20 11:00:00 app1 groupadd[8000]: new group: name=svc-report, GID=995"
    expect = { group = "svc-report", gid = "995" }
  }
  test {
    log    = "Jun 20 11:00:00 app1 groupadd[8000]: group added to /etc/gshadow: name=svc-report"
    expect = { group = "svc-report" }
  }
}

rule "userdel" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 620
  pattern          = "delete user '(?P<account>[^']+)'"
  classification   = "Account Deleted"
  common_event     = "User Account Deleted"
  risk             = 4
  fields           = { "event.outcome" = "success", "event.category" = ["iam"], "event.type" = ["user", "deletion"] }

  test {
    log    = "Jun 21 09:00:00 app1 userdel[8100]: delete user 'svc-report'"
    expect = { account = "svc-report" }
  }
}

rule "groupdel" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 621
  pattern          = "(?:removed group '(?P<group>[^']+)' owned by '(?P<account>[^']+)'|group '(?P<group>[^']+)' removed)"
  classification   = "Account Deleted"
  common_event     = "Group Deleted"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["iam"], "event.type" = ["group", "deletion"] }

  test {
    log    = "Jun 21 09:00:00 app1 userdel[8100]: removed group 'svc-report' owned by 'svc-report'"
    expect = { group = "svc-report", account = "svc-report" }
  }
  test {
    log    = "Jun 21 09:05:00 app1 groupdel[8200]: group 'legacy' removed"
    expect = { group = "legacy" }
  }
}

rule "usermod-group" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 630
  pattern          = "add '(?P<account>[^']+)' to (?:shadow )?group '(?P<group>[^']+)'"
  classification   = "Account Modified"
  common_event     = "User Added To Group"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["iam"], "event.type" = ["group", "change"] }

  sub_rule "admin-group" {
    when         = <<-CEL
      event.group in ["wheel", "sudo", "admin", "root"]
    CEL
    common_event = "User Added To Admin Group"
    risk         = 6
  }

  test {
    log    = "Jun 22 10:00:00 app1 usermod[8300]: add 'carol' to group 'wheel'"
    expect = { account = "carol", group = "wheel", common_event = "User Added To Admin Group", risk = 6 }
  }
  test {
    log    = "Jun 22 10:00:01 app1 usermod[8300]: add 'carol' to shadow group 'docker'"
    expect = { group = "docker", common_event = "User Added To Group" }
  }
}

rule "password-changed" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 640
  pattern          = "password changed for (?P<account>\\S+)"
  classification   = "Account Modified"
  common_event     = "Password Changed"
  risk             = 2
  fields           = { "event.outcome" = "success", "event.category" = ["iam"], "event.type" = ["user", "change"] }

  test {
    log    = "Jun 22 10:05:00 app1 passwd[8400]: pam_unix(passwd:chauthtok): password changed for carol"
    expect = { account = "carol", process = "passwd" }
  }
}

# ---------------------------------------------------------------- older services

rule "ftpd-connection" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 700
  pattern          = <<-RE
    ftpd\[<pid>\]: connection from <sip> \((?:<sname>)?\)
  RE
  classification   = "Network Allow"
  common_event     = "FTP Connection"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  test {
    log    = "Mar  2 19:41:05 oldbox ftpd[2950]: connection from 192.0.2.130 (client-130.example.net) at Thu Mar  2 19:41:05 2006 "
    expect = { sip = "192.0.2.130", sname = "client-130.example.net" }
  }
  test {
    log    = "Mar  2 19:41:09 oldbox ftpd[2951]: connection from 192.0.2.131 () at Thu Mar  2 19:41:09 2006"
    expect = { sip = "192.0.2.131" }
  }
}

rule "ftpd-anonymous-login" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 710
  pattern          = "ANONYMOUS FTP LOGIN FROM <sip>, +\\((?P<anonymous_id>[^)]*)\\)"
  classification   = "Authentication Success"
  common_event     = "Anonymous FTP Logon"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["authentication"], "user.name" = "anonymous" }

  test {
    log    = "Mar  2 19:42:30 oldbox ftpd[2952]: ANONYMOUS FTP LOGIN FROM 198.51.100.12,  (guest@example.org)"
    expect = { sip = "198.51.100.12", login = "anonymous", anonymous_id = "guest@example.org" }
  }
}

rule "ftpd-timeout" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 720
  pattern          = <<-RE
    ftpd\[<pid>\]: User \S+ timed out after (?P<timeout_seconds>\d+) seconds
  RE
  classification   = "Information"
  common_event     = "FTP Session Timeout"
  risk             = 1

  test {
    log    = "Mar  2 19:51:09 oldbox ftpd[2951]: User unknown timed out after 600 seconds at Thu Mar  2 19:51:09 2006"
    expect = { timeout_seconds = "600" }
  }
}

rule "klogind-auth-failed" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 730
  pattern          = <<-RE
    Authentication failed from <sip> \([^)]*\): (?P<reason>.+?)\s*$
  RE
  classification   = "Authentication Failure"
  common_event     = "Remote Logon Failure"
  risk             = 3
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Mar  3 07:12:44 oldbox klogind[4410]: Authentication failed from 203.0.113.39 (ws-39.example.org): Permission denied in replay cache code "
    expect = { sip = "203.0.113.39", reason = "Permission denied in replay cache code" }
  }
}

rule "kerberos-auth-failed" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 731
  pattern          = "Kerberos authentication failed"
  classification   = "Authentication Failure"
  common_event     = "Kerberos Logon Failure"
  risk             = 3
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Mar  3 07:12:44 oldbox klogind[4410]: Kerberos authentication failed"
    expect = { process = "klogind" }
  }
}

rule "root-console-login" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 740
  pattern          = "ROOT LOGIN +ON <tty>(?: FROM <shost>)?"
  classification   = "Authentication Success"
  common_event     = "Root Logon"
  risk             = 6
  fields           = { "event.outcome" = "success", "event.category" = ["authentication"], "user.name" = "root" }

  test {
    log    = "Mar  3 06:58:20 oldbox login[1998]: ROOT LOGIN ON tty1"
    expect = { tty = "tty1", login = "root" }
  }
}

rule "gdm-auth-failed" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 750
  pattern          = "Couldn't authenticate user"
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 3
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Mar  3 09:14:51 oldbox gdm-binary[3170]: Couldn't authenticate user"
    expect = { process = "gdm-binary" }
  }
}

# ---------------------------------------------------------------- PAM modules

rule "pam-account-locked" {
  description      = "pam_faillock / pam_tally2 locked an account after repeated failures"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 175
  pattern          = <<-RE
    (?:Consecutive login failures for user <login> account temporarily locked|user <login> \(\d+\) tally (?P<attempts>\d+), deny (?P<max_attempts>\d+)|The account <login> is locked|Account locked due to (?P<attempts>\d+) failed logins)
  RE
  classification   = "Authentication Failure"
  common_event     = "Account Locked Out"
  risk             = 6
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Oct  2 09:00:00 web-02 sshd[3100]: pam_faillock(sshd:auth): Consecutive login failures for user carol account temporarily locked"
    expect = { login = "carol", common_event = "Account Locked Out" }
  }
  test {
    log    = "Oct  2 09:00:01 web-02 sshd[3101]: pam_tally2(sshd:auth): user carol (1001) tally 6, deny 5"
    expect = { login = "carol", attempts = "6", max_attempts = "5" }
  }
}

rule "pam-account-expired" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 176
  pattern          = <<-RE
    pam_\w+\([\w.-]+:account\): (?:account <login> has expired \(account expired\)|expired password for user <login> \(password aged\)|account <login> has password changed in future)
  RE
  classification   = "Authentication Failure"
  common_event     = "Account Expired"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Oct  2 09:01:00 web-02 sshd[3110]: pam_unix(sshd:account): account olduser has expired (account expired)"
    expect = { login = "olduser" }
  }
}

rule "pam-message" {
  description      = "any other line a PAM module logs: pam_<module>(<service>:<stack>): <text>"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 9010
  pattern          = <<-RE
    pam_(?P<pam_module>\w+)(?:\((?P<service__name>[\w.@-]+):(?P<pam_stack>auth|account|session|password|setcred)\))?(?:\[\d+\])?: (?P<reason>.*?)\s*$
  RE
  classification   = "Other Audit"
  common_event     = "PAM Message"
  risk             = 1
  fields           = { "event.category" = ["authentication"] }

  sub_rule "failed" {
    when           = "event.reason.matches(\"(?i)fail|denied|error|invalid|refused\")"
    classification = "Other Audit Failure"
    common_event   = "PAM Failure"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "May  4 17:48:43 app3 sshd[15044]: pam_systemd(sshd:session): Failed to create session: Access denied"
    expect = { pam_module = "systemd", "service.name" = "sshd", pam_stack = "session", common_event = "PAM Failure" }
  }
  test {
    log    = "May  4 17:48:45 app3 sshd[15046]: pam_ldap: error trying to bind as user \"uid=alice,ou=people,dc=example,dc=com\" (Invalid credentials)"
    expect = { pam_module = "ldap", common_event = "PAM Failure" }
  }
  test {
    log    = "May  4 17:48:44 app3 login[15045]: pam_lastlog(login:session): unable to open /var/log/lastlog"
    expect = { pam_module = "lastlog", common_event = "PAM Message" }
  }
}

# ---------------------------------------------------------------- su (Debian sulog form), doas

rule "su-sulog" {
  description      = "Debian/shadow su: '+ tty from:to' for a success, '- tty from:to' for a failure"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 505
  pattern          = <<-RE
    su(?:\[<pid>\])?: (?P<su_result>[+-]) (?P<tty>\S+) <login>:<account>\s*$
  RE
  classification   = "Authentication Success"
  common_event     = "Su Success"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["authentication"] }

  sub_rule "failed" {
    when           = "event.su_result == \"-\""
    classification = "Authentication Failure"
    common_event   = "Su Failure"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "May  9 14:05:00 deb1 su[3050]: + pts/1 carol:root"
    expect = { login = "carol", account = "root", tty = "pts/1", common_event = "Su Success" }
  }
  test {
    log    = "May  9 14:05:01 deb1 su[3051]: - pts/1 mallory:root"
    expect = { login = "mallory", common_event = "Su Failure", "event.outcome" = "failure" }
  }
}

rule "su-authentication-failure" {
  description      = "util-linux su"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 506
  pattern          = <<-RE
    su(?:\[<pid>\])?: pam_authenticate: (?P<reason>.*?)\s*$
  RE
  classification   = "Authentication Failure"
  common_event     = "Su Failure"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "May  9 14:06:00 fed1 su[3060]: pam_authenticate: Authentication failure"
    expect = { reason = "Authentication failure", rule = "su-authentication-failure" }
  }
}

rule "su-bsd" {
  description      = "BSD and Solaris su: 'alice to root on /dev/ttyp0', 'BAD SU alice to root on /dev/ttyp0'"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 507
  pattern          = <<-RE
    su(?:\[<pid>\])?: (?P<su_result>BAD SU )?<login> to <account> on <tty>\s*$
  RE
  classification   = "Authentication Success"
  common_event     = "Su Success"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["authentication"] }

  sub_rule "failed" {
    when           = "has(event.su_result)"
    classification = "Authentication Failure"
    common_event   = "Su Failure"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Jun  1 12:10:00 bsd1 su: alice to root on /dev/ttyp0"
    expect = { login = "alice", account = "root", tty = "/dev/ttyp0", common_event = "Su Success" }
  }
  test {
    log    = "Jun  1 12:10:05 bsd1 su: BAD SU mallory to root on /dev/ttyp1"
    expect = { login = "mallory", common_event = "Su Failure" }
  }
}

rule "doas-command" {
  description      = "doas (OpenBSD, opendoas on Linux) ran a command"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 420
  pattern          = <<-RE
    doas(?:\[<pid>\])?: <login> ran command <command> as <runas> from <cwd>\s*$
  RE
  classification   = "Other Audit Success"
  common_event     = "Doas Command"
  risk             = 2
  fields           = { "event.outcome" = "success", "event.category" = ["process"] }

  sub_rule "as-root" {
    when         = "event.runas == \"root\""
    common_event = "Doas Command As Root"
    risk         = 3
  }

  test {
    log    = "Jun  1 12:00:00 obsd1 doas: erin ran command rcctl restart httpd as root from /home/erin"
    expect = { login = "erin", command = "rcctl restart httpd", runas = "root", cwd = "/home/erin", common_event = "Doas Command As Root" }
  }
}

rule "doas-denied" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 421
  pattern          = <<-RE
    doas(?:\[<pid>\])?: (?:(?P<reason>command not permitted) for <login>: <command>|(?P<reason>failed auth|failed password|tried to run as) for <login>)
  RE
  classification   = "Access Failure"
  common_event     = "Doas Denied"
  risk             = 5
  fields           = { "event.outcome" = "failure", "event.category" = ["process"] }

  sub_rule "auth" {
    when           = "event.reason.startsWith(\"failed\")"
    classification = "Authentication Failure"
    common_event   = "Doas Authentication Failure"
    risk           = 4
    fields         = { "event.category" = ["authentication"] }
  }

  test {
    log    = "Jun  1 12:00:01 obsd1 doas: command not permitted for mallory: cat /etc/master.passwd"
    expect = { login = "mallory", command = "cat /etc/master.passwd", common_event = "Doas Denied" }
  }
  test {
    log    = "Jun  1 12:00:02 obsd1 doas[4411]: failed auth for mallory"
    expect = { login = "mallory", common_event = "Doas Authentication Failure" }
  }
}

# ---------------------------------------------------------------- dropbear

rule "dropbear-auth-succeeded" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 600
  pattern          = <<-RE
    (?P<method>Password|Pubkey) auth succeeded for '(?P<login>[^']*)'(?: with (?:key|\S+ key) (?P<ssh_key_fingerprint>.*?))? from \[?<sip>\]?:<sport>
  RE
  classification   = "Authentication Success"
  common_event     = "User Logon"
  risk             = 3
  fields           = { "event.outcome" = "success", "event.category" = ["authentication", "session"], "event.action" = "ssh_login" }

  sub_rule "root" {
    when         = "event.login == \"root\""
    common_event = "Root Logon"
    risk         = 7
  }

  test {
    log    = "Jun  2 08:00:00 router1 dropbear[1501]: Password auth succeeded for 'root' from 192.0.2.70:51000"
    expect = { method = "Password", login = "root", sip = "192.0.2.70", sport = "51000", common_event = "Root Logon" }
  }
  test {
    log    = "Jun  2 08:00:01 router1 dropbear[1502]: Pubkey auth succeeded for 'admin' with ssh-ed25519 key SHA256:EXAMPLEfp from 192.0.2.71:51001"
    expect = { method = "Pubkey", login = "admin", sip = "192.0.2.71" }
  }
}

rule "dropbear-auth-failed" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 601
  pattern          = <<-RE
    (?:Bad password attempt|Pubkey auth bad signature|User account '[^']*' is locked|Max auth tries reached - user) (?:for )?'(?P<login>[^']*)'(?: with (?:key|\S+ key) .*?)? from \[?<sip>\]?:<sport>
  RE
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login" }

  test {
    log    = "Jun  2 08:01:00 router1 dropbear[1510]: Bad password attempt for 'root' from 203.0.113.60:40000"
    expect = { login = "root", sip = "203.0.113.60", sport = "40000" }
  }
  test {
    log    = "Jun  2 08:01:01 router1 dropbear[1511]: Max auth tries reached - user 'admin' from 203.0.113.61:40001"
    expect = { login = "admin", sip = "203.0.113.61" }
  }
}

rule "dropbear-nonexistent-user" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 602
  pattern          = <<-RE
    Login attempt for nonexistent user(?: '(?P<login>[^']*)')? from \[?<sip>\]?:<sport>
  RE
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure: Invalid Account"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"], "event.action" = "ssh_login" }

  test {
    log    = "Jun  2 08:02:00 router1 dropbear[1520]: Login attempt for nonexistent user from 203.0.113.62:40002"
    expect = { sip = "203.0.113.62", sport = "40002" }
  }
}

rule "dropbear-exit" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 599
  pattern          = <<-RE
    dropbear(?:\[<pid>\])?: (?:Exit before auth(?: \(user '(?P<login>[^']*)', (?P<attempts>\d+) fails\))?|Exit \((?P<login>[^)]*)\))(?: from <\[?<sip>\]?:<sport>>)?: (?P<reason>.*?)\s*$
  RE
  classification   = "Information"
  common_event     = "SSH Disconnect"
  risk             = 1
  fields           = { "event.category" = ["network"] }

  sub_rule "failed-auth" {
    when           = "has(event.attempts) && event.attempts != \"0\""
    classification = "Authentication Failure"
    common_event   = "User Logon Failure"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Jun  2 08:03:00 router1 dropbear[1530]: Exit before auth (user 'root', 10 fails): Max auth tries reached - user 'root' from 203.0.113.63:40003"
    expect = { login = "root", attempts = "10", common_event = "User Logon Failure" }
  }
  test {
    log    = "Jun  2 08:03:01 router1 dropbear[1531]: Exit (admin) from <192.0.2.71:51001>: Disconnect received"
    expect = { login = "admin", sip = "192.0.2.71", reason = "Disconnect received", common_event = "SSH Disconnect" }
  }
}

rule "dropbear-connection" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 604
  pattern          = <<-RE
    dropbear(?:\[<pid>\])?: Child connection from \[?<sip>\]?:<sport>
  RE
  classification   = "Network Allow"
  common_event     = "SSH Connection"
  risk             = 1
  fields           = { "event.category" = ["network"], "event.type" = ["connection", "start"], "network.transport" = "tcp" }

  test {
    log    = "Jun  2 08:04:00 router1 dropbear[1540]: Child connection from 192.0.2.72:51010"
    expect = { sip = "192.0.2.72", sport = "51010" }
  }
}

rule "dropbear-message" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 9061
  pattern          = <<-RE
    dropbear(?:\[<pid>\])?: 
  RE
  classification   = "Information"
  common_event     = "SSH Message"
  risk             = 0

  test {
    log    = "Jun  2 08:05:00 router1 dropbear[1550]: Running in background"
    expect = { rule = "dropbear-message" }
  }
}

# ---------------------------------------------------------------- login, rsh, rlogin

rule "login-failed" {
  description      = "login(1) from shadow-utils or util-linux"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 930
  pattern          = <<-RE
    (?:FAILED LOGIN (?P<attempts>\d+)|TOO MANY LOGIN TRIES \((?P<attempts>\d+)\)) (?:FROM (?P<login_origin>\S+) )?(?:ON (?P<tty>\S+) )?FOR (?P<login>\S+?), (?P<reason>.*?)\s*$
  RE
  classification   = "Authentication Failure"
  common_event     = "User Logon Failure"
  risk             = 4
  fields           = { "event.outcome" = "failure", "event.category" = ["authentication"] }

  test {
    log    = "Jun  3 07:00:00 console1 login[900]: FAILED LOGIN 1 FROM tty1 FOR alice, Authentication failure"
    expect = { attempts = "1", login = "alice", reason = "Authentication failure" }
  }
  test {
    log    = "Jun  3 07:00:01 console1 login[901]: TOO MANY LOGIN TRIES (5) FROM 192.0.2.80 FOR root, Authentication failure"
    expect = { attempts = "5", login = "root" }
  }
}

rule "login-success" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 931
  pattern          = <<-RE
    login(?:\[<pid>\])?: (?:pam_unix\(login:session\): )?LOGIN ON <tty> BY <login>(?: FROM <shost>)?
  RE
  classification   = "Authentication Success"
  common_event     = "User Logon"
  risk             = 2
  fields           = { "event.outcome" = "success", "event.category" = ["authentication", "session"] }

  test {
    log    = "Jun  3 07:01:00 console1 login[910]: LOGIN ON tty1 BY alice"
    expect = { tty = "tty1", login = "alice" }
  }
}

rule "rsh-illegal-port" {
  description      = "rshd/rlogind refused a connection from an unprivileged source port: not a real rsh client"
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 940
  pattern          = <<-RE
    (?:rshd|rlogind|rexecd|in\.rshd|in\.rlogind)(?:\[<pid>\])?: Connection from <shost> on illegal port
  RE
  classification   = "Suspicious"
  common_event     = "Rsh Connection From Illegal Port"
  risk             = 4
  fields           = { "event.category" = ["network"], "event.outcome" = "failure" }

  test {
    log    = "Dec 17 10:49:23 legacy1 rshd[3473]: Connection from 198.51.100.17 on illegal port"
    expect = { "source.ip" = "198.51.100.17", common_event = "Rsh Connection From Illegal Port" }
  }
}

rule "rsh-command" {
  log_source_types = ["linux-auth", "syslog", "loghub-linux", "loghub-openssh"]
  sort_order       = 941
  pattern          = <<-RE
    (?:rshd|in\.rshd|rexecd)(?:\[<pid>\])?: (?P<remote_user>[^@\s]+)@<shost> as <login>: (?:(?P<reason>[^.]+)\. )?cmd='(?P<command>[^']*)'
  RE
  classification   = "Other Audit Success"
  common_event     = "Rsh Command"
  risk             = 3
  fields           = { "event.category" = ["process"] }

  sub_rule "denied" {
    when           = "has(event.reason)"
    classification = "Access Failure"
    common_event   = "Rsh Command Denied"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "Dec 17 10:50:00 legacy1 rshd[3480]: root@ops1.example.com as root: cmd='uptime'"
    expect = { remote_user = "root", login = "root", command = "uptime", common_event = "Rsh Command" }
  }
  test {
    log    = "Dec 17 10:50:01 legacy1 rshd[3481]: guest@198.51.100.18 as root: Permission denied. cmd='cat /etc/shadow'"
    expect = { reason = "Permission denied", common_event = "Rsh Command Denied" }
  }
}
