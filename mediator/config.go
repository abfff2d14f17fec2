package mediator

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/sluicehq/sluice/indexer/elastic"
	"github.com/sluicehq/sluice/indexer/query"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/pki"
)

// Config is a validated mediator configuration.
type Config struct {
	ID       string
	Listen   string
	HTTP     string
	DataDir  string
	Rules    []string
	Insecure bool
	LogLevel string

	// MaxAgents is how many agents may be connected at once; 0 refuses all.
	MaxAgents int
	// Workers is the number of MPE workers. 0 stores entries without
	// processing them (they wait in state: a maintenance mode).
	Workers int
	// IndexBatch and IndexFlush bound how long events wait to be written.
	IndexBatch int
	IndexFlush time.Duration
	// HandshakeTimeout bounds how long an agent may take to say Hello.
	HandshakeTimeout time.Duration
	// SuspenseBacklog is the state backlog (entries) over which the
	// mediator enters its suspense condition; it clears below
	// SuspenseResume. 0 disables the backlog check.
	SuspenseBacklog int
	SuspenseResume  int
	// SuspenseMinFree is the free disk space (bytes) in data_dir under
	// which the mediator enters suspense; 0 disables the check.
	SuspenseMinFree int64
	// SuspenseAckLatency is the acknowledgement latency (p99 over the
	// last 10 s) over which the mediator enters suspense and sheds
	// agents, before their ack_timeout makes them give up on it; 0
	// disables the check.
	SuspenseAckLatency time.Duration
	// StallWarning is how long entries may wait in state with nothing
	// indexed (and the index healthy) before the pipeline is reported
	// stalled; 0 disables the watch.
	StallWarning time.Duration

	// TLS is the mediator's mutual-TLS identity (nil: plaintext, allowed
	// on loopback or with insecure = true).
	TLS *pki.Files
	// HTTPTLS serves the JSON API over HTTPS (nil: plain HTTP).
	HTTPTLS *pki.Files
	// AdminTokenFile holds the bearer token the API's write and admin
	// endpoints require ("" = no token, loopback only); it reads
	// everything too.
	AdminTokenFile string
	// ReadTokenFile holds read tokens, each for every organization or
	// for a list of them ("" = none). With any token configured, every
	// read needs one.
	ReadTokenFile string
	// HTTPHosts are more names (DNS, proxies) the API is reached by: a
	// request whose Host is not one of the API's names is refused.
	HTTPHosts []string
	// Accept is "auto" (every authenticated agent) or "manual" (new agent
	// ids wait as pending until an admin accepts them).
	Accept string
	// Revoked are agent ids cut off at once; RevokedFile adds one id per
	// line, re-read when it changes.
	Revoked     []string
	RevokedFile string
	// MaxConnectionAge makes agents reconnect (and re-handshake)
	// periodically, so a revoked certificate does not stay connected.
	MaxConnectionAge time.Duration
	// Per-agent limits: entries and bytes per second (0: none), batch
	// size, concurrent streams.
	AgentRateEntries int
	AgentRateBytes   int64
	MaxBatchEntries  int
	MaxBatchBytes    int64
	MaxStreams       int
	// MaxInflightBytes bounds the received batches held in memory, across
	// all streams, until they are stored; beyond it the mediator stops
	// reading its streams until stores catch up.
	MaxInflightBytes int64
	// MaxLineBytes cuts longer lines at the mediator (flagged truncated,
	// kept), whatever the agent sent.
	MaxLineBytes int64

	// MemoryLimit is the Go runtime's soft memory limit for the mediator
	// daemon (0: none); see gctune.Limit.
	MemoryLimit int64

	// MaxHTTPConnections and MaxHTTPConnectionsPerAddress bound the JSON
	// API's connections, in all and from one client address (see
	// pkg/connlimit).
	MaxHTTPConnections           int
	MaxHTTPConnectionsPerAddress int
	// Files are the files the configuration names (TLS, CA, tokens), for
	// `sluice config validate` and the start-up permission check.
	Files []hclconf.FileRef

	// What one search or count of the API may cost: its time (the index
	// is interrupted at it: 503), its query string's size and terms
	// (400), and the bytes of the documents a search returns (it stops
	// there, saying so).
	SearchTimeout  time.Duration
	MaxQueryBytes  int
	MaxQueryTerms  int
	MaxResultBytes int64

	// The window of event times the index files events under, around
	// the mediator's clock: an event more than MaxPastAge older or
	// MaxFutureSkew newer keeps its time in sluice.original_timestamp,
	// is flagged and filed under its collection time. 0 turns a side off.
	MaxPastAge    time.Duration
	MaxFutureSkew time.Duration

	// ARM is the heartbeat service's gRPC address ("" = none).
	ARM string
	// ARMInterval is how often the mediator reports heartbeats to ARM.
	ARMInterval time.Duration

	Indexer IndexerConfig
}

// IndexerConfig is the `indexer "KIND" {}` block.
type IndexerConfig struct {
	// Kind is "embedded" or "elasticsearch".
	Kind string
	// Dir is the embedded index's directory.
	Dir string
	// Elastic configures the Elasticsearch backend (Kind "elasticsearch").
	Elastic elastic.Config
}

