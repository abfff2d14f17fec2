package arm

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/pki"
)

// Config is a validated ARM configuration.
type Config struct {
	// ID names this ARM; its events are stored under agent id "arm-"+ID.
	ID       string
	Listen   string
	HTTP     string
	DataDir  string
	LogLevel string

	// AgentWarningInterval and MediatorWarningInterval are the default
	// heartbeat warning intervals per kind.
	AgentWarningInterval    time.Duration
	MediatorWarningInterval time.Duration
	// Overrides set the warning interval of components by id or glob.
	// The first exact id match wins, then the first matching glob, in
	// file order.
	Overrides []Override
	// Organizations, when not empty, is the list of known organizations:
	// heartbeats naming another one are counted and ignored.
	Organizations []string
	// MaxClockSkew is how far ahead of ARM's clock a heartbeat's own time
	// may be before the heartbeat is counted and ignored.
	MaxClockSkew time.Duration

	// TLS is ARM's mutual-TLS identity for the gRPC listener: mediators
	// must present a certificate of the CA (nil: plaintext, allowed on a
	// loopback listen or with Insecure).
	TLS *pki.Files
	// Insecure accepts plaintext reports on a non-loopback listen.
	Insecure bool
	// HTTPTLS serves the dashboard and JSON API over HTTPS (nil: HTTP).
	HTTPTLS *pki.Files
	// AdminTokenFile holds the bearer token the API's write and admin
	// endpoints require ("" = no token: loopback callers only); it reads
	// everything too.
	AdminTokenFile string
	// ReadTokenFile holds read tokens, each for every organization or for
	// a list of them ("" = none). With any token configured, every read
	// (the grid's data, a component, ARM's status) needs one.
	ReadTokenFile string
	// HTTPHosts are more names (DNS, proxies) the dashboard is reached
	// by: a request whose Host is not one of its names is refused.
	HTTPHosts []string
	// MaxHTTPConnections and MaxHTTPConnectionsPerAddress bound the
	// dashboard's and JSON API's connections (see pkg/connlimit).
	MaxHTTPConnections           int
	MaxHTTPConnectionsPerAddress int
	// Files are the files the configuration names (TLS, CA, tokens), for
	// `sluice config validate` and the start-up permission check.
	Files []hclconf.FileRef

	// The settings below are not in the file: they have sensible values
	// and tests shorten them.

	// LeaseTimeout is how long a mediator may hold ARM events without
	// acknowledging them before they are offered to the next one.
	LeaseTimeout time.Duration
	// EventsPerReport bounds the ARM events in one ReportResponse.
	EventsPerReport int
	// HistoryLen is how many status changes are kept per component.
	HistoryLen int
	// FlushInterval is how often new components are written to disk
	// (status changes are written at once, with their events).
	FlushInterval time.Duration
	// HeartbeatSaveInterval is how often newer heartbeat times alone are
	// written: they only feed the grid after a restart, since intervals
	// then count from ARM's start.
	HeartbeatSaveInterval time.Duration
	// CheckInterval is how often missed intervals are checked for.
	CheckInterval time.Duration
}

// Override is one `override "PATTERN" {}` block.
type Override struct {
	// Pattern is a component id or a glob (path.Match syntax: *, ?, [a-z]).
	Pattern string
	// Kind restricts the override to "agent" or "mediator" ("" = both).
	Kind            Kind
	WarningInterval time.Duration
}

// Defaults and limits.
const (
	DefaultListen                  = "127.0.0.1:7500"
	DefaultHTTP                    = "127.0.0.1:7580"
	DefaultDataDir                 = "/var/lib/sluice/arm"
	DefaultAgentWarningInterval    = 10 * time.Minute
	DefaultMediatorWarningInterval = 5 * time.Minute
	DefaultMaxClockSkew            = 5 * time.Minute
	DefaultLeaseTimeout            = time.Minute
	DefaultEventsPerReport         = 500
	DefaultHistoryLen              = 20
	DefaultFlushInterval           = 15 * time.Second
	DefaultHeartbeatSaveInterval   = 5 * time.Minute
	DefaultCheckInterval           = time.Second

	// MinWarningInterval is the shortest warning interval accepted. The
	// issue asks for one minute in prose and 10s in the interface; 10s
	// is accepted so that tests and demos run quickly, and operators
	// should keep it well above the agents' heartbeat_interval (30s).
	MinWarningInterval = 10 * time.Second
	// MaxWarningInterval is the longest: a week.
	MaxWarningInterval = 7 * 24 * time.Hour
)

