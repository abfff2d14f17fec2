package logging

import (
	"encoding/json"
	"io"
	"net/http"
)

// LevelBody is what GET and PUT /v1/log/level answer, and what PUT
// takes: {"level": "debug"}.
type LevelBody struct {
	Level string `json:"level"`
	// Previous is the level a PUT replaced.
	Previous string `json:"previous,omitempty"`
	Error    string `json:"error,omitempty"`
}

// LevelHandler serves a daemon's log level: GET reads it, PUT sets it
// (the daemon's API puts PUT behind its admin token). The change lasts
// until the daemon stops or SIGHUP re-reads its configuration.
func LevelHandler(l *Logs) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeLevel(w, http.StatusOK, LevelBody{Level: l.Level()})
			return
		}
		var body LevelBody
		if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&body); err != nil {
			writeLevel(w, http.StatusBadRequest, LevelBody{Error: `want {"level": "debug"}: ` + err.Error()})
			return
		}
		if body.Level == "" {
			writeLevel(w, http.StatusBadRequest, LevelBody{Error: `want {"level": "debug"}: no level`})
			return
		}
		prev := l.Level()
		if err := l.SetLevel(body.Level); err != nil {
			writeLevel(w, http.StatusBadRequest, LevelBody{Error: err.Error()})
			return
		}
		l.Logger.Info("log level changed through the API", "level", l.Level(), "previous", prev)
		writeLevel(w, http.StatusOK, LevelBody{Level: l.Level(), Previous: prev})
	}
}

func writeLevel(w http.ResponseWriter, code int, b LevelBody) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(b)
}
