package survey

import (
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// lookalikeKeys are what two department names share when people would
// take one for the other: after Unicode compatibility normalisation
// (NFKC: a full-width Ｉ is an I), with invisible characters removed (a
// zero-width space or joiner, a soft hyphen, variation selectors) and
// white space collapsed, the confusables skeleton of Unicode TR39 of the
// name in capitals and in small letters. The skeleton maps look-alike
// letters of other scripts (a Cyrillic С, a Greek Τ) to one prototype;
// it does not fold case, and some letters look alike only as capitals
// (Greek Ι and Latin I) or only as small letters, hence both. "ict", "ICT"
// with a zero-width space and "IСT" with a Cyrillic С share a key with
// "ICT". Names that share either key resemble each other.
func lookalikeKeys(name string) [2]string {
	s := norm.NFKC.String(name)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Variation_Selector, r), r == '\u034f':
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	s = b.String()
	return [2]string{
		"U" + confusables.Skeleton(strings.ToUpper(s)),
		"L" + confusables.Skeleton(cases.Fold().String(s)),
	}
}

// lookalikes indexes department names by their look-alike keys.
type lookalikes map[string]string

func (l lookalikes) add(name string) {
	for _, k := range lookalikeKeys(name) {
		if _, ok := l[k]; !ok {
			l[k] = name
		}
	}
}

// of returns the indexed name that name resembles, or "".
func (l lookalikes) of(name string) string {
	for _, k := range lookalikeKeys(name) {
		if other, ok := l[k]; ok {
			return other
		}
	}
	return ""
}

// resembles returns the name among existing (skipping the department
// with id self) that looks like name, or "" when none does. A name that
// is exactly an existing one is not a look-alike but the same name: the
// unique constraint answers that.
func resembles(name, self string, existing []departmentRow) string {
	l := lookalikes{}
	for _, r := range existing {
		if r.ID != self && r.Name != name {
			l.add(r.Name)
		}
	}
	return l.of(name)
}

func lookalikeError(name, other string) error {
	e := errorf(EConflict, "department_resembles", "%q looks too much like the existing department %q; choose a name people can tell apart", name, other)
	e.Args = []string{other, name}
	return e
}
