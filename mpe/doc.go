// Package mpe is Sluice's Message Processing Engine: it turns a raw log
// entry into an event with Elastic Common Schema fields and LogRhythm
// metadata (classification, common event, risk), using rules an admin
// writes and tests in HCL files.
//
// The mediator calls [Load] (on start and on reload; a failed load leaves
// the previous [RuleSet] in force) and [RuleSet.Parse] on every entry;
// `sluice rules test` calls [RuleSet.RunTests].
//
// # Rule files
//
// A rule set is one or more *.hcl files (Load takes files and folders,
// searched recursively); blocks in any file may use what another declares.
// Strings may be written in backquotes, as raw strings that end on the same
// line: nothing is escaped in them, which keeps regular expressions
// readable (pattern = `sshd\[<pid>\]`). In "quoted" strings HCL's escapes
// apply (\\ for a backslash) and ${ must be written $${.
//
//	log_source_type "linux-auth" {
//	  header   = "syslog"   # "syslog" (default) or "none"
//	  timezone = "UTC"      # zone of timestamps without one (default UTC)
//	}
//
//	rule "sshd-accepted" {
//	  description      = "optional, for people"
//	  log_source_types = ["linux-auth", "syslog"]
//	  sort_order       = 100         # default 0; ties are ordered by name
//	  pattern          = `Accepted <method> for <login> from <sip> port <sport>`
//	  classification   = "Authentication Success"
//	  common_event     = "User Logon"
//	  risk             = 3           # 0–9, default 0
//	  fields = {                     # constants the event gets
//	    "event.outcome"  = "success" # ECS: success, failure or unknown
//	    "event.category" = ["authentication"]
//	  }
//
//	  sub_rule "root" {
//	    when         = `event.login == "root"`
//	    common_event = "Root Logon"  # classification, common_event, risk, fields
//	    risk         = 7
//	  }
//
//	  test {
//	    log       = "Jan 10 10:00:00 web1 sshd[123]: Accepted password for bob from 192.0.2.5 port 51234 ssh2"
//	    expect    = { login = "bob", sip = "192.0.2.5", sport = "51234", common_event = "User Logon" }
//	    collected = "2024-01-10T10:00:01Z"  # optional: the collection time (for year inference)
//	    # log_source_type = "syslog"        # optional: default the rule's first
//	  }
//	}
//
//	tag "exitcode" {               # adds <exitcode> to the tag library
//	  pattern   = `-?\d+`          # no named groups
//	  field     = "process.exit_code"
//	  type      = "int"            # string (default), int, port, ip, address
//	  lowercase = false
//	}
//
// Every rule must name declared log source types and a classification from
// LogRhythm's taxonomy:
//
//   - Audit: Access Failure, Access Granted, Access Revoked, Access Success,
//     Account Created, Account Deleted, Account Modified, Authentication
//     Failure, Authentication Success, Object Created, Object Disposed,
//     Object Modified, Other Audit, Other Audit Failure, Other Audit
//     Success, Policy, Startup and Shutdown.
//   - Operations: Critical, Error, Information, Network Allow, Network Deny,
//     Network Traffic, Other Operations, Warning.
//   - Security: Activity, Attack, Compromise, Denial Of Service, Failed
//     Activity, Failed Attack, Failed Denial of Service, Failed Malware,
//     Failed Misuse, Failed Suspicious, Malware, Misuse, Other Security,
//     Reconnaissance, Suspicious, Vulnerability.
//
// "Unknown" is reserved for lines no rule matched.
//
// # Policies and matching
//
// The policy of a log source type is the rules that list it, by sort_order
// and then name. A line is tried against its policy's rules in that order
// and the first whose pattern matches wins; its first sub-rule whose `when`
// holds then refines the event. Nothing is dropped: a line no rule matches,
// and an entry whose type has no policy (or no declaration: it is read as
// header "syslog", UTC), becomes an event with classification "Unknown"
// that still carries the header fields.
//
// Patterns are Go regular expressions (RE2: no backtracking blow-ups)
// matched anywhere in the line, header included. Rules are not tried
// blindly: at load, the literal text every match must contain is taken
// from each parsed pattern (runs of a concatenation, not alternatives or
// optional parts, not (?i) text), and a rule runs its regular expression
// only on lines that contain its longest such literal. Patterns that start
// with or contain specific words are therefore cheap.
//
// # Tags and capture groups
//
// <name> in a pattern is a tag: it stands for a named capture group with
// the tag's regular expression, and the value goes to the tag's field,
// checked and converted as its type says. \<name> is a literal "<name>";
// a '<' that is not followed by an identifier and '>' is an ordinary
// character; <word> where word is no tag is a load error.
//
// Plain groups work too. A group's name says where its value goes: a tag
// name maps like the tag (with the tag's type), so (?P<login>[^\s(]+)
// narrows <login> for one rule; a name with "__" is a dotted field path
// (http__request__method → http.request.method); any other name is a
// custom field, labels.<name>.
//
// A tag (or field) captured more than once in a pattern, typically in
// alternatives such as `(?:for <login>|user <login>)`, takes the value of
// the leftmost group that took part in the match.
//
// Captured values are trimmed of surrounding white space; an empty value
// sets nothing. A value that does not fit its type (port "abc", IP
// "999.1.1.1") is kept as a string in labels.<group name> and the event is
// flagged [FlagInvalidField] in sluice.flags.
//
// Types: string (as captured), int (int64), port (int64 in 0–65535), ip (an
// IPv4 or IPv6 address; a zone is dropped), address (an IP or a host name:
// the field, which ends in .address, gets the value, and the sibling .ip
// or .domain gets it too, as ECS asks).
//
// Built-in tags:
//
//	tag         field                       type     tag         field                       type
//	sip         source.ip                   ip       login       user.name                   string
//	dip         destination.ip              ip       account     user.target.name            string
//	snatip      source.nat.ip               ip       runas       user.effective.name         string
//	dnatip      destination.nat.ip          ip       domain      user.domain                 string
//	sport       source.port                 port     uid         user.id                     string
//	dport       destination.port            port     group       group.name                  string
//	snatport    source.nat.port             port     gid         group.id                    string
//	dnatport    destination.nat.port        port     process     process.name                string
//	shost       source.address              address  pid         process.pid                 int
//	dhost       destination.address         address  ppid        process.parent.pid          int
//	sname       source.domain               string   command     process.command_line        string
//	dname       destination.domain          string   cwd         process.working_directory   string
//	smac        source.mac                  string   tty         labels.tty                  string
//	dmac        destination.mac             string   object      file.path                   string
//	protocol    network.transport (lower)   string   size        file.size                   int
//	bytes       network.bytes               int      hostname    host.hostname               string
//	url         url.original                string   httpmethod  http.request.method         string
//	status      http.response.status_code   int      useragent   user_agent.original         string
//	method      labels.method               string   severity    log.level                   string
//	action      event.action                string   reason      event.reason                string
//
// sip/dip/sname/dname and the rest follow LogRhythm's names. Choices: object
// (LogRhythm's "Object", the thing acted on) is file.path, since on the
// Unix sources Sluice starts with it is nearly always a path; a rule about
// another kind of object names its field with a group (registry__path).
// method (an sshd authentication method or similar) has no ECS field and
// goes to labels.method; HTTP verbs use httpmethod. account is the account
// acted on (a new user, su's target), login the acting user.
//
// # Conditions
//
// A sub-rule's `when` is a subset of CEL, so it stays valid when the full
// MPE evaluates conditions with CEL: event.<name> refers to a field (names
// resolve as for expect keys, below), compared with == or != to a string,
// integer or bool; `x in ["a", "b"]`; has(event.x); the string methods
// startsWith, endsWith, contains and matches (RE2); !, &&, || and
// parentheses. As in CEL, using a field the event lacks is an error that
// only && and || can absorb (false && error is false, true || error is
// true); a condition ending in an error does not hold. A condition may
// refer only to fields the rule can set.
//
// # Tests
//
// A test block parses its log line with the whole rule set under the
// test's log source type, so it fails when another rule of the policy
// comes first. Expect keys are tag names (login, sip, …), meta names
// (classification, common_event, risk, rule, sub_rule), custom group names
// (→ labels.<name>), or dotted paths ("source.ip", "event.outcome",
// "@timestamp"); values are compared as strings (@timestamp as RFC 3339
// UTC). An empty value asserts the field is absent. A key the rule can
// never set is a load error.
//
// # Header parsers
//
// header = "syslog" reads, and takes @timestamp, host.hostname,
// process.name and process.pid from:
//
//   - RFC 3164: "<PRI>Mmm dd hh:mm:ss host tag[pid]: msg", the PRI
//     optional, the day space- or zero-padded, fractional seconds allowed,
//     the host optional (a first word ending in ':' or holding '[' is the
//     tag), a "prog(module)[pid]:" tag read as prog. The year is inferred
//     from the collection time: the latest year that does not put the line
//     more than a month after it (a "Dec 31" line collected on Jan 2 is
//     last year's).
//   - RFC 5424: "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG", "-" for
//     absent fields; MSGID goes to log.syslog.msgid; structured data is
//     skipped.
//   - rsyslog's file format: an RFC 3339 timestamp in place of the RFC 3164
//     one.
//
// A PRI also sets log.syslog.priority, log.syslog.facility.code and
// log.syslog.severity.code. What does not look like a header is left
// alone. header = "none" reads nothing.
//
// # Events
//
// Every event has: ID = event.DocID(agent, seq) (when the entry names an
// agent); Organization (default "default"); Message = the line without its
// line terminator, as valid UTF-8 (invalid bytes become U+FFFD and the
// event is flagged invalid_utf8); @timestamp from the header, else the
// collection time; sluice.log_source_type, log_source, agent, mediator,
// organization, seq, collected; sluice.classification. A matched event also
// has sluice.rule, sluice.common_event, sluice.risk and, when a sub-rule
// applied, sluice.sub_rule. A truncated entry is flagged truncated with
// sluice.original_length.
//
// Parse never returns nil and never panics (should a bug panic, the entry
// is kept as an Unknown event flagged processing_error). A RuleSet is
// immutable and safe for concurrent use.
package mpe
