package serve

import (
	"encoding/json"
	"net/http"
)

// WriteJSON answers code with v as JSON. Answers are never cached: they
// are a daemon's live state, often behind a token.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	// The status is sent: an encoding error can only be the client gone.
	_ = json.NewEncoder(w).Encode(v)
}
