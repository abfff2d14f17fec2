package mediator

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/sluicehq/sluice/indexer/elastic"
	"github.com/sluicehq/sluice/indexer/query"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/logging"
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
	// Log is where and how the daemon logs (log { } and log_level).
	Log logging.Config

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
	// Archive keeps every raw entry in hourly compressed files with a
	// hash chain (Dir "" = no archive).
	Archive ArchiveConfig
	// Organizations are the organization blocks, in file order: fair
	// sharing, dedicated workers, quotas and own rules (docs/tenancy.md).
	Organizations []OrgConfig
	// Path is the file the configuration was read from ("" when parsed
	// from bytes): a reload reads it again.
	Path string
}

// IndexerConfig is the `indexer "KIND" {}` block.
type IndexerConfig struct {
	// Kind is "embedded" or "elasticsearch".
	Kind string
	// Dir is the embedded index's directory.
	Dir string
	// Elastic configures the Elasticsearch backend (Kind "elasticsearch").
	Elastic elastic.Config
	// Retention is how long events stay searchable (0: forever), by the
	// day of their @timestamp; OrgRetention overrides it per
	// organization. The pruner drops whole days past it.
	Retention    time.Duration
	OrgRetention map[string]time.Duration
	// DiskWarningFree is the free space on the embedded index's volume
	// under which the mediator warns (log, metric, ARM event), before
	// suspense_min_free stops intake; 0 disables the warning.
	DiskWarningFree int64
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

	DefaultHandshakeTimeout = 10 * time.Second
	DefaultARMInterval      = 5 * time.Second
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
	// day file. It is not the retention: an event older than the
	// retention but inside this window is filed under its own day, and
	// that day goes at the next prune.
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
	Archive  []archiveBlock `hcl:"archive,block"`
	// Organizations are the top-level organization blocks.
	Organizations []organizationBlock `hcl:"organization,block"`
}

type mediatorBlock struct {
	ID                 string            `hcl:"id,optional"`
	Listen             string            `hcl:"listen,optional"`
	HTTP               string            `hcl:"http,optional"`
	DataDir            string            `hcl:"data_dir,optional"`
	Rules              []string          `hcl:"rules,optional"`
	Insecure           bool              `hcl:"insecure,optional"`
	LogLevel           string            `hcl:"log_level,optional"`
	Log                *hclconf.LogBlock `hcl:"log,block"`
	MaxAgents          *int              `hcl:"max_agents,optional"`
	Workers            *int              `hcl:"workers,optional"`
	IndexBatch         *int              `hcl:"index_batch,optional"`
	IndexFlush         string            `hcl:"index_flush,optional"`
	HandshakeTimeout   string            `hcl:"handshake_timeout,optional"`
	SuspenseBacklog    *int              `hcl:"suspense_backlog,optional"`
	SuspenseMinFree    string            `hcl:"suspense_min_free,optional"`
	SuspenseAckLatency string            `hcl:"suspense_ack_latency,optional"`
	StallWarning       string            `hcl:"stall_warning,optional"`
	ARM                string            `hcl:"arm,optional"`
	ARMInterval        string            `hcl:"arm_interval,optional"`
	Accept             string            `hcl:"accept,optional"`
	Revoked            []string          `hcl:"revoked,optional"`
	RevokedFile        string            `hcl:"revoked_file,optional"`
	MaxConnAge         string            `hcl:"max_connection_age,optional"`
	MaxBatchEntries    *int              `hcl:"max_batch_entries,optional"`
	MaxBatchBytes      string            `hcl:"max_batch_bytes,optional"`
	MaxStreams         *int              `hcl:"max_streams,optional"`
	MaxInflightBytes   string            `hcl:"max_inflight_bytes,optional"`
	MemoryLimit        string            `hcl:"memory_limit,optional"`
	AdminTokenFile     string            `hcl:"admin_token_file,optional"`
	ReadTokenFile      string            `hcl:"read_token_file,optional"`
	HTTPHosts          []string          `hcl:"http_hosts,optional"`
	MaxLineBytes       string            `hcl:"max_line_bytes,optional"`
	MaxHTTPConns       *int              `hcl:"max_http_connections,optional"`
	MaxHTTPConnsAddr   *int              `hcl:"max_http_connections_per_address,optional"`
	SearchTimeout      string            `hcl:"search_timeout,optional"`
	MaxQueryBytes      string            `hcl:"max_query_bytes,optional"`
	MaxQueryTerms      *int              `hcl:"max_query_terms,optional"`
	MaxResultBytes     string            `hcl:"max_result_bytes,optional"`
	MaxPastAge         string            `hcl:"max_past_age,optional"`
	MaxFutureSkew      string            `hcl:"max_future_skew,optional"`

	TLS       *hclconf.TLSBlock `hcl:"tls,block"`
	HTTPTLS   *httpTLSBlock     `hcl:"http_tls,block"`
	RateLimit *rateLimitBlock   `hcl:"rate_limit,block"`

	DefRange hcl.Range `hcl:",def_range"`
	// Body is where settings' positions are looked up (see
	// hclconf.Settings).
	Body hcl.Body `hcl:",body"`
}

