package reports

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// numbers formats figures the way a reader of the report's language
// expects them: "3,75" and "[3,69; 3,91]" in Dutch, "3.75" and
// "[3.69, 3.91]" in English. Percentages carry no space in either ("58%").
// A value that rounds to zero never shows a minus sign.
type numbers struct{ lang string }

// dec formats x with prec decimals.
func (n numbers) dec(x float64, prec int) string {
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.HasPrefix(s, "-") && strings.Trim(s, "-0.") == "" {
		s = s[1:]
	}
	if n.lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// signed formats x with an explicit + for positive values.
func (n numbers) signed(x float64, prec int) string {
	s := n.dec(x, prec)
	if !strings.HasPrefix(s, "-") && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s
}

// integer formats a count with a thousands separator (1.234 / 1,234).
func (n numbers) integer(i int) string {
	s := strconv.Itoa(i)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	sep := ","
	if n.lang == "nl" {
		sep = "."
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// pct formats a share (0-1) as a whole percentage.
func (n numbers) pct(share float64) string {
	return n.dec(100*share, 0) + "%"
}

// listSep separates the two bounds of an interval: a comma would be
// ambiguous next to a Dutch decimal comma.
func (n numbers) listSep() string {
	if n.lang == "nl" {
		return "; "
	}
	return ", "
}

// interval formats [lo, hi] with prec decimals.
func (n numbers) interval(lo, hi float64, prec int) string {
	return "[" + n.dec(lo, prec) + n.listSep() + n.dec(hi, prec) + "]"
}

// signedInterval formats [lo, hi] with explicit signs.
func (n numbers) signedInterval(lo, hi float64, prec int) string {
	return "[" + n.signed(lo, prec) + n.listSep() + n.signed(hi, prec) + "]"
}

// pctInterval formats a share interval as percentages.
func (n numbers) pctInterval(lo, hi float64) string {
	return "[" + n.pct(lo) + n.listSep() + n.pct(hi) + "]"
}

// optInterval formats an interval that may be undefined (every answer the
// same): "" then.
func (n numbers) optInterval(lo, hi *float64, prec int) string {
	if lo == nil || hi == nil {
		return ""
	}
	return n.interval(*lo, *hi, prec)
}

var monthNames = map[string][12]string{
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// date formats a day as "31 januari 2026" or "31 January 2026".
func (n numbers) date(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + monthNames[n.lang][t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// finite reports whether x is a usable number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// signedIntervalOpt is signedInterval for an interval that may be undefined.
func (n numbers) signedIntervalOpt(lo, hi *float64, prec int) string {
	if lo == nil || hi == nil {
		return ""
	}
	return n.signedInterval(*lo, *hi, prec)
}