// DefaultConfig returns the configuration used when a file sets nothing.
func DefaultConfig() *Config {
	host, _ := os.Hostname()
	if host == "" {
		host = "arm"
	}
	return &Config{
		ID:                      host,
		Listen:                  DefaultListen,
		HTTP:                    DefaultHTTP,
		DataDir:                 DefaultDataDir,
		AgentWarningInterval:    DefaultAgentWarningInterval,
		MediatorWarningInterval: DefaultMediatorWarningInterval,
		MaxClockSkew:            DefaultMaxClockSkew,
		LeaseTimeout:            DefaultLeaseTimeout,
		EventsPerReport:         DefaultEventsPerReport,
		HistoryLen:              DefaultHistoryLen,
		FlushInterval:           DefaultFlushInterval,
		HeartbeatSaveInterval:   DefaultHeartbeatSaveInterval,
		CheckInterval:           DefaultCheckInterval,

		MaxHTTPConnections:           connlimit.DefaultMaxHTTP,
		MaxHTTPConnectionsPerAddress: connlimit.DefaultMaxHTTPPerAddress,
	}
}

// WarningInterval returns the heartbeat warning interval of a component.
func (c *Config) WarningInterval(kind Kind, id string) time.Duration {
	for _, o := range c.Overrides {
		if o.Pattern == id && (o.Kind == "" || o.Kind == kind) {
			return o.WarningInterval
		}
	}
	for _, o := range c.Overrides {
		if o.Kind != "" && o.Kind != kind {
			continue
		}
		if ok, _ := path.Match(o.Pattern, id); ok {
			return o.WarningInterval
		}
	}
	if kind == KindMediator {
		return c.MediatorWarningInterval
	}
	return c.AgentWarningInterval
}

// KnownOrganization reports whether org may send heartbeats.
func (c *Config) KnownOrganization(org string) bool {
	if len(c.Organizations) == 0 {
		return true
	}
	for _, o := range c.Organizations {
		if o == org {
			return true
		}
	}
	return false
}

type fileSchema struct {
	ARM       *armBlock       `hcl:"arm,block"`
	Overrides []overrideBlock `hcl:"override,block"`
}

type armBlock struct {
	ID                      string   `hcl:"id,optional"`
	Listen                  string   `hcl:"listen,optional"`
	HTTP                    string   `hcl:"http,optional"`
	DataDir                 string   `hcl:"data_dir,optional"`
	LogLevel                string   `hcl:"log_level,optional"`
	AgentWarningInterval    string   `hcl:"agent_warning_interval,optional"`
	MediatorWarningInterval string   `hcl:"mediator_warning_interval,optional"`
	Organizations           []string `hcl:"organizations,optional"`
	MaxClockSkew            string   `hcl:"max_clock_skew,optional"`
	Insecure                bool     `hcl:"insecure,optional"`
	AdminTokenFile          string   `hcl:"admin_token_file,optional"`
	ReadTokenFile           string   `hcl:"read_token_file,optional"`
	HTTPHosts               []string `hcl:"http_hosts,optional"`
	MaxHTTPConns            *int     `hcl:"max_http_connections,optional"`
	MaxHTTPConnsAddr        *int     `hcl:"max_http_connections_per_address,optional"`

	TLS     *hclconf.TLSBlock `hcl:"tls,block"`
	HTTPTLS *httpTLSBlock     `hcl:"http_tls,block"`

	ListenRange                  hcl.Range `hcl:"listen,attr_range"`
	HTTPRange                    hcl.Range `hcl:"http,attr_range"`
	LogLevelRange                hcl.Range `hcl:"log_level,attr_range"`
	AgentWarningIntervalRange    hcl.Range `hcl:"agent_warning_interval,attr_range"`
	MediatorWarningIntervalRange hcl.Range `hcl:"mediator_warning_interval,attr_range"`
	MaxClockSkewRange            hcl.Range `hcl:"max_clock_skew,attr_range"`
	IDRange                      hcl.Range `hcl:"id,attr_range"`
	InsecureRange                hcl.Range `hcl:"insecure,attr_range"`
	AdminTokenFileRange          hcl.Range `hcl:"admin_token_file,attr_range"`
	ReadTokenFileRange           hcl.Range `hcl:"read_token_file,attr_range"`
	HTTPHostsRange               hcl.Range `hcl:"http_hosts,attr_range"`
	MaxHTTPConnsRange            hcl.Range `hcl:"max_http_connections,attr_range"`
	MaxHTTPConnsAddrRange        hcl.Range `hcl:"max_http_connections_per_address,attr_range"`
}

