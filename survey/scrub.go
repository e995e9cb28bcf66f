package survey

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace what Scrub removes. They read the same in
// Dutch and English.
const (
	ScrubbedEmail = "[e-mail]"
	ScrubbedPhone = "[tel]"
)

// emailPattern matches an e-mail address, also the common disguises
// "jan (at) example (dot) nl", "jan[at]example.nl" and "jan @ example.nl".
// Plain dots in the domain take no spaces around them, so that the end of a
// sentence after an address stays, and the last label must hold a letter,
// so that "x @ 3.5" is not an address.
var emailPattern = func() *regexp.Regexp {
	const (
		local = `[\p{L}\p{N}._%+'\-]+`
		at    = `(?:\s*@\s*|\s*[(\[{]\s*(?:at|apenstaartje)\s*[)\]}]\s*)`
		label = `[\p{L}\p{N}\-]+`
		dot   = `(?:\.|\s*[(\[{]\s*(?:dot|punt)\s*[)\]}]\s*)`
		tld   = `[\p{L}\p{N}\-]*\p{L}[\p{L}\p{N}\-]*`
	)
	return regexp.MustCompile(`(?i)` + local + at + label + `(?:` + dot + label + `)*` + dot + tld)
}()

// Scrub replaces e-mail addresses and phone numbers in an open comment by
// ScrubbedEmail and ScrubbedPhone, so that a respondent who writes "call me
// on 06 1234 5678" cannot be identified from the stored text. It recognises
//
//   - e-mail addresses, including "(at)"/"[at]"/"(dot)" disguises;
//   - Dutch and Belgian national numbers: a leading 0 and 9 or 10 digits in
//     all, in groups separated by spaces, '-', '.', '/' or an area code in
//     parentheses (06-12345678, 020 123 4567, 0470/12.34.56, 02 123 45 67,
//     (010) 123 45 67);
//   - international numbers: '+' or '00', then 8 to 15 digits in groups,
//     optionally with the trunk prefix "(0)" (+31 6 12345678,
//     +32 (0)470 12 34 56, 0031 20 123 4567, +1 (555) 123-4567).
//
// Dates, years, amounts and other short numbers are left alone. Scrubbing
// errs on the side of removing a little too much.
func Scrub(s string) string {
	s = emailPattern.ReplaceAllLiteralString(s, ScrubbedEmail)
	return scrubPhones(s)
}

// scrubPhones scans for phone numbers as described at Scrub.
func scrubPhones(s string) string {
	var b strings.Builder
	i, copied := 0, 0
	for i < len(s) {
		c := s[i]
		start := c == '+' || c == '0' || c == '(' && i+1 < len(s) && s[i+1] == '0'
		if start && !digitBefore(s, i) {
			if end := phoneAt(s, i); end > i {
				b.WriteString(s[copied:i])
				b.WriteString(ScrubbedPhone)
				i, copied = end, end
				continue
			}
		}
		i++
	}
	if copied == 0 {
		return s
	}
	b.WriteString(s[copied:])
	return b.String()
}

// digitBefore reports whether the rune before s[i] is a digit: then s[i] is
// inside another number, not the start of a phone number.
func digitBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsDigit(r)
}

// phoneAt returns the end of the longest phone number starting at s[i], or
// i when there is none. It reads groups of digits ("0470", "(0)", "(010)")
// separated by short runs of separators and remembers where each group
// ends; the longest prefix ending at a group boundary whose digit count fits
// a format wins. Something that starts like a date (1-2, 1-2 and 4 digits,
// the last 19xx or 20xx) is not a phone number.
func phoneAt(s string, i int) int {
	international := false
	j := i
	switch {
	case s[j] == '+':
		international = true
		j++
	case strings.HasPrefix(s[j:], "00") && j+2 < len(s) && s[j+2] >= '1' && s[j+2] <= '9':
		international = true
		j += 2 // the 00 exit code is not part of the number
	}
	if j >= len(s) || !(isASCIIDigit(s[j]) || s[j] == '(') {
		return i
	}
	best, digits := i, 0
	var groups []string
	for j < len(s) && len(groups) < 12 {
		paren := s[j] == '('
		if paren {
			j++
		}
		g := j
		for j < len(s) && isASCIIDigit(s[j]) {
			j++
		}
		n := j - g
		if n == 0 || n > 15 || !international && n > 10 || paren && n > 5 {
			return best
		}
		groups = append(groups, s[g:j])
		if paren {
			if j >= len(s) || s[j] != ')' {
				return best
			}
			j++
		}
		// A national number opens with an area or mobile code: 0 and at
		// least one more digit ("06", "020", "0470").
		if !international && len(groups) == 1 && (n < 2 || s[g] != '0') {
			return i
		}
		if looksLikeDate(groups) {
			return i
		}
		digits += n
		if fits(international, digits) {
			best = j
		}
		// Separators between groups: up to three characters, spaces and at
		// most one of - . / ; a parenthesised group may touch its
		// neighbours: "+31(0)6".
		k, punct := j, 0
		for k < len(s) && k-j < 3 {
			c := s[k]
			if c == ' ' {
				k++
				continue
			}
			if (c == '-' || c == '.' || c == '/') && punct == 0 {
				punct++
				k++
				continue
			}
			break
		}
		if k < len(s) && ((k > j || paren) && isASCIIDigit(s[k]) || s[k] == '(') {
			j = k
			continue
		}
		break
	}
	return best
}

// looksLikeDate reports whether the groups read so far are a day, a month
// and a year: 01-03-2024, 1/3/1999.
func looksLikeDate(groups []string) bool {
	if len(groups) < 3 {
		return false
	}
	y := groups[2]
	return len(groups[0]) <= 2 && len(groups[1]) <= 2 && len(y) == 4 && (y[:2] == "19" || y[:2] == "20")
}

// fits tells whether a number of digits is a whole phone number: a national
// Dutch or Belgian number has 9 or 10 digits including the leading 0, an
// international one 8 to 15 after the + or 00.
func fits(international bool, digits int) bool {
	if international {
		return digits >= 8 && digits <= 15
	}
	return digits == 9 || digits == 10
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }
