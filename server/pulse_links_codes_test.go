package server_test

import (
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/reports"
	"trots/reports/qr/qrscan"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// printedCode is a code as a slip prints it.
var printedCode = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b`)

// slipPages renders a PDF of slips at dpi, one image a page.
func slipPages(t *testing.T, pdf []byte, dpi string) []image.Image {
	t.Helper()
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatal("pdftoppm (poppler-utils) is not installed: run the tests with `make test`, which installs what they need")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "slips.pdf")
	must(t, os.WriteFile(file, pdf, 0o600))
	if out, err := exec.Command(bin, "-r", dpi, "-gray", "-png", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	names, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	must(t, err)
	var out []image.Image
	for _, n := range names {
		f, err := os.Open(n)
		must(t, err)
		img, err := png.Decode(f)
		f.Close()
		must(t, err)
		out = append(out, img)
	}
	return out
}

// scanSlip decodes the QR code of slip i (0-based) of a page rendered at
// dpi, cut out alone so that no neighbour answers for it.
func scanSlip(t *testing.T, page image.Image, i int, dpi float64) string {
	t.Helper()
	x, y, w, h, qx, qy, side := reports.SlipRect(i)
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	crop := func(quiet float64) image.Image {
		r := image.Rect(px(max(qx-quiet, x)), px(max(qy-quiet, y)), px(min(qx+side+quiet, x+w)), px(min(qy+side+quiet, y+h)))
		return page.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(r)
	}
	text, err := qrscan.Scan(crop(3))
	if err != nil {
		t.Fatalf("slip %d: %v", i, err)
	}
	return text
}

// public is a respondent's request: GET, or POST of form, without a session.
func (e *linksEnv) public(path string, form url.Values) (int, string) {
	e.t.Helper()
	var resp *http.Response
	var err error
	if form == nil {
		resp, err = noRedirect.Get(e.srv.URL + path)
	} else {
		resp, err = noRedirect.PostForm(e.srv.URL+path, form)
	}
	must(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(e.t, err)
	return resp.StatusCode, string(b)
}

// deptResponses counts the stored responses of a department in a pulse.
func (e *linksEnv) deptResponses(t *testing.T, pulseID, deptID string) int {
	t.Helper()
	counts, err := e.store.ResponseCounts(ctx, pulseID)
	must(t, err)
	return counts[deptID]
}

func TestPulseLinkCodesPrintSlipsThatAnswerOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newLinksEnv(t, dsn, server.Config{PublicURL: linksPublicURL})
		open := e.demo.Open
		dept := e.demo.Departments[1].Department
		links := e.admin.get(e.linksPath(open.ID) + "?lang=en")
		d := parseHTML(t, links.body)
		form := d.one(tag("form", "action", e.deptPath(open.ID, dept.ID, "codes")), "codes form")
		if len(within(form, tag("select", "name", "slip_lang"))) != 1 || len(within(form, tag("input", "id", "codes-"+dept.ID))) != 1 {
			t.Fatal("the codes form lacks its fields")
		}
		csrf := e.admin.csrf(e.linksPath(open.ID))
		p := e.admin.post(e.deptPath(open.ID, dept.ID, "codes"), url.Values{"_csrf": {csrf}, "count": {" 12 "}, "slip_lang": {"en"}})
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || p.header.Get("Cache-Control") != "private, no-store" ||
			!strings.HasPrefix(p.header.Get("Content-Disposition"), `attachment; filename="trots-codes-`) {
			t.Fatalf("slips: %d %q %q", p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
		}
		if n := e.invitations(t); n != 12 {
			t.Fatalf("%d codes stored, want 12", n)
		}
		text := linksPDFText(t, []byte(p.body))
		printed := printedCode.FindAllString(text, -1)
		if len(printed) != 12 {
			t.Fatalf("%d codes printed, want 12:\n%s", len(printed), text)
		}
		for _, phrase := range []string{"For " + dept.Name, "Your personal code", "trots.example.org/c", "It works once."} {
			if strings.Count(text, phrase) != 12 {
				t.Errorf("%q on %d slips, want 12", phrase, strings.Count(text, phrase))
			}
		}
		// Only hashes are stored: no code, in any form, is in the table.
		rows, err := e.db(t).Query("SELECT token_hash FROM invitations")
		must(t, err)
		for rows.Next() {
			var h string
			must(t, rows.Scan(&h))
			for _, c := range printed {
				canon, _ := survey.NormalizeCode(c)
				if strings.Contains(h, canon) || strings.Contains(h, c) {
					t.Fatal("the invitations table holds a code")
				}
			}
		}
		must(t, rows.Err())
		rows.Close()

		// Every slip's QR code holds the address with its own code, and
		// the scanned address opens that code's survey.
		pages := slipPages(t, []byte(p.body), "300")
		if len(pages) != 2 {
			t.Fatalf("%d pages, want 2", len(pages))
		}
		for i, c := range printed {
			if got, want := scanSlip(t, pages[i/reports.SlipsPerPage], i, 300), linksPublicURL+"/c/"+c; got != want {
				t.Fatalf("slip %d scans as %q, want %q", i, got, want)
			}
		}
		if status, body := e.public("/c/"+printed[0]+"?lang=en", nil); status != http.StatusOK || !strings.Contains(body, `name="token"`) {
			t.Fatalf("the scanned slip's page: %d", status)
		}

		// A code typed from the slip answers once, for its department.
		q, err := questionnaires.Load(open.QuestionnaireID)
		must(t, err)
		canon, ok := survey.NormalizeCode(strings.ToLower(printed[3]))
		if !ok {
			t.Fatalf("printed code %q does not read back", printed[3])
		}
		if status, body := e.public("/c?lang=en", url.Values{"code": {strings.ToLower(printed[3])}}); status != http.StatusOK ||
			!strings.Contains(body, `name="token" value="`+canon+`"`) {
			t.Fatalf("typed code: %d", status)
		}
		before := e.deptResponses(t, open.ID, dept.ID)
		f := fullForm(q)
		f.Set("token", canon)
		for i, want := range []int{http.StatusSeeOther, http.StatusConflict} {
			resp, err := noRedirect.PostForm(e.srv.URL+"/i?lang=en", f)
			must(t, err)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Fatalf("answer %d with a slip's code: %d, want %d", i+1, resp.StatusCode, want)
			}
			f.Set("submission_key", survey.NewID()) // a new form, not a retry
		}
		if n := e.deptResponses(t, open.ID, dept.ID); n != before+1 {
			t.Fatalf("%d responses for the department, want %d", n, before+1)
		}
	})
}