// httpTLSBlock is `http_tls { cert_file, key_file }`: HTTPS for the
// dashboard (browsers do not present client certificates).
type httpTLSBlock struct {
	CertFile string `hcl:"cert_file"`
	KeyFile  string `hcl:"key_file"`

	DefRange      hcl.Range `hcl:",def_range"`
	CertFileRange hcl.Range `hcl:"cert_file,attr_range"`
	KeyFileRange  hcl.Range `hcl:"key_file,attr_range"`
}

type overrideBlock struct {
	Pattern         string `hcl:"pattern,label"`
	Kind            string `hcl:"kind,optional"`
	WarningInterval string `hcl:"warning_interval"`

	PatternRange         hcl.Range `hcl:"pattern,label_range"`
	KindRange            hcl.Range `hcl:"kind,attr_range"`
	WarningIntervalRange hcl.Range `hcl:"warning_interval,attr_range"`
}

// LoadConfig reads, decodes and validates an ARM config file, then applies
// SLUICE_ARM_* environment overrides.
func LoadConfig(file string) (*Config, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read ARM config: %w", err)
	}
	return ParseConfig(src, file)
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
	if fs.ARM == nil {
		return nil, &hclconf.Error{File: filename, Line: 1, Col: 1, Msg: `missing "arm" block`}
	}
	cfg, errs := fs.toConfig()
	if err := errs.ErrorOrNil(); err != nil {
		return nil, err
	}
	if err := applyEnv(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (fs *fileSchema) toConfig() (*Config, hclconf.Errors) {
	var errs hclconf.Errors
	a := fs.ARM
	cfg := DefaultConfig()
	cfg.LogLevel = a.LogLevel
	cfg.Organizations = a.Organizations
	for _, s := range []struct {
		val string
		dst *string
	}{{a.ID, &cfg.ID}, {a.Listen, &cfg.Listen}, {a.HTTP, &cfg.HTTP}, {a.DataDir, &cfg.DataDir}} {
		if s.val != "" {
			*s.dst = s.val
		}
	}
	if !validID.MatchString(cfg.ID) {
		errs = append(errs, hclconf.Errorf(a.IDRange, "id %q: use letters, digits, '.', '_', '@' and '-' (at most 128)", cfg.ID))
	}
	for _, l := range []struct {
		name, val string
		rng       hcl.Range
	}{{"listen", cfg.Listen, a.ListenRange}, {"http", cfg.HTTP, a.HTTPRange}} {
		if err := checkListen(l.val); err != nil {
			errs = append(errs, hclconf.Errorf(l.rng, "%s: %q: %v", l.name, l.val, err))
		}
	}
	errs = append(errs, a.security(cfg)...)
	switch a.LogLevel {
	case "", "trace", "debug", "info", "warn", "error":
	default:
		errs = append(errs, hclconf.Errorf(a.LogLevelRange, "log_level must be one of trace, debug, info, warn, error"))
	}
	for _, d := range []struct {
		name, val string
		rng       hcl.Range
		dst       *time.Duration
	}{
		{"agent_warning_interval", a.AgentWarningInterval, a.AgentWarningIntervalRange, &cfg.AgentWarningInterval},
		{"mediator_warning_interval", a.MediatorWarningInterval, a.MediatorWarningIntervalRange, &cfg.MediatorWarningInterval},
	} {
		if d.val == "" {
			continue
		}
		v, e := warningInterval(d.name, d.val, d.rng)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		*d.dst = v
	}
	for _, n := range []struct {
		name string
		val  *int
		rng  hcl.Range
		dst  *int
	}{
		{"max_http_connections", a.MaxHTTPConns, a.MaxHTTPConnsRange, &cfg.MaxHTTPConnections},
		{"max_http_connections_per_address", a.MaxHTTPConnsAddr, a.MaxHTTPConnsAddrRange, &cfg.MaxHTTPConnectionsPerAddress},
	} {
		if n.val == nil {
			continue
		}
		if *n.val < 1 || *n.val > connlimit.MaxLimit {
			errs = append(errs, hclconf.Errorf(n.rng, "%s must be between 1 and %d, not %d", n.name, connlimit.MaxLimit, *n.val))
			continue
		}
		*n.dst = *n.val
	}
	if a.MaxClockSkew != "" {
		v, e := hclconf.Duration(a.MaxClockSkew, "max_clock_skew", a.MaxClockSkewRange)
		switch {
		case e != nil:
			errs = append(errs, e)
		case v < time.Second:
			errs = append(errs, hclconf.Errorf(a.MaxClockSkewRange, "max_clock_skew must be at least 1s"))
		default:
			cfg.MaxClockSkew = v
		}
	}
	for _, o := range fs.Overrides {
		if _, err := path.Match(o.Pattern, ""); err != nil || o.Pattern == "" {
			errs = append(errs, hclconf.Errorf(o.PatternRange, "override %q: not an id or a glob pattern", o.Pattern))
			continue
		}
		kind := Kind(o.Kind)
		switch kind {
		case "", KindAgent, KindMediator:
		default:
			errs = append(errs, hclconf.Errorf(o.KindRange, "override %q: kind must be \"agent\" or \"mediator\"", o.Pattern))
			continue
		}
		v, e := warningInterval("warning_interval", o.WarningInterval, o.WarningIntervalRange)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		cfg.Overrides = append(cfg.Overrides, Override{Pattern: o.Pattern, Kind: kind, WarningInterval: v})
	}
	return cfg, errs
}

// security reads the tls, insecure, http_tls, admin_token_file,
// read_token_file and http_hosts settings: the same rules as the
// mediator's.
func (a *armBlock) security(cfg *Config) hclconf.Errors {
	var errs hclconf.Errors
	cfg.Insecure = a.Insecure
	if a.TLS != nil {
		cfg.TLS = &pki.Files{CA: a.TLS.CAFile, Cert: a.TLS.CertFile, Key: a.TLS.KeyFile}
		cfg.Files = append(cfg.Files, a.TLS.Files("tls")...)
		for _, f := range []struct{ name, val string }{{"ca_file", a.TLS.CAFile}, {"cert_file", a.TLS.CertFile}, {"key_file", a.TLS.KeyFile}} {
			if f.val == "" {
				errs = append(errs, hclconf.Errorf(a.TLS.DefRange, "tls: %s must not be empty", f.name))
			}
		}
		if a.Insecure {
			errs = append(errs, hclconf.Errorf(a.InsecureRange, "insecure = true and a tls block contradict each other: remove one"))
		}
	} else if !a.Insecure && checkListen(cfg.Listen) == nil && !hclconf.AddrIsLoopback(cfg.Listen) {
		errs = append(errs, hclconf.Errorf(a.ListenRange, "%s", errPlaintextListen(cfg.Listen)))
	}
	if a.HTTPTLS != nil {
		cfg.HTTPTLS = &pki.Files{Cert: a.HTTPTLS.CertFile, Key: a.HTTPTLS.KeyFile}
		cfg.Files = append(cfg.Files,
			hclconf.FileRef{Setting: "http_tls cert_file", Path: a.HTTPTLS.CertFile, Range: a.HTTPTLS.CertFileRange},
			hclconf.FileRef{Setting: "http_tls key_file", Path: a.HTTPTLS.KeyFile, Range: a.HTTPTLS.KeyFileRange, Secret: true})
		if a.HTTPTLS.CertFile == "" || a.HTTPTLS.KeyFile == "" {
			errs = append(errs, hclconf.Errorf(a.HTTPTLS.DefRange, "http_tls: cert_file and key_file must not be empty"))
		}
	}
	if a.AdminTokenFile != "" || a.AdminTokenFileRange.Filename != "" {
		if strings.TrimSpace(a.AdminTokenFile) == "" {
			errs = append(errs, hclconf.Errorf(a.AdminTokenFileRange, "admin_token_file must not be empty (remove it to allow loopback callers only)"))
		}
		cfg.AdminTokenFile = a.AdminTokenFile
		cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "admin_token_file", Path: a.AdminTokenFile, Range: a.AdminTokenFileRange, Secret: true})
	}
	if a.ReadTokenFileRange.Filename != "" && strings.TrimSpace(a.ReadTokenFile) == "" {
		errs = append(errs, hclconf.Errorf(a.ReadTokenFileRange, "read_token_file must not be empty (remove it to have no read tokens)"))
	}
	cfg.ReadTokenFile = a.ReadTokenFile
	cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "read_token_file", Path: a.ReadTokenFile, Range: a.ReadTokenFileRange, Secret: true})
	for _, h := range a.HTTPHosts {
		if err := httpauth.CheckHostName(h); err != nil {
			errs = append(errs, hclconf.Errorf(a.HTTPHostsRange, "http_hosts: %v", err))
		}
	}
	cfg.HTTPHosts = a.HTTPHosts
	return errs
}

