package mediator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sluicehq/sluice/internal/testkit/browser"
	"github.com/sluicehq/sluice/pkg/event"
)

// pageView is what the search page shows.
type pageView struct {
	State    string   `json:"state"`
	Tail     string   `json:"tail"`
	Query    string   `json:"query"`
	Messages []string `json:"messages"`
	Users    []string `json:"users"`
	Titles   []string `json:"titles"`
	Bars     []int64  `json:"bars"`
	Since    string   `json:"since"`
	Until    string   `json:"until"`
	Status   string   `json:"status"`
	QError   string   `json:"qerror"`
	Mark     string   `json:"mark"`
	Error    string   `json:"error"`
	Facets   []string `json:"facets"`
	Orgs     []string `json:"orgs"`
	Auth     string   `json:"auth"`
	Overflow bool     `json:"overflow"`
	Pwned    bool     `json:"pwned"`
	MsgWidth int      `json:"msgwidth"`
}

const pageViewJS = `(() => {
	const rows = Array.from(document.querySelectorAll("#rows tr.ev"));
	const bars = Array.from(document.querySelectorAll("#hist .bar"));
	const shown = id => getComputedStyle(document.getElementById(id)).display !== "none";
	const mark = document.querySelector("#qerror mark");
	return {state: document.body.dataset.state, tail: document.body.dataset.tail, query: document.getElementById("q").value,
		messages: rows.map(r => r.querySelector(".msg").textContent),
		users: rows.map(r => r.querySelector(".user").textContent),
		titles: rows.map(r => r.querySelector(".time").title),
		bars: bars.map(b => +b.dataset.count),
		since: bars.length ? bars[0].dataset.start : "", until: bars.length ? bars[bars.length - 1].dataset.end : "",
		status: document.getElementById("status").textContent,
		qerror: shown("qerror") ? document.getElementById("qerror").textContent : "",
		mark: mark ? mark.textContent : "",
		error: shown("error") ? document.getElementById("error").textContent : "",
		facets: Array.from(document.querySelectorAll("#facet-values button")).map(b => b.dataset.value),
		orgs: Array.from(document.getElementById("org").options).map(o => o.value),
		auth: document.body.dataset.auth,
		overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
		pwned: document.body.dataset.pwned === "1" || document.querySelector("#rows img") !== null,
		msgwidth: rows.length ? rows[0].querySelector(".msg").offsetWidth : 0};
})()`

