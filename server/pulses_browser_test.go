package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// HR on a phone, without help from JavaScript: a form with mistakes, a new
// pulse, "Open now" and "Close now" behind their confirmations, and the
// next pulse proposed. Every page fits 320 px and passes axe-core.
func TestBrowserAdminRunsAPulseOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	const width = 320
	ctx, shot := phoneTab(t, newBrowser(t), width, "pulses-")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/pulses?lang=en"),
		signIn("admin@example.org"),
		chromedp.WaitVisible(chromedp.ID("pulse-form")),
	))
	assertPage(t, ctx, "en", width, axe, "pulses")
	shot("list-320")

	// A name and a closing time in the past: refused, shown at the fields.
	must(t, chromedp.Do(ctx,
		scrollTo("#pulse-form"),
		chromedp.SetValue(chromedp.ID("closes_date"), "2020-01-01"),
		chromedp.SetValue(chromedp.ID("closes_time"), "09:00"),
		chromedp.Tap(chromedp.CSS("#pulse-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("name-error")),
	))
	assertPage(t, ctx, "en", width, axe, "pulses form with errors")
	shot("form-errors-320")
	closes := time.Now().Add(30 * 24 * time.Hour).In(time.Local)
	must(t, chromedp.Do(ctx,
		scrollTo("#pulse-form"),
		chromedp.SendKeys(chromedp.ID("name"), "Autumn pulse"),
		chromedp.SetValue(chromedp.ID("closes_date"), closes.Format(time.DateOnly)),
		chromedp.Tap(chromedp.CSS("#pulse-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("open-form")),
	))
	assertPage(t, ctx, "en", width, axe, "draft pulse")
	shot("draft-320")

	// The confirmation is required: the browser will not send the form
	// without it, so tick it and open.
	must(t, chromedp.Do(ctx,
		scrollTo("#open-form"),
		chromedp.Tap(chromedp.ID("open-confirm")),
		chromedp.Tap(chromedp.CSS("#open-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("close-form")),
	))
	assertPage(t, ctx, "en", width, axe, "open pulse")
	shot("open-320")
	all, err := e.store.Pulses(ctx)
	must(t, err)
	var p survey.Pulse
	for _, x := range all {
		if x.Name == "Autumn pulse" {
			p = x
		}
	}
	if p.Status != survey.PulseOpen {
		t.Fatalf("pulse after Open now: %+v", p)
	}
	must(t, chromedp.Do(ctx,
		scrollTo("#close-form"),
		chromedp.Tap(chromedp.ID("close-confirm")),
		chromedp.Tap(chromedp.CSS("#close-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("board")),
	))
	assertPage(t, ctx, "en", width, axe, "closed pulse")
	if p, err = e.store.Pulse(ctx, p.ID); err != nil || p.Status != survey.PulseClosed {
		t.Fatalf("pulse after Close now: %+v %v", p, err)
	}
	must(t, chromedp.Do(ctx,
		scrollTo("#next"),
		chromedp.Tap(chromedp.ID("next")),
		chromedp.WaitVisible(chromedp.ID("pulse-form")),
	))
	assertPage(t, ctx, "en", width, axe, "next pulse form")
	shot("next-320")
	name, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("name")))
	must(t, err)
	if !strings.HasPrefix(name, "Autumn pulse – follow-up") {
		t.Fatalf("proposed name %q", name)
	}

	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/pulses?lang=nl"),
		chromedp.WaitVisible(chromedp.ID("pulses")),
	))
	assertPage(t, ctx, "nl", 1280, axe, "pulses (desktop)")
	shot("list-1280")
}
