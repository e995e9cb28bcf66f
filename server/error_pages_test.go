package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"trots/server"
	"trots/server/i18n"
	"trots/survey/storetest"
)

// send makes a request on the loopback server with the given headers.
func (e *consoleEnv) send(method, path string, body io.Reader, headers map[string]string) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

// apiErrorOf decodes the JSON error of an API answer.
func apiErrorOf(t *testing.T, r reply) (code, message string) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON: %s", ct, r.body)
	}
	var doc struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc.Error.Code == "" {
		t.Fatalf("not an API error: %s", r.body)
	}
	return doc.Error.Code, doc.Error.Message
}

// assertMessagePage checks an HTML error page: its status, type, language,
// heading and text.
func assertMessagePage(t *testing.T, r reply, status int, lang, heading, body string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=UTF-8" {
		t.Fatalf("Content-Type %q, want HTML", ct)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	d := parseHTML(t, r.body)
	if got := attr(d.one(tag("html"), "html"), "lang"); got != lang {
		t.Errorf("lang %q, want %q", got, lang)
	}
	if got := text(d.byID("message-heading")); got != heading {
		t.Errorf("heading %q, want %q", got, heading)
	}
	if got := text(d.byID("message-heading").Parent); !strings.Contains(got, body) {
		t.Errorf("page says %q, want %q", got, body)
	}
	if strings.Contains(r.body, "[[") {
		t.Errorf("a key without text: %s", r.body)
	}
}

// Someone who trims a survey link down to the host, or mistypes it, gets
// a page in their language that tells them where to go, not English JSON.
func TestUnknownPagesAreLocalisedHTML(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})

	root := map[string][2]string{
		"nl": {"Open de link die je van HR kreeg", "Hier staat geen peiling. Open de link die je van HR kreeg, bijvoorbeeld in een e-mail of via de QR-code op een poster. Werk je bij HR of in het management? Log dan in op /login."},
		"en": {"Open the link you got from HR", "There is no survey here. Please open the link you got from HR, for instance in an email or through the QR code on a poster. Do you work in HR or management? Then log in at /login."},
	}
	other := map[string][2]string{
		"nl": {"Pagina niet gevonden", "Deze pagina bestaat niet. Wil je de peiling invullen? Open dan de link die je van HR kreeg. Werk je bij HR of in het management? Log dan in op /login."},
		"en": {"Page not found", "This page does not exist. Want to take the survey? Then open the link you got from HR. Do you work in HR or management? Then log in at /login."},
	}
	for _, lang := range []string{"nl", "en"} {
		accept := map[string]string{"Accept-Language": map[string]string{"nl": "nl-NL,nl;q=0.9", "en": "en-GB,en;q=0.9"}[lang]}
		t.Run(lang, func(t *testing.T) {
			r := e.send("GET", "/", nil, accept)
			assertMessagePage(t, r, http.StatusNotFound, lang, root[lang][0], root[lang][1])
			for _, path := range []string{"/nope", "/s", "/favicon.ico", "/static/nope.css", "/healthz/nope", "/nope/deeper"} {
				r := e.send("GET", path, nil, accept)
				assertMessagePage(t, r, http.StatusNotFound, lang, other[lang][0], other[lang][1])
			}
			// A form sent to an unknown address is not found either.
			r = e.send("POST", "/nope", strings.NewReader("a=b"), map[string]string{"Accept-Language": accept["Accept-Language"], "Content-Type": "application/x-www-form-urlencoded"})
			assertMessagePage(t, r, http.StatusNotFound, lang, other[lang][0], other[lang][1])
			// A known address with the wrong method.
			r = e.send("PUT", "/static/survey.css", strings.NewReader("x"), accept)
			assertMessagePage(t, r, http.StatusMethodNotAllowed, lang, i18n.T(lang, "page_method_not_allowed_title"), i18n.T(lang, "page_method_not_allowed"))
			if !strings.Contains(r.header.Get("Allow"), "GET") {
				t.Errorf("Allow %q", r.header.Get("Allow"))
			}
		})
	}
	// ?lang= wins over the browser's language, as on the survey pages.
	r := e.send("GET", "/?lang=en", nil, map[string]string{"Accept-Language": "nl"})
	assertMessagePage(t, r, http.StatusNotFound, "en", root["en"][0], root["en"][1])
	// HEAD gets the status without a body.
	if r := e.send("HEAD", "/", nil, nil); r.status != http.StatusNotFound || r.body != "" {
		t.Fatalf("HEAD / = %d %q", r.status, r.body)
	}
}

