package agent

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/sluicehq/sluice/agent/journald"
	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/agent/webhook"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/multiline"
	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/wirecompress"
)

// Config is a validated agent configuration.
type Config struct {
	ID           string
	Organization string
	Hostname     string
	DataDir      string
	// Mediators is the ordered list: position is priority.
	Mediators []string
	Insecure  bool
	// TLS is the agent's mutual-TLS identity (nil: plaintext, allowed to
	// loopback mediators or with insecure = true).
	TLS *pki.Files
	// Log is where and how the daemon logs (log { } and log_level).
	Log logging.Config

	HeartbeatInterval time.Duration
	// FailbackDelay and LoadBalanceDelay are 0 when disabled.
	FailbackDelay    time.Duration
	LoadBalanceDelay time.Duration
	HandshakeTimeout time.Duration
	AckTimeout       time.Duration
	// ReconnectJitter spreads reconnects after a lost session.
	ReconnectJitter time.Duration

	MaxLineBytes int
	// MaxSpoolBytes and MinFreeDisk bound the spool: when reached, sources
	// stop reading until acknowledgements make room (0 disables).
	MaxSpoolBytes int64
	MinFreeDisk   int64
	// MemoryLimit is the Go runtime's soft memory limit for the agent
	// daemon (0: none); see gctune.LimitRaised.
	MemoryLimit  int64
	BatchEntries int
	BatchBytes   int
	// Window is how many batches may be in flight unacknowledged.
	Window int
	// BatchLinger is how long after one small batch the next small one
	// waits, so that what arrives meanwhile goes in one message (0: send
	// at once).
	BatchLinger time.Duration
	// Compression is what batches are compressed with on the way to the
	// mediators (pkg/wirecompress: zstd, s2, gzip, none); a mediator that
	// does not accept it gets them uncompressed.
	Compression string
	// StallWarning is how long the spool may hold entries, with a
	// mediator connected, without an acknowledgement before the agent
	// reports its uplink stalled (0: never).
	StallWarning time.Duration

	Sources []SourceConfig

	// HTTP is where the agent serves /healthz, /readyz, /metrics and
	// /v1/status ("": no HTTP endpoint, the default).
	HTTP string
	// HTTPTLS serves that endpoint over HTTPS (nil: plain HTTP).
	HTTPTLS *pki.Files
	// ReadTokenFile holds the tokens /metrics and /v1/status require (""
	// = none: they answer loopback callers only), in the mediator's
	// read_token_file format.
	ReadTokenFile string
	// HTTPHosts are more names (DNS, proxies) the endpoint is reached by:
	// a request's Host must be one of them or the http address.
	HTTPHosts []string

	// Warnings are settings that work but should change (a deprecated
	// name), with their positions: the agent logs them at start and
	// `sluice config validate` prints them.
	Warnings hclconf.Errors
	// Files are the files the configuration names (TLS, CA, tokens), for
	// `sluice config validate` to check.
	Files []hclconf.FileRef
}

// SourceConfig is one `source "KIND" "ID" {}` block.
type SourceConfig struct {
	Kind          string
	ID            string
	LogSourceType string
	Paths         []string
	Exclude       []string
	// StartAtEnd skips what files hold when first seen (default: read them
	// from the beginning, so nothing is missed).
	StartAtEnd   bool
	PollInterval time.Duration
	MaxLineBytes int
	// PartialLineTimeout: a last line without newline is emitted after
	// the file stayed unchanged this long.
	PartialLineTimeout time.Duration
	// Multiline joins the lines of one event (file sources, and syslog
	// over TCP/TLS per connection); nil: every line is an event.
	Multiline *multiline.Config

	// Syslog sources.

	// Listen is udp://, tcp:// or tls://host:port.
	Listen  string
	Framing syslog.Framing
	// MaxConnections and MaxConnectionsPerAddress bound a syslog
	// TCP/TLS listener's or a webhook intake's connections.
	MaxConnections           int
	MaxConnectionsPerAddress int
	IdleTimeout              time.Duration
	// ReadBuffer is the UDP socket receive buffer to request.
	ReadBuffer int
	// TLS is the server identity of a tls:// listener (syslog) or of the
	// HTTPS intake (webhook); CA, when set, is the CA client certificates
	// must be signed by.
	TLS *pki.Files

	// Webhook sources (Listen and TLS too).

	// Tokens are the accepted bearer tokens (from tokens and tokens_file).
	Tokens       []string
	Path         string
	MaxBodyBytes int64
	MaxLines     int
	// IdempotencyWindow and MaxIdempotencyKeys bound the Idempotency-Keys
	// a webhook source remembers.
	IdempotencyWindow  time.Duration
	MaxIdempotencyKeys int

	// Journald sources (StartAt too).

	// Units, Priority and Match filter the journal (journalctl -u, -p,
	// FIELD=value); Directory reads journal files there instead of the
	// system journal.
	Units     []string
	Priority  string
	Match     map[string]string
	Directory string

	// IncludeLines and ExcludeLines are the source's line filters (every
	// kind), compiled into Filter (nil without either).
	IncludeLines []string
	ExcludeLines []string
	Filter       *source.Filter
}