// Defaults.
const (
	DefaultListen    = "127.0.0.1:7400"
	DefaultHTTP      = "127.0.0.1:7480"
	DefaultDataDir   = "/var/lib/sluice/mediator"
	DefaultMaxAgents = 2000
	// DefaultIndexBatch is one embedded-index transaction: end to end
	// (file → searchable), 20,000 gave 55–61k events/s against 47–49k
	// with 10,000 (fewer commits, larger full-text segments). Below
	// that rate index_flush decides how long events wait.
	DefaultIndexBatch = 20000
	DefaultIndexFlush = 250 * time.Millisecond
	// DefaultSuspenseBacklog is about 1 GB of typical lines waiting.
	DefaultSuspenseBacklog = 5000000
	DefaultSuspenseMinFree = 512 << 20
	// DefaultSuspenseAckLatency sheds agents well before the agent's
	// default ack_timeout (60 s) would make them fail over on their own,
	// each after a minute of waiting.
	DefaultSuspenseAckLatency = 10 * time.Second
	// DefaultStallWarning: a healthy pipeline indexes something every
	// index_flush (250 ms) while state holds entries.
	DefaultStallWarning = 60 * time.Second

	DefaultMaxConnectionAge = time.Hour
	DefaultAgentRateEntries = 100000
	DefaultAgentRateBytes   = 100 << 20
	DefaultMaxBatchEntries  = 20000
	DefaultMaxBatchBytes    = 32 << 20
	DefaultMaxStreams       = 10000
	// DefaultMaxInflightBytes is a few dozen typical batches: room for
	// every window of a handful of fast agents, so it only holds back a
	// flood of them.
	DefaultMaxInflightBytes = 64 << 20
	// DefaultMemoryLimit is well above what the mediator holds live under
	// overload (about 100 MiB with the defaults), so it only bounds the
	// garbage GOGC=400 lets pile up.
	DefaultMemoryLimit = 256 << 20
	// DefaultMaxLineBytes is above the agents' default (64 KiB) so that
	// raising it there needs no change here, and bounds what one hostile
	// line costs the MPE.
	DefaultMaxLineBytes = 1 << 20
	// DefaultSearchTimeout stops a search well before a person gives up
	// on it, and before the sluice search client's 60 s.
	DefaultSearchTimeout = 10 * time.Second
	// DefaultMaxResultBytes is 60,000 typical documents: far more than a
	// person reads, a small share of memory_limit even encoded.
	DefaultMaxResultBytes = 32 << 20
	// DefaultMaxPastAge files a month of late events under their own
	// days (an agent that was off for weeks, files read for the first
	// time); older ones, and a sender spraying dates, would each make a
	// day file. Until the index has a retention setting this is the
	// horizon.
	DefaultMaxPastAge = 30 * 24 * time.Hour
	// DefaultMaxFutureSkew allows for clocks a little ahead and time
	// zones written wrong by up to an hour.
	DefaultMaxFutureSkew = time.Hour
)

// Upper bounds of byte-size settings: beyond them a value is a typo (a
// unit too many), and some would overflow what they feed (a gRPC message
// size is an int32 on the wire).
const (
	// suspense_min_free: a petabyte, not less, since more free disk than
	// any disk has is how a mediator is put in suspense from its start
	// (to drain it, or in tests): "1000000GiB".
	maxDiskBytes   = 1 << 50
	maxMemoryBytes = 1 << 40  // memory_limit, max_inflight_bytes
	maxBatchBytes  = 1 << 30  // max_batch_bytes: one gRPC message
	maxRateBytes   = 64 << 30 // rate_limit bytes_per_second
)

type fileSchema struct {
	Mediator *mediatorBlock `hcl:"mediator,block"`
	Indexer  []indexerBlock `hcl:"indexer,block"`
}

