// Package elastic is the Elasticsearch backend of the indexer: bulk
// `create` requests with each event's deterministic id into daily indices per
// organization, an index template with the ECS mapping of Sluice's fields,
// and searches that translate the query string language to the query DSL.
//
// It uses the official client (github.com/elastic/go-elasticsearch/v8) for
// connections, authentication, TLS and the product check, and the bulk API
// directly rather than esutil.BulkIndexer: Write must answer synchronously
// which documents are stored, which to retry and which the cluster refused,
// because the mediator removes an entry from its state only once its event
// is confirmed.
//
// # Daily indices, not data streams
//
// Events go to one index per organization and UTC day, chosen by the
// event's own @timestamp, rather than to a data stream. A data stream's
// `create` with an _id refuses a duplicate only within its current backing
// index: a retry after a rollover (the first attempt stored, its
// acknowledgement lost) would store the event again. With the index chosen
// by the event's day, a resend always lands where the first copy is, so the
// deterministic ids keep Write idempotent whenever it is retried.
//
// # Lifecycle
//
// Days expire whole: Prune deletes daily indices (no per-document
// deletes), and on Elasticsearch, Check installs an ILM policy that
// deletes them at the configured retention (see Lifecycle). ZincSearch and
// other look-alikes have no ILM, so there retention is Prune's alone.
package elastic

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/backoff"
)

// Defaults for Config.
const (
	DefaultIndexPrefix   = "sluice"
	DefaultBulkActions   = 5000
	DefaultBulkBytes     = 10 << 20
	DefaultFlushInterval = time.Second
	DefaultWorkers       = 2
	DefaultRetryFor      = 30 * time.Second
	DefaultTimeout       = 60 * time.Second
)

// Config configures the Elasticsearch backend.
type Config struct {
	// Addresses are the cluster's URLs (http://host:9200). Required.
	Addresses []string
	// Username and Password (basic auth) or APIKey (base64 "id:key").
	Username, Password string
	APIKey             string
	// CAFile is a PEM bundle that signs the cluster's certificates
	// (empty: the system roots).
	CAFile string
	// IndexPrefix starts every index name: <prefix>-<org>-YYYY.MM.DD.
	IndexPrefix string
	// BulkActions and BulkBytes bound one bulk request.
	BulkActions int
	BulkBytes   int
	// FlushInterval is the longest an event waits for a bulk request to
	// fill (the mediator batches by it).
	FlushInterval time.Duration
	// Workers is how many bulk requests are in flight at once.
	Workers int
	// RetryFor is how long Write retries what the cluster pushed back
	// (429, per-document 5xx) before it returns the error. A failure of
	// the cluster itself (connection, 5xx or auth on the whole request)
	// returns at once. Either way the mediator retries the batch later
	// with its own backoff, entries kept in state.
	RetryFor time.Duration
	// Timeout bounds one request to the cluster.
	Timeout time.Duration
	// Backoff spaces retries (default backoff.Default).
	Backoff backoff.Policy
	// MaxLimit caps how many events one Search may return (default 10000).
	MaxLimit int
	// Retention is how long a day is kept after it ends (0: forever).
	// On a cluster with ILM it becomes the <prefix>-retention policy's
	// delete phase; elsewhere Expire applies it through Prune.
	Retention time.Duration
	// OrgRetention overrides Retention per organization (0: forever).
	// One index template can name one ILM policy, and organizations
	// appear at any time, so the policy keeps days for the longest
	// retention of all and Expire deletes the shorter ones' earlier.
	// Keys are matched as index names spell them (lowercased, see
	// Organizations).
	OrgRetention map[string]time.Duration
	// Transport replaces the HTTP transport (tests).
	Transport http.RoundTripper
}

