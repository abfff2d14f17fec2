package arm

import (
	_ "embed"
	"net/http"
)

// page is the heartbeat grid: one self-contained HTML file (styles and
// script inline, no external assets), so the dashboard works offline.
//
//go:embed ui/index.html
var page []byte

func servePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The page loads nothing from elsewhere; say so to the browser too.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
	_, _ = w.Write(page)
}