// errPlaintextListen is the refusal of a plaintext gRPC listener on the
// network.
func errPlaintextListen(listen string) string {
	return fmt.Sprintf("listen %q is not a loopback address: configure a tls { ca_file, cert_file, key_file } block for mutual TLS with the mediators, or set insecure = true to accept plaintext reports from the network", listen)
}

// warningInterval parses and bounds-checks one warning interval.
func warningInterval(name, val string, rng hcl.Range) (time.Duration, *hclconf.Error) {
	v, e := hclconf.Duration(val, name, rng)
	if e != nil {
		return 0, e
	}
	if v < MinWarningInterval || v > MaxWarningInterval {
		return 0, hclconf.Errorf(rng, "%s must be between %s and %s, not %s", name, MinWarningInterval, MaxWarningInterval, v)
	}
	return v, nil
}

// checkTransport refuses a plaintext gRPC listener on a network address
// unless Insecure says so. The file is checked with positions; this
// catches an environment override and configurations built in code.
func (c *Config) checkTransport() error {
	if c.TLS == nil && !c.Insecure && !hclconf.AddrIsLoopback(c.Listen) {
		return errors.New(errPlaintextListen(c.Listen))
	}
	return nil
}

func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("not host:port: %w", err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("port %q is not a number between 0 and 65535", port)
	}
	return nil
}

