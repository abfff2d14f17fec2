# Linux Audit (auditd) records: the lines of /var/log/audit/audit.log, and
# the same records forwarded over syslog by audispd / audisp-syslog or
# journald ("audispd: node=web1 type=USER_LOGIN msg=audit(…): …").
#
# Every record starts "[node=<host> ]type=<RECORD_TYPE> msg=audit(<epoch>:<serial>): "
# and continues with key=value pairs; user-space records (PAM, sudo,
# shadow-utils, systemd) wrap theirs in msg='…'. The rules read the pairs
# a SOC needs with plain regular expressions, following Elastic's auditd
# module: auditd.log.record_type, auditd.log.sequence, process.pid/ppid,
# user.id (uid), user.audit.id (auid), user.effective.id (euid),
# process.name (comm), process.executable (exe), user.name (acct),
# source.ip (addr), event.outcome (res / success).
#
# The kernel's own numeric form ("kernel: audit: type=1400 audit(…)") is
# read by linux-system.hcl; these rules need the record type's name.
#
# Test lines are made up: documentation addresses and invented hosts,
# users and keys.

log_source_type "auditd" {
  header   = "syslog"
  timezone = "UTC"
  vendor   = "Linux"
  product  = "auditd"
  module   = "auditd"
}

# ------------------------------------------------------------ system calls