func readPage(t *testing.T, bctx context.Context) pageView {
	t.Helper()
	v, err := chromedp.Run(bctx, chromedp.Evaluate[pageView](pageViewJS))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// waitSearch waits until the page has finished a search of query.
func waitSearch(t *testing.T, bctx context.Context, what, query string) pageView {
	t.Helper()
	js := fmt.Sprintf(`document.body.dataset.state === "ready" && document.body.dataset.facets === "ready" && new URLSearchParams(location.search).get("q") === %q`, query)
	if err := chromedp.Do(bctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("%s: the search of %q did not finish: %v (page %+v)", what, query, err, readPage(t, bctx))
	}
	return readPage(t, bctx)
}

// clearQuery empties the query box (as select-all and delete would).
func clearQuery() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.getElementById("q").value = ""; undefined`)
}

// apiMessages is the messages of /v1/search's answer, newest first.
func apiMessages(t *testing.T, m *Mediator, params url.Values) []string {
	t.Helper()
	var res SearchResponse
	if code, body := apiGet(t, m, "/v1/search", params, &res); code != http.StatusOK {
		t.Fatalf("search %v: %d %s", params, code, body)
	}
	var out []string
	for _, e := range res.Events {
		var d struct{ Message string }
		if err := json.Unmarshal(e, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d.Message)
	}
	return out
}

// TestBrowserSearchPage drives the search page in headless Chromium: a
// link with a query shows that user's events; a typed query shows the
// histogram and the rows the API answers; an event expands to its
// document from the keyboard; a field value refines the query; a line
// indexed in tail mode appears; a bar zooms in; a malformed query is explained with its
// position; markup in events stays text; and the page fits a narrow
// window.
func TestBrowserSearchPage(t *testing.T) {
	chromium := browser.Require(t)
	m := testMediator(t, "")
	now := time.Now().UTC().Truncate(time.Millisecond)
	evs := pageEvents("acme", 11, 600, now.Add(-2*time.Second), 5*time.Second)
	for i := range 5 {
		e := &event.Event{ID: event.DocID("zelda", uint64(i)), Organization: "acme", Timestamp: now.Add(-time.Duration(7*i+3) * time.Minute),
			Message: fmt.Sprintf("vault door %d opened by zelda", i)}
		e.Set("user.name", "zelda")
		e.Set(event.FieldHostname, "bastion")
		e.Set("source.ip", "192.0.2.99")
		e.Set(event.FieldCommonEvent, "Vault Access")
		evs = append(evs, e)
	}
	// Markup in an event is shown as text, never run.
	x := &event.Event{ID: event.DocID("xss", 1), Organization: "acme", Timestamp: now.Add(-time.Minute),
		Message: `<img src=x onerror="document.body.dataset.pwned=1"> zelda`}
	x.Set("user.name", "zelda")
	evs = append(evs, x)
	if err := m.Index().Write(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	bctx := browser.Headless(t, chromium)
	base := "http://" + m.HTTPAddr() + "/"

	// 1. A link with a query.
	if err := chromedp.Do(bctx, chromedp.Navigate(base+"?q=user.name:zelda")); err != nil {
		t.Fatalf("load %s in %s: %v", base, chromium, err)
	}
	v := waitSearch(t, bctx, "link", "user.name:zelda")
	want := apiMessages(t, m, url.Values{"q": {"user.name:zelda"}, "since": {"1h"}})
	if len(want) != 6 || !slices.Equal(v.Messages, want) {
		t.Fatalf("?q=user.name:zelda shows %q, the API %q", v.Messages, want)
	}
	if v.Pwned || !strings.HasPrefix(v.Titles[0], "UTC ") {
		t.Fatalf("rows: %+v", v)
	}
	browser.Screenshot(t, bctx, "search-user")

	// 2. A typed query: the rows and the histogram are the API's.
	const q = "host.hostname:web-01 AND failed"
	if err := chromedp.Do(bctx,
		clearQuery(),
		chromedp.SendKeys(chromedp.CSS("#q"), q+"\r"),
	); err != nil {
		t.Fatal(err)
	}
	v = waitSearch(t, bctx, "typed query", q)
	var h HistogramResponse
	if code, body := apiGet(t, m, "/v1/histogram", url.Values{"q": {q}, "since": {v.Since}, "until": {v.Until}, "buckets": {"60"}}, &h); code != http.StatusOK {
		t.Fatalf("histogram: %d %s", code, body)
	}
	var cnt CountResponse
	apiGet(t, m, "/v1/count", url.Values{"q": {q}, "since": {v.Since}, "until": {v.Until}}, &cnt)
	if !slices.Equal(v.Bars, bucketCounts(h)) || h.Total != cnt.Count || cnt.Count == 0 {
		t.Fatalf("histogram bars %v, the API's %v (count %d)", v.Bars, bucketCounts(h), cnt.Count)
	}
	want = apiMessages(t, m, url.Values{"q": {q}, "since": {v.Since}, "until": {v.Until}, "limit": {"100"}})
	if !slices.Equal(v.Messages, want) || !strings.Contains(v.Status, fmt.Sprint(cnt.Count)) {
		t.Fatalf("rows %d %q\nthe API's %d %q\nstatus %q", len(v.Messages), v.Messages, len(want), want, v.Status)
	}
	if len(v.Facets) == 0 || v.Facets[0] != "web-01" {
		t.Errorf("facets of host.hostname: %q", v.Facets)
	}
	browser.Screenshot(t, bctx, "search-query")

	// 3. The first event expands from the keyboard to its document.
	if err := chromedp.Do(bctx,
		chromedp.Focus(chromedp.CSS("#rows tr.ev")),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#rows tr.doc button.val[data-field="user.name"]`)),
	); err != nil {
		t.Fatalf("expand: %v", err)
	}
	user, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#rows tr.doc button.val[data-field="user.name"]').textContent`))
	if err != nil || user == "" {
		t.Fatalf("expanded document's user.name: %q, %v", user, err)
	}
	browser.Screenshot(t, bctx, "search-expanded")
	// The README's picture (docs/search-page.png): the window as a
	// person sees it.
	browser.ScreenshotViewport(t, bctx, "search-page")

	// 4. Its user.name refines the query.
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`#rows tr.doc button.val[data-field="user.name"]`))); err != nil {
		t.Fatal(err)
	}
	refined := q + " AND user.name:" + user
	v = waitSearch(t, bctx, "refined", refined)
	want = apiMessages(t, m, url.Values{"q": {refined}, "since": {v.Since}, "until": {v.Until}})
	if len(v.Users) == 0 || !slices.Equal(v.Messages, want) {
		t.Fatalf("refined rows %q, the API's %q", v.Messages, want)
	}
	for _, u := range v.Users {
		if u != user {
			t.Fatalf("refined to %s, a row of %s", user, u)
		}
	}

	// 5. Live tail: a newly indexed matching line appears.
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS("#tail")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.tail === "on"`, chromedp.WithPollingTimeout(20*time.Second)),
	); err != nil {
		t.Fatalf("tail: %v (page %+v)", err, readPage(t, bctx))
	}
	fresh := &event.Event{ID: event.DocID("fresh", 1), Organization: "acme", Timestamp: time.Now().UTC(), Message: "Failed password for " + user + " from 203.0.113.9 (fresh)"}
	fresh.Set(event.FieldHostname, "web-01")
	fresh.Set("user.name", user)
	if err := m.Index().Write(context.Background(), []*event.Event{fresh}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.Poll[chromedp.Void](`(() => { const r = document.querySelector("#rows tr.ev"); return r && r.classList.contains("new") && r.querySelector(".msg").textContent.includes("(fresh)"); })()`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the new line did not appear in tail mode: %v (page %+v)", err, readPage(t, bctx))
	}
	// The tail follows on from the newest row shown: that row is not
	// shown twice.
	if n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#rows tr.ev.new").length`)); err != nil || n != 1 {
		t.Errorf("tail rows: %d new, want the fresh line only (%v)", n, err)
	}
	browser.Screenshot(t, bctx, "search-tail")
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#tail"))); err != nil {
		t.Fatal(err)
	}

	// 6. A bar of the histogram zooms into its time: the range becomes
	// custom (whole seconds around the bar), and the new bars are again
	// the API's count.
	type barView struct {
		Count int64  `json:"count"`
		Start string `json:"start"`
	}
	bar, err := chromedp.Run(bctx, chromedp.Evaluate[barView](`(() => {
		const bars = Array.from(document.querySelectorAll("#hist .bar"));
		const b = bars.reduce((a, x) => +x.dataset.count > +a.dataset.count ? x : a, bars[0]);
		b.dataset.pick = "1";
		return {count: +b.dataset.count, start: b.dataset.start};
	})()`))
	if err != nil || bar.Count == 0 {
		t.Fatalf("the tallest bar: %+v, %v", bar, err)
	}
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`#hist .bar[data-pick="1"]`)),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === "ready" && document.body.dataset.range === "custom" && new URLSearchParams(location.search).has("since")`,
			chromedp.WithPollingTimeout(20*time.Second)),
	); err != nil {
		t.Fatalf("zoom: %v (page %+v)", err, readPage(t, bctx))
	}
	v = waitSearch(t, bctx, "zoomed", refined)
	apiGet(t, m, "/v1/count", url.Values{"q": {refined}, "since": {v.Since}, "until": {v.Until}}, &cnt)
	var sum int64
	for _, n := range v.Bars {
		sum += n
	}
	if sum != cnt.Count || sum < bar.Count || len(v.Messages) == 0 {
		t.Fatalf("zoomed into a bar of %d: bars %v (sum %d), count %d, %d rows", bar.Count, v.Bars, sum, cnt.Count, len(v.Messages))
	}

	// 7. A malformed query: a clear message with its position.
	const bad = "user.name:(zelda"
	if err := chromedp.Do(bctx,
		clearQuery(),
		chromedp.SendKeys(chromedp.CSS("#q"), bad+"\r"),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === "badquery"`, chromedp.WithPollingTimeout(20*time.Second)),
	); err != nil {
		t.Fatalf("bad query: %v (page %+v)", err, readPage(t, bctx))
	}
	v = readPage(t, bctx)
	if !strings.Contains(v.QError, "This query does not parse") || !strings.Contains(v.QError, "position") || v.Mark == "" {
		t.Fatalf("bad query shows %+v", v)
	}
	browser.Screenshot(t, bctx, "search-bad-query")

	// 8. A narrow window: nothing wider than it.
	if err := chromedp.Do(bctx,
		chromedp.EmulateViewport(420, 900),
		chromedp.Navigate(base+"?q=user.name:zelda&range=1h"),
	); err != nil {
		t.Fatal(err)
	}
	if v = waitSearch(t, bctx, "narrow", "user.name:zelda"); v.Overflow || len(v.Messages) != 6 || v.Pwned || v.MsgWidth < 300 {
		t.Errorf("narrow window: %+v", v)
	}
	browser.Screenshot(t, bctx, "search-narrow")
}