type httpTLSBlock struct {
	CertFile string `hcl:"cert_file"`
	KeyFile  string `hcl:"key_file"`

	Body hcl.Body `hcl:",body"`
}

type rateLimitBlock struct {
	EntriesPerSecond *int   `hcl:"entries_per_second,optional"`
	BytesPerSecond   string `hcl:"bytes_per_second,optional"`

	DefRange hcl.Range `hcl:",def_range"`
	Body     hcl.Body  `hcl:",body"`
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

	// Both kinds.
	Retention       string              `hcl:"retention,optional"`
	DiskWarningFree string              `hcl:"disk_warning_free,optional"`
	Organizations   []retentionOverride `hcl:"organization,block"`

	DefRange  hcl.Range `hcl:",def_range"`
	KindRange hcl.Range `hcl:"kind,label_range"`
	Body      hcl.Body  `hcl:",body"`

	// set reads the block's settings; ParseConfig makes it.
	set *hclconf.Settings
}

// LoadConfig reads and decodes a mediator config file, applies SLUICE_*
// environment overrides to it and validates the result.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mediator config: %w", err)
	}
	cfg, err := ParseConfig(src, path)
	if err != nil {
		return nil, err
	}
	cfg.Path = path
	return cfg, nil
}

// ParseConfig is LoadConfig on bytes; filename is used in errors. Relative
// rule paths are taken relative to the working directory, as typed.
func ParseConfig(src []byte, filename string) (*Config, error) {
	f, err := hclconf.ParseBytes(src, filename)
	if err != nil {
		return nil, err
	}
	var schema fileSchema
	if diags := gohcl.DecodeBody(f.Body, nil, &schema); diags.HasErrors() {
		return nil, hclconf.FromDiagnostics(diags)
	}
	if schema.Mediator == nil {
		return nil, &hclconf.Error{File: filename, Line: 1, Col: 1, Msg: `missing "mediator" block`}
	}
	set := hclconf.NewSettings(schema.Mediator.Body, schema.Mediator.DefRange)
	schema.Mediator.applyEnv(set)
	for i := range schema.Indexer {
		ib := &schema.Indexer[i]
		ib.set = hclconf.NewSettings(ib.Body, ib.DefRange)
		if ib.Kind == "elasticsearch" {
			ib.applyElasticEnv()
		}
	}
	cfg, errs := schema.toConfig(set)
	if err := errs.ErrorOrNil(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// applyEnv applies the SLUICE_* overrides for the settings operators tune
// to the decoded block, before it is checked, so that an override gets
// the same checks as the file (the variable standing for the position).
func (m *mediatorBlock) applyEnv(set *hclconf.Settings) {
	set.EnvString("SLUICE_MEDIATOR_ID", "id", &m.ID)
	set.EnvString("SLUICE_MEDIATOR_LISTEN", "listen", &m.Listen)
	set.EnvString("SLUICE_MEDIATOR_HTTP", "http", &m.HTTP)
	set.EnvString("SLUICE_LOG_LEVEL", "log_level", &m.LogLevel)
	set.EnvString("SLUICE_MEDIATOR_ARM", "arm", &m.ARM)
	set.EnvInt("SLUICE_MPE_WORKERS", "workers", &m.Workers)
	set.EnvInt("SLUICE_MAX_AGENTS", "max_agents", &m.MaxAgents)
	set.EnvInt("SLUICE_INDEX_BATCH", "index_batch", &m.IndexBatch)
}

// applyElasticEnv applies the SLUICE_ES_* overrides (like ReflexSOAR's
// REFLEX_EVENT_PROCESSOR_ES_BULK_SIZE) to an `indexer "elasticsearch"`
// block: the settings an operator tunes on a running deployment, and
// credentials kept out of files. Without such a block they mean nothing.
func (ib *indexerBlock) applyElasticEnv() {
	ib.set.EnvList("SLUICE_ES_ADDRESSES", "addresses", &ib.Addresses)
	ib.set.EnvString("SLUICE_ES_USERNAME", "username", &ib.Username)
	ib.set.EnvString("SLUICE_ES_PASSWORD", "password", &ib.Password)
	ib.set.EnvString("SLUICE_ES_API_KEY", "api_key", &ib.APIKey)
	ib.set.EnvString("SLUICE_ES_INDEX_PREFIX", "index_prefix", &ib.IndexPrefix)
	ib.set.EnvInt("SLUICE_ES_BULK_ACTIONS", "bulk_actions", &ib.BulkActions)
	ib.set.EnvInt("SLUICE_ES_WORKERS", "workers", &ib.Workers)
	ib.set.EnvString("SLUICE_ES_BULK_BYTES", "bulk_bytes", &ib.BulkBytes)
	ib.set.EnvString("SLUICE_ES_FLUSH_INTERVAL", "flush_interval", &ib.FlushInterval)
}

// DefaultConfig returns the configuration of a mediator whose file sets
// nothing. Indexer.Dir is left empty: it defaults to "index" in the data
// directory, whichever that is.
func DefaultConfig() *Config {
	host, _ := os.Hostname()
	return &Config{
		ID:                           host,
		Listen:                       DefaultListen,
		HTTP:                         DefaultHTTP,
		DataDir:                      DefaultDataDir,
		MaxAgents:                    DefaultMaxAgents,
		Workers:                      runtime.NumCPU(),
		IndexBatch:                   DefaultIndexBatch,
		IndexFlush:                   DefaultIndexFlush,
		HandshakeTimeout:             DefaultHandshakeTimeout,
		SuspenseBacklog:              DefaultSuspenseBacklog,
		SuspenseResume:               resumeBelow(DefaultSuspenseBacklog),
		SuspenseMinFree:              DefaultSuspenseMinFree,
		SuspenseAckLatency:           DefaultSuspenseAckLatency,
		StallWarning:                 DefaultStallWarning,
		Accept:                       "auto",
		MaxConnectionAge:             DefaultMaxConnectionAge,
		AgentRateEntries:             DefaultAgentRateEntries,
		AgentRateBytes:               DefaultAgentRateBytes,
		MaxBatchEntries:              DefaultMaxBatchEntries,
		MaxBatchBytes:                DefaultMaxBatchBytes,
		MaxStreams:                   DefaultMaxStreams,
		MaxInflightBytes:             DefaultMaxInflightBytes,
		MaxLineBytes:                 DefaultMaxLineBytes,
		MemoryLimit:                  DefaultMemoryLimit,
		MaxHTTPConnections:           connlimit.DefaultMaxHTTP,
		MaxHTTPConnectionsPerAddress: connlimit.DefaultMaxHTTPPerAddress,
		SearchTimeout:                DefaultSearchTimeout,
		MaxQueryBytes:                query.DefaultMaxBytes,
		MaxQueryTerms:                query.DefaultMaxTerms,
		MaxResultBytes:               DefaultMaxResultBytes,
		MaxPastAge:                   DefaultMaxPastAge,
		MaxFutureSkew:                DefaultMaxFutureSkew,
		ARMInterval:                  DefaultARMInterval,
		Indexer:                      IndexerConfig{Kind: "embedded", DiskWarningFree: DefaultDiskWarningFree},
	}
}

// resumeBelow is where the backlog condition clears: 80% of its limit,
// so that it does not flap.
func resumeBelow(backlog int) int { return backlog / 5 * 4 }

func (schema *fileSchema) toConfig(set *hclconf.Settings) (*Config, hclconf.Errors) {
	m := schema.Mediator
	cfg := DefaultConfig()
	cfg.Rules, cfg.Insecure, cfg.ARM = m.Rules, m.Insecure, m.ARM
	for _, s := range []struct {
		val string
		dst *string
	}{{m.ID, &cfg.ID}, {m.Listen, &cfg.Listen}, {m.HTTP, &cfg.HTTP}, {m.DataDir, &cfg.DataDir}} {
		if s.val != "" {
			*s.dst = s.val
		}
	}
	for _, a := range []struct{ name, val string }{{"listen", cfg.Listen}, {"http", cfg.HTTP}} {
		if err := hclconf.CheckListen(a.val); err != nil {
			set.Errorf(a.name, "%s: %q: %v", a.name, a.val, err)
		}
	}
	if cfg.ARM != "" {
		if err := hclconf.CheckListen(cfg.ARM); err != nil {
			set.Errorf("arm", "arm: %q: %v", cfg.ARM, err)
		}
	}
	m.security(cfg, set)
	cfg.Log = set.Log(m.LogLevel, m.Log)

	set.Int("max_agents", m.MaxAgents, &cfg.MaxAgents, hclconf.Between(0, 1000000))
	set.Int("workers", m.Workers, &cfg.Workers, hclconf.Between(0, 256))
	set.Int("index_batch", m.IndexBatch, &cfg.IndexBatch, hclconf.Between(1, 1000000))
	set.Int("suspense_backlog", m.SuspenseBacklog, &cfg.SuspenseBacklog, hclconf.Between(0, 1<<40))
	set.Int("max_http_connections", m.MaxHTTPConns, &cfg.MaxHTTPConnections, hclconf.Between(1, connlimit.MaxLimit))
	set.Int("max_http_connections_per_address", m.MaxHTTPConnsAddr, &cfg.MaxHTTPConnectionsPerAddress, hclconf.Between(1, connlimit.MaxLimit))

	positive, orOff := hclconf.Positive[time.Duration](), hclconf.Positive[time.Duration]().OrZero("disabled")
	set.Duration("index_flush", m.IndexFlush, &cfg.IndexFlush, positive)
	set.Duration("handshake_timeout", m.HandshakeTimeout, &cfg.HandshakeTimeout, positive)
	set.Duration("arm_interval", m.ARMInterval, &cfg.ARMInterval, positive)
	set.Duration("suspense_ack_latency", m.SuspenseAckLatency, &cfg.SuspenseAckLatency, orOff)
	set.Duration("stall_warning", m.StallWarning, &cfg.StallWarning, orOff)

	cfg.SuspenseResume = resumeBelow(cfg.SuspenseBacklog)
	set.Size("suspense_min_free", m.SuspenseMinFree, &cfg.SuspenseMinFree, hclconf.AtMost[int64](maxDiskBytes))
	set.Size("memory_limit", m.MemoryLimit, &cfg.MemoryLimit, hclconf.Between[int64](64<<20, maxMemoryBytes).OrZero("no limit"))
	m.costs(cfg, set)
	errs := set.Errors()

	switch len(schema.Indexer) {
	case 0:
	case 1:
		ib := &schema.Indexer[0]
		switch ib.Kind {
		case "embedded":
			cfg.Indexer = IndexerConfig{Kind: ib.Kind, Dir: ib.Dir}
			if len(ib.Addresses) > 0 {
				ib.set.Errorf("addresses", `addresses belongs in an indexer "elasticsearch" block`)
			}
		case "elasticsearch":
			ec := ib.elastic()
			cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "ca_file", Path: ib.CAFile, Range: ib.set.At("ca_file")})
			cfg.Indexer = IndexerConfig{Kind: ib.Kind, Elastic: ec}
			if ib.FlushInterval != "" {
				cfg.IndexFlush = ec.FlushInterval
			}
		default:
			ib.set.Add(hclconf.Errorf(ib.KindRange, "unknown indexer %q (supported: embedded, elasticsearch)", ib.Kind))
		}
		errs = append(errs, ib.set.Errors()...)
	default:
		errs = append(errs, hclconf.Errorf(schema.Indexer[1].DefRange, "only one indexer block is allowed"))
	}
	if cfg.Indexer.Dir == "" {
		cfg.Indexer.Dir = filepath.Join(cfg.DataDir, "index")
	}
	if len(schema.Indexer) == 1 {
		errs = append(errs, schema.Indexer[0].lifecycle(&cfg.Indexer, cfg.SuspenseMinFree)...)
	}
	errs = append(errs, schema.archive(cfg)...)
	errs = append(errs, schema.organizations(cfg)...)
	return cfg, errs
}

