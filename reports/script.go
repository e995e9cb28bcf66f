package reports

import (
	"slices"
	"unicode"
)

// fpdf draws glyphs one after another from left to right and knows
// nothing of scripts that join their letters or run from right to left.
// Arabic and Hebrew text is therefore prepared here: Arabic letters take
// their joined form (the presentation forms of Unicode, which the
// embedded DejaVu Sans has), and a line is put in visual order (right-to-
// left runs reversed, numbers and Latin words inside them kept
// left-to-right). This is a small part of the Unicode bidirectional
// algorithm: enough for a sentence or a name on one line; a long
// right-to-left comment that wraps shows its lines from the bottom up.

// arabicForms are the isolated, final, initial and medial forms of each
// Arabic letter; letters that join only to the preceding letter have no
// initial and medial forms (0).
var arabicForms = map[rune][4]rune{
	0x0621: {0xFE80, 0, 0, 0},
	0x0622: {0xFE81, 0xFE82, 0, 0}, 0x0623: {0xFE83, 0xFE84, 0, 0}, 0x0624: {0xFE85, 0xFE86, 0, 0},
	0x0625: {0xFE87, 0xFE88, 0, 0}, 0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C}, 0x0627: {0xFE8D, 0xFE8E, 0, 0},
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92}, 0x0629: {0xFE93, 0xFE94, 0, 0}, 0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C}, 0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0}, 0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8}, 0x062F: {0xFEA9, 0xFEAA, 0, 0}, 0x0630: {0xFEAB, 0xFEAC, 0, 0},
	0x0631: {0xFEAD, 0xFEAE, 0, 0}, 0x0632: {0xFEAF, 0xFEB0, 0, 0}, 0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8}, 0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC}, 0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}, 0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8}, 0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC},
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0}, 0x0640: {0x0640, 0x0640, 0x0640, 0x0640}, 0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4},
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8}, 0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC}, 0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4}, 0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8}, 0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC},
	0x0648: {0xFEED, 0xFEEE, 0, 0}, 0x0649: {0xFEEF, 0xFEF0, 0, 0}, 0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
}

// lamAlef are the ligatures of lam with a following alef: isolated, final.
var lamAlef = map[rune][2]rune{0x0622: {0xFEF5, 0xFEF6}, 0x0623: {0xFEF7, 0xFEF8}, 0x0625: {0xFEF9, 0xFEFA}, 0x0627: {0xFEFB, 0xFEFC}}

// transparent marks (harakat) do not break the joining of letters.
func transparent(r rune) bool { return unicode.Is(unicode.Mn, r) }

func joinsBothWays(r rune) bool { f, ok := arabicForms[r]; return ok && f[2] != 0 }

// shapeArabic gives every Arabic letter its joined form, in logical order.
func shapeArabic(rs []rune) []rune {
	near := func(i, step int) rune {
		for j := i + step; j >= 0 && j < len(rs); j += step {
			if !transparent(rs[j]) {
				return rs[j]
			}
		}
		return 0
	}
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		forms, ok := arabicForms[r]
		if !ok {
			out = append(out, r)
			continue
		}
		joinPrev := joinsBothWays(near(i, -1))
		if r == 0x0644 && i+1 < len(rs) {
			if lig, ok := lamAlef[rs[i+1]]; ok {
				if joinPrev {
					out = append(out, lig[1])
				} else {
					out = append(out, lig[0])
				}
				i++
				continue
			}
		}
		_, nextArabic := arabicForms[near(i, +1)]
		joinNext := forms[2] != 0 && nextArabic && near(i, +1) != 0x0621
		switch {
		case joinPrev && joinNext:
			out = append(out, forms[3])
		case joinPrev && forms[1] != 0:
			out = append(out, forms[1])
		case joinNext:
			out = append(out, forms[2])
		default:
			out = append(out, forms[0])
		}
	}
	return out
}

// rtl reports a right-to-left letter (Hebrew, Arabic, their presentation
// forms).
func rtl(r rune) bool {
	return (r >= 0x0590 && r <= 0x08FF) || (r >= 0xFB1D && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF)
}

func strongLTR(r rune) bool { return unicode.IsLetter(r) && !rtl(r) }

// mirrored are the characters that turn round in right-to-left text.
var mirrored = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«'}

// visualOrder puts one line of logical text in the left-to-right order
// fpdf draws it in. The line's direction is that of its first strong
// letter. Neutral characters (spaces, punctuation) between two letters of
// the same direction take that direction, others the line's; digits
// always read left to right.
func visualOrder(rs []rune) []rune {
	if !slices.ContainsFunc(rs, rtl) {
		return rs
	}
	base := false // right-to-left line?
	if i := slices.IndexFunc(rs, func(r rune) bool { return rtl(r) || strongLTR(r) }); i >= 0 {
		base = rtl(rs[i])
	}
	// Direction of each character: true for right to left.
	dir := make([]bool, len(rs))
	for i, r := range rs {
		switch {
		case rtl(r) || (transparent(r) && i > 0 && dir[i-1]):
			dir[i] = true
		case strongLTR(r) || unicode.IsDigit(r):
			dir[i] = false
		default: // neutral: resolved below
			prev, next := base, base
			for j := i - 1; j >= 0; j-- {
				if rtl(rs[j]) || strongLTR(rs[j]) || unicode.IsDigit(rs[j]) {
					prev = rtl(rs[j])
					break
				}
			}
			for j := i + 1; j < len(rs); j++ {
				if rtl(rs[j]) || strongLTR(rs[j]) || unicode.IsDigit(rs[j]) {
					next = rtl(rs[j])
					break
				}
			}
			if prev == next {
				dir[i] = prev
			} else {
				dir[i] = base
			}
		}
	}
	// Runs of one direction; right-to-left runs are reversed (mirroring
	// brackets), and in a right-to-left line the runs are too.
	type run struct {
		rtl   bool
		runes []rune
	}
	var runs []run
	for i, r := range rs {
		if len(runs) == 0 || runs[len(runs)-1].rtl != dir[i] {
			runs = append(runs, run{rtl: dir[i]})
		}
		runs[len(runs)-1].runes = append(runs[len(runs)-1].runes, r)
	}
	for i := range runs {
		if runs[i].rtl {
			rev := runs[i].runes
			slices.Reverse(rev)
			// Numbers inside a right-to-left run still read left to right.
			for a := 0; a < len(rev); {
				if !unicode.IsDigit(rev[a]) {
					if m, ok := mirrored[rev[a]]; ok {
						rev[a] = m
					}
					a++
					continue
				}
				b := a
				for b < len(rev) && (unicode.IsDigit(rev[b]) || rev[b] == '.' || rev[b] == ',') {
					b++
				}
				slices.Reverse(rev[a:b])
				a = b
			}
		}
	}
	if base {
		slices.Reverse(runs)
	}
	out := make([]rune, 0, len(rs))
	for _, r := range runs {
		out = append(out, r.runes...)
	}
	return out
}
