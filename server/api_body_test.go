package server_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"trots/server"
	"trots/server/i18n"
	"trots/survey/storetest"
)

// mustJSONOf is v as JSON, to compare what the store holds before and after.
func mustJSONOf(t *testing.T, v any, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every JSON body of the console's API is read alike: JSON by its media
// type, one value and nothing after it, no unknown field. A refused body
// stores nothing; a correct one still does what it asks.
func TestAPIBodiesAreRefusedBeforeAnythingIsStored(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newReportsEnv(t, dsn)
		tok := e.token("admin@example.org")
		admin := e.user("admin@example.org")
		base := e.demo.Baseline.ID
		endpoints := []struct {
			name, method, path, body string
			success                  int
			// state is what the endpoint could change, as JSON.
			state func() string
		}{
			{"decision", "POST", "/api/v1/pulses/" + base + "/decisions",
				`{"department_id":"` + e.lead.ID + `","choice":"go","note":"plain"}`, http.StatusCreated,
				func() string { d, err := e.store.Decisions(ctx, base, ""); return mustJSONOf(t, d, err) }},
			{"pulse", "POST", "/api/v1/pulses",
				`{"name":"Body test","questionnaire":"pulse"}`, http.StatusCreated,
				func() string { p, err := e.store.Pulses(ctx); return mustJSONOf(t, p, err) }},
			{"new department", "POST", "/api/v1/departments",
				`{"name":"Body test","headcount":3,"externally_visible":true}`, http.StatusCreated,
				func() string { d, err := e.store.Departments(ctx); return mustJSONOf(t, d, err) }},
			{"department update", "PUT", "/api/v1/departments/" + e.lead.ID,
				`{"name":"Body test renamed","headcount":9,"externally_visible":true}`, http.StatusOK,
				func() string { d, err := e.store.Departments(ctx); return mustJSONOf(t, d, err) }},
			{"report", "POST", "/api/v1/pulses/" + base + "/reports",
				`{"lang":"en"}`, http.StatusAccepted,
				func() string { j, err := e.store.ReportJobs(ctx, admin.ID, 10); return mustJSONOf(t, j, err) }},
		}
		const jsonType = "application/json"
		type refusal struct {
			name, contentType, lang, body string
			status                        int
			code, message                 string
		}
		for _, ep := range endpoints {
			// One goroutine for the whole test (no subtests): the helpers
			// fail the test they were made with.
			{
				valid := ep.body
				withField := "{" + `"colour":"red",` + valid[1:]
				big := valid[:len(valid)-1] + strings.Repeat(" ", 17<<10) + "}"
				for _, r := range []refusal{
					{"text/plain", "text/plain", "en", valid, 415, "unsupported_media_type", i18n.T("en", "api_unsupported_media_type")},
					{"text/plain in Dutch", "text/plain; charset=utf-8", "nl", valid, 415, "unsupported_media_type", i18n.T("nl", "api_unsupported_media_type")},
					{"no Content-Type", "", "en", valid, 415, "unsupported_media_type", i18n.T("en", "api_unsupported_media_type")},
					{"a form", "application/x-www-form-urlencoded", "en", valid, 415, "unsupported_media_type", i18n.T("en", "api_unsupported_media_type")},
					{"JSON in Latin-1", "application/json; charset=iso-8859-1", "en", valid, 415, "unsupported_media_type", i18n.T("en", "api_unsupported_media_type")},
					{"text/plain with trailing garbage", "text/plain", "en", valid + " trailing garbage", 415, "unsupported_media_type", i18n.T("en", "api_unsupported_media_type")},
					{"trailing garbage", jsonType, "en", valid + " trailing garbage", 400, "bad_request", i18n.T("en", "api_trailing_data")},
					{"not JSON at all after the value", jsonType, "en", valid + " not json at all", 400, "bad_request", i18n.T("en", "api_trailing_data")},
					{"a stray brace", jsonType, "en", valid + "}", 400, "bad_request", i18n.T("en", "api_trailing_data")},
					{"a second object", jsonType, "en", valid + "\n{}", 400, "bad_request", i18n.T("en", "api_trailing_data")},
					{"a second value", jsonType, "nl", valid + " null", 400, "bad_request", i18n.T("nl", "api_trailing_data")},
					{"unknown field", jsonType, "en", withField, 400, "bad_request", i18n.T("en", "api_unknown_field", "colour")},
					{"unknown field in Dutch", jsonType, "nl", withField, 400, "bad_request", i18n.T("nl", "api_unknown_field", "colour")},
					{"not JSON", jsonType, "en", "department=x", 400, "bad_request", i18n.T("en", "bad_request")},
					{"cut short", jsonType, "en", valid[:len(valid)-1], 400, "bad_request", i18n.T("en", "bad_request")},
					{"too large", jsonType, "en", big, 413, "too_large", i18n.T("en", "api_too_large", 16)},
				} {
					before := ep.state()
					code, body := e.apiSend(ep.method, ep.path, tok, r.contentType, r.lang, r.body)
					var doc struct {
						Error struct{ Code, Message string }
					}
					if err := json.Unmarshal([]byte(body), &doc); err != nil || code != r.status || doc.Error.Code != r.code || doc.Error.Message != r.message {
						t.Errorf("%s, %s: %d %s, want %d %s %q", ep.name, r.name, code, body, r.status, r.code, r.message)
					}
					if strings.Contains(doc.Error.Message, "[[") {
						t.Errorf("%s, %s: untranslated message %q", ep.name, r.name, doc.Error.Message)
					}
					if after := ep.state(); after != before {
						t.Errorf("%s, %s: a refused body changed the store:\nbefore %s\nafter  %s", ep.name, r.name, before, after)
					}
				}

				// The same request, correctly sent, still works (with a
				// charset and trailing whitespace, both allowed), and the
				// store shows it: the checks above could see a change.
				before := ep.state()
				code, body := e.apiSend(ep.method, ep.path, tok, "application/json; charset=UTF-8", "en", valid+"\r\n\t ")
				if code != ep.success {
					t.Errorf("%s, correct request: %d %s, want %d", ep.name, code, body, ep.success)
				} else if after := ep.state(); after == before {
					t.Errorf("%s, correct request stored nothing: %s", ep.name, after)
				}
			}
		}

		// A report's body may be left out, whatever the Content-Type says.
		code, body := e.apiSend("POST", "/api/v1/pulses/"+base+"/reports", tok, "text/plain", "en", "")
		var job struct{ ID string }
		if code != http.StatusAccepted || json.Unmarshal([]byte(body), &job) != nil {
			t.Fatalf("report without a body: %d %s", code, body)
		}
		if j := e.waitJob(job.ID, admin); j.Lang != "en" && j.Lang != "nl" {
			t.Fatalf("report without a body: %+v", j)
		}
	})
}

