package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// pulseID is the id of the pulse a redirect after a create leads to.
func pulseIDFrom(t *testing.T, p page) string {
	t.Helper()
	loc := p.header.Get("Location")
	id, ok := strings.CutPrefix(loc, "/pulses/")
	if p.status != http.StatusSeeOther || !ok {
		t.Fatalf("create: status %d, Location %q\n%s", p.status, loc, p.body)
	}
	id, _, _ = strings.Cut(id, "?")
	return id
}

func (e *consoleEnv) pulse(id string) survey.Pulse {
	e.t.Helper()
	p, err := e.store.Pulse(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *consoleEnv) pulseCount() int {
	e.t.Helper()
	all, err := e.store.Pulses(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(all)
}

// answerOverHTTP posts n complete survey forms to every department's link
// of pulse id, as respondents do.
func (e *consoleEnv) answerOverHTTP(id string, q *questionnaires.Questionnaire, n int) {
	e.t.Helper()
	links, err := e.store.Links(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, l := range links {
		for range n {
			resp, err := c.PostForm(e.srv.URL+"/s/"+l.Code, fullForm(q))
			if err != nil {
				e.t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				e.t.Fatalf("answer: status %d", resp.StatusCode)
			}
		}
	}
}

func localDate(t time.Time) (string, string) {
	l := t.In(time.Local)
	return l.Format(time.DateOnly), l.Format("15:04")
}

// HR creates a pulse, opens it, employees answer through its links, HR
// closes it, and its results are stored and on the board; every step over
// HTTP, as the browser does it, without JavaScript.
func TestPulseLifecycleOverHTTP(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		// Answers and looks within a second: participation counted live
		// (TestOpenParticipationIsCountedOnceADay has the daily count).
		e := newConsoleEnv(t, dsn, server.Config{ParticipationEvery: -1})
		q, err := questionnaires.Load("pulse")
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		b.login("admin@example.org")

		list := b.get("/pulses?lang=en")
		if list.status != http.StatusOK {
			t.Fatalf("/pulses: %d", list.status)
		}
		d := parseHTML(t, list.body)
		rows := d.all(tag("tr", "class", "pulse"))
		if len(rows) != 2 {
			t.Fatalf("%d pulses listed, want the demo's 2", len(rows))
		}
		for _, r := range rows {
			switch attr(r, "data-pulse") {
			case e.demo.Baseline.ID:
				bq, _ := questionnaires.Load("advocacy-readiness")
				if got := text(r); !strings.Contains(got, "closed") || !strings.Contains(got, bq.Title.Get("en")) || strings.HasSuffix(got, " 0") {
					t.Errorf("baseline row: %q", got)
				}
			case e.demo.Open.ID:
				// No answers yet: fewer than the threshold, and no count.
				if got := text(r); !strings.Contains(got, "open") || !strings.HasSuffix(got, " fewer than 5") {
					t.Errorf("open pulse row: %q", got)
				}
			}
		}
		// Questionnaires by their titles in the user's language, with the
		// number of questions; the short pulse proposed once a pulse exists.
		radios := d.all(tag("input", "name", "questionnaire"))
		if len(radios) != 2 {
			t.Fatalf("%d questionnaires offered", len(radios))
		}
		if !strings.Contains(text(d.byID("pulse-form")), q.Title.Get("en")+" ("+strconv.Itoa(len(q.Items))+" questions)") {
			t.Errorf("form: %q", text(d.byID("pulse-form")))
		}
		for _, r := range radios {
			if hasAttr(r, "checked") != (attr(r, "value") == "pulse") {
				t.Errorf("questionnaire %s checked: %v", attr(r, "value"), hasAttr(r, "checked"))
			}
		}
		nl := parseHTML(t, b.get("/pulses?lang=nl").body)
		if !strings.Contains(text(nl.byID("pulse-form")), q.Title.Get("nl")+" ("+strconv.Itoa(len(q.Items))+" vragen)") {
			t.Errorf("form in Dutch: %q", text(nl.byID("pulse-form")))
		}

		csrf := b.csrf("/pulses")
		closesDate, closesTime := localDate(time.Now().Add(30 * 24 * time.Hour))
		id := pulseIDFrom(t, b.post("/pulses", url.Values{"_csrf": {csrf}, "name": {"Spring pulse"}, "questionnaire": {"pulse"},
			"closes_date": {closesDate}, "closes_time": {closesTime}}))
		p := e.pulse(id)
		if p.Status != survey.PulseDraft || p.Name != "Spring pulse" || p.QuestionnaireID != "pulse" || p.Closes.IsZero() ||
			p.Closes.In(time.Local).Format("2006-01-02 15:04") != closesDate+" "+closesTime || !p.Opens.IsZero() {
			t.Fatalf("created %+v", p)
		}
		det := parseHTML(t, b.get("/pulses/"+id+"?lang=en&done=created").body)
		if text(det.byID("status")) != "draft" || !strings.Contains(text(det.byID("done")), "created as a draft") ||
			det.has(tag("a", "id", "links")) || !det.has(tag("form", "id", "open-form")) || det.has(tag("form", "id", "close-form")) {
			t.Fatalf("draft page: %s", text(det.root))
		}
		if got := text(det.byID("thresholds")); !strings.Contains(got, "figures from 5 respondents per group, open answers from 10") {
			t.Errorf("thresholds of a draft: %q", got)
		}

		// Opening needs the confirmation; without it nothing changes.
		r := b.post("/pulses/"+id+"/open?lang=en", url.Values{"_csrf": {csrf}})
		if r.status != http.StatusBadRequest || !strings.Contains(text(parseHTML(t, r.body).byID("open-error")), "Tick the box to confirm") {
			t.Fatalf("open without confirmation: %d", r.status)
		}
		if p := e.pulse(id); p.Status != survey.PulseDraft || p.MinGroup != 0 || !p.Opens.IsZero() {
			t.Fatalf("unconfirmed open changed the pulse: %+v", p)
		}
		if r := b.post("/pulses/"+id+"/open", url.Values{"_csrf": {csrf}, "confirm": {"yes"}}); r.status != http.StatusSeeOther ||
			r.header.Get("Location") != "/pulses/"+id+"?done=opened" {
			t.Fatalf("open: %d %s", r.status, r.header.Get("Location"))
		}
		p = e.pulse(id)
		if p.Status != survey.PulseOpen || p.MinGroup != 5 || p.MinComments != 10 || p.Opens.IsZero() {
			t.Fatalf("opened %+v", p)
		}
		// The second post of a double click: shown as opened, nothing changed.
		if r := b.post("/pulses/"+id+"/open", url.Values{"_csrf": {csrf}, "confirm": {"yes"}}); r.status != http.StatusSeeOther ||
			r.header.Get("Location") != "/pulses/"+id+"?done=opened" {
			t.Fatalf("open again: %d %s", r.status, r.header.Get("Location"))
		}
		if again := e.pulse(id); !again.Opens.Equal(p.Opens) || again.Status != survey.PulseOpen {
			t.Fatalf("opening again changed the pulse: %+v", again)
		}
		links, err := e.store.Links(ctx, id)
		if err != nil || len(links) != len(e.demo.Departments) {
			t.Fatalf("%d links for %d departments: %v", len(links), len(e.demo.Departments), err)
		}
		det = parseHTML(t, b.get("/pulses/"+id+"?lang=en").body)
		if attr(det.byID("links"), "href") != "/pulses/"+id+"/links" || attr(det.byID("participation"), "href") != "/participation?pulse="+id ||
			!det.has(tag("form", "id", "close-form")) || det.has(tag("form", "id", "open-form")) || det.has(tag("a", "id", "board")) {
			t.Fatalf("open page: %s", text(det.root))
		}

		e.answerOverHTTP(id, q, 6)
		det = parseHTML(t, b.get("/pulses/"+id+"?lang=en").body)
		if want := strconv.Itoa(6 * len(links)); text(det.byID("responses")) != want {
			t.Errorf("responses so far %q, want %s", text(det.byID("responses")), want)
		}

		if r := b.post("/pulses/"+id+"/close?lang=nl", url.Values{"_csrf": {csrf}}); r.status != http.StatusBadRequest ||
			!strings.Contains(text(parseHTML(t, r.body).byID("close-error")), "Vink het vakje aan") {
			t.Fatalf("close without confirmation: %d", r.status)
		}
		if e.pulse(id).Status != survey.PulseOpen {
			t.Fatal("unconfirmed close closed the pulse")
		}
		if r := b.post("/pulses/"+id+"/close", url.Values{"_csrf": {csrf}, "confirm": {"yes"}}); r.status != http.StatusSeeOther {
			t.Fatalf("close: %d", r.status)
		}
		p = e.pulse(id)
		if p.Status != survey.PulseClosed || p.Closed.IsZero() {
			t.Fatalf("closed %+v", p)
		}
		snapshot, err := e.store.PulseResult(ctx, id)
		if err != nil {
			t.Fatalf("no results stored at the close: %v", err)
		}
		det = parseHTML(t, b.get("/pulses/"+id+"?lang=en").body)
		if attr(det.byID("board"), "href") != "/board?pulse="+id || attr(det.byID("participation"), "href") != "/participation?pulse="+id ||
			det.has(tag("form", "id", "close-form")) || det.has(tag("a", "id", "links")) {
			t.Fatalf("closed page: %s", text(det.root))
		}
		board := parseHTML(t, b.get("/board?lang=en&pulse="+id).body)
		depts := board.all(tag("tr", "class", "dept"))
		if len(depts) != len(e.demo.Departments) {
			t.Fatalf("board of the closed pulse: %d departments", len(depts))
		}
		for _, row := range depts {
			if !strings.Contains(text(row), "n = 6") {
				t.Errorf("board row %q", text(row))
			}
		}

		// Opening a closed pulse is refused with the reason; closing it
		// again (a double click, another tab) shows it closed. Neither
		// changes anything.
		r = b.post("/pulses/"+id+"/open?lang=en", url.Values{"_csrf": {csrf}, "confirm": {"yes"}})
		if r.status != http.StatusConflict || !strings.Contains(text(parseHTML(t, r.body).byID("refused")), "This pulse is closed") {
			t.Errorf("open a closed pulse: %d", r.status)
		}
		if r := b.post("/pulses/"+id+"/close?lang=en", url.Values{"_csrf": {csrf}, "confirm": {"yes"}}); r.status != http.StatusSeeOther ||
			r.header.Get("Location") != "/pulses/"+id+"?done=closed" {
			t.Errorf("close a closed pulse again: %d to %q, want 303 to the pulse as closed", r.status, r.header.Get("Location"))
		}
		if again := e.pulse(id); again.Status != survey.PulseClosed || !again.Closed.Equal(p.Closed) {
			t.Fatalf("refused transitions changed the pulse: %+v", again)
		}
		if again, _ := e.store.PulseResult(ctx, id); !again.ComputedAt.Equal(snapshot.ComputedAt) {
			t.Fatal("the results were stored again")
		}
		draft := pulseIDFrom(t, b.post("/pulses", url.Values{"_csrf": {csrf}, "name": {"Later"}, "questionnaire": {"pulse"}}))
		r = b.post("/pulses/"+draft+"/close?lang=nl", url.Values{"_csrf": {csrf}, "confirm": {"yes"}})
		if r.status != http.StatusConflict || !strings.Contains(text(parseHTML(t, r.body).byID("refused")), "nog een concept") {
			t.Fatalf("close a draft: %d", r.status)
		}
		if e.pulse(draft).Status != survey.PulseDraft {
			t.Fatal("refused close changed the draft")
		}
		if r := b.post("/pulses/"+survey.NewID()+"/open", url.Values{"_csrf": {csrf}, "confirm": {"yes"}}); r.status != http.StatusNotFound {
			t.Fatalf("open an unknown pulse: %d", r.status)
		}
	})
}

func TestCreatePulseShowsErrorsNextToTheFieldsAndKeepsValues(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("admin@example.org")
	csrf := b.csrf("/pulses")
	before := e.pulseCount()
	past, pastTime := localDate(time.Now().Add(-48 * time.Hour))
	for _, tc := range []struct {
		lang string
		form url.Values
		want map[string]string // element id -> text it contains
	}{
		{"en", url.Values{"name": {"  "}, "opens_date": {"2026-13-40"}, "opens_time": {"09:00"}, "closes_date": {"2030-01-01"}},
			map[string]string{"name-error": "Give the pulse a name.", "questionnaire-error": "Choose one of the questionnaires.",
				"opens-error": "Write the date as yyyy-mm-dd", "closes-error": "Enter a time too"}},
		{"nl", url.Values{"name": {"Najaar"}, "questionnaire": {"pulse"}, "opens_date": {past}, "opens_time": {pastTime},
			"closes_date": {"2030-01-01"}, "closes_time": {"25:00"}},
			map[string]string{"opens-error": "Dit moment is al voorbij", "closes-error": "Schrijf de tijd als uu:mm"}},
		{"en", url.Values{"name": {"Autumn"}, "questionnaire": {"../../etc/passwd"}, "opens_date": {"2030-02-01"}, "opens_time": {"09:00"},
			"closes_date": {"2030-01-01"}, "closes_time": {"09:00"}},
			map[string]string{"questionnaire-error": "Choose one of the questionnaires.", "closes-error": "The pulse must close after it opens."}},
	} {
		tc.form.Set("_csrf", csrf)
		r := b.post("/pulses?lang="+tc.lang, tc.form)
		if r.status != http.StatusBadRequest {
			t.Fatalf("%v: status %d", tc.form, r.status)
		}
		d := parseHTML(t, r.body)
		if !d.has(tag("p", "id", "form-error")) {
			t.Errorf("%v: no summary", tc.form)
		}
		for _, id := range []string{"name-error", "questionnaire-error", "opens-error", "closes-error"} {
			want, ok := tc.want[id]
			got := d.all(func(n *html.Node) bool { return attr(n, "id") == id })
			switch {
			case ok && (len(got) != 1 || !strings.Contains(text(got[0]), want)):
				t.Errorf("%s: %v, want %q", id, texts(got), want)
			case !ok && len(got) != 0:
				t.Errorf("%s: unexpected %v", id, texts(got))
			}
		}
		// What was typed is still there.
		for field, id := range map[string]string{"name": "name", "opens_date": "opens_date", "opens_time": "opens_time", "closes_date": "closes_date", "closes_time": "closes_time"} {
			if got := attr(d.byID(id), "value"); got != tc.form.Get(field) {
				t.Errorf("%s: value %q, want %q", field, got, tc.form.Get(field))
			}
		}
		for _, r := range d.all(tag("input", "name", "questionnaire")) {
			if hasAttr(r, "checked") != (attr(r, "value") == tc.form.Get("questionnaire")) {
				t.Errorf("questionnaire %s checked %v after posting %q", attr(r, "value"), hasAttr(r, "checked"), tc.form.Get("questionnaire"))
			}
		}
		if _, ok := tc.want["name-error"]; ok && attr(d.byID("name"), "aria-invalid") != "true" {
			t.Error("the name field is not marked invalid")
		}
	}
	if n := e.pulseCount(); n != before {
		t.Fatalf("%d pulses stored from refused forms", n-before)
	}
}

// Only HR admins see and change pulses, and every change needs the
// session's CSRF token.
func TestPulsesNeedAnAdminAndTheCSRFToken(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	draft, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Draft", QuestionnaireID: "pulse", QuestionnaireVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	before := e.pulseCount()
	for _, who := range []string{"viewer@example.org", "lead@example.org"} {
		b := e.browser()
		b.login(who)
		csrf := b.csrf("/board")
		for _, path := range []string{"/pulses", "/pulses/" + draft.ID, "/pulses/" + e.demo.Baseline.ID + "/next"} {
			if p := b.get(path); p.status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", who, path, p.status)
			}
		}
		for _, path := range []string{"/pulses", "/pulses/" + draft.ID + "/open", "/pulses/" + e.demo.Open.ID + "/close"} {
			if p := b.post(path, url.Values{"_csrf": {csrf}, "name": {"x"}, "questionnaire": {"pulse"}, "confirm": {"yes"}}); p.status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", who, path, p.status)
			}
		}
		if d := parseHTML(t, b.get("/board").body); d.has(tag("a", "href", "/pulses")) {
			t.Errorf("%s sees the Pulses navigation", who)
		}
	}
	admin := e.browser()
	admin.login("admin@example.org")
	if d := parseHTML(t, admin.get("/pulses").body); attr(d.one(tag("a", "href", "/pulses"), "nav link"), "aria-current") != "page" {
		t.Error("the Pulses navigation item is not current on /pulses")
	}
	for path, form := range map[string]url.Values{
		"/pulses":                              {"name": {"x"}, "questionnaire": {"pulse"}},
		"/pulses/" + draft.ID + "/open":        {"confirm": {"yes"}},
		"/pulses/" + e.demo.Open.ID + "/close": {"confirm": {"yes"}},
	} {
		for _, token := range []string{"", "forged"} {
			if token != "" {
				form.Set("_csrf", token)
			}
			if p := admin.post(path, form); p.status != http.StatusForbidden {
				t.Errorf("POST %s with CSRF %q: %d", path, token, p.status)
			}
		}
	}
	if e.pulseCount() != before || e.pulse(draft.ID).Status != survey.PulseDraft || e.pulse(e.demo.Open.ID).Status != survey.PulseOpen {
		t.Fatal("a refused request changed a pulse")
	}
	anon := e.browser()
	if p := anon.get("/pulses"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login?next=") {
		t.Errorf("anonymous /pulses: %d %s", p.status, p.header.Get("Location"))
	}
}

