package server_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"trots/questionnaires"
	"trots/reports/qr"
	"trots/reports/qr/qrscan"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

const linksPublicURL = "https://trots.example.org"

// linksEnv is the demo organisation served with a public URL, an admin
// logged in, and the open pulse's links page.
type linksEnv struct {
	*consoleEnv
	dsn   string
	admin *browser
}

func newLinksEnv(t *testing.T, dsn string, cfg server.Config) *linksEnv {
	t.Helper()
	e := &linksEnv{consoleEnv: newConsoleEnv(t, dsn, cfg), dsn: dsn}
	e.admin = e.browser()
	e.admin.login("admin@example.org")
	return e
}

func (e *linksEnv) linksPath(pulseID string) string { return "/pulses/" + pulseID + "/links" }

func (e *linksEnv) deptPath(pulseID, deptID, rest string) string {
	return "/pulses/" + pulseID + "/links/" + deptID + "/" + rest
}

// db opens the store's database directly, to see what is stored beyond
// what the store's API shows.
func (e *linksEnv) db(t *testing.T) *sql.DB {
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

func (e *linksEnv) invitations(t *testing.T) int {
	t.Helper()
	var n int
	must(t, e.db(t).QueryRow("SELECT COUNT(*) FROM invitations").Scan(&n))
	return n
}

func TestPulseLinksPageShowsEveryDepartmentsLink(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newLinksEnv(t, dsn, server.Config{PublicURL: linksPublicURL})
		open := e.demo.Open
		for _, lang := range i18n.Languages {
			p := e.admin.get(e.linksPath(open.ID) + "?lang=" + lang)
			if p.status != http.StatusOK || p.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("links page (%s): %d, Cache-Control %q", lang, p.status, p.header.Get("Cache-Control"))
			}
			d := parseHTML(t, p.body)
			if got := text(d.one(tag("h1"), "h1")); got != i18n.T(lang, "links_title") {
				t.Fatalf("h1 %q", got)
			}
			if got := text(d.byID("links-threshold")); got != i18n.T(lang, "links_threshold_value", open.MinGroup) {
				t.Fatalf("threshold %q", got)
			}
			if text(d.byID("links-base")) != linksPublicURL || d.has(func(n *html.Node) bool { return attr(n, "id") == "links-base-note" }) {
				t.Fatal("the configured public URL is not the links' base, or the page says it is not configured")
			}
			cards := d.all(tag("li", "class~", "links-dept"))
			if len(cards) != len(e.demo.Departments) {
				t.Fatalf("%d department cards, want %d", len(cards), len(e.demo.Departments))
			}
			csrf := attr(d.all(tag("input", "name", "_csrf"))[0], "value")
			for _, s := range e.demo.Departments {
				card := d.byID("dept-" + s.Department.ID)
				at := e.deptPath(open.ID, s.Department.ID, "")
				if got := text(within(card, tag("h2"))[0]); got != s.Department.Name {
					t.Errorf("card heading %q, want %q", got, s.Department.Name)
				}
				if got := text(within(card, tag("code", "class", "link-url"))[0]); got != linksPublicURL+"/s/"+s.Link.Code {
					t.Errorf("%s: link %q, want the open pulse's link", s.Department.Name, got)
				}
				img := within(card, tag("img", "class", "links-qr"))[0]
				if attr(img, "src") != at+"qr.svg" || attr(img, "alt") != i18n.T(lang, "links_qr_alt", s.Department.Name) {
					t.Errorf("QR image %q alt %q", attr(img, "src"), attr(img, "alt"))
				}
				for class, href := range map[string]string{"poster-nl": at + "poster.pdf?lang=nl", "poster-en": at + "poster.pdf?lang=en",
					"qr-svg": at + "qr.svg", "qr-png": at + "qr.png"} {
					if a := within(card, tag("a", "class", class)); len(a) != 1 || attr(a[0], "href") != href {
						t.Errorf("%s: no %s download at %s", s.Department.Name, class, href)
					}
				}
				form := within(card, tag("form"))[0]
				input := within(form, tag("input", "name", "count"))[0]
				label := within(form, tag("label", "for", attr(input, "id")))
				if attr(form, "action") != at+"invitations" || attr(form, "method") != "post" || len(label) != 1 ||
					attr(within(form, tag("input", "name", "_csrf"))[0], "value") != csrf || attr(input, "max") != "5000" {
					t.Errorf("%s: invitation form %q", s.Department.Name, attr(form, "action"))
				}
				if len(within(form, tag("fieldset"))) != 1 || len(within(form, tag("legend"))) != 1 {
					t.Errorf("%s: the invitation form has no fieldset with a legend", s.Department.Name)
				}
			}
		}

		// Without a configured public URL the links use the address the
		// console was opened at, and the page says how to change that.
		bare := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{})
		d := parseHTML(t, bare.admin.get(bare.linksPath(bare.demo.Open.ID)+"?lang=en").body)
		if text(d.byID("links-base")) != bare.srv.URL || !strings.Contains(text(d.byID("links-base-note")), "TROTS_PUBLIC_URL") {
			t.Fatalf("base %q without a public URL", text(d.byID("links-base")))
		}
		s := bare.demo.Departments[3]
		if got := text(within(d.byID("dept-"+s.Department.ID), tag("code", "class", "link-url"))[0]); got != bare.srv.URL+"/s/"+s.Link.Code {
			t.Fatalf("link %q", got)
		}
	})
}

