package server_test

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/server"
	"trots/server/oidctest"
	"trots/survey"
	"trots/survey/storetest"
)

// signOnPulse opens a pulse answered with sign-on and returns it with the
// link of the lead's department (the demo's first).
func (e *signOnEnv) signOnPulse(t *testing.T) (survey.Pulse, survey.Link, *questionnaires.Questionnaire) {
	t.Helper()
	q, err := questionnaires.Load("pulse")
	must(t, err)
	p, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Signed-on pulse", QuestionnaireID: q.ID, QuestionnaireVersion: q.Version, SignOn: true})
	must(t, err)
	p, err = e.store.OpenPulse(ctx, p.ID)
	must(t, err)
	return p, mustLink(t, e.store, p.ID, e.lead.ID), q
}

// postSurvey sends a survey form from the browser c.
func (e *signOnEnv) postSurvey(t *testing.T, c *http.Client, path string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept-Language", "en")
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nc.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *signOnEnv) responses(t *testing.T, pulseID string) int {
	t.Helper()
	counts, err := e.store.ResponseCounts(ctx, pulseID)
	must(t, err)
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// db opens the store's database directly, to see what is stored beyond
// what the store's API shows.
func (e *signOnEnv) db(t *testing.T) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite3", "file:"+e.dsn+"?mode=ro"
	if strings.HasPrefix(e.dsn, "postgres") {
		driver, dsn = "pgx", e.dsn
	}
	db, err := sql.Open(driver, dsn)
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// With respondent sign-on, a person answers once: a second attempt, in
// the same browser or another, is refused politely and stores nothing; a
// person of another department cannot answer through this link; and the
// database holds nothing that joins a person to the answers.
func TestRespondentSignOnAllowsOneAnswerPerPerson(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSignOnEnv(t, dsn, server.Config{})
		e.dsn = dsn
		pulse, link, q := e.signOnPulse(t)
		here := "/s/" + link.Code

		// Before signing on: the page asks for it and says what is kept.
		b := e.browser()
		p := b.get(here + "?lang=en")
		d := parseHTML(t, p.body)
		if p.status != http.StatusOK || attr(d.byID("signon-button"), "href") != here+"/signon?lang=en" {
			t.Fatalf("sign-on page: %d", p.status)
		}
		if got := text(d.byID("signon-stored")); !strings.Contains(got, "keyed hash") || !strings.Contains(got, "deleted when the survey closes") {
			t.Errorf("what is kept: %q", got)
		}
		if d.has(tag("form", "method", "post")) {
			t.Error("the form is shown before signing on")
		}
		if st, _ := e.postSurvey(t, b.c, here, fullForm(q)); st != http.StatusUnauthorized || e.responses(t, pulse.ID) != 0 {
			t.Fatalf("answers without signing on: %d, %d stored", st, e.responses(t, pulse.ID))
		}

		frank := oidctest.Person{Username: "frank", Password: "pw-frank", Email: "frank@example.org", Department: e.lead.Name}
		grace := oidctest.Person{Username: "grace", Password: "pw-grace", Email: "grace@example.org", Department: e.lead.ID}
		e.op.SetPerson(frank)
		e.op.SetPerson(grace)
		for _, who := range []oidctest.Person{frank, grace} {
			run := e.signOn(t, nil, here+"/signon?lang=en", who.Username, who.Password, english)
			d := parseHTML(t, run.body)
			if run.status != http.StatusOK || run.final.Path != here || !d.has(tag("form", "method", "post")) {
				t.Fatalf("%s after signing on: %d at %s, no form", who.Username, run.status, run.final)
			}
			if !strings.Contains(text(d.byID("signon-stored")), "keyed hash") {
				t.Errorf("%s: the form does not say what is kept of the sign-on", who.Username)
			}
			if st, _ := e.postSurvey(t, run.c, here, fullForm(q)); st != http.StatusSeeOther {
				t.Fatalf("%s answers: status %d", who.Username, st)
			}
			if who.Username != "frank" {
				continue
			}
			// Frank again, in the same browser: refused before the form,
			// and a form sent all the same is refused by the store.
			again := run.browser(t, e)
			if p := again.get(here + "?lang=en"); p.status != http.StatusConflict || !strings.Contains(p.body, "You have already answered this survey") {
				t.Errorf("frank again: %d", p.status)
			}
			if st, body := e.postSurvey(t, run.c, here, fullForm(q)); st != http.StatusConflict || !strings.Contains(body, "everyone can answer once") {
				t.Errorf("frank's second form: %d", st)
			}
			// And in another browser, signing on afresh.
			if run := e.signOn(t, nil, here+"/signon?lang=en", "frank", "pw-frank", english); run.status != http.StatusConflict ||
				!strings.Contains(run.body, "You have already answered this survey") {
				t.Errorf("frank in another browser: %d at %s", run.status, run.final)
			}
		}
		if n := e.responses(t, pulse.ID); n != 2 {
			t.Fatalf("%d responses, want 2 (frank once, grace once)", n)
		}
		// Someone of another department is sent to their own link.
		e.op.SetPerson(oidctest.Person{Username: "henk", Password: "pw", Email: "henk@example.org", Department: "Elsewhere"})
		if run := e.signOn(t, nil, here+"/signon", "henk", "pw", english); run.status != http.StatusForbidden || !strings.Contains(run.body, "another department") {
			t.Errorf("another department: %d", run.status)
		}

		// What the database holds.
		db := e.db(t)
		if e.store.Dialect() == survey.Postgres {
			// Sealing makes the transaction ids of the rows say nothing
			// about which response came with which sign-on.
			if _, err := e.store.Seal(ctx); err != nil {
				t.Fatal(err)
			}
		}
		hashes := map[string]bool{}
		rows, err := db.Query("SELECT person_hash FROM pulse_signons WHERE pulse_id = $1", pulse.ID)
		must(t, err)
		for rows.Next() {
			var h string
			must(t, rows.Scan(&h))
			hashes[h] = true
		}
		must(t, rows.Err())
		rows.Close()
		for _, who := range []oidctest.Person{frank, grace} {
			if !hashes[e.store.PersonHash(pulse.ID, e.op.Issuer, who.Subject())] || len(hashes) != 2 {
				t.Fatalf("pulse_signons: %v, want the keyed hashes of frank and grace", hashes)
			}
		}
		assertNothingLinksPeople(t, db, e.store.Dialect(), pulse.ID, hashes,
			[]string{frank.Email, frank.Subject(), grace.Email, grace.Subject()})

		// Closing deletes who answered.
		must(t, e.store.ClosePulse(ctx, pulse.ID))
		var n int
		must(t, db.QueryRow("SELECT COUNT(*) FROM pulse_signons").Scan(&n))
		if n != 0 {
			t.Errorf("%d rows in pulse_signons after closing", n)
		}
	})
}

