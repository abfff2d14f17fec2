package mediator

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/serve"
)

// PruneResponse answers POST /v1/index/prune.
type PruneResponse struct {
	DryRun  bool                `json:"dry_run"`
	Removed []indexer.PrunedDay `json:"removed"`
	Bytes   int64               `json:"bytes"`
}

// handleIndexPrune removes index days before ?before= (a day or an RFC
// 3339 time) of ?org= (all when absent); ?dry_run=true lists them only.
func (m *Mediator) handleIndexPrune(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	before, err := parseWhen(v.Get("before"))
	if err != nil || before.IsZero() {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{"before: a day such as 2026-01-10 is required"})
		return
	}
	dry, _ := strconv.ParseBool(v.Get("dry_run"))
	removed, err := m.PruneIndex(r.Context(), v.Get("org"), before, dry)
	resp := PruneResponse{DryRun: dry, Removed: removed}
	for _, d := range removed {
		resp.Bytes += d.Bytes
	}
	if err != nil {
		m.logger.Error("index prune failed", "before", before, "organization", v.Get("org"), "removed", len(removed), "error", err)
		serve.WriteJSON(w, http.StatusInternalServerError, errorResponse{err.Error()})
		return
	}
	m.logger.Info("index pruned on request", "before", before.Format(time.DateOnly), "organization", v.Get("org"), "dry_run", dry, "days", len(removed), "bytes", resp.Bytes, "remote", r.RemoteAddr)
	serve.WriteJSON(w, http.StatusOK, resp)
}

// handleArchiveReplay replays the archive (?org=, ?from=, ?to=,
// ?replace=true), answering with one JSON progress line
// (ArchiveReplayProgress) at a time, the last with done: true.
func (m *Mediator) handleArchiveReplay(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	req := ArchiveReplayRequest{Organization: v.Get("org")}
	var err error
	if req.From, err = parseWhen(v.Get("from")); err != nil {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{"from: " + err.Error()})
		return
	}
	if req.To, err = parseWhen(v.Get("to")); err != nil {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{"to: " + err.Error()})
		return
	}
	if s := v.Get("replace"); s != "" {
		if req.Replace, err = strconv.ParseBool(s); err != nil {
			serve.WriteJSON(w, http.StatusBadRequest, errorResponse{"replace: want true or false"})
			return
		}
	}
	switch {
	case m.cfg.Archive.Dir == "":
		serve.WriteJSON(w, http.StatusConflict, errorResponse{errNoArchive.Error()})
		return
	case m.replaying.Load():
		serve.WriteJSON(w, http.StatusConflict, errorResponse{errReplayRunning.Error()})
		return
	}
	m.logger.Info("archive replay requested", "organization", req.Organization, "from", req.From, "to", req.To, "replace", req.Replace, "remote", r.RemoteAddr)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	flusher, _ := w.(http.Flusher)
	send := func(p ArchiveReplayProgress) {
		_ = enc.Encode(p)
		if flusher != nil {
			flusher.Flush()
		}
	}
	// The stream ends with the replay: its answer is its last line.
	prog, err := m.replayArchive(r.Context(), req, send)
	if err != nil && (errors.Is(err, errReplayRunning) || errors.Is(err, errCannotReplace)) {
		prog.Error = err.Error()
		prog.Done = true
	}
	send(prog)
}