// A decision for a department the pulse does not have answers with a text,
// not with the raw key (it once answered "[[department_not_found]]").
func TestAPIUnknownDepartmentOfADecisionIsExplained(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		tok := e.token("viewer@example.org")
		for _, lang := range i18n.Languages {
			code, body := e.apiSend("POST", "/api/v1/pulses/"+e.demo.Baseline.ID+"/decisions", tok, "application/json", lang,
				`{"department_id":"zzz","choice":"go","note":"x"}`)
			var doc struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(body), &doc); err != nil || code != http.StatusNotFound || doc.Error.Code != "dept_not_found" ||
				doc.Error.Message != i18n.T(lang, "dept_not_found") || strings.Contains(doc.Error.Message, "[[") {
				t.Errorf("%s: %d %s", lang, code, body)
			}
		}
		if d, err := e.store.Decisions(ctx, e.demo.Baseline.ID, ""); err != nil || len(d) != 0 {
			t.Fatalf("decisions %v %v", d, err)
		}
	})
}

// Every key an API error is answered with (the key argument of apiError,
// the message key of apiRefusal) has a text in every language: a missing
// one would reach the client as "[[key]]". Keys are string literals or
// constants (of package server or of a trots package it imports); keys
// computed at run time are checked where they are made.
func TestAPIErrorKeysAreInTheCatalogue(t *testing.T) {
	fset := token.NewFileSet()
	files := parseGoFiles(t, fset, ".")
	consts := map[string]map[string]string{"": stringConsts(files)} // by import path; "" is package server
	constsOf := func(path string) map[string]string {
		if c, ok := consts[path]; ok {
			return c
		}
		dir, ok := strings.CutPrefix(path, "trots/")
		if !ok {
			consts[path] = nil // not of this module: never a key's home
			return nil
		}
		consts[path] = stringConsts(parseGoFiles(t, token.NewFileSet(), filepath.Join("..", filepath.FromSlash(dir))))
		return consts[path]
	}
	// keyArg is the argument holding the translation key, by function.
	keyArg := map[string]int{"apiError": 3, "apiRefusal": 4}
	checked, skipped := map[string]bool{}, 0
	for _, f := range files {
		imports := map[string]string{}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			name := p[strings.LastIndex(p, "/")+1:]
			if im.Name != nil {
				name = im.Name.Name
			}
			imports[name] = p
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			i, ok := keyArg[fn.Name]
			if !ok || len(call.Args) <= i {
				return true
			}
			at := fset.Position(call.Pos())
			key, ok := "", false
			switch a := call.Args[i].(type) {
			case *ast.BasicLit:
				var err error
				key, err = strconv.Unquote(a.Value)
				ok = a.Kind == token.STRING && err == nil
			case *ast.Ident:
				key, ok = consts[""][a.Name]
			case *ast.SelectorExpr:
				if pkg, isIdent := a.X.(*ast.Ident); isIdent && imports[pkg.Name] != "" {
					key, ok = constsOf(imports[pkg.Name])[a.Sel.Name]
				}
			}
			if !ok {
				skipped++
				return true
			}
			checked[key] = true
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, key) {
					t.Errorf("%s: %s(..., %q) has no %s text in the catalogue", at, fn.Name, key, lang)
				}
			}
			// apiRefusal fills in placeholders: as many as the text has.
			if fn.Name == "apiRefusal" && call.Ellipsis == token.NoPos {
				var ph []string
				for _, p := range i18n.Placeholders(i18n.Raw("en", key)) {
					if !slices.Contains(ph, p) {
						ph = append(ph, p)
					}
				}
				if args := len(call.Args) - i - 1; args != len(ph) {
					t.Errorf("%s: apiRefusal(..., %q) gives %d arguments for %v", at, key, args, ph)
				}
			}
			return true
		})
	}
	// The walk found the calls: those of the survey API and the console's.
	for _, key := range []string{"bad_request", "unsupported_media_type", "api_unsupported_media_type", "dept_not_found", "results_after_close", "reports_not_ready"} {
		if !checked[key] {
			t.Errorf("no apiError or apiRefusal with the key %q found: does the walk still see the calls?", key)
		}
	}
	if len(checked) < 15 {
		t.Errorf("only %d keys checked (%d computed at run time)", len(checked), skipped)
	}
}

// parseGoFiles parses the Go files of dir, tests left out.
func parseGoFiles(t *testing.T, fset *token.FileSet, dir string) []*ast.File {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return files
}

// stringConsts maps the names of the package-level constants that are a
// string literal to their values.
func stringConsts(files []*ast.File) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, err := strconv.Unquote(lit.Value); err == nil {
							out[name.Name] = v
						}
					}
				}
			}
		}
	}
	return out
}
