// Package i18n holds the texts of trots' pages in Dutch and English, in one
// embedded catalogue, and picks the language a visitor reads.
//
// A text may hold positional placeholders {0}, {1}, ...; T fills them in.
// The same texts go to the browser for its small script (a progress count,
// a character counter), which fills in the placeholders the same way.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Languages trots speaks, the first being the fallback.
var Languages = []string{"nl", "en"}

// Names are the languages' names in themselves, for the language switch.
var Names = map[string]string{"nl": "Nederlands", "en": "English"}

// The catalogue is split by part of the product (catalog.json for the
// survey, catalog_<part>.json for the console's rooms), so that a key is
// found next to its neighbours; a key may live in one file only.
//
//go:embed catalog*.json
var catalogFiles embed.FS

// catalog maps a key to its text per language.
var catalog = func() map[string]map[string]string {
	c, err := loadCatalog(catalogFiles)
	if err != nil {
		panic("i18n: " + err.Error())
	}
	return c
}()

func loadCatalog(fsys fs.FS) (map[string]map[string]string, error) {
	names, err := fs.Glob(fsys, "catalog*.json")
	if err != nil {
		return nil, err
	}
	all := map[string]map[string]string{}
	from := map[string]string{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var c map[string]map[string]string
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for k, v := range c {
			if prev, dup := from[k]; dup {
				return nil, fmt.Errorf("key %q is in both %s and %s", k, prev, name)
			}
			from[k] = name
			all[k] = v
		}
	}
	return all, nil
}

// Keys returns every key of the catalogue, sorted.
func Keys() []string {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether key has a text in lang.
func Has(lang, key string) bool {
	_, ok := catalog[key][lang]
	return ok
}

// Raw returns the text of key in lang with its placeholders left in.
func Raw(lang, key string) string {
	if s, ok := catalog[key][lang]; ok {
		return s
	}
	if s, ok := catalog[key][Languages[0]]; ok {
		return s
	}
	// A missing key shows up in the page, where tests look for it.
	return "[[" + key + "]]"
}

// T returns the text of key in lang with {0}, {1}, ... replaced by args.
func T(lang, key string, args ...any) string {
	s := Raw(lang, key)
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, 2*len(args))
	for i, a := range args {
		pairs = append(pairs, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Placeholders returns the placeholders a text uses, sorted, for the test
// that both languages of a key take the same arguments.
func Placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, s[i:i+j+1])
		s = s[i+j+1:]
	}
	sort.Strings(out)
	return out
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Negotiate picks the language of a page: the explicit choice (?lang=) when
// it is offered, else the best match of the Accept-Language header, else
// def. offered narrows Languages (a questionnaire may be in one language
// only); nil means all.
func Negotiate(choice, acceptLanguage, def string, offered []string) string {
	ok := func(l string) bool {
		if !Supported(l) {
			return false
		}
		if offered == nil {
			return true
		}
		for _, o := range offered {
			if o == l {
				return true
			}
		}
		return false
	}
	if choice = strings.ToLower(strings.TrimSpace(choice)); ok(choice) {
		return choice
	}
	var tags []language.Tag
	var langs []string
	for _, l := range Languages {
		if ok(l) {
			tags = append(tags, language.Make(l))
			langs = append(langs, l)
		}
	}
	if len(tags) == 0 {
		return Languages[0]
	}
	if acceptLanguage != "" && len(acceptLanguage) < 512 {
		if prefs, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(prefs) > 0 {
			_, idx, conf := language.NewMatcher(tags).Match(prefs...)
			if conf != language.No {
				return langs[idx]
			}
		}
	}
	if ok(def) {
		return def
	}
	return langs[0]
}
