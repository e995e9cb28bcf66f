package i18n_test

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"trots/server/i18n"
)

// Every key has a text in every language, and the texts of one key take
// the same placeholders, so that no page ever shows a missing or half
// translated text.
func TestCatalogIsCompleteInEveryLanguage(t *testing.T) {
	keys := i18n.Keys()
	if len(keys) < 50 {
		t.Fatalf("only %d keys: is the catalogue loaded?", len(keys))
	}
	for _, key := range keys {
		want := i18n.Placeholders(i18n.Raw(i18n.Languages[0], key))
		for _, lang := range i18n.Languages {
			if !i18n.Has(lang, key) {
				t.Errorf("%s: no %s text", key, lang)
				continue
			}
			text := i18n.Raw(lang, key)
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: empty %s text", key, lang)
			}
			if got := i18n.Placeholders(text); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s placeholders %v differ from %v", key, lang, got, want)
			}
		}
	}
}

func TestT(t *testing.T) {
	if got := i18n.T("en", "progress_text", 3, 40); got != "3 of 40 questions answered" {
		t.Fatalf("T = %q", got)
	}
	if got := i18n.T("nl", "progress_text", 3, 40); got != "3 van 40 vragen beantwoord" {
		t.Fatalf("T = %q", got)
	}
	if got := i18n.T("en", "no_such_key"); got != "[[no_such_key]]" {
		t.Fatalf("missing key = %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		choice, accept, def string
		offered             []string
		want                string
	}{
		{"", "", "nl", nil, "nl"},
		{"", "en-GB,en;q=0.9", "nl", nil, "en"},
		{"", "nl-BE,fr;q=0.8", "en", nil, "nl"},
		{"", "fr-FR,de;q=0.9", "en", nil, "en"},
		{"", "fr-FR, en;q=0.5", "nl", nil, "en"},
		{"en", "nl", "nl", nil, "en"},
		{"EN ", "nl", "nl", nil, "en"},
		{"de", "en", "nl", nil, "en"},
		{"en", "en", "nl", []string{"nl"}, "nl"},
		{"", "garbage;;q=x", "en", nil, "en"},
		{"", "", "xx", nil, "nl"},
	} {
		if got := i18n.Negotiate(tc.choice, tc.accept, tc.def, tc.offered); got != tc.want {
			t.Errorf("Negotiate(%q, %q, %q, %v) = %q, want %q", tc.choice, tc.accept, tc.def, tc.offered, got, tc.want)
		}
	}
}

// Two catalogue files may not hold the same key: which text wins would
// depend on the order the files are read in.
func TestCatalogFilesDoNotShareKeys(t *testing.T) {
	fsys := fstest.MapFS{
		"catalog.json":      {Data: []byte(`{"a": {"nl": "A", "en": "A"}}`)},
		"catalog_more.json": {Data: []byte(`{"a": {"nl": "B", "en": "B"}}`)},
	}
	if _, err := i18n.LoadCatalog(fsys); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("duplicate key: err = %v", err)
	}
	fsys["catalog_more.json"] = &fstest.MapFile{Data: []byte(`{"b": {"nl": "B", "en": "B"}}`)}
	c, err := i18n.LoadCatalog(fsys)
	if err != nil || len(c) != 2 {
		t.Fatalf("two files: %v, %v", c, err)
	}
	fsys["catalog_more.json"] = &fstest.MapFile{Data: []byte(`{"b": `)}
	if _, err := i18n.LoadCatalog(fsys); err == nil || !strings.Contains(err.Error(), "catalog_more.json") {
		t.Fatalf("broken file: err = %v", err)
	}
}