func (c *Config) setDefaults() {
	if c.IndexPrefix == "" {
		c.IndexPrefix = DefaultIndexPrefix
	}
	if c.BulkActions <= 0 {
		c.BulkActions = DefaultBulkActions
	}
	if c.BulkBytes <= 0 {
		c.BulkBytes = DefaultBulkBytes
	}
	if c.FlushInterval <= 0 {
		c.FlushInterval = DefaultFlushInterval
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.RetryFor <= 0 {
		c.RetryFor = DefaultRetryFor
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Backoff == (backoff.Policy{}) {
		c.Backoff = backoff.Default
	}
	if c.MaxLimit <= 0 {
		c.MaxLimit = 10000
	}
}

// Index writes to and searches an Elasticsearch cluster.
type Index struct {
	cfg    Config
	client *elasticsearch.Client
	logger hclog.Logger
	// transport is the client's, for ZincSearch's own API (lifecycle.go).
	transport http.RoundTripper
	// sem bounds the bulk requests in flight (Workers).
	sem chan struct{}

	// readyMu serializes the start check; ready is set once the cluster
	// answered as Elasticsearch and took the index template.
	readyMu sync.Mutex
	ready   bool
	// ilm is set by Check when the cluster took the retention policy;
	// the template then names it (see Lifecycle).
	ilm bool
}

var _ indexer.Index = (*Index)(nil)

// ErrNotReady is wrapped by Write and Search while the cluster cannot be
// used (unreachable, wrong credentials, not Elasticsearch). Entries stay in
// the mediator's state meanwhile.
var ErrNotReady = errors.New("elasticsearch not ready")

// Open creates the client. It does not contact the cluster: call Check to
// verify it at start; Write checks again until the cluster is usable.
func Open(cfg Config, logger hclog.Logger) (*Index, error) {
	if len(cfg.Addresses) == 0 {
		return nil, errors.New("elasticsearch: no addresses configured")
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	cfg.setDefaults()
	if err := ValidIndexPrefix(cfg.IndexPrefix); err != nil {
		return nil, err
	}
	tr := cfg.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = cfg.Timeout
		t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		t.MaxIdleConnsPerHost = cfg.Workers + 2
		if cfg.CAFile != "" {
			pem, err := os.ReadFile(cfg.CAFile)
			if err != nil {
				return nil, fmt.Errorf("elasticsearch: read ca_file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("elasticsearch: ca_file %s holds no PEM certificate", cfg.CAFile)
			}
			t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
		tr = t
	}
	client, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: cfg.Addresses,
		Username:  cfg.Username,
		Password:  cfg.Password,
		APIKey:    cfg.APIKey,
		Transport: tr,
		// Retries are ours: per item, with backoff, and never hiding a
		// 429 from the caller for long.
		DisableRetry:      true,
		DisableMetaHeader: true,
	})
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %w", err)
	}
	return &Index{
		cfg:       cfg,
		client:    client,
		logger:    logger,
		transport: tr,
		sem:       make(chan struct{}, cfg.Workers),
	}, nil
}

// Check verifies the cluster: reachable, credentials accepted, really
// Elasticsearch (the product header), and installs the index template
// (idempotent). The error names the addresses and the cause. With a
// Retention, it also detects ILM and installs the retention policy the
// template then names (see Lifecycle); a cluster without ILM is no error.
func (x *Index) Check(ctx context.Context) error {
	x.readyMu.Lock()
	defer x.readyMu.Unlock()
	if x.ready {
		return nil
	}
	if err := x.check(ctx); err != nil {
		x.ilm = false
		return fmt.Errorf("%w: %s: %w", ErrNotReady, strings.Join(x.cfg.Addresses, ","), err)
	}
	x.ready = true
	mode := LifecyclePrune
	if x.ilm {
		mode = LifecycleILM
	}
	x.logger.Info("elasticsearch ready; index template installed", "addresses", x.cfg.Addresses, "template", x.templateName(), "lifecycle", mode)
	return nil
}

func (x *Index) check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	status, body, err := x.do(ctx, http.MethodGet, "/", nil, nil)
	switch {
	case err != nil && strings.Contains(err.Error(), "not Elasticsearch"):
		return errors.New("the server is not Elasticsearch (its answer has no X-Elastic-Product: Elasticsearch header)")
	case err != nil:
		return fmt.Errorf("cannot reach the cluster: %w", err)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("credentials refused (HTTP %d): check username/password or api_key: %s", status, errorReason(body))
	case status >= 300:
		return fmt.Errorf("cluster info answered HTTP %d: %s", status, errorReason(body))
	}
	x.ilm = x.setupILM(ctx)
	return x.installTemplate(ctx)
}

// isReady reports whether Check succeeded, trying it again if not.
func (x *Index) isReady(ctx context.Context) error {
	x.readyMu.Lock()
	ok := x.ready
	x.readyMu.Unlock()
	if ok {
		return nil
	}
	return x.Check(ctx)
}

// Close releases idle connections.
func (x *Index) Close() error {
	if t, ok := x.cfg.Transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
	return nil
}

// do sends a request with a JSON body and returns the status and the body.
func (x *Index) do(ctx context.Context, method, path string, body []byte, query map[string]string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		ct := "application/json"
		if strings.HasSuffix(path, "/_bulk") {
			ct = "application/x-ndjson"
		}
		req.Header.Set("Content-Type", ct)
	}
	if len(query) > 0 {
		q := req.URL.Query()
		for k, v := range query {
			q.Set(k, v)
		}
		req.URL.RawQuery = q.Encode()
	}
	res, err := x.client.Perform(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, nil, fmt.Errorf("read response: %w", err)
	}
	return res.StatusCode, out, nil
}

// errorReason extracts Elasticsearch's error type and reason from a
// response body, or a short prefix of the body.
func errorReason(body []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Error) > 0 {
		var obj struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		}
		if json.Unmarshal(e.Error, &obj) == nil && (obj.Type != "" || obj.Reason != "") {
			return strings.TrimPrefix(obj.Type+": "+obj.Reason, ": ")
		}
		var s string
		if json.Unmarshal(e.Error, &s) == nil {
			return s
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