// costs reads what one search may cost and the window of event times.
func (m *mediatorBlock) costs(cfg *Config, set *hclconf.Settings) {
	set.Duration("search_timeout", m.SearchTimeout, &cfg.SearchTimeout, hclconf.AtMost(time.Hour).AndPositive())
	orOff := hclconf.Positive[time.Duration]().OrZero("disabled")
	set.Duration("max_past_age", m.MaxPastAge, &cfg.MaxPastAge, orOff)
	set.Duration("max_future_skew", m.MaxFutureSkew, &cfg.MaxFutureSkew, orOff)
	set.IntSize("max_query_bytes", m.MaxQueryBytes, &cfg.MaxQueryBytes, hclconf.Between[int64](1<<10, query.MaxBytesCeiling))
	set.Size("max_result_bytes", m.MaxResultBytes, &cfg.MaxResultBytes, hclconf.Between[int64](64<<10, 1<<30))
	set.Int("max_query_terms", m.MaxQueryTerms, &cfg.MaxQueryTerms, hclconf.Between(1, query.MaxTermsCeiling))
}

// elastic reads an `indexer "elasticsearch"` block.
func (ib *indexerBlock) elastic() elastic.Config {
	set := ib.set
	ec := elastic.Config{
		Addresses:   ib.Addresses,
		Username:    ib.Username,
		Password:    ib.Password,
		APIKey:      ib.APIKey,
		CAFile:      ib.CAFile,
		IndexPrefix: ib.IndexPrefix,
	}
	if len(ec.Addresses) == 0 {
		set.Add(hclconf.Errorf(ib.DefRange, `indexer "elasticsearch" needs addresses = ["http://host:9200", ...]`))
	}
	for _, a := range ec.Addresses {
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			set.Errorf("addresses", "addresses: %q is not an http:// or https:// URL", a)
		}
	}
	if ec.APIKey != "" && (ec.Username != "" || ec.Password != "") {
		set.Errorf("api_key", "use either api_key or username/password, not both")
	}
	if (ec.Username == "") != (ec.Password == "") {
		set.Errorf("password", "username and password go together")
	}
	if ib.Dir != "" {
		set.Errorf("dir", `dir belongs in an indexer "embedded" block`)
	}
	if ec.IndexPrefix != "" {
		if err := elastic.ValidIndexPrefix(ec.IndexPrefix); err != nil {
			set.Errorf("index_prefix", "%v", err)
		}
	}
	// 0 leaves the backend's defaults.
	set.Int("bulk_actions", ib.BulkActions, &ec.BulkActions, hclconf.Between(1, 100000))
	set.Int("workers", ib.Workers, &ec.Workers, hclconf.Between(1, 64))
	set.IntSize("bulk_bytes", ib.BulkBytes, &ec.BulkBytes, hclconf.Between[int64](64<<10, 1<<30))
	positive := hclconf.Positive[time.Duration]()
	set.Duration("flush_interval", ib.FlushInterval, &ec.FlushInterval, positive)
	set.Duration("retry_for", ib.RetryFor, &ec.RetryFor, positive)
	set.Duration("timeout", ib.Timeout, &ec.Timeout, positive)
	return ec
}

