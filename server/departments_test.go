package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// postMultipart posts a multipart form with one file (none when name is
// ""), as a browser sends the import form.
func (b *browser) postMultipart(path string, fields url.Values, fileName string, file []byte) page {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(file)
	}
	w.Close()
	resp, err := b.c.Post(b.e.srv.URL+path, w.FormDataContentType(), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(out)}
}

// departments are the store's departments, for before/after comparisons.
func (e *consoleEnv) departments() []survey.Department {
	e.t.Helper()
	deps, err := e.store.Departments(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return deps
}

func (e *consoleEnv) departmentNamed(name string) (survey.Department, bool) {
	for _, d := range e.departments() {
		if d.Name == name {
			return d, true
		}
	}
	return survey.Department{}, false
}

// fieldValue is the value attribute of the input with id.
func fieldValue(d doc, id string) string { return attr(d.byID(id), "value") }

func TestDepartmentsPagesCreateEditAndDelete(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		admin := e.browser()
		admin.login("admin@example.org")

		p := admin.get("/departments?lang=en")
		if p.status != http.StatusOK {
			t.Fatalf("GET /departments: %d", p.status)
		}
		d := parseHTML(t, p.body)
		rows := d.all(tag("tr", "class", "dept"))
		if len(rows) != len(e.demo.Departments) {
			t.Fatalf("%d rows for %d departments", len(rows), len(e.demo.Departments))
		}
		if nav := d.one(tag("a", "href", "/departments"), "nav item"); attr(nav, "aria-current") != "page" || text(nav) != "Departments" {
			t.Fatalf("nav item %q, aria-current %q", text(nav), attr(nav, "aria-current"))
		}
		token := attr(within(d.byID("create-form"), tag("input", "name", "_csrf"))[0], "value")
		before := e.departments()

		// Errors come back next to their field, with what was typed, in
		// the user's language; nothing is stored.
		p = admin.post("/departments?lang=en", url.Values{"_csrf": {token}, "name": {" "}, "headcount": {"99999999999999999999"}})
		if d := parseHTML(t, p.body); p.status != http.StatusBadRequest || !d.has(tag("p", "id", "name-error")) ||
			text(d.byID("headcount-error")) != "The headcount is between 0 and 1000000." {
			t.Fatalf("both fields wrong: %d", p.status)
		}
		p = admin.post("/departments?lang=en", url.Values{"_csrf": {token}, "name": {"  "}, "headcount": {"12,5"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("invalid create: %d", p.status)
		}
		d = parseHTML(t, p.body)
		if got := text(d.byID("name-error")); got != "Enter a name." {
			t.Errorf("name error %q", got)
		}
		if got := text(d.byID("headcount-error")); got != "Enter a whole number without dots or commas, such as 120." {
			t.Errorf("headcount error %q", got)
		}
		if fieldValue(d, "headcount") != "12,5" || attr(d.byID("headcount"), "aria-invalid") != "true" || hasAttr(d.byID("externally_visible"), "checked") {
			t.Errorf("form not kept: headcount %q", fieldValue(d, "headcount"))
		}
		p = admin.post("/departments?lang=nl", url.Values{"_csrf": {token}, "name": {"Nieuw"}, "headcount": {"1000001"}, "externally_visible": {"1"}})
		d = parseHTML(t, p.body)
		if p.status != http.StatusBadRequest || text(d.byID("headcount-error")) != "Het aantal medewerkers ligt tussen 0 en 1000000." ||
			fieldValue(d, "name") != "Nieuw" || !hasAttr(d.byID("externally_visible"), "checked") || d.has(tag("p", "id", "name-error")) {
			t.Errorf("out of range (nl): %d %q", p.status, text(d.byID("headcount-error")))
		}
		existing := e.demo.Departments[1].Department.Name
		p = admin.post("/departments?lang=en", url.Values{"_csrf": {token}, "name": {existing}, "headcount": {"3"}})
		if p.status != http.StatusConflict || text(parseHTML(t, p.body).byID("name-error")) != "A department with this name already exists." {
			t.Errorf("existing name: %d", p.status)
		}
		if after := e.departments(); !reflect.DeepEqual(after, before) {
			t.Fatalf("refused forms changed the departments: %+v", after)
		}

		// A valid form is stored, and the list says so.
		p = admin.post("/departments", url.Values{"_csrf": {token}, "name": {" Klantcontact Noord "}, "headcount": {"25"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/departments?done=created#dept-notice" {
			t.Fatalf("create: %d %s", p.status, p.header.Get("Location"))
		}
		nieuw, ok := e.departmentNamed("Klantcontact Noord")
		if !ok || nieuw.Headcount != 25 || nieuw.ExternallyVisible {
			t.Fatalf("created %+v, %v", nieuw, ok)
		}
		if got := text(parseHTML(t, admin.get("/departments?done=created&lang=en").body).byID("dept-notice")); got != "The department has been added." {
			t.Errorf("notice %q", got)
		}

		// Edit: the form holds the department; errors keep what was typed.
		path := "/departments/" + nieuw.ID
		d = parseHTML(t, admin.get(path+"?lang=en").body)
		if fieldValue(d, "name") != "Klantcontact Noord" || fieldValue(d, "headcount") != "25" || hasAttr(d.byID("externally_visible"), "checked") {
			t.Fatalf("edit form: %q %q", fieldValue(d, "name"), fieldValue(d, "headcount"))
		}
		p = admin.post(path+"?lang=en", url.Values{"_csrf": {token}, "name": {"Klantcontact Noord"}, "headcount": {"-3"}, "externally_visible": {"1"}})
		d = parseHTML(t, p.body)
		if p.status != http.StatusBadRequest || text(d.byID("headcount-error")) != "The headcount is between 0 and 1000000." || fieldValue(d, "headcount") != "-3" {
			t.Fatalf("invalid update: %d", p.status)
		}
		if got, _ := e.store.Department(ctx, nieuw.ID); got != nieuw {
			t.Fatalf("a refused update changed %+v", got)
		}
		p = admin.post(path, url.Values{"_csrf": {token}, "name": {"Klantcontact Noord-Holland"}, "headcount": {"30"}, "externally_visible": {"1"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/departments?done=updated" {
			t.Fatalf("update: %d", p.status)
		}
		want := survey.Department{ID: nieuw.ID, Name: "Klantcontact Noord-Holland", Headcount: 30, ExternallyVisible: true}
		if got, _ := e.store.Department(ctx, nieuw.ID); got != want {
			t.Fatalf("updated %+v, want %+v", got, want)
		}

		// Delete needs the box ticked; then the department is gone.
		p = admin.post(path+"/delete?lang=en", url.Values{"_csrf": {token}})
		if p.status != http.StatusBadRequest || text(parseHTML(t, p.body).byID("confirm-error")) != "Tick the box to confirm the deletion." {
			t.Fatalf("unconfirmed delete: %d", p.status)
		}
		p = admin.post(path+"/delete", url.Values{"_csrf": {token}, "confirm": {"1"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/departments?done=deleted" {
			t.Fatalf("delete: %d", p.status)
		}
		if _, err := e.store.Department(ctx, nieuw.ID); survey.ErrorCode(err) != survey.ENotFound {
			t.Fatalf("deleted department still there: %v", err)
		}
		if p := admin.get(path); p.status != http.StatusNotFound {
			t.Fatalf("deleted department's page: %d", p.status)
		}
		if p := admin.get("/departments/not-an-id"); p.status != http.StatusNotFound {
			t.Fatalf("bad id: %d", p.status)
		}
	})
}

func TestDepartmentWithResponsesCannotBeDeleted(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		admin := e.browser()
		admin.login("admin@example.org")
		// The lead's department has responses and a lead account.
		path := "/departments/" + e.lead.ID
		d := parseHTML(t, admin.get(path+"?lang=en").body)
		if d.has(tag("form", "id", "delete-form")) {
			t.Fatal("a delete form for a department in use")
		}
		if got := text(d.byID("delete-blocked")); !strings.Contains(got, "it takes part in a pulse whose answers are still kept") ||
			!strings.Contains(got, "a lead account belongs to it") || hasAttr(d.byID("delete-blocked"), "role") {
			t.Fatalf("reasons shown: %q", got)
		}
		token := attr(within(d.byID("edit-form"), tag("input", "name", "_csrf"))[0], "value")
		before := e.departments()
		p := admin.post(path+"/delete?lang=nl", url.Values{"_csrf": {token}, "confirm": {"1"}})
		d = parseHTML(t, p.body)
		blocked := d.byID("delete-blocked")
		if p.status != http.StatusConflict || attr(blocked, "role") != "alert" ||
			!strings.HasPrefix(text(blocked), "Deze afdeling kan niet worden verwijderd: ze doet mee aan een peiling waarvan de antwoorden nog bewaard worden") {
			t.Fatalf("delete refused: %d %q", p.status, text(blocked))
		}
		if after := e.departments(); !reflect.DeepEqual(after, before) {
			t.Fatal("a refused delete changed the departments")
		}
	})
}

const dutchExcel = "\xef\xbb\xbfnaam;aantal_medewerkers;extern_zichtbaar\r\n%s;99;nee\r\nDouane;14;nee\r\n\"Werving; selectie\";7;WAAR\r\n;;\r\n"

func TestDepartmentsImportFromAFile(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		admin := e.browser()
		admin.login("admin@example.org")
		token := admin.csrf("/departments")
		before := e.departments()
		existing := e.demo.Departments[0].Department

		// One bad row refuses the whole file, naming its lines.
		bad := fmt.Sprintf(dutchExcel, strings.ToUpper(existing.Name)) + "HR;veel;ja\r\nFinanciën;3;misschien\r\n"
		p := admin.postMultipart("/departments/import?lang=en", url.Values{"_csrf": {token}}, "afdelingen.csv", []byte(bad))
		if p.status != http.StatusBadRequest {
			t.Fatalf("bad file: %d", p.status)
		}
		d := parseHTML(t, p.body)
		var lines []string
		for _, li := range within(d.byID("import-errors"), tag("li")) {
			lines = append(lines, text(li))
		}
		want := []string{
			"Line 6: ‘veel’ is not a whole number; write the headcount without dots or commas, such as 1200.",
			"Line 7: ‘misschien’ is not yes or no (also fine: ja/nee, true/false, waar/onwaar, 1/0).",
		}
		if !reflect.DeepEqual(lines, want) {
			t.Fatalf("errors shown %q\nwant %q", lines, want)
		}
		if attr(d.byID("import-error"), "role") != "alert" {
			t.Error("import errors are not announced")
		}
		if after := e.departments(); !reflect.DeepEqual(after, before) {
			t.Fatal("a refused import changed the departments")
		}
		p = admin.postMultipart("/departments/import?lang=nl", url.Values{"_csrf": {token}}, "afdelingen.csv", []byte(bad))
		if li := within(parseHTML(t, p.body).byID("import-errors"), tag("li")); len(li) != 2 || !strings.HasPrefix(text(li[0]), "Regel 6: ‘veel’ is geen heel getal") {
			t.Fatalf("Dutch errors: %d", len(li))
		}

		// The good file: the existing name (other case) is updated, the
		// others created, all in one go; the summary follows the redirect.
		good := fmt.Sprintf(dutchExcel, strings.ToUpper(existing.Name))
		p = admin.postMultipart("/departments/import", url.Values{"_csrf": {token}}, "afdelingen.csv", []byte(good))
		if p.status != http.StatusSeeOther {
			t.Fatalf("good file: %d %s", p.status, p.body)
		}
		loc, frag, _ := strings.Cut(p.header.Get("Location"), "#")
		if frag != "dept-import-heading" {
			t.Errorf("redirect %s does not lead back to the import", p.header.Get("Location"))
		}
		d = parseHTML(t, admin.get(loc+"&lang=en").body)
		if got := text(d.byID("import-summary")); got != "Imported: 2 added, 1 updated, 0 unchanged." {
			t.Fatalf("summary %q", got)
		}
		if got, _ := e.store.Department(ctx, existing.ID); got.Name != strings.ToUpper(existing.Name) || got.Headcount != 99 || got.ExternallyVisible {
			t.Fatalf("updated %+v", got)
		}
		if w, ok := e.departmentNamed("Werving; selectie"); !ok || w.Headcount != 7 || !w.ExternallyVisible {
			t.Fatalf("created %+v %v", w, ok)
		}
		if n := len(e.departments()); n != len(before)+2 {
			t.Fatalf("%d departments, want %d", n, len(before)+2)
		}

		// Pasted lines work too, from a form without a file.
		p = admin.post("/departments/import", url.Values{"_csrf": {token}, "csv": {"Douane,14,no\nICT-beheer,5,yes"}})
		if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "created=1&done=imported&unchanged=1&updated=0") {
			t.Fatalf("pasted: %d %s", p.status, p.header.Get("Location"))
		}
		// A refused paste keeps the text to correct.
		p = admin.postMultipart("/departments/import?lang=en", url.Values{"_csrf": {token}, "csv": {"Douane,14,no\nDOUANE,3,yes"}}, "", nil)
		d = parseHTML(t, p.body)
		if p.status != http.StatusBadRequest || text(d.byID("csv")) != "Douane,14,no DOUANE,3,yes" ||
			text(within(d.byID("import-errors"), tag("li"))[0]) != "Line 2: ‘DOUANE’ is also on line 1 (case, invisible characters and look-alike letters do not matter)." {
			t.Fatalf("refused paste: %d", p.status)
		}
		p = admin.postMultipart("/departments/import?lang=en", url.Values{"_csrf": {token}}, "", nil)
		if p.status != http.StatusBadRequest || text(parseHTML(t, p.body).byID("import-errors")) != "Choose a file or paste lines to import." {
			t.Fatalf("nothing to import: %d", p.status)
		}

		// Too large: within the body limit the parser says so; beyond it
		// the server refuses before reading, with the console's page.
		big := bytes.Repeat([]byte("Afdeling,1,ja\n"), (survey.MaxImportBytes/14)+1)
		p = admin.postMultipart("/departments/import?lang=en", url.Values{"_csrf": {token}}, "big.csv", big)
		if p.status != http.StatusBadRequest || text(parseHTML(t, p.body).byID("import-errors")) != "The file is larger than 512 KB." {
			t.Fatalf("large file: %d", p.status)
		}
		huge := bytes.Repeat([]byte("Afdeling,1,ja\n"), 100_000)
		p = admin.postMultipart("/departments/import?lang=en", url.Values{"_csrf": {token}}, "huge.csv", huge)
		if p.status != http.StatusRequestEntityTooLarge || !strings.Contains(text(parseHTML(t, p.body).root), "A CSV file of departments may be at most 512 KB.") {
			t.Fatalf("huge file: %d", p.status)
		}
	})
}

func TestDepartmentsPagesNeedAnAdminAndTheCSRFToken(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin, viewer, lead := e.browser(), e.browser(), e.browser()
	admin.login("admin@example.org")
	viewer.login("viewer@example.org")
	lead.login("lead@example.org")
	before := e.departments()
	form := url.Values{"name": {"Zonder token"}, "headcount": {"3"}, "confirm": {"1"}}
	csv := []byte("Zonder token,3,yes\n")
	path := "/departments/" + e.lead.ID
	for who, b := range map[string]*browser{"viewer": viewer, "lead": lead} {
		for _, p := range []page{b.get("/departments"), b.get(path), b.post("/departments", form), b.post(path, form),
			b.post(path+"/delete", form), b.postMultipart("/departments/import", nil, "x.csv", csv)} {
			if p.status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", who, p.status)
			}
		}
		if parseHTML(t, b.get("/board").body).has(tag("a", "href", "/departments")) {
			t.Errorf("%s sees the departments item in the navigation", who)
		}
	}
	// An admin without the session's token is refused too, in every form.
	token := viewer.csrf("/board")
	for _, p := range []page{admin.post("/departments", form), admin.post(path, form), admin.post(path+"/delete", form),
		admin.postMultipart("/departments/import", nil, "x.csv", csv),
		admin.postMultipart("/departments/import", url.Values{"_csrf": {token}}, "x.csv", csv)} {
		if p.status != http.StatusForbidden {
			t.Errorf("admin without the CSRF token: %d", p.status)
		}
	}
	if after := e.departments(); !reflect.DeepEqual(after, before) {
		t.Fatal("refused requests changed the departments")
	}
	if p := e.browser().get("/departments"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous: %d", p.status)
	}
}

// apiCall sends body with its content type and a bearer token.
func (e *consoleEnv) apiCall(method, path, token, contentType, body string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type deptAPIErrorDoc struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
		Lines   []struct {
			Line    int    `json:"line"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"lines"`
	} `json:"error"`
}

func decodeDeptAPIError(t *testing.T, body string) deptAPIErrorDoc {
	t.Helper()
	var doc deptAPIErrorDoc
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.Error.Code == "" {
		t.Fatalf("not an API error: %s", body)
	}
	return doc
}

func TestDepartmentsAPI(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		admin, viewer := e.token("admin@example.org"), e.token("viewer@example.org")
		const jsonType = "application/json"
		before := e.departments()

		// Refusals are machine-readable and store nothing.
		for _, tc := range []struct {
			body   string
			status int
			code   string
			fields map[string]string
		}{
			{`{"name": "X"}`, 400, "dept_invalid", map[string]string{"headcount": "dept_field_missing", "externally_visible": "dept_field_missing"}},
			{`{"name": " ", "headcount": 3, "externally_visible": true}`, 400, "dept_invalid", map[string]string{"name": "dept_name_missing"}},
			{`{"name": "X", "headcount": -1, "externally_visible": true}`, 400, "dept_invalid", map[string]string{"headcount": "dept_headcount_range"}},
			{`{"name": "X", "headcount": 2.5, "externally_visible": true}`, 400, "bad_request", nil},
			{`{"name": "X", "headcount": 2, "externally_visible": true, "colour": "red"}`, 400, "bad_request", nil},
			{`{"name": "X", "headcount": 2, "externally_visible": true} {}`, 400, "bad_request", nil},
			{fmt.Sprintf(`{"name": %q, "headcount": 2, "externally_visible": true}`, e.lead.Name), 409, "dept_exists", map[string]string{"name": "dept_exists"}},
		} {
			code, body := e.apiCall("POST", "/api/v1/departments?lang=en", admin, jsonType, tc.body)
			doc := decodeDeptAPIError(t, body)
			if code != tc.status || doc.Error.Code != tc.code || !reflect.DeepEqual(doc.Error.Fields, tc.fields) || doc.Error.Message == "" {
				t.Errorf("POST %s: %d %s", tc.body, code, body)
			}
		}
		if after := e.departments(); !reflect.DeepEqual(after, before) {
			t.Fatal("refused API calls changed the departments")
		}

		code, body := e.apiCall("POST", "/api/v1/departments", admin, jsonType, `{"name": " Douane ", "headcount": 14, "externally_visible": false}`)
		var created struct {
			ID                string `json:"id"`
			Name              string `json:"name"`
			Headcount         int    `json:"headcount"`
			ExternallyVisible bool   `json:"externally_visible"`
		}
		if code != http.StatusCreated || json.Unmarshal([]byte(body), &created) != nil || created.Name != "Douane" || created.Headcount != 14 ||
			created.ExternallyVisible || !survey.ValidID(created.ID) {
			t.Fatalf("create: %d %s", code, body)
		}
		if code, _ := e.apiCall("POST", "/api/v1/departments", viewer, jsonType, `{"name": "V", "headcount": 1, "externally_visible": true}`); code != http.StatusForbidden {
			t.Fatalf("viewer creates: %d", code)
		}

		code, body = e.apiCall("PUT", "/api/v1/departments/"+created.ID, admin, jsonType, `{"name": "Douane Rotterdam", "headcount": 15, "externally_visible": false}`)
		if code != http.StatusOK || !strings.Contains(body, `"name":"Douane Rotterdam"`) {
			t.Fatalf("update: %d %s", code, body)
		}
		if got, _ := e.store.Department(ctx, created.ID); got.Name != "Douane Rotterdam" || got.Headcount != 15 {
			t.Fatalf("updated %+v", got)
		}
		code, body = e.apiCall("PUT", "/api/v1/departments/"+created.ID, admin, jsonType, `{"name": "Douane Rotterdam", "headcount": 15}`)
		if doc := decodeDeptAPIError(t, body); code != 400 || doc.Error.Fields["externally_visible"] != "dept_field_missing" {
			t.Fatalf("update without a field: %d %s", code, body)
		}
		for _, id := range []string{survey.NewID(), "nope"} {
			code, body = e.apiCall("PUT", "/api/v1/departments/"+id, admin, jsonType, `{"name": "Z", "headcount": 1, "externally_visible": true}`)
			if decodeDeptAPIError(t, body).Error.Code != "dept_not_found" || code != 404 {
				t.Fatalf("update unknown %s: %d %s", id, code, body)
			}
		}

		// Delete: refused with the reasons while in use; gone otherwise.
		code, body = e.apiCall("DELETE", "/api/v1/departments/"+e.lead.ID+"?lang=en", admin, "", "")
		doc := decodeDeptAPIError(t, body)
		if code != http.StatusConflict || doc.Error.Code != "dept_in_use" ||
			!reflect.DeepEqual(doc.Error.Fields, map[string]string{"responses": "dept_has_responses", "leads": "dept_has_leads"}) {
			t.Fatalf("delete in use: %d %s", code, body)
		}
		if code, body := e.apiCall("DELETE", "/api/v1/departments/"+created.ID, admin, "", ""); code != http.StatusNoContent || body != "" {
			t.Fatalf("delete: %d %s", code, body)
		}
		if code, body := e.apiCall("DELETE", "/api/v1/departments/"+created.ID, admin, "", ""); code != 404 || decodeDeptAPIError(t, body).Error.Code != "dept_not_found" {
			t.Fatalf("delete again: %d %s", code, body)
		}

		// Import: all or nothing, problems per line.
		before = e.departments()
		bad := "name,headcount,externally_visible\nICT,12,yes\nHR,12.5,yes\n"
		code, body = e.apiCall("POST", "/api/v1/departments/import?lang=en", admin, "text/csv; charset=utf-8", bad)
		doc = decodeDeptAPIError(t, body)
		if code != http.StatusBadRequest || doc.Error.Code != "dept_import_invalid" || len(doc.Error.Lines) != 1 ||
			doc.Error.Lines[0].Line != 3 || doc.Error.Lines[0].Code != "dept_csv_headcount_number" ||
			doc.Error.Lines[0].Message != "Line 3: ‘12.5’ is not a whole number; write the headcount without dots or commas, such as 1200." {
			t.Fatalf("bad import: %d %s", code, body)
		}
		if code, body := e.apiCall("POST", "/api/v1/departments/import", admin, "application/json", `{}`); code != http.StatusUnsupportedMediaType ||
			decodeDeptAPIError(t, body).Error.Code != "dept_import_media_type" {
			t.Fatalf("JSON to import: %d %s", code, body)
		}
		if code, _ := e.apiCall("POST", "/api/v1/departments/import", admin, "text/csv; charset=windows-1252", "ICT,1,ja\n"); code != http.StatusUnsupportedMediaType {
			t.Fatalf("Windows-1252: %d", code)
		}
		big := strings.Repeat("Afdeling,1,ja\n", survey.MaxImportBytes/14+1)
		if code, body := e.apiCall("POST", "/api/v1/departments/import", admin, "text/csv", big); code != http.StatusRequestEntityTooLarge ||
			decodeDeptAPIError(t, body).Error.Lines[0].Code != "dept_csv_too_large" {
			t.Fatalf("large import: %d", code)
		}
		if code, _ := e.apiCall("POST", "/api/v1/departments/import", viewer, "text/csv", "ICT,1,ja\n"); code != http.StatusForbidden {
			t.Fatalf("viewer imports: %d", code)
		}
		if after := e.departments(); !reflect.DeepEqual(after, before) {
			t.Fatal("refused imports changed the departments")
		}
		code, body = e.apiCall("POST", "/api/v1/departments/import", admin, "text/csv", fmt.Sprintf(dutchExcel, e.lead.Name))
		if code != http.StatusOK || body != `{"created":2,"updated":1,"unchanged":0}`+"\n" {
			t.Fatalf("import: %d %s", code, body)
		}
		code, body = e.apiCall("GET", "/api/v1/departments", admin, "", "")
		if code != http.StatusOK || !strings.Contains(body, `"name":"Werving; selectie","headcount":7,"externally_visible":true`) {
			t.Fatalf("list after import: %d %s", code, body)
		}
	})
}

