package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"trots/server"
	"trots/survey/storetest"
)

// The pulse form has a retention period (12 by default) and the lead
// comments switch (off by default); a bad period is refused in the
// user's language and stores nothing; the pulse page shows both.
func TestPulseFormSetsRetentionAndLeadComments(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("admin@example.org")
	d := parseHTML(t, b.get("/pulses?lang=en").body)
	var months, lead string
	for _, n := range d.all(tag("input")) {
		switch attr(n, "name") {
		case "retention_months":
			months = attr(n, "value")
		case "lead_comments":
			lead = attr(n, "checked") + "|" + attr(n, "type")
		}
	}
	if months != "12" || lead != "|checkbox" {
		t.Fatalf("fresh form: retention %q, lead comments %q; want 12 and an unticked box", months, lead)
	}
	csrf := b.csrf("/pulses")
	before := e.pulseCount()
	for lang, want := range map[string]string{"en": "Choose a retention period of 1 to 120 months.", "nl": "Kies een bewaartermijn van 1 tot 120 maanden."} {
		r := b.post("/pulses?lang="+lang, url.Values{"_csrf": {csrf}, "name": {"Spring"}, "questionnaire": {"pulse"}, "retention_months": {"0"}})
		if r.status != http.StatusBadRequest || !strings.Contains(text(parseHTML(t, r.body).byID("retention-error")), want) {
			t.Errorf("%s: retention 0: %d", lang, r.status)
		}
	}
	if e.pulseCount() != before {
		t.Fatal("a refused pulse was stored")
	}
	id := pulseIDFrom(t, b.post("/pulses", url.Values{"_csrf": {csrf}, "name": {"Spring"}, "questionnaire": {"pulse"},
		"retention_months": {"24"}, "lead_comments": {"yes"}}))
	p, err := e.store.Pulse(ctx, id)
	if err != nil || p.RetentionMonths != 24 || !p.LeadComments {
		t.Fatalf("stored pulse %+v, %v", p, err)
	}
	page := parseHTML(t, b.get("/pulses/"+id+"?lang=en").body)
	if got := text(page.byID("retention")); !strings.Contains(got, "24 months after closing") {
		t.Errorf("pulse page retention: %q", got)
	}
	if got := text(page.byID("lead-comments")); got != "yes" {
		t.Errorf("pulse page lead comments: %q", got)
	}
}