func TestPulseLinksOfADraftAndOfAClosedPulse(t *testing.T) {
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{PublicURL: linksPublicURL})
	dept := e.demo.Departments[0].Department
	draft, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Volgende meting", QuestionnaireID: "pulse", QuestionnaireVersion: 1})
	must(t, err)

	// A draft has no links yet: the page says to open the pulse first.
	for _, lang := range i18n.Languages {
		p := e.admin.get(e.linksPath(draft.ID) + "?lang=" + lang)
		d := parseHTML(t, p.body)
		if p.status != http.StatusOK || text(d.byID("links-draft")) != i18n.T(lang, "links_draft") {
			t.Fatalf("draft links page (%s): %d", lang, p.status)
		}
		if d.has(tag("li", "class~", "links-dept")) || d.has(tag("form", "class", "links-invite")) {
			t.Fatal("a draft's page lists links")
		}
		if a := d.all(tag("a", "class", "button")); len(a) != 1 || attr(a[0], "href") != "/pulses/"+draft.ID {
			t.Fatal("no way to the pulse to open it")
		}
	}
	// The closed baseline: links shown as no longer taking answers, and
	// nothing to print or send for them.
	closed := e.demo.Baseline
	d := parseHTML(t, e.admin.get(e.linksPath(closed.ID)+"?lang=en").body)
	if text(d.byID("links-ended")) != i18n.T("en", "links_ended") {
		t.Fatal("the closed pulse's page does not say its links no longer work")
	}
	if n := len(d.all(tag("li", "class~", "links-dept"))); n != len(e.demo.Departments) ||
		d.has(tag("img")) || d.has(tag("form", "class", "links-invite")) {
		t.Fatalf("closed pulse: %d cards, with QR codes or forms", n)
	}
	if got := text(within(d.byID("dept-"+dept.ID), tag("code"))[0]); got != linksPublicURL+"/s/"+e.demo.Departments[0].BaselineLink.Code {
		t.Fatalf("closed pulse's link %q", got)
	}

	before := e.invitations(t)
	for _, p := range []string{draft.ID, closed.ID} {
		for _, rest := range []string{"qr.svg?lang=en", "qr.png?lang=en", "poster.pdf?lang=nl"} {
			if r := e.admin.get(e.deptPath(p, dept.ID, rest)); r.status != http.StatusConflict ||
				text(parseHTML(t, r.body).byID("links-error")) != i18n.T("en", "links_error_not_active") {
				t.Errorf("%s of a %s pulse: %d", rest, map[bool]string{true: "draft", false: "closed"}[p == draft.ID], r.status)
			}
		}
		csrf := e.admin.csrf(e.linksPath(p))
		if r := e.admin.post(e.deptPath(p, dept.ID, "invitations"), url.Values{"_csrf": {csrf}, "count": {"5"}}); r.status != http.StatusConflict {
			t.Errorf("invitations for pulse %s: %d, want 409", p, r.status)
		}
	}
	if n := e.invitations(t); n != before {
		t.Fatalf("invitations stored for pulses that take no answers: %d -> %d", before, n)
	}
}