// The nav item is where the brief put it: after Participation.
func TestDepartmentsNavFollowsParticipation(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	d := parseHTML(t, admin.get("/board?lang=en").body)
	var hrefs []string
	for _, a := range d.all(func(n *html.Node) bool { return n.Data == "a" && n.Parent != nil && n.Parent.Data == "li" }) {
		hrefs = append(hrefs, attr(a, "href"))
	}
	i := strings.Index(strings.Join(hrefs, " "), "/participation /departments")
	if i < 0 {
		t.Fatalf("navigation %v", hrefs)
	}
}

// Every problem code the import can report is documented in openapi.json.
func TestOpenAPIDocumentsTheImportProblemCodes(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	resp, err := http.Get(e.srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	n := 0
	for _, key := range i18n.Keys() {
		if strings.HasPrefix(key, "dept_csv_") {
			n++
			if !bytes.Contains(body, []byte(`"`+key+`"`)) {
				t.Errorf("%s is not in openapi.json", key)
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d dept_csv_ keys", n)
	}
}

// Every problem the parser reports has a text in every language, which
// takes exactly the arguments the problem carries.
func TestImportProblemsAreTranslated(t *testing.T) {
	header := "naam;aantal_medewerkers;extern_zichtbaar\n"
	var many strings.Builder
	for i := range survey.MaxImportRows + 1 {
		fmt.Fprintf(&many, "Afdeling %d,1,ja\n", i)
	}
	inputs := []string{"", header, "naam;aantal_medewerkers;kleur\n", many.String(), "naam,naam\n", header + ";x;z\nA;-1;\nB;1\nC;1;ja\nc;1;ja\n\"x\n",
		header + strings.Repeat("a", 101) + ";1;ja\n\"a\nb\";1;ja\nD;;ja\n", "Caf\xe9;1;ja\n", strings.Repeat("x,y,z\n", 200),
		strings.Repeat("a,1,ja\n", survey.MaxImportBytes)}
	seen := map[string]bool{}
	for _, in := range inputs {
		_, errs := survey.ParseDepartmentsCSV(strings.NewReader(in))
		for _, e := range errs {
			seen[e.Key] = true
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, e.Key) {
					t.Errorf("%s has no %s text", e.Key, lang)
				}
				if got := len(i18n.Placeholders(i18n.Raw(lang, e.Key))); got != len(e.Args) {
					t.Errorf("%s (%s): %d placeholders for %d arguments", e.Key, lang, got, len(e.Args))
				}
			}
		}
	}
	if len(seen) < 19 {
		t.Fatalf("only %d kinds of problem produced: %v", len(seen), seen)
	}
}
