// Package browser starts a headless Chromium for the tests of the pages
// Sluice serves (ARM's heartbeat dashboard, the mediator's search page):
// find the browser, fail in CI when it is missing, save screenshots as
// test artefacts.
//
// It is a package of its own, not part of testkit, so that only the
// browser tests link chromedp.
package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Find returns the path of a Chromium or Chrome binary, or "".
// SLUICE_CHROMIUM names one explicitly (and only that one is tried).
func Find() string {
	if p := os.Getenv("SLUICE_CHROMIUM"); p != "" {
		if p, err := exec.LookPath(p); err == nil {
			return p
		}
		return ""
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Require returns the browser to test with. Without one, the test fails
// in CI (CI or SLUICE_REQUIRE_BROWSER=1 set) and skips loudly elsewhere:
// a browser test that skips silently in CI proves nothing.
func Require(t testing.TB) string {
	t.Helper()
	p := Find()
	if p != "" {
		return p
	}
	const msg = "headless Chromium not found (apt-get install -y chromium, or set SLUICE_CHROMIUM): the browser test did not run"
	if os.Getenv("CI") != "" || os.Getenv("SLUICE_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	fmt.Fprintln(os.Stderr, "\n*** SKIPPED: "+msg+" ***")
	t.Skip(msg)
	return ""
}

// Headless starts a headless Chromium for the test and returns its
// context; it is closed when the test ends. The window is 1280×800
// unless size says otherwise.
func Headless(t testing.TB, browser string, size ...int) context.Context {
	t.Helper()
	w, h := 1280, 800
	if len(size) == 2 {
		w, h = size[0], size[1]
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(w, h),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		// No smooth scrolling: a click computed while a panel still
		// scrolled into view missed its button (the pages honour
		// prefers-reduced-motion).
		chromedp.Flag("force-prefers-reduced-motion", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	return bctx
}

// Screenshot saves the page as NAME.png in the test's artifact directory
// (kept with go test -artifacts, under -outputdir), and in
// $SLUICE_SCREENSHOT_DIR when that is set, for a person to look at what
// the assertions describe. It returns the PNG.
func Screenshot(t testing.TB, bctx context.Context, name string) []byte {
	t.Helper()
	return save(t, bctx, name, chromedp.FullScreenshot(100))
}

// ScreenshotViewport is Screenshot of what the window shows, not the
// whole page.
func ScreenshotViewport(t testing.TB, bctx context.Context, name string) []byte {
	t.Helper()
	return save(t, bctx, name, chromedp.CaptureScreenshot())
}

func save(t testing.TB, bctx context.Context, name string, shot chromedp.Action[[]byte]) []byte {
	t.Helper()
	png, err := chromedp.Run(bctx, shot)
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return nil
	}
	dirs := []string{t.ArtifactDir()}
	if d := os.Getenv("SLUICE_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			continue
		}
		t.Logf("screenshot: %s", p)
	}
	return png
}
