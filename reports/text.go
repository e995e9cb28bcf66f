package reports

import (
	"fmt"
	"strings"
)

// text is one piece of report prose in every language of the reports. The
// test TestEveryTextInBothLanguages reads this package's source and checks
// that each text{...} literal has a Dutch and an English version with the
// same formatting verbs.
type text struct{ nl, en string }

// Every text is a format string: a literal percent sign is written "%%",
// also in texts that take no arguments, so that any text can gain one.

// raw returns the format string in lang ("nl" or "en").
func (t text) raw(lang string) string {
	if lang == "nl" {
		return t.nl
	}
	return t.en
}

// in returns the text in lang, for a text without arguments.
func (t text) in(lang string) string {
	return strings.ReplaceAll(t.raw(lang), "%%", "%")
}

// f formats the text in lang with args.
func (t text) f(lang string, args ...any) string {
	return fmt.Sprintf(t.raw(lang), args...)
}