// TestBrowserSearchPageToken: with read tokens the page asks for one,
// keeps it in the tab's session storage only, offers the token's
// organizations only and never shows another's events.
func TestBrowserSearchPageToken(t *testing.T) {
	chromium := browser.Require(t)
	m, _ := tokenMediator(t, "")
	bctx := browser.Headless(t, chromium)
	base := "http://" + m.HTTPAddr() + "/"
	if err := chromedp.Do(bctx,
		chromedp.Navigate(base+"?q=secret&org=globex"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-auth="needed"] #token`)),
	); err != nil {
		t.Fatalf("no token prompt: %v", err)
	}
	if v := readPage(t, bctx); len(v.Messages) != 0 {
		t.Fatalf("rows before a token: %+v", v)
	}
	if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS("#token"), apiAcmeTok+"\r")); err != nil {
		t.Fatal(err)
	}
	v := waitSearch(t, bctx, "acme's token", "secret")
	if strings.Join(v.Orgs, ",") != "acme" || len(v.Messages) != 2 || v.Auth != "ok" {
		t.Fatalf("acme's token: %+v", v)
	}
	for _, msg := range v.Messages {
		if msg != "secret of acme" {
			t.Fatalf("acme's token shows %q", msg)
		}
	}
	type stored struct {
		Session string `json:"session"`
		Local   int    `json:"local"`
		Href    string `json:"href"`
	}
	s, err := chromedp.Run(bctx, chromedp.Evaluate[stored](`({session: sessionStorage.getItem("sluice-mediator-token") || "", local: localStorage.length, href: location.href})`))
	if err != nil || s.Session != apiAcmeTok || s.Local != 0 || strings.Contains(s.Href, apiAcmeTok[:12]) {
		t.Fatalf("token kept as %+v, %v", s, err)
	}
	// A reload keeps it; forgetting it asks again.
	if err := chromedp.Do(bctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitSearch(t, bctx, "reload", "secret")
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-auth="needed"] #token`)),
	); err != nil {
		t.Fatal(err)
	}
	if v := readPage(t, bctx); len(v.Messages) != 0 {
		t.Fatalf("rows after forgetting the token: %+v", v)
	}

	// A token for two organizations: the first is shown, the other is
	// chosen from the keyboard; never both at once.
	if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS("#token"), apiTwoOrgTok+"\r")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.Poll[chromedp.Void](`document.body.dataset.state === "ready" && document.getElementById("org").value === "acme"`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("two organizations: %v (page %+v)", err, readPage(t, bctx))
	}
	if v := readPage(t, bctx); strings.Join(v.Orgs, ",") != "acme,globex" || strings.Join(v.Messages, "|") != "secret of acme|secret of acme" {
		t.Fatalf("two organizations, acme: %+v", v)
	}
	if err := chromedp.Do(bctx,
		chromedp.Focus(chromedp.CSS("#org")),
		chromedp.SendKeys(chromedp.CSS("#org"), "g"),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === "ready" && new URLSearchParams(location.search).get("org") === "globex"`, chromedp.WithPollingTimeout(20*time.Second)),
	); err != nil {
		t.Fatalf("choose globex: %v (page %+v)", err, readPage(t, bctx))
	}
	if v := readPage(t, bctx); strings.Join(v.Messages, "|") != "secret of globex" {
		t.Fatalf("two organizations, globex: %+v", v)
	}
}