// Defaults.
const (
	DefaultDataDir           = "/var/lib/sluice/agent"
	DefaultHeartbeatInterval = 30 * time.Second
	DefaultFailbackMinutes   = 60
	DefaultLoadBalanceMins   = 4320
	DefaultMaxLineBytes      = source.DefaultMaxLineBytes
	DefaultBatchEntries      = 8000
	DefaultBatchBytes        = 4 << 20
	DefaultWindow            = 8
	DefaultBatchLinger       = 200 * time.Millisecond
	DefaultStallWarning      = 60 * time.Second
	DefaultPollInterval      = 250 * time.Millisecond
	DefaultHandshakeTimeout  = 10 * time.Second
	DefaultAckTimeout        = 60 * time.Second
	DefaultReconnectJitter   = 2 * time.Second
	DefaultMaxSpoolBytes     = 1 << 30
	DefaultMinFreeDisk       = 256 << 20
	// DefaultMemoryLimit keeps the agent within its 64 MiB resident
	// budget at 10,000 lines/s with compression: its live heap is about
	// 20 MiB, and without a limit the collector's headroom took it to
	// 69 MiB (docs/performance.md).
	DefaultMemoryLimit = 40 << 20
	// MemoryLimitRaise is how far above the live heap the limit is
	// raised (gctune.LimitRaised): never a collector that runs
	// continuously, whatever the agent holds.
	MemoryLimitRaise = 1.5
)

// maxBatchLinger bounds batch_linger.
const maxBatchLinger = 5 * time.Second

// MaxWindow is the largest window. A mediator reads each stream into
// a buffer of 64 batches (streamBuffer in mediator/intake.go) while it
// commits them one at a time; with more than that unacknowledged its
// reader blocks, HTTP/2 flow control then blocks the agent's sends,
// and a heartbeat behind the batches waits for up to window − 65 commits:
// seconds under a flood (Wazuh #17706; docs/architecture.md, "Invariants of
// the data path": heartbeats are never stuck behind data).
const MaxWindow = 64

// fileSchema is an agent configuration file as decoded.
type fileSchema struct {
	Agent   *agentBlock   `hcl:"agent,block"`
	Sources []sourceBlock `hcl:"source,block"`
}

type agentBlock struct {
	ID                string            `hcl:"id,optional"`
	Organization      string            `hcl:"organization,optional"`
	Hostname          string            `hcl:"hostname,optional"`
	DataDir           string            `hcl:"data_dir,optional"`
	Mediators         []string          `hcl:"mediators"`
	Insecure          bool              `hcl:"insecure,optional"`
	LogLevel          string            `hcl:"log_level,optional"`
	Log               *hclconf.LogBlock `hcl:"log,block"`
	HeartbeatInterval string            `hcl:"heartbeat_interval,optional"`
	FailbackDelay     *int              `hcl:"failback_delay,optional"`
	LoadBalanceDelay  *int              `hcl:"load_balance_delay,optional"`
	HandshakeTimeout  string            `hcl:"handshake_timeout,optional"`
	AckTimeout        string            `hcl:"ack_timeout,optional"`
	ReconnectJitter   string            `hcl:"reconnect_jitter,optional"`
	BatchLinger       string            `hcl:"batch_linger,optional"`
	Compression       string            `hcl:"compression,optional"`
	StallWarning      string            `hcl:"stall_warning,optional"`
	MaxLineBytes      *int              `hcl:"max_line_bytes,optional"`
	BatchEntries      *int              `hcl:"batch_entries,optional"`
	BatchBytes        *int              `hcl:"batch_bytes,optional"`
	Window            *int              `hcl:"window,optional"`

	TLS           *hclconf.TLSBlock `hcl:"tls,block"`
	MaxSpoolBytes string            `hcl:"max_spool_bytes,optional"`
	MinFreeDisk   string            `hcl:"min_free_disk,optional"`
	MemoryLimit   string            `hcl:"memory_limit,optional"`

	HTTP          string        `hcl:"http,optional"`
	HTTPTLS       *httpTLSBlock `hcl:"http_tls,block"`
	ReadTokenFile string        `hcl:"read_token_file,optional"`
	HTTPHosts     []string      `hcl:"http_hosts,optional"`

	DefRange hcl.Range `hcl:",def_range"`
	// Body is where settings' positions are looked up (see
	// hclconf.Settings).
	Body hcl.Body `hcl:",body"`
}

// httpTLSBlock is the server identity of the HTTP endpoint (as the
// mediator's http_tls).
type httpTLSBlock struct {
	CertFile string `hcl:"cert_file"`
	KeyFile  string `hcl:"key_file"`

	DefRange hcl.Range `hcl:",def_range"`
	Body     hcl.Body  `hcl:",body"`
}