// The probes keep answering machines in JSON.
func TestProbesKeepJSONErrors(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	for _, path := range []string{"/healthz", "/readyz"} {
		r := e.send("POST", path, nil, map[string]string{"Accept-Language": "nl"})
		if r.status != http.StatusMethodNotAllowed {
			t.Fatalf("POST %s = %d", path, r.status)
		}
		code, msg := apiErrorOf(t, r)
		if code != "Method Not Allowed" || msg != "Method Not Allowed" {
			t.Fatalf("POST %s: %s", path, r.body)
		}
	}
	// Without metrics configured /metrics is no route, still not a page.
	r := e.send("GET", "/metrics", nil, map[string]string{"Accept-Language": "nl"})
	if code, _ := apiErrorOf(t, r); r.status != http.StatusNotFound || code != "Not Found" {
		t.Fatalf("GET /metrics = %d %s", r.status, r.body)
	}
}

// The console's API speaks to HR's programs, not to respondents: a wrong
// method, an unknown path or a body over the server's limit are named as
// such, in the caller's language.
func TestConsoleAPIErrorsUseTheAdminsWording(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.token("admin@example.org")
	want := map[string]map[string]string{
		"nl": {
			"method_not_allowed": "Deze methode werkt niet op dit adres, en er is niets opgeslagen. De header Allow noemt de methodes die hier wel werken; zie ook de API-beschrijving (/api/openapi.json).",
			"api_not_found":      "Dit adres bestaat niet in de API. Kijk het pad na in de API-beschrijving (/api/openapi.json).",
			"request_too_large":  "Wat je verstuurde is groter dan de server in één keer aanneemt, en er is niets opgeslagen.",
		},
		"en": {
			"method_not_allowed": "This method does not work on this address, and nothing has been stored. The Allow header names the methods that do; see also the API description (/api/openapi.json).",
			"api_not_found":      "This address does not exist in the API. Please check the path in the API description (/api/openapi.json).",
			"request_too_large":  "What you sent is larger than the server accepts at once, and nothing has been stored.",
		},
	}
	huge := strings.Repeat("Afdeling met een lange naam,12,ja\n", 80_000) // 2.6 MB
	before := len(e.departments())
	for _, lang := range []string{"nl", "en"} {
		h := map[string]string{"Authorization": "Bearer " + admin, "Accept-Language": lang}
		r := e.send("PATCH", "/api/v1/departments/x", strings.NewReader(`{"name":"x"}`), map[string]string{
			"Authorization": h["Authorization"], "Accept-Language": lang, "Content-Type": "application/json"})
		if code, msg := apiErrorOf(t, r); r.status != http.StatusMethodNotAllowed || code != "method_not_allowed" || msg != want[lang]["method_not_allowed"] {
			t.Errorf("%s: PATCH = %d %s", lang, r.status, r.body)
		}
		if allow := r.header.Get("Allow"); !strings.Contains(allow, "PUT") || !strings.Contains(allow, "DELETE") {
			t.Errorf("%s: Allow %q", lang, allow)
		}
		r = e.send("GET", "/api/v1/nope", nil, h)
		if code, msg := apiErrorOf(t, r); r.status != http.StatusNotFound || code != "not_found" || msg != want[lang]["api_not_found"] {
			t.Errorf("%s: GET /api/v1/nope = %d %s", lang, r.status, r.body)
		}
		r = e.send("POST", "/api/v1/departments/import", strings.NewReader(huge), map[string]string{
			"Authorization": h["Authorization"], "Accept-Language": lang, "Content-Type": "text/csv"})
		if code, msg := apiErrorOf(t, r); r.status != http.StatusRequestEntityTooLarge || code != "too_large" || msg != want[lang]["request_too_large"] {
			t.Errorf("%s: huge import = %d %s", lang, r.status, r.body)
		}
		r = e.send("POST", "/api/v1/departments", strings.NewReader(huge), map[string]string{
			"Authorization": h["Authorization"], "Accept-Language": lang, "Content-Type": "application/json"})
		if code, msg := apiErrorOf(t, r); r.status != http.StatusRequestEntityTooLarge || code != "too_large" || msg != want[lang]["request_too_large"] {
			t.Errorf("%s: huge create = %d %s", lang, r.status, r.body)
		}
	}
	if after := len(e.departments()); after != before {
		t.Fatalf("departments %d -> %d", before, after)
	}
}

