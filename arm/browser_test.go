package arm

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/internal/testkit/browser"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// pageRow is what the browser shows for one row.
type pageRow struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	BadgeText string `json:"badge"`
	BadgeBG   string `json:"bg"`
	RowBG     string `json:"rowbg"`
	DP        string `json:"dp"`
	Last      string `json:"last"`
}

// TestBrowserShowsRedAgentRed loads the dashboard in headless Chromium and
// checks that a red agent is shown red, a green one green, a stalled one
// with its reason and a duplicate identity with its own (as text, never as
// markup), and that the filter box filters.
func TestBrowserShowsRedAgentRed(t *testing.T) {
	chromium := browser.Require(t)

	clock := newFakeClock(time.Now().Add(-time.Hour))
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	seedGrid(t, a, clock)
	clock.Set(time.Now())
	// app-01's spool grows; its reason carries markup that must stay text.
	const reason = `spool grows <img src=x onerror="document.body.dataset.pwned=1"> while dp-01 acknowledges nothing`
	app := agentHB("app-01", "acme", "dp-01", clock.Now())
	app.Stalled = reason
	// Its mediator refused another spool presenting its id.
	const dupReason = `spool 00000000000000bb from <b id="dup-markup">192.0.2.2:1</b> was refused 1 time(s)`
	app.Spool, app.DuplicateIdentity = "00000000000000aa", dupReason
	// dp-01 warns, with markup that must stay text too.
	const warnText = `archive: cannot write <img id="warn-markup" src=x> /srv/archive/acme: permission denied`
	req := reportRequest(a, "dp-01", "", 0, app)
	req.Mediator.Warnings = []*sluicev1.Warning{{Kind: "archive_failing", Text: warnText}}
	send(t, &service{arm: a, logger: testkit.Logger(t, "report")}, req)

	bctx := browser.Headless(t, chromium)

	url := "http://" + a.HTTPAddr() + "/"
	if err := chromedp.Do(bctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`body[data-loaded="true"] tr[data-id="web-01"] .badge`)),
	); err != nil {
		t.Fatalf("load %s in %s: %v", url, chromium, err)
	}

	rowsJS := `Array.from(document.querySelectorAll("#rows tr")).filter(r => r.offsetParent !== null).map(r => {
		const b = r.querySelector(".status .badge");
		return {id: r.dataset.id, status: r.dataset.status, badge: b.textContent,
			bg: getComputedStyle(b).backgroundColor, rowbg: getComputedStyle(r.querySelector("td")).backgroundColor,
			dp: r.querySelector(".dp").textContent, last: r.querySelector(".last").textContent};
	})`
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]pageRow](rowsJS))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]pageRow{}
	for _, r := range rows {
		if r.Status == "" {
			continue
		}
		byID[r.ID+"/"+r.Status] = r
	}
	web, ok := byID["web-01/red"]
	if !ok {
		t.Fatalf("web-01 not shown red: %+v", rows)
	}
	if web.BadgeBG != "rgb(198, 40, 40)" || web.BadgeText != "red" {
		t.Errorf("red agent badge: %+v", web)
	}
	if web.RowBG == "rgba(0, 0, 0, 0)" || web.DP != "dp-01" || web.Last == "" {
		t.Errorf("red agent row: %+v", web)
	}
	if app, ok := byID["app-01/green"]; !ok || app.BadgeBG != "rgb(46, 125, 50)" {
		t.Errorf("green agent: %+v (rows %+v)", app, rows)
	}
	if db, ok := byID["db-01/yellow"]; !ok || db.BadgeBG != "rgb(249, 168, 37)" {
		t.Errorf("yellow agent: %+v", db)
	}
	if len(rows) != 6 {
		t.Errorf("%d rows, want 6", len(rows))
	}

	// Red comes first, and the counts say 2 red.
	first, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("#rows tr").dataset.status`))
	if err != nil || first != "red" {
		t.Errorf("first row %q, %v", first, err)
	}
	counts, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("count-red").textContent`))
	if err != nil || counts != "2 red" {
		t.Errorf("red count %q, %v", counts, err)
	}

	// The stalled agent: a badge beside its green status, with the reason
	// as text, a marked row, and a count in the header.
	type stallView struct {
		Text     string `json:"text"`
		Title    string `json:"title"`
		BG       string `json:"bg"`
		Children int    `json:"children"`
		Visible  bool   `json:"visible"`
		Row      string `json:"row"`
		Others   int    `json:"others"`
		Count    string `json:"count"`
		Pwned    bool   `json:"pwned"`
	}
	sv, err := chromedp.Run(bctx, chromedp.Evaluate[stallView](`(() => {
		const r = document.querySelector('#rows tr[data-id="app-01"]');
		const b = r.querySelector(".status .stall");
		return {text: b.textContent, title: b.title, bg: getComputedStyle(b).backgroundColor, children: b.children.length,
			visible: b.offsetWidth > 0 && b.offsetHeight > 0, row: r.dataset.stalled || "",
			others: document.querySelectorAll("#rows .stall").length, count: document.getElementById("count-stalled").textContent,
			pwned: document.body.dataset.pwned === "1" || document.querySelector("#rows img") !== null};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if sv.Text != "stalled: "+reason || !strings.Contains(sv.Title, reason) || sv.BG != "rgb(106, 27, 154)" || sv.Children != 0 ||
		!sv.Visible || sv.Row != "true" || sv.Others != 1 || sv.Count != "1 stalled" || sv.Pwned {
		t.Errorf("stalled agent: %+v", sv)
	}
	if app, ok := byID["app-01/green"]; !ok || app.BadgeText != "green" {
		t.Errorf("stalled agent's status: %+v", app)
	}

	// Its duplicate identity: a badge of its own, as text, a marked row,
	// a count in the header.
	dv, err := chromedp.Run(bctx, chromedp.Evaluate[stallView](`(() => {
		const r = document.querySelector('#rows tr[data-id="app-01"]');
		const b = r.querySelector(".status .dup");
		return {text: b.textContent, title: b.title, bg: getComputedStyle(b).backgroundColor, children: b.children.length,
			visible: b.offsetWidth > 0 && b.offsetHeight > 0, row: r.dataset.duplicate || "",
			others: document.querySelectorAll("#rows .dup").length, count: document.getElementById("count-duplicate").textContent,
			pwned: document.getElementById("dup-markup") !== null};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if dv.Text != "duplicate identity: "+dupReason || !strings.Contains(dv.Title, "Duplicate Agent Identity") || !strings.Contains(dv.Title, dupReason) ||
		dv.BG != "rgb(173, 20, 87)" || dv.Children != 0 || !dv.Visible || dv.Row != "true" || dv.Others != 1 ||
		dv.Count != "1 duplicate identity" || dv.Pwned {
		t.Errorf("duplicate identity: %+v", dv)
	}

	// dp-01's warning: a badge of its own, as text, a marked row, a
	// count in the header.
	wv, err := chromedp.Run(bctx, chromedp.Evaluate[stallView](`(() => {
		const r = document.querySelector('#rows tr[data-id="dp-01"]');
		const b = r.querySelector(".status .warn");
		return {text: b.textContent, title: b.title, bg: getComputedStyle(b).backgroundColor, children: b.children.length,
			visible: b.offsetWidth > 0 && b.offsetHeight > 0, row: r.dataset.warning || "",
			others: document.querySelectorAll("#rows .warn").length, count: document.getElementById("count-warning").textContent,
			pwned: document.getElementById("warn-markup") !== null};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if wv.Text != "warning: "+warnText || !strings.Contains(wv.Title, "archive_failing") || !strings.Contains(wv.Title, warnText) ||
		wv.BG != "rgb(230, 81, 0)" || wv.Children != 0 || !wv.Visible || wv.Row != "true" || wv.Others != 1 ||
		wv.Count != "1 with warnings" || wv.Pwned {
		t.Errorf("warning: %+v", wv)
	}

	// The filter box narrows the grid.
	if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS("#filter"), "web")); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#rows tr").length`))
	if err != nil || n != 1 {
		t.Errorf("rows after filtering for web: %d, %v", n, err)
	}
}

// TestBrowserAsksForToken: with a read token configured the page asks for
// one, keeps it in the tab's session storage (never in the URL), sends it
// as a Bearer header, shows only the token's organizations, asks again
// when ARM refuses it, and forgets it on request.
func TestBrowserAsksForToken(t *testing.T) {
	chromium := browser.Require(t)

	clock := newFakeClock(time.Now().Add(-time.Hour))
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	cfg.ReadTokenFile = writeToken(t, readAcmeToken+" acme")
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	seedGrid(t, a, clock)
	clock.Set(time.Now())

	bctx := browser.Headless(t, chromium)
	url := "http://" + a.HTTPAddr() + "/"
	if err := chromedp.Do(bctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`body[data-auth="needed"] #login #token`)),
	); err != nil {
		t.Fatalf("load %s in %s: no token prompt: %v", url, chromium, err)
	}
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#rows tr").length`))
	if err != nil || rows != 0 {
		t.Fatalf("rows before a token: %d, %v", rows, err)
	}

	// A wrong token: refused, asked again, not kept.
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#token"), "not-the-token-0123456789"),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-auth="needed"] #login`)),
		chromedp.Poll[chromedp.Void](`document.getElementById("login-error").textContent.includes("refused")`),
	); err != nil {
		t.Fatalf("wrong token: %v", err)
	}
	if kept, err := chromedp.Run(bctx, chromedp.Evaluate[string](`sessionStorage.getItem("sluice-arm-token") || ""`)); err != nil || kept != "" {
		t.Fatalf("a refused token is kept: %q, %v", kept, err)
	}

	// The right token, typed and sent with Enter.
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#token"), readAcmeToken+"\r"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-loaded="true"] tr[data-id="web-01"] .badge`)),
	); err != nil {
		t.Fatalf("with the token: %v", err)
	}
	type view struct {
		IDs     []string `json:"ids"`
		Stored  string   `json:"stored"`
		Href    string   `json:"href"`
		Login   string   `json:"login"`
		Signout string   `json:"signout"`
		Input   string   `json:"input"`
	}
	state := func() view {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[view](`({
			ids: Array.from(document.querySelectorAll("#rows tr")).map(r => r.dataset.kind + "/" + r.dataset.id).sort(),
			stored: sessionStorage.getItem("sluice-arm-token") || "", href: location.href,
			login: getComputedStyle(document.getElementById("login")).display,
			signout: getComputedStyle(document.getElementById("signout")).display,
			input: document.getElementById("token").value})`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := state()
	if got := strings.Join(v.IDs, " "); got != "agent/app-01 agent/dp-01 agent/web-01" {
		t.Errorf("acme's token shows %q, want acme's agents only", got)
	}
	if v.Stored != readAcmeToken || strings.Contains(v.Href, readAcmeToken[:10]) || v.Login != "none" || v.Signout == "none" || v.Input != "" {
		t.Errorf("after signing in: %+v", v)
	}

	// The organization selector offers acme only: not "All
	// organizations", not globex.
	if ov := readOrgView(t, bctx); strings.Join(ov.Options, ",") != "acme" || ov.Selected != "acme" || ov.Red != "1 red" || ov.Yellow != "0 yellow" {
		t.Errorf("acme's token, the selector: %+v", ov)
	}
	browser.Screenshot(t, bctx, "org-scoped-acme")
	// A link to globex is refused by ARM: the page says so and shows
	// acme's agents.
	if err := chromedp.Do(bctx,
		chromedp.Navigate(url+"#org=globex"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-loaded="true"][data-org=""] tr[data-id="web-01"]`)),
	); err != nil {
		t.Fatalf("acme's token, a link to globex: %v", err)
	}
	if ov := readOrgView(t, bctx); strings.Join(ov.Options, ",") != "acme" || strings.Join(ov.Rows, " ") != "agent/app-01 agent/dp-01 agent/web-01" ||
		!strings.Contains(ov.Error, "may not read organization globex") || ov.Hash != "" {
		t.Errorf("acme's token, a link to globex: %+v", ov)
	}

	// A reload of the tab keeps the token: no prompt, the grid again.
	if err := chromedp.Do(bctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`body[data-loaded="true"] tr[data-id="web-01"]`)),
	); err != nil {
		t.Fatalf("reload: %v", err)
	}
	// The detail view is fetched with the token too.
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`tr[data-id="web-01"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail h2`)),
	); err != nil {
		t.Fatalf("detail: %v", err)
	}

	// Forget token: the prompt again, nothing stored, no rows.
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-auth="needed"] #login`)),
	); err != nil {
		t.Fatalf("forget token: %v", err)
	}
	if v := state(); v.Stored != "" || len(v.IDs) != 0 || v.Signout != "none" {
		t.Errorf("after forgetting the token: %+v", v)
	}
}