func TestPulseLinksRefuseUnknownPulsesDepartmentsAndOtherRoles(t *testing.T) {
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{})
	open, dept := e.demo.Open.ID, e.demo.Departments[0].Department.ID
	csrf := e.admin.csrf(e.linksPath(open))
	routes := func(pulse, dept string) []string {
		return []string{e.linksPath(pulse), e.deptPath(pulse, dept, "qr.svg"), e.deptPath(pulse, dept, "qr.png"),
			e.deptPath(pulse, dept, "poster.pdf"), "POST " + e.deptPath(pulse, dept, "invitations")}
	}
	do := func(b *browser, route, csrf string) page {
		if target, ok := strings.CutPrefix(route, "POST "); ok {
			return b.post(target, url.Values{"_csrf": {csrf}, "count": {"2"}})
		}
		return b.get(route)
	}
	for _, route := range append(routes(survey.NewID(), dept), append(routes("not-an-id", dept), routes(open, survey.NewID())[1:]...)...) {
		if p := do(e.admin, route, csrf); p.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", route, p.status)
		}
	}
	if p := e.admin.get(e.deptPath(open, "x", "qr.png")); p.status != http.StatusNotFound {
		t.Errorf("garbage department: %d", p.status)
	}
	for _, email := range []string{"viewer@example.org", "lead@example.org"} {
		b := e.browser()
		b.login(email)
		other := b.csrf("/board")
		for _, route := range routes(open, dept) {
			if p := do(b, route, other); p.status != http.StatusForbidden {
				t.Errorf("%s as %s: %d, want 403", route, email, p.status)
			}
		}
	}
	anon := e.browser()
	for _, route := range routes(open, dept) {
		if p := do(anon, route, ""); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
			t.Errorf("%s anonymous: %d %s", route, p.status, p.header.Get("Location"))
		}
	}
	if n := e.invitations(t); n != 0 {
		t.Fatalf("%d invitations stored by refused requests", n)
	}
}

// scanQR decodes a QR code image with an independent decoder, as a phone
// would.
func scanQR(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	must(t, err)
	text, err := qrscan.Scan(img)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestPulseLinkQRCodesScanToTheLink(t *testing.T) {
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{PublicURL: linksPublicURL})
	for _, s := range e.demo.Departments[:3] {
		want := linksPublicURL + "/s/" + s.Link.Code
		p := e.admin.get(e.deptPath(e.demo.Open.ID, s.Department.ID, "qr.png"))
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "image/png" || p.header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("qr.png: %d %q %q", p.status, p.header.Get("Content-Type"), p.header.Get("Cache-Control"))
		}
		if got := scanQR(t, []byte(p.body)); got != want {
			t.Fatalf("the QR code of %s scans as %q, want %q", s.Department.Name, got, want)
		}

		p = e.admin.get(e.deptPath(e.demo.Open.ID, s.Department.ID, "qr.svg") + "?lang=nl")
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "image/svg+xml" || p.header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("qr.svg: %d %q", p.status, p.header.Get("Content-Type"))
		}
		var svg struct {
			ViewBox string `xml:"viewBox,attr"`
			Shape   string `xml:"shape-rendering,attr"`
			Title   string `xml:"title"`
			Path    struct {
				D string `xml:"d,attr"`
			} `xml:"path"`
		}
		dec := xml.NewDecoder(strings.NewReader(p.body))
		dec.Strict = true
		if err := dec.Decode(&svg); err != nil {
			t.Fatalf("qr.svg is not well-formed XML: %v", err)
		}
		code, err := qr.Encode(want)
		must(t, err)
		n := strconv.Itoa(code.Size() + 2*qr.QuietZone)
		if svg.ViewBox != "0 0 "+n+" "+n || svg.Shape != "crispEdges" || svg.Title != i18n.T("nl", "links_qr_title", s.Department.Name) {
			t.Fatalf("svg viewBox %q (want %s modules with the quiet zone), shape %q, title %q", svg.ViewBox, n, svg.Shape, svg.Title)
		}
		dark := 0
		for _, r := range code.Runs() {
			dark += r.Len
		}
		drawn := 0
		for _, run := range strings.Split(svg.Path.D, "M")[1:] {
			var x, y, l, back int
			if _, err := fmt.Sscanf(run, "%d %dh%dv1h-%dz", &x, &y, &l, &back); err != nil || back != l {
				t.Fatalf("path run %q: %v", run, err)
			}
			drawn += l
		}
		if drawn != dark {
			t.Fatalf("the SVG draws %d dark modules, the code has %d", drawn, dark)
		}
	}
}