// The respondents' API keeps its own vocabulary.
func TestSurveyAPIKeepsTheRespondentsWording(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	for _, lang := range []string{"nl", "en"} {
		r := e.send("PATCH", "/api/v1/surveys/x", nil, map[string]string{"Accept-Language": lang})
		if code, msg := apiErrorOf(t, r); r.status != http.StatusMethodNotAllowed || code != "not_found" || msg != i18n.T(lang, "not_found") {
			t.Errorf("%s: PATCH /api/v1/surveys/x = %d %s", lang, r.status, r.body)
		}
		r = e.send("POST", "/api/v1/surveys/x/responses", strings.NewReader(strings.Repeat("x", 2<<20)), map[string]string{"Accept-Language": lang, "Content-Type": "application/json"})
		if code, msg := apiErrorOf(t, r); r.status != http.StatusRequestEntityTooLarge || code != "too_large" || msg != i18n.T(lang, "too_large") {
			t.Errorf("%s: huge answers = %d %s", lang, r.status, r.body)
		}
	}
}

// The console's pages: a post over the server's limit says so without
// talking about CSV files, except on the CSV import; a wrong method is
// named as such.
func TestConsoleErrorPagesAreNeutral(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	token := admin.csrf("/departments")
	huge := strings.Repeat("Afdeling met een lange naam,12,ja\n", 80_000) // 2.6 MB
	before := len(e.departments())
	post := func(path, lang string) reply {
		t.Helper()
		form := url.Values{"_csrf": {token}, "name": {"Nieuw"}, "headcount": {"12"}, "csv": {huge}}
		req, _ := http.NewRequest("POST", e.srv.URL+path+"?lang="+lang, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := admin.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return reply{resp.StatusCode, resp.Header, string(b)}
	}
	get := func(path string) reply {
		t.Helper()
		resp, err := admin.c.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return reply{resp.StatusCode, resp.Header, string(b)}
	}
	for lang, texts := range map[string][3]string{
		"nl": {"Te groot", "Wat je verstuurde is groter dan de server in één keer aanneemt, en er is niets opgeslagen.", "Een CSV-bestand met afdelingen mag hoogstens 512 KB zijn."},
		"en": {"Too large", "What you sent is larger than the server accepts at once, and nothing has been stored.", "A CSV file of departments may be at most 512 KB."},
	} {
		r := post("/departments", lang)
		assertMessagePage(t, r, http.StatusRequestEntityTooLarge, lang, texts[0], texts[1])
		if strings.Contains(r.body, "CSV") {
			t.Errorf("%s: the department form's refusal talks about CSV", lang)
		}
		r = post("/departments/import", lang)
		assertMessagePage(t, r, http.StatusRequestEntityTooLarge, lang, i18n.T(lang, "dept_too_large_title"), texts[2])

		// Logging out takes a form post; a GET is the wrong method.
		r = get("/logout?lang=" + lang)
		assertMessagePage(t, r, http.StatusMethodNotAllowed, lang, i18n.T(lang, "page_method_not_allowed_title"), i18n.T(lang, "page_method_not_allowed"))
	}
	if after := len(e.departments()); after != before {
		t.Fatalf("departments %d -> %d", before, after)
	}
}