// applyEnv applies SLUICE_ARM_* overrides for what operators tune.
func applyEnv(cfg *Config) error {
	for _, e := range []struct {
		name string
		dst  *string
	}{
		{"SLUICE_ARM_ID", &cfg.ID},
		{"SLUICE_ARM_LISTEN", &cfg.Listen},
		{"SLUICE_ARM_HTTP", &cfg.HTTP},
		{"SLUICE_ARM_DATA_DIR", &cfg.DataDir},
		{"SLUICE_LOG_LEVEL", &cfg.LogLevel},
	} {
		if v, ok := hclconf.EnvString(e.name); ok {
			*e.dst = v
		}
	}
	if !validID.MatchString(cfg.ID) {
		return fmt.Errorf("SLUICE_ARM_ID=%q: use letters, digits, '.', '_', '@' and '-'", cfg.ID)
	}
	for _, e := range []struct {
		name string
		dst  *string
	}{{"SLUICE_ARM_LISTEN", &cfg.Listen}, {"SLUICE_ARM_HTTP", &cfg.HTTP}} {
		if err := checkListen(*e.dst); err != nil {
			return fmt.Errorf("%s=%q: %w", e.name, *e.dst, err)
		}
	}
	if err := cfg.checkTransport(); err != nil {
		return fmt.Errorf("SLUICE_ARM_LISTEN=%q: %w", cfg.Listen, err)
	}
	for _, e := range []struct {
		name string
		dst  *time.Duration
	}{
		{"SLUICE_ARM_AGENT_WARNING_INTERVAL", &cfg.AgentWarningInterval},
		{"SLUICE_ARM_MEDIATOR_WARNING_INTERVAL", &cfg.MediatorWarningInterval},
	} {
		v, ok := hclconf.EnvString(e.name)
		if !ok {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < MinWarningInterval || d > MaxWarningInterval {
			return fmt.Errorf("%s=%q: want a duration between %s and %s", e.name, v, MinWarningInterval, MaxWarningInterval)
		}
		*e.dst = d
	}
	return nil
}