// security reads the TLS, acceptance, revocation and limit settings.
func (m *mediatorBlock) security(cfg *Config, set *hclconf.Settings) {
	if m.TLS != nil {
		cfg.TLS = &pki.Files{CA: m.TLS.CAFile, Cert: m.TLS.CertFile, Key: m.TLS.KeyFile}
		cfg.Files = append(cfg.Files, m.TLS.Files("tls")...)
	}
	set.Transport(m.Insecure, m.TLS != nil, "listen", []string{cfg.Listen}, func(listen string) string {
		return fmt.Sprintf("listen %q is not a loopback address: configure a tls { ca_file, cert_file, key_file } block for mutual TLS, or set insecure = true to accept plaintext agents from the network", listen)
	})
	// ARM is dialed with the tls identity (ARMDialOptions); without one,
	// only an ARM on this machine, unless insecure = true.
	if m.TLS == nil && !m.Insecure && cfg.ARM != "" && hclconf.CheckListen(cfg.ARM) == nil && !hclconf.AddrIsLoopback(cfg.ARM) {
		set.Errorf("arm", "%s", errPlaintextARM(cfg.ARM))
	}
	if m.HTTPTLS != nil {
		cfg.HTTPTLS = &pki.Files{Cert: m.HTTPTLS.CertFile, Key: m.HTTPTLS.KeyFile}
		cfg.Files = append(cfg.Files,
			hclconf.FileRef{Setting: "http_tls cert_file", Path: m.HTTPTLS.CertFile, Range: hclconf.AttrRange(m.HTTPTLS.Body, "cert_file")},
			hclconf.FileRef{Setting: "http_tls key_file", Path: m.HTTPTLS.KeyFile, Range: hclconf.AttrRange(m.HTTPTLS.Body, "key_file"), Secret: true})
	}
	m.access(cfg, set)
	set.Enum("accept", m.Accept, &cfg.Accept, "auto", "manual")
	cfg.Revoked, cfg.RevokedFile = m.Revoked, m.RevokedFile
	// The mediator does not start without it; empty is a list of none.
	cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: "revoked_file", Path: m.RevokedFile, Range: set.At("revoked_file"), MayBeEmpty: true})
	set.Duration("max_connection_age", m.MaxConnAge, &cfg.MaxConnectionAge, hclconf.AtLeast(time.Second))
	if r := m.RateLimit; r != nil {
		rset := hclconf.NewSettings(r.Body, r.DefRange)
		rset.Int("entries_per_second", r.EntriesPerSecond, &cfg.AgentRateEntries, hclconf.Positive[int]().OrZero("no limit"))
		rset.Size("bytes_per_second", r.BytesPerSecond, &cfg.AgentRateBytes, hclconf.AtMost[int64](maxRateBytes))
		set.Add(rset.Errors()...)
	}
	set.Int("max_batch_entries", m.MaxBatchEntries, &cfg.MaxBatchEntries, hclconf.Positive[int]())
	set.Size("max_batch_bytes", m.MaxBatchBytes, &cfg.MaxBatchBytes, hclconf.Between[int64](64<<10, maxBatchBytes))
	set.Size("max_inflight_bytes", m.MaxInflightBytes, &cfg.MaxInflightBytes, hclconf.Between[int64](1<<20, maxMemoryBytes))
	set.Size("max_line_bytes", m.MaxLineBytes, &cfg.MaxLineBytes, hclconf.Between[int64](1<<10, 16<<20))
	set.Int("max_streams", m.MaxStreams, &cfg.MaxStreams, hclconf.Positive[int]())
}

// access reads the HTTP API's token files and names. An attribute that
// is written must say something: an empty file name would silently leave
// the API without the protection it was meant to add.
func (m *mediatorBlock) access(cfg *Config, set *hclconf.Settings) {
	for _, f := range []struct {
		name, val string
		dst       *string
	}{
		{"admin_token_file", m.AdminTokenFile, &cfg.AdminTokenFile},
		{"read_token_file", m.ReadTokenFile, &cfg.ReadTokenFile},
	} {
		if set.Written(f.name) && strings.TrimSpace(f.val) == "" {
			set.Errorf(f.name, "%s must not be empty (remove it to have no such token)", f.name)
		}
		*f.dst = f.val
		cfg.Files = append(cfg.Files, hclconf.FileRef{Setting: f.name, Path: f.val, Range: set.At(f.name), Secret: true})
	}
	for _, h := range m.HTTPHosts {
		if err := httpauth.CheckHostName(h); err != nil {
			set.Errorf("http_hosts", "http_hosts: %v", err)
		}
	}
	cfg.HTTPHosts = m.HTTPHosts
}