rule "auditd-syscall" {
  description      = "a SYSCALL record: a watched file, a rule key, an execve; Wazuh may join its CWD/PATH records on one line"
  log_source_types = ["auditd"]
  sort_order       = 1500
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>SYSCALL) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>SYSCALL)) +arch=(?P<auditd__log__arch>\w+) syscall=(?P<auditd__log__syscall>\w+)(?: success=(?P<auditd__log__success>yes|no))?(?: exit=(?P<auditd__log__exit>-?\w+))?.*? ppid=<ppid> pid=<pid> auid=(?:(?P<user__audit__id>\d+)|(?P<user__audit__name>\S+)) uid=(?:(?P<user__id>\d+)|<login>) gid=(?:(?P<user__group__id>\d+)|(?P<user__group__name>\S+)) euid=(?:(?P<user__effective__id>\d+)|(?P<user__effective__name>\S+))(?:.*? tty=(?P<auditd__log__tty>\S+))?(?: ses=(?P<auditd__log__ses>\d+))?(?: comm=(?:"(?P<process__name>[^"]*)"|(?P<process__name>[^\s"]+)))?(?: exe=(?:"(?P<process__executable>[^"]*)"|(?P<process__executable>[^\s"]+)))?(?:.*? key=(?:"(?P<auditd__log__key>[^"]*)"|\(null\)|(?P<auditd__log__key>[^\s\x{1d}\\]+)))?(?:.*?(?:\x{1d}|\\u001[dD])ARCH=\S+ SYSCALL=(?P<auditd__log__syscall_name>\w+)(?: AUID="(?P<user__audit__name>[^"]*)")?(?: UID="<login>")?)?(?:.*? cwd="(?P<process__working_directory>[^"]*)")?(?:.*? type=PATH msg=audit\([\d.:]+\): +item=\d+ name="(?P<file__path>[^"]*)")?
  RE
  classification   = "Other Audit"
  common_event     = "Audited System Call"
  risk             = 2
  fields           = { "event.category" = ["process"], "event.action" = "executed-syscall", "event.outcome" = "success" }

  sub_rule "failed" {
    when           = "has(event.auditd.log.success) && event.auditd.log.success == \"no\""
    classification = "Other Audit Failure"
    common_event   = "Audited System Call Failed"
    risk           = 3
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "execve" {
    when         = "event.auditd.log.syscall == \"59\" || event.auditd.log.syscall == \"execve\" || event.auditd.log.syscall == \"11\" || event.auditd.log.syscall == \"221\""
    common_event = "Audited Program Execution"
    fields       = { "event.category" = ["process"], "event.type" = ["start"], "event.action" = "executed" }
  }

  test {
    log = "type=SYSCALL msg=audit(1717000000.120:4410): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55e0 a2=55f0 a3=0 items=2 ppid=3100 pid=3150 auid=1001 uid=1001 gid=1001 euid=1001 suid=1001 fsuid=1001 egid=1001 sgid=1001 fsgid=1001 tty=pts1 ses=7 comm=\"nc\" exe=\"/usr/bin/nc.openbsd\" key=\"susp_exec\""
    expect = {
      "auditd.log.record_type" = "SYSCALL"
      "auditd.log.sequence"    = "4410"
      "auditd.log.syscall"     = "59"
      ppid                     = "3100"
      pid                      = "3150"
      "user.audit.id"          = "1001"
      "user.id"                = "1001"
      "process.name"           = "nc"
      "process.executable"     = "/usr/bin/nc.openbsd"
      "auditd.log.key"         = "susp_exec"
      common_event             = "Audited Program Execution"
      "event.outcome"          = "success"
    }
  }
  test {
    log             = "node=db2.example.com type=SYSCALL msg=audit(1717000001.500:4411): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=7ffd a2=0 a3=0 items=1 ppid=900 pid=901 auid=4294967295 uid=27 gid=27 euid=27 suid=27 fsuid=27 egid=27 sgid=27 fsgid=27 tty=(none) ses=4294967295 comm=\"mysqld\" exe=\"/usr/sbin/mysqld\" subj=system_u:system_r:mysqld_t:s0 key=\"shadow_read\" type=CWD msg=audit(1717000001.500:4411): cwd=\"/var/lib/mysql\" type=PATH msg=audit(1717000001.500:4411): item=0 name=\"/etc/shadow\" inode=1234 dev=fd:00 mode=0100000 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL"
    log_source_type = "syslog"
    expect = {
      "auditd.log.node"           = "db2.example.com"
      "event.outcome"             = "failure"
      common_event                = "Audited System Call Failed"
      "auditd.log.key"            = "shadow_read"
      "process.working_directory" = "/var/lib/mysql"
      "file.path"                 = "/etc/shadow"
      "observer.vendor"           = "Linux"
      "event.module"              = "auditd"
    }
  }
  test {
    log             = "Jun  5 10:00:00 web1 audispd: node=web1 type=SYSCALL msg=audit(1717581600.001:88): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=2200 auid=1002 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"id\" exe=\"/usr/bin/id\" key=\"rootcmd\"\u001dARCH=x86_64 SYSCALL=execve AUID=\"dave\" UID=\"root\" GID=\"root\""
    log_source_type = "syslog"
    expect          = { "auditd.log.syscall_name" = "execve", "user.audit.name" = "dave", login = "root", "process.name" = "id", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
  test {
    log    = "type=SYSCALL msg=audit(06/05/2024 10:00:00.123:4412) : arch=x86_64 syscall=execve success=yes exit=0 a0=0x55d0 a1=0x55e0 a2=0x55f0 a3=0x0 items=2 ppid=3100 pid=3151 auid=erin uid=root gid=root euid=root suid=root fsuid=root egid=root sgid=root fsgid=root tty=pts1 ses=7 comm=id exe=/usr/bin/id key=rootcmd"
    expect = { "auditd.log.sequence" = "4412", "auditd.log.syscall" = "execve", "user.audit.name" = "erin", login = "root", "process.name" = "id", "process.executable" = "/usr/bin/id", "auditd.log.key" = "rootcmd", common_event = "Audited Program Execution" }
  }
}

rule "auditd-execve" {
  description      = "the arguments of an executed program"
  log_source_types = ["auditd"]
  sort_order       = 1501
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>EXECVE) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>EXECVE)) +argc=(?P<process__args_count>\d+) (?P<auditd__log__args>a0=.*?)\s*$
  RE
  classification   = "Other Audit"
  common_event     = "Audited Program Arguments"
  risk             = 1
  fields           = { "event.category" = ["process"], "event.type" = ["start"], "event.action" = "executed" }

  test {
    log             = "type=EXECVE msg=audit(1717000000.120:4410): argc=3 a0=\"nc\" a1=\"-e\" a2=\"/bin/sh\""
    log_source_type = "syslog"
    expect          = { "process.args_count" = "3", "auditd.log.args" = "a0=\"nc\" a1=\"-e\" a2=\"/bin/sh\"", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
}

rule "auditd-path" {
  description      = "the file a system call touched (PATH), its directory (CWD) or the command line (PROCTITLE), each on its own line"
  log_source_types = ["auditd"]
  sort_order       = 1502
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>PATH|CWD|PROCTITLE|SOCKADDR) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>PATH|CWD|PROCTITLE|SOCKADDR)) +(?:item=\d+ name=(?:"(?P<file__path>[^"]*)"|(?P<file__path>\S+))(?: inode=(?P<file__inode>\d+))?(?: dev=\S+)?(?: mode=(?P<file__mode>\d+))?(?: ouid=(?P<file__uid>\d+))?(?: ogid=(?P<file__gid>\d+))?|cwd="(?P<process__working_directory>[^"]*)"|proctitle=(?P<auditd__log__proctitle>\S+)|saddr=(?P<auditd__log__saddr>\S+))
  RE
  classification   = "Other Audit"
  common_event     = "Audited System Call Detail"
  risk             = 0
  fields           = { "event.category" = ["file"] }

  test {
    log             = "type=PATH msg=audit(1717000001.500:4411): item=0 name=\"/etc/shadow\" inode=1234 dev=fd:00 mode=0100000 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL"
    log_source_type = "syslog"
    expect          = { "file.path" = "/etc/shadow", "file.inode" = "1234", "file.uid" = "0", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
  test {
    log    = "type=PROCTITLE msg=audit(1717000001.500:4411): proctitle=2F7573722F62696E2F6964"
    expect = { "auditd.log.proctitle" = "2F7573722F62696E2F6964" }
  }
}

# ------------------------------------------------------------ user space: PAM, logins, sudo, accounts, services

rule "auditd-user-record" {
  description      = "a record a user-space program sent (PAM, login, sshd, sudo, passwd, useradd, systemd): msg='op=… acct=… exe=… addr=… res=…'"
  log_source_types = ["auditd"]
  sort_order       = 1510
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>USER_\w+|CRED_\w+|ACCT_\w+|ADD_USER|DEL_USER|ADD_GROUP|DEL_GROUP|GRP_\w+|ROLE_\w+|SERVICE_\w+|SYSTEM_\w+|LOGIN|CHGRP_ID|CHUSER_ID|SOFTWARE_UPDATE|TRUSTED_APP|USYS_CONFIG|TEST) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>USER_\w+|CRED_\w+|ACCT_\w+|ADD_USER|DEL_USER|ADD_GROUP|DEL_GROUP|GRP_\w+|ROLE_\w+|SERVICE_\w+|SYSTEM_\w+|LOGIN|CHGRP_ID|CHUSER_ID|SOFTWARE_UPDATE|TRUSTED_APP|USYS_CONFIG|TEST)) +(?:user )?(?:pid=<pid> )?(?:uid=(?P<user__id>\d+) )?(?:old-auid=\d+ )?(?:auid=(?P<user__audit__id>\d+) )?(?:.*?ses=(?P<auditd__log__ses>\d+))?(?:.*? msg='(?:op=(?:"(?P<auditd__log__op>[^"]*)"|(?P<auditd__log__op>[^\s=']+(?: [^\s=']+)*))(?: |'|$))?(?:.*?\b(?:acct|user)=(?:"<login>"|(?P<auditd__log__acct_hex>[0-9A-F]+)))?(?:.*?\bcmd=(?:"(?P<process__command_line>[^"]*)"|(?P<auditd__log__cmd_hex>[0-9A-F]+)))?(?:.*?\bunit=(?P<service__name>\S+))?(?:.*?\bexe="(?P<process__executable>[^"]*)")?(?:.*?\bhostname=(?P<auditd__log__hostname>\S+))?(?:.*?\baddr=(?:\?|<sip>))?(?:.*?\bterminal=(?P<auditd__log__terminal>[^\s']+))?(?:.*?\bres=(?P<auditd__log__res>\w+))?)?
  RE
  classification   = "Other Audit"
  common_event     = "Audited User Action"
  risk             = 1
  fields           = { "event.category" = ["authentication"] }

  sub_rule "login-failed" {
    when           = "event.auditd.log.record_type in [\"USER_AUTH\", \"USER_LOGIN\", \"USER_ACCT\", \"USER_ERR\", \"ANOM_LOGIN_FAILURES\"] && has(event.auditd.log.res) && event.auditd.log.res.startsWith(\"fail\")"
    classification = "Authentication Failure"
    common_event   = "User Logon Failure"
    risk           = 4
    fields         = { "event.outcome" = "failure", "event.action" = "user_login", "event.category" = ["authentication"] }
  }
  sub_rule "login" {
    when           = "event.auditd.log.record_type in [\"USER_AUTH\", \"USER_LOGIN\"]"
    classification = "Authentication Success"
    common_event   = "User Logon"
    risk           = 2
    fields         = { "event.outcome" = "success", "event.action" = "user_login", "event.category" = ["authentication"] }
  }
  sub_rule "account-locked" {
    when           = "event.auditd.log.record_type == \"ACCT_LOCK\""
    classification = "Account Modified"
    common_event   = "Account Locked"
    risk           = 4
    fields         = { "event.category" = ["iam"], "event.type" = ["user", "change"], "event.action" = "locked-account" }
  }
  sub_rule "account-unlocked" {
    when           = "event.auditd.log.record_type == \"ACCT_UNLOCK\""
    classification = "Account Modified"
    common_event   = "Account Unlocked"
    risk           = 3
    fields         = { "event.category" = ["iam"], "event.type" = ["user", "change"], "event.action" = "unlocked-account" }
  }
  sub_rule "account-created" {
    when           = "event.auditd.log.record_type in [\"ADD_USER\", \"ADD_GROUP\"]"
    classification = "Account Created"
    common_event   = "Account Created"
    risk           = 3
    fields         = { "event.category" = ["iam"], "event.type" = ["creation"] }
  }
  sub_rule "account-deleted" {
    when           = "event.auditd.log.record_type in [\"DEL_USER\", \"DEL_GROUP\"]"
    classification = "Account Deleted"
    common_event   = "Account Deleted"
    risk           = 3
    fields         = { "event.category" = ["iam"], "event.type" = ["deletion"] }
  }
  sub_rule "account-changed" {
    when           = "event.auditd.log.record_type in [\"USER_MGMT\", \"GRP_MGMT\", \"USER_CHAUTHTOK\", \"GRP_CHAUTHTOK\", \"CHGRP_ID\", \"CHUSER_ID\", \"ROLE_ASSIGN\", \"ROLE_REMOVE\", \"ACCT_\"]"
    classification = "Account Modified"
    common_event   = "Account Modified"
    risk           = 3
    fields         = { "event.category" = ["iam"], "event.type" = ["change"] }
  }
  sub_rule "command" {
    when           = "event.auditd.log.record_type == \"USER_CMD\""
    classification = "Other Audit Success"
    common_event   = "Privileged Command"
    risk           = 2
    fields         = { "event.category" = ["process"], "event.type" = ["start"], "event.action" = "ran-command" }
  }
  sub_rule "session" {
    when           = "event.auditd.log.record_type in [\"USER_START\", \"USER_END\", \"USER_LOGOUT\", \"CRED_ACQ\", \"CRED_DISP\", \"CRED_REFR\", \"LOGIN\"]"
    classification = "Other Audit Success"
    common_event   = "User Session Change"
    risk           = 1
    fields         = { "event.category" = ["session"] }
  }
  sub_rule "service" {
    when           = "event.auditd.log.record_type.startsWith(\"SERVICE_\") || event.auditd.log.record_type.startsWith(\"SYSTEM_\")"
    classification = "Startup and Shutdown"
    common_event   = "Service State Change"
    risk           = 1
    fields         = { "event.category" = ["process"] }
  }

  test {
    log = "type=USER_LOGIN msg=audit(1717000100.001:5001): pid=4400 uid=0 auid=1001 ses=9 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=login id=1001 exe=\"/usr/sbin/sshd\" hostname=198.51.100.20 addr=198.51.100.20 terminal=/dev/pts/2 res=success'"
    expect = {
      "auditd.log.record_type" = "USER_LOGIN"
      pid                      = "4400"
      "user.audit.id"          = "1001"
      "auditd.log.op"          = "login"
      "process.executable"     = "/usr/sbin/sshd"
      sip                      = "198.51.100.20"
      "auditd.log.res"         = "success"
      common_event             = "User Logon"
      "event.outcome"          = "success"
    }
  }
  test {
    log             = "Jun  5 10:05:00 web1 audispd: node=web1 type=USER_AUTH msg=audit(1717581900.100:91): pid=2300 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"oracle\" exe=\"/usr/sbin/sshd\" hostname=203.0.113.40 addr=203.0.113.40 terminal=ssh res=failed'"
    log_source_type = "syslog"
    expect          = { login = "oracle", sip = "203.0.113.40", common_event = "User Logon Failure", "event.outcome" = "failure", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
  test {
    log             = "Dec  2 10:00:00 fedora audit[1]: SERVICE_STOP pid=1 uid=0 auid=4294967295 ses=4294967295 msg='unit=nginx comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'"
    log_source_type = "syslog"
    expect          = { "auditd.log.record_type" = "SERVICE_STOP", "service.name" = "nginx", common_event = "Service State Change", "observer.vendor" = "Linux" }
  }
  test {
    log    = "type=ACCT_LOCK msg=audit(1717000200.448:891): pid=4171 uid=0 auid=1000 ses=3 subj=unconfined_u:unconfined_r:passwd_t:s0-s0:c0.c1023 msg='op=locked-password id=1001 exe=\"/usr/bin/passwd\" hostname=files1 addr=? terminal=pts/0 res=success'"
    expect = { "auditd.log.op" = "locked-password", common_event = "Account Locked" }
  }
  test {
    log    = "type=USER_CMD msg=audit(1717000300.000:901): pid=5100 uid=1001 auid=1001 ses=9 msg='cwd=\"/home/erin\" cmd=73797374656D63746C20737461747573 terminal=pts/2 res=success'"
    expect = { "auditd.log.cmd_hex" = "73797374656D63746C20737461747573", common_event = "Privileged Command" }
  }
  test {
    log    = "type=ADD_USER msg=audit(1717000400.000:950): pid=5200 uid=0 auid=1001 ses=9 msg='op=adding user id=1005 exe=\"/usr/sbin/useradd\" hostname=? addr=? terminal=pts/2 res=success'"
    expect = { "auditd.log.op" = "adding user", common_event = "Account Created" }
  }
  test {
    log    = "type=SERVICE_START msg=audit(1717000500.000:960): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='unit=nginx comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'"
    expect = { "service.name" = "nginx", common_event = "Service State Change" }
  }
}

# ------------------------------------------------------------ the audit daemon and its configuration

rule "auditd-daemon" {
  description      = "auditd started, stopped, aborted, resumed, rotated or reconfigured"
  log_source_types = ["auditd"]
  sort_order       = 1520
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>DAEMON_\w+) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>DAEMON_\w+)) +(?P<reason>[^,=]*?)(?:,| [a-z_]+=)(?:.*? ver=(?P<service__version>\S+))?(?:.*? auid=(?:\?|(?P<user__audit__id>\d+)))?(?:.*? pid=(?:\?|<pid>))?(?:.*? res=(?P<auditd__log__res>\w+))?
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Audit Daemon State Change"
  risk             = 2
  fields           = { "event.category" = ["process"], "service.type" = "auditd" }

  sub_rule "abort" {
    when           = "event.auditd.log.record_type in [\"DAEMON_ABORT\", \"DAEMON_ERR\"] || event.reason.contains(\"error\")"
    classification = "Error"
    common_event   = "Audit Daemon Error"
    risk           = 5
    fields         = { "event.outcome" = "failure" }
  }
  sub_rule "stopped" {
    when         = "event.auditd.log.record_type == \"DAEMON_END\""
    common_event = "Audit Daemon Stopped"
    risk         = 4
  }

  test {
    log    = "type=DAEMON_START msg=audit(1717000000.000:1): auditd start, ver=3.0.7 format=enriched kernel=5.15.0-91-generic auid=4294967295 pid=812 subj=unconfined res=success"
    expect = { reason = "auditd start", "service.version" = "3.0.7", pid = "812", "auditd.log.res" = "success", common_event = "Audit Daemon State Change" }
  }
  test {
    log             = "type=DAEMON_END msg=audit(1717009999.000:2): auditd normal halt, sending auid=1001 pid=1 subj= res=success"
    log_source_type = "syslog"
    expect          = { reason = "auditd normal halt", common_event = "Audit Daemon Stopped", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
  test {
    log    = "type=DAEMON_ABORT msg=audit(1717009999.500:3): auditd error halt, auid=4294967295 pid=812 res=failed"
    expect = { common_event = "Audit Daemon Error" }
  }
}

rule "auditd-config-change" {
  description      = "audit rules or settings changed (auditctl, augenrules): an attacker may be blinding the audit trail"
  log_source_types = ["auditd"]
  sort_order       = 1521
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>CONFIG_CHANGE) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>CONFIG_CHANGE)) +(?:(?P<auditd__log__setting>audit_\w+)=(?P<auditd__log__value>\S+) old=(?P<auditd__log__old>\S+) )?(?:auid=(?P<user__audit__id>\d+))?(?:.*? op=(?:"(?P<auditd__log__op>[^"]*)"|(?P<auditd__log__op>[^\s"]+)))?(?:.*? (?:path|dir)="(?P<file__path>[^"]*)")?(?:.*? key=(?:"(?P<auditd__log__key>[^"]*)"|\(null\)))?(?:.*? list=(?P<auditd__log__list>\d+))?(?:.*? res=(?P<auditd__log__res>\w+))?
  RE
  classification   = "Policy"
  common_event     = "Audit Configuration Changed"
  risk             = 5
  fields           = { "event.category" = ["configuration"], "event.type" = ["change"] }

  test {
    log             = "type=CONFIG_CHANGE msg=audit(1717000600.081:7001): auid=1001 ses=9 op=\"remove_rule\" path=\"/etc/sudoers\" key=\"sudoers_watch\" list=4 res=1"
    log_source_type = "syslog"
    expect          = { "auditd.log.op" = "remove_rule", "file.path" = "/etc/sudoers", "auditd.log.key" = "sudoers_watch", "auditd.log.list" = "4", "auditd.log.res" = "1", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
  test {
    log    = "type=CONFIG_CHANGE msg=audit(1717000601.000:7002): audit_enabled=0 old=1 auid=1001 ses=9 subj=unconfined_u:unconfined_r:auditctl_t:s0 res=1"
    expect = { "auditd.log.setting" = "audit_enabled", "auditd.log.value" = "0", "auditd.log.old" = "1" }
  }
}

# ------------------------------------------------------------ anomalies (ANOM_*)

rule "auditd-anomaly" {
  description      = "the kernel or an IDS plugin flagged an anomaly: promiscuous mode, a crash, odd logins, account or privilege changes"
  log_source_types = ["auditd"]
  sort_order       = 1530
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>ANOM_\w+|RESP_\w+) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>ANOM_\w+|RESP_\w+))(?: (?:user )?(?:dev=(?P<observer__ingress__interface__name>\S+) prom=(?P<auditd__log__prom>\d+) old_prom=(?P<auditd__log__old_prom>\d+))?)?(?:.*?\bpid=<pid>)?(?:.*?\buid=(?P<user__id>\d+))?(?:.*?\bauid=(?P<user__audit__id>\d+))?(?:.*?\bacct="<login>")?(?:.*?\bcomm="(?P<process__name>[^"]*)")?(?:.*?\bexe="(?P<process__executable>[^"]*)")?(?:.*?\bsig=(?P<auditd__log__sig>\d+))?(?:.*?\bres=(?P<auditd__log__res>\w+))?
  RE
  classification   = "Suspicious"
  common_event     = "Audit Anomaly"
  risk             = 5
  fields           = { "event.category" = ["intrusion_detection"], "event.kind" = "alert" }

  sub_rule "promiscuous" {
    when         = "event.auditd.log.record_type == \"ANOM_PROMISCUOUS\""
    common_event = "Interface Promiscuous Mode"
    risk         = 6
    fields       = { "event.category" = ["network"] }
  }
  sub_rule "abend" {
    when           = "event.auditd.log.record_type == \"ANOM_ABEND\""
    classification = "Error"
    common_event   = "Process Crashed"
    risk           = 3
    fields         = { "event.category" = ["process"] }
  }
  sub_rule "login" {
    when           = "event.auditd.log.record_type.startsWith(\"ANOM_LOGIN\")"
    classification = "Suspicious"
    common_event   = "Anomalous Logon"
    risk           = 5
    fields         = { "event.category" = ["authentication"] }
  }
  sub_rule "account" {
    when         = "event.auditd.log.record_type in [\"ANOM_ADD_ACCT\", \"ANOM_DEL_ACCT\", \"ANOM_MOD_ACCT\", \"ANOM_ROOT_TRANS\"]"
    common_event = "Anomalous Account Change"
    risk         = 6
    fields       = { "event.category" = ["iam"] }
  }
  sub_rule "response" {
    when           = "event.auditd.log.record_type.startsWith(\"RESP_\")"
    classification = "Other Security"
    common_event   = "Audit Anomaly Response"
    risk           = 4
  }

  test {
    log    = "type=ANOM_PROMISCUOUS msg=audit(1717000700.575:738): dev=eth1 prom=256 old_prom=0 auid=1001 uid=0 gid=0 ses=9"
    expect = { "observer.ingress.interface.name" = "eth1", "auditd.log.prom" = "256", common_event = "Interface Promiscuous Mode" }
  }
  test {
    log             = "type=ANOM_ABEND msg=audit(1717000701.498:740): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=system_u:system_r:cupsd_t:s0 pid=7192 comm=\"cupsd\" exe=\"/usr/sbin/cupsd\" sig=11 res=1"
    log_source_type = "syslog"
    expect          = { pid = "7192", "process.name" = "cupsd", "auditd.log.sig" = "11", common_event = "Process Crashed", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
  test {
    log    = "type=ANOM_LOGIN_FAILURES msg=audit(1717000702.000:741): pid=2300 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.41 terminal=ssh res=success'"
    expect = { login = "root", common_event = "Anomalous Logon" }
  }
}

# ------------------------------------------------------------ SELinux and other MAC records

rule "auditd-avc" {
  description      = "an SELinux access decision as auditd writes it (AVC from the kernel, USER_AVC from dbus, systemd, …)"
  log_source_types = ["auditd"]
  sort_order       = 1540
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>AVC|USER_AVC) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>AVC|USER_AVC)) .*?avc: +(?P<selinux_result>denied|granted) +\{ (?P<selinux_permission>[^}]+?) \} for +(?:pid=<pid> )?(?:.*?comm="(?P<process__name>[^"]*)")?(?:.*? (?:path|name)="(?P<file__path>[^"]*)")?.*? scontext=(?P<selinux_scontext>\S+) tcontext=(?P<selinux_tcontext>\S+) tclass=(?P<selinux_tclass>[^\s']+)(?: permissive=(?P<selinux_permissive>\d))?
  RE
  classification   = "Access Failure"
  common_event     = "SELinux Denied"
  risk             = 4
  fields           = { "event.category" = ["intrusion_detection"], "event.outcome" = "failure" }

  sub_rule "granted" {
    when           = "event.selinux_result == \"granted\""
    classification = "Other Audit"
    common_event   = "SELinux Granted"
    risk           = 1
    fields         = { "event.outcome" = "success" }
  }

  test {
    log             = "type=AVC msg=audit(1717000800.848:238): avc:  denied  { write } for  pid=13349 comm=\"logrotate\" name=\"archive\" dev=\"dm-0\" ino=218171 scontext=system_u:system_r:logrotate_t:s0 tcontext=system_u:object_r:var_t:s0 tclass=dir permissive=0"
    log_source_type = "syslog"
    expect          = { selinux_result = "denied", selinux_permission = "write", pid = "13349", "process.name" = "logrotate", "file.path" = "archive", selinux_tclass = "dir", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
}

rule "auditd-mac" {
  description      = "SELinux mode, policy and boolean changes; SELinux errors"
  log_source_types = ["auditd"]
  sort_order       = 1541
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>MAC_\w+|SELINUX_ERR|USER_SELINUX_ERR|USER_MAC_\w+) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>MAC_\w+|SELINUX_ERR|USER_SELINUX_ERR|USER_MAC_\w+))(?: (?:enforcing=(?P<auditd__log__enforcing>\d+) old_enforcing=(?P<auditd__log__old_enforcing>\d+)|bool=(?P<auditd__log__bool>\S+) val=(?P<auditd__log__val>\d+) old_val=(?P<auditd__log__old_val>\d+)|op=(?P<auditd__log__op>\S+)(?: reason=(?P<reason>\S+))?))?(?:.*? auid=(?P<user__audit__id>\d+))?(?:.*? scontext=(?P<selinux_scontext>\S+) tcontext=(?P<selinux_tcontext>\S+) tclass=(?P<selinux_tclass>\S+))?
  RE
  classification   = "Policy"
  common_event     = "SELinux Configuration Changed"
  risk             = 4
  fields           = { "event.category" = ["configuration"], "event.type" = ["change"] }

  sub_rule "permissive" {
    when         = "has(event.auditd.log.enforcing) && event.auditd.log.enforcing == \"0\""
    common_event = "SELinux Set Permissive"
    risk         = 6
  }
  sub_rule "error" {
    when           = "event.auditd.log.record_type.endsWith(\"SELINUX_ERR\")"
    classification = "Error"
    common_event   = "SELinux Error"
    risk           = 3
    fields         = { "event.category" = ["intrusion_detection"], "event.type" = ["info"] }
  }

  test {
    log             = "type=MAC_STATUS msg=audit(1717000900.835:406): enforcing=0 old_enforcing=1 auid=1001 ses=9 enabled=1 old-enabled=1 lsm=selinux res=1"
    log_source_type = "syslog"
    expect          = { "auditd.log.enforcing" = "0", common_event = "SELinux Set Permissive", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
  test {
    log    = "type=SELINUX_ERR msg=audit(1717000901.151:138): op=security_compute_av reason=bounds scontext=system_u:system_r:webapp_t:s0 tcontext=system_u:object_r:security_t:s0 tclass=dir perms=ioctl,read"
    expect = { "auditd.log.op" = "security_compute_av", reason = "bounds", selinux_tclass = "dir", common_event = "SELinux Error" }
  }
}

# ------------------------------------------------------------ every other record type

rule "auditd-record" {
  description      = "any other audit record (CRYPTO_*, INTEGRITY_*, NETFILTER_CFG, BPF, KERN_MODULE, …)"
  log_source_types = ["auditd"]
  sort_order       = 9030
  pattern          = <<-RE
    (?:(?:node=(?P<auditd__log__node>\S+) )?type=(?P<auditd__log__record_type>[A-Z][A-Z0-9_]+) msg=audit\((?:(?P<auditd__log__epoch>\d+\.\d+)|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+):(?P<auditd__log__sequence>\d+)\) ?:|audit(?:\[\d+\])?: (?P<auditd__log__record_type>[A-Z][A-Z0-9_]+))(?:.*? pid=<pid>)?(?:.*? auid=(?P<user__audit__id>\d+))?(?:.*? res=(?P<auditd__log__res>\w+))?
  RE
  classification   = "Other Audit"
  common_event     = "Audit Record"
  risk             = 1

  sub_rule "integrity" {
    when           = "event.auditd.log.record_type.startsWith(\"INTEGRITY_\")"
    classification = "Suspicious"
    common_event   = "Integrity Check Event"
    risk           = 4
  }
  sub_rule "module" {
    when         = "event.auditd.log.record_type == \"KERN_MODULE\""
    common_event = "Kernel Module Loaded"
    risk         = 3
  }

  test {
    log    = "type=CRYPTO_KEY_USER msg=audit(1717001000.000:1200): pid=2300 uid=0 auid=4294967295 ses=4294967295 msg='op=destroy kind=server fp=SHA256:EXAMPLE direction=? spid=2300 suid=0 exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.41 terminal=? res=success'"
    expect = { "auditd.log.record_type" = "CRYPTO_KEY_USER", pid = "2300", "auditd.log.res" = "success", common_event = "Audit Record" }
  }
  test {
    log             = "type=NETFILTER_CFG msg=audit(1717001001.000:1201): table=filter family=2 entries=12 op=xt_replace pid=4410 subj=unconfined comm=\"iptables\""
    log_source_type = "syslog"
    expect          = { "auditd.log.record_type" = "NETFILTER_CFG", "observer.vendor" = "Linux", "event.module" = "auditd" }
  }
}
