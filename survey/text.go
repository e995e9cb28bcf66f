package survey

import (
	"unicode"
	"unicode/utf8"
)

// PlainText reports whether s is text a person typed: valid UTF-8 without
// control characters (line breaks and tabs allowed when multiline). Names
// and notes are refused otherwise rather than cleaned: PostgreSQL refuses
// a NUL byte and invalid UTF-8 outright (a 500 where the user should get
// a field error), SQLite would store them as they are and hand them to
// every CSV, file name and PDF that shows the name.
func PlainText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
