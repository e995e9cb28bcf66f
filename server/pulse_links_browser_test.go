package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/server/i18n"
	"trots/survey/storetest"
)

// HR opens the links page on a phone: every department's QR code loads,
// the page passes axe and does not scroll sideways at 320 px, and a
// refused invitation count shows its error next to the field.
func TestBrowserLinksPageOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{PublicURL: linksPublicURL})
	const width = 320
	ctx, shot := phoneTab(t, newBrowser(t), width, "console-")
	page := "/pulses/" + e.demo.Open.ID + "/links?lang=en"
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+page),
		signIn("admin@example.org"),
		chromedp.WaitVisible(chromedp.ID("links")),
	))
	// Every QR code image loaded (lazy images: bring each into view).
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(async () => {
		const imgs = Array.from(document.querySelectorAll('img.links-qr'));
		for (const img of imgs) { img.loading = 'eager'; }
		await Promise.all(imgs.map(img => img.complete ? null : new Promise(r => { img.onload = r; img.onerror = r; })));
		return imgs.filter(img => img.naturalWidth > 0).length;
	})()`, chromedp.EvalAwaitPromise))
	must(t, err)
	if loaded != len(e.demo.Departments) {
		t.Fatalf("%d of %d QR codes loaded", loaded, len(e.demo.Departments))
	}
	assertPage(t, ctx, "en", width, axe, "links page")
	shot("links-320")

	// The browser itself refuses 0 (min="1"); without its check the
	// server refuses it with the same words next to the field.
	dept := e.demo.Departments[0].Department
	field := "#count-" + dept.ID
	must(t, chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('form.links-invite').forEach(f => f.noValidate = true)`),
		scrollTo(field),
		chromedp.SendKeys(chromedp.CSS(field), "0"),
		chromedp.Tap(chromedp.CSS("#dept-"+dept.ID+" form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("links-error")),
	))
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("error-"+dept.ID)))
	must(t, err)
	if strings.TrimSpace(got) != i18n.T("en", "links_count_range") {
		t.Fatalf("field error %q", got)
	}
	assertPage(t, ctx, "en", width, axe, "links page with a refused count")

	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/pulses/"+e.demo.Open.ID+"/links?lang=nl"),
		chromedp.WaitVisible(chromedp.ID("links")),
	))
	assertPage(t, ctx, "nl", 1280, axe, "links page (desktop)")
	shot("links-1280")
}