// assertNothingLinksPeople checks the whole database: pulse_signons has
// the pulse and the hash and nothing else, refers to nothing but pulses
// and nobody refers to it; no other table holds a person's hash, name,
// address or subject; on SQLite no hidden rowid keeps its rows' order of
// arrival; on PostgreSQL (sealed) the pulse's responses and sign-ons carry
// one transaction id. names are the people's addresses and subjects:
// strings that cannot turn up in random keys by chance.
func assertNothingLinksPeople(t *testing.T, db *sql.DB, dialect survey.Dialect, pulseID string, hashes map[string]bool, names []string) {
	t.Helper()
	type column struct{ table, name string }
	var cols []column
	q := `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
	if dialect == survey.SQLite {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`
	}
	rows, err := db.Query(q)
	must(t, err)
	for rows.Next() {
		var c column
		must(t, rows.Scan(&c.table, &c.name))
		cols = append(cols, c)
	}
	must(t, rows.Err())
	rows.Close()
	var signonCols []string
	for _, c := range cols {
		if c.table == "pulse_signons" {
			signonCols = append(signonCols, c.name)
		}
	}
	if strings.Join(sortedCopy(signonCols), ",") != "person_hash,pulse_id" {
		t.Errorf("pulse_signons has columns %v, want pulse_id and person_hash only", signonCols)
	}
	needles := []string{}
	for h := range hashes {
		needles = append(needles, h)
	}
	for _, n := range names {
		needles = append(needles, n)
	}
	for _, c := range cols {
		if c.table == "pulse_signons" && c.name == "person_hash" {
			continue
		}
		for _, needle := range needles {
			var n int
			stmt := `SELECT COUNT(*) FROM "` + c.table + `" WHERE CAST("` + c.name + `" AS TEXT) LIKE '%' || $1 || '%'`
			must(t, db.QueryRow(stmt, needle).Scan(&n))
			if n > 0 {
				t.Errorf("%s.%s holds %q", c.table, c.name, needle)
			}
		}
	}
	if dialect == survey.SQLite {
		var ddl string
		must(t, db.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'pulse_signons'`).Scan(&ddl))
		if !strings.Contains(ddl, "WITHOUT ROWID") {
			t.Errorf("pulse_signons keeps a rowid: %s", ddl)
		}
		var refs []string
		rows, err := db.Query(`SELECT m.name || '->' || f."table" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
			WHERE m.type = 'table' AND (m.name = 'pulse_signons' OR f."table" = 'pulse_signons')`)
		must(t, err)
		for rows.Next() {
			var r string
			must(t, rows.Scan(&r))
			refs = append(refs, r)
		}
		rows.Close()
		if strings.Join(refs, ",") != "pulse_signons->pulses" {
			t.Errorf("foreign keys of pulse_signons: %v, want only its pulse", refs)
		}
		return
	}
	var xids int
	must(t, db.QueryRow(`SELECT COUNT(DISTINCT x) FROM (SELECT xmin::text AS x FROM responses WHERE pulse_id = $1
		UNION ALL SELECT xmin::text FROM pulse_signons WHERE pulse_id = $1) t`, pulseID).Scan(&xids))
	if xids != 1 {
		t.Errorf("after the seal the pulse's responses and sign-ons carry %d transaction ids, want 1", xids)
	}
	var refs int
	must(t, db.QueryRow(`SELECT COUNT(*) FROM information_schema.constraint_column_usage u
		JOIN information_schema.table_constraints c ON c.constraint_name = u.constraint_name
		WHERE c.constraint_type = 'FOREIGN KEY' AND u.table_name = 'pulse_signons'`).Scan(&refs))
	if refs != 0 {
		t.Errorf("%d foreign keys refer to pulse_signons", refs)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// The survey's JSON API takes no answers for a pulse answered with
// sign-on: its document says so, and a submission is refused.
func TestSurveyAPIRefusesASignOnPulse(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	pulse, link, _ := e.signOnPulse(t)
	b := e.browser()
	if p := b.get("/api/v1/surveys/" + link.Code); p.status != http.StatusOK || !strings.Contains(p.body, `"status":"signon"`) {
		t.Errorf("survey document: %d %s", p.status, p.body)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/surveys/"+link.Code+"/responses",
		strings.NewReader(`{"submission_key":"`+survey.NewID()+`","answers":{}}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(body), `"code":"signon_required"`) {
		t.Errorf("submission through the API: %d %s", resp.StatusCode, body)
	}
	if n := e.responses(t, pulse.ID); n != 0 {
		t.Errorf("%d responses stored through the API", n)
	}
}

// The pulse API sets respondent sign-on when trots has a provider: the
// pulse says so in its answer and keeps it (without a provider the same
// request is refused, TestAPIContract).
func TestPulseAPISetsRespondentSignOn(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	tok := e.token("admin@example.org")
	status, body := e.apiSend(http.MethodPost, "/api/v1/pulses", tok, "application/json", "en",
		`{"name":"Met inloggen","questionnaire":"pulse","sign_on":true}`)
	if status != http.StatusCreated || !strings.Contains(body, `"sign_on":true`) {
		t.Fatalf("create with sign-on: %d %s", status, body)
	}
	var p struct{ ID string }
	must(t, json.Unmarshal([]byte(body), &p))
	got, err := e.store.Pulse(ctx, p.ID)
	if err != nil || !got.SignOn {
		t.Fatalf("stored pulse: %+v, %v", got, err)
	}
	status, body = e.apiSend(http.MethodPost, "/api/v1/pulses", tok, "application/json", "en",
		`{"name":"Zonder","questionnaire":"pulse"}`)
	if status != http.StatusCreated || !strings.Contains(body, `"sign_on":false`) {
		t.Fatalf("create without sign-on: %d %s", status, body)
	}
}