type mediatorBlock struct {
	ID                 string   `hcl:"id,optional"`
	Listen             string   `hcl:"listen,optional"`
	HTTP               string   `hcl:"http,optional"`
	DataDir            string   `hcl:"data_dir,optional"`
	Rules              []string `hcl:"rules,optional"`
	Insecure           bool     `hcl:"insecure,optional"`
	LogLevel           string   `hcl:"log_level,optional"`
	MaxAgents          *int     `hcl:"max_agents,optional"`
	Workers            *int     `hcl:"workers,optional"`
	IndexBatch         *int     `hcl:"index_batch,optional"`
	IndexFlush         string   `hcl:"index_flush,optional"`
	HandshakeTimeout   string   `hcl:"handshake_timeout,optional"`
	SuspenseBacklog    *int     `hcl:"suspense_backlog,optional"`
	SuspenseMinFree    string   `hcl:"suspense_min_free,optional"`
	SuspenseAckLatency string   `hcl:"suspense_ack_latency,optional"`
	StallWarning       string   `hcl:"stall_warning,optional"`
	ARM                string   `hcl:"arm,optional"`
	ARMInterval        string   `hcl:"arm_interval,optional"`
	Accept             string   `hcl:"accept,optional"`
	Revoked            []string `hcl:"revoked,optional"`
	RevokedFile        string   `hcl:"revoked_file,optional"`
	MaxConnAge         string   `hcl:"max_connection_age,optional"`
	MaxBatchEntries    *int     `hcl:"max_batch_entries,optional"`
	MaxBatchBytes      string   `hcl:"max_batch_bytes,optional"`
	MaxStreams         *int     `hcl:"max_streams,optional"`
	MaxInflightBytes   string   `hcl:"max_inflight_bytes,optional"`
	MemoryLimit        string   `hcl:"memory_limit,optional"`
	AdminTokenFile     string   `hcl:"admin_token_file,optional"`
	ReadTokenFile      string   `hcl:"read_token_file,optional"`
	HTTPHosts          []string `hcl:"http_hosts,optional"`
	MaxLineBytes       string   `hcl:"max_line_bytes,optional"`
	MaxHTTPConns       *int     `hcl:"max_http_connections,optional"`
	MaxHTTPConnsAddr   *int     `hcl:"max_http_connections_per_address,optional"`
	SearchTimeout      string   `hcl:"search_timeout,optional"`
	MaxQueryBytes      string   `hcl:"max_query_bytes,optional"`
	MaxQueryTerms      *int     `hcl:"max_query_terms,optional"`
	MaxResultBytes     string   `hcl:"max_result_bytes,optional"`
	MaxPastAge         string   `hcl:"max_past_age,optional"`
	MaxFutureSkew      string   `hcl:"max_future_skew,optional"`

	TLS       *hclconf.TLSBlock `hcl:"tls,block"`
	HTTPTLS   *httpTLSBlock     `hcl:"http_tls,block"`
	RateLimit *rateLimitBlock   `hcl:"rate_limit,block"`

	DefRange                hcl.Range `hcl:",def_range"`
	ListenRange             hcl.Range `hcl:"listen,attr_range"`
	HTTPRange               hcl.Range `hcl:"http,attr_range"`
	LogLevelRange           hcl.Range `hcl:"log_level,attr_range"`
	MaxAgentsRange          hcl.Range `hcl:"max_agents,attr_range"`
	WorkersRange            hcl.Range `hcl:"workers,attr_range"`
	IndexBatchRange         hcl.Range `hcl:"index_batch,attr_range"`
	IndexFlushRange         hcl.Range `hcl:"index_flush,attr_range"`
	HandshakeTimeoutRange   hcl.Range `hcl:"handshake_timeout,attr_range"`
	SuspenseBacklogRange    hcl.Range `hcl:"suspense_backlog,attr_range"`
	SuspenseMinFreeRange    hcl.Range `hcl:"suspense_min_free,attr_range"`
	SuspenseAckLatencyRange hcl.Range `hcl:"suspense_ack_latency,attr_range"`
	StallWarningRange       hcl.Range `hcl:"stall_warning,attr_range"`
	ARMRange                hcl.Range `hcl:"arm,attr_range"`
	ARMIntervalRange        hcl.Range `hcl:"arm_interval,attr_range"`
	InsecureRange           hcl.Range `hcl:"insecure,attr_range"`
	AcceptRange             hcl.Range `hcl:"accept,attr_range"`
	MaxConnAgeRange         hcl.Range `hcl:"max_connection_age,attr_range"`
	MaxBatchEntriesRange    hcl.Range `hcl:"max_batch_entries,attr_range"`
	MaxBatchBytesRange      hcl.Range `hcl:"max_batch_bytes,attr_range"`
	MaxStreamsRange         hcl.Range `hcl:"max_streams,attr_range"`
	MaxInflightBytesRange   hcl.Range `hcl:"max_inflight_bytes,attr_range"`
	MemoryLimitRange        hcl.Range `hcl:"memory_limit,attr_range"`
	MaxLineBytesRange       hcl.Range `hcl:"max_line_bytes,attr_range"`
	AdminTokenFileRange     hcl.Range `hcl:"admin_token_file,attr_range"`
	ReadTokenFileRange      hcl.Range `hcl:"read_token_file,attr_range"`
	HTTPHostsRange          hcl.Range `hcl:"http_hosts,attr_range"`
	MaxHTTPConnsRange       hcl.Range `hcl:"max_http_connections,attr_range"`
	MaxHTTPConnsAddrRange   hcl.Range `hcl:"max_http_connections_per_address,attr_range"`
	RevokedFileRange        hcl.Range `hcl:"revoked_file,attr_range"`
	SearchTimeoutRange      hcl.Range `hcl:"search_timeout,attr_range"`
	MaxQueryBytesRange      hcl.Range `hcl:"max_query_bytes,attr_range"`
	MaxQueryTermsRange      hcl.Range `hcl:"max_query_terms,attr_range"`
	MaxResultBytesRange     hcl.Range `hcl:"max_result_bytes,attr_range"`
	MaxPastAgeRange         hcl.Range `hcl:"max_past_age,attr_range"`
	MaxFutureSkewRange      hcl.Range `hcl:"max_future_skew,attr_range"`
}

type httpTLSBlock struct {
	CertFile string `hcl:"cert_file"`
	KeyFile  string `hcl:"key_file"`

	CertFileRange hcl.Range `hcl:"cert_file,attr_range"`
	KeyFileRange  hcl.Range `hcl:"key_file,attr_range"`
}

type rateLimitBlock struct {
	EntriesPerSecond *int   `hcl:"entries_per_second,optional"`
	BytesPerSecond   string `hcl:"bytes_per_second,optional"`

	EntriesRange hcl.Range `hcl:"entries_per_second,attr_range"`
	BytesRange   hcl.Range `hcl:"bytes_per_second,attr_range"`
}