// "Schedule the next pulse" proposes the short pulse a quarter after the
// baseline, which HR may change, and creates it as a draft.
func TestScheduleTheNextPulse(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("admin@example.org")
	base := e.demo.Baseline // closed; opened by the demo without an opening time
	det := parseHTML(t, b.get("/pulses/"+base.ID+"?lang=en").body)
	if attr(det.byID("next"), "href") != "/pulses/"+base.ID+"/next" {
		t.Fatal("no way to schedule the next pulse from a closed one")
	}
	p := b.get("/pulses/" + base.ID + "/next?lang=en")
	if p.status != http.StatusOK {
		t.Fatalf("next: %d", p.status)
	}
	d := parseHTML(t, p.body)
	start := base.Closed.In(time.Local).AddDate(0, 3, 0)
	opensDate, opensTime := localDate(start)
	closesDate, closesTime := localDate(start.AddDate(0, 0, 14))
	for id, want := range map[string]string{"name": base.Name + " – follow-up", "opens_date": opensDate, "opens_time": opensTime,
		"closes_date": closesDate, "closes_time": closesTime} {
		if got := attr(d.byID(id), "value"); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	for _, r := range d.all(tag("input", "name", "questionnaire")) {
		if hasAttr(r, "checked") != (attr(r, "value") == "pulse") {
			t.Errorf("questionnaire %s checked: %v; want the short pulse after the baseline", attr(r, "value"), hasAttr(r, "checked"))
		}
	}
	if d.has(tag("table", "id", "pulses")) || attr(d.one(tag("input", "name", "from"), "from"), "value") != base.ID {
		t.Error("the next-pulse form is not about the baseline")
	}
	if nl := parseHTML(t, b.get("/pulses/"+base.ID+"/next?lang=nl").body); attr(nl.byID("name"), "value") != base.Name+" – vervolgmeting" {
		t.Errorf("Dutch name: %q", attr(nl.byID("name"), "value"))
	}

	// HR changes the closing day, and makes a mistake first.
	csrf := b.csrf("/pulses")
	form := url.Values{"_csrf": {csrf}, "from": {base.ID}, "name": {base.Name + " – follow-up"}, "questionnaire": {"pulse"},
		"opens_date": {opensDate}, "opens_time": {opensTime}, "closes_date": {opensDate}, "closes_time": {opensTime}}
	r := b.post("/pulses?lang=en", form)
	if r.status != http.StatusBadRequest {
		t.Fatalf("closes = opens: %d", r.status)
	}
	if d := parseHTML(t, r.body); !strings.Contains(text(d.byID("closes-error")), "must close after it opens") ||
		!strings.Contains(text(d.one(tag("h1"), "heading")), "Schedule the next pulse") || attr(d.one(tag("input", "name", "from"), "from"), "value") != base.ID {
		t.Fatal("the refused next-pulse form is not shown again as such")
	}
	later := start.AddDate(0, 0, 21)
	form.Set("closes_date", later.Format(time.DateOnly))
	id := pulseIDFrom(t, b.post("/pulses", form))
	next := e.pulse(id)
	if next.Status != survey.PulseDraft || next.QuestionnaireID != "pulse" || !next.Opens.Equal(start.Truncate(time.Minute)) ||
		next.Closes.In(time.Local).Format(time.DateOnly) != later.Format(time.DateOnly) || next.Name != base.Name+" – follow-up" {
		t.Fatalf("next pulse %+v, want opening %v", next, start)
	}
	if got := text(parseHTML(t, b.get("/pulses/"+id+"?lang=en").body).byID("scheduled")); !strings.Contains(got, "opens this pulse by itself on "+opensDate+" "+opensTime) {
		t.Errorf("draft page: %q", got)
	}
	if p := b.get("/pulses/" + id + "/next"); p.status != http.StatusConflict {
		t.Errorf("next of a draft: %d", p.status)
	}
}

// A pulse whose closing time has passed refuses answers at once, before
// the scheduler gets to close it.
func TestPulsePastItsClosingTimeRefusesAnswersOverHTTP(t *testing.T) {
	now := time.Now()
	var clock atomic.Int64 // the server's time, in Unix nanoseconds
	clock.Store(now.UnixNano())
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	q, _ := questionnaires.Load("pulse")
	p, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Short", QuestionnaireID: "pulse", QuestionnaireVersion: q.Version, Closes: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = e.store.OpenPulse(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	links, _ := e.store.Links(ctx, p.ID)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func() int {
		resp, err := c.PostForm(e.srv.URL+"/s/"+links[0].Code, fullForm(q))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(); code != http.StatusSeeOther {
		t.Fatalf("answer before the closing time: %d", code)
	}
	clock.Store(now.Add(time.Hour).UnixNano())
	if code := post(); code != http.StatusConflict {
		t.Fatalf("answer at the closing time: %d", code)
	}
	if e.pulse(p.ID).Status != survey.PulseOpen {
		t.Fatal("test premise: nothing has closed the pulse")
	}
}

func TestPulseAPI(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		admin, viewer := e.token("admin@example.org"), e.token("viewer@example.org")
		type apiErr struct {
			Error struct {
				Code    string            `json:"code"`
				Message string            `json:"message"`
				Fields  map[string]string `json:"fields"`
			} `json:"error"`
		}
		decode := func(body string) apiErr {
			var v apiErr
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			return v
		}
		before := e.pulseCount()
		opens := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		if code, body := e.api("POST", "/api/v1/pulses", viewer, `{"name":"x","questionnaire":"pulse"}`); code != http.StatusForbidden {
			t.Fatalf("viewer creates: %d %s", code, body)
		}
		code, body := e.api("POST", "/api/v1/pulses?lang=en", admin, `{"name":"","questionnaire":"pulse@9","opens":"tomorrow","closes":"`+opens+`"}`)
		if v := decode(body); code != http.StatusBadRequest || v.Error.Code != "pulse_invalid" ||
			mustJSONString(v.Error.Fields) != `{"name":"pulse_name_missing","opens":"pulse_time_format","questionnaire":"pulse_questionnaire"}` {
			t.Fatalf("invalid create: %d %s", code, body)
		}
		if code, body := e.api("POST", "/api/v1/pulses", admin, `{"name":"x","questionnaire":"pulse","extra":1}`); code != http.StatusBadRequest || decode(body).Error.Code != "bad_request" {
			t.Fatalf("unknown field: %d %s", code, body)
		}
		if e.pulseCount() != before {
			t.Fatal("a refused create stored a pulse")
		}
		// A new pulse gets the current version only; pulse@1 is kept for
		// the pulses opened with it, not offered for new ones.
		if code, body := e.api("POST", "/api/v1/pulses", admin, `{"name":"API pulse","questionnaire":"pulse@1","opens":"`+opens+`"}`); code != http.StatusBadRequest ||
			mustJSONString(decode(body).Error.Fields) != `{"questionnaire":"pulse_questionnaire"}` {
			t.Fatalf("create on an earlier version: %d %s", code, body)
		}
		code, body = e.api("POST", "/api/v1/pulses", admin, `{"name":"API pulse","questionnaire":"pulse@2","opens":"`+opens+`"}`)
		if code != http.StatusCreated {
			t.Fatalf("create: %d %s", code, body)
		}
		var created struct {
			ID, Status, Questionnaire string
			Opens                     time.Time
		}
		if err := json.Unmarshal([]byte(body), &created); err != nil || created.Status != "draft" || created.Questionnaire != "pulse@2" ||
			created.Opens.Format(time.RFC3339) != opens {
			t.Fatalf("created %s", body)
		}
		pulse := "/api/v1/pulses/" + created.ID
		if code, body := e.api("POST", pulse+"/close?lang=en", admin, ""); code != http.StatusConflict || decode(body).Error.Code != "pulse_still_draft" ||
			!strings.Contains(decode(body).Error.Message, "still a draft") {
			t.Fatalf("close a draft: %d %s", code, body)
		}
		if code, _ := e.api("POST", pulse+"/open", viewer, ""); code != http.StatusForbidden {
			t.Fatalf("viewer opens: %d", code)
		}
		if code, _ := e.api("POST", pulse+"/open", "", ""); code != http.StatusUnauthorized {
			t.Fatalf("anonymous opens: %d", code)
		}
		if e.pulse(created.ID).Status != survey.PulseDraft {
			t.Fatal("a refused request changed the draft")
		}
		code, body = e.api("POST", pulse+"/open", admin, "")
		if code != http.StatusOK || !strings.Contains(body, `"status":"open"`) || !strings.Contains(body, `"min_group":5`) {
			t.Fatalf("open: %d %s", code, body)
		}
		if p := e.pulse(created.ID); p.Opens.After(time.Now()) {
			t.Fatalf("opened now but answers wait until %v", p.Opens)
		}
		if code, body := e.api("POST", pulse+"/open", admin, ""); code != http.StatusConflict || decode(body).Error.Code != "pulse_already_open" {
			t.Fatalf("open twice: %d %s", code, body)
		}
		code, body = e.api("POST", pulse+"/close", admin, "")
		if code != http.StatusOK || !strings.Contains(body, `"status":"closed"`) {
			t.Fatalf("close: %d %s", code, body)
		}
		if _, err := e.store.PulseResult(ctx, created.ID); err != nil {
			t.Fatalf("closed through the API without results: %v", err)
		}
		for _, action := range []string{"open", "close"} {
			if code, body := e.api("POST", pulse+"/"+action+"?lang=nl", admin, ""); code != http.StatusConflict ||
				decode(body).Error.Code != "pulse_already_closed" || !strings.Contains(decode(body).Error.Message, "gesloten") {
				t.Fatalf("%s a closed pulse: %d %s", action, code, body)
			}
		}
		if code, body := e.api("POST", "/api/v1/pulses/"+survey.NewID()+"/close", admin, ""); code != http.StatusNotFound || decode(body).Error.Code != "pulse_not_found" {
			t.Fatalf("close an unknown pulse: %d %s", code, body)
		}
	})
}

func texts(ns []*html.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, text(n))
	}
	return out
}

func mustJSONString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