type sourceBlock struct {
	Kind          string          `hcl:"kind,label"`
	ID            string          `hcl:"id,label"`
	LogSourceType string          `hcl:"log_source_type"`
	Paths         []string        `hcl:"paths,optional"`
	Exclude       []string        `hcl:"exclude,optional"`
	StartAt       string          `hcl:"start_at,optional"`
	PollInterval  string          `hcl:"poll_interval,optional"`
	MaxLineBytes  *int            `hcl:"max_line_bytes,optional"`
	PartialLine   string          `hcl:"partial_line_timeout,optional"`
	Multiline     *multilineBlock `hcl:"multiline,block"`

	Listen          string `hcl:"listen,optional"`
	Framing         string `hcl:"framing,optional"`
	MaxConnections  *int   `hcl:"max_connections,optional"`
	MaxConnsPerAddr *int   `hcl:"max_connections_per_address,optional"`
	IdleTimeout     string `hcl:"idle_timeout,optional"`
	ReadBuffer      string `hcl:"read_buffer,optional"`
	// UDPBuffer is read_buffer's name before it was renamed.
	UDPBuffer string          `hcl:"udp_buffer,optional"`
	TLS       *sourceTLSBlock `hcl:"tls,block"`

	Tokens       []string `hcl:"tokens,optional"`
	TokensFile   string   `hcl:"tokens_file,optional"`
	Path         string   `hcl:"path,optional"`
	MaxBodyBytes string   `hcl:"max_body_bytes,optional"`
	MaxLines     *int     `hcl:"max_lines,optional"`
	// Idempotency keys of a webhook source.
	IdempotencyWindow  string `hcl:"idempotency_window,optional"`
	MaxIdempotencyKeys *int   `hcl:"max_idempotency_keys,optional"`

	Units     []string          `hcl:"units,optional"`
	Priority  string            `hcl:"priority,optional"`
	Match     map[string]string `hcl:"match,optional"`
	Directory string            `hcl:"directory,optional"`

	IncludeLines []string `hcl:"include_lines,optional"`
	ExcludeLines []string `hcl:"exclude_lines,optional"`

	DefRange  hcl.Range `hcl:",def_range"`
	KindRange hcl.Range `hcl:"kind,label_range"`
	Body      hcl.Body  `hcl:",body"`
}

// sourceTLSBlock is a network source's server identity. Unlike the
// agent's own tls block, ca_file is optional: without it any client may
// connect, with it clients must present a certificate it signed.
type sourceTLSBlock struct {
	CAFile   string `hcl:"ca_file,optional"`
	CertFile string `hcl:"cert_file"`
	KeyFile  string `hcl:"key_file"`

	DefRange hcl.Range `hcl:",def_range"`
	Body     hcl.Body  `hcl:",body"`
}

// files are the block's files, for hclconf.CheckFiles.
func (b *sourceTLSBlock) files() []hclconf.FileRef {
	return (&hclconf.TLSBlock{CAFile: b.CAFile, CertFile: b.CertFile, KeyFile: b.KeyFile, Body: b.Body}).Files("tls")
}

// LoadConfig reads and decodes an agent config file, applies SLUICE_*
// environment overrides to it and validates the result. Errors name
// file:line:col, or the variable of an override.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read agent config: %w", err)
	}
	return ParseConfig(src, path)
}