type indexerBlock struct {
	Kind string `hcl:"kind,label"`
	Dir  string `hcl:"dir,optional"`

	// Elasticsearch.
	Addresses     []string `hcl:"addresses,optional"`
	Username      string   `hcl:"username,optional"`
	Password      string   `hcl:"password,optional"`
	APIKey        string   `hcl:"api_key,optional"`
	CAFile        string   `hcl:"ca_file,optional"`
	IndexPrefix   string   `hcl:"index_prefix,optional"`
	BulkActions   *int     `hcl:"bulk_actions,optional"`
	BulkBytes     string   `hcl:"bulk_bytes,optional"`
	FlushInterval string   `hcl:"flush_interval,optional"`
	Workers       *int     `hcl:"workers,optional"`
	RetryFor      string   `hcl:"retry_for,optional"`
	Timeout       string   `hcl:"timeout,optional"`

	DefRange           hcl.Range `hcl:",def_range"`
	KindRange          hcl.Range `hcl:"kind,label_range"`
	DirRange           hcl.Range `hcl:"dir,attr_range"`
	AddressesRange     hcl.Range `hcl:"addresses,attr_range"`
	PasswordRange      hcl.Range `hcl:"password,attr_range"`
	APIKeyRange        hcl.Range `hcl:"api_key,attr_range"`
	IndexPrefixRange   hcl.Range `hcl:"index_prefix,attr_range"`
	BulkActionsRange   hcl.Range `hcl:"bulk_actions,attr_range"`
	BulkBytesRange     hcl.Range `hcl:"bulk_bytes,attr_range"`
	FlushIntervalRange hcl.Range `hcl:"flush_interval,attr_range"`
	WorkersRange       hcl.Range `hcl:"workers,attr_range"`
	RetryForRange      hcl.Range `hcl:"retry_for,attr_range"`
	TimeoutRange       hcl.Range `hcl:"timeout,attr_range"`
	CAFileRange        hcl.Range `hcl:"ca_file,attr_range"`
}

// LoadConfig reads, decodes and validates a mediator config file, then
// applies SLUICE_* environment overrides.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mediator config: %w", err)
	}
	return ParseConfig(src, path)
}

// ParseConfig is LoadConfig on bytes; filename is used in errors. Relative
// rule paths are taken relative to the working directory, as typed.
func ParseConfig(src []byte, filename string) (*Config, error) {
	f, err := hclconf.ParseBytes(src, filename)
	if err != nil {
		return nil, err
	}
	var fs fileSchema
	if diags := gohcl.DecodeBody(f.Body, nil, &fs); diags.HasErrors() {
		return nil, hclconf.FromDiagnostics(diags)
	}
	if fs.Mediator == nil {
		return nil, &hclconf.Error{File: filename, Line: 1, Col: 1, Msg: `missing "mediator" block`}
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
	m := fs.Mediator
	cfg := &Config{
		ID:       m.ID,
		Listen:   m.Listen,
		HTTP:     m.HTTP,
		DataDir:  m.DataDir,
		Rules:    m.Rules,
		Insecure: m.Insecure,
		LogLevel: m.LogLevel,
		ARM:      m.ARM,
	}
	if cfg.ID == "" {
		cfg.ID, _ = os.Hostname()
	}
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.HTTP == "" {
		cfg.HTTP = DefaultHTTP
	}
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	for _, a := range []struct {
		name, val string
		rng       hcl.Range
	}{{"listen", cfg.Listen, m.ListenRange}, {"http", cfg.HTTP, m.HTTPRange}} {
		if err := checkListen(a.val); err != nil {
			errs = append(errs, hclconf.Errorf(a.rng, "%s: %q: %v", a.name, a.val, err))
		}
	}
	if cfg.ARM != "" {
		if err := checkListen(cfg.ARM); err != nil {
			errs = append(errs, hclconf.Errorf(m.ARMRange, "arm: %q: %v", cfg.ARM, err))
		}
	}
	errs = append(errs, m.security(cfg)...)
	switch m.LogLevel {
	case "", "trace", "debug", "info", "warn", "error":
	default:
		errs = append(errs, hclconf.Errorf(m.LogLevelRange, "log_level must be one of trace, debug, info, warn, error"))
	}

	errs = append(errs, intSettings(
		intSetting{"max_agents", m.MaxAgents, m.MaxAgentsRange, DefaultMaxAgents, 0, 1000000, &cfg.MaxAgents},
		intSetting{"workers", m.Workers, m.WorkersRange, runtime.NumCPU(), 0, 256, &cfg.Workers},
		intSetting{"index_batch", m.IndexBatch, m.IndexBatchRange, DefaultIndexBatch, 1, 1000000, &cfg.IndexBatch},
		intSetting{"suspense_backlog", m.SuspenseBacklog, m.SuspenseBacklogRange, DefaultSuspenseBacklog, 0, 1 << 40, &cfg.SuspenseBacklog},
		intSetting{"max_http_connections", m.MaxHTTPConns, m.MaxHTTPConnsRange, connlimit.DefaultMaxHTTP, 1, connlimit.MaxLimit, &cfg.MaxHTTPConnections},
		intSetting{"max_http_connections_per_address", m.MaxHTTPConnsAddr, m.MaxHTTPConnsAddrRange, connlimit.DefaultMaxHTTPPerAddress, 1, connlimit.MaxLimit, &cfg.MaxHTTPConnectionsPerAddress},
	)...)

	errs = append(errs, durationSettings(
		durationSetting{name: "index_flush", val: m.IndexFlush, rng: m.IndexFlushRange, def: DefaultIndexFlush, dst: &cfg.IndexFlush},
		durationSetting{name: "handshake_timeout", val: m.HandshakeTimeout, rng: m.HandshakeTimeoutRange, def: 10 * time.Second, dst: &cfg.HandshakeTimeout},
		durationSetting{name: "arm_interval", val: m.ARMInterval, rng: m.ARMIntervalRange, def: 5 * time.Second, dst: &cfg.ARMInterval},
		durationSetting{name: "suspense_ack_latency", val: m.SuspenseAckLatency, rng: m.SuspenseAckLatencyRange, def: DefaultSuspenseAckLatency, dst: &cfg.SuspenseAckLatency, zeroOff: true},
		durationSetting{name: "stall_warning", val: m.StallWarning, rng: m.StallWarningRange, def: DefaultStallWarning, dst: &cfg.StallWarning, zeroOff: true},
	)...)

	// Resume below 80% of the limit, so the condition does not flap.
	cfg.SuspenseResume = cfg.SuspenseBacklog / 5 * 4
	errs = append(errs, sizeSettings(
		sizeSetting{name: "suspense_min_free", val: m.SuspenseMinFree, rng: m.SuspenseMinFreeRange, def: DefaultSuspenseMinFree, max: maxDiskBytes, dst: &cfg.SuspenseMinFree},
		sizeSetting{name: "memory_limit", val: m.MemoryLimit, rng: m.MemoryLimitRange, def: DefaultMemoryLimit, min: 64 << 20, max: maxMemoryBytes, zeroOff: true, dst: &cfg.MemoryLimit},
	)...)
	errs = append(errs, m.costs(cfg)...)

	cfg.Indexer = IndexerConfig{Kind: "embedded"}
	switch len(fs.Indexer) {
	case 0:
	case 1:
		ib := fs.Indexer[0]
		switch ib.Kind {
		case "embedded":
			cfg.Indexer = IndexerConfig{Kind: ib.Kind, Dir: ib.Dir}
			if len(ib.Addresses) > 0 {
				errs = append(errs, hclconf.Errorf(ib.AddressesRange, `addresses belongs in an indexer "elasticsearch" block`))
			}
		case "elasticsearch":
			ec, e := ib.elastic()
			errs = append(errs, e...)
			cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "ca_file", Path: ib.CAFile, Range: ib.CAFileRange})
			cfg.Indexer = IndexerConfig{Kind: ib.Kind, Elastic: ec}
			if ib.FlushInterval != "" {
				cfg.IndexFlush = ec.FlushInterval
			}
		default:
			errs = append(errs, hclconf.Errorf(ib.KindRange, "unknown indexer %q (supported: embedded, elasticsearch)", ib.Kind))
		}
	default:
		errs = append(errs, hclconf.Errorf(fs.Indexer[1].DefRange, "only one indexer block is allowed"))
	}
	if cfg.Indexer.Dir == "" {
		cfg.Indexer.Dir = filepath.Join(cfg.DataDir, "index")
	}
	return cfg, errs
}

