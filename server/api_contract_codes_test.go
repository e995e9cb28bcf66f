package server_test

import (
	"encoding/json"
	"go/ast"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every error code the API's error helpers are called with, as a literal or
// a constant, is in the enum of openapi.json's Error schema (or of
// DepartmentError or PulseError, which the departments and the pulse
// lifecycle answer with). Codes computed at run time (a store error's key)
// are TestAPIContract's to meet: it validates every answer it provokes.
func TestAPIErrorCodesAreDocumented(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties struct {
					Error struct {
						Properties struct {
							Code struct {
								Enum []string `json:"enum"`
							} `json:"code"`
						} `json:"properties"`
					} `json:"error"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	for _, name := range []string{"Error", "DepartmentError", "PulseError"} {
		enum := doc.Components.Schemas[name].Properties.Error.Properties.Code.Enum
		if len(enum) == 0 {
			t.Fatalf("openapi.json: schema %s has no enum of codes", name)
		}
		for _, c := range enum {
			documented[c] = append(documented[c], name)
		}
	}

	fset := token.NewFileSet()
	files := parseGoFiles(t, fset, ".")
	consts := map[string]map[string]string{"": stringConsts(files)}
	constsOf := func(path string) map[string]string {
		if c, ok := consts[path]; ok {
			return c
		}
		dir, ok := strings.CutPrefix(path, "trots/")
		if !ok {
			consts[path] = nil
			return nil
		}
		consts[path] = stringConsts(parseGoFiles(t, token.NewFileSet(), filepath.Join("..", filepath.FromSlash(dir))))
		return consts[path]
	}
	// codeArg is the argument holding the code, by helper.
	codeArg := map[string]int{"apiError": 3, "apiRefusal": 3, "apiErrorMessage": 2, "pulseAPIError": 3}
	found := map[string]bool{}
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
			i, ok := codeArg[fn.Name]
			if !ok || len(call.Args) <= i {
				return true
			}
			code, ok := "", false
			switch a := call.Args[i].(type) {
			case *ast.BasicLit:
				var err error
				code, err = strconv.Unquote(a.Value)
				ok = a.Kind == token.STRING && err == nil
			case *ast.Ident:
				code, ok = consts[""][a.Name]
			case *ast.SelectorExpr:
				if pkg, isIdent := a.X.(*ast.Ident); isIdent && imports[pkg.Name] != "" {
					code, ok = constsOf(imports[pkg.Name])[a.Sel.Name]
				}
			}
			if !ok {
				return true // computed at run time
			}
			found[code] = true
			if len(documented[code]) == 0 {
				t.Errorf("%s: %s answers with code %q, which is not in openapi.json's Error enum (nor DepartmentError's or PulseError's): add it there and to the responses of the operations that give it",
					fset.Position(call.Pos()), fn.Name, code)
			}
			return true
		})
	}
	// The walk saw the calls.
	for _, code := range []string{"api_unauthorized", "api_forbidden", "results_after_close", "action_lead_other", "audit_bad_limit", "pulse_not_found", "too_large"} {
		if !found[code] {
			t.Errorf("no call answering %q found: does the walk still see the API's error helpers?", code)
		}
	}
	if len(found) < 20 {
		t.Errorf("only %d codes found: %v", len(found), slices.Sorted(maps.Keys(found)))
	}
}