// orgView is what the page shows of the organization selector and the
// grid it filters.
type orgView struct {
	Options  []string `json:"options"`
	Selected string   `json:"selected"`
	Label    string   `json:"label"`
	Rows     []string `json:"rows"`
	Red      string   `json:"red"`
	Yellow   string   `json:"yellow"`
	Green    string   `json:"green"`
	Hash     string   `json:"hash"`
	Error    string   `json:"error"`
}

const orgViewJS = `(() => {
	const sel = document.getElementById("org");
	const text = id => (document.getElementById(id) || {}).textContent || "";
	return {options: Array.from(sel.options).map(o => o.value), selected: sel.value,
		label: sel.labels.length ? sel.labels[0].textContent.trim().split(/\s+/)[0] : "",
		rows: Array.from(document.querySelectorAll("#rows tr")).map(r => r.dataset.kind + "/" + r.dataset.id).sort(),
		red: text("count-red"), yellow: text("count-yellow"), green: text("count-green"), hash: location.hash,
		error: getComputedStyle(document.getElementById("error")).display === "none" ? "" : text("error")};
})()`

func readOrgView(t *testing.T, bctx context.Context) orgView {
	t.Helper()
	v, err := chromedp.Run(bctx, chromedp.Evaluate[orgView](orgViewJS))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowserOrganizationSelector: the dashboard's organization selector
// lists the organizations, is labelled and works from the keyboard;
// choosing one asks ARM for that organization's agents, the grid and the
// counts follow, and the choice is in the URL (#org=NAME, or
// ?organization=NAME) so that a reload or a link opens the same view.
func TestBrowserOrganizationSelector(t *testing.T) {
	chromium := browser.Require(t)

	clock := newFakeClock(time.Now().Add(-time.Hour))
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	seedGrid(t, a, clock)
	clock.Set(time.Now())

	bctx := browser.Headless(t, chromium)
	base := "http://" + a.HTTPAddr() + "/"
	if err := chromedp.Do(bctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS(`body[data-loaded="true"][data-org=""] tr[data-id="web-01"]`)),
	); err != nil {
		t.Fatalf("load %s: %v", base, err)
	}
	all := "agent/app-01 agent/db-01 agent/dp-01 agent/web-01 mediator/dp-01 mediator/dp-02"
	v := readOrgView(t, bctx)
	if strings.Join(v.Options, ",") != ",acme,globex" || v.Selected != "" || v.Label != "Organization" ||
		strings.Join(v.Rows, " ") != all || v.Red != "2 red" || v.Hash != "" {
		t.Errorf("every organization: %+v", v)
	}
	browser.Screenshot(t, bctx, "org-all")

	// From the keyboard: focus the selector and type the organization's
	// first letter.
	if err := chromedp.Do(bctx,
		chromedp.Focus(chromedp.CSS("#org")),
		chromedp.SendKeys(chromedp.CSS("#org"), "g"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-org="globex"] tr[data-id="db-01"]`)),
	); err != nil {
		t.Fatalf("choose globex: %v", err)
	}
	globex := func(what string) {
		t.Helper()
		v := readOrgView(t, bctx)
		if v.Selected != "globex" || strings.Join(v.Rows, " ") != "agent/db-01" ||
			v.Red != "0 red" || v.Yellow != "1 yellow" || v.Green != "0 green" || v.Error != "" {
			t.Errorf("%s: %+v", what, v)
		}
	}
	globex("globex chosen")
	if v := readOrgView(t, bctx); v.Hash != "#org=globex" {
		t.Errorf("URL after choosing globex: %q", v.Hash)
	}
	browser.Screenshot(t, bctx, "org-globex")

	// A reload keeps the view.
	if err := chromedp.Do(bctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`body[data-org="globex"] tr[data-id="db-01"]`)),
	); err != nil {
		t.Fatalf("reload: %v", err)
	}
	globex("after a reload")

	// A link in the API's spelling opens acme's view.
	if err := chromedp.Do(bctx,
		chromedp.Navigate(base+"?organization=acme"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-org="acme"] tr[data-id="web-01"]`)),
	); err != nil {
		t.Fatalf("?organization=acme: %v", err)
	}
	v = readOrgView(t, bctx)
	if v.Selected != "acme" || strings.Join(v.Rows, " ") != "agent/app-01 agent/dp-01 agent/web-01" ||
		v.Red != "1 red" || v.Yellow != "0 yellow" || v.Green != "2 green" {
		t.Errorf("?organization=acme: %+v", v)
	}

	// Back to every organization: the whole grid, and no organization in
	// the URL.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => {
		const sel = document.getElementById("org");
		sel.value = "";
		return sel.dispatchEvent(new Event("change"));
	})()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.WaitVisible(chromedp.CSS(`body[data-org=""] tr[data-id="db-01"]`))); err != nil {
		t.Fatalf("all organizations: %v", err)
	}
	v = readOrgView(t, bctx)
	if strings.Join(v.Rows, " ") != all || v.Red != "2 red" || v.Hash != "" || strings.Contains(v.Error+readHref(t, bctx), "organization=") {
		t.Errorf("all organizations again: %+v", v)
	}

	// Back: acme again.
	if err := chromedp.Do(bctx,
		chromedp.NavigateBack(),
		chromedp.WaitVisible(chromedp.CSS(`body[data-org="acme"] tr[data-id="web-01"]`)),
	); err != nil {
		t.Fatalf("back: %v", err)
	}
}

func readHref(t *testing.T, bctx context.Context) string {
	t.Helper()
	h, err := chromedp.Run(bctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	return h
}
