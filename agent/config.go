package agent

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/agent/webhook"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/pki"
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
	TLS      *pki.Files
	LogLevel string

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
	BatchEntries  int
	BatchBytes    int
	// Window is how many batches may be in flight unacknowledged.
	Window int
	// BatchLinger is how long after one small batch the next small one
	// waits, so that what arrives meanwhile goes in one message (0: send
	// at once).
	BatchLinger time.Duration
	// StallWarning is how long the spool may hold entries, with a
	// mediator connected, without an acknowledgement before the agent
	// reports its uplink stalled (0: never).
	StallWarning time.Duration

	Sources []SourceConfig

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
}

// Defaults.
const (
	DefaultDataDir           = "/var/lib/sluice/agent"
	DefaultHeartbeatInterval = 30 * time.Second
	DefaultFailbackMinutes   = 60
	DefaultLoadBalanceMins   = 4320
	DefaultMaxLineBytes      = 64 << 10
	DefaultBatchEntries      = 8000
	DefaultBatchBytes        = 4 << 20
	DefaultWindow            = 8
	DefaultBatchLinger       = 200 * time.Millisecond
	DefaultStallWarning      = 60 * time.Second
	DefaultPollInterval      = 250 * time.Millisecond
	DefaultMaxSpoolBytes     = 1 << 30
	DefaultMinFreeDisk       = 256 << 20
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

type fileSchema struct {
	Agent   *agentBlock   `hcl:"agent,block"`
	Sources []sourceBlock `hcl:"source,block"`
}

type agentBlock struct {
	ID                string   `hcl:"id,optional"`
	Organization      string   `hcl:"organization,optional"`
	Hostname          string   `hcl:"hostname,optional"`
	DataDir           string   `hcl:"data_dir,optional"`
	Mediators         []string `hcl:"mediators"`
	Insecure          bool     `hcl:"insecure,optional"`
	LogLevel          string   `hcl:"log_level,optional"`
	HeartbeatInterval string   `hcl:"heartbeat_interval,optional"`
	FailbackDelay     *int     `hcl:"failback_delay,optional"`
	LoadBalanceDelay  *int     `hcl:"load_balance_delay,optional"`
	HandshakeTimeout  string   `hcl:"handshake_timeout,optional"`
	AckTimeout        string   `hcl:"ack_timeout,optional"`
	ReconnectJitter   string   `hcl:"reconnect_jitter,optional"`
	BatchLinger       string   `hcl:"batch_linger,optional"`
	StallWarning      string   `hcl:"stall_warning,optional"`
	MaxLineBytes      *int     `hcl:"max_line_bytes,optional"`
	BatchEntries      *int     `hcl:"batch_entries,optional"`
	BatchBytes        *int     `hcl:"batch_bytes,optional"`
	Window            *int     `hcl:"window,optional"`

	TLS           *hclconf.TLSBlock `hcl:"tls,block"`
	MaxSpoolBytes string            `hcl:"max_spool_bytes,optional"`
	MinFreeDisk   string            `hcl:"min_free_disk,optional"`

	DefRange               hcl.Range `hcl:",def_range"`
	IDRange                hcl.Range `hcl:"id,attr_range"`
	OrganizationRange      hcl.Range `hcl:"organization,attr_range"`
	MediatorsRange         hcl.Range `hcl:"mediators,attr_range"`
	InsecureRange          hcl.Range `hcl:"insecure,attr_range"`
	LogLevelRange          hcl.Range `hcl:"log_level,attr_range"`
	HeartbeatIntervalRange hcl.Range `hcl:"heartbeat_interval,attr_range"`
	FailbackDelayRange     hcl.Range `hcl:"failback_delay,attr_range"`
	LoadBalanceDelayRange  hcl.Range `hcl:"load_balance_delay,attr_range"`
	HandshakeTimeoutRange  hcl.Range `hcl:"handshake_timeout,attr_range"`
	AckTimeoutRange        hcl.Range `hcl:"ack_timeout,attr_range"`
	ReconnectJitterRange   hcl.Range `hcl:"reconnect_jitter,attr_range"`
	BatchLingerRange       hcl.Range `hcl:"batch_linger,attr_range"`
	StallWarningRange      hcl.Range `hcl:"stall_warning,attr_range"`
	MaxLineBytesRange      hcl.Range `hcl:"max_line_bytes,attr_range"`
	BatchEntriesRange      hcl.Range `hcl:"batch_entries,attr_range"`
	BatchBytesRange        hcl.Range `hcl:"batch_bytes,attr_range"`
	WindowRange            hcl.Range `hcl:"window,attr_range"`
	MaxSpoolBytesRange     hcl.Range `hcl:"max_spool_bytes,attr_range"`
	MinFreeDiskRange       hcl.Range `hcl:"min_free_disk,attr_range"`
}

type sourceBlock struct {
	Kind          string   `hcl:"kind,label"`
	ID            string   `hcl:"id,label"`
	LogSourceType string   `hcl:"log_source_type"`
	Paths         []string `hcl:"paths,optional"`
	Exclude       []string `hcl:"exclude,optional"`
	StartAt       string   `hcl:"start_at,optional"`
	PollInterval  string   `hcl:"poll_interval,optional"`
	MaxLineBytes  *int     `hcl:"max_line_bytes,optional"`
	PartialLine   string   `hcl:"partial_line_timeout,optional"`

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

	DefRange          hcl.Range `hcl:",def_range"`
	KindRange         hcl.Range `hcl:"kind,label_range"`
	PathsRange        hcl.Range `hcl:"paths,attr_range"`
	StartAtRange      hcl.Range `hcl:"start_at,attr_range"`
	PollIntervalRange hcl.Range `hcl:"poll_interval,attr_range"`
	MaxLineBytesRange hcl.Range `hcl:"max_line_bytes,attr_range"`
	LogSourceTypeRng  hcl.Range `hcl:"log_source_type,attr_range"`
	PartialLineRange  hcl.Range `hcl:"partial_line_timeout,attr_range"`
	ExcludeRange      hcl.Range `hcl:"exclude,attr_range"`
	ListenRange       hcl.Range `hcl:"listen,attr_range"`
	FramingRange      hcl.Range `hcl:"framing,attr_range"`
	MaxConnsRange     hcl.Range `hcl:"max_connections,attr_range"`
	MaxConnsAddrRange hcl.Range `hcl:"max_connections_per_address,attr_range"`
	IdleTimeoutRange  hcl.Range `hcl:"idle_timeout,attr_range"`
	ReadBufferRange   hcl.Range `hcl:"read_buffer,attr_range"`
	UDPBufferRange    hcl.Range `hcl:"udp_buffer,attr_range"`
	TokensRange       hcl.Range `hcl:"tokens,attr_range"`
	TokensFileRange   hcl.Range `hcl:"tokens_file,attr_range"`
	PathRange         hcl.Range `hcl:"path,attr_range"`
	MaxBodyBytesRange hcl.Range `hcl:"max_body_bytes,attr_range"`
	MaxLinesRange     hcl.Range `hcl:"max_lines,attr_range"`
}

// sourceTLSBlock is a network source's server identity. Unlike the
// agent's own tls block, ca_file is optional: without it any client may
// connect, with it clients must present a certificate it signed.
type sourceTLSBlock struct {
	CAFile   string `hcl:"ca_file,optional"`
	CertFile string `hcl:"cert_file"`
	KeyFile  string `hcl:"key_file"`

	DefRange      hcl.Range `hcl:",def_range"`
	CAFileRange   hcl.Range `hcl:"ca_file,attr_range"`
	CertFileRange hcl.Range `hcl:"cert_file,attr_range"`
	KeyFileRange  hcl.Range `hcl:"key_file,attr_range"`
}

// files are the block's files, for hclconf.CheckFiles.
func (b *sourceTLSBlock) files() []hclconf.FileRef {
	return (&hclconf.TLSBlock{CAFile: b.CAFile, CertFile: b.CertFile, KeyFile: b.KeyFile,
		CAFileRange: b.CAFileRange, CertFileRange: b.CertFileRange, KeyFileRange: b.KeyFileRange}).Files("tls")
}

// LoadConfig reads, decodes and validates an agent config file, then
// applies SLUICE_* environment overrides. Errors name file:line:col.
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
	var fs fileSchema
	if diags := gohcl.DecodeBody(f.Body, nil, &fs); diags.HasErrors() {
		return nil, hclconf.FromDiagnostics(diags)
	}
	if fs.Agent == nil {
		return nil, &hclconf.Error{File: filename, Line: 1, Col: 1, Msg: `missing "agent" block`}
	}
	cfg, errs := fs.toConfig()
	applyEnv(cfg)
	errs = append(errs, fs.Agent.settleIdentity(cfg)...)
	if err := errs.ErrorOrNil(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (fs *fileSchema) toConfig() (*Config, hclconf.Errors) {
	var errs hclconf.Errors
	a := fs.Agent
	cfg := &Config{
		ID:           a.ID,
		Organization: a.Organization,
		Hostname:     a.Hostname,
		DataDir:      a.DataDir,
		Insecure:     a.Insecure,
		LogLevel:     a.LogLevel,
	}
	if cfg.Hostname == "" {
		cfg.Hostname, _ = os.Hostname()
	}
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	switch a.LogLevel {
	case "", "trace", "debug", "info", "warn", "error":
	default:
		errs = append(errs, hclconf.Errorf(a.LogLevelRange, "log_level must be one of trace, debug, info, warn, error"))
	}

	if len(a.Mediators) == 0 {
		errs = append(errs, hclconf.Errorf(a.MediatorsRange, "mediators must list at least one mediator address (host:port)"))
	}
	seen := map[string]bool{}
	for _, m := range a.Mediators {
		if err := checkAddress(m); err != nil {
			errs = append(errs, hclconf.Errorf(a.MediatorsRange, "mediators: %q: %v", m, err))
			continue
		}
		if seen[m] {
			errs = append(errs, hclconf.Errorf(a.MediatorsRange, "mediators: %q is listed twice", m))
			continue
		}
		seen[m] = true
		cfg.Mediators = append(cfg.Mediators, m)
	}

	if a.TLS != nil {
		cfg.TLS = &pki.Files{CA: a.TLS.CAFile, Cert: a.TLS.CertFile, Key: a.TLS.KeyFile}
		cfg.Files = append(cfg.Files, a.TLS.Files("tls")...)
		if a.Insecure {
			errs = append(errs, hclconf.Errorf(a.InsecureRange, "insecure = true and a tls block contradict each other: remove one"))
		}
	} else if !a.Insecure {
		for _, m := range cfg.Mediators {
			if !hclconf.AddrIsLoopback(m) {
				errs = append(errs, hclconf.Errorf(a.MediatorsRange, "mediator %q is not on this machine: configure a tls { ca_file, cert_file, key_file } block, or set insecure = true to send logs in plaintext", m))
				break
			}
		}
	}

	durations := []struct {
		name string
		val  string
		rng  hcl.Range
		def  time.Duration
		min  time.Duration
		dst  *time.Duration
	}{
		{"heartbeat_interval", a.HeartbeatInterval, a.HeartbeatIntervalRange, DefaultHeartbeatInterval, time.Second, &cfg.HeartbeatInterval},
		{"handshake_timeout", a.HandshakeTimeout, a.HandshakeTimeoutRange, 10 * time.Second, 100 * time.Millisecond, &cfg.HandshakeTimeout},
		{"ack_timeout", a.AckTimeout, a.AckTimeoutRange, 60 * time.Second, time.Second, &cfg.AckTimeout},
		{"reconnect_jitter", a.ReconnectJitter, a.ReconnectJitterRange, 2 * time.Second, 0, &cfg.ReconnectJitter},
		{"batch_linger", a.BatchLinger, a.BatchLingerRange, DefaultBatchLinger, 0, &cfg.BatchLinger},
		{"stall_warning", a.StallWarning, a.StallWarningRange, DefaultStallWarning, 0, &cfg.StallWarning},
	}
	for _, d := range durations {
		*d.dst = d.def
		if d.val == "" {
			continue
		}
		v, e := hclconf.Duration(d.val, d.name, d.rng)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		if v < d.min {
			errs = append(errs, hclconf.Errorf(d.rng, "%s must be at least %s", d.name, d.min))
			continue
		}
		*d.dst = v
	}
	if cfg.BatchLinger > maxBatchLinger {
		errs = append(errs, hclconf.Errorf(a.BatchLingerRange, "batch_linger must be at most %s: it delays small batches, and longer only adds latency", maxBatchLinger))
	}

	cfg.FailbackDelay = DefaultFailbackMinutes * time.Minute
	if a.FailbackDelay != nil {
		v := *a.FailbackDelay
		if v != 0 && (v < 1 || v > 3600) {
			errs = append(errs, hclconf.Errorf(a.FailbackDelayRange, "failback_delay must be 0 (disabled) or 1–3600 minutes, not %d", v))
		}
		cfg.FailbackDelay = time.Duration(v) * time.Minute
	}
	cfg.LoadBalanceDelay = DefaultLoadBalanceMins * time.Minute
	if a.LoadBalanceDelay != nil {
		v := *a.LoadBalanceDelay
		if v != 0 && (v < 60 || v > 10080) {
			errs = append(errs, hclconf.Errorf(a.LoadBalanceDelayRange, "load_balance_delay must be 0 (disabled) or 60–10080 minutes, not %d", v))
		}
		cfg.LoadBalanceDelay = time.Duration(v) * time.Minute
	}

	ints := []struct {
		name     string
		val      *int
		rng      hcl.Range
		def, min int
		max      int
		dst      *int
	}{
		{"max_line_bytes", a.MaxLineBytes, a.MaxLineBytesRange, DefaultMaxLineBytes, 256, 16 << 20, &cfg.MaxLineBytes},
		{"batch_entries", a.BatchEntries, a.BatchEntriesRange, DefaultBatchEntries, 1, 100000, &cfg.BatchEntries},
		{"batch_bytes", a.BatchBytes, a.BatchBytesRange, DefaultBatchBytes, 1 << 10, 64 << 20, &cfg.BatchBytes},
		{"window", a.Window, a.WindowRange, DefaultWindow, 1, MaxWindow, &cfg.Window},
	}
	for _, n := range ints {
		*n.dst = n.def
		if n.val == nil {
			continue
		}
		if *n.val < n.min || *n.val > n.max {
			why := ""
			if n.name == "window" && *n.val > n.max {
				why = ": a mediator buffers 64 batches per stream, and a larger window would hold heartbeats behind data"
			}
			errs = append(errs, hclconf.Errorf(n.rng, "%s must be between %d and %d, not %d%s", n.name, n.min, n.max, *n.val, why))
			continue
		}
		*n.dst = *n.val
	}

	// Upper bounds catch a unit too many: a spool of petabytes is a typo.
	sizes := []struct {
		name     string
		val      string
		rng      hcl.Range
		def, max int64
		dst      *int64
	}{
		{"max_spool_bytes", a.MaxSpoolBytes, a.MaxSpoolBytesRange, DefaultMaxSpoolBytes, 16 << 40, &cfg.MaxSpoolBytes},
		{"min_free_disk", a.MinFreeDisk, a.MinFreeDiskRange, DefaultMinFreeDisk, 1 << 40, &cfg.MinFreeDisk},
	}
	for _, z := range sizes {
		*z.dst = z.def
		if z.val == "" {
			continue
		}
		v, e := hclconf.Size(z.val, z.name, z.rng)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		if v > z.max {
			errs = append(errs, hclconf.Errorf(z.rng, "%s must be at most %dTiB", z.name, z.max>>40))
			continue
		}
		*z.dst = v
	}

	ids := map[string]bool{}
	for _, sb := range fs.Sources {
		sc, serrs := sb.toConfig(cfg.MaxLineBytes)
		errs = append(errs, serrs...)
		if sb.TLS != nil {
			cfg.Files = append(cfg.Files, sb.TLS.files()...)
		}
		if sb.TokensFile != "" {
			cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "tokens_file", Path: sb.TokensFile, Range: sb.TokensFileRange, Secret: true})
		}
		if sb.UDPBuffer != "" && sb.ReadBuffer == "" {
			cfg.Warnings = append(cfg.Warnings, hclconf.Errorf(sb.UDPBufferRange, "udp_buffer is deprecated: it is now called read_buffer (same meaning)"))
		}
		if ids[sb.ID] {
			errs = append(errs, hclconf.Errorf(sb.DefRange, "source %q is defined twice", sb.ID))
		}
		ids[sb.ID] = true
		cfg.Sources = append(cfg.Sources, sc)
	}
	return cfg, errs
}