// costs reads what one search may cost and the window of event times.
func (m *mediatorBlock) costs(cfg *Config) hclconf.Errors {
	var errs hclconf.Errors
	errs = append(errs, durationSettings(
		durationSetting{name: "search_timeout", val: m.SearchTimeout, rng: m.SearchTimeoutRange, def: DefaultSearchTimeout, dst: &cfg.SearchTimeout},
		durationSetting{name: "max_past_age", val: m.MaxPastAge, rng: m.MaxPastAgeRange, def: DefaultMaxPastAge, dst: &cfg.MaxPastAge, zeroOff: true},
		durationSetting{name: "max_future_skew", val: m.MaxFutureSkew, rng: m.MaxFutureSkewRange, def: DefaultMaxFutureSkew, dst: &cfg.MaxFutureSkew, zeroOff: true},
	)...)
	if m.SearchTimeout != "" && cfg.SearchTimeout > time.Hour {
		errs = append(errs, hclconf.Errorf(m.SearchTimeoutRange, "search_timeout must be at most 1h"))
	}
	var queryBytes int64
	errs = append(errs, sizeSettings(
		sizeSetting{name: "max_query_bytes", val: m.MaxQueryBytes, rng: m.MaxQueryBytesRange, def: query.DefaultMaxBytes, min: 1 << 10, max: query.MaxBytesCeiling, dst: &queryBytes},
		sizeSetting{name: "max_result_bytes", val: m.MaxResultBytes, rng: m.MaxResultBytesRange, def: DefaultMaxResultBytes, min: 64 << 10, max: 1 << 30, dst: &cfg.MaxResultBytes},
	)...)
	cfg.MaxQueryBytes = int(queryBytes)
	errs = append(errs, intSettings(
		intSetting{"max_query_terms", m.MaxQueryTerms, m.MaxQueryTermsRange, query.DefaultMaxTerms, 1, query.MaxTermsCeiling, &cfg.MaxQueryTerms},
	)...)
	return errs
}

// intSetting is an optional integer attribute with its default and range.
type intSetting struct {
	name          string
	val           *int
	rng           hcl.Range
	def, min, max int
	dst           *int
}