// ParseConfig is LoadConfig on bytes; filename is used in errors.
func ParseConfig(src []byte, filename string) (*Config, error) {
	f, err := hclconf.ParseBytes(src, filename)
	if err != nil {
		return nil, err
	}
	var schema fileSchema
	if diags := gohcl.DecodeBody(f.Body, nil, &schema); diags.HasErrors() {
		return nil, hclconf.FromDiagnostics(diags)
	}
	if schema.Agent == nil {
		return nil, &hclconf.Error{File: filename, Line: 1, Col: 1, Msg: `missing "agent" block`}
	}
	set := hclconf.NewSettings(schema.Agent.Body, schema.Agent.DefRange)
	schema.Agent.applyEnv(set)
	cfg, errs := schema.toConfig(set)
	errs = append(errs, schema.Agent.settleIdentity(cfg, set)...)
	if err := errs.ErrorOrNil(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// applyEnv applies the SLUICE_* overrides operators use to the decoded
// block, before it is checked, so that an override gets the same checks
// as the file (the variable standing for the position).
func (a *agentBlock) applyEnv(set *hclconf.Settings) {
	set.EnvString("SLUICE_AGENT_ID", "id", &a.ID)
	set.EnvString("SLUICE_AGENT_DATA_DIR", "data_dir", &a.DataDir)
	set.EnvList("SLUICE_AGENT_MEDIATORS", "mediators", &a.Mediators)
	set.EnvString("SLUICE_LOG_LEVEL", "log_level", &a.LogLevel)
	set.EnvString("SLUICE_AGENT_HTTP", "http", &a.HTTP)
}

// DefaultConfig returns the configuration of an agent whose file sets
// only its mediators. ID and Organization are left empty: settleIdentity
// takes them from the TLS certificate, else from the hostname and
// event.DefaultOrganization.
func DefaultConfig() *Config {
	host, _ := os.Hostname()
	return &Config{
		Hostname:          host,
		DataDir:           DefaultDataDir,
		HeartbeatInterval: DefaultHeartbeatInterval,
		FailbackDelay:     DefaultFailbackMinutes * time.Minute,
		LoadBalanceDelay:  DefaultLoadBalanceMins * time.Minute,
		HandshakeTimeout:  DefaultHandshakeTimeout,
		AckTimeout:        DefaultAckTimeout,
		ReconnectJitter:   DefaultReconnectJitter,
		MaxLineBytes:      DefaultMaxLineBytes,
		MaxSpoolBytes:     DefaultMaxSpoolBytes,
		MinFreeDisk:       DefaultMinFreeDisk,
		MemoryLimit:       DefaultMemoryLimit,
		BatchEntries:      DefaultBatchEntries,
		BatchBytes:        DefaultBatchBytes,
		Window:            DefaultWindow,
		BatchLinger:       DefaultBatchLinger,
		Compression:       wirecompress.Default,
		StallWarning:      DefaultStallWarning,
	}
}

func (schema *fileSchema) toConfig(set *hclconf.Settings) (*Config, hclconf.Errors) {
	a := schema.Agent
	cfg := DefaultConfig()
	cfg.ID, cfg.Organization, cfg.Insecure = a.ID, a.Organization, a.Insecure
	if a.Hostname != "" {
		cfg.Hostname = a.Hostname
	}
	if a.DataDir != "" {
		cfg.DataDir = a.DataDir
	}
	cfg.Log = set.Log(a.LogLevel, a.Log)
	a.mediators(cfg, set)
	if a.TLS != nil {
		cfg.TLS = &pki.Files{CA: a.TLS.CAFile, Cert: a.TLS.CertFile, Key: a.TLS.KeyFile}
		cfg.Files = append(cfg.Files, a.TLS.Files("tls")...)
	}
	set.Transport(a.Insecure, a.TLS != nil, "mediators", cfg.Mediators, func(m string) string {
		return fmt.Sprintf("mediator %q is not on this machine: configure a tls { ca_file, cert_file, key_file } block, or set insecure = true to send logs in plaintext", m)
	})

	set.Duration("heartbeat_interval", a.HeartbeatInterval, &cfg.HeartbeatInterval, hclconf.AtLeast(time.Second))
	set.Duration("handshake_timeout", a.HandshakeTimeout, &cfg.HandshakeTimeout, hclconf.AtLeast(100*time.Millisecond))
	set.Duration("ack_timeout", a.AckTimeout, &cfg.AckTimeout, hclconf.AtLeast(time.Second))
	set.Duration("reconnect_jitter", a.ReconnectJitter, &cfg.ReconnectJitter, hclconf.AtLeast[time.Duration](0))
	set.Duration("batch_linger", a.BatchLinger, &cfg.BatchLinger,
		hclconf.Between(0, maxBatchLinger).Because("it delays small batches, and longer only adds latency"))
	set.Duration("stall_warning", a.StallWarning, &cfg.StallWarning, hclconf.AtLeast[time.Duration](0))
	if set.Written("compression") {
		if err := wirecompress.Check(a.Compression); err != nil {
			set.Errorf("compression", "%v", err)
		} else {
			cfg.Compression = a.Compression
		}
	}
	minutes(set, "failback_delay", a.FailbackDelay, &cfg.FailbackDelay, hclconf.Between(1, 3600).OrZero("disabled").In("minutes"))
	minutes(set, "load_balance_delay", a.LoadBalanceDelay, &cfg.LoadBalanceDelay, hclconf.Between(60, 10080).OrZero("disabled").In("minutes"))

	set.Int("max_line_bytes", a.MaxLineBytes, &cfg.MaxLineBytes, hclconf.Between(256, 16<<20))
	set.Int("batch_entries", a.BatchEntries, &cfg.BatchEntries, hclconf.Between(1, 100000))
	set.Int("batch_bytes", a.BatchBytes, &cfg.BatchBytes, hclconf.Between(1<<10, 64<<20))
	set.Int("window", a.Window, &cfg.Window,
		hclconf.Between(1, MaxWindow).Because("a mediator buffers 64 batches per stream, and a larger window would hold heartbeats behind data"))
	// Upper bounds catch a unit too many: a spool of petabytes is a typo.
	set.Size("max_spool_bytes", a.MaxSpoolBytes, &cfg.MaxSpoolBytes, hclconf.AtMost[int64](16<<40))
	set.Size("min_free_disk", a.MinFreeDisk, &cfg.MinFreeDisk, hclconf.AtMost[int64](1<<40))
	set.Size("memory_limit", a.MemoryLimit, &cfg.MemoryLimit, hclconf.Between[int64](16<<20, 1<<40).OrZero("no limit"))
	a.httpEndpoint(cfg, set)
	errs := set.Errors()

	ids := map[string]bool{}
	for _, sb := range schema.Sources {
		sc, serrs := sb.toConfig(cfg.MaxLineBytes)
		errs = append(errs, serrs...)
		if sb.TLS != nil {
			cfg.Files = append(cfg.Files, sb.TLS.files()...)
		}
		if sb.TokensFile != "" {
			cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "tokens_file", Path: sb.TokensFile, Range: hclconf.AttrRange(sb.Body, "tokens_file"), Secret: true})
		}
		if sb.UDPBuffer != "" && sb.ReadBuffer == "" {
			cfg.Warnings = append(cfg.Warnings, hclconf.Errorf(hclconf.AttrRange(sb.Body, "udp_buffer"), "udp_buffer is deprecated: it is now called read_buffer (same meaning)"))
		}
		if ids[sb.ID] {
			errs = append(errs, hclconf.Errorf(sb.DefRange, "source %q is defined twice", sb.ID))
		}
		ids[sb.ID] = true
		cfg.Sources = append(cfg.Sources, sc)
	}
	return cfg, errs
}