// linksPDFText reads a PDF back as text with pdftotext (poppler-utils).
func linksPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext (poppler-utils) is not installed: run the tests with `make test`, which installs what they need")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 40)])
	}
	cmd := exec.Command(bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestPulseLinkPosterInBothLanguages(t *testing.T) {
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{PublicURL: linksPublicURL})
	open := e.demo.Open
	s := e.demo.Departments[1]
	settings, err := e.store.Settings(ctx)
	must(t, err)
	want := map[string][]string{
		// The demo's open pulse is the short pulse: 13 questions, 136 s.
		"nl": {"Voor iedereen van " + s.Department.Name, fmt.Sprintf("groepen van minstens %d mensen", open.MinGroup), "Het kost je ongeveer 2 minuten."},
		"en": {"For everyone in " + s.Department.Name, fmt.Sprintf("groups of at least %d people", open.MinGroup), "It takes about 2 minutes."},
	}
	for lang, phrases := range want {
		p := e.admin.get(e.deptPath(open.ID, s.Department.ID, "poster.pdf?lang="+lang))
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || p.header.Get("Cache-Control") != "private, no-store" ||
			!strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment; filename=\"trots-poster-") {
			t.Fatalf("poster (%s): %d %q %q", lang, p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
		}
		text := linksPDFText(t, []byte(p.body))
		for _, phrase := range append(phrases, "trots.example.org/s/"+s.Link.Code, settings.Name) {
			if !strings.Contains(text, phrase) {
				t.Errorf("%s poster lacks %q:\n%s", lang, phrase, text)
			}
		}
	}
	// Without ?lang= the poster is in the organisation's language.
	p := e.admin.get(e.deptPath(open.ID, s.Department.ID, "poster.pdf"))
	if p.status != http.StatusOK || !strings.Contains(linksPDFText(t, []byte(p.body)), want[settings.DefaultLanguage][0]) {
		t.Fatalf("poster in the default language %s: %d", settings.DefaultLanguage, p.status)
	}
	// A language trots does not speak is refused, in the console's language.
	b := e.browser()
	b.login("admin@example.org")
	b.get("/board?lang=nl")
	r := b.get(e.deptPath(open.ID, s.Department.ID, "poster.pdf?lang=de"))
	if r.status != http.StatusBadRequest || text(parseHTML(t, r.body).byID("links-error")) != i18n.T("nl", "links_error_lang") {
		t.Fatalf("poster in German: %d", r.status)
	}
}