// intSettings stores each setting's value, or its default, in dst.
func intSettings(settings ...intSetting) hclconf.Errors {
	var errs hclconf.Errors
	for _, n := range settings {
		*n.dst = n.def
		if n.val == nil {
			continue
		}
		if *n.val < n.min || *n.val > n.max {
			errs = append(errs, hclconf.Errorf(n.rng, "%s must be between %d and %d, not %d", n.name, n.min, n.max, *n.val))
			continue
		}
		*n.dst = *n.val
	}
	return errs
}

// durationSetting is an optional positive duration attribute; with
// zeroOff, "0" is allowed too (the feature is off).
type durationSetting struct {
	name    string
	val     string
	rng     hcl.Range
	def     time.Duration
	dst     *time.Duration
	zeroOff bool
}

// durationSettings stores each setting's value, or its default, in dst.
func durationSettings(settings ...durationSetting) hclconf.Errors {
	var errs hclconf.Errors
	for _, d := range settings {
		*d.dst = d.def
		if d.val == "" {
			continue
		}
		v, e := hclconf.Duration(d.val, d.name, d.rng)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		if v < 0 || v == 0 && !d.zeroOff {
			errs = append(errs, hclconf.Errorf(d.rng, "%s must be positive", d.name))
			continue
		}
		*d.dst = v
	}
	return errs
}

// sizeSetting is an optional byte-size attribute ("64MiB") with its
// default and bounds (max 0: none). With zeroOff, 0 is allowed and turns
// the feature off.
type sizeSetting struct {
	name, val string
	rng       hcl.Range
	def       int64
	min, max  int64
	zeroOff   bool
	dst       *int64
}

// sizeSettings stores each setting's value, or its default, in dst.
func sizeSettings(settings ...sizeSetting) hclconf.Errors {
	var errs hclconf.Errors
	for _, s := range settings {
		*s.dst = s.def
		if s.val == "" {
			continue
		}
		v, e := hclconf.Size(s.val, s.name, s.rng)
		switch {
		case e != nil:
			errs = append(errs, e)
		case v == 0 && s.zeroOff:
			*s.dst = 0
		case v < s.min || s.max > 0 && v > s.max:
			bounds := "at least " + sizeText(s.min)
			switch {
			case s.max > 0 && s.min == 0:
				bounds = "at most " + sizeText(s.max)
			case s.max > 0:
				bounds = "between " + sizeText(s.min) + " and " + sizeText(s.max)
			}
			if s.zeroOff && s.min > 0 {
				bounds = "0 (no limit) or " + bounds
			}
			errs = append(errs, hclconf.Errorf(s.rng, "%s must be %s", s.name, bounds))
		default:
			*s.dst = v
		}
	}
	return errs
}

// sizeText writes a bound as the configs do: 64KiB, 16MiB.
func sizeText(v int64) string {
	for _, u := range []struct {
		unit  string
		shift uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if v >= 1<<u.shift && v%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d%s", v>>u.shift, u.unit)
		}
	}
	return fmt.Sprintf("%dB", v)
}

// elastic reads an `indexer "elasticsearch"` block.
func (ib *indexerBlock) elastic() (elastic.Config, hclconf.Errors) {
	var errs hclconf.Errors
	ec := elastic.Config{
		Addresses:   ib.Addresses,
		Username:    ib.Username,
		Password:    ib.Password,
		APIKey:      ib.APIKey,
		CAFile:      ib.CAFile,
		IndexPrefix: ib.IndexPrefix,
	}
	if len(ec.Addresses) == 0 {
		errs = append(errs, hclconf.Errorf(ib.DefRange, `indexer "elasticsearch" needs addresses = ["http://host:9200", ...]`))
	}
	for _, a := range ec.Addresses {
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, hclconf.Errorf(ib.AddressesRange, "addresses: %q is not an http:// or https:// URL", a))
		}
	}
	if ec.APIKey != "" && (ec.Username != "" || ec.Password != "") {
		errs = append(errs, hclconf.Errorf(ib.APIKeyRange, "use either api_key or username/password, not both"))
	}
	if (ec.Username == "") != (ec.Password == "") {
		errs = append(errs, hclconf.Errorf(ib.PasswordRange, "username and password go together"))
	}
	if ib.Dir != "" {
		errs = append(errs, hclconf.Errorf(ib.DirRange, `dir belongs in an indexer "embedded" block`))
	}
	if ec.IndexPrefix != "" {
		if err := elastic.ValidIndexPrefix(ec.IndexPrefix); err != nil {
			errs = append(errs, hclconf.Errorf(ib.IndexPrefixRange, "%v", err))
		}
	}
	errs = append(errs, intSettings(
		intSetting{"bulk_actions", ib.BulkActions, ib.BulkActionsRange, 0, 1, 100000, &ec.BulkActions},
		intSetting{"workers", ib.Workers, ib.WorkersRange, 0, 1, 64, &ec.Workers},
	)...)
	if ib.BulkBytes != "" {
		v, e := hclconf.Size(ib.BulkBytes, "bulk_bytes", ib.BulkBytesRange)
		switch {
		case e != nil:
			errs = append(errs, e)
		case v < 64<<10 || v > 1<<30:
			errs = append(errs, hclconf.Errorf(ib.BulkBytesRange, "bulk_bytes must be between 64KiB and 1GiB"))
		default:
			ec.BulkBytes = int(v)
		}
	}
	// 0 leaves the backend's defaults.
	errs = append(errs, durationSettings(
		durationSetting{name: "flush_interval", val: ib.FlushInterval, rng: ib.FlushIntervalRange, def: 0, dst: &ec.FlushInterval},
		durationSetting{name: "retry_for", val: ib.RetryFor, rng: ib.RetryForRange, def: 0, dst: &ec.RetryFor},
		durationSetting{name: "timeout", val: ib.Timeout, rng: ib.TimeoutRange, def: 0, dst: &ec.Timeout},
	)...)
	return ec, errs
}

