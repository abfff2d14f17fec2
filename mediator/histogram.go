package mediator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/serve"
)

// HistogramResponse is the body of GET /v1/histogram: the matches of a
// query per time bucket. The buckets cover [since, until) without gaps or
// overlap, so their counts add up to GET /v1/count of the same query and
// range.
type HistogramResponse struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Width is the buckets' width in seconds (the first and the last
	// may be narrower: they start at since and end at until).
	Width   float64  `json:"width_seconds"`
	Buckets []Bucket `json:"buckets"`
	Total   int64    `json:"total"`
}

// Bucket is one bar of a histogram: the matches with @timestamp in
// [Start, End).
type Bucket struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Count int64     `json:"count"`
}

const (
	defaultBuckets = 60
	maxBuckets     = 1000
)

// histogrammer is an index that counts per bucket in one pass (the
// embedded index, from its per-minute count tables where the query
// allows); other indexes are asked one count per bucket.
type histogrammer interface {
	Histogram(ctx context.Context, req indexer.SearchRequest, base int64, width time.Duration, n int) ([]int64, error)
}

// bucketWidths are the widths a histogram's buckets may take: round
// ones, so that the bars start at times a person reads easily, and from
// a minute up, whole minutes (which the embedded index sums from its
// per-minute tables).
var bucketWidths = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// bucketLayout divides [since, until) into at most n buckets: the
// narrowest round width that needs no more than n, aligned on multiples
// of it since the Unix epoch (UTC). It returns the start of the first
// aligned bucket (≤ since), the width and the number of buckets.
func bucketLayout(since, until time.Time, n int) (base int64, width time.Duration, count int) {
	span := until.Sub(since)
	width = bucketWidths[len(bucketWidths)-1]
	for _, w := range bucketWidths {
		if w*time.Duration(n) >= span {
			width = w
			break
		}
	}
	if width*time.Duration(n) < span {
		// Longer than n days: whole days.
		const day = int64(24 * time.Hour)
		per := (int64(span) + int64(n) - 1) / int64(n)
		width = time.Duration((per + day - 1) / day * day)
	}
	s, w := since.UnixNano(), int64(width)
	base = s - ((s%w)+w)%w
	count = int((until.UnixNano() - base + w - 1) / w)
	return base, width, max(1, min(count, n))
}

// histogramRequest reads a histogram's query: searchRequest's parameters
// (since required, until defaulting to now) and buckets.
func histogramRequest(r *http.Request, now time.Time) (indexer.SearchRequest, int, error) {
	req, err := searchRequest(r)
	if err != nil {
		return req, 0, err
	}
	if req.Since.IsZero() {
		return req, 0, errors.New("since is required: a histogram covers a closed range")
	}
	if req.Until.IsZero() {
		req.Until = now
	}
	if !req.Since.Before(req.Until) {
		return req, 0, errors.New("since must be before until")
	}
	n := defaultBuckets
	if b := r.URL.Query().Get("buckets"); b != "" {
		n, err = strconv.Atoi(b)
		if err != nil || n < 1 || n > maxBuckets {
			return req, 0, fmt.Errorf("buckets must be an integer between 1 and %d", maxBuckets)
		}
	}
	return req, n, nil
}

func (m *Mediator) handleHistogram(w http.ResponseWriter, r *http.Request) {
	req, n, err := histogramRequest(r, time.Now())
	if err != nil {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{err.Error()})
		return
	}
	ctx, cancel, ok := m.readySearch(w, r, &req)
	if !ok {
		return
	}
	defer cancel()
	resp, err := histogram(ctx, m.index, req, n)
	if err != nil {
		m.writeSearchError(w, r, err)
		return
	}
	serve.WriteJSON(w, http.StatusOK, resp)
}

// histogram counts req's matches in at most n buckets of [req.Since,
// req.Until).
func histogram(ctx context.Context, idx indexer.Searcher, req indexer.SearchRequest, n int) (HistogramResponse, error) {
	base, width, n := bucketLayout(req.Since, req.Until, n)
	resp := HistogramResponse{Since: req.Since.UTC(), Until: req.Until.UTC(), Width: width.Seconds(), Buckets: make([]Bucket, n)}
	for i := range resp.Buckets {
		b := &resp.Buckets[i]
		b.Start, b.End = time.Unix(0, base+int64(i)*int64(width)).UTC(), time.Unix(0, base+int64(i+1)*int64(width)).UTC()
		if i == 0 {
			b.Start = resp.Since
		}
		if i == n-1 {
			b.End = resp.Until
		}
	}
	if h, ok := idx.(histogrammer); ok {
		counts, err := h.Histogram(ctx, req, base, width, n)
		if err != nil {
			return resp, err
		}
		for i, c := range counts {
			resp.Buckets[i].Count = c
			resp.Total += c
		}
		return resp, nil
	}
	for i := range resp.Buckets {
		b := &resp.Buckets[i]
		one := req
		one.Since, one.Until = b.Start, b.End
		c, err := idx.Count(ctx, one)
		if err != nil {
			return resp, err
		}
		b.Count = c
		resp.Total += c
	}
	return resp, nil
}