func TestPulseLinkInvitationsCSVWorksOnceEach(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newLinksEnv(t, dsn, server.Config{PublicURL: linksPublicURL})
		open := e.demo.Open
		s := e.demo.Departments[2]
		csrf := e.admin.csrf(e.linksPath(open.ID))
		p := e.admin.post(e.deptPath(open.ID, s.Department.ID, "invitations"), url.Values{"_csrf": {csrf}, "count": {" 4 "}})
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "text/csv; charset=utf-8" || p.header.Get("Cache-Control") != "private, no-store" ||
			!strings.HasPrefix(p.header.Get("Content-Disposition"), `attachment; filename="trots-invitations-`) {
			t.Fatalf("invitations: %d %q %q", p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
		}
		rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
		must(t, err)
		if len(rows) != 5 || strings.Join(rows[0], ",") != "department,invitation_url" {
			t.Fatalf("CSV: %d rows, header %v", len(rows), rows[0])
		}
		if n := e.invitations(t); n != 4 {
			t.Fatalf("%d invitations stored, want 4", n)
		}
		var tokens []string
		seen := map[string]bool{}
		for _, row := range rows[1:] {
			token, ok := strings.CutPrefix(row[1], linksPublicURL+"/i/")
			if len(row) != 2 || row[0] != s.Department.Name || !ok || !survey.ValidID(token) || seen[token] {
				t.Fatalf("CSV row %v", row)
			}
			seen[token] = true
			tokens = append(tokens, token)
			l, err := e.store.LinkByToken(ctx, token)
			if err != nil || l.PulseID != open.ID || l.DepartmentID != s.Department.ID {
				t.Fatalf("invitation %s: %+v, %v", token, l, err)
			}
		}
		// Only keyed hashes are stored: neither the tokens nor their plain
		// SHA-256 (which anyone with the mail merge could compute) are in
		// the database.
		db := e.db(t)
		var hashes []string
		rs, err := db.Query("SELECT token_hash FROM invitations")
		must(t, err)
		for rs.Next() {
			var h string
			must(t, rs.Scan(&h))
			hashes = append(hashes, h)
		}
		must(t, rs.Err())
		rs.Close()
		if len(hashes) != len(tokens) {
			t.Fatalf("%d invitations stored for %d tokens", len(hashes), len(tokens))
		}
		for _, tok := range tokens {
			sum := sha256.Sum256([]byte(tok))
			if linksContains(hashes, hex.EncodeToString(sum[:])) || linksContains(hashes, tok) {
				t.Fatalf("the invitations table holds the token or its unkeyed hash")
			}
		}

		// Each invitation answers once: the first use stores a response,
		// a second is refused.
		q, err := questionnaires.Load(open.QuestionnaireID)
		must(t, err)
		submit := func(token string) int {
			f := fullForm(q)
			f.Set("token", token)
			resp, err := noRedirect.PostForm(e.srv.URL+"/i?lang=en", f)
			must(t, err)
			resp.Body.Close()
			return resp.StatusCode
		}
		for _, tok := range tokens[:2] {
			if got := submit(tok); got != http.StatusSeeOther {
				t.Fatalf("first answer with an invitation: %d", got)
			}
			if got := submit(tok); got != http.StatusConflict {
				t.Fatalf("second answer with the same invitation: %d, want 409", got)
			}
			if _, err := e.store.LinkByToken(ctx, tok); survey.ErrorKey(err) != "token_used" {
				t.Fatalf("used invitation: %v", err)
			}
		}
		if _, err := e.store.LinkByToken(ctx, tokens[2]); err != nil {
			t.Fatalf("an unused invitation is spent: %v", err)
		}
		// The responses do not reference the invitations: no column of
		// theirs holds a token or its hash.
		rs, err = db.Query("SELECT * FROM responses WHERE pulse_id = $1", open.ID)
		must(t, err)
		cols, err := rs.Columns()
		must(t, err)
		n := 0
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rs.Scan(ptrs...))
			n++
			for i, v := range vals {
				cell := fmt.Sprintf("%s", v)
				for _, tok := range tokens {
					sum := sha256.Sum256([]byte(tok))
					if strings.Contains(cell, tok) || strings.Contains(cell, hex.EncodeToString(sum[:])) {
						t.Fatalf("response column %s references an invitation", cols[i])
					}
				}
			}
		}
		must(t, rs.Err())
		rs.Close()
		if n != 2 {
			t.Fatalf("%d responses, want 2", n)
		}
	})
}