// httpEndpoint reads the HTTP endpoint's address and access settings,
// as the mediator's: http_tls, read_token_file, http_hosts. They mean
// nothing without http, and saying so beats a silent no-op.
func (a *agentBlock) httpEndpoint(cfg *Config, set *hclconf.Settings) {
	if a.HTTP == "" {
		if set.Written("http") {
			set.Errorf("http", `http must not be empty (remove it to serve no HTTP endpoint)`)
		}
		for _, s := range []setAttr{{"read_token_file", a.ReadTokenFile != ""}, {"http_hosts", len(a.HTTPHosts) > 0}} {
			if s.set {
				set.Errorf(s.name, "%s needs http (the agent's HTTP endpoint) to be set", s.name)
			}
		}
		if a.HTTPTLS != nil {
			set.Add(hclconf.Errorf(a.HTTPTLS.DefRange, "http_tls needs http (the agent's HTTP endpoint) to be set"))
		}
		return
	}
	if err := hclconf.CheckListen(a.HTTP); err != nil {
		set.Errorf("http", "http: %q: %v", a.HTTP, err)
	} else {
		cfg.HTTP = a.HTTP
	}
	if a.HTTPTLS != nil {
		cfg.HTTPTLS = &pki.Files{Cert: a.HTTPTLS.CertFile, Key: a.HTTPTLS.KeyFile}
		cfg.Files = append(cfg.Files,
			hclconf.FileRef{Setting: "http_tls cert_file", Path: a.HTTPTLS.CertFile, Range: hclconf.AttrRange(a.HTTPTLS.Body, "cert_file")},
			hclconf.FileRef{Setting: "http_tls key_file", Path: a.HTTPTLS.KeyFile, Range: hclconf.AttrRange(a.HTTPTLS.Body, "key_file"), Secret: true})
	}
	if set.Written("read_token_file") && strings.TrimSpace(a.ReadTokenFile) == "" {
		set.Errorf("read_token_file", "read_token_file must not be empty (remove it to have no read token)")
	}
	if a.ReadTokenFile != "" {
		cfg.ReadTokenFile = a.ReadTokenFile
		cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "read_token_file", Path: a.ReadTokenFile, Range: set.At("read_token_file"), Secret: true})
	}
	for _, h := range a.HTTPHosts {
		if err := httpauth.CheckHostName(h); err != nil {
			set.Errorf("http_hosts", "http_hosts: %v", err)
		}
	}
	cfg.HTTPHosts = a.HTTPHosts
}

// minutes reads a setting written in whole minutes into dst.
func minutes(set *hclconf.Settings, name string, val *int, dst *time.Duration, b hclconf.Bounds[int]) {
	n := int(*dst / time.Minute)
	set.Int(name, val, &n, b)
	*dst = time.Duration(n) * time.Minute
}

// mediators checks the mediator addresses into cfg.Mediators.
func (a *agentBlock) mediators(cfg *Config, set *hclconf.Settings) {
	if len(a.Mediators) == 0 {
		set.Errorf("mediators", "mediators must list at least one mediator address (host:port)")
	}
	seen := map[string]bool{}
	for _, m := range a.Mediators {
		if err := checkAddress(m); err != nil {
			set.Errorf("mediators", "mediators: %q: %v", m, err)
			continue
		}
		if seen[m] {
			set.Errorf("mediators", "mediators: %q is listed twice", m)
			continue
		}
		seen[m] = true
		cfg.Mediators = append(cfg.Mediators, m)
	}
}

// settleIdentity gives the agent its id and organization. With a TLS
// client certificate that names an agent, what the configuration leaves
// out is taken from the certificate (the mediator admits an agent only as
// its certificate's identity); a configured value that disagrees with it is
// an error here rather than a refusal at every connection. Otherwise the id
// defaults to the hostname and the organization to "default". A
// certificate that cannot be read is left to the checks of the TLS files.
func (a *agentBlock) settleIdentity(cfg *Config, set *hclconf.Settings) hclconf.Errors {
	var errs hclconf.Errors
	if cfg.TLS != nil && cfg.TLS.Cert != "" {
		if id, err := pki.IdentityOfFile(cfg.TLS.Cert); err == nil && id.Kind == pki.KindAgent {
			errs = append(errs, fromCert(set, "id", &cfg.ID, id, cfg.TLS.Cert)...)
			errs = append(errs, fromCert(set, "organization", &cfg.Organization, id, cfg.TLS.Cert)...)
		}
	}
	if cfg.ID == "" {
		cfg.ID = cfg.Hostname
	}
	if cfg.Organization == "" {
		cfg.Organization = event.DefaultOrganization
	}
	return errs
}

// fromCert settles one identity setting (id or organization) against the
// certificate's identity: unset, it takes the certificate's value; set
// (in the file, or by an environment variable), it must agree.
func fromCert(set *hclconf.Settings, name string, dst *string, id pki.Identity, certFile string) hclconf.Errors {
	want := id.ID
	if name == "organization" {
		want = id.Organization
	}
	switch {
	case *dst == "":
		*dst = want
		return nil
	case *dst == want:
		return nil
	}
	fix := "remove " + name
	if v := set.EnvVar(name); v != "" {
		fix = "unset " + v
	}
	return hclconf.Errors{hclconf.Errorf(set.At(name), "%s = %q disagrees with the TLS certificate %s, which is for agent %q in organization %q: %s to take it from the certificate, or use a certificate made for this agent (sluice tls cert -agent ID -org ORG)",
		name, *dst, certFile, id.ID, id.Organization, fix)}
}

