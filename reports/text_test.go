package reports

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// verb matches the formatting verbs the texts may use; a percent sign
// that is not part of one (or of "%%") is a mistake.
var (
	verb    = regexp.MustCompile(`%(\[[0-9]+\])?[ds]`)
	percent = regexp.MustCompile(`%(\[[0-9]+\])?[ds]|%%|%`)
)

// TestEveryTextInBothLanguages reads the package's source and checks every
// text literal ({nl: ..., en: ...}): both languages present and not empty,
// the same formatting verbs in each, and every literal percent sign
// written as "%%".
func TestEveryTextInBothLanguages(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	count := 0
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || !isText(lit) {
				return true
			}
			count++
			pos := fset.Position(lit.Pos())
			got := map[string]string{}
			for _, e := range lit.Elts {
				kv := e.(*ast.KeyValueExpr)
				key := kv.Key.(*ast.Ident).Name
				bl, ok := kv.Value.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					t.Errorf("%s: %s is not a string literal", pos, key)
					continue
				}
				s, err := strconv.Unquote(bl.Value)
				if err != nil {
					t.Fatal(err)
				}
				got[key] = s
			}
			for _, lang := range []string{"nl", "en"} {
				if got[lang] == "" {
					t.Errorf("%s: no %s text", pos, lang)
				}
				for _, m := range percent.FindAllString(got[lang], -1) {
					if m == "%" {
						t.Errorf("%s: %s has a bare %% (write %%%% for a percent sign): %q", pos, lang, got[lang])
					}
				}
			}
			nl, en := verb.FindAllString(got["nl"], -1), verb.FindAllString(got["en"], -1)
			if !slices.Equal(nl, en) {
				t.Errorf("%s: verbs differ: nl %v, en %v", pos, nl, en)
			}
			return true
		})
	}
	if count < 200 {
		t.Errorf("found only %d texts: is the test still finding them?", count)
	}
}

// isText reports whether lit is a text{nl: ..., en: ...} literal (typed or
// elided in a map or slice of texts).
func isText(lit *ast.CompositeLit) bool {
	if id, ok := lit.Type.(*ast.Ident); ok && id.Name == "text" {
		return true
	}
	if lit.Type != nil || len(lit.Elts) == 0 {
		return false
	}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return false
		}
		k, ok := kv.Key.(*ast.Ident)
		if !ok || (k.Name != "nl" && k.Name != "en") {
			return false
		}
	}
	return true
}

func TestTextFormatting(t *testing.T) {
	pct := text{nl: "%d%% wil", en: "%d%% want"}
	if got := pct.f("nl", 58); got != "58% wil" {
		t.Errorf("f: %q", got)
	}
	plain := text{nl: "95%%-interval", en: "95%% interval"}
	if got := plain.in("en"); got != "95% interval" {
		t.Errorf("in: %q", got)
	}
}