func TestPulseLinkInvitationsRefuseBadCountsAndForms(t *testing.T) {
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{PublicURL: linksPublicURL})
	open := e.demo.Open
	dept := e.demo.Departments[0].Department
	target := e.deptPath(open.ID, dept.ID, "invitations")
	csrf := e.admin.csrf(e.linksPath(open.ID))
	for _, lang := range i18n.Languages {
		e.admin.get("/board?lang=" + lang) // the console's language
		for count, key := range map[string]string{"": "links_count_missing", "  ": "links_count_missing", "abc": "links_count_nan",
			"2.5": "links_count_nan", "1e3": "links_count_nan", "0": "links_count_range", "-3": "links_count_range",
			"5001": "links_count_range", "50000": "links_count_range", "99999999999999999999": "links_count_range"} {
			p := e.admin.post(target, url.Values{"_csrf": {csrf}, "count": {count}})
			if p.status != http.StatusBadRequest {
				t.Fatalf("count %q: %d, want 400", count, p.status)
			}
			d := parseHTML(t, p.body)
			if got := text(d.byID("links-error")); !strings.Contains(got, i18n.T(lang, key)) {
				t.Fatalf("count %q (%s): summary %q, want %q", count, lang, got, i18n.T(lang, key))
			}
			input := d.byID("count-" + dept.ID)
			if attr(input, "aria-invalid") != "true" || attr(input, "value") != strings.TrimSpace(count) ||
				!strings.Contains(attr(input, "aria-describedby"), "error-"+dept.ID) ||
				text(d.byID("error-"+dept.ID)) != i18n.T(lang, key) {
				t.Fatalf("count %q: the field does not show its error", count)
			}
			if a := within(d.byID("links-error"), tag("a")); len(a) != 1 || attr(a[0], "href") != "#count-"+dept.ID {
				t.Fatalf("count %q: the summary does not lead to the field", count)
			}
			// Only the department posted for shows the error.
			if n := len(d.all(func(n *html.Node) bool { return attr(n, "aria-invalid") == "true" })); n != 1 {
				t.Fatalf("%d invalid fields", n)
			}
		}
	}
	// Without the session's CSRF token, or with another's, nothing is made.
	other := e.browser()
	other.login("admin@example.org")
	for _, form := range []url.Values{{"count": {"3"}}, {"count": {"3"}, "_csrf": {"forged"}}, {"count": {"3"}, "_csrf": {other.csrf("/board")}}} {
		if p := e.admin.post(target, form); p.status != http.StatusForbidden {
			t.Fatalf("invitations without a valid CSRF token: %d", p.status)
		}
	}
	if n := e.invitations(t); n != 0 {
		t.Fatalf("%d invitations stored by refused forms", n)
	}
	// The upper bound itself is allowed.
	p := e.admin.post(target, url.Values{"_csrf": {csrf}, "count": {"5000"}})
	if p.status != http.StatusOK || strings.Count(p.body, "\n") != 5001 {
		t.Fatalf("5000 invitations: %d, %d lines", p.status, strings.Count(p.body, "\n"))
	}
	if n := e.invitations(t); n != 5000 {
		t.Fatalf("%d invitations stored, want 5000", n)
	}
}

func TestParsePublicURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"https://trots.example.org":        "https://trots.example.org",
		" https://trots.example.org/ ":     "https://trots.example.org",
		"http://10.0.0.5:8080":             "http://10.0.0.5:8080",
		"https://example.org/hr/trots/":    "https://example.org/hr/trots",
		"https://voorbeeld.nl/enquête":     "https://voorbeeld.nl/enqu%C3%AAte",
		"HTTPS://Trots.Example.org/survey": "https://Trots.Example.org/survey",
	} {
		got, err := server.ParsePublicURL(in)
		if err != nil || got != want {
			t.Errorf("ParsePublicURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"trots.example.org", "ftp://example.org", "https://", "https://user:pw@example.org",
		"https://example.org/?x=1", "https://example.org/#top", "javascript:alert(1)", "//example.org", "https://exa mple.org"} {
		if got, err := server.ParsePublicURL(bad); err == nil {
			t.Errorf("ParsePublicURL(%q) = %q, want an error", bad, got)
		}
	}
}

func linksContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
