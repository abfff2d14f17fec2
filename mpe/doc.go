// Package mpe is Sluice's Message Processing Engine: it turns a raw log
// entry into an event with Elastic Common Schema fields and LogRhythm
// metadata (classification, common event, risk, priority), tags the events
// that touch threat intelligence, and runs event rules that set fields,
// raise alarms, call webhooks or drop events. Rules are HCL files an admin
// edits and tests; docs/rules.md is the guide for rule authors, this is
// the reference.
//
// # Using it
//
// The mediator loads a rule set with [LoadWith] (on start and on every
// reload; a failed load leaves the previous [RuleSet] in force), runs its
// tests with [RuleSet.RunTests] before swapping it in, and calls
// [RuleSet.Process] on every entry: it returns the events to index (none
// when an event rule dropped the entry; alarm events after the event).
// [RuleSet.Parse] returns exactly one event per entry and skips alarms,
// webhooks and drops: `sluice rules parse` and rule tests use it.
// [RuleSet.Files] lists every rule and intel file read, for change
// detection; [RuleSet.Stats], [RuleSet.TypeStats] and [RuleSet.Totals] are
// the per-rule statistics (LogRhythm's LPS report). A [WebhookRunner],
// made once and passed in [LoadOptions], sends webhook calls outside the
// pipeline. A RuleSet is immutable apart from its counters and safe for
// concurrent use.
//
// # Rule files
//
// A rule set is one or more *.hcl files (Load takes files and folders,
// searched recursively); blocks in any file may use what another declares.
// Rule files are plain HCL: hclfmt, editors and HCL language servers read
// them. A string is "quoted", where HCL's escapes apply (\\ for a
// backslash, \" for a quote, $${ for a literal ${), or a heredoc, whose
// text is taken as written, which keeps regular expressions readable:
//
//	pattern = <<-RE
//	  sshd\[<pid>\]: Accepted <method> for <login>
//	RE
//
// In rule files a heredoc's last line break is not part of its value (a
// pattern, a condition or a test's log line is one line), and <<- removes
// the indentation its lines share, so a value that starts with a space is
// written quoted. docs/rules.md says when to use which.
//
//	log_source_type "linux-auth" {
//	  header   = "syslog"   # "syslog" (default), "cisco" or "none"
//	  timezone = "UTC"      # zone of timestamps without one (default UTC)
//	  sort     = "static"   # or "auto" (see Policies)
//	}
//
//	log_source_type "hdfs" {
//	  # A header read by a regular expression instead: its groups set
//	  # fields (tags and named groups, as in patterns).
//	  header_pattern = "^<hdfstime> (?P<process__thread__id>\\d+) <severity> <logger>: "
//	}
//
//	log_source_type "windows-security" {
//	  format           = "json"                  # one JSON object per line
//	  timestamp_fields = ["winlog.time_created", "@timestamp"]
//	  keep_original    = false                   # the line in event.original
//	  # json_prefix = "github"                   # {"action":…} is github.action
//	}
//
//	rule "sshd-accepted" {
//	  description      = "optional, for people"
//	  log_source_types = ["linux-auth", "syslog"]
//	  sort_order       = 100         # default 0; ties are ordered by name
//	  pattern          = "Accepted <method> for <login> from <sip> port <sport>"
//	  classification   = "Authentication Success"
//	  common_event     = "User Logon"
//	  risk             = 3           # 0–9, default 0
//	  map    = { "user.domain" = "labels.realm" }   # copy fields (see below)
//	  fields = {                     # constants the event gets
//	    "event.outcome"  = "success" # ECS: success, failure or unknown
//	    "event.category" = ["authentication"]
//	  }
//
//	  sub_rule "root" {
//	    when         = "event.login == \"root\""
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
//	rule "win-logon" {
//	  log_source_types = ["windows-security"]
//	  when             = "string(event.winlog.event_id) == \"4624\""   # JSON types: a condition
//	  classification   = "Authentication Success"
//	  map = { login = "winlog.event_data.TargetUserName", sip = "winlog.event_data.IpAddress" }
//	}
//
//	tag "exitcode" {               # adds <exitcode> to the tag library
//	  pattern   = "-?\\d+"          # no named groups
//	  field     = "process.exit_code"
//	  type      = "int"            # string (default), int, port, ip, address, url, time
//	  lowercase = false
//	  # layout = "02/Jan/2006:15:04:05 -0700"   # type time: the Go layout
//	  # values = { "6" = "informational" }     # a lookup table for the captured text
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
// map copies fields: each key is the field to set (named like a capture
// group), each value the field to copy from, or a list of them of which the
// first present wins; a value "-" (how many logs write "none") is not
// copied. map runs after the captures and before fields. A source may be a
// function of a field that converts the value as it is copied: int (a
// decimal or 0x-hex number), basename (of a Windows or Unix path), user and
// domain (of DOMAIN\name or name@realm), ip (an address; ::ffff: dropped
// from IPv4), cn (the name in a distinguished name), hash (one digest of
// a "SHA1=…,MD5=…" list: hash(f, SHA256)), lower and raw (the value as
// it is, even "-"); a value that does not convert copies nothing and the
// next source is tried.
//
// extract = "kv" (options kv_pair, default "=", and kv_separator, default
// " ": any white space) or extract = "csv" (with columns, the names of the
// record's fields in order, "_" to skip one) reads the message after the
// header into temporary fields kv.<key> / csv.<column> that map, the
// sub-rules' conditions and the rule's tests read; a value mapped to a
// typed tag's field is typed as the tag does (labels.<name> when it does
// not fit). They are removed after the sub-rules: the stored event keeps
// what map copied. See extract.go and docs/rules.md.
//
// # Processing order
//
// For each entry, in this order (see [RuleSet.Process]):
//
//  1. the line is read: its log source type's header parser, or its JSON
//     document (see JSON sources);
//  2. the policy's rules are tried in sort order, candidates only (see
//     Speed); the first that matches sets its captures, map and fields,
//     sluice.rule, sluice.classification and sluice.common_event;
//  3. intel lists tag the event;
//  4. the rule's first sub-rule whose `when` holds refines it;
//  5. sluice.risk and the priority are set;
//  6. event rules run in sort order.
//
// A line no rule matches, and an entry whose type has no policy (or no
// declaration: it is read as header "syslog", UTC), becomes an event with
// classification "Unknown" that still carries its header fields, intel
// tags and priority. Nothing is dropped but by an event rule.
//
// # Policies
//
// The policy of a log source type is the rules that list it, by sort_order
// and then name. With sort = "auto" the engine re-sorts, every thousand or
// so lines, the rules of each sort_order by how often they matched, most
// first (LogRhythm's automatic sort): rules that never overlap can share a
// sort_order and be tried in the order the traffic favours, while a rule
// that must come first keeps a lower sort_order.
//
// Catch-all rules (a generic message of a source, kept with its header)
// take sort_order 9000 and above by convention; the corpus tests count
// only the other rules as specific.
//
// # Speed
//
// Patterns are Go regular expressions (RE2: no backtracking blow-ups)
// matched anywhere in the line, header included. Rules are not tried
// blindly: at load, the literal text every match must contain is taken
// from each parsed pattern (regexp/syntax): runs of a concatenation, and
// for an alternation the set of its branches' literals, of which a match
// contains one. Per log source type, the literals of all its rules go into
// one Aho–Corasick automaton (package acscan); per line, one pass over the
// line finds which literals occur, and only rules whose literal groups are
// all present run their regular expression, in sort order. A literal
// that more than 16 rules could select on is used only by those with
// nothing better. A rule without a literal of three bytes or more is
// always a candidate. The rules of
// JSON types are selected the same way on the constants their `when`
// compares fields with. Patterns with specific words are cheap; `\S+ .*`
// is not.
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
// sets nothing, and neither does "-" for a tag that is not a string. A
// value that does not fit its type (port "abc", IP "999.1.1.1") is kept as
// a string in labels.<group name> and the event is flagged
// [FlagInvalidField] in sluice.flags.
//
// Types: string (as captured, or looked up in the tag's values table), int
// (int64), port (int64 in 0–65535), ip (an IPv4 or IPv6 address; a zone is
// dropped), address (an IP or a host name: the field, which ends in
// .address, gets the value, and the sibling .ip or .domain gets it too, as
// ECS asks), url (the field, which ends in .original, gets the value, and
// its siblings path, query, domain, port, scheme and fragment are parsed
// out; path is percent-decoded), time (parsed with the tag's Go layout in
// the type's timezone, a year inferred when the layout has none; a time
// tag's field may be @timestamp).
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
//	url         url.original                url      httpmethod  http.request.method         string
//	status      http.response.status_code   int      useragent   user_agent.original         string
//	method      labels.method               string   severity    log.level                   string
//	action      event.action                string   reason      event.reason                string
//	logger      log.logger                  string
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
// `when` (of sub-rules, of rules of JSON types and of event rules) is CEL,
// the Common Expression Language (github.com/google/cel-go): a well-kept,
// side-effect-free language with a type checker, so a condition is
// compiled once at load, and a typo or a type error is a load error with
// file:line:col, not a condition that silently never holds.
//
// The event is `event`; its fields are event.<name>, where a name resolves
// as for expect keys (a tag: event.login is user.name; a meta name:
// classification, common_event, risk, rule, sub_rule, priority, intel; a
// custom group name: labels.<name>) and several names are a dotted path
// (event.source.ip, event.winlog.event_id). event.timestamp is
// @timestamp. A condition may refer only to fields the event can have at
// that point: what the rule (for a sub-rule) or any rule of the event
// rule's log source types can set, plus the header's and the engine's
// fields; JSON documents may hold anything, so there any path is allowed
// and typed dyn. Fields have the types their values have: captures of int
// and port tags are int, `event.sport == "22"` is a type error.
//
// The whole of CEL is there (==, in, has(), &&, ||, !, <, string methods
// including matches, lowerAscii and split, string()/int(), exists(), …).
// As in CEL, a field the event lacks is an error that && and || can absorb
// (false && error is false, true || error is true); a condition that ends
// in an error does not hold, so `has(event.x) && event.x == "y"` and
// `event.x == "y"` both hold only when x is "y".
//
// Conditions made of comparisons, has(), in, &&, ||, !, startsWith,
// endsWith, contains, matches, string() and int() are also compiled to Go
// closures that run without cel-go's setup (about 40 ns instead of a
// microsecond), with the same semantics; where a value is something the
// fast path does not handle, cel-go decides.
//
// # Intel lists
//
//	intel_list "threat-ips" {
//	  file   = "../intel/threat-ips.txt"   # relative to this rule file
//	  type   = "ip"                        # ip (addresses, CIDR blocks), domain, hash, string
//	  fields = ["source.ip", "destination.ip"]
//	}
//
// A list file holds one value per line; # starts a comment. A domain
// matches itself and every name below it; hashes and strings compare
// without case. The event's fields are looked up after the rule matched
// (so sub-rules see the hits); a hit adds the list's name to sluice.intel
// (a list: `"threat-ips" in event.intel`), and the first hit sets ECS
// threat.indicator.type, threat.indicator.name,
// threat.indicator.matched.atomic and .field, and threat.feed.name. A list
// file that does not exist, or a line that is not a value of the list's
// type, is a load error; lists are read at load, so the mediator's reload
// on a changed file (Files lists them) is how a list is refreshed.
//
// # Priority
//
// Every event gets sluice.priority, 0 to 100, after LogRhythm's risk-based
// priority: from the rule's risk (0–9), the weight of the classification
// (0 routine … 1 Compromise; Unknown 0.1) and the number of intel lists
// the event hit:
//
//	priority = min(100, round(50·risk/9 + 30·weight + 15·min(hits, 2)))
//
// Weights: Compromise 1; Attack, Malware, Denial Of Service 0.9; Suspicious,
// Misuse 0.7; Vulnerability, Reconnaissance 0.6; Critical 0.5; Failed
// Attack, Failed Malware, Failed Denial of Service 0.5; Authentication
// Failure, Access Failure, Activity, Other Security, Failed Suspicious,
// Failed Misuse 0.4; Account Created/Deleted/Modified, Policy, Failed
// Activity, Other Audit Failure 0.3; Error, Network Deny 0.25;
// Authentication Success, Access Granted, Access Revoked 0.2; Access
// Success, Object Created/Modified/Disposed, Warning 0.15; Other Audit,
// Other Audit Success, Startup and Shutdown 0.1; Information, Network
// Allow, Network Traffic, Other Operations 0.05.
//
// # Event rules
//
//	event_rule "root-logon-from-intel" {
//	  log_source_types = ["linux-auth"]        # optional: default every type
//	  sort_order       = 10
//	  when             = <<-CEL
//	    event.login == "root" && has(event.intel)
//	  CEL
//	  set              = { "labels.escalate" = "yes" }
//	  alarm {
//	    name     = "Root logon"                 # default: the event rule's name
//	    severity = "high"                       # low, medium (default), high, critical
//	    message  = "root logon from ${event.source.ip} on ${event.host.hostname}"
//	  }
//	  webhook {
//	    url     = "https://chat.example.com/hooks/${env.SLUICE_HOOK_ID}"
//	    method  = "POST"                        # POST (default), PUT, PATCH, GET
//	    headers = { Authorization = "Bearer ${env.SLUICE_HOOK_TOKEN}" }
//	    payload = { text = "root logon on ${event.host.hostname}", priority = "${event.priority}" }
//	    timeout = "5s"                          # per attempt
//	    retries = 3
//	  }
//	  drop     = false
//	  continue = true                           # false: no event rule after this one
//	  test {
//	    log             = "…"
//	    log_source_type = "linux-auth"
//	    alarm           = true                  # alarm, dropped, webhook, expect
//	  }
//	}
//
// Event rules run after the rules, in sort_order then name, on every event
// of their types (Unknown ones included). Each whose `when` holds: sets its
// fields (later event rules see them), raises its alarm, hands its webhook
// call to the runner, and marks the event dropped; continue = false stops
// evaluation after it. A dropped event is not indexed; its alarms are.
// An event rule that does nothing is a load error.
//
// An alarm is an event of its own: a copy of the event's fields with
// event.kind "alert", event.severity 21/47/73/99, rule.name, the rendered
// message, sluice.alarm.rule, sluice.alarm.severity and sluice.parent_id.
// Its id is the event's id plus a hash of the event rule's name, so
// processing an entry again (a restart, a resend) makes the same alarm,
// which the index keeps once.
//
// Templates (alarm message, webhook url, headers and payload strings) are
// text with ${event.<field>} placeholders, checked at load like
// conditions; an absent field renders empty. In a payload, a string that
// is only a placeholder keeps the field's type ("${event.priority}" is a
// number), an absent field is null, and the whole payload is the event's
// JSON when none is given. ${env.NAME} (url and headers only) is read from
// the environment at load, to keep tokens out of rule files; URLs and
// headers are never logged (a failure logs the event rule and the URL's
// scheme and host).
//
// # Tests
//
// A test block parses its log line with the whole rule set under the
// test's log source type, so it fails when another rule of the policy
// comes first. Expect keys are tag names (login, sip, …), meta names
// (classification, common_event, risk, rule, sub_rule, priority, intel),
// custom group names (→ labels.<name>), or dotted paths ("source.ip",
// "event.outcome", "@timestamp"); values are compared as strings
// (@timestamp as RFC 3339 UTC, lists joined by commas). An empty value
// asserts the field is absent. A key the rule can never set is a load
// error. Event rules' tests process their line and check what the event
// rule did (alarm, dropped, webhook) and the event's fields; they never
// call a webhook.
//
// # Header parsers
//
// header = "syslog" reads, and takes @timestamp, host.hostname,
// process.name and process.pid from:
//
//   - RFC 3164: "<PRI>Mmm dd hh:mm:ss host tag[pid]: msg", the PRI
//     optional, the day space- or zero-padded, fractional seconds allowed,
//     a year after the day allowed ("Oct 10 2018 12:34:56"), the host
//     optional (a first word ending in ':' or holding '[' is the tag), a
//     "prog(module)[pid]:" tag read as prog, a tag with spaces as macOS
//     writes them ("Google Chrome[85294]:"). Without a year, the year is
//     inferred from the collection time: the latest year that does not put
//     the line more than a month after it (a "Dec 31" line collected on
//     Jan 2 is last year's).
//   - RFC 5424: "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG", "-" for
//     absent fields; MSGID goes to log.syslog.msgid; structured data is
//     skipped.
//   - rsyslog's file format: an RFC 3339 timestamp in place of the RFC 3164
//     one.
//
// A PRI also sets log.syslog.priority, log.syslog.facility.code and
// log.syslog.severity.code. What does not look like a header is left
// alone. header = "cisco" reads the same, with Cisco's habits: "host :"
// and "host:" before the message, a zone abbreviation after the time
// ("09:34:34 EDT:"), no host at all ("12:59:50: %ASA-…"). header = "none"
// reads nothing; header_pattern reads with a regular expression.
//
// # JSON sources
//
// A log source type with format = "json" reads each line as one JSON
// object. Its fields become the event's, nested objects flattened to
// dotted paths, so an ECS document keeps its ECS fields; numbers are
// integers when integral, arrays of scalars are string lists, arrays of
// objects are kept as JSON text. "message", when a string, is the event's
// message (the line goes to event.original if keep_original is set); the
// first of timestamp_fields that holds an RFC 3339 time (or a number of
// Unix milliseconds or seconds) is @timestamp (an unused JSON @timestamp is
// kept as event.created). With json_prefix = "p" the document's fields go
// under p. ({"action":…} is p.action), for documents whose top-level names
// are single words a rule could not name. The engine's own
// sluice.* fields (classification, rule, seq, …) and organization.id are
// never taken from a document; its own agent.* is kept. A line that is not a JSON object is kept, flagged
// invalid_json, and matches no rule.
//
// Rules of JSON types match with `when` instead of a pattern, and map the
// document's fields to ECS with map and fields.
//
// # Events
//
// Every event has: ID = event.SpoolDocID(agent, spool, seq) (when
// the entry names an agent); Organization (default "default"); Message = the line without its
// line terminator, as valid UTF-8 (invalid bytes become U+FFFD and the
// event is flagged invalid_utf8); @timestamp from the header, else the
// collection time; organization.id; agent.id, agent.name (the agent's
// id) and agent.type "sluice" unless a JSON document names its own
// agent, with agent.version when the agent said it; sluice.log_source_type,
// log_source, mediator, seq, collected, classification and priority; and,
// when the collecting agent described its host (Entry.Collector), the
// source is not forwarded, and the log named no host (host.name,
// host.hostname), that host's host.name, host.hostname, host.ip,
// host.os.* and host.architecture, set after the rules. A matched
// event also has sluice.rule, sluice.common_event, sluice.risk and, when a
// sub-rule applied, sluice.sub_rule. A truncated entry is flagged
// truncated with sluice.original_length.
//
// Parse and Process never panic: should a bug panic, the entry is kept as
// an Unknown event flagged processing_error, with the stage and rule in
// error.message and sluice.panic_rule, counted in Totals().Panics and
// reported to LoadOptions.OnPanic.
//
// # Statistics
//
// Per rule and event rule: lines tried (the candidates the literal scan let
// through), matches, time spent and last match; per log source type: lines
// and unmatched lines. Counters are atomics on their own cache lines.
// Matches, last match and lines are exact; time and failed tries are
// sampled (one line in 16, scaled by 16), and tried is reported as matches
// plus the sampled failed tries, so it never falls below matches. Only
// traffic counts: the test blocks RunTests runs at load and before every
// swap leave the counters alone (they also call no webhook).
// LoadOptions.Previous carries the counters of same-named rules over a
// reload.
package mpe