func TestPulseLinkCodesRefuseBadCountsAndLanguages(t *testing.T) {
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{PublicURL: linksPublicURL})
	open := e.demo.Open
	dept := e.demo.Departments[0].Department
	target := e.deptPath(open.ID, dept.ID, "codes")
	csrf := e.admin.csrf(e.linksPath(open.ID))
	for _, lang := range i18n.Languages {
		e.admin.get("/board?lang=" + lang)
		for _, c := range []struct{ count, slipLang, key string }{
			{"", "nl", "links_codes_missing"}, {"abc", "nl", "links_codes_nan"}, {"2.5", "en", "links_codes_nan"},
			{"0", "nl", "links_codes_range"}, {"-1", "nl", "links_codes_range"}, {"5001", "en", "links_codes_range"},
			{"99999999999999999999", "nl", "links_codes_range"}, {"3", "de", "links_codes_lang_error"},
		} {
			p := e.admin.post(target, url.Values{"_csrf": {csrf}, "count": {c.count}, "slip_lang": {c.slipLang}})
			if p.status != http.StatusBadRequest {
				t.Fatalf("count %q lang %q: %d, want 400", c.count, c.slipLang, p.status)
			}
			d := parseHTML(t, p.body)
			if got := text(d.byID("links-error")); !strings.Contains(got, i18n.T(lang, c.key)) {
				t.Fatalf("count %q (%s): summary %q", c.count, lang, got)
			}
			input := d.byID("codes-" + dept.ID)
			if attr(input, "aria-invalid") != "true" || attr(input, "value") != c.count ||
				text(d.byID("codes-error-"+dept.ID)) != i18n.T(lang, c.key) {
				t.Fatalf("count %q: the field does not show its error", c.count)
			}
			if a := within(d.byID("links-error"), tag("a")); len(a) != 1 || attr(a[0], "href") != "#codes-"+dept.ID {
				t.Fatalf("count %q: the summary does not lead to the field", c.count)
			}
		}
	}
	if p := e.admin.post(target, url.Values{"count": {"3"}}); p.status != http.StatusForbidden {
		t.Fatalf("codes without a CSRF token: %d", p.status)
	}
	// Codes of a closed pulse: refused, the page explains.
	closed := e.demo.Baseline
	if p := e.admin.post(e.deptPath(closed.ID, dept.ID, "codes"), url.Values{"_csrf": {csrf}, "count": {"3"}}); p.status != http.StatusConflict {
		t.Fatalf("codes of a closed pulse: %d, want 409", p.status)
	}
	if n := e.invitations(t); n != 0 {
		t.Fatalf("%d codes stored by refused forms", n)
	}
}