func (sb *sourceBlock) toConfig(maxLine int) (SourceConfig, hclconf.Errors) {
	set := hclconf.NewSettings(sb.Body, sb.DefRange)
	sc := SourceConfig{
		Kind:          sb.Kind,
		ID:            sb.ID,
		LogSourceType: sb.LogSourceType,
		Paths:         sb.Paths,
		Exclude:       sb.Exclude,
		PollInterval:  DefaultPollInterval,
		MaxLineBytes:  maxLine,
		// Writers finish a line in microseconds; 5 s without a newline
		// means the writer died or does not end its lines.
		PartialLineTimeout: 5 * time.Second,
	}
	switch sb.Kind {
	case "file":
		sb.notFor(set, sb.networkOnly())
		sb.notFor(set, sb.syslogOnly())
		sb.notFor(set, sb.webhookOnly())
		sb.notFor(set, sb.journaldOnly())
		if sb.TLS != nil {
			set.Add(hclconf.Errorf(sb.TLS.DefRange, "tls does not apply to file sources"))
		}
	case "syslog":
		sb.notFor(set, sb.fileOnly())
		sb.notFor(set, sb.webhookOnly())
		sb.notFor(set, sb.journaldOnly())
		sb.syslogConfig(&sc, set)
	case "webhook":
		sb.notFor(set, sb.fileOnly())
		sb.notFor(set, sb.syslogOnly())
		sb.notFor(set, sb.journaldOnly())
		sb.webhookConfig(&sc, set)
		if sb.Multiline != nil {
			set.Add(hclconf.Errorf(sb.Multiline.DefRange, "multiline does not apply to webhook sources (a request line is one event; send an event's lines in one JSON string)"))
		}
	case "journald":
		sb.notFor(set, except(sb.fileOnly(), "start_at"))
		sb.notFor(set, sb.networkOnly())
		sb.notFor(set, sb.syslogOnly())
		sb.notFor(set, sb.webhookOnly())
		if sb.TLS != nil {
			set.Add(hclconf.Errorf(sb.TLS.DefRange, "tls does not apply to journald sources"))
		}
		if sb.Multiline != nil {
			set.Add(hclconf.Errorf(sb.Multiline.DefRange, "multiline does not apply to journald sources (an entry's MESSAGE is one event, newlines included)"))
		}
		sb.journaldConfig(&sc, set)
	default:
		set.Add(hclconf.Errorf(sb.KindRange, "unknown source kind %q (supported: %s)", sb.Kind, strings.Join(sourceKinds(), ", ")))
	}
	if sb.ID == "" {
		set.Add(hclconf.Errorf(sb.DefRange, "source id (the second label) must not be empty"))
	}
	if sb.LogSourceType == "" {
		set.Errorf("log_source_type", "log_source_type must not be empty")
	}
	if sb.Kind == "file" {
		if len(sb.Paths) == 0 {
			set.Add(hclconf.Errorf(sb.DefRange, "file source %q needs paths (globs of files to tail)", sb.ID))
		}
		for _, p := range append(append([]string(nil), sb.Paths...), sb.Exclude...) {
			if _, err := filepath.Match(p, ""); err != nil {
				set.Errorf("paths", "bad glob %q: %v", p, err)
			}
		}
	}
	startAt := ""
	set.Enum("start_at", sb.StartAt, &startAt, "beginning", "end")
	sc.StartAtEnd = startAt == "end"
	set.Duration("poll_interval", sb.PollInterval, &sc.PollInterval, hclconf.AtLeast(10*time.Millisecond))
	set.Duration("partial_line_timeout", sb.PartialLine, &sc.PartialLineTimeout, hclconf.AtLeast(100*time.Millisecond))
	set.Int("max_line_bytes", sb.MaxLineBytes, &sc.MaxLineBytes, hclconf.Between(256, 16<<20))
	if sb.Multiline != nil && sb.Kind != "webhook" {
		ml, errs := sb.Multiline.toConfig()
		set.Add(errs...)
		sc.Multiline = ml
		if sb.Kind == "syslog" && strings.HasPrefix(sb.Listen, "udp://") {
			set.Add(hclconf.Errorf(sb.Multiline.DefRange, "multiline applies to tcp:// and tls:// syslog (joined per connection): UDP datagrams have no order to join in"))
		}
	}
	sb.lineFilter(&sc, set)
	return sc, set.Errors()
}

// lineFilter compiles include_lines and exclude_lines: a pattern that
// does not compile is an error at its list's position.
func (sb *sourceBlock) lineFilter(sc *SourceConfig, set *hclconf.Settings) {
	ok := true
	for _, l := range []struct {
		name     string
		patterns []string
	}{{"include_lines", sb.IncludeLines}, {"exclude_lines", sb.ExcludeLines}} {
		for i, p := range l.patterns {
			if _, err := regexp.Compile(p); err != nil {
				set.Errorf(l.name, "%s[%d] %q: %v", l.name, i, p, err)
				ok = false
			}
		}
	}
	if !ok || len(sb.IncludeLines)+len(sb.ExcludeLines) == 0 {
		return
	}
	sc.IncludeLines, sc.ExcludeLines = sb.IncludeLines, sb.ExcludeLines
	f, err := source.CompileFilter(sb.IncludeLines, sb.ExcludeLines)
	if err != nil { // compiled above: cannot happen
		set.Errorf("include_lines", "%v", err)
		return
	}
	sc.Filter = f
}

// sourceKinds are the kinds of `source "KIND" "ID"` blocks.
func sourceKinds() []string { return []string{"file", "syslog", "webhook", "journald"} }

// except returns attrs without the one named name.
func except(attrs []setAttr, name string) []setAttr {
	out := attrs[:0:0]
	for _, a := range attrs {
		if a.name != name {
			out = append(out, a)
		}
	}
	return out
}