// security reads the TLS, acceptance, revocation and limit settings.
func (m *mediatorBlock) security(cfg *Config) hclconf.Errors {
	var errs hclconf.Errors
	if m.TLS != nil {
		cfg.TLS = &pki.Files{CA: m.TLS.CAFile, Cert: m.TLS.CertFile, Key: m.TLS.KeyFile}
		cfg.Files = append(cfg.Files, m.TLS.Files("tls")...)
		if m.Insecure {
			errs = append(errs, hclconf.Errorf(m.InsecureRange, "insecure = true and a tls block contradict each other: remove one"))
		}
	} else if !m.Insecure && !hclconf.AddrIsLoopback(cfg.Listen) {
		errs = append(errs, hclconf.Errorf(m.ListenRange, "listen %q is not a loopback address: configure a tls { ca_file, cert_file, key_file } block for mutual TLS, or set insecure = true to accept plaintext agents from the network", cfg.Listen))
	}
	// ARM is dialed with the tls identity (ARMDialOptions); without one,
	// only an ARM on this machine, unless insecure = true.
	if m.TLS == nil && !m.Insecure && cfg.ARM != "" && checkListen(cfg.ARM) == nil && !hclconf.AddrIsLoopback(cfg.ARM) {
		errs = append(errs, hclconf.Errorf(m.ARMRange, "%s", errPlaintextARM(cfg.ARM)))
	}
	if m.HTTPTLS != nil {
		cfg.HTTPTLS = &pki.Files{Cert: m.HTTPTLS.CertFile, Key: m.HTTPTLS.KeyFile}
		cfg.Files = append(cfg.Files,
			hclconf.FileRef{Setting: "http_tls cert_file", Path: m.HTTPTLS.CertFile, Range: m.HTTPTLS.CertFileRange},
			hclconf.FileRef{Setting: "http_tls key_file", Path: m.HTTPTLS.KeyFile, Range: m.HTTPTLS.KeyFileRange, Secret: true})
	}
	errs = append(errs, m.access(cfg)...)
	switch m.Accept {
	case "", "auto":
		cfg.Accept = "auto"
	case "manual":
		cfg.Accept = "manual"
	default:
		errs = append(errs, hclconf.Errorf(m.AcceptRange, `accept must be "auto" or "manual"`))
	}
	cfg.Revoked, cfg.RevokedFile = m.Revoked, m.RevokedFile
	// The mediator does not start without it; empty is a list of none.
	cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "revoked_file", Path: m.RevokedFile, Range: m.RevokedFileRange, MayBeEmpty: true})
	cfg.MaxConnectionAge = DefaultMaxConnectionAge
	if m.MaxConnAge != "" {
		d, e := hclconf.Duration(m.MaxConnAge, "max_connection_age", m.MaxConnAgeRange)
		switch {
		case e != nil:
			errs = append(errs, e)
		case d < time.Second:
			errs = append(errs, hclconf.Errorf(m.MaxConnAgeRange, "max_connection_age must be at least 1s"))
		default:
			cfg.MaxConnectionAge = d
		}
	}
	cfg.AgentRateEntries, cfg.AgentRateBytes = DefaultAgentRateEntries, DefaultAgentRateBytes
	if r := m.RateLimit; r != nil {
		if r.EntriesPerSecond != nil {
			if *r.EntriesPerSecond < 0 {
				errs = append(errs, hclconf.Errorf(r.EntriesRange, "entries_per_second must be 0 (no limit) or positive"))
			}
			cfg.AgentRateEntries = *r.EntriesPerSecond
		}
		if r.BytesPerSecond != "" {
			var v int64
			errs = append(errs, sizeSettings(sizeSetting{name: "bytes_per_second", val: r.BytesPerSecond, rng: r.BytesRange, max: maxRateBytes, zeroOff: true, dst: &v})...)
			cfg.AgentRateBytes = v
		}
	}
	cfg.MaxBatchEntries, cfg.MaxBatchBytes, cfg.MaxStreams = DefaultMaxBatchEntries, DefaultMaxBatchBytes, DefaultMaxStreams
	if m.MaxBatchEntries != nil {
		if *m.MaxBatchEntries < 1 {
			errs = append(errs, hclconf.Errorf(m.MaxBatchEntriesRange, "max_batch_entries must be positive"))
		}
		cfg.MaxBatchEntries = *m.MaxBatchEntries
	}
	errs = append(errs, sizeSettings(
		sizeSetting{name: "max_batch_bytes", val: m.MaxBatchBytes, rng: m.MaxBatchBytesRange, def: DefaultMaxBatchBytes, min: 64 << 10, max: maxBatchBytes, dst: &cfg.MaxBatchBytes},
		sizeSetting{name: "max_inflight_bytes", val: m.MaxInflightBytes, rng: m.MaxInflightBytesRange, def: DefaultMaxInflightBytes, min: 1 << 20, max: maxMemoryBytes, dst: &cfg.MaxInflightBytes},
		sizeSetting{name: "max_line_bytes", val: m.MaxLineBytes, rng: m.MaxLineBytesRange, def: DefaultMaxLineBytes, min: 1 << 10, max: 16 << 20, dst: &cfg.MaxLineBytes},
	)...)
	if m.MaxStreams != nil {
		if *m.MaxStreams < 1 {
			errs = append(errs, hclconf.Errorf(m.MaxStreamsRange, "max_streams must be positive"))
		}
		cfg.MaxStreams = *m.MaxStreams
	}
	return errs
}

