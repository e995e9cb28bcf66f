package reports

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
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
	texts := sourceTexts(t)
	for _, st := range texts {
		got := map[string]string{"nl": st.nl, "en": st.en}
		for _, lang := range []string{"nl", "en"} {
			if got[lang] == "" {
				t.Errorf("%s: no %s text", st.pos, lang)
			}
			for _, m := range percent.FindAllString(got[lang], -1) {
				if m == "%" {
					t.Errorf("%s: %s has a bare %% (write %%%% for a percent sign): %q", st.pos, lang, got[lang])
				}
			}
		}
		nl, en := arguments(st.nl), arguments(st.en)
		if !slices.Equal(nl, en) {
			t.Errorf("%s: verbs differ: nl %v, en %v", st.pos, verb.FindAllString(st.nl, -1), verb.FindAllString(st.en, -1))
		}
	}
	if len(texts) < 200 {
		t.Errorf("found only %d texts: is the test still finding them?", len(texts))
	}
}

// TestDutchIsInformal checks that no Dutch text addresses the reader with
// the formal "u" or "uw": the reports say "je" and "jouw" throughout.
func TestDutchIsInformal(t *testing.T) {
	for _, st := range sourceTexts(t) {
		if w := FormalWords(st.nl); len(w) > 0 {
			t.Errorf("%s: formal %q in %q", st.pos, w, st.nl)
		}
	}
}

// sourceText is one text literal of the package's source.
type sourceText struct {
	pos    token.Position
	nl, en string
}

// sourceTexts parses the package's source (tests apart) and returns every
// text literal in it.
func sourceTexts(t *testing.T) []sourceText {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []sourceText
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
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
			st := sourceText{pos: fset.Position(lit.Pos())}
			for _, e := range lit.Elts {
				kv := e.(*ast.KeyValueExpr)
				key := kv.Key.(*ast.Ident).Name
				bl, ok := kv.Value.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					t.Errorf("%s: %s is not a string literal", st.pos, key)
					continue
				}
				s, err := strconv.Unquote(bl.Value)
				if err != nil {
					t.Fatal(err)
				}
				if key == "nl" {
					st.nl = s
				} else {
					st.en = s
				}
			}
			out = append(out, st)
			return true
		})
	}
	return out
}

// arguments lists the verbs of a format string by the argument each one
// formats, as fmt numbers them ("%s" takes the argument after the previous
// verb's, "%[2]s" the second), sorted by argument: a language may put the
// arguments in another order with explicit indexes, but every argument must
// be formatted with the same verb in both languages.
func arguments(format string) []string {
	var out []string
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		arg := next
		if m[1] != "" {
			arg, _ = strconv.Atoi(m[1][1 : len(m[1])-1])
		}
		next = arg + 1
		out = append(out, fmt.Sprintf("%d:%s", arg, m[0][len(m[0])-1:]))
	}
	slices.Sort(out)
	return out
}

func TestArguments(t *testing.T) {
	if a, b := arguments("%s op %s: %s"), arguments("%[1]s, %[3]s on %[2]s"); !slices.Equal(a, b) {
		t.Errorf("the same arguments in another order: %v, %v", a, b)
	}
	if a, b := arguments("%s %d"), arguments("%d %s"); slices.Equal(a, b) {
		t.Errorf("different verbs for the same argument: %v, %v", a, b)
	}
	if a, b := arguments("%s %s"), arguments("%s"); slices.Equal(a, b) {
		t.Errorf("a missing argument: %v, %v", a, b)
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

// FormalWords returns the words of Dutch text s that address the reader
// formally ("u", "uw", "uzelf"), whatever their case. Exported for the
// tests that read the rendered reports.
func FormalWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		switch strings.ToLower(w) {
		case "u", "uw", "uzelf":
			out = append(out, w)
		}
	}
	return out
}

func TestFormalWords(t *testing.T) {
	for s, want := range map[string]int{
		"Alleen uw eigen cijfers tellen.":         1,
		"U kunt meedoen; kijkt u mee?":            2,
		"Uw cijfers.":                             1,
		"Alleen je eigen cijfers, uur en uitleg.": 0,
		"Vertel wat jouw bericht opleverde.":      0,
	} {
		if got := FormalWords(s); len(got) != want {
			t.Errorf("FormalWords(%q) = %q, want %d", s, got, want)
		}
	}
}