func (sb *sourceBlock) journaldOnly() []setAttr {
	return []setAttr{
		{"units", len(sb.Units) > 0},
		{"priority", sb.Priority != ""},
		{"match", len(sb.Match) > 0},
		{"directory", sb.Directory != ""},
	}
}

// journaldConfig validates the settings of a journald source into sc.
// Whether the host has a journal is checked when the source starts.
func (sb *sourceBlock) journaldConfig(sc *SourceConfig, set *hclconf.Settings) {
	for _, u := range sb.Units {
		if strings.TrimSpace(u) == "" {
			set.Errorf("units", "units must not hold an empty name")
		}
	}
	sc.Units = sb.Units
	if _, err := journald.ParsePriority(sb.Priority); err != nil {
		set.Errorf("priority", "%v", err)
	}
	sc.Priority = sb.Priority
	for k := range sb.Match {
		if !journald.ValidField(k) {
			set.Errorf("match", "match: %q is not a journal field name (upper-case letters, digits and _, e.g. SYSLOG_IDENTIFIER or _UID)", k)
		}
	}
	sc.Match = sb.Match
	sc.Directory = sb.Directory
}

// setAttr is an attribute a source block sets, for kind checks.
type setAttr struct {
	name string
	set  bool
}

func (sb *sourceBlock) fileOnly() []setAttr {
	return []setAttr{
		{"paths", len(sb.Paths) > 0},
		{"exclude", len(sb.Exclude) > 0},
		{"start_at", sb.StartAt != ""},
		{"poll_interval", sb.PollInterval != ""},
		{"partial_line_timeout", sb.PartialLine != ""},
	}
}

// networkOnly are the settings of sources that listen (syslog, webhook),
// besides their tls block.
func (sb *sourceBlock) networkOnly() []setAttr {
	return []setAttr{
		{"listen", sb.Listen != ""},
		{"max_connections", sb.MaxConnections != nil},
		{"max_connections_per_address", sb.MaxConnsPerAddr != nil},
	}
}

func (sb *sourceBlock) syslogOnly() []setAttr {
	return []setAttr{
		{"framing", sb.Framing != ""},
		{"idle_timeout", sb.IdleTimeout != ""},
		{"read_buffer", sb.ReadBuffer != ""},
		{"udp_buffer", sb.UDPBuffer != ""},
	}
}

func (sb *sourceBlock) webhookOnly() []setAttr {
	return []setAttr{
		{"tokens", len(sb.Tokens) > 0},
		{"tokens_file", sb.TokensFile != ""},
		{"path", sb.Path != ""},
		{"max_body_bytes", sb.MaxBodyBytes != ""},
		{"max_lines", sb.MaxLines != nil},
		{"idempotency_window", sb.IdempotencyWindow != ""},
		{"max_idempotency_keys", sb.MaxIdempotencyKeys != nil},
	}
}

// webhookConfig validates the settings of a webhook source into sc. The
// tokens themselves are never part of an error message.
func (sb *sourceBlock) webhookConfig(sc *SourceConfig, set *hclconf.Settings) {
	sc.Path = webhook.DefaultPath
	sc.MaxBodyBytes = webhook.DefaultMaxBodyBytes
	sc.MaxLines = webhook.DefaultMaxLinesPerRequest
	if sb.Listen == "" {
		set.Add(hclconf.Errorf(sb.DefRange, `webhook source %q needs listen ("host:port", e.g. "0.0.0.0:8514")`, sb.ID))
	} else if _, _, err := net.SplitHostPort(sb.Listen); err != nil {
		set.Errorf("listen", "listen %q: %v (want host:port)", sb.Listen, err)
	} else {
		sc.Listen = sb.Listen
	}
	if sb.TLS != nil {
		sc.TLS = &pki.Files{CA: sb.TLS.CAFile, Cert: sb.TLS.CertFile, Key: sb.TLS.KeyFile}
	}
	sb.connectionLimits(sc, set, connlimit.DefaultMaxHTTP, connlimit.DefaultMaxHTTPPerAddress)
	sc.Tokens = append(sc.Tokens, sb.Tokens...)
	if sb.TokensFile != "" {
		b, err := os.ReadFile(sb.TokensFile)
		if err != nil {
			set.Errorf("tokens_file", "tokens_file: %v", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				sc.Tokens = append(sc.Tokens, t)
			}
		}
	}
	tokensAt := "tokens"
	if len(sb.Tokens) == 0 {
		tokensAt = "tokens_file"
	}
	switch {
	case len(sc.Tokens) == 0 && sb.TokensFile == "":
		set.Add(hclconf.Errorf(sb.DefRange, "webhook source %q needs tokens (or tokens_file): the intake never accepts unauthenticated senders", sb.ID))
	case len(sc.Tokens) == 0:
		set.Errorf("tokens_file", "tokens_file %s holds no token", sb.TokensFile)
	}
	for i, t := range sc.Tokens {
		if len(t) < webhook.MinTokenBytes || strings.ContainsAny(t, " \t\r\n") {
			set.Errorf(tokensAt, "token %d is shorter than %d bytes or holds whitespace (e.g. openssl rand -hex 24 makes a good one)", i+1, webhook.MinTokenBytes)
		}
	}
	if sb.Path != "" {
		if !strings.HasPrefix(sb.Path, "/") {
			set.Errorf("path", "path must start with /")
		}
		sc.Path = sb.Path
	}
	set.Size("max_body_bytes", sb.MaxBodyBytes, &sc.MaxBodyBytes, hclconf.Between[int64](1<<10, webhook.MaxBodyBytesLimit))
	set.Int("max_lines", sb.MaxLines, &sc.MaxLines, hclconf.Between(1, webhook.MaxLinesLimit))
	sc.IdempotencyWindow = webhook.DefaultIdempotencyWindow
	sc.MaxIdempotencyKeys = webhook.DefaultMaxIdempotencyKeys
	set.Duration("idempotency_window", sb.IdempotencyWindow, &sc.IdempotencyWindow, hclconf.Between(time.Minute, webhook.MaxIdempotencyWindow))
	set.Int("max_idempotency_keys", sb.MaxIdempotencyKeys, &sc.MaxIdempotencyKeys, hclconf.Between(1, webhook.MaxIdempotencyKeysLimit))
}