// access reads the HTTP API's token files and names. An attribute that
// is written must say something: an empty file name would silently leave
// the API without the protection it was meant to add.
func (m *mediatorBlock) access(cfg *Config) hclconf.Errors {
	var errs hclconf.Errors
	for _, f := range []struct {
		name, val string
		rng       hcl.Range
		dst       *string
	}{
		{"admin_token_file", m.AdminTokenFile, m.AdminTokenFileRange, &cfg.AdminTokenFile},
		{"read_token_file", m.ReadTokenFile, m.ReadTokenFileRange, &cfg.ReadTokenFile},
	} {
		if f.rng.Filename != "" && strings.TrimSpace(f.val) == "" {
			errs = append(errs, hclconf.Errorf(f.rng, "%s must not be empty (remove it to have no such token)", f.name))
		}
		*f.dst = f.val
		cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: f.name, Path: f.val, Range: f.rng, Secret: true})
	}
	for _, h := range m.HTTPHosts {
		if err := httpauth.CheckHostName(h); err != nil {
			errs = append(errs, hclconf.Errorf(m.HTTPHostsRange, "http_hosts: %v", err))
		}
	}
	cfg.HTTPHosts = m.HTTPHosts
	return errs
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

// applyEnv applies SLUICE_* overrides for the settings operators tune.
func applyEnv(cfg *Config) error {
	if v, ok := hclconf.EnvString("SLUICE_MEDIATOR_ID"); ok {
		cfg.ID = v
	}
	if v, ok := hclconf.EnvString("SLUICE_MEDIATOR_LISTEN"); ok {
		cfg.Listen = v
	}
	if v, ok := hclconf.EnvString("SLUICE_MEDIATOR_HTTP"); ok {
		cfg.HTTP = v
	}
	if v, ok := hclconf.EnvString("SLUICE_LOG_LEVEL"); ok {
		cfg.LogLevel = v
	}
	if v, ok := hclconf.EnvString("SLUICE_MEDIATOR_ARM"); ok {
		cfg.ARM = v
	}
	ec := &cfg.Indexer.Elastic
	for _, e := range []struct {
		name string
		dst  *int
		min  int
	}{
		{"SLUICE_MPE_WORKERS", &cfg.Workers, 0}, {"SLUICE_MAX_AGENTS", &cfg.MaxAgents, 0}, {"SLUICE_INDEX_BATCH", &cfg.IndexBatch, 1},
		{"SLUICE_ES_BULK_ACTIONS", &ec.BulkActions, 1}, {"SLUICE_ES_WORKERS", &ec.Workers, 1},
	} {
		if v, ok := hclconf.EnvString(e.name); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < e.min {
				return fmt.Errorf("%s=%q: want an integer >= %d", e.name, v, e.min)
			}
			*e.dst = n
		}
	}
	return applyElasticEnv(cfg)
}

// applyElasticEnv applies the SLUICE_ES_* overrides (like ReflexSOAR's
// REFLEX_EVENT_PROCESSOR_ES_BULK_SIZE): the settings an operator tunes on
// a running deployment, and credentials kept out of files.
func applyElasticEnv(cfg *Config) error {
	ec := &cfg.Indexer.Elastic
	if v, ok := hclconf.EnvString("SLUICE_ES_ADDRESSES"); ok {
		ec.Addresses = strings.Split(v, ",")
	}
	for _, e := range []struct {
		name string
		dst  *string
	}{
		{"SLUICE_ES_USERNAME", &ec.Username}, {"SLUICE_ES_PASSWORD", &ec.Password},
		{"SLUICE_ES_API_KEY", &ec.APIKey}, {"SLUICE_ES_INDEX_PREFIX", &ec.IndexPrefix},
	} {
		if v, ok := hclconf.EnvString(e.name); ok {
			*e.dst = v
		}
	}
	if v, ok := hclconf.EnvString("SLUICE_ES_BULK_BYTES"); ok {
		n, err := hclconf.ParseSize(v)
		if err != nil || n < 64<<10 || n > 1<<30 {
			return fmt.Errorf("SLUICE_ES_BULK_BYTES=%q: want a size between 64KiB and 1GiB", v)
		}
		ec.BulkBytes = int(n)
	}
	if v, ok := hclconf.EnvString("SLUICE_ES_FLUSH_INTERVAL"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("SLUICE_ES_FLUSH_INTERVAL=%q: want a positive duration such as 1s", v)
		}
		ec.FlushInterval = d
		if cfg.Indexer.Kind == "elasticsearch" {
			cfg.IndexFlush = d
		}
	}
	return nil
}