// settleIdentity gives the agent its id and organization. With a TLS
// client certificate that names an agent, what the configuration leaves
// out is taken from the certificate (the mediator admits an agent only as
// its certificate's identity); a configured value that disagrees with it is
// an error here rather than a refusal at every connection. Otherwise the id
// defaults to the hostname and the organization to "default". A
// certificate that cannot be read is left to the checks of the TLS files.
func (a *agentBlock) settleIdentity(cfg *Config) hclconf.Errors {
	var errs hclconf.Errors
	if cfg.TLS != nil && cfg.TLS.Cert != "" {
		if id, err := pki.IdentityOfFile(cfg.TLS.Cert); err == nil && id.Kind == pki.KindAgent {
			errs = append(errs, a.fromCert("id", &cfg.ID, a.ID, a.IDRange, "SLUICE_AGENT_ID", id, cfg.TLS.Cert)...)
			errs = append(errs, a.fromCert("organization", &cfg.Organization, a.Organization, a.OrganizationRange, "", id, cfg.TLS.Cert)...)
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
// (in the file, or by envVar), it must agree.
func (a *agentBlock) fromCert(name string, dst *string, inFile string, rng hcl.Range, envVar string, id pki.Identity, certFile string) hclconf.Errors {
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
	where := fmt.Sprintf("%s = %q", name, *dst)
	if inFile != *dst {
		// An environment override: it has no position of its own.
		where = fmt.Sprintf("%s=%q", envVar, *dst)
		rng = a.DefRange
	}
	return hclconf.Errors{hclconf.Errorf(rng, "%s disagrees with the TLS certificate %s, which is for agent %q in organization %q: remove %s to take it from the certificate, or use a certificate made for this agent (sluice tls cert -agent ID -org ORG)",
		where, certFile, id.ID, id.Organization, name)}
}

func (sb *sourceBlock) toConfig(maxLine int) (SourceConfig, hclconf.Errors) {
	var errs hclconf.Errors
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
		errs = append(errs, sb.notFor(sb.networkOnly())...)
		errs = append(errs, sb.notFor(sb.syslogOnly())...)
		errs = append(errs, sb.notFor(sb.webhookOnly())...)
	case "syslog":
		errs = append(errs, sb.notFor(sb.fileOnly())...)
		errs = append(errs, sb.notFor(sb.webhookOnly())...)
		errs = append(errs, sb.syslogConfig(&sc)...)
	case "webhook":
		errs = append(errs, sb.notFor(sb.fileOnly())...)
		errs = append(errs, sb.notFor(sb.syslogOnly())...)
		errs = append(errs, sb.webhookConfig(&sc)...)
	default:
		errs = append(errs, hclconf.Errorf(sb.KindRange, "unknown source kind %q (supported: %s)", sb.Kind, strings.Join(sourceKinds, ", ")))
	}
	if sb.ID == "" {
		errs = append(errs, hclconf.Errorf(sb.DefRange, "source id (the second label) must not be empty"))
	}
	if sb.LogSourceType == "" {
		errs = append(errs, hclconf.Errorf(sb.LogSourceTypeRng, "log_source_type must not be empty"))
	}
	if sb.Kind == "file" {
		if len(sb.Paths) == 0 {
			errs = append(errs, hclconf.Errorf(sb.DefRange, "file source %q needs paths (globs of files to tail)", sb.ID))
		}
		for _, p := range append(append([]string(nil), sb.Paths...), sb.Exclude...) {
			if _, err := filepath.Match(p, ""); err != nil {
				errs = append(errs, hclconf.Errorf(sb.PathsRange, "bad glob %q: %v", p, err))
			}
		}
	}
	switch sb.StartAt {
	case "", "beginning":
	case "end":
		sc.StartAtEnd = true
	default:
		errs = append(errs, hclconf.Errorf(sb.StartAtRange, `start_at must be "beginning" or "end"`))
	}
	if sb.PollInterval != "" {
		d, e := hclconf.Duration(sb.PollInterval, "poll_interval", sb.PollIntervalRange)
		switch {
		case e != nil:
			errs = append(errs, e)
		case d < 10*time.Millisecond:
			errs = append(errs, hclconf.Errorf(sb.PollIntervalRange, "poll_interval must be at least 10ms"))
		default:
			sc.PollInterval = d
		}
	}
	if sb.PartialLine != "" {
		d, e := hclconf.Duration(sb.PartialLine, "partial_line_timeout", sb.PartialLineRange)
		switch {
		case e != nil:
			errs = append(errs, e)
		case d < 100*time.Millisecond:
			errs = append(errs, hclconf.Errorf(sb.PartialLineRange, "partial_line_timeout must be at least 100ms"))
		default:
			sc.PartialLineTimeout = d
		}
	}
	if sb.MaxLineBytes != nil {
		if *sb.MaxLineBytes < 256 || *sb.MaxLineBytes > 16<<20 {
			errs = append(errs, hclconf.Errorf(sb.MaxLineBytesRange, "max_line_bytes must be between 256 and %d", 16<<20))
		} else {
			sc.MaxLineBytes = *sb.MaxLineBytes
		}
	}
	return sc, errs
}

// sourceKinds are the kinds of `source "KIND" "ID"` blocks.
var sourceKinds = []string{"file", "syslog", "webhook"}

// setAttr is an attribute a source block sets, for kind checks.
type setAttr struct {
	name string
	set  bool
	rng  hcl.Range
}

func (sb *sourceBlock) fileOnly() []setAttr {
	return []setAttr{
		{"paths", len(sb.Paths) > 0, sb.PathsRange},
		{"exclude", len(sb.Exclude) > 0, sb.ExcludeRange},
		{"start_at", sb.StartAt != "", sb.StartAtRange},
		{"poll_interval", sb.PollInterval != "", sb.PollIntervalRange},
		{"partial_line_timeout", sb.PartialLine != "", sb.PartialLineRange},
	}
}

// networkOnly are the settings of sources that listen (syslog, webhook).
func (sb *sourceBlock) networkOnly() []setAttr {
	a := []setAttr{
		{"listen", sb.Listen != "", sb.ListenRange},
		{"max_connections", sb.MaxConnections != nil, sb.MaxConnsRange},
		{"max_connections_per_address", sb.MaxConnsPerAddr != nil, sb.MaxConnsAddrRange},
	}
	if sb.TLS != nil {
		a = append(a, setAttr{"tls", true, sb.TLS.DefRange})
	}
	return a
}

func (sb *sourceBlock) syslogOnly() []setAttr {
	return []setAttr{
		{"framing", sb.Framing != "", sb.FramingRange},
		{"idle_timeout", sb.IdleTimeout != "", sb.IdleTimeoutRange},
		{"read_buffer", sb.ReadBuffer != "", sb.ReadBufferRange},
		{"udp_buffer", sb.UDPBuffer != "", sb.UDPBufferRange},
	}
}

func (sb *sourceBlock) webhookOnly() []setAttr {
	return []setAttr{
		{"tokens", len(sb.Tokens) > 0, sb.TokensRange},
		{"tokens_file", sb.TokensFile != "", sb.TokensFileRange},
		{"path", sb.Path != "", sb.PathRange},
		{"max_body_bytes", sb.MaxBodyBytes != "", sb.MaxBodyBytesRange},
		{"max_lines", sb.MaxLines != nil, sb.MaxLinesRange},
	}
}

// webhookConfig validates the settings of a webhook source into sc. The
// tokens themselves are never part of an error message.
func (sb *sourceBlock) webhookConfig(sc *SourceConfig) hclconf.Errors {
	var errs hclconf.Errors
	sc.Path = webhook.DefaultPath
	sc.MaxBodyBytes = webhook.DefaultMaxBodyBytes
	sc.MaxLines = webhook.DefaultMaxLinesPerRequest
	if sb.Listen == "" {
		errs = append(errs, hclconf.Errorf(sb.DefRange, `webhook source %q needs listen ("host:port", e.g. "0.0.0.0:8514")`, sb.ID))
	} else if _, _, err := net.SplitHostPort(sb.Listen); err != nil {
		errs = append(errs, hclconf.Errorf(sb.ListenRange, "listen %q: %v (want host:port)", sb.Listen, err))
	} else {
		sc.Listen = sb.Listen
	}
	if sb.TLS != nil {
		sc.TLS = &pki.Files{CA: sb.TLS.CAFile, Cert: sb.TLS.CertFile, Key: sb.TLS.KeyFile}
	}
	errs = append(errs, sb.connectionLimits(sc, connlimit.DefaultMaxHTTP, connlimit.DefaultMaxHTTPPerAddress)...)
	sc.Tokens = append(sc.Tokens, sb.Tokens...)
	if sb.TokensFile != "" {
		b, err := os.ReadFile(sb.TokensFile)
		if err != nil {
			errs = append(errs, hclconf.Errorf(sb.TokensFileRange, "tokens_file: %v", err))
		}
		for _, line := range strings.Split(string(b), "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				sc.Tokens = append(sc.Tokens, t)
			}
		}
	}
	rng := sb.TokensRange
	if len(sb.Tokens) == 0 {
		rng = sb.TokensFileRange
	}
	switch {
	case len(sc.Tokens) == 0 && sb.TokensFile == "":
		errs = append(errs, hclconf.Errorf(sb.DefRange, "webhook source %q needs tokens (or tokens_file): the intake never accepts unauthenticated senders", sb.ID))
	case len(sc.Tokens) == 0:
		errs = append(errs, hclconf.Errorf(sb.TokensFileRange, "tokens_file %s holds no token", sb.TokensFile))
	}
	for i, t := range sc.Tokens {
		if len(t) < webhook.MinTokenBytes || strings.ContainsAny(t, " \t\r\n") {
			errs = append(errs, hclconf.Errorf(rng, "token %d is shorter than %d bytes or holds whitespace (e.g. openssl rand -hex 24 makes a good one)", i+1, webhook.MinTokenBytes))
		}
	}
	if sb.Path != "" {
		if !strings.HasPrefix(sb.Path, "/") {
			errs = append(errs, hclconf.Errorf(sb.PathRange, "path must start with /"))
		}
		sc.Path = sb.Path
	}
	if sb.MaxBodyBytes != "" {
		v, e := hclconf.Size(sb.MaxBodyBytes, "max_body_bytes", sb.MaxBodyBytesRange)
		switch {
		case e != nil:
			errs = append(errs, e)
		case v < 1<<10 || v > webhook.MaxBodyBytesLimit:
			errs = append(errs, hclconf.Errorf(sb.MaxBodyBytesRange, "max_body_bytes must be between 1KiB and %dMiB", webhook.MaxBodyBytesLimit>>20))
		default:
			sc.MaxBodyBytes = v
		}
	}
	if sb.MaxLines != nil {
		if *sb.MaxLines < 1 || *sb.MaxLines > webhook.MaxLinesLimit {
			errs = append(errs, hclconf.Errorf(sb.MaxLinesRange, "max_lines must be between 1 and %d", webhook.MaxLinesLimit))
		} else {
			sc.MaxLines = *sb.MaxLines
		}
	}
	return errs
}

// notFor reports settings that do nothing for this source's kind: a
// mistake the operator wants to hear about, not a silent no-op.
func (sb *sourceBlock) notFor(attrs []setAttr) hclconf.Errors {
	var errs hclconf.Errors
	for _, a := range attrs {
		if a.set {
			errs = append(errs, hclconf.Errorf(a.rng, "%s does not apply to %s sources", a.name, sb.Kind))
		}
	}
	return errs
}

// syslogConfig validates the settings of a syslog source into sc.
func (sb *sourceBlock) syslogConfig(sc *SourceConfig) hclconf.Errors {
	var errs hclconf.Errors
	sc.IdleTimeout = syslog.DefaultIdleTimeout
	scheme := ""
	if sb.Listen == "" {
		errs = append(errs, hclconf.Errorf(sb.DefRange, `syslog source %q needs listen ("udp://host:port", "tcp://host:port" or "tls://host:port")`, sb.ID))
	} else if sch, _, err := syslog.ParseListen(sb.Listen); err != nil {
		errs = append(errs, hclconf.Errorf(sb.ListenRange, "%v", err))
	} else {
		scheme = sch
		sc.Listen = sb.Listen
	}
	switch {
	case scheme == "tls" && sb.TLS == nil:
		errs = append(errs, hclconf.Errorf(sb.ListenRange, "listen %q needs a tls { cert_file, key_file } block in the source (ca_file too, to require client certificates)", sb.Listen))
	case scheme != "" && scheme != "tls" && sb.TLS != nil:
		errs = append(errs, hclconf.Errorf(sb.TLS.DefRange, "a tls block needs listen = \"tls://host:port\", not %q", sb.Listen))
	case sb.TLS != nil:
		sc.TLS = &pki.Files{CA: sb.TLS.CAFile, Cert: sb.TLS.CertFile, Key: sb.TLS.KeyFile}
	}
	if f, err := syslog.ParseFraming(sb.Framing); err != nil {
		errs = append(errs, hclconf.Errorf(sb.FramingRange, "%v", err))
	} else {
		sc.Framing = f
		if sb.Framing != "" && scheme == "udp" {
			errs = append(errs, hclconf.Errorf(sb.FramingRange, "framing applies to tcp:// and tls://: a UDP datagram is one message"))
		}
	}
	errs = append(errs, sb.connectionLimits(sc, syslog.DefaultMaxConnections, syslog.DefaultMaxConnectionsPerAddress)...)
	if sb.IdleTimeout != "" {
		d, e := hclconf.Duration(sb.IdleTimeout, "idle_timeout", sb.IdleTimeoutRange)
		switch {
		case e != nil:
			errs = append(errs, e)
		case d < time.Second:
			errs = append(errs, hclconf.Errorf(sb.IdleTimeoutRange, "idle_timeout must be at least 1s"))
		default:
			sc.IdleTimeout = d
		}
	}
	if scheme == "udp" {
		sc.ReadBuffer = syslog.DefaultReadBuffer
	}
	name, val, rng := "read_buffer", sb.ReadBuffer, sb.ReadBufferRange
	if sb.UDPBuffer != "" {
		if sb.ReadBuffer != "" {
			errs = append(errs, hclconf.Errorf(sb.UDPBufferRange, "udp_buffer is the old name of read_buffer: set read_buffer only"))
		}
		name, val, rng = "udp_buffer", sb.UDPBuffer, sb.UDPBufferRange
	}
	if val != "" {
		v, e := hclconf.Size(val, name, rng)
		switch {
		case e != nil:
			errs = append(errs, e)
		case scheme != "" && scheme != "udp":
			errs = append(errs, hclconf.Errorf(rng, "%s applies to udp:// only", name))
		case v < 4<<10 || v > 1<<30:
			errs = append(errs, hclconf.Errorf(rng, "%s must be between 4KiB and 1GiB", name))
		default:
			sc.ReadBuffer = int(v)
		}
	}
	return errs
}

// connectionLimits reads max_connections and max_connections_per_address
// of a source that accepts connections.
func (sb *sourceBlock) connectionLimits(sc *SourceConfig, defMax, defPerAddress int) hclconf.Errors {
	var errs hclconf.Errors
	sc.MaxConnections, sc.MaxConnectionsPerAddress = defMax, defPerAddress
	for _, n := range []struct {
		name string
		val  *int
		rng  hcl.Range
		dst  *int
	}{
		{"max_connections", sb.MaxConnections, sb.MaxConnsRange, &sc.MaxConnections},
		{"max_connections_per_address", sb.MaxConnsPerAddr, sb.MaxConnsAddrRange, &sc.MaxConnectionsPerAddress},
	} {
		if n.val == nil {
			continue
		}
		if *n.val < 1 || *n.val > connlimit.MaxLimit {
			errs = append(errs, hclconf.Errorf(n.rng, "%s must be between 1 and %d", n.name, connlimit.MaxLimit))
			continue
		}
		*n.dst = *n.val
	}
	if sb.MaxConnsPerAddr == nil && sc.MaxConnectionsPerAddress > sc.MaxConnections {
		sc.MaxConnectionsPerAddress = sc.MaxConnections
	}
	return errs
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

// applyEnv applies the SLUICE_* overrides operators use.
func applyEnv(cfg *Config) {
	if v, ok := hclconf.EnvString("SLUICE_AGENT_ID"); ok {
		cfg.ID = v
	}
	if v, ok := hclconf.EnvString("SLUICE_AGENT_DATA_DIR"); ok {
		cfg.DataDir = v
	}
	if v, ok := hclconf.EnvString("SLUICE_AGENT_MEDIATORS"); ok {
		cfg.Mediators = strings.Split(v, ",")
	}
	if v, ok := hclconf.EnvString("SLUICE_LOG_LEVEL"); ok {
		cfg.LogLevel = v
	}
}