// notFor reports settings that do nothing for this source's kind: a
// mistake the operator wants to hear about, not a silent no-op.
func (sb *sourceBlock) notFor(set *hclconf.Settings, attrs []setAttr) {
	for _, a := range attrs {
		if a.set {
			set.Errorf(a.name, "%s does not apply to %s sources", a.name, sb.Kind)
		}
	}
}

// syslogConfig validates the settings of a syslog source into sc.
func (sb *sourceBlock) syslogConfig(sc *SourceConfig, set *hclconf.Settings) {
	sc.IdleTimeout = syslog.DefaultIdleTimeout
	scheme := ""
	if sb.Listen == "" {
		set.Add(hclconf.Errorf(sb.DefRange, `syslog source %q needs listen ("udp://host:port", "tcp://host:port" or "tls://host:port")`, sb.ID))
	} else if sch, _, err := syslog.ParseListen(sb.Listen); err != nil {
		set.Errorf("listen", "%v", err)
	} else {
		scheme = sch
		sc.Listen = sb.Listen
	}
	switch {
	case scheme == "tls" && sb.TLS == nil:
		set.Errorf("listen", "listen %q needs a tls { cert_file, key_file } block in the source (ca_file too, to require client certificates)", sb.Listen)
	case scheme != "" && scheme != "tls" && sb.TLS != nil:
		set.Add(hclconf.Errorf(sb.TLS.DefRange, "a tls block needs listen = \"tls://host:port\", not %q", sb.Listen))
	case sb.TLS != nil:
		sc.TLS = &pki.Files{CA: sb.TLS.CAFile, Cert: sb.TLS.CertFile, Key: sb.TLS.KeyFile}
	}
	if f, err := syslog.ParseFraming(sb.Framing); err != nil {
		set.Errorf("framing", "%v", err)
	} else {
		sc.Framing = f
		if sb.Framing != "" && scheme == "udp" {
			set.Errorf("framing", "framing applies to tcp:// and tls://: a UDP datagram is one message")
		}
	}
	sb.connectionLimits(sc, set, syslog.DefaultMaxConnections, syslog.DefaultMaxConnectionsPerAddress)
	set.Duration("idle_timeout", sb.IdleTimeout, &sc.IdleTimeout, hclconf.AtLeast(time.Second))
	if scheme == "udp" {
		sc.ReadBuffer = syslog.DefaultReadBuffer
	}
	name, val := "read_buffer", sb.ReadBuffer
	if sb.UDPBuffer != "" {
		if sb.ReadBuffer != "" {
			set.Errorf("udp_buffer", "udp_buffer is the old name of read_buffer: set read_buffer only")
		}
		name, val = "udp_buffer", sb.UDPBuffer
	}
	if val != "" && scheme != "" && scheme != "udp" {
		if _, err := hclconf.ParseSize(val); err == nil {
			set.Errorf(name, "%s applies to udp:// only", name)
			return
		}
	}
	set.IntSize(name, val, &sc.ReadBuffer, hclconf.Between[int64](4<<10, 1<<30))
}

// connectionLimits reads max_connections and max_connections_per_address
// of a source that accepts connections.
func (sb *sourceBlock) connectionLimits(sc *SourceConfig, set *hclconf.Settings, defMax, defPerAddress int) {
	sc.MaxConnections, sc.MaxConnectionsPerAddress = defMax, defPerAddress
	set.Int("max_connections", sb.MaxConnections, &sc.MaxConnections, hclconf.Between(1, connlimit.MaxLimit))
	set.Int("max_connections_per_address", sb.MaxConnsPerAddr, &sc.MaxConnectionsPerAddress, hclconf.Between(1, connlimit.MaxLimit))
	if sb.MaxConnsPerAddr == nil && sc.MaxConnectionsPerAddress > sc.MaxConnections {
		sc.MaxConnectionsPerAddress = sc.MaxConnections
	}
}

// checkAddress validates a mediator address: host:port with a numeric port
// and a host that resolves.
func checkAddress(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("not host:port: %w", err)
	}
	if host == "" {
		return fmt.Errorf("missing host")
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("port %q is not a number between 1 and 65535", port)
	}
	if net.ParseIP(host) != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := net.DefaultResolver.LookupHost(ctx, host); err != nil {
		return fmt.Errorf("host %q does not resolve: %v", host, err)
	}
	return nil
}
